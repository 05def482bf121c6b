"""The emails about a discussion's time: booked, moved and cancelled.

Each is queued in the outbox in the same transaction as the change, once per person and
per version of the discussion (``sequence``): ``discussion-booked:{id}:{sequence}:{user}``.
``booked_emails`` and ``moved_emails`` only build the messages, so that the placer can
queue a whole run's together; ``discussion_booked`` and the others queue them at once.
They name the other person and the London time, and never a case reference or anything
about a person on probation: only the kind of reason the discussion is for.
"""

from __future__ import annotations

from datetime import datetime

from learning_app.accounts.models import User
from learning_app.core.wording import clock_time, day_and_time, long_date
from learning_app.extensions import db
from learning_app.notifications.outbox import Email, queue_emails
from learning_app.reflective.models import Discussion

SIGN_OFF = (
    "You can accept, move or cancel it in Practice Learning: sign in and go to "
    "Reflective discussions."
)
FOOTER = "This email was sent by Practice Learning. Do not reply to it."


def _people(discussion: Discussion) -> list[tuple[User, User]]:
    """(recipient, the other person) for the practitioner and the SPO."""
    if discussion.spo is None:
        return [(discussion.practitioner, discussion.practitioner)]
    return [
        (discussion.practitioner, discussion.spo),
        (discussion.spo, discussion.practitioner),
    ]


def _what(discussion: Discussion) -> str:
    return f"What it is for: {discussion.rule_label}."


def _body(recipient: User, paragraphs: list[str]) -> str:
    return "\n\n".join([f"Dear {recipient.name},", *paragraphs, FOOTER]) + "\n"


def _email(
    kind: str, discussion: Discussion, recipient: User, subject: str, paragraphs: list[str]
) -> Email:
    return Email(
        recipient,
        kind,
        f"{kind}:{discussion.id}:{discussion.sequence}:{recipient.id}",
        subject,
        _body(recipient, paragraphs),
    )


def _queue(emails: list[Email]) -> None:
    queue_emails(emails)
    db.session.flush()


def discussion_booked(discussion: Discussion) -> None:
    """Tell both people the time the service has booked."""
    _queue(booked_emails(discussion))


def booked_emails(discussion: Discussion) -> list[Email]:
    """The emails telling both people the time the service has booked (not queued)."""
    when = day_and_time(discussion.starts_at)
    until = clock_time(discussion.ends_at)
    return [
        _email(
            "discussion-booked",
            discussion,
            recipient,
            f"Reflective discussion booked for {when}",
            [
                f"A reflective discussion with {other.name} has been booked for {when} "
                f"(until {until}).",
                _what(discussion),
                f"It is due by {long_date(discussion.due_on)}.",
                SIGN_OFF,
            ],
        )
        for recipient, other in _people(discussion)
    ]


def _cause(recipient: User, moved_by: User | None, on_leave: User | None) -> str:
    if moved_by is not None:
        return "You moved it." if moved_by.id == recipient.id else f"{moved_by.name} moved it."
    if on_leave is not None:
        who = "you are" if on_leave.id == recipient.id else f"{on_leave.name} is"
        return f"It was moved because {who} on leave that day."
    return "It was moved."


def discussion_moved(
    discussion: Discussion,
    old_starts_at: datetime,
    *,
    moved_by: User | None = None,
    on_leave: User | None = None,
) -> None:
    """Tell both people about a new time, or that a new time is still to be found.

    ``moved_by`` is the person who chose the new time; ``on_leave`` the person whose leave
    made the service move it.
    """
    _queue(moved_emails(discussion, old_starts_at, moved_by=moved_by, on_leave=on_leave))


def moved_emails(
    discussion: Discussion,
    old_starts_at: datetime,
    *,
    moved_by: User | None = None,
    on_leave: User | None = None,
) -> list[Email]:
    """The emails of ``discussion_moved``, built but not queued."""
    old = day_and_time(old_starts_at)
    emails = []
    for recipient, other in _people(discussion):
        cause = _cause(recipient, moved_by, on_leave)
        if discussion.holds_slot:
            when = day_and_time(discussion.starts_at)
            subject = f"Reflective discussion moved to {when}"
            news = (
                f"Your reflective discussion with {other.name} on {old} has moved to {when} "
                f"(until {clock_time(discussion.ends_at)}). {cause}"
            )
        else:
            subject = "Reflective discussion moved: a new time is still to be booked"
            news = (
                f"Your reflective discussion with {other.name} on {old} is no longer at that "
                f"time. {cause} A new time has not been found yet: you will get an email "
                "when it is booked."
            )
        paragraphs = [
            news,
            _what(discussion),
            f"It is due by {long_date(discussion.due_on)}.",
            SIGN_OFF,
        ]
        emails.append(_email("discussion-moved", discussion, recipient, subject, paragraphs))
    return emails


def discussion_cancelled(discussion: Discussion, cancelled_by: User, replaced: bool) -> None:
    """Tell both people a booked discussion is cancelled, and whether another will follow.

    The reason given is not repeated: it stays in the service, where access is controlled.
    """
    when = day_and_time(discussion.starts_at)
    emails = []
    for recipient, other in _people(discussion):
        if cancelled_by.id == recipient.id:
            news = f"You cancelled your reflective discussion with {other.name} on {when}."
        else:
            news = f"{cancelled_by.name} cancelled your reflective discussion on {when}."
        next_step = (
            "A new discussion is needed for the same reason: you will get an email when it "
            "is booked."
            if replaced
            else "You can see the reason in Practice Learning: sign in and go to "
            "Reflective discussions."
        )
        subject = f"Reflective discussion on {when} cancelled"
        paragraphs = [news, _what(discussion), next_step]
        emails.append(_email("discussion-cancelled", discussion, recipient, subject, paragraphs))
    _queue(emails)
