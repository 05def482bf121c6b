"""Evidence for the page tests, written as rows the way the evidence services leave them,
then ``evidence_changed`` is sent so the profiles package updates the stored profiles.

Shared by ``tests/development`` and ``tests/team``. Dates are relative to today,
because the pages read "today" from the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from learning_app.accounts.models import User
from learning_app.assessments.models import SelfAssessment
from learning_app.core.events import evidence_changed
from learning_app.observations.models import (
    FeedbackResponse,
    Observation,
    ObservationStatus,
    ObservationType,
)
from tests.evidence_helpers import EvidenceRows, days_ago, noon

__all__ = ["Evidence", "days_ago", "noon"]


class Evidence(EvidenceRows):
    """Writes self-assessments, observations and feedback; keeps profiles current."""

    def changed(self, practitioner: User) -> None:
        evidence_changed.send(practitioner, skill_slugs=None, as_of=date.today())

    def self_assessment(
        self, practitioner: User, levels: Mapping[str, int], submitted_on: date | None = None
    ) -> SelfAssessment:
        assessment = self.add_self_assessment(
            practitioner, levels, submitted_on=submitted_on or days_ago(10)
        )
        self.changed(practitioner)
        return assessment

    def observation(
        self,
        practitioner: User,
        observer: User,
        observed_on: date | None = None,
        ratings: Mapping[str, int | None] | None = None,
        answers: Iterable[tuple[str, str, str]] = (),
        type: ObservationType = ObservationType.SUPERVISION,
        status: ObservationStatus = ObservationStatus.SHARED,
        actions: Iterable[tuple[str, date | None]] = (),
        **fields: Any,
    ) -> Observation:
        """An observation; ``answers`` are (question key, skill slug, yes|no|na)."""
        observed_on = observed_on or days_ago(20)
        status = ObservationStatus(status)
        fields.setdefault("strengths", "Clear, structured session plan.")
        fields.setdefault("development_points", "Check police domestic abuse information sooner.")
        if status == ObservationStatus.ACKNOWLEDGED:
            fields.setdefault("acknowledged_at", noon(observed_on))
        observation = self.add_observation(
            practitioner, observer, observed_on, ratings, answers, type, status, actions, **fields
        )
        if status != ObservationStatus.DRAFT:
            self.changed(practitioner)
        return observation

    def feedback(self, practitioner: User, entered_by: User, count: int) -> None:
        for n in range(count):
            self.session.add(
                FeedbackResponse(
                    practitioner_id=practitioner.id,
                    entered_by_id=entered_by.id,
                    received_on=days_ago(5 + n),
                    channel="paper",
                    listened_to="yes",
                    views_considered="yes" if n % 2 else "no",
                    felt_safe="yes",
                )
            )
        self.session.flush()
