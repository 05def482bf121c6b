"""The trend page: each quarter's snapshot, suppressed like the heatmap, as a table and a chart."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from learning_app.analytics.models import AnalyticsCell
from learning_app.analytics.rollups import take_snapshot


def test_no_snapshot_yet_says_how_to_take_one(client, unit) -> None:
    client.sign_in(unit.leader.email)
    page = client.get_page("/analytics/trends")
    assert "flask analytics snapshot" in page.text


def test_each_quarter_shows_its_snapshot(client, db_session, unit) -> None:
    take_snapshot(date(2026, 9, 30))
    # A quarter later, team C's gaps are all closed.
    db_session.execute(
        update(AnalyticsCell)
        .where(AnalyticsCell.team_id == unit.teams["C"].id, AnalyticsCell.period == "live")
        .values(gap_sum=0, below_target=0)
    )
    take_snapshot(date(2026, 12, 1))
    client.sign_in(unit.leader.email)
    page = client.get_page(f"/analytics/trends?skill={unit.skill}")
    rows = {r[0]: r[1:] for r in page.table_rows("#trend")}
    first_skill = next(iter(rows))
    assert rows[first_skill] == [f"{15 / 16:.2f} n = 16", f"{11 / 16:.2f} n = 16"]
    svg = page.soup.select_one("svg#trend-chart")
    assert svg["role"] == "img"
    assert "2026-Q3: 0.94; 2026-Q4: 0.69." in svg.select_one("desc").get_text()
    assert len(svg.select("circle")) == 2


def test_a_hidden_team_stays_hidden_in_its_trend(client, unit) -> None:
    take_snapshot(date(2026, 9, 30))
    client.sign_in(unit.leader.email)
    page = client.get_page(f"/analytics/trends?unit=team-{unit.teams['B'].id}")
    cells = [c for r in page.table_rows("#trend") for c in r[1:]]
    assert cells and set(cells) == {"fewer than 5"}


def test_a_bad_skill_gets_an_error(client, unit) -> None:
    client.sign_in(unit.leader.email)
    page = client.get_page("/analytics/trends?skill=juggling", status=400)
    assert "Choose a skill from the list" in page.text
