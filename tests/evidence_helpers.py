"""Evidence written straight into the tables, the way the evidence services leave it.

Shared by the profile tests (``tests/profiles``, on a fixed date) and the page tests
(``tests/development`` and ``tests/team``, relative to today, and sending
``evidence_changed``). Also the default framework, parsed once per test session.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from learning_app.accounts.models import User
from learning_app.assessments.models import SelfAssessment, SelfRating
from learning_app.framework.loader import (
    DEFAULT_FRAMEWORK_PATH,
    load_framework,
    parse_framework_file,
)
from learning_app.framework.models import FrameworkVersion, Skill
from learning_app.framework.services import publish_version
from learning_app.observations.models import (
    AuditAnswer,
    Observation,
    ObservationAction,
    ObservationRating,
    ObservationStatus,
    ObservationType,
)


@cache
def framework_document() -> dict[str, Any]:
    """The default framework file, parsed once per test session."""
    return parse_framework_file(DEFAULT_FRAMEWORK_PATH)


def publish_default_framework() -> FrameworkVersion:
    """The default framework, loaded and published."""
    version = load_framework(framework_document())
    publish_version(version, None)
    return version


def days_ago(days: int) -> date:
    return date.today() - timedelta(days=days)


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


class EvidenceRows:
    """Writes self-assessments and observations as rows of one framework version."""

    def __init__(self, session, version: FrameworkVersion) -> None:
        self.session = session
        self.version = version
        self.skills: dict[str, Skill] = {skill.slug: skill for skill in version.skills}

    def add_self_assessment(
        self, practitioner: User, levels: Mapping[str, int], submitted_on: date | None
    ) -> SelfAssessment:
        """A self-assessment, submitted on ``submitted_on`` (None: a draft)."""
        assessment = SelfAssessment(
            practitioner_id=practitioner.id,
            framework_version_id=self.version.id,
            status="draft" if submitted_on is None else "submitted",
            submitted_at=None if submitted_on is None else noon(submitted_on),
            learning_preferences=[],
            ratings=[
                SelfRating(skill_id=self.skills[slug].id, level=level)
                for slug, level in levels.items()
            ],
        )
        self.session.add(assessment)
        self.session.flush()
        return assessment

    def add_observation(
        self,
        practitioner: User,
        observer: User,
        observed_on: date,
        ratings: Mapping[str, int | None] | None = None,
        answers: Iterable[tuple[str, str, str]] = (),
        type: ObservationType = ObservationType.SUPERVISION,
        status: ObservationStatus = ObservationStatus.SHARED,
        actions: Iterable[tuple[str, date | None]] = (),
        **fields: Any,
    ) -> Observation:
        """An observation; ``answers`` are (question key, skill slug, yes|no|na)."""
        status, type = ObservationStatus(status), ObservationType(type)
        observation = Observation(
            practitioner_id=practitioner.id,
            observer_id=observer.id,
            observer_role="spo",
            type=type.value,
            observed_on=observed_on,
            status=status.value,
            framework_version_id=self.version.id,
            details={},
            shared_at=None if status == ObservationStatus.DRAFT else noon(observed_on),
            ratings=[
                ObservationRating(skill_id=self.skills[slug].id, level=level)
                for slug, level in (ratings or {}).items()
            ],
            answers=[
                AuditAnswer(question_key=key, skill_id=self.skills[slug].id, answer=answer)
                for key, slug, answer in answers
            ],
            actions=[ObservationAction(text=text, due_on=due) for text, due in actions],
            **fields,
        )
        self.session.add(observation)
        self.session.flush()
        return observation
