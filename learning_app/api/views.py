"""The read-only JSON API under /api/v1, for BI tools.

Each endpoint answers for the holder of the bearer token, through the same code as the
page it mirrors: ``analytics.views.selection()`` checks the query parameters and the
reader's scope, and the heatmap, trend and oversight builders apply the same suppression.
So a token sees exactly what its user would see on screen, figure for figure, and a
hidden figure has no value and no n. ``/api/v1/openapi.json`` describes every endpoint
and is public; the rest needs a token.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from learning_app.analytics import feedback
from learning_app.analytics import oversight_views as oversight_pages
from learning_app.analytics import views as pages
from learning_app.analytics.heatmap import ALL, METRICS, Heatmap, Row
from learning_app.analytics.models import LIVE
from learning_app.analytics.quarters import quarter_end
from learning_app.analytics.suppression import Figure
from learning_app.api.auth import bearer_token
from learning_app.api.openapi import allowed_parameters, document
from learning_app.api.problems import problem
from learning_app.core.policy import allow, public
from learning_app.core.time import london_today
from learning_app.core.tokens import token_digest
from learning_app.extensions import limiter
from learning_app.org.units import unit_key, unit_selection

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _caller() -> str:
    """Who a request counts against: its token (as a digest), else its address."""
    secret = bearer_token(request)
    return "token:" + token_digest(secret) if secret else "ip:" + get_remote_address()


limiter.limit(_rate_limit, key_func=_caller)(bp)

ROUNDING = 2


@bp.before_request
def require_token():
    if request.endpoint == "api.openapi" or current_user.is_authenticated:
        return None
    return problem(401)


@bp.after_request
def not_cached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _check(operation: str, chosen: pages.Selection | None = None) -> None:
    """Refuse with a 400 naming each parameter that is not known here or not a choice."""
    allowed = allowed_parameters(operation)
    errors = [
        {"parameter": name, "message": f"{name} is not a parameter of this endpoint"}
        for name in sorted(set(request.args) - allowed)
    ]
    errors += [
        {"parameter": name, "message": message}
        for name, message in (chosen.errors if chosen is not None else [])
        if name in allowed
    ]
    if errors:
        abort(problem(400, "Some query parameters are not among the choices.", errors))


def _selection(operation: str) -> pages.Selection:
    """The analysis pages' selection from the query, refused unless every part is right."""
    chosen = pages.selection()
    _check(operation, chosen)
    return chosen


def _heatmap_word(figure: Figure) -> str:
    return pages.cell_text("", figure)


def cell(figure: Figure, word=_heatmap_word) -> dict:
    """A figure as the API gives it: nothing but the word on screen when it is hidden."""
    if figure.hidden:
        return {"value": None, "n": None, "suppressed": word(figure)}
    value = None if figure.value is None else round(figure.value, ROUNDING)
    return {"value": value, "n": figure.n, "suppressed": None}


def _row(row: Row, slugs: list[str]) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "unit": row.unit_key,
        "cells": {slug: cell(row.figures[slug]) for slug in slugs},
    }


def _metric(key: str) -> dict:
    metric = METRICS[key]
    return {
        "key": metric.key,
        "label": metric.label,
        "percent": metric.percent,
        "higher_is_worse": metric.higher_is_worse,
    }


def _period(period: str) -> dict:
    return {
        "key": period,
        "label": pages.period_label(period),
        "ends_on": None if period == LIVE else quarter_end(period).isoformat(),
    }


def _view(chosen: pages.Selection) -> dict:
    return {
        "unit": None if chosen.unit is None else unit_key(chosen.unit),
        "unit_label": chosen.unit_label,
        "metric": _metric(chosen.metric),
        "grade": chosen.filters.grade or None,
        "band": chosen.filters.band or None,
        "suppressed": chosen.suppress,
    }


def _cycle(cycle) -> dict:
    return {
        "id": cycle.id,
        "name": cycle.name,
        "opens_on": cycle.opens_on.isoformat(),
        "closes_on": cycle.closes_on.isoformat(),
    }


def heatmap_body(chosen: pages.Selection, result: Heatmap) -> dict:
    slugs = [*(c.slug for c in result.columns), ALL]
    return {
        **_view(chosen),
        "grouping": chosen.grouping,
        "period": _period(chosen.filters.period),
        "cycle": None if chosen.cycle is None else _cycle(chosen.cycle),
        "columns": [{"slug": c.slug, "name": c.name, "domain": c.domain} for c in result.columns],
        "rows": [_row(row, slugs) for row in result.rows],
        "total": _row(result.total, slugs),
    }


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(document())


