"""The practitioner's own pages: "My development" (profile, tasks, feedback), the
observations about them (acknowledge, reflect, disagree with a rating) and the
history of each skill.

Practitioners only, and only their own records: anything else answers 404. Each
change is one call into ``observations.services``; the view commits and redirects.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from learning_app.accounts.constants import Role
from learning_app.assessments.queries import open_cycle_tasks
from learning_app.core.models import utcnow
from learning_app.core.policy import allow
from learning_app.core.requests import current_actor
from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.framework.models import LEVEL_NAMES, Skill
from learning_app.framework.queries import find_skill, published_version
from learning_app.observations import queries as observation_queries
from learning_app.observations import services as observation_services
from learning_app.observations.models import Observation, ObservationStatus
from learning_app.observations.services import ObservationError
from learning_app.profiles import page_queries
from learning_app.profiles import queries as profile_queries
from learning_app.profiles.forms import AcknowledgeForm, DisagreeForm, ReflectionForm

bp = Blueprint("development", __name__, url_prefix="/my-development")


@bp.context_processor
def profile_constants() -> dict[str, Any]:
    return {"level_names": LEVEL_NAMES}


def _own_observation_or_404(observation_id: int) -> Observation:
    """An observation about the signed-in practitioner, shared with them; else 404."""
    observation = page_queries.own_observation(current_actor(), observation_id)
    if observation is None:
        abort(404)
    return observation


def _skill_or_404(slug: str) -> Skill:
    version = published_version()
    skill = find_skill(version, slug) if version is not None else None
    if skill is None:
        abort(404)
    return skill


def _skill_href(slug: str) -> str:
    return url_for("development.skill", slug=slug)


def _can_reply(row: observation_queries.RatingRow) -> bool:
    """A practitioner replies once to each rating that has a level."""
    return row.level is not None and row.reply is None


def _show_refusal(form: FlaskForm, error: ObservationError, default: str) -> None:
    """Show a service's refusal against its field (or ``default``)."""
    name = error.field if error.field in form else default
    form[name].errors = [*form[name].errors, error.message]


# My development -----------------------------------------------------------------------


@bp.route("/")
@allow(Role.PRACTITIONER)
def index():
    me = current_actor()
    today = london_today()
    to_acknowledge = [o for o in observation_queries.observations_about(me) if o.status == "shared"]
    return render_template(
        "development/index.html",
        profile=profile_queries.practitioner_profile(me, today),
        cycle_tasks=open_cycle_tasks(me, today),
        to_acknowledge=to_acknowledge,
        feedback=observation_queries.feedback_summary(me),
        skill_href=_skill_href,
    )


# Observations about me ----------------------------------------------------------------


@bp.route("/observations")
@allow(Role.PRACTITIONER)
def observations():
    return render_template(
        "development/observations.html",
        observations=observation_queries.observations_about(current_actor()),
        observation_href=lambda o: url_for("development.observation", observation_id=o.id),
    )


@bp.route("/observations/<int:observation_id>")
@allow(Role.PRACTITIONER)
def observation(observation_id: int):
    found = _own_observation_or_404(observation_id)
    view = observation_queries.observation_view(found, LEVEL_NAMES)
    return render_template(
        "development/observation.html",
        view=view,
        can_disagree=any(_can_reply(row) for row in view.ratings),
    )


@bp.route("/observations/<int:observation_id>/acknowledge", methods=["POST"])
@allow(Role.PRACTITIONER)
def acknowledge(observation_id: int):
    found = _own_observation_or_404(observation_id)
    if AcknowledgeForm().validate_on_submit() and found.status == ObservationStatus.SHARED:
        observation_services.acknowledge(found, current_actor(), utcnow())
        db.session.commit()
        flash("You have acknowledged this observation", "success")
    return redirect(url_for("development.observation", observation_id=found.id))


@bp.route("/observations/<int:observation_id>/reflection", methods=["GET", "POST"])
@allow(Role.PRACTITIONER)
def reflection(observation_id: int):
    found = _own_observation_or_404(observation_id)
    form = ReflectionForm()
    if request.method == "GET":
        form.reflection.data = found.practitioner_reflection
    if form.validate_on_submit():
        try:
            observation_services.add_reflection(found, current_actor(), form.reflection.data)
        except ObservationError as error:
            _show_refusal(form, error, "reflection")
        else:
            db.session.commit()
            flash("Your reflection has been saved", "success")
            return redirect(
                url_for("development.observation", observation_id=found.id, _anchor="reflection")
            )
    return render_template("development/reflection.html", observation=found, form=form)


@bp.route("/observations/<int:observation_id>/disagree", methods=["GET", "POST"])
@allow(Role.PRACTITIONER)
def disagree(observation_id: int):
    found = _own_observation_or_404(observation_id)
    view = observation_queries.observation_view(found, LEVEL_NAMES)
    rows = {row.skill.id: row for row in view.ratings if _can_reply(row)}
    if not rows:
        abort(404)
    form = DisagreeForm(
        skills=[
            (row.skill.id, f"{row.skill.name}: rated {row.level} ({LEVEL_NAMES[row.level]})")
            for row in rows.values()
        ]
    )
    if request.method == "GET" and request.args.get("skill") in form.skill_ids:
        form.skill.data = request.args["skill"]
    if form.validate_on_submit():
        skill = rows[form.chosen_skill_id].skill
        try:
            observation_services.reply_to_rating(
                found, current_actor(), skill, form.reason.data, utcnow()
            )
        except ObservationError as error:
            _show_refusal(form, error, "skill")
        else:
            db.session.commit()
            flash(f"Your reply to the rating of {skill.name} has been saved", "success")
            return redirect(
                url_for("development.observation", observation_id=found.id, _anchor="ratings")
            )
    return render_template("development/disagree.html", observation=found, form=form)


# One skill ----------------------------------------------------------------------------


@bp.route("/skills/<slug>")
@allow(Role.PRACTITIONER)
def skill(slug: str):
    me = current_actor()
    found = _skill_or_404(slug)
    profile = profile_queries.practitioner_profile(me, london_today())
    row = next((r for r in profile.rows if r.skill.slug == found.slug), None)
    return render_template(
        "development/skill.html",
        skill=found,
        profile=profile,
        row=row,
        history=profile_queries.skill_history(me, found.slug),
        observation_href=lambda observation_id: url_for(
            "development.observation", observation_id=observation_id
        ),
    )
