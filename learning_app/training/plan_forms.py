"""Forms for learning plans, with GOV.UK widgets and wording.

The forms check what was typed; the rules about dates (not in the future, today or
later) live in ``training.plans`` and come back as refusals on the right field.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SelectChoice, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from learning_app.core.forms import GovDateField, NoMarkup, tidy_text
from learning_app.core.personal_data import NoPersonalData
from learning_app.observations.forms import ChosenSelect, GovRadios
from learning_app.training.models import TrainingModule
from learning_app.training.plans import TEXT_MAX

USEFULNESS_LABELS = {
    1: "1 Not useful",
    2: "2 A little useful",
    3: "3 Quite useful",
    4: "4 Very useful",
    5: "5 Extremely useful",
}


def _free_text(name: str) -> list:
    return [
        Length(max=TEXT_MAX, message=f"{name} must be {TEXT_MAX} characters or fewer"),
        NoMarkup(name),
        NoPersonalData(name),
    ]


class TargetForm(FlaskForm):
    target_on = GovDateField(
        "Target date",
        description="The date you mean to finish this module by. For example, 14 4 2026",
        required_message="Enter a target date",
    )
    submit = SubmitField("Save target date", widget=GovSubmitInput())


class CompleteForm(FlaskForm):
    completed_on = GovDateField(
        "Date you completed it",
        description="For example, 14 4 2026",
        required_message="Enter the date you completed it",
        error_name="Date completed",
    )
    usefulness = GovRadios(
        "How useful was it?",
        choices=[SelectChoice(str(n), label) for n, label in USEFULNESS_LABELS.items()],
        required_message="Select how useful it was",
        invalid_choice_message="Select how useful it was, from 1 to 5",
    )
    comment = TextAreaField(
        "Comment (optional)",
        widget=GovTextArea(),
        filters=[tidy_text],
        description="What you will use in your practice. Do not include anything that could "
        "identify a person on probation.",
        validators=_free_text("Your comment"),
    )
    submit = SubmitField("Mark as completed", widget=GovSubmitInput())

    @property
    def usefulness_value(self) -> int | None:
        return int(self.usefulness.data) if self.usefulness.data else None


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        "Why are you declining it?",
        widget=GovTextArea(),
        filters=[tidy_text],
        description="For example, you did a similar course elsewhere. Your SPO can see this.",
        validators=[
            InputRequired(message="Enter why you are declining it"),
            *_free_text("Your reason"),
        ],
    )
    submit = SubmitField("Decline", widget=GovSubmitInput())


class AssignForm(FlaskForm):
    module = ChosenSelect("Module", message="Select a module")
    due_on = GovDateField(
        "Due date",
        description="For example, 14 4 2026",
        required_message="Enter a due date",
    )
    note = TextAreaField(
        "Note for the practitioner (optional)",
        widget=GovTextArea(),
        filters=[tidy_text],
        description="Why you are assigning it. Do not include anything that could identify a "
        "person on probation.",
        validators=_free_text("Your note"),
    )
    submit = SubmitField("Assign module", widget=GovSubmitInput())

    def __init__(self, *args, modules: list[tuple[TrainingModule, bool]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.module.choices = [SelectChoice("", "Select a module")] + [
            SelectChoice(
                m.code,
                f"{m.code} {m.title} ({m.mode.label.lower()})"
                + (", recommended" if recommended else ""),
            )
            for m, recommended in modules
        ]
