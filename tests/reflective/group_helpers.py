"""Shared pieces for the group session tests: a PDU with two teams, its facilitators,
practitioners with stored skill gaps, and sessions written straight into the table."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import User
from learning_app.core.time import LONDON, london_today
from learning_app.org.models import Pdu, Team
from learning_app.profiles.models import SkillProfileRecord
from learning_app.reflective.models import GroupInvitation, GroupSession
from learning_app.reflective.working_days import add_working_days, bank_holidays

THEME = ["rosh-analysis", "safeguarding-enquiries"]
# A working day a week or so ahead, so "not in the past" and "a working day" both hold.
DAY = add_working_days(london_today(), 5, bank_holidays())


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A UK wall-clock time as an aware UTC moment."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def next_weekend_day(after: date) -> date:
    day = after + timedelta(days=1)
    while day.weekday() < 5:
        day += timedelta(days=1)
    return day


def next_bank_holiday(after: date) -> date | None:
    coming = sorted(d for d in bank_holidays() if d > after and d.weekday() < 5)
    return coming[0] if coming else None


@dataclass
class GroupWorld:
    pdu: Pdu
    team: Team  # the SPO's team
    other_team: Team  # same PDU, another SPO
    spo: User
    qdo: User
    ld_lead: User
    ann: User  # the SPO's team: a large risk-critical gap
    bob: User  # the SPO's team: a small gap
    cat: User  # the SPO's team: no gap on the theme
    dan: User  # the other team: a gap


def gap(session, practitioner: User, slug: str, level: float, target: int, weight: float = 1):
    """A stored profile row with ``target - level`` as the gap."""
    value = max(0.0, target - level)
    record = SkillProfileRecord(
        practitioner_id=practitioner.id,
        skill_slug=slug,
        level=level,
        observed_level=level,
        target=target,
        gap=value,
        priority=value * weight,
        evidence_count=3,
        evidence_gap=False,
        as_of=london_today(),
    )
    session.add(record)
    session.flush()
    return record


def build_world(factories, db_session) -> GroupWorld:
    """Needs the published framework (for the skill names) as well."""
    pdu = factories.pdu(name="Leicester PDU")
    team = factories.team(pdu, "City North")
    other = factories.team(pdu, "County South")
    spo = factories.spo(team, name="Sam Spo")
    factories.spo(other, name="Olu Other")
    qdo = factories.user(role=Role.QDO, scope=pdu, grade=Grade.OTHER, name="Quinn Qdo")
    lead = factories.user(role=Role.LD_LEAD, scope=pdu, grade=Grade.OTHER, name="Lee Lead")
    ann = factories.user(team=team, grade=Grade.PSO, name="Ann Able")
    bob = factories.user(team=team, grade=Grade.PO, name="Bob Brown")
    cat = factories.user(team=team, grade=Grade.PO, name="Cat Clark")
    dan = factories.user(team=other, grade=Grade.PQIP, name="Dan Dean")
    gap(db_session, ann, "rosh-analysis", 1.5, 3, weight=2)
    gap(db_session, ann, "safeguarding-enquiries", 2.0, 3)
    gap(db_session, bob, "safeguarding-enquiries", 2.5, 3)
    gap(db_session, cat, "rosh-analysis", 3.0, 3)  # at target: no gap
    gap(db_session, cat, "court-reports", 1.0, 3)  # a gap, but not on the theme
    gap(db_session, dan, "rosh-analysis", 2.0, 3)
    return GroupWorld(pdu, team, other, spo, qdo, lead, ann, bob, cat, dan)


def make_session(
    session,
    facilitator: User,
    pdu: Pdu,
    *,
    starts_at: datetime | None = None,
    capacity: int = 4,
    invited: tuple[User, ...] = (),
    **fields,
) -> GroupSession:
    """A session row (any date, past ones too), with invitations."""
    starts_at = starts_at or at(DAY, 10)
    group = GroupSession(
        uid=f"group-{uuid.uuid4()}@practice-learning",
        facilitator=facilitator,
        pdu_id=pdu.id,
        title="Risk analysis in practice",
        theme_skills=list(THEME),
        capacity=capacity,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1, minutes=30),
        place="Leicester office, room 2",
        **fields,
    )
    session.add(group)
    session.flush()
    for person in invited:
        session.add(GroupInvitation(session_id=group.id, practitioner_id=person.id))
    session.flush()
    session.refresh(group)
    return group
