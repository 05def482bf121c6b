"""The heatmap of all the units a reader looks after hides what each unit's own view hides.

The unit of conftest (Midlands region: Leicestershire PDU, teams Alpha 6, Bravo 3,
Charlie 7) plus an East region with two PDUs: Norfolk (team Delta, five POs, gaps on the
first skill 1, 1, 1, 0, 0) and Suffolk (team Echo, two POs, gaps 2, 2). The reader leads
Leicestershire and Norfolk.

By hand, on the first skill (mean gap):

- Leicestershire by team: Bravo (3) is fewer than 5, so Alpha (6, the smallest other) is
  hidden; Charlie 4/7 = 0.57; total (8 + 3 + 4)/16 = 0.94.
- East by PDU: Suffolk (2) is fewer than 5, so Norfolk (5) is hidden; so Norfolk's own
  view hides its total, and then Delta (the only other figure of its column).
- Both together (21 people, (15 + 3)/21 = 0.86): on their own, the rows would hide only
  Bravo and the smallest other, Delta, leaving Alpha (8/6 = 1.33), which with
  Leicestershire's total and Charlie gives Bravo: 16 x 0.94 - 6 x 1.33 - 7 x 0.57 = 3.
  And the total less Leicestershire's would give Norfolk's: 21 - 16 = 5 people, gap 3.
"""

from __future__ import annotations

from datetime import date

import pytest

from learning_app.accounts.constants import Grade, Role
from learning_app.analytics.heatmap import build_heatmap, build_unit_heatmap
from learning_app.analytics.rollups import refresh_pdu
from tests.analytics.conftest import add_profiles
from tests.analytics.test_heatmap_views import screen


def _people(db_session, factories, team, gaps, slugs) -> None:
    for gap in gaps:
        add_profiles(db_session, factories.user(grade=Grade.PO, team=team), slugs, gap)


@pytest.fixture
def east(db_session, factories, unit):
    region = factories.region("East")
    norfolk, suffolk = factories.pdu(region, "Norfolk"), factories.pdu(region, "Suffolk")
    delta, echo = factories.team(norfolk, "Delta"), factories.team(suffolk, "Echo")
    _people(db_session, factories, delta, [1, 1, 1, 0, 0], unit.skills)
    _people(db_session, factories, echo, [2, 2], unit.skills)
    db_session.flush()
    refresh_pdu(norfolk.id, date(2026, 12, 1))
    refresh_pdu(suffolk.id, date(2026, 12, 1))
    reader = factories.user(
        roles=((Role.LEADER, unit.pdu), (Role.LEADER, norfolk)), grade=Grade.OTHER
    )
    return {"norfolk": norfolk, "delta": delta, "reader": reader}


def test_the_rows_and_total_of_both_hide_what_each_units_view_hides(unit, east) -> None:
    teams = {*(t.id for t in unit.teams.values()), east["delta"].id}
    first = unit.skill
    # Without inheriting, Alpha would show and so give Bravo away.
    plain = {r.label: r.figures[first] for r in build_heatmap(teams).rows}
    assert not plain["Alpha"].hidden and f"{plain['Alpha'].value:.2f}" == "1.33"
    assert plain["Bravo"].hidden and plain["Delta"].hidden
    both = build_unit_heatmap(None, teams)
    rows = {r.label: r.figures[first] for r in both.rows}
    assert rows["Alpha"].hidden and rows["Bravo"].hidden and rows["Delta"].hidden
    assert not rows["Charlie"].hidden and f"{rows['Charlie'].value:.2f}" == "0.57"
    assert both.total.figures[first].hidden
    # Each unit's own view: what the sum above must not give away.
    leicestershire = build_unit_heatmap(unit.pdu, {t.id for t in unit.teams.values()})
    assert f"{leicestershire.total.figures[first].value:.2f}" == "0.94"
    norfolk = build_unit_heatmap(east["norfolk"], {east["delta"].id})
    assert norfolk.total.figures[first].hidden


