"""Read side of cohorts: the schedule, a practitioner's bookings, who is booked and waiting."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from learning_app.accounts.models import User
from learning_app.extensions import db
from learning_app.training.cohorts import BOOKED, CANCELLED, WAITING
from learning_app.training.models import (
    Cohort,
    CohortBooking,
    DeliveryMode,
    PlanItem,
    PlanStatus,
    TrainingModule,
)

LIVE_PLAN_STATUSES = (PlanStatus.RECOMMENDED, PlanStatus.PLANNED, PlanStatus.BOOKED)


# Ids beyond a 32-bit integer cannot exist, and the databases refuse to compare them.
ID_MAX = 2**31 - 1


def find_cohort(cohort_id: int) -> Cohort | None:
    return db.session.get(Cohort, cohort_id) if 0 < cohort_id <= ID_MAX else None


def find_booking(cohort: Cohort, booking_id: int) -> CohortBooking | None:
    """A live booking on this cohort (another cohort's booking is not found)."""
    if not 0 < booking_id <= ID_MAX:
        return None
    booking = db.session.get(CohortBooking, booking_id)
    if booking is None or booking.cohort_id != cohort.id or booking.status == CANCELLED:
        return None
    return booking


def face_to_face_modules() -> list[TrainingModule]:
    """Live face-to-face modules, by code: the ones a cohort can be scheduled for."""
    return list(
        db.session.scalars(
            select(TrainingModule)
            .where(
                TrainingModule.delivery_mode == DeliveryMode.FACE_TO_FACE.value,
                TrainingModule.retired_at.is_(None),
            )
            .order_by(TrainingModule.code)
        )
    )


def upcoming_cohorts(now: datetime, module_id: int | None = None) -> list[Cohort]:
    """Cohorts not cancelled and not yet started, soonest first."""
    stmt = (
        select(Cohort)
        .where(Cohort.cancelled_at.is_(None), Cohort.starts_at > now)
        .options(selectinload(Cohort.module))
        .order_by(Cohort.starts_at, Cohort.id)
    )
    if module_id is not None:
        stmt = stmt.where(Cohort.module_id == module_id)
    return list(db.session.scalars(stmt))


def past_and_cancelled(now: datetime) -> Select:
    """Cohorts that have started or been cancelled, most recent first (for pagination)."""
    return (
        select(Cohort)
        .where(or_(Cohort.cancelled_at.is_not(None), Cohort.starts_at <= now))
        .options(selectinload(Cohort.module))
        .order_by(Cohort.starts_at.desc(), Cohort.id.desc())
    )


def waiting_counts(cohort_ids: Iterable[int]) -> dict[int, int]:
    """Cohort id -> number of people on its waiting list (cohorts with none are left out)."""
    ids = list(cohort_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(CohortBooking.cohort_id, func.count(CohortBooking.id))
        .where(CohortBooking.cohort_id.in_(ids), CohortBooking.status == WAITING)
        .group_by(CohortBooking.cohort_id)
    )
    return {cohort_id: count for cohort_id, count in rows}


def live_booking(cohort_id: int, practitioner_id: int) -> CohortBooking | None:
    """The practitioner's booking or waiting-list place on the cohort, if they have one."""
    return db.session.scalar(
        select(CohortBooking).where(
            CohortBooking.cohort_id == cohort_id,
            CohortBooking.practitioner_id == practitioner_id,
            CohortBooking.status != CANCELLED,
        )
    )


def bookings_of(practitioner_id: int, now: datetime) -> list[CohortBooking]:
    """The practitioner's live bookings on cohorts that have not started, soonest first."""
    return list(
        db.session.scalars(
            select(CohortBooking)
            .join(Cohort, CohortBooking.cohort_id == Cohort.id)
            .where(
                CohortBooking.practitioner_id == practitioner_id,
                CohortBooking.status != CANCELLED,
                Cohort.cancelled_at.is_(None),
                Cohort.starts_at > now,
            )
            .options(selectinload(CohortBooking.cohort).selectinload(Cohort.module))
            .order_by(Cohort.starts_at, Cohort.id)
        )
    )


def people(cohort: Cohort, status: str) -> list[CohortBooking]:
    """Bookings with ``status`` on the cohort in the order they were made (the waiting
    list's order), with each person and their team loaded."""
    return list(
        db.session.scalars(
            select(CohortBooking)
            .where(CohortBooking.cohort_id == cohort.id, CohortBooking.status == status)
            .options(selectinload(CohortBooking.practitioner).selectinload(User.team))
            .order_by(CohortBooking.id)
        )
    )


def booked_people(cohort: Cohort) -> list[CohortBooking]:
    return people(cohort, BOOKED)


def waiting_people(cohort: Cohort) -> list[CohortBooking]:
    return people(cohort, WAITING)


def has_live_plan_item(practitioner_id: int, module_id: int) -> bool:
    """The module is in the practitioner's plan: recommended, planned or booked."""
    found = db.session.scalar(
        select(PlanItem.id)
        .where(
            PlanItem.practitioner_id == practitioner_id,
            PlanItem.module_id == module_id,
            PlanItem.status.in_([s.value for s in LIVE_PLAN_STATUSES]),
        )
        .limit(1)
    )
    return found is not None
