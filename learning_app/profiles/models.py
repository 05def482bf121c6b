"""Stored skill profiles: one row per practitioner and skill, kept current with the evidence."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from learning_app.core.models import utcnow
from learning_app.extensions import db


class SkillProfileRecord(db.Model):
    """The output of ``profiles.calculation.build_profile`` for one practitioner and skill.

    Skills are keyed by slug, so a profile carries across framework versions.
    """

    __tablename__ = "skill_profiles"
    __table_args__ = (
        CheckConstraint("gap >= 0", name="gap_not_negative"),
        CheckConstraint("priority >= 0", name="priority_not_negative"),
        CheckConstraint("self_level IS NULL OR self_level BETWEEN 1 AND 4", name="self_in_range"),
        CheckConstraint(
            "observed_level IS NULL OR observed_level BETWEEN 1 AND 4", name="observed_in_range"
        ),
        CheckConstraint("level IS NULL OR level BETWEEN 1 AND 4", name="level_in_range"),
        Index("ix_skill_profiles_skill_slug", "skill_slug"),
    )

    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    skill_slug: Mapped[str] = mapped_column(String(60), primary_key=True)
    self_level: Mapped[int | None] = mapped_column(Integer)
    observed_level: Mapped[float | None] = mapped_column(Float)
    evidence_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    latest_evidence_on: Mapped[date | None] = mapped_column(Date)
    evidence_gap: Mapped[bool] = mapped_column(Boolean, default=True)
    level: Mapped[float | None] = mapped_column(Float)
    self_reported: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    target: Mapped[int | None] = mapped_column(Integer)
    gap: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    blind_spot: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    under_confidence: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    priority: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    as_of: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
