"""The correction form for a shared observation: the reason, every skill and question
set to the current values, and corrected text."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from learning_app.framework.models import Skill
from learning_app.observations.amendments import AmendmentInput
from learning_app.observations.forms import (
    AnswerQuestion,
    RatingQuestion,
    answer_field,
    current_values,
    free_text_area,
    level_value,
    rating_field,
)
from learning_app.observations.questions import AuditQuestion


class AmendmentForm(FlaskForm):
    reason = free_text_area(
        "Why are you making this correction?",
        "Reason",
        required_message="Enter the reason for the correction",
        description="The practitioner sees this with the correction, your name and today's date.",
    )
    strengths = free_text_area(
        "Corrected strengths (optional)",
        "Corrected strengths",
        description="Leave blank if the strengths are right. The original text stays visible.",
    )
    development_points = free_text_area(
        "Corrected areas for development (optional)",
        "Corrected areas for development",
        description="Leave blank if the areas for development are right.",
    )
    submit = SubmitField("Save correction", widget=GovSubmitInput())

    asked: list[RatingQuestion]
    others: list[RatingQuestion]
    questions: list[AnswerQuestion]

    @property
    def rating_groups_open(self) -> bool:
        return any(q.field.errors or level_value(q.field.data) for q in self.others)

    def to_input(self) -> AmendmentInput:
        return AmendmentInput(
            reason=self.reason.data or "",
            ratings={q.skill.slug: level_value(q.field.data) for q in self.asked + self.others},
            answers={q.question.key: q.field.data for q in self.questions if q.field.data},
            strengths=self.strengths.data or None,
            development_points=self.development_points.data or None,
        )


def build_amendment_form(
    observation, skills: list[Skill], questions: Iterable[AuditQuestion], **kwargs
) -> AmendmentForm:
    """Every skill and question, set to the observation's current values. Skills
    with a current rating come first; the rest sit under "Rate other skills"."""
    rated_ids = {r.skill_id for r in observation.ratings if not r.superseded}
    asked = [s for s in skills if s.id in rated_ids]
    others = [s for s in skills if s.id not in rated_ids]
    slugs = {s.slug for s in skills}
    questions = [q for q in questions if q.skill_slug in slugs]
    attrs: dict[str, Any] = {f"rating-{s.slug}": rating_field(s) for s in skills}
    attrs.update({q.field_name: answer_field(q) for q in questions})
    form_class = type("ObservationAmendmentForm", (AmendmentForm,), attrs)
    kwargs.setdefault("data", current_values(observation))
    form = form_class(**kwargs)
    form.asked = [RatingQuestion(s, form[f"rating-{s.slug}"]) for s in asked]
    form.others = [RatingQuestion(s, form[f"rating-{s.slug}"]) for s in others]
    form.questions = [AnswerQuestion(q, form[q.field_name]) for q in questions]
    return form
