"""Learning-analysis cycles and self-assessments (DESIGN.md 5.1)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning_app.core.models import TimestampMixin
from learning_app.extensions import db
from learning_app.org.scope import UnitScopeMixin

if TYPE_CHECKING:
    from learning_app.accounts.models import User
    from learning_app.framework.models import FrameworkVersion, Skill


class LearningPreference(enum.StrEnum):
    FACE_TO_FACE = "face_to_face"
    ONLINE = "online"
    COACHING = "coaching"
    SHADOWING = "shadowing"

    @property
    def label(self) -> str:
        return {
            "face_to_face": "Face-to-face training",
            "online": "Online learning",
            "coaching": "Coaching",
            "shadowing": "Shadowing a colleague",
        }[self.value]


class Confidence(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class LearningCycle(UnitScopeMixin, TimestampMixin, db.Model):
    """A learning-analysis cycle: everyone in scope is asked for a self-assessment."""

    __tablename__ = "learning_cycles"
    __table_args__ = (
        UnitScopeMixin.one_unit_check(),
        CheckConstraint("closes_on >= opens_on", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def is_open(self, today: date) -> bool:
        return self.closed_at is None and self.opens_on <= today <= self.closes_on


class SelfAssessment(TimestampMixin, db.Model):
    """A practitioner's ratings of every skill of one framework version; frozen when submitted."""

    __tablename__ = "self_assessments"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted')", name="status_known"),
        CheckConstraint(
            "(status = 'submitted') = (submitted_at IS NOT NULL)", name="submitted_has_time"
        ),
        # One self-assessment per person per cycle, and one draft at a time.
        UniqueConstraint("practitioner_id", "cycle_id"),
        Index(
            "uq_self_assessments_one_draft",
            "practitioner_id",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("learning_cycles.id"), index=True)
    framework_version_id: Mapped[int] = mapped_column(ForeignKey("framework_versions.id"))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    learning_preferences: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    practitioner: Mapped[User] = relationship()
    cycle: Mapped[LearningCycle | None] = relationship()
    framework_version: Mapped[FrameworkVersion] = relationship()
    ratings: Mapped[list[SelfRating]] = relationship(
        back_populates="self_assessment", cascade="all, delete-orphan"
    )

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"


class SelfRating(db.Model):
    __tablename__ = "self_ratings"
    __table_args__ = (
        UniqueConstraint("self_assessment_id", "skill_id"),
        CheckConstraint("level BETWEEN 1 AND 4", name="level_in_range"),
        CheckConstraint(
            "confidence IS NULL OR confidence IN ('low', 'medium', 'high')",
            name="confidence_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    self_assessment_id: Mapped[int] = mapped_column(ForeignKey("self_assessments.id"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[str | None] = mapped_column(String(10))
    comment: Mapped[str | None] = mapped_column(Text)

    self_assessment: Mapped[SelfAssessment] = relationship(back_populates="ratings")
    skill: Mapped[Skill] = relationship()
