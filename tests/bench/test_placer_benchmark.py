"""The placing benchmark: its results file keeps every section, and the discussions it adds
for the demo unit follow the cadence rules and are placed once by the service."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from bench.placer_demo import KEY_PREFIX, PLACING_TIME, add_due_discussions
from bench.results import write_section
from learning_app.accounts.constants import Grade
from learning_app.core.time import LONDON
from learning_app.notifications.models import OutboxMessage
from learning_app.reflective import services
from learning_app.reflective.models import Discussion, DiscussionStatus, DueReason, SpoCapacity
from learning_app.reflective.working_days import add_working_days, bank_holidays

TODAY = date(2026, 3, 2)


def test_a_run_replaces_its_own_section_and_keeps_the_others(tmp_path) -> None:
    results = tmp_path / "results.md"
    write_section(results, "Placer benchmark", "National", ["- national, first run"])
    write_section(results, "Placer benchmark", "SQLite", ["- sqlite"])
    write_section(results, "Placer benchmark", "National", ["- national, second run"])

    assert results.read_text() == (
        "# Placer benchmark\n\n## National\n\n- national, second run\n\n## SQLite\n\n- sqlite\n"
    )


def test_the_added_discussions_follow_the_cadence_and_the_service_places_them_once(
    factories, db_session
) -> None:
    team = factories.team()
    spo = factories.spo(team)
    db_session.add(
        SpoCapacity(
            spo=spo,
            sessions_per_week=4,
            weekdays="0123",
            day_starts=time(10),
            day_ends=time(16),
            slot_minutes=60,
        )
    )
    # A PO qualified under 12 months meets their SPO every 4 weeks.
    practitioner = factories.user(team=team, grade=Grade.PO, qualified_on=date(2025, 9, 1))
    db_session.flush()

    added = add_due_discussions(TODAY)

    discussions = db_session.scalars(
        select(Discussion).where(Discussion.practitioner_id == practitioner.id)
    ).all()
    cadence = sorted(d.due_on for d in discussions if d.reason == DueReason.CADENCE.value)
    holidays = bank_holidays()
    first = add_working_days(TODAY, 5, holidays)
    expected = [add_working_days(first + timedelta(weeks=4 * n), 0, holidays) for n in range(3)]
    assert cadence == expected
    assert added.cadence == 3
    assert added.case_events == len(discussions) - 3
    assert all(d.dedupe_key.startswith(KEY_PREFIX) for d in discussions)
    assert all(d.spo_id == spo.id for d in discussions)

    now = datetime.combine(TODAY, PLACING_TIME, tzinfo=LONDON).astimezone(UTC)
    first_run = services.place_due_discussions(now)
    booked = [d for d in discussions if d.status == DiscussionStatus.BOOKED.value]
    assert first_run.placed == len(booked)
    assert {d.due_on for d in booked if d.reason == DueReason.CADENCE.value} == set(cadence)
    emails = db_session.scalar(select(func.count(OutboxMessage.id)))
    assert emails == 2 * len(booked)

    second_run = services.place_due_discussions(now)
    assert second_run.placed == 0
    assert db_session.scalar(select(func.count(OutboxMessage.id))) == emails
