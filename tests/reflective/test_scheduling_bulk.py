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


def due_for(session, person, spo) -> Discussion:
    discussion = make_discussion(
        session,
        person,
        spo,
        status=DiscussionStatus.DUE,
        reason=DueReason.CASE_EVENT,
        due_on=MONDAY + timedelta(days=14),
    )
    discussion.earliest_on = MONDAY
    session.flush()
    return discussion


def booked_ids(session) -> set[int]:
    booked = select(AuditEvent.object_id).where(AuditEvent.action == "discussion.book")
    return {int(object_id) for object_id in session.scalars(booked)}


def test_a_run_books_in_one_savepoint_and_looks_up_its_emails_in_one_query_however_many(
    db_session, factories, reflective_team
):
    def statements_for(people: int) -> tuple[int, int]:
        team = reflective_team
        for _ in range(people):
            due_for(db_session, factories.user(team=team.team), team.spo)
        with count_queries() as counter:
            summary = services.place_due_discussions(NOW)
        assert summary.placed == people
        savepoints = sum(1 for s in counter.statements if s.upper().startswith("SAVEPOINT"))
        outbox_selects = sum(
            1
            for s in counter.statements
            if s.lstrip().upper().startswith("SELECT") and "FROM outbox_messages" in s
        )
        return savepoints, outbox_selects

    assert statements_for(2) == statements_for(6) == (1, 1)


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
