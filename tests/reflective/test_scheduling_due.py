"""The daily job that makes discussions due: cadence, follow-ups of evidence, missed ones.

Run twice, or crashed half-way and run again, it never creates a discussion twice.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from learning_app.accounts.constants import Grade
from learning_app.extensions import db
from learning_app.observations.models import ObservationStatus, ObservationType
from learning_app.reflective import due, services
from learning_app.reflective.models import Discussion, DiscussionStatus, DueReason
from tests.evidence_helpers import EvidenceRows
from tests.reflective.conftest import make_discussion
from tests.reflective.scheduling_helpers import MONDAY, at, count_queries, discussions_of

TODAY = MONDAY  # Monday 1 March 2027


def create() -> int:
    return services.create_due_discussions(TODAY)


def cadence_of(person) -> list[Discussion]:
    return [d for d in discussions_of(person) if d.reason == DueReason.CADENCE]


def signed(session, team, person, held_on: date, **fields) -> Discussion:
    moment = at(held_on, 10)
    return make_discussion(
        session,
        person,
        team.spo,
        starts_at=moment,
        status=DiscussionStatus.SIGNED,
        held_on=held_on,
        spo_signed_at=moment,
        practitioner_signed_at=moment,
        **fields,
    )


# Cadence -----------------------------------------------------------------------------------


def test_someone_who_never_had_a_discussion_has_one_due_within_5_working_days(
    reflective_team,
):
    assert create() == 2  # the PO and the PSO; the SPO is not a practitioner

    (discussion,) = cadence_of(reflective_team.practitioner)
    assert discussion.status == DiscussionStatus.DUE
    assert discussion.due_on == date(2027, 3, 8)
    assert discussion.earliest_on == TODAY
    assert discussion.spo_id == reflective_team.spo.id
    assert discussion.rule_code == "new"
    assert discussion.rule_label == "Regular discussion, every 6 weeks"
    assert discussion.dedupe_key == f"cadence:{reflective_team.practitioner.id}:after:0"


def test_running_the_job_twice_creates_nothing_more(reflective_team):
    assert create() == 2
    assert create() == 0
    assert services.create_due_discussions(TODAY + timedelta(days=1)) == 0
    assert len(cadence_of(reflective_team.pso)) == 1


def test_the_next_one_is_due_a_cadence_after_the_last_signed_discussion(
    db_session, reflective_team
):
    # The PO qualified in September 2025: every 6 weeks in their second year.
    signed(db_session, reflective_team, reflective_team.practitioner, TODAY - timedelta(weeks=3))

    create()

    (discussion,) = cadence_of(reflective_team.practitioner)[-1:]
    assert discussion.status == DiscussionStatus.DUE
    assert discussion.due_on == TODAY + timedelta(weeks=3)
    # It may be held from 10 working days before it is due.
    assert discussion.earliest_on == TODAY + timedelta(weeks=1)


def test_nothing_is_created_more_than_4_weeks_ahead(db_session, reflective_team):
    signed(db_session, reflective_team, reflective_team.practitioner, TODAY - timedelta(days=6))

    create()

    assert [d.status for d in cadence_of(reflective_team.practitioner)] == ["signed"]


def test_an_overdue_cadence_is_due_today(db_session, reflective_team):
    signed(db_session, reflective_team, reflective_team.practitioner, TODAY - timedelta(weeks=9))

    create()

    assert cadence_of(reflective_team.practitioner)[-1].due_on == TODAY


def test_a_live_cadence_discussion_stops_another(db_session, reflective_team):
    make_discussion(db_session, reflective_team.pso, reflective_team.spo, starts_at=at(TODAY, 11))

    assert create() == 1  # only the PO's
    assert len(cadence_of(reflective_team.pso)) == 1


@pytest.mark.parametrize("ending", ["signed", "cancelled"])
def test_a_new_cadence_discussion_follows_one_that_is_signed_or_cancelled(
    db_session, reflective_team, ending
):
    create()
    (first,) = cadence_of(reflective_team.pso)
    first.status = DiscussionStatus.BOOKED
    first.starts_at, first.ends_at = at(TODAY, 10), at(TODAY, 11)
    db_session.flush()
    if ending == "signed":
        first.held_on = TODAY - timedelta(weeks=4)
        first.spo_signed_at = first.practitioner_signed_at = at(TODAY, 12)
    first.status = ending
    db_session.flush()

    assert create() == 1

    second = cadence_of(reflective_team.pso)[-1]
    assert second.id != first.id
    assert second.dedupe_key == f"cadence:{reflective_team.pso.id}:after:{first.id}"
    assert create() == 0


def test_inactive_people_and_people_without_a_team_get_no_cadence(factories, reflective_team):
    gone = factories.user(team=reflective_team.team, grade=Grade.PSO, active=False)
    floating = factories.user(grade=Grade.PSO)

    create()

    assert discussions_of(gone) == []
    assert discussions_of(floating) == []


# Follow-ups --------------------------------------------------------------------------------


@pytest.fixture
def evidence(db_session, published_framework) -> EvidenceRows:
    return EvidenceRows(db_session, published_framework)


def follow_ups_of(person) -> list[Discussion]:
    return [d for d in discussions_of(person) if d.reason == DueReason.FOLLOW_UP]


def test_a_case_audit_no_on_a_keeping_safe_question_makes_a_follow_up_due(
    evidence, reflective_team
):
    team = reflective_team
    observation = evidence.add_observation(
        team.pso,
        team.spo,
        TODAY - timedelta(days=4),
        type=ObservationType.CASE_AUDIT,
        answers=[
            ("da_enquiries", "safeguarding-enquiries", "no"),
            ("planning_keeping_safe", "risk-planning", "no"),
            ("assessment_engaging", "engagement-skills", "no"),  # not a keeping-safe question
            ("reviewing_risk", "collaborative-review", "yes"),
        ],
    )

    create()

    (discussion,) = follow_ups_of(team.pso)
    assert discussion.rule_code == "audit-keeping-safe-no"
    assert discussion.source_observation_id == observation.id
    assert sorted(discussion.focus_skills) == ["risk-planning", "safeguarding-enquiries"]
    # 5 working days after the audit (Thursday 25 February).
    assert discussion.due_on == date(2027, 3, 4)
    assert discussion.dedupe_key == f"follow-up:{observation.id}:audit-keeping-safe-no"
    assert create() == 0


def test_a_rating_of_1_on_a_risk_critical_skill_makes_a_follow_up_due(evidence, reflective_team):
    team = reflective_team
    observation = evidence.add_observation(
        team.practitioner,
        team.spo,
        TODAY - timedelta(days=20),
        ratings={"rosh-analysis": 1, "case-recording": 1, "risk-planning": 2},
    )

    create()

    (discussion,) = follow_ups_of(team.practitioner)
    assert discussion.rule_code == "risk-critical-rating-1"
    assert discussion.focus_skills == ["rosh-analysis"]
    assert discussion.source_observation_id == observation.id
    assert discussion.due_on == TODAY  # its 5 working days have passed


def test_one_observation_can_make_both_follow_ups_due(evidence, reflective_team):
    team = reflective_team
    evidence.add_observation(
        team.pso,
        team.spo,
        TODAY,
        type=ObservationType.CASE_AUDIT,
        ratings={"victim-focus": 1},
        answers=[("contingency_sufficient", "risk-planning", "no")],
    )

    create()
    create()

    assert sorted(d.rule_code for d in follow_ups_of(team.pso)) == [
        "audit-keeping-safe-no",
        "risk-critical-rating-1",
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"status": ObservationStatus.DRAFT},
        {"observed_on": TODAY - timedelta(days=31)},
    ],
)
def test_drafts_and_observations_over_30_days_old_make_nothing_due(
    evidence, reflective_team, fields
):
    observed_on = fields.pop("observed_on", TODAY - timedelta(days=1))
    evidence.add_observation(
        reflective_team.pso,
        reflective_team.spo,
        observed_on,
        ratings={"rosh-analysis": 1},
        **fields,
    )

    create()

    assert follow_ups_of(reflective_team.pso) == []


# Missed discussions -----------------------------------------------------------------------


def booked_on(db_session, team, person, day: date, **fields) -> Discussion:
    return make_discussion(db_session, person, team.spo, starts_at=at(day, 10), **fields)


def test_a_slot_that_ended_over_5_working_days_ago_with_nothing_recorded_is_missed(
    db_session, reflective_team
):
    team = reflective_team
    # Monday 22 February: 5 working days before 1 March. Friday 19th: 6.
    kept = booked_on(db_session, team, team.pso, date(2027, 2, 22))
    late = booked_on(
        db_session,
        team,
        team.practitioner,
        date(2027, 2, 19),
        reason=DueReason.CASE_EVENT,
        due_on=date(2027, 2, 19),
        focus_skills=["rosh-analysis"],
    )

    create()

    assert kept.status == DiscussionStatus.BOOKED
    assert late.status == DiscussionStatus.MISSED
    (replacement,) = [
        d for d in discussions_of(team.practitioner) if d.dedupe_key.startswith("replaces:")
    ]
    assert replacement.dedupe_key == f"replaces:{late.id}"
    assert replacement.status == DiscussionStatus.DUE
    assert replacement.reason == DueReason.CASE_EVENT
    assert replacement.focus_skills == ["rosh-analysis"]
    assert replacement.due_on == TODAY  # its own due date has passed
    assert create() == 0


def test_a_missed_cadence_discussion_comes_back_through_the_cadence_rule(
    db_session, reflective_team
):
    team = reflective_team
    missed = booked_on(db_session, team, team.pso, date(2027, 2, 15), due_on=date(2027, 2, 15))

    create()

    assert missed.status == DiscussionStatus.MISSED
    (replacement,) = [d for d in cadence_of(team.pso) if d.status == DiscussionStatus.DUE]
    assert replacement.dedupe_key == f"cadence:{team.pso.id}:after:{missed.id}"


def test_a_recorded_discussion_is_never_missed(db_session, reflective_team):
    recorded = booked_on(
        db_session,
        reflective_team,
        reflective_team.pso,
        date(2027, 2, 1),
        status=DiscussionStatus.RECORDED,
    )

    create()

    assert recorded.status == DiscussionStatus.RECORDED


# Crashes and scale --------------------------------------------------------------------------


def test_a_run_that_crashes_half_way_and_runs_again_creates_nothing_twice(
    db_session, evidence, reflective_team, monkeypatch
):
    team = reflective_team
    evidence.add_observation(team.pso, team.spo, TODAY, ratings={"rosh-analysis": 1})
    real_follow_ups = due._follow_ups

    def crash(*args, **kwargs):
        raise RuntimeError("the job was killed")

    monkeypatch.setattr(due, "_follow_ups", crash)
    savepoint = db_session.begin_nested()
    with pytest.raises(RuntimeError):
        create()  # the cadence discussions are written, then it dies
    savepoint.rollback()
    monkeypatch.setattr(due, "_follow_ups", real_follow_ups)

    assert create() == 3
    assert create() == 0
    keys = db_session.scalars(select(Discussion.dedupe_key)).all()
    assert len(keys) == len(set(keys)) == 3


def test_the_job_reads_everyone_in_a_fixed_number_of_queries(factories, reflective_team):
    def selects_for(people: int) -> int:
        team = factories.team()
        factories.spo(team)
        for _ in range(people):
            factories.user(team=team, grade=Grade.PSO)
        db.session.flush()
        with count_queries() as counter:
            create()
        return counter.selects

    few, many = selects_for(2), selects_for(12)

    assert few == many
    assert db.session.scalar(select(func.count(Discussion.id))) == 2 + 2 + 12
