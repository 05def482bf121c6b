"""Admin user pages: who may use them, the list, details, create, edit, deactivate,
roles and password resets."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.core.audit import AuditEvent
from learning_app.org.models import TeamMembership
from learning_app.org.services import current_membership
from tests.factories import DEFAULT_PASSWORD

BASE = "/admin/users"
NEW_PASSWORD = "violet tractor lantern 42"


@pytest.fixture
def org(factories):
    region = factories.region("East Midlands")
    pdu = factories.pdu(region, "Leicester")
    other_pdu = factories.pdu(region, "Nottingham")
    north = factories.team(pdu, "City North")
    south = factories.team(pdu, "County South")
    return {"region": region, "pdu": pdu, "other_pdu": other_pdu, "north": north, "south": south}


@pytest.fixture
def admin_client(client, factories):
    admin = factories.admin(email="admin@example.test", name="Ada Admin")
    client.sign_in(admin.email)
    client.admin = admin
    return client


def events(db_session, action: str, user: User | None = None) -> list[AuditEvent]:
    statement = select(AuditEvent).where(AuditEvent.action == action)
    if user is not None:
        statement = statement.where(AuditEvent.object_id == str(user.id))
    return list(db_session.scalars(statement.order_by(AuditEvent.id)))


def london_today() -> date:
    # The service's "today" is the date in the UK, whatever the machine's time zone.
    return datetime.now(ZoneInfo("Europe/London")).date()


def day_month_year(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def user_data(**overrides) -> dict:
    data = {
        "name": "Priya Patel",
        "email": "priya.patel@example.test",
        "grade": "PO",
        "team": "",
        "started_on": ["3", "2", "2021"],
        "qualified_on": ["", "", ""],
        "password": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


# Access -----------------------------------------------------------------------------

GET_ROUTES = [
    "/",
    "/new",
    "/import",
    "/{user}",
    "/{user}/edit",
    "/{user}/deactivate",
    "/{user}/reactivate",
    "/{user}/roles",
    "/{user}/roles/scope?role=spo",
    "/{user}/reset-password",
]
POST_ROUTES = [
    "/new",
    "/import",
    "/import/confirm",
    "/{user}/edit",
    "/{user}/deactivate",
    "/{user}/reactivate",
    "/{user}/roles",
    "/{user}/roles/scope?role=spo",
    "/{user}/roles/{assignment}/remove",
    "/{user}/reset-password",
]


@pytest.fixture
def target(factories, org):
    user = factories.user(team=org["north"], name="Tara Target", email="tara@example.test")
    return {"user": user.id, "assignment": user.role_assignments[0].id}


def test_every_admin_users_route_is_in_the_access_matrix(app):
    rules = {
        (rule.rule.replace(BASE, "", 1), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin_users.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    path = lambda route: route.partition("?")[0]  # noqa: E731
    known = {(path(r), "GET") for r in GET_ROUTES} | {(path(r), "POST") for r in POST_ROUTES}
    normalised = {
        (r.replace("<int:user_id>", "{user}").replace("<int:assignment_id>", "{assignment}"), m)
        for r, m in rules
    }
    assert normalised == known


@pytest.mark.parametrize("route", GET_ROUTES)
def test_anonymous_get_is_sent_to_sign_in(client, target, route):
    response = client.get(BASE + route.format(**target))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("route", POST_ROUTES)
def test_anonymous_post_is_sent_to_sign_in(client, target, route):
    response = client.submit(BASE + route.format(**target), {}, form_url="/sign-in")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("who", ["practitioner", "spo", "qdo"])
def test_non_admins_get_404_everywhere_and_change_nothing(
    client, factories, org, target, who, db_session
):
    # One sign-in per role, then every route: signing in (argon2) is the slow part.
    user = {
        "practitioner": lambda: factories.user(team=org["south"]),
        "spo": lambda: factories.spo(org["north"]),
        "qdo": lambda: factories.user(role=Role.QDO, scope=org["pdu"], grade=Grade.OTHER),
    }[who]()
    client.sign_in(user.email)
    for route in GET_ROUTES:
        client.get_page(BASE + route.format(**target), status=404)
    data = {
        "name": "Hacked",
        "role": "admin",
        "password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    for route in POST_ROUTES:
        response = client.submit(BASE + route.format(**target), data, form_url="/home")
        assert response.status_code == 404, route
    victim = db_session.get(User, target["user"])
    db_session.refresh(victim)
    assert victim.name == "Tara Target" and victim.active
    assert victim.roles == {Role.PRACTITIONER}
    assert db_session.scalar(select(func.count()).select_from(User)) == 2
    assert not db_session.scalars(select(AuditEvent).where(AuditEvent.action.like("user.%"))).all()


def test_admin_can_open_every_page(admin_client, target):
    for route in GET_ROUTES:
        if route != "/{user}/reactivate":  # only for a deactivated user: see below
            admin_client.get_page(BASE + route.format(**target))


def test_admin_link_is_in_the_navigation_for_admins_only(admin_client, factories, make_client):
    assert "Users" in admin_client.get_page("/home").nav_links()
    practitioner_client = make_client()
    practitioner_client.sign_in(factories.user().email)
    assert "Users" not in practitioner_client.get_page("/home").nav_links()


# List -------------------------------------------------------------------------------


def test_list_shows_users_with_status_in_words(admin_client, factories, org):
    factories.user(name="Zoe Active", team=org["north"], grade=Grade.PSO)
    factories.user(name="Yan Gone", team=org["south"], active=False)
    page = admin_client.get_page(BASE + "/")
    assert page.h1 == "Users"
    rows = {row[0]: row for row in page.table_rows("#users")}
    assert rows["Zoe Active"][2:6] == ["PSO", "City North", "Practitioner", "Active"]
    assert rows["Yan Gone"][5] == "Deactivated"
    assert page.soup.select_one("#users a", string="Zoe Active")["href"].startswith(BASE + "/")
    assert "Showing 1 to 3 of 3 users" in page.text


def test_search_by_name_or_email_ignoring_case(admin_client, factories):
    factories.user(name="Morgan Reed", email="m.reed@example.test")
    factories.user(name="Alex Stone", email="alex.stone@example.test")
    names = lambda page: [r[0] for r in page.table_rows("#users")]  # noqa: E731
    assert names(admin_client.get_page(BASE + "/?q=morgan")) == ["Morgan Reed"]
    assert names(admin_client.get_page(BASE + "/?q=STONE@EXAMPLE")) == ["Alex Stone"]
    # LIKE wildcards are searched for literally.
    page = admin_client.get_page(BASE + "/?q=%25")
    assert "No users match your search" in page.text
    assert page.field_value("q") == "%"


def test_filters_by_team_grade_role_and_status(admin_client, factories, org):
    factories.user(name="North PO", team=org["north"], grade=Grade.PO)
    factories.user(name="North PSO", team=org["north"], grade=Grade.PSO)
    factories.user(name="South PO", team=org["south"], grade=Grade.PO)
    factories.spo(org["south"], name="South SPO")
    factories.user(name="Gone PO", team=org["north"], active=False)

    def names(query: str) -> list[str]:
        return sorted(r[0] for r in admin_client.get_page(f"{BASE}/?{query}").table_rows("#users"))

    assert names(f"team={org['north'].id}") == ["Gone PO", "North PO", "North PSO"]
    assert names(f"team={org['north'].id}&grade=PO") == ["Gone PO", "North PO"]
    assert names(f"team={org['north'].id}&grade=PO&status=active") == ["North PO"]
    assert names("role=spo") == ["South SPO"]
    assert names("status=deactivated") == ["Gone PO"]
    page = admin_client.get_page(f"{BASE}/?team={org['south'].id}&role=practitioner")
    assert page.field_value("team") == str(org["south"].id)
    assert page.field_value("role") == "practitioner"
    assert page.soup.find("a", string="Clear filters")


@pytest.mark.parametrize(
    "query",
    [
        "team=abc",
        "team=999999",
        "team=-1",
        "grade=BOSS",
        "role=superuser",
        "status=maybe",
        "page=abc",
        "page=-3",
        "page=99999",
        "team=1&team=2&grade=",
        "q=" + "x" * 5000,
    ],
)
def test_unknown_or_malformed_filters_are_ignored(admin_client, factories, query):
    factories.user(name="Still Listed")
    page = admin_client.get_page(f"{BASE}/?{query}")
    if not query.startswith("q="):
        assert "Still Listed" in [r[0] for r in page.table_rows("#users")]


def test_pagination_keeps_the_filters(admin_client, factories, org):
    for n in range(30):
        factories.user(name=f"North {n:02}", team=org["north"], grade=Grade.PO)
    for n in range(5):
        factories.user(name=f"South {n:02}", team=org["south"], grade=Grade.PO)
    page = admin_client.get_page(f"{BASE}/?team={org['north'].id}&grade=PO")
    assert len(page.table_rows("#users")) == 25
    assert "Showing 1 to 25 of 30 users" in page.text
    next_link = page.soup.select_one(".govuk-pagination__next a")["href"]
    assert f"team={org['north'].id}" in next_link and "grade=PO" in next_link
    second = admin_client.get_page(next_link)
    assert "Showing 26 to 30 of 30 users" in second.text
    assert [r[0] for r in second.table_rows("#users")] == [f"North {n:02}" for n in range(25, 30)]


# Details ----------------------------------------------------------------------------


def test_user_page_shows_details_roles_history_and_events(admin_client, factories, org, db_session):
    user = factories.user(name="Hana Hill", team=org["north"], grade=Grade.PO)
    user.role_assignments.append(RoleAssignment(role=Role.SPO, team=org["south"]))
    db_session.flush()
    page = admin_client.get_page(f"{BASE}/{user.id}")
    assert page.h1.endswith("Hana Hill")
    assert "Probation officer (PO)" in page.text
    assert ["Senior probation officer", "County South (team)"] in page.table_rows("#roles")
    assert page.table_rows("#team-history") == [
        ["City North", "Leicester", "10 January 2022", "Now"]
    ]
    # Viewing someone's record is audited, but the views are not listed as activity.
    assert len(events(db_session, "user.view", user)) == 1
    admin_client.submit(f"{BASE}/{user.id}/deactivate", {})
    page = admin_client.get_page(f"{BASE}/{user.id}")
    assert page.table_rows("#events")[0][1:] == ["Account deactivated", "Ada Admin"]


def test_unknown_user_is_404(admin_client):
    admin_client.get_page(f"{BASE}/999999", status=404)
    admin_client.get_page(f"{BASE}/999999/edit", status=404)
    admin_client.get_page(f"{BASE}/abc", status=404)


# Create -----------------------------------------------------------------------------


def test_create_user(admin_client, org, db_session):
    response = admin_client.submit(
        f"{BASE}/new", user_data(team=str(org["north"].id), email=" Priya.Patel@Example.TEST ")
    )
    assert response.status_code == 302
    user = db_session.scalar(select(User).where(User.name == "Priya Patel"))
    assert response.headers["Location"].endswith(f"{BASE}/{user.id}")
    assert user.email == "priya.patel@example.test"
    assert user.grade == Grade.PO and user.started_on == date(2021, 2, 3)
    assert user.roles == {Role.PRACTITIONER}
    assert user.must_change_password and user.password_hash
    assert user.team_id == org["north"].id
    membership = current_membership(user)
    assert membership.team_id == org["north"].id and membership.started_on == date(2021, 2, 3)
    [event] = events(db_session, "user.create", user)
    assert event.actor_id == admin_client.admin.id
    assert event.detail["team_id"] == org["north"].id

    # The new user can sign in with the temporary password.
    admin_client.sign_out()
    admin_client.sign_in(user.email, NEW_PASSWORD)


def test_create_with_errors_keeps_what_was_typed(admin_client, org, db_session):
    before = db_session.scalar(select(func.count()).select_from(User))
    page = admin_client.page(
        admin_client.submit(
            f"{BASE}/new",
            user_data(
                name="Kim Lee",
                email="not-an-email",
                grade="PSO",
                team=str(org["south"].id),
                started_on=["31", "2", "2022"],
                qualified_on=["1", "6", "2023"],
                password="short",
            ),
        )
    )
    assert page.title.startswith("Error: ")
    assert page.error_summary == [
        "Enter an email address in the correct format, like name@example.com",
        "Date they started must be a real date",
        "Leave the qualification date empty for PSO and PQiP grades",
        "Password must be 12 characters or more",
    ]
    assert page.field_value("name") == "Kim Lee"
    assert page.field_value("email") == "not-an-email"
    assert page.field_value("team") == str(org["south"].id)
    assert page.soup.select_one('input[name="grade"][value="PSO"]').has_attr("checked")
    assert page.soup.select_one("#started_on-day")["value"] == "31"
    assert page.soup.select_one("#qualified_on-year")["value"] == "2023"
    assert db_session.scalar(select(func.count()).select_from(User)) == before


def test_create_requires_the_basics(admin_client):
    page = admin_client.page(admin_client.submit(f"{BASE}/new", {}))
    assert page.error_summary == [
        "Enter a full name",
        "Enter an email address",
        "Select a grade",
        "Enter the date they started",
        "Enter a temporary password",
    ]


def test_practitioner_grades_need_a_team(admin_client, db_session):
    page = admin_client.page(admin_client.submit(f"{BASE}/new", user_data(grade="PQIP")))
    assert page.error_summary == ["Select a team"]
    response = admin_client.submit(f"{BASE}/new", user_data(grade="OTHER", name="No Team"))
    assert response.status_code == 302
    user = db_session.scalar(select(User).where(User.name == "No Team"))
    assert user.team_id is None and user.roles == set()


def test_duplicate_email_in_another_case_is_refused(admin_client, factories, db_session):
    factories.user(email="taken@example.test")
    page = admin_client.page(
        admin_client.submit(f"{BASE}/new", user_data(email="TAKEN@Example.Test", grade="OTHER"))
    )
    assert page.error_summary == ["A user with this email address already exists"]
    assert page.inline_errors == ["A user with this email address already exists"]
    assert db_session.scalar(select(func.count()).where(User.email == "taken@example.test")) == 1


@pytest.mark.parametrize(
    "started_on, message",
    [
        (["", "2", "2021"], "Date they started must include a day"),
        (["3", "", ""], "Date they started must include a month and a year"),
        (["3"], "Date they started must include a month and a year"),
        (["a", "b", "c"], "Date they started must be a real date"),
        (["3", "2", "21"], "Year must include 4 numbers"),
        (["3", "2", "2021", "9"], None),  # extra parts are ignored, never a crash
        ([], "Enter the date they started"),
    ],
)
def test_partial_dates_get_an_error_not_a_crash(admin_client, org, started_on, message):
    data = user_data(team=str(org["north"].id), started_on=started_on)
    if not started_on:
        del data["started_on"]
    response = admin_client.submit(f"{BASE}/new", data)
    if message is None:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert admin_client.page(response).error_summary == [message]


def test_dates_in_the_future_are_refused(admin_client, org):
    later = date.today() + timedelta(days=2)
    page = admin_client.page(
        admin_client.submit(
            f"{BASE}/new", user_data(team=str(org["north"].id), started_on=day_month_year(later))
        )
    )
    assert page.error_summary == ["Date they started must be today or in the past"]


# Edit -------------------------------------------------------------------------------


def test_edit_details(admin_client, factories, org, db_session):
    user = factories.user(name="Old Name", team=org["north"], email="old@example.test")
    page = admin_client.get_page(f"{BASE}/{user.id}/edit")
    assert page.field_value("name") == "Old Name"
    assert page.field_value("team") == str(org["north"].id)
    assert page.soup.select_one("#started_on-year")["value"] == "2022"
    response = admin_client.submit(
        f"{BASE}/{user.id}/edit",
        user_data(
            name="New Name",
            email="new@example.test",
            team=str(org["north"].id),
            started_on=["10", "1", "2022"],
            qualified_on=["1", "9", "2023"],
        ),
    )
    assert response.status_code == 302
    db_session.refresh(user)
    assert (user.name, user.email, user.qualified_on) == (
        "New Name",
        "new@example.test",
        date(2023, 9, 1),
    )
    [event] = events(db_session, "user.update", user)
    assert set(event.detail["changed"]) == {"name", "email", "qualified_on"}
    assert event.detail["changed"]["name"] == {"from": "Old Name", "to": "New Name"}
    # Nothing moved, so no new membership.
    assert db_session.scalar(select(func.count()).where(TeamMembership.user_id == user.id)) == 1


def test_edit_team_keeps_dated_history(admin_client, factories, org, db_session):
    user = factories.user(team=org["north"], started_on=date(2020, 5, 1))
    today = london_today()
    response = admin_client.submit(
        f"{BASE}/{user.id}/edit",
        user_data(
            name=user.name,
            email=user.email,
            team=str(org["south"].id),
            started_on=["1", "5", "2020"],
        ),
    )
    assert response.status_code == 302
    db_session.refresh(user)
    memberships = db_session.scalars(
        select(TeamMembership).where(TeamMembership.user_id == user.id).order_by(TeamMembership.id)
    ).all()
    assert [(m.team_id, m.started_on, m.ended_on) for m in memberships] == [
        (org["north"].id, date(2020, 5, 1), today - timedelta(days=1)),
        (org["south"].id, today, None),
    ]
    assert user.team_id == org["south"].id == current_membership(user).team_id
    [move] = events(db_session, "user.team_move", user)
    assert move.detail == {
        "from_team_id": org["north"].id,
        "to_team_id": org["south"].id,
        "on": today.isoformat(),
    }
    page = admin_client.get_page(f"{BASE}/{user.id}")
    assert [row[0] for row in page.table_rows("#team-history")] == ["County South", "City North"]


def test_edit_refuses_an_email_another_user_has(admin_client, factories, org):
    factories.user(email="someone@example.test")
    user = factories.user(team=org["north"])
    page = admin_client.page(
        admin_client.submit(
            f"{BASE}/{user.id}/edit",
            user_data(email="Someone@example.test", team=str(org["north"].id)),
        )
    )
    assert page.error_summary == ["A user with this email address already exists"]
    assert page.field_value("email") == "Someone@example.test"


def test_keeping_your_own_email_in_another_case_is_fine(admin_client, factories, org, db_session):
    user = factories.user(team=org["north"], email="same@example.test")
    response = admin_client.submit(
        f"{BASE}/{user.id}/edit",
        user_data(
            name=user.name,
            email="SAME@example.test",
            team=str(org["north"].id),
            started_on=["10", "1", "2022"],
        ),
    )
    assert response.status_code == 302
    assert events(db_session, "user.update", user) == []  # nothing actually changed


# Deactivate and reactivate ------------------------------------------------------------


def test_deactivate_ends_sessions_and_stops_sign_in(
    admin_client, factories, org, make_client, db_session
):
    user = factories.user(team=org["north"], email="leaving@example.test")
    their_client = make_client()
    their_client.sign_in(user.email)
    assert their_client.get("/home").status_code == 200
    version = user.session_version

    page = admin_client.get_page(f"{BASE}/{user.id}/deactivate")
    assert "signed out" in page.text
    response = admin_client.submit(f"{BASE}/{user.id}/deactivate", {})
    assert response.status_code == 302
    db_session.refresh(user)
    assert not user.active and user.session_version == version + 1
    assert their_client.get("/home").status_code == 302
    refused = their_client.page(
        their_client.submit("/sign-in", {"email": user.email, "password": DEFAULT_PASSWORD})
    )
    assert refused.error_summary
    assert len(events(db_session, "user.deactivate", user)) == 1
    # Nothing is deleted.
    assert db_session.get(User, user.id) is not None
    assert current_membership(user) is not None

    page = admin_client.get_page(f"{BASE}/{user.id}")
    assert "Deactivated" in page.text
    admin_client.submit(f"{BASE}/{user.id}/reactivate", {})
    db_session.refresh(user)
    assert user.active
    assert len(events(db_session, "user.reactivate", user)) == 1
    their_client.sign_in(user.email)


def test_an_admin_cannot_deactivate_themselves(admin_client, db_session):
    admin = admin_client.admin
    page = admin_client.page(admin_client.submit(f"{BASE}/{admin.id}/deactivate", {}))
    assert page.error_summary == ["You cannot deactivate your own account"]
    assert page.title.startswith("Error: ")
    db_session.refresh(admin)
    assert admin.active


def test_reactivating_an_active_user_goes_back_to_their_page(admin_client, factories):
    user = factories.user()
    response = admin_client.get(f"{BASE}/{user.id}/reactivate")
    assert response.status_code == 302


# Roles ------------------------------------------------------------------------------


def add_role(client, user, role: str, scope: str | None = None):
    """Add a role through the pages: the role, then (for a scoped role) its scope."""
    url = f"{BASE}/{user.id}/roles"
    response = client.submit(url, {"role": role})
    if scope is None:
        return response
    assert response.status_code == 302
    assert response.headers["Location"] == f"{url}/scope?role={role}"
    return client.submit(f"{url}/scope?role={role}", {"scope": scope})


def test_add_scoped_and_unscoped_roles(admin_client, factories, org, db_session):
    user = factories.user(team=org["north"], grade=Grade.SPO)
    url = f"{BASE}/{user.id}/roles"
    response = add_role(admin_client, user, "spo", f"team:{org['north'].id}")
    assert response.status_code == 302
    assert response.headers["Location"] == url
    add_role(admin_client, user, "qdo", f"pdu:{org['pdu'].id}")
    add_role(admin_client, user, "leader", f"region:{org['region'].id}")
    assert add_role(admin_client, user, "admin").headers["Location"] == url
    db_session.refresh(user)
    scopes = {(a.role, a.team_id, a.pdu_id, a.region_id) for a in user.role_assignments}
    assert scopes == {
        ("practitioner", None, None, None),
        ("spo", org["north"].id, None, None),
        ("qdo", None, org["pdu"].id, None),
        ("leader", None, None, org["region"].id),
        ("admin", None, None, None),
    }
    added = events(db_session, "user.role_add", user)
    assert [e.detail["role"] for e in added] == ["spo", "qdo", "leader", "admin"]
    assert (
        added[0].detail["scope_type"] == "team" and added[0].detail["scope_id"] == org["north"].id
    )
    page = admin_client.get_page(url)
    assert [
        "Senior probation officer",
        "City North (team)",
        "Remove Senior probation officer (City North (team))",
    ] in page.table_rows("#roles")


def test_the_scope_page_asks_one_question_and_offers_only_allowed_units(
    admin_client, factories, org
):
    user = factories.user(team=org["north"])
    page = admin_client.get_page(f"{BASE}/{user.id}/roles/scope?role=ld_lead")
    assert page.h1 == "Which PDU or region is the learning and development lead role for?"
    options = [o.text for o in page.soup.select("select#scope option")]
    assert options == [
        "Select a PDU or region",
        "Leicester (PDU)",
        "Nottingham (PDU)",
        "East Midlands (region)",
    ]
    page = admin_client.get_page(f"{BASE}/{user.id}/roles/scope?role=spo")
    assert page.h1 == "Which team is the senior probation officer role for?"
    assert "City North (Leicester)" in [o.text for o in page.soup.select("select#scope option")]


@pytest.mark.parametrize("role", ["", "overlord", "admin", "practitioner"])
def test_the_scope_page_without_a_scoped_role_goes_back_to_the_roles(admin_client, factories, role):
    user = factories.user()
    response = admin_client.get(f"{BASE}/{user.id}/roles/scope?role={role}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{BASE}/{user.id}/roles"


@pytest.mark.parametrize(
    "role, scope, field, message",
    [
        (None, None, "role", "Select a role"),
        ("overlord", None, "role", "Select a role"),
        ("spo", None, "scope", "Select a team"),
        ("spo", "pdu:{pdu}", "scope", "Select a team"),
        ("qdo", "region:{region}", "scope", "Select a PDU"),
        ("ld_lead", "team:{north}", "scope", "Select a PDU or region"),
        ("leader", "region:999999", "scope", "Select a PDU or region"),
        ("spo", "garbage", "scope", "Select a team"),
    ],
)
def test_role_scope_is_validated(
    admin_client, factories, org, db_session, role, scope, field, message
):
    user = factories.user(team=org["north"])
    ids = {k: org[k].id for k in ("pdu", "region", "north")}
    if field == "role":
        data = {"role": role} if role else {}
        response = admin_client.submit(f"{BASE}/{user.id}/roles", data)
    else:
        data = {"scope": scope.format(**ids)} if scope else {}
        response = admin_client.submit(f"{BASE}/{user.id}/roles/scope?role={role}", data)
    page = admin_client.page(response)
    assert page.error_summary == [message]
    assert page.soup.select_one(f"#{field}-error") or page.soup.select_one(f"#{field}")
    db_session.refresh(user)
    assert user.roles == {Role.PRACTITIONER}


def test_duplicate_roles_are_refused(admin_client, factories, org, db_session):
    user = factories.spo(org["north"], name="Sol Spo")
    page = admin_client.page(add_role(admin_client, user, "spo", f"team:{org['north'].id}"))
    assert page.error_summary == [
        "Sol Spo already has the role Senior probation officer for City North (team)"
    ]
    page = admin_client.page(add_role(admin_client, admin_client.admin, "admin"))
    assert page.error_summary == ["Ada Admin already has the role Administrator"]
    # The same role in another team is fine.
    response = add_role(admin_client, user, "spo", f"team:{org['south'].id}")
    assert response.status_code == 302
    db_session.refresh(user)
    assert len(user.role_assignments) == 2


def test_remove_a_role(admin_client, factories, org, db_session):
    user = factories.spo(org["north"])
    assignment = user.role_assignments[0]
    response = admin_client.submit(
        f"{BASE}/{user.id}/roles/{assignment.id}/remove", {}, form_url=f"{BASE}/{user.id}/roles"
    )
    assert response.status_code == 302
    db_session.refresh(user)
    assert user.role_assignments == []
    [event] = events(db_session, "user.role_remove", user)
    assert event.detail["role"] == "spo" and event.detail["scope_id"] == org["north"].id


def test_a_role_of_another_user_cannot_be_removed_through_this_user(
    admin_client, factories, org, db_session
):
    one, other = factories.user(), factories.spo(org["north"])
    response = admin_client.submit(
        f"{BASE}/{one.id}/roles/{other.role_assignments[0].id}/remove",
        {},
        form_url=f"{BASE}/{one.id}/roles",
    )
    assert response.status_code == 404
    db_session.refresh(other)
    assert other.roles == {Role.SPO}


def test_an_admin_cannot_remove_their_own_admin_role(admin_client, factories, db_session):
    admin = admin_client.admin
    page = admin_client.get_page(f"{BASE}/{admin.id}/roles")
    assert "You cannot remove your own administrator role" in page.text
    assignment = admin.role_assignments[0]
    response = admin_client.submit(
        f"{BASE}/{admin.id}/roles/{assignment.id}/remove", {}, form_url=f"{BASE}/{admin.id}/roles"
    )
    page = admin_client.page(response)
    assert response.status_code == 400
    assert page.error_summary == ["You cannot remove your own administrator role"]
    db_session.refresh(admin)
    assert admin.roles == {Role.ADMIN}
    # Another admin's role can be removed: the service still has this admin.
    other = factories.admin()
    response = admin_client.submit(
        f"{BASE}/{other.id}/roles/{other.role_assignments[0].id}/remove",
        {},
        form_url=f"{BASE}/{other.id}/roles",
    )
    assert response.status_code == 302


# Passwords --------------------------------------------------------------------------


def test_reset_password(admin_client, factories, make_client, db_session):
    user = factories.user(email="forgot@example.test", name="Fran Forgot")
    user.failed_sign_in_count = 3
    db_session.flush()
    page = admin_client.page(
        admin_client.submit(
            f"{BASE}/{user.id}/reset-password",
            {"password": "fran forgot 2024!", "confirm_password": "x"},
        )
    )
    assert page.error_summary == [
        "Password must not contain their name or email address",
        "Passwords do not match",
    ]
    response = admin_client.submit(
        f"{BASE}/{user.id}/reset-password",
        {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    db_session.refresh(user)
    assert user.must_change_password and user.failed_sign_in_count == 0
    assert len(events(db_session, "user.password_reset", user)) == 1
    their_client = make_client()
    refused = their_client.page(
        their_client.submit("/sign-in", {"email": user.email, "password": DEFAULT_PASSWORD})
    )
    assert refused.error_summary
    their_client.sign_in(user.email, NEW_PASSWORD)


# move_to_team: the one place a user's team changes ------------------------------------


def test_move_to_team_closes_and_opens_memberships(factories, org, db_session):
    from learning_app.org.services import TeamMoveError, move_to_team

    actor = factories.admin()
    user = factories.user(team=org["north"], started_on=date(2023, 1, 1))
    move_to_team(user, org["south"], actor, date(2024, 3, 1))
    # Moving again into the same team changes nothing.
    assert move_to_team(user, org["south"], actor, date(2024, 6, 1)).started_on == date(2024, 3, 1)
    with pytest.raises(TeamMoveError):
        move_to_team(user, org["north"], actor, date(2024, 2, 1))  # before the open spell began
    # A move on the day the open spell began ends it that same day (a spell cannot end sooner).
    move_to_team(user, org["north"], actor, date(2024, 3, 1))
    move_to_team(user, None, actor, date(2024, 5, 31))  # leaving: the last day is the date given
    spells = db_session.scalars(
        select(TeamMembership).where(TeamMembership.user_id == user.id).order_by(TeamMembership.id)
    ).all()
    assert [(s.team_id, s.started_on, s.ended_on) for s in spells] == [
        (org["north"].id, date(2023, 1, 1), date(2024, 2, 29)),
        (org["south"].id, date(2024, 3, 1), date(2024, 3, 1)),
        (org["north"].id, date(2024, 3, 1), date(2024, 5, 31)),
    ]
    assert user.team_id is None and current_membership(user) is None
    assert len(events(db_session, "user.team_move", user)) == 3


def test_taking_an_spo_out_of_their_team_ends_the_membership_today(
    admin_client, factories, org, db_session
):
    user = factories.user(team=org["north"], grade=Grade.SPO, started_on=date(2020, 1, 1))
    response = admin_client.submit(
        f"{BASE}/{user.id}/edit",
        user_data(name=user.name, email=user.email, grade="SPO", started_on=["1", "1", "2020"]),
    )
    assert response.status_code == 302
    db_session.refresh(user)
    assert user.team_id is None
    [spell] = db_session.scalars(select(TeamMembership).where(TeamMembership.user_id == user.id))
    assert spell.ended_on == london_today()


def test_a_nul_character_in_a_form_is_taken_out_not_a_server_error(admin_client, org, db_session):
    """A crafted POST with NUL characters (which PostgreSQL refuses in text) saves cleanly."""
    response = admin_client.submit(
        f"{BASE}/new",
        user_data(
            team=str(org["north"].id), name="Priya\x00 Patel", email="priya\x00@example.test"
        ),
    )
    assert response.status_code == 302
    user = db_session.scalar(select(User).where(User.email == "priya@example.test"))
    assert user.name == "Priya Patel"


def test_a_nul_character_in_a_query_parameter_is_not_a_server_error(admin_client, org):
    page = admin_client.get_page(f"{BASE}/?q=Pri%00ya")
    assert page.h1
