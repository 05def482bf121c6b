"""The audit log: who did what to which record, when, and from where."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning_app.core.models import utcnow
from learning_app.extensions import db

if TYPE_CHECKING:
    from learning_app.accounts.models import User


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_occurred_at", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[str | None] = mapped_column(String(50))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


def record(
    actor: User | None,
    action: str,
    obj: Any = None,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    detail: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction.

    ``obj`` is any model instance; its table name and id are recorded. Callers
    commit as part of the change being audited, so the event and the change
    stand or fall together.
    """
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    if ip_address is None:
        ip_address = _request_ip()
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type or "-",
        object_id=str(object_id) if object_id is not None else None,
        detail=detail,
        ip_address=ip_address,
    )
    db.session.add(event)
    return event


def _request_ip() -> str | None:
    # Services never read the request; the audit log is the one exception, because
    # the IP address belongs to the event, not to the use case.
    from flask import has_request_context, request

    if has_request_context():
        return request.remote_addr
    return None
