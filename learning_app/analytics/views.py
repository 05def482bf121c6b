"""The learning-analysis heatmap, for L&D leads and leaders (their units) and SPOs (their teams).

Every choice is a GET parameter, so a view can be bookmarked and shared:
``unit`` (``pdu-3``; empty: everything the reader looks after), ``grouping``,
``metric``, ``grade``, ``band``, ``period`` (``live`` or a quarter's snapshot),
``cycle`` (a learning-analysis cycle's id: the snapshot of the quarter it closed in, or
live while it is open), ``sort`` (a skill slug or ``all``), ``order`` (``asc`` or
``desc``) and ``page`` (of a table longer than a page). A unit outside the reader's
scope answers 404; any other value that is not one of the choices is named in an error
summary and the page shows its default instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from markupsafe import Markup, escape
from sqlalchemy import or_, select

from learning_app.accounts.constants import BAND_LABELS, BAND_ORDER, GRADE_LABELS, Role
from learning_app.analytics.heatmap import (
    ALL,
    DEFAULT_GROUPING,
    DEFAULT_METRIC,
    GRADES,
    GROUPINGS,
    METRICS,
    Filters,
    Heatmap,
    Row,
    build_unit_heatmap,
    build_unit_heatmap_measures,
    priorities,
    sort_rows,
)
from learning_app.analytics.models import LIVE
from learning_app.analytics.oversight import cycles_covering
from learning_app.analytics.quarters import quarter_end, quarter_of
from learning_app.analytics.rollups import periods
from learning_app.analytics.suppression import Figure, hide_complements, hide_small
from learning_app.analytics.trends import CHART_HEIGHT, CHART_WIDTH, MARGIN, build_trend
from learning_app.assessments.models import LearningCycle
from learning_app.core.pagination import paginate_list
from learning_app.core.policy import allow, spo_team_ids
from learning_app.core.requests import current_actor
from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.org.models import Pdu, Region, Team
from learning_app.org.units import Unit, UnitScope, unit_choices, unit_key, unit_scope
from learning_app.training import exports

bp = Blueprint("analytics", __name__, url_prefix="/analytics")

READERS = (Role.LD_LEAD, Role.LEADER, Role.SPO)
UNIT_ROLES = (Role.LD_LEAD, Role.LEADER)


@dataclass
class Selection:
    """What the reader asked to see, checked against what they may see."""

    scope: UnitScope
    # The reader's own teams outside ``scope`` (an SPO's, say).
    extra_teams: list[Team]
    unit: Unit | None
    team_ids: set[int]
    own_teams: set[int]
    grouping: str = DEFAULT_GROUPING
    # The grouping when none is chosen: one level below the unit in view.
    default_grouping: str = DEFAULT_GROUPING
    metric: str = DEFAULT_METRIC
    filters: Filters = field(default_factory=Filters)
    sort: str = ""
    descending: bool = True
    errors: list[tuple[str, str]] = field(default_factory=list)
    # The cycle chosen (its quarter's snapshot, or live while open), and those to choose from.
    cycle: LearningCycle | None = None
    cycles: list[LearningCycle] = field(default_factory=list)
    # The quarters with a snapshot, oldest first.
    snapshots: list[str] = field(default_factory=list)

    @property
    def suppress(self) -> bool:
        # A group's own SPO sees their own team as it is.
        return not (self.team_ids and self.team_ids <= self.own_teams)

    @property
    def units(self) -> list[Unit]:
        """Every unit the reader may choose: the scope's, then their own teams outside it."""
        return [*self.scope.units, *self.extra_teams]

    def listed_units(self) -> list[Unit]:
        """The units the unit filter lists (see ``unit_choices``)."""
        return [*self.scope.listed_units(self.unit), *self.extra_teams]

    @property
    def unit_label(self) -> str:
        return self.unit.label if self.unit is not None else "All the units you look after"

    def args(self, **changes: str) -> dict[str, str]:
        """The query string of this view, with ``changes``; defaults are left out."""
        values = {
            "unit": unit_key(self.unit) if self.unit is not None else "",
            "grouping": self.grouping if self.grouping != self.default_grouping else "",
            "metric": self.metric if self.metric != DEFAULT_METRIC else "",
            "grade": self.filters.grade,
            "band": self.filters.band,
            "cycle": str(self.cycle.id) if self.cycle is not None else "",
            # A cycle sets the period itself.
            "period": (
                self.filters.period if self.filters.period != LIVE and self.cycle is None else ""
            ),
            "sort": self.sort,
            "order": "" if self.descending else "asc",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v}


