"""The form for entering feedback from a person on probation about a practitioner."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import Field, SubmitField, ValidationError

from learning_app.core.forms import GovDateField
from learning_app.observations.feedback import FEEDBACK_CHANNELS, FeedbackInput
from learning_app.observations.forms import (
    EARLIEST_DATE,
    PREFER_NOT,
    ChosenSelect,
    GovRadios,
    free_text_area,
    plain_choices,
    practitioner_choices,
)
from learning_app.observations.models import FEEDBACK_ITEMS

FEEDBACK_LABELS = dict(FEEDBACK_ITEMS)


def feedback_item(key: str) -> GovRadios:
    label = FEEDBACK_LABELS[key]
    return GovRadios(
        label,
        choices=plain_choices((("yes", "Yes"), ("no", "No"), (PREFER_NOT, "Prefer not to say"))),
        required_message=f"Select an answer for ‘{label}’",
    )


class FeedbackForm(FlaskForm):
    practitioner = ChosenSelect("Practitioner", message="Select a practitioner")
    received_on = GovDateField(
        "Date received",
        description="For example, 27 3 2025",
        required_message="Enter the date the feedback was received",
    )
    channel = GovRadios(
        "How was the feedback given?",
        choices=plain_choices(FEEDBACK_CHANNELS),
        required_message="Select how the feedback was given",
    )
    # One per FEEDBACK_ITEMS entry, in its order.
    listened_to = feedback_item("listened_to")
    views_considered = feedback_item("views_considered")
    understands_plan = feedback_item("understands_plan")
    treated_fairly = feedback_item("treated_fairly")
    private_conversation = feedback_item("private_conversation")
    felt_safe = feedback_item("felt_safe")
    comment = free_text_area(
        "Comment (optional)",
        "Comment",
        description="Copy what they wrote about the practice. Leave out anything that could "
        "identify them.",
    )
    submit = SubmitField("Save feedback", widget=GovSubmitInput())

    def __init__(self, *args, practitioners: list, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.practitioner.choices = practitioner_choices(practitioners)
        self.today = today

    @property
    def items(self) -> list[Field]:
        return [self[key] for key, _label in FEEDBACK_ITEMS]

    def validate_received_on(self, field: GovDateField) -> None:
        if field.errors or field.data is None:
            return
        if field.data > self.today:
            raise ValidationError("Date received must be today or in the past")
        if field.data < EARLIEST_DATE:
            raise ValidationError("Date received must be after 1 January 2000")

    def to_input(self) -> FeedbackInput:
        return FeedbackInput(
            received_on=self.received_on.data,
            channel=self.channel.data,
            answers={
                key: None if self[key].data == PREFER_NOT else self[key].data
                for key, _label in FEEDBACK_ITEMS
            },
            comment=self.comment.data or None,
        )
