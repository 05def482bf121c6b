"""The scheduler as an operator runs it: real ``flask scheduler run`` processes, one leading
and one standing by; the leader killed with SIGKILL; a sender killed while it sends.

Each test uses a database of its own (``<suite database>_scheduler`` on PostgreSQL, a file
on SQLite) and kills every child it started, whatever happens.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select
from sqlalchemy.engine import make_url

from learning_app.extensions import db
from learning_app.notifications.models import OutboxMessage, OutboxStatus
from learning_app.notifications.outbox import queue_email
from tests.conftest import is_postgres, make_test_app
from tests.factories import Factories
from tests.notifications.smtp_helpers import running_smtp_server
from tests.reflective.scheduler_helpers import (
    START_TIMEOUT,
    Processes,
    drop_postgres_database,
    own_database_url,
)

TAKEOVER_SECONDS = 10.0
STANDBY = "0.5"


def _build_schema(url: str) -> None:
    app = make_test_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="module")
def sqlite_database(tmp_path_factory) -> str:
    url = own_database_url("sqlite://", tmp_path_factory.mktemp("scheduler"), "scheduler")
    _build_schema(url)
    return url


@pytest.fixture(scope="module")
def postgres_database(database_url: str) -> Iterator[str]:
    if not is_postgres(database_url):
        pytest.skip("The advisory lock needs PostgreSQL: set TEST_DATABASE_URL")
    url = own_database_url(database_url, Path("."), "scheduler")
    _build_schema(url)
    yield url
    drop_postgres_database(database_url, make_url(url).database)


@pytest.fixture
def processes(tmp_path) -> Iterator[Processes]:
    running = Processes(
        {
            "SCHEDULER_STANDBY_SECONDS": STANDBY,
            "SCHEDULER_LOCK_FILE": str(tmp_path / "scheduler.lock"),
            "APP_ENV": "development",
            # Given, so that children started together never race to write instance/secret_key.
            "SECRET_KEY": "scheduler-test-secret-key",
        }
    )
    try:
        yield running
    finally:
        running.kill_all()


def _second_takes_over_when_the_first_is_killed(processes: Processes, url: str, lock: str):
    first = processes.start("scheduler", "run", DATABASE_URL=url)
    first.wait_for(rf"Scheduler {first.pid} leads \({lock}", START_TIMEOUT)
    second = processes.start("scheduler", "run", DATABASE_URL=url)
    second.wait_for(rf"Scheduler {second.pid} standing by: another scheduler leads", START_TIMEOUT)
    # It keeps trying, and keeps standing by while the first one lives.
    seen = len(second.lines)
    second.wait_for("standing by", 5, after=seen)
    assert f"Scheduler {second.pid} leads" not in second.output

    first.kill()
    killed_at = time.monotonic()
    line = second.wait_for(rf"Scheduler {second.pid} leads", TAKEOVER_SECONDS)
    assert time.monotonic() - killed_at < TAKEOVER_SECONDS
    assert lock in line
    second.wait_for("Job send-outbox: next run at", 5)

    assert second.terminate() == 0
    assert f"Scheduler {second.pid} stopped" in second.output


def test_on_postgresql_a_standby_scheduler_takes_over_when_the_leader_is_killed(
    processes, postgres_database
):
    _second_takes_over_when_the_first_is_killed(
        processes, postgres_database, "PostgreSQL advisory lock"
    )


def test_on_sqlite_a_standby_scheduler_takes_over_when_the_leader_is_killed(
    processes, sqlite_database
):
    _second_takes_over_when_the_first_is_killed(processes, sqlite_database, "file lock")


def _sender_killed_while_sending_sends_nothing_twice(processes: Processes, url: str) -> None:
    app = make_test_app(url)
    with app.app_context():
        person = Factories(db.session).user()
        message = queue_email(person, "test", f"test:killed:{person.id}", "Killed", "Body")
        db.session.commit()
        message_id = message.id
        db.session.remove()

    with running_smtp_server() as server:
        server.hold = True  # each message waits in the server until released
        sender = processes.start(
            "scheduler", "run-job", "send-outbox", DATABASE_URL=url, SMTP_URL=server.url
        )
        assert server.arrived.wait(START_TIMEOUT), sender.output
        sender.kill()  # between handing the message over and hearing that it was taken
        server.release.set()

        with app.app_context():
            message = db.session.get(OutboxMessage, message_id)
            assert message.status == OutboxStatus.SENDING
            assert message.attempts == 1 and message.sent_at is None
            db.session.remove()

        again = processes.start(
            "scheduler", "run-job", "send-outbox", DATABASE_URL=url, SMTP_URL=server.url
        )
        assert again.wait() == 0, again.output
        assert "Job send-outbox: sent 0, retrying 0, failed 0" in again.output

    assert server.attempts == 1
    with app.app_context():
        statuses = db.session.scalars(
            select(OutboxMessage.status).where(OutboxMessage.id == message_id)
        )
        assert list(statuses) == ["sending"]  # waiting for the operator (docs/email.md)
        db.engine.dispose()


def test_on_postgresql_a_sender_killed_while_sending_sends_nothing_twice(
    processes, postgres_database
):
    _sender_killed_while_sending_sends_nothing_twice(processes, postgres_database)


def test_on_sqlite_a_sender_killed_while_sending_sends_nothing_twice(processes, sqlite_database):
    _sender_killed_while_sending_sends_nothing_twice(processes, sqlite_database)


def test_run_job_with_an_unknown_name_exits_non_zero_and_lists_the_jobs(processes, sqlite_database):
    child = processes.start("scheduler", "run-job", "no-such-job", DATABASE_URL=sqlite_database)

    assert child.wait() == 2
    assert "There is no job called 'no-such-job'" in child.output
    assert "send-outbox" in child.output


def _two_senders_at_once_send_each_message_once(processes: Processes, url: str) -> None:
    app = make_test_app(url)
    with app.app_context():
        factories = Factories(db.session)
        keys = []
        for n in range(40):
            person = factories.user()
            keys.append(f"test:race:{person.id}")
            queue_email(person, "test", keys[-1], f"Race {n}", "Body")
        db.session.commit()
        db.session.remove()

    with running_smtp_server() as server:
        server.wait_for_senders = 2
        senders = [
            processes.start(
                "scheduler", "run-job", "send-outbox", DATABASE_URL=url, SMTP_URL=server.url
            )
            for _ in range(2)
        ]
        for sender in senders:
            assert sender.wait() == 0, sender.output

    assert len(server.sessions) == 2  # both were sending at the same moment

    subjects = [r.subject for r in server.received if r.subject.startswith("Race ")]
    assert sorted(subjects) == sorted(f"Race {n}" for n in range(40))
    with app.app_context():
        statuses = db.session.scalars(
            select(OutboxMessage.status).where(OutboxMessage.dedupe_key.in_(keys))
        )
        assert set(statuses) == {"sent"}
        db.engine.dispose()


def test_on_postgresql_two_senders_at_once_send_each_message_once(processes, postgres_database):
    _two_senders_at_once_send_each_message_once(processes, postgres_database)


def test_on_sqlite_two_senders_at_once_send_each_message_once(processes, sqlite_database):
    _two_senders_at_once_send_each_message_once(processes, sqlite_database)
