"""The training demand and impact pages: access, scope, exports and bad input."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from learning_app.accounts.constants import Grade, Role
from learning_app.core.time import london_today
from learning_app.training.models import PlanItem, PlanSource, PlanStatus
from tests.evidence_helpers import EvidenceRows
from tests.training.test_demand import Scenario, build_scenario


@pytest.fixture
def scenario(db_session, factories, published_framework) -> Scenario:
    return build_scenario(db_session, factories)


def urls(s: Scenario) -> list[str]:
    code = s.f2f.code
    return [
        "/training/demand",
        "/training/demand.csv",
        "/training/demand.xlsx",
        f"/training/demand/{code}",
        f"/training/demand/{code}.csv",
        f"/training/demand/{code}.xlsx",
        "/training/impact",
    ]


def stranger(factories, role: Role, s: Scenario):
    """Someone holding ``role`` as close to the scenario's units as that role can be."""
    if role == Role.SPO:
        return factories.user(role=Role.SPO, scope=s.team_a, grade=Grade.SPO)
    if role == Role.QDO:
        return factories.user(role=Role.QDO, scope=s.pdu1, grade=Grade.OTHER)
    if role == Role.ADMIN:
        return factories.admin()
    return s.people["anna"]


# Access ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, scenario) -> None:
    for url in urls(scenario):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.SPO, Role.QDO, Role.ADMIN])
def test_other_roles_get_not_found(client, factories, scenario, role) -> None:
    client.sign_in(stranger(factories, role, scenario).email)
    for url in urls(scenario):
        client.get_page(url, status=404)


@pytest.mark.parametrize("reader", ["ld_lead", "leader", "other_lead"])
def test_readers_get_every_page(client, scenario, reader) -> None:
    client.sign_in(getattr(scenario, reader).email)
    for url in urls(scenario):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize(
    ("reader", "names"),
    [
        ("ld_lead", ["=Bill Brown", "Anna Adams", "Ben Bell", "Olu Ojo"]),
        ("leader", ["=Bill Brown", "Anna Adams", "Ben Bell", "Cal Cole", "Olu Ojo"]),
        ("other_lead", ["Cal Cole"]),
    ],
)
def test_each_reader_sees_only_the_people_of_their_units(client, scenario, reader, names) -> None:
    client.sign_in(getattr(scenario, reader).email)
    page = client.get_page(f"/training/demand/{scenario.f2f.code}")
    assert sorted(row[0] for row in page.table_rows("#people")) == sorted(names)
    rows = list(csv.reader(io.StringIO(client.get("/training/demand.csv").get_data(as_text=True))))
    assert rows[1][3] == str(len(names))


def test_a_reader_cannot_open_a_unit_outside_their_scope(client, scenario) -> None:
    s = scenario
    client.sign_in(s.other_lead.email)
    for key in (f"pdu-{s.pdu1.id}", f"team-{s.team_a.id}", f"region-{s.region.id}"):
        client.get_page(f"/training/demand?unit={key}", status=404)
        client.get_page(f"/training/demand.csv?unit={key}", status=404)
        client.get_page(f"/training/demand/{s.f2f.code}?unit={key}", status=404)
        client.get_page(f"/training/impact?unit={key}", status=404)
    page = client.get_page("/training/demand")
    assert "Anna" not in page.text and "Alpha team" not in page.text


@pytest.mark.parametrize(
    "url",
    [
        "/training/demand?unit=nonsense",
        "/training/demand?unit=pdu-999999",
        "/training/demand?unit=pdu-x",
        "/training/demand?unit=" + "team-1" * 1000,
        "/training/demand.csv?unit=region-",
        "/training/demand.pdf",
        "/training/demand/NO-SUCH",
        "/training/demand/%3Cscript%3E",
        "/training/demand/" + "A" * 300,
        "/training/demand/NO-SUCH.csv",
        "/training/demand/PL-07.pdf",
        "/training/impact?unit=%01",
    ],
)
def test_bad_parameters_answer_not_found(client, scenario, url) -> None:
    client.sign_in(scenario.leader.email)
    client.get_page(url, status=404)


def test_a_retired_module_has_no_demand_page(client, scenario) -> None:
    client.sign_in(scenario.ld_lead.email)
    client.get_page(f"/training/demand/{scenario.retired.code}", status=404)


# Demand pages ----------------------------------------------------------------------------


