"""Emails for learning-analysis cycles: "a cycle has opened" to every practitioner in its
scope, and a reminder, 5 working days before it closes, to those who have not submitted.

Who is in scope is who the cycle's completion page counts: every active practitioner in a
team inside the cycle's unit. Run daily; each email has a dedupe key per cycle and person,
so running it again sends nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from learning_app.accounts.models import User
from learning_app.assessments.models import LearningCycle, SelfAssessment
from learning_app.assessments.queries import practitioners_of_teams, teams_of_unit
from learning_app.core.time import london_date
from learning_app.core.wording import long_date
from learning_app.extensions import db
from learning_app.notifications.models import OutboxMessage
from learning_app.notifications.outbox import queue_email
from learning_app.notifications.wording import greeting, page_line, sign_off
from learning_app.reflective.working_days import bank_holidays, working_days_between

REMINDER_WORKING_DAYS = 5


@dataclass(frozen=True)
class CycleEmailSummary:
    opened: int
    reminders: int

    def __str__(self) -> str:
        return f"queued {self.opened} cycle opened emails and {self.reminders} reminders"


def open_cycles(today: date) -> list[LearningCycle]:
    return list(
        db.session.scalars(
            select(LearningCycle)
            .where(
                LearningCycle.closed_at.is_(None),
                LearningCycle.opens_on <= today,
                LearningCycle.closes_on >= today,
            )
            .order_by(LearningCycle.id)
        )
    )


def practitioners_in_scope(cycle: LearningCycle) -> list[User]:
    team_ids = [t.id for t in teams_of_unit(cycle.unit)]
    if not team_ids:
        return []
    return list(db.session.scalars(practitioners_of_teams(team_ids).order_by(User.id)))


def _queued_on(prefix: str) -> dict[str, date]:
    """The messages already queued whose key starts with ``prefix``, and the UK day each was."""
    rows = db.session.execute(
        select(OutboxMessage.dedupe_key, OutboxMessage.created_at).where(
            OutboxMessage.dedupe_key.startswith(prefix, autoescape=True)
        )
    )
    return {key: london_date(created_at) for key, created_at in rows}


def _opened_body(cycle: LearningCycle, person: User) -> str:
    return "\n".join(
        [
            greeting(person.name),
            "",
            f"A learning analysis has started for {cycle.unit.label}: {cycle.name}.",
            "",
            f"Complete your self-assessment by {long_date(cycle.closes_on)}. You rate each"
            " skill, say how confident you are and how you like to learn.",
            "",
            "Your answers, with your observations and reflective discussions, decide the"
            " training offered to you and your team.",
            "",
            page_line("Start your self-assessment", "/self-assessment/", "Self-assessment"),
            "",
            sign_off(),
        ]
    )


def _reminder_body(cycle: LearningCycle, person: User, started: bool) -> str:
    where = (
        "You have started your self-assessment but not submitted it yet."
        if started
        else "You have not started your self-assessment yet."
    )
    return "\n".join(
        [
            greeting(person.name),
            "",
            f"The learning analysis {cycle.name} closes on {long_date(cycle.closes_on)}.",
            "",
            where,
            "",
            page_line("Complete your self-assessment", "/self-assessment/", "Self-assessment"),
            "",
            sign_off(),
        ]
    )


def queue_cycle_emails(today: date) -> CycleEmailSummary:
    """For every cycle open on ``today`` (UK date), queue the "cycle opened" email to each
    practitioner in scope who has not submitted yet, and from 5 working days before it
    closes, a reminder to each who has not submitted. Someone told about the cycle today is
    not reminded the same day. Flushes; never commits."""
    holidays = bank_holidays()
    opened = reminders = 0
    for cycle in open_cycles(today):
        people = practitioners_in_scope(cycle)
        if not people:
            continue
        states = dict(
            db.session.execute(
                select(SelfAssessment.practitioner_id, SelfAssessment.status).where(
                    SelfAssessment.cycle_id == cycle.id
                )
            ).all()
        )
        waiting = [p for p in people if states.get(p.id) != "submitted"]
        opened_keys = _queued_on(f"cycle-opened:{cycle.id}:")
        remind = working_days_between(today, cycle.closes_on, holidays) <= REMINDER_WORKING_DAYS
        reminder_keys = _queued_on(f"cycle-reminder:{cycle.id}:") if remind else {}
        subject = f"Complete your self-assessment by {long_date(cycle.closes_on)}"
        for person in waiting:
            opened_key = f"cycle-opened:{cycle.id}:{person.id}"
            if opened_key not in opened_keys:
                queue_email(
                    person, "cycle-opened", opened_key, subject, _opened_body(cycle, person)
                )
                opened_keys[opened_key] = today
                opened += 1
            reminder_key = f"cycle-reminder:{cycle.id}:{person.id}"
            if not remind or reminder_key in reminder_keys or opened_keys[opened_key] == today:
                continue
            queue_email(
                person,
                "cycle-reminder",
                reminder_key,
                f"Reminder: {subject[0].lower()}{subject[1:]}",
                _reminder_body(cycle, person, started=states.get(person.id) == "draft"),
            )
            reminders += 1
    db.session.flush()
    return CycleEmailSummary(opened, reminders)
