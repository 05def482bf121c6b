"""Forms for moving and cancelling a reflective discussion.

The move form offers the free slots the scheduler would use (London times, labelled with
their day); a slot is posted as its UTC start, so the value means the same moment
whatever the clocks do.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SelectChoice, SubmitField

from learning_app.core.time import aware
from learning_app.core.wording import time_span
from learning_app.observations.forms import GovRadios, free_text_area
from learning_app.reflective.services import CANCEL_REASON_MAX

SLOT_FORMAT = "%Y-%m-%dT%H:%MZ"


def slot_value(starts_at: datetime) -> str:
    return aware(starts_at).astimezone(UTC).strftime(SLOT_FORMAT)


def parse_slot(value: str | None) -> datetime | None:
    try:
        return datetime.strptime(value or "", SLOT_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def slot_choices(slots: list[datetime], minutes: int) -> list[SelectChoice]:
    """Each free slot as a radio: its UTC start as the value, its London day and times."""
    return [
        SelectChoice(slot_value(s), time_span(s, s + timedelta(minutes=minutes))) for s in slots
    ]


class MoveForm(FlaskForm):
    starts_at = GovRadios(
        "Choose a new time",
        required_message="Select a new time for the discussion",
        invalid_choice_message="That time is no longer free. Select another time",
    )
    submit = SubmitField("Move discussion", widget=GovSubmitInput())

    def __init__(self, *args, slots: list[datetime], minutes: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.starts_at.choices = slot_choices(slots, minutes)

    @property
    def chosen(self) -> datetime | None:
        return parse_slot(self.starts_at.data)


class CancelForm(FlaskForm):
    reason = free_text_area(
        "Why are you cancelling it?",
        "Your reason",
        description="The other person will see this. Do not include anything that could "
        "identify a person on probation.",
        required_message="Enter why you are cancelling the discussion",
        max_length=CANCEL_REASON_MAX,
    )
    submit = SubmitField("Cancel discussion", widget=GovSubmitInput())
