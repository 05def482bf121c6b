"""Forms for the discussion rules pages, with GOV.UK widgets and wording.

The forms check what was typed (whole numbers in range, choices from the lists shown,
no duplicate names); whether the whole new set of rules holds together is checked when
it is saved, by ``rules.parse_rules``, and its problems come back on the form.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextInput
from wtforms import Field, SelectChoice, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, StopValidation, ValidationError

from learning_app.admin.rules_changes import CaseEventInput, is_every_band
from learning_app.core.forms import NoMarkup, collapse_spaces, strip_spaces
from learning_app.framework.models import Skill
from learning_app.observations.forms import GovRadios
from learning_app.reflective.rules import MAX_WEEKS, MAX_WORKING_DAYS, Rosh

LABEL_MAX = 200
MONTHS_MAX = 120
ANY_LEVEL = "any"


class WholeNumber:
    """A whole number from ``low`` to ``high``; ``missing`` when nothing is typed."""

    def __init__(self, name: str, missing: str, low: int, high: int) -> None:
        self.name, self.missing, self.low, self.high = name, missing, low, high

    def __call__(self, form: FlaskForm, field: Field) -> None:
        value = field.data or ""
        if not value:
            raise StopValidation(self.missing)
        if not (value.isdigit() and self.low <= int(value) <= self.high):
            raise StopValidation(
                f"{self.name} must be a whole number from {self.low} to {self.high}"
            )


def number_field(label: str, name: str, missing: str, low: int, high: int, **kwargs) -> Field:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[strip_spaces],
        validators=[WholeNumber(name, missing, low, high)],
        **kwargs,
    )


def number(field: Field) -> int:
    return int(field.data)


def label_field(label: str, missing: str, **kwargs) -> Field:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[collapse_spaces],
        validators=[DataRequired(message=missing), NoMarkup("The name")],
        **kwargs,
    )


class _ShortEnough:
    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data and len(field.data) > LABEL_MAX:
            raise ValidationError(f"The name must be {LABEL_MAX} characters or fewer")


# Cadence ---------------------------------------------------------------------------------


class CadenceForm(FlaskForm):
    every_weeks = number_field(
        "How often, in weeks",
        "How often",
        "Enter how often they meet, in weeks",
        1,
        MAX_WEEKS,
        description=f"A whole number from 1 to {MAX_WEEKS}. For example, 4 for every 4 weeks",
    )
    months_to = StringField(
        "When does this rule end?",
        widget=GovTextInput(),
        filters=[strip_spaces],
    )
    submit = SubmitField("Save cadence", widget=GovSubmitInput())

    def __init__(
        self, *args, months_range: tuple[int, int] | None, event: str = "", **kwargs
    ) -> None:
        """``months_range`` is the range the end may move in; None: the rule has no end."""
        super().__init__(*args, **kwargs)
        if months_range is None:
            del self.months_to
            return
        low, high = months_range
        self.months_to.description = (
            f"In whole months after {event}, from {low} to {high}. The next rule for this "
            "band starts from then"
        )
        self.months_to.validators = [
            WholeNumber("When the rule ends", "Enter when the rule ends, in months", low, high)
        ]

    @property
    def months_to_value(self) -> int | None:
        return number(self.months_to) if "months_to" in self else None


# Case events -----------------------------------------------------------------------------


class CaseEventForm(FlaskForm):
    label = label_field(
        "Name of the case event type",
        "Enter the name of the case event type",
        description="What the practitioner or their SPO chooses when they log the event. "
        "For example, MAPPA level 2 or 3 case",
    )
    due_working_days = number_field(
        "Deadline, in working days",
        "The deadline",
        "Enter the deadline in working days",
        1,
        MAX_WORKING_DAYS,
        description="How many working days after the event is logged the discussion must "
        f"take place by. A whole number from 1 to {MAX_WORKING_DAYS}",
    )
    bands = SelectMultipleField(
        "Which experience bands does it apply to?",
        widget=GovCheckboxesInput(),
        description="Select all that apply",
        validators=[InputRequired(message="Select which experience bands it applies to")],
        invalid_choice_message="Select experience bands from the list",
    )
    min_rosh = GovRadios(
        "Lowest risk of serious harm level it applies to",
        description="Events at this level or higher make a discussion due",
        required_message="Select the lowest risk of serious harm level it applies to",
        invalid_choice_message="Select a risk of serious harm level from the list",
    )
    focus_skills = SelectMultipleField(
        "Focus skills (optional)",
        widget=GovCheckboxesInput(),
        description="The skills the discussion should focus on. Select all that apply",
        invalid_choice_message="Select focus skills from the published framework",
    )
    submit = SubmitField("Save case event type", widget=GovSubmitInput())

    def __init__(
        self,
        *args,
        bands: Iterable[tuple[str, str]],
        skills: Iterable[Skill],
        other_labels: Iterable[str],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.label.validators = [*self.label.validators, _ShortEnough()]
        self.bands.choices = [SelectChoice(value, label) for value, label in bands]
        self.min_rosh.choices = [SelectChoice(ANY_LEVEL, "Any level")] + [
            SelectChoice(level.name.lower(), level.label) for level in Rosh
        ]
        self.focus_skills.choices = [SelectChoice(s.slug, s.name) for s in skills]
        self.other_labels = {label.casefold() for label in other_labels}

    def validate_label(self, field: Field) -> None:
        if field.data and field.data.casefold() in self.other_labels:
            raise ValidationError(f"There is already a case event type called ‘{field.data}’")

    def fill(self, row: dict) -> None:
        """Show a stored rule: every band ticked when it applies to everyone."""
        self.label.data = row.get("label")
        self.due_working_days.data = str(row.get("due_working_days", ""))
        bands = row.get("bands")
        self.bands.data = [c.value for c in self.bands.choices] if bands is None else bands
        self.min_rosh.data = row.get("min_rosh") or ANY_LEVEL
        known = {c.value for c in self.focus_skills.choices}
        self.focus_skills.data = [s for s in row.get("focus_skills", []) if s in known]

    def value(self) -> CaseEventInput:
        bands = tuple(self.bands.data)
        return CaseEventInput(
            label=self.label.data,
            due_working_days=number(self.due_working_days),
            bands=None if is_every_band(bands) else bands,
            min_rosh=None if self.min_rosh.data == ANY_LEVEL else self.min_rosh.data,
            focus_skills=tuple(dict.fromkeys(self.focus_skills.data or [])),
        )


# Follow-ups ------------------------------------------------------------------------------


class FollowUpForm(FlaskForm):
    label = label_field("Name of the follow-up", "Enter the name of the follow-up")
    due_working_days = number_field(
        "Deadline, in working days",
        "The deadline",
        "Enter the deadline in working days",
        1,
        MAX_WORKING_DAYS,
        description=f"A whole number from 1 to {MAX_WORKING_DAYS}",
    )
    submit = SubmitField("Save follow-up", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.label.validators = [*self.label.validators, _ShortEnough()]
