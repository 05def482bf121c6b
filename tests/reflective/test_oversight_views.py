"""The oversight pages as their readers see them: who may open them, what they show, and
the unit filter's refusals."""

from __future__ import annotations

import pytest

from learning_app.accounts.constants import Grade, Role
from learning_app.reflective import oversight_views
from tests.reflective.oversight_helpers import TODAY, OversightUnit, build_unit


@pytest.fixture
def unit(db_session, factories, monkeypatch) -> OversightUnit:
    # The pages read "today" from the London clock; the hand-worked unit is dated 8 April 2026.
    monkeypatch.setattr(oversight_views, "london_today", lambda: TODAY)
    return build_unit(db_session, factories)


def someone_with(factories, role: Role, unit: OversightUnit):
    scope = {
        Role.SPO: unit.team_a,
        Role.QDO: unit.north,
        Role.LD_LEAD: unit.north,
        Role.LEADER: unit.north,
    }.get(role)
    grade = Grade.SPO if role == Role.SPO else Grade.OTHER
    team = unit.team_a if role == Role.PRACTITIONER else None
    return factories.user(role=role, scope=scope, grade=grade, team=team)


# Access ---------------------------------------------------------------------------------

PAGES = {"/oversight/team": {Role.SPO}, "/oversight/pdu": {Role.LEADER}}


