"""Regions, probation delivery units (PDUs), teams and team membership history."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning_app.core.models import TimestampMixin
from learning_app.extensions import db

if TYPE_CHECKING:
    from learning_app.accounts.models import User


class Region(TimestampMixin, db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    pdus: Mapped[list[Pdu]] = relationship(back_populates="region", order_by="Pdu.name")

    @property
    def label(self) -> str:
        return f"{self.name} (region)"


class Pdu(TimestampMixin, db.Model):
    __tablename__ = "pdus"
    __table_args__ = (UniqueConstraint("region_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))

    region: Mapped[Region] = relationship(back_populates="pdus")
    teams: Mapped[list[Team]] = relationship(back_populates="pdu", order_by="Team.name")

    @property
    def label(self) -> str:
        return f"{self.name} (PDU)"


class Team(TimestampMixin, db.Model):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("pdu_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pdu_id: Mapped[int] = mapped_column(ForeignKey("pdus.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    site: Mapped[str] = mapped_column(String(120))

    pdu: Mapped[Pdu] = relationship(back_populates="teams")

    @property
    def label(self) -> str:
        return f"{self.name} (team)"


class TeamMembership(TimestampMixin, db.Model):
    """A dated spell of a user in a team; the open spell is the current team."""

    __tablename__ = "team_memberships"
    __table_args__ = (
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
        # At most one open membership per user.
        Index(
            "uq_team_memberships_open",
            "user_id",
            unique=True,
            sqlite_where=text("ended_on IS NULL"),
            postgresql_where=text("ended_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    user: Mapped[User] = relationship()
    team: Mapped[Team] = relationship()
