"""In a real browser: a practitioner completes and submits a self-assessment with the
keyboard alone, and an L&D lead opens, changes and closes a cycle; every page on the
way passes axe-core.

The pages need records the demo data does not have (a draft, a cycle), so they are
made here, on the browser database shared with tests/browser. The practitioner is
the last demo practitioner (the crawl uses practitioner1) and the cycle is for their
team, closed at the end of the test.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.fixtures import assert_accessible, click_and_load, sign_in

pytestmark = pytest.mark.browser

PRACTITIONER = "practitioner110@demo.test"
LEAD = "ld.lead@demo.test"
TEAM = "South Leicestershire (team)"


def focused_id(page: Any) -> str:
    return page.evaluate("document.activeElement.id")


def answer_domain_with_keyboard(page: Any, comment: str) -> None:
    """Rate every skill on the page 3, confidence Medium, with a comment: Tab, Space,
    arrows and typing only, from the first question to the button."""
    levels = page.locator("input[type=radio][name$='-level']:not([id*='-level-'])")
    count = levels.count()
    levels.first.focus()
    for _ in range(count):
        level_name = page.evaluate("document.activeElement.name")
        assert level_name.endswith("-level"), level_name
        page.keyboard.press("Space")  # level 1
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")  # level 3
        page.keyboard.press("Tab")  # confidence
        page.keyboard.press("Space")  # low
        page.keyboard.press("ArrowRight")  # medium
        page.keyboard.press("Tab")  # comment
        assert focused_id(page).endswith("-comment")
        page.keyboard.type(comment)
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Save and continue"
    page.keyboard.press("Enter")


def test_a_practitioner_completes_a_self_assessment_with_the_keyboard(page: Any) -> None:
    sign_in(page, PRACTITIONER)
    page.goto("/self-assessment/")
    assert_accessible(page, "start page")
    button = page.get_by_role("button", name="Start self-assessment")
    if button.count() == 0:
        button = page.get_by_role("link", name="Continue your self-assessment")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-task-list")
    task_url = page.url
    assert_accessible(page, "task list")

    domain_links = page.locator(".govuk-task-list__link[href*='/domains/']")
    hrefs = [domain_links.nth(i).get_attribute("href") for i in range(domain_links.count())]
    assert hrefs, "no domain tasks"

    # The first domain: a postcode in a comment is refused, the answers stay, then fixed.
    page.goto(hrefs[0])
    assert_accessible(page, "domain page")
    answer_domain_with_keyboard(page, "Met him at LE1 6AA")
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    assert_accessible(page, "domain page with errors")
    # GOV.UK Frontend moves focus to the error summary; its link leads to the question.
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert page.locator("input[name$='-level'][value='3']:checked").count() > 0
    for box in page.locator("textarea").all():
        box.focus()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
    page.locator("textarea").first.focus()
    page.keyboard.type("I check what I am told against police and social care records.")
    page.get_by_role("button", name="Save and continue").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-task-list")

    for href in hrefs[1:]:
        page.goto(href)
        answer_domain_with_keyboard(page, "Steady")
        page.wait_for_selector(".govuk-task-list")
    assert_accessible(page, "task list, all domains done")

    page.get_by_role("link", name="How you like to learn").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("input[name=learning_preferences]")
    assert_accessible(page, "how you like to learn")
    page.locator("input[name=learning_preferences]").first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save and continue").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-task-list")

    page.get_by_role("link", name="Check and submit").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Check your answers before submitting")
    assert_accessible(page, "check your answers")
    page.get_by_role("button", name="Submit").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-panel")
    assert "Self-assessment submitted" in page.locator(".govuk-panel").inner_text()
    assert_accessible(page, "confirmation")

    page.goto(task_url)
    assert page.locator("h1").inner_text().startswith("Self-assessment submitted on")
    assert page.locator("main input[type=radio]").count() == 0
    assert_accessible(page, "submitted self-assessment")
    page.goto("/self-assessment/")
    assert page.locator(f"main table a[href='{urlsplit(task_url).path}']").count() == 1
    assert_accessible(page, "start page with a past self-assessment")


def _fill_date(page: Any, name: str, value: date) -> None:
    page.locator(f"#{name}-day").fill(str(value.day))
    page.locator(f"#{name}-month").fill(str(value.month))
    page.locator(f"#{name}-year").fill(str(value.year))


def test_an_ld_lead_opens_changes_and_closes_a_cycle(page: Any) -> None:
    today = date.today()
    sign_in(page, LEAD)
    page.goto("/learning-analysis-cycles/")
    assert_accessible(page, "cycle list")
    click_and_load(page, page.get_by_role("button", name="Open a new cycle"))
    assert_accessible(page, "new cycle")

    page.get_by_label("Name").fill("Browser test cycle")
    page.get_by_label("Unit").select_option(label=TEAM)
    _fill_date(page, "opens_on", today)
    _fill_date(page, "closes_on", today - timedelta(days=1))
    click_and_load(page, page.get_by_role("button", name="Save cycle"))
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page, "new cycle with errors")
    assert page.get_by_label("Name").input_value() == "Browser test cycle"

    _fill_date(page, "closes_on", today + timedelta(days=14))
    click_and_load(page, page.get_by_role("button", name="Save cycle"))
    page.wait_for_selector("table caption:has-text('Completion by team')")
    assert_accessible(page, "cycle page")
    cycle_url = page.url

    click_and_load(page, page.get_by_role("button", name="Change cycle"))
    assert_accessible(page, "change cycle")
    click_and_load(page, page.get_by_role("button", name="Save cycle"))
    page.wait_for_url(cycle_url)

    click_and_load(page, page.get_by_role("button", name="Close cycle early"))
    assert_accessible(page, "close cycle")
    click_and_load(page, page.get_by_role("button", name="Close cycle"))
    page.wait_for_url(cycle_url)
    assert "Closed early on" in page.locator("main").inner_text()
    page.goto("/learning-analysis-cycles/")
    assert_accessible(page, "cycle list with a cycle")
