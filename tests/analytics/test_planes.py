"""What the heatmap assumes other units' pages hide is what those pages do hide.

A wider view relies on what narrower ones hide (and a narrower one on a wider one):
a team's page hides its total where its PDU's page by team hides the team's row; a
PDU's page by grade hides what exactly one of its teams' pages by grade hides; and so
on up to the nation. Those other views are worked out for every unit at once
(``analytics.planes``), not built one by one as pages are. Here, over random rollups
with many small and equal counts, each unit's page must hide exactly what the planes
say it hides, and the wider pages' promises must hold on the narrower pages.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from learning_app.analytics.heatmap import (
    ALL,
    Filters,
    _Source,
    build_unit_heatmap,
    build_unit_heatmaps,
)
from learning_app.analytics.models import LIVE, SUM_COLUMNS, AnalyticsCell
from learning_app.analytics.rollups import add_up
from learning_app.extensions import db
from learning_app.profiles.services import published_skills

GRADES_AND_BANDS = [("PO", "new"), ("PO", "experienced"), ("PSO", "pso"), ("PQIP", "trainee")]
SITES = ["Leicester", "Hinckley", "Derby"]
VIEWS = [
    ("team", Filters()),
    ("grade", Filters()),
    ("band", Filters()),
    ("site", Filters()),
    ("grade", Filters(band="new")),
    ("site", Filters(grade="PO")),
]


def _random_rollups(factories, seed: int):
    """Two regions: one of a three-team and a one-team PDU, one of a four-team PDU.

    Each team's cells hold 0 to 9 people, so most figures are small and many are equal.
    """
    rng = random.Random(seed)
    slugs = [s.slug for s in published_skills()][:5]
    units = []
    for region_name, sizes in (("North", (3, 1)), ("South", (4,))):
        region = factories.region(f"{region_name} {seed}")
        units.append((region, []))
        for p, size in enumerate(sizes):
            pdu = factories.pdu(region, f"{region_name} PDU {p} {seed}")
            units.append((pdu, []))
            for t in range(size):
                team = factories.team(pdu, f"Team {t} {seed}", site=rng.choice(SITES))
                units.append((team, [team.id]))
                for grade, band in GRADES_AND_BANDS:
                    if rng.random() < 0.25:
                        continue
                    for slug in slugs:
                        people = rng.randrange(10)
                        values = dict.fromkeys(SUM_COLUMNS, 0) | {
                            "people": people,
                            "observed_n": rng.randrange(people + 1),
                        }
                        db.session.add(
                            AnalyticsCell(
                                period=LIVE,
                                team_id=team.id,
                                grade=grade,
                                band=band,
                                skill_slug=slug,
                                pdu_id=pdu.id,
                                region_id=region.id,
                                site=team.site,
                                **values,
                            )
                        )
    db.session.flush()
    add_up(LIVE)
    return _teams_of_each(units)


def _teams_of_each(units):
    """Each unit with every one of its teams, worked out from the teams' own PDUs."""
    from learning_app.org.models import Pdu, Region, Team

    teams = [u for u, _ in units if isinstance(u, Team)]
    found = []
    for unit, _ in units:
        if isinstance(unit, Team):
            mine = {unit.id}
        elif isinstance(unit, Pdu):
            mine = {t.id for t in teams if t.pdu_id == unit.id}
        else:
            assert isinstance(unit, Region)
            mine = {t.id for t in teams if t.pdu.region_id == unit.id}
        found.append((unit, mine))
    return found


def _hidden(heatmap) -> dict[str, dict[str, bool]]:
    return {
        row.key: {slug: f.hidden for slug, f in row.figures.items()}
        for row in [*heatmap.rows, heatmap.total]
    }


def _level(unit) -> str:
    return type(unit).__name__.lower()


@pytest.mark.parametrize("seed", range(4))
def test_every_page_hides_what_the_planes_say_it_hides(
    db_session, factories, published_framework, seed
):
    units = _random_rollups(factories, seed)
    hidden_somewhere = 0
    for unit, team_ids in units:
        for grouping, filters in VIEWS:
            for metric in ("mean-gap", "observed"):
                page = _hidden(build_unit_heatmap(unit, team_ids, grouping, metric, filters))
                source = _Source()
                denominator = "people" if metric == "mean-gap" else "observed_n"
                planes = source.planes(
                    _level(unit), grouping, denominator, filters, source.scope(team_ids)
                )
                cells = planes.cells(unit.id)
                if cells is None:  # no one in view: nothing to hide
                    assert not any(h for row in page.values() for h in row.values())
                else:
                    assert cells == page, (unit.name, grouping, metric, filters)
                hidden_somewhere += sum(h for row in page.values() for h in row.values())
    assert hidden_somewhere > 0


