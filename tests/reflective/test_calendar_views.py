"""The calendar link page: making the link, seeing it once, and resetting it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Grade, Role
from learning_app.core.audit import AuditEvent
from learning_app.reflective import calendar

PAGE = "/account/calendar"
RESET = "/account/calendar/reset"


def shown_url(page) -> str | None:
    field = page.soup.select_one("#calendar-url")
    return field["value"] if field is not None else None


def token_in(url: str) -> str:
    return url.rsplit("/", 1)[1].removesuffix(".ics")


@pytest.fixture
def person(factories):
    return factories.user(grade=Grade.PSO, team=factories.team())


@pytest.mark.parametrize("url", [PAGE, RESET])
def test_signed_out_visitors_are_sent_to_sign_in(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_everyone_signed_in_has_a_calendar_page(client, factories, role) -> None:
    team = factories.team()
    scope = {Role.SPO: team, Role.QDO: team.pdu, Role.LD_LEAD: team.pdu, Role.LEADER: team.pdu}
    user = factories.user(role=role, scope=scope.get(role), grade=Grade.OTHER)
    client.sign_in(user.email)
    page = client.get_page(PAGE)
    assert page.h1 == "Your calendar link"
    assert "Subscribe from web" in page.text


def test_creating_the_link_shows_it_once(client, person) -> None:
    client.sign_in(person.email)
    page = client.get_page(PAGE)
    button = page.soup.select_one("main button")
    assert button.get_text(strip=True) == "Create your calendar link"
    assert shown_url(page) is None

    response = client.submit(PAGE, {})
    assert response.status_code == 302
    page = client.get_page(PAGE)
    url = shown_url(page)
    assert url is not None and url.startswith("http://localhost/calendar/")
    assert url.endswith(".ics")
    assert "Keep this link private" in page.text
    assert "Your calendar link has been created." in page.text
    assert client.get(url.removeprefix("http://localhost")).status_code == 200

    again = client.get_page(PAGE)
    assert shown_url(again) is None  # only a digest is kept: it cannot be shown again
    assert token_in(url) not in again.response.get_data(as_text=True)
    assert "cannot be shown again" in again.text
    assert "Create your calendar link" not in again.text


def test_a_second_create_does_not_replace_the_link(client, person) -> None:
    client.sign_in(person.email)
    client.submit(PAGE, {})
    url = shown_url(client.get_page(PAGE))
    response = client.submit(PAGE, {}, form_url=PAGE + "/reset")
    assert response.status_code == 302
    assert client.get(url.removeprefix("http://localhost")).status_code == 200


def test_resetting_asks_first_then_the_old_link_stops_working(client, person) -> None:
    client.sign_in(person.email)
    client.submit(PAGE, {})
    old = shown_url(client.get_page(PAGE)).removeprefix("http://localhost")

    confirm = client.get_page(RESET)
    assert confirm.h1 == "Reset your calendar link?"
    assert "stop working straight away" in confirm.text
    assert client.get(old).status_code == 200  # looking at the question changes nothing

    assert client.submit(RESET, {}).status_code == 302
    page = client.get_page(PAGE)
    new = shown_url(page).removeprefix("http://localhost")
    assert "The old link no longer works." in page.text
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_reset_without_a_link_goes_back_to_the_page(client, person) -> None:
    client.sign_in(person.email)
    response = client.get(RESET)
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    assert calendar.feed_of(person) is None


def test_a_post_without_the_csrf_token_changes_nothing(client, person) -> None:
    client.sign_in(person.email)
    assert client.post(PAGE, data={}).status_code == 400
    assert calendar.feed_of(person) is None


def test_making_and_resetting_are_audited_without_the_token(client, db_session, person) -> None:
    client.sign_in(person.email)
    client.submit(PAGE, {})
    token = token_in(shown_url(client.get_page(PAGE)))
    client.submit(RESET, {})
    actions = db_session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == person.id).order_by(AuditEvent.id)
    ).all()
    recorded = [e.action for e in actions if e.action.startswith("calendar_feed.")]
    assert recorded == ["calendar_feed.create", "calendar_feed.reset"]
    assert all(token not in str(e.detail) for e in actions)


def test_the_discussions_page_leads_to_the_calendar_link(client, reflective_team) -> None:
    client.sign_in(reflective_team.practitioner.email)
    page = client.get_page("/discussions/")
    link = page.soup.select_one("main a[href='/account/calendar']")
    assert link is not None
    assert "calendar" in link.get_text()
