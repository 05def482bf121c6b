"""The case event pages: logging work that used to need a countersignature, the list of
events with the discussion each led to, who may use them, and bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Grade
from learning_app.core.time import london_today
from learning_app.core.wording import day_and_time as when
from learning_app.reflective.models import CaseEvent, Discussion, DiscussionStatus, DueReason
from learning_app.reflective.rule_store import current_rules
from tests.reflective.booking_helpers import (
    assert_gov_error,
    assert_sign_in_redirect,
    date_parts,
    people_fixture,  # noqa: F401 (the people fixture)
    statements_sent,
)
from tests.reflective.conftest import make_discussion

LIST = "/case-events"
NEW = "/case-events/new"
TODAY = london_today()


def good(**changes) -> dict:
    data = {
        "event_type": "rosh-high",
        "rosh_level": "high",
        **date_parts("occurred_on", TODAY),
        "case_reference": "",
    }
    data.update(changes)
    return data


def events_of(session, practitioner) -> list[CaseEvent]:
    session.expire_all()
    return list(
        session.scalars(select(CaseEvent).where(CaseEvent.practitioner_id == practitioner.id))
    )


def event_for(session, practitioner, *, logged_by=None, occurred_on=TODAY, **fields) -> CaseEvent:
    fields.setdefault("event_type", "rosh-high")
    fields.setdefault("event_label", current_rules().case_event("rosh-high").label)
    fields.setdefault("rosh_level", "high")
    event = CaseEvent(
        practitioner_id=practitioner.id,
        logged_by_id=(logged_by or practitioner).id,
        occurred_on=occurred_on,
        **fields,
    )
    session.add(event)
    session.flush()
    return event


# Access -----------------------------------------------------------------------------------


def test_signed_out_users_are_sent_to_sign_in(client):
    for url in (LIST, NEW):
        assert_sign_in_redirect(client.get(url))
    assert_sign_in_redirect(client.submit(NEW, good(), form_url="/sign-in"))


@pytest.mark.parametrize("who", ["qdo", "ld_lead", "leader", "admin"])
def test_roles_that_do_not_log_case_events_get_404(client, db_session, people, who):
    client.sign_in(people.get(who).email)
    for url in (LIST, NEW):
        client.get_page(url, status=404)
    client.submit(NEW, good(), form_url="/home", status=404)
    assert events_of(db_session, people.get(who)) == []


@pytest.mark.parametrize("who", ["practitioner", "spo"])
def test_practitioners_and_spos_may_log_case_events(client, people, who):
    client.sign_in(people.get(who).email)
    assert client.get_page(LIST).h1 == "Case events"
    assert client.get_page(NEW).h1 == "Log a case event"


def test_a_practitioner_sees_only_their_own_events(client, db_session, people):
    event_for(db_session, people.practitioner, case_reference="X123456")
    event_for(db_session, people.other_practitioner, case_reference="Y654321")
    client.sign_in(people.practitioner.email)
    page = client.get_page(LIST)
    rows = page.table_rows("#case-events")
    assert len(rows) == 1
    assert "X123456" in page.text
    assert "Y654321" not in page.text


def test_an_spo_sees_their_teams_events_and_another_spo_does_not(client, db_session, people):
    event_for(db_session, people.practitioner, case_reference="X123456")
    client.sign_in(people.spo.email)
    page = client.get_page(LIST)
    assert page.table_rows("#case-events")[0][1] == people.practitioner.name
    assert "X123456" in page.text
    client.sign_out()

    client.sign_in(people.other_spo.email)
    page = client.get_page(LIST)
    assert page.table_rows("#case-events") == []
    assert "X123456" not in page.text


def test_an_spo_can_choose_only_their_own_teams_practitioners(client, db_session, people):
    client.sign_in(people.spo.email)
    page = client.get_page(NEW)
    options = [
        o.get_text(strip=True) for o in page.soup.select('select[name="practitioner"] option')
    ]
    assert options == [
        "Select a practitioner",
        *sorted([people.practitioner.name, people.pso.name]),
    ]

    page = client.page(client.submit(NEW, good(practitioner=str(people.other_practitioner.id))))
    assert_gov_error(page, "Select the practitioner the case event is about")
    assert events_of(db_session, people.other_practitioner) == []


def test_a_practitioner_is_not_asked_who_it_is_about(client, people):
    client.sign_in(people.practitioner.email)
    page = client.get_page(NEW)
    assert page.soup.select_one('select[name="practitioner"]') is None
    legends = [legend.get_text(strip=True) for legend in page.soup.select("legend")]
    assert legends == ["What happened?", "Risk of serious harm level", "Date it happened"]


def test_the_event_types_are_the_rules_in_force(client, people):
    client.sign_in(people.practitioner.email)
    page = client.get_page(NEW)
    labels = [
        page.soup.select_one(f'label[for="{radio["id"]}"]').get_text(strip=True)
        for radio in page.soup.select('input[name="event_type"]')
    ]
    assert labels == [rule.label for rule in current_rules().case_events]
    rosh = [r["value"] for r in page.soup.select('input[name="rosh_level"]')]
    assert rosh == ["low", "medium", "high", "very_high"]
    hint = page.soup.select_one("#case_reference-hint").get_text(strip=True)
    assert hint == (
        "One letter and six digits, like X123456. Leave it blank for a limited access case"
    )


# Logging: what follows ----------------------------------------------------------------------


def test_a_new_po_logging_a_high_risk_event_gets_a_discussion_booked_with_their_spo(
    client, db_session, people
):
    client.sign_in(people.practitioner.email)
    response = client.submit(NEW, good(case_reference="x 123 456"), status=302)

    [event] = events_of(db_session, people.practitioner)
    assert (event.event_type, event.rosh_level, event.case_reference) == (
        "rosh-high",
        "high",
        "X123456",
    )
    discussion = db_session.scalar(select(Discussion).where(Discussion.case_event_id == event.id))
    assert discussion.status == DiscussionStatus.BOOKED
    assert discussion.spo_id == people.spo.id
    assert discussion.reason == DueReason.CASE_EVENT
    assert response.headers["Location"] == f"/discussions/{discussion.id}"

    page = client.get_page(response.headers["Location"])
    assert (
        f"Reflective discussion booked for {when(discussion.starts_at)} with {people.spo.name}"
        in page.text
    )
    assert "Booked" in page.text
    assert people.spo.name in page.text

    rows = client.get_page(LIST).table_rows("#case-events")
    assert rows[0][-1].startswith("Booked")
    assert when(discussion.starts_at) in rows[0][-1]


def test_an_spo_logs_for_a_team_member_and_the_discussion_is_theirs(client, db_session, people):
    client.sign_in(people.spo.email)
    client.submit(NEW, good(practitioner=str(people.pso.id), rosh_level="very_high"), status=302)
    [event] = events_of(db_session, people.pso)
    assert event.logged_by_id == people.spo.id
    discussion = db_session.scalar(select(Discussion).where(Discussion.case_event_id == event.id))
    assert discussion.practitioner_id == people.pso.id

    rows = client.get_page(LIST).table_rows("#case-events")
    assert rows[0][1] == people.pso.name
    assert f"Logged by {people.spo.name}" in rows[0][2]
    assert rows[0][3] == "Very high"


def test_when_no_rule_applies_the_list_says_why_no_discussion_is_needed(
    client, db_session, factories, people
):
    experienced = factories.user(
        team=people.spo.team, grade=Grade.PO, qualified_on=date(2015, 1, 1)
    )
    client.sign_in(experienced.email)
    response = client.submit(NEW, good(), status=302)
    assert response.headers["Location"] == LIST

    page = client.get_page(LIST)
    assert "No reflective discussion is needed: for this type of event the rules ask for one " in (
        page.text
    )
    assert "only for PSO, Trainee (PQiP) or PO qualified under 2 years" in page.text
    assert page.table_rows("#case-events")[0][-1] == "Not needed"
    assert db_session.scalars(select(Discussion)).all() == []


def test_a_low_risk_event_that_needs_high_risk_says_so(client, people):
    client.sign_in(people.practitioner.email)
    client.submit(NEW, good(event_type="high-risk-transition", rosh_level="medium"), status=302)
    page = client.get_page(LIST)
    assert "only when the risk of serious harm is high or above" in page.text


def test_a_limited_access_case_is_shown_as_such(client, db_session, people):
    client.sign_in(people.practitioner.email)
    client.submit(NEW, good(limited_access="y"), status=302)
    [event] = events_of(db_session, people.practitioner)
    assert event.limited_access is True and event.case_reference is None
    assert client.get_page(LIST).table_rows("#case-events")[0][3] == "Limited access case"


# Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"event_type": ""}, "Select what happened"),
        ({"event_type": "made-up"}, "Select what happened from the list"),
        ({"rosh_level": ""}, "Select the risk of serious harm level"),
        ({"rosh_level": "extreme"}, "Select low, medium, high or very high"),
        (date_parts("occurred_on", None), "Enter the date it happened"),
        ({"occurred_on": ["3", "", ""]}, "Date it happened must include a month and year"),
        ({"occurred_on": ["31", "2", "2026"]}, "Date it happened must be a real date"),
        (
            date_parts("occurred_on", TODAY + timedelta(days=1)),
            "Date it happened must be today or in the past",
        ),
        (
            date_parts("occurred_on", TODAY - timedelta(days=91)),
            "Date it happened must be within the last 90 days",
        ),
        (
            {"case_reference": "12345"},
            "Enter a case reference in the correct format, like X123456",
        ),
        (
            {"case_reference": "Mr Smith"},
            "Enter a case reference in the correct format, like X123456",
        ),
        (
            {"case_reference": "X123456", "limited_access": "y"},
            "Remove the case reference: a limited access case must not have a case reference",
        ),
    ],
)
def test_bad_case_events_get_gov_uk_errors_and_keep_what_was_typed(
    client, db_session, people, changes, message
):
    client.sign_in(people.practitioner.email)
    typed = good(**changes)
    page = client.page(client.submit(NEW, typed))

    assert_gov_error(page, message)
    chosen = page.soup.select_one('input[name="event_type"][checked]')
    assert (chosen["value"] if chosen else "") == (
        typed["event_type"] if typed["event_type"] == "rosh-high" else ""
    )
    typed_day = [box.get("value", "") for box in page.soup.select('input[name="occurred_on"]')]
    assert typed_day == typed["occurred_on"]
    if typed["case_reference"]:
        assert (
            page.field_value("case_reference") == typed["case_reference"].replace(" ", "").upper()
        )
    assert events_of(db_session, people.practitioner) == []


def test_a_post_with_no_fields_at_all_names_every_question(client, db_session, people):
    client.sign_in(people.spo.email)
    page = client.page(client.submit(NEW, {}))
    assert_gov_error(
        page,
        "Select the practitioner the case event is about",
        "Select what happened",
        "Select the risk of serious harm level",
        "Enter the date it happened",
    )
    assert db_session.scalars(select(CaseEvent)).all() == []


# The list stays cheap --------------------------------------------------------------------


def test_the_list_costs_the_same_queries_for_many_events(client, db_session, people):
    client.sign_in(people.spo.email)

    def add_events(count: int) -> None:
        for n in range(count):
            event = event_for(db_session, people.pso, occurred_on=TODAY - timedelta(days=n))
            make_discussion(
                db_session,
                people.pso,
                people.spo,
                status=DiscussionStatus.DUE,
                reason=DueReason.CASE_EVENT,
                case_event_id=event.id,
            )

    add_events(2)
    client.get_page(LIST)  # the first request also loads the signed-in user's roles
    with statements_sent() as few:
        client.get_page(LIST)
    add_events(8)
    with statements_sent() as many:
        page = client.get_page(LIST)
    assert len(page.table_rows("#case-events")) == 10
    assert len(many) == len(few)
