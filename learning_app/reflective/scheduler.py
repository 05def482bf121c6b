"""The scheduler process: ``flask scheduler run``. Only one leads at a time.

Leadership is a lock the operating system or the database drops when the process dies:

- PostgreSQL: ``pg_try_advisory_lock`` on a connection of its own, held for as long as the
  process leads. If the process is killed, its connection closes and the lock goes with it.
- SQLite: ``fcntl.flock`` on ``instance/scheduler.lock``, released by the kernel when the
  process exits however it exits.

A process that cannot take the lock logs that it is standing by and tries again every
``SCHEDULER_STANDBY_SECONDS`` (5). The leader checks every few seconds that it still holds
the lock (a PostgreSQL restart drops it); if not, it stops its jobs and stands by again.

Nothing here runs at import or when the app is created: web workers never start a scheduler.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import threading
from datetime import datetime
from pathlib import Path
from typing import Protocol

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from learning_app.core.time import LONDON
from learning_app.extensions import db
from learning_app.reflective.jobs import JOBS, Job, run_job

log = logging.getLogger("learning_app.scheduler")

# The advisory lock's key: any number of our own, the same in every process ("PLSC").
ADVISORY_LOCK_KEY = 0x504C5343
DEFAULT_STANDBY_SECONDS = 5.0
# Jobs that could not start on time (the process was busy or down) still run if late by
# no more than this; a backlog of runs is run once.
MISFIRE_GRACE_SECONDS = 15 * 60


class Leadership(Protocol):
    description: str

    def try_acquire(self) -> bool: ...

    def still_held(self) -> bool: ...

    def release(self) -> None: ...


class PostgresLeadership:
    """A session-level advisory lock on a dedicated connection (not from the app's pool)."""

    def __init__(self, url: str, key: int = ADVISORY_LOCK_KEY) -> None:
        self.engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self.key = key
        self.description = f"PostgreSQL advisory lock {key}"
        self._connection: Connection | None = None

    def try_acquire(self) -> bool:
        try:
            connection = self.engine.connect()
            got = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key})
        except Exception as error:  # noqa: BLE001 (the database may be down: try again later)
            log.warning("Could not reach the database to take the lead: %r", error)
            return False
        if got:
            self._connection = connection
            return True
        connection.close()
        return False

    def still_held(self) -> bool:
        if self._connection is None:
            return False
        try:
            held = self._connection.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND pid = pg_backend_pid() AND objid = :key AND granted"
                ),
                {"key": self.key},
            )
        except Exception as error:  # noqa: BLE001
            log.warning("Lost the connection that holds the lead: %r", error)
            self._drop()
            return False
        return bool(held)

    def release(self) -> None:
        if self._connection is None:
            return
        # Closing the connection releases the lock too, so a failure here does not matter.
        with contextlib.suppress(Exception):
            self._connection.scalar(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        self._drop()

    def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
        self._connection = None


class FileLeadership:
    """An exclusive ``flock`` on a file; the kernel drops it when the process exits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"file lock {path}"
        self._file = None

    def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 (held open for as long as we lead)
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def still_held(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is None:
            return
        fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._file.close()
        self._file = None


def leadership_for(app: Flask) -> Leadership:
    """The advisory lock on PostgreSQL; a file lock (``SCHEDULER_LOCK_FILE``, by default
    ``instance/scheduler.lock``) on SQLite."""
    with app.app_context():
        url = db.engine.url
    if url.get_backend_name() == "postgresql":
        return PostgresLeadership(url.render_as_string(hide_password=False))
    path = app.config.get("SCHEDULER_LOCK_FILE")
    return FileLeadership(Path(path) if path else Path(app.instance_path) / "scheduler.lock")


def standby_seconds(app: Flask) -> float:
    value = app.config.get("SCHEDULER_STANDBY_SECONDS")
    return float(value) if value else DEFAULT_STANDBY_SECONDS


def build_scheduler(app: Flask, now: datetime | None = None) -> BackgroundScheduler:
    """Every job of the registry on its trigger, in UK time.

    Jobs are kept in memory: the registry is the schedule, so there is no job table to keep
    in step. What a stopped scheduler missed is caught up instead: a job whose time today
    (UK) has passed runs at once, unless it opts out (``Job.catch_up``). Every job is
    idempotent, so a run the previous leader did make is not harmful to repeat.
    """
    now = now or datetime.now(LONDON)
    # SQLite has one writer at a time: run one job at a time there, rather than have jobs
    # fail on a locked database.
    with app.app_context():
        workers = 1 if db.engine.dialect.name == "sqlite" else 4
    scheduler = BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(workers)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
        },
        timezone=LONDON,
    )
    for job in JOBS.values():
        options = {"next_run_time": now} if catches_up(job, now) else {}
        scheduler.add_job(
            run_job, _trigger(job), args=(app, job.id), id=job.id, name=job.description, **options
        )
    return scheduler


def _trigger(job: Job) -> BaseTrigger:
    if job.trigger == "interval":
        return IntervalTrigger(timezone=LONDON, **job.trigger_args)
    return CronTrigger(timezone=LONDON, **job.trigger_args)


def catches_up(job: Job, now: datetime) -> bool:
    """Whether a scheduler taking the lead at ``now`` runs ``job`` at once: when it may and
    its time today (UK) has passed. Interval jobs always start at once."""
    if not job.catch_up:
        return False
    trigger = _trigger(job)
    if isinstance(trigger, IntervalTrigger):
        return True
    midnight = now.astimezone(LONDON).replace(hour=0, minute=0, second=0, microsecond=0)
    first_today = trigger.get_next_fire_time(None, midnight)
    return first_today is not None and first_today <= now


def run_scheduler(app: Flask, stop: threading.Event | None = None) -> None:
    """Stand by until this process leads, then run the jobs until stopped (SIGTERM, SIGINT
    or ``stop``) or until the lead is lost, when it stands by again."""
    stop = stop or threading.Event()
    _stop_on_signals(stop)
    leadership = leadership_for(app)
    wait = standby_seconds(app)
    # APScheduler logs every run at INFO; our own line per job says what it did.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    pid = os.getpid()
    while not stop.is_set():
        if not leadership.try_acquire():
            log.info(
                "Scheduler %s standing by: another scheduler leads (%s); trying again in %gs",
                pid,
                leadership.description,
                wait,
            )
            stop.wait(wait)
            continue
        log.info("Scheduler %s leads (%s), with %s jobs", pid, leadership.description, len(JOBS))
        scheduler = build_scheduler(app)
        scheduler.start()
        for job in scheduler.get_jobs():
            log.info("Job %s: next run at %s", job.id, job.next_run_time.isoformat())
        try:
            while not stop.wait(wait):
                if not leadership.still_held():
                    log.warning("Scheduler %s lost the lead; stopping its jobs", pid)
                    break
        finally:
            scheduler.shutdown(wait=True)
            leadership.release()
    log.info("Scheduler %s stopped", pid)


def _stop_on_signals(stop: threading.Event) -> None:
    if threading.current_thread() is not threading.main_thread():
        return

    def handle(signum: int, _frame) -> None:
        name = signal.Signals(signum).name
        log.info("Scheduler %s received %s: finishing the jobs running now", os.getpid(), name)
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
