"""One skill's history: every rating, self and observed, with its source."""

from __future__ import annotations

from learning_app.observations.models import ObservationType
from tests.development.evidence import days_ago


def test_every_rating_with_its_source_newest_first(client, people, evidence):
    me = people.practitioner
    evidence.self_assessment(me, {"safeguarding-enquiries": 4}, submitted_on=days_ago(200))
    first = evidence.observation(
        me, people.spo, days_ago(150), ratings={"safeguarding-enquiries": 2}
    )
    audit = evidence.observation(
        me,
        people.spo,
        days_ago(30),
        answers=[("da_enquiries", "safeguarding-enquiries", "yes")],
        type=ObservationType.CASE_AUDIT,
    )
    evidence.observation(
        me, people.spo, days_ago(5), ratings={"safeguarding-enquiries": 1}, status="draft"
    )

    client.sign_in(me.email)
    page = client.get_page("/my-development/skills/safeguarding-enquiries")
    assert page.h1 == "Safeguarding enquiries"
    assert page.soup.select_one(".govuk-caption-l").get_text(strip=True) == "Assessment"
    rows = page.table_rows("#history")
    assert [r[2] for r in rows] == [
        "Case record audit",
        "Direct observation of a supervision session",
        "Self-assessment",
    ]
    assert rows[0][1].startswith("3: Competent")
    assert "answer “Yes” counts as level 3" in rows[0][1]
    assert rows[1][1] == "2: Developing"
    assert rows[2][1:] == ["4: Confident, can coach others", "Self-assessment", "Self-assessed"]
    links = [a["href"] for a in page.soup.select("#history a")]
    assert links == [
        f"/my-development/observations/{audit.id}",
        f"/my-development/observations/{first.id}",
    ]
    numbers = page.soup.select_one("#profile-numbers").get_text(" ", strip=True)
    assert "Self level 4" in numbers
    assert "Blind spot" in numbers
    # The descriptors, for reference.
    assert "What each level looks like" in page.text


def test_a_skill_without_ratings(client, people, framework):
    client.sign_in(people.practitioner.email)
    page = client.get_page("/my-development/skills/court-reports")
    assert "There are no ratings of this skill yet" in page.text
    assert "Not assessed" in page.soup.select_one("#profile-numbers").get_text(" ", strip=True)


def test_an_unknown_skill_is_not_found(client, people, framework):
    client.sign_in(people.practitioner.email)
    client.get_page("/my-development/skills/no-such-skill", status=404)
    client.get_page("/my-development/skills/" + "x" * 500, status=404)
    client.get_page("/my-development/skills/Bad%20Slug!", status=404)


def test_no_published_framework_means_no_skill_pages(client, people):
    client.sign_in(people.practitioner.email)
    client.get_page("/my-development/skills/rosh-analysis", status=404)
