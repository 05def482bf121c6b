"""Focus campaigns for L&D leads: list, set one for a unit they lead, end one early.

While a campaign runs, observation forms for practitioners in its unit ask for its
skill first, with the campaign's reason.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from learning_app.accounts.constants import Role
from learning_app.core.forms import ConfirmForm
from learning_app.core.policy import allow
from learning_app.core.requests import current_actor, show_refusal
from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.framework.queries import published_version
from learning_app.observations import campaigns, queries, services
from learning_app.observations.campaign_forms import CampaignForm
from learning_app.observations.models import FocusCampaign

bp = Blueprint("campaigns", __name__, url_prefix="/focus-campaigns")


def _campaign_or_404(campaign_id: int) -> FocusCampaign:
    campaign = queries.find_campaign(campaign_id)
    if campaign is None or not queries.campaign_in_scope(current_actor(), campaign):
        abort(404)
    return campaign


def _skill_names() -> dict[str, str]:
    version = published_version()
    return {s.slug: s.name for s in version.skills} if version else {}


@bp.route("/")
@allow(Role.LD_LEAD)
def index():
    today = london_today()
    campaigns = queries.campaigns_in_scope(current_actor())
    return render_template(
        "campaigns/index.html",
        current=[c for c in campaigns if c.ends_on >= today],
        past=[c for c in campaigns if c.ends_on < today],
        counts=queries.campaign_observation_counts(campaigns),
        skill_names=_skill_names(),
        today=today,
    )


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.LD_LEAD)
def create():
    version = published_version()
    if version is None:
        return render_template("campaigns/not_ready.html")
    actor = current_actor()
    today = london_today()
    units = queries.campaign_units(actor)
    skills = queries.skills_in_order(version)
    form = CampaignForm(skills=skills, units=units, today=today)
    if form.validate_on_submit():
        skill = next(s for s in skills if s.slug == form.skill.data)
        unit = next(u for u in units if queries.unit_key(u) == form.unit.data)
        try:
            campaign = campaigns.create_campaign(
                actor,
                unit,
                skill,
                form.reason.data,
                form.starts_on.data,
                form.ends_on.data,
                today,
            )
        except services.ObservationError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                f"The focus campaign on {skill.name} for {campaign.unit.name} has been set.",
                "success",
            )
            return redirect(url_for(".index"))
    return render_template("campaigns/form.html", form=form)


@bp.route("/<int:campaign_id>/end", methods=["GET", "POST"])
@allow(Role.LD_LEAD)
def end(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    today = london_today()
    if campaign.ends_on < today:
        return redirect(url_for(".index"))
    form = ConfirmForm()
    not_started = campaign.starts_on > today
    form.submit.label.text = "Cancel the campaign" if not_started else "End the campaign"
    problem = None
    if form.validate_on_submit():
        name = _skill_names().get(campaign.skill_slug, campaign.skill_slug)
        try:
            outcome = campaigns.end_campaign(current_actor(), campaign, today)
        except services.ObservationError as error:
            problem = error.message
        else:
            db.session.commit()
            flash(f"The focus campaign on {name} has been {outcome}.", "success")
            return redirect(url_for(".index"))
    return render_template(
        "campaigns/end.html",
        campaign=campaign,
        confirm=form,
        problem=problem,
        not_started=not_started,
        skill_name=_skill_names().get(campaign.skill_slug, campaign.skill_slug),
    )
