"""Training demand and impact, for L&D leads and leaders of a unit.

Each reader sees the practitioners of the units of their ``ld_lead`` and ``leader`` roles;
``?unit=pdu-3`` (or ``region-1``, ``team-7``) narrows a page to one of those units. A unit
that is unknown or outside the reader's scope answers 404, like any object they may not
see, rather than quietly showing something else.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from learning_app.core.policy import allow
from learning_app.core.time import london_today
from learning_app.org.units import UnitSelection, unit_selection
from learning_app.training import exports
from learning_app.training.demand import BANDS, band_label, demand_for
from learning_app.training.impact import SUPPRESS_BELOW, WINDOW_MONTHS, impact_for
from learning_app.training.models import TrainingModule
from learning_app.training.queries import find_module, skill_names
from learning_app.training.report_scope import REPORT_ROLES

bp = Blueprint("training_reports", __name__, url_prefix="/training")

READERS = REPORT_ROLES
EXPORT_FORMATS = "any(csv, xlsx)"


def _selection() -> UnitSelection:
    return unit_selection(*REPORT_ROLES)


def _stem(name: str, selection: UnitSelection) -> str:
    return f"{name}-{selection.key}" if selection.key else name


def _send(fmt: str, stem: str, title: str, header: list[str], rows: list) -> Response:
    name = exports.filename(stem, london_today(), fmt)
    if fmt == "csv":
        return exports.csv_response(name, header, rows)
    return exports.xlsx_response(name, title, header, rows)


# Demand ----------------------------------------------------------------------------------


@bp.route("/demand")
@allow(*READERS)
def demand():
    selection = _selection()
    report = demand_for(selection.team_ids, london_today())
    return render_template(
        "training/reports/demand.html",
        report=report,
        bands=[(band, band_label(band)) for band in BANDS],
        **selection.template_values(),
    )


@bp.route(f"/demand.<{EXPORT_FORMATS}:fmt>")
@allow(*READERS)
def demand_export(fmt: str):
    selection = _selection()
    report = demand_for(selection.team_ids, london_today())
    return _send(
        fmt,
        _stem("training-demand", selection),
        "Training demand",
        exports.demand_header(report),
        exports.demand_rows(report),
    )


@bp.route("/demand/<code>")
@allow(*READERS)
def demand_module(code: str):
    selection = _selection()
    module = _live_module_or_404(code)
    row = demand_for(selection.team_ids, london_today()).row(module.code)
    names = skill_names()
    return render_template(
        "training/reports/demand_module.html",
        module=module,
        row=row,
        people=exports.people_rows(row, names) if row else [],
        header=exports.PEOPLE_HEADER,
        **selection.template_values(),
    )


@bp.route(f"/demand/<code>.<{EXPORT_FORMATS}:fmt>")
@allow(*READERS)
def demand_module_export(code: str, fmt: str):
    selection = _selection()
    module = _live_module_or_404(code)
    row = demand_for(selection.team_ids, london_today()).row(module.code)
    rows = exports.people_rows(row, skill_names()) if row else []
    return _send(
        fmt,
        _stem(f"training-demand-{module.code}", selection),
        f"Needing {module.code}",
        exports.PEOPLE_HEADER,
        rows,
    )


def _live_module_or_404(code: str) -> TrainingModule:
    """A live module by code (any case); 404 for anything else."""
    module = find_module(code.strip().upper())
    if module is None or module.retired_at is not None:
        abort(404)
    return module


# Impact ----------------------------------------------------------------------------------


@bp.route("/impact")
@allow(*READERS)
def impact():
    selection = _selection()
    report = impact_for(selection.team_ids, london_today())
    return render_template(
        "training/reports/impact.html",
        report=report,
        skill_names=skill_names(),
        window_months=WINDOW_MONTHS,
        suppress_below=SUPPRESS_BELOW,
        **selection.template_values(),
    )
