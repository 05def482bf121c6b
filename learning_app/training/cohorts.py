"""Cohorts of face-to-face modules: scheduling, booking, the waiting list, cancelling.

Each function takes the actor and the moment explicitly, flushes, writes the audit
log and never commits. ``Cohort.booked_count`` is the number of places taken; it only
ever moves through :func:`_take_place` and :func:`_free_place`, whose conditional
UPDATEs make the capacity check and the change one atomic statement, so two people
booking the last place at the same moment can never both get it. Every change also
locks the cohort row first (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite has one
writer at a time anyway), so bookings, cancellations and promotions from the waiting
list on one cohort happen one after another and no free place is left behind while
someone waits.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from learning_app.accounts.models import User
from learning_app.core import audit
from learning_app.core.time import aware
from learning_app.extensions import db
from learning_app.training.models import (
    Cohort,
    CohortBooking,
    DeliveryMode,
    PlanItem,
    PlanStatus,
    TrainingModule,
)

LONDON = ZoneInfo("Europe/London")

BOOKED = "booked"
WAITING = "waiting"
CANCELLED = "cancelled"
PLACE_MAX = 200
CAPACITY_MAX = 200
# Plan items a booking may take over: the live ones that are not booked yet.
OPEN_PLAN_STATUSES = (PlanStatus.RECOMMENDED, PlanStatus.PLANNED)


class CohortError(Exception):
    """A change the rules do not allow; the message is fit to show the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# Scheduling ----------------------------------------------------------------------------


def schedule_cohort(
    actor: User,
    module: TrainingModule,
    starts_at: datetime | None,
    ends_at: datetime | None,
    place: str | None,
    capacity: int | None = None,
    *,
    now: datetime | None = None,
) -> Cohort:
    """Schedule a cohort of a face-to-face module; ``capacity`` defaults to the module's.

    With ``now`` given, the cohort must start after it.
    """
    if module.delivery_mode != DeliveryMode.FACE_TO_FACE:
        raise CohortError("You can only schedule cohorts for face-to-face modules", "module")
    if module.retired_at is not None:
        raise CohortError("You cannot schedule a cohort for a retired module", "module")
    if starts_at is None:
        raise CohortError("Enter the start date and time", "starts_at")
    if ends_at is None:
        raise CohortError("Enter the end date and time", "ends_at")
    starts_at, ends_at = aware(starts_at), aware(ends_at)
    if now is not None and starts_at <= aware(now):
        raise CohortError("The start date must be in the future", "starts_at")
    if ends_at <= starts_at:
        raise CohortError("The end time must be after the start time", "ends_at")
    place = (place or "").strip()
    if not place:
        raise CohortError("Enter where the cohort takes place", "place")
    if len(place) > PLACE_MAX:
        raise CohortError(f"Place must be {PLACE_MAX} characters or fewer", "place")
    if capacity is None:
        capacity = module.cohort_size
    if capacity is None:
        raise CohortError("Enter the number of places", "capacity")
    if capacity < 1:
        raise CohortError("Number of places must be 1 or more", "capacity")
    if capacity > CAPACITY_MAX:
        raise CohortError(f"Number of places must be {CAPACITY_MAX} or fewer", "capacity")
    cohort = Cohort(
        module=module,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        capacity=capacity,
        booked_count=0,
    )
    db.session.add(cohort)
    db.session.flush()
    audit.record(
        actor,
        "cohort.schedule",
        cohort,
        detail={
            "module": module.code,
            "starts_at": starts_at.isoformat(),
            "place": place,
            "capacity": capacity,
        },
    )
    return cohort


