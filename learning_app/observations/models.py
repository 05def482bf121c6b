"""Observations, case audits, feedback from people on probation, focus campaigns (DESIGN 5.2)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
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
from learning_app.org.scope import UnitScopeMixin

if TYPE_CHECKING:
    from learning_app.accounts.models import User
    from learning_app.framework.models import FrameworkVersion, Skill


class ObservationType(enum.StrEnum):
    SUPERVISION = "supervision"
    CASE_AUDIT = "case_audit"
    RISK_REVIEW = "risk_review"
    REFLECTIVE_DISCUSSION = "reflective_discussion"
    COURT_REPORT_QA = "court_report_qa"
    MULTI_AGENCY = "multi_agency"

    @property
    def label(self) -> str:
        return OBSERVATION_TYPE_LABELS[self]


OBSERVATION_TYPE_LABELS = {
    ObservationType.SUPERVISION: "Direct observation of a supervision session",
    ObservationType.CASE_AUDIT: "Case record audit",
    ObservationType.RISK_REVIEW: "Targeted risk of serious harm assessment review",
    ObservationType.REFLECTIVE_DISCUSSION: "Reflective discussion",
    ObservationType.COURT_REPORT_QA: "Court report quality assurance",
    ObservationType.MULTI_AGENCY: "Multi-agency meeting observation",
}

TYPE_VALUES = ", ".join(f"'{t.value}'" for t in ObservationType)


class ObservationStatus(enum.StrEnum):
    DRAFT = "draft"
    SHARED = "shared"
    ACKNOWLEDGED = "acknowledged"


class Observation(TimestampMixin, db.Model):
    """What an SPO or QDO saw of one practitioner's work, rated against the skills."""

    __tablename__ = "observations"
    __table_args__ = (
        CheckConstraint(f"type IN ({TYPE_VALUES})", name="type_known"),
        CheckConstraint("status IN ('draft', 'shared', 'acknowledged')", name="status_known"),
        CheckConstraint("observer_id <> practitioner_id", name="not_self_observed"),
        # A case reference is one letter and six digits, and never on a limited access case.
        CheckConstraint(
            "case_reference IS NULL OR (length(case_reference) = 7 AND NOT limited_access)",
            name="case_reference_allowed",
        ),
        CheckConstraint("status = 'draft' OR shared_at IS NOT NULL", name="shared_has_time"),
        Index("ix_observations_practitioner_observed_on", "practitioner_id", "observed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    observer_role: Mapped[str] = mapped_column(String(20))
    type: Mapped[str] = mapped_column(String(30))
    observed_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(15), default=ObservationStatus.DRAFT)
    framework_version_id: Mapped[int] = mapped_column(ForeignKey("framework_versions.id"))
    # The type's own fields (DOMAIN.md (c)), validated by the type's form.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    strengths: Mapped[str | None] = mapped_column(Text)
    development_points: Mapped[str | None] = mapped_column(Text)
    case_reference: Mapped[str | None] = mapped_column(String(7))
    limited_access: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    focus_campaign_id: Mapped[int | None] = mapped_column(ForeignKey("focus_campaigns.id"))
    shared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The date the observation closed; case references are cleared 12 months after it.
    closed_on: Mapped[date | None] = mapped_column(Date)
    practitioner_reflection: Mapped[str | None] = mapped_column(Text)

    practitioner: Mapped[User] = relationship(foreign_keys=[practitioner_id])
    observer: Mapped[User] = relationship(foreign_keys=[observer_id])
    framework_version: Mapped[FrameworkVersion] = relationship()
    ratings: Mapped[list[ObservationRating]] = relationship(
        back_populates="observation", cascade="all, delete-orphan"
    )
    answers: Mapped[list[AuditAnswer]] = relationship(
        back_populates="observation", cascade="all, delete-orphan"
    )
    actions: Mapped[list[ObservationAction]] = relationship(
        back_populates="observation", cascade="all, delete-orphan", order_by="ObservationAction.id"
    )
    amendments: Mapped[list[ObservationAmendment]] = relationship(
        back_populates="observation",
        cascade="all, delete-orphan",
        order_by="ObservationAmendment.id",
    )
    replies: Mapped[list[RatingReply]] = relationship(
        back_populates="observation", cascade="all, delete-orphan"
    )

    @property
    def type_label(self) -> str:
        return ObservationType(self.type).label

    @property
    def is_draft(self) -> bool:
        return self.status == ObservationStatus.DRAFT


class ObservationAmendment(db.Model):
    """A correction to a shared observation, with its own author and date."""

    __tablename__ = "observation_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    observation: Mapped[Observation] = relationship(back_populates="amendments")
    author: Mapped[User] = relationship()


class ObservationRating(db.Model):
    """A rating of one skill. ``level`` None means the skill was not seen.

    Ratings are never changed once shared: an amendment supersedes them with new rows.
    """

    __tablename__ = "observation_ratings"
    __table_args__ = (
        CheckConstraint("level IS NULL OR level BETWEEN 1 AND 4", name="level_in_range"),
        Index(
            "uq_observation_ratings_current",
            "observation_id",
            "skill_id",
            unique=True,
            sqlite_where=text("NOT superseded"),
            postgresql_where=text("NOT superseded"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    level: Mapped[int | None] = mapped_column(Integer)
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("observation_amendments.id"))
    superseded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    observation: Mapped[Observation] = relationship(back_populates="ratings")
    skill: Mapped[Skill] = relationship()
    amendment: Mapped[ObservationAmendment | None] = relationship()


class AuditAnswer(db.Model):
    """A yes / no / not applicable answer to one of the inspectorate's questions."""

    __tablename__ = "audit_answers"
    __table_args__ = (
        CheckConstraint("answer IN ('yes', 'no', 'na')", name="answer_known"),
        Index(
            "uq_audit_answers_current",
            "observation_id",
            "question_key",
            unique=True,
            sqlite_where=text("NOT superseded"),
            postgresql_where=text("NOT superseded"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id"), index=True)
    question_key: Mapped[str] = mapped_column(String(60))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    answer: Mapped[str] = mapped_column(String(3))
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("observation_amendments.id"))
    superseded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    observation: Mapped[Observation] = relationship(back_populates="answers")
    skill: Mapped[Skill] = relationship()


class ObservationAction(db.Model):
    __tablename__ = "observation_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)

    observation: Mapped[Observation] = relationship(back_populates="actions")


class RatingReply(db.Model):
    """The practitioner's right of reply: they disagree with a rating, and say why."""

    __tablename__ = "rating_replies"
    __table_args__ = (UniqueConstraint("observation_id", "skill_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    observation: Mapped[Observation] = relationship(back_populates="replies")
    skill: Mapped[Skill] = relationship()


FEEDBACK_ITEMS = (
    ("listened_to", "I felt listened to"),
    ("views_considered", "My views were taken into account"),
    ("understands_plan", "I understand my plan"),
    ("treated_fairly", "I was treated fairly"),
    ("private_conversation", "I could talk in private"),
    ("felt_safe", "I felt safe"),
)
_ANSWER_CHECK = " AND ".join(
    f"({key} IS NULL OR {key} IN ('yes', 'no'))" for key, _label in FEEDBACK_ITEMS
)


class FeedbackResponse(TimestampMixin, db.Model):
    """An anonymous questionnaire from a person on probation, entered by staff."""

    __tablename__ = "feedback_responses"
    __table_args__ = (CheckConstraint(_ANSWER_CHECK, name="answers_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    received_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    listened_to: Mapped[str | None] = mapped_column(String(3))
    views_considered: Mapped[str | None] = mapped_column(String(3))
    understands_plan: Mapped[str | None] = mapped_column(String(3))
    treated_fairly: Mapped[str | None] = mapped_column(String(3))
    private_conversation: Mapped[str | None] = mapped_column(String(3))
    felt_safe: Mapped[str | None] = mapped_column(String(3))
    comment: Mapped[str | None] = mapped_column(Text)

    practitioner: Mapped[User] = relationship(foreign_keys=[practitioner_id])


class FocusCampaign(UnitScopeMixin, TimestampMixin, db.Model):
    """A skill an L&D lead asks observers in a unit to look at first, for a period."""

    __tablename__ = "focus_campaigns"
    __table_args__ = (
        UnitScopeMixin.one_unit_check(),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_slug: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
