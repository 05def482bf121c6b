"""No overbooking when people book and cancel at the same moment (PostgreSQL only).

These tests cannot run inside the rollback fixture: every thread needs its own
connection and must see what the others committed. They build their own rows,
commit them, let threads book and cancel through the services at once (a barrier
releases them together), then delete what they made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from flask import Flask
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from learning_app.accounts.models import RoleAssignment, User
from learning_app.core.audit import AuditEvent
from learning_app.extensions import db
from learning_app.training import cohorts
from learning_app.training.cohorts import book_place, cancel_booking
from learning_app.training.models import (
    Cohort,
    CohortBooking,
    DeliveryMode,
    PlanItem,
    PlanSource,
    PlanStatus,
    TrainingModule,
)
from tests.concurrency import app_for_threads, committed_session, run_together
from tests.factories import Factories

THREADS = 16
ROUNDS = 3


@pytest.fixture(scope="module")
def threaded_app(app: Flask, database_url: str) -> Iterator[Flask]:
    with app_for_threads(
        database_url,
        pool_size=THREADS + 4,
        skip_reason="Concurrent booking needs PostgreSQL (row locks, one connection per "
        "thread): set TEST_DATABASE_URL to a postgresql URL",
    ) as threaded:
        yield threaded


@dataclass
class World:
    """Committed rows made for one round, deleted afterwards."""

    app: Flask
    module_id: int = 0
    cohort_id: int = 0
    user_ids: list[int] = field(default_factory=list)

    def session(self) -> Session:
        return committed_session(self.app)

    def cleanup(self) -> None:
        with self.session() as session:
            # Every audit event these tests cause has one of the practitioners as actor.
            session.execute(delete(AuditEvent).where(AuditEvent.actor_id.in_(self.user_ids)))
            session.execute(delete(CohortBooking).where(CohortBooking.cohort_id == self.cohort_id))
            session.execute(delete(PlanItem).where(PlanItem.practitioner_id.in_(self.user_ids)))
            session.execute(delete(Cohort).where(Cohort.id == self.cohort_id))
            session.execute(delete(TrainingModule).where(TrainingModule.id == self.module_id))
            session.execute(delete(RoleAssignment).where(RoleAssignment.user_id.in_(self.user_ids)))
            session.execute(delete(User).where(User.id.in_(self.user_ids)))
            session.commit()


@pytest.fixture
def world(threaded_app: Flask) -> Iterator[Callable[..., World]]:
    made: list[World] = []

    def make(capacity: int, practitioners: int, with_plan_items: bool = False) -> World:
        world = World(threaded_app)
        made.append(world)
        # Committed rows are visible to anyone else testing on this database: make
        # them unique, so they cannot clash with what other tests create.
        run = uuid4().hex[:12]
        with world.session() as session:
            module = TrainingModule(
                code=f"CONC-{run}",
                title="Concurrency check",
                description="Made by the cohort concurrency test.",
                delivery_mode=DeliveryMode.FACE_TO_FACE,
                duration_hours=6,
                provider="Test",
                cohort_size=capacity,
            )
            starts_at = datetime.now(UTC) + timedelta(days=30)
            cohort = Cohort(
                module=module,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=7),
                place="Leicester office",
                capacity=capacity,
                booked_count=0,
            )
            session.add_all([module, cohort])
            session.flush()
            factories = Factories(session)
            users = [
                factories.user(email=f"cohort-race-{run}-{n}@example.test")
                for n in range(practitioners)
            ]
            if with_plan_items:
                session.add_all(
                    PlanItem(
                        practitioner_id=u.id,
                        module_id=module.id,
                        status=PlanStatus.PLANNED,
                        source=PlanSource.CHOSEN,
                    )
                    for u in users
                )
            session.commit()
            world.module_id, world.cohort_id = module.id, cohort.id
            world.user_ids = [u.id for u in users]
        return world

    yield make
    for world in made:
        world.cleanup()


def booker(user_id: int, cohort_id: int) -> Callable[[], str]:
    def book() -> str:
        practitioner = db.session.get(User, user_id)
        cohort = db.session.get(Cohort, cohort_id)
        return book_place(practitioner, cohort, datetime.now(UTC)).status

    return book


def canceller(booking_id: int) -> Callable[[], str]:
    def cancel() -> str:
        booking = db.session.get(CohortBooking, booking_id)
        return cancel_booking(booking, booking.practitioner, datetime.now(UTC)).status

    return cancel


def outcome(world: World) -> tuple[int, dict[int, str]]:
    """The cohort's booked_count and each practitioner's live booking status."""
    with world.session() as session:
        cohort = session.get(Cohort, world.cohort_id)
        bookings = session.scalars(
            select(CohortBooking).where(CohortBooking.cohort_id == world.cohort_id)
        ).all()
        live = {b.practitioner_id: b.status for b in bookings if b.status != "cancelled"}
        return cohort.booked_count, live


def assert_no_errors(results: list[object]) -> None:
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors


@pytest.mark.parametrize("capacity", [1, 2, 3])
def test_people_booking_the_last_places_at_once_never_overbook(world, threaded_app, capacity):
    for _ in range(ROUNDS):
        w = world(capacity, THREADS, with_plan_items=True)

        results = run_together(threaded_app, [booker(u, w.cohort_id) for u in w.user_ids])

        assert_no_errors(results)
        assert sorted(results) == ["booked"] * capacity + ["waiting"] * (THREADS - capacity)
        booked_count, live = outcome(w)
        assert booked_count == capacity
        assert list(live.values()).count("booked") == capacity
        assert len(live) == THREADS
        with w.session() as session:
            plan_booked = session.scalar(
                select(func.count(PlanItem.id)).where(
                    PlanItem.module_id == w.module_id, PlanItem.status == PlanStatus.BOOKED
                )
            )
        assert plan_booked == capacity


def test_the_same_person_booking_twice_at_once_gets_one_booking(world, threaded_app):
    w = world(2, 1)
    (user_id,) = w.user_ids

    results = run_together(threaded_app, [booker(user_id, w.cohort_id) for _ in range(8)])

    statuses = [r for r in results if isinstance(r, str)]
    refusals = [r for r in results if isinstance(r, cohorts.CohortError)]
    assert statuses == ["booked"]
    assert len(refusals) == 7
    assert {e.message for e in refusals} == {"You already have a place on this cohort"}
    assert outcome(w) == (1, {user_id: "booked"})


def test_the_atomic_update_alone_never_takes_more_places_than_there_are(world, threaded_app):
    """Even without the row lock, the conditional UPDATE cannot overbook."""
    for capacity in (1, 3):
        w = world(capacity, 0)

        def take(cohort_id: int = w.cohort_id) -> bool:
            return cohorts._take_place(db.session.get(Cohort, cohort_id))

        results = run_together(threaded_app, [take] * THREADS)

        assert_no_errors(results)
        assert results.count(True) == capacity
        assert outcome(w)[0] == capacity


@pytest.mark.parametrize("waiting", [0, 2])
def test_cancelling_and_booking_at_once_fills_each_freed_place_once(world, threaded_app, waiting):
    capacity, newcomers = 2, 10
    for _ in range(ROUNDS):
        w = world(capacity, capacity + waiting + newcomers)
        holders = w.user_ids[:capacity]
        queued = w.user_ids[capacity : capacity + waiting]
        late = w.user_ids[capacity + waiting :]
        # Fill the cohort and its waiting list first, one after another.
        for user_id in holders + queued:
            assert_no_errors(run_together(threaded_app, [booker(user_id, w.cohort_id)]))
        with w.session() as session:
            held = session.scalars(
                select(CohortBooking.id).where(
                    CohortBooking.cohort_id == w.cohort_id, CohortBooking.status == "booked"
                )
            ).all()

        results = run_together(
            threaded_app,
            [canceller(b) for b in held] + [booker(u, w.cohort_id) for u in late],
        )

        assert_no_errors(results)
        booked_count, live = outcome(w)
        assert booked_count == capacity
        assert list(live.values()).count("booked") == capacity
        assert not set(holders) & set(live)
        if waiting:
            # The first on the waiting list move up ahead of anyone booking later.
            assert [live[u] for u in queued] == ["booked"] * waiting
            assert [live[u] for u in late] == ["waiting"] * newcomers
        else:
            assert list(live.values()).count("waiting") == newcomers - capacity
