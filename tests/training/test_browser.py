"""In a real browser: an L&D lead adds a module to the catalogue and maps it to skills.
Every page on the way, error pages included, passes axe-core."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.crawl import ACCOUNTS
from tests.browser.fixtures import (
    LiveServer,
    assert_accessible,
    click_and_load,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_an_ld_lead_adds_a_module_and_maps_its_skills(page: Any, live_server: LiveServer) -> None:
    sign_in(page, ACCOUNTS["ld_lead"])
    page.goto("/training/")
    assert_accessible(page)
    click_and_load(page, page.get_by_role("button", name="Add a module"))
    assert_accessible(page)

    # A mistake is shown in GOV.UK style and keeps everything typed.
    page.get_by_label("Module code").fill("PL-90")
    page.get_by_label("Title").fill("Curious conversations with families")
    page.get_by_label("Description").fill(
        "A practice day on checking what children's services know."
    )
    page.get_by_label("Delivery mode").select_option(label="Face-to-face")
    page.get_by_label("Duration in hours").fill("three")
    page.get_by_label("Provider").fill("PDU learning and development team")
    page.get_by_label("Cohort size (optional)").fill("14")
    click_and_load(page, page.get_by_role("button", name="Save module"))
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "duration" in summary.inner_text().lower()
    assert page.get_by_label("Title").input_value() == "Curious conversations with families"
    assert page.get_by_label("Cohort size (optional)").input_value() == "14"
    assert_accessible(page)

    page.get_by_label("Duration in hours").fill("3")
    click_and_load(page, page.get_by_role("button", name="Save module"))
    assert page.url.endswith("/training/modules/PL-90/skills")
    assert "Module PL-90 added" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)

    # Map two skills; a to-level below the from-level is refused without losing the choice.
    page.get_by_label("Skill").select_option(label="Safeguarding enquiries")
    page.get_by_label("From level").select_option(label="2 Developing")
    page.get_by_label("To level").select_option(label="2 Developing")
    click_and_load(page, page.get_by_role("button", name="Add skill"))
    assert page.title().startswith("Error: ")
    assert page.get_by_label("Skill").input_value() == "safeguarding-enquiries"
    assert_accessible(page)

    page.get_by_label("To level").select_option(label="3 Competent")
    click_and_load(page, page.get_by_role("button", name="Add skill"))
    page.get_by_label("Skill").select_option(label="Professional curiosity")
    page.get_by_label("From level").select_option(label="1 Not yet competent")
    page.get_by_label("To level").select_option(label="3 Competent")
    click_and_load(page, page.get_by_role("button", name="Add skill"))
    rows = page.locator("#mappings tbody tr")
    assert rows.count() == 2
    assert "Safeguarding enquiries" in rows.nth(0).inner_text()
    assert "Professional curiosity" in rows.nth(1).inner_text()
    assert_accessible(page)

    # Everyone finds the new module by the skill it addresses.
    click_and_load(page, page.get_by_role("link", name="Done: back to the module"))
    assert_accessible(page)
    page.goto("/training/?skill=safeguarding-enquiries")
    assert page.locator("main a[href='/training/modules/PL-90']").count() == 1
    assert_accessible(page)


def test_a_practitioner_adds_a_recommendation_and_books_a_cohort(
    page: Any, live_server: LiveServer
) -> None:
    sign_in(page, ACCOUNTS["practitioner"])
    page.goto("/my-development/plan/")
    assert_accessible(page)

    # A face-to-face recommendation says when its next cohort runs.
    card = (
        page.locator(".govuk-summary-card", has_text="Face-to-face")
        .filter(has_text="next cohort")
        .first
    )
    title = card.locator(".govuk-summary-card__title a").inner_text()
    code = title.split(" ", 1)[0]
    click_and_load(page, card.get_by_role("button", name="Add to my plan"))
    assert "/my-development/plan" in page.url
    assert page.locator(".govuk-notification-banner--success").is_visible()
    row = page.locator("#in-progress-items tbody tr", has_text=code)
    assert "Planned" in row.inner_text()
    assert page.locator(".govuk-summary-card", has_text=title).count() == 0
    assert_accessible(page)

    # Its page lists the upcoming cohorts; the first with a free place is booked.
    click_and_load(page, row.get_by_role("link", name=title))
    assert "In your learning plan" in page.locator("main").inner_text()
    assert_accessible(page)
    with_places = page.locator("#module-cohorts tbody tr", has_text="left").first
    click_and_load(page, with_places.locator("a[href^='/training/cohorts/']"))
    assert_accessible(page)
    click_and_load(page, page.get_by_role("button", name="Book a place"))
    banner = page.locator(".govuk-notification-banner--success")
    assert "You have a place on" in banner.inner_text()
    assert_accessible(page)

    page.goto("/my-development/plan/")
    row = page.locator("#in-progress-items tbody tr", has_text=code)
    assert "Booked" in row.inner_text()
    page.goto("/training/cohorts/")
    assert page.locator("main", has_text="Your bookings").count() == 1
    assert_accessible(page)
