"""SPOs set their weekly capacity; anyone adds and removes their own leave.

Leave moves the discussions booked on those days; capacity and leave changes place the
SPO's due discussions again.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from learning_app.core.audit import AuditEvent
from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.reflective import services
from learning_app.reflective.models import DiscussionStatus, Leave, SpoCapacity
from learning_app.reflective.services import CapacityInput, DiscussionError
from tests.reflective.conftest import make_discussion
from tests.reflective.scheduling_helpers import MONDAY, at, london_wall, outbox

THURSDAY = MONDAY + timedelta(days=3)


def capacity(**changes) -> CapacityInput:
    fields = {
        "sessions_per_week": 6,
        "weekdays": frozenset({1, 3}),
        "day_starts": time(9, 30),
        "day_ends": time(12, 30),
        "slot_minutes": 90,
    }
    fields.update(changes)
    return CapacityInput(**fields)


def due_now(session, team, person):
    """A due discussion that may be held from today (the real one: capacity and leave
    changes place discussions from this moment)."""
    today = london_today()
    discussion = make_discussion(
        session, person, team.spo, status=DiscussionStatus.DUE, due_on=today + timedelta(days=14)
    )
    discussion.earliest_on = today
    session.flush()
    return discussion


# Capacity ----------------------------------------------------------------------------------


def test_an_spo_changes_their_capacity_and_it_is_kept_in_one_row(reflective_team):
    row = services.set_capacity(reflective_team.spo, capacity())

    assert row.id == reflective_team.capacity.id
    assert (row.sessions_per_week, row.weekdays, row.slot_minutes) == (6, "13", 90)
    assert (row.day_starts, row.day_ends) == (time(9, 30), time(12, 30))
    assert db.session.scalars(select(SpoCapacity)).all() == [row]
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "spo_capacity.set" in actions


def test_a_new_spo_sets_capacity_and_their_due_discussions_are_placed(factories, db_session):
    team = factories.team()
    spo = factories.spo(team)
    practitioner = factories.user(team=team)
    discussion = make_discussion(
        db_session,
        practitioner,
        spo,
        status=DiscussionStatus.DUE,
        due_on=london_today() + timedelta(days=14),
    )
    discussion.earliest_on = london_today()
    services.place_due_discussions(at(london_today(), 0))
    assert discussion.at_risk_reason == "no_capacity"

    services.set_capacity(spo, capacity(weekdays=frozenset(range(5))))

    assert discussion.status == DiscussionStatus.BOOKED
    assert discussion.at_risk_reason is None
    assert london_wall(discussion.starts_at).time() in (time(9, 30), time(11))


def test_only_spos_set_capacity(reflective_team):
    with pytest.raises(DiscussionError) as refused:
        services.set_capacity(reflective_team.pso, capacity())

    assert refused.value.message == "Only SPOs can set capacity for reflective discussions"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"weekdays": frozenset()}, "weekdays", "Select at least one day from Monday to Friday"),
        ({"weekdays": frozenset({5})}, "weekdays", "Select at least one day from Monday to Friday"),
        ({"day_ends": time(9, 30)}, "day_ends", "The end of the day must be after the start"),
        ({"slot_minutes": 10}, "slot_minutes", "Slot length must be between 15 and 240 minutes"),
        ({"slot_minutes": 241}, "slot_minutes", "Slot length must be between 15 and 240 minutes"),
        (
            {"slot_minutes": 200},
            "slot_minutes",
            "The slot length must fit between the start and end of the day",
        ),
        (
            {"sessions_per_week": 41},
            "sessions_per_week",
            "Discussions a week must be a number from 0 to 40",
        ),
        (
            {"sessions_per_week": -1},
            "sessions_per_week",
            "Discussions a week must be a number from 0 to 40",
        ),
    ],
)
def test_bad_capacity_is_refused_naming_the_field(reflective_team, changes, field, message):
    with pytest.raises(DiscussionError) as refused:
        services.set_capacity(reflective_team.spo, capacity(**changes))

    assert (refused.value.field, refused.value.message) == (field, message)
    assert reflective_team.capacity.sessions_per_week == 4


def test_no_discussions_a_week_is_allowed(reflective_team):
    row = services.set_capacity(reflective_team.spo, capacity(sessions_per_week=0))
    assert row.sessions_per_week == 0


# Leave -------------------------------------------------------------------------------------


def test_an_spos_leave_moves_their_booked_discussions_to_free_days(db_session, reflective_team):
    team = reflective_team
    on_leave_day = make_discussion(db_session, team.pso, team.spo, starts_at=at(MONDAY, 10))
    on_leave_day.earliest_on, on_leave_day.due_on = MONDAY, MONDAY + timedelta(days=7)
    after = make_discussion(db_session, team.practitioner, team.spo, starts_at=at(THURSDAY, 14))
    db_session.flush()

    leave = services.add_leave(team.spo, MONDAY, date(2027, 3, 2), today=MONDAY)

    assert leave.person_id == team.spo.id
    assert on_leave_day.status == DiscussionStatus.BOOKED
    assert london_wall(on_leave_day.starts_at) == datetime(2027, 3, 3, 10)
    assert on_leave_day.sequence == 1
    assert (london_wall(after.starts_at), after.sequence) == (datetime(2027, 3, 4, 14), 0)
    moved = [m for m in outbox() if m.kind == "discussion-moved" and m.recipient_id == team.pso.id]
    assert moved[0].dedupe_key == f"discussion-moved:{on_leave_day.id}:1:{team.pso.id}"
    assert f"It was moved because {team.spo.name} is on leave that day." in moved[0].body
    assert "Wednesday 3 March 2027 at 10am" in moved[0].body
    assert not [m for m in outbox() if m.kind == "discussion-booked"]


def test_a_practitioners_leave_moves_their_discussion(db_session, reflective_team):
    team = reflective_team
    discussion = make_discussion(db_session, team.pso, team.spo, starts_at=at(MONDAY, 10))
    discussion.earliest_on, discussion.due_on = MONDAY, MONDAY + timedelta(days=7)
    db_session.flush()

    services.add_leave(team.pso, MONDAY, MONDAY, today=MONDAY)

    assert london_wall(discussion.starts_at) == datetime(2027, 3, 2, 10)
    to_spo = next(m for m in outbox() if m.recipient_id == team.spo.id)
    assert f"because {team.pso.name} is on leave that day" in to_spo.body
    to_pso = next(m for m in outbox() if m.recipient_id == team.pso.id)
    assert "because you are on leave that day" in to_pso.body


def test_leave_with_no_free_slot_left_unbooks_and_says_so(db_session, reflective_team):
    team = reflective_team
    discussion = make_discussion(db_session, team.pso, team.spo, starts_at=at(MONDAY, 10))
    discussion.earliest_on, discussion.due_on = MONDAY, MONDAY + timedelta(days=7)
    db_session.flush()

    services.add_leave(team.spo, MONDAY, MONDAY + timedelta(weeks=14), today=MONDAY)

    assert discussion.status == DiscussionStatus.DUE
    assert discussion.starts_at is None
    assert discussion.at_risk_reason == "on_leave"
    (message, _) = [m for m in outbox() if m.kind == "discussion-moved"]
    assert message.subject == "Reflective discussion moved: a new time is still to be booked"


def test_leave_leaves_other_peoples_and_other_days_discussions_alone(db_session, reflective_team):
    team = reflective_team
    other_day = make_discussion(db_session, team.pso, team.spo, starts_at=at(MONDAY, 10))

    services.add_leave(team.practitioner, MONDAY, MONDAY, today=MONDAY)
    services.add_leave(
        team.pso, MONDAY + timedelta(days=1), MONDAY + timedelta(days=2), today=MONDAY
    )

    assert london_wall(other_day.starts_at) == datetime(2027, 3, 1, 10)
    assert other_day.sequence == 0
    assert outbox() == []


@pytest.mark.parametrize(
    ("first", "last", "field", "message"),
    [
        (None, MONDAY, "first_day", "Enter the first day of your leave"),
        (MONDAY, None, "last_day", "Enter the last day of your leave"),
        (
            MONDAY,
            MONDAY - timedelta(days=1),
            "last_day",
            "The last day of your leave must be the same as or after the first day",
        ),
        (
            MONDAY - timedelta(days=5),
            MONDAY - timedelta(days=1),
            "last_day",
            "The last day of your leave must be today or in the future",
        ),
        (MONDAY, MONDAY + timedelta(days=366), "last_day", "Leave can be 366 days at most"),
    ],
)
def test_bad_leave_is_refused_naming_the_field(reflective_team, first, last, field, message):
    with pytest.raises(DiscussionError) as refused:
        services.add_leave(reflective_team.spo, first, last, today=MONDAY)

    assert (refused.value.field, refused.value.message) == (field, message)
    assert db.session.scalars(select(Leave)).all() == []


def test_a_year_of_leave_is_allowed(reflective_team):
    leave = services.add_leave(
        reflective_team.spo, MONDAY, MONDAY + timedelta(days=365), today=MONDAY
    )
    assert leave.id is not None


def test_people_remove_only_their_own_leave(db_session, reflective_team):
    team = reflective_team
    leave = services.add_leave(team.pso, MONDAY, MONDAY, today=MONDAY)

    with pytest.raises(DiscussionError) as refused:
        services.remove_leave(team.spo, leave)
    assert refused.value.message == "You can only remove your own leave"

    services.remove_leave(team.pso, leave)
    assert db.session.scalars(select(Leave)).all() == []


def test_removing_an_spos_leave_places_what_it_held_up(db_session, reflective_team):
    team = reflective_team
    today = london_today()
    leave = Leave(person_id=team.spo.id, first_day=today, last_day=today + timedelta(weeks=13))
    db_session.add(leave)
    discussion = due_now(db_session, team, team.pso)
    services.place_due_discussions(at(today, 0))
    assert discussion.at_risk_reason == "on_leave"

    services.remove_leave(team.spo, leave)

    assert discussion.status == DiscussionStatus.BOOKED
