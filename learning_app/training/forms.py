"""Forms for the training catalogue pages, with GOV.UK widgets and wording."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, Field, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from learning_app.core.forms import (
    collapse_spaces,
    int_or_none,
    select_choices,
    strip_spaces,
    tidy_text,
)
from learning_app.training.catalogue import (
    CODE_MAX,
    CODE_PATTERN,
    COHORT_MAX,
    DURATION_MAX,
    LINK_MAX,
    PROVIDER_MAX,
    TITLE_MAX,
)
from learning_app.training.models import DeliveryMode
from learning_app.training.services import ModuleData

MODE_OPTIONS = [(mode.value, mode.label) for mode in DeliveryMode]
MODE_VALUES = frozenset(mode.value for mode in DeliveryMode)
LEVEL_LABELS = {1: "1 Not yet competent", 2: "2 Developing", 3: "3 Competent", 4: "4 Advanced"}


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


class _Code:
    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data and not CODE_PATTERN.fullmatch(field.data):
            raise ValidationError(
                "Module code must be capital letters and numbers joined by hyphens, like PL-29"
            )


class _Duration:
    def __call__(self, form: FlaskForm, field: Field) -> None:
        hours = _number(field.data)
        if hours is None or hours != hours:  # NaN is not a duration
            raise ValidationError("Duration must be a number of hours, like 3 or 1.5")
        if not 0 < hours <= DURATION_MAX:
            raise ValidationError(f"Duration must be more than 0 and at most {DURATION_MAX} hours")


class _CohortSize:
    def __call__(self, form: FlaskForm, field: Field) -> None:
        if not field.data:
            return
        if not field.data.isdigit() or not 0 < int(field.data) <= COHORT_MAX:
            raise ValidationError(f"Cohort size must be a whole number from 1 to {COHORT_MAX}")
        # Only once a mode is chosen: a missing mode has its own message.
        mode = form.delivery_mode.data
        if mode in MODE_VALUES and mode != DeliveryMode.FACE_TO_FACE.value:
            raise ValidationError("Cohort size is only for face-to-face modules")


class _Link:
    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data and (not field.data.startswith(("https://", "http://")) or " " in field.data):
            raise ValidationError("Enter a link in the correct format, like https://www.gov.uk")


class ModuleForm(FlaskForm):
    code = StringField(
        "Module code",
        widget=GovTextInput(),
        description="Capital letters and numbers joined by hyphens, for example PL-29",
        filters=[_upper],
        validators=[
            DataRequired(message="Enter a module code"),
            Length(max=CODE_MAX, message=f"Module code must be {CODE_MAX} characters or fewer"),
            _Code(),
        ],
    )
    title = StringField(
        "Title",
        widget=GovTextInput(),
        filters=[collapse_spaces],
        validators=[
            DataRequired(message="Enter a title"),
            Length(max=TITLE_MAX, message=f"Title must be {TITLE_MAX} characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description",
        widget=GovTextArea(),
        filters=[tidy_text],
        validators=[DataRequired(message="Enter a description")],
    )
    delivery_mode = SelectField(
        "Delivery mode",
        widget=GovSelect(),
        choices=select_choices("Select a delivery mode", MODE_OPTIONS),
        validators=[DataRequired(message="Select a delivery mode")],
        validate_choice=True,
        invalid_choice_message="Select a delivery mode from the list",
    )
    duration_hours = StringField(
        "Duration in hours",
        widget=GovTextInput(),
        filters=[strip_spaces],
        validators=[DataRequired(message="Enter the duration in hours"), _Duration()],
    )
    provider = StringField(
        "Provider",
        widget=GovTextInput(),
        filters=[collapse_spaces],
        validators=[
            DataRequired(message="Enter the provider"),
            Length(
                max=PROVIDER_MAX, message=f"Provider must be {PROVIDER_MAX} characters or fewer"
            ),
        ],
    )
    link = StringField(
        "Link (optional)",
        widget=GovTextInput(),
        filters=[strip_spaces],
        validators=[
            Length(max=LINK_MAX, message=f"Link must be {LINK_MAX} characters or fewer"),
            _Link(),
        ],
    )
    cohort_size = StringField(
        "Cohort size (optional)",
        widget=GovTextInput(),
        description="For face-to-face modules: how many people a cohort takes",
        filters=[strip_spaces],
        validators=[_CohortSize()],
    )
    illustrative = BooleanField(
        "This module is illustrative (invented, not a real course)",
        widget=GovCheckboxInput(),
        description="Illustrative modules are tagged as such in the catalogue",
    )
    submit = SubmitField("Save module", widget=GovSubmitInput())

    def module_data(self) -> ModuleData:
        return ModuleData(
            code=self.code.data,
            title=self.title.data,
            description=self.description.data,
            delivery_mode=self.delivery_mode.data,
            duration_hours=float(self.duration_hours.data),
            provider=self.provider.data,
            link=self.link.data or None,
            cohort_size=int(self.cohort_size.data) if self.cohort_size.data else None,
            illustrative=bool(self.illustrative.data),
        )

    def fill_from(self, module) -> None:
        """Show a module's details on a first GET of the edit page."""
        self.code.data = module.code
        self.title.data = module.title
        self.description.data = module.description
        self.delivery_mode.data = module.delivery_mode
        self.duration_hours.data = f"{module.duration_hours:g}"
        self.provider.data = module.provider
        self.link.data = module.link or ""
        self.cohort_size.data = str(module.cohort_size) if module.cohort_size else ""
        self.illustrative.data = module.illustrative


class MappingForm(FlaskForm):
    skill = SelectField(
        "Skill",
        widget=GovSelect(),
        validators=[DataRequired(message="Select a skill")],
        invalid_choice_message="Select a skill from the list",
    )
    from_level = SelectField(
        "From level",
        widget=GovSelect(),
        coerce=int_or_none,
        choices=select_choices("Select a level", [(n, LEVEL_LABELS[n]) for n in (1, 2, 3)]),
        validators=[InputRequired(message="Select the from level")],
        invalid_choice_message="Select the from level from the list",
    )
    to_level = SelectField(
        "To level",
        widget=GovSelect(),
        coerce=int_or_none,
        choices=select_choices("Select a level", [(n, LEVEL_LABELS[n]) for n in (2, 3, 4)]),
        validators=[InputRequired(message="Select the to level")],
        invalid_choice_message="Select the to level from the list",
    )
    submit = SubmitField("Add skill", widget=GovSubmitInput())

    def __init__(self, *args, skills: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.skill.choices = select_choices("Select a skill", (skills or {}).items())

    def validate_from_level(self, field: Field) -> None:
        if field.data is None:
            raise ValidationError("Select the from level")

    def validate_to_level(self, field: Field) -> None:
        if field.data is None:
            raise ValidationError("Select the to level")
        if self.from_level.data is not None and field.data <= self.from_level.data:
            raise ValidationError("To level must be above the from level")


class ConfirmForm(FlaskForm):
    """A button behind a confirmation question (retire, unretire, remove a skill)."""
