"""Nobody is ever booked into two discussions at once, even when two requests race.

The partial unique indexes ``uq_discussions_spo_slot`` and
``uq_discussions_practitioner_slot`` are the guarantee: the first tests show them refusing
a second slot-holding row on both databases. The threaded tests (PostgreSQL only) cannot
run inside the rollback fixture: every thread needs its own connection and must see what
the others committed. They commit their own rows, release the threads together with a
barrier, then delete what they made.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import Flask
from sqlalchemy import delete, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from learning_app.accounts.constants import Grade
from learning_app.accounts.models import RoleAssignment, User
from learning_app.core.audit import AuditEvent
from learning_app.extensions import db
from learning_app.notifications.models import OutboxMessage
from learning_app.org.models import Pdu, Region, Team, TeamMembership
from learning_app.reflective import services
from learning_app.reflective.models import Discussion, DiscussionStatus, SpoCapacity
from learning_app.reflective.services import DiscussionError
from tests.concurrency import app_for_threads, committed_session, run_together
from tests.factories import Factories
from tests.reflective.conftest import make_discussion

ROUNDS = 3


# On both databases -------------------------------------------------------------------------


def _clash(session, practitioner, spo, starts_at, status=DiscussionStatus.BOOKED) -> None:
    with session.begin_nested():
        make_discussion(session, practitioner, spo, starts_at=starts_at, status=status)


def test_the_database_refuses_two_discussions_for_one_spo_at_the_same_start(
    db_session, reflective_team
):
    team = reflective_team
    starts_at = datetime(2027, 3, 1, 10, tzinfo=UTC)
    make_discussion(db_session, team.pso, team.spo, starts_at=starts_at)

    with pytest.raises(IntegrityError) as refused:
        _clash(db_session, team.practitioner, team.spo, starts_at)

    assert "uq_discussions_spo_slot" in str(refused.value) or "UNIQUE" in str(refused.value)


def test_the_database_refuses_two_discussions_for_one_practitioner_at_the_same_start(
    db_session, factories, reflective_team
):
    team = reflective_team
    other_spo = factories.spo(factories.team())
    starts_at = datetime(2027, 3, 1, 10, tzinfo=UTC)
    make_discussion(db_session, team.pso, team.spo, starts_at=starts_at)

    with pytest.raises(IntegrityError):
        _clash(db_session, team.pso, other_spo, starts_at, status=DiscussionStatus.RECORDED)


def test_a_cancelled_or_missed_discussion_holds_no_slot(db_session, reflective_team):
    team = reflective_team
    starts_at = datetime(2027, 3, 1, 10, tzinfo=UTC)
    for status in (DiscussionStatus.CANCELLED, DiscussionStatus.MISSED):
        make_discussion(db_session, team.pso, team.spo, starts_at=starts_at, status=status)

    _clash(db_session, team.pso, team.spo, starts_at)  # no error


# Threads against PostgreSQL ------------------------------------------------------------------


@pytest.fixture(scope="module")
def threaded_app(app: Flask, database_url: str) -> Iterator[Flask]:
    with app_for_threads(
        database_url,
        pool_size=8,
        skip_reason="Concurrent booking needs PostgreSQL (row locks, one connection per "
        "thread): set TEST_DATABASE_URL to a postgresql URL",
    ) as threaded:
        yield threaded


@dataclass
class World:
    """One SPO with capacity and two practitioners, each with a booked discussion."""

    app: Flask
    spo_id: int = 0
    practitioner_ids: list[int] = field(default_factory=list)
    discussion_ids: list[int] = field(default_factory=list)
    unit_ids: tuple[int, int, int] = (0, 0, 0)  # region, PDU, team

    def session(self) -> Session:
        return committed_session(self.app)

    def cleanup(self) -> None:
        people = [self.spo_id, *self.practitioner_ids]
        region_id, pdu_id, team_id = self.unit_ids
        with self.session() as session:
            session.execute(
                delete(AuditEvent).where(
                    or_(
                        AuditEvent.actor_id.in_(people),
                        (AuditEvent.object_type == "discussions")
                        & AuditEvent.object_id.in_([str(i) for i in self.discussion_ids]),
                    )
                )
            )
            session.execute(delete(OutboxMessage).where(OutboxMessage.recipient_id.in_(people)))
            session.execute(delete(Discussion).where(Discussion.practitioner_id.in_(people)))
            session.execute(delete(SpoCapacity).where(SpoCapacity.spo_id == self.spo_id))
            session.execute(delete(TeamMembership).where(TeamMembership.user_id.in_(people)))
            session.execute(delete(RoleAssignment).where(RoleAssignment.user_id.in_(people)))
            session.execute(delete(User).where(User.id.in_(people)))
            session.execute(delete(Team).where(Team.id == team_id))
            session.execute(delete(Pdu).where(Pdu.id == pdu_id))
            session.execute(delete(Region).where(Region.id == region_id))
            session.commit()


def next_monday(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())


@pytest.fixture
def world(threaded_app: Flask) -> Iterator[Callable[[], World]]:
    made: list[World] = []

    def make() -> World:
        w = World(threaded_app)
        made.append(w)
        run = uuid.uuid4().hex[:12]
        # Two weeks ahead, so that every slot of that Monday is in the future.
        monday = next_monday(datetime.now(UTC).date() + timedelta(days=7))
        with w.session() as session:
            factories = Factories(session)
            team = factories.team()
            spo = factories.spo(team, email=f"slot-race-spo-{run}@example.test")
            people = [
                factories.user(
                    team=team, grade=Grade.PSO, email=f"slot-race-{run}-{n}@example.test"
                )
                for n in range(2)
            ]
            session.add(
                SpoCapacity(
                    spo=spo,
                    sessions_per_week=20,
                    weekdays="01234",
                    day_starts=time(10),
                    day_ends=time(16),
                    slot_minutes=60,
                )
            )
            session.flush()
            discussions = [
                make_discussion(
                    session,
                    person,
                    spo,
                    starts_at=datetime.combine(monday, time(11 + n), tzinfo=UTC),
                    due_on=monday + timedelta(days=4),
                )
                for n, person in enumerate(people)
            ]
            session.commit()
            w.spo_id = spo.id
            w.practitioner_ids = [p.id for p in people]
            w.discussion_ids = [d.id for d in discussions]
            w.unit_ids = (team.pdu.region_id, team.pdu_id, team.id)
        return w

    yield make
    for w in made:
        w.cleanup()


def common_free_slot(w: World) -> datetime:
    """A slot free for both discussions (neither person is booked then)."""
    with w.app.app_context():
        now = datetime.now(UTC)
        first, second = (db.session.get(Discussion, i) for i in w.discussion_ids)
        both = set(services.free_slots(first, now=now, weeks=4)) & set(
            services.free_slots(second, now=now, weeks=4)
        )
        db.session.rollback()
    return min(both)


def mover(w: World, index: int, starts_at: datetime) -> Callable[[], str]:
    def move() -> str:
        discussion = db.session.get(Discussion, w.discussion_ids[index])
        practitioner = db.session.get(User, w.practitioner_ids[index])
        services.move_discussion(practitioner, discussion, starts_at, datetime.now(UTC))
        return "moved"

    return move


def writer(w: World, index: int, starts_at: datetime) -> Callable[[], str]:
    """Write the new time straight into the row: no lock, no check, only the index."""

    def write() -> str:
        discussion = db.session.get(Discussion, w.discussion_ids[index])
        discussion.starts_at = starts_at
        discussion.ends_at = starts_at + timedelta(hours=1)
        db.session.flush()
        return "written"

    return write


def starts_of(w: World) -> list[datetime]:
    with w.session() as session:
        return [session.get(Discussion, i).starts_at.astimezone(UTC) for i in w.discussion_ids]


def test_two_people_moving_into_the_same_slot_at_once_one_wins(world, threaded_app):
    for _ in range(ROUNDS):
        w = world()
        target = common_free_slot(w)
        before = starts_of(w)

        results = run_together(threaded_app, [mover(w, 0, target), mover(w, 1, target)])

        assert results.count("moved") == 1, results
        (refusal,) = [r for r in results if isinstance(r, DiscussionError)]
        assert refusal.message == "That time has just been taken. Choose another time"
        assert refusal.field == "starts_at"
        after = starts_of(w)
        winner = results.index("moved")
        assert after[winner] == target
        assert after[1 - winner] == before[1 - winner]


def test_the_indexes_alone_refuse_a_race_that_skips_the_lock(world, threaded_app):
    """Two writers that never take the SPO's lock still cannot both book one slot."""
    for _ in range(ROUNDS):
        w = world()
        target = common_free_slot(w)

        results = run_together(threaded_app, [writer(w, 0, target), writer(w, 1, target)])

        assert results.count("written") == 1, results
        assert [type(r) for r in results if r != "written"] == [IntegrityError]
        assert sorted(starts_of(w)).count(target) == 1
