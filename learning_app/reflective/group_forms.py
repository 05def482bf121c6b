"""Forms for group reflective sessions, with GOV.UK widgets and wording.

The forms check what was typed; the rules (a working day in the future, the facilitator's
scope, never more invitations than places) live in ``reflective.groups`` and come back as
refusals on the right field.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import Field, SelectChoice, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation, ValidationError

from learning_app.core.forms import (
    EndsAfter,
    GovDateField,
    GovTimeField,
    NoMarkup,
    collapse_spaces,
    strip_spaces,
)
from learning_app.core.personal_data import NoPersonalData
from learning_app.core.time import utc_moment
from learning_app.framework.models import Skill
from learning_app.org.models import Pdu
from learning_app.reflective.groups import CAPACITY_MAX, CAPACITY_MIN, PLACE_MAX, TITLE_MAX
from learning_app.reflective.working_days import bank_holidays, is_working_day


class _Places:
    def __call__(self, form: FlaskForm, field: Field) -> None:
        value = field.data or ""
        if not value:
            raise StopValidation("Enter the number of places")
        if not (value.isdigit() and CAPACITY_MIN <= int(value) <= CAPACITY_MAX):
            raise StopValidation(
                f"Number of places must be a whole number from {CAPACITY_MIN} to {CAPACITY_MAX}"
            )


class ScheduleForm(FlaskForm):
    pdu = SelectField(
        "Which PDU is the session for?",
        widget=GovSelect(),
        validators=[DataRequired(message="Select the PDU the session is for")],
        invalid_choice_message="Select the PDU the session is for",
    )
    title = StringField(
        "Title",
        widget=GovTextInput(),
        description="For example, Risk analysis after a change in circumstances",
        filters=[collapse_spaces],
        validators=[
            DataRequired(message="Enter a title"),
            Length(max=TITLE_MAX, message=f"Title must be {TITLE_MAX} characters or fewer"),
            NoMarkup("Title"),
            NoPersonalData("Title"),
        ],
    )
    theme_skills = SelectMultipleField(
        "Theme",
        widget=GovCheckboxesInput(),
        description="The skills the session is about. Practitioners with a gap on any of "
        "them can be invited. Select all that apply",
        validators=[InputRequired(message="Select at least one skill for the theme")],
        invalid_choice_message="Select theme skills from the published framework",
    )
    capacity = StringField(
        "Number of places",
        widget=GovTextInput(),
        description=f"From {CAPACITY_MIN} to {CAPACITY_MAX}",
        filters=[strip_spaces],
        validators=[_Places()],
    )
    date = GovDateField(
        "Date",
        description="A working day. For example, 14 4 2026",
        required_message="Enter the date of the session",
        error_name="Date of the session",
    )
    start_time = GovTimeField(
        "Start time",
        description="UK time, for example 09:30",
        required_message="Enter a start time",
        invalid_message="Enter a start time in the format 09:30",
    )
    end_time = GovTimeField(
        "End time",
        description="UK time, for example 11:00",
        required_message="Enter an end time",
        invalid_message="Enter an end time in the format 09:30",
        validators=[EndsAfter("start_time", "The end time must be after the start time")],
    )
    place = StringField(
        "Place",
        widget=GovTextInput(),
        description="The office and room, or how to join online",
        filters=[collapse_spaces],
        validators=[
            DataRequired(message="Enter where the session takes place"),
            Length(max=PLACE_MAX, message=f"Place must be {PLACE_MAX} characters or fewer"),
            NoMarkup("Place"),
        ],
    )
    submit = SubmitField("Schedule session", widget=GovSubmitInput())

    def __init__(self, *args, pdus: list[Pdu], skills: Iterable[Skill], today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.pdus = {str(p.id): p for p in pdus}
        if len(pdus) > 1:
            self.pdu.choices = [SelectChoice("", "Select a PDU")] + [
                SelectChoice(str(p.id), p.name) for p in pdus
            ]
        else:
            # One PDU (or none: the service refuses): nothing to ask.
            del self.pdu
        self.theme_skills.choices = [SelectChoice(s.slug, s.name) for s in skills]
        self.today = today

    def validate_date(self, field: Field) -> None:
        if field.data is None:
            return
        if field.data < self.today:
            raise ValidationError("Date of the session must be today or in the future")
        if not is_working_day(field.data, bank_holidays()):
            raise ValidationError(
                "Date of the session must be a working day, not a weekend or bank holiday"
            )

    def chosen_pdu(self) -> Pdu | None:
        if "pdu" in self:
            return self.pdus.get(self.pdu.data or "")
        return next(iter(self.pdus.values()), None)

    def moments(self) -> tuple[datetime, datetime]:
        """Start and end as aware UTC datetimes; the times typed are UK times."""
        day = self.date.data
        return utc_moment(day, self.start_time.parsed), utc_moment(day, self.end_time.parsed)

    def places(self) -> int:
        return int(self.capacity.data)


class InviteForm(FlaskForm):
    practitioners = SelectMultipleField(
        "Who do you want to invite?",
        widget=GovCheckboxesInput(),
        coerce=int,
        validators=[InputRequired(message="Select at least one person to invite")],
        invalid_value_message="Select people from the list",
        invalid_choice_message="Select people from the list",
    )
    submit = SubmitField("Send invitations", widget=GovSubmitInput())

    def __init__(self, *args, people: Iterable[tuple[int, str, str]], places: int, **kwargs):
        """``people``: (id, name, hint) of those who can still be invited."""
        super().__init__(*args, **kwargs)
        people = list(people)
        self.practitioners.choices = [SelectChoice(pid, name) for pid, name, _hint in people]
        # Per-checkbox hints, in the order of the choices (the widget merges them by index).
        self.hint_items = [{"hint": {"text": hint}} for _pid, _name, hint in people]
        self.practitioners.description = (
            f"{places} place{'' if places == 1 else 's'} left. Select up to {places}"
        )


class AttendanceForm(FlaskForm):
    attended = SelectMultipleField(
        "Who attended?",
        widget=GovCheckboxesInput(),
        coerce=int,
        description="Select everyone who attended. Anyone not selected is recorded as "
        "not attending",
        invalid_value_message="Select people from the list",
        invalid_choice_message="Select people from the list",
    )
    submit = SubmitField("Save attendance", widget=GovSubmitInput())

    def __init__(self, *args, people: Iterable[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.attended.choices = [SelectChoice(pid, name) for pid, name in people]
