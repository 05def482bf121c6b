"""Use cases for focus campaigns: an L&D lead asks observers in a unit to look at one
skill first, for a while.

Like ``services.py``: the actor is explicit; flush, audit, never commit.
"""

from __future__ import annotations

from datetime import date, timedelta

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User
from learning_app.core import audit
from learning_app.extensions import db
from learning_app.framework.models import Skill
from learning_app.observations.models import FocusCampaign
from learning_app.observations.queries import (
    campaign_in_scope,
    campaign_observed_count,
    overlapping_campaign,
)
from learning_app.observations.services import TEXT_MAX, ObservationError
from learning_app.org.models import Pdu, Region, Team

# A campaign is a focus for weeks or months, not years.
CAMPAIGN_MAX_DAYS = 366


def create_campaign(
    actor: User,
    unit: Team | Pdu | Region,
    skill: Skill,
    reason: str,
    starts_on: date,
    ends_on: date,
    today: date,
) -> FocusCampaign:
    """Ask observers in ``unit`` to look at ``skill`` first, between the two dates."""
    if not actor.has_role(Role.LD_LEAD):
        raise ObservationError("Only learning and development leads set focus campaigns")
    reason = (reason or "").strip()
    if not reason:
        raise ObservationError("Enter why this skill is the focus", field="reason")
    if len(reason) > TEXT_MAX:
        raise ObservationError(f"Reason must be {TEXT_MAX:,} characters or fewer", field="reason")
    if starts_on < today:
        raise ObservationError("Start date must be today or in the future", field="starts_on")
    if ends_on < starts_on:
        raise ObservationError(
            "End date must be the same as or after the start date", field="ends_on"
        )
    if (ends_on - starts_on).days > CAMPAIGN_MAX_DAYS:
        raise ObservationError("End date must be within a year of the start date", field="ends_on")
    campaign = FocusCampaign(
        skill_slug=skill.slug,
        reason=reason,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by_id=actor.id,
    )
    campaign.set_unit(unit)
    if not campaign_in_scope(actor, campaign):
        raise ObservationError("Select a unit you lead", field="unit")
    clash = overlapping_campaign(unit, starts_on, ends_on)
    if clash is not None:
        raise ObservationError(
            f"{unit.name} already has a focus campaign from {_day(clash.starts_on)} to "
            f"{_day(clash.ends_on)}. End it first or choose other dates",
            field="starts_on",
        )
    db.session.add(campaign)
    db.session.flush()
    audit.record(
        actor,
        "focus_campaign.create",
        campaign,
        detail={
            "skill": skill.slug,
            "unit": campaign.unit.label,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    return campaign


def end_campaign(actor: User, campaign: FocusCampaign, today: date) -> str:
    """End a campaign now: observation forms stop asking for its skill from today.

    One that has not started (and so was never asked) is removed; one that started
    before today ends yesterday. Returns "ended" or "cancelled".
    """
    if not campaign_in_scope(actor, campaign):
        raise ObservationError("You cannot change this campaign")
    if campaign.ends_on < today:
        raise ObservationError("This campaign has already ended")
    if campaign.starts_on >= today and campaign_observed_count(campaign) == 0:
        audit.record(
            actor,
            "focus_campaign.cancel",
            campaign,
            detail={"skill": campaign.skill_slug, "unit": campaign.unit.label},
        )
        db.session.delete(campaign)
        db.session.flush()
        return "cancelled"
    # Started today and already used: it cannot end before it started.
    campaign.ends_on = max(campaign.starts_on, today - timedelta(days=1))
    db.session.flush()
    audit.record(
        actor,
        "focus_campaign.end",
        campaign,
        detail={"ends_on": campaign.ends_on.isoformat()},
    )
    return "ended"


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"
