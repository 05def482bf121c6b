"""Placing due discussions in SPOs' free slots: what gets booked, when, and what is at risk.

The SPO of ``reflective_team`` holds 4 one-hour discussions a week, Monday to Thursday,
10am to 4pm (London time).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from learning_app.accounts.constants import Grade
from learning_app.core.audit import AuditEvent
from learning_app.extensions import db
from learning_app.notifications.models import OutboxMessage
from learning_app.reflective import bookings, emails, services
from learning_app.reflective.models import (
    Discussion,
    DiscussionStatus,
    DueReason,
    GroupInvitation,
    GroupSession,
    Leave,
)
from learning_app.reflective.placer import Placement
from learning_app.reflective.working_days import bank_holidays
from tests.reflective.conftest import make_discussion
from tests.reflective.scheduling_helpers import (
    MONDAY,
    SUMMER_MONDAY,
    at,
    count_queries,
    london_wall,
    outbox,
)

NOW = at(MONDAY, 8)


def due_for(session, person, spo, due_on=MONDAY + timedelta(days=7), **fields) -> Discussion:
    fields.setdefault("reason", DueReason.CASE_EVENT)
    discussion = make_discussion(
        session, person, spo, status=DiscussionStatus.DUE, due_on=due_on, **fields
    )
    discussion.earliest_on = min(due_on, MONDAY)
    session.flush()
    return discussion


def starts(discussion: Discussion) -> datetime:
    return london_wall(discussion.starts_at)


def place(now=NOW, **kwargs) -> services.PlacingSummary:
    return services.place_due_discussions(now, **kwargs)


def test_due_discussions_take_the_spos_earliest_free_slots_most_urgent_first(
    db_session, reflective_team
):
    team = reflective_team
    later = due_for(db_session, team.pso, team.spo, due_on=MONDAY + timedelta(days=9))
    sooner = due_for(db_session, team.practitioner, team.spo, due_on=MONDAY + timedelta(days=3))

    summary = place()

    assert summary == services.PlacingSummary(placed=2, at_risk=0)
    assert starts(sooner) == datetime(2027, 3, 1, 10)
    assert starts(later) == datetime(2027, 3, 1, 11)
    assert later.ends_at - later.starts_at == timedelta(hours=1)
    assert {sooner.status, later.status} == {DiscussionStatus.BOOKED}
    assert sooner.at_risk_reason is None


def test_london_times_are_stored_as_utc(db_session, reflective_team):
    team = reflective_team
    discussion = due_for(db_session, team.pso, team.spo, due_on=SUMMER_MONDAY + timedelta(days=3))

    place(at(SUMMER_MONDAY, 8))

    # 10am British Summer Time is 9am UTC.
    stored = discussion.starts_at.replace(tzinfo=None)
    assert stored == datetime(2027, 6, 7, 9)
    assert starts(discussion) == datetime(2027, 6, 7, 10)


def test_nothing_is_placed_before_now(db_session, reflective_team):
    team = reflective_team
    discussion = due_for(db_session, team.pso, team.spo)

    place(at(MONDAY, 12, 30))

    assert starts(discussion) == datetime(2027, 3, 1, 13)


def test_placing_twice_changes_nothing(db_session, reflective_team):
    team = reflective_team
    for person in (team.pso, team.practitioner):
        due_for(db_session, person, team.spo)
    extra = [
        due_for(db_session, team.pso, team.spo, due_on=MONDAY + timedelta(days=1)) for _ in range(3)
    ]
    place()
    booked = {d.id: (d.status, d.starts_at, d.sequence, d.at_risk_reason) for d in extra}
    messages = len(outbox())
    audited = db_session.scalar(select(func.count(AuditEvent.id)))

    assert place().placed == 0

    assert {d.id: (d.status, d.starts_at, d.sequence, d.at_risk_reason) for d in extra} == booked
    assert len(outbox()) == messages
    assert db_session.scalar(select(func.count(AuditEvent.id))) == audited


def test_weekends_and_bank_holidays_are_never_used(db_session, factories):
    team = factories.team()
    spo = factories.spo(team)
    services.set_capacity(
        spo,
        services.CapacityInput(40, frozenset(range(5)), time(9), time(17), 60),
    )
    people = [factories.user(team=team, grade=Grade.PSO) for _ in range(8)]
    christmas_eve = date(2026, 12, 24)
    made = [
        due_for(db_session, person, spo, due_on=date(2027, 1, 8))
        for person in people
        for _ in range(3)
    ]
    for discussion in made:
        discussion.earliest_on = christmas_eve

    place(at(christmas_eve, 16, 30))

    days = {starts(d).date() for d in made}
    assert len(made) == 24 and all(d.status == DiscussionStatus.BOOKED for d in made)
    assert all(day.weekday() < 5 for day in days)
    assert not days & bank_holidays()
    assert min(days) == date(2026, 12, 29)


def test_the_spos_leave_is_respected(db_session, reflective_team):
    team = reflective_team
    db_session.add(Leave(person_id=team.spo.id, first_day=MONDAY, last_day=date(2027, 3, 2)))
    discussion = due_for(db_session, team.pso, team.spo)

    place()

    assert starts(discussion) == datetime(2027, 3, 3, 10)


def test_the_practitioners_leave_is_respected(db_session, reflective_team):
    team = reflective_team
    db_session.add(Leave(person_id=team.pso.id, first_day=MONDAY, last_day=MONDAY))
    on_leave = due_for(db_session, team.pso, team.spo, due_on=MONDAY + timedelta(days=2))
    at_work = due_for(db_session, team.practitioner, team.spo, due_on=MONDAY + timedelta(days=3))

    place()

    assert starts(on_leave) == datetime(2027, 3, 2, 10)
    assert starts(at_work) == datetime(2027, 3, 1, 10)


def test_group_sessions_people_run_or_have_accepted_keep_them_busy(db_session, reflective_team):
    team = reflective_team
    running = GroupSession(
        uid="group-1@practice-learning",
        facilitator_id=team.spo.id,
        pdu_id=team.team.pdu_id,
        title="Risk in practice",
        theme_skills=["rosh-analysis"],
        capacity=8,
        starts_at=at(MONDAY, 10),
        ends_at=at(MONDAY, 12),
        place="Leicester office",
    )
    going = GroupSession(
        uid="group-2@practice-learning",
        facilitator_id=team.practitioner.id,
        pdu_id=team.team.pdu_id,
        title="Court reports",
        theme_skills=["court-reports"],
        capacity=8,
        starts_at=at(MONDAY, 12),
        ends_at=at(MONDAY, 13),
        place="Leicester office",
    )
    db_session.add_all([running, going])
    db_session.flush()
    db_session.add(
        GroupInvitation(session_id=going.id, practitioner_id=team.pso.id, response="accepted")
    )
    discussion = due_for(db_session, team.pso, team.spo)

    place()

    assert starts(discussion) == datetime(2027, 3, 1, 13)


def test_what_cannot_be_held_by_its_due_date_is_booked_late_and_at_risk(
    db_session, reflective_team
):
    team = reflective_team
    friday = MONDAY + timedelta(days=4)
    made = [due_for(db_session, team.pso, team.spo, due_on=friday) for _ in range(5)]

    summary = place()

    assert summary == services.PlacingSummary(placed=5, at_risk=1)
    on_time, late = made[:4], made[4]
    assert all(d.at_risk_reason is None for d in on_time)
    assert starts(late) == datetime(2027, 3, 8, 10)  # next week: 4 a week
    assert late.status == DiscussionStatus.BOOKED
    assert late.at_risk_reason == "over_capacity"


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("no capacity", "no_capacity"),
        ("long leave", "on_leave"),
    ],
)
def test_what_cannot_be_placed_stays_due_with_the_reason(
    db_session, reflective_team, setup, reason
):
    team = reflective_team
    if setup == "no capacity":
        team.capacity.sessions_per_week = 0
    else:
        db_session.add(
            Leave(person_id=team.spo.id, first_day=MONDAY, last_day=MONDAY + timedelta(weeks=13))
        )
    discussion = due_for(db_session, team.pso, team.spo)

    summary = place()

    assert summary == services.PlacingSummary(placed=0, at_risk=1)
    assert discussion.status == DiscussionStatus.DUE
    assert discussion.starts_at is None
    assert discussion.at_risk_reason == reason
    assert outbox() == []


def test_a_discussion_is_always_held_by_the_practitioners_current_spo(
    db_session, factories, reflective_team
):
    other_team = factories.team()
    new_spo = factories.spo(other_team)
    services.set_capacity(
        new_spo, services.CapacityInput(4, frozenset({0}), time(14), time(16), 60)
    )
    discussion = due_for(db_session, reflective_team.pso, reflective_team.spo)
    reflective_team.pso.team = other_team
    db_session.flush()

    place()

    assert discussion.spo_id == new_spo.id
    assert starts(discussion) == datetime(2027, 3, 1, 14)


def test_placing_for_some_spos_leaves_the_others_alone(db_session, factories, reflective_team):
    other_team = factories.team()
    other_spo = factories.spo(other_team)
    services.set_capacity(
        other_spo, services.CapacityInput(4, frozenset({0}), time(10), time(12), 60)
    )
    theirs = due_for(db_session, factories.user(team=other_team), other_spo)
    ours = due_for(db_session, reflective_team.pso, reflective_team.spo)

    place(spo_ids={reflective_team.spo.id})

    assert ours.status == DiscussionStatus.BOOKED
    assert theirs.status == DiscussionStatus.DUE


def test_a_run_that_crashes_half_way_and_runs_again_books_and_emails_once(
    db_session, reflective_team, monkeypatch
):
    team = reflective_team
    made = [due_for(db_session, p, team.spo) for p in (team.pso, team.practitioner)]
    real = emails.booked_emails
    calls = []

    def crash_on_second(discussion):
        calls.append(discussion.id)
        if len(calls) == 2:
            raise RuntimeError("the job was killed")
        return real(discussion)

    monkeypatch.setattr(emails, "booked_emails", crash_on_second)
    savepoint = db_session.begin_nested()
    with pytest.raises(RuntimeError):
        place()
    savepoint.rollback()
    monkeypatch.setattr(emails, "booked_emails", real)

    assert place().placed == 2
    assert place().placed == 0
    assert all(d.status == DiscussionStatus.BOOKED for d in made)
    keys = [m.dedupe_key for m in outbox()]
    assert len(keys) == len(set(keys)) == 4


def test_a_slot_taken_at_the_same_moment_is_skipped_and_left_due(db_session, reflective_team):
    team = reflective_team
    make_discussion(db_session, team.pso, team.spo, starts_at=at(MONDAY, 10))
    discussion = due_for(db_session, team.practitioner, team.spo)
    clash = Placement(
        discussion.id,
        team.practitioner.id,
        team.spo.id,
        datetime(2027, 3, 1, 10),
        datetime(2027, 3, 1, 11),
        late=False,
    )

    assert bookings.book_one(discussion, clash, team.spo, {}) is False

    assert discussion.status == DiscussionStatus.DUE
    assert discussion.starts_at is None


def test_placing_reads_everything_in_a_fixed_number_of_queries(db_session, factories):
    def selects_for(people: int) -> int:
        team = factories.team()
        spo = factories.spo(team)
        services.set_capacity(
            spo, services.CapacityInput(40, frozenset(range(5)), time(9), time(17), 30)
        )
        for _ in range(people):
            due_for(db_session, factories.user(team=team), spo)
        with count_queries() as counter:
            place()
        return sum(
            1
            for s in counter.statements
            if s.lstrip().upper().startswith("SELECT") and "outbox_messages" not in s
        )

    assert selects_for(2) == selects_for(10)
    assert (
        db_session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "discussion-booked")
        )
        == 2 * 12
    )
    assert (
        db.session.scalar(
            select(func.count(Discussion.id)).where(Discussion.status == DiscussionStatus.DUE)
        )
        == 0
    )
