"""Feedback from people on probation: entered by staff, shown only from 5 responses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from learning_app.core.audit import AuditEvent
from learning_app.observations import feedback, services
from learning_app.observations.models import FEEDBACK_ITEMS, FeedbackResponse
from learning_app.observations.queries import feedback_summary

URL = "/observations/feedback/new"
KEYS = [key for key, _label in FEEDBACK_ITEMS]


def form(practitioner, **overrides) -> dict[str, object]:
    today = date.today()
    data: dict[str, object] = {
        "practitioner": str(practitioner.id),
        "received_on": [str(today.day), str(today.month), str(today.year)],
        "channel": "paper",
        **{key: "yes" for key in KEYS},
        "comment": "She explained what would happen next.",
    }
    data.update(overrides)
    return data


def responses(db_session, practitioner) -> list[FeedbackResponse]:
    return list(
        db_session.scalars(
            select(FeedbackResponse).where(FeedbackResponse.practitioner_id == practitioner.id)
        )
    )


def add(practitioner, entered_by, n: int, **answers) -> None:
    for _ in range(n):
        feedback.record_feedback(
            entered_by,
            practitioner,
            feedback.FeedbackInput(
                received_on=date.today(),
                channel="online",
                answers={key: answers.get(key, "yes") for key in KEYS},
            ),
            date.today(),
        )


def test_staff_enter_a_questionnaire(client, people, db_session):
    client.sign_in(people["spo"].email)
    page = client.get_page(URL)
    assert page.h1 == "Enter feedback from a person on probation"
    assert [o.get_text() for o in page.soup.select("#practitioner option")] == [
        "Choose a practitioner",
        "Alex Able",
    ]
    data = form(people["alex"], felt_safe="prefer-not", private_conversation="no")
    response = client.submit(URL, data)
    assert response.headers["Location"].endswith("/observations/")
    [saved] = responses(db_session, people["alex"])
    assert saved.entered_by_id == people["spo"].id and saved.channel == "paper"
    assert saved.felt_safe is None and saved.private_conversation == "no"
    assert saved.listened_to == "yes"
    assert saved.comment == "She explained what would happen next."
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "feedback.create"))
    assert event.detail == {"practitioner_id": people["alex"].id}
    page = client.get_page(response.headers["Location"])
    assert "once there are 5 responses" in page.text


def test_feedback_about_someone_out_of_scope_is_refused(client, people, db_session):
    client.sign_in(people["spo"].email)
    page = client.page(client.submit(URL, form(people["bo"])))
    assert page.error_summary == ["Select a practitioner"]
    assert responses(db_session, people["bo"]) == []
    with pytest.raises(services.ObservationError):
        add(people["far"], people["qdo"], 1)


def test_bad_input_shows_errors_and_keeps_what_was_typed(client, people, db_session):
    client.sign_in(people["qdo"].email)
    tomorrow = date.today() + timedelta(days=1)
    data = form(
        people["bo"],
        received_on=[str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)],
        channel="pigeon",
        listened_to="maybe",
        comment="Lives at LE1 6AA",
    )
    del data["felt_safe"]
    page = client.page(client.submit(URL, data))
    assert page.title.startswith("Error: ")
    assert page.error_summary == [
        "Date received must be today or in the past",
        "Select how the feedback was given",
        "Select an answer for ‘I felt listened to’",
        "Select an answer for ‘I felt safe’",
        "Comment looks like it includes personal details of a person on probation: "
        "a postcode (LE1 6AA). Remove them: describe the practice, not the person",
    ]
    assert page.field_value("comment") == "Lives at LE1 6AA"
    assert page.soup.select_one("#practitioner option[selected]")["value"] == str(people["bo"].id)
    assert responses(db_session, people["bo"]) == []

    page = client.page(client.submit(URL, form(people["bo"], comment="x" * 2001)))
    assert page.error_summary == ["Comment must be 2,000 characters or fewer"]


def test_there_is_no_summary_without_feedback(people):
    assert feedback_summary(people["alex"]) is None


def test_fewer_than_five_responses_are_suppressed(people):
    add(people["alex"], people["spo"], 4)
    summary = feedback_summary(people["alex"])
    assert summary.suppressed and summary.responses == 4
    assert summary.items == [] and summary.comments == []


def test_from_five_responses_each_item_shows_the_share_saying_yes(people):
    add(people["alex"], people["spo"], 3)
    add(people["alex"], people["spo"], 1, views_considered="no", felt_safe=None)
    add(people["alex"], people["qdo"], 2, views_considered="no", felt_safe=None)
    summary = feedback_summary(people["alex"])
    assert not summary.suppressed and summary.responses == 6
    items = {item.key: item for item in summary.items}
    assert (items["listened_to"].percent_yes, items["listened_to"].answered) == (100, 6)
    assert (items["views_considered"].percent_yes, items["views_considered"].answered) == (50, 6)
    # "Prefer not to say" is left out; too few answers to show the item itself.
    assert items["felt_safe"].answered == 3 and items["felt_safe"].percent_yes is None
    assert summary.comments == []  # comments only from 10 responses


def test_comments_show_from_ten_responses_without_dates(people):
    for n in range(10):
        feedback.record_feedback(
            people["spo"],
            people["alex"],
            feedback.FeedbackInput(
                received_on=date.today() - timedelta(days=n),
                channel="paper",
                answers={key: "yes" for key in KEYS},
                comment=f"Comment {9 - n}" if n % 2 else None,
            ),
            date.today(),
        )
    summary = feedback_summary(people["alex"])
    assert summary.comments == ["Comment 0", "Comment 2", "Comment 4", "Comment 6", "Comment 8"]
