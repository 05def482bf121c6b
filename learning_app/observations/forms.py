"""Forms for recording and correcting observations, and the fields every observation
form shares (also used by ``amendment_forms.py``, ``feedback_forms.py`` and
``campaign_forms.py``).

The recording and correction forms are built per type and framework version: the
type's own fields come from ``types.py``, the ratings from the published skills and
the inspectorate's questions from ``questions.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, StopValidation, ValidationError

from learning_app.core.forms import GovDateField, NoMarkup, strip_spaces, tidy_text
from learning_app.core.personal_data import NoPersonalData
from learning_app.framework.models import LEVEL_NAMES, Skill
from learning_app.observations.models import FocusCampaign
from learning_app.observations.questions import ANSWERS, AuditQuestion
from learning_app.observations.services import (
    ACTION_MAX,
    ACTIONS_MAX,
    TEXT_MAX,
    ActionInput,
    ObservationInput,
    case_reference_problem,
    normalise_case_reference,
)
from learning_app.observations.types import TYPE_SPECS, DetailField, FieldKind, TypeSpec

NOT_SEEN = "not-seen"
PREFER_NOT = "prefer-not"
EARLIEST_DATE = date(2000, 1, 1)


# Fields and validators ---------------------------------------------------------------------


class CaseReference:
    """An optional case reference (made upper case by ``normalise_case_reference``): one
    letter and six digits, and none on a limited access case (the form's
    ``limited_access`` box). Observations and case events ask for it the same way."""

    def __call__(self, form: Form, field: Field) -> None:
        problem = case_reference_problem(field.data, bool(form.limited_access.data))
        if problem is not None:
            raise ValidationError(problem)


def free_text(name: str, max_length: int = TEXT_MAX) -> list:
    """The validators every free-text field about practice carries."""
    return [
        Length(max=max_length, message=f"{name} must be {max_length:,} characters or fewer"),
        NoMarkup(name),
        NoPersonalData(name),
    ]


def free_text_area(
    label: str,
    name: str,
    *,
    description: str = "",
    required_message: str | None = None,
    max_length: int = TEXT_MAX,
) -> TextAreaField:
    """A GOV.UK textarea for free text about practice; ``name`` is how messages call it."""
    required = [InputRequired(message=required_message)] if required_message else []
    return TextAreaField(
        label,
        widget=GovTextArea(),
        description=description,
        filters=[tidy_text],
        validators=required + free_text(name, max_length),
    )


class GovRadios(RadioField):
    """Radios that are optional unless ``required_message`` is given, and that answer
    an unknown value with a GOV.UK message instead of "Not a valid choice"."""

    def __init__(self, label=None, validators=None, *, required_message=None, **kwargs):
        kwargs.setdefault("widget", GovRadioInput())
        super().__init__(label, validators, validate_choice=False, **kwargs)
        self.required_message = required_message

    def pre_validate(self, form: Form) -> None:
        if self.data in (None, ""):
            if self.required_message:
                raise StopValidation(self.required_message)
            return
        if self.data not in {c.value for c in self.iter_choices()}:
            raise StopValidation(
                self.invalid_choice_message or self.required_message or "Select an option"
            )


class ChosenSelect(SelectField):
    """A select whose value must be one of its options (``message`` otherwise)."""

    def __init__(self, label=None, validators=None, *, message: str, **kwargs):
        kwargs.setdefault("widget", GovSelect())
        super().__init__(label, validators, validate_choice=False, **kwargs)
        self.message = message

    def pre_validate(self, form: Form) -> None:
        values = {c.value for c in self.iter_choices() if c.value}
        if self.data not in values:
            raise StopValidation(self.message)


def plain_choices(options: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in options]


def level_choices() -> list[SelectChoice]:
    return [SelectChoice(str(level), f"{level}: {name}") for level, name in LEVEL_NAMES.items()]


def rating_field(skill: Skill) -> GovRadios:
    return GovRadios(
        skill.name,
        choices=[*level_choices(), SelectChoice(NOT_SEEN, "Not seen")],
        default=NOT_SEEN,
        invalid_choice_message=f"Select a level for {skill.name}, or not seen",
    )


def answer_field(question: AuditQuestion) -> GovRadios:
    return GovRadios(
        question.text,
        choices=plain_choices(ANSWERS),
        description=question.hint or "",
        invalid_choice_message="Select yes, no or not applicable",
    )


def detail_field(detail: DetailField) -> Field:
    """A form field for one of a type's own questions (required only to share)."""
    if detail.kind is FieldKind.RADIOS:
        return GovRadios(
            detail.label,
            choices=plain_choices(detail.options),
            description=detail.hint or "",
            invalid_choice_message=detail.required_message or "Select one of the options",
        )
    if detail.kind is FieldKind.CHECKBOXES:
        return SelectMultipleField(
            detail.label,
            widget=GovCheckboxesInput(),
            choices=plain_choices(detail.options),
            description=detail.hint or "",
            invalid_choice_message="Select from the options given",
        )
    if detail.kind is FieldKind.NUMBER:
        return StringField(
            detail.label,
            widget=GovTextInput(),
            description=detail.hint or "",
            filters=[strip_spaces],
            validators=[WholeNumber(detail)],
        )
    return free_text_area(
        detail.label, detail.label, description=detail.hint or "", max_length=detail.max_length
    )


