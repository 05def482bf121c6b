"""My team: the SPO's practitioners with what needs attention, sortable without
JavaScript, and a read-only, audited view of each one's profile."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Role
from learning_app.core.audit import AuditEvent
from tests.development.evidence import days_ago


@pytest.fixture
def team_evidence(teams, evidence):
    """Alice: a blind spot and gaps, observed twice; Bob: self-assessed only, one
    observation to acknowledge; Carol: nothing."""
    evidence.self_assessment(teams.alice, {"rosh-analysis": 4, "safeguarding-enquiries": 3})
    for days in (30, 90):
        evidence.observation(
            teams.alice,
            teams.spo,
            days_ago(days),
            ratings={"rosh-analysis": 2, "safeguarding-enquiries": 2},
            status="acknowledged",
        )
    evidence.self_assessment(teams.bob, {slug: 2 for slug in evidence.skills})
    evidence.observation(teams.bob, teams.spo, days_ago(200), ratings={"court-reports": 3})
    return evidence


def names(page) -> list[str]:
    return [row[0] for row in page.table_rows("#team")]


def test_the_team_table(client, teams, team_evidence):
    client.sign_in(teams.spo.email)
    page = client.get_page("/my-team/")
    assert page.h1 == "My team"
    rows = {row[0]: row for row in page.table_rows("#team")}
    assert list(rows) == ["Alice Adams", "Bob Brown", "Carol Clark"]  # not Dan (South)
    assert rows["Alice Adams"][1:5] == ["2", "2", "15", "0"]
    assert rows["Alice Adams"][5] == team_evidence_date(30)
    assert rows["Bob Brown"][4] == "1"
    assert rows["Carol Clark"][1:] == ["0", "0", "17", "0", "Never"]
    link = page.soup.select_one("#team tbody a")
    assert link["href"] == f"/my-team/practitioners/{teams.alice.id}"


def team_evidence_date(days: int) -> str:
    from learning_app.core.jinja import format_date

    return format_date(days_ago(days))


def test_sorting_by_each_column_with_links_and_aria_sort(client, teams, team_evidence):
    client.sign_in(teams.spo.email)
    page = client.get_page("/my-team/")
    sorted_header = page.soup.select("#team th[aria-sort]")
    assert [(h.get_text(" ", strip=True), h["aria-sort"]) for h in sorted_header] == [
        ("Name ▲", "ascending")
    ]
    hrefs = [a["href"] for a in page.soup.select("#team thead a")]
    assert hrefs == [
        "/my-team/?sort=name&order=desc",
        "/my-team/?sort=gaps&order=desc",
        "/my-team/?sort=blind_spots&order=desc",
        "/my-team/?sort=evidence_gaps&order=desc",
        "/my-team/?sort=unacknowledged&order=desc",
        "/my-team/?sort=last_observed&order=asc",
    ]

    page = client.get_page("/my-team/?sort=gaps&order=desc")
    assert names(page)[0] == "Bob Brown"  # self-assessed 2 against 3 nearly everywhere
    header = page.soup.select_one("#team th[aria-sort]")
    assert header["aria-sort"] == "descending"
    assert header.select_one("a")["href"] == "/my-team/?sort=gaps&order=asc"

    page = client.get_page("/my-team/?sort=blind_spots&order=desc")
    assert names(page)[0] == "Alice Adams"
    page = client.get_page("/my-team/?sort=unacknowledged&order=desc")
    assert names(page)[0] == "Bob Brown"
    page = client.get_page("/my-team/?sort=evidence_gaps&order=asc")
    assert names(page)[0] == "Alice Adams"
    page = client.get_page("/my-team/?sort=last_observed&order=asc")
    assert names(page) == ["Carol Clark", "Bob Brown", "Alice Adams"]
    page = client.get_page("/my-team/?sort=last_observed&order=desc")
    assert names(page)[0] == "Alice Adams"
    page = client.get_page("/my-team/?sort=name&order=desc")
    assert names(page) == ["Carol Clark", "Bob Brown", "Alice Adams"]


@pytest.mark.parametrize(
    "query",
    ["?sort=password", "?sort=", "?sort=gaps&order=sideways", "?order=desc&sort=%00", "?sort[]=x"],
)
def test_unknown_sort_keys_fall_back_to_name(client, teams, team_evidence, query):
    client.sign_in(teams.spo.email)
    page = client.get_page("/my-team/" + query)
    if "sort=gaps" in query:
        assert page.soup.select_one("#team th[aria-sort] a").get_text() == "Skills below target"
    else:
        assert page.soup.select_one("#team th[aria-sort] a").get_text() == "Name"


def test_an_spo_of_two_teams_sees_both_with_team_names(client, factories, teams, framework):
    both = factories.user(roles=((Role.SPO, teams.north), (Role.SPO, teams.south)), name="Bea Both")
    client.sign_in(both.email)
    page = client.get_page("/my-team/")
    rows = page.table_rows("#team")
    assert [r[0] for r in rows] == [
        "Alice Adams North",
        "Bob Brown North",
        "Carol Clark North",
        "Dan Davies South",
    ]


def test_an_empty_team(client, factories, framework):
    team = factories.team()
    spo = factories.spo(team)
    client.sign_in(spo.email)
    page = client.get_page("/my-team/")
    assert "There are no practitioners in the teams you manage yet" in page.text


def test_the_practitioner_page_is_read_only_and_audited(client, teams, team_evidence, db_session):
    shared = team_evidence.observation(
        teams.alice, teams.spo, days_ago(2), ratings={"rosh-analysis": 3}
    )
    own_draft = team_evidence.observation(
        teams.alice, teams.spo, days_ago(1), ratings={"rosh-analysis": 3}, status="draft"
    )
    others_draft = team_evidence.observation(
        teams.alice, teams.other_spo, days_ago(1), status="draft"
    )
    client.sign_in(teams.spo.email)
    page = client.get_page(f"/my-team/practitioners/{teams.alice.id}")
    assert page.h1 == "Alice Adams"
    assert "Alice Adams’s biggest gaps" in page.text
    assert "Risk of serious harm analysis: level 2." in page.text
    # The same profile table, with no buttons or forms to act on it.
    assert page.soup.select("#domain-a tbody tr")
    assert page.soup.select("main form") == []
    assert page.soup.select("main button, main .govuk-button") == []
    # Observations: shared ones and the SPO's own drafts, linking to the observation pages.
    links = [a["href"] for a in page.soup.select("#observations a")]
    assert f"/observations/{shared.id}" in links
    assert f"/observations/{own_draft.id}" in links
    assert f"/observations/{others_draft.id}" not in links
    # Skill names link to the practitioner's skill history, which is audited too.
    skill_link = page.soup.select_one("#domain-a tbody a")["href"]
    assert skill_link == f"/my-team/practitioners/{teams.alice.id}/skills/rosh-analysis"
    history = client.get_page(skill_link)
    assert history.h1 == "Risk of serious harm analysis"
    assert [r[2] for r in history.table_rows("#history")][0].startswith("Direct observation")
    assert history.soup.select_one("#history a")["href"] == f"/observations/{shared.id}"

    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "profile.view").order_by(AuditEvent.id)
    ).all()
    assert [(e.actor_id, e.object_type, e.object_id) for e in events] == [
        (teams.spo.id, "users", str(teams.alice.id)),
        (teams.spo.id, "users", str(teams.alice.id)),
    ]
    assert events[0].detail is None
    assert events[1].detail == {"skill": "rosh-analysis"}


def test_the_practitioner_page_without_evidence(client, teams, framework):
    client.sign_in(teams.spo.email)
    page = client.get_page(f"/my-team/practitioners/{teams.carol.id}")
    assert "There is no evidence about Carol Clark’s skills yet" in page.text
    assert "No observations of Carol Clark have been shared yet" in page.text
    assert "Feedback is shown once there are 5 responses" in page.text
