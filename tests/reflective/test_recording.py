"""The oversight record's rules: who writes what, in which order, and what signing does.

The order: the practitioner's proposal before the meeting; the SPO records and signs
(freezing their part); the practitioner reflects and signs. Once both have signed,
every change is refused and the record is an acknowledged reflective-discussion
observation that the practitioner's stored profile follows.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learning_app.core.audit import AuditEvent
from learning_app.core.time import utc_now
from learning_app.observations.models import Observation, ObservationStatus, ObservationType
from learning_app.observations.types import REFLECTIVE_DISCUSSION, missing_details
from learning_app.profiles.models import SkillProfileRecord
from learning_app.profiles.services import refresh_profiles
from learning_app.reflective import recording
from learning_app.reflective.models import DiscussionStatus
from learning_app.reflective.recording import ActionInput, DecisionInput
from learning_app.reflective.services import DiscussionError
from tests.reflective.recording_helpers import (
    TODAY,
    fully_signed,
    held_discussion,
    make_people,
    record_input,
    signed_by_spo,
)


@pytest.fixture
def people(factories, reflective_team, published_framework):
    return make_people(factories, reflective_team)


@pytest.fixture
def discussion(db_session, people):
    return held_discussion(db_session, people)


def actions_of(session, discussion, action: str) -> int:
    return session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == action, AuditEvent.object_id == str(discussion.id))
    )


def refused(call, *args, message: str | None = None, **kwargs) -> DiscussionError:
    with pytest.raises(DiscussionError) as caught:
        call(*args, **kwargs)
    if message is not None:
        assert message in caught.value.message
    return caught.value


# The proposal -----------------------------------------------------------------------------


def test_the_practitioner_writes_and_changes_their_proposal_before_the_meeting(
    db_session, people, discussion
):
    recording.save_proposal(people.practitioner, discussion, "  Raise the risk level.  ")
    recording.save_proposal(people.practitioner, discussion, "Raise it, and refer to MAPPA.")

    assert discussion.proposal == "Raise it, and refer to MAPPA."
    assert actions_of(db_session, discussion, "discussion.proposal") == 2


def test_only_the_practitioner_writes_the_proposal(people, discussion):
    refused(recording.save_proposal, people.spo, discussion, "Mine", message="practitioner")
    refused(recording.save_proposal, people.other_practitioner, discussion, "Mine")


def test_the_proposal_is_frozen_once_the_spo_has_recorded(people, discussion):
    recording.save_proposal(people.practitioner, discussion, "Raise the risk level.")
    recording.record_discussion(people.spo, discussion, record_input(), today=TODAY, now=utc_now())

    error = refused(recording.save_proposal, people.practitioner, discussion, "Changed")
    assert error.field == "proposal"
    assert discussion.proposal == "Raise the risk level."


@pytest.mark.parametrize("status", [DiscussionStatus.CANCELLED, DiscussionStatus.MISSED])
def test_no_proposal_for_a_discussion_that_is_not_going_ahead(db_session, people, status):
    discussion = held_discussion(db_session, people, status=status)
    refused(recording.save_proposal, people.practitioner, discussion, "Plan")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter your proposal"),
        ("x" * (recording.PROPOSAL_MAX + 1), "3,000 characters or fewer"),
        ("Call <b>them</b>", "must not include HTML"),
        ("Mr Smith lives at LE1 6AA", "personal details of a person on probation"),
    ],
)
def test_the_service_refuses_a_bad_proposal(people, discussion, text, message):
    refused(recording.save_proposal, people.practitioner, discussion, text, message=message)
    assert discussion.proposal is None


# The SPO's record -------------------------------------------------------------------------


def test_the_spo_records_the_discussion(db_session, people, discussion):
    recording.record_discussion(people.spo, discussion, record_input(), today=TODAY, now=utc_now())

    assert discussion.status == DiscussionStatus.RECORDED
    assert discussion.recorded_at is not None
    assert discussion.held_on == TODAY - timedelta(days=1)
    assert discussion.reflective_model == "gibbs"
    assert {(r.skill.slug, r.level) for r in discussion.ratings} == {
        ("rosh-analysis", 3),
        ("risk-planning", 2),
        ("safeguarding-enquiries", None),
    }
    assert [(d.decision, d.rationale) for d in discussion.decisions] == [
        ("Keep the risk level at high.", "New information supports it.")
    ]
    assert [(a.owner, a.text) for a in discussion.actions] == [
        ("practitioner", "Rewrite the contingency plan"),
        ("spo", "Book a safeguarding hub slot"),
    ]
    assert actions_of(db_session, discussion, "discussion.record") == 1


def test_recording_again_before_signing_replaces_the_record(db_session, people, discussion):
    now = utc_now()
    recording.record_discussion(people.spo, discussion, record_input(), today=TODAY, now=now)
    changed = record_input(ratings={"engagement-skills": 4}, decisions=[], actions=[])
    changed.decisions = [DecisionInput("Refer to MAPPA.", "Level 2 criteria are met.")]
    recording.record_discussion(people.spo, discussion, changed, today=TODAY, now=now)
    db_session.flush()

    assert [(r.skill.slug, r.level) for r in discussion.ratings] == [("engagement-skills", 4)]
    assert [d.decision for d in discussion.decisions] == ["Refer to MAPPA."]
    assert discussion.actions == []
    assert actions_of(db_session, discussion, "discussion.record_update") == 1


@pytest.mark.parametrize("who", ["practitioner", "team_spo", "other_spo"])
def test_only_the_spo_holding_the_discussion_records_it(people, discussion, who):
    refused(
        recording.record_discussion,
        people.by_name(who),
        discussion,
        record_input(),
        today=TODAY,
        now=utc_now(),
        message="Only the SPO holding the discussion",
    )
    assert discussion.recorded_at is None


def test_a_discussion_cannot_be_recorded_before_its_slot_day(db_session, people):
    discussion = held_discussion(db_session, people, slot_day=TODAY + timedelta(days=1))
    refused(
        recording.record_discussion,
        people.spo,
        discussion,
        record_input(held_on=TODAY),
        today=TODAY,
        now=utc_now(),
        message="cannot be recorded yet",
    )


def test_a_discussion_can_be_recorded_on_its_slot_day_before_the_slot(db_session, people):
    # Late tonight: the SPO may write it up on the day, even before the booked time.
    discussion = held_discussion(db_session, people, slot_day=TODAY, slot_hour=22)
    recording.record_discussion(
        people.spo, discussion, record_input(held_on=TODAY), today=TODAY, now=utc_now()
    )
    assert discussion.status == DiscussionStatus.RECORDED


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"held_on": TODAY + timedelta(days=1)}, "today or in the past", "held_on"),
        ({"held_on": TODAY - timedelta(days=8)}, "on or after the day", "held_on"),
        ({"reflective_model": "freud"}, "Select the reflective model", "reflective_model"),
        ({"what_happened": "  "}, "Enter what happened", "what_happened"),
        ({"so_what": "x" * 3001}, "3,000 characters or fewer", "so_what"),
        ({"now_what": "Tell Mrs Jones"}, "personal details", "now_what"),
        ({"wellbeing_check": "<script>x</script>"}, "must not include HTML", "wellbeing_check"),
        ({"ratings": {"rosh-analysis": 5}}, "A level must be 1, 2, 3 or 4", None),
        ({"ratings": {"rosh-analysis": None}}, "Rate at least one skill", None),
        ({"ratings": {"no-such-skill": 3}}, "Unknown skill: no-such-skill", None),
        ({"decisions": []}, "at least one decision", None),
        ({"decisions": [DecisionInput("D", "R")] * 6}, "no more than 5 decisions", None),
        ({"decisions": [DecisionInput("D", "")]}, "Enter a rationale", None),
        ({"actions": [ActionInput("A", "manager", TODAY)]}, "owner must be", None),
        ({"actions": [ActionInput("A", "spo", "tomorrow")]}, "needs a due date", None),
        ({"actions": [ActionInput("A", "spo", TODAY - timedelta(days=5))]}, "on or after", None),
        ({"actions": [ActionInput("A", "spo", TODAY)] * 6}, "no more than 5 actions", None),
    ],
)
def test_the_service_refuses_a_bad_record(people, discussion, overrides, message, field):
    error = refused(
        recording.record_discussion,
        people.spo,
        discussion,
        record_input(**overrides),
        today=TODAY,
        now=utc_now(),
        message=message,
    )
    assert error.field == field
    assert discussion.status == DiscussionStatus.BOOKED
    assert discussion.ratings == []


@pytest.mark.parametrize("status", [DiscussionStatus.DUE, DiscussionStatus.CANCELLED])
def test_only_a_booked_discussion_is_recorded(db_session, people, status):
    discussion = held_discussion(db_session, people, status=status)
    refused(
        recording.record_discussion,
        people.spo,
        discussion,
        record_input(),
        today=TODAY,
        now=utc_now(),
    )


# The order of signing -----------------------------------------------------------------------


def test_the_spo_cannot_sign_before_recording(people, discussion):
    refused(recording.sign_off, people.spo, discussion, now=utc_now(), message="Record")
    assert discussion.spo_signed_at is None


def test_the_practitioner_cannot_reflect_or_sign_before_the_spo_signs(people, discussion):
    recording.record_discussion(people.spo, discussion, record_input(), today=TODAY, now=utc_now())
    refused(recording.save_reflection, people.practitioner, discussion, "I learnt a lot")
    refused(recording.sign_off, people.practitioner, discussion, now=utc_now())
    assert discussion.practitioner_reflection is None
    assert discussion.practitioner_signed_at is None


def test_signing_freezes_the_spos_part(people, discussion):
    recording.record_discussion(people.spo, discussion, record_input(), today=TODAY, now=utc_now())
    assert recording.sign_off(people.spo, discussion, now=utc_now()) is None

    assert discussion.spo_signed_at is not None
    assert discussion.status == DiscussionStatus.RECORDED
    refused(
        recording.record_discussion,
        people.spo,
        discussion,
        record_input(reflective_model="kolb"),
        today=TODAY,
        now=utc_now(),
        message="You have signed the record",
    )
    refused(recording.sign_off, people.spo, discussion, now=utc_now(), message="already signed")
    assert discussion.reflective_model == "gibbs"


def test_the_practitioner_must_reflect_before_signing(db_session, people, discussion):
    signed_by_spo(db_session, people, discussion)
    error = refused(recording.sign_off, people.practitioner, discussion, now=utc_now())
    assert error.field == "reflection"

    recording.save_reflection(people.practitioner, discussion, "First thoughts.")
    recording.save_reflection(people.practitioner, discussion, "Second thoughts.")
    assert discussion.practitioner_reflection == "Second thoughts."


@pytest.mark.parametrize("who", ["team_spo", "other_spo", "other_practitioner"])
def test_nobody_else_signs(db_session, people, discussion, who):
    signed_by_spo(db_session, people, discussion)
    recording.save_reflection(people.practitioner, discussion, "Thoughts.")
    refused(recording.sign_off, people.by_name(who), discussion, now=utc_now())
    assert discussion.practitioner_signed_at is None


# Signed off --------------------------------------------------------------------------------


def test_both_signatures_make_an_acknowledged_reflective_discussion_observation(
    db_session, people, published_framework
):
    discussion = held_discussion(db_session, people)
    recording.save_proposal(people.practitioner, discussion, "Keep it high.")
    observation = fully_signed(db_session, people, discussion)

    assert discussion.status == DiscussionStatus.SIGNED
    assert discussion.observation_id == observation.id
    assert observation.type == ObservationType.REFLECTIVE_DISCUSSION
    assert observation.status == ObservationStatus.ACKNOWLEDGED
    assert observation.shared_at is not None and observation.acknowledged_at is not None
    assert (observation.observer_id, observation.observer_role) == (people.spo.id, "spo")
    assert observation.practitioner_id == people.practitioner.id
    assert observation.observed_on == discussion.held_on
    assert observation.framework_version_id == published_framework.id
    assert observation.details == {
        "format": "one_to_one",
        "trigger": "rosh_raised",
        "model": "gibbs",
        "proposal": "yes",
        "wellbeing_check": "yes",
    }
    assert missing_details(REFLECTIVE_DISCUSSION, observation.details) == []
    # Only the rated skills are evidence; "discussed, not rated" is not "not seen".
    assert {(r.skill.slug, r.level) for r in observation.ratings} == {
        ("rosh-analysis", 3),
        ("risk-planning", 2),
    }
    assert observation.practitioner_reflection == "I will test my plans against contingencies."
    assert observation.development_points == discussion.now_what
    assert [a.text for a in observation.actions] == ["Rewrite the contingency plan"]
    assert discussion.case_event.closed_on == TODAY
    assert actions_of(db_session, discussion, "discussion.sign_spo") == 1
    assert actions_of(db_session, discussion, "discussion.sign_practitioner") == 1


def test_a_regular_discussion_without_a_proposal_says_so(db_session, people):
    discussion = held_discussion(db_session, people, with_event=False)
    observation = fully_signed(db_session, people, discussion)
    assert observation.details["trigger"] == "cadence"
    assert observation.details["proposal"] == "no"


def test_sign_off_updates_the_practitioners_stored_profile(db_session, people, discussion):
    refresh_profiles(people.practitioner)

    def stored(slug: str) -> SkillProfileRecord:
        db_session.expire_all()
        return db_session.get(SkillProfileRecord, (people.practitioner.id, slug))

    assert stored("rosh-analysis").observed_level is None
    assert stored("rosh-analysis").evidence_count == 0

    fully_signed(db_session, people, discussion)

    assert stored("rosh-analysis").observed_level == pytest.approx(3.0)
    assert stored("rosh-analysis").evidence_count == 1
    assert stored("risk-planning").observed_level == pytest.approx(2.0)
    assert stored("safeguarding-enquiries").observed_level is None


def test_a_signed_record_is_read_only(db_session, people, discussion):
    fully_signed(db_session, people, discussion)
    now = utc_now()

    for call, args in [
        (recording.save_proposal, (people.practitioner, discussion, "Later")),
        (recording.save_reflection, (people.practitioner, discussion, "Later")),
        (recording.sign_off, (people.practitioner, discussion)),
        (recording.sign_off, (people.spo, discussion)),
    ]:
        kwargs = {"now": now} if call is recording.sign_off else {}
        refused(call, *args, message="cannot be changed", **kwargs)
    refused(
        recording.record_discussion,
        people.spo,
        discussion,
        record_input(),
        today=TODAY,
        now=now,
        message="cannot be changed",
    )
    assert discussion.practitioner_reflection == "I will test my plans against contingencies."


def test_signing_twice_makes_one_observation(db_session, people, discussion):
    fully_signed(db_session, people, discussion)
    refused(recording.sign_off, people.practitioner, discussion, now=utc_now())

    count = db_session.scalar(
        select(func.count())
        .select_from(Observation)
        .where(Observation.practitioner_id == people.practitioner.id)
    )
    assert count == 1


@pytest.mark.parametrize(
    ("rule_code", "trigger"),
    [
        ("rosh-high", "rosh_raised"),
        ("mappa", "mappa"),
        ("audit-keeping-safe-no", "qa_finding"),
        ("practitioner-request", "other"),
        ("a-rule-added-later", "other"),
    ],
)
def test_the_observation_names_what_prompted_the_discussion(db_session, people, rule_code, trigger):
    discussion = held_discussion(db_session, people)
    discussion.rule_code = rule_code
    assert recording.trigger_for(discussion) == trigger
