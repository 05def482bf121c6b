"""Focus campaigns: L&D leads set a skill for a unit and dates; observation forms in
that unit ask for it first."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Grade, Role
from learning_app.core.audit import AuditEvent
from learning_app.observations.models import FocusCampaign
from learning_app.observations.queries import active_campaign_for

TODAY = date.today()
URL = "/focus-campaigns/"


def day(offset: int) -> list[str]:
    d = TODAY + timedelta(days=offset)
    return [str(d.day), str(d.month), str(d.year)]


def form(unit_key: str, **overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "skill": "safeguarding-enquiries",
        "unit": unit_key,
        "starts_on": day(0),
        "ends_on": day(60),
        "reason": "A serious further offence review found police checks were not made.",
    }
    data.update(overrides)
    return data


def campaign(db_session, unit, starts: int, ends: int, slug: str = "victim-focus"):
    c = FocusCampaign(
        skill_slug=slug,
        reason="Inspection follow-up.",
        starts_on=TODAY + timedelta(days=starts),
        ends_on=TODAY + timedelta(days=ends),
    )
    c.set_unit(unit)
    db_session.add(c)
    db_session.flush()
    return c


def campaigns(db_session) -> list[FocusCampaign]:
    return list(db_session.scalars(select(FocusCampaign).order_by(FocusCampaign.id)))


@pytest.fixture(autouse=True)
def _published_framework(framework):
    return framework


# Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["alex", "spo", "qdo", "leader", "admin"])
def test_only_ld_leads_use_the_pages(client, people, org, db_session, role):
    running = campaign(db_session, org["pdu"], -1, 10)
    client.sign_in(people[role].email)
    token = client.csrf_token("/account/change-password")
    for path in (URL, URL + "new", f"{URL}{running.id}/end"):
        assert client.get(path).status_code == 404, path
    for path in (URL + "new", f"{URL}{running.id}/end"):
        response = client.post(path, data={"csrf_token": token, **form(f"pdu:{org['pdu'].id}")})
        assert response.status_code == 404, path
    assert campaigns(db_session) == [running] and running.ends_on == TODAY + timedelta(days=10)


def test_a_lead_sees_and_ends_only_campaigns_in_their_units(client, people, org, db_session):
    mine = campaign(db_session, org["north"], -5, 5)
    theirs = campaign(db_session, org["other_pdu"], -5, 5, slug="rosh-analysis")
    client.sign_in(people["ld_lead"].email)
    page = client.get_page(URL)
    assert "Victim focus" in page.text and "Risk of serious harm analysis" not in page.text
    client.get_page(f"{URL}{theirs.id}/end", status=404)
    client.get_page(f"{URL}{mine.id}/end")
    client.get_page(f"{URL}99999999999/end", status=404)


# Creating -------------------------------------------------------------------------------------


def test_a_lead_sets_a_campaign(client, people, org, db_session):
    client.sign_in(people["ld_lead"].email)
    page = client.get_page(URL + "new")
    units = [o.get_text() for o in page.soup.select("#unit option")]
    assert units[0] == "Choose a unit" and org["pdu"].label in units
    assert org["north"].label in units and org["far"].label not in units
    response = client.submit(URL + "new", form(f"team:{org['north'].id}"))
    assert response.headers["Location"].endswith(URL)
    [created] = campaigns(db_session)
    assert (created.team_id, created.skill_slug) == (org["north"].id, "safeguarding-enquiries")
    assert created.created_by_id == people["ld_lead"].id
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "focus_campaign.create"))
    page = client.get_page(URL)
    assert "has been set" in page.text
    assert page.table_rows()[0][0].startswith("Safeguarding enquiries Running")


def test_bad_input_shows_errors_and_keeps_what_was_typed(client, people, org, db_session):
    client.sign_in(people["ld_lead"].email)
    data = form(
        f"team:{org['far'].id}",
        skill="not-a-skill",
        starts_on=day(-1),
        ends_on=["30", "2", "2030"],
        reason="Mr Smith at LE1 6AA",
    )
    page = client.page(client.submit(URL + "new", data))
    assert page.title.startswith("Error: ")
    assert page.error_summary[:4] == [
        "Select a skill",
        "Select a unit",
        "Start date must be today or in the future",
        "End date must be a real date",
    ]
    assert page.error_summary[4].startswith("Reason looks like it includes personal details")
    assert page.field_value("reason") == "Mr Smith at LE1 6AA"

    page = client.page(client.submit(URL + "new", form(f"pdu:{org['pdu'].id}", ends_on=day(-1))))
    assert "End date must be the same as or after the start date" in page.error_summary
    page = client.page(client.submit(URL + "new", form(f"pdu:{org['pdu'].id}", ends_on=day(400))))
    assert page.error_summary == ["End date must be within a year of the start date"]
    page = client.page(client.submit(URL + "new", form(f"pdu:{org['pdu'].id}", reason="")))
    assert page.error_summary == ["Enter why this skill is the focus"]
    assert campaigns(db_session) == []


def test_overlapping_campaigns_for_one_unit_are_refused(client, people, org, db_session):
    campaign(db_session, org["pdu"], 10, 20)
    client.sign_in(people["ld_lead"].email)
    page = client.page(client.submit(URL + "new", form(f"pdu:{org['pdu'].id}")))
    [error] = page.error_summary
    assert error.startswith(f"{org['pdu'].name} already has a focus campaign from")
    # Another unit, or other dates, is fine.
    client.submit(URL + "new", form(f"team:{org['north'].id}"))
    client.submit(URL + "new", form(f"pdu:{org['pdu'].id}", starts_on=day(21), ends_on=day(30)))
    assert len(campaigns(db_session)) == 3


def test_a_region_lead_can_choose_the_region_and_everything_in_it(client, factories, org):
    lead = factories.user(role=Role.LD_LEAD, scope=org["region"], grade=Grade.OTHER)
    client.sign_in(lead.email)
    page = client.get_page(URL + "new")
    units = [o.get_text() for o in page.soup.select("#unit option")]
    for unit in ("region", "pdu", "other_pdu", "north", "south", "far"):
        assert org[unit].label in units


# Ending early ----------------------------------------------------------------------------------


def test_ending_a_running_campaign_stops_it_from_today(client, people, org, db_session):
    running = campaign(db_session, org["pdu"], -10, 10)
    assert active_campaign_for(people["alex"], TODAY) == running
    client.sign_in(people["ld_lead"].email)
    page = client.get_page(f"{URL}{running.id}/end")
    assert page.h1 == "End the focus campaign on Victim focus?"
    client.submit(f"{URL}{running.id}/end", {})
    assert running.ends_on == TODAY - timedelta(days=1)
    assert active_campaign_for(people["alex"], TODAY) is None
    page = client.get_page(URL)
    assert "has been ended" in page.text
    assert page.soup.find("caption", string="Ended")
    # An ended campaign cannot be ended again.
    assert client.get(f"{URL}{running.id}/end").status_code == 302


def test_cancelling_a_planned_campaign_removes_it(client, people, org, db_session):
    planned = campaign(db_session, org["north"], 5, 10)
    client.sign_in(people["ld_lead"].email)
    assert client.get_page(f"{URL}{planned.id}/end").h1.startswith("Cancel the focus campaign")
    client.submit(f"{URL}{planned.id}/end", {})
    assert campaigns(db_session) == []
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "focus_campaign.cancel"))


# Which campaign applies -----------------------------------------------------------------------


def test_the_nearest_running_campaign_applies(people, org, db_session):
    alex = people["alex"]
    assert active_campaign_for(alex, TODAY) is None
    region = campaign(db_session, org["region"], -5, 5, slug="rosh-analysis")
    assert active_campaign_for(alex, TODAY) == region
    pdu = campaign(db_session, org["pdu"], -5, 5, slug="victim-focus")
    assert active_campaign_for(alex, TODAY) == pdu
    team = campaign(db_session, org["north"], 0, 0, slug="court-reports")
    assert active_campaign_for(alex, TODAY) == team
    assert active_campaign_for(alex, TODAY + timedelta(days=1)) == pdu
    assert active_campaign_for(alex, TODAY + timedelta(days=6)) is None
    assert active_campaign_for(people["far"], TODAY) == region
    assert active_campaign_for(people["ld_lead"], TODAY) is None  # no team
