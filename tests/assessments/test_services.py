"""The self-assessment services, called directly with pinned dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from learning_app.assessments import queries, services
from learning_app.assessments.models import SelfAssessment
from learning_app.core.audit import AuditEvent
from learning_app.core.events import evidence_changed
from tests.assessments.conftest import TODAY

NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)


@pytest.fixture
def sa(db_session, framework, practitioner) -> SelfAssessment:
    return services.start_self_assessment(practitioner, TODAY)


def _rate_all(sa: SelfAssessment, level: int = 3) -> None:
    for domain in sa.framework_version.domains:
        services.save_domain_answers(
            sa, domain.code, {s.slug: (level, None, None) for s in domain.skills}
        )


def test_start_uses_the_published_framework_and_is_idempotent(sa, framework, practitioner):
    assert sa.framework_version_id == framework.id
    assert sa.status == "draft" and sa.cycle_id is None
    assert services.start_self_assessment(practitioner, TODAY) is sa


def test_start_without_a_framework_is_refused(db_session, practitioner):
    with pytest.raises(services.SelfAssessmentError, match="no skills framework"):
        services.start_self_assessment(practitioner, TODAY)


def test_partial_answers_are_saved_and_can_be_cleared(db_session, sa):
    domain = sa.framework_version.domains[0]
    first, second = domain.skills[0], domain.skills[1]
    services.save_domain_answers(
        sa,
        domain.code.lower(),
        {first.slug: (2, "high", "  Needs work  "), second.slug: (4, None, None)},
    )
    ratings = queries.ratings_by_skill(sa)
    assert (ratings[first.id].level, ratings[first.id].confidence, ratings[first.id].comment) == (
        2,
        "high",
        "Needs work",
    )
    services.save_domain_answers(sa, domain.code, {second.slug: (None, None, None)})
    ratings = queries.ratings_by_skill(sa)
    assert second.id not in ratings and first.id in ratings
    progress = queries.domain_progress(sa)[0]
    assert (progress.rated, progress.status) == (1, queries.TaskStatus.IN_PROGRESS)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((5, None, None), "Select a level"),
        ((0, None, None), "Select a level"),
        ((True, None, None), "Select a level"),
        ((3, "huge", None), "Select how confident"),
        ((3, None, "x" * 1001), "1000 characters or fewer"),
        ((None, "low", None), "or remove your confidence and comment"),
    ],
)
def test_bad_answers_are_refused(db_session, sa, answer, message):
    domain = sa.framework_version.domains[0]
    with pytest.raises(services.SelfAssessmentError, match=message):
        services.save_domain_answers(sa, domain.code, {domain.skills[0].slug: answer})
    assert sa.ratings == []


def test_skills_of_another_domain_and_unknown_domains_are_refused(db_session, sa):
    first, second = sa.framework_version.domains[:2]
    with pytest.raises(services.SelfAssessmentError, match="not in"):
        services.save_domain_answers(sa, first.code, {second.skills[0].slug: (3, None, None)})
    with pytest.raises(services.SelfAssessmentError, match="no domain"):
        services.save_domain_answers(sa, "Z", {})


def test_learning_preferences_keep_a_stable_order_and_refuse_unknown_values(db_session, sa):
    services.save_learning_preferences(sa, ["shadowing", "online"])
    assert sa.learning_preferences == ["online", "shadowing"]
    with pytest.raises(services.SelfAssessmentError):
        services.save_learning_preferences(sa, ["online", "osmosis"])
    assert sa.learning_preferences == ["online", "shadowing"]


def test_submit_refuses_an_incomplete_self_assessment(db_session, sa):
    domain = sa.framework_version.domains[0]
    services.save_domain_answers(sa, domain.code, {s.slug: (3, None, None) for s in domain.skills})
    with pytest.raises(services.SelfAssessmentError, match="Rate every skill"):
        services.submit(sa, NOW)
    assert sa.status == "draft" and sa.submitted_at is None


def test_submit_freezes_it_and_tells_the_profiles(db_session, sa, practitioner):
    _rate_all(sa)
    calls = []

    def receiver(sender, **kwargs):
        calls.append((sender, kwargs))

    with evidence_changed.connected_to(receiver):
        services.submit(sa, NOW)
    assert calls == [(practitioner, {"skill_slugs": None})]
    assert sa.status == "submitted" and sa.submitted_at == NOW

    with pytest.raises(services.SelfAssessmentError, match="already submitted"):
        services.submit(sa, NOW)
    domain = sa.framework_version.domains[0]
    with pytest.raises(services.SelfAssessmentError, match="can no longer be changed"):
        services.save_domain_answers(sa, domain.code, {domain.skills[0].slug: (1, None, None)})
    with pytest.raises(services.SelfAssessmentError, match="can no longer be changed"):
        services.save_learning_preferences(sa, ["online"])
    assert {r.level for r in sa.ratings} == {3}
    assert calls == [(practitioner, {"skill_slugs": None})]

    event = db_session.scalar(
        select(AuditEvent).where(AuditEvent.action == "self_assessment.submit")
    )
    assert event.actor_id == practitioner.id and event.object_id == str(sa.id)

    # A new one can be started once the last is submitted.
    assert services.start_self_assessment(practitioner, TODAY) is not sa