class WholeNumber:
    def __init__(self, detail: DetailField) -> None:
        self.detail = detail

    def __call__(self, form: Form, field: Field) -> None:
        value = field.data or ""
        if value and not (value.isdigit() and self.detail.low <= int(value) <= self.detail.high):
            raise ValidationError(
                f"{self.detail.label} must be a whole number between "
                f"{self.detail.low} and {self.detail.high}"
            )


def level_value(value: str | None) -> int | None:
    return int(value) if value in ("1", "2", "3", "4") else None


def detail_value(detail: DetailField, data: Any) -> Any:
    if detail.kind is FieldKind.NUMBER:
        return int(data) if data else None
    if detail.kind is FieldKind.CHECKBOXES:
        return list(data or [])
    return data or None


def _check_observed_on(field: GovDateField, today: date) -> None:
    if field.errors or field.data is None:
        return
    if field.data > today:
        raise ValidationError("Date observed must be today or in the past")
    if field.data < EARLIEST_DATE:
        raise ValidationError("Date observed must be after 1 January 2000")


# Choosing who and what --------------------------------------------------------------------------


def practitioner_choices(practitioners: list) -> list[SelectChoice]:
    """A placeholder, then each practitioner under their team's name."""
    return [SelectChoice("", "Choose a practitioner")] + [
        SelectChoice(str(p.id), p.name, optgroup=p.team.name if p.team else "No team")
        for p in practitioners
    ]


