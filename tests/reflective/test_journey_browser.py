"""In a real browser, the oversight that replaces countersigning, end to end: a practitioner
logs a high-risk case event and sees a discussion booked with their SPO; they bring their
proposal; the SPO records the discussion and signs; the practitioner reflects and signs; the
record shows which case event it answered, and the profile has the new evidence. Every page on
the way, error pages included, passes axe-core."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from learning_app.core.time import LONDON, london_today
from learning_app.extensions import db
from learning_app.reflective.models import Discussion
from tests.browser.crawl import ACCOUNTS
from tests.browser.fixtures import (
    LiveServer,
    assert_accessible,
    click_and_load,
    fill_date,
    sign_in,
    sign_out,
)

pytestmark = pytest.mark.browser

EVENT = "Risk of serious harm assessed or raised to high or very high"
# A PSO of team 1 (spo1's team). Not practitioner1, whose profile other journeys read.
PRACTITIONER = "practitioner2@demo.test"


def _the_meeting_happens(live_server: LiveServer, discussion_id: int) -> None:
    """The booked time comes: the slot moves to earlier today (at an odd minute no other
    booking uses), as if the test had waited for it."""
    with live_server.app.app_context():
        discussion = db.session.get(Discussion, discussion_id)
        starts_at = datetime.combine(london_today(), time(7, 17), tzinfo=LONDON)
        discussion.starts_at = starts_at
        discussion.ends_at = starts_at + timedelta(hours=1)
        db.session.commit()
        db.session.remove()


def _spo_email(live_server: LiveServer, discussion_id: int) -> str:
    with live_server.app.app_context():
        email = db.session.scalar(
            select(Discussion).where(Discussion.id == discussion_id)
        ).spo.email
        db.session.remove()
    return email


def test_a_high_risk_case_event_is_booked_recorded_and_signed_off_by_both(
    page: Any, live_server: LiveServer
) -> None:
    today = london_today()
    sign_in(page, PRACTITIONER)
    click_and_load(
        page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="Case events")
    )
    assert_accessible(page, "case events")
    click_and_load(page, page.get_by_role("button", name="Log a case event"))
    assert_accessible(page, "log a case event")

    # A mistake first: the summary names each problem and what was typed stays.
    page.get_by_role("group", name="What happened?").get_by_label(EVENT).check()
    page.get_by_label("Case reference (optional)").fill("X12")
    click_and_load(page, page.get_by_role("button", name="Log case event"))
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Select the risk of serious harm level" in summary
    assert "Enter the date it happened" in summary
    assert page.get_by_role("group", name="What happened?").get_by_label(EVENT).is_checked()
    assert page.get_by_label("Case reference (optional)").input_value() == "X12"
    assert_accessible(page, "log a case event with errors")

    page.get_by_role("group", name="Risk of serious harm level").get_by_label(
        "High", exact=True
    ).check()
    fill_date(page, "Date it happened", today)
    page.get_by_label("Case reference (optional)").fill("x123456")
    click_and_load(page, page.get_by_role("button", name="Log case event"))

    banner = page.locator(".govuk-notification-banner").inner_text()
    assert re.search(r"Reflective discussion booked for \w+day \d+ \w+ \d{4} at ", banner), banner
    match = re.search(r"/discussions/(\d+)$", page.url)
    assert match, page.url
    discussion_id = int(match.group(1))
    spo_email = _spo_email(live_server, discussion_id)
    assert spo_email == ACCOUNTS["spo"]
    assert "Booked" in page.locator("main").inner_text()
    assert EVENT in page.locator("main").inner_text()
    assert_accessible(page, "the booked discussion")

    # Before the meeting the practitioner writes their own proposal.
    click_and_load(page, page.get_by_role("link", name="Write your proposal"))
    assert_accessible(page, "proposal")
    page.get_by_label("Your proposal").fill(
        "Raise the risk to high, request police domestic abuse information today and "
        "add a contingency for contact with the children."
    )
    click_and_load(page, page.get_by_role("button", name="Save proposal"))
    assert "Your proposal has been saved" in page.content()
    sign_out(page)

    _the_meeting_happens(live_server, discussion_id)

    # The SPO records the discussion in the reflective structure, then signs.
    sign_in(page, spo_email)
    click_and_load(
        page,
        page.get_by_role("navigation", name="Menu").get_by_role(
            "link", name="Reflective discussions"
        ),
    )
    assert_accessible(page, "the SPO's discussions")
    page.goto(f"/discussions/{discussion_id}")
    click_and_load(page, page.get_by_role("link", name="Record the discussion"))
    # The practitioner's proposal is in front of the SPO as they write.
    assert "Raise the risk to high" in page.locator("main").inner_text()
    assert_accessible(page, "record form")
    fill_date(page, "Date it took place", today)
    page.get_by_role("group", name="Reflective model used").get_by_label("Gibbs").check()
    page.get_by_label("What happened").fill("A high risk assessment after a new partner moved in.")
    page.get_by_label("So what: analysis of risk and the decision").fill(
        "The proposal is sound; the children's exposure needs checking with the hub."
    )
    page.get_by_label("Now what: actions").fill("Chase the enquiries; review in two weeks.")
    page.get_by_role("group", name="Risk of serious harm analysis").get_by_label(
        "3: Competent"
    ).check()
    page.get_by_role("group", name="Safeguarding enquiries").get_by_label("2: Developing").check()
    page.get_by_label("Decision 1", exact=True).fill("Keep the risk level at high.")
    page.get_by_label("Rationale for decision 1").fill("Risk factors are current and named.")
    page.get_by_label("Wellbeing check").fill("Workload is heavy this month; support agreed.")
    click_and_load(page, page.get_by_role("button", name="Save record"))
    assert "The record has been saved" in page.content()
    click_and_load(page, page.get_by_role("link", name="Sign off the record"))
    assert_accessible(page, "SPO sign-off")
    click_and_load(page, page.get_by_role("button", name="Sign off the record"))
    assert "You have signed the record" in page.content()
    sign_out(page)

    # The practitioner adds their reflection and signs: the record is complete.
    sign_in(page, PRACTITIONER)
    page.goto(f"/discussions/{discussion_id}")
    click_and_load(page, page.get_by_role("link", name="Add your reflection"))
    page.get_by_label("Your reflection").fill("I will ask for the checks before I decide.")
    click_and_load(page, page.get_by_role("button", name="Save reflection"))
    page.goto(f"/discussions/{discussion_id}/sign-off")
    click_and_load(page, page.get_by_role("button", name="Sign off the record"))
    assert page.url.endswith(f"/discussions/{discussion_id}/oversight-record")
    record = page.locator("main").inner_text()
    assert "You have both signed the record" in page.content()
    # An inspector can follow it: the case event it answered, when it was due, when held.
    assert EVENT in record
    assert "X123456" in record  # shown to the practitioner and their SPO only
    assert "Keep the risk level at high." in record
    assert_accessible(page, "the signed record")

    # It counts as a reflective-discussion observation, so the profile has new evidence.
    page.goto("/my-development/observations")
    assert "Reflective discussion" in page.locator("main").inner_text()
    assert_accessible(page, "observations with the discussion")
