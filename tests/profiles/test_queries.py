"""The read side the practitioner's and SPO's pages use."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Band, Grade, Role
from learning_app.observations.models import ObservationStatus, ObservationType
from learning_app.org.models import TeamMembership
from learning_app.profiles.models import SkillProfileRecord
from learning_app.profiles.queries import (
    SORT_KEYS,
    HistoryKind,
    practitioner_profile,
    skill_history,
    sort_key,
    sort_members,
    team_overview,
)
from learning_app.profiles.services import refresh_profiles
from tests.profiles.conftest import AS_OF

SAFEGUARDING = "safeguarding-enquiries"


def days_ago(n: int) -> date:
    return AS_OF - timedelta(days=n)


@pytest.fixture
def team(factories):
    return factories.team(name="Leicester North")


@pytest.fixture
def observer(factories, team):
    return factories.spo(team, name="Sam Observer")


def store(session, practitioner, slug, **values) -> SkillProfileRecord:
    values.setdefault("as_of", AS_OF)
    values.setdefault("gap", 0)
    values.setdefault("priority", values["gap"])
    values.setdefault("evidence_gap", False)
    record = SkillProfileRecord(practitioner_id=practitioner.id, skill_slug=slug, **values)
    session.add(record)
    session.flush()
    return record


# practitioner_profile -----------------------------------------------------------------


def test_profile_lists_every_skill_by_domain_in_framework_order(factories, evidence, team):
    practitioner = factories.user(team=team, grade=Grade.PQIP)

    view = practitioner_profile(practitioner, AS_OF)

    assert view.version == evidence.version and view.band == Band.TRAINEE
    assert [d.domain.name for d in view.domains] == [d.name for d in evidence.version.domains]
    assert [row.skill.slug for row in view.rows] == [s.slug for s in evidence.version.skills]
    # Nothing calculated yet: rows without records, no gaps to tell.
    assert all(row.record is None for row in view.rows)
    assert not view.has_evidence and view.top_gaps() == []


def test_profile_rows_carry_the_stored_records(factories, evidence, team, observer):
    practitioner = factories.user(team=team)
    evidence.observation(practitioner, observer, days_ago(5), {SAFEGUARDING: 1})
    refresh_profiles(practitioner, as_of=AS_OF)

    view = practitioner_profile(practitioner, AS_OF)

    rows = {row.skill.slug: row for row in view.rows}
    assert rows[SAFEGUARDING].record.observed_level == 1
    assert view.has_evidence
    assert all(row.record is not None for row in view.rows)


def test_top_gaps_by_priority_then_risk_then_framework_order(db_session, factories, evidence):
    practitioner = factories.user()
    skills = evidence.version.skills
    risky = [s for s in skills if s.risk_critical]
    plain = [s for s in skills if not s.risk_critical]
    # Equal priorities: risk-critical first, then framework order.
    store(db_session, practitioner, plain[0].slug, level=1, target=3, gap=2, priority=2)
    store(db_session, practitioner, risky[-1].slug, level=2, target=3, gap=1, priority=2)
    store(db_session, practitioner, plain[2].slug, level=1, target=3, gap=2, priority=2)
    store(db_session, practitioner, plain[1].slug, level=1.5, target=4, gap=2.5, priority=2.5)
    store(db_session, practitioner, risky[0].slug, level=3, target=3, gap=0, priority=0)

    view = practitioner_profile(practitioner, AS_OF)

    assert [g.skill.slug for g in view.top_gaps()] == [plain[1].slug, risky[-1].slug, plain[0].slug]
    assert [g.skill.slug for g in view.top_gaps(n=10)] == [
        plain[1].slug,
        risky[-1].slug,
        plain[0].slug,
        plain[2].slug,
    ]


def test_gaps_are_summarised_in_plain_words(db_session, factories, evidence):
    practitioner = factories.user()
    store(db_session, practitioner, SAFEGUARDING, level=1.8, observed_level=1.8, target=3, gap=1.2)
    store(
        db_session,
        practitioner,
        "court-reports",
        level=2,
        self_level=2,
        self_reported=True,
        target=3,
        gap=1,
    )

    texts = [gap.text for gap in practitioner_profile(practitioner, AS_OF).top_gaps()]

    assert texts == [
        "Safeguarding enquiries: your level is 1.8 from observations, "
        "the target for your band is 3.",
        "Court reports: your level is 2 (self-assessed), the target for your band is 3.",
    ]


def test_profile_before_any_framework_is_published(db_session, factories):
    view = practitioner_profile(factories.user(), AS_OF)
    assert view.version is None and view.rows == [] and view.top_gaps() == []


# team_overview ------------------------------------------------------------------------


def test_team_overview_counts_what_an_spo_acts_on(db_session, factories, evidence, team, observer):
    alice = factories.user(team=team, name="Alice Adams")
    bob = factories.user(team=team, name="bob Brown")
    # Not current practitioners of the team: an SPO, someone deactivated, a leaver,
    # a member of another team.
    factories.user(role=Role.SPO, scope=team, grade=Grade.SPO, team=team, name="Aaron Spo")
    factories.user(team=team, name="Ann Inactive", active=False)
    leaver = factories.user(team=team, name="Lee Leaver")
    membership = db_session.scalar(
        select(TeamMembership).where(TeamMembership.user_id == leaver.id)
    )
    membership.ended_on = days_ago(10)
    other = factories.user(team=factories.team(), name="Olive Other")

    skills = evidence.version.skills
    store(db_session, alice, skills[0].slug, gap=1, blind_spot=True)
    store(db_session, alice, skills[1].slug, gap=0.5, evidence_gap=True)
    store(db_session, alice, skills[2].slug, gap=0, blind_spot=True)
    store(db_session, alice, "retired-skill", gap=2, blind_spot=True, evidence_gap=True)
    evidence.observation(alice, observer, days_ago(40), {SAFEGUARDING: 2})
    evidence.observation(
        alice, observer, days_ago(20), {SAFEGUARDING: 3}, status=ObservationStatus.ACKNOWLEDGED
    )
    evidence.observation(alice, observer, days_ago(70), {SAFEGUARDING: 3})
    evidence.observation(
        alice, observer, days_ago(1), {SAFEGUARDING: 3}, status=ObservationStatus.DRAFT
    )

    rows = team_overview([team.id], AS_OF)

    assert [row.name for row in rows] == ["Alice Adams", "bob Brown"]
    a, b = rows
    assert (a.id, a.team_id, a.team_name) == (alice.id, team.id, "Leicester North")
    assert (a.gaps, a.blind_spots, a.unacknowledged) == (2, 2, 2)
    # One stored evidence gap, and every skill with no stored profile.
    assert a.evidence_gaps == 1 + len(skills) - 3
    assert a.last_observed == days_ago(20)
    assert (b.gaps, b.blind_spots, b.unacknowledged, b.last_observed) == (0, 0, 0, None)
    assert b.evidence_gaps == len(skills)

    both = team_overview([team.id, other.team_id], AS_OF)
    assert [row.name for row in both] == ["Alice Adams", "bob Brown", "Olive Other"]
    # The leaver still counted on a day before they left.
    assert "Lee Leaver" in [row.name for row in team_overview([team.id], days_ago(11))]
    assert team_overview([], AS_OF) == []
    assert bob.id in {row.id for row in rows}


def test_team_members_sort_by_any_column(factories, evidence, team, observer, db_session):
    people = {name: factories.user(team=team, name=name) for name in ("Cara", "Abe", "Bea", "Dan")}
    store(db_session, people["Cara"], SAFEGUARDING, gap=1)
    store(db_session, people["Abe"], SAFEGUARDING, gap=1)
    store(db_session, people["Dan"], SAFEGUARDING, gap=2)
    store(db_session, people["Dan"], "court-reports", gap=0.5)
    evidence.observation(people["Bea"], observer, days_ago(3), {SAFEGUARDING: 2})
    evidence.observation(people["Cara"], observer, days_ago(30), {SAFEGUARDING: 2})
    rows = team_overview([team.id], AS_OF)

    def names(key, descending=False):
        return [row.name for row in sort_members(rows, key, descending)]

    assert names("name") == ["Abe", "Bea", "Cara", "Dan"]
    assert names("name", descending=True) == ["Dan", "Cara", "Bea", "Abe"]
    # Ties keep name order whichever way the column goes.
    assert names("gaps") == ["Bea", "Abe", "Cara", "Dan"]
    assert names("gaps", descending=True) == ["Dan", "Abe", "Cara", "Bea"]
    # Never observed comes first: they are the longest since observed.
    assert names("last_observed") == ["Abe", "Dan", "Cara", "Bea"]
    assert names("unacknowledged", descending=True)[:2] == ["Bea", "Cara"]
    # Anything else sorts by name.
    assert names("password_hash") == names(None) == names("name")


@pytest.mark.parametrize("key", SORT_KEYS)
def test_every_sort_key_is_accepted(key):
    assert sort_key(key) == key


@pytest.mark.parametrize("key", [None, "", "id", "__class__", "NAME"])
def test_unknown_sort_keys_fall_back_to_name(key):
    assert sort_key(key) == "name"


# skill_history ------------------------------------------------------------------------


def test_history_lists_every_rating_of_a_skill_newest_first(
    factories, evidence, team, observer, db_session
):
    practitioner = factories.user(team=team)
    qdo = factories.user(role=Role.QDO, scope=team.pdu, name="Quinn Qdo")
    evidence.self_assessment(practitioner, {SAFEGUARDING: 2}, submitted_on=days_ago(300))
    evidence.self_assessment(practitioner, {SAFEGUARDING: 3}, submitted_on=days_ago(10))
    evidence.self_assessment(practitioner, {SAFEGUARDING: 4}, submitted_on=None)  # a draft
    supervision = evidence.observation(
        practitioner, observer, days_ago(100), {SAFEGUARDING: 3, "court-reports": 2}
    )
    evidence.amend(supervision, observer, {SAFEGUARDING: 2}, on=days_ago(90))
    evidence.observation(
        practitioner,
        qdo,
        days_ago(50),
        type=ObservationType.CASE_AUDIT,
        answers=[("csc", SAFEGUARDING, "no"), ("hub", SAFEGUARDING, "na")],
    )
    # Not in the history: "not seen", a draft, someone else's evidence.
    evidence.observation(practitioner, observer, days_ago(30), {SAFEGUARDING: None})
    evidence.observation(
        practitioner, observer, days_ago(20), {SAFEGUARDING: 1}, status=ObservationStatus.DRAFT
    )
    evidence.observation(factories.user(team=team), observer, days_ago(5), {SAFEGUARDING: 4})

    entries = skill_history(practitioner, SAFEGUARDING)

    assert [(e.on, e.level, e.kind) for e in entries] == [
        (days_ago(10), 3, HistoryKind.SELF_ASSESSMENT),
        (days_ago(50), 1, HistoryKind.AUDIT_ANSWER),
        (days_ago(100), 2, HistoryKind.OBSERVATION),
        (days_ago(100), 3, HistoryKind.OBSERVATION),
        (days_ago(300), 2, HistoryKind.SELF_ASSESSMENT),
    ]
    self_assessed, audit, amended, original, _first = entries
    assert self_assessed.source == "Self-assessment" and self_assessed.observer_name is None
    assert audit.source == "Case record audit" and audit.observer_name == "Quinn Qdo"
    assert (audit.answer, audit.question_key) == ("no", "csc")
    assert amended.source == "Direct observation of a supervision session (amendment)"
    assert amended.amended and amended.amended_on == days_ago(90) and not amended.superseded
    assert amended.observer_name == "Sam Observer"
    assert original.superseded and not original.amended
    assert original.observation_id == supervision.id


def test_history_dates_self_assessments_by_the_uk_day(factories, evidence, db_session):
    practitioner = factories.user()
    assessment = evidence.self_assessment(practitioner, {SAFEGUARDING: 2})
    # 23:30 UTC on 30 June is already 1 July in the UK (British Summer Time).
    assessment.submitted_at = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    db_session.flush()
    db_session.expire_all()

    [entry] = skill_history(practitioner, SAFEGUARDING)
    assert entry.on == date(2026, 7, 1)


def test_history_of_a_skill_with_no_ratings_is_empty(factories, evidence):
    assert skill_history(factories.user(), "no-such-skill") == []
