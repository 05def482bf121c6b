"""Fixtures for the profile tests: a published framework and a way to write evidence.

Evidence is written straight into the tables here (the evidence services belong to
other packages); tests then send ``evidence_changed`` as those services do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import pytest

from learning_app.accounts.models import User
from learning_app.assessments.models import SelfAssessment
from learning_app.framework.models import FrameworkVersion
from learning_app.observations.models import (
    AuditAnswer,
    Observation,
    ObservationAmendment,
    ObservationRating,
)
from tests.evidence_helpers import EvidenceRows, noon

AS_OF = date(2026, 11, 23)


class EvidenceWriter(EvidenceRows):
    """Writes self-assessments, observations, audit answers and amendments as rows."""

    def __init__(self, session, version: FrameworkVersion) -> None:
        super().__init__(session, version)
        self.slug_of: dict[int, str] = {skill.id: skill.slug for skill in version.skills}

    def self_assessment(
        self,
        practitioner: User,
        levels: Mapping[str, int],
        submitted_on: date | None = AS_OF,
    ) -> SelfAssessment:
        """A self-assessment, submitted on ``submitted_on`` (None: a draft)."""
        return self.add_self_assessment(practitioner, levels, submitted_on)

    observation = EvidenceRows.add_observation

    def amend(
        self,
        observation: Observation,
        author: User,
        ratings: Mapping[str, int | None] | None = None,
        answers: Iterable[tuple[str, str, str]] = (),
        on: date = AS_OF,
    ) -> ObservationAmendment:
        """Supersede some ratings and answers with new ones, as an amendment does."""
        amendment = ObservationAmendment(
            observation=observation, author_id=author.id, reason="Corrected", created_at=noon(on)
        )
        self.session.add(amendment)
        ratings = dict(ratings or {})
        answers = list(answers)
        skill_ids = {self.skills[slug].id for slug in ratings}
        keys = {key for key, _slug, _answer in answers}
        for rating in observation.ratings:
            if not rating.superseded and rating.skill_id in skill_ids:
                rating.superseded = True
        for answer in observation.answers:
            if not answer.superseded and answer.question_key in keys:
                answer.superseded = True
        # The partial unique indexes allow one current row: retire the old ones first.
        self.session.flush()
        for slug, level in ratings.items():
            observation.ratings.append(
                ObservationRating(skill_id=self.skills[slug].id, level=level, amendment=amendment)
            )
        for key, slug, answer in answers:
            observation.answers.append(
                AuditAnswer(
                    question_key=key,
                    skill_id=self.skills[slug].id,
                    answer=answer,
                    amendment_id=amendment.id,
                )
            )
        self.session.flush()
        return amendment


@pytest.fixture
def evidence(db_session, framework) -> EvidenceWriter:
    return EvidenceWriter(db_session, framework)
