"""Oversight pages: an SPO's own week ahead, and a head of PDU's view of their unit.

``/oversight/team`` is for SPOs and shows only what they hold and their own teams.
``/oversight/pdu`` is for leaders (heads of PDU and senior leaders, DESIGN.md section 2):
the units of their ``leader`` role assignments, narrowed with ``?unit=pdu-3`` (or
``region-1``, ``team-7``). A unit that is unknown or outside their scope answers 404. L&D
leads do not see these pages: SPO load and overdue oversight are management information for
the leaders of the unit, while L&D leads have the training and analytics pages.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from learning_app.accounts.constants import Role
from learning_app.core.policy import allow
from learning_app.core.requests import current_actor
from learning_app.core.time import london_today
from learning_app.org.units import Unit, unit_key, unit_scope
from learning_app.reflective import oversight

bp = Blueprint("oversight", __name__, url_prefix="/oversight")

HEADS = (Role.LEADER,)


@bp.route("/team")
@allow(Role.SPO)
def team():
    today = london_today()
    return render_template(
        "reflective/oversight/team.html",
        overview=oversight.spo_overview(current_actor(), today),
        today=today,
    )


@bp.route("/pdu")
@allow(*HEADS)
def pdu():
    scope = unit_scope(current_actor(), *HEADS)
    key = request.args.get("unit", "").strip()
    unit: Unit | None = None
    if key:
        unit = scope.unit_by_key(key)
        if unit is None:
            abort(404)
    team_ids = scope.team_ids(unit)
    today = london_today()
    return render_template(
        "reflective/oversight/pdu.html",
        overview=oversight.unit_overview((t for t in scope.teams if t.id in team_ids), today),
        units=[(unit_key(u), u.label) for u in scope.units],
        unit_key=unit_key(unit) if unit is not None else "",
        unit_label=unit.label if unit is not None else "All the units you look after",
        span_weeks=oversight.SPAN_WINDOW_WEEKS,
        today=today,
    )
