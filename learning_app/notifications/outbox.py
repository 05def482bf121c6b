"""Queueing email: a message joins the outbox in the caller's transaction, once per key."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from learning_app.accounts.models import User
from learning_app.extensions import db
from learning_app.notifications.models import OutboxMessage

# Keys looked up per query: well under the bound-parameter limits of SQLite and PostgreSQL.
KEYS_PER_QUERY = 500


@dataclass(frozen=True)
class Email:
    """One message to queue; ``dedupe_key`` says what it is about, so it is queued once."""

    recipient: User
    kind: str
    dedupe_key: str
    subject: str
    body: str


def queue_email(
    recipient: User, kind: str, dedupe_key: str, subject: str, body: str
) -> OutboxMessage | None:
    """Add a message for ``recipient`` unless one with ``dedupe_key`` is already queued.

    Returns the new message (flushed, so it has its id), or None when the key was used
    before (a job run twice, a repeated change). The unique index on ``dedupe_key`` backs
    this up: a second writer racing this one fails its transaction rather than queueing a
    copy. Messages must never carry a case reference or anything about a person on
    probation.
    """
    queued = queue_emails([Email(recipient, kind, dedupe_key, subject, body)])
    if not queued:
        return None
    db.session.flush()
    return queued[0]


def queue_emails(emails: Iterable[Email]) -> list[OutboxMessage]:
    """Add every message whose ``dedupe_key`` is not already queued; return the new ones.

    One query per 500 keys finds the keys used before; a key given twice is queued once
    (the first message). The new messages are added to the session without a flush, so
    they are written together at the next flush or commit, where the unique index on
    ``dedupe_key`` still refuses a copy queued by a writer racing this one.
    """
    wanted: dict[str, Email] = {}
    for email in emails:
        wanted.setdefault(email.dedupe_key, email)
    keys = list(wanted)
    used: set[str] = set()
    for first in range(0, len(keys), KEYS_PER_QUERY):
        chunk = keys[first : first + KEYS_PER_QUERY]
        used.update(
            db.session.scalars(
                select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(chunk))
            )
        )
    messages = [
        OutboxMessage(
            dedupe_key=email.dedupe_key,
            kind=email.kind,
            recipient_id=email.recipient.id,
            to_address=email.recipient.email,
            subject=email.subject,
            body=email.body,
        )
        for key, email in wanted.items()
        if key not in used
    ]
    db.session.add_all(messages)
    return messages
