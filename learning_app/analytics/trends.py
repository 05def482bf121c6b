"""A measure over the quarters, from the snapshots: each skill's figure for a unit.

Each quarter's figures are the total row of that quarter's heatmap for the unit grouped
by its own level (a region by region, a PDU by PDU, a team by team; all the units a
reader looks after by region), so they are suppressed as that heatmap would be, with
what the parent's view hides of the unit. The total row is the same people in every
grouping, and is hidden alike in each (a total is never the smallest figure of its
column, so secondary suppression picks it only when every row is hidden already), and
that grouping is the smallest table that shows it: one row a quarter for a PDU, and
12 nationally, rather than 2,000.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from learning_app.analytics.heatmap import ALL, Column, Filters, build_unit_heatmaps
from learning_app.analytics.rollups import periods
from learning_app.analytics.suppression import Figure
from learning_app.org.models import Pdu, Region
from learning_app.org.units import Unit

CHART_WIDTH = 640
CHART_HEIGHT = 240
MARGIN = 40


@dataclass
class Trend:
    periods: list[str]
    columns: list[Column]
    # slug (or ALL) -> one figure per period
    lines: dict[str, list[Figure]]

    def points(self, slug: str, top: float) -> list[tuple[float, float, Figure]]:
        """(x, y, figure) of each shown figure of one line, scaled to the chart."""
        figures = self.lines.get(slug, [])
        step = (CHART_WIDTH - 2 * MARGIN) / max(1, len(figures) - 1)
        scale = (CHART_HEIGHT - 2 * MARGIN) / (top or 1)
        return [
            (MARGIN + i * step, CHART_HEIGHT - MARGIN - f.value * scale, f)
            for i, f in enumerate(figures)
            if f.shown
        ]


def build_trend(
    unit: Unit | None,
    team_ids: Collection[int],
    metric_key: str,
    grade: str = "",
    band: str = "",
    suppress: bool = True,
    last: int | None = None,
    snapshots: list[str] | None = None,
) -> Trend:
    """The trend over every quarter with a snapshot, or over the ``last`` few of them.

    ``snapshots`` is those quarters, oldest first, if already read."""
    quarters = periods() if snapshots is None else snapshots
    if last is not None:
        quarters = quarters[-last:]
    lines: dict[str, list[Figure]] = {}
    columns: list[Column] = []
    heatmaps = build_unit_heatmaps(
        unit, team_ids, _grouping(unit), metric_key, Filters(grade, band), quarters, suppress
    )
    for period in quarters:
        heatmap = heatmaps[period]
        columns = heatmap.columns
        for slug, figure in heatmap.total.figures.items():
            lines.setdefault(slug, []).append(figure)
    for slug in [*(c.slug for c in columns), ALL]:
        lines.setdefault(slug, [Figure(0, None) for _ in quarters])
    return Trend(quarters, columns, lines)


def _grouping(unit: Unit | None) -> str:
    """The grouping of ``unit``'s own level."""
    if unit is None or isinstance(unit, Region):
        return "region"
    if isinstance(unit, Pdu):
        return "pdu"
    return "team"
