"""Seed step for group reflective sessions: one the L&D lead runs in a fortnight, with
invitations answered and unanswered, and one spo1 ran three weeks ago, with its attendance.

Invitees are the practitioners the service itself would suggest: those whose stored profiles
show the largest gaps on the theme (``group_queries.candidates``). A session whose ``uid`` is
already there is left alone, so a second run adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from learning_app.core.time import LONDON
from learning_app.demo.seed import SeedContext, demo_email, step_rng
from learning_app.extensions import db
from learning_app.reflective.group_queries import candidates
from learning_app.reflective.models import GroupInvitation, GroupSession
from learning_app.reflective.working_days import add_working_days, bank_holidays


@dataclass(frozen=True)
class SessionPlan:
    uid: str
    facilitator: str  # demo email local part
    title: str
    theme_skills: tuple[str, ...]
    capacity: int
    working_days_from_today: int  # negative: in the past
    starts: time
    place: str


SESSIONS = (
    SessionPlan(
        uid="demo-group-curiosity@practice-learning",
        facilitator="ld.lead",
        title="Disguised compliance and optimism: a case clinic",
        theme_skills=("professional-curiosity", "challenging-conversations"),
        capacity=10,
        working_days_from_today=10,
        starts=time(13, 30),
        place="Leicester (Pocklington's Walk), training room 2",
    ),
    SessionPlan(
        uid="demo-group-safeguarding@practice-learning",
        facilitator="spo1",
        title="Chasing and using safeguarding enquiries",
        theme_skills=("safeguarding-enquiries",),
        capacity=6,
        working_days_from_today=-15,
        starts=time(10),
        place="Leicester (Pocklington's Walk), room 4",
    ),
)


def seed_group_sessions(ctx: SeedContext) -> None:
    rng = step_rng("group-sessions")
    holidays = bank_holidays()
    existing = set(db.session.scalars(select(GroupSession.uid)))
    for plan in SESSIONS:
        if plan.uid in existing:
            continue
        facilitator = ctx.users[demo_email(plan.facilitator)]
        offset = plan.working_days_from_today
        if offset >= 0:
            day = add_working_days(ctx.today, offset, holidays)
        else:
            day = ctx.today - timedelta(days=-offset * 7 // 5)
            while day.weekday() >= 5 or day in holidays:
                day -= timedelta(days=1)
        starts_at = datetime.combine(day, plan.starts, tzinfo=LONDON).astimezone(UTC)
        session = GroupSession(
            uid=plan.uid,
            facilitator=facilitator,
            pdu_id=ctx.pdu.id,
            title=plan.title,
            theme_skills=list(plan.theme_skills),
            capacity=plan.capacity,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            place=plan.place,
        )
        db.session.add(session)
        db.session.flush()
        past = offset < 0
        invitees = [c.practitioner for c in candidates(session)][: plan.capacity]
        for number, practitioner in enumerate(invitees):
            response = None if not past and number % 3 == 2 else "accepted"
            if not past and number % 5 == 4:
                response = "declined"
            db.session.add(
                GroupInvitation(
                    session=session,
                    practitioner=practitioner,
                    invited_at=starts_at - timedelta(days=14),
                    response=response,
                    attended=(rng.random() < 0.8) if past else None,
                )
            )
        if past:
            session.attendance_recorded_at = session.ends_at + timedelta(hours=1)
        db.session.flush()
        ctx.summary.created["group sessions"] += 1
        ctx.summary.created["group invitations"] += len(invitees)