@pytest.mark.parametrize("seed", range(4, 8))
def test_what_a_wider_page_hides_of_a_unit_its_own_page_hides(
    db_session, factories, published_framework, seed
):
    """A PDU's page by team hides a team's row only where the team's page hides its
    total (so the team's page cannot show it), and a region's by PDU likewise."""
    units = _random_rollups(factories, seed)
    checked = 0
    for parent, parent_teams in units:
        children = [
            (u, t)
            for u, t in units
            if getattr(u, "pdu_id", getattr(u, "region_id", None)) == parent.id
            and _level(u) == {"pdu": "team", "region": "pdu"}.get(_level(parent))
        ]
        if not children:
            continue
        grouping = _level(children[0][0])
        for filters in (Filters(), Filters(grade="PO")):
            wide = build_unit_heatmap(parent, parent_teams, grouping, "mean-gap", filters)
            rows = {r.key: r for r in wide.rows}
            for child, child_teams in children:
                own = build_unit_heatmap(child, child_teams, "team", "mean-gap", filters)
                for slug, figure in own.total.figures.items():
                    if str(child.id) in rows and rows[str(child.id)].figures[slug].hidden:
                        assert figure.hidden, (child.name, slug, filters)
                        checked += 1
    assert checked > 0


def test_all_skills_hides_when_the_unfiltered_view_differs_by_a_few(unit) -> None:
    """The PDU has 14 POs and 2 PSOs. Its PO-only total hides on every skill, as the 16
    of the unfiltered view would give the 2 PSOs away; so must "All skills", which is
    about the same 14 people against 16."""
    team_ids = {t.id for t in unit.teams.values()}
    heatmap = build_unit_heatmap(unit.pdu, team_ids, filters=Filters(grade="PO"))
    total = heatmap.total.figures[ALL]
    assert total.n == 14
    assert total.hidden and total.reason == "difference"


@pytest.mark.parametrize("seed", range(20, 22))
def test_every_period_at_once_hides_what_each_period_alone_hides(
    db_session, factories, published_framework, seed
):
    """A trend builds every quarter's heatmap at once (``build_unit_heatmaps``), working out
    the other views for all the quarters together: each must hide what that quarter's
    heatmap built on its own hides."""
    units = _random_rollups(factories, seed)
    rng = random.Random(seed)
    quarters = ["2026-Q1", "2026-Q2", "2026-Q3"]
    live = db.session.scalars(select(AnalyticsCell).where(AnalyticsCell.period == LIVE)).all()
    for quarter in quarters:
        for cell in live:
            if rng.random() < 0.2:
                continue
            people = rng.randrange(10)
            values = dict.fromkeys(SUM_COLUMNS, 0) | {
                "people": people,
                "observed_n": rng.randrange(people + 1),
            }
            keys = ("team_id", "grade", "band", "skill_slug", "pdu_id", "region_id", "site")
            db.session.add(
                AnalyticsCell(period=quarter, **{k: getattr(cell, k) for k in keys}, **values)
            )
    db.session.flush()
    for quarter in quarters:
        add_up(quarter)
    everyone = {t for _unit, teams in units for t in teams}
    hidden_somewhere = 0
    for unit, team_ids in [*units, (None, everyone)]:
        for grouping, filters in VIEWS:
            for metric in ("mean-gap", "observed"):
                together = build_unit_heatmaps(unit, team_ids, grouping, metric, filters, quarters)
                for quarter in quarters:
                    at = Filters(filters.grade, filters.band, quarter)
                    alone = _hidden(build_unit_heatmap(unit, team_ids, grouping, metric, at))
                    assert _hidden(together[quarter]) == alone, (unit, grouping, quarter)
                    hidden_somewhere += sum(h for row in alone.values() for h in row.values())
    assert hidden_somewhere > 0
