"""The private calendar feed, read back with the ``icalendar`` parser as a calendar app would."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from learning_app.accounts.constants import Grade
from learning_app.core.time import utc_now
from learning_app.reflective import calendar, services
from learning_app.reflective.models import (
    DiscussionStatus,
    DueReason,
    GroupInvitation,
    GroupSession,
)
from tests.reflective.conftest import make_discussion, next_weekday
from tests.reflective.oversight_helpers import case_event

LONDON = ZoneInfo("Europe/London")


def london_at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)


def next_clock_change(after: date) -> date:
    """The first last-Sunday-of-March-or-October after ``after``."""
    day = after + timedelta(days=1)
    while not (
        day.month in (3, 10) and day.weekday() == 6 and (day + timedelta(days=7)).month != day.month
    ):
        day += timedelta(days=1)
    return day


def fetch(client, token: str) -> tuple[Calendar, str]:
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    return Calendar.from_ical(body), body


def events(cal: Calendar) -> dict[str, dict]:
    return {
        str(e["UID"]): {
            "summary": str(e["SUMMARY"]),
            "status": str(e["STATUS"]),
            "sequence": int(e["SEQUENCE"]),
            "start": e.decoded("DTSTART"),
            "end": e.decoded("DTEND"),
            "start_text": e["DTSTART"].to_ical().decode(),
        }
        for e in cal.walk("VEVENT")
    }


@pytest.fixture
def soon() -> date:
    """A Monday one to two weeks ahead: inside the feed's window, never in the past."""
    return next_weekday(date.today() + timedelta(days=8), 0)


# The file --------------------------------------------------------------------------------


def test_feed_is_a_private_icalendar_file(client, db_session, reflective_team, soon) -> None:
    t = reflective_team
    make_discussion(db_session, t.practitioner, t.spo, starts_at=london_at(soon, 10))
    token = calendar.create_feed(t.practitioner)
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert {"no-store", "private"} <= {
        part.strip() for part in response.headers["Cache-Control"].split(",")
    }
    cal = Calendar.from_ical(response.get_data(as_text=True))
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["X-WR-CALNAME"]) == "Practice Learning: reflective discussions"
    (event,) = cal.walk("VEVENT")
    assert "DTSTAMP" in event


def test_each_side_sees_the_discussion_with_the_other_persons_name(
    client, db_session, reflective_team, soon
) -> None:
    t = reflective_team
    discussion = make_discussion(db_session, t.practitioner, t.spo, starts_at=london_at(soon, 10))
    mine, _ = fetch(client, calendar.create_feed(t.practitioner))
    theirs, _ = fetch(client, calendar.create_feed(t.spo))
    assert events(mine)[discussion.uid]["summary"] == f"Reflective discussion with {t.spo.name}"
    assert (
        events(theirs)[discussion.uid]["summary"]
        == f"Reflective discussion with {t.practitioner.name}"
    )


def test_times_are_utc_across_a_clock_change(client, db_session, reflective_team) -> None:
    """10:00 in London is 10:00 UTC in winter and 09:00 UTC in summer."""
    t = reflective_team
    # The first change after 87 days ago: always inside the feed's window, with days to spare
    # either side (changes are never more than 217 days apart).
    change = next_clock_change(date.today() - timedelta(days=87))
    before, after = change - timedelta(days=3), change + timedelta(days=2)  # Thursday, Tuesday
    first = make_discussion(db_session, t.practitioner, t.spo, starts_at=london_at(before, 10))
    second = make_discussion(db_session, t.practitioner, t.spo, starts_at=london_at(after, 10))
    found = events(fetch(client, calendar.create_feed(t.practitioner))[0])
    winter_first = change.month == 3
    expected = {
        first.uid: 10 if winter_first else 9,
        second.uid: 9 if winter_first else 10,
    }
    for uid, hour in expected.items():
        start, end = found[uid]["start"], found[uid]["end"]
        assert start.tzinfo is not None and start.utcoffset() == timedelta(0)
        assert (start.hour, end - start) == (hour, timedelta(hours=1))
        assert found[uid]["start_text"].endswith("Z")
        assert start.astimezone(LONDON).hour == 10


