"""Queueing email: a message joins the outbox in the caller's transaction, once per key."""

from __future__ import annotations

from sqlalchemy import select

from learning_app.accounts.models import User
from learning_app.extensions import db
from learning_app.notifications.models import OutboxMessage


def queue_email(
    recipient: User, kind: str, dedupe_key: str, subject: str, body: str
) -> OutboxMessage | None:
    """Add a message for ``recipient`` unless one with ``dedupe_key`` is already queued.

    Returns the new message, or None when the key was used before (a job run twice, a
    repeated change). The unique index on ``dedupe_key`` backs this up: a second writer
    racing this one fails its transaction rather than queueing a copy. Messages must never
    carry a case reference or anything about a person on probation.
    """
    exists = db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    )
    if exists is not None:
        return None
    message = OutboxMessage(
        dedupe_key=dedupe_key,
        kind=kind,
        recipient_id=recipient.id,
        to_address=recipient.email,
        subject=subject,
        body=body,
    )
    db.session.add(message)
    db.session.flush()
    return message