@bp.get("/units")
@allow(*pages.READERS)
def units():
    chosen = _selection("units")
    return jsonify(
        {
            "units": [
                {"key": unit_key(u), "label": u.label, "kind": unit_key(u).split("-")[0]}
                for u in chosen.units
            ],
            "periods": [_period(p) for p in [LIVE, *reversed(chosen.snapshots)]],
            "cycles": [_cycle(c) for c in chosen.cycles],
        }
    )


@bp.get("/heatmap")
@allow(*pages.READERS)
def heatmap():
    chosen = _selection("heatmap")
    return jsonify(heatmap_body(chosen, pages.build_selected_heatmap(chosen)))


@bp.get("/trends")
@allow(*pages.READERS)
def trends():
    chosen = _selection("trends")
    result = pages.build_selected_trend(chosen)
    names = {c.slug: c.name for c in result.columns}
    return jsonify(
        {
            **_view(chosen),
            "periods": [_period(p) for p in result.periods],
            "lines": [
                {
                    "skill": slug,
                    "name": names.get(slug, "All skills"),
                    "figures": [cell(f) for f in figures],
                }
                for slug, figures in result.lines.items()
            ],
        }
    )


def _word(reason: str | None) -> str | None:
    """What the oversight page says in place of a hidden figure."""
    if reason is None:
        return None
    return "fewer than 5" if reason == "primary" else "hidden"


def _audits(block) -> dict:
    return {
        "type": block.type.value,
        "label": block.label,
        "quarters": block.quarters,
        "audits": block.audits,
        "questions": [
            {
                "key": q.key,
                "text": q.text,
                "baselines": [{"percent": b.percent, "source": b.source} for b in q.baselines],
                "rates": [
                    {
                        "quarter": quarter,
                        "yes": rate.yes,
                        "answered": rate.answered,
                        "percent": rate.percent,
                        "suppressed": _word(rate.hidden),
                    }
                    for quarter, rate in q.by_quarter.items()
                ],
            }
            for q in block.questions
        ],
    }


def _feedback(table) -> dict | None:
    if table is None:
        return None
    keys = [feedback.RESPONSES, *(key for key, _label in table.items)]

    def row(r) -> dict:
        return {
            "key": r.key,
            "label": r.label,
            "cells": {k: cell(r.figures[k], feedback.withheld) for k in keys},
        }

    return {
        "since": table.since.isoformat(),
        "questions": [{"key": key, "text": text} for key, text in table.items],
        "rows": [row(r) for r in table.rows],
        "total": row(table.total),
    }


def oversight_body(selection, figures: oversight_pages.Oversight) -> dict:
    discussions = figures.discussions
    return {
        "unit": selection.key or None,
        "unit_label": selection.label,
        "audits": [_audits(block) for block in figures.audits],
        "cycles": [
            {
                "id": row.cycle_id,
                "name": row.name,
                "unit": row.unit,
                "opens_on": row.opens_on.isoformat(),
                "closes_on": row.closes_on.isoformat(),
                "practitioners": row.practitioners,
                "submitted": row.submitted,
                "percent": row.percent,
                "suppressed": _word(row.hidden),
            }
            for row in figures.cycles
        ],
        "campaigns": [
            {
                "id": row.campaign_id,
                "skill": row.skill_name,
                "unit": row.unit,
                "starts_on": row.starts_on.isoformat(),
                "ends_on": row.ends_on.isoformat(),
                "practitioners": row.practitioners,
                "observed": row.observed,
                "percent": row.percent,
                "suppressed": _word(row.hidden),
            }
            for row in figures.campaigns
        ],
        "observers": [
            {
                "name": row.name,
                "role": row.role,
                "ratings": row.ratings,
                "mean": round(row.mean, ROUNDING),
                "unit_mean": round(row.unit_mean, ROUNDING),
                "difference": round(row.difference, ROUNDING),
            }
            for row in figures.observers
        ],
        "discussions": None
        if discussions is None
        else {
            "with_cadence": discussions.with_cadence,
            "covered": discussions.covered,
            "coverage_percent": discussions.coverage_percent,
            "overdue": discussions.overdue,
            "at_risk": discussions.at_risk,
        },
        "feedback": _feedback(figures.feedback),
    }


@bp.get("/oversight")
@allow(*oversight_pages.READERS)
def oversight():
    _check("oversight")
    selection = unit_selection(*oversight_pages.READERS)
    return jsonify(
        oversight_body(selection, oversight_pages.oversight_of(selection, london_today()))
    )