def test_a_move_keeps_the_uid_and_raises_the_sequence(client, db_session, reflective_team) -> None:
    t = reflective_team
    now = utc_now()
    first_monday = next_weekday(date.today() + timedelta(days=1), 0)
    discussion = make_discussion(
        db_session,
        t.practitioner,
        t.spo,
        starts_at=london_at(first_monday, 10),
        due_on=first_monday + timedelta(days=14),
    )
    token = calendar.create_feed(t.practitioner)
    before = events(fetch(client, token)[0])[discussion.uid]
    target = next(s for s in services.free_slots(discussion, now=now) if s != before["start"])
    services.move_discussion(t.practitioner, discussion, target, now)
    after = events(fetch(client, token)[0])
    assert list(after) == [discussion.uid]  # the same event, not a second one
    assert after[discussion.uid]["sequence"] > before["sequence"]
    assert after[discussion.uid]["start"] == target


def test_cancelled_discussions_are_marked_cancelled(client, db_session, reflective_team, soon):
    t = reflective_team
    cancelled = make_discussion(
        db_session,
        t.practitioner,
        t.spo,
        starts_at=london_at(soon, 11),
        status=DiscussionStatus.CANCELLED,
        sequence=3,
    )
    found = events(fetch(client, calendar.create_feed(t.practitioner))[0])[cancelled.uid]
    assert found["status"] == "CANCELLED"
    assert found["sequence"] == 3
    assert found["summary"].startswith("Cancelled: ")


def test_recorded_and_signed_are_shown_but_not_due_or_missed(
    client, db_session, reflective_team
) -> None:
    t = reflective_team
    past = next_weekday(date.today() - timedelta(days=20), 1)
    moment = london_at(past, 10)
    signed = make_discussion(
        db_session,
        t.practitioner,
        t.spo,
        starts_at=moment,
        status=DiscussionStatus.SIGNED,
        held_on=past,
        spo_signed_at=moment,
        practitioner_signed_at=moment,
    )
    recorded = make_discussion(
        db_session,
        t.practitioner,
        t.spo,
        starts_at=london_at(past, 13),
        status=DiscussionStatus.RECORDED,
    )
    missed = make_discussion(
        db_session,
        t.practitioner,
        t.spo,
        starts_at=london_at(past, 15),
        status=DiscussionStatus.MISSED,
    )
    make_discussion(db_session, t.practitioner, t.spo, status=DiscussionStatus.DUE)
    found = events(fetch(client, calendar.create_feed(t.practitioner))[0])
    assert set(found) == {signed.uid, recorded.uid}
    assert missed.uid not in found


def test_the_window_is_90_days_back_to_180_ahead(client, db_session, reflective_team) -> None:
    t = reflective_team
    today = date.today()
    inside = [
        make_discussion(db_session, t.practitioner, t.spo, starts_at=london_at(day, 10))
        for day in (today - timedelta(days=85), today + timedelta(days=175))
    ]
    for day in (today - timedelta(days=95), today + timedelta(days=185)):
        make_discussion(db_session, t.practitioner, t.spo, starts_at=london_at(day, 10))
    found = events(fetch(client, calendar.create_feed(t.practitioner))[0])
    assert set(found) == {d.uid for d in inside}


def test_another_persons_discussion_is_never_in_your_feed(
    client, db_session, factories, reflective_team, soon
) -> None:
    t = reflective_team
    mine = make_discussion(db_session, t.practitioner, t.spo, starts_at=london_at(soon, 10))
    theirs = make_discussion(db_session, t.pso, t.spo, starts_at=london_at(soon, 11))
    other_team = factories.team()
    stranger_spo = factories.spo(other_team)
    stranger = factories.user(team=other_team, grade=Grade.PQIP)
    elsewhere = make_discussion(db_session, stranger, stranger_spo, starts_at=london_at(soon, 10))
    found, body = fetch(client, calendar.create_feed(t.practitioner))
    assert set(events(found)) == {mine.uid}
    assert theirs.uid not in body and elsewhere.uid not in body
    assert t.pso.name not in body and stranger.name not in body


