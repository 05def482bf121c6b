"""The scheduled jobs: stable ids, ``flask scheduler run-job``, one log line per run, a
commit on success and nothing left behind on failure, and each job safe to run twice."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from learning_app.core.audit import AuditEvent
from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.notifications.models import OutboxMessage
from learning_app.notifications.outbox import queue_email
from learning_app.reflective.jobs import JOBS, Job, clear_case_event_references, run_job
from learning_app.reflective.models import CaseEvent, Discussion
from tests.notifications.smtp_helpers import enable_job_logs


@pytest.fixture(autouse=True)
def job_logs(db_session):
    enable_job_logs()


def test_the_jobs_and_their_ids():
    """Ids are part of the interface (``flask scheduler run-job ID``, the logs): keep them."""
    assert list(JOBS) == [
        "create-due-discussions",
        "place-due-discussions",
        "send-reminders",
        "escalate-overdue",
        "clear-case-references",
        "send-outbox",
        "cycle-emails",
        "rebuild-profiles",
        "keep-views",
        "analytics-snapshot",
    ]
    assert JOBS["send-outbox"].schedule == "every minute"
    assert JOBS["keep-views"].schedule == "every minute"
    assert JOBS["send-reminders"].schedule == "every hour at 05 minutes past"
    assert JOBS["create-due-discussions"].schedule == "daily at 05:00 UK time"


def test_run_job_with_an_unknown_name_lists_the_jobs_and_fails(runner):
    result = runner.invoke(args=["scheduler", "run-job", "send-everything"])

    assert result.exit_code != 0
    assert "There is no job called 'send-everything'" in result.output
    for job_id in JOBS:
        assert job_id in result.output


def test_scheduler_jobs_lists_each_job_with_its_schedule(runner):
    result = runner.invoke(args=["scheduler", "jobs"])

    assert result.exit_code == 0
    assert "send-outbox" in result.output and "every minute" in result.output


def test_run_job_runs_it_once_says_what_it_did_and_logs_one_line(runner, caplog):
    with caplog.at_level(logging.INFO, logger="learning_app.jobs"):
        result = runner.invoke(args=["scheduler", "run-job", "send-reminders"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Job send-reminders: queued 0 reminders"
    lines = [r.getMessage() for r in caplog.records if r.name == "learning_app.jobs"]
    assert len(lines) == 1
    assert lines[0].startswith("Job send-reminders finished in ")
    assert lines[0].endswith(": queued 0 reminders")


def test_a_failing_job_is_rolled_back_logged_and_exits_non_zero(
    app, runner, factories, monkeypatch, caplog
):
    person = factories.user()
    db.session.commit()

    def half_done() -> str:
        queue_email(person, "test", "test:half-done", "Subject", "Body")
        raise RuntimeError("the mail relay is on fire")

    monkeypatch.setitem(JOBS, "half-done", Job("half-done", "Fails", half_done, "cron", {}))
    with caplog.at_level(logging.INFO, logger="learning_app.jobs"):
        result = runner.invoke(args=["scheduler", "run-job", "half-done"])

    assert result.exit_code == 1
    assert "Job half-done failed: RuntimeError('the mail relay is on fire')" in result.output
    assert "Job half-done failed after" in caplog.text
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_run_job_commits_what_the_job_did(app, factories, monkeypatch):
    person = factories.user()
    db.session.commit()

    def queue_one() -> str:
        queue_email(person, "test", "test:committed", "Subject", "Body")
        return "queued one"

    monkeypatch.setitem(JOBS, "queue-one", Job("queue-one", "Queues", queue_one, "cron", {}))
    result = run_job(app, "queue-one")

    assert result.ok and result.message == "queued one"
    db.session.rollback()  # what was committed survives a rollback
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


# Clearing case references -------------------------------------------------------------------


def case_event(practitioner, closed_on: date | None, reference: str = "X123456") -> CaseEvent:
    event = CaseEvent(
        practitioner=practitioner,
        logged_by=practitioner,
        event_type="rosh-high",
        event_label="Risk of serious harm raised to high",
        rosh_level="high",
        occurred_on=date(2024, 1, 8),
        case_reference=reference,
        closed_on=closed_on,
    )
    db.session.add(event)
    db.session.flush()
    return event


def test_case_references_are_cleared_12_months_after_the_event_closed(reflective_team):
    practitioner = reflective_team.practitioner
    old = case_event(practitioner, date(2025, 3, 9))
    on_the_day = case_event(practitioner, date(2025, 3, 10), "Y123456")
    still_open = case_event(practitioner, None, "Z123456")

    assert clear_case_event_references(date(2026, 3, 10)) == 1

    assert old.case_reference is None
    assert on_the_day.case_reference == "Y123456"
    assert still_open.case_reference == "Z123456"
    assert old.event_label == "Risk of serious harm raised to high"  # the event stays
    assert clear_case_event_references(date(2026, 3, 10)) == 0
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "case_events")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.action == "retention.case_references_cleared"
    assert event.detail == {"count": 0, "closed_before": "2025-03-10"}


def test_the_clear_case_references_job_clears_observations_and_case_events(app, reflective_team):
    case_event(reflective_team.practitioner, london_today() - timedelta(days=400))
    db.session.commit()

    result = run_job(app, "clear-case-references")

    assert result.ok, result.message
    assert result.message == "cleared 0 observation and 1 case event case references"


# Profiles ---------------------------------------------------------------------------------


def test_the_nightly_rebuild_recomputes_profiles(app, published_framework, reflective_team):
    db.session.commit()

    result = run_job(app, "rebuild-profiles")

    assert result.ok, result.message
    assert result.message.startswith("rebuilt the profiles of ")
    assert int(result.message.split()[4]) >= 2


# The scheduling services' jobs --------------------------------------------------------------


def _services_written() -> bool:
    from learning_app.reflective import services

    try:
        services.place_due_discussions(datetime.now(UTC), spo_ids=set())
    except NotImplementedError:
        return False
    finally:
        db.session.rollback()
    return True


@pytest.fixture
def scheduling_services(db_session):
    if not _services_written():
        pytest.skip("The scheduling services are not written yet")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_creating_and_placing_twice_makes_no_duplicate(app, scheduling_services, reflective_team):
    """The practitioner and the PSO have never had a discussion, so both are due by cadence."""
    db.session.commit()

    created = run_job(app, "create-due-discussions")
    placed = run_job(app, "place-due-discussions")
    discussions, emails = count(Discussion), count(OutboxMessage)
    created_again = run_job(app, "create-due-discussions")
    placed_again = run_job(app, "place-due-discussions")

    assert created.ok and placed.ok, (created, placed)
    assert created.message == "created 2 due discussions"
    assert placed.message == "placed 2, at risk 0"
    assert (created_again.message, placed_again.message) == (
        "created 0 due discussions",
        "placed 0, at risk 0",
    )
    assert (count(Discussion), count(OutboxMessage)) == (discussions, emails)
    assert emails == 4  # booked: to each practitioner and to the SPO, twice


def test_no_email_the_jobs_send_carries_a_case_reference(
    app, scheduling_services, reflective_team, published_framework, monkeypatch
):
    """From a high-risk case event with a case reference: booked, reminder, cancelled and
    rebooked emails all go out through a real SMTP server, and none names the case."""
    from learning_app.core.time import utc_now
    from learning_app.reflective import services
    from tests.notifications.smtp_helpers import running_smtp_server

    practitioner = reflective_team.practitioner
    data = services.CaseEventInput("rosh-high", "high", london_today(), case_reference="X123456")
    _event, discussion = services.log_case_event(
        practitioner, practitioner, data, today=london_today(), now=utc_now()
    )
    services.cancel_discussion(practitioner, discussion, "I am in court that day", utc_now())
    db.session.commit()
    for job_id in ("create-due-discussions", "place-due-discussions", "send-reminders"):
        assert run_job(app, job_id).ok

    with running_smtp_server() as server:
        monkeypatch.setitem(app.config, "SMTP_URL", server.url)
        result = run_job(app, "send-outbox")

    assert result.ok, result.message
    kinds = set(db.session.scalars(select(OutboxMessage.kind)))
    assert {"discussion-booked", "discussion-cancelled"} <= kinds
    assert len(server.received) == count(OutboxMessage) >= 4
    for received in server.received:
        text = received.message.as_string()
        assert "X123456" not in text
        assert not re.search(r"\b[A-Z]\d{6}\b", received.subject + received.body)
