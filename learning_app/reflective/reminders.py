"""Reminders before a booked discussion, and escalation of overdue ones to the SPO's manager.

Both only queue emails in the outbox (the sender delivers them) and are safe to run again
at any time: every email has a dedupe key, and an escalated discussion has
``escalated_at`` set in the same transaction as its emails.

No email says anything about a case: not its reference, not what happened on it. They
name the two members of staff, the time and why the discussion is due.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from learning_app.accounts.constants import Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.core import audit
from learning_app.core.time import aware, london_date
from learning_app.core.wording import day_and_time, long_date
from learning_app.extensions import db
from learning_app.notifications.outbox import queue_email
from learning_app.notifications.wording import greeting, page_line, sign_off
from learning_app.org.models import Pdu, Team
from learning_app.reflective.models import Discussion, DiscussionStatus
from learning_app.reflective.working_days import add_working_days, bank_holidays

REMINDER_WORKING_DAYS = 2
# Two working days never span more than this (a weekend with two bank holidays beside it).
_REMINDER_HORIZON = timedelta(days=10)

OVERDUE_STATUSES = (DiscussionStatus.DUE.value, DiscussionStatus.BOOKED.value)


# Reminders --------------------------------------------------------------------------------


def reminder_dedupe_key(discussion: Discussion, recipient: User) -> str:
    """Per discussion, per version of its time and per person: a moved discussion has a
    higher ``sequence``, so it gets a reminder of its own."""
    return f"reminder:{discussion.id}:{discussion.sequence}:{recipient.id}"


def _reminder_body(discussion: Discussion, recipient: User, other: User) -> str:
    assert discussion.starts_at is not None
    lines = [
        greeting(recipient.name),
        "",
        f"Your reflective discussion with {other.name} is on {day_and_time(discussion.starts_at)}.",
        "",
        f"Why it is due: {discussion.reason_label.lower()}.",
        "",
    ]
    if recipient.id == discussion.practitioner_id:
        lines.append(
            "Before you meet, write down what you think and what you plan to do, so that"
            " you can talk it through."
        )
    else:
        lines.append("Before you meet, read what they have written down to bring to it.")
    lines += [
        "",
        "If you cannot make this time, move the discussion to another free time or cancel it"
        " and say why.",
        "",
        page_line("See your reflective discussions", "/discussions", "Reflective discussions"),
        "",
        sign_off(),
    ]
    return "\n".join(lines)


def reminder_subject(discussion: Discussion) -> str:
    assert discussion.starts_at is not None
    return f"Reminder: reflective discussion on {long_date(london_date(discussion.starts_at))}"


def queue_reminders(now: datetime) -> int:
    """Queue a reminder to both people for every booked discussion that starts within two
    working days of today (UK time) and has not started yet; return how many were queued.

    Hourly runs pick up discussions as they come into the window; one that is moved gets a
    new reminder for its new time. Flushes; never commits.
    """
    today = london_date(now)
    last_day = add_working_days(today, REMINDER_WORKING_DAYS, bank_holidays())
    discussions = db.session.scalars(
        select(Discussion)
        .where(
            Discussion.status == DiscussionStatus.BOOKED.value,
            Discussion.starts_at > now,
            Discussion.starts_at < now + _REMINDER_HORIZON,
        )
        .options(joinedload(Discussion.practitioner), joinedload(Discussion.spo))
        .order_by(Discussion.starts_at, Discussion.id)
    )
    queued = 0
    for discussion in discussions:
        if discussion.spo is None or london_date(aware(discussion.starts_at)) > last_day:
            continue
        pair = (
            (discussion.practitioner, discussion.spo),
            (discussion.spo, discussion.practitioner),
        )
        for recipient, other in pair:
            if not recipient.active:
                continue
            message = queue_email(
                recipient,
                "discussion-reminder",
                reminder_dedupe_key(discussion, recipient),
                reminder_subject(discussion),
                _reminder_body(discussion, recipient, other),
            )
            queued += message is not None
    return queued


# Escalation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationSummary:
    escalated: int
    emails: int
    without_manager: int

    def __str__(self) -> str:
        line = f"escalated {self.escalated} overdue discussions, queued {self.emails} emails"
        if self.without_manager:
            line += (
                f"; {self.without_manager} have no leader to tell (none for their PDU or region)"
            )
        return line


def _leaders(condition) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(RoleAssignment.role == Role.LEADER.value, condition, User.active.is_(True))
            .distinct()
            .order_by(User.id)
        )
    )


def managers_of(practitioner: User) -> list[User]:
    """Who an overdue discussion is escalated to: the leaders (Heads of PDU) of the
    practitioner's PDU or, when it has none, of its region."""
    team = practitioner.team
    if team is None:
        return []
    leaders = _leaders(RoleAssignment.pdu_id == team.pdu_id)
    return leaders or _leaders(RoleAssignment.region_id == team.pdu.region_id)


