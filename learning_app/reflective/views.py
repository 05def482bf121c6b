"""One-to-one reflective discussions: the lists, one discussion, and accepting, moving or
cancelling it; practitioners can also ask for one.

A discussion is seen by its practitioner, the SPO holding it and an SPO of the
practitioner's team (``reflective.access``); anyone else, and any unknown id, gets 404.
Each change is one call to ``reflective.services``; the view commits and redirects.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from learning_app.accounts.constants import Role
from learning_app.core import audit
from learning_app.core.forms import ConfirmForm
from learning_app.core.policy import allow
from learning_app.core.requests import current_actor, show_refusal
from learning_app.core.time import aware, london_today, utc_now
from learning_app.core.wording import day_and_time
from learning_app.extensions import db
from learning_app.reflective import access, queries, rule_store, services
from learning_app.reflective.case_event_views import booking_message
from learning_app.reflective.discussion_forms import CancelForm, MoveForm, slot_choices
from learning_app.reflective.models import Discussion
from learning_app.reflective.people import spo_of
from learning_app.reflective.placer import RiskReason
from learning_app.reflective.queries import rosh_label

bp = Blueprint("discussions", __name__, url_prefix="/discussions")

DEFAULT_MINUTES = 60
REQUEST_RULE = "practitioner-request"


def _done(message: str, discussion: Discussion) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".show", discussion_id=discussion.id))


def _visible_or_404(discussion_id: int) -> Discussion:
    discussion = queries.find_discussion(discussion_id)
    if discussion is None or not access.can_view_discussion(current_actor(), discussion):
        abort(404)
    return discussion


def _changeable_or_404(discussion_id: int) -> Discussion:
    """Accept, move and cancel need a booked discussion the user may see."""
    discussion = _visible_or_404(discussion_id)
    if not access.can_change_booking(current_actor(), discussion):
        abort(404)
    return discussion


def _minutes(discussion: Discussion) -> int:
    if discussion.starts_at is None or discussion.ends_at is None:
        return DEFAULT_MINUTES
    return int((aware(discussion.ends_at) - aware(discussion.starts_at)).total_seconds() // 60)


# The lists -------------------------------------------------------------------------------


@bp.route("/")
@allow(Role.PRACTITIONER, Role.SPO)
def index():
    me = current_actor()
    now = utc_now()
    mine = queries.practitioner_discussions(me.id, now) if me.has_role(Role.PRACTITIONER) else None
    held = queries.spo_discussions(me, now) if me.has_role(Role.SPO) else None
    return render_template(
        "reflective/discussions/index.html", mine=mine, held=held, risk_reason=RiskReason
    )


@bp.route("/request", methods=["GET", "POST"])
@allow(Role.PRACTITIONER)
def request_one():
    me = current_actor()
    form = ConfirmForm()
    problem = None
    if form.validate_on_submit():
        try:
            discussion = services.request_discussion(me, today=london_today(), now=utc_now())
        except services.DiscussionError as error:
            db.session.rollback()
            problem = error.message
        else:
            return _done(booking_message(discussion), discussion)
    rule = rule_store.current_rules().follow_up(REQUEST_RULE)
    return render_template(
        "reflective/discussions/request.html",
        form=form,
        problem=problem,
        spo=spo_of(me),
        due_working_days=rule.due_working_days if rule else None,
    )


# One discussion --------------------------------------------------------------------------


@bp.route("/<int:discussion_id>")
@allow(Role.PRACTITIONER, Role.SPO)
def show(discussion_id: int):
    discussion = _visible_or_404(discussion_id)
    me = current_actor()
    is_practitioner = access.viewer_is_practitioner(me, discussion)
    # Every view of another person's record is written to the audit log; the two people
    # in the discussion are not "another person" to it.
    if not is_practitioner and me.id != discussion.spo_id:
        audit.record(me, "discussion.view", discussion)
        db.session.commit()
    event = discussion.case_event
    return render_template(
        "reflective/discussions/show.html",
        discussion=discussion,
        event=event,
        event_rosh=rosh_label(event.rosh_level) if event is not None else None,
        show_case_reference=event is not None and access.can_see_case_reference(me, event),
        focus_skills=queries.skill_names(discussion.focus_skills or []),
        risk=RiskReason(discussion.at_risk_reason) if discussion.at_risk_reason else None,
        replacement=queries.replacement_of(discussion)
        if discussion.status in queries.CLOSED_VALUES
        else None,
        viewer_is_practitioner=is_practitioner,
        viewer_is_spo=access.viewer_is_spo(me, discussion),
        can_change=access.can_change_booking(me, discussion),
        has_accepted=access.has_accepted(me, discussion),
        button=ConfirmForm(),
    )


@bp.route("/<int:discussion_id>/accept", methods=["POST"])
@allow(Role.PRACTITIONER, Role.SPO)
def accept(discussion_id: int):
    discussion = _changeable_or_404(discussion_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.accept_discussion(current_actor(), discussion, utc_now())
    except services.DiscussionError as error:
        db.session.rollback()
        flash(error.message, "notice")
        return redirect(url_for(".show", discussion_id=discussion_id))
    return _done(
        f"You have accepted the discussion on {day_and_time(discussion.starts_at)}", discussion
    )


@bp.route("/<int:discussion_id>/move", methods=["GET", "POST"])
@allow(Role.PRACTITIONER, Role.SPO)
def move(discussion_id: int):
    discussion = _changeable_or_404(discussion_id)
    now = utc_now()
    minutes = _minutes(discussion)
    form = MoveForm(slots=services.free_slots(discussion, now=now), minutes=minutes)
    if form.validate_on_submit():
        try:
            services.move_discussion(current_actor(), discussion, form.chosen, now)
        except services.DiscussionError as error:
            db.session.rollback()
            # The slot may have been taken meanwhile: offer the times free now.
            discussion = _changeable_or_404(discussion_id)
            form.starts_at.choices = slot_choices(
                services.free_slots(discussion, now=utc_now()), minutes
            )
            show_refusal(form, error)
        else:
            return _done(f"Discussion moved to {day_and_time(discussion.starts_at)}", discussion)
    return render_template("reflective/discussions/move.html", form=form, discussion=discussion)


@bp.route("/<int:discussion_id>/cancel", methods=["GET", "POST"])
@allow(Role.PRACTITIONER, Role.SPO)
def cancel(discussion_id: int):
    discussion = _changeable_or_404(discussion_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel_discussion(current_actor(), discussion, form.reason.data, utc_now())
        except services.DiscussionError as error:
            db.session.rollback()
            discussion = _visible_or_404(discussion_id)
            show_refusal(form, error)
        else:
            message = "Discussion cancelled"
            replacement = queries.replacement_of(discussion)
            if replacement is not None:
                message += ". " + booking_message(replacement).replace("Reflective d", "A new d", 1)
            return _done(message, discussion)
    return render_template("reflective/discussions/cancel.html", form=form, discussion=discussion)
