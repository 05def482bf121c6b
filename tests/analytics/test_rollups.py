"""The rollups follow the profiles: on an evidence change, nightly, and into snapshots."""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import func, select

from learning_app.analytics.models import (
    LIVE,
    SUM_COLUMNS,
    AnalyticsCell,
    AnalyticsPduCell,
    AnalyticsRegionCell,
    AnalyticsTeamLine,
    AnalyticsTeamTotal,
)
from learning_app.analytics.quarters import quarter_end, quarter_of
from learning_app.analytics.rollups import periods, refresh_all, refresh_teams, take_snapshot
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


def _by_level(session, model, unit_column):
    """Every period's sums per (unit, grade, band, skill) from ``model``'s rows."""
    keys = (model.period, unit_column, model.grade, model.band, model.skill_slug)
    rows = session.execute(
        select(*keys, *(func.sum(getattr(model, c)) for c in SUM_COLUMNS)).group_by(*keys)
    ).all()
    return {tuple(r[:5]): tuple(round(v, 9) for v in r[5:]) for r in rows}


def _by_team(session, model):
    """Every period's sums, with the PDU, region and site, per (team, skill)."""
    keys = (model.period, model.team_id, model.skill_slug)
    places = (func.min(model.pdu_id), func.min(model.region_id), func.min(model.site))
    sums = (func.sum(getattr(model, c)) for c in SUM_COLUMNS)
    rows = session.execute(select(*keys, *places, *sums).group_by(*keys)).all()
    return {tuple(r[:3]): (*r[3:6], *(round(v, 9) for v in r[6:])) for r in rows}


def _lines(session):
    """The team lines taken apart: every period's sums, with the PDU, region and site, per
    (team, skill), as ``_by_team`` gives them but exactly."""
    found = {}
    for line in session.scalars(select(AnalyticsTeamLine)):
        sums = [np.frombuffer(getattr(line, c), dtype="<f8").tolist() for c in SUM_COLUMNS]
        for i, slug in enumerate(line.skills.split(",")):
            place = (line.pdu_id, line.region_id, line.site)
            found[(line.period, line.team_id, slug)] = (*place, *(s[i] for s in sums))
    return found


def _exact_totals(session):
    model = AnalyticsTeamTotal
    columns = (model.period, model.team_id, model.skill_slug, model.pdu_id, model.region_id)
    rows = session.execute(
        select(*columns, model.site, *(getattr(model, c) for c in SUM_COLUMNS))
    ).all()
    return {tuple(r[:3]): tuple(r[3:]) for r in rows}


def _levels_agree(session) -> int:
    """The team totals, PDU and region rows are the team rows added up, and the team lines
    hold exactly the team totals; how many region rows there are."""
    teams = AnalyticsCell
    assert _by_team(session, AnalyticsTeamTotal) == _by_team(session, teams)
    assert _lines(session) == _exact_totals(session)
    by_region = _by_level(session, AnalyticsRegionCell, AnalyticsRegionCell.region_id)
    assert by_region == _by_level(session, teams, teams.region_id)
    assert by_region == _by_level(session, AnalyticsPduCell, AnalyticsPduCell.region_id)
    assert _by_level(session, AnalyticsPduCell, AnalyticsPduCell.pdu_id) == _by_level(
        session, teams, teams.pdu_id
    )
    return len(by_region)


def test_region_rows_follow_every_change_of_the_team_rows(db_session, factories, unit) -> None:
    assert _levels_agree(db_session) > 0
    people_before = db_session.scalar(
        select(func.sum(AnalyticsRegionCell.people)).where(AnalyticsRegionCell.period == LIVE)
    )
    # An evidence change, a move to another region's team, a snapshot, the nightly refresh.
    evidence_changed.send(unit.people[0], as_of=date(2026, 12, 1))
    assert _levels_agree(db_session)
    elsewhere = factories.team(factories.pdu(factories.region("North"), "Tyneside"), "Delta")
    mover = unit.people[1]
    old_team = mover.team_id
    mover.team = elsewhere
    db_session.flush()
    refresh_teams({old_team, elsewhere.id}, date(2026, 12, 1))
    assert _levels_agree(db_session)
    moved = db_session.scalar(
        select(func.sum(AnalyticsRegionCell.people)).where(
            AnalyticsRegionCell.period == LIVE, AnalyticsRegionCell.region_id == unit.region.id
        )
    )
    assert moved == people_before - len(unit.skills)
    take_snapshot(date(2026, 12, 2))
    refresh_all(date(2026, 12, 3))
    assert _levels_agree(db_session)
    assert "2026-Q4" in {
        p for (p,) in db_session.execute(select(AnalyticsRegionCell.period).distinct())
    }


def test_quarters() -> None:
    assert quarter_of(date(2026, 3, 31)) == "2026-Q1"
    assert quarter_of(date(2026, 4, 1)) == "2026-Q2"
    assert quarter_end("2026-Q1") == date(2026, 3, 31)
    assert quarter_end("2026-Q3") == date(2026, 9, 30)
    assert quarter_end("2026-Q4") == date(2026, 12, 31)