def cancel_cohort(actor: User, cohort: Cohort, now: datetime) -> Cohort:
    """Cancel a cohort: every live booking is cancelled and booked plan items go back to planned."""
    _lock(cohort)
    if cohort.cancelled_at is not None:
        raise CohortError("This cohort has already been cancelled")
    if aware(cohort.starts_at) <= aware(now):
        raise CohortError("You cannot cancel a cohort that has already started")
    live = _live_bookings(cohort)
    for booking in live:
        if booking.status == BOOKED:
            _release_plan_item(booking)
        booking.status = CANCELLED
        booking.cancelled_at = now
    cohort.cancelled_at = now
    cohort.booked_count = 0
    db.session.flush()
    audit.record(
        actor,
        "cohort.cancel",
        cohort,
        detail={"bookings_cancelled": len(live), "module": cohort.module.code},
    )
    return cohort


# Booking -------------------------------------------------------------------------------


def book_place(practitioner: User, cohort: Cohort, now: datetime) -> CohortBooking:
    """Book the practitioner a place, or put them on the waiting list when the cohort is full.

    A plan item for the module that is recommended or planned is linked to the booking,
    and marked booked when a place is taken.
    """
    _lock(cohort)
    if cohort.cancelled_at is not None:
        raise CohortError("This cohort has been cancelled")
    if aware(cohort.starts_at) <= aware(now):
        raise CohortError("This cohort has already started")
    existing = db.session.scalar(
        select(CohortBooking).where(
            CohortBooking.cohort_id == cohort.id,
            CohortBooking.practitioner_id == practitioner.id,
            CohortBooking.status != CANCELLED,
        )
    )
    if existing is not None:
        raise CohortError(_already_message(existing.status))
    plan_item = _open_plan_item(practitioner.id, cohort.module_id)
    try:
        with db.session.begin_nested():
            took_place = _take_place(cohort)
            booking = CohortBooking(
                cohort=cohort,
                practitioner_id=practitioner.id,
                status=BOOKED if took_place else WAITING,
                plan_item_id=plan_item.id if plan_item is not None else None,
            )
            db.session.add(booking)
            db.session.flush()
    except IntegrityError:
        # Only a second booking by the same person made at the same moment gets here:
        # the savepoint has undone the place taken as well.
        raise CohortError(_already_message(None)) from None
    db.session.refresh(cohort)
    if took_place and plan_item is not None:
        plan_item.status = PlanStatus.BOOKED
    db.session.flush()
    audit.record(
        practitioner,
        "cohort.book" if took_place else "cohort.join_waiting_list",
        booking,
        detail={"cohort_id": cohort.id, "module": cohort.module.code},
    )
    return booking


def cancel_booking(booking: CohortBooking, actor: User, now: datetime) -> CohortBooking:
    """Cancel a booking; a place it held goes to the first person on the waiting list."""
    cohort = booking.cohort
    _lock(cohort)
    # Read the booking again under the lock: someone may have promoted or cancelled it.
    db.session.refresh(booking)
    if booking.status == CANCELLED:
        raise CohortError("This booking has already been cancelled")
    held_place = booking.status == BOOKED
    if held_place:
        _release_plan_item(booking)
    booking.status = CANCELLED
    booking.cancelled_at = now
    db.session.flush()
    promoted = None
    if held_place:
        _free_place(cohort)
        if cohort.cancelled_at is None and aware(cohort.starts_at) > aware(now):
            promoted = _promote_first_waiting(cohort)
        db.session.refresh(cohort)
    audit.record(
        actor,
        "cohort.cancel_booking",
        booking,
        detail={
            "cohort_id": cohort.id,
            "practitioner_id": booking.practitioner_id,
            "held_place": held_place,
            "promoted_booking_id": promoted.id if promoted is not None else None,
        },
    )
    if promoted is not None:
        audit.record(
            actor,
            "cohort.promote_from_waiting_list",
            promoted,
            detail={"cohort_id": cohort.id, "practitioner_id": promoted.practitioner_id},
        )
    return booking


# Reading -------------------------------------------------------------------------------


def places_left(cohort: Cohort) -> int:
    """Places still free; none on a cancelled cohort."""
    if cohort.cancelled_at is not None:
        return 0
    return max(cohort.capacity - cohort.booked_count, 0)


