"""In a real browser: the practitioner writes a proposal, the SPO records the discussion
(first with a mistake) and signs, the practitioner reflects and signs. Every page of
the record passes axe-core."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.core.time import LONDON, london_today, utc_now
from learning_app.extensions import db
from learning_app.reflective.models import Discussion, DiscussionStatus, DueReason
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


def _book_yesterday(live_server: LiveServer) -> tuple[int, str]:
    """A discussion between the demo SPO and one of their practitioners, held yesterday
    at an odd minute (no other booking starts then); returns its id and the
    practitioner's email."""
    with live_server.app.app_context():
        spo = db.session.scalar(select(User).where(User.email == ACCOUNTS["spo"]))
        team_ids = [a.team_id for a in spo.role_assignments if a.role == Role.SPO]
        practitioner = db.session.scalars(
            select(User)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(
                User.team_id.in_(team_ids),
                User.active.is_(True),
                RoleAssignment.role == Role.PRACTITIONER.value,
            )
            .order_by(User.id)
        ).first()
        yesterday = london_today() - timedelta(days=1)
        starts_at = datetime.combine(yesterday, time(7, 13), tzinfo=LONDON)
        discussion = Discussion(
            uid=f"{uuid.uuid4()}@practice-learning",
            dedupe_key=f"browser-test:{uuid.uuid4()}",
            practitioner=practitioner,
            spo=spo,
            reason=DueReason.CADENCE.value,
            rule_code="experienced",
            rule_label="Regular discussion",
            focus_skills=["reflective-practice", "defensible-decisions"],
            earliest_on=yesterday - timedelta(days=7),
            due_on=yesterday + timedelta(days=3),
            status=DiscussionStatus.BOOKED.value,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            created_at=utc_now() - timedelta(days=7),
        )
        db.session.add(discussion)
        db.session.commit()
        found = discussion.id, practitioner.email
        db.session.remove()
    return found


def test_a_discussion_is_recorded_and_signed_off_by_both(
    page: Any, live_server: LiveServer
) -> None:
    discussion_id, practitioner_email = _book_yesterday(live_server)
    record_url = f"/discussions/{discussion_id}/oversight-record"
    yesterday = london_today() - timedelta(days=1)

    sign_in(page, practitioner_email)
    page.goto(f"/discussions/{discussion_id}/proposal")
    assert_accessible(page, "proposal")
    page.get_by_label("Your proposal").fill("Keep the plan; add a contingency for a new partner.")
    click_and_load(page, page.get_by_role("button", name="Save proposal"))
    assert "Your proposal has been saved" in page.content()
    assert_accessible(page, "record page with a proposal")
    sign_out(page)

    sign_in(page, ACCOUNTS["spo"])
    page.goto(f"/discussions/{discussion_id}/record")
    assert_accessible(page, "record form")
    # A mistake first: the summary names it and nothing typed is lost.
    page.get_by_label("What happened").fill("They brought a reasoned proposal.")
    click_and_load(page, page.get_by_role("button", name="Save record"))
    assert page.title().startswith("Error: ")
    assert page.get_by_label("What happened").input_value() == "They brought a reasoned proposal."
    assert_accessible(page, "record form with errors")

    fill_date(page, "Date it took place", yesterday)
    page.get_by_role("group", name="Reflective model used").get_by_label("Driscoll").check()
    page.get_by_label("So what: analysis of risk and the decision").fill("The decision holds.")
    page.get_by_label("Now what: actions").fill("Add the contingency.")
    page.get_by_role("group", name="Reflective practice").get_by_label("3: Competent").check()
    page.get_by_label("Decision 1", exact=True).fill("Keep the plan.")
    page.get_by_label("Rationale for decision 1").fill("Risk is stable.")
    page.get_by_label("Wellbeing check").fill("Workload is manageable.")
    click_and_load(page, page.get_by_role("button", name="Save record"))
    assert "The record has been saved" in page.content(), page.content()[:3000]

    page.goto(f"/discussions/{discussion_id}/sign-off")
    assert_accessible(page, "SPO sign-off")
    click_and_load(page, page.get_by_role("button", name="Sign off the record"))
    assert "You have signed the record" in page.content()
    sign_out(page)

    sign_in(page, practitioner_email)
    page.goto(f"/discussions/{discussion_id}/reflection")
    assert_accessible(page, "reflection")
    page.get_by_label("Your reflection").fill("I will write contingencies first.")
    click_and_load(page, page.get_by_role("button", name="Save reflection"))
    page.goto(f"/discussions/{discussion_id}/sign-off")
    assert_accessible(page, "practitioner sign-off")
    click_and_load(page, page.get_by_role("button", name="Sign off the record"))

    assert page.url.endswith(record_url)
    assert "You have both signed the record" in page.content()
    assert page.locator("#skills-discussed tbody tr").count() == 1
    assert_accessible(page, "signed record")
