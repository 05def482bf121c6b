"""Use cases for observations: recording, drafts, sharing, and the practitioner's side.

Corrections of shared observations are in ``amendments.py``, feedback from people
on probation in ``feedback.py`` and focus campaigns in ``campaigns.py``. They share
``ObservationError`` and the limits defined here.

Each function takes the actor explicitly, checks the rules again (the forms check
them first, for the messages), flushes, writes the audit log and never commits.
Sharing or amending an observation sends ``evidence_changed`` so that the stored
profiles follow in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User
from learning_app.core import audit
from learning_app.core.events import evidence_changed
from learning_app.core.policy import can_record_evidence_for, manages
from learning_app.core.time import london_date
from learning_app.extensions import db
from learning_app.framework.models import FrameworkVersion, Skill
from learning_app.observations.models import (
    AuditAnswer,
    FocusCampaign,
    Observation,
    ObservationAction,
    ObservationRating,
    ObservationStatus,
    ObservationType,
    RatingReply,
)
from learning_app.observations.queries import (
    current_ratings,
    evidence_slugs,
)
from learning_app.observations.questions import ANSWER_LABELS, questions_for
from learning_app.observations.types import clean_details, missing_details, spec_for

TEXT_MAX = 2000
ACTION_MAX = 500
ACTIONS_MAX = 5
LEVELS = (1, 2, 3, 4)
CASE_REFERENCE_PATTERN = re.compile(r"[A-Z]\d{6}")
CASE_REFERENCE_FORMAT = "Enter a case reference in the correct format, like X123456"
CASE_REFERENCE_LIMITED = (
    "Remove the case reference: a limited access case must not have a case reference"
)


class ObservationError(Exception):
    """A change the rules do not allow; the message is fit to show the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# Inputs --------------------------------------------------------------------------------


@dataclass
class ActionInput:
    text: str
    due_on: date | None = None


@dataclass
class ObservationInput:
    """What the recording form collected.

    ``ratings`` maps skill slugs to a level, or None for "not seen"; a row is kept
    for every skill given, so the skills the form asked about first keep their "not
    seen". ``answers`` maps question keys to yes / no / na (unanswered: left out).
    """

    observed_on: date
    details: dict = field(default_factory=dict)
    ratings: dict[str, int | None] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    strengths: str | None = None
    development_points: str | None = None
    actions: list[ActionInput] = field(default_factory=list)
    case_reference: str | None = None
    limited_access: bool = False


# Checks shared with the forms ---------------------------------------------------------------


def normalise_case_reference(value: str | None) -> str | None:
    """Upper case, no spaces; blank becomes None."""
    if value is None:
        return None
    value = "".join(value.split()).upper()
    return value or None


def case_reference_problem(reference: str | None, limited_access: bool) -> str | None:
    if reference is None:
        return None
    if not CASE_REFERENCE_PATTERN.fullmatch(reference):
        return CASE_REFERENCE_FORMAT
    if limited_access:
        return CASE_REFERENCE_LIMITED
    return None


def observer_role(actor: User, practitioner: User) -> Role:
    """The role the actor records in: SPO for their own team, otherwise QDO."""
    return Role.SPO if manages(actor, practitioner) else Role.QDO


# Recording -------------------------------------------------------------------------------


def record_observation(
    actor: User,
    practitioner: User,
    observation_type: ObservationType,
    data: ObservationInput,
    *,
    version: FrameworkVersion,
    campaign: FocusCampaign | None,
    today: date,
) -> Observation:
    """Save a new observation as a draft that only its observer can see."""
    if not can_record_evidence_for(actor, practitioner):
        raise ObservationError("You cannot record an observation about this person")
    _check(data, today)
    observation = Observation(
        practitioner=practitioner,
        observer=actor,
        observer_role=observer_role(actor, practitioner).value,
        type=ObservationType(observation_type).value,
        status=ObservationStatus.DRAFT.value,
        framework_version=version,
        focus_campaign_id=campaign.id if campaign is not None else None,
        observed_on=data.observed_on,
        details={},
    )
    db.session.add(observation)
    _apply(observation, data)
    audit.record(
        actor,
        "observation.create",
        observation,
        detail={"type": observation.type, "practitioner_id": practitioner.id},
    )
    return observation


def update_draft(actor: User, observation: Observation, data: ObservationInput, today: date):
    """Replace everything in a draft. Only its observer may, and only while a draft."""
    _require_draft_of(actor, observation)
    _check(data, today)
    _apply(observation, data)
    audit.record(actor, "observation.update", observation)


def share_observation(actor: User, observation: Observation, now: datetime) -> list[str]:
    """Share a draft with the practitioner; returns the skills it is evidence for.

    From now on it is never edited in place: corrections are amendments.
    """
    _require_draft_of(actor, observation)
    if not can_record_evidence_for(actor, observation.practitioner):
        raise ObservationError(
            f"You can no longer record observations about {observation.practitioner.name}"
        )
    missing = missing_details(spec_for(observation.type), observation.details)
    if missing:
        raise ObservationError(missing[0].required_message, field=missing[0].field_name)
    slugs = evidence_slugs(observation)
    if not slugs:
        raise ObservationError(
            "Rate at least one skill you saw, or answer at least one question, "
            "before you share the observation"
        )
    observation.status = ObservationStatus.SHARED.value
    observation.shared_at = now
    db.session.flush()
    audit.record(actor, "observation.share", observation, detail={"skills": slugs})
    evidence_changed.send(observation.practitioner, skill_slugs=slugs)
    return slugs


