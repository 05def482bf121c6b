"""The heatmap's ``cycle`` filter: a closed cycle shows its quarter's snapshot, an open one live.

The snapshot of 2026 quarter 2 is the unit of conftest as built. After it, Charlie's seven
are all brought to target on the first skill (gap 0, level 3), so live and the snapshot
differ on that column:

- snapshot: Charlie (0+0+0+1+1+1+1)/7 = 0.57; everyone (8 + 3 + 4)/16 = 0.94 (Alpha's gaps
  1+1+2+0+2+2 = 8, Bravo's 3, Charlie's 4);
- live: Charlie 0/7 = 0.00; everyone (8 + 3 + 0)/16 = 0.6875, shown 0.69.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Grade, Role
from learning_app.analytics import views
from learning_app.analytics.rollups import refresh_pdu, take_snapshot
from learning_app.assessments.models import LearningCycle
from learning_app.profiles.models import SkillProfileRecord
from tests.analytics.test_heatmap_views import screen

TODAY = date(2026, 12, 1)


def _cycle(db_session, unit, name, opens_on, closes_on, closed=True) -> LearningCycle:
    cycle = LearningCycle(name=name, opens_on=opens_on, closes_on=closes_on)
    if closed:
        cycle.closed_at = datetime.combine(closes_on, datetime.min.time(), tzinfo=UTC)
    cycle.set_unit(unit)
    db_session.add(cycle)
    db_session.flush()
    return cycle


@pytest.fixture
def cycles(db_session, factories, unit, monkeypatch) -> dict[str, LearningCycle]:
    monkeypatch.setattr(views, "london_today", lambda: TODAY)
    take_snapshot(date(2026, 6, 15))
    charlie = [p.id for p in unit.people if p.team_id == unit.teams["C"].id]
    for record in db_session.scalars(
        select(SkillProfileRecord).where(
            SkillProfileRecord.practitioner_id.in_(charlie),
            SkillProfileRecord.skill_slug == unit.skill,
        )
    ):
        record.gap, record.priority, record.level, record.observed_level = 0.0, 0.0, 3.0, 3.0
    db_session.flush()
    refresh_pdu(unit.pdu.id, TODAY)
    return {
        "spring": _cycle(db_session, unit.pdu, "Spring", date(2026, 4, 1), date(2026, 5, 31)),
        "winter": _cycle(
            db_session, unit.teams["C"], "Winter", date(2026, 11, 1), date(2026, 12, 20), False
        ),
        # Closed, but its quarter (2025 quarter 4) has no snapshot.
        "last-year": _cycle(
            db_session, unit.pdu, "Last year", date(2025, 10, 1), date(2025, 12, 5)
        ),
        # Past its closing date but never closed: still open, so live.
        "lapsed": _cycle(
            db_session, unit.pdu, "Lapsed", date(2026, 1, 5), date(2026, 2, 28), False
        ),
        "elsewhere": _cycle(db_session, factories.pdu(), "Elsewhere", TODAY, TODAY),
    }


def _first_skill(page) -> dict[str, str]:
    return {r[0]: r[1] for r in screen(page)}


def test_a_closed_cycle_shows_the_snapshot_of_the_quarter_it_closed_in(client, unit, cycles):
    client.sign_in(unit.leader.email)
    live = _first_skill(client.get_page("/analytics/"))
    assert live["Charlie"] == "0.00 n = 7" and live["Everyone in view"] == "0.69 n = 16"
    page = client.get_page(f"/analytics/?cycle={cycles['spring'].id}")
    shown = _first_skill(page)
    assert shown["Charlie"] == "0.57 n = 7" and shown["Everyone in view"] == "0.94 n = 16"
    assert shown["Bravo"] == "fewer than 5" and shown["Alpha"] == "hidden"
    assert "2026 quarter 2 (to 30 june 2026)" in page.soup.select_one("#heatmap caption").text
    note = page.soup.select_one("#cycle-note").get_text(" ", strip=True)
    assert "end of 2026 quarter 2 (to 30 June 2026), the quarter in which Spring closed" in note
    # The same as choosing the date.
    assert _first_skill(client.get_page("/analytics/?period=2026-Q2")) == shown
    # Both given, agreeing, is fine.
    client.get_page(f"/analytics/?cycle={cycles['spring'].id}&period=2026-Q2")


def test_an_open_cycle_shows_live_figures(client, unit, cycles):
    client.sign_in(unit.leader.email)
    for key in ("winter", "lapsed"):
        page = client.get_page(f"/analytics/?cycle={cycles[key].id}")
        shown = _first_skill(page)
        assert shown["Charlie"] == "0.00 n = 7" and shown["Everyone in view"] == "0.69 n = 16"
        assert "is still open, so these are today's figures" in page.text


def test_the_form_lists_the_cycles_in_scope_newest_first(client, unit, cycles):
    client.sign_in(unit.leader.email)
    page = client.get_page(f"/analytics/?cycle={cycles['spring'].id}")
    options = page.soup.select("select#cycle option")
    assert [o.get_text(strip=True).split(" (")[0] for o in options] == [
        "No cycle",
        "Winter",
        "Spring",
        "Lapsed",
        "Last year",
    ]
    selected = page.soup.select_one("select#cycle option[selected]")
    assert selected["value"] == str(cycles["spring"].id)
    assert "Spring (Leicestershire (PDU)), closes 31 May 2026" in selected.text
    # The date select leaves the choice to the cycle, so the form submits no conflict.
    period = page.soup.select_one("select#period option[selected]") or page.soup.select_one(
        "select#period option"
    )
    assert period["value"] == "" and "Set by the cycle" in period.text
    # The SPO of Bravo sees the PDU's cycles, not Charlie's.
    client.sign_out()
    client.sign_in(unit.spo_b.email)
    page = client.get_page("/analytics/")
    names = [o.get_text(strip=True).split(" (")[0] for o in page.soup.select("select#cycle option")]
    assert names == ["No cycle", "Spring", "Lapsed", "Last year"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("cycle={elsewhere}", "Choose a cycle from the list"),
        ("cycle=abc", "Choose a cycle from the list"),
        ("cycle=99999999999999999999999", "Choose a cycle from the list"),
        ("cycle=999999", "Choose a cycle from the list"),
        (
            "cycle={last-year}",
            "There are no saved figures for 2025 quarter 4, when Last year closed",
        ),
        ("cycle={spring}&period=live", "Choose a cycle or a date, not both"),
        ("cycle={winter}&period=2026-Q2", "Choose a cycle or a date, not both"),
    ],
)
def test_bad_cycles_get_an_error_summary_and_the_defaults(client, unit, cycles, query, message):
    query = query.format(**{k: c.id for k, c in cycles.items()})
    client.sign_in(unit.leader.email)
    page = client.get_page(f"/analytics/?{query}", status=400)
    assert "There is a problem" in page.text and message in page.text
    assert page.soup.select_one(".govuk-error-summary a")["href"] == "#cycle"
    shown = _first_skill(page)
    if "period=2026-Q2" in query:
        assert shown["Charlie"] == "0.57 n = 7"  # the date given stands
    else:
        assert shown["Charlie"] == "0.00 n = 7"  # today's figures
    assert client.get(f"/analytics/heatmap.csv?{query}").status_code == 400
    skill = client.get_page(f"/analytics/skills/{unit.skill}?{query}", status=400)
    assert message in skill.text


def test_links_downloads_and_the_skill_keep_the_cycle(client, unit, cycles):
    client.sign_in(unit.leader.email)
    spring = cycles["spring"].id
    page = client.get_page(f"/analytics/?cycle={spring}")
    link = page.soup.select_one("#heatmap tbody tr:nth-of-type(3) td a")  # Charlie, first skill
    assert f"cycle={spring}" in link["href"] and "period=" not in link["href"]
    sort = page.soup.select_one("#heatmap thead tr:nth-of-type(2) th:nth-of-type(2) a")
    assert f"cycle={spring}" in sort["href"]
    skill = client.get_page(link["href"])
    # In the snapshot Charlie's seven were four at level 2 and three at level 3.
    assert skill.table_rows("#levels") == [
        ["1 (developing)", "0"],
        ["2", "fewer than 5"],
        ["3", "fewer than 5"],
        ["4", "0"],
    ]
    means = {r[0]: r[1:] for r in skill.table_rows("#self-observed")}
    assert means["Mean observed level"] == [f"{(4 * 2 + 3 * 3) / 7:.2f}", "7"]
    assert "(Spring)" in skill.soup.select_one("#as-at").text
    # Live, all seven are at level 3.
    live = client.get_page(f"/analytics/skills/{unit.skill}?unit=team-{unit.teams['C'].id}")
    assert live.table_rows("#levels")[2] == ["3", "7"]
    lines = list(
        csv.reader(
            io.StringIO(client.get(f"/analytics/heatmap.csv?cycle={spring}").text.lstrip("\ufeff"))
        )
    )
    by_row = {line[0]: line[1:3] for line in lines[1:]}
    assert by_row["Charlie"] == ["0.57", "7"] and by_row["Everyone in view"] == ["0.94", "16"]


def test_a_reader_of_another_unit_cannot_use_the_cycle(client, factories, unit, cycles):
    other = factories.user(role=Role.LEADER, scope=factories.pdu(), grade=Grade.OTHER)
    client.sign_in(other.email)
    page = client.get_page(f"/analytics/?cycle={cycles['spring'].id}", status=400)
    assert "Choose a cycle from the list" in page.text
