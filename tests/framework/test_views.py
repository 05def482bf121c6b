"""Browsing the skills framework: the published version, its skills and targets, older versions."""

from __future__ import annotations

import pytest

from learning_app.accounts.constants import BAND_ORDER, Grade, Role
from learning_app.extensions import db
from learning_app.framework.loader import (
    DEFAULT_FRAMEWORK_PATH,
    load_framework,
    parse_framework_file,
)
from learning_app.framework.models import FrameworkVersion
from learning_app.framework.queries import get_skill
from learning_app.framework.services import copy_published_as_draft, publish_version, update_skill

ROLES = [Role.PRACTITIONER, Role.SPO, Role.QDO, Role.LD_LEAD, Role.LEADER, Role.ADMIN]
RISK_CRITICAL = {
    "rosh-analysis",
    "safeguarding-enquiries",
    "professional-curiosity",
    "victim-focus",
    "risk-planning",
    "multi-agency-working",
    "defensible-decisions",
}


def load_default(name: str | None = None) -> FrameworkVersion:
    return load_framework(parse_framework_file(DEFAULT_FRAMEWORK_PATH), name=name)


@pytest.fixture
def published(db_session) -> FrameworkVersion:
    version = load_default()
    publish_version(version, None)
    return version


@pytest.fixture
def person_with(factories):
    team = factories.team()

    def make(role: Role):
        scope = {Role.SPO: team, Role.QDO: team.pdu, Role.LD_LEAD: team.pdu, Role.LEADER: team.pdu}
        grade = Grade.SPO if role is Role.SPO else Grade.PO
        return factories.user(role=role, scope=scope.get(role), team=team, grade=grade)

    return make


@pytest.fixture
def practitioner_client(client, factories):
    client.sign_in(factories.user().email)
    return client


def browse_urls(version: FrameworkVersion) -> list[str]:
    return [
        "/framework/",
        "/framework/skills/rosh-analysis",
        "/framework/targets",
        f"/framework/versions/{version.id}",
        f"/framework/versions/{version.id}/skills/rosh-analysis",
        f"/framework/versions/{version.id}/targets",
    ]


def rows_of(table) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in table.select("tbody tr")
    ]


# Access ---------------------------------------------------------------------------


def test_signed_out_users_are_sent_to_sign_in(client, published) -> None:
    for url in browse_urls(published):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/sign-in" in response.headers["Location"], url


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_every_signed_in_role_can_browse(client, person_with, published, role) -> None:
    client.sign_in(person_with(role).email)
    for url in browse_urls(published):
        client.get_page(url)


@pytest.mark.parametrize("role", [r for r in ROLES if r is not Role.ADMIN], ids=str)
def test_drafts_are_hidden_from_everyone_but_admins(client, person_with, published, role) -> None:
    draft = copy_published_as_draft(None)
    client.sign_in(person_with(role).email)
    for url in browse_urls(draft)[3:]:
        client.get_page(url, status=404)


def test_admins_can_read_a_draft_with_a_notice(client, factories, published) -> None:
    draft = copy_published_as_draft(None, name="Framework 2027")
    client.sign_in(factories.admin().email)

    page = client.get_page(f"/framework/versions/{draft.id}")

    assert page.h1.endswith("Framework 2027")
    assert "This is a draft version. Only administrators can see it." in page.text
    assert page.soup.find("a", string="Review and publish this draft")["href"] == (
        f"/admin/framework/versions/{draft.id}"
    )


@pytest.mark.parametrize(
    "url",
    [
        "/framework/skills/no-such-skill",
        "/framework/skills/ROSH%20analysis",
        "/framework/skills/rosh%00analysis",
        "/framework/versions/999999/skills/rosh-analysis",
        "/framework/versions/999999",
        "/framework/versions/99999999999999999999999",
        "/framework/versions/99999999999999999999999/targets",
        "/framework/versions/0",
        "/framework/versions/abc",
    ],
)
def test_unknown_things_are_not_found(practitioner_client, published, url) -> None:
    practitioner_client.get_page(url, status=404)


# Nothing published ----------------------------------------------------------------


def test_a_clear_message_before_anything_is_published(practitioner_client, db_session) -> None:
    load_default()  # a draft is not shown

    for url in ("/framework/", "/framework/targets"):
        page = practitioner_client.get_page(url)
        assert page.h1 == "Skills framework"
        assert "No version of the skills framework has been published yet." in page.text
    practitioner_client.get_page("/framework/skills/rosh-analysis", status=404)


def test_admins_are_pointed_to_the_versions_page(client, factories, db_session) -> None:
    client.sign_in(factories.admin().email)
    page = client.get_page("/framework/")
    assert page.soup.find("a", string="framework versions")["href"] == "/admin/framework/"


# The published version ------------------------------------------------------------


def test_the_framework_page_lists_every_skill_by_domain(practitioner_client, published) -> None:
    page = practitioner_client.get_page("/framework/")

    assert page.h1 == "Practice Learning skills framework 2026"
    assert page.title.startswith("Practice Learning skills framework 2026 - Skills framework")
    published_on = page.soup.find("dt", string="Published").find_next_sibling("dd")
    assert published_on.get_text(strip=True) == f"{published.published_at.day} " + (
        published.published_at.strftime("%B %Y")
    )
    assert [h2.get_text(strip=True) for h2 in page.soup.select("main h2.govuk-heading-l")] == [
        "Assessment",
        "Planning and delivery",
        "Engagement",
        "Judgement and reflection",
        "Oversight and development",
    ]
    skill_links = page.soup.select('main h3 a[href^="/framework/skills/"]')
    assert len(skill_links) == 17
    assert skill_links[0].get_text(strip=True) == "Risk of serious harm analysis"

    tagged = {
        h3.a["href"].rsplit("/", 1)[1]
        for h3 in page.soup.select("main h3")
        if h3.find("strong", class_="govuk-tag", string="Risk-critical")
    }
    assert tagged == RISK_CRITICAL
    # A short description: the first sentence only.
    assert "Gathers and analyses information to judge what serious harm could happen" in page.text
    assert "Inspectors found only 31%" not in page.text
    assert "retired" not in page.text


