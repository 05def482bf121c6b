"""Forms of the practitioner's own pages: acknowledge an observation, reflect on it,
and disagree with one of its ratings (the right of reply)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from learning_app.core.forms import select_choices, tidy_text
from learning_app.core.personal_data import NoPersonalData

TEXT_MAX = 2000


class AcknowledgeForm(FlaskForm):
    """Acknowledging an observation: the CSRF token is its only data."""

    submit = SubmitField("Acknowledge", widget=GovSubmitInput())


class ReflectionForm(FlaskForm):
    reflection = TextAreaField(
        "Add your reflection",
        widget=GovTextArea(),
        filters=[tidy_text],
        description="What you take from this observation, and what you will do next. "
        "Describe your practice, not the person on probation.",
        validators=[
            InputRequired(message="Enter your reflection"),
            Length(max=TEXT_MAX, message=f"Your reflection must be {TEXT_MAX} characters or fewer"),
            NoPersonalData("Your reflection"),
        ],
    )
    submit = SubmitField("Save your reflection", widget=GovSubmitInput())


class DisagreeForm(FlaskForm):
    """Choose one rated skill of the observation and say why the rating is wrong."""

    skill = SelectField(
        "Which rating do you disagree with?",
        widget=GovSelect(),
        validate_choice=False,
    )
    reason = TextAreaField(
        "Why do you disagree?",
        widget=GovTextArea(),
        filters=[tidy_text],
        description="Your reply is shown beside the rating, to anyone who can read it.",
        validators=[
            InputRequired(message="Enter why you disagree with the rating"),
            Length(max=TEXT_MAX, message=f"Your reason must be {TEXT_MAX} characters or fewer"),
            NoPersonalData("Your reason"),
        ],
    )
    submit = SubmitField("Send your reply", widget=GovSubmitInput())

    def __init__(self, *args, skills: list[tuple[int, str]], **kwargs) -> None:
        """``skills``: (skill id, label) of the ratings the practitioner may reply to."""
        super().__init__(*args, **kwargs)
        self.skill.choices = select_choices("Select a rating", skills)
        self.skill_ids = {str(skill_id): skill_id for skill_id, _label in skills}

    @property
    def chosen_skill_id(self) -> int | None:
        return self.skill_ids.get(self.skill.data or "")

    def validate_skill(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError("Select the rating you disagree with")
        if self.chosen_skill_id is None:
            raise ValidationError("Select a rating from the list")
