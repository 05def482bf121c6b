"""Forms for the self-assessment pages, with GOV.UK widgets and wording.

A domain page asks three questions per skill: its level (required to save anything
for that skill), how confident the practitioner is, and a comment. Its form class is
built for the domain's skills, with fields named ``<slug>-level``,
``<slug>-confidence`` and ``<slug>-comment``.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
)
from wtforms import RadioField, SelectChoice, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from learning_app.assessments.models import Confidence, LearningPreference, SelfRating
from learning_app.assessments.services import COMMENT_MAX, Answer
from learning_app.core.forms import tidy_text
from learning_app.core.personal_data import NoPersonalData
from learning_app.framework.models import LEVEL_NAMES, Skill

LEVEL_CHOICES = [
    SelectChoice(str(level), f"{level}: {name}") for level, name in LEVEL_NAMES.items()
]
CONFIDENCE_CHOICES = [SelectChoice(c.value, c.value.capitalize()) for c in Confidence]
PREFERENCE_CHOICES = [SelectChoice(p.value, p.label) for p in LearningPreference]


def level_field(skill: Skill) -> str:
    return f"{skill.slug}-level"


def confidence_field(skill: Skill) -> str:
    return f"{skill.slug}-confidence"


def comment_field(skill: Skill) -> str:
    return f"{skill.slug}-comment"


class DomainAnswersForm(FlaskForm):
    """The questions of one domain; build it with ``domain_answers_form``."""

    skills: Sequence[Skill] = ()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for skill in self.skills:
            level = self[level_field(skill)]
            if level.errors or level.data:
                continue
            if self[confidence_field(skill)].data or self[comment_field(skill)].data:
                level.errors = [
                    *level.errors,
                    f"Select a level for {skill.name}, or remove your confidence and comment",
                ]
                valid = False
        return valid

    def answers(self) -> dict[str, Answer]:
        """What was answered, by skill slug: (level or None, confidence or None, comment)."""
        result: dict[str, Answer] = {}
        for skill in self.skills:
            level = self[level_field(skill)].data
            result[skill.slug] = (
                int(level) if level else None,
                self[confidence_field(skill)].data or None,
                self[comment_field(skill)].data or None,
            )
        return result

    @staticmethod
    def data_from(skills: Sequence[Skill], ratings: dict[int, SelfRating]) -> dict[str, str]:
        """Saved answers as form data, to fill the page in."""
        data: dict[str, str] = {}
        for skill in skills:
            rating = ratings.get(skill.id)
            if rating is not None:
                data[level_field(skill)] = str(rating.level)
                data[confidence_field(skill)] = rating.confidence or ""
                data[comment_field(skill)] = rating.comment or ""
        return data


def domain_answers_form(skills: Sequence[Skill], **kwargs) -> DomainAnswersForm:
    """A form asking the level, confidence and comment for each of ``skills``.

    ``kwargs`` go to the form (``data=`` to show saved answers on a GET).
    """
    fields: dict[str, object] = {"skills": tuple(skills)}
    for skill in skills:
        fields[level_field(skill)] = RadioField(
            skill.name,
            widget=GovRadioInput(),
            choices=LEVEL_CHOICES,
            description=skill.description,
            validators=[Optional()],
            invalid_choice_message=f"Select a level for {skill.name} from the list",
        )
        fields[confidence_field(skill)] = RadioField(
            "How confident are you in this rating? (optional)",
            widget=GovRadioInput(),
            choices=CONFIDENCE_CHOICES,
            validators=[Optional()],
            invalid_choice_message=(
                f"Select how confident you are in your rating of {skill.name} from the list"
            ),
        )
        fields[comment_field(skill)] = TextAreaField(
            "Comment (optional)",
            widget=GovCharacterCount(),
            description="What you do well or want to develop. Describe your practice, "
            "not the people you work with.",
            filters=[tidy_text],
            validators=[
                Optional(),
                Length(
                    max=COMMENT_MAX,
                    message=(
                        f"Your comment on {skill.name} must be {COMMENT_MAX} characters or fewer"
                    ),
                ),
                NoPersonalData(f"Your comment on {skill.name}"),
            ],
        )
    fields["submit"] = SubmitField("Save and continue", widget=GovSubmitInput())
    form_class = type("DomainAnswersForm", (DomainAnswersForm,), fields)
    return form_class(**kwargs)


class PreferencesForm(FlaskForm):
    learning_preferences = SelectMultipleField(
        "How do you like to learn?",
        widget=GovCheckboxesInput(),
        choices=PREFERENCE_CHOICES,
        description="Select all that apply.",
        validators=[InputRequired(message="Select how you like to learn")],
        invalid_choice_message="Select how you like to learn from the list",
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())
