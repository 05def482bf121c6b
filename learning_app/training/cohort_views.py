"""Cohorts of face-to-face modules: L&D leads schedule them, practitioners book places.

The rules (capacity, the waiting list, who moves up) live in
``learning_app.training.cohorts``; each view here checks access, makes one service
call, commits and redirects with a banner. Everyone signed in sees the schedule and
the counts; only L&D leads and admins see who is booked and waiting.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from learning_app.accounts.constants import Role
from learning_app.core.forms import ConfirmForm
from learning_app.core.jinja import format_date
from learning_app.core.pagination import paginate
from learning_app.core.policy import allow, signed_in
from learning_app.core.requests import current_actor, show_refusal
from learning_app.core.time import aware, london, london_today, utc_now
from learning_app.extensions import db
from learning_app.training import cohort_queries as queries
from learning_app.training import cohorts
from learning_app.training.cohort_forms import CohortForm
from learning_app.training.cohorts import CohortError
from learning_app.training.models import Cohort, CohortBooking

bp = Blueprint("cohorts", __name__, url_prefix="/training/cohorts")

MANAGERS = (Role.LD_LEAD, Role.ADMIN)
PAST_PER_PAGE = 25


@bp.context_processor
def _helpers() -> dict:
    return {"london": london}


def can_manage_cohorts(user) -> bool:
    """L&D leads and admins schedule and cancel cohorts and see who is booked."""
    return user.is_authenticated and user.has_role(*MANAGERS)


def is_practitioner(user) -> bool:
    return user.is_authenticated and user.has_role(Role.PRACTITIONER)


def _cohort_or_404(cohort_id: int) -> Cohort:
    cohort = queries.find_cohort(cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _name(cohort: Cohort) -> str:
    """How banners name a cohort: "PL-05 Title on 14 April 2026"."""
    return f"{cohort.module.code} {cohort.module.title} on {format_date(_local(cohort))}"


def _local(cohort: Cohort) -> datetime:
    return london(cohort.starts_at)


def _started(cohort: Cohort) -> bool:
    return aware(cohort.starts_at) <= utc_now()


def _done(message: str, cohort: Cohort) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".show", cohort_id=cohort.id))


# The schedule ---------------------------------------------------------------------------


@bp.route("/")
@signed_in
def index():
    now = utc_now()
    modules = queries.face_to_face_modules()
    by_code = {m.code: m for m in modules}
    # An unknown module code is ignored: the whole schedule is still useful.
    module = by_code.get(request.args.get("module", ""))
    upcoming = queries.upcoming_cohorts(now, module.id if module else None)
    practitioner = is_practitioner(current_user)
    bookings = queries.bookings_of(current_user.id, now) if practitioner else []
    return render_template(
        "training/cohorts/index.html",
        cohorts=upcoming,
        waiting=queries.waiting_counts(c.id for c in upcoming),
        places_left=cohorts.places_left,
        modules=modules,
        module_filter=module.code if module else "",
        practitioner=practitioner,
        bookings=bookings,
        positions={b.id: cohorts.waiting_position(b) for b in bookings},
        can_manage=can_manage_cohorts(current_user),
    )


@bp.route("/past")
@allow(*MANAGERS)
def past():
    page = paginate(queries.past_and_cancelled(utc_now()), PAST_PER_PAGE)
    return render_template(
        "training/cohorts/past.html",
        page=page,
        waiting=queries.waiting_counts(c.id for c in page.items),
    )


@bp.route("/new", methods=["GET", "POST"])
@allow(*MANAGERS)
def new():
    form = CohortForm(modules=queries.face_to_face_modules(), today=london_today())
    if request.method == "GET":
        code = request.args.get("module", "")
        form.preselect(form.modules.get(code))
    if form.validate_on_submit():
        starts_at, ends_at = form.moments()
        try:
            cohort = cohorts.schedule_cohort(
                current_actor(),
                form.chosen_module(),
                starts_at,
                ends_at,
                form.place.data,
                form.places(),
                now=utc_now(),
            )
        except CohortError as error:
            show_refusal(form, _on_form_field(error))
        else:
            return _done(f"Cohort scheduled: {_name(cohort)}", cohort)
    return render_template("training/cohorts/new.html", form=form)


def _on_form_field(error: CohortError) -> CohortError:
    """The service names ``starts_at``/``ends_at``; the form asks for a date and times."""
    if error.field == "starts_at" and "future" in error.message:
        return CohortError("The start time must be in the future", "start_time")
    fields = {"starts_at": "start_time", "ends_at": "end_time"}
    return CohortError(error.message, fields.get(error.field or "", error.field))


# One cohort -----------------------------------------------------------------------------


@bp.route("/<int:cohort_id>")
@signed_in
def show(cohort_id: int):
    return _show(_cohort_or_404(cohort_id))


def _show(cohort: Cohort, problem: str | None = None):
    manager = can_manage_cohorts(current_user)
    practitioner = is_practitioner(current_user)
    mine = queries.live_booking(cohort.id, current_user.id) if practitioner else None
    started = _started(cohort)
    return render_template(
        "training/cohorts/show.html",
        cohort=cohort,
        starts=_local(cohort),
        ends=london(cohort.ends_at),
        started=started,
        cancelled=cohort.cancelled_at is not None,
        places_left=cohorts.places_left(cohort),
        booked=queries.booked_people(cohort) if manager else None,
        waiting_list=queries.waiting_people(cohort) if manager else None,
        waiting_count=queries.waiting_counts([cohort.id]).get(cohort.id, 0),
        practitioner=practitioner,
        mine=mine,
        position=cohorts.waiting_position(mine) if mine is not None else None,
        can_book=practitioner and mine is None and not started and cohort.cancelled_at is None,
        can_manage=manager,
        problem=problem,
    )


@bp.route("/<int:cohort_id>/book", methods=["POST"])
@allow(Role.PRACTITIONER)
def book(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _show(cohort, "Your request could not be sent: try again")
    try:
        booking = cohorts.book_place(current_actor(), cohort, utc_now())
    except CohortError as error:
        return _show(cohort, error.message)
    if booking.status == cohorts.BOOKED:
        message = f"You have a place on {_name(cohort)}"
    else:
        position = cohorts.waiting_position(booking)
        message = f"You are number {position} on the waiting list for {_name(cohort)}"
    return _done(message, cohort)


@bp.route("/<int:cohort_id>/cancel-booking", methods=["GET", "POST"])
@allow(Role.PRACTITIONER)
def cancel_booking(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    booking = queries.live_booking(cohort.id, current_user.id)
    if booking is None:
        abort(404)
    return _cancel_booking(cohort, booking, own=True)


@bp.route("/<int:cohort_id>/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@allow(*MANAGERS)
def cancel_someones_booking(cohort_id: int, booking_id: int):
    cohort = _cohort_or_404(cohort_id)
    booking = queries.find_booking(cohort, booking_id)
    if booking is None:
        abort(404)
    return _cancel_booking(cohort, booking, own=False)


def _cancel_booking(cohort: Cohort, booking: CohortBooking, *, own: bool):
    form = ConfirmForm()
    problem = None
    if form.validate_on_submit():
        waiting_ids = [b.id for b in queries.waiting_people(cohort)]
        try:
            cohorts.cancel_booking(booking, current_actor(), utc_now())
        except CohortError as error:
            problem = error.message
        else:
            promoted = _promoted(waiting_ids)
            return _done(_cancelled_message(cohort, booking, promoted, own=own), cohort)
    return render_template(
        "training/cohorts/cancel_booking.html",
        cohort=cohort,
        booking=booking,
        own=own,
        name=_name(cohort),
        problem=problem,
    )


def _promoted(waiting_ids: list[int]) -> CohortBooking | None:
    """Whoever was waiting before the cancellation and holds a place now."""
    for booking_id in waiting_ids:
        booking = db.session.get(CohortBooking, booking_id)
        if booking is not None and booking.status == cohorts.BOOKED:
            return booking
    return None


def _cancelled_message(
    cohort: Cohort, booking: CohortBooking, promoted: CohortBooking | None, *, own: bool
) -> str:
    if own:
        message = f"Your booking on {_name(cohort)} is cancelled"
        if promoted is not None:
            message += ". Your place was passed to the next person on the waiting list"
        return message
    message = f"{booking.practitioner.name}'s booking is cancelled"
    if promoted is not None:
        message += (
            f". The place was passed to the next person on the waiting list,"
            f" {promoted.practitioner.name}"
        )
    return message


@bp.route("/<int:cohort_id>/cancel", methods=["GET", "POST"])
@allow(*MANAGERS)
def cancel(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    form = ConfirmForm()
    problem = None
    if cohort.cancelled_at is not None:
        problem = "This cohort has already been cancelled"
    elif _started(cohort):
        problem = "You cannot cancel a cohort that has already started"
    if problem is None and form.validate_on_submit():
        try:
            cohorts.cancel_cohort(current_actor(), cohort, utc_now())
        except CohortError as error:
            problem = error.message
        else:
            return _done(f"Cohort cancelled: {_name(cohort)}", cohort)
    return render_template(
        "training/cohorts/cancel.html",
        cohort=cohort,
        name=_name(cohort),
        booked_count=cohort.booked_count,
        waiting_count=queries.waiting_counts([cohort.id]).get(cohort.id, 0),
        problem=problem,
        possible=problem is None,
    )
