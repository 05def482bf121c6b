"""Stored profiles: what evidence counts, and keeping them current when it changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Band, Grade, Role
from learning_app.core.events import evidence_changed
from learning_app.extensions import db
from learning_app.observations.models import ObservationStatus, ObservationType
from learning_app.profiles.calculation import Rating, build_profile, months_before
from learning_app.profiles.evidence import evidence_for
from learning_app.profiles.models import SkillProfileRecord
from learning_app.profiles.services import connect_signals, refresh_profiles
from tests.profiles.conftest import AS_OF

SAFEGUARDING = "safeguarding-enquiries"
COURT = "court-reports"


@pytest.fixture
def team(factories):
    return factories.team()


@pytest.fixture
def observer(factories, team):
    return factories.spo(team)


@pytest.fixture
def practitioner(factories, team):
    return factories.user(team=team, grade=Grade.PO, qualified_on=date(2015, 6, 1))


def _stored(practitioner, slug) -> SkillProfileRecord | None:
    return db.session.get(SkillProfileRecord, (practitioner.id, slug))


def days_ago(n: int) -> date:
    return AS_OF - timedelta(days=n)


def test_every_kind_of_evidence_counts_and_nothing_else(evidence, practitioner, observer):
    evidence.self_assessment(practitioner, {SAFEGUARDING: 4}, submitted_on=days_ago(30))
    evidence.observation(practitioner, observer, days_ago(60), {SAFEGUARDING: 2, COURT: None})
    evidence.observation(
        practitioner,
        observer,
        days_ago(240),
        {SAFEGUARDING: 3},
        status=ObservationStatus.ACKNOWLEDGED,
    )
    evidence.observation(
        practitioner,
        observer,
        days_ago(90),
        type=ObservationType.CASE_AUDIT,
        answers=[("csc_enquiry", SAFEGUARDING, "no"), ("hub_used", SAFEGUARDING, "na")],
    )
    # Not evidence: a draft, and a rating an amendment replaced.
    evidence.observation(
        practitioner, observer, days_ago(10), {SAFEGUARDING: 4}, status=ObservationStatus.DRAFT
    )
    corrected = evidence.observation(practitioner, observer, days_ago(20), {SAFEGUARDING: 4})
    evidence.amend(corrected, observer, {SAFEGUARDING: 1})

    records = refresh_profiles(practitioner, as_of=AS_OF)

    skill = evidence.skills[SAFEGUARDING]
    expected = build_profile(
        self_level=4,
        ratings=[
            Rating(days_ago(60), 2),
            Rating(days_ago(240), 3),
            Rating(days_ago(90), 1),
            Rating(days_ago(20), 1),
        ],
        target=skill.target_for(Band.EXPERIENCED),
        risk_critical=True,
        as_of=AS_OF,
    )
    record = {r.skill_slug: r for r in records}[SAFEGUARDING]
    assert record.self_level == 4
    assert record.observed_level == pytest.approx(expected.observed_level)
    assert record.evidence_count == 4 and not record.evidence_gap
    assert record.latest_evidence_on == days_ago(20)
    assert record.target == skill.target_for(Band.EXPERIENCED) == 3
    assert record.gap == pytest.approx(expected.gap) and record.gap > 0
    assert record.priority == pytest.approx(2 * record.gap)
    assert record.blind_spot and not record.under_confidence and not record.self_reported
    assert record.as_of == AS_OF
    # "Not seen" is no rating: court reports has no evidence at all.
    court = {r.skill_slug: r for r in records}[COURT]
    assert court.observed_level is None and court.evidence_count == 0 and court.evidence_gap
    # One row per skill of the published framework, stored.
    assert [r.skill_slug for r in records] == [s.slug for s in evidence.version.skills]
    assert _stored(practitioner, SAFEGUARDING) is record


def test_the_latest_submitted_self_assessment_gives_the_self_level(evidence, practitioner):
    evidence.self_assessment(practitioner, {SAFEGUARDING: 2, COURT: 2}, submitted_on=days_ago(400))
    evidence.self_assessment(practitioner, {SAFEGUARDING: 3}, submitted_on=days_ago(100))
    # Neither a draft nor one submitted after the day calculated counts.
    evidence.self_assessment(practitioner, {SAFEGUARDING: 1}, submitted_on=None)
    evidence.self_assessment(practitioner, {SAFEGUARDING: 4}, submitted_on=AS_OF + timedelta(1))

    refresh_profiles(practitioner, as_of=AS_OF)

    assert _stored(practitioner, SAFEGUARDING).self_level == 3
    # A skill the latest one did not rate keeps its latest self-rating.
    assert _stored(practitioner, COURT).self_level == 2
    court = _stored(practitioner, COURT)
    assert court.level == 2 and court.self_reported


def test_a_self_assessment_counts_from_the_uk_day_it_was_submitted(
    db_session, evidence, practitioner
):
    assessment = evidence.self_assessment(practitioner, {COURT: 3})
    # 23:30 UTC on 30 June is 00:30 on 1 July in the UK (British Summer Time).
    assessment.submitted_at = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    db_session.flush()

    assert refresh_profiles(practitioner, [COURT], as_of=date(2026, 6, 30))[0].self_level is None
    assert refresh_profiles(practitioner, [COURT], as_of=date(2026, 7, 1))[0].self_level == 3


def test_ratings_older_than_18_months_only_date_the_latest_evidence(
    evidence, practitioner, observer
):
    old = months_before(AS_OF, 18) - timedelta(days=1)
    older = old - timedelta(days=200)
    evidence.observation(practitioner, observer, older, {SAFEGUARDING: 4})
    evidence.observation(practitioner, observer, old, {SAFEGUARDING: 1})
    evidence.self_assessment(practitioner, {SAFEGUARDING: 2}, submitted_on=days_ago(5))

    inputs = evidence_for(practitioner.id, AS_OF)[SAFEGUARDING]
    record = refresh_profiles(practitioner, [SAFEGUARDING], as_of=AS_OF)[0]

    # Only the latest old rating is read: it is all the rules need of them.
    assert inputs.ratings == [Rating(old, 1)]
    assert record.observed_level is None and record.level == 2 and record.self_reported
    assert record.latest_evidence_on == old and record.evidence_gap


def test_target_follows_the_experience_band_on_the_day(factories, evidence, team):
    trainee = factories.user(team=team, grade=Grade.PQIP)
    new_po = factories.user(team=team, grade=Grade.PO, qualified_on=AS_OF - timedelta(days=200))
    other = factories.user(team=team, grade=Grade.OTHER)
    skill = evidence.skills[SAFEGUARDING]
    for person in (trainee, new_po, other):
        evidence.self_assessment(person, {SAFEGUARDING: 1})
        refresh_profiles(person, [SAFEGUARDING], as_of=AS_OF)

    assert _stored(trainee, SAFEGUARDING).target == skill.target_for(Band.TRAINEE)
    assert _stored(new_po, SAFEGUARDING).target == skill.target_for(Band.NEW)
    # No band, no target, no gap.
    no_band = _stored(other, SAFEGUARDING)
    assert no_band.target is None and no_band.gap == 0 and no_band.priority == 0


def test_refreshing_some_skills_leaves_the_others_alone(evidence, practitioner, observer):
    refresh_profiles(practitioner, as_of=AS_OF - timedelta(days=1))
    evidence.observation(practitioner, observer, days_ago(3), {SAFEGUARDING: 1, COURT: 2})

    records = refresh_profiles(practitioner, [SAFEGUARDING, "no-such-skill"], as_of=AS_OF)

    assert [r.skill_slug for r in records] == [SAFEGUARDING]
    assert _stored(practitioner, SAFEGUARDING).observed_level == 1
    court = _stored(practitioner, COURT)
    assert court.observed_level is None and court.as_of == AS_OF - timedelta(days=1)


def test_a_full_refresh_removes_skills_the_framework_no_longer_has(
    db_session, evidence, practitioner
):
    db_session.add(
        SkillProfileRecord(
            practitioner_id=practitioner.id, skill_slug="retired-skill", as_of=AS_OF, gap=0
        )
    )
    db_session.flush()

    refresh_profiles(practitioner, as_of=AS_OF)

    assert _stored(practitioner, "retired-skill") is None
    assert len(db_session.scalars(select(SkillProfileRecord)).all()) == len(evidence.skills)


def test_evidence_changed_updates_profiles_in_the_same_transaction(
    evidence, practitioner, observer
):
    evidence.observation(practitioner, observer, days_ago(2), {SAFEGUARDING: 2})

    evidence_changed.send(practitioner, skill_slugs=[SAFEGUARDING], as_of=AS_OF)

    record = _stored(practitioner, SAFEGUARDING)
    assert record.observed_level == 2 and record.as_of == AS_OF
    assert _stored(practitioner, COURT) is None  # only the skills named


def test_evidence_changed_defaults_to_today_and_every_skill(evidence, practitioner):
    evidence.self_assessment(practitioner, {COURT: 3})

    evidence_changed.send(practitioner)

    assert _stored(practitioner, COURT).self_level == 3
    assert _stored(practitioner, SAFEGUARDING) is not None


def test_users_who_are_not_practitioners_get_no_profile(factories, evidence, team):
    spo = factories.spo(team)
    evidence_changed.send(spo, skill_slugs=None, as_of=AS_OF)
    evidence_changed.send("not a user", skill_slugs=None)
    assert _stored(spo, SAFEGUARDING) is None


def test_connecting_twice_subscribes_once():
    connect_signals()
    before = len(evidence_changed.receivers)
    connect_signals()
    assert len(evidence_changed.receivers) == before


def test_nothing_is_stored_before_a_framework_is_published(db_session, factories):
    practitioner = factories.user(role=Role.PRACTITIONER)
    assert refresh_profiles(practitioner, as_of=AS_OF) == []
    evidence_changed.send(practitioner, skill_slugs=None, as_of=AS_OF)
    assert db_session.scalars(select(SkillProfileRecord)).all() == []
