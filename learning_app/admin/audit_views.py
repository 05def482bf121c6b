"""The audit log page: every recorded event, newest first, filtered by GET parameters.

Reading the audit log is not itself audited (it would flood the log with its own
reads); every change made from the admin pages is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request, url_for
from sqlalchemy import Select, null, or_, select
from sqlalchemy.orm import contains_eager

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User
from learning_app.admin.audit_forms import AuditFilterForm
from learning_app.core.audit import AuditEvent
from learning_app.core.pagination import paginate
from learning_app.core.policy import allow
from learning_app.core.time import aware
from learning_app.extensions import db

bp = Blueprint("admin_audit", __name__, url_prefix="/admin/audit-log")

LONDON = ZoneInfo("Europe/London")
PER_PAGE = 50
DETAIL_LIMIT = 160
USER_PAGE_ENDPOINT = "admin_users.show"


@bp.route("/")
@allow(Role.ADMIN)
def index():
    form = AuditFilterForm(formdata=request.args or None, actions=distinct_actions())
    page = None
    rows: list[AuditRow] = []
    if not request.args or form.validate():
        statement = events_statement(
            actor=form.actor.data or None,
            action=form.action.data or None,
            date_from=form.date_from.date,
            date_to=form.date_to.date,
        )
        page = paginate(statement, PER_PAGE)
        link_users = USER_PAGE_ENDPOINT in current_app.view_functions
        rows = [AuditRow.of(event, link_users) for event in page.items]
    return render_template(
        "admin/audit/index.html",
        form=form,
        page=page,
        rows=rows,
        pagination=page.govuk_params("admin_audit.index") if page else None,
        filtered=bool(request.args) and any(v for k, v in request.args.items() if k != "page"),
    )


# Read side ----------------------------------------------------------------------


def distinct_actions() -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )


def _utc_midnight(day: date) -> datetime:
    """The start of a London day, in UTC (the audit log stores UTC)."""
    return datetime.combine(day, time.min, LONDON).astimezone(UTC)


def events_statement(
    *,
    actor: str | None = None,
    action: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Select:
    """Audit events, newest first; dates are London days, both ends included."""
    statement = (
        select(AuditEvent)
        .outerjoin(User, AuditEvent.actor_id == User.id)
        .options(contains_eager(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    if actor:
        if actor.lower() == "system":
            statement = statement.where(AuditEvent.actor_id.is_(null()))
        else:
            statement = statement.where(
                or_(
                    User.email.icontains(actor.lower(), autoescape=True),
                    User.name.icontains(actor, autoescape=True),
                )
            )
    if action:
        statement = statement.where(AuditEvent.action == action)
    if date_from:
        statement = statement.where(AuditEvent.occurred_at >= _utc_midnight(date_from))
    if date_to:
        next_day = _utc_midnight(date_to + timedelta(days=1))
        statement = statement.where(AuditEvent.occurred_at < next_day)
    return statement


@dataclass(frozen=True)
class AuditRow:
    """One event, shaped for the table."""

    occurred_at: datetime
    actor_name: str | None
    actor_email: str | None
    action: str
    object_label: str
    object_url: str | None
    ip_address: str
    detail: str

    @classmethod
    def of(cls, event: AuditEvent, link_users: bool) -> AuditRow:
        occurred_at = aware(event.occurred_at)
        object_url = None
        if link_users and event.object_type == "users" and (event.object_id or "").isdigit():
            object_url = url_for(USER_PAGE_ENDPOINT, user_id=int(event.object_id))
        label = event.object_type
        if event.object_id is not None:
            label = f"{event.object_type} {event.object_id}"
        return cls(
            occurred_at=occurred_at,
            actor_name=event.actor.name if event.actor else None,
            actor_email=event.actor.email if event.actor else None,
            action=event.action,
            object_label=label,
            object_url=object_url,
            ip_address=event.ip_address or "",
            detail=compact_detail(event.detail),
        )


def compact_detail(detail: Any) -> str:
    """A one-line reading of an event's detail, cut short when long."""
    if not detail:
        return ""
    if isinstance(detail, dict):
        parts = []
        for key, value in detail.items():
            if isinstance(value, list) and len(value) == 2:
                value = f"{_value(value[0])} → {_value(value[1])}"
            else:
                value = _value(value)
            parts.append(f"{key}: {value}")
        text = "; ".join(parts)
    else:
        text = _value(detail)
    return text if len(text) <= DETAIL_LIMIT else text[: DETAIL_LIMIT - 1] + "…"


def _value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value)
    return str(value)
