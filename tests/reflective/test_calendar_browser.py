"""In a real browser: a practitioner makes their calendar link, sees it once and resets it.
Every page on the way passes axe-core."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.crawl import ACCOUNTS
from tests.browser.fixtures import LiveServer, assert_accessible, click_and_load, sign_in

pytestmark = pytest.mark.browser


def test_a_practitioner_makes_and_resets_their_calendar_link(
    page: Any, live_server: LiveServer
) -> None:
    sign_in(page, ACCOUNTS["practitioner"])
    page.goto("/account/calendar")
    assert_accessible(page)
    if page.get_by_role("button", name="Create your calendar link").count():
        click_and_load(page, page.get_by_role("button", name="Create your calendar link"))
    else:  # made by an earlier run against the same database: reset it instead
        click_and_load(page, page.get_by_role("button", name="Reset your calendar link"))
        click_and_load(page, page.get_by_role("button", name="Reset your calendar link"))
    first = page.get_by_label("Calendar link").input_value()
    assert "/calendar/" in first and first.endswith(".ics")
    assert_accessible(page)

    feed = page.request.get(first)
    assert feed.status == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"

    page.reload()
    assert page.get_by_label("Calendar link").count() == 0  # shown once only

    click_and_load(page, page.get_by_role("button", name="Reset your calendar link"))
    assert page.locator("h1").inner_text() == "Reset your calendar link?"
    assert_accessible(page)
    click_and_load(page, page.get_by_role("button", name="Reset your calendar link"))
    second = page.get_by_label("Calendar link").input_value()
    assert second != first
    assert page.request.get(first).status == 404
    assert page.request.get(second).status == 200
    assert_accessible(page)