def _require_draft_of(actor: User, observation: Observation) -> None:
    if observation.observer_id != actor.id:
        raise ObservationError("Only the person who recorded an observation can change it")
    if not observation.is_draft:
        raise ObservationError(
            "This observation has been shared, so it cannot be changed. Make a correction instead"
        )


def _check(data: ObservationInput, today: date) -> None:
    if data.observed_on > today:
        raise ObservationError("Date observed must be today or in the past", field="observed_on")
    for slug, level in data.ratings.items():
        if level is not None and level not in LEVELS:
            raise ObservationError(f"A level must be 1, 2, 3 or 4 ({slug})")
    for key, answer in data.answers.items():
        if answer not in ANSWER_LABELS:
            raise ObservationError(f"An answer must be yes, no or not applicable ({key})")
    for text in (data.strengths, data.development_points):
        if text and len(text) > TEXT_MAX:
            raise ObservationError(f"Text must be {TEXT_MAX:,} characters or fewer")
    if len(data.actions) > ACTIONS_MAX:
        raise ObservationError(f"Add no more than {ACTIONS_MAX} actions")
    for action in data.actions:
        if not action.text or len(action.text) > ACTION_MAX:
            raise ObservationError(f"An action must be 1 to {ACTION_MAX} characters")
    problem = case_reference_problem(data.case_reference, data.limited_access)
    if problem:
        raise ObservationError(problem, field="case_reference")


def skills_by_slug(version: FrameworkVersion) -> dict[str, Skill]:
    """The version's skills by slug (shared with ``amendments``)."""
    return {s.slug: s for s in version.skills}


def _apply(observation: Observation, data: ObservationInput) -> None:
    """Write the form's content into a draft, replacing ratings, answers and actions."""
    spec = spec_for(observation.type)
    skills = skills_by_slug(observation.framework_version)
    questions = {q.key: q for q in questions_for(observation.type) if q.skill_slug in skills}
    unknown = [slug for slug in data.ratings if slug not in skills]
    unknown += [key for key in data.answers if key not in questions]
    if unknown:
        raise ObservationError(f"Unknown skill or question: {', '.join(unknown)}")

    observation.observed_on = data.observed_on
    observation.details = clean_details(spec, data.details)
    observation.strengths = data.strengths or None
    observation.development_points = data.development_points or None
    observation.case_reference = data.case_reference
    observation.limited_access = data.limited_access

    # Drafts are not evidence yet: their rows are replaced, not superseded. The old
    # rows go first, so the unique "current row" indexes never see two at once.
    observation.ratings.clear()
    observation.answers.clear()
    observation.actions.clear()
    db.session.flush()
    for slug, level in data.ratings.items():
        observation.ratings.append(ObservationRating(skill=skills[slug], level=level))
    for key, answer in data.answers.items():
        observation.answers.append(
            AuditAnswer(question_key=key, skill=skills[questions[key].skill_slug], answer=answer)
        )
    for action in data.actions:
        observation.actions.append(ObservationAction(text=action.text, due_on=action.due_on))
    db.session.flush()


# The practitioner's side -------------------------------------------------------------------------


def _require_about(observation: Observation, practitioner: User) -> None:
    if observation.practitioner_id != practitioner.id or observation.is_draft:
        raise ObservationError("This observation is not shared with you")


def acknowledge(observation: Observation, practitioner: User, now: datetime) -> None:
    """The practitioner has read the observation: it closes today.

    Acknowledging twice changes nothing.
    """
    _require_about(observation, practitioner)
    if observation.status == ObservationStatus.ACKNOWLEDGED.value:
        return
    observation.status = ObservationStatus.ACKNOWLEDGED.value
    observation.acknowledged_at = now
    observation.closed_on = london_date(now)
    db.session.flush()
    audit.record(practitioner, "observation.acknowledge", observation)


def add_reflection(observation: Observation, practitioner: User, text: str) -> None:
    """Add (or replace) the practitioner's own reflection on the observation."""
    _require_about(observation, practitioner)
    text = (text or "").strip()
    if not text:
        raise ObservationError("Enter your reflection", field="reflection")
    if len(text) > TEXT_MAX:
        raise ObservationError(
            f"Reflection must be {TEXT_MAX:,} characters or fewer", field="reflection"
        )
    observation.practitioner_reflection = text
    db.session.flush()
    audit.record(practitioner, "observation.reflect", observation)


def reply_to_rating(
    observation: Observation,
    practitioner: User,
    skill: Skill | str,
    reason: str,
    now: datetime,
) -> RatingReply:
    """Record that the practitioner disagrees with one rating, and why (one per skill)."""
    _require_about(observation, practitioner)
    slug = skill if isinstance(skill, str) else skill.slug
    rating = next(
        (r for r in current_ratings(observation) if r.skill.slug == slug and r.level), None
    )
    if rating is None:
        raise ObservationError("You can only reply to a skill that was given a level")
    if any(r.skill_id == rating.skill_id for r in observation.replies):
        raise ObservationError("You have already replied to this rating")
    reason = (reason or "").strip()
    if not reason:
        raise ObservationError("Enter why you disagree with the rating", field="reason")
    if len(reason) > TEXT_MAX:
        raise ObservationError(f"Reason must be {TEXT_MAX:,} characters or fewer", field="reason")
    reply = RatingReply(observation=observation, skill=rating.skill, reason=reason, created_at=now)
    db.session.add(reply)
    db.session.flush()
    audit.record(
        practitioner, "observation.reply", observation, detail={"skill": slug, "reply_id": reply.id}
    )
    return reply
