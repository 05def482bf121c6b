"""Recording observations: who may, each type through the forms, drafts, sharing,
focus campaigns, case references and bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from learning_app.core.audit import AuditEvent
from learning_app.core.events import evidence_changed
from learning_app.observations.models import (
    AuditAnswer,
    FocusCampaign,
    Observation,
    ObservationRating,
    ObservationType,
)
from learning_app.observations.questions import questions_for
from learning_app.observations.types import TYPE_SPECS, spec_for_slug
from tests.observations.conftest import observation_data

TYPE_SLUGS = [spec.slug for spec in TYPE_SPECS.values()]
SHARE = {"share": "Save and share with the practitioner"}
DRAFT = {"save_draft": "Save as draft"}


def record_url(practitioner, type_slug: str = "supervision") -> str:
    return f"/observations/new/{practitioner.id}/{type_slug}"


def observations_about(db_session, practitioner) -> list[Observation]:
    return list(
        db_session.scalars(
            select(Observation)
            .where(Observation.practitioner_id == practitioner.id)
            .order_by(Observation.id)
        )
    )


def current_levels(observation: Observation) -> dict[str, int | None]:
    return {r.skill.slug: r.level for r in observation.ratings if not r.superseded}


# Tests that need no published framework; every other test gets the default one.
WITHOUT_FRAMEWORK = {"test_without_a_published_framework_the_service_says_so"}


@pytest.fixture(autouse=True)
def _published_framework(request):
    if request.function.__name__ not in WITHOUT_FRAMEWORK:
        request.getfixturevalue("framework")


@pytest.fixture
def slugs_sent():
    """Record every evidence_changed signal: (practitioner id, skill slugs)."""
    sent: list[tuple[int, list[str] | None]] = []

    def receiver(sender, skill_slugs=None, **_):
        sent.append((sender.id, skill_slugs))

    evidence_changed.connect(receiver)
    yield sent
    evidence_changed.disconnect(receiver)


# Access -----------------------------------------------------------------------------------

ROUTES = [
    ("GET", "/observations/"),
    ("GET", "/observations/new"),
    ("POST", "/observations/new"),
    ("GET", "/observations/new/{alex}/supervision"),
    ("POST", "/observations/new/{alex}/supervision"),
    ("GET", "/observations/{obs}"),
    ("GET", "/observations/{draft}/edit"),
    ("POST", "/observations/{draft}/edit"),
    ("GET", "/observations/{draft}/share"),
    ("POST", "/observations/{draft}/share"),
    ("GET", "/observations/{obs}/shared"),
    ("GET", "/observations/{obs}/correct"),
    ("POST", "/observations/{obs}/correct"),
    ("GET", "/observations/feedback/new"),
    ("POST", "/observations/feedback/new"),
]


@pytest.fixture
def records(people, make_observation):
    obs = make_observation(people["spo"], people["alex"])
    draft = make_observation(people["spo"], people["alex"], share=False)
    return {"obs": obs, "draft": draft}


def _url(path: str, people, records) -> str:
    return path.format(alex=people["alex"].id, obs=records["obs"].id, draft=records["draft"].id)


@pytest.mark.parametrize("role", ["alex", "ld_lead", "leader", "admin"])
def test_other_roles_get_404_on_every_route(client, people, records, db_session, role):
    client.sign_in(people[role].email)
    token = client.csrf_token("/account/change-password")
    for method, path in ROUTES:
        url = _url(path, people, records)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token, **observation_data(), **SHARE})
        assert response.status_code == 404, f"{role} {method} {url}"
    assert len(observations_about(db_session, people["alex"])) == 2


def test_signed_out_users_are_sent_to_sign_in(client, people, records):
    for method, path in ROUTES:
        if method == "GET":
            response = client.get(_url(path, people, records))
            assert response.status_code == 302
            assert "/sign-in" in response.headers["Location"]


def test_spo_cannot_record_or_view_outside_their_team(client, people, make_observation):
    about_bo = make_observation(people["qdo"], people["bo"])
    client.sign_in(people["spo"].email)
    client.get_page(record_url(people["bo"]), status=404)
    client.get_page(record_url(people["far"]), status=404)
    client.get_page(f"/observations/{about_bo.id}", status=404)
    client.get_page(f"/observations/{about_bo.id}/correct", status=404)
    response = client.submit(
        record_url(people["bo"]), observation_data(), form_url="/observations/new"
    )
    assert response.status_code == 404


def test_qdo_cannot_record_or_view_outside_their_pdu(
    client, factories, org, people, make_observation
):
    about_alex = make_observation(people["qdo"], people["alex"])
    other_qdo = factories.user(role="qdo", scope=org["other_pdu"], email="q2@example.test")
    client.sign_in(other_qdo.email)
    client.get_page(record_url(people["alex"]), status=404)
    client.get_page(f"/observations/{about_alex.id}", status=404)
    page = client.get_page("/observations/new")
    assert "Alex Able" not in page.text and "Fay Far" in page.text


def test_drafts_are_seen_only_by_their_observer(client, people, make_observation):
    draft = make_observation(people["qdo"], people["alex"], share=False)
    client.sign_in(people["spo"].email)  # Alex's SPO, but not the observer
    client.get_page(f"/observations/{draft.id}", status=404)
    client.get_page(f"/observations/{draft.id}/edit", status=404)


def test_ids_no_row_could_have_are_404(client, people, framework):
    client.sign_in(people["spo"].email)
    for url in ("/observations/99999999999", "/observations/0/edit", "/observations/new/abc/x"):
        client.get_page(url, status=404)
    client.get_page(f"/observations/new/{people['alex'].id}/not-a-type", status=404)
    client.get_page("/observations/new/99999999999/supervision", status=404)


# Choosing who and what --------------------------------------------------------------------


def test_the_start_page_lists_only_practitioners_in_scope(client, people, framework):
    client.sign_in(people["spo"].email)
    page = client.get_page("/observations/new")
    options = [o.get_text() for o in page.soup.select("#practitioner option")]
    assert options == ["Choose a practitioner", "Alex Able"]
    assert [g["label"] for g in page.soup.select("#practitioner optgroup")] == ["City North"]

    client.sign_out()
    client.sign_in(people["qdo"].email)
    page = client.get_page("/observations/new")
    options = [o.get_text() for o in page.soup.select("#practitioner option")]
    assert options == ["Choose a practitioner", "Alex Able", "Bo Brown"]


def test_the_start_page_explains_its_errors(client, people, framework):
    client.sign_in(people["spo"].email)
    page = client.page(client.submit("/observations/new", {}))
    assert page.title.startswith("Error: ")
    assert page.error_summary == ["Select a practitioner", "Select what you observed"]
    # Someone outside the team, or a made-up id, is not an option.
    page = client.page(
        client.submit("/observations/new", {"practitioner": str(people["bo"].id), "type": "x"})
    )
    assert page.error_summary == ["Select a practitioner", "Select what you observed"]


def test_the_start_page_goes_to_the_types_form(client, people, framework):
    client.sign_in(people["spo"].email)
    response = client.submit(
        "/observations/new", {"practitioner": str(people["alex"].id), "type": "case-audit"}
    )
    assert response.headers["Location"].endswith(record_url(people["alex"], "case-audit"))


def test_without_a_published_framework_the_service_says_so(client, people):
    client.sign_in(people["spo"].email)
    page = client.get_page("/observations/new")
    assert page.h1 == "You cannot record observations yet"


# Recording and sharing each type --------------------------------------------------------------


@pytest.mark.parametrize("type_slug", TYPE_SLUGS)
def test_record_and_share_each_type(client, people, db_session, slugs_sent, type_slug):
    client.sign_in(people["spo"].email)
    spec = spec_for_slug(type_slug)
    questions = questions_for(spec.type)
    data = observation_data(type_slug, **{f"rating-{spec.typical_skills[0]}": "3"})
    if questions:
        data[questions[0].field_name] = "no"
        data[questions[1].field_name] = "na"
    page = client.get_page(record_url(people["alex"], type_slug))
    assert page.h1 == spec.label
    response = client.submit(record_url(people["alex"], type_slug), {**data, **SHARE})
    assert response.status_code == 302
    [observation] = observations_about(db_session, people["alex"])
    assert response.headers["Location"].endswith(f"/observations/{observation.id}/share")
    assert observation.is_draft and observation.type == spec.type.value
    assert observation.observer_role == "spo"

    page = client.get_page(f"/observations/{observation.id}/share")
    assert page.h1 == "Share this observation with Alex Able?"
    response = client.submit(f"/observations/{observation.id}/share", {})
    assert response.headers["Location"].endswith(f"/observations/{observation.id}/shared")
    page = client.get_page(response.headers["Location"])
    assert "Observation shared" in page.h1

    assert observation.status == "shared" and observation.shared_at is not None
    assert current_levels(observation)[spec.typical_skills[0]] == 3
    assert set(observation.details) == {f.key for f in spec.fields}
    assert [a.text for a in observation.actions] == ["Book a reflective discussion"]
    expected = {spec.typical_skills[0]}
    if questions:
        answers = {a.question_key: a.answer for a in observation.answers}
        assert answers == {questions[0].key: "no", questions[1].key: "na"}
        expected.add(questions[0].skill_slug)  # "no" is evidence; "na" is not
    assert slugs_sent == [(people["alex"].id, sorted(expected))]

    page = client.get_page(f"/observations/{observation.id}")
    assert "3: Competent" in page.text
    for field in spec.fields:
        assert field.label in page.text


def test_a_qdo_records_for_their_pdu_as_qdo(client, people, db_session):
    client.sign_in(people["qdo"].email)
    data = observation_data(**{"rating-engagement-skills": "2"}, **DRAFT)
    response = client.submit(record_url(people["bo"]), data)
    assert response.status_code == 302
    [observation] = observations_about(db_session, people["bo"])
    assert observation.observer_role == "qdo"


def test_the_typical_skills_come_first_and_the_rest_are_under_other_skills(
    client, people, framework
):
    client.sign_in(people["spo"].email)
    page = client.get_page(record_url(people["alex"], "court-report-qa"))
    legends = [
        legend.get_text(strip=True)
        for legend in page.soup.select("form legend")
        if legend.find_parent("details") is None
    ]
    skills = [s.name for s in framework.skills]
    rated_first = [name for name in legends if name in skills]
    assert rated_first == [
        "Court reports",
        "Safeguarding enquiries",
        "Risk of serious harm analysis",
    ]
    others = [legend.get_text(strip=True) for legend in page.soup.select("details legend")]
    assert len(rated_first) + len(others) == len(skills)
    # Every level has its descriptor as a hint, and "Not seen" is chosen by default.
    assert page.soup.select_one("#rating-court-reports-4-item-hint")
    checked = page.soup.select_one('input[name="rating-court-reports"][checked]')
    assert checked["value"] == "not-seen"


def test_case_audits_ask_the_inspectorates_questions(client, people, framework):
    client.sign_in(people["spo"].email)
    page = client.get_page(record_url(people["alex"], "case-audit"))
    for question in questions_for(ObservationType.CASE_AUDIT):
        assert question.text in page.text
    page = client.get_page(record_url(people["alex"], "supervision"))
    assert "Inspection questions" not in page.text


def test_sharing_needs_a_rating_and_the_types_fields(client, people, db_session):
    client.sign_in(people["spo"].email)
    data = observation_data("risk-review")
    del data["detail-assessment-type"]
    page = client.page(client.submit(record_url(people["alex"], "risk-review"), {**data, **SHARE}))
    assert page.error_summary == [
        "Select the type of assessment",
        "Rate at least one skill you saw, or answer at least one question, "
        "before you share the observation",
    ]
    assert observations_about(db_session, people["alex"]) == []
    # A draft may leave them out.
    response = client.submit(record_url(people["alex"], "risk-review"), {**data, **DRAFT})
    assert response.status_code == 302
    [draft] = observations_about(db_session, people["alex"])
    assert draft.is_draft and "assessment_type" not in draft.details
    # ... but cannot be shared until they are there.
    page = client.page(client.submit(f"/observations/{draft.id}/share", {}))
    assert page.error_summary == ["Select the type of assessment"]
    assert draft.is_draft


# Drafts --------------------------------------------------------------------------------------


def test_a_draft_is_saved_edited_and_then_shared(client, people, db_session, slugs_sent):
    client.sign_in(people["spo"].email)
    data = observation_data(**{"rating-engagement-skills": "2"})
    response = client.submit(record_url(people["alex"]), {**data, **DRAFT})
    [draft] = observations_about(db_session, people["alex"])
    assert response.headers["Location"].endswith(f"/observations/{draft.id}")
    assert slugs_sent == []
    page = client.get_page(f"/observations/{draft.id}")
    assert "Your draft has been saved" in page.text and "Draft" in page.text

    page = client.get_page(f"/observations/{draft.id}/edit")
    assert page.field_value("strengths") == "Clear structure and a warm, purposeful tone."
    assert page.soup.select_one('input[name="rating-engagement-skills"][checked]')["value"] == "2"
    assert page.field_value("actions-0-text") == "Book a reflective discussion"

    data.update(
        {"rating-engagement-skills": "4", "rating-case-recording": "1", "strengths": "Calm."}
    )
    client.submit(f"/observations/{draft.id}/edit", {**data, **DRAFT})
    assert current_levels(draft) == {
        "engagement-skills": 4,
        "professional-curiosity": None,
        "challenging-conversations": None,
        "collaborative-review": None,
        "defensible-decisions": None,
        "case-recording": 1,
    }
    assert draft.strengths == "Calm."
    assert len(draft.ratings) == 6  # replaced, not superseded

    client.submit(f"/observations/{draft.id}/edit", {**data, **SHARE})
    client.submit(f"/observations/{draft.id}/share", {})
    assert draft.status == "shared"
    assert slugs_sent == [(people["alex"].id, ["case-recording", "engagement-skills"])]
    # A shared observation is never edited in place.
    client.get_page(f"/observations/{draft.id}/edit", status=404)
    client.get_page(f"/observations/{draft.id}/share", status=404)


def test_the_list_shows_drafts_first_without_case_references(
    client, people, make_observation, db_session
):
    old = make_observation(
        people["spo"],
        people["alex"],
        observed_on=date.today() - timedelta(days=30),
        case_reference="X123456",
    )
    draft = make_observation(
        people["spo"], people["alex"], share=False, observed_on=date.today() - timedelta(days=60)
    )
    new = make_observation(people["spo"], people["alex"])
    make_observation(people["qdo"], people["alex"])  # someone else's: not in my list
    client.sign_in(people["spo"].email)
    page = client.get_page("/observations/")
    links = [a["href"] for a in page.soup.select("#observations tbody a")]
    assert links == [f"/observations/{o.id}" for o in (draft, new, old)]
    assert [row[3] for row in page.table_rows("#observations")] == ["Draft", "Shared", "Shared"]
    assert "X123456" not in page.text
    assert "X123456" in client.get_page(f"/observations/{old.id}").text


# Focus campaigns ------------------------------------------------------------------------------


def test_an_active_campaign_skill_is_asked_first(client, people, org, db_session):
    campaign = FocusCampaign(
        skill_slug="safeguarding-enquiries",
        reason="A serious further offence review found missing police checks.",
        starts_on=date.today() - timedelta(days=3),
        ends_on=date.today() + timedelta(days=30),
    )
    campaign.set_unit(org["pdu"])
    db_session.add(campaign)
    db_session.flush()
    client.sign_in(people["spo"].email)
    page = client.get_page(record_url(people["alex"]))
    rated = [i["name"] for i in page.soup.select('input[name^="rating-"][value="1"]')]
    assert rated[:2] == ["rating-safeguarding-enquiries", "rating-engagement-skills"]
    inset = page.soup.select_one("#focus-campaign").get_text(" ", strip=True)
    assert "Focus campaign: Safeguarding enquiries" in inset
    assert "missing police checks" in inset

    data = observation_data(**{"rating-safeguarding-enquiries": "2"})
    client.submit(record_url(people["alex"]), {**data, **DRAFT})
    [observation] = observations_about(db_session, people["alex"])
    assert observation.focus_campaign_id == campaign.id
    assert current_levels(observation)["safeguarding-enquiries"] == 2


def test_a_campaign_elsewhere_or_ended_is_not_asked(client, people, org, db_session):
    for unit, starts, ends in (
        (org["far"], -3, 30),
        (org["pdu"], -30, -1),
        (org["pdu"], 1, 30),
    ):
        campaign = FocusCampaign(
            skill_slug="victim-focus",
            reason="Not for Alex today.",
            starts_on=date.today() + timedelta(days=starts),
            ends_on=date.today() + timedelta(days=ends),
        )
        campaign.set_unit(unit)
        db_session.add(campaign)
    db_session.flush()
    client.sign_in(people["spo"].email)
    page = client.get_page(record_url(people["alex"]))
    assert page.soup.select_one("#focus-campaign") is None


# Case references ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"), [("x123456", "X123456"), (" A 654321 ", "A654321"), ("", None)]
)
def test_case_references_are_stored_in_upper_case(client, people, db_session, typed, stored):
    client.sign_in(people["spo"].email)
    client.submit(record_url(people["alex"]), {**observation_data(case_reference=typed), **DRAFT})
    [observation] = observations_about(db_session, people["alex"])
    assert observation.case_reference == stored


@pytest.mark.parametrize("typed", ["X12345", "123456X", "XX123456", "X1234567", "X12345A"])
def test_a_badly_formed_case_reference_is_refused(client, people, db_session, typed):
    client.sign_in(people["spo"].email)
    page = client.page(
        client.submit(
            record_url(people["alex"]), {**observation_data(case_reference=typed), **DRAFT}
        )
    )
    assert page.error_summary == ["Enter a case reference in the correct format, like X123456"]
    assert page.field_value("case_reference") == typed.upper()
    assert observations_about(db_session, people["alex"]) == []


def test_a_limited_access_case_takes_no_case_reference(client, people, db_session):
    client.sign_in(people["spo"].email)
    data = observation_data(case_reference="X123456", limited_access="y")
    page = client.page(client.submit(record_url(people["alex"]), {**data, **DRAFT}))
    assert page.error_summary == [
        "Remove the case reference: a limited access case must not have a case reference"
    ]
    assert page.soup.select_one('input[name="limited_access"]').has_attr("checked")
    data["case_reference"] = ""
    client.submit(record_url(people["alex"]), {**data, **DRAFT})
    [observation] = observations_about(db_session, people["alex"])
    assert observation.limited_access and observation.case_reference is None
    page = client.get_page(f"/observations/{observation.id}")
    assert "Limited access case: no case reference" in page.text


def test_the_schema_refuses_a_case_reference_on_a_limited_access_case(
    people, make_observation, db_session
):
    observation = make_observation(people["spo"], people["alex"], share=False)
    observation.limited_access = True
    observation.case_reference = "X123456"
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.flush()


# Viewing -------------------------------------------------------------------------------------


def test_the_practitioners_spo_sees_a_qdos_observation_and_it_is_audited(
    client, people, make_observation, db_session
):
    observation = make_observation(
        people["qdo"], people["alex"], ratings={"engagement-skills": 4, "victim-focus": None}
    )

    def views():
        return db_session.scalars(
            select(AuditEvent).where(AuditEvent.action == "observation.view")
        ).all()

    client.sign_in(people["qdo"].email)
    client.get_page(f"/observations/{observation.id}")
    assert views() == []  # the observer reading what they wrote
    client.sign_out()
    client.sign_in(people["spo"].email)
    page = client.get_page(f"/observations/{observation.id}")
    [event] = views()
    assert event.actor_id == people["spo"].id and event.object_id == str(observation.id)
    assert "4: Confident, can coach others" in page.text
    assert "Make a correction" not in page.text  # only the observer corrects


# Bad input -----------------------------------------------------------------------------------


def test_bad_input_shows_govuk_errors_and_keeps_what_was_typed(client, people, db_session):
    client.sign_in(people["spo"].email)
    long_text = "a" * 2001
    data = observation_data(
        observed_on=["31", "2", "2025"],
        strengths=long_text,
        development_points="Visit at LE1 6AA to see how <b>they</b> live",
        **{
            "rating-engagement-skills": "7",
            "detail-setting": "garden",
            "actions-1-text": "",
            "actions-1-due_on": ["1", "2", "2030"],
            "actions-2-text": "Speak to Mr Jones about it",
        },
    )
    page = client.page(client.submit(record_url(people["alex"]), {**data, **DRAFT}))
    assert page.title.startswith("Error: ")
    errors = page.error_summary
    assert "Date observed must be a real date" in errors
    assert "Select where the session took place" in errors
    assert "Select a level for Engagement skills, or not seen" in errors
    assert "Strengths must be 2,000 characters or fewer" in errors
    assert "Areas for development must not include HTML, like <b>" in errors
    assert "Enter the action, or remove its due date" in errors
    assert any(e.startswith("Action looks like it includes personal details") for e in errors)
    assert page.field_value("strengths") == long_text
    assert page.field_value("development_points") == data["development_points"]
    assert page.field_value("actions-2-text") == "Speak to Mr Jones about it"
    assert [i.get("value") for i in page.soup.select('input[name="observed_on"]')] == [
        "31",
        "2",
        "2025",
    ]
    assert observations_about(db_session, people["alex"]) == []


def test_postcodes_in_text_are_refused(client, people, db_session):
    client.sign_in(people["spo"].email)
    data = observation_data(strengths="Met at home, LE1 6AA.")
    page = client.page(client.submit(record_url(people["alex"]), {**data, **DRAFT}))
    assert page.error_summary == [
        "Strengths looks like it includes personal details of a person on probation: "
        "a postcode (LE1 6AA). Remove them: describe the practice, not the person"
    ]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (["", "", ""], "Enter the date you observed"),
        (["1", "", "2025"], "Date observed must include a month"),
        (["a", "1", "2025"], "Date observed must be a real date"),
        (["1", "1", "25"], "Year must include 4 numbers"),
        (["1", "1", "1999"], "Date observed must be after 1 January 2000"),
    ],
)
def test_impossible_dates_are_refused(client, people, day, message):
    client.sign_in(people["spo"].email)
    page = client.page(
        client.submit(record_url(people["alex"]), {**observation_data(observed_on=day), **DRAFT})
    )
    assert page.error_summary == [message]


def test_a_date_in_the_future_is_refused(client, people):
    client.sign_in(people["spo"].email)
    tomorrow = date.today() + timedelta(days=1)
    day = [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)]
    page = client.page(
        client.submit(record_url(people["alex"]), {**observation_data(observed_on=day), **DRAFT})
    )
    assert page.error_summary == ["Date observed must be today or in the past"]


def test_a_post_without_date_parts_does_not_crash(client, people):
    client.sign_in(people["spo"].email)
    data = observation_data()
    del data["observed_on"]
    data["observed_on"] = "1"
    page = client.page(client.submit(record_url(people["alex"]), {**data, **DRAFT}))
    assert page.status == 200 and page.error_summary


def test_rows_superseded_stay_unique_per_skill(people, make_observation, db_session):
    observation = make_observation(people["spo"], people["alex"])
    rating = next(r for r in observation.ratings if r.skill.slug == "engagement-skills")
    db_session.add(ObservationRating(observation=observation, skill=rating.skill, level=1))
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.flush()


def test_answers_are_rows_mapped_to_skills(people, make_observation):
    observation = make_observation(
        people["spo"],
        people["alex"],
        ObservationType.CASE_AUDIT,
        ratings={},
        answers={"da_enquiries": "no", "oversight_sufficient": "yes"},
    )
    rows = {a.question_key: (a.skill.slug, a.answer) for a in observation.answers}
    assert rows == {
        "da_enquiries": ("safeguarding-enquiries", "no"),
        "oversight_sufficient": ("management-oversight", "yes"),
    }
    assert all(isinstance(a, AuditAnswer) for a in observation.answers)
