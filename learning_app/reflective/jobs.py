"""The scheduled jobs, by stable id, and how one job run is carried out.

Each job is a small function that does its work in the current app context and returns a
line saying what it did. ``run_job`` gives it an app context, commits what it did (or
rolls it back when it fails) and logs one line. Every job is idempotent: the discussions
and emails it makes have unique dedupe keys, so running it twice, or killing it half way
and running it again, makes nothing twice (docs/scheduler.md).

Times of day are UK times. The scheduler (``scheduler.py``) runs them; ``flask scheduler
run-job ID`` runs one once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Flask

from learning_app.core.time import london_today, utc_now
from learning_app.extensions import db
from learning_app.profiles.calculation import months_before

log = logging.getLogger("learning_app.jobs")

CASE_EVENT_RETENTION_MONTHS = 12


@dataclass(frozen=True)
class Job:
    id: str
    description: str
    run: Callable[[], str]
    # APScheduler trigger: "cron" (UK time of day) or "interval", with its arguments.
    trigger: str
    trigger_args: dict[str, Any] = field(default_factory=dict)
    # Run at once by a scheduler that takes the lead after today's time has passed: the
    # previous leader may have been down then. Safe because every job is idempotent.
    catch_up: bool = True

    @property
    def schedule(self) -> str:
        if self.trigger == "interval":
            seconds = self.trigger_args.get("seconds", 0) + 60 * self.trigger_args.get("minutes", 0)
            return "every minute" if seconds == 60 else f"every {seconds} seconds"
        minute = int(self.trigger_args.get("minute", 0))
        if "hour" not in self.trigger_args:
            return f"every hour at {minute:02d} minutes past"
        return f"daily at {int(self.trigger_args['hour']):02d}:{minute:02d} UK time"


# The job functions ------------------------------------------------------------------------


def create_due_discussions() -> str:
    from learning_app.reflective import services

    created = services.create_due_discussions(london_today())
    return f"created {created} due {'discussion' if created == 1 else 'discussions'}"


def place_due_discussions() -> str:
    from learning_app.reflective import services

    summary = services.place_due_discussions(utc_now())
    return f"placed {summary.placed}, at risk {summary.at_risk}"


def send_reminders() -> str:
    from learning_app.reflective.reminders import queue_reminders

    queued = queue_reminders(utc_now())
    return f"queued {queued} {'reminder' if queued == 1 else 'reminders'}"


def escalate_overdue() -> str:
    from learning_app.reflective.reminders import escalate_overdue as escalate

    return str(escalate(london_today(), utc_now()))


def clear_case_event_references(today: date) -> int:
    """Clear the case reference of every case event closed more than 12 months before
    ``today``; return how many. Audited like the observations' retention. Flushes."""
    from learning_app.observations.retention import clear_case_references_closed_before
    from learning_app.reflective.models import CaseEvent

    return clear_case_references_closed_before(
        CaseEvent, "case_events", months_before(today, CASE_EVENT_RETENTION_MONTHS)
    )


def clear_case_references() -> str:
    from learning_app.observations.retention import clear_expired_case_references

    today = london_today()
    observations = clear_expired_case_references(today)
    case_events = clear_case_event_references(today)
    return f"cleared {observations} observation and {case_events} case event case references"


def send_outbox() -> str:
    from learning_app.notifications.sender import send_pending

    return str(send_pending())


def cycle_emails() -> str:
    from learning_app.notifications.cycle_emails import queue_cycle_emails

    return str(queue_cycle_emails(london_today()))


def rebuild_profiles() -> str:
    from learning_app.analytics.rollups import refresh_all
    from learning_app.profiles.services import rebuild_all

    # Commit each batch of practitioners as it is done, as ``flask profiles rebuild`` does.
    rebuilt = rebuild_all(london_today(), progress=lambda _count: db.session.commit())
    refresh_all(london_today(), progress=lambda _region: db.session.commit())
    return f"rebuilt the profiles of {rebuilt} practitioners and the analytics rollups"


def keep_views() -> str:
    from learning_app.analytics.kept_views import keep

    return f"worked out the kept heatmap views of {keep()} regions"


def analytics_snapshot() -> str:
    from learning_app.analytics.rollups import take_snapshot

    period, rows = take_snapshot(london_today())
    return f"snapshot {period}: {rows} rows"


JOBS: dict[str, Job] = {
    job.id: job
    for job in (
        Job(
            "create-due-discussions",
            "Create discussions due by cadence or follow-up; mark missed ones",
            create_due_discussions,
            "cron",
            {"hour": 5, "minute": 0},
        ),
        Job(
            "place-due-discussions",
            "Book due discussions into SPOs' free slots; flag what is at risk",
            place_due_discussions,
            "cron",
            {"hour": 5, "minute": 15},
        ),
        Job(
            "send-reminders",
            "Remind both people two working days before a booked discussion",
            send_reminders,
            "cron",
            {"minute": 5},
        ),
        Job(
            "escalate-overdue",
            "Tell the SPO's manager about discussions past their due date",
            escalate_overdue,
            "cron",
            {"hour": 6, "minute": 0},
        ),
        Job(
            "clear-case-references",
            "Clear case references 12 months after the case event or observation closed",
            clear_case_references,
            "cron",
            {"hour": 2, "minute": 30},
        ),
        Job(
            "send-outbox",
            "Send the emails waiting in the outbox",
            send_outbox,
            "interval",
            {"minutes": 1},
        ),
        Job(
            "cycle-emails",
            "Tell practitioners a learning analysis has opened; remind those not finished",
            cycle_emails,
            "cron",
            {"hour": 7, "minute": 0},
        ),
        Job(
            "rebuild-profiles",
            "Recompute every practitioner's skill profiles (ratings decay with time)",
            rebuild_profiles,
            "cron",
            {"hour": 1, "minute": 0},
            # Heavy; a day-old profile is put right the next night.
            catch_up=False,
        ),
        Job(
            "keep-views",
            "Work out again what each unit's heatmaps hide, where its rollups changed",
            keep_views,
            "interval",
            {"minutes": 1},
        ),
        Job(
            "analytics-snapshot",
            "Copy the learning-analysis rollups into this quarter's snapshot, for trends",
            analytics_snapshot,
            "cron",
            {"hour": 1, "minute": 45},
        ),
    )
}


@dataclass(frozen=True)
class JobResult:
    job_id: str
    ok: bool
    message: str
    seconds: float


def run_job(app: Flask, job_id: str) -> JobResult:
    """Run one job in its own app context: commit on success, roll back on failure, and log
    one line either way. Never raises for a failing job: the scheduler carries on."""
    job = JOBS[job_id]
    started = time.monotonic()
    with app.app_context():
        try:
            message = job.run()
            db.session.commit()
        except Exception as error:  # noqa: BLE001 (a job's failure is logged, not fatal)
            db.session.rollback()
            seconds = time.monotonic() - started
            log.exception("Job %s failed after %.1fs: %r", job_id, seconds, error)
            return JobResult(job_id, False, repr(error), seconds)
        finally:
            db.session.remove()
    seconds = time.monotonic() - started
    log.info("Job %s finished in %.1fs: %s", job_id, seconds, message)
    return JobResult(job_id, True, message, seconds)
