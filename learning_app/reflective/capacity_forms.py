"""Forms for an SPO's weekly capacity and their leave, with GOV.UK widgets and wording.

Times are typed as text ("09:30", also "9.30" or "2:30pm"), the way GOV.UK asks for a
time of day; whatever was typed is shown again when something is wrong.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextInput
from wtforms import Field, Form, SelectChoice, SelectMultipleField, StringField, SubmitField
from wtforms.validators import StopValidation, ValidationError

from learning_app.core.forms import GovDateField, GovTimeField, strip_spaces
from learning_app.core.wording import WEEKDAY_NAMES, clock_time
from learning_app.reflective.services import CapacityInput

SESSIONS_MAX = 40
SLOT_MIN, SLOT_MAX = 15, 240
LEAVE_MAX_DAYS = 366
WORKING_WEEKDAYS = tuple(enumerate(WEEKDAY_NAMES[:5]))


class WholeNumberIn:
    """A required whole number from ``low`` to ``high``; ``field.number`` holds it."""

    def __init__(self, low: int, high: int, *, missing: str, wrong: str) -> None:
        self.low, self.high = low, high
        self.missing, self.wrong = missing, wrong

    def __call__(self, form: Form, field: Field) -> None:
        field.number = None
        if not field.data:
            raise StopValidation(self.missing)
        if not (field.data.isdigit() and self.low <= int(field.data) <= self.high):
            raise StopValidation(self.wrong)
        field.number = int(field.data)


class CapacityForm(FlaskForm):
    sessions_per_week = StringField(
        "How many discussions can you hold each week?",
        widget=GovTextInput(),
        filters=[strip_spaces],
        description=f"A whole number from 0 to {SESSIONS_MAX}. Use 0 if you cannot hold any.",
        validators=[
            WholeNumberIn(
                0,
                SESSIONS_MAX,
                missing="Enter how many discussions you can hold each week",
                wrong=f"Discussions each week must be a whole number from 0 to {SESSIONS_MAX}",
            )
        ],
    )
    weekdays = SelectMultipleField(
        "Which days can you hold them?",
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(str(n), name) for n, name in WORKING_WEEKDAYS],
        description="Select all that apply.",
        validate_choice=False,
    )
    day_starts = GovTimeField(
        "Start time",
        description="The earliest a discussion can start, in the 24-hour clock. For example, 09:30",
        required_message="Enter a start time, like 09:30",
        invalid_message="Start time must be a real time, like 09:30 or 14:00",
        twelve_hour=True,
    )
    day_ends = GovTimeField(
        "End time",
        description="The latest a discussion can finish. For example, 16:00",
        required_message="Enter an end time, like 16:00",
        invalid_message="End time must be a real time, like 09:30 or 14:00",
        twelve_hour=True,
    )
    slot_minutes = StringField(
        "How long is each discussion, in minutes?",
        widget=GovTextInput(),
        filters=[strip_spaces],
        description=f"From {SLOT_MIN} to {SLOT_MAX} minutes. For example, 60",
        validators=[
            WholeNumberIn(
                SLOT_MIN,
                SLOT_MAX,
                missing="Enter how long each discussion is, in minutes",
                wrong="Length of a discussion must be a whole number of minutes "
                f"from {SLOT_MIN} to {SLOT_MAX}",
            )
        ],
    )
    submit = SubmitField("Save capacity", widget=GovSubmitInput())

    def validate_weekdays(self, field: SelectMultipleField) -> None:
        allowed = {str(n) for n, _ in WORKING_WEEKDAYS}
        if not field.data:
            raise ValidationError("Select the days you can hold discussions")
        if not set(field.data) <= allowed:
            raise ValidationError("Select days from Monday to Friday")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        starts, ends = self.day_starts.parsed, self.day_ends.parsed
        minutes = getattr(self.slot_minutes, "number", None)
        if starts and ends and ends <= starts:
            self.day_ends.errors.append("End time must be after the start time")
            return False
        if starts and ends and minutes:
            length = datetime.combine(date.min, ends) - datetime.combine(date.min, starts)
            if length < timedelta(minutes=minutes):
                self.slot_minutes.errors.append(
                    f"A {minutes} minute discussion does not fit between "
                    f"{clock_time(starts)} and {clock_time(ends)}"
                )
                return False
        return valid

    def to_input(self) -> CapacityInput:
        return CapacityInput(
            sessions_per_week=self.sessions_per_week.number,
            weekdays=frozenset(int(d) for d in self.weekdays.data),
            day_starts=self.day_starts.parsed,
            day_ends=self.day_ends.parsed,
            slot_minutes=self.slot_minutes.number,
        )


class LeaveForm(FlaskForm):
    first_day = GovDateField(
        "First day of leave",
        description="For example, 7 12 2026",
        required_message="Enter the first day of your leave",
        error_name="First day of leave",
    )
    last_day = GovDateField(
        "Last day of leave",
        description="The last day you are away. For one day, enter the same date.",
        required_message="Enter the last day of your leave",
        error_name="Last day of leave",
    )
    submit = SubmitField("Add leave", widget=GovSubmitInput())

    def __init__(self, *args, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_last_day(self, field: GovDateField) -> None:
        first = self.first_day.data
        if field.data is None:
            return
        if field.data < self.today:
            raise ValidationError("Last day of leave must be today or in the future")
        if first is not None and field.data < first:
            raise ValidationError("Last day of leave must be the same as or after the first day")
        if first is not None and (field.data - first).days >= LEAVE_MAX_DAYS:
            raise ValidationError("Leave must be a year or shorter: add longer leave in parts")
