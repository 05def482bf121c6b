"""A practitioner completes a self-assessment through the pages, as a user would."""

from __future__ import annotations

from sqlalchemy import func, select

from learning_app.assessments.models import SelfAssessment
from learning_app.core.audit import AuditEvent
from learning_app.core.events import evidence_changed
from tests.assessments.conftest import domain_data


def _start(client) -> str:
    response = client.submit("/self-assessment/start", form_url="/self-assessment/")
    assert response.status_code == 302
    return response.headers["Location"]


def _has_button(page, text: str) -> bool:
    return any(text in b.get_text(" ", strip=True) for b in page.soup.select("main button"))


def _statuses(page) -> dict[str, str]:
    return {
        item.select_one(
            ".govuk-task-list__name-and-hint a, .govuk-task-list__name-and-hint div"
        ).get_text(" ", strip=True): item.select_one(".govuk-task-list__status").get_text(
            " ", strip=True
        )
        for item in page.soup.select(".govuk-task-list__item")
    }


def test_the_whole_journey(client, db_session, framework, practitioner):
    client.sign_in(practitioner.email)
    start_page = client.get_page("/self-assessment/")
    assert start_page.h1 == "Self-assessment"
    assert "You have not submitted a self-assessment yet" in start_page.text
    assert _has_button(start_page, "Start self-assessment")

    task_url = _start(client)
    tasks = client.get_page(task_url)
    assert tasks.h1.endswith("Your self-assessment")
    statuses = _statuses(tasks)
    domains = framework.domains
    for domain in domains:
        assert statuses[domain.name] == "Not yet started"
    assert statuses["How you like to learn"] == "Not yet started"
    assert statuses["Check and submit"] == "Cannot start yet"
    assert not tasks.soup.find("a", string=lambda s: s and "Check and submit" in s)

    # The first domain, partly: two skills rated, the rest left for later.
    first = domains[0]
    domain_url = f"{task_url}/domains/{first.code.lower()}"
    page = client.get_page(domain_url)
    assert page.h1.endswith(first.name)
    partial = domain_data(first.skills[:2], level=2, confidence="low", comment="Working on it")
    response = client.submit(domain_url, partial)
    assert response.status_code == 302 and response.headers["Location"].endswith(task_url)
    tasks = client.page(client.get(task_url))
    assert _statuses(tasks)[first.name] == "In progress"
    assert f"2 of {len(first.skills)} skills rated" in tasks.text

    # Coming back shows what was saved.
    page = client.get_page(domain_url)
    slug = first.skills[0].slug
    assert page.soup.select_one(f'input[name="{slug}-level"][value="2"]').has_attr("checked")
    assert page.soup.select_one(f'input[name="{slug}-confidence"][value="low"]').has_attr("checked")
    assert page.field_value(f"{slug}-comment").strip() == "Working on it"
    assert not page.soup.select_one(f'input[name="{first.skills[2].slug}-level"][checked]')

    # The index page says there is a draft to continue.
    index = client.get_page("/self-assessment/")
    assert "You have rated 2 of" in index.text
    assert index.soup.find("a", string=lambda s: s and "Continue your self-assessment" in s)

    # Every domain, fully.
    for domain in domains:
        url = f"{task_url}/domains/{domain.code.lower()}"
        response = client.submit(url, domain_data(domain.skills, level=3, confidence="medium"))
        assert response.status_code == 302
    tasks = client.get_page(task_url)
    statuses = _statuses(tasks)
    assert all(statuses[d.name] == "Completed" for d in domains)
    assert statuses["Check and submit"] == "Not yet started"

    # How you like to learn.
    response = client.submit(
        f"{task_url}/how-you-like-to-learn", {"learning_preferences": ["coaching", "shadowing"]}
    )
    assert response.status_code == 302
    assert _statuses(client.get_page(task_url))["How you like to learn"] == "Completed"

    # Check your answers.
    check_url = f"{task_url}/check-your-answers"
    check = client.get_page(check_url)
    assert check.h1.startswith("Check your answers")
    assert "3: Competent" in check.text
    assert "Confidence: Medium" in check.text
    assert "Coaching" in check.text and "Shadowing a colleague" in check.text
    change_links = [a["href"] for a in check.soup.select(".govuk-summary-list__actions a")]
    assert f"{domain_url}#{slug}-level" in change_links
    assert f"{task_url}/how-you-like-to-learn" in change_links

    # Submit: evidence_changed fires for the practitioner.
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs))

    evidence_changed.connect(receiver)
    try:
        response = client.submit(f"{task_url}/submit", form_url=check_url)
    finally:
        evidence_changed.disconnect(receiver)
    assert response.status_code == 302
    assert received == [(practitioner, {"skill_slugs": None})]

    confirmation = client.get_page(response.headers["Location"])
    panel = confirmation.soup.select_one(".govuk-panel")
    assert "Self-assessment submitted" in panel.get_text()
    assert "What happens next" in confirmation.text

    sa = db_session.scalar(
        select(SelfAssessment).where(SelfAssessment.practitioner_id == practitioner.id)
    )
    assert sa.status == "submitted" and sa.submitted_at is not None
    assert len(sa.ratings) == len(framework.skills)
    assert sa.learning_preferences == ["coaching", "shadowing"]
    actions = set(
        db_session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == practitioner.id))
    )
    assert {
        "self_assessment.start",
        "self_assessment.save_domain",
        "self_assessment.save_preferences",
        "self_assessment.submit",
    } <= actions

    # Read-only from now on: the pages show it, changes are refused.
    readonly = client.get_page(task_url)
    assert readonly.h1.startswith("Self-assessment submitted on")
    assert not readonly.soup.select(".govuk-summary-list__actions a")
    assert not readonly.soup.select("main input[type=radio], main textarea")
    assert client.get(domain_url).status_code == 302
    response = client.post(
        domain_url,
        data={
            "csrf_token": client.csrf_token("/self-assessment/"),
            **domain_data(first.skills, level=1),
        },
    )
    assert response.status_code == 404
    response = client.post(
        f"{task_url}/how-you-like-to-learn",
        data={
            "csrf_token": client.csrf_token("/self-assessment/"),
            "learning_preferences": "online",
        },
    )
    assert response.status_code == 404
    again = client.post(
        f"{task_url}/submit", data={"csrf_token": client.csrf_token("/self-assessment/")}
    )
    assert again.status_code == 200
    assert client.page(again).error_summary == ["You have already submitted this self-assessment"]
    db_session.refresh(sa)
    assert {r.level for r in sa.ratings} == {3}
    assert sa.learning_preferences == ["coaching", "shadowing"]

    # The past list links to it, and a new one can be started.
    index = client.get_page("/self-assessment/")
    rows = index.table_rows()
    assert len(rows) == 1 and rows[0][1] == "Not part of a cycle"
    assert index.soup.select_one(f'main table a[href="{task_url}"]')
    assert _has_button(index, "Start self-assessment")