CHOICE_ERRORS = {
    "grouping": "Choose how to group the rows from the list",
    "metric": "Choose a measure from the list",
    "grade": "Choose a grade from the list",
    "band": "Choose an experience band from the list",
    "period": "Choose a date from the list of snapshots",
    "order": "Choose ascending or descending order",
    "cycle": "Choose a cycle from the list",
}
CYCLE_AND_PERIOD = "Choose a cycle or a date, not both"
CYCLE_ID_MAX = 12  # digits; longer than any real id


def _choice(name: str, allowed, default: str, errors: list) -> str:
    value = request.args.get(name, "").strip()
    if not value:
        return default
    if value not in allowed:
        errors.append((name, CHOICE_ERRORS[name]))
        return default
    return value


def selection() -> Selection:
    actor = current_actor()
    scope = unit_scope(actor, *UNIT_ROLES)
    own = spo_team_ids(actor)
    # The reader's own teams outside their units: listed after them.
    outside = own - scope.team_ids()
    extra = list(db.session.scalars(select_teams(outside))) if outside else []
    key = request.args.get("unit", "").strip()
    unit = None
    if key:
        unit = scope.unit_by_key(key) or next((t for t in extra if unit_key(t) == key), None)
        if unit is None:
            abort(404)
    if unit is None:
        team_ids = scope.team_ids() | own
    elif isinstance(unit, Team) and unit.id in outside:
        team_ids = {unit.id}
    else:
        team_ids = scope.team_ids(unit)
    errors: list[tuple[str, str]] = []
    default_grouping = grouping_below(unit, [*scope.regions, *scope.pdus, *extra])
    grouping = _choice("grouping", GROUPINGS, default_grouping, errors)
    metric = _choice("metric", METRICS, DEFAULT_METRIC, errors)
    grade = _choice("grade", {g.value for g in GRADES}, "", errors)
    band = _choice("band", {b.value for b in BAND_ORDER}, "", errors)
    snapshots = periods()
    period = _choice("period", {LIVE, *snapshots}, LIVE, errors)
    order = _choice("order", {"asc", "desc"}, "desc", errors)
    cycles = _cycles(scope, own)
    cycle = _cycle(cycles, errors)
    if cycle is not None:
        chosen_period = cycle_period(cycle, london_today(), snapshots)
        given = request.args.get("period", "").strip()
        if chosen_period is None:
            errors.append(("cycle", no_snapshot_message(cycle)))
            cycle = None
        elif given and given != chosen_period and not any(n == "period" for n, _m in errors):
            errors.append(("cycle", CYCLE_AND_PERIOD))
            cycle = None
        else:
            period = chosen_period
    return Selection(
        scope=scope,
        extra_teams=extra,
        unit=unit,
        team_ids=team_ids,
        own_teams=own,
        grouping=grouping,
        default_grouping=default_grouping,
        metric=metric,
        filters=Filters(grade=grade, band=band, period=period),
        sort=request.args.get("sort", "").strip()[:60],
        descending=order == "desc",
        errors=errors,
        cycle=cycle,
        cycles=cycles,
        snapshots=snapshots,
    )


def _cycles(scope: UnitScope, own: set[int]) -> list[LearningCycle]:
    """The cycles covering any team of the scope or of the reader's own teams, newest first.

    The same as ``cycles_covering`` of all those teams, but asked by PDU and region, so a
    national reader's query does not name 2,000 teams."""
    if not scope.pdus:
        return cycles_covering(own)
    pdu_ids = [p.id for p in scope.pdus]
    region_ids = sorted({p.region_id for p in scope.pdus})
    in_scope = or_(
        LearningCycle.region_id.in_(region_ids),
        LearningCycle.pdu_id.in_(pdu_ids),
        LearningCycle.team_id.in_(select(Team.id).where(Team.pdu_id.in_(pdu_ids))),
    )
    found = {c.id: c for c in db.session.scalars(select(LearningCycle).where(in_scope))}
    for cycle in cycles_covering(own - scope.team_ids()) if own else []:
        found.setdefault(cycle.id, cycle)
    return sorted(found.values(), key=lambda c: (c.opens_on, c.id), reverse=True)


