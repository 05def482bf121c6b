"""Admin organisation pages: the unit tree, teams, SPOs and moving practitioners."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import RoleAssignment
from learning_app.core.audit import AuditEvent
from learning_app.org.models import Pdu, Region, Team, TeamMembership

BASE = "/admin/organisation"


@pytest.fixture
def org(factories):
    region = factories.region("East Midlands")
    pdu = factories.pdu(region, "Leicester, Leicestershire and Rutland")
    north = factories.team(pdu, "City North", site="Pocklington Place")
    south = factories.team(pdu, "County South", site="Hinckley")
    return {"region": region, "pdu": pdu, "north": north, "south": south}


@pytest.fixture
def admin_client(client, factories):
    admin = factories.admin(email="admin@example.test", name="Ada Admin")
    client.sign_in(admin.email)
    client.admin = admin
    return client


def events(db_session, action: str) -> list[AuditEvent]:
    return list(
        db_session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


# Access -------------------------------------------------------------------------

GET_ROUTES = [
    "/",
    "/regions/new",
    "/regions/{region}/edit",
    "/regions/{region}/delete",
    "/pdus/new",
    "/pdus/{pdu}/edit",
    "/pdus/{pdu}/delete",
    "/teams/new",
    "/teams/{team}",
    "/teams/{team}/edit",
    "/teams/{team}/delete",
    "/teams/{team}/move",
]
POST_ROUTES = [
    "/regions/new",
    "/regions/{region}/edit",
    "/regions/{region}/delete",
    "/pdus/new",
    "/pdus/{pdu}/edit",
    "/pdus/{pdu}/delete",
    "/teams/new",
    "/teams/{team}/edit",
    "/teams/{team}/delete",
    "/teams/{team}/spos",
    "/teams/{team}/spos/{spo}/remove",
    "/teams/{team}/move",
]
OTHER_ROLES = [Role.PRACTITIONER, Role.SPO, Role.QDO, Role.LD_LEAD, Role.LEADER]


def _url(path: str, org, spo) -> str:
    return BASE + path.format(
        region=org["region"].id, pdu=org["pdu"].id, team=org["north"].id, spo=spo.id
    )


def _person(factories, org, role: Role):
    scope = {
        Role.SPO: org["north"],
        Role.QDO: org["pdu"],
        Role.LD_LEAD: org["pdu"],
        Role.LEADER: org["region"],
    }.get(role)
    return factories.user(role=role, scope=scope, team=org["north"])


@pytest.mark.parametrize("path", GET_ROUTES)
def test_anonymous_get_is_sent_to_sign_in(client, factories, org, path):
    response = client.get(_url(path, org, factories.spo(org["north"])))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("path", POST_ROUTES)
def test_anonymous_post_is_sent_to_sign_in(client, factories, org, db_session, path):
    url = _url(path, org, factories.spo(org["north"]))
    response = client.submit(url, {"name": "Sneaky"}, form_url="/sign-in")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    assert db_session.scalar(select(Region).where(Region.name == "Sneaky")) is None


@pytest.mark.parametrize("role", OTHER_ROLES, ids=str)
def test_other_roles_get_404_everywhere(client, factories, org, db_session, role):
    spo = factories.spo(org["north"])
    client.sign_in(_person(factories, org, role).email)
    for path in GET_ROUTES:
        assert client.get(_url(path, org, spo)).status_code == 404, path
    token = client.csrf_token("/account/change-password")
    for path in POST_ROUTES:
        response = client.post(_url(path, org, spo), data={"csrf_token": token, "name": "X"})
        assert response.status_code == 404, path
    # Nothing changed.
    assert db_session.scalar(select(Region).where(Region.name == "X")) is None
    assert spo.has_role(Role.SPO)


@pytest.mark.parametrize("path", GET_ROUTES)
def test_admin_sees_every_page(admin_client, factories, org, path):
    page = admin_client.get_page(_url(path, org, factories.spo(org["north"])))
    assert page.status == 200


def test_unknown_ids_are_404(admin_client):
    for path in (
        "/regions/999999/edit",
        "/pdus/999999/delete",
        "/teams/999999",
        "/teams/999999/move",
    ):
        assert admin_client.get(BASE + path).status_code == 404, path


# The tree -----------------------------------------------------------------------


def test_tree_shows_regions_pdus_teams_with_sites_spos_and_member_counts(
    admin_client, factories, org
):
    factories.spo(org["north"], name="Sam Senior")
    factories.user(team=org["north"], name="Pat Practitioner")
    factories.user(team=org["north"], name="Priya Practitioner")
    factories.user(team=org["south"])
    empty_region = factories.region("Wales")

    page = admin_client.get_page(BASE + "/")

    assert page.h1 == "Organisation"
    headings = [h.get_text(" ", strip=True) for h in page.soup.select("main h2, main h3")]
    assert "East Midlands" in headings
    assert empty_region.name in headings
    assert "Leicester, Leicestershire and Rutland PDU" in headings
    rows = page.table_rows()
    # The SPO factory puts Sam in a team only if asked, so North has two members.
    assert ["City North", "Pocklington Place", "Sam Senior", "2"] in rows
    assert ["County South", "Hinckley", "None", "1"] in rows
    assert "No PDUs in this region yet." in page.text


# Regions ------------------------------------------------------------------------


def test_admin_adds_a_region(admin_client, db_session):
    response = admin_client.submit(BASE + "/regions/new", {"name": "  North   West "})
    assert response.status_code == 302

    region = db_session.scalar(select(Region).where(Region.name == "North West"))
    assert region is not None
    [event] = events(db_session, "region.create")
    assert event.actor_id == admin_client.admin.id
    assert event.object_type == "regions" and event.object_id == str(region.id)
    page = admin_client.get_page(response.headers["Location"])
    assert "Region ‘North West’ added" in page.text


def test_region_names_are_unique_whatever_the_case(admin_client, org, db_session):
    response = admin_client.submit(BASE + "/regions/new", {"name": "east midlands"})

    page = admin_client.page(response)
    assert response.status_code == 200
    assert page.title.startswith("Error: ")
    assert page.error_summary == ["A region with this name already exists"]
    assert page.inline_errors == ["A region with this name already exists"]
    assert page.field_value("name") == "east midlands"
    assert events(db_session, "region.create") == []


def test_region_name_is_required(admin_client):
    page = admin_client.page(admin_client.submit(BASE + "/regions/new", {"name": "   "}))
    assert page.error_summary == ["Enter a region name"]


def test_admin_renames_a_region(admin_client, org, factories, db_session):
    factories.region("Wales")
    url = f"{BASE}/regions/{org['region'].id}/edit"
    assert admin_client.get_page(url).field_value("name") == "East Midlands"

    page = admin_client.page(admin_client.submit(url, {"name": "Wales"}))
    assert page.error_summary == ["A region with this name already exists"]
    assert page.field_value("name") == "Wales"

    assert admin_client.submit(url, {"name": "Midlands"}).status_code == 302
    assert db_session.get(Region, org["region"].id).name == "Midlands"
    [event] = events(db_session, "region.update")
    assert event.detail == {"name": ["East Midlands", "Midlands"]}


# PDUs ---------------------------------------------------------------------------


def test_admin_adds_a_pdu_within_a_region(admin_client, org, factories, db_session):
    other = factories.region("Wales")
    url = f"{BASE}/pdus/new"
    form = admin_client.get_page(f"{url}?region_id={org['region'].id}")
    assert form.field_value("region_id") == str(org["region"].id)

    duplicate = admin_client.page(
        admin_client.submit(
            url, {"region_id": org["region"].id, "name": "LEICESTER, Leicestershire and Rutland"}
        )
    )
    assert duplicate.error_summary == ["A PDU with this name already exists in this region"]
    assert duplicate.field_value("name") == "LEICESTER, Leicestershire and Rutland"
    assert duplicate.field_value("region_id") == str(org["region"].id)

    # The same name is fine in another region.
    name = "Leicester, Leicestershire and Rutland"
    assert admin_client.submit(url, {"region_id": other.id, "name": name}).status_code == 302
    pdu = db_session.scalar(select(Pdu).where(Pdu.region_id == other.id))
    assert pdu.name == name
    [event] = events(db_session, "pdu.create")
    assert event.detail == {"name": name, "region_id": other.id}


@pytest.mark.parametrize("region_id", ["", "abc", "999999"])
def test_a_pdu_needs_a_known_region(admin_client, region_id):
    page = admin_client.page(
        admin_client.submit(f"{BASE}/pdus/new", {"region_id": region_id, "name": "Derby"})
    )
    assert page.status == 200
    assert page.error_summary == ["Select a region"]
    assert page.field_value("name") == "Derby"


def test_new_pdu_ignores_a_nonsense_region_in_the_query_string(admin_client):
    page = admin_client.get_page(f"{BASE}/pdus/new?region_id=%27%3B--")
    assert page.field_value("region_id") == ""


def test_admin_renames_a_pdu(admin_client, org, factories, db_session):
    factories.pdu(org["region"], "Nottinghamshire")
    url = f"{BASE}/pdus/{org['pdu'].id}/edit"

    page = admin_client.page(admin_client.submit(url, {"name": "nottinghamshire"}))
    assert page.error_summary == ["A PDU with this name already exists in this region"]
    assert page.field_value("name") == "nottinghamshire"

    assert admin_client.submit(url, {"name": "Leicester PDU"}).status_code == 302
    assert db_session.get(Pdu, org["pdu"].id).name == "Leicester PDU"
    assert len(events(db_session, "pdu.update")) == 1


# Teams --------------------------------------------------------------------------


def test_admin_adds_a_team(admin_client, org, db_session):
    url = f"{BASE}/teams/new"
    assert admin_client.get_page(f"{url}?pdu_id={org['pdu'].id}").field_value("pdu_id") == str(
        org["pdu"].id
    )

    missing_site = admin_client.page(
        admin_client.submit(url, {"pdu_id": org["pdu"].id, "name": "Blaby", "site": ""})
    )
    assert missing_site.error_summary == ["Enter the team's site"]
    assert missing_site.field_value("name") == "Blaby"

    duplicate = admin_client.page(
        admin_client.submit(url, {"pdu_id": org["pdu"].id, "name": "city north", "site": "Town"})
    )
    assert duplicate.error_summary == ["A team with this name already exists in this PDU"]
    assert duplicate.field_value("name") == "city north"
    assert duplicate.field_value("site") == "Town"
    assert duplicate.field_value("pdu_id") == str(org["pdu"].id)

    response = admin_client.submit(
        url, {"pdu_id": org["pdu"].id, "name": "Blaby", "site": "Blaby Road"}
    )
    team = db_session.scalar(select(Team).where(Team.name == "Blaby"))
    assert response.headers["Location"].endswith(f"/teams/{team.id}")
    assert (team.site, team.pdu_id) == ("Blaby Road", org["pdu"].id)
    [event] = events(db_session, "team.create")
    assert event.detail == {"name": "Blaby", "site": "Blaby Road", "pdu_id": org["pdu"].id}


def test_admin_edits_a_team_including_its_pdu(admin_client, org, factories, db_session):
    other_pdu = factories.pdu(org["region"], "Derbyshire")
    factories.team(other_pdu, "Chesterfield")
    url = f"{BASE}/teams/{org['north'].id}/edit"
    form = admin_client.get_page(url)
    assert form.field_value("name") == "City North"
    assert form.field_value("site") == "Pocklington Place"

    clash = admin_client.page(
        admin_client.submit(url, {"pdu_id": other_pdu.id, "name": "Chesterfield", "site": "X"})
    )
    assert clash.error_summary == ["A team with this name already exists in this PDU"]

    response = admin_client.submit(
        url, {"pdu_id": other_pdu.id, "name": "Derby City", "site": "Derby"}
    )
    assert response.status_code == 302
    team = db_session.get(Team, org["north"].id)
    assert (team.name, team.site, team.pdu_id) == ("Derby City", "Derby", other_pdu.id)
    [event] = events(db_session, "team.update")
    assert event.detail == {
        "name": ["City North", "Derby City"],
        "site": ["Pocklington Place", "Derby"],
        "pdu_id": [org["pdu"].id, other_pdu.id],
    }


def test_overlong_names_get_an_error(admin_client):
    page = admin_client.page(admin_client.submit(f"{BASE}/regions/new", {"name": "x" * 121}))
    assert page.error_summary == ["Region name must be 120 characters or fewer"]


# The team page and its SPOs -----------------------------------------------------


def test_team_page_lists_site_spos_current_and_past_members(admin_client, factories, org):
    team = org["north"]
    factories.spo(team, name="Sam Senior", email="sam@example.test")
    factories.user(team=team, name="Pat Practitioner", started_on=date(2023, 4, 3))
    leaver = factories.user(team=org["south"], name="Lee Leaver")
    factories.session.add(
        TeamMembership(
            user=leaver, team=team, started_on=date(2021, 1, 4), ended_on=date(2022, 6, 30)
        )
    )
    factories.session.flush()

    page = admin_client.get_page(f"{BASE}/teams/{team.id}")

    assert page.h1 == "City North"
    assert "Leicester, Leicestershire and Rutland, East Midlands" in page.text
    assert "Pocklington Place" in page.text
    spos = page.soup.select_one("#spos").get_text(" ", strip=True)
    assert "Sam Senior" in spos and "sam@example.test" in spos
    current = page.table_rows("table")
    assert [row[0] for row in current] == ["Pat Practitioner"]
    assert current[0][3] == "3 April 2023"
    past = page.table_rows("#past-members table")
    assert past == [
        ["Lee Leaver", leaver.email, "Probation officer (PO)", "4 January 2021", "30 June 2022"]
    ]


def test_admin_adds_and_removes_an_spo(admin_client, factories, org, db_session):
    team = org["north"]
    spo = factories.user(grade=Grade.SPO, name="Sam Senior")
    retired = factories.user(grade=Grade.SPO, name="Rita Retired", active=False)
    url = f"{BASE}/teams/{team.id}"

    page = admin_client.get_page(url)
    offered = [o.get_text(strip=True) for o in page.soup.select("select[name=user_id] option")]
    assert any("Sam Senior" in o for o in offered)
    assert not any("Rita Retired" in o for o in offered)

    response = admin_client.submit(f"{url}/spos", {"user_id": spo.id}, form_url=url)
    assert response.status_code == 302
    assignment = db_session.scalar(
        select(RoleAssignment)
        .where(RoleAssignment.user_id == spo.id)
        .where(RoleAssignment.role == "spo")
    )
    assert assignment.team_id == team.id
    [event] = events(db_session, "team.spo.add")
    assert (event.object_type, event.object_id) == ("users", str(spo.id))
    assert event.detail["team_id"] == team.id
    assert "Sam Senior" in admin_client.get_page(url).soup.select_one("#spos").get_text()

    # An inactive user cannot be chosen, even by a hand-made POST.
    refused = admin_client.page(
        admin_client.submit(f"{url}/spos", {"user_id": retired.id}, form_url=url)
    )
    assert refused.error_summary == ["Select a user from the list"]
    nothing = admin_client.page(
        admin_client.submit(f"{url}/spos", {"user_id": "abc"}, form_url=url)
    )
    assert nothing.error_summary == ["Select a user"]

    response = admin_client.submit(f"{url}/spos/{spo.id}/remove", form_url=url)
    assert response.status_code == 302
    db_session.expire_all()
    assert not spo.has_role(Role.SPO)
    assert len(events(db_session, "team.spo.remove")) == 1
    assert "This team has no SPO." in admin_client.get_page(url).text
    # Removing again is a 404, not a 500.
    assert admin_client.submit(f"{url}/spos/{spo.id}/remove", form_url=url).status_code == 404


def test_removing_an_spo_keeps_their_other_roles(admin_client, factories, org, db_session):
    spo = factories.user(
        roles=((Role.SPO, org["north"]), (Role.SPO, org["south"])), grade=Grade.SPO
    )
    url = f"{BASE}/teams/{org['north'].id}"
    admin_client.submit(f"{url}/spos/{spo.id}/remove", form_url=url)
    db_session.expire_all()
    assert [(a.role, a.team_id) for a in spo.role_assignments] == [("spo", org["south"].id)]


# Moving a practitioner ----------------------------------------------------------


def _move(client, team, data, confirm: bool = True):
    url = f"{BASE}/teams/{team.id}/move"
    first = client.submit(url, data)
    if not confirm or first.status_code != 200:
        return first
    page = client.page(first)
    if page.h1.endswith("Check the move before you confirm it"):
        return client.submit(url, {**data, "confirmed": "yes"})
    return first


def _date(on: date) -> list[str]:
    return [str(on.day), str(on.month), str(on.year)]


def test_moving_a_practitioner_keeps_dated_history(admin_client, factories, org, db_session):
    north, south = org["north"], org["south"]
    pat = factories.user(team=north, name="Pat Practitioner", started_on=date(2023, 4, 3))
    on = date.today() - timedelta(days=10)
    data = {"user_id": pat.id, "to_team_id": south.id, "moved_on": _date(on)}

    confirm = admin_client.page(_move(admin_client, north, data, confirm=False))
    assert confirm.h1.endswith("Check the move before you confirm it")
    assert "Pat Practitioner" in confirm.text and "County South" in confirm.text
    assert (
        db_session.scalar(select(TeamMembership).where(TeamMembership.team_id == south.id)) is None
    )

    response = _move(admin_client, north, data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/teams/{north.id}")

    db_session.expire_all()
    spells = db_session.scalars(
        select(TeamMembership).where(TeamMembership.user_id == pat.id).order_by(TeamMembership.id)
    ).all()
    assert [(s.team_id, s.started_on, s.ended_on) for s in spells] == [
        (north.id, date(2023, 4, 3), on - timedelta(days=1)),
        (south.id, on, None),
    ]
    assert pat.team_id == south.id
    [event] = [e for e in db_session.scalars(select(AuditEvent)) if e.action.endswith("move")]
    assert event.actor_id == admin_client.admin.id
    assert (event.detail["from_team_id"], event.detail["to_team_id"]) == (north.id, south.id)

    old = admin_client.get_page(f"{BASE}/teams/{north.id}")
    assert "Pat Practitioner" in old.soup.select_one("#past-members").get_text()
    assert "Nobody is in this team at the moment." in old.text
    new = admin_client.get_page(f"{BASE}/teams/{south.id}")
    assert [
        "Pat Practitioner",
        pat.email,
        "Probation officer (PO)",
        f"{on.day} {on:%B %Y}",
        "Move Pat Practitioner to another team",
    ] in new.table_rows()


def test_a_move_on_the_day_they_joined_ends_the_old_spell_that_day(
    admin_client, factories, org, db_session
):
    on = date.today()
    pat = factories.user(team=org["north"], started_on=on)
    data = {"user_id": pat.id, "to_team_id": org["south"].id, "moved_on": _date(on)}
    assert _move(admin_client, org["north"], data).status_code == 302
    closed = db_session.scalar(
        select(TeamMembership).where(
            TeamMembership.user_id == pat.id, TeamMembership.team_id == org["north"].id
        )
    )
    assert (closed.started_on, closed.ended_on) == (on, on)


def test_a_move_before_they_joined_is_refused(admin_client, factories, org, db_session):
    pat = factories.user(team=org["north"], started_on=date(2024, 5, 1))
    data = {"user_id": pat.id, "to_team_id": org["south"].id, "moved_on": ["30", "4", "2024"]}
    page = admin_client.page(_move(admin_client, org["north"], data))
    assert page.error_summary == [
        "Date of the move must be on or after 1 May 2024, when they joined this team"
    ]
    # What was typed is kept.
    assert [i["value"] for i in page.soup.select("input[name=moved_on]")] == ["30", "4", "2024"]
    assert page.field_value("to_team_id") == str(org["south"].id)
    db_session.expire_all()
    assert pat.team_id == org["north"].id


def test_a_confirmed_move_is_still_checked(admin_client, factories, org, db_session):
    """A hand-made POST that skips the check page is held to the same rules."""
    pat = factories.user(team=org["north"], started_on=date(2024, 5, 1))
    data = {
        "user_id": pat.id,
        "to_team_id": org["south"].id,
        "moved_on": ["1", "1", "2020"],
        "confirmed": "yes",
    }
    page = admin_client.page(admin_client.submit(f"{BASE}/teams/{org['north'].id}/move", data))
    assert page.status == 200 and page.error_summary
    db_session.expire_all()
    assert pat.team_id == org["north"].id


@pytest.mark.parametrize(
    ("moved_on", "message"),
    [
        ([], "Enter the date of the move"),
        (["", "", ""], "Enter the date of the move"),
        (["12"], "Date of the move must include a month and year"),
        (["12", "", "2024"], "Date of the move must include a month"),
        (["31", "2", "2024"], "Date of the move must be a real date"),
        (["1", "13", "2024"], "Date of the move must be a real date"),
        (["a", "b", "c"], "Date of the move must be a real date"),
        (["1", "2", "24"], "Year must include 4 numbers"),
        (["1", "2", "2024", "5"], None),  # an extra part is ignored
        (["1", "1", str(date.today().year + 1)], "Date of the move must be today or in the past"),
    ],
)
def test_bad_move_dates_get_gov_uk_errors(admin_client, factories, org, moved_on, message):
    pat = factories.user(team=org["north"], started_on=date(2020, 1, 1))
    data = {"user_id": pat.id, "to_team_id": org["south"].id, "moved_on": moved_on}
    response = _move(admin_client, org["north"], data, confirm=False)
    page = admin_client.page(response)
    assert response.status_code == 200
    if message is None:
        assert page.h1.endswith("Check the move before you confirm it")
    else:
        assert page.error_summary == [message]
        assert page.inline_errors == [message]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("user_id", "", "Select the practitioner to move"),
        ("user_id", "abc", "Select the practitioner to move"),
        ("to_team_id", "", "Select the team they are moving to"),
        ("to_team_id", "999999", "Select a team from the list"),
    ],
)
def test_move_needs_a_member_and_a_team(admin_client, factories, org, field, value, message):
    pat = factories.user(team=org["north"])
    data = {"user_id": pat.id, "to_team_id": org["south"].id, "moved_on": ["1", "2", "2024"]}
    data[field] = value
    page = admin_client.page(_move(admin_client, org["north"], data, confirm=False))
    assert page.error_summary == [message]


def test_only_current_members_can_be_moved_from_a_team(admin_client, factories, org):
    outsider = factories.user(team=org["south"])
    north_member = factories.user(team=org["north"])
    url = f"{BASE}/teams/{org['north'].id}/move"
    page = admin_client.get_page(f"{url}?user_id={north_member.id}")
    assert page.field_value("user_id") == str(north_member.id)
    offered = [o["value"] for o in page.soup.select("select[name=to_team_id] option")]
    assert str(org["north"].id) not in offered  # not to the same team
    data = {"user_id": outsider.id, "to_team_id": org["south"].id, "moved_on": ["1", "2", "2024"]}
    page = admin_client.page(_move(admin_client, org["north"], data, confirm=False))
    assert page.error_summary == ["Select a current member of this team"]


def test_changing_the_details_from_the_check_page_keeps_them(admin_client, factories, org):
    pat = factories.user(team=org["north"], started_on=date(2020, 1, 1))
    data = {
        "user_id": pat.id,
        "to_team_id": org["south"].id,
        "moved_on": ["2", "3", "2024"],
        "confirmed": "change",
    }
    page = admin_client.page(admin_client.submit(f"{BASE}/teams/{org['north'].id}/move", data))
    assert page.h1.endswith("Move a practitioner to another team")
    assert page.field_value("user_id") == str(pat.id)
    assert [i["value"] for i in page.soup.select("input[name=moved_on]")] == ["2", "3", "2024"]


# Deleting -----------------------------------------------------------------------


def test_an_empty_unit_can_be_deleted_after_confirming(admin_client, factories, db_session):
    region = factories.region("Mistake")
    url = f"{BASE}/regions/{region.id}/delete"
    assert "Delete this region" in admin_client.get_page(f"{BASE}/regions/{region.id}/edit").text
    page = admin_client.get_page(url)
    assert page.h1.endswith("Are you sure you want to delete this region?")

    assert admin_client.submit(url).status_code == 302
    assert db_session.get(Region, region.id) is None
    [event] = events(db_session, "region.delete")
    assert (event.object_type, event.object_id, event.detail) == (
        "regions",
        str(region.id),
        {"name": "Mistake"},
    )


def test_an_empty_team_can_be_deleted(admin_client, factories, org, db_session):
    team = factories.team(org["pdu"], "Typo Team")
    assert "Delete this team" in admin_client.get_page(f"{BASE}/teams/{team.id}").text
    assert admin_client.submit(f"{BASE}/teams/{team.id}/delete").status_code == 302
    assert db_session.get(Team, team.id) is None
    assert len(events(db_session, "team.delete")) == 1


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("region", "1 PDU"),
        ("pdu", "2 teams"),
        ("team_with_member", "1 user"),
        ("team_with_past_member", "1 current or past team membership"),
        ("team_with_spo", "1 role assignment"),
    ],
)
def test_units_in_use_cannot_be_deleted(admin_client, factories, org, db_session, kind, reason):
    if kind == "region":
        url = f"{BASE}/regions/{org['region'].id}/delete"
    elif kind == "pdu":
        url = f"{BASE}/pdus/{org['pdu'].id}/delete"
    else:
        if kind == "team_with_member":
            factories.user(team=org["north"])
        elif kind == "team_with_past_member":
            leaver = factories.user(team=None)
            factories.session.add(
                TeamMembership(
                    user=leaver,
                    team=org["north"],
                    started_on=date(2020, 1, 1),
                    ended_on=date(2021, 1, 1),
                )
            )
        else:
            factories.spo(org["north"])
        url = f"{BASE}/teams/{org['north'].id}/delete"
        assert (
            "Delete this team" not in admin_client.get_page(f"{BASE}/teams/{org['north'].id}").text
        )

    page = admin_client.get_page(url)
    assert page.h1.startswith("You cannot delete this")
    assert reason in page.text
    assert not page.soup.select("main form")

    refused = admin_client.page(admin_client.submit(url, form_url="/account/change-password"))
    assert refused.status == 200 and reason in refused.text
    assert db_session.get(Region, org["region"].id) is not None
    assert db_session.get(Pdu, org["pdu"].id) is not None
    assert db_session.get(Team, org["north"].id) is not None
    assert [e for e in db_session.scalars(select(AuditEvent)) if e.action.endswith(".delete")] == []
