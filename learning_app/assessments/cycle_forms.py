"""The form an L&D lead fills in to open or change a learning-analysis cycle."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from learning_app.assessments.queries import LeadScope, unit_key
from learning_app.assessments.services import CYCLE_NAME_MAX
from learning_app.core.forms import GovDateField, collapse_spaces, select_choices
from learning_app.org.models import Pdu, Team


def unit_label(unit) -> str:
    if isinstance(unit, Team):
        return f"{unit.name} (team)"
    if isinstance(unit, Pdu):
        return f"{unit.name} (PDU)"
    return f"{unit.name} (region)"


class CycleForm(FlaskForm):
    name = StringField(
        "Name",
        description="For example, Learning analysis spring 2026",
        widget=GovTextInput(),
        filters=[collapse_spaces],
        validators=[
            DataRequired(message="Enter a name for the cycle"),
            Length(
                max=CYCLE_NAME_MAX, message=f"Name must be {CYCLE_NAME_MAX} characters or fewer"
            ),
        ],
    )
    unit = SelectField(
        "Unit",
        description="Every practitioner in this unit is asked to complete a self-assessment",
        widget=GovSelect(),
        validators=[DataRequired(message="Select a unit")],
        invalid_choice_message="Select a unit from the list",
    )
    opens_on = GovDateField(
        "Opens on",
        description="For example, 1 4 2026",
        required_message="Enter the date the cycle opens",
        error_name="The opening date",
    )
    closes_on = GovDateField(
        "Closes on",
        description="The last day practitioners can submit, for example 30 4 2026",
        required_message="Enter the date the cycle closes",
        error_name="The closing date",
    )
    submit = SubmitField("Save cycle", widget=GovSubmitInput())

    def __init__(self, *args, scope: LeadScope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unit.choices = select_choices(
            "Select a unit", [(unit_key(u), unit_label(u)) for u in scope.units]
        )

    def validate_closes_on(self, field: GovDateField) -> None:
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError("The closing date must be the same as or after the opening date")