def grouping_below(unit: Unit | None, units: list[Unit]) -> str:
    """One level below the unit in view (all a reader's units when None): a national view
    starts by region and a region's by PDU, rather than with thousands of team rows."""
    if isinstance(unit, Region):
        return "pdu"
    if unit is not None:
        return DEFAULT_GROUPING
    regions = sum(isinstance(u, Region) for u in units)
    if regions > 1:
        return "region"
    if regions or sum(isinstance(u, Pdu) for u in units) > 1:
        return "pdu"
    return DEFAULT_GROUPING


def _cycle(cycles: list[LearningCycle], errors: list) -> LearningCycle | None:
    """The cycle named by ``?cycle=``, if it is one of ``cycles`` (else an error)."""
    value = request.args.get("cycle", "").strip()
    if not value:
        return None
    found = None
    if value.isdigit() and len(value) <= CYCLE_ID_MAX:
        found = next((c for c in cycles if c.id == int(value)), None)
    if found is None:
        errors.append(("cycle", CHOICE_ERRORS["cycle"]))
    return found


def cycle_is_open(cycle: LearningCycle, today) -> bool:
    """Still open: it closes today or later, or it has not been closed."""
    return cycle.closed_at is None or cycle.closes_on >= today


def cycle_period(cycle: LearningCycle, today, snapshots: list[str]) -> str | None:
    """The period a cycle's figures come from: live while it is open, else the snapshot of
    the quarter it closed in (None when it is not one of ``snapshots``)."""
    if cycle_is_open(cycle, today):
        return LIVE
    period = quarter_of(cycle.closes_on)
    return period if period in snapshots else None


def no_snapshot_message(cycle: LearningCycle) -> str:
    period = quarter_of(cycle.closes_on)
    return (
        f"There are no saved figures for {period[:4]} quarter {period[-1]}, when "
        f"{cycle.name} closed: choose another cycle or a date"
    )


def cycle_label(cycle: LearningCycle) -> str:
    return f"{cycle.name} ({cycle.unit.label}), closes {cycle.closes_on.strftime('%-d %B %Y')}"


def _unit_choices(chosen: Selection) -> list[tuple[str, str]]:
    return unit_choices(chosen.listed_units(), chosen.unit, chosen.own_teams)


def select_teams(ids):
    return select(Team).where(Team.id.in_(list(ids))).order_by(Team.name, Team.id)


def build_selected_heatmap(chosen: Selection) -> Heatmap:
    heatmap = build_unit_heatmap(
        chosen.unit,
        chosen.team_ids,
        chosen.grouping,
        chosen.metric,
        chosen.filters,
        chosen.suppress,
    )
    if chosen.sort:
        sort_rows(heatmap, chosen.sort, chosen.descending)
    return heatmap


def build_selected_trend(chosen: Selection, last: int | None = None):
    filters = chosen.filters
    return build_trend(
        chosen.unit,
        chosen.team_ids,
        chosen.metric,
        filters.grade,
        filters.band,
        chosen.suppress,
        last,
        chosen.snapshots,
    )


# The skill page shows the last two years; the trends page shows every quarter.
SKILL_QUARTERS = 8


def heat_level(metric_key: str, value: float | None) -> int | None:
    """0 (least concern) to 4 (most), for the colour of a cell; None when not shown."""
    if value is None:
        return None
    metric = METRICS[metric_key]
    if metric.percent:
        share = value / 100
    elif metric.key == "mean-gap":
        share = min(value / 2, 1)
    else:  # a level from 1 to 4
        share = (value - 1) / 3
    if not metric.higher_is_worse:
        share = 1 - share
    return min(4, max(0, int(share * 5)))


