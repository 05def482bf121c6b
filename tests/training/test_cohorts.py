"""Cohort services: scheduling, booking, the waiting list and cancellations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Role
from learning_app.core.audit import AuditEvent
from learning_app.training.cohorts import (
    CohortError,
    book_place,
    cancel_booking,
    cancel_cohort,
    next_cohort_on,
    places_left,
    schedule_cohort,
    waiting_position,
)
from learning_app.training.models import (
    Cohort,
    DeliveryMode,
    PlanItem,
    PlanSource,
    PlanStatus,
)
from tests.factories import Factories

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STARTS_AT = datetime(2026, 4, 14, 9, 30, tzinfo=UTC)
ENDS_AT = datetime(2026, 4, 14, 16, 30, tzinfo=UTC)


def make_module(session, mode: DeliveryMode = DeliveryMode.FACE_TO_FACE, size: int | None = 12):
    return Factories(session).training_module(mode, size)


def plan_item(session, practitioner, module, status=PlanStatus.PLANNED) -> PlanItem:
    item = PlanItem(
        practitioner_id=practitioner.id,
        module_id=module.id,
        status=status,
        source=PlanSource.RECOMMENDED,
        declined_reason="Did it elsewhere" if status == PlanStatus.DECLINED else None,
    )
    session.add(item)
    session.flush()
    return item


@pytest.fixture
def ld_lead(factories):
    return factories.user(role=Role.LD_LEAD, scope=factories.pdu())


@pytest.fixture
def module(db_session):
    return make_module(db_session)


@pytest.fixture
def make_cohort(db_session, ld_lead, module):
    def make(capacity: int = 2, starts_at: datetime = STARTS_AT) -> Cohort:
        return schedule_cohort(
            ld_lead, module, starts_at, starts_at + timedelta(hours=7), "Leicester office", capacity
        )

    return make


def practitioners(factories, n: int) -> list:
    return [factories.user() for _ in range(n)]


# Scheduling ----------------------------------------------------------------------------


def test_schedule_cohort_takes_the_module_size_by_default(db_session, ld_lead, module):
    cohort = schedule_cohort(ld_lead, module, STARTS_AT, ENDS_AT, "  Leicester office ", None)

    assert (cohort.capacity, cohort.booked_count, cohort.place) == (12, 0, "Leicester office")
    assert places_left(cohort) == 12
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "cohort.schedule")
    ).one()
    assert (event.actor_id, event.object_id) == (ld_lead.id, str(cohort.id))


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"starts_at": None}, "Enter the start date and time", "starts_at"),
        ({"ends_at": None}, "Enter the end date and time", "ends_at"),
        ({"ends_at": STARTS_AT}, "The end time must be after the start time", "ends_at"),
        ({"place": "   "}, "Enter where the cohort takes place", "place"),
        ({"place": "x" * 201}, "Place must be 200 characters or fewer", "place"),
        ({"capacity": 0}, "Number of places must be 1 or more", "capacity"),
        ({"capacity": 201}, "Number of places must be 200 or fewer", "capacity"),
        ({"now": STARTS_AT}, "The start date must be in the future", "starts_at"),
    ],
)
def test_schedule_cohort_refuses_bad_input(db_session, ld_lead, module, changes, message, field):
    args = {
        "starts_at": STARTS_AT,
        "ends_at": ENDS_AT,
        "place": "Leicester office",
        "capacity": 10,
        "now": NOW,
    } | changes
    with pytest.raises(CohortError) as error:
        schedule_cohort(ld_lead, module, **args)
    assert (error.value.message, error.value.field) == (message, field)


def test_only_face_to_face_modules_have_cohorts(db_session, ld_lead):
    online = make_module(db_session, DeliveryMode.E_LEARNING)
    with pytest.raises(CohortError, match="only schedule cohorts for face-to-face modules"):
        schedule_cohort(ld_lead, online, STARTS_AT, ENDS_AT, "Online", 10)


def test_a_retired_module_gets_no_new_cohorts(db_session, ld_lead, module):
    module.retired_at = NOW
    with pytest.raises(CohortError, match="retired module"):
        schedule_cohort(ld_lead, module, STARTS_AT, ENDS_AT, "Leicester office", 10)


def test_a_module_without_a_size_needs_a_capacity(db_session, ld_lead):
    module = make_module(db_session, size=None)
    with pytest.raises(CohortError, match="Enter the number of places"):
        schedule_cohort(ld_lead, module, STARTS_AT, ENDS_AT, "Leicester office", None)


# Booking and the waiting list ------------------------------------------------------------


def test_booking_until_full_puts_the_next_person_on_the_waiting_list(
    db_session, factories, make_cohort
):
    cohort = make_cohort(capacity=2)
    first, second, third, fourth = practitioners(factories, 4)

    bookings = [book_place(p, cohort, NOW) for p in (first, second, third, fourth)]

    assert [b.status for b in bookings] == ["booked", "booked", "waiting", "waiting"]
    assert cohort.booked_count == 2
    assert places_left(cohort) == 0
    assert [waiting_position(b) for b in bookings] == [None, None, 1, 2]
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("cohort.%")).order_by(AuditEvent.id)
    ).all()
    assert actions[-4:] == [
        "cohort.book",
        "cohort.book",
        "cohort.join_waiting_list",
        "cohort.join_waiting_list",
    ]


def test_double_booking_is_refused(db_session, factories, make_cohort):
    cohort = make_cohort(capacity=1)
    booked, waiting = practitioners(factories, 2)
    book_place(booked, cohort, NOW)
    book_place(waiting, cohort, NOW)

    with pytest.raises(CohortError, match="You already have a place on this cohort"):
        book_place(booked, cohort, NOW)
    with pytest.raises(CohortError, match="You are already on the waiting list"):
        book_place(waiting, cohort, NOW)
    assert cohort.booked_count == 1
    assert len([b for b in cohort.bookings if b.status != "cancelled"]) == 2


def test_someone_who_cancelled_can_book_again(db_session, factories, make_cohort):
    cohort = make_cohort(capacity=1)
    (practitioner,) = practitioners(factories, 1)
    first = book_place(practitioner, cohort, NOW)
    cancel_booking(first, practitioner, NOW)

    again = book_place(practitioner, cohort, NOW)

    assert (first.status, again.status, cohort.booked_count) == ("cancelled", "booked", 1)


def test_cancelling_a_place_promotes_the_first_on_the_waiting_list(
    db_session, factories, make_cohort
):
    cohort = make_cohort(capacity=1)
    holder, first_waiting, second_waiting = practitioners(factories, 3)
    held = book_place(holder, cohort, NOW)
    promoted = book_place(first_waiting, cohort, NOW)
    still_waiting = book_place(second_waiting, cohort, NOW)

    cancel_booking(held, holder, NOW)

    assert (held.status, promoted.status, still_waiting.status) == (
        "cancelled",
        "booked",
        "waiting",
    )
    assert held.cancelled_at is not None
    assert cohort.booked_count == 1
    assert waiting_position(still_waiting) == 1
    promotion = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "cohort.promote_from_waiting_list")
    ).one()
    assert promotion.object_id == str(promoted.id)


def test_cancelling_a_waiting_booking_frees_no_place(db_session, factories, make_cohort):
    cohort = make_cohort(capacity=1)
    holder, first_waiting, second_waiting = practitioners(factories, 3)
    held = book_place(holder, cohort, NOW)
    leaving = book_place(first_waiting, cohort, NOW)
    staying = book_place(second_waiting, cohort, NOW)

    cancel_booking(leaving, first_waiting, NOW)

    assert (held.status, leaving.status, staying.status) == ("booked", "cancelled", "waiting")
    assert cohort.booked_count == 1
    assert waiting_position(staying) == 1


def test_cancelling_with_nobody_waiting_frees_the_place(db_session, factories, make_cohort):
    cohort = make_cohort(capacity=2)
    (practitioner,) = practitioners(factories, 1)
    booking = book_place(practitioner, cohort, NOW)

    cancel_booking(booking, practitioner, NOW)

    assert (cohort.booked_count, places_left(cohort)) == (0, 2)


def test_a_booking_cannot_be_cancelled_twice(db_session, factories, make_cohort):
    cohort = make_cohort(capacity=1)
    holder, waiting = practitioners(factories, 2)
    held = book_place(holder, cohort, NOW)
    book_place(waiting, cohort, NOW)
    cancel_booking(held, holder, NOW)

    with pytest.raises(CohortError, match="already been cancelled"):
        cancel_booking(held, holder, NOW)
    assert cohort.booked_count == 1


def test_a_cohort_that_has_started_cannot_be_booked(db_session, factories, make_cohort):
    cohort = make_cohort()
    (practitioner,) = practitioners(factories, 1)
    with pytest.raises(CohortError, match="already started"):
        book_place(practitioner, cohort, STARTS_AT)


# Cancelling a cohort ---------------------------------------------------------------------


def test_a_cancelled_cohort_refuses_bookings(db_session, factories, ld_lead, make_cohort):
    cohort = make_cohort(capacity=1)
    holder, waiting, late = practitioners(factories, 3)
    held = book_place(holder, cohort, NOW)
    queued = book_place(waiting, cohort, NOW)
    item = plan_item(db_session, holder, cohort.module, PlanStatus.PLANNED)
    held.plan_item_id = item.id
    item.status = PlanStatus.BOOKED

    cancel_cohort(ld_lead, cohort, NOW)

    assert cohort.cancelled_at is not None
    assert (held.status, queued.status) == ("cancelled", "cancelled")
    assert (cohort.booked_count, places_left(cohort)) == (0, 0)
    assert item.status == PlanStatus.PLANNED
    with pytest.raises(CohortError, match="This cohort has been cancelled"):
        book_place(late, cohort, NOW)
    with pytest.raises(CohortError, match="already been cancelled"):
        cancel_cohort(ld_lead, cohort, NOW)
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "cohort.cancel")).one()
    assert event.detail["bookings_cancelled"] == 2


# Plan items ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [PlanStatus.RECOMMENDED, PlanStatus.PLANNED])
def test_taking_a_place_books_the_plan_item(db_session, factories, make_cohort, status):
    cohort = make_cohort(capacity=1)
    (practitioner,) = practitioners(factories, 1)
    item = plan_item(db_session, practitioner, cohort.module, status)

    booking = book_place(practitioner, cohort, NOW)

    assert (booking.plan_item_id, item.status) == (item.id, PlanStatus.BOOKED)


def test_plan_item_follows_the_waiting_list_and_cancellation(db_session, factories, make_cohort):
    cohort = make_cohort(capacity=1)
    holder, waiting = practitioners(factories, 2)
    holder_item = plan_item(db_session, holder, cohort.module)
    waiting_item = plan_item(db_session, waiting, cohort.module)
    held = book_place(holder, cohort, NOW)
    queued = book_place(waiting, cohort, NOW)
    assert (holder_item.status, waiting_item.status) == (PlanStatus.BOOKED, PlanStatus.PLANNED)
    assert queued.plan_item_id == waiting_item.id

    cancel_booking(held, holder, NOW)

    assert holder_item.status == PlanStatus.PLANNED
    assert (queued.status, waiting_item.status) == ("booked", PlanStatus.BOOKED)


def test_promotion_finds_a_plan_item_added_while_waiting(db_session, factories, make_cohort):
    cohort = make_cohort(capacity=1)
    holder, waiting = practitioners(factories, 2)
    held = book_place(holder, cohort, NOW)
    queued = book_place(waiting, cohort, NOW)
    item = plan_item(db_session, waiting, cohort.module, PlanStatus.RECOMMENDED)

    cancel_booking(held, holder, NOW)

    assert (queued.plan_item_id, item.status) == (item.id, PlanStatus.BOOKED)


def test_other_plan_items_are_left_alone(db_session, factories, make_cohort):
    cohort = make_cohort(capacity=1)
    (practitioner,) = practitioners(factories, 1)
    other_module = make_module(db_session)
    other = plan_item(db_session, practitioner, other_module)
    done = plan_item(db_session, practitioner, cohort.module, PlanStatus.DECLINED)

    booking = book_place(practitioner, cohort, NOW)

    assert booking.plan_item_id is None
    assert (other.status, done.status) == (PlanStatus.PLANNED, PlanStatus.DECLINED)


# Reading ---------------------------------------------------------------------------------


def test_next_cohort_skips_past_and_cancelled_cohorts(db_session, ld_lead, module, make_cohort):
    make_cohort(starts_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
    cancelled = make_cohort(starts_at=datetime(2026, 3, 10, 9, 30, tzinfo=UTC))
    cancel_cohort(ld_lead, cancelled, NOW)
    later = make_cohort(starts_at=datetime(2026, 5, 5, 9, 30, tzinfo=UTC))
    sooner = make_cohort(starts_at=datetime(2026, 3, 20, 9, 30, tzinfo=UTC))

    assert next_cohort_on(module, date(2026, 3, 2)) == sooner
    assert next_cohort_on(module, date(2026, 3, 21)) == later
    assert next_cohort_on(module, date(2026, 5, 6)) is None
