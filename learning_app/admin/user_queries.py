"""The read side of the admin user pages: the filtered list, the organisation units
offered in selects, a user's team history and the audit events about them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.core.audit import AuditEvent
from learning_app.extensions import db
from learning_app.org.models import Pdu, Region, Team, TeamMembership


@dataclass(frozen=True)
class UserFilters:
    q: str | None = None
    team_id: int | None = None
    grade: Grade | None = None
    role: Role | None = None
    active: bool | None = None


def user_list_statement(filters: UserFilters) -> Select:
    """Users matching the filters, by name, with what the list shows loaded."""
    statement = select(User).options(selectinload(User.team), selectinload(User.role_assignments))
    if filters.q:
        pattern = "%" + _escape_like(filters.q.strip().lower()) + "%"
        statement = statement.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
            )
        )
    if filters.team_id is not None:
        statement = statement.where(User.team_id == filters.team_id)
    if filters.grade is not None:
        statement = statement.where(User.grade == filters.grade)
    if filters.role is not None:
        statement = statement.where(
            User.id.in_(select(RoleAssignment.user_id).where(RoleAssignment.role == filters.role))
        )
    if filters.active is not None:
        statement = statement.where(User.active.is_(filters.active))
    return statement.order_by(func.lower(User.name), User.id)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def all_teams() -> list[Team]:
    return list(
        db.session.scalars(
            select(Team)
            .join(Team.pdu)
            .options(selectinload(Team.pdu))
            .order_by(Pdu.name, Team.name)
        )
    )


def all_pdus() -> list[Pdu]:
    return list(
        db.session.scalars(select(Pdu).options(selectinload(Pdu.region)).order_by(Pdu.name))
    )


def all_regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.name)))


def team_history(user: User) -> list[TeamMembership]:
    return list(
        db.session.scalars(
            select(TeamMembership)
            .where(TeamMembership.user_id == user.id)
            .options(selectinload(TeamMembership.team).selectinload(Team.pdu))
            .order_by(TeamMembership.started_on.desc(), TeamMembership.id.desc())
        )
    )


EVENT_LABELS = {
    "user.create": "Account created",
    "user.update": "Details changed",
    "user.team_move": "Moved team",
    "user.deactivate": "Account deactivated",
    "user.reactivate": "Account reactivated",
    "user.role_add": "Role added",
    "user.role_remove": "Role removed",
    "user.password_reset": "Temporary password set by an administrator",
    "password.set": "Password set",
    "password.change": "Changed their password",
    "sign_in": "Signed in",
    "sign_in.failed": "Failed to sign in",
    "sign_in.refused": "Sign-in refused (locked or deactivated)",
    "sign_out": "Signed out",
}


def recent_events_about(user: User, limit: int = 20) -> list[AuditEvent]:
    """The latest audit events whose subject is ``user`` (views of the page left out)."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == User.__tablename__,
                AuditEvent.object_id == str(user.id),
                AuditEvent.action != "user.view",
            )
            .options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