def cell_text(metric_key: str, figure) -> str:
    """A figure as the page and the downloads show it."""
    if figure.hidden:
        return "fewer than 5" if figure.reason == "primary" else "hidden"
    if figure.value is None:
        return "no data"
    if METRICS[metric_key].percent:
        return f"{figure.value:.0f}%"
    return f"{figure.value:.2f}"


def period_label(period: str) -> str:
    if period == LIVE:
        return "Today"
    return f"{period[:4]} quarter {period[-1]} (to {quarter_end(period).strftime('%-d %B %Y')})"


@bp.get("/")
@allow(*READERS)
def heatmap():
    chosen = selection()
    result = build_selected_heatmap(chosen)
    # Sorted as a whole first, so a page holds the next rows in that order.
    rows = paginate_list(result.rows, current_app.config["HEATMAP_ROWS_PER_PAGE"])
    return render_template(
        "analytics/heatmap.html",
        chosen=chosen,
        heatmap=result,
        rows=rows,
        priorities=priorities(result),
        groupings=GROUPINGS,
        metric_choices=[(m.key, m.label) for m in METRICS.values()],
        grades=[(g.value, GRADE_LABELS[g]) for g in GRADES],
        bands=[(b.value, BAND_LABELS[b]) for b in BAND_ORDER],
        periods=[(p, period_label(p)) for p in reversed(chosen.snapshots)],
        cycle_choices=[(str(c.id), cycle_label(c)) for c in chosen.cycles],
        period_label=period_label,
        unit_choices=_unit_choices(chosen),
        table=table_cells(chosen, result, [*rows.items, result.total]),
        ALL=ALL,
    ), (400 if chosen.errors else 200)


_CELL = '<td class="govuk-table__cell govuk-table__cell--numeric app-heat app-heat--{}">'


def table_cells(chosen: Selection, result: Heatmap, rows: list[Row]) -> list[tuple[Row, Markup]]:
    """Each of ``rows`` with the HTML of its cells, skills in order then "All skills"
    (never a link): each cell shaded, with its figure, its n unless hidden, and a link to
    the skill page for the row's group.

    Written here rather than in the template: a page of a national table has 1,800 cells,
    and the template's escaping and lookups for each cost more than all the rest of the
    page. Every name and link is escaped once, for its row or column.
    """
    drills = drill_queries(chosen, rows)
    columns = [
        (c.slug, escape(url_for("analytics.skill", slug=c.slug)), escape(c.name))
        for c in result.columns
    ]
    columns.append((ALL, None, None))
    metric = chosen.metric
    table = []
    for row in rows:
        drill = drills.get(row.key)
        drill_html = None if drill is None else escape(drill)
        label = escape(row.label)
        cells = []
        for slug, link, name in columns:
            figure = row.figures[slug]
            level = heat_level(metric, figure.value) if figure.shown else None
            # A number or a few fixed words: nothing to escape.
            text = cell_text(metric, figure)
            cells.append(_CELL.format("none" if level is None else level))
            if drill_html is not None and link is not None and not figure.hidden:
                cells.append(
                    f'<a class="govuk-link" href="{link}{drill_html}">{text}'
                    f'<span class="govuk-visually-hidden"> for {label}, {name}</span></a>'
                )
            else:
                cells.append(text)
            if not figure.hidden:
                cells.append(f'<br><span class="govuk-body-s">n = {int(figure.n)}</span>')
            cells.append("</td>")
        table.append((row, Markup("".join(cells))))
    return table


def drill_queries(chosen: Selection, rows: list[Row]) -> dict[str, str]:
    """The query string of the skill pages each of ``rows``' cells lead to, by row key.

    A row of a unit leads to that unit, of a grade or band to the view filtered by it,
    and the total to the view itself; a row with no such group (a site, no band) leads
    nowhere.
    """
    drills = {}
    for row in rows:
        if row.unit_key:
            changes = {"unit": row.unit_key}
        elif chosen.grouping in ("grade", "band") and row.key not in (ALL, ""):
            changes = {chosen.grouping: row.key}
        elif row.key == ALL:
            changes = {}
        else:
            continue
        query = urlencode(chosen.args(sort="", order="", **changes))
        drills[row.key] = f"?{query}" if query else ""
    return drills


