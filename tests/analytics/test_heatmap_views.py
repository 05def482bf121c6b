"""The heatmap page and its downloads: who sees what, exports equal the screen, bad input."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from learning_app.accounts.constants import Grade, Role
from learning_app.profiles.services import published_skills


def screen(page, selector="#heatmap"):
    """The table as a sighted reader sees it (without the link text for screen readers)."""
    for span in page.soup.select(".govuk-visually-hidden"):
        span.decompose()
    return page.table_rows(selector)


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
    rows = {r[0]: r for r in screen(page)}
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
    shown_rows = screen(page)
    lines = list(
        csv.reader(io.StringIO(client.get("/analytics/heatmap.csv" + query).text.lstrip("\ufeff")))
    )
    sheet = load_workbook(io.BytesIO(client.get("/analytics/heatmap.xlsx" + query).data)).active
    cells = [
        [("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert lines == cells
    assert [line[0] for line in lines[1:]] == [row[0] for row in shown_rows]
    for line, row in zip(lines[1:], shown_rows, strict=True):
        on_screen = [c.replace(" n = ", "|") for c in row[1:]]
        in_file = [f"{v}|{n}" if n else v for v, n in zip(line[1::2], line[2::2], strict=True)]
        assert on_screen == in_file


def test_the_spo_of_a_small_team_sees_it_unsuppressed(client, unit) -> None:
    client.sign_in(unit.spo_b.email)
    page = client.get_page("/analytics/")
    rows = {r[0]: r for r in screen(page)}
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
    assert screen(page)  # the default view is still shown
    assert client.get(f"/analytics/heatmap.csv?{query}").status_code == 400


def test_rows_sort_by_any_column(client, unit) -> None:
    client.sign_in(unit.leader.email)
    page = client.get_page(f"/analytics/?sort={unit.skill}&order=asc&grouping=site")
    assert [r[0] for r in screen(page)] == [
        "Hinckley",
        "Leicester",
        "Everyone in view",
    ]
    page = client.get_page(f"/analytics/?sort={unit.skill}&grouping=site")
    assert [r[0] for r in screen(page)] == [
        "Leicester",
        "Hinckley",
        "Everyone in view",
    ]


def test_a_cell_drills_down_to_the_skill_for_that_group(client, unit) -> None:
    client.sign_in(unit.leader.email)
    page = client.get_page("/analytics/")
    link = page.soup.select_one("#heatmap tbody tr:nth-of-type(3) td a")  # Charlie, first skill
    assert f"unit=team-{unit.teams['C'].id}" in link["href"]
    skill_page = client.get_page(link["href"])
    # Charlie's seven: four at level 2 (gap 1), three at level 3.
    assert skill_page.table_rows("#levels") == [
        ["1 (developing)", "0"],
        ["2", "fewer than 5"],
        ["3", "fewer than 5"],
        ["4", "0"],
    ]
    rows = {r[0]: r[1:] for r in skill_page.table_rows("#self-observed")}
    assert rows["Mean observed level"] == [f"{(4 * 2 + 3 * 3) / 7:.2f}", "7"]
    assert rows["Mean self-assessed level"] == ["no data", "0"]
    # Hidden cells have no link, and their skill page hides everything.
    assert not page.soup.select("#heatmap tbody tr:nth-of-type(2) td a")
    hidden = client.get_page(f"/analytics/skills/{unit.skill}?unit=team-{unit.teams['B'].id}")
    assert "hidden to protect individuals" in hidden.text
    assert {r[1] for r in hidden.table_rows("#levels")} <= {"fewer than 5", "hidden", "0"}
    client.get_page("/analytics/skills/no-such-skill", status=404)


@pytest.fixture
def two_rows_a_page(app):
    before = app.config["HEATMAP_ROWS_PER_PAGE"]
    app.config["HEATMAP_ROWS_PER_PAGE"] = 2
    yield
    app.config["HEATMAP_ROWS_PER_PAGE"] = before


def test_a_long_table_is_shown_a_page_at_a_time_in_the_order_chosen(
    client, unit, two_rows_a_page
) -> None:
    client.sign_in(unit.leader.email)
    query = f"sort={unit.skill}&order=asc"
    whole = list(
        csv.reader(io.StringIO(client.get(f"/analytics/heatmap.csv?{query}").text.lstrip("\ufeff")))
    )[1:]
    first = client.get_page(f"/analytics/?{query}")
    # The first two rows in that order, and the total of everyone on every page.
    assert [r[0] for r in screen(first)] == [whole[0][0], whole[1][0], "Everyone in view"]
    assert "rows 1 to 2 of 3" in first.soup.select_one("#row-count").text
    next_link = first.soup.select_one(".govuk-pagination__next a")["href"]
    assert f"sort={unit.skill}" in next_link and "order=asc" in next_link
    second = client.get_page(next_link)
    assert [r[0] for r in screen(second)] == [whole[2][0], "Everyone in view"]
    assert screen(second)[-1] == screen(first)[-1]
    assert "rows 3 to 3 of 3" in second.soup.select_one("#row-count").text
    # The downloads hold every row whichever page is open, and a page past the end is the last.
    assert len(whole) == 4
    assert [r[0] for r in screen(client.get_page(f"/analytics/?{query}&page=9"))] == [
        whole[2][0],
        "Everyone in view",
    ]
    assert (
        client.get_page(f"/analytics/?{query}&page=x")
        .soup.select_one(".govuk-pagination__item--current")
        .get_text(strip=True)
        == "1"
    )
    # Sorting again starts at the first page.
    sort_link = second.soup.select_one("#heatmap thead a")["href"]
    assert "page=" not in sort_link


def test_a_table_that_fits_one_page_has_no_pagination(client, unit) -> None:
    client.sign_in(unit.leader.email)
    page = client.get_page("/analytics/")
    assert len(screen(page)) == 4
    assert not page.soup.select(".govuk-pagination") and not page.soup.select("#row-count")


def test_names_in_the_table_are_text_not_markup(client, db_session, unit) -> None:
    name = 'Charlie <img src=x onerror="alert(1)"> & Co'
    unit.teams["C"].name = name
    db_session.commit()
    client.sign_in(unit.leader.email)
    response = client.get("/analytics/")
    assert "<img" not in response.text and "&lt;img" in response.text
    page = client.get_page("/analytics/")
    [row] = [r for r in page.soup.select("#heatmap tbody tr") if r.th.get_text() == name]
    link = row.select_one("td a")
    skill = published_skills()[0].name
    assert link.select_one(".govuk-visually-hidden").get_text() == f" for {name}, {skill}"
    assert f"unit=team-{unit.teams['C'].id}" in link["href"]
