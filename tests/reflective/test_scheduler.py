"""The scheduler in one process: the two kinds of lead lock, the schedule it builds, what it
catches up on taking the lead, and that creating the app never starts one."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from learning_app.core.time import LONDON
from learning_app.extensions import db
from learning_app.reflective.jobs import JOBS
from learning_app.reflective.scheduler import (
    FileLeadership,
    PostgresLeadership,
    build_scheduler,
    catches_up,
    leadership_for,
    run_scheduler,
)
from tests.conftest import is_postgres, make_test_app
from tests.notifications.smtp_helpers import enable_job_logs


def test_only_one_holder_of_the_file_lock_at_a_time(tmp_path):
    path = tmp_path / "instance" / "scheduler.lock"
    first, second = FileLeadership(path), FileLeadership(path)

    assert first.try_acquire()
    assert not second.try_acquire()
    assert first.still_held()
    assert path.read_text().strip().isdigit()  # the leader's process id, for the operator

    first.release()
    assert not first.still_held()
    assert second.try_acquire()
    second.release()


def test_on_sqlite_the_lock_file_is_in_the_instance_folder(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'lock.sqlite3'}")

    leadership = leadership_for(app)

    assert isinstance(leadership, FileLeadership)
    assert leadership.path == Path(app.instance_path) / "scheduler.lock"
    moved = make_test_app(
        f"sqlite:///{tmp_path / 'lock.sqlite3'}", SCHEDULER_LOCK_FILE=str(tmp_path / "x.lock")
    )
    assert leadership_for(moved).path == tmp_path / "x.lock"


@pytest.fixture
def postgres_url(database_url):
    if not is_postgres(database_url):
        pytest.skip("The advisory lock needs PostgreSQL: set TEST_DATABASE_URL")
    return database_url


def test_only_one_holder_of_the_advisory_lock_at_a_time(postgres_url):
    # A key of the test's own, so a scheduler running against this database is not disturbed.
    first = PostgresLeadership(postgres_url, key=0x7E57)
    second = PostgresLeadership(postgres_url, key=0x7E57)
    try:
        assert first.try_acquire()
        assert not second.try_acquire()
        assert first.still_held()

        first.release()
        assert second.try_acquire()
    finally:
        first.release()
        second.release()


def test_a_leader_whose_connection_is_cut_knows_it_no_longer_leads(postgres_url):
    leader = PostgresLeadership(postgres_url, key=0x7E58)
    other = PostgresLeadership(postgres_url, key=0x7E58)
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        assert leader.try_acquire()
        pid = leader._connection.scalar(text("SELECT pg_backend_pid()"))
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

        assert not leader.still_held()
        assert other.try_acquire()
    finally:
        leader.release()
        other.release()
        admin.dispose()


def test_the_schedule_has_every_job_in_uk_time(app):
    scheduler = build_scheduler(app, datetime(2026, 12, 7, 4, 0, tzinfo=LONDON))

    jobs = {job.id: job for job in scheduler.get_jobs()}

    assert set(jobs) == set(JOBS)
    assert str(jobs["create-due-discussions"].trigger.timezone) == "Europe/London"


@pytest.mark.parametrize(
    ("job_id", "catches_up_at_630am"),
    [
        ("create-due-discussions", True),  # 5am
        ("place-due-discussions", True),  # 5:15am
        ("send-reminders", True),  # hourly
        ("send-outbox", True),  # every minute
        ("clear-case-references", True),  # 2:30am
        ("escalate-overdue", True),  # 6am
        ("cycle-emails", False),  # 7am: not yet
        ("rebuild-profiles", False),  # 1am, but too heavy to repeat by day
    ],
)
def test_a_new_leader_catches_up_on_what_was_due_earlier_today(job_id, catches_up_at_630am):
    """Taking the lead at 6:30am, BST, after being down: what was due today runs now."""
    at_630am = datetime(2026, 6, 8, 6, 30, tzinfo=LONDON)

    assert catches_up(JOBS[job_id], at_630am) is catches_up_at_630am


def test_a_job_whose_time_today_has_not_come_waits_for_it():
    assert not catches_up(JOBS["escalate-overdue"], datetime(2026, 6, 8, 5, 59, tzinfo=LONDON))
    assert catches_up(JOBS["escalate-overdue"], datetime(2026, 6, 8, 6, 0, tzinfo=LONDON))


def test_jobs_caught_up_are_the_first_to_run(app):
    now = datetime.now(LONDON)
    scheduler = build_scheduler(app, now)
    scheduler.start(paused=True)
    try:
        next_runs = {job.id: job.next_run_time for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)

    assert next_runs["send-outbox"] == now
    for job_id, job in JOBS.items():
        assert (next_runs[job_id] == now) is catches_up(job, now)


def test_creating_the_app_starts_no_scheduler(tmp_path):
    before = {t.ident for t in threading.enumerate()}

    make_test_app(f"sqlite:///{tmp_path / 'web.sqlite3'}")

    started = [t.name for t in threading.enumerate() if t.ident not in before]
    assert not any("APScheduler" in name for name in started), started


@pytest.fixture
def leader_app(tmp_path):
    """An app on a SQLite database of its own (built here, before the test's log capture
    starts: the migrations reset the logging setup)."""
    url = f"sqlite:///{tmp_path / 'leader.sqlite3'}"
    app = make_test_app(
        url, SCHEDULER_LOCK_FILE=str(tmp_path / "scheduler.lock"), SCHEDULER_STANDBY_SECONDS=0.2
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_leader_runs_its_jobs_logs_each_result_and_lets_go_when_stopped(
    leader_app, tmp_path, caplog
):
    enable_job_logs()
    app = leader_app
    stop = threading.Event()
    runner = threading.Thread(target=run_scheduler, args=(app, stop), daemon=True)

    with caplog.at_level(logging.INFO, logger="learning_app"):
        runner.start()
        deadline = datetime.now() + timedelta(seconds=30)
        while "Job send-outbox finished" not in caplog.text and datetime.now() < deadline:
            stop.wait(0.1)
        stop.set()
        runner.join(timeout=30)

    assert not runner.is_alive()
    assert "leads (file lock" in caplog.text
    assert "Job send-outbox finished in" in caplog.text
    assert ": sent 0, retrying 0, failed 0" in caplog.text
    # Every job is on the schedule; which others ran at once depends on the time of day
    # (catch-up only runs what was due earlier today), so only the interval job is certain.
    for name in JOBS:
        assert f"Job {name}: next run at" in caplog.text, name
    assert "stopped" in caplog.text
    # It let go of the lock: another scheduler may lead now.
    other = FileLeadership(tmp_path / "scheduler.lock")
    assert other.try_acquire()
    other.release()
