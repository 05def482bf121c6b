"""Observations about me: the list, the detail page, acknowledging, reflecting and
disagreeing with a rating (the right of reply)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learning_app.core.audit import AuditEvent
from learning_app.observations.models import Observation, ObservationType, RatingReply
from tests.development.evidence import days_ago


@pytest.fixture
def shared(people, evidence) -> Observation:
    return evidence.observation(
        people.practitioner,
        people.spo,
        days_ago(12),
        ratings={"safeguarding-enquiries": 2, "rosh-analysis": 3, "victim-focus": None},
        answers=[("da_enquiries", "safeguarding-enquiries", "no")],
        type=ObservationType.CASE_AUDIT,
        case_reference="X123456",
        actions=[("Request police information within 5 days", days_ago(-14))],
    )


def url(observation: Observation, suffix: str = "") -> str:
    return f"/my-development/observations/{observation.id}{suffix}"


def test_the_list_shows_shared_and_acknowledged_observations_never_drafts(
    client, people, evidence, shared
):
    acknowledged = evidence.observation(
        people.practitioner, people.spo, days_ago(60), status="acknowledged"
    )
    evidence.observation(people.practitioner, people.spo, days_ago(2), status="draft")
    evidence.observation(people.colleague, people.spo, days_ago(3))

    client.sign_in(people.practitioner.email)
    page = client.get_page("/my-development/observations")
    rows = page.table_rows("#observations")
    assert len(rows) == 2
    assert rows[0][1].startswith("Case record audit")
    assert rows[0][2:] == ["Sam Senior", "To acknowledge"]
    assert rows[1][3] == "Acknowledged"
    links = [a["href"] for a in page.soup.select("#observations a")]
    assert links == [url(shared), url(acknowledged)]


def test_the_list_when_there_are_none(client, people, framework):
    client.sign_in(people.practitioner.email)
    page = client.get_page("/my-development/observations")
    assert "There are no observations about you yet" in page.text


def test_the_detail_page_shows_the_whole_observation(client, people, shared):
    client.sign_in(people.practitioner.email)
    page = client.get_page(url(shared))
    assert page.h1 == "Case record audit"
    assert "To acknowledge" in page.text
    summary = page.soup.select_one("#summary").get_text(" ", strip=True)
    assert "Sam Senior (Senior probation officer)" in summary
    assert "X123456" in summary  # the case reference is shown on the observation itself
    ratings = page.table_rows("#ratings-table")
    # Framework order, and "not seen" last.
    assert [r[0] for r in ratings] == [
        "Risk of serious harm analysis",
        "Safeguarding enquiries",
        "Victim focus",
    ]
    by_skill = {r[0]: r for r in ratings}
    assert by_skill["Safeguarding enquiries"][1] == "2: Developing"
    assert by_skill["Victim focus"][1:] == ["Not seen", "Not applicable"]
    answers = page.table_rows("#answers")
    assert answers[0][0].startswith("Were domestic abuse enquiries made")
    assert answers[0][1:] == ["No", "Safeguarding enquiries"]
    assert "Clear, structured session plan." in page.text
    assert "Check police domestic abuse information sooner." in page.text
    assert page.table_rows("#actions")[0][0] == "Request police information within 5 days"
    assert page.soup.select_one("#acknowledge").get_text(strip=True) == "Acknowledge"


def test_acknowledging_once_and_twice(client, people, shared, db_session):
    client.sign_in(people.practitioner.email)
    response = client.submit(url(shared, "/acknowledge"), form_url=url(shared))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(shared))
    page = client.get_page(url(shared))
    assert "You have acknowledged this observation" in page.text
    assert "Acknowledged" in page.text
    assert page.soup.select_one("#acknowledge") is None
    db_session.refresh(shared)
    acknowledged_at = shared.acknowledged_at
    assert shared.status == "acknowledged"

    # A second POST (a double click, an old tab) changes nothing and shows no error.
    token = client.csrf_token(url(shared, "/reflection"))
    response = client.post(url(shared, "/acknowledge"), data={"csrf_token": token})
    assert response.status_code == 302
    db_session.refresh(shared)
    assert shared.acknowledged_at == acknowledged_at
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "observation.acknowledge")
    ).all()
    assert len(events) == 1


def test_adding_and_changing_a_reflection(client, people, shared):
    client.sign_in(people.practitioner.email)
    page = client.get_page(url(shared, "/reflection"))
    assert page.h1 == "Add your reflection"
    response = client.submit(
        url(shared, "/reflection"), {"reflection": "I will ask for police checks at allocation."}
    )
    assert response.status_code == 302
    page = client.get_page(url(shared))
    assert "I will ask for police checks at allocation." in page.text
    assert "Change your reflection" in page.text
    # The form opens with what was saved.
    page = client.get_page(url(shared, "/reflection"))
    assert page.field_value("reflection") == "I will ask for police checks at allocation."


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your reflection"),
        ("x" * 2001, "Your reflection must be 2000 characters or fewer"),
        (
            "We met at his flat in LE1 6AA.",
            "Your reflection looks like it includes personal details of a person on probation",
        ),
    ],
    ids=["empty", "too-long", "postcode"],
)
def test_a_bad_reflection_is_refused_and_kept(client, people, shared, typed, message):
    client.sign_in(people.practitioner.email)
    response = client.submit(url(shared, "/reflection"), {"reflection": typed})
    assert response.status_code == 200
    page = client.page(response)
    assert page.title.startswith("Error: ")
    assert page.error_summary[0].startswith(message)
    assert page.inline_errors[0].startswith(message)
    assert page.field_value("reflection") == typed


def test_disagreeing_with_a_rating_shows_the_reply_beside_it(client, people, shared, db_session):
    client.sign_in(people.practitioner.email)
    safeguarding = next(r.skill for r in shared.ratings if r.skill.slug == "safeguarding-enquiries")
    page = client.get_page(url(shared))
    link = page.soup.select_one(f"#ratings-table a[href$='skill={safeguarding.id}']")
    assert "Disagree with the rating of Safeguarding enquiries" in link.get_text(" ", strip=True)

    page = client.get_page(link["href"])
    assert page.h1.endswith("Disagree with a rating")
    assert page.field_value("skill") == str(safeguarding.id)
    # Only ratings with a level are offered ("not seen" is not a rating).
    options = [o.get_text(strip=True) for o in page.soup.select("select[name=skill] option")]
    assert options == [
        "Select a rating",
        "Risk of serious harm analysis: rated 3 (Competent)",
        "Safeguarding enquiries: rated 2 (Developing)",
    ]

    response = client.submit(
        url(shared, "/disagree"),
        {"skill": str(safeguarding.id), "reason": "The checks were requested on day 2."},
    )
    assert response.status_code == 302
    page = client.get_page(url(shared))
    row = {r[0]: r for r in page.table_rows("#ratings-table")}["Safeguarding enquiries"]
    assert row[1] == "2: Developing"
    assert row[2].startswith("You disagree: The checks were requested on day 2.")
    assert db_session.scalar(select(RatingReply).where(RatingReply.observation_id == shared.id))

    # One reply per rating: the replied rating is no longer offered.
    page = client.get_page(url(shared, "/disagree"))
    options = [o.get_text(strip=True) for o in page.soup.select("select[name=skill] option")]
    assert options == ["Select a rating", "Risk of serious harm analysis: rated 3 (Competent)"]


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter why you disagree with the rating"),
        ("y" * 2001, "Your reason must be 2000 characters or fewer"),
        ("Mrs Khan said so, postcode LE2 7QT", "Your reason looks like it includes personal"),
    ],
    ids=["empty", "too-long", "personal-data"],
)
def test_a_bad_reply_is_refused_and_kept(client, people, shared, reason, message):
    client.sign_in(people.practitioner.email)
    skill_id = str(shared.ratings[0].skill_id)
    response = client.submit(url(shared, "/disagree"), {"skill": skill_id, "reason": reason})
    assert response.status_code == 200
    page = client.page(response)
    assert page.title.startswith("Error: ")
    assert page.error_summary[0].startswith(message)
    assert page.field_value("reason") == reason
    assert page.field_value("skill") == skill_id


@pytest.mark.parametrize("skill", ["", "abc", "999999999999", "-1"])
def test_a_missing_or_odd_skill_is_refused(client, people, shared, skill):
    client.sign_in(people.practitioner.email)
    response = client.submit(url(shared, "/disagree"), {"skill": skill, "reason": "Because."})
    page = client.page(response)
    assert response.status_code == 200
    assert page.error_summary[0] in (
        "Select the rating you disagree with",
        "Select a rating from the list",
    )
    assert page.field_value("reason") == "Because."


def test_a_not_seen_skill_cannot_be_replied_to(client, people, shared):
    not_seen = next(r.skill_id for r in shared.ratings if r.level is None)
    client.sign_in(people.practitioner.email)
    response = client.submit(url(shared, "/disagree"), {"skill": str(not_seen), "reason": "No."})
    assert response.status_code == 200
    assert client.page(response).error_summary == ["Select a rating from the list"]


def test_html_in_a_reflection_is_shown_as_text(client, people, shared):
    client.sign_in(people.practitioner.email)
    typed = "<script>alert(1)</script> I <b>will</b> chase checks."
    client.submit(url(shared, "/reflection"), {"reflection": typed}, status=302)
    page = client.get_page(url(shared))
    assert page.soup.select("main script") == []
    assert typed in page.text
