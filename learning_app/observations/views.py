"""Observations for SPOs and QDOs: the list of what I recorded, recording any type,
drafts, sharing, corrections, the detail page and feedback from people on probation.

Every route is for SPOs and QDOs; the object rules (my teams, my PDU, what I
recorded) answer 404. The practitioner's own side lives in the ``development``
blueprint and uses the services in ``services.py``.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from learning_app.accounts.constants import Role
from learning_app.core import audit
from learning_app.core.forms import ConfirmForm
from learning_app.core.pagination import paginate
from learning_app.core.policy import allow, can_amend_observation, can_view_observation
from learning_app.core.requests import current_actor, show_refusal
from learning_app.core.time import london_today, utc_now
from learning_app.extensions import db
from learning_app.framework.models import LEVEL_NAMES
from learning_app.framework.queries import published_version
from learning_app.observations import amendments, feedback, queries, services
from learning_app.observations.amendment_forms import AmendmentForm, build_amendment_form
from learning_app.observations.feedback_forms import FeedbackForm
from learning_app.observations.forms import (
    ObservationForm,
    StartForm,
    build_observation_form,
    observation_form_data,
)
from learning_app.observations.models import FocusCampaign, Observation
from learning_app.observations.questions import questions_for
from learning_app.observations.types import TYPE_SPECS, spec_for, spec_for_slug

bp = Blueprint("observations", __name__, url_prefix="/observations")

PER_PAGE = 25


def _observation_or_404(observation_id: int) -> Observation:
    observation = queries.find_observation(observation_id)
    if observation is None or not can_view_observation(current_actor(), observation):
        abort(404)
    return observation


def _own_draft_or_404(observation_id: int) -> Observation:
    observation = _observation_or_404(observation_id)
    if observation.observer_id != current_actor().id or not observation.is_draft:
        abort(404)
    return observation


# List --------------------------------------------------------------------------------------


@bp.route("/")
@allow(Role.SPO, Role.QDO)
def index():
    actor = current_actor()
    per_page = current_app.config.get("OBSERVATIONS_PER_PAGE", PER_PAGE)
    page = paginate(queries.recorded_by_statement(actor), per_page)
    return render_template("observations/index.html", page=page)


# Recording ---------------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.SPO, Role.QDO)
def start():
    if published_version() is None:
        return render_template("observations/not_ready.html")
    actor = current_actor()
    practitioners = queries.practitioners_in_scope(actor)
    form = StartForm(practitioners=practitioners)
    if form.validate_on_submit():
        return redirect(
            url_for(
                ".record",
                practitioner_id=int(form.practitioner.data),
                type_slug=form.type.data,
            )
        )
    return render_template(
        "observations/start.html",
        form=form,
        specs=list(TYPE_SPECS.values()),
        has_practitioners=bool(practitioners),
    )


@bp.route("/new/<int:practitioner_id>/<type_slug>", methods=["GET", "POST"])
@allow(Role.SPO, Role.QDO)
def record(practitioner_id: int, type_slug: str):
    actor = current_actor()
    practitioner = queries.find_practitioner_in_scope(actor, practitioner_id)
    spec = spec_for_slug(type_slug)
    if practitioner is None or spec is None:
        abort(404)
    version = published_version()
    if version is None:
        return render_template("observations/not_ready.html")
    today = london_today()
    form = build_observation_form(
        spec,
        queries.skills_in_order(version),
        questions_for(spec.type),
        today=today,
        campaign=queries.active_campaign_for(practitioner, today),
    )
    if form.validate_on_submit():
        try:
            observation = services.record_observation(
                actor,
                practitioner,
                spec.type,
                form.to_input(),
                version=version,
                campaign=form.campaign,
                today=today,
            )
        except services.ObservationError as error:
            show_refusal(form, error)
        else:
            return _after_save(observation, form)
    return render_template(
        "observations/form.html",
        form=form,
        practitioner=practitioner,
        spec=spec,
        observation=None,
        level_names=LEVEL_NAMES,
    )


@bp.route("/<int:observation_id>/edit", methods=["GET", "POST"])
@allow(Role.SPO, Role.QDO)
def edit(observation_id: int):
    observation = _own_draft_or_404(observation_id)
    spec = spec_for(observation.type)
    today = london_today()
    campaign = (
        db.session.get(FocusCampaign, observation.focus_campaign_id)
        if observation.focus_campaign_id
        else None
    )
    form = build_observation_form(
        spec,
        queries.skills_in_order(observation.framework_version),
        questions_for(spec.type),
        today=today,
        campaign=campaign,
        data=None if request.method == "POST" else observation_form_data(observation),
    )
    if form.validate_on_submit():
        try:
            services.update_draft(current_actor(), observation, form.to_input(), today)
        except services.ObservationError as error:
            show_refusal(form, error)
        else:
            return _after_save(observation, form)
    return render_template(
        "observations/form.html",
        form=form,
        practitioner=observation.practitioner,
        spec=spec,
        observation=observation,
        level_names=LEVEL_NAMES,
    )


def _after_save(observation: Observation, form: ObservationForm) -> Response:
    db.session.commit()
    if form.sharing:
        return redirect(url_for(".share", observation_id=observation.id))
    flash("Your draft has been saved. Only you can see it until you share it.", "success")
    return redirect(url_for(".show", observation_id=observation.id))


# Sharing -----------------------------------------------------------------------------------


@bp.route("/<int:observation_id>/share", methods=["GET", "POST"])
@allow(Role.SPO, Role.QDO)
def share(observation_id: int):
    observation = _own_draft_or_404(observation_id)
    form = ConfirmForm()
    form.submit.label.text = "Share with the practitioner"
    problem = None
    if form.validate_on_submit():
        try:
            services.share_observation(current_actor(), observation, utc_now())
        except services.ObservationError as error:
            problem = error.message
        else:
            db.session.commit()
            return redirect(url_for(".shared", observation_id=observation.id))
    return render_template(
        "observations/share.html",
        observation=observation,
        view=queries.observation_view(observation, LEVEL_NAMES),
        confirm=form,
        problem=problem,
        level_names=LEVEL_NAMES,
    )


@bp.route("/<int:observation_id>/shared")
@allow(Role.SPO, Role.QDO)
def shared(observation_id: int):
    observation = _observation_or_404(observation_id)
    if observation.observer_id != current_actor().id or observation.is_draft:
        abort(404)
    return render_template("observations/shared.html", observation=observation)


# The detail page ---------------------------------------------------------------------------


@bp.route("/<int:observation_id>")
@allow(Role.SPO, Role.QDO)
def show(observation_id: int):
    observation = _observation_or_404(observation_id)
    actor = current_actor()
    # Every view of another person's record is written to the audit log.
    if actor.id not in (observation.observer_id, observation.practitioner_id):
        audit.record(actor, "observation.view", observation)
        db.session.commit()
    return render_template(
        "observations/show.html",
        observation=observation,
        view=queries.observation_view(observation, LEVEL_NAMES),
        level_names=LEVEL_NAMES,
        is_observer=actor.id == observation.observer_id,
        can_amend=can_amend_observation(actor, observation) and not observation.is_draft,
    )


# Corrections ---------------------------------------------------------------------------------


@bp.route("/<int:observation_id>/correct", methods=["GET", "POST"])
@allow(Role.SPO, Role.QDO)
def amend(observation_id: int):
    observation = _observation_or_404(observation_id)
    actor = current_actor()
    if not can_amend_observation(actor, observation) or observation.is_draft:
        abort(404)
    form: AmendmentForm = build_amendment_form(
        observation,
        queries.skills_in_order(observation.framework_version),
        questions_for(observation.type),
    )
    if form.validate_on_submit():
        try:
            amendments.amend_observation(actor, observation, form.to_input(), utc_now())
        except services.ObservationError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash("Your correction has been saved and the practitioner can see it.", "success")
            return redirect(url_for(".show", observation_id=observation.id))
    return render_template(
        "observations/amend.html",
        form=form,
        observation=observation,
        view=queries.observation_view(observation, LEVEL_NAMES),
        level_names=LEVEL_NAMES,
    )


# Feedback from people on probation -----------------------------------------------------------


@bp.route("/feedback/new", methods=["GET", "POST"])
@allow(Role.SPO, Role.QDO)
def new_feedback():
    actor = current_actor()
    today = london_today()
    practitioners = queries.practitioners_in_scope(actor)
    form = FeedbackForm(practitioners=practitioners, today=today)
    if form.validate_on_submit():
        practitioner = queries.find_practitioner_in_scope(actor, int(form.practitioner.data))
        if practitioner is None:
            abort(404)
        try:
            feedback.record_feedback(actor, practitioner, form.to_input(), today)
        except services.ObservationError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                f"Feedback about {practitioner.name} has been saved. It is shown to them and "
                f"their SPO once there are {queries.FEEDBACK_THRESHOLD} responses.",
                "success",
            )
            return redirect(url_for(".index"))
    return render_template(
        "observations/feedback.html", form=form, has_practitioners=bool(practitioners)
    )
