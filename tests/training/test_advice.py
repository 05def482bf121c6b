"""Recommendations for real practitioners: the published framework, the default catalogue,
stored profiles, completions in plans and the latest self-assessment's preferences."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from learning_app.profiles.models import SkillProfileRecord
from learning_app.training.advice import recommendations_for
from learning_app.training.catalogue import (
    DEFAULT_CATALOGUE_PATH,
    load_catalogue,
    read_catalogue_file,
)
from learning_app.training.models import (
    DeliveryMode,
    PlanItem,
    PlanSource,
    PlanStatus,
    TrainingModule,
)
from tests.development.evidence import Evidence, days_ago
from tests.evidence_helpers import EvidenceRows

TODAY = date.today()


def default_catalogue(session) -> dict[str, TrainingModule]:
    """The default catalogue, loaded; modules by code. Needs a published framework."""
    load_catalogue(read_catalogue_file(DEFAULT_CATALOGUE_PATH), actor=None)
    session.flush()
    return {m.code: m for m in session.scalars(select(TrainingModule))}


@pytest.fixture
def catalogue(db_session, published_framework):
    return default_catalogue(db_session)


def gap(session, practitioner, slug: str, level: float, target: int) -> SkillProfileRecord:
    """A stored profile row below target, with enough evidence to be trained."""
    record = SkillProfileRecord(
        practitioner_id=practitioner.id,
        skill_slug=slug,
        level=level,
        observed_level=level,
        evidence_count=2,
        evidence_gap=False,
        target=target,
        gap=target - level,
        as_of=TODAY,
    )
    session.add(record)
    session.flush()
    return record


def codes(practitioner) -> list[str]:
    return [r.module_code for r in recommendations_for(practitioner.id, TODAY).items]


def completed(session, practitioner, module, on: date) -> None:
    session.add(
        PlanItem(
            practitioner_id=practitioner.id,
            module_id=module.id,
            status=PlanStatus.COMPLETED,
            source=PlanSource.CHOSEN,
            completed_on=on,
            usefulness=4,
        )
    )
    session.flush()


def test_a_risk_critical_gap_from_real_evidence_gets_an_in_person_module(
    db_session, factories, published_framework, catalogue
):
    team = factories.team()
    spo = factories.spo(team)
    practitioner = factories.user(team=team, qualified_on=date(2024, 1, 1))
    evidence = Evidence(db_session, published_framework)
    evidence.observation(practitioner, spo, days_ago(20), ratings={"rosh-analysis": 1})
    evidence.observation(practitioner, spo, days_ago(40), ratings={"rosh-analysis": 1})

    recs = recommendations_for(practitioner.id, TODAY)

    assert [r.module_code for r in recs.items] == ["PL-05"]
    assert catalogue["PL-05"].mode.in_person
    assert recs.items[0].reason.startswith("For Risk of serious harm analysis (now 1.0, target 3)")
    assert "face-to-face because this skill keeps people safe" in recs.items[0].reason


def test_a_skill_with_too_little_evidence_asks_for_an_observation(
    db_session, factories, published_framework, catalogue
):
    team = factories.team()
    spo = factories.spo(team)
    practitioner = factories.user(team=team, qualified_on=date(2024, 1, 1))
    Evidence(db_session, published_framework).observation(
        practitioner, spo, days_ago(20), ratings={"rosh-analysis": 1}
    )

    recs = recommendations_for(practitioner.id, TODAY)

    assert "PL-05" not in [r.module_code for r in recs.items]
    assert "rosh-analysis" in [r.slug for r in recs.observe_first]


def test_every_risk_critical_gap_gets_an_in_person_module(db_session, factories, catalogue):
    practitioner = factories.user()
    for slug in ("rosh-analysis", "professional-curiosity", "multi-agency-working"):
        gap(db_session, practitioner, slug, 2.0, 3)

    chosen = [catalogue[code] for code in codes(practitioner)]

    for slug in ("rosh-analysis", "professional-curiosity", "multi-agency-working"):
        assert any(m.mode.in_person and slug in {s.skill_slug for s in m.skills} for m in chosen)


def test_a_module_completed_in_the_last_12_months_is_not_recommended_again(
    db_session, factories, catalogue
):
    practitioner = factories.user()
    gap(db_session, practitioner, "rosh-analysis", 1.0, 3)
    assert codes(practitioner) == ["PL-05"]

    completed(db_session, practitioner, catalogue["PL-05"], TODAY - timedelta(days=60))

    assert "PL-05" not in codes(practitioner)


def test_a_module_completed_over_a_year_ago_can_be_recommended_again(
    db_session, factories, catalogue
):
    practitioner = factories.user()
    gap(db_session, practitioner, "rosh-analysis", 1.0, 3)
    completed(db_session, practitioner, catalogue["PL-05"], TODAY - timedelta(days=400))

    assert codes(practitioner) == ["PL-05"]


def preferences(session, version, practitioner, prefs: list[str], submitted_on: date | None):
    assessment = EvidenceRows(session, version).add_self_assessment(practitioner, {}, submitted_on)
    assessment.learning_preferences = prefs
    session.flush()


@pytest.mark.parametrize(
    ("prefs", "first"),
    [(["online"], "PL-23"), (["face_to_face"], "PL-01")],
)
def test_learning_preferences_break_ties(
    db_session, factories, published_framework, catalogue, prefs, first
):
    practitioner = factories.user()
    gap(db_session, practitioner, "reflective-practice", 1.0, 2)
    preferences(db_session, published_framework, practitioner, prefs, days_ago(5))

    recs = recommendations_for(practitioner.id, TODAY)

    assert [r.module_code for r in recs.items] == [first]
    assert "as you prefer" in recs.items[0].reason


def test_the_latest_submitted_self_assessment_gives_the_preferences(
    db_session, factories, published_framework, catalogue
):
    practitioner = factories.user()
    gap(db_session, practitioner, "reflective-practice", 1.0, 2)
    preferences(db_session, published_framework, practitioner, ["online"], days_ago(200))
    preferences(db_session, published_framework, practitioner, ["face_to_face"], days_ago(10))
    preferences(db_session, published_framework, practitioner, ["online"], None)  # a draft

    # Without preferences (or with the older or draft ones) the shorter e-learning PL-23 wins.
    assert codes(practitioner) == ["PL-01"]
    assert catalogue["PL-01"].delivery_mode == DeliveryMode.BLENDED


def test_no_gaps_means_no_recommendations(db_session, factories, catalogue):
    practitioner = factories.user()

    recs = recommendations_for(practitioner.id, TODAY)

    assert (recs.items, recs.observe_first, recs.unmet) == ([], [], [])
