"""The rollups follow the profiles: on an evidence change, nightly, and into snapshots."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from learning_app.analytics.models import LIVE, AnalyticsCell
from learning_app.analytics.quarters import quarter_end, quarter_of
from learning_app.analytics.rollups import periods, take_snapshot
from learning_app.core.events import evidence_changed
from learning_app.profiles.models import SkillProfileRecord


def _rolled_up(session, period=LIVE):
    return session.execute(
        select(func.sum(AnalyticsCell.people), func.sum(AnalyticsCell.gap_sum)).where(
            AnalyticsCell.period == period
        )
    ).one()


def _profiles(session):
    return session.execute(select(func.count(), func.sum(SkillProfileRecord.gap))).one()


def test_an_evidence_change_updates_the_rollup_in_the_same_transaction(db_session, unit) -> None:
    before = _rolled_up(db_session)
    assert tuple(before) == (16 * len(unit.skills), 15.0)
    # The first person of team A has no real evidence: recomputing drops their gap of 1.
    evidence_changed.send(unit.people[0], as_of=date(2026, 12, 1))
    people, gaps = _rolled_up(db_session)
    count, profile_gaps = _profiles(db_session)
    assert people == count
    assert gaps == profile_gaps != 15.0


def test_the_cli_refreshes_and_snapshots(runner, db_session, unit) -> None:
    result = runner.invoke(args=["analytics", "refresh"])
    assert result.exit_code == 0 and "Refreshed the analytics rollups" in result.output
    result = runner.invoke(args=["analytics", "snapshot"])
    assert result.exit_code == 0 and "Took the" in result.output
    assert len(periods()) == 1
    assert _rolled_up(db_session, periods()[0]) == _rolled_up(db_session)


def test_a_snapshot_taken_again_in_the_quarter_replaces_the_first(db_session, unit) -> None:
    assert take_snapshot(date(2026, 11, 2))[0] == "2026-Q4"
    period, rows = take_snapshot(date(2026, 12, 20))
    assert period == "2026-Q4"
    assert rows == db_session.scalar(
        select(func.count()).select_from(AnalyticsCell).where(AnalyticsCell.period == LIVE)
    )


def test_quarters() -> None:
    assert quarter_of(date(2026, 3, 31)) == "2026-Q1"
    assert quarter_of(date(2026, 4, 1)) == "2026-Q2"
    assert quarter_end("2026-Q1") == date(2026, 3, 31)
    assert quarter_end("2026-Q3") == date(2026, 9, 30)
    assert quarter_end("2026-Q4") == date(2026, 12, 31)
