"""The skill drill-down shows the last two years by quarter, and links to every quarter."""

from __future__ import annotations

from datetime import date

from learning_app.analytics.rollups import take_snapshot


def test_the_skill_page_shows_the_last_eight_quarters(client, unit) -> None:
    for year, month in [(2024, 9), *((y, m) for y in (2025, 2026) for m in (3, 6, 9, 12))]:
        take_snapshot(date(year, month, 15))
    client.sign_in(unit.leader.email)
    page = client.get_page(f"/analytics/skills/{unit.skill}")
    rows = page.table_rows("#skill-trend")
    quarters = (
        [r[0] for r in rows[1:]] if rows and rows[0][0] == "Quarter" else [r[0] for r in rows]
    )
    assert len(quarters) == 8
    assert quarters[0].startswith("2025 quarter 1") and quarters[-1].startswith("2026 quarter 4")
    link = page.soup.find("a", string="Every quarter, as a chart")["href"]
    assert link.startswith("/analytics/trends") and f"skill={unit.skill}" in link
    everything = client.get_page(link)
    assert "2024" in everything.text and "2024" not in page.text.split("by quarter")[-1]
