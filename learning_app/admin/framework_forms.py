"""Forms for the framework admin pages: load a file, edit a skill, confirm an action."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from learning_app.accounts.constants import BAND_ORDER, Band
from learning_app.core.forms import select_choices, tidy_text
from learning_app.framework.models import LEVEL_NAMES, Skill
from learning_app.framework.validation import LEVELS, SKILL_NAME_MAX, VERSION_NAME_MAX

# A framework file is a few tens of kilobytes; anything far bigger is a mistake.
MAX_UPLOAD_BYTES = 1024 * 1024
# Long enough for any real description or descriptor; short enough to keep pages readable.
MAX_TEXT = 4000


def _version_name_field(label: str, hint: str) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        description=hint,
        filters=[tidy_text],
        validators=[
            Optional(),
            Length(
                max=VERSION_NAME_MAX,
                message=f"Version name must be {VERSION_NAME_MAX} characters or fewer",
            ),
        ],
    )


class UploadForm(FlaskForm):
    file = FileField(
        "Upload a framework file",
        widget=GovFileInput(),
        description="A YAML (.yaml or .yml) or JSON (.json) file, smaller than 1 MB.",
        validators=[
            FileRequired(message="Select a framework file"),
            FileAllowed(
                ["yaml", "yml", "json"], message="The selected file must be a YAML or JSON file"
            ),
            FileSize(MAX_UPLOAD_BYTES, message="The selected file must be smaller than 1 MB"),
        ],
    )
    name = _version_name_field(
        "Version name (optional)", "Leave this blank to use the name given in the file."
    )
    submit = SubmitField("Check and load the file", widget=GovSubmitInput())


class CopyForm(FlaskForm):
    name = _version_name_field(
        "Name of the new version (optional)",
        "For example, the year it will be used. Leave this blank to name it after the "
        "published version.",
    )
    submit = SubmitField("Create a new draft from the published version", widget=GovSubmitInput())


def target_field_name(band: Band) -> str:
    return f"target_{band.value}"


def descriptor_field_name(level: int) -> str:
    return f"descriptor_{level}"


TARGET_CHOICES = select_choices(
    "No target", [(level, f"{level}: {LEVEL_NAMES[level]}") for level in LEVELS]
)


class SkillForm(FlaskForm):
    name = StringField(
        "Skill name",
        widget=GovTextInput(),
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter the skill name"),
            Length(
                max=SKILL_NAME_MAX,
                message=f"Skill name must be {SKILL_NAME_MAX} characters or fewer",
            ),
        ],
    )
    description = TextAreaField(
        "Description",
        widget=GovTextArea(),
        description="What the skill is and why it matters. Leave a blank line between paragraphs.",
        filters=[tidy_text],
        validators=[
            DataRequired(message="Enter the description"),
            Length(max=MAX_TEXT, message=f"Description must be {MAX_TEXT} characters or fewer"),
        ],
    )
    risk_critical = RadioField(
        "Is this skill risk-critical?",
        widget=GovRadioInput(),
        description="Risk-critical skills are the ones that keep other people safe.",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validate_choice=False,
        validators=[
            InputRequired(message="Select yes if this skill is risk-critical"),
            AnyOf(["yes", "no"], message="Select yes if this skill is risk-critical"),
        ],
    )
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    @property
    def descriptor_fields(self) -> list[Any]:
        return [self[descriptor_field_name(level)] for level in LEVELS]

    @property
    def target_fields(self) -> list[Any]:
        return [self[target_field_name(band)] for band in BAND_ORDER]

    def descriptors(self) -> dict[int, str]:
        return {level: self[descriptor_field_name(level)].data for level in LEVELS}

    def targets(self) -> dict[str, int | None]:
        targets: dict[str, int | None] = {}
        for band in BAND_ORDER:
            value = self[target_field_name(band)].data
            targets[band.value] = int(value) if value else None
        return targets

    @staticmethod
    def data_from(skill: Skill) -> dict[str, Any]:
        """The form's starting values: what the skill holds now."""
        data: dict[str, Any] = {
            "name": skill.name,
            "description": skill.description,
            "risk_critical": "yes" if skill.risk_critical else "no",
        }
        for level in LEVELS:
            data[descriptor_field_name(level)] = skill.descriptor(level) or ""
        for band in BAND_ORDER:
            target = skill.target_for(band)
            data[target_field_name(band)] = str(target) if target else ""
        return data


for _level in LEVELS:
    setattr(
        SkillForm,
        descriptor_field_name(_level),
        TextAreaField(
            f"Level {_level}: {LEVEL_NAMES[_level]}",
            widget=GovTextArea(),
            filters=[tidy_text],
            validators=[
                DataRequired(message=f"Enter the descriptor for level {_level}"),
                Length(
                    max=MAX_TEXT,
                    message=(
                        f"The descriptor for level {_level} must be {MAX_TEXT} characters or fewer"
                    ),
                ),
            ],
        ),
    )

for _band in BAND_ORDER:
    setattr(
        SkillForm,
        target_field_name(_band),
        SelectField(
            _band.label,
            widget=GovSelect(),
            choices=TARGET_CHOICES,
            default="",
            # An unknown value gets a GOV.UK message rather than "Not a valid choice".
            validate_choice=False,
            validators=[
                AnyOf(
                    [choice.value for choice in TARGET_CHOICES],
                    message=f"Select a target level for {_band.label}, or No target",
                )
            ],
        ),
    )
