"""What each unit's heatmaps hide, kept with the rollups (``analytics.kept_views``).

Kept views must say exactly what the views worked out from the rollups say, and a page
must never lean on views kept from rollups that have changed since.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from learning_app.analytics import kept_views
from learning_app.analytics.heatmap import (
    COUNT_COLUMNS,
    GROUPINGS,
    Filters,
    _Source,
    build_unit_heatmap,
)
from learning_app.analytics.models import KeptView, KeptViewsState
from learning_app.analytics.rollups import refresh_teams
from learning_app.extensions import db
from learning_app.org.models import Pdu, Region, Team
from learning_app.reflective.jobs import JOBS
from tests.analytics.test_planes import _hidden, _level, _random_rollups


def _worked_out(level: str, grouping: str, denominator: str, unit_id: int, scope):
    """What the unit's view hides, worked out from the rollups, nothing kept read."""
    return _Source().planes(level, grouping, denominator, Filters(), scope).cells(unit_id)


def _every_view(units):
    for unit, team_ids in units:
        for grouping in GROUPINGS:
            for denominator in COUNT_COLUMNS:
                yield unit, team_ids, grouping, denominator


@pytest.mark.parametrize("seed", range(2))
def test_kept_views_say_what_the_rollups_say(db_session, factories, published_framework, seed):
    units = _random_rollups(factories, seed)
    regions = [u.id for u, _ in units if isinstance(u, Region)]
    assert kept_views.keep() == len(db.session.scalars(select(Region.id)).all())
    assert kept_views.stale() == []
    checked = hidden = 0
    for unit, team_ids, grouping, denominator in _every_view(units):
        source = _Source()
        level = _level(unit)
        region_of = source._region_of(level)
        columns = [*(c.slug for c in source.columns()), "all"]
        kept = kept_views.read(level, grouping, [denominator], [unit.id], region_of, columns)
        kept = kept[denominator]
        assert unit.id in kept, (unit.name, grouping, denominator)
        worked_out = _worked_out(level, grouping, denominator, unit.id, source.scope(team_ids))
        assert kept[unit.id] == worked_out, (unit.name, grouping, denominator)
        checked += 1
        hidden += sum(h for row in (worked_out or {}).values() for h in row.values())
    assert checked == len(units) * len(GROUPINGS) * len(COUNT_COLUMNS)
    assert hidden > 0
    assert {r for (r,) in db.session.execute(select(KeptView.region_id).distinct())} == set(regions)


def _pages(units):
    return {
        (unit.id, type(unit).__name__, grouping, metric): _hidden(
            build_unit_heatmap(unit, team_ids, grouping, metric)
        )
        for unit, team_ids in units
        for grouping in GROUPINGS
        for metric in ("mean-gap", "self")
    }


def test_pages_hide_the_same_with_views_kept_or_worked_out(
    db_session, factories, published_framework
):
    units = _random_rollups(factories, 11)
    worked_out = _pages(units)
    kept_views.keep()
    assert _pages(units) == worked_out
    # The nation's pages, of every region at once.
    team_ids = {t for _u, teams in units for t in teams}
    kept = {g: _hidden(build_unit_heatmap(None, team_ids, g)) for g in GROUPINGS}
    kept_views.changed(db.session.scalars(select(Region.id)))
    assert {g: _hidden(build_unit_heatmap(None, team_ids, g)) for g in GROUPINGS} == kept


def test_a_page_never_uses_views_kept_from_rollups_that_changed(
    db_session, factories, published_framework
):
    """Kept views that no longer match the rollups are left alone: here they are made to
    hide every figure, which a page shows while they are trusted and not once a change
    to the rollups has been counted."""
    units = _random_rollups(factories, 12)
    kept_views.keep()
    pages = {
        u.id: _hidden(build_unit_heatmap(u, t, "team")) for u, t in units if _level(u) == "team"
    }
    # A team whose own page shows some of its total.
    team = next(u for u, _ in units if _level(u) == "team" and not all(pages[u.id]["all"].values()))
    kept = db.session.get(KeptView, ("pdu", team.pdu_id, "team", "people"))
    kept.hidden = {key: list(range(len(kept.columns))) for key in kept.hidden}
    db.session.flush()
    shown = _hidden(build_unit_heatmap(team, {team.id}, "team"))
    assert all(shown["all"].values())

    region_id = db.session.get(Pdu, team.pdu_id).region_id
    kept_views.changed([region_id])
    assert kept_views.stale() == [region_id]
    assert _hidden(build_unit_heatmap(team, {team.id}, "team")) == pages[team.id]
    assert JOBS["keep-views"].run() == "worked out the kept heatmap views of 1 regions"
    assert kept_views.stale() == []
    assert _hidden(build_unit_heatmap(team, {team.id}, "team")) == pages[team.id]


def test_refreshing_a_teams_rollups_leaves_its_region_to_be_kept_again(
    db_session, factories, published_framework
):
    units = _random_rollups(factories, 13)
    kept_views.keep()
    team = next(u for u, _ in units if isinstance(u, Team))
    refresh_teams({team.id})
    region_id = db.session.get(Pdu, team.pdu_id).region_id
    assert kept_views.stale() == [region_id]
    state = db.session.get(KeptViewsState, region_id)
    assert state.changes == state.kept + 1


def test_views_kept_again_after_a_change_are_trusted(db_session, factories, published_framework):
    units = _random_rollups(factories, 16)
    region = next(u for u, _ in units if isinstance(u, Region))
    kept_views.keep()
    for _ in range(2):
        kept_views.changed([region.id])
        assert kept_views.stale() == [region.id]
        assert kept_views.keep() == 1
        assert kept_views.stale() == []
    state = db.session.scalars(
        select(KeptViewsState).where(KeptViewsState.region_id == region.id)
    ).one()
    db.session.refresh(state)
    assert (state.changes, state.kept, state.rules) == (2, 2, kept_views.RULES)


def test_views_kept_under_other_rules_or_skills_are_not_trusted(
    db_session, factories, published_framework, monkeypatch
):
    units = _random_rollups(factories, 14)
    kept_views.keep()
    region = next(u for u, _ in units if isinstance(u, Region))
    region_of = {region.id: region.id}
    columns = [*(c.slug for c in _Source().columns()), "all"]

    def read():
        return kept_views.read("region", "grade", ["people"], [region.id], region_of, columns)[
            "people"
        ]

    assert region.id in read()
    monkeypatch.setattr(kept_views, "RULES", kept_views.RULES + 1)
    assert read() == {}
    assert region.id in kept_views.stale()
    monkeypatch.undo()
    assert region.id in read()
    # A skill added to the framework since: the kept columns are not the page's.
    db.session.execute(
        update(KeptView)
        .where(KeptView.region_id == region.id)
        .values(columns=columns[1:])
        .execution_options(synchronize_session=False)
    )
    assert read() == {}


def test_flask_analytics_keep_views(app, db_session, factories, published_framework):
    _random_rollups(factories, 15)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["analytics", "keep-views"])
    assert result.exit_code == 0, result.output
    regions = len(db.session.scalars(select(Region.id)).all())
    assert f"Worked out the kept heatmap views of {regions} regions" in result.output
    assert kept_views.stale() == []
    result = runner.invoke(args=["analytics", "keep-views"])
    assert "of 0 regions" in result.output
    result = runner.invoke(args=["analytics", "keep-views", "--all"])
    assert f"of {regions} regions" in result.output
