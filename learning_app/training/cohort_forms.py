"""The form an L&D lead fills in to schedule a cohort, with GOV.UK widgets and wording."""

from __future__ import annotations

from datetime import date, datetime

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import Field, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from learning_app.core.forms import (
    EndsAfter,
    GovDateField,
    GovTimeField,
    collapse_spaces,
    select_choices,
    strip_spaces,
)
from learning_app.core.time import utc_moment
from learning_app.training.cohorts import CAPACITY_MAX, PLACE_MAX
from learning_app.training.models import TrainingModule


class _Places:
    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data and not (field.data.isdigit() and 1 <= int(field.data) <= CAPACITY_MAX):
            raise ValidationError(
                f"Number of places must be a whole number from 1 to {CAPACITY_MAX}"
            )


class CohortForm(FlaskForm):
    module = SelectField(
        "Module",
        widget=GovSelect(),
        validators=[DataRequired(message="Select a module")],
        validate_choice=True,
        invalid_choice_message="Select a module from the list",
    )
    date = GovDateField(
        "Date",
        description="For example, 14 4 2026",
        required_message="Enter the date of the cohort",
        error_name="Date of the cohort",
    )
    start_time = GovTimeField(
        "Start time",
        description="For example, 09:30",
        required_message="Enter a start time",
        invalid_message="Enter a start time in the format 09:30",
    )
    end_time = GovTimeField(
        "End time",
        description="For example, 16:30",
        required_message="Enter an end time",
        invalid_message="Enter an end time in the format 09:30",
        validators=[EndsAfter("start_time", "The end time must be after the start time")],
    )
    place = StringField(
        "Place",
        widget=GovTextInput(),
        description="The venue and room, for example Leicester office, training room 2",
        filters=[collapse_spaces],
        validators=[
            DataRequired(message="Enter where the cohort takes place"),
            Length(max=PLACE_MAX, message=f"Place must be {PLACE_MAX} characters or fewer"),
        ],
    )
    capacity = StringField(
        "Number of places",
        widget=GovTextInput(),
        description="If you leave this blank, the module's cohort size is used",
        filters=[strip_spaces],
        validators=[_Places()],
    )
    submit = SubmitField("Schedule cohort", widget=GovSubmitInput())

    def __init__(self, *args, modules: list[TrainingModule], today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.modules = {module.code: module for module in modules}
        self.today = today
        self.module.choices = select_choices(
            "Select a module", [(m.code, f"{m.code} {m.title}") for m in modules]
        )

    def validate_date(self, field: Field) -> None:
        if field.data is not None and field.data < self.today:
            raise ValidationError("Date of the cohort must be today or in the future")

    def chosen_module(self) -> TrainingModule:
        return self.modules[self.module.data]

    def preselect(self, module: TrainingModule | None) -> None:
        """A GET with ?module=CODE: choose it and offer its cohort size."""
        if module is not None and module.code in self.modules:
            self.module.data = module.code
            if module.cohort_size:
                self.capacity.data = str(module.cohort_size)

    def moments(self) -> tuple[datetime, datetime]:
        """Start and end as aware UTC datetimes; the times typed are London times."""
        day = self.date.data
        return utc_moment(day, self.start_time.parsed), utc_moment(day, self.end_time.parsed)

    def places(self) -> int | None:
        return int(self.capacity.data) if self.capacity.data else None