def _escalation_body(discussion: Discussion, manager: User) -> str:
    spo = discussion.spo
    with_whom = (
        f"{discussion.practitioner.name} and their senior probation officer, {spo.name},"
        if spo is not None
        else f"{discussion.practitioner.name}, who has no senior probation officer,"
    )
    lines = [
        greeting(manager.name),
        "",
        f"A reflective discussion for {with_whom} was due by {long_date(discussion.due_on)}"
        " and has not taken place.",
        "",
        f"Why it was due: {discussion.reason_label.lower()}.",
    ]
    if discussion.status == DiscussionStatus.BOOKED.value and discussion.starts_at is not None:
        lines.append(f"It is booked for {day_and_time(discussion.starts_at)}.")
    else:
        lines.append("It has not been booked: there was no free time before the due date.")
    lines += [
        "",
        "Reflective discussions are the management oversight that replaces countersigning."
        " An overdue one may mean the senior probation officer needs more time for them.",
        "",
        page_line("See overdue and at risk discussions", "/oversight", "Oversight"),
        "",
        sign_off(),
    ]
    return "\n".join(lines)


def overdue_discussions(today: date) -> Iterable[Discussion]:
    return db.session.scalars(
        select(Discussion)
        .where(
            Discussion.status.in_(OVERDUE_STATUSES),
            Discussion.due_on < today,
            Discussion.escalated_at.is_(None),
        )
        .options(
            joinedload(Discussion.practitioner)
            .joinedload(User.team)
            .joinedload(Team.pdu)
            .joinedload(Pdu.region),
            joinedload(Discussion.spo),
        )
        .order_by(Discussion.due_on, Discussion.id)
    )


def escalate_overdue(today: date, now: datetime) -> EscalationSummary:
    """Tell the SPO's manager about every discussion past its due date (UK ``today``) that
    has not taken place and was not escalated before; set ``escalated_at``.

    A discussion whose practitioner has no leader above them is left unescalated, so it
    goes out once a leader is given the PDU or region. Flushes; never commits.
    """
    escalated = emails = without_manager = 0
    managers_by_pdu: dict[int | None, list[User]] = {}
    for discussion in list(overdue_discussions(today)):
        practitioner = discussion.practitioner
        key = practitioner.team.pdu_id if practitioner.team else None
        if key not in managers_by_pdu:
            managers_by_pdu[key] = managers_of(practitioner)
        managers = managers_by_pdu[key]
        if not managers:
            without_manager += 1
            continue
        subject = f"Overdue reflective discussion: {practitioner.name}"
        for manager in managers:
            message = queue_email(
                manager,
                "discussion-overdue",
                f"overdue:{discussion.id}:{manager.id}",
                subject,
                _escalation_body(discussion, manager),
            )
            emails += message is not None
        discussion.escalated_at = now
        audit.record(
            None,
            "discussion.escalated",
            discussion,
            detail={"due_on": discussion.due_on.isoformat(), "to": [m.id for m in managers]},
        )
        escalated += 1
    db.session.flush()
    return EscalationSummary(escalated, emails, without_manager)
