"""Case references are cleared 12 months after their observation closes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from learning_app.core.audit import AuditEvent
from learning_app.framework.models import FrameworkVersion
from learning_app.observations.cli import run_command
from learning_app.observations.models import Observation, ObservationType
from learning_app.observations.retention import clear_expired_case_references

TODAY = date(2026, 11, 23)


@pytest.fixture
def make_observation(db_session, factories):
    version = FrameworkVersion(name="Retention test framework")
    db_session.add(version)
    db_session.flush()
    practitioner = factories.user()
    observer = factories.user()

    def make(closed_on: date | None, case_reference: str | None = "X123456") -> Observation:
        observation = Observation(
            practitioner_id=practitioner.id,
            observer_id=observer.id,
            observer_role="spo",
            type=ObservationType.CASE_AUDIT.value,
            observed_on=date(2025, 6, 2),
            status="shared",
            shared_at=datetime(2025, 6, 2, 12, tzinfo=UTC),
            framework_version_id=version.id,
            details={},
            case_reference=case_reference,
            closed_on=closed_on,
        )
        db_session.add(observation)
        db_session.flush()
        return observation

    return make


def cleared_events(db_session) -> list[AuditEvent]:
    return list(
        db_session.scalars(
            select(AuditEvent).where(AuditEvent.action == "retention.case_references_cleared")
        )
    )


def test_case_references_are_cleared_12_months_after_closing(db_session, make_observation):
    thirteen_months = make_observation(date(2025, 10, 23))
    eleven_months = make_observation(date(2025, 12, 23))
    exactly_twelve = make_observation(date(2025, 11, 23))
    still_open = make_observation(None)

    assert clear_expired_case_references(TODAY) == 1

    db_session.expire_all()
    assert thirteen_months.case_reference is None
    assert eleven_months.case_reference == "X123456"
    assert exactly_twelve.case_reference == "X123456"
    assert still_open.case_reference == "X123456"
    [event] = cleared_events(db_session)
    assert event.actor_id is None
    assert event.detail == {"count": 1, "closed_before": "2025-11-23"}


def test_a_run_with_nothing_to_clear_is_still_logged(db_session, make_observation):
    make_observation(date(2020, 1, 1), case_reference=None)
    make_observation(date(2026, 1, 1))

    assert clear_expired_case_references(TODAY) == 0
    assert [e.detail["count"] for e in cleared_events(db_session)] == [0]


def test_retention_command(app, db_session, make_observation):
    make_observation(date(2025, 10, 1))
    make_observation(date(2025, 9, 1))

    result = app.test_cli_runner().invoke(run_command, args=["--today", "2026-11-23"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Cleared 2 case references"
    again = app.test_cli_runner().invoke(run_command, args=["--today", "2026-11-23"])
    assert again.output.strip() == "Cleared 0 case references"


def test_retention_command_defaults_to_today(app, db_session, make_observation):
    make_observation(date(2001, 1, 1))
    result = app.test_cli_runner().invoke(run_command)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Cleared 1 case reference"


def test_retention_command_refuses_a_bad_date(app, db_session):
    result = app.test_cli_runner().invoke(run_command, args=["--today", "31/12/2026"])
    assert result.exit_code == 2
    assert "--today" in result.output
    assert cleared_events(db_session) == []
