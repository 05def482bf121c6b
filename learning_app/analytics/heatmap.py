"""The learning-analysis heatmap: a metric for each group of practitioners and skill.

The numbers come from the rollups (``analytics.models``): one query adds up the rows of
the teams in view, grouped by the chosen grouping and skill (and, grouped by PDU, region,
grade or band, the PDU and region rollups stand in for every unit wholly in view; by
team or site with no grade or band filter, each team's line of sums is read). Columns
are the skills of the published framework in domain order, with an "All skills" column;
a total row covers everyone in view. Suppression (``analytics.suppression``, taken on
arrays of every cell: ``Grid``) is applied unless the reader is the SPO of every team in
view.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import add
from typing import Any

import numpy as np
from sqlalchemy import Select, false, func, or_, select

from learning_app.accounts.constants import BAND_LABELS, BAND_ORDER, GRADE_LABELS, Band, Grade
from learning_app.analytics import kept_views
from learning_app.analytics.kept_views import Cells
from learning_app.analytics.models import (
    LINE_TYPE,
    LIVE,
    SUM_COLUMNS,
    AnalyticsCell,
    AnalyticsPduCell,
    AnalyticsRegionCell,
    AnalyticsTeamLine,
    AnalyticsTeamTotal,
)
from learning_app.analytics.planes import (
    ALL,
    Planes,
    counted,
    hide_lines,
    hide_totals_hidden_above,
    hide_what_parts_hide,
    suppress_own,
)
from learning_app.analytics.suppression import THRESHOLD, Figure
from learning_app.core.sql import among
from learning_app.extensions import db
from learning_app.framework.models import Domain, FrameworkVersion, Skill, VersionStatus
from learning_app.org.models import Pdu, Region, Team
from learning_app.org.units import Unit


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    # The sum column counted, and the column of people it is over.
    numerator: str
    denominator: str
    percent: bool
    # True when a higher value is a bigger concern (it decides the colour scale).
    higher_is_worse: bool

    @property
    def sums(self) -> tuple[str, ...]:
        """The sum columns its figures are worked out from."""
        return tuple(dict.fromkeys((self.numerator, self.denominator)))

    def figure(self, values: Sequence[float] | None, at: Mapping[str, int] | None = None) -> Figure:
        """The figure of one cell's sums (None for no one): ``SUM_COLUMNS`` in order, or
        the columns whose places ``at`` gives."""
        at = at or _AT
        n = values[at[self.denominator]] if values else 0
        if not n:
            return Figure(int(n), None)
        value = values[at[self.numerator]] / n
        return Figure(int(n), value * 100 if self.percent else value)


_AT = {column: i for i, column in enumerate(SUM_COLUMNS)}


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric("mean-gap", "Mean gap to target (levels)", "gap_sum", "people", False, True),
        Metric("below-target", "% below target", "below_target", "people", True, True),
        Metric("observed", "Mean observed level", "observed_sum", "observed_n", False, False),
        Metric("self", "Mean self-assessed level", "self_sum", "self_n", False, False),
        Metric("blind-spots", "% blind spots", "blind_spots", "both_n", True, True),
        Metric("evidence", "% with enough evidence", "with_evidence", "people", True, False),
    )
}
DEFAULT_METRIC = "mean-gap"
# The columns of people the measures are over: all that suppression looks at.
COUNT_COLUMNS = tuple(dict.fromkeys(m.denominator for m in METRICS.values()))

GROUPINGS: dict[str, str] = {
    "team": "Team",
    "pdu": "PDU",
    "region": "Region",
    "site": "Site",
    "grade": "Grade",
    "band": "Experience band",
}
DEFAULT_GROUPING = "team"
# Every sum of everyone in view is read by grade: a few rows, from the PDU rollups.
TOTALS_GROUPING = "grade"
_GROUP_COLUMNS = {
    "team": AnalyticsCell.team_id,
    "pdu": AnalyticsCell.pdu_id,
    "region": AnalyticsCell.region_id,
    "site": AnalyticsCell.site,
    "grade": AnalyticsCell.grade,
    "band": AnalyticsCell.band,
}
GRADES = [g for g in Grade if g is not Grade.SPO]


@dataclass
class Column:
    slug: str
    name: str
    domain: str


# Why a figure is hidden (``Figure.reason``), as ``Grid.reason`` numbers them.
REASONS = (None, "primary", "secondary", "difference")
_PRIMARY, _SECONDARY, _DIFFERENCE = 1, 2, 3


@dataclass
class Grid:
    """A heatmap's figures as arrays [row, column]: its rows in order, then the total; its
    skills in order (``columns``), then "All skills". ``value`` is NaN for a figure about
    no one, and ``reason`` indexes ``REASONS``.

    Every step of suppression is taken on these, for every cell at once; a row's
    ``Figure``s are made only when it is read (``Row.figures``), so a page of a table of
    thousands of rows makes them for the rows it shows.
    """

    columns: list[str]
    n: np.ndarray
    value: np.ndarray
    hidden: np.ndarray
    reason: np.ndarray

    @property
    def total(self) -> int:
        return self.n.shape[0] - 1

    def hide(self, cells: np.ndarray, reason: int, row: int | None = None) -> None:
        """Hide ``cells`` (a mask of every cell, or of ``row``'s) not hidden already."""
        hidden = self.hidden if row is None else self.hidden[row]
        new = cells & ~hidden
        hidden |= new
        (self.reason if row is None else self.reason[row])[new] = reason

    def hide_complements(self) -> None:
        """``suppression.hide_complements`` of the columns, then the rows, each with its
        total: the same lines in the same order, taken as ``planes`` takes them."""
        before = self.hidden.copy()
        hide_lines(self.n[None], self.hidden[None])
        self.reason[self.hidden & ~before] = _SECONDARY

    def figures(self, row: int) -> dict[str, Figure]:
        values = self.value[row].tolist()
        cells = zip(
            self.columns,
            self.n[row].tolist(),
            values,
            self.hidden[row].tolist(),
            self.reason[row].tolist(),
            strict=True,
        )
        return {c: Figure(n, None if v != v else v, h, REASONS[r]) for c, n, v, h, r in cells}


class _Figures(Mapping):
    """A row's figures by column, made from its heatmap's ``Grid`` when first read."""

    __slots__ = ("_grid", "_row", "_made")

    def __init__(self, grid: Grid, row: int) -> None:
        self._grid, self._row = grid, row
        self._made: dict[str, Figure] | None = None

    def _figures(self) -> dict[str, Figure]:
        if self._made is None:
            self._made = self._grid.figures(self._row)
        return self._made

    def __getitem__(self, column: str) -> Figure:
        return self._figures()[column]

    def __iter__(self):
        return iter(self._figures())

    def __len__(self) -> int:
        return len(self._grid.columns)


@dataclass
class Row:
    key: str
    label: str
    figures: Mapping[str, Figure] = field(default_factory=dict)
    # The unit a drill-down from this row looks at (None: the view's own unit).
    unit_key: str | None = None
    # Its row of the heatmap's ``Grid``.
    at: int = -1


@dataclass
class Heatmap:
    metric: Metric
    grouping: str
    columns: list[Column]
    rows: list[Row]
    total: Row
    suppressed: bool
    # The sums of everyone in view on each skill, by (ALL, skill slug).
    sums: dict[tuple[str, str], dict[str, Any]] = field(repr=False, default_factory=dict)
    grid: Grid = field(repr=False, default=None)  # type: ignore[assignment]

    @property
    def domains(self) -> list[tuple[str, int]]:
        """(domain name, number of skill columns) in order, for the header row."""
        spans: list[tuple[str, int]] = []
        for column in self.columns:
            if spans and spans[-1][0] == column.domain:
                spans[-1] = (column.domain, spans[-1][1] + 1)
            else:
                spans.append((column.domain, 1))
        return spans

    @property
    def any_hidden(self) -> bool:
        return bool(self.grid.hidden.any())


@dataclass(frozen=True)
class Filters:
    grade: str = ""
    band: str = ""
    period: str = LIVE


def columns() -> list[Column]:
    """The skills of the published framework, in framework order, with their domains."""
    rows = db.session.execute(
        select(Skill.slug, Skill.name, Domain.name)
        .join(FrameworkVersion, Skill.version_id == FrameworkVersion.id)
        .outerjoin(Domain, Domain.id == Skill.domain_id)
        .where(FrameworkVersion.status == VersionStatus.PUBLISHED.value)
        .order_by(Skill.position, Skill.id)
    ).tuples()
    return [Column(slug, name, domain or "") for slug, name, domain in rows]


_PDU_GROUP_COLUMNS = {
    "pdu": AnalyticsPduCell.pdu_id,
    "region": AnalyticsPduCell.region_id,
    "grade": AnalyticsPduCell.grade,
    "band": AnalyticsPduCell.band,
}
_TOTAL_GROUP_COLUMNS = {
    "team": AnalyticsTeamTotal.team_id,
    "pdu": AnalyticsTeamTotal.pdu_id,
    "region": AnalyticsTeamTotal.region_id,
    "site": AnalyticsTeamTotal.site,
}
_REGION_GROUP_COLUMNS = {
    "region": AnalyticsRegionCell.region_id,
    "grade": AnalyticsRegionCell.grade,
    "band": AnalyticsRegionCell.band,
}
# Above this many teams, finding the whole PDUs in view costs less than naming every team.
_MANY_TEAMS = 100


def _whole_pdus(
    team_ids: Collection[int], pdus: dict[int, int] | None = None
) -> tuple[list[int], list[int]]:
    """The PDUs every team of which is in ``team_ids``, and the other teams of ``team_ids``.

    ``pdus`` is every team's PDU, if already read.
    """
    if pdus is None:
        pdus = dict(db.session.execute(select(Team.id, Team.pdu_id)).tuples().all())
    whole = _whole_units(pdus, team_ids)
    inside = {t for teams in whole.values() for t in teams}
    return sorted(whole), sorted(set(team_ids) - inside)


def _whole_units(unit_of: dict[int, int], team_ids: Collection[int]) -> dict[int, frozenset[int]]:
    """The units (``unit_of`` is every team's) wholly among ``team_ids``, with their teams."""
    teams: dict[int, set[int]] = {}
    for team_id, unit_id in unit_of.items():
        teams.setdefault(unit_id, set()).add(team_id)
    wanted = set(team_ids)
    touched = {unit_of[t] for t in wanted if t in unit_of}
    return {u: frozenset(teams[u]) for u in touched if teams[u] <= wanted}


def group_sums_statements(
    team_ids: Collection[int], grouping: str, filters: Filters, sums: tuple[str, ...] = SUM_COLUMNS
) -> list[Select]:
    """The grouped sums of a heatmap: (group key, skill slug, *sums) rows.

    PDUs wholly in view are read from the PDU rollups where the grouping allows (PDU,
    region, grade, band) and otherwise named by PDU; the other teams one by one.
    """
    return _statements(team_ids, grouping, filters, sums=sums)


def page_statements(
    team_ids: Collection[int], grouping: str, filters: Filters, metric_key: str
) -> list[Select]:
    """The grouped sums one heatmap page reads (``_build``): every sum by grade, for the
    totals, and the measure's own sums by the page's grouping (its team lines, by team or
    site with no grade or band filter)."""
    statements = group_sums_statements(team_ids, TOTALS_GROUPING, filters)
    wanted = METRICS[metric_key].sums
    sums = tuple(c for c in SUM_COLUMNS if c in wanted)
    if _lined(grouping, filters):
        statements.append(_lines_statement(team_ids, grouping, filters.period, sums))
    elif grouping != TOTALS_GROUPING:
        statements += group_sums_statements(team_ids, grouping, filters, sums)
    return statements


def _lined(grouping: str, filters: Filters) -> bool:
    """Whether a view's sums are read from the team lines (``_Source.lines``)."""
    return grouping in ("team", "site") and not (filters.grade or filters.band)


def _lines_statement(
    team_ids: Collection[int],
    grouping: str,
    period: str,
    sums: tuple[str, ...],
    pdus: dict[int, int] | None = None,
) -> Select:
    """The team lines of ``team_ids`` for ``period``: (team id or site, skills, *sums).

    ``pdus`` is every team's PDU, if already read; every team is read with no condition."""
    if pdus is None:
        pdus = dict(db.session.execute(select(Team.id, Team.pdu_id)).tuples().all())
    line = AnalyticsTeamLine
    group = line.team_id if grouping == "team" else line.site
    statement = select(group, line.skills, *(getattr(line, c) for c in sums)).where(
        line.period == period
    )
    if set(team_ids) == pdus.keys():
        return statement
    whole, teams = ([], sorted(team_ids))
    if len(teams) > _MANY_TEAMS:
        whole, teams = _whole_pdus(team_ids, pdus)
    within = [among(line.team_id, teams)] if teams else []
    within += [among(line.pdu_id, whole)] if whole else []
    return statement.where(or_(*within) if within else false())


def _statements(
    team_ids: Collection[int],
    grouping: str,
    filters: Filters,
    periods: list[str] | None = None,
    pdus: dict[int, int] | None = None,
    sums: tuple[str, ...] = SUM_COLUMNS,
    regions: dict[int, int] | None = None,
) -> list[Select]:
    """``group_sums_statements``; with ``periods``, for each of them, the period first.

    ``pdus`` is every team's PDU and ``regions`` every PDU's region, if already read;
    ``sums`` the columns added up.
    """
    if not team_ids:
        return []
    whole: list[int] = []
    teams = sorted(team_ids)
    if grouping in _PDU_GROUP_COLUMNS or len(teams) > _MANY_TEAMS:
        whole, teams = _whole_pdus(team_ids, pdus)
    statements = []
    if whole and grouping in _REGION_GROUP_COLUMNS:
        if regions is None:
            regions = dict(db.session.execute(select(Pdu.id, Pdu.region_id)).tuples().all())
        inside = _whole_units(regions, whole)
        if inside:
            group = _REGION_GROUP_COLUMNS[grouping]
            statements.append(
                _grouped(AnalyticsRegionCell, group, filters, periods, sums).where(
                    AnalyticsRegionCell.region_id.in_(sorted(inside))
                )
            )
            done = {p for members in inside.values() for p in members}
            whole = [p for p in whole if p not in done]
    if whole and grouping in _PDU_GROUP_COLUMNS:
        statements.append(
            _grouped(AnalyticsPduCell, _PDU_GROUP_COLUMNS[grouping], filters, periods, sums).where(
                AnalyticsPduCell.pdu_id.in_(whole)
            )
        )
        whole = []
    model, columns = _team_rows(grouping, filters)
    in_view = [model.team_id.in_(teams)] if teams else []
    if whole:
        in_view.append(model.pdu_id.in_(whole))
    if in_view:
        # A team's totals are one row per skill already.
        unique = model is AnalyticsTeamTotal and grouping == "team"
        statement = _grouped(model, columns[grouping], filters, periods, sums, unique)
        if teams or pdus is None or set(whole) != set(pdus.values()):
            statement = statement.where(or_(*in_view))
        statements.append(statement)
    return statements


def _team_rows(grouping: str, filters: Filters) -> tuple[Any, dict[str, Any]]:
    """The team rollups to read by ``grouping``, and their grouping columns: with no grade
    or band to pick or group by, the teams' totals over them (a third as many rows)."""
    if grouping in _TOTAL_GROUP_COLUMNS and not (filters.grade or filters.band):
        return AnalyticsTeamTotal, _TOTAL_GROUP_COLUMNS
    return AnalyticsCell, _GROUP_COLUMNS


def _grouped(
    model,
    group,
    filters: Filters,
    periods: list[str] | None,
    sums: tuple[str, ...] = SUM_COLUMNS,
    unique: bool = False,
) -> Select:
    """``sums`` of ``model``'s rows per (period,) ``group`` and skill; ``unique`` when
    there is one row of each already, so nothing is to be added up."""
    keys = [group, model.skill_slug] if periods is None else [model.period, group, model.skill_slug]
    if unique:
        statement = select(*keys, *(getattr(model, c) for c in sums))
    else:
        statement = select(*keys, *(func.sum(getattr(model, c)) for c in sums)).group_by(*keys)
    if periods is None:
        statement = statement.where(model.period == filters.period)
    else:
        statement = statement.where(model.period.in_(periods))
    return _of_filters(statement, model, filters)


def _of_filters(statement: Select, model, filters: Filters) -> Select:
    """``statement`` over the rows of ``model`` of the grade and band ``filters`` name."""
    if filters.grade:
        statement = statement.where(model.grade == filters.grade)
    if filters.band:
        statement = statement.where(model.band == filters.band)
    return statement


def _added_up(found: dict[tuple[str, str], list]) -> dict[tuple[str, str], list]:
    """The sums of each (group, skill), with the (ALL, skill), (group, ALL), (ALL, ALL) totals."""
    if not found:
        return {}
    keys = list(found)
    values = np.array(list(found.values()), dtype=np.float64)
    added = dict(found)
    for at, target in ((1, lambda k: (ALL, k)), (0, lambda k: (k, ALL))):
        parts = {k: i for i, k in enumerate(dict.fromkeys(key[at] for key in keys))}
        where = np.fromiter((parts[key[at]] for key in keys), np.int64, len(keys))
        totals = np.zeros((len(parts), values.shape[1]))
        np.add.at(totals, where, values)
        added.update(zip(map(target, parts), totals.tolist(), strict=True))
    added[(ALL, ALL)] = values.sum(axis=0).tolist()
    return added


def _lines_of(found: dict[tuple[str, str], Any]) -> dict[tuple[str, str], list]:
    """The values of ``found`` that each total adds up, in order: each skill's (ALL, skill),
    each group's (group, ALL), and everyone's (ALL, ALL)."""
    lines: dict[tuple[str, str], list] = {}
    for (key, slug), values in found.items():
        lines.setdefault((ALL, slug), []).append(values)
        lines.setdefault((key, ALL), []).append(values)
    if found:
        lines[(ALL, ALL)] = list(found.values())
    return lines


def _counted(found: dict[tuple[str, str], list], at: int) -> dict[tuple[str, str], int]:
    """``_added_up`` of the one column at ``at`` of ``found``'s values."""
    counted = {key: values[at] for key, values in found.items()}
    for target, rows in _lines_of(found).items():
        counted[target] = sum(values[at] for values in rows)
    return counted


def _found(
    team_ids: Collection[int],
    grouping: str,
    filters: Filters,
    periods: list[str] | None,
    pdus: dict[int, int] | None = None,
    sums: tuple[str, ...] = SUM_COLUMNS,
    regions: dict[int, int] | None = None,
) -> dict[str, dict[tuple[str, str], list]]:
    """Each period's sums per (group key, skill slug), totals aside, in one query.

    The period is ``filters.period``, or each of ``periods`` when given.
    """
    found: dict[str, dict[tuple[str, str], list]] = {p: {} for p in periods or [filters.period]}
    statements = _statements(team_ids, grouping, filters, periods, pdus, sums, regions)
    if periods is None and len(statements) == 1:
        # One grouped read: each (group, skill) comes once, so nothing is to be added.
        found[filters.period] = {(str(r[0]), r[1]): list(r[2:]) for r in _read(statements[0])}
        return found
    width = 2 if periods is None else 3
    for statement in statements:
        for row in _read(statement):
            sums = found[filters.period if periods is None else row[0]]
            key, values = (str(row[width - 2]), row[width - 1]), row[width:]
            have = sums.get(key)
            sums[key] = list(values) if have is None else list(map(add, have, values))
    return found


def _read(statement: Select):
    """The rows of a statement of columns, without the ORM's work on each row."""
    db.session.flush()
    return db.session.connection().execute(statement).all()


def _dense(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``ids`` (whole numbers from 0), in order, and each one's
    place among them: ``numpy.unique`` with ``return_inverse``, without the sort."""
    if not len(ids):
        return ids, ids
    present = np.zeros(int(ids.max()) + 1, dtype=bool)
    present[ids] = True
    return np.nonzero(present)[0], (np.cumsum(present) - 1)[ids]


def _tag(grouping: str, filters: Filters, period: str | None) -> tuple:
    """What, besides its teams, names a table read: ``period`` None for every period."""
    return (grouping, filters.grade, filters.band, period)


@dataclass
class _Table:
    """A table read: the columns it added up, and each period's sums per (group key, skill)."""

    columns: tuple[str, ...]
    found: dict[str, dict[tuple[str, str], list]]
    # Each period's rows by group key, made when a part of the table is first asked for.
    _by_key: dict[str, dict[str, dict[tuple[str, str], list]]] = field(default_factory=dict)

    def holds(self, sums: tuple[str, ...]) -> bool:
        return set(sums) <= set(self.columns)

    def rows(self, period: str, keys: set[str] | None = None) -> dict[tuple[str, str], list]:
        """The rows for ``period``, of the groups ``keys`` only if given."""
        rows = self.found[period]
        if keys is None:
            return rows
        if period not in self._by_key:
            by_key: dict[str, dict[tuple[str, str], list]] = {}
            for k, v in rows.items():
                by_key.setdefault(k[0], {})[k] = v
            self._by_key[period] = by_key
        by_key = self._by_key[period]
        return {k: v for key in keys for k, v in by_key.get(key, {}).items()}


class _InEachPeriod(Mapping):
    """A map of units to units (each team's PDU, say) for the units of every period
    (``_Source._stride``): each period's unit to the same period's."""

    def __init__(self, found: Mapping[int, int], stride: int) -> None:
        self.found, self.stride = found, stride

    def __getitem__(self, unit: int) -> int:
        at, own = divmod(unit, self.stride)
        return at * self.stride + self.found[own]

    def __iter__(self):
        raise TypeError("the units of every period are not listed")

    def __len__(self) -> int:
        raise TypeError("the units of every period are not counted")

    @staticmethod
    def key_of(stride: int):
        """The row key of a unit of one of the periods in its parent's view."""
        return lambda unit: str(unit % stride)


def _joined(every: list[tuple[int, _Cells]]) -> _Cells:
    """Several periods' cells as one: each period's units moved on by its offset, and one
    list of keys."""
    keys: dict[str, int] = {}
    units, codes, slugs, people = [], [], [], []
    for offset, cells in every:
        recode = np.array([keys.setdefault(k, len(keys)) for k in cells.keys], dtype=np.int64)
        units.append(cells.units + offset)
        codes.append(recode[cells.codes] if len(cells.codes) else cells.codes)
        slugs.append(cells.slugs)
        people.append(cells.people)
    empty = np.zeros(0, dtype=np.int64)
    join = lambda arrays: np.concatenate(arrays) if arrays else empty  # noqa: E731
    return _Cells(join(units), join(codes), list(keys), join(slugs), join(people))


@dataclass
class _Cells:
    """Rows of people as arrays: each row's unit id, key (an index into ``keys``), skill
    (an index into the columns) and people. A key, unit and skill may come more than once:
    the rows add up."""

    units: np.ndarray
    codes: np.ndarray
    keys: list[str]
    slugs: np.ndarray
    people: np.ndarray


class _Source:
    """Where the heatmaps built for one answer read their figures and names.

    Several heatmaps go into one answer (a unit's and its parent's, each unit's of a
    reader's several, a trend's every quarter), and they ask for the same teams, names
    and sums again: each is read once per answer. A table of whole units that are part
    of one already read with the same grouping (each region's by region, within the
    national one by region) is the rows of those units, not read again. Given
    ``periods``, the sums of one table are read for every period in one query.
    """

    def __init__(
        self, periods: list[str] | None = None, metrics: Collection[str] = (), totals: bool = True
    ) -> None:
        self.periods = periods
        # The measures its heatmaps show: each table is read with all their sums.
        self._metrics = [METRICS[key] for key in metrics]
        # Whether its heatmaps need every sum of everyone in view (``Heatmap.sums``).
        self.with_totals = totals
        self._columns: list[Column] | None = None
        self._found: dict[tuple, _Table] = {}
        self._lines: dict[tuple, tuple[list[str], np.ndarray, np.ndarray, dict[str, int]]] = {}
        self._names: dict[tuple[str, str], str] = {}
        self._parts: dict[frozenset[int], list[Unit]] = {}
        self._unit_keys: dict[tuple[frozenset[int], str], set[str] | None] = {}
        # What each unit's view hides, per level, grouping, measure, filters and scope.
        self._planes: dict[tuple, Planes] = {}
        self._kept_views: dict[tuple, dict[str, dict[int, Cells | None]]] = {}
        self._scope_teams: dict[frozenset[int], frozenset[int]] = {}
        self._scopes: dict[frozenset[int], frozenset[int]] = {}
        self._counts: dict[tuple, Planes] = {}
        self._unit_tables: dict[tuple, dict[str, list]] = {}
        self._team_tables: dict[tuple, _Cells] = {}
        self._arrays: tuple[np.ndarray, np.ndarray] | None = None
        self._pdus: dict[int, int] | None = None
        self._regions: dict[int, int] | None = None

    def columns(self) -> list[Column]:
        if self._columns is None:
            self._columns = columns()
        return self._columns

    def sums(
        self, team_ids: Collection[int], grouping: str, filters: Filters, metric: Metric
    ) -> tuple[dict[tuple[str, str], list], dict[str, int]]:
        """The sums ``metric`` needs (those of the source's other measures too) per
        (group key, skill slug), and each column's place in them."""
        wanted = {c for m in (metric, *self._metrics) for c in m.sums}
        rows, columns = self._rows(
            team_ids, grouping, filters, tuple(c for c in SUM_COLUMNS if c in wanted)
        )
        return rows, {c: i for i, c in enumerate(columns)}

    def lines(
        self, team_ids: Collection[int], grouping: str, filters: Filters, metric: Metric
    ) -> tuple[list[str], np.ndarray, np.ndarray, dict[str, int]] | None:
        """``_summed`` of the sums ``sums`` gives, read from the team lines: for a view by
        team or site of one period with no grade or band filter (None for any other).

        A team's line is every skill's totals in one row, so a national view reads 2,000
        rows rather than 34,000; the teams of a site are added up here."""
        if not _lined(grouping, filters) or self._batched(filters):
            return None
        wanted = {c for m in (metric, *self._metrics) for c in m.sums}
        sums = tuple(c for c in SUM_COLUMNS if c in wanted)
        key = (frozenset(team_ids), grouping, filters.period)
        found = self._lines.get(key)
        if found is None or not set(sums) <= set(found[3]):
            found = self._lines[key] = self._read_lines(team_ids, grouping, filters.period, sums)
        return found

    def _read_lines(
        self, team_ids: Collection[int], grouping: str, period: str, sums: tuple[str, ...]
    ) -> tuple[list[str], np.ndarray, np.ndarray, dict[str, int]]:
        rows = _read(_lines_statement(team_ids, grouping, period, sums, self.pdus()))
        slugs = [c.slug for c in self.columns()]
        place = {slug: i for i, slug in enumerate(slugs)}
        # Teams almost always share one list of skills: each list is looked up once.
        places: dict[str, np.ndarray] = {}
        for skills in {row[1] for row in rows}:
            found = [place.get(slug, -1) for slug in skills.split(",")]
            places[skills] = np.array(found, dtype=np.int64)
        code: dict[str, int] = {}
        of_row = np.array([code.setdefault(str(row[0]), len(code)) for row in rows], np.int64)
        if len(places) == 1:
            [shared] = places.values()
            columns, keys = np.tile(shared, len(rows)), np.repeat(of_row, len(shared))
        else:
            parts = [places[row[1]] for row in rows]
            columns = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            keys = np.repeat(of_row, [len(p) for p in parts])
        values = np.zeros((len(columns), len(sums)))
        for j in range(len(sums)):
            values[:, j] = np.frombuffer(b"".join(row[2 + j] for row in rows), dtype=LINE_TYPE)
        by_key, everyone = _added(keys, columns, values, len(code), len(slugs))
        return list(code), by_key, everyone, {c: i for i, c in enumerate(sums)}

    def totals(
        self, team_ids: Collection[int], filters: Filters
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """Every sum of everyone in view on each skill, by (ALL, skill slug)."""
        rows, columns = self._rows(team_ids, TOTALS_GROUPING, filters, SUM_COLUMNS)
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for (_key, slug), values in _added_up(rows).items():
            if _key == ALL and slug != ALL:
                found[(ALL, slug)] = dict(zip(columns, values, strict=True))
        return found

    def counts(
        self, team_ids: Collection[int], grouping: str, filters: Filters, column: str
    ) -> dict[tuple[str, str], int]:
        """The people (``column``, one of ``COUNT_COLUMNS``) per (group key, skill slug),
        with the totals as ``sums`` gives them."""
        rows, columns = self._rows(team_ids, grouping, filters, (column,))
        return _counted(rows, columns.index(column))

    def _rows(
        self, team_ids: Collection[int], grouping: str, filters: Filters, sums: tuple[str, ...]
    ) -> tuple[dict[tuple[str, str], list], tuple[str, ...]]:
        """The rows of ``team_ids``'s table, from a table read that holds the ``sums``
        columns (read now if none does), and the columns of those rows."""
        wanted = frozenset(team_ids)
        batch = self.periods if self._batched(filters) else None
        tag = _tag(grouping, filters, None if batch else filters.period)
        table = self._found.get((wanted, tag))
        if table is not None and table.holds(sums):
            return table.rows(filters.period), table.columns
        for (teams, other), table in self._found.items():
            if other != tag or not wanted <= teams or not table.holds(sums):
                continue
            keys = self._keys(wanted, grouping)
            if keys is None:
                break
            return table.rows(filters.period, keys), table.columns
        found = _found(team_ids, grouping, filters, batch, self.pdus(), sums, self.regions())
        self._found[(wanted, tag)] = _Table(sums, found)
        return found[filters.period], sums

    def scope(self, team_ids: Collection[int]) -> frozenset[int]:
        """The PDUs of ``team_ids``: the views a heatmap of them agrees with are of units
        within them, and of the regions holding them."""
        key = frozenset(team_ids)
        if key not in self._scopes:
            pdus = self.pdus()
            self._scopes[key] = frozenset(pdus[t] for t in key if t in pdus)
        return self._scopes[key]

    def _whole_regions(self, scope: frozenset[int]) -> frozenset[int]:
        """Every PDU of the regions of the PDUs ``scope``."""
        regions = self.regions()
        touched = {regions.get(p) for p in scope}
        return frozenset(p for p in set(self.pdus().values()) if regions.get(p) in touched)

    def planes(
        self, level: str, grouping: str, denominator: str, filters: Filters, scope: frozenset[int]
    ) -> Planes:
        """What the view of each unit of ``level`` (team, PDU, region) of the PDUs ``scope``
        (of their regions, for regions) by ``grouping`` hides, for the measure over
        ``denominator``: what the unit's own page hides (``_build_unit``), worked out for
        every unit at once."""
        return self._views(level, grouping, denominator, filters, scope, (filters.period,))

    def _views(
        self,
        level: str,
        grouping: str,
        denominator: str,
        filters: Filters,
        scope: frozenset[int],
        periods: tuple[str, ...],
    ) -> Planes:
        """``planes`` for each of ``periods`` (``filters.period`` aside) at once, as one set
        of planes whose units are each period's (``_stride``): each step is taken once for
        them all."""
        if level == "region":
            scope = self._whole_regions(scope)
        key = (level, grouping, denominator, filters.grade, filters.band, scope, periods)
        found = self._planes.get(key)
        if found is not None:
            return found
        at = (denominator, filters, scope, periods)
        views = self._counted(level, grouping, *at).copy()
        wider = [
            self._counted(level, grouping, denominator, w, scope, periods) for w in _wider(filters)
        ]
        suppress_own(views, wider)
        stride = self._stride()
        pdus, regions = _InEachPeriod(self.pdus(), stride), _InEachPeriod(self.regions(), stride)
        if level == "pdu" and grouping in _ACROSS:
            several = [p for p, n in Counter(self.pdus().values()).items() if n > 1]
            wholes = {i * stride + p for i in range(len(periods)) for p in several}
            hide_what_parts_hide(views, self._views("team", grouping, *at), pdus, wholes)
        elif level == "region" and grouping in ("team", *_ACROSS):
            hide_what_parts_hide(views, self._views("pdu", grouping, *at), regions, views.units)
        key_of = _InEachPeriod.key_of(stride)
        if level == "team":
            hide_totals_hidden_above(views, self._views("pdu", "team", *at), pdus, key_of)
        elif level == "pdu":
            hide_totals_hidden_above(views, self._views("region", "pdu", *at), regions, key_of)
        self._planes[key] = views
        return views

    def hidden(
        self,
        level: str,
        grouping: str,
        denominator: str,
        filters: Filters,
        scope: frozenset[int],
        unit_ids: Sequence[int],
    ) -> list[Cells | None]:
        """What the views of ``unit_ids`` (units of ``level`` of the PDUs ``scope``) hide,
        each as ``Planes.cells`` gives it: kept with the rollups where the unit's region's
        are to be trusted (``kept_views``), otherwise worked out (``planes``)."""
        found: dict[int, Cells | None] = {}
        if filters == Filters():
            found = dict(self._kept(level, grouping, denominator, unit_ids))
        missing = [u for u in unit_ids if u not in found]
        if missing and self._batched(filters):
            periods = tuple(self.periods)
            views = self._views(level, grouping, denominator, filters, scope, periods)
            at = periods.index(filters.period) * self._stride()
            found.update((u, views.cells(at + u)) for u in missing)
        elif missing:
            if found:
                scope = self._pdus_of(level, missing)
            views = self.planes(level, grouping, denominator, filters, scope)
            found.update((u, views.cells(u)) for u in missing)
        return [found[u] for u in unit_ids]

    def _stride(self) -> int:
        """More than any team's, PDU's or region's id: unit ``u`` of the ``i``th of many
        periods is ``i * stride + u`` among the planes of every period."""
        regions = self.regions()
        return 1 + max([0, *self.pdus(), *regions, *regions.values()])

    def _kept(
        self, level: str, grouping: str, denominator: str, unit_ids: Sequence[int]
    ) -> dict[int, Cells | None]:
        """``kept_views.read`` of the units, for ``denominator`` and those of the measures
        of the source's heatmaps, read at once for them all."""
        key = (level, grouping, tuple(unit_ids))
        kept = self._kept_views.setdefault(key, {})
        if denominator not in kept:
            wanted = {denominator, *(m.denominator for m in self._metrics)} - set(kept)
            columns = [*(c.slug for c in self.columns()), ALL]
            region_of = self._region_of(level)
            kept.update(kept_views.read(level, grouping, wanted, unit_ids, region_of, columns))
        return kept[denominator]

    def _region_of(self, level: str) -> dict[int, int]:
        """Each unit of ``level``'s region."""
        regions = self.regions()
        if level == "region":
            return {r: r for r in set(regions.values())}
        if level == "pdu":
            return regions
        return {t: regions[p] for t, p in self.pdus().items() if p in regions}

    def _pdus_of(self, level: str, unit_ids: Collection[int]) -> frozenset[int]:
        """The PDUs of the units ``unit_ids`` of ``level``."""
        if level == "team":
            pdus = self.pdus()
            return frozenset(pdus[t] for t in unit_ids if t in pdus)
        if level == "pdu":
            return frozenset(unit_ids)
        wanted = set(unit_ids)
        return frozenset(p for p, r in self.regions().items() if r in wanted)

    def _counted(
        self,
        level: str,
        grouping: str,
        denominator: str,
        filters: Filters,
        scope: frozenset[int],
        periods: tuple[str, ...],
    ) -> Planes:
        """Each unit's people by ``grouping`` and skill, nothing hidden yet, for each of
        ``periods`` (its units apart, ``_stride``).

        A table already read for the whole scope by team, PDU or region holds the
        figures of every unit at or above that level: they are taken from it. Where the
        teams' own figures are needed anyway (by team, or by grade, band or site, which a
        PDU's view takes from its teams'), every level's are added up from one read of
        them; otherwise each unit's are read added up.
        """
        key = (level, grouping, denominator, filters.grade, filters.band, scope, periods)
        if key not in self._counts:
            stride, every = self._stride(), []
            for i, period in enumerate(periods):
                at = (denominator, Filters(filters.grade, filters.band, period), scope)
                cells = self._from_table(level, grouping, *at)
                if cells is None:
                    cells = self._team_cells(level, grouping, *at)
                    if cells is not None:
                        cells = self._raised(level, grouping, cells)
                if cells is None:
                    cells = self._unit_cells(level, grouping, *at)
                every.append((i * stride, cells))
            self._counts[key] = self._laid_out(grouping, _joined(every))
        return self._counts[key]

    def _from_table(
        self, level: str, grouping: str, denominator: str, filters: Filters, scope: frozenset[int]
    ) -> _Cells | None:
        """The cells of each unit of ``level`` by ``grouping`` (a level at or below it),
        from a table of the whole scope by ``grouping`` read already; None if there is none."""
        ranks = {"team": 0, "pdu": 1, "region": 2}
        if ranks.get(grouping, 3) > ranks[level]:
            return None
        batch = self._batched(filters)
        regions = self.regions()
        teams = self._teams_in(scope)
        table = self._found.get((teams, _tag(grouping, filters, None if batch else filters.period)))
        if table is None or denominator not in table.columns:
            return None
        at = table.columns.index(denominator)
        rows = table.rows(filters.period)
        pdu_of, region_of = self.pdus(), regions
        unit_of = {
            ("team", "team"): lambda k: k,
            ("pdu", "team"): lambda k: pdu_of[k],
            ("region", "team"): lambda k: region_of[pdu_of[k]],
            ("pdu", "pdu"): lambda k: k,
            ("region", "pdu"): lambda k: region_of[k],
            ("region", "region"): lambda k: k,
        }[(level, grouping)]
        return self._cells(
            [(unit_of(int(k)), k, slug, values[at]) for (k, slug), values in rows.items()]
        )

    def _teams_in(self, scope: frozenset[int]) -> frozenset[int]:
        """The teams of the PDUs ``scope``."""
        if scope not in self._scope_teams:
            pdus = self.pdus()
            self._scope_teams[scope] = frozenset(t for t, p in pdus.items() if p in scope)
        return self._scope_teams[scope]

    def _team_cells(
        self, level: str, grouping: str, denominator: str, filters: Filters, scope: frozenset[int]
    ) -> _Cells | None:
        """The teams' own cells, by ``grouping`` if it cuts across units: read now if they
        are needed (None if not, and not read already)."""
        batch = self._batched(filters)
        if batch:
            return None
        across = grouping if grouping in _ACROSS else None
        tag = (denominator, filters, scope)
        found = self._team_tables.get((across, *tag))
        if found is None and across is None:
            found = next((c for (_g, *t), c in self._team_tables.items() if tuple(t) == tag), None)
        if found is not None or not (level == "team" or grouping == "team" or across):
            return found
        model, columns = _team_rows(across or "team", filters)
        group = [model.team_id] if across is None else [columns[across]]
        statement = select(
            model.team_id, *group, model.skill_slug, getattr(model, denominator)
        ).where(model.period == filters.period)
        statement = _of_filters(statement, model, filters)
        statement = self._within(statement, model, scope)
        found = self._team_tables[(across, *tag)] = self._cells(_read(statement))
        return found

    def _raised(self, level: str, grouping: str, cells: _Cells) -> _Cells:
        """The teams' cells as the cells of their units of ``level``, by ``grouping``."""
        teams = cells.units
        pdu_of, region_of = self._unit_arrays()
        of_level = {"team": teams, "pdu": pdu_of[teams]}
        of_level["region"] = region_of[of_level["pdu"]]
        if grouping in of_level:
            ids, codes = _dense(of_level[grouping])
            keys = [str(i) for i in ids.tolist()]
        else:
            keys, codes = cells.keys, cells.codes
        return _Cells(of_level[level], codes, keys, cells.slugs, cells.people)

    def _unit_cells(
        self, level: str, grouping: str, denominator: str, filters: Filters, scope: frozenset[int]
    ) -> _Cells:
        """Each unit of ``level``'s cells by ``grouping``, added up in the query.

        Reading for many periods, every period is read at once (and kept for the others).
        """
        batch = self._batched(filters)
        tag = (level, grouping, denominator, filters.grade, filters.band, scope)
        key = (*tag, None if batch else filters.period)
        if key not in self._unit_tables:
            if level != "team" and grouping in _PDU_GROUP_COLUMNS:
                model, group = AnalyticsPduCell, _PDU_GROUP_COLUMNS[grouping]
            else:
                model, columns = _team_rows(grouping, filters)
                group = columns[grouping]
            unit = getattr(model, f"{level}_id")
            periods = self.periods if batch else None
            statement = _grouped(model, group, filters, periods, (denominator,))
            statement = statement.add_columns(unit).group_by(unit)
            statement = self._within(statement, model, scope)
            # (period,) key, skill slug, people, unit: as _cells reads them.
            rows = [(r[-1], *r[:-1]) for r in _read(statement)]
            if batch:
                by_period: dict[str, list] = {p: [] for p in self.periods}
                for row in rows:
                    by_period[row[1]].append((row[0], *row[2:]))
                self._unit_tables[key] = by_period
            else:
                self._unit_tables[key] = {filters.period: rows}
        return self._cells(self._unit_tables[key][filters.period])

    def _cells(self, rows: list) -> _Cells:
        """(unit, key, skill slug, people) rows as arrays, the skills of no column left out."""
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return _Cells(empty, empty, [], empty, empty)
        units, keys, slugs, people = zip(*rows, strict=True)
        column_of = defaultdict(lambda: -1, {c.slug: i for i, c in enumerate(self.columns())})
        columns = np.fromiter(map(column_of.__getitem__, slugs), np.int64, len(slugs))
        code_of = {k: i for i, k in enumerate(dict.fromkeys(keys))}
        codes = np.fromiter(map(code_of.__getitem__, keys), np.int64, len(keys))
        known = columns >= 0
        return _Cells(
            np.fromiter(units, np.int64, len(units))[known],
            codes[known],
            [str(k) for k in code_of],
            columns[known],
            np.fromiter(people, np.int64, len(people))[known],
        )

    def _laid_out(self, grouping: str, cells: _Cells) -> Planes:
        """``planes.counted`` of ``cells``, the keys in display order."""
        used = _dense(cells.codes)[0].tolist()
        names = [cells.keys[c] for c in used]
        shown = _ordered_keys(grouping, names, self)
        ordered = [*shown, *sorted(set(names) - set(shown))]
        position = {k: i for i, k in enumerate(ordered)}
        recode = np.zeros(len(cells.keys), dtype=np.int64)
        for c in used:
            recode[c] = position[cells.keys[c]]
        units, unit_at = _dense(cells.units)
        slugs = [c.slug for c in self.columns()]
        found = (unit_at, recode[cells.codes], cells.slugs, cells.people)
        return counted(units.tolist(), ordered, slugs, found, set(shown))

    def _batched(self, filters: Filters) -> bool:
        """Whether ``filters.period`` is one of many read at once."""
        return bool(self.periods) and filters.period in self.periods

    def _within(self, statement: Select, model, scope: frozenset[int]) -> Select:
        """``statement`` over the rows of ``model`` of the PDUs ``scope`` (all: no filter)."""
        if scope == set(self.pdus().values()):
            return statement
        return statement.where(among(model.pdu_id, scope))

    def _unit_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Every team's PDU and every PDU's region, as arrays indexed by id."""
        if self._arrays is None:
            pdus, regions = self.pdus(), self.regions()
            pdu_of = np.full(max(pdus, default=0) + 1, -1, dtype=np.int64)
            pdu_of[list(pdus)] = list(pdus.values())
            region_of = np.full(max(regions, default=0) + 1, -1, dtype=np.int64)
            region_of[list(regions)] = list(regions.values())
            self._arrays = pdu_of, region_of
        return self._arrays

    def _keys(self, team_ids: frozenset[int], grouping: str) -> set[str] | None:
        """The row keys of ``team_ids`` when they are whole units of ``grouping``, else None."""
        key = (team_ids, grouping)
        if key not in self._unit_keys:
            self._unit_keys[key] = self._find_keys(team_ids, grouping)
        return self._unit_keys[key]

    def _find_keys(self, team_ids: frozenset[int], grouping: str) -> set[str] | None:
        pdus = self.pdus()
        if grouping == "team":
            return {str(t) for t in team_ids}
        if grouping == "pdu":
            unit_of = pdus
        elif grouping == "region":
            regions = self.regions()
            unit_of = {t: regions.get(p) for t, p in pdus.items()}
        else:
            return None
        keys = {unit_of.get(t) for t in team_ids}
        if None in keys or any(u in keys and t not in team_ids for t, u in unit_of.items()):
            return None
        return {str(k) for k in keys}

    def regions(self) -> dict[int, int]:
        """Every PDU's region."""
        if self._regions is None:
            self._regions = dict(db.session.execute(select(Pdu.id, Pdu.region_id)).tuples().all())
        return self._regions

    def pdus(self) -> dict[int, int]:
        """Every team's PDU."""
        if self._pdus is None:
            self._pdus = dict(db.session.execute(select(Team.id, Team.pdu_id)).tuples().all())
        return self._pdus

    def parts(self, team_ids: Collection[int]) -> list[Unit]:
        key = frozenset(team_ids)
        if key not in self._parts:
            self._parts[key] = _parts(team_ids, self.pdus(), self.regions())
        return self._parts[key]

    def names(self, grouping: str, keys: Collection[str]) -> dict[str, str]:
        missing = [k for k in keys if (grouping, k) not in self._names]
        if missing:
            model = {"team": Team, "pdu": Pdu, "region": Region}[grouping]
            ids = [int(k) for k in missing]
            statement = select(model.id, model.name)
            if len(ids) <= _MANY_TEAMS:
                # Naming thousands of ids costs more than reading every name.
                statement = statement.where(among(model.id, ids))
            for i, name in db.session.execute(statement):
                self._names[(grouping, str(i))] = name
        return {k: self._names[(grouping, k)] for k in keys if (grouping, k) in self._names}


def _row_labels(
    grouping: str, keys: Collection[str], source: _Source
) -> list[tuple[str, str, str | None]]:
    """(key, label, unit key for drill-down) of each group, in display order."""
    ordered = _ordered_keys(grouping, keys, source)
    if grouping in ("team", "pdu", "region"):
        names = source.names(grouping, ordered)
        return [(k, names[k], f"{grouping}-{k}") for k in ordered]
    if grouping == "grade":
        return [(k, GRADE_LABELS[Grade(k)], None) for k in ordered]
    if grouping == "band":
        return [(k, BAND_LABELS[Band(k)] if k else "No band", None) for k in ordered]
    return [(k, k, None) for k in ordered]


def _ordered_keys(grouping: str, keys: Collection[str], source: _Source) -> list[str]:
    """The groups that have rows, in display order: a unit without a name has none."""
    if grouping in ("team", "pdu", "region"):
        names = source.names(grouping, keys)
        return sorted(names, key=lambda k: (names[k].lower(), int(k)))
    if grouping in ("grade", "band"):
        order = [g.value for g in (GRADES if grouping == "grade" else BAND_ORDER)]
        return sorted(keys, key=lambda k: (order.index(k) if k in order else len(order), k))
    return sorted(keys, key=lambda k: (k.lower(), k))


def build_heatmap(
    team_ids: Collection[int],
    grouping: str = DEFAULT_GROUPING,
    metric_key: str = DEFAULT_METRIC,
    filters: Filters | None = None,
    suppress: bool = True,
) -> Heatmap:
    """The heatmap of the practitioners of ``team_ids``; ``suppress`` False for their SPO."""
    return _build(team_ids, grouping, metric_key, filters, suppress, _Source())


def _build(
    team_ids: Collection[int],
    grouping: str,
    metric_key: str,
    filters: Filters | None,
    suppress: bool,
    source: _Source,
) -> Heatmap:
    filters = filters or Filters()
    metric = METRICS[metric_key]
    cols = source.columns()
    slugs = [c.slug for c in cols]
    # Read first: a table by grade holds every sum, so a page by grade reads only it.
    totals = source.totals(team_ids, filters) if source.with_totals else {}
    lined = source.lines(team_ids, grouping, filters, metric)
    if lined is None:
        found, at = source.sums(team_ids, grouping, filters, metric)
        keys, by_key, everyone = _summed(found, slugs, len(at))
    else:
        keys, by_key, everyone, at = lined
    labels = _row_labels(grouping, keys, source)
    code = {k: i for i, k in enumerate(keys)}
    order = np.array([code[key] for key, _label, _unit in labels], dtype=np.int64)
    sums = np.concatenate([by_key[order], everyone[None]])
    grid = _grid(
        metric, [*slugs, ALL], sums[:, :, at[metric.numerator]], sums[:, :, at[metric.denominator]]
    )
    rows = [
        Row(key, label, _Figures(grid, i), unit, i) for i, (key, label, unit) in enumerate(labels)
    ]
    total = Row(ALL, "Everyone in view", _Figures(grid, grid.total), None, grid.total)
    heatmap = Heatmap(metric, grouping, cols, rows, total, suppress, totals, grid)
    if suppress:
        _suppress(heatmap, team_ids, filters, source)
    return heatmap


def _summed(
    found: dict[tuple[str, str], list], slugs: list[str], width: int
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """``found``'s sums per (group key, skill slug) as arrays: the group keys, as first
    met; each key's sums [key, column, sum] for ``slugs`` then "All skills"; and
    everyone's [column, sum]. "All skills" adds up every skill found, those of no column
    too; ``width`` is the number of sums."""
    if not found:
        return [], np.zeros((0, len(slugs) + 1, width)), np.zeros((len(slugs) + 1, width))
    values = np.array(list(found.values()), dtype=np.float64)
    code: dict[str, int] = {}
    keys = np.fromiter((code.setdefault(k, len(code)) for k, _s in found), np.int64, len(found))
    place = {slug: i for i, slug in enumerate(slugs)}
    columns = np.fromiter((place.get(slug, -1) for _k, slug in found), np.int64, len(found))
    return list(code), *_added(keys, columns, values, len(code), len(slugs))


def _added(
    keys: np.ndarray, columns: np.ndarray, values: np.ndarray, key_count: int, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of sums ``values`` [row, sum] of each row's key and column (-1: no column of
    the ``width``) added up: per key [key, column, sum] and for everyone [column, sum],
    each with "All skills" last, which adds up every row, those of no column too."""
    known = columns >= 0
    cells = key_count * (width + 1)
    at = (keys * (width + 1) + columns)[known]
    every = keys * (width + 1) + width
    by_key = np.zeros((key_count, width + 1, values.shape[1]))
    everyone = np.zeros((width + 1, values.shape[1]))
    for j in range(values.shape[1]):
        # ``bincount`` adds in the order of the rows, as the database's rows came.
        added = np.bincount(at, weights=values[known, j], minlength=cells)
        added += np.bincount(every, weights=values[:, j], minlength=cells)
        by_key[:, :, j] = added.reshape(key_count, width + 1)
        everyone[:width, j] = np.bincount(columns[known], values[known, j], minlength=width)
    everyone[width] = values.sum(axis=0)
    return by_key, everyone


def _grid(metric: Metric, columns: list[str], numerator: np.ndarray, people: np.ndarray) -> Grid:
    """The figures of ``metric`` from its sums [row, column] ("All skills" last): each a
    value over its people, "All skills" over the most people of any one skill."""
    n = people.astype(np.int64)
    if n.shape[1] > 1:
        n[:, -1] = n[:, :-1].max(axis=1)
    else:
        n[:, -1] = 0
    value = np.full(people.shape, np.nan)
    np.divide(numerator, people, out=value, where=people != 0)
    if metric.percent:
        value *= 100
    hidden = np.zeros(n.shape, dtype=bool)
    return Grid(columns, n, value, hidden, np.zeros(n.shape, dtype=np.int8))


def _wider(filters: Filters) -> list[Filters]:
    """The same filters less the grade, or less the band: the views a filtered one differs
    from by the people it leaves out."""
    return [
        Filters(
            grade="" if dropped == "grade" else filters.grade,
            band="" if dropped == "band" else filters.band,
            period=filters.period,
        )
        for dropped in ("grade", "band")
        if getattr(filters, dropped)
    ]


def _suppress(
    heatmap: Heatmap, team_ids: Collection[int], filters: Filters, source: _Source
) -> None:
    grid = heatmap.grid
    grid.hide((grid.n > 0) & (grid.n < THRESHOLD), _PRIMARY)
    slugs = grid.columns[:-1]
    for wider in _wider(filters):
        people = source.counts(team_ids, heatmap.grouping, wider, heatmap.metric.denominator)
        unfiltered = np.zeros(grid.n.shape, dtype=np.int64)
        for row in [*heatmap.rows, heatmap.total]:
            unfiltered[row.at, :-1] = [int(people.get((row.key, s), 0)) for s in slugs]
        if slugs:
            unfiltered[:, -1] = unfiltered[:, :-1].max(axis=1)
        # A figure about no one has no value to give away, so it stays as it is.
        difference = unfiltered - grid.n
        grid.hide((grid.n > 0) & (difference > 0) & (difference < THRESHOLD), _DIFFERENCE)
    grid.hide_complements()


_LEVELS = {Team: "team", Pdu: "pdu", Region: "region"}
# Groupings that cut across units: a unit's rows are the sums of its parts' same rows.
_ACROSS = ("grade", "band", "site")


def build_unit_heatmap(
    unit: Unit | None,
    team_ids: Collection[int],
    grouping: str = DEFAULT_GROUPING,
    metric_key: str = DEFAULT_METRIC,
    filters: Filters | None = None,
    suppress: bool = True,
) -> Heatmap:
    """``build_heatmap`` for one unit, hiding what its parent's view hides of it.

    A team's figures are hidden wherever the PDU's heatmap by team hides that team's row
    (and a PDU's wherever its region's hides it): otherwise choosing the team on its own
    would show what the wider view hid, and the wider total would give away the rest.
    The unit's total is hidden there, and then whatever keeps it from being the sum of
    the rows.

    With no unit (everything a reader looks after), see ``_several_units``.
    """
    return _build_unit(unit, team_ids, grouping, metric_key, filters, suppress, _Source())


def build_unit_heatmap_measures(
    unit: Unit | None,
    team_ids: Collection[int],
    grouping: str,
    metric_keys: Collection[str],
    filters: Filters | None = None,
    suppress: bool = True,
) -> dict[str, Heatmap]:
    """``build_unit_heatmap`` for several measures: each table is read once for them all."""
    source = _Source(metrics=metric_keys)
    return {
        key: _build_unit(unit, team_ids, grouping, key, filters, suppress, source)
        for key in metric_keys
    }


def build_unit_heatmaps(
    unit: Unit | None,
    team_ids: Collection[int],
    grouping: str,
    metric_key: str,
    filters: Filters,
    periods: list[str],
    suppress: bool = True,
) -> dict[str, Heatmap]:
    """``build_unit_heatmap`` for each of ``periods`` (``filters.period`` aside), without
    ``Heatmap.sums``.

    Each table is read for every period in one query, rather than once per period.
    """
    source = _Source(periods, totals=False)
    # Once: every period's heatmap looks its teams up by this set.
    team_ids = frozenset(team_ids)
    return {
        period: _build_unit(
            unit,
            team_ids,
            grouping,
            metric_key,
            Filters(filters.grade, filters.band, period),
            suppress,
            source,
        )
        for period in periods
    }


def _build_unit(
    unit: Unit | None,
    team_ids: Collection[int],
    grouping: str,
    metric_key: str,
    filters: Filters | None,
    suppress: bool,
    source: _Source,
) -> Heatmap:
    """One unit's heatmap, consistent with the views above it and some below it.

    A region's view by team also hides whatever each of its PDUs' own views by team hides:
    otherwise a PDU's total, shown on its own page, less the teams the region shows would
    give away a team the PDU's page hides. Likewise a PDU's view by grade, band or site
    hides what its teams' own views of the same hide, and a region's what its PDUs' views
    of the same hide (so, through them, what their teams' hide too). The nation's view is
    each region's put together (``_several_units``).

    What those other views hide is worked out for every unit of their level at once
    (``_Source.planes``), exactly as each unit's own page works it out.
    """
    if unit is None and suppress:
        return _several_units(team_ids, grouping, metric_key, filters, source)
    heatmap = _build(team_ids, grouping, metric_key, filters, suppress, source)
    if not suppress or unit is None:
        return heatmap
    filters = filters or Filters()
    scope = source.scope(team_ids)
    at = (heatmap.metric.denominator, filters, scope)
    if isinstance(unit, Region) and grouping in ("team", *_ACROSS):
        pdus = sorted({source.pdus()[t] for t in team_ids})
        _hide_what_parts_hide(heatmap, source.hidden("pdu", grouping, *at, pdus))
    elif isinstance(unit, Pdu) and grouping in _ACROSS and len(team_ids) > 1:
        # A PDU by grade (band, site) less all but one of its teams by grade gives that one.
        teams = sorted(team_ids)
        _hide_what_parts_hide(heatmap, source.hidden("team", grouping, *at, teams))
    if isinstance(unit, Team):
        [above] = source.hidden("pdu", "team", *at, [unit.pdu_id])
    elif isinstance(unit, Pdu):
        [above] = source.hidden("region", "pdu", *at, [unit.region_id])
    else:
        return heatmap
    mine = (above or {}).get(str(unit.id))
    if mine is None:
        return heatmap
    grid = heatmap.grid
    grid.hide(np.array([mine[c] for c in grid.columns], dtype=bool), _SECONDARY, grid.total)
    grid.hide_complements()
    return heatmap


def _parts(team_ids: Collection[int], pdus: dict[int, int], regions: dict[int, int]) -> list[Unit]:
    """``team_ids`` as the fewest units: each region, then PDU, wholly inside, then teams.

    ``pdus`` is every team's PDU and ``regions`` every PDU's region."""
    wanted = set(team_ids)
    touched = {regions.get(pdus[t]) for t in wanted if t in pdus}
    by_region: dict[int, set[int]] = {}
    by_pdu: dict[int, set[int]] = {}
    for team_id, pdu_id in pdus.items():
        region_id = regions.get(pdu_id)
        if region_id in touched:
            by_region.setdefault(region_id, set()).add(team_id)
            by_pdu.setdefault(pdu_id, set()).add(team_id)
    parts: list[tuple[type, int]] = []
    for model, groups in ((Region, by_region), (Pdu, by_pdu)):
        for unit_id, members in sorted(groups.items()):
            if members and wanted.issuperset(members):
                parts.append((model, unit_id))
                wanted -= members
    parts.extend((Team, team_id) for team_id in sorted(wanted))
    found = {
        model: _by_id(model, [unit_id for kind, unit_id in parts if kind is model])
        for model in (Region, Pdu, Team)
    }
    return [found[model][unit_id] for model, unit_id in parts]


def _by_id(model, ids: Collection[int]) -> dict:
    """The units ``ids`` of ``model`` by id, read in one query."""
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(model).where(model.id.in_(list(ids))))}


def _several_units(
    team_ids: Collection[int],
    grouping: str,
    metric_key: str,
    filters: Filters | None,
    source: _Source,
) -> Heatmap:
    """The suppressed heatmap of several units at once, hiding what their own views hide.

    ``team_ids`` is split into whole units (``_parts``); one unit is simply its own view.
    Otherwise what each unit's own view, with the same grouping, hides is found too. A
    row that belongs to one unit (a team, say) hides whatever that unit's view hides of
    it; a row or total made of several units' figures hides wherever exactly one of them
    is hidden, since it less the others would give that one away. Then the lines are
    made whole again.
    """
    parts = source.parts(team_ids)
    if len(parts) == 1:
        return _build_unit(parts[0], team_ids, grouping, metric_key, filters, True, source)
    heatmap = _build(team_ids, grouping, metric_key, filters, True, source)
    at = (heatmap.metric.denominator, filters or Filters(), source.scope(team_ids))
    views: list[Cells | None] = []
    for level, members in groupby(parts, key=lambda part: _LEVELS[type(part)]):
        views.extend(source.hidden(level, grouping, *at, [part.id for part in members]))
    _hide_what_parts_hide(heatmap, views)
    return heatmap


def views_of_region(region_id: int) -> list[dict[str, Any]]:
    """What every team's, PDU's and the region's own live view hides, unfiltered, by every
    grouping and column of people: the rows ``kept_views`` keeps for the region."""
    source = _Source()
    scope = frozenset(p for p, r in source.regions().items() if r == region_id)
    columns = [*(c.slug for c in source.columns()), ALL]
    rows: list[dict[str, Any]] = []
    if not scope:
        return rows
    for level in ("team", "pdu", "region"):
        for grouping in GROUPINGS:
            for denominator in COUNT_COLUMNS:
                views = source.planes(level, grouping, denominator, Filters(), scope)
                rows.extend(
                    {
                        "level": level,
                        "unit_id": unit_id,
                        "grouping": grouping,
                        "denominator": denominator,
                        "columns": columns,
                        "hidden": kept_views.encoded(views.cells(unit_id) or {}, columns),
                    }
                    for unit_id in views.units
                )
    return rows


def _hide_what_parts_hide(heatmap: Heatmap, views: list[Cells | None]) -> None:
    """Hide in ``heatmap`` what the views of its parts hide, then make the lines whole.

    ``views`` is what each part's view hides (``Planes.cells``). A row that belongs to one
    part (a team, say) hides whatever that part's view hides of it; a row or total made
    of several parts' figures hides wherever exactly one of them is hidden, since it less
    the others would give that one away.
    """
    grid = heatmap.grid
    at = {row.key: row.at for row in [*heatmap.rows, heatmap.total]}
    places, hidden = [], []
    for view in views:
        for key, cells in (view or {}).items():
            if (row := at.get(key)) is not None:
                places.append(row)
                hidden.append([cells[c] for c in grid.columns])
    hidden_by = np.zeros(grid.n.shape, dtype=np.int64)
    if places:
        np.add.at(hidden_by, np.array(places), np.array(hidden, dtype=np.int64))
    grid.hide(hidden_by == 1, _SECONDARY)
    grid.hide_complements()


def sort_rows(heatmap: Heatmap, column: str, descending: bool) -> None:
    """Order the rows by one column's value (hidden and empty cells last), or by name."""
    grid = heatmap.grid
    if column not in grid.columns:
        heatmap.rows.sort(key=lambda r: r.label.lower(), reverse=descending)
        return
    j = grid.columns.index(column)
    at = np.array([r.at for r in heatmap.rows], dtype=np.int64)
    values = grid.value[at, j]
    shown = ~grid.hidden[at, j] & ~np.isnan(values)
    # Stable either way: rows of equal value keep their order, as ``list.sort`` keeps them.
    first = np.flatnonzero(shown)
    first = first[np.argsort(-values[first] if descending else values[first], kind="stable")]
    order = [*first.tolist(), *np.flatnonzero(~shown).tolist()]
    heatmap.rows = [heatmap.rows[i] for i in order]


# The summary -------------------------------------------------------------------------


@dataclass(frozen=True)
class Priority:
    column: Column
    weighted_gap: float
    below_target: Figure


def priorities(heatmap: Heatmap, count: int = 3) -> list[Priority]:
    """The skills with the largest priority-weighted gap among everyone in view.

    The share below target is shown only where the total row shows figures at all.
    """
    below = METRICS["below-target"]
    found = []
    for column in heatmap.columns:
        sums = heatmap.sums.get((ALL, column.slug))
        if not sums or not sums["people"]:
            continue
        figure = below.figure([sums[c] for c in SUM_COLUMNS])
        if heatmap.suppressed and 0 < figure.n < THRESHOLD:
            figure.hidden, figure.reason = True, "primary"
        elif heatmap.suppressed and heatmap.total.figures[column.slug].hidden:
            figure.hidden, figure.reason = True, "secondary"
        found.append(Priority(column, sums["priority_sum"] / sums["people"], figure))
    found.sort(key=lambda p: (-p.weighted_gap, p.column.name))
    return found[:count]
