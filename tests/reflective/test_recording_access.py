"""Who may open each oversight record page (everyone else gets 404), and what the
record page shows an inspector: the case event it answered, to whom the case reference
is shown, and who reading it is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learning_app.core.audit import AuditEvent
from tests.reflective.recording_helpers import (
    case_event,
    fully_signed,
    held_discussion,
    make_people,
    record_form,
    signed_by_spo,
)

ROUTES = ["proposal", "record", "reflection", "sign-off", "oversight-record"]

EVERYONE = [
    "practitioner",
    "spo",
    "team_spo",
    "other_spo",
    "other_practitioner",
    "qdo",
    "ld_lead",
    "leader",
    "admin",
]
# Who may open each page; everyone else gets 404. An SPO managing the practitioner's
# team reads the record but writes no part of it.
ALLOWED = {
    "proposal": {"practitioner"},
    "record": {"spo"},
    "reflection": {"practitioner"},
    "sign-off": {"practitioner", "spo"},
    "oversight-record": {"practitioner", "spo", "team_spo"},
}


@pytest.fixture
def people(factories, reflective_team, published_framework):
    return make_people(factories, reflective_team)


@pytest.fixture
def discussion(db_session, people):
    return held_discussion(db_session, people)


def url(discussion, route: str) -> str:
    return f"/discussions/{discussion.id}/{route}"


# Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("who", EVERYONE)
def test_role_route_matrix(client, db_session, people, discussion, route, who):
    signed_by_spo(db_session, people, discussion)
    client.sign_in(people.by_name(who).email)
    status = 200 if who in ALLOWED[route] else 404
    client.get_page(url(discussion, route), status=status)


@pytest.mark.parametrize("route", ROUTES)
def test_signed_out_people_are_sent_to_sign_in(client, discussion, route):
    response = client.get(url(discussion, route))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("route", ["proposal", "record", "reflection", "sign-off"])
@pytest.mark.parametrize("who", ["team_spo", "other_spo", "other_practitioner", "qdo", "admin"])
def test_nobody_else_can_write_any_part(client, db_session, people, discussion, route, who):
    signed_by_spo(db_session, people, discussion)
    client.sign_in(people.by_name(who).email)
    data = {"proposal": "Mine", "reflection": "Mine", **record_form()}
    response = client.submit(url(discussion, route), data, form_url="/home")

    assert response.status_code == 404
    db_session.expire_all()
    assert discussion.proposal is None and discussion.practitioner_reflection is None
    assert discussion.practitioner_signed_at is None


@pytest.mark.parametrize("discussion_id", ["0", "999999", "99999999999999"])
def test_unknown_discussions_are_not_found(client, people, discussion_id):
    client.sign_in(people.practitioner.email)
    client.get_page(f"/discussions/{discussion_id}/oversight-record", status=404)


# The record page, for an inspector --------------------------------------------------------------


def test_the_record_shows_the_case_event_it_answered(client, db_session, people, discussion):
    discussion.case_event.case_reference = "X123456"
    fully_signed(db_session, people, discussion)
    for who in ("practitioner", "spo", "team_spo"):
        client.sign_in(people.by_name(who).email)
        page = client.get_page(url(discussion, "oversight-record"))
        event = page.soup.select_one("#case-event").get_text(" ", strip=True)
        assert "Risk of serious harm assessed or raised to high or very high" in event
        assert "High" in event
        assert f"{discussion.case_event.occurred_on.day} " in event
        assert "X123456" in event
        about = page.soup.select_one("#about-discussion").get_text(" ", strip=True)
        assert "Case event" in about and "Due by" in about and "Took place on" in about
        client.sign_out()


def test_a_limited_access_case_shows_no_reference(client, db_session, people):
    event = case_event(db_session, people.practitioner, people.spo, limited_access=True)
    discussion = held_discussion(db_session, people)
    discussion.case_event = event
    client.sign_in(people.practitioner.email)
    page = client.get_page(url(discussion, "oversight-record"))
    assert "Limited access case: no case reference" in page.text


def test_a_managing_spos_view_is_audited(client, db_session, people, discussion):
    client.sign_in(people.team_spo.email)
    client.get_page(url(discussion, "oversight-record"))
    client.sign_out()
    client.sign_in(people.spo.email)
    client.get_page(url(discussion, "oversight-record"))

    viewers = db_session.scalars(
        select(AuditEvent.actor_id).where(
            AuditEvent.action == "discussion.view", AuditEvent.object_id == str(discussion.id)
        )
    ).all()
    assert viewers == [people.team_spo.id]


def test_the_links_say_what_each_person_does_next(client, db_session, people, discussion):
    client.sign_in(people.practitioner.email)
    links = client.get_page(url(discussion, "oversight-record")).soup.select("#record-links a")
    assert [a.get_text(strip=True) for a in links] == ["Write your proposal"]
    client.sign_out()
    client.sign_in(people.spo.email)
    links = client.get_page(url(discussion, "oversight-record")).soup.select("#record-links a")
    assert [a.get_text(strip=True) for a in links] == ["Record the discussion"]
    client.sign_out()
    client.sign_in(people.team_spo.email)
    page = client.get_page(url(discussion, "oversight-record"))
    assert page.soup.select_one("#record-links") is None


def test_the_discussion_page_links_each_person_to_their_part(client, db_session, people):
    discussion = held_discussion(db_session, people)
    client.sign_in(people.practitioner.email)
    page = client.get_page(f"/discussions/{discussion.id}")
    assert [a["href"] for a in page.soup.select("#record-links a")] == [
        url(discussion, "proposal"),
        url(discussion, "oversight-record"),
    ]
    client.sign_out()
    client.sign_in(people.spo.email)
    page = client.get_page(f"/discussions/{discussion.id}")
    assert [a["href"] for a in page.soup.select("#record-links a")] == [
        url(discussion, "record"),
        url(discussion, "oversight-record"),
    ]
