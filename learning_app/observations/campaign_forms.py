"""The form an L&D lead uses to start a focus campaign."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SelectChoice, SubmitField, ValidationError

from learning_app.core.forms import GovDateField
from learning_app.framework.models import Skill
from learning_app.observations.campaigns import CAMPAIGN_MAX_DAYS
from learning_app.observations.forms import ChosenSelect, free_text_area
from learning_app.observations.queries import unit_key
from learning_app.org.models import Pdu, Region, Team


class CampaignForm(FlaskForm):
    skill = ChosenSelect("Focus skill", message="Select a skill")
    unit = ChosenSelect(
        "Unit",
        message="Select a unit",
        description="Observation forms for practitioners in this unit ask for the skill first.",
    )
    starts_on = GovDateField(
        "Start date", description="For example, 1 4 2026", required_message="Enter the start date"
    )
    ends_on = GovDateField(
        "End date", description="For example, 30 6 2026", required_message="Enter the end date"
    )
    reason = free_text_area(
        "Why is this skill the focus?",
        "Reason",
        required_message="Enter why this skill is the focus",
        description="Observers see this on the observation form, for example the learning "
        "from a serious further offence review.",
    )
    submit = SubmitField("Start focus campaign", widget=GovSubmitInput())

    def __init__(self, *args, skills: list[Skill], units: list, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.skill.choices = [SelectChoice("", "Choose a skill")] + [
            SelectChoice(s.slug, s.name, optgroup=s.domain.name) for s in skills
        ]
        self.unit.choices = [SelectChoice("", "Choose a unit")] + [
            SelectChoice(unit_key(u), u.label, optgroup=_unit_group(u)) for u in units
        ]

    def validate_starts_on(self, field: GovDateField) -> None:
        if field.errors or field.data is None:
            return
        if field.data < self.today:
            raise ValidationError("Start date must be today or in the future")

    def validate_ends_on(self, field: GovDateField) -> None:
        if field.errors or field.data is None:
            return
        starts_on = self.starts_on.data
        if starts_on is not None and field.data < starts_on:
            raise ValidationError("End date must be the same as or after the start date")
        if field.data < self.today:
            raise ValidationError("End date must be today or in the future")
        if starts_on is not None and (field.data - starts_on).days > CAMPAIGN_MAX_DAYS:
            raise ValidationError("End date must be within a year of the start date")


def _unit_group(unit: Team | Pdu | Region) -> str:
    if isinstance(unit, Team):
        return unit.pdu.label
    if isinstance(unit, Pdu):
        return unit.label
    return "Regions"
