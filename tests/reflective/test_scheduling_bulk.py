"""Placing writes a run's bookings together, and still skips just a slot someone else took.

The SPO of ``reflective_team`` holds 4 one-hour discussions a week, Monday to Thursday,
10am to 4pm (London time).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from learning_app.core.audit import AuditEvent
from learning_app.reflective import placer, services
from learning_app.reflective.models import Discussion, DiscussionStatus, DueReason
from learning_app.reflective.placing import to_utc
from tests.reflective.conftest import make_discussion
from tests.reflective.scheduling_helpers import MONDAY, at, count_queries, outbox

NOW = at(MONDAY, 8)


def due_for(session, person, spo, due_on=MONDAY + timedelta(days=14)) -> Discussion:
    discussion = make_discussion(
        session,
        person,
        spo,
        status=DiscussionStatus.DUE,
        reason=DueReason.CASE_EVENT,
        due_on=due_on,
    )
    discussion.earliest_on = MONDAY
    session.flush()
    return discussion


def booked_ids(session) -> set[int]:
    booked = select(AuditEvent.object_id).where(AuditEvent.action == "discussion.book")
    return {int(object_id) for object_id in session.scalars(booked)}


def test_a_run_books_in_one_savepoint_and_one_batch_and_looks_up_its_emails_in_one_query(
    db_session, factories, reflective_team
):
    def run_with(people: int) -> tuple[tuple[int, int, int], int]:
        team = reflective_team
        # Due on Tuesday: what does not fit this week is booked late, next week.
        made = [
            due_for(db_session, factories.user(team=team.team), team.spo, MONDAY + timedelta(1))
            for _ in range(people)
        ]
        with count_queries() as counter:
            summary = services.place_due_discussions(NOW)
        assert summary.placed == people
        savepoints = sum(1 for s in counter.statements if s.upper().startswith("SAVEPOINT"))
        outbox_selects = sum(
            1
            for s in counter.statements
            if s.lstrip().upper().startswith("SELECT") and "FROM outbox_messages" in s
        )
        bookings = sum(1 for s in counter.statements if s.startswith("UPDATE discussions"))
        late = sum(d.at_risk_reason is not None for d in made)
        return (savepoints, outbox_selects, bookings), late

    few, none_late = run_with(2)
    many, some_late = run_with(6)

    assert few == many == (1, 1, 1)
    assert none_late == 0 and some_late > 0


def test_a_slot_taken_between_reading_and_booking_leaves_that_one_due_and_books_the_others(
    db_session, factories, reflective_team, monkeypatch
):
    team = reflective_team
    first = due_for(db_session, team.pso, team.spo)
    second = due_for(db_session, team.practitioner, team.spo)
    real_place = placer.place
    taken = []

    def someone_books_meanwhile(*args, **kwargs) -> placer.Result:
        result = real_place(*args, **kwargs)
        clash = next(p for p in result.placed if p.item_id == first.id)
        # After the diary was read, someone books the SPO with another practitioner then.
        other = factories.user(team=team.team)
        starts_at = to_utc(clash.starts_at)
        taken.append(make_discussion(db_session, other, team.spo, starts_at=starts_at))
        return result

    monkeypatch.setattr(placer, "place", someone_books_meanwhile)
    with count_queries() as counter:
        summary = services.place_due_discussions(NOW)

    assert summary.placed == 1
    assert first.status == DiscussionStatus.DUE
    assert first.starts_at is None
    assert second.status == DiscussionStatus.BOOKED
    assert second.starts_at is not None
    assert booked_ids(db_session) == {second.id}
    assert {m.dedupe_key.split(":")[1] for m in outbox()} == {str(second.id)}
    assert len(outbox()) == 2
    # The run's savepoint, then one for each booking.
    assert sum(1 for s in counter.statements if s.upper().startswith("SAVEPOINT")) == 3

    monkeypatch.setattr(placer, "place", real_place)
    assert services.place_due_discussions(NOW).placed == 1
    assert first.status == DiscussionStatus.BOOKED
    assert first.starts_at != taken[0].starts_at
