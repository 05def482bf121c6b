"""In a real browser: an SPO and a head of PDU open their oversight pages, which pass axe-core."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.crawl import ACCOUNTS
from tests.browser.fixtures import LiveServer, assert_accessible, click_and_load, sign_in

pytestmark = pytest.mark.browser


def test_an_spo_reads_their_weeks_and_risks(page: Any, live_server: LiveServer) -> None:
    sign_in(page, ACCOUNTS["spo"])
    page.goto("/oversight/team")
    assert page.locator("h1").inner_text() == "Your discussions and team oversight"
    assert page.locator("#week-1-heading").inner_text().startswith("This week: ")
    assert_accessible(page)


def test_a_head_of_pdu_filters_the_oversight_by_unit(page: Any, live_server: LiveServer) -> None:
    sign_in(page, ACCOUNTS["leader"])
    page.goto("/oversight/pdu")
    assert_accessible(page)
    rows = page.locator("#teams tbody tr")
    assert rows.last.locator("th").inner_text() == "All teams"
    options = page.get_by_label("Unit").locator("option")
    team = next(
        option
        for option in options.all()
        if (option.get_attribute("value") or "").startswith("team-")
    )
    page.get_by_label("Unit").select_option(team.get_attribute("value"))
    click_and_load(page, page.get_by_role("button", name="Apply"))
    assert page.locator("#teams tbody tr").count() == 2  # the team, then the total
    assert_accessible(page)
