"""Learning plans: the practitioner's own plan, and the SPO's view of their teams' plans.

A practitioner sees and changes only their own items; an SPO only the plans of the
practitioners of their current teams. Anything else answers 404. Each change is one
call to ``training.plans``, which writes the audit event; the view commits and
redirects (Post/Redirect/Get).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User
from learning_app.core.forms import ConfirmForm
from learning_app.core.policy import allow, manages, spo_team_ids
from learning_app.core.requests import current_actor, show_refusal
from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.training import plan_queries as queries
from learning_app.training import plans
from learning_app.training.models import PlanItem, PlanSource
from learning_app.training.plan_forms import AssignForm, CompleteForm, DeclineForm, TargetForm

bp = Blueprint("plans", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only follow a ``next`` that stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def _done(message: str, url: str | None = None) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url or url_for(".index"))


def _own_live_item_or_404(item_id: int) -> PlanItem:
    item = queries.own_item(current_actor(), item_id)
    if item is None or not plans.is_live(item):
        abort(404)
    return item


def _team_member_or_404(user_id: int) -> User:
    """An active practitioner of one of the signed-in SPO's current teams; else 404."""
    me = current_actor()
    member = db.session.get(User, user_id) if queries.valid_id(user_id) else None
    if (
        member is None
        or member.id == me.id
        or not member.active
        or not member.has_role(Role.PRACTITIONER)
        or not manages(me, member)
    ):
        abort(404)
    return member


# The practitioner's plan ---------------------------------------------------------------


@bp.route("/my-development/plan/")
@allow(Role.PRACTITIONER)
def index():
    me = current_actor()
    today = london_today()
    items = queries.plan_items(me.id)
    return render_template(
        "training/plans/index.html",
        plan=queries.plan_for(me.id, today),
        advice=queries.advice_for(me.id, today, items),
        button=ConfirmForm(),
        today=today,
    )


@bp.route("/my-development/plan/add/<code>", methods=["POST"])
@allow(Role.PRACTITIONER)
def add(code: str):
    module = queries.live_module(code)
    if module is None:
        abort(404)
    me = current_actor()
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    reason = queries.advice_for(me.id, london_today()).recommended_because(module.code)
    source = PlanSource.RECOMMENDED if reason else PlanSource.CHOSEN
    next_url = _safe_next(request.args.get("next"))
    try:
        plans.add_to_plan(me, module, source, reason)
    except plans.PlanError as error:
        flash(error.message, "notice")
        return redirect(next_url or url_for(".index"))
    return _done(f"{module.code} {module.title} added to your plan", next_url)


@bp.route("/my-development/plan/decline/<code>", methods=["GET", "POST"])
@allow(Role.PRACTITIONER)
def decline_recommendation(code: str):
    me = current_actor()
    module = queries.live_module(code)
    advice = queries.advice_for(me.id, london_today()) if module else None
    reason = advice.reason_for(module.code) if advice else None
    if module is None or reason is None:
        abort(404)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            plans.decline_recommendation(me, module, form.reason.data, recommended_because=reason)
        except plans.PlanError as error:
            show_refusal(form, error)
        else:
            return _done(f"You declined {module.code} {module.title}")
    return render_template(
        "training/plans/decline.html", form=form, module=module, recommended_because=reason
    )


@bp.route("/my-development/plan/items/<int:item_id>/target", methods=["GET", "POST"])
@allow(Role.PRACTITIONER)
def target(item_id: int):
    item = _own_live_item_or_404(item_id)
    form = TargetForm()
    if request.method == "GET" and item.target_on:
        form.target_on.data = item.target_on
    if form.validate_on_submit():
        try:
            plans.set_target(item, current_actor(), form.target_on.data)
        except plans.PlanError as error:
            show_refusal(form, error)
        else:
            return _done(f"Target date saved for {item.module.code}")
    return render_template("training/plans/target.html", form=form, item=item)


@bp.route("/my-development/plan/items/<int:item_id>/booked", methods=["POST"])
@allow(Role.PRACTITIONER)
def booked(item_id: int):
    item = _own_live_item_or_404(item_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        plans.mark_booked(item, current_actor())
    except plans.PlanError as error:
        flash(error.message, "notice")
        return redirect(url_for(".index"))
    return _done(f"{item.module.code} marked as booked")


@bp.route("/my-development/plan/items/<int:item_id>/complete", methods=["GET", "POST"])
@allow(Role.PRACTITIONER)
def complete(item_id: int):
    item = _own_live_item_or_404(item_id)
    form = CompleteForm()
    if form.validate_on_submit():
        try:
            plans.complete(
                item,
                current_actor(),
                form.completed_on.data,
                form.usefulness_value,
                form.comment.data,
            )
        except plans.PlanError as error:
            show_refusal(form, error)
        else:
            return _done(f"{item.module.code} marked as completed")
    return render_template("training/plans/complete.html", form=form, item=item)


@bp.route("/my-development/plan/items/<int:item_id>/decline", methods=["GET", "POST"])
@allow(Role.PRACTITIONER)
def decline(item_id: int):
    item = _own_live_item_or_404(item_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            plans.decline(item, current_actor(), form.reason.data)
        except plans.PlanError as error:
            show_refusal(form, error)
        else:
            return _done(f"You declined {item.module.code} {item.module.title}")
    return render_template("training/plans/decline.html", form=form, module=item.module, item=item)


# The SPO's view ------------------------------------------------------------------------


@bp.route("/my-team/plans/")
@allow(Role.SPO)
def team():
    me = current_actor()
    today = london_today()
    return render_template(
        "training/plans/team.html",
        summary=queries.team_plans(spo_team_ids(me), today, exclude_id=me.id),
        today=today,
    )


@bp.route("/my-team/practitioners/<int:user_id>/plan")
@allow(Role.SPO)
def practitioner(user_id: int):
    member = _team_member_or_404(user_id)
    today = london_today()
    items = queries.plan_items(member.id)
    return render_template(
        "training/plans/practitioner.html",
        member=member,
        plan=queries.plan_for(member.id, today, own=False),
        advice=queries.advice_for(member.id, today, items),
        today=today,
    )


@bp.route("/my-team/practitioners/<int:user_id>/plan/assign", methods=["GET", "POST"])
@allow(Role.SPO)
def assign(user_id: int):
    member = _team_member_or_404(user_id)
    advice = queries.advice_for(member.id, london_today())
    form = AssignForm(modules=queries.assignable_modules(advice.codes))
    if form.validate_on_submit():
        module = queries.live_module(form.module.data)
        try:
            if module is None:
                raise plans.PlanError("Select a module", "module")
            plans.assign(current_actor(), member, module, form.due_on.data, form.note.data)
        except plans.PlanError as error:
            show_refusal(form, error)
        else:
            return _done(
                f"{module.code} {module.title} assigned to {member.name}",
                url_for(".practitioner", user_id=member.id),
            )
    return render_template("training/plans/assign.html", form=form, member=member)
