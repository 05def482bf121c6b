"""Use cases for correcting a shared observation: an amendment supersedes ratings and
answers with new rows and keeps corrected text under the original, so nothing the
practitioner saw is changed in place.

Like ``services.py``: the actor is explicit; flush, audit, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from learning_app.accounts.models import User
from learning_app.core import audit
from learning_app.core.events import evidence_changed
from learning_app.core.policy import can_amend_observation
from learning_app.extensions import db
from learning_app.observations.models import (
    AuditAnswer,
    Observation,
    ObservationAmendment,
    ObservationRating,
)
from learning_app.observations.queries import current_answers, current_ratings
from learning_app.observations.questions import ANSWER_LABELS, questions_for
from learning_app.observations.services import (
    LEVELS,
    TEXT_MAX,
    ObservationError,
    skills_by_slug,
)


@dataclass
class AmendmentInput:
    """A correction: the reason, the ratings and answers as they should now be, and
    corrected text (None: unchanged)."""

    reason: str
    ratings: dict[str, int | None] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    strengths: str | None = None
    development_points: str | None = None


def amend_observation(
    actor: User, observation: Observation, data: AmendmentInput, now: datetime
) -> ObservationAmendment:
    """Correct a shared observation without editing it in place.

    Changed ratings and answers are superseded by new rows that point at the
    amendment; corrected text is kept in the amendment, under the original.
    """
    if not can_amend_observation(actor, observation):
        raise ObservationError("Only the person who recorded an observation can correct it")
    if observation.is_draft:
        raise ObservationError("A draft is changed by editing it, not by a correction")
    reason = (data.reason or "").strip()
    if not reason:
        raise ObservationError("Enter the reason for the correction", field="reason")
    if len(reason) > TEXT_MAX:
        raise ObservationError(f"Reason must be {TEXT_MAX:,} characters or fewer", field="reason")

    skills = skills_by_slug(observation.framework_version)
    questions = {q.key: q for q in questions_for(observation.type) if q.skill_slug in skills}
    ratings = {r.skill.slug: r for r in current_ratings(observation)}
    answers = {a.question_key: a for a in current_answers(observation)}

    rating_changes = {}
    for slug, level in data.ratings.items():
        if slug not in skills:
            raise ObservationError(f"Unknown skill: {slug}")
        if level is not None and level not in LEVELS:
            raise ObservationError(f"A level must be 1, 2, 3 or 4 ({slug})")
        old = ratings.get(slug)
        if (old.level if old else None) != level:
            rating_changes[slug] = level
    answer_changes = {}
    for key, answer in data.answers.items():
        if key not in questions:
            raise ObservationError(f"Unknown question: {key}")
        if answer not in ANSWER_LABELS:
            raise ObservationError(f"An answer must be yes, no or not applicable ({key})")
        old_answer = answers.get(key)
        if (old_answer.answer if old_answer else None) != answer:
            answer_changes[key] = answer
    text_changes = {
        name: text.strip()
        for name, text in (
            ("strengths", data.strengths),
            ("development_points", data.development_points),
        )
        if text and text.strip() and text.strip() != (getattr(observation, name) or "")
    }
    for text in text_changes.values():
        if len(text) > TEXT_MAX:
            raise ObservationError(f"Text must be {TEXT_MAX:,} characters or fewer")
    if not (rating_changes or answer_changes or text_changes):
        raise ObservationError(
            "Change at least one rating, answer or piece of text, or cancel the correction"
        )

    amendment = ObservationAmendment(
        observation=observation,
        author=actor,
        reason=amendment_text(reason, text_changes),
        created_at=now,
    )
    db.session.add(amendment)
    for slug in rating_changes:
        if slug in ratings:
            ratings[slug].superseded = True
    for key in answer_changes:
        if key in answers:
            answers[key].superseded = True
    db.session.flush()
    for slug, level in rating_changes.items():
        observation.ratings.append(
            ObservationRating(skill=skills[slug], level=level, amendment=amendment)
        )
    for key, answer in answer_changes.items():
        observation.answers.append(
            AuditAnswer(
                question_key=key,
                skill=skills[questions[key].skill_slug],
                answer=answer,
                amendment_id=amendment.id,
            )
        )
    db.session.flush()

    changed_slugs = sorted(set(rating_changes) | {questions[k].skill_slug for k in answer_changes})
    audit.record(
        actor,
        "observation.amend",
        observation,
        detail={
            "amendment_id": amendment.id,
            "ratings": rating_changes,
            "answers": answer_changes,
            "text": sorted(text_changes),
        },
    )
    if changed_slugs:
        evidence_changed.send(observation.practitioner, skill_slugs=changed_slugs)
    return amendment


TEXT_HEADINGS = {
    "strengths": "Strengths corrected to:",
    "development_points": "Areas for development corrected to:",
}


def amendment_text(reason: str, text_changes: dict[str, str]) -> str:
    """The amendment's record: the reason, then each corrected text under a heading.

    The original text stays on the observation; the detail page shows this under it.
    """
    parts = [reason]
    for name, heading in TEXT_HEADINGS.items():
        if name in text_changes:
            parts.append(f"{heading}\n{text_changes[name]}")
    return "\n\n".join(parts)
