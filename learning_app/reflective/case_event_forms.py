"""The form for logging a case event: work that used to need a countersignature.

The event types are the case event rules in force; an SPO also chooses which of their
team's practitioners it is about. Nothing about the person on probation is asked for but
an optional case reference, which a limited access case must not have.
"""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, SelectChoice, StringField, SubmitField
from wtforms.validators import ValidationError

from learning_app.accounts.models import User
from learning_app.core.forms import GovDateField
from learning_app.observations.forms import CaseReference, ChosenSelect, GovRadios
from learning_app.observations.services import normalise_case_reference
from learning_app.reflective.rules import Rosh, Rules
from learning_app.reflective.services import CASE_EVENT_MAX_AGE, CaseEventInput

CASE_REFERENCE_HINT = (
    "One letter and six digits, like X123456. Leave it blank for a limited access case"
)


class CaseEventForm(FlaskForm):
    practitioner = ChosenSelect(
        "Practitioner", message="Select the practitioner the case event is about"
    )
    event_type = GovRadios(
        "What happened?",
        required_message="Select what happened",
        invalid_choice_message="Select what happened from the list",
    )
    rosh_level = GovRadios(
        "Risk of serious harm level",
        choices=[SelectChoice(level.name.lower(), level.label) for level in Rosh],
        required_message="Select the risk of serious harm level",
        invalid_choice_message="Select low, medium, high or very high",
    )
    occurred_on = GovDateField(
        "Date it happened",
        description="For example, 7 12 2026",
        required_message="Enter the date it happened",
    )
    case_reference = StringField(
        "Case reference (optional)",
        widget=GovTextInput(),
        filters=[normalise_case_reference],
        validators=[CaseReference()],
        description=CASE_REFERENCE_HINT,
    )
    limited_access = BooleanField("This is a limited access case", widget=GovCheckboxInput())
    submit = SubmitField("Log case event", widget=GovSubmitInput())

    def __init__(
        self,
        *args,
        rules: Rules,
        today: date,
        practitioners: list[User] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.event_type.choices = [SelectChoice(r.code, r.label) for r in rules.case_events]
        if practitioners is None:
            del self.practitioner
        else:
            self.practitioner.choices = [SelectChoice("", "Select a practitioner")] + [
                SelectChoice(str(p.id), p.name) for p in practitioners
            ]

    @property
    def chooses_practitioner(self) -> bool:
        return "practitioner" in self

    def validate_occurred_on(self, field: GovDateField) -> None:
        if field.data is None:
            return
        if field.data > self.today:
            raise ValidationError("Date it happened must be today or in the past")
        if field.data < self.today - CASE_EVENT_MAX_AGE:
            raise ValidationError(
                f"Date it happened must be within the last {CASE_EVENT_MAX_AGE.days} days"
            )

    def practitioner_id(self) -> int | None:
        return int(self.practitioner.data) if self.chooses_practitioner else None

    def to_input(self) -> CaseEventInput:
        return CaseEventInput(
            event_type=self.event_type.data,
            rosh_level=self.rosh_level.data,
            occurred_on=self.occurred_on.data,
            case_reference=self.case_reference.data,
            limited_access=bool(self.limited_access.data),
        )
