"""Corrections to shared observations, and the practitioner's side of an observation
(acknowledge, reflect, reply to a rating) through the services."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from learning_app.core.audit import AuditEvent
from learning_app.core.events import evidence_changed
from learning_app.observations import services
from learning_app.observations.models import (
    AuditAnswer,
    ObservationAmendment,
    ObservationRating,
    ObservationType,
)


@pytest.fixture(autouse=True)
def _published_framework(framework):
    return framework


@pytest.fixture
def slugs_sent():
    sent: list[list[str] | None] = []

    def receiver(sender, skill_slugs=None, **_):
        sent.append(skill_slugs)

    evidence_changed.connect(receiver)
    yield sent
    evidence_changed.disconnect(receiver)


@pytest.fixture
def shared(people, make_observation):
    """A case audit Sam shared about Alex: two ratings and two answers."""
    return make_observation(
        people["spo"],
        people["alex"],
        ObservationType.CASE_AUDIT,
        ratings={"rosh-analysis": 3, "victim-focus": None},
        answers={"da_enquiries": "no", "oversight_sufficient": "yes"},
        strengths="Clear analysis of who is at risk.",
    )


def correction(observation, **overrides) -> dict[str, object]:
    """The correction form as loaded (current values), with some fields changed."""
    data: dict[str, object] = {"reason": "I mixed up two cases when rating."}
    for rating in observation.ratings:
        if not rating.superseded:
            data[f"rating-{rating.skill.slug}"] = str(rating.level or "not-seen")
    for answer in observation.answers:
        if not answer.superseded:
            data[f"answer-{answer.question_key.replace('_', '-')}"] = answer.answer
    data.update(overrides)
    return data


def url(observation, suffix: str = "/correct") -> str:
    return f"/observations/{observation.id}{suffix}"


# Corrections through the form ----------------------------------------------------------------


def test_the_form_shows_the_current_values(client, people, shared):
    client.sign_in(people["spo"].email)
    page = client.get_page(url(shared))
    assert page.h1 == "Make a correction"
    assert page.soup.select_one('input[name="rating-rosh-analysis"][checked]')["value"] == "3"
    assert page.soup.select_one('input[name="rating-victim-focus"][checked]')["value"] == "not-seen"
    assert page.soup.select_one('input[name="answer-da-enquiries"][checked]')["value"] == "no"
    assert page.soup.select_one('input[name="answer-safeguarding-hub"][checked]') is None
    assert "Clear analysis of who is at risk." in page.text


def test_a_correction_supersedes_ratings_and_keeps_history(
    client, people, shared, db_session, slugs_sent
):
    old_rating = next(r for r in shared.ratings if r.skill.slug == "rosh-analysis")
    client.sign_in(people["spo"].email)
    data = correction(
        shared,
        **{
            "rating-rosh-analysis": "2",
            "rating-case-recording": "3",
            "answer-da-enquiries": "yes",
            "strengths": "Clear analysis of who is at risk, and why.",
        },
    )
    response = client.submit(url(shared), data)
    assert response.headers["Location"].endswith(url(shared, ""))

    [amendment] = db_session.scalars(select(ObservationAmendment)).all()
    assert amendment.author_id == people["spo"].id and amendment.created_at is not None
    assert amendment.reason.startswith("I mixed up two cases when rating.")
    assert "Strengths corrected to:\nClear analysis of who is at risk, and why." in amendment.reason

    assert old_rating.superseded is True and old_rating.level == 3
    rows = db_session.scalars(
        select(ObservationRating)
        .where(ObservationRating.observation_id == shared.id)
        .order_by(ObservationRating.id)
    ).all()
    current = {r.skill.slug: (r.level, r.amendment_id) for r in rows if not r.superseded}
    assert current == {
        "rosh-analysis": (2, amendment.id),
        "victim-focus": (None, None),
        "case-recording": (3, amendment.id),
    }
    answers = db_session.scalars(
        select(AuditAnswer).where(AuditAnswer.observation_id == shared.id).order_by(AuditAnswer.id)
    ).all()
    assert [(a.question_key, a.answer, a.superseded) for a in answers] == [
        ("da_enquiries", "no", True),
        ("oversight_sufficient", "yes", False),
        ("da_enquiries", "yes", False),
    ]
    assert shared.strengths == "Clear analysis of who is at risk."  # the original stays
    assert slugs_sent == [["case-recording", "rosh-analysis", "safeguarding-enquiries"]]
    assert db_session.scalar(
        select(AuditEvent).where(AuditEvent.action == "observation.amend")
    ).detail["ratings"] == {"rosh-analysis": 2, "case-recording": 3}

    page = client.get_page(url(shared, ""))
    assert "Your correction has been saved" in page.text
    assert f"Corrected by {people['spo'].name} on" in page.text
    assert "Risk of serious harm analysis: 3: Competent changed to 2: Developing" in page.text
    assert "Case recording: Not seen changed to 3: Competent" in page.text
    assert (
        "Were domestic abuse enquiries made with the police where required?: No changed to Yes"
        in page.text
    )
    assert "Clear analysis of who is at risk." in page.text
    assert "Clear analysis of who is at risk, and why." in page.text


def test_a_correction_needs_a_reason_and_a_change(client, people, shared, db_session):
    client.sign_in(people["spo"].email)
    page = client.page(client.submit(url(shared), correction(shared, reason="")))
    assert page.error_summary == ["Enter the reason for the correction"]
    page = client.page(client.submit(url(shared), correction(shared)))
    assert page.error_summary == [
        "Change at least one rating, answer or piece of text, or cancel the correction"
    ]
    page = client.page(
        client.submit(url(shared), correction(shared, reason="Typo in <i>rating</i>"))
    )
    assert page.error_summary == ["Reason must not include HTML, like <i>"]
    assert page.field_value("reason") == "Typo in <i>rating</i>"
    assert db_session.scalars(select(ObservationAmendment)).all() == []


def test_an_out_of_range_level_is_refused(client, people, shared):
    client.sign_in(people["spo"].email)
    page = client.page(
        client.submit(url(shared), correction(shared, **{"rating-rosh-analysis": "5"}))
    )
    assert page.error_summary == ["Select a level for Risk of serious harm analysis, or not seen"]


def test_only_the_observer_corrects_and_only_once_shared(client, people, shared, make_observation):
    draft = make_observation(people["spo"], people["alex"], share=False)
    by_qdo = make_observation(people["qdo"], people["alex"])
    client.sign_in(people["spo"].email)
    client.get_page(url(draft), status=404)
    client.get_page(url(by_qdo), status=404)  # Alex's SPO may read it, not correct it
    assert "Make a correction" not in client.get_page(url(by_qdo, "")).text
    assert "Make a correction" in client.get_page(url(shared, "")).text


# The practitioner's side ----------------------------------------------------------------------


NOW = datetime(2025, 6, 30, 23, 30, tzinfo=UTC)  # 1 July in London


def test_acknowledging_closes_the_observation(people, shared, db_session):
    services.acknowledge(shared, people["alex"], NOW)
    assert shared.status == "acknowledged"
    assert shared.acknowledged_at == NOW
    assert shared.closed_on == date(2025, 7, 1)
    services.acknowledge(shared, people["alex"], datetime.now(UTC))  # twice: no change
    assert shared.acknowledged_at == NOW


def test_only_the_practitioner_acts_on_a_shared_observation(people, shared, make_observation):
    draft = make_observation(people["spo"], people["alex"], share=False)
    with pytest.raises(services.ObservationError):
        services.acknowledge(shared, people["bo"], NOW)
    with pytest.raises(services.ObservationError):
        services.acknowledge(draft, people["alex"], NOW)
    with pytest.raises(services.ObservationError):
        services.add_reflection(draft, people["alex"], "Hidden draft")
    with pytest.raises(services.ObservationError):
        services.reply_to_rating(shared, people["bo"], "rosh-analysis", "Not me", NOW)


def test_reflection_and_replies_show_on_the_observation(client, people, shared, framework):
    services.add_reflection(shared, people["alex"], "I will check sources first.")
    skill = next(s for s in framework.skills if s.slug == "rosh-analysis")
    with pytest.raises(services.ObservationError, match="Enter why"):
        services.reply_to_rating(shared, people["alex"], skill, " ", NOW)
    services.reply_to_rating(shared, people["alex"], skill, "The review missed my notes.", NOW)
    with pytest.raises(services.ObservationError, match="already replied"):
        services.reply_to_rating(shared, people["alex"], skill, "Again", NOW)
    with pytest.raises(services.ObservationError, match="given a level"):
        services.reply_to_rating(shared, people["alex"], "victim-focus", "Not seen?", NOW)

    client.sign_in(people["spo"].email)
    page = client.get_page(url(shared, ""))
    row = next(r for r in page.table_rows() if r[0] == "Risk of serious harm analysis")
    assert row[1] == "3: Competent"
    assert "Disagrees" in row[2] and "The review missed my notes." in row[2]
    assert "I will check sources first." in page.text


def test_a_reply_stays_beside_a_corrected_rating(client, people, shared):
    services.reply_to_rating(shared, people["alex"], "rosh-analysis", "Too low.", NOW)
    client.sign_in(people["spo"].email)
    client.submit(url(shared), correction(shared, **{"rating-rosh-analysis": "4"}))
    page = client.get_page(url(shared, ""))
    row = next(r for r in page.table_rows() if r[0] == "Risk of serious harm analysis")
    assert row[1].startswith("4: Confident, can coach others") and "Corrected" in row[1]
    assert "Too low." in row[2]
