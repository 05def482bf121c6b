"""The oversight record pages in use: the journey from proposal to both sign-offs, what
each page says about the order, and bad input on every form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learning_app.observations.models import Observation
from learning_app.reflective.models import DiscussionStatus
from tests.reflective.recording_helpers import (
    TODAY,
    date_parts,
    fully_signed,
    held_discussion,
    make_people,
    record_form,
    signed_by_spo,
)


@pytest.fixture
def people(factories, reflective_team, published_framework):
    return make_people(factories, reflective_team)


@pytest.fixture
def discussion(db_session, people):
    return held_discussion(db_session, people)


def url(discussion, route: str) -> str:
    return f"/discussions/{discussion.id}/{route}"


def observations_of(session, practitioner) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Observation)
        .where(Observation.practitioner_id == practitioner.id)
    )


# The proposal ----------------------------------------------------------------------------


def test_the_practitioner_writes_their_proposal(client, db_session, people, discussion):
    client.sign_in(people.practitioner.email)
    page = client.get_page(url(discussion, "proposal"))
    assert page.h1.endswith("Your proposal")
    assert "They can change it until the SPO records the discussion" in page.text

    response = client.submit(url(discussion, "proposal"), {"proposal": "Raise it to high."})
    assert response.headers["Location"] == url(discussion, "oversight-record")
    page = client.get_page(url(discussion, "oversight-record"))
    assert "Your proposal has been saved" in page.text
    assert "Raise it to high." in page.text
    assert "Change your proposal" in page.text
    assert client.get_page(url(discussion, "proposal")).field_value("proposal") == (
        "Raise it to high."
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter your proposal"),
        ("x" * 3001, "Your proposal must be 3,000 characters or fewer"),
        ("<a href=x>link</a>", "Your proposal must not include HTML"),
        ("Spoke to Mr Patel about it", "looks like it includes personal details"),
        ("Born on 12/03/1987", "looks like it includes personal details"),
    ],
)
def test_a_bad_proposal_gets_an_error_and_keeps_the_text(
    client, db_session, people, discussion, text, message
):
    client.sign_in(people.practitioner.email)
    response = client.submit(url(discussion, "proposal"), {"proposal": text}, status=200)
    page = client.page(response)

    assert page.title.startswith("Error: ")
    assert any(message in error for error in page.error_summary)
    assert page.field_value("proposal") == text
    db_session.expire_all()
    assert discussion.proposal is None


def test_the_proposal_page_says_when_it_can_no_longer_change(client, db_session, people):
    discussion = held_discussion(db_session, people)
    signed_by_spo(db_session, people, discussion)
    client.sign_in(people.practitioner.email)
    page = client.get_page(url(discussion, "proposal"))
    assert "can no longer be changed" in page.soup.select_one("#unavailable-reason").text
    response = client.submit(url(discussion, "proposal"), {"proposal": "Late"}, form_url="/home")
    assert response.status_code == 200
    assert discussion.proposal is None


# The SPO's record ------------------------------------------------------------------------


def test_the_record_form_asks_the_focus_skills_first(
    client, people, discussion, published_framework
):
    client.sign_in(people.spo.email)
    page = client.get_page(url(discussion, "record"))
    skill_names = {skill.name for skill in published_framework.skills}
    legends = [legend.get_text(strip=True) for legend in page.soup.select("legend")]
    ratings = [legend for legend in legends if legend in skill_names]

    assert ratings[:3] == [
        "Risk of serious harm analysis",
        "Safeguarding enquiries",
        "Risk management planning",
    ]
    assert sorted(ratings) == sorted(skill_names)
    assert "Discussed, not rated" in page.text
    assert "Signing freezes the SPO’s part" in page.text


def test_the_spo_records_and_the_record_page_shows_it(client, db_session, people, discussion):
    client.sign_in(people.spo.email)
    response = client.submit(url(discussion, "record"), record_form())
    assert response.status_code == 302, client.page(response).error_summary

    page = client.get_page(url(discussion, "oversight-record"))
    assert "The record has been saved" in page.text
    assert discussion.status == DiscussionStatus.RECORDED
    assert page.table_rows("#skills-discussed") == [
        ["Risk of serious harm analysis", "3: Competent"],
        ["Safeguarding enquiries", "Discussed, not rated"],
    ]
    assert page.table_rows("#decisions") == [
        ["Keep the risk level at high.", "New information supports it."]
    ]
    [action] = page.table_rows("#actions")
    assert action[:2] == [
        "Rewrite the contingency plan",
        f"Practitioner ({people.practitioner.name})",
    ]
    assert "Kolb" in page.text and "Workload is high but manageable." in page.text
    assert [a.get_text(strip=True) for a in page.soup.select("#record-links a")] == [
        "Change the record",
        "Sign off the record",
    ]

    # Until the SPO signs, the form comes back filled in to change it.
    form = client.get_page(url(discussion, "record"))
    assert form.field_value("what_happened") == record_form()["what_happened"]
    assert form.soup.select_one('input[name="rating-rosh-analysis"][value="3"]').has_attr("checked")


ODD_DATE = ["31", "2", "2026"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"held_on": None}, "Enter the date the discussion took place"),
        ({"held_on": ["1", "", ""]}, "Date it took place must include a month and year"),
        ({"held_on": ODD_DATE}, "Date it took place must be a real date"),
        ({"held_on": ["a", "b", "c"]}, "Date it took place must be a real date"),
        (
            {"held_on": date_parts(TODAY + timedelta(days=1))},
            "must be today or in the past",
        ),
        (
            {"held_on": date_parts(TODAY - timedelta(days=20))},
            "when the discussion was booked",
        ),
        ({"reflective_model": None}, "Select the reflective model used"),
        ({"reflective_model": "freud"}, "Select the reflective model used"),
        ({"what_happened": ""}, "Enter what happened"),
        ({"so_what": "y" * 3001}, "So what must be 3,000 characters or fewer"),
        ({"now_what": "<b>bold</b>"}, "Now what must not include HTML"),
        ({"wellbeing_check": "Met at LE1 6AA"}, "The wellbeing check looks like it includes"),
        ({"rating-rosh-analysis": "7"}, "Select a level for Risk of serious harm analysis"),
        (
            {"rating-rosh-analysis": "not-discussed", "rating-safeguarding-enquiries": None},
            "Rate at least one skill you discussed",
        ),
        ({"decisions-0-decision": None, "decisions-0-rationale": None}, "at least one decision"),
        ({"decisions-0-rationale": ""}, "Enter the rationale for the decision"),
        ({"decisions-1-rationale": "A reason alone"}, "Enter the decision, or remove"),
        ({"decisions-5-decision": "A sixth"}, "Enter no more than 5 decisions"),
        ({"actions-7-text": "An eighth"}, "Enter no more than 5 actions"),
        ({"actions-0-owner": None}, "Select who will do the action"),
        ({"actions-0-owner": "manager"}, "Select who will do the action"),
        ({"actions-0-due_on": None}, "Enter a due date for the action"),
        ({"actions-0-due_on": ["soon", "", ""]}, "Due date must include a month and year"),
        ({"actions-0-due_on": ODD_DATE}, "Due date must be a real date"),
        (
            {"actions-0-due_on": date_parts(TODAY - timedelta(days=5))},
            "on or after the date the discussion took place",
        ),
        ({"actions-1-owner": "spo"}, "Enter the action, or remove who will do it"),
    ],
)
def test_bad_input_on_the_record_gets_an_error_and_keeps_the_rest(
    client, db_session, people, discussion, overrides, message
):
    client.sign_in(people.spo.email)
    response = client.submit(url(discussion, "record"), record_form(**overrides), status=200)
    page = client.page(response)

    assert page.title.startswith("Error: ")
    assert any(message in error for error in page.error_summary), page.error_summary
    typed = record_form(**overrides)
    for name in ("what_happened", "so_what", "decisions-0-decision", "actions-0-text"):
        if name in typed:
            assert page.field_value(name) == typed[name]
    db_session.expire_all()
    assert discussion.status == DiscussionStatus.BOOKED and discussion.recorded_at is None


def test_an_empty_post_to_the_record_gets_errors_not_a_crash(client, people, discussion):
    client.sign_in(people.spo.email)
    page = client.page(client.submit(url(discussion, "record"), {}, status=200))
    assert "Enter the date the discussion took place" in page.error_summary
    assert "Enter what happened" in page.error_summary


@pytest.mark.parametrize(
    "odd",
    [
        {"held_on": ["1", "2", "2026", "4", "5"]},
        {"held_on": "12"},
        {"reflective_model": ["gibbs", "kolb"]},
        {"rating-rosh-analysis": ["3", "4"]},
        {"rating-rosh-analysis": ""},
        {"decisions-abc-decision": "Odd", "decisions--1-decision": "Odd"},
        {"decisions-99999999999999999999-decision": "Far away"},
        {"actions-0-owner": ["spo", "practitioner"]},
        {"actions-0-due_on": ["1", "1", "99999"]},
        {"actions-0-due_on": ["0", "0", "0"]},
        {"what_happened": "A\x00B"},
    ],
)
def test_odd_posts_to_the_record_never_crash(client, people, discussion, odd):
    client.sign_in(people.spo.email)
    response = client.submit(url(discussion, "record"), record_form(**odd))
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("route", ["proposal", "record"])
def test_a_nul_character_is_taken_out_on_both_databases(client, people, discussion, route):
    """PostgreSQL cannot store a NUL: the service takes it out of every submitted field."""
    who, data, column, saved = {
        "proposal": (people.practitioner, {"proposal": "Plan\x00"}, "proposal", "Plan"),
        "record": (people.spo, record_form(what_happened="A\x00B"), "what_happened", "AB"),
    }[route]
    client.sign_in(who.email)
    assert client.submit(url(discussion, route), data).status_code == 302
    assert getattr(discussion, column) == saved


def test_an_unknown_skill_in_the_post_is_ignored(client, db_session, people, discussion):
    client.sign_in(people.spo.email)
    data = record_form(**{"rating-no-such-skill": "3", "held_on-extra": "x"})
    assert client.submit(url(discussion, "record"), data).status_code == 302
    assert {r.skill.slug for r in discussion.ratings} == {
        "rosh-analysis",
        "safeguarding-enquiries",
    }


def test_the_record_page_says_when_it_can_be_recorded(client, db_session, people):
    discussion = held_discussion(db_session, people, slot_day=TODAY + timedelta(days=3))
    client.sign_in(people.spo.email)
    page = client.get_page(url(discussion, "record"))
    day = TODAY + timedelta(days=3)
    assert f"You can record it from {day.day} {day:%B %Y}" in page.text
    response = client.submit(url(discussion, "record"), record_form(), form_url="/home")
    assert response.status_code == 200 and discussion.recorded_at is None


# Reflection and sign-off ----------------------------------------------------------------------


def test_the_practitioner_reflects_only_after_the_spo_signs(client, db_session, people, discussion):
    client.sign_in(people.spo.email)
    client.submit(url(discussion, "record"), record_form())
    client.sign_out()
    client.sign_in(people.practitioner.email)
    page = client.get_page(url(discussion, "reflection"))
    assert "once your SPO has recorded and signed" in page.text
    assert client.get_page(url(discussion, "sign-off")).soup.select_one("#cannot-sign")


def test_the_whole_journey_to_both_signatures(client, db_session, people, discussion):
    client.sign_in(people.spo.email)
    client.submit(url(discussion, "record"), record_form())
    page = client.get_page(url(discussion, "sign-off"))
    assert "What signing means" in page.text
    assert "you cannot change your part of the record" in page.text
    response = client.submit(url(discussion, "sign-off"))
    assert response.headers["Location"] == url(discussion, "oversight-record")
    assert "You have signed the record" in client.get_page(response.headers["Location"]).text
    client.get_page(url(discussion, "record"))  # says why it cannot be changed
    client.sign_out()

    client.sign_in(people.practitioner.email)
    client.submit(url(discussion, "reflection"), {"reflection": "I will plan for contingencies."})
    page = client.get_page(url(discussion, "sign-off"))
    assert "nobody can change the record" in page.text
    client.submit(url(discussion, "sign-off"), status=302)

    page = client.get_page(url(discussion, "oversight-record"))
    assert "You have both signed the record" in page.text
    assert "Both have signed the record. It is read-only." in page.text
    [spo_row, practitioner_row] = [
        row.get_text(" ", strip=True)
        for row in page.soup.select("#sign-offs .govuk-summary-list__row")
    ]
    assert f"{people.spo.name}: signed on" in spo_row
    assert f"{people.practitioner.name}: signed on" in practitioner_row
    assert page.soup.select_one("#record-links") is None  # nothing left to do
    assert discussion.status == DiscussionStatus.SIGNED
    assert observations_of(db_session, people.practitioner) == 1
    # The observation it became opens from the record, for both of them.
    mine = page.soup.select_one("#observation a")["href"]
    assert mine == f"/my-development/observations/{discussion.observation_id}"
    assert "Reflective discussion" in client.get_page(mine).text
    client.sign_out()
    client.sign_in(people.spo.email)
    page = client.get_page(url(discussion, "oversight-record"))
    theirs = page.soup.select_one("#observation a")["href"]
    assert theirs == f"/observations/{discussion.observation_id}"
    client.get_page(theirs)


def test_sign_off_submitted_twice_makes_one_observation(client, db_session, people, discussion):
    signed_by_spo(db_session, people, discussion)
    client.sign_in(people.practitioner.email)
    client.submit(url(discussion, "reflection"), {"reflection": "Thoughts."})
    token_page = url(discussion, "sign-off")
    first = client.submit(token_page, status=302)
    second = client.submit(token_page, form_url=url(discussion, "oversight-record"), status=302)

    assert first.headers["Location"] == second.headers["Location"]
    page = client.get_page(second.headers["Location"])
    assert "cannot be changed" in page.text
    assert observations_of(db_session, people.practitioner) == 1


def test_sign_off_without_the_form_token_is_refused(client, db_session, people, discussion):
    signed_by_spo(db_session, people, discussion)
    client.sign_in(people.practitioner.email)
    assert client.post(url(discussion, "sign-off"), data={}).status_code == 400


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter your reflection"),
        ("z" * 3001, "Your reflection must be 3,000 characters or fewer"),
        ("<i>x</i>", "Your reflection must not include HTML"),
        ("The case X123456 showed", "looks like it includes personal details"),
    ],
)
def test_a_bad_reflection_gets_an_error_and_keeps_the_text(
    client, db_session, people, discussion, text, message
):
    signed_by_spo(db_session, people, discussion)
    client.sign_in(people.practitioner.email)
    page = client.page(
        client.submit(url(discussion, "reflection"), {"reflection": text}, status=200)
    )
    assert page.title.startswith("Error: ")
    assert any(message in error for error in page.error_summary)
    assert page.field_value("reflection") == text


def test_every_write_page_refuses_once_both_have_signed(client, db_session, people, discussion):
    fully_signed(db_session, people, discussion)
    client.sign_in(people.practitioner.email)
    for route, data in [("proposal", {"proposal": "x"}), ("reflection", {"reflection": "x"})]:
        response = client.submit(url(discussion, route), data, form_url="/home")
        assert "can no longer be changed" in client.page(response).text
    client.sign_out()
    client.sign_in(people.spo.email)
    response = client.submit(url(discussion, "record"), record_form(), form_url="/home")
    assert "can no longer be changed" in client.page(response).text
    assert client.submit(url(discussion, "sign-off"), form_url="/home").status_code == 302
    db_session.expire_all()
    assert discussion.practitioner_reflection == "I will test my plans against contingencies."
    assert observations_of(db_session, people.practitioner) == 1
