"""An SPO's weekly capacity for reflective discussions, and their leave.

Only SPOs use these pages, and only for themselves: someone else's leave answers 404.
Each change is one call to ``reflective.services``, which checks the rules again and
writes the audit log; the view commits and redirects (Post/Redirect/Get).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from learning_app.accounts.constants import Role
from learning_app.core.forms import ConfirmForm, hh_mm
from learning_app.core.policy import allow
from learning_app.core.requests import current_actor, show_refusal
from learning_app.core.time import london_today
from learning_app.core.wording import long_date
from learning_app.extensions import db
from learning_app.reflective import queries, services
from learning_app.reflective.capacity_forms import CapacityForm, LeaveForm
from learning_app.reflective.models import SpoCapacity

bp = Blueprint("capacity", __name__, url_prefix="/my-capacity")


def _done(message: str) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".index"))


def _initial(capacity: SpoCapacity | None) -> dict | None:
    if capacity is None:
        return None
    return {
        "sessions_per_week": str(capacity.sessions_per_week),
        "weekdays": sorted(str(d) for d in capacity.weekday_numbers),
        "day_starts": hh_mm(capacity.day_starts),
        "day_ends": hh_mm(capacity.day_ends),
        "slot_minutes": str(capacity.slot_minutes),
    }


@bp.route("", methods=["GET", "POST"])
@allow(Role.SPO)
def index():
    me = current_actor()
    capacity = queries.capacity_of(me.id)
    # Only a GET starts from the values in force: a POST is judged on what it sent alone.
    form = CapacityForm(data=_initial(capacity) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.set_capacity(me, form.to_input())
        except services.DiscussionError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            return _done("Your capacity for reflective discussions has been saved")
    today = london_today()
    return render_template(
        "reflective/capacity/index.html",
        form=form,
        capacity=capacity,
        leave=queries.leave_from(me.id, today),
        remove_button=ConfirmForm(),
        today=today,
    )


@bp.route("/leave/add", methods=["GET", "POST"])
@allow(Role.SPO)
def add_leave():
    today = london_today()
    form = LeaveForm(today=today)
    if form.validate_on_submit():
        first, last = form.first_day.data, form.last_day.data
        try:
            services.add_leave(current_actor(), first, last, today=today)
        except services.DiscussionError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            span = long_date(first) if first == last else f"{long_date(first)} to {long_date(last)}"
            return _done(
                f"Leave added: {span}. Discussions booked on those days have been moved "
                "to free times"
            )
    return render_template("reflective/capacity/leave.html", form=form)


@bp.route("/leave/<int:leave_id>/remove", methods=["POST"])
@allow(Role.SPO)
def remove_leave(leave_id: int):
    me = current_actor()
    leave = queries.own_leave(me.id, leave_id)
    if leave is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    first, last = leave.first_day, leave.last_day
    try:
        services.remove_leave(me, leave)
    except services.DiscussionError as error:
        db.session.rollback()
        flash(error.message, "notice")
        return redirect(url_for(".index"))
    span = long_date(first) if first == last else f"{long_date(first)} to {long_date(last)}"
    return _done(f"Leave removed: {span}")
