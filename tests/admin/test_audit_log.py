"""The audit log page: who may read it, what it shows, and its filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from learning_app.accounts.constants import Role
from learning_app.core.audit import AuditEvent

URL = "/admin/audit-log/"


@pytest.fixture
def admin_client(client, factories):
    admin = factories.admin(email="admin@example.test", name="Ada Admin")
    client.sign_in(admin.email)
    client.admin = admin
    return client


def add_event(session, action, at, actor=None, **kwargs) -> AuditEvent:
    event = AuditEvent(
        action=action,
        occurred_at=at,
        actor_id=actor.id if actor else None,
        object_type=kwargs.pop("object_type", "teams"),
        object_id=kwargs.pop("object_id", "1"),
        **kwargs,
    )
    session.add(event)
    session.flush()
    return event


def actions_shown(page) -> list[str]:
    return [row[2] for row in page.table_rows("#audit-events")]


@pytest.fixture
def story(db_session, factories):
    """Events at known times, around the change to British Summer Time."""
    alice = factories.user(role=Role.ADMIN, name="Alice Archer", email="alice@example.test")
    bob = factories.user(role=Role.ADMIN, name="Bob Baker", email="bob@example.test")
    add_event(db_session, "t.one", datetime(2025, 3, 1, 9, 0, tzinfo=UTC), alice)
    # 30 March 23:30 UTC is 31 March 00:30 in London (summer time began that morning).
    add_event(db_session, "t.two", datetime(2025, 3, 30, 23, 30, tzinfo=UTC), bob)
    # 30 June 23:30 UTC is 1 July 00:30 in London.
    add_event(db_session, "t.three", datetime(2025, 6, 30, 23, 30, tzinfo=UTC), alice)
    add_event(db_session, "t.two", datetime(2025, 7, 2, 12, 0, tzinfo=UTC), None)
    return {"alice": alice, "bob": bob}


# Access -------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(
    "role", [Role.PRACTITIONER, Role.SPO, Role.QDO, Role.LD_LEAD, Role.LEADER], ids=str
)
def test_other_roles_get_404(client, factories, role):
    team = factories.team()
    scope = {Role.SPO: team, Role.QDO: team.pdu, Role.LD_LEAD: team.pdu}.get(role)
    if role is Role.LEADER:
        scope = team.pdu.region
    client.sign_in(factories.user(role=role, scope=scope, team=team).email)
    assert client.get(URL).status_code == 404
    assert client.get(URL + "?action=sign_in").status_code == 404


def test_reading_the_log_is_not_audited(admin_client, db_session):
    before = db_session.scalar(select(func.count()).select_from(AuditEvent))
    admin_client.get_page(URL)
    admin_client.get_page(URL + "?action=sign_in")
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == before


# What it shows ------------------------------------------------------------------


def test_events_show_newest_first_in_london_time(admin_client, story):
    page = admin_client.get_page(URL + "?date_to=2025-12-31")
    assert page.h1 == "Audit log"
    rows = page.table_rows("#audit-events")
    assert [row[2] for row in rows] == ["t.two", "t.three", "t.two", "t.one"]
    # 12:00 UTC in July is 1pm in London; 9:00 UTC in March is 9am.
    assert rows[0][0] == "2 July 2025 at 1:00pm"
    assert rows[1][0] == "1 July 2025 at 12:30am"
    assert rows[3][0] == "1 March 2025 at 9:00am"
    assert rows[0][1] == "System"
    assert rows[1][1] == "Alice Archer alice@example.test"
    assert rows[1][3] == "teams 1"


def test_detail_and_ip_address_are_shown_compactly(admin_client, db_session):
    add_event(
        db_session,
        "team.update",
        datetime(2025, 1, 1, tzinfo=UTC),
        detail={"name": ["Old", "New"], "site": "Leicester", "long": "x" * 500},
        ip_address="203.0.113.9",
    )
    [row] = admin_client.get_page(URL + "?action=team.update").table_rows("#audit-events")
    assert row[4] == "203.0.113.9"
    assert row[5].startswith("name: Old → New; site: Leicester; long: xxx")
    assert row[5].endswith("…") and len(row[5]) <= 160


def test_user_objects_link_to_the_user_admin_page_when_there_is_one(
    app, admin_client, db_session, factories
):
    user = factories.user()
    add_event(
        db_session,
        "t.user",
        datetime(2025, 1, 1, tzinfo=UTC),
        object_type="users",
        object_id=str(user.id),
    )
    page = admin_client.get_page(URL + "?action=t.user")
    link = page.soup.select_one("#audit-events a")
    if "admin_users.show" in app.view_functions:
        assert link is not None and link["href"] == f"/admin/users/{user.id}"
    else:
        assert link is None
    assert page.table_rows("#audit-events")[0][3] == f"users {user.id}"


def test_pages_of_fifty_keep_their_filters(admin_client, db_session):
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(55):
        add_event(db_session, "t.bulk", start + timedelta(minutes=n), object_id=str(n))
    page = admin_client.get_page(URL + "?action=t.bulk")
    rows = page.table_rows("#audit-events")
    assert len(rows) == 50
    assert rows[0][3] == "teams 54"
    assert "Showing 1 to 50 of 55 events." in page.text
    next_link = page.soup.select_one(".govuk-pagination__next a")["href"]
    assert "action=t.bulk" in next_link and "page=2" in next_link

    second = admin_client.get_page(next_link)
    assert [row[3] for row in second.table_rows("#audit-events")] == [
        f"teams {n}" for n in range(4, -1, -1)
    ]
    # A page number that is not a number, or too big, is not an error.
    assert admin_client.get_page(URL + "?action=t.bulk&page=abc").table_rows("#audit-events")
    assert (
        len(admin_client.get_page(URL + "?action=t.bulk&page=99").table_rows("#audit-events")) == 5
    )


# Filters ------------------------------------------------------------------------


def test_filter_by_action_offers_the_actions_in_the_log(admin_client, story):
    page = admin_client.get_page(URL + "?action=t.two")
    options = [o["value"] for o in page.soup.select("select[name=action] option")]
    assert {"", "t.one", "t.two", "t.three", "sign_in"} <= set(options)
    assert page.field_value("action") == "t.two"
    assert actions_shown(page) == ["t.two", "t.two"]


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("alice@example.test", ["t.three", "t.one"]),
        ("ALICE", ["t.three", "t.one"]),
        ("Bob Bak", ["t.two"]),
        ("system", ["t.two"]),
        ("nobody-at-all", []),
        ("100%_", []),
    ],
)
def test_filter_by_actor(admin_client, story, actor, expected):
    page = admin_client.get_page(URL, query_string={"actor": actor, "date_to": "2025-12-31"})
    assert page.field_value("actor") == actor
    # The admin's own sign-in is today, outside the date range.
    assert actions_shown(page) == expected
    if not expected:
        assert "No events match these filters." in page.text


@pytest.mark.parametrize(
    ("date_from", "date_to", "expected"),
    [
        ("1 3 2025", "1/3/2025", ["t.one"]),
        ("2025-03-31", "2025-06-30", ["t.two"]),  # 30 March 23:30 UTC is 31 March in London
        ("2025-07-01", "2025-07-01", ["t.three"]),  # 30 June 23:30 UTC is 1 July in London
        ("2025-07-02", "", None),  # open-ended: the admin's sign-in today shows too
        ("", "2025-03-30", ["t.one"]),
    ],
)
def test_filter_by_date_range_in_london_days(admin_client, story, date_from, date_to, expected):
    page = admin_client.get_page(
        URL, query_string={"date_from": date_from, "date_to": date_to, "actor": "", "action": ""}
    )
    assert page.error_summary == []
    shown = actions_shown(page)
    if expected is None:
        assert "t.two" in shown and "sign_in" in shown and "t.three" not in shown
    else:
        assert shown == expected
    assert page.field_value("date_from") == date_from


def test_filters_combine(admin_client, story):
    page = admin_client.get_page(
        URL, query_string={"actor": "alice", "action": "t.three", "date_from": "2025-06-01"}
    )
    assert actions_shown(page) == ["t.three"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "banana"}, "Date from must be a real date, for example 27 3 2025"),
        ({"date_from": "31 2 2025"}, "Date from must be a real date, for example 27 3 2025"),
        ({"date_to": "2025-13-01"}, "Date to must be a real date, for example 27 3 2025"),
        ({"date_to": "1 1 25"}, "Date to must be a real date, for example 27 3 2025"),
        ({"date_to": "9" * 500}, "Date to must be a real date, for example 27 3 2025"),
        (
            {"date_from": "2 1 2025", "date_to": "1 1 2025"},
            "Date to must be the same as or after date from",
        ),
        ({"action": "no.such.action"}, "Select an action from the list"),
        ({"actor": "a" * 300}, "Actor must be 254 characters or fewer"),
    ],
)
def test_invalid_filters_get_gov_uk_errors_not_500s(admin_client, story, query, message):
    page = admin_client.get_page(URL, query_string=query)
    assert page.title.startswith("Error: ")
    assert page.error_summary == [message]
    assert message in page.inline_errors
    assert page.soup.select_one("#audit-events") is None
    assert "Correct the filters to see events." in page.text
    # What was typed stays in the form.
    for name, value in query.items():
        if name != "action":
            assert page.field_value(name) == value


def test_error_summary_links_to_the_field(admin_client):
    page = admin_client.get_page(URL + "?date_from=nope")
    link = page.soup.select_one(".govuk-error-summary a")["href"]
    assert page.soup.select_one(link) is not None
