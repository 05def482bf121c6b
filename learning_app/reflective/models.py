"""Reflective discussions that replace countersigning (DESIGN.md section 8).

What is stored:

- the rules that make a discussion due, as a dated series of documents (the newest rules);
- each SPO's weekly capacity, and everyone's leave;
- case events: work that used to need countersigning, logged by the practitioner or SPO;
- one-to-one discussions, from "due" through "booked" to "signed", with the oversight
  record (proposal, reflective structure, ratings, decisions, actions, sign-offs);
- group reflective sessions with their invitations and attendance;
- each user's private calendar feed token (only a digest of it).

The schema protects what matters: a discussion is created once per reason (``dedupe_key``),
nobody is booked into two discussions that start at the same moment (partial unique
indexes over the live statuses), and a case reference is one letter and six digits, never on
a limited access case.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
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
    Time,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning_app.core.models import TimestampMixin, utcnow
from learning_app.extensions import db

if TYPE_CHECKING:
    from learning_app.accounts.models import User
    from learning_app.framework.models import Skill
    from learning_app.observations.models import Observation


def _values(enum_cls: type[enum.StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum_cls)


# Rules ------------------------------------------------------------------------------------


class RuleSet(db.Model):
    """One saved version of the rules; the newest is the one in force.

    ``document`` has the shape of ``data/rules.yaml`` and is always read through
    ``rules.parse_rules``, so a stored version is valid by construction.
    """

    __tablename__ = "reflective_rule_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    change_summary: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    changed_by: Mapped[User | None] = relationship()


# Capacity and leave -----------------------------------------------------------------------


class SpoCapacity(db.Model):
    """An SPO's weekly capacity for one-to-one reflective discussions (London wall-clock)."""

    __tablename__ = "spo_capacities"
    __table_args__ = (
        CheckConstraint("sessions_per_week BETWEEN 0 AND 40", name="sessions_in_range"),
        CheckConstraint("slot_minutes BETWEEN 15 AND 240", name="slot_in_range"),
        CheckConstraint("day_ends > day_starts", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    spo_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    sessions_per_week: Mapped[int] = mapped_column(Integer)
    # Weekdays as digits, Monday 0 to Friday 4: "024" is Monday, Wednesday and Friday.
    weekdays: Mapped[str] = mapped_column(String(5))
    day_starts: Mapped[time] = mapped_column(Time)
    day_ends: Mapped[time] = mapped_column(Time)
    slot_minutes: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    spo: Mapped[User] = relationship()

    @property
    def weekday_numbers(self) -> frozenset[int]:
        return frozenset(int(d) for d in self.weekdays)


class Leave(TimestampMixin, db.Model):
    """Days someone is away (inclusive); no discussion is placed on them."""

    __tablename__ = "leave"
    __table_args__ = (CheckConstraint("last_day >= first_day", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)

    person: Mapped[User] = relationship()


# Case events ------------------------------------------------------------------------------

ROSH_LEVELS = ("low", "medium", "high", "very_high")


class CaseEvent(TimestampMixin, db.Model):
    """Work that used to need a countersignature, logged so that a discussion follows.

    Nothing about the person on probation is kept but an optional case reference, which the
    retention job clears 12 months after ``closed_on`` (set when the discussion answering
    the event is signed off, or when no discussion is needed).
    """

    __tablename__ = "case_events"
    __table_args__ = (
        CheckConstraint(
            f"rosh_level IN ({', '.join(repr(v) for v in ROSH_LEVELS)})", name="rosh_known"
        ),
        CheckConstraint(
            "case_reference IS NULL OR (length(case_reference) = 7 AND NOT limited_access)",
            name="case_reference_allowed",
        ),
        Index("ix_case_events_practitioner_occurred_on", "practitioner_id", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # A case event rule code from the rules in force when it was logged.
    event_type: Mapped[str] = mapped_column(String(40))
    event_label: Mapped[str] = mapped_column(String(200))
    rosh_level: Mapped[str] = mapped_column(String(10))
    occurred_on: Mapped[date] = mapped_column(Date)
    case_reference: Mapped[str | None] = mapped_column(String(7))
    limited_access: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    closed_on: Mapped[date | None] = mapped_column(Date)

    practitioner: Mapped[User] = relationship(foreign_keys=[practitioner_id])
    logged_by: Mapped[User] = relationship(foreign_keys=[logged_by_id])


# One-to-one discussions ---------------------------------------------------------------------


class DueReason(enum.StrEnum):
    CADENCE = "cadence"
    CASE_EVENT = "case_event"
    FOLLOW_UP = "follow_up"
    REQUEST = "request"

    @property
    def label(self) -> str:
        return DUE_REASON_LABELS[self]


DUE_REASON_LABELS = {
    DueReason.CADENCE: "Regular discussion",
    DueReason.CASE_EVENT: "Case event",
    DueReason.FOLLOW_UP: "Follow-up",
    DueReason.REQUEST: "Requested by the practitioner",
}


class DiscussionStatus(enum.StrEnum):
    DUE = "due"  # not yet in a slot (placing failed: see at_risk_reason)
    BOOKED = "booked"  # in a slot
    RECORDED = "recorded"  # the SPO has written it up; sign-offs outstanding
    SIGNED = "signed"  # both signed: read-only, counts as an observation
    CANCELLED = "cancelled"
    MISSED = "missed"  # the slot passed and nothing was recorded

    @property
    def label(self) -> str:
        return DISCUSSION_STATUS_LABELS[self]


DISCUSSION_STATUS_LABELS = {
    DiscussionStatus.DUE: "Not booked yet",
    DiscussionStatus.BOOKED: "Booked",
    DiscussionStatus.RECORDED: "Waiting for sign-off",
    DiscussionStatus.SIGNED: "Signed off",
    DiscussionStatus.CANCELLED: "Cancelled",
    DiscussionStatus.MISSED: "Missed",
}

# Statuses in which a discussion holds its slot: the double-booking indexes cover these.
SLOT_HOLDING = (DiscussionStatus.BOOKED, DiscussionStatus.RECORDED, DiscussionStatus.SIGNED)
_HOLDS_SLOT = f"status IN ({', '.join(repr(s.value) for s in SLOT_HOLDING)})"


class Discussion(TimestampMixin, db.Model):
    """A one-to-one reflective discussion between a practitioner and their SPO.

    ``dedupe_key`` names the reason it exists ("case-event:12", "cadence:7:2026-12-14",
    "follow-up:obs-40:audit-keeping-safe-no", "request:7:3"), so a job that runs twice, or
    is killed and run again, never creates a second discussion for the same reason.
    ``starts_at``/``ends_at`` are UTC; ``sequence`` goes up on every move or cancellation so
    that calendar clients update the event with the stable ``uid``.
    """

    __tablename__ = "discussions"
    __table_args__ = (
        CheckConstraint(f"status IN ({_values(DiscussionStatus)})", name="status_known"),
        CheckConstraint(f"reason IN ({_values(DueReason)})", name="reason_known"),
        CheckConstraint("spo_id IS NULL OR spo_id <> practitioner_id", name="not_with_self"),
        CheckConstraint(
            f"NOT ({_HOLDS_SLOT}) OR (starts_at IS NOT NULL AND ends_at IS NOT NULL"
            " AND spo_id IS NOT NULL)",
            name="slot_when_booked",
        ),
        CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("due_on >= earliest_on", name="due_after_earliest"),
        CheckConstraint(
            "status <> 'signed' OR (spo_signed_at IS NOT NULL"
            " AND practitioner_signed_at IS NOT NULL)",
            name="signed_by_both",
        ),
        # Double-booking is impossible, even for two requests at the same moment.
        Index(
            "uq_discussions_spo_slot",
            "spo_id",
            "starts_at",
            unique=True,
            sqlite_where=text(_HOLDS_SLOT),
            postgresql_where=text(_HOLDS_SLOT),
        ),
        Index(
            "uq_discussions_practitioner_slot",
            "practitioner_id",
            "starts_at",
            unique=True,
            sqlite_where=text(_HOLDS_SLOT),
            postgresql_where=text(_HOLDS_SLOT),
        ),
        Index("ix_discussions_status_due_on", "status", "due_on"),
        Index("ix_discussions_practitioner_due_on", "practitioner_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    spo_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(15))
    rule_code: Mapped[str] = mapped_column(String(40))
    rule_label: Mapped[str] = mapped_column(String(200))
    case_event_id: Mapped[int | None] = mapped_column(ForeignKey("case_events.id"), index=True)
    # The observation whose rating or audit answer made a follow-up due.
    source_observation_id: Mapped[int | None] = mapped_column(
        ForeignKey("observations.id"), index=True
    )
    focus_skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    earliest_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=DiscussionStatus.DUE)
    at_risk_reason: Mapped[str | None] = mapped_column(String(20))
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    practitioner_accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    spo_accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # The oversight record.
    proposal: Mapped[str | None] = mapped_column(Text)  # the practitioner's, before the meeting
    held_on: Mapped[date | None] = mapped_column(Date)
    reflective_model: Mapped[str | None] = mapped_column(String(20))
    what_happened: Mapped[str | None] = mapped_column(Text)
    so_what: Mapped[str | None] = mapped_column(Text)
    now_what: Mapped[str | None] = mapped_column(Text)
    wellbeing_check: Mapped[str | None] = mapped_column(Text)
    practitioner_reflection: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    spo_signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    practitioner_signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The reflective-discussion observation made when both have signed.
    observation_id: Mapped[int | None] = mapped_column(ForeignKey("observations.id"), unique=True)

    practitioner: Mapped[User] = relationship(foreign_keys=[practitioner_id])
    spo: Mapped[User | None] = relationship(foreign_keys=[spo_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
    case_event: Mapped[CaseEvent | None] = relationship()
    source_observation: Mapped[Observation | None] = relationship(
        foreign_keys=[source_observation_id]
    )
    observation: Mapped[Observation | None] = relationship(foreign_keys=[observation_id])
    ratings: Mapped[list[DiscussionRating]] = relationship(
        back_populates="discussion", cascade="all, delete-orphan", order_by="DiscussionRating.id"
    )
    decisions: Mapped[list[DiscussionDecision]] = relationship(
        back_populates="discussion",
        cascade="all, delete-orphan",
        order_by="DiscussionDecision.id",
    )
    actions: Mapped[list[DiscussionAction]] = relationship(
        back_populates="discussion", cascade="all, delete-orphan", order_by="DiscussionAction.id"
    )

    @property
    def status_label(self) -> str:
        return DiscussionStatus(self.status).label

    @property
    def reason_label(self) -> str:
        return DueReason(self.reason).label

    @property
    def is_signed(self) -> bool:
        return self.status == DiscussionStatus.SIGNED

    @property
    def holds_slot(self) -> bool:
        return self.status in SLOT_HOLDING


class DiscussionRating(db.Model):
    """A skill discussed, with the SPO's rating (1-4) or None for "discussed, not rated"."""

    __tablename__ = "discussion_ratings"
    __table_args__ = (
        CheckConstraint("level IS NULL OR level BETWEEN 1 AND 4", name="level_in_range"),
        UniqueConstraint("discussion_id", "skill_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussions.id"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"))
    level: Mapped[int | None] = mapped_column(Integer)

    discussion: Mapped[Discussion] = relationship(back_populates="ratings")
    skill: Mapped[Skill] = relationship()


class DiscussionDecision(db.Model):
    __tablename__ = "discussion_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussions.id"), index=True)
    decision: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text)

    discussion: Mapped[Discussion] = relationship(back_populates="decisions")


class ActionOwner(enum.StrEnum):
    PRACTITIONER = "practitioner"
    SPO = "spo"


class DiscussionAction(db.Model):
    __tablename__ = "discussion_actions"
    __table_args__ = (CheckConstraint("owner IN ('practitioner', 'spo')", name="owner_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussions.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(15))
    due_on: Mapped[date] = mapped_column(Date)

    discussion: Mapped[Discussion] = relationship(back_populates="actions")


# Group sessions ---------------------------------------------------------------------------


class GroupSession(TimestampMixin, db.Model):
    """A group reflective session on a theme (skills), run by a facilitator."""

    __tablename__ = "group_sessions"
    __table_args__ = (
        CheckConstraint("capacity BETWEEN 2 AND 40", name="capacity_in_range"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    pdu_id: Mapped[int] = mapped_column(ForeignKey("pdus.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    theme_skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    place: Mapped[str] = mapped_column(String(200))
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    facilitator: Mapped[User] = relationship()
    invitations: Mapped[list[GroupInvitation]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="GroupInvitation.id"
    )


class GroupInvitation(db.Model):
    __tablename__ = "group_invitations"
    __table_args__ = (
        UniqueConstraint("session_id", "practitioner_id"),
        CheckConstraint(
            "response IS NULL OR response IN ('accepted', 'declined')", name="response_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id"), index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    invited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    response: Mapped[str | None] = mapped_column(String(10))
    attended: Mapped[bool | None] = mapped_column(Boolean)

    session: Mapped[GroupSession] = relationship(back_populates="invitations")
    practitioner: Mapped[User] = relationship()


# Calendar feeds ---------------------------------------------------------------------------


class CalendarFeed(TimestampMixin, db.Model):
    """A user's private iCalendar feed. Only a SHA-256 digest of the secret token is kept."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)

    user: Mapped[User] = relationship()
