"""The heatmap page and its downloads: who sees what, exports equal the screen, bad input."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from learning_app.accounts.constants import Grade, Role

URLS = ["/analytics/", "/analytics/heatmap.csv", "/analytics/heatmap.xlsx"]


def test_anonymous_visitors_are_sent_to_sign_in(client, unit) -> None:
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.QDO, Role.ADMIN])
def test_other_roles_get_not_found(client, factories, unit, role) -> None:
    scope = unit.pdu if role == Role.QDO else None
    client.sign_in(factories.user(role=role, scope=scope, grade=Grade.OTHER).email)
    for url in URLS:
        client.get_page(url, status=404)


def test_a_leader_sees_the_suppressed_heatmap_of_their_pdu(client, unit) -> None:
    client.sign_in(unit.leader.email)
    page = client.get_page("/analytics/")
    rows = {r[0]: r for r in page.table_rows("#heatmap")}
    assert set(rows) == {"Alpha", "Bravo", "Charlie", "Everyone in view"}
    assert rows["Bravo"][1] == "fewer than 5"
    assert rows["Alpha"][1] == "hidden"
    assert rows["Charlie"][1] == "0.57 n = 7"
    assert rows["Everyone in view"][1] == "0.94 n = 16"
    assert "fewer than 5" in page.text and "Summary" in page.text


def test_the_downloads_hold_exactly_the_figures_on_screen(client, unit) -> None:
    client.sign_in(unit.leader.email)
    query = "?grouping=site&metric=below-target&sort=all&order=asc"
    page = client.get_page("/analytics/" + query)
    screen = page.table_rows("#heatmap")
    lines = list(
        csv.reader(io.StringIO(client.get("/analytics/heatmap.csv" + query).text.lstrip("\ufeff")))
    )
    sheet = load_workbook(io.BytesIO(client.get("/analytics/heatmap.xlsx" + query).data)).active
    cells = [
        [("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert lines == cells
    assert [line[0] for line in lines[1:]] == [row[0] for row in screen]
    for line, row in zip(lines[1:], screen, strict=True):
        on_screen = [c.replace(" n = ", "|") for c in row[1:]]
        in_file = [f"{v}|{n}" if n else v for v, n in zip(line[1::2], line[2::2], strict=True)]
        assert on_screen == in_file


def test_the_spo_of_a_small_team_sees_it_unsuppressed(client, unit) -> None:
    client.sign_in(unit.spo_b.email)
    page = client.get_page("/analytics/")
    rows = {r[0]: r for r in page.table_rows("#heatmap")}
    assert rows["Bravo"][1] == "1.00 n = 3"
    assert "every figure is shown" in page.text


def test_a_unit_outside_the_readers_scope_is_not_found(client, factories, unit) -> None:
    other = factories.user(role=Role.LEADER, scope=factories.pdu(), grade=Grade.OTHER)
    client.sign_in(other.email)
    for key in (f"pdu-{unit.pdu.id}", f"team-{unit.teams['A'].id}", "x" * 500, "team-abc"):
        client.get_page(f"/analytics/?unit={key}", status=404)
    assert "Alpha" not in client.get_page("/analytics/").text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("grouping=postcode", "Choose how to group the rows from the list"),
        ("metric=gap%00", "Choose a measure from the list"),
        ("grade=CEO", "Choose a grade from the list"),
        ("band=ancient", "Choose an experience band from the list"),
        ("period=1999-Q1", "Choose a date from the list of snapshots"),
    ],
)
def test_bad_choices_get_an_error_summary_not_a_crash(client, unit, query, message) -> None:
    client.sign_in(unit.leader.email)
    page = client.get_page(f"/analytics/?{query}", status=400)
    assert "There is a problem" in page.text and message in page.text
    assert page.table_rows("#heatmap")  # the default view is still shown
    assert client.get(f"/analytics/heatmap.csv?{query}").status_code == 400


def test_rows_sort_by_any_column(client, unit) -> None:
    client.sign_in(unit.leader.email)
    page = client.get_page(f"/analytics/?sort={unit.skill}&order=asc&grouping=site")
    assert [r[0] for r in page.table_rows("#heatmap")] == [
        "Hinckley",
        "Leicester",
        "Everyone in view",
    ]
    page = client.get_page(f"/analytics/?sort={unit.skill}&grouping=site")
    assert [r[0] for r in page.table_rows("#heatmap")] == [
        "Leicester",
        "Hinckley",
        "Everyone in view",
    ]