def test_a_skill_page_shows_descriptors_and_targets(practitioner_client, published) -> None:
    page = practitioner_client.get_page("/framework/skills/rosh-analysis")

    assert page.h1 == "Risk of serious harm analysis"
    assert page.soup.select_one("main .govuk-caption-l").get_text(strip=True) == "Assessment"
    assert "Inspectors found only 31%" in page.text  # the whole description
    risk_row = page.soup.find("dt", string="Risk-critical").find_next_sibling("dd")
    assert "Risk-critical" in risk_row.get_text()
    descriptors = rows_of(page.soup.select("main table")[0])
    assert [row[:2] for row in descriptors] == [
        ["1", "Not yet competent"],
        ["2", "Developing"],
        ["3", "Competent"],
        ["4", "Confident, can coach others"],
    ]
    skill = get_skill(published, "rosh-analysis")
    assert [row[2] for row in descriptors] == [skill.descriptor(level) for level in (1, 2, 3, 4)]

    assert rows_of(page.soup.select("main table")[1]) == [
        ["PSO", "3: Competent"],
        ["Trainee (PQiP)", "2: Developing"],
        ["PO qualified under 2 years", "3: Competent"],
        ["PO qualified 2 years or more", "3: Competent"],
        ["SPO", "4: Confident, can coach others"],
    ]


def test_a_band_without_a_target_says_so(practitioner_client, published) -> None:
    page = practitioner_client.get_page("/framework/skills/coaching-others")

    table = page.soup.select("main table")[1]
    rows = {
        row.th.get_text(strip=True): row.td.get_text(strip=True) for row in table.select("tbody tr")
    }
    assert rows["PSO"] == "No target"
    assert rows["Trainee (PQiP)"] == "No target"
    assert rows["SPO"] == "4: Confident, can coach others"
    risk_row = page.soup.find("dt", string="Risk-critical").find_next_sibling("dd")
    assert risk_row.get_text(strip=True) == "No"


def test_the_targets_overview_is_an_accessible_grid(practitioner_client, published) -> None:
    page = practitioner_client.get_page("/framework/targets")

    table = page.soup.select_one("main table")
    headers = [th.get_text(strip=True) for th in table.select('thead th[scope="col"]')]
    assert headers == ["Skill"] + [band.label for band in BAND_ORDER]
    rows = {
        row.select_one('th[scope="row"]').a.get_text(strip=True): [
            td.get_text(strip=True) for td in row.select("td")
        ]
        for row in table.select("tbody tr")
        if row.select_one('th[scope="row"]')
    }
    assert len(rows) == 17
    assert rows["Risk of serious harm analysis"] == ["3", "2", "3", "3", "4"]
    assert rows["Coaching others"] == ["No target", "No target", "2", "3", "4"]
    assert len(table.select('th[scope="rowgroup"]')) == 5
    link = table.find("a", string="Court reports")
    assert link["href"] == "/framework/skills/court-reports"


# Older versions -------------------------------------------------------------------


def test_an_older_version_stays_readable_after_a_new_one_is_published(
    practitioner_client, published
) -> None:
    draft = copy_published_as_draft(None, name="Framework 2027")
    skill = get_skill(draft, "court-reports")
    update_skill(
        skill,
        None,
        name="Pre-sentence reports",
        description=skill.description,
        risk_critical=False,
        descriptors={d.level: d.text for d in skill.descriptors},
        targets={"pso": 3},
    )
    publish_version(draft, None)
    db.session.flush()

    current = practitioner_client.get_page("/framework/skills/court-reports")
    assert current.h1.endswith("Pre-sentence reports")
    assert "retired" not in current.text

    old = practitioner_client.get_page(f"/framework/versions/{published.id}/skills/court-reports")
    assert old.h1.endswith("Court reports")
    assert "This version was retired on" in old.text
    assert (
        old.soup.find("a", string="View the skills framework in use now")["href"] == "/framework/"
    )
    assert old.soup.find("a", string="View this skill in the framework in use now")["href"] == (
        "/framework/skills/court-reports"
    )
    assert "(retired)" in old.title

    overview = practitioner_client.get_page(f"/framework/versions/{published.id}")
    assert "This version was retired on" in overview.text
    links = overview.soup.select('main h3 a[href*="/skills/"]')
    assert len(links) == 17
    assert links[0]["href"] == f"/framework/versions/{published.id}/skills/rosh-analysis"

    grid = practitioner_client.get_page(f"/framework/versions/{published.id}/targets")
    assert "This version was retired on" in grid.text
    row = grid.soup.find("a", string="Court reports").find_parent("tr")
    assert [td.get_text(strip=True) for td in row.select("td")][0] == "2"

    new_grid = practitioner_client.get_page("/framework/targets")
    row = new_grid.soup.find("a", string="Pre-sentence reports").find_parent("tr")
    assert [td.get_text(strip=True) for td in row.select("td")][0] == "3"


def test_the_published_version_by_id_links_to_the_current_pages(
    practitioner_client, published
) -> None:
    page = practitioner_client.get_page(f"/framework/versions/{published.id}")
    assert "retired" not in page.text
    assert page.soup.select('main h3 a[href*="/skills/"]')[0]["href"] == (
        "/framework/skills/rosh-analysis"
    )
