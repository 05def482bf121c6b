"""``flask seed-demo`` evidence: 18 months of self-assessments, observations and audits.

Seeding takes a few seconds, so the module seeds once, in its own transaction that is
rolled back at the end, and each test reads the result.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from statistics import mean

import pytest
from flask import Flask
from sqlalchemy import func, select

from learning_app.accounts.constants import Band, Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.assessments.models import LearningCycle, SelfAssessment, SelfRating
from learning_app.core.audit import AuditEvent
from learning_app.core.personal_data import personal_data_problems
from learning_app.demo import evidence_text
from learning_app.demo.evidence_plan import RISK_SKILLS
from learning_app.demo.seed import DEFAULT_DEMO_PASSWORD, PDU_NAME, seed_demo
from learning_app.framework.queries import published_version
from learning_app.observations.models import (
    AuditAnswer,
    FeedbackResponse,
    FocusCampaign,
    Observation,
    ObservationAction,
    ObservationAmendment,
    ObservationRating,
    RatingReply,
)
from learning_app.observations.questions import QUESTIONS
from learning_app.org.models import Pdu
from learning_app.profiles.models import SkillProfileRecord
from learning_app.reflective.models import Discussion
from tests.demo.seeding import count, seed_once

TODAY = date(2026, 5, 1)
EVIDENCE_TABLES = (
    LearningCycle,
    SelfAssessment,
    SelfRating,
    Observation,
    ObservationRating,
    AuditAnswer,
    ObservationAction,
    ObservationAmendment,
    RatingReply,
    FeedbackResponse,
    FocusCampaign,
    SkillProfileRecord,
)


@pytest.fixture(scope="module")
def seeded(app: Flask) -> Iterator:
    """The demo, seeded once for the module; rolled back afterwards."""
    for session, summary, _day in seed_once(app, TODAY):
        yield session, summary


@pytest.fixture
def session(seeded):
    return seeded[0]


def practitioners(session) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(RoleAssignment)
            .where(RoleAssignment.role == Role.PRACTITIONER.value, User.email.like("%@demo.test"))
            .order_by(User.id)
        )
    )


def user(session, local_part: str) -> User:
    return session.scalar(select(User).where(User.email == f"{local_part}@demo.test"))


def answers(session, key: str) -> Counter:
    return Counter(
        session.scalars(
            select(AuditAnswer.answer).where(
                AuditAnswer.question_key == key, AuditAnswer.superseded.is_(False)
            )
        )
    )


def no_rate(counts: Counter) -> float:
    return counts["no"] / (counts["yes"] + counts["no"])


def test_two_cycles_one_closed_a_year_ago_and_one_open_and_about_60_percent_complete(session):
    pdu = session.scalar(select(Pdu).where(Pdu.name == PDU_NAME))
    cycles = list(
        session.scalars(
            select(LearningCycle).where(LearningCycle.pdu_id == pdu.id).order_by("opens_on")
        )
    )
    assert len(cycles) == 2
    closed, current = cycles
    assert closed.closed_at is not None and not closed.is_open(TODAY)
    assert 330 <= (TODAY - closed.opens_on).days <= 400
    assert current.is_open(TODAY)
    assert 14 <= (TODAY - current.opens_on).days <= 28
    assert 28 <= (current.closes_on - TODAY).days <= 42

    people = practitioners(session)
    statuses = Counter(
        session.scalars(select(SelfAssessment.status).where(SelfAssessment.cycle_id == current.id))
    )
    assert 0.55 <= statuses["submitted"] / len(people) <= 0.65
    assert 0.10 <= statuses["draft"] / len(people) <= 0.20
    eligible = [p for p in people if p.started_on <= closed.closes_on]
    submitted = count(
        session,
        SelfAssessment,
        SelfAssessment.cycle_id == closed.id,
        SelfAssessment.status == "submitted",
    )
    assert 0.80 <= submitted / len(eligible) <= 0.90

    def status_in_current(local_part: str) -> str | None:
        return session.scalar(
            select(SelfAssessment.status).where(
                SelfAssessment.cycle_id == current.id,
                SelfAssessment.practitioner_id == user(session, local_part).id,
            )
        )

    assert status_in_current("practitioner1") == "draft"  # so the task shows
    assert status_in_current("practitioner2") == "submitted"


def test_about_six_observations_per_practitioner_of_mixed_types_and_observers(session):
    people = practitioners(session)
    # The evidence step's own; the reflective step adds one for each signed discussion.
    of_evidence = Observation.id.not_in(
        select(Discussion.observation_id).where(Discussion.observation_id.is_not(None))
    )
    per_person = Counter(session.scalars(select(Observation.practitioner_id).where(of_evidence)))
    counts = [per_person[p.id] for p in people]
    assert 5.5 <= mean(counts) <= 6.5
    assert sum(4 <= c <= 8 for c in counts) >= 0.85 * len(counts)
    assert min(counts) >= 2

    types = Counter(session.scalars(select(Observation.type).where(of_evidence)))
    assert set(types) == {
        "supervision",
        "case_audit",
        "risk_review",
        "reflective_discussion",
        "court_report_qa",
        "multi_agency",
    }
    assert max(types.values()) < 0.4 * sum(types.values())
    courts = user(session, "spo5").team_id
    court_qa_teams = set(
        session.scalars(
            select(User.team_id)
            .join(Observation, Observation.practitioner_id == User.id)
            .where(Observation.type == "court_report_qa")
        )
    )
    assert court_qa_teams == {courts}

    observers = Counter(
        session.scalars(select(User.email).join(Observation, Observation.observer_id == User.id))
    )
    assert observers["qdo1@demo.test"] > 50 and observers["qdo2@demo.test"] > 50
    assert all(observers[f"spo{n}@demo.test"] > 10 for n in range(1, 11))
    # Observers only observe practitioners in their scope: SPOs their own team.
    for observation in session.scalars(
        select(Observation).where(Observation.observer_role == "spo")
    ):
        assert observation.observer.team_id == observation.practitioner.team_id

    statuses = Counter(session.scalars(select(Observation.status)))
    total = sum(statuses.values())
    assert statuses["acknowledged"] > 0.7 * total
    assert 0.05 * total < statuses["shared"] < 0.25 * total
    assert 1 <= statuses["draft"] <= 15
    assert count(session, Observation, Observation.shared_at.is_(None)) == statuses["draft"]


def test_case_audits_reproduce_the_2025_inspection(session):
    child = answers(session, "child_safeguarding_enquiries")
    domestic_abuse = answers(session, "da_enquiries")
    assert 0.19 <= no_rate(child) <= 0.29
    assert 0.11 <= no_rate(domestic_abuse) <= 0.19
    audits = count(session, Observation, Observation.type == "case_audit")
    assert sum(child.values()) == audits
    assert 0.25 <= child["na"] / audits <= 0.35
    # The other keeping-safe questions sit between the 2023 baseline and some improvement.
    assert 0.31 <= 1 - no_rate(answers(session, "assessment_keeping_safe")) <= 0.5
    keys = set(session.scalars(select(AuditAnswer.question_key).distinct()))
    assert keys <= set(QUESTIONS)
    # Every audit answers every question of its type.
    for audit in session.scalars(select(Observation).where(Observation.type == "case_audit")):
        assert len(audit.answers) == len(
            [q for q in QUESTIONS.values() if not q.key.startswith("court_")]
        )


def test_newer_practitioners_overrate_their_risk_skills_more_than_experienced_officers(session):
    gaps: dict[Band, list[float]] = defaultdict(list)
    bands = {p.id: p.band(TODAY) for p in practitioners(session)}
    profiles = session.scalars(
        select(SkillProfileRecord).where(
            SkillProfileRecord.skill_slug.in_(RISK_SKILLS),
            SkillProfileRecord.self_level.is_not(None),
            SkillProfileRecord.observed_level.is_not(None),
        )
    )
    for profile in profiles:
        gaps[bands[profile.practitioner_id]].append(profile.self_level - profile.observed_level)
    new = mean(gaps[Band.NEW] + gaps[Band.TRAINEE])
    experienced = mean(gaps[Band.EXPERIENCED])
    assert new > experienced + 0.3
    assert abs(experienced) < 0.5
    # Some PSOs underrate their engagement skills.
    underrated = count(
        session,
        SkillProfileRecord,
        SkillProfileRecord.skill_slug == "engagement-skills",
        SkillProfileRecord.under_confidence.is_(True),
        SkillProfileRecord.practitioner_id.in_(
            [pid for pid, band in bands.items() if band is Band.PSO]
        ),
    )
    assert underrated >= 3


def test_gaps_are_largest_in_the_inspections_weak_spots(session):
    rows = session.execute(
        select(SkillProfileRecord.skill_slug, func.avg(SkillProfileRecord.gap))
        .group_by(SkillProfileRecord.skill_slug)
        .order_by(func.avg(SkillProfileRecord.gap).desc())
    ).all()
    top_four = {slug for slug, _gap in rows[:4]}
    assert {"rosh-analysis", "safeguarding-enquiries", "professional-curiosity"} <= top_four


def test_the_demo_accounts_show_what_the_docs_say(session):
    first = user(session, "practitioner1")
    safeguarding = session.get(SkillProfileRecord, (first.id, "safeguarding-enquiries"))
    assert safeguarding.blind_spot and safeguarding.self_level == 3
    assert count(
        session,
        Observation,
        Observation.practitioner_id == first.id,
        Observation.status == "shared",
    )
    assert count(
        session,
        RatingReply,
        RatingReply.observation.has(Observation.practitioner_id == first.id),
    )
    team_one = user(session, "spo1").team_id
    unacknowledged = count(
        session,
        Observation,
        Observation.status == "shared",
        Observation.practitioner.has(User.team_id == team_one),
    )
    assert unacknowledged >= 3
    assert count(
        session,
        Observation,
        Observation.status == "draft",
        Observation.observer_id == user(session, "spo1").id,
    )


def _strings(values) -> Iterator[str]:
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from _strings(value.values())
        elif isinstance(value, (list, tuple)):
            yield from _strings(value)


def test_no_free_text_looks_like_personal_data(session):
    texts = []
    for observation in session.scalars(select(Observation)):
        texts += [
            observation.strengths,
            observation.development_points,
            observation.practitioner_reflection,
            *(v for v in observation.details.values() if isinstance(v, str)),
        ]
    texts += list(session.scalars(select(ObservationAction.text)))
    texts += list(session.scalars(select(ObservationAmendment.reason)))
    texts += list(session.scalars(select(RatingReply.reason)))
    texts += list(session.scalars(select(FeedbackResponse.comment)))
    texts += list(session.scalars(select(SelfRating.comment)))
    texts += list(session.scalars(select(FocusCampaign.reason)))
    texts += list(_strings(v for k, v in vars(evidence_text).items() if k.isupper()))
    texts = [t for t in texts if t]
    assert len(texts) > 1000
    flagged = {t: personal_data_problems(t) for t in texts if personal_data_problems(t)}
    assert flagged == {}


def test_case_references_on_about_a_third_of_audits_and_never_on_limited_access(session):
    audits = list(session.scalars(select(Observation).where(Observation.type == "case_audit")))
    with_reference = [a for a in audits if a.case_reference]
    assert 0.25 <= len(with_reference) / len(audits) <= 0.42
    assert all(
        len(a.case_reference) == 7
        and a.case_reference[0].isalpha()
        and a.case_reference[0].isupper()
        and a.case_reference[1:].isdigit()
        for a in with_reference
    )
    assert any(a.limited_access for a in audits)
    assert not any(a.limited_access and a.case_reference for a in audits)
    assert (
        count(
            session,
            Observation,
            Observation.type != "case_audit",
            Observation.case_reference.is_not(None),
        )
        == 0
    )


def test_actions_amendments_replies_and_reflections(session):
    assert count(session, ObservationAction) > 200
    assert count(session, ObservationAction, ObservationAction.due_on.is_(None)) == 0
    assert count(session, ObservationAction, ObservationAction.completed_on.is_(None)) > 20
    amendments = list(session.scalars(select(ObservationAmendment)))
    assert 3 <= len(amendments) <= 12
    for amendment in amendments:
        assert amendment.observation.status != "draft"
        assert amendment.author_id == amendment.observation.observer_id
        current = [r for r in amendment.observation.ratings if r.amendment_id == amendment.id]
        assert len(current) == 1 and not current[0].superseded
        old = [
            r
            for r in amendment.observation.ratings
            if r.skill_id == current[0].skill_id and r.superseded
        ]
        assert len(old) == 1 and old[0].level != current[0].level
    replies = list(session.scalars(select(RatingReply)))
    assert 3 <= len(replies) <= 15
    assert all(reply.observation.status == "acknowledged" for reply in replies)
    reflected = count(session, Observation, Observation.practitioner_reflection.is_not(None))
    assert reflected >= 20
    assert (
        count(
            session,
            Observation,
            Observation.practitioner_reflection.is_not(None),
            Observation.status != "acknowledged",
        )
        == 0
    )


def test_feedback_from_people_on_probation(session):
    people = practitioners(session)
    per_person = Counter(session.scalars(select(FeedbackResponse.practitioner_id)))
    assert 0.35 <= len(per_person) / len(people) <= 0.45
    assert all(3 <= n <= 9 for n in per_person.values())
    assert any(n < 5 for n in per_person.values())  # shown as "too few responses"
    for item, expected in (
        ("felt_safe", 0.97),
        ("private_conversation", 0.82),
        ("views_considered", 0.46),
    ):
        answered = Counter(session.scalars(select(getattr(FeedbackResponse, item))))
        rate = answered["yes"] / (answered["yes"] + answered["no"])
        assert abs(rate - expected) <= 0.07, item


def test_a_focus_campaign_on_professional_curiosity_with_linked_observations(session):
    campaign = session.scalar(select(FocusCampaign))
    assert campaign.skill_slug == "professional-curiosity"
    assert campaign.reason == "After a serious further offence review"
    assert campaign.starts_on < TODAY < campaign.ends_on
    assert campaign.pdu.name == PDU_NAME
    linked = list(
        session.scalars(select(Observation).where(Observation.focus_campaign_id == campaign.id))
    )
    assert len(linked) >= 20
    version = published_version()
    curiosity = next(s for s in version.skills if s.slug == "professional-curiosity")
    for observation in linked:
        assert observation.observed_on >= campaign.starts_on
        assert curiosity.id in {r.skill_id for r in observation.ratings}


def test_profiles_exist_for_every_practitioner_and_skill(session):
    skills = {s.slug for s in published_version().skills}
    stored = set(
        session.execute(
            select(SkillProfileRecord.practitioner_id, SkillProfileRecord.skill_slug)
        ).tuples()
    )
    expected = {(p.id, slug) for p in practitioners(session) for slug in skills}
    assert expected <= stored


def test_seeding_again_creates_nothing(session, seeded):
    _session, first = seeded
    assert first.created["observations"] > 600
    before = [count(session, model) for model in EVIDENCE_TABLES]
    events = count(session, AuditEvent, AuditEvent.action == "demo.seed")

    again = seed_demo(DEFAULT_DEMO_PASSWORD, TODAY)

    assert not again.changed
    assert [count(session, model) for model in EVIDENCE_TABLES] == before
    assert count(session, AuditEvent, AuditEvent.action == "demo.seed") == events


def test_seeding_a_month_later_adds_no_second_copy(session):
    before = [count(session, model) for model in EVIDENCE_TABLES]
    later = session.begin_nested()
    try:
        summary = seed_demo(DEFAULT_DEMO_PASSWORD, TODAY + timedelta(days=30))
        after = [count(session, model) for model in EVIDENCE_TABLES]
    finally:
        later.rollback()
    assert not summary.changed
    assert after == before
