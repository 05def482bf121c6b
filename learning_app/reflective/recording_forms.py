"""Forms for the oversight record: the practitioner's proposal and reflection, the SPO's
record of the discussion, and the sign-off.

Every free-text field refuses HTML and text that looks like personal data of a person
on probation. The recording form is built per discussion: its focus skills are asked
first, then every other skill of the published framework. Rules about the discussion's
own dates (not before it was booked) come from ``recording`` as refusals on the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import FieldList, Form, FormField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import ValidationError

from learning_app.core.forms import GovDateField, tidy_text
from learning_app.framework.models import LEVEL_NAMES, Skill
from learning_app.observations.forms import EARLIEST_DATE, GovRadios, free_text, free_text_area
from learning_app.reflective.models import Discussion
from learning_app.reflective.recording import (
    ACTION_MAX,
    DECISION_MAX,
    OWNER_LABELS,
    PROPOSAL_MAX,
    REFLECTION_MAX,
    REFLECTIVE_MODELS,
    ROWS_MAX,
    STRUCTURE_MAX,
    WELLBEING_MAX,
    ActionInput,
    DecisionInput,
    RecordInput,
)

DISCUSSED = "discussed"
NOT_DISCUSSED = "not-discussed"
_ROW = re.compile(r"^(decisions|actions)-(\d+)-")


def _level(value: str | None) -> int | None:
    return int(value) if value in ("1", "2", "3", "4") else None


class ProposalForm(FlaskForm):
    proposal = free_text_area(
        "Your proposal",
        "Your proposal",
        description="What you think is happening in the case, what you plan to do and why. "
        "Describe your practice, not the person on probation: no names, dates of birth or "
        "addresses.",
        required_message="Enter your proposal",
        max_length=PROPOSAL_MAX,
    )
    submit = SubmitField("Save proposal", widget=GovSubmitInput())


class ReflectionForm(FlaskForm):
    reflection = free_text_area(
        "Your reflection",
        "Your reflection",
        description="What you take from the discussion and what you will do differently. "
        "If you disagree with anything in the record, say so here.",
        required_message="Enter your reflection",
        max_length=REFLECTION_MAX,
    )
    submit = SubmitField("Save reflection", widget=GovSubmitInput())


class SignOffForm(FlaskForm):
    submit = SubmitField("Sign off the record", widget=GovSubmitInput())


# The SPO's record --------------------------------------------------------------------------


class DecisionForm(Form):
    decision = TextAreaField(
        "Decision",
        widget=GovTextArea(),
        filters=[tidy_text],
        validators=free_text("Decision", DECISION_MAX),
    )
    rationale = TextAreaField(
        "Rationale",
        widget=GovTextArea(),
        filters=[tidy_text],
        validators=free_text("Rationale", DECISION_MAX),
    )

    def validate_rationale(self, field: TextAreaField) -> None:
        if self.decision.data and not field.data:
            raise ValidationError("Enter the rationale for the decision")
        if field.data and not self.decision.data:
            raise ValidationError("Enter the decision, or remove its rationale")


class ActionRowForm(Form):
    text = TextAreaField(
        "Action",
        widget=GovTextArea(),
        filters=[tidy_text],
        validators=free_text("Action", ACTION_MAX),
    )
    owner = GovRadios(
        "Who will do it",
        choices=[SelectChoice(value, label) for value, label in OWNER_LABELS.items()],
        invalid_choice_message="Select who will do the action",
    )
    due_on = GovDateField("Due date", error_name="Due date")

    def validate_owner(self, field: GovRadios) -> None:
        if self.text.data and not field.data:
            raise ValidationError("Select who will do the action")
        if field.data and not self.text.data:
            raise ValidationError("Enter the action, or remove who will do it")

    def validate_due_on(self, field: GovDateField) -> None:
        if self.text.data and field.data is None and not field.errors:
            raise ValidationError("Enter a due date for the action")
        if field.data is not None and not self.text.data:
            raise ValidationError("Enter the action, or remove its due date")
        if field.data is not None and field.data < EARLIEST_DATE:
            raise ValidationError("Due date must be after 1 January 2000")


@dataclass
class SkillQuestion:
    skill: Skill
    field: GovRadios


class RecordForm(FlaskForm):
    """The common part; ``build_record_form`` adds a rating question per skill."""

    held_on = GovDateField(
        "Date it took place",
        description="For example, 27 3 2026",
        required_message="Enter the date the discussion took place",
    )
    reflective_model = GovRadios(
        "Reflective model used",
        choices=[SelectChoice(value, label) for value, label in REFLECTIVE_MODELS],
        required_message="Select the reflective model used",
    )
    what_happened = free_text_area(
        "What happened",
        "What happened",
        description="The practice and the decision the practitioner brought.",
        required_message="Enter what happened",
        max_length=STRUCTURE_MAX,
    )
    so_what = free_text_area(
        "So what: analysis of risk and the decision",
        "So what",
        description="What the discussion found about the risk of serious harm and whether "
        "the decision is defensible.",
        required_message="Enter the analysis of risk and the decision",
        max_length=STRUCTURE_MAX,
    )
    now_what = free_text_area(
        "Now what: actions",
        "Now what",
        description="What happens next, in words. List each action with its owner below.",
        required_message="Enter what happens next",
        max_length=STRUCTURE_MAX,
    )
    wellbeing_check = free_text_area(
        "Wellbeing check",
        "The wellbeing check",
        description="How the practitioner's workload feels to them, and the emotional impact "
        "of the work. Only they, you and their SPO can read this.",
        required_message="Enter what you discussed about their workload and the emotional "
        "impact of the work",
        max_length=WELLBEING_MAX,
    )
    decisions = FieldList(FormField(DecisionForm), min_entries=ROWS_MAX, max_entries=ROWS_MAX)
    actions = FieldList(FormField(ActionRowForm), min_entries=ROWS_MAX, max_entries=ROWS_MAX)
    submit = SubmitField("Save record", widget=GovSubmitInput())

    # Set by build_record_form (and ``posted_keys`` by ``process``).
    posted_keys: list[str]
    today: date
    booked_on: date
    focus: list[SkillQuestion]
    others: list[SkillQuestion]

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs) -> None:
        # Remember which keys a POST carried, so that rows beyond the fifth are refused
        # (FieldList would silently drop them).
        formdata = self.meta.wrap_formdata(self, formdata)
        self.posted_keys = list(formdata.keys()) if formdata is not None else []
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)

    def validate_held_on(self, field: GovDateField) -> None:
        if field.errors or field.data is None:
            return
        if field.data > self.today:
            raise ValidationError("Date it took place must be today or in the past")
        if field.data < self.booked_on:
            raise ValidationError(
                "Date it took place must be on or after "
                f"{self.booked_on.day} {self.booked_on:%B %Y}, when the discussion was booked"
            )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        valid = self._check_rows() and valid
        first_decision = self.decisions.entries[0].form.decision
        if not any(e.form.decision.data for e in self.decisions) and not first_decision.errors:
            first_decision.errors = ["Enter at least one decision and its rationale"]
            valid = False
        questions = self.focus + self.others
        rated = any(_level(q.field.data) for q in questions)
        if questions and not rated and not questions[0].field.errors:
            questions[0].field.errors = ["Rate at least one skill you discussed, from 1 to 4"]
            valid = False
        held_on = self.held_on.data
        for entry in self.actions:
            due = entry.form.due_on
            if held_on and due.data and due.data < held_on and not due.errors:
                due.errors = ["Due date must be on or after the date the discussion took place"]
                valid = False
        # FieldList gathers its entries' errors while validating: gather them again, so
        # the errors added here reach the error summary.
        for rows in (self.decisions, self.actions):
            gathered = [entry.errors for entry in rows.entries]
            rows.errors = gathered if any(gathered) else []
        return valid

    def _check_rows(self) -> bool:
        """The page has five rows of each; a POST with more is refused, not cut short."""
        rows = {"decisions": 0, "actions": 0}
        for key in self.posted_keys:
            match = _ROW.match(key)
            if match:
                rows[match.group(1)] = max(rows[match.group(1)], int(match.group(2)) + 1)
        valid = True
        if rows["decisions"] > ROWS_MAX:
            self.decisions.entries[0].form.decision.errors.append(
                f"Enter no more than {ROWS_MAX} decisions"
            )
            valid = False
        if rows["actions"] > ROWS_MAX:
            self.actions.entries[0].form.text.errors.append(
                f"Enter no more than {ROWS_MAX} actions"
            )
            valid = False
        return valid

    @property
    def others_open(self) -> bool:
        """Open "Other skills" when one of them was discussed or has an error."""
        return any(q.field.errors or q.field.data != NOT_DISCUSSED for q in self.others)

    def to_input(self) -> RecordInput:
        ratings: dict[str, int | None] = {}
        for question in self.focus + self.others:
            if question.field.data == DISCUSSED:
                ratings[question.skill.slug] = None
            elif _level(question.field.data):
                ratings[question.skill.slug] = _level(question.field.data)
        return RecordInput(
            held_on=self.held_on.data,
            reflective_model=self.reflective_model.data,
            what_happened=self.what_happened.data,
            so_what=self.so_what.data,
            now_what=self.now_what.data,
            wellbeing_check=self.wellbeing_check.data,
            ratings=ratings,
            decisions=[
                DecisionInput(e.form.decision.data, e.form.rationale.data)
                for e in self.decisions
                if e.form.decision.data
            ],
            actions=[
                ActionInput(e.form.text.data, e.form.owner.data, e.form.due_on.data)
                for e in self.actions
                if e.form.text.data
            ],
        )


def rating_choices() -> list[SelectChoice]:
    levels = [SelectChoice(str(level), f"{level}: {name}") for level, name in LEVEL_NAMES.items()]
    return [
        *levels,
        SelectChoice(DISCUSSED, "Discussed, not rated"),
        SelectChoice(NOT_DISCUSSED, "Not discussed"),
    ]


def _rating_field(skill: Skill) -> GovRadios:
    return GovRadios(
        skill.name,
        choices=rating_choices(),
        default=NOT_DISCUSSED,
        invalid_choice_message=f"Select a level for {skill.name}, discussed not rated, "
        "or not discussed",
    )


def build_record_form(
    discussion: Discussion,
    skills: list[Skill],
    *,
    today: date,
    booked_on: date,
    **kwargs: Any,
) -> RecordForm:
    """The record form for one discussion: its focus skills first, then every other skill
    of the published framework (under "Other skills")."""
    by_slug = {s.slug: s for s in skills}
    focus = [by_slug[slug] for slug in discussion.focus_skills or [] if slug in by_slug]
    others = [s for s in skills if s not in focus]
    attrs = {f"rating-{skill.slug}": _rating_field(skill) for skill in focus + others}
    form_class = type("DiscussionRecordForm", (RecordForm,), attrs)
    form = form_class(**kwargs)
    form.today = today
    form.booked_on = booked_on
    form.focus = [SkillQuestion(s, form[f"rating-{s.slug}"]) for s in focus]
    form.others = [SkillQuestion(s, form[f"rating-{s.slug}"]) for s in others]
    return form


def record_form_data(discussion: Discussion) -> dict[str, Any]:
    """A saved record as form data, so the SPO can change it before signing."""
    data: dict[str, Any] = {
        "held_on": discussion.held_on,
        "reflective_model": discussion.reflective_model,
        "what_happened": discussion.what_happened,
        "so_what": discussion.so_what,
        "now_what": discussion.now_what,
        "wellbeing_check": discussion.wellbeing_check,
        "decisions": [
            {"decision": d.decision, "rationale": d.rationale} for d in discussion.decisions
        ],
        "actions": [
            {"text": a.text, "owner": a.owner, "due_on": a.due_on} for a in discussion.actions
        ],
    }
    for rating in discussion.ratings:
        data[f"rating-{rating.skill.slug}"] = str(rating.level) if rating.level else DISCUSSED
    return data