class StartForm(FlaskForm):
    practitioner = ChosenSelect("Practitioner", message="Select a practitioner")
    type = GovRadios(
        "What did you observe?",
        choices=[SelectChoice(spec.slug, spec.label) for spec in TYPE_SPECS.values()],
        required_message="Select what you observed",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, *args, practitioners: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.practitioner.choices = practitioner_choices(practitioners)


# Recording ------------------------------------------------------------------------------------


class ActionForm(Form):
    text = StringField(
        "Action",
        widget=GovTextInput(),
        filters=[tidy_text],
        validators=free_text("Action", ACTION_MAX),
    )
    due_on = GovDateField("Due date (optional)", error_name="Due date")

    def validate_due_on(self, field: GovDateField) -> None:
        if field.data is not None and not self.text.data:
            raise ValidationError("Enter the action, or remove its due date")
        if field.data is not None and field.data < EARLIEST_DATE:
            raise ValidationError("Due date must be after 1 January 2000")


@dataclass
class RatingQuestion:
    skill: Skill
    field: GovRadios


@dataclass
class AnswerQuestion:
    question: AuditQuestion
    field: GovRadios


@dataclass
class DetailQuestion:
    detail: DetailField
    field: Field


class ObservationForm(FlaskForm):
    """The common part of every type's form; ``build_observation_form`` adds the rest."""

    observed_on = GovDateField(
        "Date observed",
        description="For example, 27 3 2025",
        required_message="Enter the date you observed",
    )
    strengths = free_text_area(
        "Strengths (optional)",
        "Strengths",
        description="What went well. Describe the practice, not the person on probation.",
    )
    development_points = free_text_area("Areas for development (optional)", "Areas for development")
    actions = FieldList(FormField(ActionForm), min_entries=ACTIONS_MAX, max_entries=ACTIONS_MAX)
    case_reference = StringField(
        "Case reference (optional)",
        widget=GovTextInput(),
        filters=[normalise_case_reference],
        validators=[CaseReference()],
        description="The CRN: one letter then six numbers, for example X123456. "
        "It is shown only on this observation and cleared 12 months after it closes.",
    )
    limited_access = BooleanField(
        "This is a limited access case",
        widget=GovCheckboxInput(),
        description="A limited access case must not have a case reference.",
    )
    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    share = SubmitField("Save and share with the practitioner", widget=GovSubmitInput())

    # Set by build_observation_form.
    spec: TypeSpec
    today: date
    details: list[DetailQuestion]
    asked: list[RatingQuestion]
    others: list[RatingQuestion]
    questions: list[AnswerQuestion]
    campaign: FocusCampaign | None
    campaign_skill: Skill | None

    @property
    def sharing(self) -> bool:
        return bool(self.share.data)

    def validate_observed_on(self, field: GovDateField) -> None:
        _check_observed_on(field, self.today)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.sharing:
            return valid
        # Sharing needs what a draft may leave out.
        for item in self.details:
            if item.detail.required_message and not item.field.data and not item.field.errors:
                item.field.errors = [item.detail.required_message]
                valid = False
        rated = any(level_value(q.field.data) for q in self.asked + self.others)
        answered = any(q.field.data in ("yes", "no") for q in self.questions)
        first = (self.asked + self.others)[:1]
        if not (rated or answered) and first and not first[0].field.errors:
            first[0].field.errors = [
                "Rate at least one skill you saw, or answer at least one question, "
                "before you share the observation"
            ]
            valid = False
        return valid

    @property
    def rating_groups_open(self) -> bool:
        """Open "Rate other skills" when one is rated or has an error."""
        return any(q.field.errors or level_value(q.field.data) for q in self.others)

    def to_input(self) -> ObservationInput:
        ratings = {q.skill.slug: level_value(q.field.data) for q in self.asked}
        ratings.update(
            {
                q.skill.slug: level_value(q.field.data)
                for q in self.others
                if level_value(q.field.data)
            }
        )
        return ObservationInput(
            observed_on=self.observed_on.data,
            details={
                d.detail.key: detail_value(d.detail, d.field.data)
                for d in self.details
                if detail_value(d.detail, d.field.data) not in (None, [])
            },
            ratings=ratings,
            answers={q.question.key: q.field.data for q in self.questions if q.field.data},
            strengths=self.strengths.data or None,
            development_points=self.development_points.data or None,
            actions=[
                ActionInput(entry.form.text.data, entry.form.due_on.data)
                for entry in self.actions
                if entry.form.text.data
            ],
            case_reference=self.case_reference.data,
            limited_access=bool(self.limited_access.data),
        )


def build_observation_form(
    spec: TypeSpec,
    skills: list[Skill],
    questions: Iterable[AuditQuestion],
    *,
    today: date,
    campaign: FocusCampaign | None = None,
    **kwargs,
) -> ObservationForm:
    """The form for one type: the campaign's skill first, then the type's typical
    skills, then every other skill of the framework (under "Rate other skills")."""
    by_slug = {s.slug: s for s in skills}
    campaign_skill = by_slug.get(campaign.skill_slug) if campaign else None
    asked_slugs = [campaign_skill.slug] if campaign_skill else []
    asked_slugs += [s for s in spec.typical_skills if s in by_slug and s not in asked_slugs]
    asked = [by_slug[s] for s in asked_slugs]
    others = [s for s in skills if s.slug not in asked_slugs]
    questions = [q for q in questions if q.skill_slug in by_slug]

    attrs: dict[str, Any] = {}
    for detail in spec.fields:
        attrs[detail.field_name] = detail_field(detail)
    for skill in asked + others:
        attrs[f"rating-{skill.slug}"] = rating_field(skill)
    for question in questions:
        attrs[question.field_name] = answer_field(question)
    form_class = type(f"{spec.type.value.title()}ObservationForm", (ObservationForm,), attrs)

    form = form_class(**kwargs)
    form.spec = spec
    form.today = today
    form.campaign = campaign if campaign_skill else None
    form.campaign_skill = campaign_skill
    form.details = [DetailQuestion(d, form[d.field_name]) for d in spec.fields]
    form.asked = [RatingQuestion(s, form[f"rating-{s.slug}"]) for s in asked]
    form.others = [RatingQuestion(s, form[f"rating-{s.slug}"]) for s in others]
    form.questions = [AnswerQuestion(q, form[q.field_name]) for q in questions]
    return form


def observation_form_data(observation) -> dict[str, Any]:
    """A draft's content as form data, to edit it."""
    spec = TYPE_SPECS.get(observation.type)
    data: dict[str, Any] = {
        "observed_on": observation.observed_on,
        "strengths": observation.strengths,
        "development_points": observation.development_points,
        "case_reference": observation.case_reference,
        "limited_access": observation.limited_access,
        "actions": [{"text": a.text, "due_on": a.due_on} for a in observation.actions],
    }
    for detail in spec.fields if spec else ():
        value = observation.details.get(detail.key)
        if value is not None:
            data[detail.field_name] = str(value) if detail.kind is FieldKind.NUMBER else value
    data.update(current_values(observation))
    return data


def current_values(observation) -> dict[str, str]:
    """Current ratings and answers of an observation, keyed by form field name."""
    data: dict[str, str] = {}
    for rating in observation.ratings:
        if not rating.superseded:
            data[f"rating-{rating.skill.slug}"] = str(rating.level) if rating.level else NOT_SEEN
    for answer in observation.answers:
        if not answer.superseded:
            data[f"answer-{answer.question_key.replace('_', '-')}"] = answer.answer
    return data
