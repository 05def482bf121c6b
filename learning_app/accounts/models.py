"""Users and their role assignments."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
    select,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning_app.accounts.constants import Band, Grade, Role, experience_band
from learning_app.core.models import TimestampMixin
from learning_app.extensions import db

if TYPE_CHECKING:
    from learning_app.org.models import Pdu, Region, Team

GRADE_VALUES = ", ".join(f"'{g.value}'" for g in Grade)
ROLE_VALUES = ", ".join(f"'{r.value}'" for r in Role)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # Emails are stored lower-cased, so the unique constraint holds regardless of case.
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint(f"grade IN ({GRADE_VALUES})", name="grade_known"),
        CheckConstraint("failed_sign_in_count >= 0", name="failed_count_not_negative"),
        CheckConstraint(
            "qualified_on IS NULL OR grade IN ('PO', 'SPO', 'OTHER')",
            name="qualified_only_when_qualified_grade",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    grade: Mapped[str] = mapped_column(String(10))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    started_on: Mapped[date | None] = mapped_column(Date)
    qualified_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    password_hash: Mapped[str | None] = mapped_column(String(255))
    failed_sign_in_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Changing the password bumps this, which signs out every other session.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    team: Mapped[Team | None] = relationship(foreign_keys=[team_id])
    role_assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RoleAssignment.id"
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    # Flask-Login: the session carries the version, so bumping it ends old sessions.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def roles(self) -> set[Role]:
        return {Role(a.role) for a in self.role_assignments}

    def has_role(self, *roles: Role | str) -> bool:
        mine = self.roles
        return any(Role(r) in mine for r in roles)

    def band(self, today: date) -> Band | None:
        return experience_band(self.grade, self.qualified_on, today)

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label


class RoleAssignment(TimestampMixin, db.Model):
    """A role held within a scope: a team, a PDU or a region (none for admin and practitioner)."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        CheckConstraint(f"role IN ({ROLE_VALUES})", name="role_known"),
        CheckConstraint(
            "(CASE WHEN team_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN pdu_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN region_id IS NULL THEN 0 ELSE 1 END)"
            " = CASE WHEN role IN ('admin', 'practitioner') THEN 0 ELSE 1 END",
            name="scope_matches_role",
        ),
        CheckConstraint("role <> 'spo' OR team_id IS NOT NULL", name="spo_scoped_to_team"),
        CheckConstraint("role <> 'qdo' OR pdu_id IS NOT NULL", name="qdo_scoped_to_pdu"),
        UniqueConstraint("user_id", "role", "team_id", "pdu_id", "region_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    pdu_id: Mapped[int | None] = mapped_column(ForeignKey("pdus.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)

    user: Mapped[User] = relationship(back_populates="role_assignments")
    team: Mapped[Team | None] = relationship()
    pdu: Mapped[Pdu | None] = relationship()
    region: Mapped[Region | None] = relationship()

    @property
    def scope(self) -> Team | Pdu | Region | None:
        return self.team or self.pdu or self.region

    @property
    def scope_label(self) -> str:
        scope = self.scope
        if scope is None:
            return "Whole service" if self.role == Role.ADMIN else "Own records"
        return scope.label


def holds_role(role: Role):
    """A condition on ``User`` in a query: the user holds ``role``, in any scope."""
    return (
        select(RoleAssignment.id)
        .where(RoleAssignment.user_id == User.id, RoleAssignment.role == Role(role).value)
        .exists()
    )
