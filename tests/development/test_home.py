"""The "My development" home page: summary, tasks, profile table and feedback."""

from __future__ import annotations

from datetime import timedelta

from learning_app.assessments.models import LearningCycle
from learning_app.profiles.models import SkillProfileRecord
from tests.development.evidence import days_ago


def test_without_evidence_the_page_says_so_kindly(client, people, framework):
    client.sign_in(people.practitioner.email)
    page = client.get_page("/my-development/")
    assert page.h1 == "My development"
    assert "There is no evidence about your skills yet" in page.text
    assert "You have nothing to do right now" in page.text
    # Every skill is listed, grouped by domain, with no numbers yet.
    captions = [c.get_text(strip=True) for c in page.soup.select("table caption")]
    assert captions[:5] == [d.name for d in framework.domains]
    rows = page.table_rows("#domain-a")
    assert rows[0][0].startswith("Risk of serious harm analysis")
    assert "Risk-critical" in rows[0][0]
    assert rows[0][1:6] == ["Not assessed", "Not observed", "No evidence", "3", "Not known"]
    assert "Evidence gap" in rows[0][6]
    assert "feedback is shown once there are 5 responses" in page.text.lower()


def test_without_a_published_framework(client, people):
    client.sign_in(people.practitioner.email)
    page = client.get_page("/my-development/")
    assert "has not been published yet" in page.text
    assert page.soup.select("table") == []


def test_with_evidence_the_biggest_gaps_come_first(client, people, evidence):
    me = people.practitioner
    evidence.self_assessment(
        me,
        {"safeguarding-enquiries": 4, "engagement-skills": 2, "court-reports": 1},
    )
    for days in (40, 100):
        evidence.observation(
            me,
            people.spo,
            days_ago(days),
            ratings={"safeguarding-enquiries": 2, "rosh-analysis": 1, "engagement-skills": 4},
        )
    client.sign_in(me.email)
    page = client.get_page("/my-development/")

    summary = page.soup.select_one("#profile-summary").get_text(" ", strip=True)
    assert "Your biggest gaps" in summary
    items = [li.get_text(" ", strip=True) for li in page.soup.select("#profile-summary li")]
    assert len(items) == 3
    # Risk-critical gaps count double: RoSH (gap 2, x2) then safeguarding (gap 1, x2),
    # then court reports (self-reported 1 against 3: gap 2).
    assert items[0].startswith("Risk of serious harm analysis: level 1.0 from observations")
    assert "risk-critical, so this gap counts double" in items[0]
    assert items[1].startswith("Safeguarding enquiries: level 2.0 from observations")
    assert items[2].startswith("Court reports: level 1 (self-reported) against a target of 3")

    rows = {r[0].split(" Risk-critical")[0]: r for r in page.table_rows("#domain-a")}
    safeguarding = rows["Safeguarding enquiries"]
    assert safeguarding[1:6] == ["4", "2.0", "2.0", "3", "1.0"]
    assert "2 ratings in the last 12 months" in safeguarding[6]
    assert "Evidence gap" not in safeguarding[6]
    assert "Blind spot" in safeguarding[7]
    engagement = {r[0]: r for r in page.table_rows("#domain-c")}["Engagement skills"]
    assert "Under-confidence" in engagement[7]
    court = {r[0]: r for r in page.table_rows("#domain-b")}["Court reports"]
    assert court[3] == "1 (self-reported)"
    assert "Evidence gap" in court[6]
    # Each skill links to its history.
    link = page.soup.select_one("#domain-a a[href='/my-development/skills/safeguarding-enquiries']")
    assert link is not None


def test_no_gaps_gives_a_friendly_message(client, people, evidence):
    levels = {slug: 4 for slug in evidence.skills}
    evidence.self_assessment(people.practitioner, levels)
    client.sign_in(people.practitioner.email)
    page = client.get_page("/my-development/")
    assert "You are at or above the target level in every skill with evidence" in page.text


def test_stored_profile_rows_are_read_as_they_are(client, people, framework, db_session):
    db_session.add(
        SkillProfileRecord(
            practitioner_id=people.practitioner.id,
            skill_slug="victim-focus",
            self_level=3,
            observed_level=1.44,
            evidence_count=3,
            latest_evidence_on=days_ago(3),
            evidence_gap=False,
            level=1.44,
            target=3,
            gap=1.56,
            blind_spot=True,
            priority=3.12,
            as_of=days_ago(0),
        )
    )
    db_session.flush()
    client.sign_in(people.practitioner.email)
    page = client.get_page("/my-development/")
    row = {r[0].split(" Risk-critical")[0]: r for r in page.table_rows("#domain-a")}["Victim focus"]
    assert row[1:6] == ["3", "1.4", "1.4", "3", "1.6"]
    assert "Victim focus: level 1.4 from observations against a target of 3" in page.text


def test_tasks_list_an_open_cycle_and_observations_to_acknowledge(
    client, people, evidence, db_session
):
    cycle = LearningCycle(
        name="Spring learning analysis",
        team_id=people.team.id,
        opens_on=days_ago(5),
        closes_on=days_ago(-20),
    )
    db_session.add(cycle)
    shared = evidence.observation(people.practitioner, people.spo, ratings={"rosh-analysis": 3})
    evidence.observation(
        people.practitioner, people.spo, ratings={"rosh-analysis": 3}, status="acknowledged"
    )
    evidence.observation(people.practitioner, people.spo, status="draft")
    db_session.flush()

    client.sign_in(people.practitioner.email)
    page = client.get_page("/my-development/")
    tasks = page.soup.select("#tasks ~ ul.govuk-task-list li")
    texts = [t.get_text(" ", strip=True) for t in tasks]
    assert len(texts) == 2
    assert "Complete your self-assessment for Spring learning analysis" in texts[0]
    assert "Not yet started" in texts[0]
    assert tasks[0].select_one("a")["href"] == "/self-assessment/"
    assert "To acknowledge" in texts[1]
    assert tasks[1].select_one("a")["href"] == f"/my-development/observations/{shared.id}"
    assert "You have 1 observation to acknowledge" in page.text


def test_feedback_is_shown_from_five_responses(client, people, evidence):
    evidence.feedback(people.practitioner, people.spo, 4)
    client.sign_in(people.practitioner.email)
    page = client.get_page("/my-development/")
    assert "Feedback is shown once there are 5 responses" in page.text
    assert "There are 4 so far" in page.text
    assert page.soup.select_one("#feedback-summary") is None

    evidence.feedback(people.practitioner, people.spo, 1)
    page = client.get_page("/my-development/")
    rows = page.table_rows("#feedback-summary")
    assert rows[0] == ["I felt listened to", "100% of 5"]
    assert rows[1] == ["My views were taken into account", "40% of 5"]
    assert rows[2][1] == "Fewer than 5 answers"


def test_cycle_closing_later_is_not_a_task_yet(client, people, framework, db_session):
    db_session.add(
        LearningCycle(
            name="Future",
            team_id=people.team.id,
            opens_on=days_ago(-3),
            closes_on=days_ago(-3) + timedelta(days=30),
        )
    )
    db_session.flush()
    client.sign_in(people.practitioner.email)
    assert "You have nothing to do right now" in client.get_page("/my-development/").text