def test_one_whole_unit_is_its_own_view(unit, east) -> None:
    # The leader of Leicestershire alone: "all the units" is the PDU's (the region's) view.
    teams = {t.id for t in unit.teams.values()}
    alone = build_unit_heatmap(None, teams)
    assert [r.figures[unit.skill].hidden for r in alone.rows] == [True, True, False]
    norfolk = build_unit_heatmap(None, {east["delta"].id})
    assert norfolk.total.figures[unit.skill].hidden
    assert norfolk.rows[0].figures[unit.skill].hidden


def test_the_page_shows_the_reader_of_both_nothing_to_subtract(client, unit, east) -> None:
    client.sign_in(east["reader"].email)
    rows = {r[0]: r[1] for r in screen(client.get_page("/analytics/?grouping=team"))}
    assert rows == {
        "Alpha": "hidden",
        "Bravo": "fewer than 5",
        "Charlie": "0.57 n = 7",
        "Delta": "hidden",
        "Everyone in view": "hidden",
    }
    pdu = {r[0]: r[1] for r in screen(client.get_page(f"/analytics/?unit=pdu-{unit.pdu.id}"))}
    assert pdu["Everyone in view"] == "0.94 n = 16"


def test_a_wide_view_starts_one_level_below_its_units(client, unit, east) -> None:
    """Two PDUs start by PDU, a region by PDU, a PDU by team: never thousands of rows."""
    client.sign_in(east["reader"].email)
    page = client.get_page("/analytics/")
    assert [r[0] for r in screen(page)][:-1] == ["Leicestershire", "Norfolk"]
    assert page.soup.select_one("#grouping option[selected]")["value"] == "pdu"
    one = client.get_page(f"/analytics/?unit=pdu-{unit.pdu.id}")
    assert [r[0] for r in screen(one)][:-1] == ["Alpha", "Bravo", "Charlie"]


def test_the_summary_hides_the_share_a_hidden_total_would_give(client, unit) -> None:
    client.sign_in(unit.leader.email)
    page = client.get_page(f"/analytics/?unit=team-{unit.teams['A'].id}")
    assert {r[0]: r[1] for r in screen(page)}["Everyone in view"] == "hidden"
    first = page.soup.select_one("#priorities li").text
    assert "hidden to protect individuals" in first and "of 6" not in first


def test_a_regions_view_by_team_hides_what_each_pdus_view_hides(db_session, factories, unit):
    # Midlands gains Rutland (team Golf, five at target): the region's column of teams
    # (Alpha 6, Bravo 3, Charlie 7, Golf 5) hides Bravo and then Golf, the smallest other,
    # leaving Alpha; Leicestershire's own view hides Alpha, and shows its total and
    # Charlie, which with Alpha give Bravo away.
    rutland = factories.pdu(unit.region, "Rutland")
    golf = factories.team(rutland, "Golf")
    _people(db_session, factories, golf, [0] * 5, unit.skills)
    db_session.flush()
    refresh_pdu(rutland.id, date(2026, 12, 1))
    leicestershire = build_unit_heatmap(unit.pdu, {t.id for t in unit.teams.values()})
    assert {r.label: r.figures[unit.skill].hidden for r in leicestershire.rows}["Alpha"]
    region_teams = {*(t.id for t in unit.teams.values()), golf.id}
    region = build_unit_heatmap(unit.region, region_teams)
    assert {r.label: r.figures[unit.skill].hidden for r in region.rows}["Alpha"]


def _staff(db_session, factories, team, grades, slugs) -> None:
    """People of ``grades`` in ``team``, every one at target on every skill."""
    for grade in grades:
        add_profiles(db_session, factories.user(grade=grade, team=team), slugs, 0)
    db_session.flush()


def _hidden(heatmap, key: str, slug: str) -> bool:
    return {r.key: r.figures[slug].hidden for r in heatmap.rows}[key]


