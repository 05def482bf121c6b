"""Accepting, moving and cancelling a booked discussion, and the free slots it may move to.

The SPO of ``reflective_team`` holds 4 one-hour discussions a week, Monday to Thursday,
10am to 4pm (London time). It is 8am on Monday 1 March 2027.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from learning_app.extensions import db
from learning_app.reflective import services
from learning_app.reflective.models import (
    CaseEvent,
    Discussion,
    DiscussionStatus,
    DueReason,
    Leave,
)
from learning_app.reflective.services import DiscussionError
from tests.reflective.conftest import make_discussion
from tests.reflective.scheduling_helpers import MONDAY, at, discussions_of, london_wall, outbox

NOW = at(MONDAY, 8)
TUESDAY, WEDNESDAY, THURSDAY = (MONDAY + timedelta(days=n) for n in (1, 2, 3))


def booked(session, team, person=None, starts_at=None, **fields) -> Discussion:
    fields.setdefault("due_on", MONDAY + timedelta(days=7))
    discussion = make_discussion(
        session, person or team.pso, team.spo, starts_at=starts_at or at(MONDAY, 10), **fields
    )
    discussion.earliest_on = MONDAY
    session.flush()
    return discussion


def wall_times(moments) -> list[datetime]:
    return [london_wall(m) for m in moments]


# Accepting ---------------------------------------------------------------------------------


def test_each_person_accepts_the_time_once(db_session, reflective_team):
    team = reflective_team
    discussion = booked(db_session, team)

    services.accept_discussion(team.pso, discussion, NOW)
    services.accept_discussion(team.spo, discussion, NOW + timedelta(hours=1))
    services.accept_discussion(team.pso, discussion, NOW + timedelta(hours=2))

    assert london_wall(discussion.practitioner_accepted_at) == datetime(2027, 3, 1, 8)
    assert london_wall(discussion.spo_accepted_at) == datetime(2027, 3, 1, 9)


def test_nobody_else_accepts_and_only_a_booked_discussion_is_accepted(db_session, reflective_team):
    team = reflective_team
    discussion = booked(db_session, team)

    with pytest.raises(DiscussionError) as refused:
        services.accept_discussion(team.practitioner, discussion, NOW)
    assert refused.value.message == "You can only change your own discussions"

    discussion.status = DiscussionStatus.RECORDED
    with pytest.raises(DiscussionError) as refused:
        services.accept_discussion(team.pso, discussion, NOW)
    assert refused.value.message == "Only a booked discussion can be accepted"


# Free slots --------------------------------------------------------------------------------


def test_free_slots_are_within_capacity_and_free_for_both_people(db_session, reflective_team):
    team = reflective_team
    discussion = booked(db_session, team)
    booked(db_session, team, team.practitioner, at(MONDAY, 11))  # the SPO is busy then
    make_discussion(db_session, team.pso, None, status=DiscussionStatus.DUE)
    db_session.add(Leave(person_id=team.pso.id, first_day=TUESDAY, last_day=TUESDAY))

    slots = wall_times(services.free_slots(discussion, now=NOW, weeks=1))

    assert slots[:3] == [
        datetime(2027, 3, 1, 12),
        datetime(2027, 3, 1, 13),
        datetime(2027, 3, 1, 14),
    ]
    assert datetime(2027, 3, 1, 10) not in slots  # its own time
    assert datetime(2027, 3, 1, 11) not in slots
    assert not {s.date() for s in slots} & {TUESDAY}  # the practitioner is on leave
    assert {s.date() for s in slots} == {MONDAY, WEDNESDAY, THURSDAY}
    assert all(s.time().hour in range(10, 16) for s in slots)


def test_a_full_week_offers_no_slot_that_week(db_session, reflective_team):
    team = reflective_team
    discussion = booked(db_session, team, starts_at=at(MONDAY + timedelta(weeks=1), 10))
    for hour in (10, 11, 12, 13):
        booked(db_session, team, team.practitioner, at(MONDAY, hour))

    slots = wall_times(services.free_slots(discussion, now=NOW, weeks=2))

    assert min(slots) == datetime(2027, 3, 8, 11)


def test_free_slots_skip_bank_holidays_and_the_spos_leave(db_session, reflective_team):
    team = reflective_team
    discussion = booked(db_session, team)
    db_session.add(Leave(person_id=team.spo.id, first_day=WEDNESDAY, last_day=WEDNESDAY))

    slots = wall_times(services.free_slots(discussion, now=NOW, weeks=5))

    days = {s.date() for s in slots}
    assert date(2027, 3, 29) not in days  # Easter Monday
    assert WEDNESDAY not in days
    assert all(d.weekday() < 4 for d in days)


# Moving ------------------------------------------------------------------------------------


def test_the_practitioner_moves_to_a_free_slot_and_both_are_emailed(db_session, reflective_team):
    team = reflective_team
    discussion = booked(db_session, team, case_event=None)
    discussion.spo_accepted_at = NOW
    new_time = at(TUESDAY, 14)

    services.move_discussion(team.pso, discussion, new_time, NOW)

    assert london_wall(discussion.starts_at) == datetime(2027, 3, 2, 14)
    assert london_wall(discussion.ends_at) == datetime(2027, 3, 2, 15)
    assert discussion.sequence == 1
    assert discussion.practitioner_accepted_at is not None
    assert discussion.spo_accepted_at is None  # the SPO is asked to accept the new time
    messages = outbox()
    assert {m.dedupe_key for m in messages} == {
        f"discussion-moved:{discussion.id}:1:{team.pso.id}",
        f"discussion-moved:{discussion.id}:1:{team.spo.id}",
    }
    to_spo = next(m for m in messages if m.recipient_id == team.spo.id)
    assert to_spo.subject == "Reflective discussion moved to Tuesday 2 March 2027 at 2pm"
    assert "on Monday 1 March 2027 at 10am has moved to Tuesday 2 March 2027 at 2pm" in to_spo.body
    assert f"{team.pso.name} moved it." in to_spo.body


@pytest.mark.parametrize(
    ("new_time", "message"),
    [
        (at(MONDAY, 11), services.SLOT_TAKEN),
        (at(MONDAY, 10, 30), "Select one of the free times"),
        (at(MONDAY + timedelta(days=4), 10), "Select one of the free times"),  # a Friday
        (at(MONDAY - timedelta(days=7), 10), "Select one of the free times"),  # the past
    ],
)
def test_a_move_to_a_time_that_is_not_free_is_refused(
    db_session, reflective_team, new_time, message
):
    team = reflective_team
    discussion = booked(db_session, team)
    booked(db_session, team, team.practitioner, at(MONDAY, 11))

    with pytest.raises(DiscussionError) as refused:
        services.move_discussion(team.spo, discussion, new_time, NOW)

    assert (refused.value.message, refused.value.field) == (message, "starts_at")
    assert london_wall(discussion.starts_at) == datetime(2027, 3, 1, 10)
    assert discussion.sequence == 0
    assert outbox() == []


def test_only_the_two_people_move_a_discussion_and_not_once_it_has_started(
    db_session, reflective_team
):
    team = reflective_team
    discussion = booked(db_session, team)

    with pytest.raises(DiscussionError) as refused:
        services.move_discussion(team.practitioner, discussion, at(TUESDAY, 10), NOW)
    assert refused.value.message == "You can only change your own discussions"

    with pytest.raises(DiscussionError) as refused:
        services.move_discussion(team.pso, discussion, at(TUESDAY, 10), at(MONDAY, 10, 5))
    assert refused.value.message == "This discussion has already started, so it cannot be moved"


def test_moving_an_at_risk_discussion_before_its_due_date_clears_the_risk(
    db_session, reflective_team
):
    team = reflective_team
    discussion = booked(
        db_session, team, starts_at=at(MONDAY + timedelta(weeks=1), 10), due_on=THURSDAY
    )
    discussion.at_risk_reason = "over_capacity"

    services.move_discussion(team.spo, discussion, at(WEDNESDAY, 10), NOW)

    assert discussion.at_risk_reason is None


# Cancelling --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("  ", "Enter why you are cancelling the discussion"),
        ("x" * 501, "The reason must be 500 characters or fewer"),
        (
            "Mr Smith was recalled",
            "The reason looks like it includes personal details of a person on probation: "
            "a name after Mr, Mrs, Ms or another title (Mr Smith). Remove them: describe the "
            "practice, not the person",
        ),
    ],
)
def test_cancelling_needs_a_reason_without_personal_details(
    db_session, reflective_team, reason, message
):
    discussion = booked(db_session, reflective_team)

    with pytest.raises(DiscussionError) as refused:
        services.cancel_discussion(reflective_team.spo, discussion, reason, NOW)

    assert (refused.value.message, refused.value.field) == (message, "reason")
    assert discussion.status == DiscussionStatus.BOOKED


def test_a_cancelled_case_event_discussion_is_replaced_never_at_the_same_time(
    db_session, reflective_team
):
    team = reflective_team
    discussion = booked(
        db_session, team, reason=DueReason.CASE_EVENT, focus_skills=["rosh-analysis"]
    )

    services.cancel_discussion(team.spo, discussion, "I am at court all morning", NOW)

    assert discussion.status == DiscussionStatus.CANCELLED
    assert discussion.cancelled_by_id == team.spo.id
    assert discussion.cancel_reason == "I am at court all morning"
    assert discussion.sequence == 1
    replacement = discussions_of(team.pso)[-1]
    assert replacement.dedupe_key == f"replaces:{discussion.id}"
    assert replacement.focus_skills == ["rosh-analysis"]
    assert replacement.due_on == discussion.due_on
    assert replacement.status == DiscussionStatus.BOOKED
    assert london_wall(replacement.starts_at) == datetime(2027, 3, 1, 11)
    kinds = sorted((m.kind, m.recipient_id) for m in outbox())
    assert kinds == sorted(
        [
            ("discussion-cancelled", team.pso.id),
            ("discussion-cancelled", team.spo.id),
            ("discussion-booked", team.pso.id),
            ("discussion-booked", team.spo.id),
        ]
    )
    cancelled = next(
        m for m in outbox() if m.kind == "discussion-cancelled" and m.recipient_id == team.pso.id
    )
    assert cancelled.subject == "Reflective discussion on Monday 1 March 2027 at 10am cancelled"
    assert (
        f"{team.spo.name} cancelled your reflective discussion on Monday 1 March 2027 at 10am."
        in cancelled.body
    )
    assert "A new discussion is needed for the same reason" in cancelled.body
    assert "court" not in cancelled.body  # the reason stays in the service


@pytest.mark.parametrize(
    ("reason", "by", "replaced"),
    [
        (DueReason.CADENCE, "spo", False),
        (DueReason.REQUEST, "practitioner", False),  # the practitioner withdraws it
        (DueReason.REQUEST, "spo", True),
        (DueReason.FOLLOW_UP, "practitioner", True),
    ],
)
def test_what_a_cancellation_leaves_behind(db_session, reflective_team, reason, by, replaced):
    team = reflective_team
    discussion = booked(db_session, team, reason=reason)
    actor = team.spo if by == "spo" else team.pso

    services.cancel_discussion(actor, discussion, "Off sick", NOW)

    assert (len(discussions_of(team.pso)) == 2) is replaced


def test_no_replacement_once_the_case_event_has_a_signed_discussion(db_session, reflective_team):
    team = reflective_team
    answered = booked(db_session, team, reason=DueReason.CASE_EVENT, starts_at=at(MONDAY, 12))
    again = booked(db_session, team, reason=DueReason.CASE_EVENT)
    answered.status = DiscussionStatus.SIGNED
    answered.spo_signed_at = answered.practitioner_signed_at = NOW
    event = CaseEvent(
        practitioner_id=team.pso.id,
        logged_by_id=team.pso.id,
        event_type="mappa",
        event_label="MAPPA",
        rosh_level="high",
        occurred_on=MONDAY,
    )
    db_session.add(event)
    db_session.flush()
    answered.case_event_id = again.case_event_id = event.id
    db_session.flush()

    services.cancel_discussion(team.pso, again, "Not needed", NOW)

    assert len(discussions_of(team.pso)) == 2


def test_only_a_booked_discussion_is_cancelled(db_session, reflective_team):
    discussion = booked(db_session, reflective_team, status=DiscussionStatus.RECORDED)

    with pytest.raises(DiscussionError) as refused:
        services.cancel_discussion(reflective_team.pso, discussion, "Off sick", NOW)

    assert refused.value.message == "Only a booked discussion can be cancelled"


def test_the_cancelled_row_frees_its_slot_for_someone_else(db_session, reflective_team):
    team = reflective_team
    discussion = booked(db_session, team, reason=DueReason.CADENCE)
    services.cancel_discussion(team.spo, discussion, "Off sick", NOW)
    other = booked(db_session, team, team.practitioner, at(MONDAY, 11))

    services.move_discussion(team.practitioner, other, at(MONDAY, 10), NOW)

    assert london_wall(other.starts_at) == datetime(2027, 3, 1, 10)
    assert db.session.scalar(select(Discussion).where(Discussion.id == discussion.id)).status == (
        DiscussionStatus.CANCELLED
    )
