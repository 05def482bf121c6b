"""The training catalogue, skill mapping, learning plans and cohorts (DESIGN.md section 7)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

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
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning_app.core.models import TimestampMixin
from learning_app.extensions import db

if TYPE_CHECKING:
    from learning_app.accounts.models import User


class DeliveryMode(enum.StrEnum):
    E_LEARNING = "e_learning"
    FACE_TO_FACE = "face_to_face"
    BLENDED = "blended"
    COACHING = "coaching"
    SHADOWING = "shadowing"
    REFLECTIVE_GROUP = "reflective_group"

    @property
    def label(self) -> str:
        return DELIVERY_MODE_LABELS[self]

    @property
    def in_person(self) -> bool:
        """Counts towards the blended offer for a risk-critical gap."""
        return self in (DeliveryMode.FACE_TO_FACE, DeliveryMode.COACHING, DeliveryMode.SHADOWING)


DELIVERY_MODE_LABELS = {
    DeliveryMode.E_LEARNING: "E-learning",
    DeliveryMode.FACE_TO_FACE: "Face-to-face",
    DeliveryMode.BLENDED: "Blended",
    DeliveryMode.COACHING: "Coaching",
    DeliveryMode.SHADOWING: "Shadowing",
    DeliveryMode.REFLECTIVE_GROUP: "Reflective group",
}
MODE_VALUES = ", ".join(f"'{m.value}'" for m in DeliveryMode)


class TrainingModule(TimestampMixin, db.Model):
    __tablename__ = "training_modules"
    __table_args__ = (
        CheckConstraint(f"delivery_mode IN ({MODE_VALUES})", name="mode_known"),
        CheckConstraint("duration_hours > 0", name="duration_positive"),
        CheckConstraint("cohort_size IS NULL OR cohort_size > 0", name="cohort_size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    delivery_mode: Mapped[str] = mapped_column(String(20))
    duration_hours: Mapped[float] = mapped_column(Float)
    provider: Mapped[str] = mapped_column(String(120))
    link: Mapped[str | None] = mapped_column(String(500))
    cohort_size: Mapped[int | None] = mapped_column(Integer)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    skills: Mapped[list[ModuleSkill]] = relationship(
        back_populates="module", cascade="all, delete-orphan", order_by="ModuleSkill.id"
    )

    @property
    def mode(self) -> DeliveryMode:
        return DeliveryMode(self.delivery_mode)


class ModuleSkill(db.Model):
    """A module addresses a skill from one level to a higher one."""

    __tablename__ = "module_skills"
    __table_args__ = (
        UniqueConstraint("module_id", "skill_slug", "from_level"),
        CheckConstraint("from_level BETWEEN 1 AND 3", name="from_in_range"),
        CheckConstraint("to_level BETWEEN 2 AND 4", name="to_in_range"),
        CheckConstraint("to_level > from_level", name="raises_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id"), index=True)
    skill_slug: Mapped[str] = mapped_column(String(60), index=True)
    from_level: Mapped[int] = mapped_column(Integer)
    to_level: Mapped[int] = mapped_column(Integer)

    module: Mapped[TrainingModule] = relationship(back_populates="skills")


class PlanStatus(enum.StrEnum):
    RECOMMENDED = "recommended"
    PLANNED = "planned"
    BOOKED = "booked"
    COMPLETED = "completed"
    DECLINED = "declined"


class PlanSource(enum.StrEnum):
    RECOMMENDED = "recommended"
    ASSIGNED = "assigned"
    CHOSEN = "chosen"


class PlanItem(TimestampMixin, db.Model):
    """One module in a practitioner's learning plan."""

    __tablename__ = "plan_items"
    __table_args__ = (
        CheckConstraint(
            "status IN ('recommended', 'planned', 'booked', 'completed', 'declined')",
            name="status_known",
        ),
        CheckConstraint("source IN ('recommended', 'assigned', 'chosen')", name="source_known"),
        CheckConstraint(
            "usefulness IS NULL OR usefulness BETWEEN 1 AND 5", name="usefulness_in_range"
        ),
        CheckConstraint(
            "(status = 'completed') = (completed_on IS NOT NULL)", name="completed_has_date"
        ),
        CheckConstraint(
            "status <> 'declined' OR declined_reason IS NOT NULL", name="declined_has_reason"
        ),
        # One live item per module in a plan; completed and declined items stay as history.
        Index(
            "uq_plan_items_open_module",
            "practitioner_id",
            "module_id",
            unique=True,
            sqlite_where=text("status IN ('recommended', 'planned', 'booked')"),
            postgresql_where=text("status IN ('recommended', 'planned', 'booked')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=PlanStatus.PLANNED)
    source: Mapped[str] = mapped_column(String(12))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)  # why it was recommended or assigned
    target_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    usefulness: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    declined_reason: Mapped[str | None] = mapped_column(Text)

    practitioner: Mapped[User] = relationship(foreign_keys=[practitioner_id])
    module: Mapped[TrainingModule] = relationship()


class Cohort(TimestampMixin, db.Model):
    """A scheduled run of a face-to-face module."""

    __tablename__ = "cohorts"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(
            "booked_count >= 0 AND booked_count <= capacity", name="booked_within_capacity"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    place: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    # Places taken, kept in step with bookings under a row lock so two people can
    # never take the last place.
    booked_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    module: Mapped[TrainingModule] = relationship()
    bookings: Mapped[list[CohortBooking]] = relationship(
        back_populates="cohort", order_by="CohortBooking.id"
    )


class CohortBooking(TimestampMixin, db.Model):
    __tablename__ = "cohort_bookings"
    __table_args__ = (
        CheckConstraint("status IN ('booked', 'waiting', 'cancelled')", name="status_known"),
        Index(
            "uq_cohort_bookings_live",
            "cohort_id",
            "practitioner_id",
            unique=True,
            sqlite_where=text("status <> 'cancelled'"),
            postgresql_where=text("status <> 'cancelled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    plan_item_id: Mapped[int | None] = mapped_column(ForeignKey("plan_items.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    cohort: Mapped[Cohort] = relationship(back_populates="bookings")
    practitioner: Mapped[User] = relationship()