def test_a_pdus_view_by_grade_hides_what_its_teams_views_hide(db_session, factories, unit):
    # Rutland: Golf has 6 POs and 5 PSOs, Hotel 6 POs and 1 PSO. Hotel's own view by grade
    # hides its PSO (fewer than 5) and so its PO; Rutland's view by grade would show its 6
    # PSOs, and Golf's view shows Golf's 5, which would give Hotel's one PSO away.
    rutland = factories.pdu(unit.region, "Rutland")
    golf, hotel = factories.team(rutland, "Golf"), factories.team(rutland, "Hotel")
    _staff(db_session, factories, golf, [Grade.PO] * 6 + [Grade.PSO] * 5, unit.skills)
    _staff(db_session, factories, hotel, [Grade.PO] * 6 + [Grade.PSO], unit.skills)
    refresh_pdu(rutland.id, date(2026, 12, 1))
    assert _hidden(build_unit_heatmap(hotel, {hotel.id}, "grade"), "PSO", unit.skill)
    assert not _hidden(build_unit_heatmap(golf, {golf.id}, "grade"), "PSO", unit.skill)
    rutland_view = build_unit_heatmap(rutland, {golf.id, hotel.id}, "grade")
    assert _hidden(rutland_view, "PSO", unit.skill)
    # The POs (12) are hidden too, or they and the total would give the PSOs.
    assert _hidden(rutland_view, "PO", unit.skill)


def test_a_regions_view_by_grade_hides_what_its_pdus_views_hide(db_session, factories, unit):
    # East: Norfolk's Delta has 6 POs and 1 PSO, Suffolk's Echo 6 POs and 6 PSOs. Norfolk's
    # view by grade hides its one PSO; East's 7 PSOs less Suffolk's 6 would give it away.
    east = factories.region("East")
    norfolk, suffolk = factories.pdu(east, "Norfolk"), factories.pdu(east, "Suffolk")
    delta, echo = factories.team(norfolk, "Delta"), factories.team(suffolk, "Echo")
    _staff(db_session, factories, delta, [Grade.PO] * 6 + [Grade.PSO], unit.skills)
    _staff(db_session, factories, echo, [Grade.PO] * 6 + [Grade.PSO] * 6, unit.skills)
    for pdu in (norfolk, suffolk):
        refresh_pdu(pdu.id, date(2026, 12, 1))
    assert _hidden(build_unit_heatmap(norfolk, {delta.id}, "grade"), "PSO", unit.skill)
    assert not _hidden(build_unit_heatmap(suffolk, {echo.id}, "grade"), "PSO", unit.skill)
    assert _hidden(build_unit_heatmap(east, {delta.id, echo.id}, "grade"), "PSO", unit.skill)


def test_the_nations_view_by_grade_hides_what_a_teams_own_view_hides(db_session, factories, unit):
    # Two levels down: Kent's Kilo has 1 PSO beside Lima's 6. Kilo's view hides it, so
    # Kent's view hides its 7 and South's hides its 7; the nation's 13 less North's 6
    # would otherwise give Kent's 7, and Kent's less Lima's the one in Kilo.
    south, north = factories.region("South"), factories.region("North")
    kent, york = factories.pdu(south, "Kent"), factories.pdu(north, "York")
    kilo, lima = factories.team(kent, "Kilo"), factories.team(kent, "Lima")
    mike = factories.team(york, "Mike")
    _staff(db_session, factories, kilo, [Grade.PO] * 6 + [Grade.PSO], unit.skills)
    _staff(db_session, factories, lima, [Grade.PO] * 6 + [Grade.PSO] * 6, unit.skills)
    _staff(db_session, factories, mike, [Grade.PO] * 6 + [Grade.PSO] * 6, unit.skills)
    for pdu in (kent, york):
        refresh_pdu(pdu.id, date(2026, 12, 1))
    everyone = {kilo.id, lima.id, mike.id}
    assert _hidden(build_unit_heatmap(kilo, {kilo.id}, "grade"), "PSO", unit.skill)
    assert not _hidden(build_unit_heatmap(york, {mike.id}, "grade"), "PSO", unit.skill)
    assert _hidden(build_unit_heatmap(south, {kilo.id, lima.id}, "grade"), "PSO", unit.skill)
    nation = build_unit_heatmap(None, everyone, "grade")
    assert _hidden(nation, "PSO", unit.skill)
    # Hiding the 13 PSOs alone would leave them as the total less the 18 POs.
    assert _hidden(nation, "PO", unit.skill)
