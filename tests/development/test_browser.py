"""In a real browser: the practitioner acknowledges an observation and disagrees with one
rating; the SPO sorts their team and opens a profile. Every page passes axe-core,
error pages included."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from learning_app.accounts.models import User
from learning_app.extensions import db
from learning_app.framework.queries import published_version
from learning_app.observations.models import Observation, ObservationRating, ObservationType
from tests.browser.crawl import ACCOUNTS
from tests.browser.fixtures import (
    LiveServer,
    assert_accessible,
    click_and_load,
    sign_in,
)
from tests.development.evidence import noon

pytestmark = pytest.mark.browser


def shared_observation(live_server: LiveServer) -> int:
    """A case audit of practitioner1 by spo1, shared today, with two ratings."""
    with live_server.app.app_context():
        practitioner = db.session.scalar(select(User).where(User.email == ACCOUNTS["practitioner"]))
        spo = db.session.scalar(select(User).where(User.email == ACCOUNTS["spo"]))
        version = published_version()
        skills = {s.slug: s for s in version.skills}
        observed_on = date.today() - timedelta(days=1)
        observation = Observation(
            practitioner_id=practitioner.id,
            observer_id=spo.id,
            observer_role="spo",
            type=ObservationType.CASE_AUDIT.value,
            observed_on=observed_on,
            status="shared",
            framework_version_id=version.id,
            details={},
            strengths="Risk analysis names who is at risk and when.",
            development_points="Chase children's services checks before the plan is agreed.",
            shared_at=noon(observed_on),
            ratings=[
                ObservationRating(skill_id=skills["rosh-analysis"].id, level=3),
                ObservationRating(skill_id=skills["safeguarding-enquiries"].id, level=1),
            ],
        )
        db.session.add(observation)
        db.session.commit()
        observation_id = observation.id
        db.session.remove()
    return observation_id


def test_acknowledge_and_disagree_with_a_rating(page: Any, live_server: LiveServer) -> None:
    observation_id = shared_observation(live_server)
    detail = f"/my-development/observations/{observation_id}"
    sign_in(page, ACCOUNTS["practitioner"])

    page.goto("/my-development/")
    assert_accessible(page)
    click_and_load(page, page.locator(f"#tasks ~ ul a[href='{detail}']"))
    assert page.url.endswith(detail)
    assert_accessible(page)

    click_and_load(page, page.get_by_role("button", name="Acknowledge"))
    assert page.url.endswith(detail)
    assert page.locator(".govuk-notification-banner--success").is_visible()
    assert page.get_by_role("button", name="Acknowledge").count() == 0

    click_and_load(
        page, page.get_by_role("link", name="Disagree with the rating of Safeguarding enquiries")
    )
    assert_accessible(page)
    click_and_load(page, page.get_by_role("button", name="Send your reply"))  # no reason given
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)

    page.get_by_label("Why do you disagree?").fill("The enquiry was made on day two.")
    click_and_load(page, page.get_by_role("button", name="Send your reply"))
    assert detail in page.url
    row = page.locator("#ratings-table tr", has_text="Safeguarding enquiries")
    assert "You disagree: The enquiry was made on day two." in row.inner_text()

    click_and_load(page, page.get_by_role("button", name="Add your reflection"))
    assert_accessible(page)
    page.goto("/my-development/observations")
    assert_accessible(page)
    page.goto("/my-development/skills/safeguarding-enquiries")
    assert_accessible(page)


def test_the_spo_sorts_the_team_and_opens_a_profile(page: Any, live_server: LiveServer) -> None:
    sign_in(page, ACCOUNTS["spo"])
    page.goto("/my-team/")
    assert_accessible(page)
    page.locator("#team thead a", has_text="Blind spots").click()
    page.wait_for_url("**/my-team/?sort=blind_spots&order=desc")
    assert page.locator("#team th[aria-sort='descending']").inner_text().startswith("Blind spots")
    assert_accessible(page)
    page.locator("#team tbody a").first.click()
    page.wait_for_url("**/my-team/practitioners/*")
    assert_accessible(page)
    click_and_load(page, page.locator("main table a[href*='/skills/']").first)
    assert_accessible(page)