def export_table(chosen: Selection, result: Heatmap) -> tuple[list[str], list[list]]:
    """The header and rows of a download: the cells exactly as the page shows them."""
    header = [GROUPINGS[chosen.grouping]]
    for column in result.columns:
        header += [f"{column.name}", f"{column.name} (n)"]
    header += ["All skills", "All skills (n)"]
    rows = []
    for row in [*result.rows, result.total]:
        line: list = [row.label]
        for slug in [*(c.slug for c in result.columns), ALL]:
            figure = row.figures[slug]
            line += [cell_text(chosen.metric, figure), "" if figure.hidden else figure.n]
        rows.append(line)
    return header, rows


@bp.get("/heatmap.<any(csv, xlsx):fmt>")
@allow(*READERS)
def heatmap_export(fmt: str) -> Response:
    chosen = selection()
    if chosen.errors:
        abort(400)
    result = build_selected_heatmap(chosen)
    header, rows = export_table(chosen, result)
    name = exports.filename("heatmap", london_today(), fmt)
    if fmt == "csv":
        return exports.csv_response(name, header, rows)
    return exports.xlsx_response(name, "Heatmap", header, rows)


@bp.get("/trends")
@allow(*READERS)
def trends():
    chosen = selection()
    result = build_selected_trend(chosen)
    slug = request.args.get("skill", ALL).strip()
    if slug not in result.lines:
        chosen.errors.append(("skill", "Choose a skill from the list"))
        slug = ALL
    metric = METRICS[chosen.metric]
    top = 100.0 if metric.percent else (3.0 if chosen.metric == "mean-gap" else 4.0)
    return render_template(
        "analytics/trends.html",
        chosen=chosen,
        trend=result,
        metric=metric,
        slug=slug,
        top=top,
        points=result.points(slug, top),
        chart=(CHART_WIDTH, CHART_HEIGHT, MARGIN),
        skill_choices=[(ALL, "All skills")] + [(c.slug, c.name) for c in result.columns],
        metric_choices=[(m.key, m.label) for m in METRICS.values()],
        unit_choices=_unit_choices(chosen),
        period_label=period_label,
        cell_text=cell_text,
        ALL=ALL,
    ), (400 if chosen.errors else 200)


LEVEL_NAMES = ("1 (developing)", "2", "3", "4")


@bp.get("/skills/<slug>")
@allow(*READERS)
def skill(slug: str):
    """One skill for one group: the spread of levels, self against observed, and the trend."""
    chosen = selection()
    shown = ("self", "observed", "mean-gap", "below-target")
    heatmaps = build_unit_heatmap_measures(
        chosen.unit,
        chosen.team_ids,
        chosen.grouping,
        dict.fromkeys([chosen.metric, *shown]),
        chosen.filters,
        chosen.suppress,
    )
    result = heatmaps[chosen.metric]
    column = next((c for c in result.columns if c.slug == slug), None)
    if column is None:
        abort(404)
    sums = result.sums.get((ALL, slug), {})
    people = int(sums.get("people", 0))
    levels = [
        Figure(int(sums.get(f"level_{i}", 0)), float(sums.get(f"level_{i}", 0)))
        for i in range(1, 5)
    ]
    whole = result.total.figures[slug]
    if chosen.suppress:
        hide_small(levels)
        everyone = Figure(sum(f.n for f in levels), float(sum(f.n for f in levels)))
        hide_complements([[*levels, everyone]])
        if whole.hidden:
            for figure in levels:
                figure.hidden, figure.reason = True, figure.reason or "secondary"
    means = {key: heatmaps[key].total.figures[slug] for key in shown}
    trend = build_selected_trend(chosen, SKILL_QUARTERS)
    return render_template(
        "analytics/skill.html",
        chosen=chosen,
        column=column,
        people=people,
        hidden=whole.hidden,
        levels=list(zip(LEVEL_NAMES, levels, strict=True)),
        means=means,
        metrics=METRICS,
        trend=trend,
        slug=slug,
        cell_text=cell_text,
        period_label=period_label,
    ), (400 if chosen.errors else 200)