def test_demand_page_counts_by_team_and_band(client, scenario) -> None:
    s = scenario
    client.sign_in(s.ld_lead.email)
    page = client.get_page("/training/demand")

    assert page.h1 == "Training demand"
    assert page.nav_links().count("Training demand") == 1
    assert page.table_rows("#demand")[0] == [
        f"{s.f2f.code} {s.f2f.title}",
        "Face-to-face",
        "4",
        "3",
    ]
    assert page.table_rows("#cohorts") == [[f"{s.f2f.code} {s.f2f.title}", "2", "2", "1", "0", "1"]]
    headers = [th.get_text(strip=True) for th in page.soup.select("#by-team thead th")]
    assert headers == ["Module", "Alpha team", "Beta team"]
    assert page.table_rows("#by-team")[0] == [s.f2f.code, "2", "2"]
    band_headers = [th.get_text(strip=True) for th in page.soup.select("#by-band thead th")]
    assert band_headers[-1] == "Not set"
    assert page.table_rows("#by-band")[0] == [s.f2f.code, "1", "0", "1", "1", "0", "1"]
    numeric = page.soup.select("#demand tbody td.govuk-table__cell--numeric")
    assert [td.get_text(strip=True) for td in numeric[:2]] == ["4", "3"]
    assert page.soup.select_one("#demand caption").get_text(strip=True)


def test_the_unit_filter_narrows_the_page(client, scenario) -> None:
    s = scenario
    client.sign_in(s.leader.email)
    page = client.get_page(f"/training/demand?unit=team-{s.team_b.id}")

    assert page.field_value("unit") == f"team-{s.team_b.id}"
    assert page.table_rows("#demand")[0][2] == "2"
    assert [th.get_text(strip=True) for th in page.soup.select("#by-team thead th")] == [
        "Module",
        "Beta team",
    ]
    links = [a["href"] for a in page.soup.select("a[download]")]
    assert links == [
        f"/training/demand.csv?unit=team-{s.team_b.id}",
        f"/training/demand.xlsx?unit=team-{s.team_b.id}",
    ]
    options = [o["value"] for o in page.soup.select("#unit option")]
    assert options[:2] == ["", f"region-{s.region.id}"]
    assert f"pdu-{s.pdu2.id}" in options and f"team-{s.team_c.id}" in options
    # An empty choice is the whole scope.
    assert client.get_page("/training/demand?unit=").table_rows("#demand")[0][2] == "5"


def test_the_people_who_need_a_module(client, scenario) -> None:
    s = scenario
    client.sign_in(s.ld_lead.email)
    page = client.get_page(f"/training/demand/{s.f2f.code.lower()}")

    assert page.h1.endswith(f"{s.f2f.code} {s.f2f.title}")
    rows = {row[0]: row[1:] for row in page.table_rows("#people")}
    assert rows["Anna Adams"] == [
        "Alpha team",
        "PO qualified 2 years or more",
        "Court reports: level 1.0, target 3",
        "Recommended",
        "Planned",
    ]
    assert rows["=Bill Brown"][1:] == [
        "PSO",
        "Court reports: level 1.0, target 3",
        "Recommended",
        "Booked",
    ]
    assert rows["Ben Bell"][1] == "PO qualified under 2 years"
    assert rows["Ben Bell"][-1] == "On the waiting list"
    assert rows["Olu Ojo"][1:2] + rows["Olu Ojo"][-1:] == ["Not set", "Not in plan"]

    assigned = client.get_page(f"/training/demand/{s.assigned.code}")
    assert assigned.table_rows("#people") == [
        [
            "Pia Patel",
            "Alpha team",
            "Trainee (PQiP)",
            "No current gap in the skills it addresses",
            "Assigned by their SPO",
            "Planned",
        ]
    ]


def test_a_module_nobody_needs_says_so(client, scenario, db_session) -> None:
    client.sign_in(scenario.other_lead.email)
    page = client.get_page(f"/training/demand/{scenario.online.code}")
    assert page.soup.select_one("#no-demand") is not None
    assert page.table_rows("#people") == []


# Exports -----------------------------------------------------------------------------------


def test_demand_csv_matches_the_page(client, scenario) -> None:
    s = scenario
    client.sign_in(s.ld_lead.email)
    response = client.get("/training/demand.csv")

    assert response.mimetype == "text/csv"
    today = london_today().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="training-demand-{today}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:10] == [
        "Code",
        "Module",
        "Mode",
        "Practitioners needing it",
        "Already planned or booked",
        "Cohort size",
        "Cohorts needed",
        "Cohorts scheduled",
        "Places free on them",
        "Cohorts still to schedule",
    ]
    assert rows[0][10:12] == ["Team: Alpha team", "Team: Beta team"]
    assert rows[0][-1] == "Band: Not set"
    assert rows[1][:10] == [
        s.f2f.code,
        s.f2f.title,
        "Face-to-face",
        "4",
        "3",
        "2",
        "2",
        "1",
        "0",
        "1",
    ]
    assert rows[1][10:12] == ["2", "2"]
    assert [r[0] for r in rows[1:]] == [s.f2f.code, s.online.code, s.assigned.code]
    assert rows[2][5:10] == ["", "", "", "", ""]  # online: no cohorts


