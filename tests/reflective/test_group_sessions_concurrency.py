"""No group session takes more people than its places, even when invitations and answers
arrive at the same moment (PostgreSQL only).

These tests cannot run inside the rollback fixture: every thread needs its own connection
and must see what the others committed. They build and commit their own rows, release the
threads together with a barrier, then delete what they made.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.core.audit import AuditEvent
from learning_app.extensions import db
from learning_app.notifications.models import OutboxMessage
from learning_app.org.models import Pdu, Region, Team, TeamMembership
from learning_app.profiles.models import SkillProfileRecord
from learning_app.reflective import groups
from learning_app.reflective.models import GroupInvitation, GroupSession
from tests.concurrency import app_for_threads, committed_session, run_together
from tests.factories import Factories

THREADS = 12


@pytest.fixture(scope="module")
def threaded_app(app: Flask, database_url: str) -> Iterator[Flask]:
    with app_for_threads(
        database_url,
        pool_size=THREADS + 4,
        skip_reason="Concurrent invitations need PostgreSQL: set TEST_DATABASE_URL",
    ) as threaded:
        yield threaded


@dataclass
class Rows:
    """Committed rows for one test, deleted afterwards."""

    app: Flask
    session_id: int = 0
    facilitator_id: int = 0
    practitioner_ids: list[int] = field(default_factory=list)
    unit_ids: tuple[int, int, int] = (0, 0, 0)

    def db(self) -> Session:
        return committed_session(self.app)

    def cleanup(self) -> None:
        people = [self.facilitator_id, *self.practitioner_ids]
        region_id, pdu_id, team_id = self.unit_ids
        with self.db() as s:
            s.execute(delete(AuditEvent).where(AuditEvent.actor_id.in_(people)))
            s.execute(delete(OutboxMessage).where(OutboxMessage.recipient_id.in_(people)))
            s.execute(delete(GroupInvitation).where(GroupInvitation.session_id == self.session_id))
            s.execute(delete(GroupSession).where(GroupSession.id == self.session_id))
            s.execute(
                delete(SkillProfileRecord).where(SkillProfileRecord.practitioner_id.in_(people))
            )
            s.execute(delete(TeamMembership).where(TeamMembership.user_id.in_(people)))
            s.execute(delete(RoleAssignment).where(RoleAssignment.user_id.in_(people)))
            s.execute(delete(User).where(User.id.in_(people)))
            s.execute(delete(Team).where(Team.id == team_id))
            s.execute(delete(Pdu).where(Pdu.id == pdu_id))
            s.execute(delete(Region).where(Region.id == region_id))
            s.commit()


@pytest.fixture
def rows(threaded_app: Flask) -> Iterator[Callable[[int], Rows]]:
    made: list[Rows] = []

    def make(capacity: int) -> Rows:
        rows = Rows(threaded_app)
        made.append(rows)
        run = uuid.uuid4().hex[:10]
        with rows.db() as s:
            factories = Factories(s)
            # Committed rows are seen by every test on this database: unique names.
            pdu = factories.pdu(factories.region(f"Race region {run}"), f"Race PDU {run}")
            team = factories.team(pdu, name=f"Race team {run}")
            qdo = factories.user(
                role=Role.QDO, scope=pdu, grade=Grade.OTHER, email=f"race-qdo-{run}@example.test"
            )
            people = [
                factories.user(team=team, email=f"race-{run}-{n}@example.test")
                for n in range(THREADS)
            ]
            s.add_all(
                SkillProfileRecord(
                    practitioner_id=p.id,
                    skill_slug="rosh-analysis",
                    level=2.0,
                    target=3,
                    gap=1.0,
                    priority=1.0,
                    as_of=datetime.now(UTC).date(),
                )
                for p in people
            )
            starts_at = datetime.now(UTC) + timedelta(days=20)
            session = GroupSession(
                uid=f"group-{run}@practice-learning",
                facilitator=qdo,
                pdu_id=pdu.id,
                title="Race",
                theme_skills=["rosh-analysis"],
                capacity=capacity,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1),
                place="Leicester office",
            )
            s.add(session)
            s.commit()
            rows.session_id, rows.facilitator_id = session.id, qdo.id
            rows.practitioner_ids = [p.id for p in people]
            rows.unit_ids = (pdu.region_id, pdu.id, team.id)
        return rows

    yield make
    for rows in made:
        rows.cleanup()


def places_taken(rows: Rows) -> int:
    with rows.db() as s:
        return s.scalar(
            select(func.count(GroupInvitation.id)).where(
                GroupInvitation.session_id == rows.session_id,
                or_(GroupInvitation.response.is_(None), GroupInvitation.response != "declined"),
            )
        )


@pytest.mark.parametrize("capacity", [2, 5])
def test_invitations_sent_at_once_never_pass_the_capacity(rows, threaded_app, capacity):
    made = rows(capacity)

    def inviter(practitioner_id: int) -> Callable[[], object]:
        def invite() -> object:
            facilitator = db.session.get(User, made.facilitator_id)
            session = db.session.get(GroupSession, made.session_id)
            return groups.invite(facilitator, session, [practitioner_id], now=datetime.now(UTC))

        return invite

    results = run_together(threaded_app, [inviter(pid) for pid in made.practitioner_ids])

    refused = [r for r in results if isinstance(r, groups.GroupError)]
    others = [r for r in results if isinstance(r, Exception) and r not in refused]
    assert others == []
    assert len(refused) == THREADS - capacity
    assert places_taken(made) == capacity


def test_people_accepting_again_at_once_take_only_the_places_left(rows, threaded_app):
    made = rows(THREADS)
    with threaded_app.app_context():
        facilitator = db.session.get(User, made.facilitator_id)
        session = db.session.get(GroupSession, made.session_id)
        groups.invite(facilitator, session, made.practitioner_ids, now=datetime.now(UTC))
        for pid in made.practitioner_ids[:4]:
            person = db.session.get(User, pid)
            groups.respond(person, session, False, now=datetime.now(UTC))
        db.session.commit()
        # Fewer places: of the four given up, two are left to take back.
        session.capacity = THREADS - 2
        db.session.commit()

    def accepter(practitioner_id: int) -> Callable[[], object]:
        def accept() -> object:
            person = db.session.get(User, practitioner_id)
            group = db.session.get(GroupSession, made.session_id)
            return groups.respond(person, group, True, now=datetime.now(UTC))

        return accept

    results = run_together(threaded_app, [accepter(pid) for pid in made.practitioner_ids[:4]])
    assert sum(isinstance(r, groups.GroupError) for r in results) == 2
    assert places_taken(made) == THREADS - 2