def test_check_answers_cannot_start_until_every_skill_is_rated(client, framework, practitioner):
    client.sign_in(practitioner.email)
    task_url = _start(client)
    response = client.get(f"{task_url}/check-your-answers")
    assert response.status_code == 302 and response.headers["Location"].endswith(task_url)
    # A hand-made POST to submit is refused with the reason, and nothing changes.
    response = client.submit(f"{task_url}/submit", form_url=task_url)
    page = client.page(response)
    assert page.title.startswith("Error: ")
    assert page.error_summary[0].startswith("Rate every skill before you submit")


def test_starting_twice_continues_the_same_draft(client, db_session, framework, practitioner):
    client.sign_in(practitioner.email)
    first = _start(client)
    second = _start(client)
    assert first == second
    count = db_session.scalar(
        select(func.count()).where(SelfAssessment.practitioner_id == practitioner.id)
    )
    assert count == 1


def test_without_a_published_framework_there_is_nothing_to_start(client, practitioner):
    client.sign_in(practitioner.email)
    page = client.get_page("/self-assessment/")
    assert "no skills framework has been published" in page.text
    response = client.submit("/self-assessment/start", form_url="/self-assessment/")
    assert response.status_code == 302
    page = client.get_page("/self-assessment/")
    assert "no skills framework has been published" in page.text