def waiting_position(booking: CohortBooking) -> int | None:
    """1 for the first person on the waiting list; None for a booking that is not waiting."""
    if booking.status != WAITING:
        return None
    ahead = db.session.scalar(
        select(func.count(CohortBooking.id)).where(
            CohortBooking.cohort_id == booking.cohort_id,
            CohortBooking.status == WAITING,
            CohortBooking.id < booking.id,
        )
    )
    return (ahead or 0) + 1


def next_cohort_on(module: TrainingModule, today: date) -> Cohort | None:
    """The first cohort of the module, not cancelled, that starts today or later."""
    start_of_day = datetime.combine(today, time(), tzinfo=LONDON).astimezone(UTC)
    return db.session.scalar(
        select(Cohort)
        .where(
            Cohort.module_id == module.id,
            Cohort.cancelled_at.is_(None),
            Cohort.starts_at >= start_of_day,
        )
        .order_by(Cohort.starts_at, Cohort.id)
        .limit(1)
    )


# Places --------------------------------------------------------------------------------


def _lock(cohort: Cohort) -> None:
    """Lock the cohort row and read it afresh, so changes to one cohort queue up."""
    db.session.execute(
        select(Cohort)
        .where(Cohort.id == cohort.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _take_place(cohort: Cohort) -> bool:
    """Take a place if one is free, in one statement: False when the cohort is full."""
    result = db.session.execute(
        update(Cohort)
        .where(
            Cohort.id == cohort.id,
            Cohort.cancelled_at.is_(None),
            Cohort.booked_count < Cohort.capacity,
        )
        .values(booked_count=Cohort.booked_count + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _free_place(cohort: Cohort) -> None:
    db.session.execute(
        update(Cohort)
        .where(Cohort.id == cohort.id, Cohort.booked_count > 0)
        .values(booked_count=Cohort.booked_count - 1)
        .execution_options(synchronize_session=False)
    )


def _promote_first_waiting(cohort: Cohort) -> CohortBooking | None:
    """Give the free place to the first person on the waiting list, if there is one."""
    candidate = db.session.scalar(
        select(CohortBooking)
        .where(CohortBooking.cohort_id == cohort.id, CohortBooking.status == WAITING)
        .order_by(CohortBooking.id)
        .limit(1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if candidate is None or not _take_place(cohort):
        return None
    candidate.status = BOOKED
    plan_item = None
    if candidate.plan_item_id is not None:
        plan_item = db.session.get(PlanItem, candidate.plan_item_id)
    if plan_item is None or plan_item.status not in OPEN_PLAN_STATUSES:
        plan_item = _open_plan_item(candidate.practitioner_id, cohort.module_id)
    if plan_item is not None:
        candidate.plan_item_id = plan_item.id
        plan_item.status = PlanStatus.BOOKED
    db.session.flush()
    return candidate


def _live_bookings(cohort: Cohort) -> list[CohortBooking]:
    return list(
        db.session.scalars(
            select(CohortBooking)
            .where(CohortBooking.cohort_id == cohort.id, CohortBooking.status != CANCELLED)
            .order_by(CohortBooking.id)
            .execution_options(populate_existing=True)
        )
    )


# Plan items ----------------------------------------------------------------------------


def _open_plan_item(practitioner_id: int, module_id: int) -> PlanItem | None:
    return db.session.scalar(
        select(PlanItem).where(
            PlanItem.practitioner_id == practitioner_id,
            PlanItem.module_id == module_id,
            PlanItem.status.in_([s.value for s in OPEN_PLAN_STATUSES]),
        )
    )


def _release_plan_item(booking: CohortBooking) -> None:
    """A plan item booked through this booking goes back to planned."""
    if booking.plan_item_id is None:
        return
    plan_item = db.session.get(PlanItem, booking.plan_item_id)
    if plan_item is not None and plan_item.status == PlanStatus.BOOKED:
        plan_item.status = PlanStatus.PLANNED


def _already_message(status: str | None) -> str:
    if status == WAITING:
        return "You are already on the waiting list"
    return "You already have a place on this cohort"