@pytest.mark.parametrize("url", PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(client, unit, url) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("url", PAGES)
def test_role_matrix(client, factories, unit, url, role) -> None:
    """SPOs see their page, leaders theirs; L&D leads and everyone else get not found."""
    client.sign_in(someone_with(factories, role, unit).email)
    client.get_page(url, status=200 if role in PAGES[url] else 404)


# The SPO page -------------------------------------------------------------------------------


def test_spo_page_shows_the_weeks_load_and_risks(client, unit) -> None:
    client.sign_in(unit.alice.email)
    page = client.get_page("/oversight/team")
    assert page.soup.select_one("#week-1-heading").get_text(strip=True) == (
        "This week: 6 April to 12 April 2026"
    )
    assert page.soup.select_one("#week-1-load").get_text(strip=True) == "2 of 4 slots booked."
    assert page.table_rows("#week-1") == [
        ["Wednesday 8 April", "10:00am to 11:00am", "Ann Ash", "Case event", "Signed off",
         "Not needed"],
        ["Thursday 9 April", "2:00pm to 3:00pm", "Ann Ash", "Requested by the practitioner",
         "Booked", "Waiting for the practitioner"],
    ]  # fmt: skip
    assert page.table_rows("#week-2") == [
        ["Tuesday 14 April", "10:00am to 11:00am", "Cat Cole", "Regular discussion", "Booked",
         "Waiting for you and the practitioner"],
    ]  # fmt: skip
    assert page.table_rows("#at-risk") == [
        ["Bob Birch", "Regular discussion", "1 April 2026",
         "The SPO's slots before the due date are all taken (over capacity)."],
        ["Cat Cole", "Regular discussion", "10 April 2026",
         "Booked for Tuesday 14 April, after its due date."],
    ]  # fmt: skip
    assert page.table_rows("#overdue") == [
        ["Bob Birch", "Trainee (PQiP)", "Every 2 weeks", "18 March 2026", "1 April 2026"],
    ]


def test_spo_page_says_over_capacity_in_words(client, unit) -> None:
    client.sign_in(unit.ben.email)
    page = client.get_page("/oversight/team")
    load = page.soup.select_one("#week-1-load")
    assert load.get_text(strip=True) == "3 booked for 2 slots: 1 over capacity."
    assert load.select_one("strong") is not None
    assert page.table_rows("#overdue") == [
        ["Dan Dale", "PO qualified under 2 years", "Every 4 weeks", "9 March 2026",
         "6 April 2026"],
        ["Fay Fox", "Trainee (PQiP)", "Every 2 weeks", "None yet", "Now"],
    ]  # fmt: skip
    assert page.soup.select_one("#no-risk") is not None


def test_spo_page_never_shows_another_spos_discussions(client, unit) -> None:
    client.sign_in(unit.cara.email)
    page = client.get_page("/oversight/team")
    for name in ("Ann Ash", "Bob Birch", "Dan Dale", "Eve Eden", "Fay Fox"):
        assert name not in page.text
    assert "Cid Cross" in page.text  # her own team's at-risk item


def test_spo_without_capacity_is_told_to_set_it(client, factories, unit) -> None:
    spo = factories.spo(factories.team(unit.north), name="Nia Noor")
    client.sign_in(spo.email)
    page = client.get_page("/oversight/team")
    assert "You have not set your weekly capacity" in page.text
    assert page.soup.select_one("#week-1-load").get_text(strip=True) == (
        "0 booked, no capacity set."
    )
    assert "There are no practitioners in your teams." in page.text


# The head of PDU page --------------------------------------------------------------------------


def test_pdu_page_shows_each_team_and_the_total(client, unit) -> None:
    client.sign_in(unit.leader.email)
    page = client.get_page("/oversight/pdu")
    assert page.table_rows("#teams") == [
        ["Team A", "Alice Archer", "67% (2 of 3)", "1", "2", "3.5 (n = 2)"],
        ["Team B", "Ben Bishop", "33% (1 of 3)", "2", "0", "3 (n = 1)"],
        ["All teams", "", "50% (3 of 6)", "3", "2", "3 (n = 3)"],
    ]
    assert page.table_rows("#spo-load") == [
        ["Alice Archer", "Team A", "2 of 4 slots booked", "1 of 4 slots booked"],
        ["Ben Bishop", "Team B", "3 booked for 2 slots: 1 over capacity", "0 of 2 slots booked"],
        ["All SPOs", "2 SPOs", "5 of 6 slots booked", "1 of 6 slots booked"],
    ]


def test_pdu_page_shows_counts_and_spo_names_only(client, unit) -> None:
    client.sign_in(unit.leader.email)
    page = client.get_page("/oversight/pdu")
    for key, person in unit.people.items():
        assert person.name not in page.text, key
    assert "X123456" not in page.response.get_data(as_text=True)
    assert "Team C" not in page.text and "Cara Carr" not in page.text


def test_unit_filter_narrows_to_one_team(client, unit) -> None:
    client.sign_in(unit.leader.email)
    page = client.get_page(f"/oversight/pdu?unit=team-{unit.team_b.id}")
    assert [row[0] for row in page.table_rows("#teams")] == ["Team B", "All teams"]
    assert page.table_rows("#teams")[-1][2:] == ["33% (1 of 3)", "2", "0", "3 (n = 1)"]
    assert page.field_value("unit") == f"team-{unit.team_b.id}"


def test_a_regional_leader_sees_every_pdu_and_can_choose_one(client, unit) -> None:
    client.sign_in(unit.regional_leader.email)
    everything = client.get_page("/oversight/pdu")
    assert [row[0] for row in everything.table_rows("#teams")] == [
        "Team A",
        "Team B",
        "Team C",
        "All teams",
    ]
    south = client.get_page(f"/oversight/pdu?unit=pdu-{unit.south.id}")
    assert south.table_rows("#teams") == [
        ["Team C", "Cara Carr", "0% (0 of 1)", "1", "1", "None held"],
        ["All teams", "", "0% (0 of 1)", "1", "1", "None held"],
    ]


@pytest.mark.parametrize(
    "unit_arg",
    ["team-{team_c}", "pdu-{south}", "region-{south_region}", "team-999999", "nonsense", "x" * 41],
)
def test_units_outside_the_scope_are_not_found(client, unit, unit_arg) -> None:
    client.sign_in(unit.leader.email)
    value = unit_arg.format(
        team_c=unit.team_c.id, south=unit.south.id, south_region=unit.south.region_id
    )
    client.get_page(f"/oversight/pdu?unit={value}", status=404)