def test_no_case_reference_or_narrative_is_ever_in_the_feed(
    client, db_session, reflective_team, soon
) -> None:
    t = reflective_team
    event = case_event(db_session, t.practitioner, date.today())
    make_discussion(
        db_session,
        t.practitioner,
        t.spo,
        starts_at=london_at(soon, 10),
        reason=DueReason.CASE_EVENT,
        case_event=event,
        proposal="I plan to visit the address again",
        what_happened="Home visit went badly",
        cancel_reason="Clash with court",
    )
    _, body = fetch(client, calendar.create_feed(t.practitioner))
    unfolded = body.replace("\r\n ", "")
    assert "X123456" not in unfolded
    for text in ("visit the address", "Home visit", "Clash with court", event.event_label):
        assert text not in unfolded
    assert "Case event" in unfolded  # the reason's label is all it says


# Group sessions --------------------------------------------------------------------------


def _group_session(db_session, facilitator, pdu, starts_at: datetime, **fields) -> GroupSession:
    session = GroupSession(
        uid=f"group-{starts_at:%Y%m%d%H%M}-{facilitator.id}@practice-learning",
        facilitator=facilitator,
        pdu_id=pdu.id,
        title="Working with risk",
        theme_skills=["rosh-analysis"],
        capacity=8,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place="Leicester office, room 2",
        **fields,
    )
    db_session.add(session)
    db_session.flush()
    return session


def test_group_sessions_for_the_facilitator_and_those_who_accepted(
    client, db_session, factories, reflective_team, soon
) -> None:
    t = reflective_team
    pdu = t.team.pdu
    accepted = _group_session(db_session, t.spo, pdu, london_at(soon, 13))
    declined = _group_session(db_session, t.spo, pdu, london_at(soon + timedelta(days=1), 13))
    pending = _group_session(db_session, t.spo, pdu, london_at(soon + timedelta(days=2), 13))
    cancelled = _group_session(
        db_session,
        t.spo,
        pdu,
        london_at(soon + timedelta(days=3), 13),
        cancelled_at=utc_now(),
        sequence=1,
    )
    for session, response in (
        (accepted, "accepted"),
        (declined, "declined"),
        (pending, None),
        (cancelled, "accepted"),
    ):
        db_session.add(
            GroupInvitation(session=session, practitioner=t.practitioner, response=response)
        )
    db_session.flush()
    practitioner = events(fetch(client, calendar.create_feed(t.practitioner))[0])
    assert set(practitioner) == {accepted.uid, cancelled.uid}
    assert practitioner[accepted.uid]["summary"] == "Group reflective session: Working with risk"
    assert practitioner[cancelled.uid]["status"] == "CANCELLED"
    assert practitioner[cancelled.uid]["sequence"] == 1
    facilitator = events(fetch(client, calendar.create_feed(t.spo))[0])
    assert {accepted.uid, declined.uid, pending.uid, cancelled.uid} <= set(facilitator)


# The token -------------------------------------------------------------------------------


def test_a_reset_token_stops_working_at_once(client, reflective_team) -> None:
    t = reflective_team
    old = calendar.create_feed(t.practitioner)
    fetch(client, old)
    new = calendar.reset_feed(t.practitioner)
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


@pytest.mark.parametrize(
    "token",
    ["x" * 43, "short", "a" * 44, "%2e%2e", "a" * 42 + "!", "a" * 500],
)
def test_wrong_tokens_are_not_found(client, reflective_team, token) -> None:
    calendar.create_feed(reflective_team.practitioner)
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_only_a_digest_of_the_token_is_stored(db_session, reflective_team) -> None:
    token = calendar.create_feed(reflective_team.practitioner)
    feed = calendar.feed_of(reflective_team.practitioner)
    assert feed.token_digest == calendar.token_digest(token)
    assert token not in feed.token_digest and len(feed.token_digest) == 64


def test_an_inactive_users_feed_is_not_found(client, db_session, reflective_team) -> None:
    token = calendar.create_feed(reflective_team.practitioner)
    reflective_team.practitioner.active = False
    db_session.flush()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_a_second_create_is_refused_rather_than_replacing_the_link(reflective_team) -> None:
    token = calendar.create_feed(reflective_team.practitioner)
    with pytest.raises(calendar.CalendarError):
        calendar.create_feed(reflective_team.practitioner)
    assert calendar.is_current(reflective_team.practitioner, token)
