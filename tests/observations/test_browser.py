"""In a real browser: an SPO records a case audit, shares it, and the practitioner sees it.
Every page passes axe-core."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from learning_app.accounts.models import User
from learning_app.extensions import db
from learning_app.observations.models import AuditAnswer, Observation
from tests.browser.crawl import ACCOUNTS
from tests.browser.fixtures import (
    LiveServer,
    assert_accessible,
    click_and_load,
    sign_in,
)

pytestmark = pytest.mark.browser

STRENGTHS = "Analysis of risk names who is at risk, how soon and why; sources are cited."


def test_spo_records_and_shares_a_case_audit(page: Any, live_server: LiveServer) -> None:
    with live_server.app.app_context():
        practitioner = db.session.scalar(
            select(User).where(User.email == "practitioner3@demo.test")
        )
        practitioner_id = practitioner.id
        db.session.remove()

    sign_in(page, ACCOUNTS["spo"])
    page.goto("/observations/new")
    assert_accessible(page)
    page.select_option("select[name='practitioner']", str(practitioner_id))
    page.check("input[name='type'][value='case-audit']")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/observations/new/{practitioner_id}/case-audit")
    assert_accessible(page)

    # Sharing without the required fields shows GOV.UK errors and keeps what was typed.
    page.fill("textarea[name='strengths']", STRENGTHS)
    page.get_by_role("button", name="Save and share with the practitioner").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.title().startswith("Error: ")
    assert page.input_value("textarea[name='strengths']") == STRENGTHS
    assert_accessible(page)

    observed = date.today() - timedelta(days=2)
    page.fill("#observed_on-day", str(observed.day))
    page.fill("#observed_on-month", str(observed.month))
    page.fill("#observed_on-year", str(observed.year))
    page.check("input[name='detail-audit-kind'][value='thematic']")
    page.check("input[name='detail-holder-grade'][value='PO']")
    page.locator("input[name='detail-rosh-band']").first.check()
    page.check("input[name='detail-mappa'][value='none']")
    page.check("input[name='detail-overall'][value='insufficient']")
    page.check("input[name='answer-da-enquiries'][value='yes']")
    page.check("input[name='answer-child-safeguarding-enquiries'][value='no']")
    page.check("input[name='rating-safeguarding-enquiries'][value='2']")
    page.get_by_role("button", name="Save and share with the practitioner").click()
    page.wait_for_url("**/share")
    assert_accessible(page)
    page.get_by_role("button", name="Share with the practitioner").click()
    page.wait_for_url("**/shared")
    assert_accessible(page)

    with live_server.app.app_context():
        observation = db.session.scalars(
            select(Observation)
            .where(Observation.practitioner_id == practitioner_id)
            .order_by(Observation.id.desc())
        ).first()
        assert observation.status == "shared" and observation.strengths == STRENGTHS
        answers = {
            a.question_key: a.answer
            for a in db.session.scalars(
                select(AuditAnswer).where(AuditAnswer.observation_id == observation.id)
            )
        }
        observation_id = observation.id
        db.session.remove()
    assert answers["da_enquiries"] == "yes" and answers["child_safeguarding_enquiries"] == "no"

    # The practitioner sees it, shared, in their list.
    click_and_load(page, page.get_by_role("button", name="Sign out"))
    sign_in(page, "practitioner3@demo.test")
    page.goto("/my-development/observations")
    assert page.locator(f"a[href='/my-development/observations/{observation_id}']").count() == 1
    assert_accessible(page)