def test_demand_xlsx_matches_the_csv(client, scenario) -> None:
    s = scenario
    client.sign_in(s.ld_lead.email)
    unit = f"?unit=pdu-{s.pdu1.id}"
    response = client.get("/training/demand.xlsx" + unit)

    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="training-demand-pdu-{s.pdu1.id}-{london_today().isoformat()}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    text = io.StringIO(client.get("/training/demand.csv" + unit).get_data(as_text=True))
    csv_rows = list(csv.reader(text))
    assert len(values) == len(csv_rows)
    assert values[1][:5] == [s.f2f.code, s.f2f.title, "Face-to-face", 4, 3]
    assert [["" if v is None else str(v) for v in row] for row in values] == [
        [cell.lstrip("\ufeff") for cell in row] for row in csv_rows
    ]


def test_people_exports_and_formula_injection(client, scenario) -> None:
    s = scenario
    client.sign_in(s.ld_lead.email)
    response = client.get(f"/training/demand/{s.f2f.code}.csv")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="training-demand-{s.f2f.code}-{london_today().isoformat()}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Name", "Team", "Experience band", "Skills and gaps", "Why", "Plan status"]
    names = [r[0] for r in rows[1:]]
    assert names == ["'=Bill Brown", "Anna Adams", "Ben Bell", "Olu Ojo"]

    xlsx = client.get(f"/training/demand/{s.f2f.code}.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cell = sheet["A2"]
    assert (cell.value, cell.data_type) == ("=Bill Brown", "s")  # text, never a formula
    assert [c.value for c in sheet[3]] == [
        "Anna Adams",
        "Alpha team",
        "PO qualified 2 years or more",
        "Court reports: level 1.0, target 3",
        "Recommended",
        "Planned",
    ]


# Impact ------------------------------------------------------------------------------------


def complete(session, person, module, on) -> None:
    session.add(
        PlanItem(
            practitioner_id=person.id,
            module_id=module.id,
            status=PlanStatus.COMPLETED,
            source=PlanSource.RECOMMENDED,
            completed_on=on,
        )
    )
    session.flush()


def test_impact_page_with_five_completers_and_a_small_comparison_group(
    client, db_session, factories, scenario, published_framework
) -> None:
    s = scenario
    rows = EvidenceRows(db_session, published_framework)
    observer = factories.user(role=Role.SPO, scope=s.team_a, grade=Grade.SPO)
    today = london_today()
    done_on = today - timedelta(days=100)
    slug = "diversity-responsive"
    for n in range(5):
        person = factories.user(team=s.team_a, name=f"Completer {n}")
        complete(db_session, person, s.online, done_on)
        rows.add_observation(person, observer, done_on - timedelta(days=30), {slug: 2})
        rows.add_observation(person, observer, done_on + timedelta(days=30), {slug: 3})
    for n in range(4):  # the same gap, not completed: 4 people
        person = factories.user(team=s.team_b, name=f"Comparison {n}")
        rows.add_observation(person, observer, done_on - timedelta(days=20), {slug: 1})
        rows.add_observation(person, observer, done_on + timedelta(days=20), {slug: 1 + n % 2})
    # A draft observation is not evidence.
    rows.add_observation(
        s.people["anna"], observer, done_on + timedelta(days=5), {slug: 4}, status="draft"
    )

    client.sign_in(s.ld_lead.email)
    page = client.get_page("/training/impact")

    assert page.h1.endswith("Training impact")
    [row] = page.table_rows("#impact")
    assert row[0] == f"{s.online.code} {s.online.title}"
    assert row[1].endswith("(to level 3)")
    assert row[2:6] == ["5", "2.0", "3.0", "+1.0"]
    assert row[6:] == ["Fewer than 5"]
    cells = page.soup.select("#impact tbody td")
    assert "4" not in cells[-1].get_text()  # the small group's size is not on the page
    assert "Fewer than 5" in page.soup.select_one("#method").get_text()

    # The other PDU has none of these people.
    client.sign_out()
    client.sign_in(s.other_lead.email)
    other = client.get_page("/training/impact")
    assert other.table_rows("#impact") == []
    assert other.soup.select_one("#no-impact") is not None


def test_impact_suppresses_the_completers_too(client, db_session, factories, scenario) -> None:
    s = scenario
    for _ in range(3):
        complete(db_session, factories.user(team=s.team_a), s.online, london_today())
    client.sign_in(s.leader.email)
    page = client.get_page(f"/training/impact?unit=pdu-{s.pdu1.id}")
    [row] = page.table_rows("#impact")
    assert row[2:] == ["Fewer than 5", "Fewer than 5"]
    assert page.field_value("unit") == f"pdu-{s.pdu1.id}"


def test_sub_navigation_keeps_the_unit(client, scenario) -> None:
    s = scenario
    client.sign_in(s.leader.email)
    page = client.get_page(f"/training/impact?unit=pdu-{s.pdu2.id}")
    links = {
        a.get_text(strip=True): (a["href"], a.get("aria-current"))
        for a in page.soup.select("nav[aria-label='Training reports'] a")
    }
    assert links == {
        "Demand": (f"/training/demand?unit=pdu-{s.pdu2.id}", None),
        "Impact": (f"/training/impact?unit=pdu-{s.pdu2.id}", "page"),
    }
