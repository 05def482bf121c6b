"""Learning-analysis cycles, for L&D leads: list, open, change, close early, and each
cycle's completion by team.

A lead sees the cycles of their units only (their ld_lead roles' PDUs or regions and
the units inside them); any other cycle id answers 404. Completion shows counts and
the names of those not started, never anyone's ratings.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from learning_app.accounts.constants import Role
from learning_app.assessments import queries, services
from learning_app.assessments.cycle_forms import CycleForm, unit_label
from learning_app.assessments.models import LearningCycle
from learning_app.core.forms import ConfirmForm
from learning_app.core.policy import allow
from learning_app.core.requests import current_actor
from learning_app.core.time import london_today
from learning_app.extensions import db

bp = Blueprint("cycles", __name__, url_prefix="/learning-analysis-cycles")


def _cycle_or_404(scope: queries.LeadScope, cycle_id: int) -> LearningCycle:
    cycle = queries.find_cycle_in_scope(scope, cycle_id)
    if cycle is None:
        abort(404)
    return cycle


def _show_refusal(form: CycleForm, error: services.CycleError) -> None:
    field = form[error.field] if error.field and error.field in form else form.name
    field.errors = [*field.errors, error.message]


def _form_page(form: CycleForm, heading: str, back_url: str, cycle: LearningCycle | None = None):
    return render_template(
        "cycles/form.html", form=form, heading=heading, back_url=back_url, cycle=cycle
    )


@bp.route("/")
@allow(Role.LD_LEAD)
def index():
    today = london_today()
    cycles = queries.cycles_in_scope(queries.lead_scope(current_actor()))
    return render_template(
        "cycles/index.html",
        rows=[(c, unit_label(c.unit), queries.cycle_status(c, today)) for c in cycles],
    )


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.LD_LEAD)
def new():
    scope = queries.lead_scope(current_actor())
    form = CycleForm(scope=scope)
    if form.validate_on_submit():
        try:
            cycle = services.create_cycle(
                current_actor(),
                name=form.name.data,
                unit=scope.unit_by_key(form.unit.data),
                opens_on=form.opens_on.data,
                closes_on=form.closes_on.data,
            )
        except services.CycleError as error:
            _show_refusal(form, error)
        else:
            db.session.commit()
            flash(f"Cycle ‘{cycle.name}’ opened for {unit_label(cycle.unit)}", "success")
            return redirect(url_for(".show", cycle_id=cycle.id))
    return _form_page(form, "Open a new learning-analysis cycle", url_for(".index"))


@bp.route("/<int:cycle_id>")
@allow(Role.LD_LEAD)
def show(cycle_id: int):
    cycle = _cycle_or_404(queries.lead_scope(current_actor()), cycle_id)
    status = queries.cycle_status(cycle, london_today())
    return render_template(
        "cycles/show.html",
        cycle=cycle,
        unit=unit_label(cycle.unit),
        status=status,
        can_change=cycle.closed_at is None,
        can_close=status != queries.CycleStatus.CLOSED,
        completion=queries.cycle_completion(cycle),
    )


@bp.route("/<int:cycle_id>/edit", methods=["GET", "POST"])
@allow(Role.LD_LEAD)
def edit(cycle_id: int):
    scope = queries.lead_scope(current_actor())
    cycle = _cycle_or_404(scope, cycle_id)
    if cycle.closed_at is not None:
        flash("This cycle has been closed, so it can no longer be changed", "info")
        return redirect(url_for(".show", cycle_id=cycle.id))
    form = CycleForm(scope=scope, obj=cycle)
    if request.method == "GET":
        form.unit.data = queries.unit_key(cycle.unit)
    if form.validate_on_submit():
        try:
            services.update_cycle(
                current_actor(),
                cycle,
                name=form.name.data,
                unit=scope.unit_by_key(form.unit.data),
                opens_on=form.opens_on.data,
                closes_on=form.closes_on.data,
            )
        except services.CycleError as error:
            _show_refusal(form, error)
        else:
            db.session.commit()
            flash(f"Cycle ‘{cycle.name}’ saved", "success")
            return redirect(url_for(".show", cycle_id=cycle.id))
    return _form_page(
        form, "Change learning-analysis cycle", url_for(".show", cycle_id=cycle.id), cycle
    )


@bp.route("/<int:cycle_id>/close", methods=["GET", "POST"])
@allow(Role.LD_LEAD)
def close(cycle_id: int):
    cycle = _cycle_or_404(queries.lead_scope(current_actor()), cycle_id)
    if queries.cycle_status(cycle, london_today()) == queries.CycleStatus.CLOSED:
        flash("This cycle is already closed", "info")
        return redirect(url_for(".show", cycle_id=cycle.id))
    confirm = ConfirmForm()
    if confirm.validate_on_submit():
        services.close_cycle(current_actor(), cycle, datetime.now(UTC))
        db.session.commit()
        flash(f"Cycle ‘{cycle.name}’ closed", "success")
        return redirect(url_for(".show", cycle_id=cycle.id))
    return render_template("cycles/close.html", cycle=cycle, confirm=confirm)
