"""The discussion pages: the lists, one discussion, accepting, moving, cancelling and asking
for one; who may see them (404 for everyone else), and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from learning_app.core.audit import AuditEvent
from learning_app.core.time import aware, london_today, utc_now
from learning_app.core.wording import day_and_time as when
from learning_app.reflective import services
from learning_app.reflective.models import Discussion, DiscussionStatus, DueReason
from learning_app.reflective.placer import RiskReason
from tests.reflective.booking_helpers import (
    OUTSIDERS,
    assert_gov_error,
    assert_sign_in_redirect,
    people_fixture,  # noqa: F401 (the people fixture)
    statements_sent,
)
from tests.reflective.conftest import make_discussion

INDEX = "/discussions/"
REQUEST = "/discussions/request"
TODAY = london_today()


@pytest.fixture
def booked(db_session, people, published_framework) -> Discussion:
    """A discussion booked the way the service books one: after a high-risk case event."""
    data = services.CaseEventInput("rosh-high", "high", TODAY, case_reference="X123456")
    _event, discussion = services.log_case_event(
        people.practitioner, people.practitioner, data, today=TODAY, now=utc_now()
    )
    db_session.flush()
    assert discussion.status == DiscussionStatus.BOOKED
    return discussion


def show_url(discussion: Discussion) -> str:
    return f"/discussions/{discussion.id}"


def changes_of(discussion: Discussion) -> list[str]:
    base = show_url(discussion)
    return [f"{base}/move", f"{base}/cancel"]


def reload(session, discussion: Discussion) -> Discussion:
    session.expire_all()
    return session.get(Discussion, discussion.id)


def free_times(page) -> list[str]:
    return [radio["value"] for radio in page.soup.select('input[name="starts_at"]')]


# Access -----------------------------------------------------------------------------------


def test_signed_out_users_are_sent_to_sign_in(client, booked):
    for url in (INDEX, REQUEST, show_url(booked), *changes_of(booked)):
        assert_sign_in_redirect(client.get(url))
    assert_sign_in_redirect(client.submit(f"{show_url(booked)}/accept", form_url="/sign-in"))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_other_peoples_discussions_are_not_found(client, db_session, people, booked, who):
    starts_at = booked.starts_at
    client.sign_in(people.get(who).email)
    client.get_page(show_url(booked), status=404)
    for url in changes_of(booked):
        client.get_page(url, status=404)
        client.submit(
            url, {"reason": "Clash", "starts_at": "2030-01-01T10:00Z"}, form_url="/home", status=404
        )
    client.submit(f"{show_url(booked)}/accept", form_url="/home", status=404)
    discussion = reload(db_session, booked)
    assert discussion.status == DiscussionStatus.BOOKED
    assert aware(discussion.starts_at) == aware(starts_at)
    assert discussion.practitioner_accepted_at is None and discussion.spo_accepted_at is None


@pytest.mark.parametrize("who", ["qdo", "ld_lead", "leader", "admin"])
def test_roles_without_discussions_get_404_on_the_lists(client, people, who):
    client.sign_in(people.get(who).email)
    client.get_page(INDEX, status=404)
    client.get_page(REQUEST, status=404)
    client.submit(REQUEST, form_url="/home", status=404)


def test_only_practitioners_ask_for_a_discussion(client, db_session, people):
    client.sign_in(people.spo.email)
    client.get_page(REQUEST, status=404)
    client.submit(REQUEST, form_url=INDEX, status=404)
    assert db_session.scalars(select(Discussion)).all() == []


@pytest.mark.parametrize("discussion_id", [0, 999999, 2**31, 10**30])
def test_unknown_discussions_are_not_found(client, people, discussion_id):
    client.sign_in(people.spo.email)
    base = f"/discussions/{discussion_id}"
    for url in (base, f"{base}/move", f"{base}/cancel"):
        client.get_page(url, status=404)
    client.submit(f"{base}/accept", form_url=INDEX, status=404)


def test_another_spo_of_the_team_may_see_it_but_not_change_it(
    client, db_session, factories, people, booked
):
    second_spo = factories.spo(people.practitioner.team, name="Pat Second")
    client.sign_in(second_spo.email)
    page = client.get_page(show_url(booked))
    assert "Move" not in [a.get_text(strip=True) for a in page.soup.select("a.govuk-button")]
    for url in changes_of(booked):
        client.get_page(url, status=404)
    client.submit(f"{show_url(booked)}/accept", form_url=INDEX, status=404)
    # Seeing another person's discussion is written to the audit log.
    viewed = db_session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "discussion.view", AuditEvent.actor_id == second_spo.id
        )
    ).all()
    assert [event.object_id for event in viewed] == [str(booked.id)]


def test_a_discussion_that_is_not_booked_cannot_be_moved_or_cancelled(client, db_session, people):
    due = make_discussion(db_session, people.practitioner, people.spo, status=DiscussionStatus.DUE)
    client.sign_in(people.practitioner.email)
    client.get_page(show_url(due))
    for url in changes_of(due):
        client.get_page(url, status=404)
    client.submit(f"{show_url(due)}/accept", form_url=INDEX, status=404)


# One discussion ----------------------------------------------------------------------------


def test_the_discussion_page_says_who_when_and_why(client, people, booked):
    client.sign_in(people.practitioner.email)
    page = client.get_page(show_url(booked))
    summary = dict(
        (
            row.select_one("dt").get_text(" ", strip=True),
            row.select_one("dd").get_text(" ", strip=True),
        )
        for row in page.soup.select("#discussion-summary .govuk-summary-list__row")
    )
    assert summary["Practitioner"] == people.practitioner.name
    assert summary["SPO"] == people.spo.name
    assert summary["When"].startswith(when(booked.starts_at).split(" at ")[0])
    assert summary["Status"] == "Booked"
    assert summary["Why it is due"].startswith("Case event")
    assert "Risk of serious harm assessed or raised to high or very high" in summary["Case event"]
    assert f"Happened on {TODAY:%A} {TODAY.day} {TODAY:%B %Y}" in summary["Case event"]
    assert "Risk of serious harm: High" in summary["Case event"]
    assert "Case reference X123456" in summary["Case event"]
    assert summary["Focus skills"] == (
        "Risk of serious harm analysis Safeguarding enquiries Risk management planning"
    )
    assert summary[f"Accepted by {people.practitioner.name}"] == "Not accepted yet"
    due_on = booked.due_on
    assert summary["Due by"] == f"{due_on:%A} {due_on.day} {due_on:%B %Y}"


def test_times_are_shown_in_london_time(client, db_session, people):
    summer = make_discussion(
        db_session,
        people.practitioner,
        people.spo,
        starts_at=datetime(2027, 7, 6, 9, 0, tzinfo=UTC),
        minutes=90,
    )
    winter = make_discussion(
        db_session,
        people.practitioner,
        people.spo,
        starts_at=datetime(2027, 12, 7, 14, 30, tzinfo=UTC),
    )
    client.sign_in(people.spo.email)
    assert "Tuesday 6 July 2027, 10am to 11:30am" in client.get_page(show_url(summer)).text
    assert "Tuesday 7 December 2027, 2:30pm to 3:30pm" in client.get_page(show_url(winter)).text


def test_an_at_risk_discussion_says_why_in_words(client, db_session, people):
    due = make_discussion(
        db_session,
        people.practitioner,
        people.spo,
        status=DiscussionStatus.DUE,
        at_risk_reason=RiskReason.OVER_CAPACITY.value,
    )
    client.sign_in(people.spo.email)
    page = client.get_page(show_url(due))
    assert RiskReason.OVER_CAPACITY.sentence in page.text
    assert "Not booked yet" in page.text


def test_accepting_records_who_accepted(client, db_session, people, booked):
    client.sign_in(people.practitioner.email)
    client.submit(f"{show_url(booked)}/accept", form_url=show_url(booked), status=302)
    page = client.get_page(show_url(booked))
    assert "You have accepted the discussion" in page.text
    assert "Accept this time" not in page.text
    discussion = reload(db_session, booked)
    assert discussion.practitioner_accepted_at is not None
    assert discussion.spo_accepted_at is None


def test_accepting_needs_the_form_token(client, db_session, people, booked):
    client.sign_in(people.spo.email)
    assert client.post(f"{show_url(booked)}/accept").status_code == 400
    assert reload(db_session, booked).spo_accepted_at is None


# Moving -----------------------------------------------------------------------------------


def test_moving_offers_free_times_by_day_and_moves_it(client, db_session, people, booked):
    client.sign_in(people.spo.email)
    url = f"{show_url(booked)}/move"
    page = client.get_page(url)
    times = free_times(page)
    assert times, "no free times offered"
    first_label = page.soup.select_one(
        f'label[for="{page.soup.select_one("input[name=starts_at]")["id"]}"]'
    )
    assert first_label.get_text(strip=True).split(",")[0].split()[0] in (
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
    )

    client.submit(url, {"starts_at": times[-1]}, status=302)
    discussion = reload(db_session, booked)
    new_start = datetime.strptime(times[-1], "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    assert aware(discussion.starts_at) == new_start
    assert f"Discussion moved to {when(new_start)}" in client.get_page(show_url(booked)).text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select a new time for the discussion"),
        ({"starts_at": ""}, "Select a new time for the discussion"),
        ({"starts_at": "next tuesday"}, "That time is no longer free. Select another time"),
        ({"starts_at": "2020-01-06T10:00Z"}, "That time is no longer free. Select another time"),
    ],
)
def test_a_bad_move_gets_a_gov_uk_error_and_the_choices_again(
    client, db_session, people, booked, data, message
):
    client.sign_in(people.practitioner.email)
    url = f"{show_url(booked)}/move"
    page = client.page(client.submit(url, data))
    assert_gov_error(page, message)
    assert free_times(page)
    assert aware(reload(db_session, booked).starts_at) == aware(booked.starts_at)


def test_a_time_taken_meanwhile_gets_an_error_and_the_times_free_now(
    client, db_session, people, booked
):
    client.sign_in(people.practitioner.email)
    url = f"{show_url(booked)}/move"
    wanted = free_times(client.get_page(url))[0]
    # Someone else books the SPO at that time before the form is sent.
    make_discussion(
        db_session,
        people.pso,
        people.spo,
        starts_at=datetime.strptime(wanted, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC),
    )
    page = client.page(client.submit(url, {"starts_at": wanted}))
    assert_gov_error(page, "That time is no longer free. Select another time")
    assert wanted not in free_times(page)
    assert free_times(page)


# Cancelling --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter why you are cancelling the discussion"),
        ({"reason": "   "}, "Enter why you are cancelling the discussion"),
        ({"reason": "x" * 501}, "Your reason must be 500 characters or fewer"),
        ({"reason": "<b>Clash</b>"}, "Your reason must not include HTML, like <b>"),
        (
            {"reason": "Mr Smith was recalled on 12/03/1987"},
            "Your reason looks like it includes personal details of a person on probation",
        ),
    ],
)
def test_a_bad_reason_to_cancel_gets_a_gov_uk_error_and_is_kept(
    client, db_session, people, booked, data, message
):
    client.sign_in(people.spo.email)
    page = client.page(client.submit(f"{show_url(booked)}/cancel", data))
    assert page.title.startswith("Error: ")
    assert any(item.startswith(message) for item in page.error_summary), page.error_summary
    assert (page.field_value("reason") or "").strip() == data.get("reason", "").strip()
    assert reload(db_session, booked).status == DiscussionStatus.BOOKED


def test_cancelling_keeps_the_record_and_makes_a_new_discussion_due(
    client, db_session, people, booked
):
    client.sign_in(people.spo.email)
    client.submit(f"{show_url(booked)}/cancel", {"reason": "Court all day"}, status=302)

    discussion = reload(db_session, booked)
    assert discussion.status == DiscussionStatus.CANCELLED
    assert discussion.cancel_reason == "Court all day"
    page = client.get_page(show_url(booked))
    assert "Discussion cancelled. A new discussion" in page.text
    assert "Court all day" in page.text
    assert "Move" not in page.text.split("Oversight record")[0].split("Cancelled")[-1]
    replacement = db_session.scalar(
        select(Discussion).where(
            Discussion.case_event_id == booked.case_event_id, Discussion.id != booked.id
        )
    )
    assert replacement is not None
    assert replacement.due_on == booked.due_on
    link = page.soup.select_one(f'a[href="/discussions/{replacement.id}"]')
    assert link is not None


# Asking for one ----------------------------------------------------------------------------


def test_a_practitioner_asks_for_a_discussion_and_it_is_booked(client, db_session, people):
    client.sign_in(people.practitioner.email)
    page = client.get_page(REQUEST)
    assert f"A discussion with {people.spo.name}" in page.text
    response = client.submit(REQUEST, status=302)

    discussion = db_session.scalar(
        select(Discussion).where(Discussion.practitioner_id == people.practitioner.id)
    )
    assert discussion.reason == DueReason.REQUEST
    assert response.headers["Location"] == show_url(discussion)
    text = client.get_page(show_url(discussion)).text
    assert "Requested by the practitioner" in text
    if discussion.status == DiscussionStatus.BOOKED:
        assert f"booked for {when(discussion.starts_at)} with {people.spo.name}" in text


def test_asking_twice_shows_the_problem(client, db_session, people):
    client.sign_in(people.practitioner.email)
    client.submit(REQUEST, status=302)
    page = client.page(client.submit(REQUEST))
    assert page.status == 200
    assert page.title.startswith("Error: ")
    assert page.error_summary[0].startswith("You already have a discussion you asked for") or (
        page.error_summary[0].startswith("You have already asked for a discussion")
    )
    assert len(db_session.scalars(select(Discussion)).all()) == 1


def test_a_practitioner_without_an_spo_cannot_ask(client, db_session, factories):
    alone = factories.user(team=factories.team())
    client.sign_in(alone.email)
    page = client.get_page(REQUEST)
    assert "your team has no SPO" in page.text
    assert page.soup.select_one("main form button") is None
    page = client.page(client.submit(REQUEST, form_url=INDEX))
    assert page.error_summary == ["You cannot ask for a discussion because your team has no SPO"]
    assert db_session.scalars(select(Discussion)).all() == []


# The lists ---------------------------------------------------------------------------------


def test_a_practitioner_sees_upcoming_and_past_discussions(client, db_session, people):
    now = utc_now()
    upcoming = make_discussion(
        db_session, people.practitioner, people.spo, starts_at=now + timedelta(days=5)
    )
    past = make_discussion(
        db_session,
        people.practitioner,
        people.spo,
        starts_at=now - timedelta(days=20),
        status=DiscussionStatus.MISSED,
    )
    make_discussion(db_session, people.pso, people.spo, starts_at=now + timedelta(days=6))
    client.sign_in(people.practitioner.email)
    page = client.get_page(INDEX)

    [upcoming_row] = page.table_rows("#upcoming-list")
    assert upcoming_row[0].startswith(when(upcoming.starts_at))
    assert upcoming_row[1] == people.spo.name
    [past_row] = page.table_rows("#past-list")
    assert past_row[0].startswith(when(past.starts_at)) and past_row[-1] == "Missed"
    assert "Ask for a reflective discussion" in page.text


def test_an_spo_sees_what_they_hold_and_what_is_not_booked_with_the_reason(
    client, db_session, people
):
    now = utc_now()
    make_discussion(db_session, people.practitioner, people.spo, starts_at=now + timedelta(days=2))
    make_discussion(
        db_session,
        people.pso,
        people.spo,
        status=DiscussionStatus.DUE,
        at_risk_reason=RiskReason.ON_LEAVE.value,
    )
    make_discussion(
        db_session, people.other_practitioner, people.other_spo, starts_at=now + timedelta(days=2)
    )
    client.sign_in(people.spo.email)
    page = client.get_page(INDEX)

    [held] = page.table_rows("#upcoming-held-list")
    assert held[1] == people.practitioner.name
    [unbooked] = page.table_rows("#unbooked-list")
    assert unbooked[1] == people.pso.name
    assert "At risk" in unbooked[-1]
    assert RiskReason.ON_LEAVE.sentence in unbooked[-1]
    assert people.other_practitioner.name not in page.text
    assert "Ask for a reflective discussion" not in page.text


def test_the_lists_cost_the_same_queries_for_many_discussions(client, db_session, people):
    start = utc_now().replace(microsecond=0) + timedelta(days=1)

    def add(count: int, offset: int) -> None:
        for n in range(count):
            practitioner = people.practitioner if n % 2 else people.pso
            make_discussion(
                db_session,
                practitioner,
                people.spo,
                starts_at=start + timedelta(hours=offset + n),
            )
            make_discussion(db_session, practitioner, people.spo, status=DiscussionStatus.DUE)

    client.sign_in(people.spo.email)
    add(2, 0)
    client.get_page(INDEX)  # the first request also loads the signed-in user's roles
    with statements_sent() as few:
        client.get_page(INDEX)
    add(8, 10)
    with statements_sent() as many:
        page = client.get_page(INDEX)
    assert len(page.table_rows("#upcoming-held-list")) == 10
    assert len(many) == len(few)


def test_the_spo_sees_the_practitioners_proposal_before_the_meeting(
    client, db_session, people, booked
):
    client.sign_in(people.spo.email)
    page = client.get_page(show_url(booked))
    assert "Practitioner's proposal Not written yet" in page.text
    booked.proposal = "Raise the risk to high and request police information today."
    db_session.flush()
    page = client.get_page(show_url(booked))
    assert "Raise the risk to high and request police information today." in page.text
