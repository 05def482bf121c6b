"""Use cases for feedback from people on probation: anonymous questionnaires about a
practitioner, entered by their SPO or QDO.

Like ``services.py``: the actor is explicit; flush, audit, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from learning_app.accounts.models import User
from learning_app.core import audit
from learning_app.core.policy import can_record_evidence_for
from learning_app.extensions import db
from learning_app.observations.models import FEEDBACK_ITEMS, FeedbackResponse
from learning_app.observations.services import TEXT_MAX, ObservationError

FEEDBACK_CHANNELS = (
    ("paper", "Paper form"),
    ("online", "Online form"),
    ("in_person", "In person"),
    ("phone", "Phone"),
)


@dataclass
class FeedbackInput:
    received_on: date
    channel: str
    answers: dict[str, str | None] = field(default_factory=dict)
    comment: str | None = None


def record_feedback(
    actor: User, practitioner: User, data: FeedbackInput, today: date
) -> FeedbackResponse:
    """Save one anonymous questionnaire about a practitioner."""
    if not can_record_evidence_for(actor, practitioner):
        raise ObservationError("You cannot enter feedback about this person")
    if data.received_on > today:
        raise ObservationError("Date received must be today or in the past", field="received_on")
    if data.channel not in dict(FEEDBACK_CHANNELS):
        raise ObservationError("Select how the feedback was given", field="channel")
    keys = {key for key, _label in FEEDBACK_ITEMS}
    if set(data.answers) - keys or any(v not in (None, "yes", "no") for v in data.answers.values()):
        raise ObservationError("Answers must be yes, no or prefer not to say")
    comment = (data.comment or "").strip() or None
    if comment and len(comment) > TEXT_MAX:
        raise ObservationError(f"Comment must be {TEXT_MAX:,} characters or fewer", field="comment")
    response = FeedbackResponse(
        practitioner_id=practitioner.id,
        entered_by_id=actor.id,
        received_on=data.received_on,
        channel=data.channel,
        comment=comment,
        **{key: data.answers.get(key) for key in keys},
    )
    db.session.add(response)
    db.session.flush()
    # The answers are anonymous and stay out of the log.
    audit.record(actor, "feedback.create", response, detail={"practitioner_id": practitioner.id})
    return response
