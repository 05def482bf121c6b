"""The outbox sender: what a real SMTP server receives, retries, and never a second copy."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from learning_app.core.time import aware, utc_now
from learning_app.extensions import db
from learning_app.notifications import sender
from learning_app.notifications.models import OutboxMessage, OutboxStatus
from learning_app.notifications.outbox import queue_email
from learning_app.notifications.sender import SmtpSettings, SmtpUrlError, send_pending
from tests.notifications.smtp_helpers import running_smtp_server


@pytest.fixture
def queue(factories, db_session):
    """Queue a committed message to a new user; returns the message."""

    def make(key: str = "test:1", subject: str = "Your reflective discussion", body: str = "Hello"):
        person = factories.user(email=f"{key.replace(':', '-')}@example.test", name="Sam Patel")
        message = queue_email(person, "test", key, subject, body)
        db_session.commit()
        return message

    return make


def test_a_pending_message_is_delivered_once_with_a_stable_message_id(smtp_server, queue):
    message = queue(body="Your reflective discussion with Jo Smith is on Tuesday.")

    summary = send_pending()

    assert (summary.sent, summary.retrying, summary.failed) == (1, 0, 0)
    [received] = smtp_server.received
    assert received.rcpt_tos == ["test-1@example.test"]
    assert received.mail_from == "noreply@example.test"
    assert received.subject == "Your reflective discussion"
    assert received.body.strip() == "Your reflective discussion with Jo Smith is on Tuesday."
    assert received.message["Message-ID"] == sender.message_id(
        "test:1", "Practice Learning <noreply@example.test>"
    )
    assert received.message["Message-ID"].endswith("@example.test>")
    db.session.refresh(message)
    assert message.status == OutboxStatus.SENT
    assert message.sent_at is not None and message.attempts == 1

    assert send_pending().sent == 0
    assert len(smtp_server.received) == 1


def test_the_message_id_depends_only_on_the_dedupe_key():
    first = sender.message_id("reminder:4:0:7", "noreply@example.test")
    assert first == sender.message_id("reminder:4:0:7", "Service <noreply@example.test>")
    assert first != sender.message_id("reminder:4:1:7", "noreply@example.test")


def test_without_smtp_url_messages_go_to_the_log_and_count_as_sent(app, queue, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "SMTP_URL", None)
    monkeypatch.delenv("SMTP_URL", raising=False)
    message = queue(subject="Reminder: reflective discussion", body="See you on Tuesday.")

    with caplog.at_level(logging.INFO, logger="learning_app.notifications.sender"):
        assert send_pending().sent == 1

    assert "Reminder: reflective discussion" in caplog.text
    assert "See you on Tuesday." in caplog.text
    db.session.refresh(message)
    assert message.status == OutboxStatus.SENT


def test_a_temporary_refusal_is_retried_later_and_delivered_exactly_once(smtp_server, queue):
    smtp_server.refuse_first = 1  # 451: try again later
    message = queue()
    now = utc_now()

    first = send_pending(now)

    assert (first.sent, first.retrying) == (0, 1)
    db.session.refresh(message)
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert "451" in message.last_error
    assert aware(message.next_attempt_at) == now + timedelta(minutes=1)
    assert smtp_server.received == []

    # Not due yet: nothing is tried.
    assert send_pending(now + timedelta(seconds=30)).sent == 0
    assert smtp_server.attempts == 1

    assert send_pending(now + timedelta(minutes=2)).sent == 1
    assert send_pending(now + timedelta(minutes=10)).sent == 0
    assert len(smtp_server.received) == 1
    db.session.refresh(message)
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, None)


def test_retries_back_off_exponentially():
    assert [sender.retry_delay(n) for n in (1, 2, 3, 4, 5)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 16)
    ]


def test_a_permanent_refusal_fails_the_message_at_once(smtp_server, queue):
    smtp_server.refuse_first = 1
    smtp_server.refusal = "550 5.1.1 No such mailbox"
    message = queue()

    summary = send_pending()

    assert (summary.sent, summary.failed) == (0, 1)
    db.session.refresh(message)
    assert message.status == OutboxStatus.FAILED
    assert "550" in message.last_error
    assert send_pending(utc_now() + timedelta(days=1)).sent == 0


def test_an_unreachable_server_is_retried_until_the_sender_gives_up(app, queue, monkeypatch):
    with running_smtp_server() as stopped:
        url = stopped.url
    monkeypatch.setitem(app.config, "SMTP_URL", url)  # nothing listens there any more
    message = queue()
    now = utc_now()

    for attempt in range(1, sender.MAX_ATTEMPTS + 1):
        summary = send_pending(now)
        db.session.refresh(message)
        assert message.attempts == attempt
        now = aware(message.next_attempt_at)

    assert summary.failed == 1
    assert message.status == OutboxStatus.FAILED
    assert "Could not talk to the mail server" in message.last_error


def test_a_message_left_sending_by_a_killed_sender_is_not_sent_again(
    smtp_server, queue, runner, caplog
):
    """The operator sees it in the log and in ``flask outbox list --stuck``; once they have
    checked the mail server's log they requeue it (or mark it sent)."""
    message = queue()
    message.status = OutboxStatus.SENDING.value
    message.attempts = 1
    message.claimed_at = utc_now() - timedelta(minutes=30)
    db.session.commit()

    with caplog.at_level(logging.WARNING, logger="learning_app.notifications.sender"):
        summary = send_pending()

    assert summary.sent == 0 and summary.stuck == 1
    assert smtp_server.received == []
    assert "not retried automatically" in caplog.text

    listed = runner.invoke(args=["outbox", "list", "--stuck"])
    assert listed.exit_code == 0
    assert f"{message.id}\ttest\tto test-1@example.test" in listed.output
    assert sender.message_id("test:1", sender.mail_from()) in listed.output

    requeued = runner.invoke(args=["outbox", "requeue", str(message.id)])
    assert requeued.exit_code == 0, requeued.output
    assert send_pending().sent == 1
    assert len(smtp_server.received) == 1


def test_an_operator_can_mark_a_stuck_message_sent(queue, runner, smtp_server):
    message = queue()
    message.status = OutboxStatus.SENDING.value
    message.claimed_at = utc_now() - timedelta(hours=1)
    db.session.commit()

    result = runner.invoke(args=["outbox", "mark-sent", str(message.id)])

    assert result.exit_code == 0, result.output
    db.session.refresh(message)
    assert message.status == OutboxStatus.SENT
    assert aware(message.sent_at) == aware(message.claimed_at)
    assert send_pending().sent == 0 and smtp_server.received == []
    assert "sent: 1" in runner.invoke(args=["outbox", "status"]).output


def test_requeueing_a_sent_message_is_refused(queue, runner, smtp_server):
    message = queue()
    send_pending()

    result = runner.invoke(args=["outbox", "requeue", str(message.id)])

    assert result.exit_code != 0
    assert "Only a sending or failed message can be requeued" in result.output
    assert runner.invoke(args=["outbox", "requeue", "999999"]).exit_code != 0


def test_messages_go_in_the_order_they_fell_due_and_each_is_committed(smtp_server, queue):
    queue("test:a", subject="First")
    queue("test:b", subject="Second")
    queue("test:c", subject="Third")

    assert send_pending(limit=2).sent == 2
    assert [r.subject for r in smtp_server.received] == ["First", "Second"]
    statuses = db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id))
    assert list(statuses)[-3:] == ["sent", "sent", "pending"]


def test_the_sender_signs_in_when_the_url_has_a_user_name(app, queue, monkeypatch):
    with running_smtp_server(credentials=("mailer", "p@ss word")) as server:
        monkeypatch.setitem(
            app.config, "SMTP_URL", "smtp://mailer:p%40ss%20word@127.0.0.1:" + str(server.port)
        )
        queue()
        assert send_pending().sent == 1
        assert len(server.received) == 1


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.test", SmtpSettings("smtp", "mail.example.test", 25)),
        (
            "smtp+starttls://user:secret@mail.example.test",
            SmtpSettings("smtp+starttls", "mail.example.test", 587, "user", "secret"),
        ),
        ("smtps://mail.example.test:2465", SmtpSettings("smtps", "mail.example.test", 2465)),
    ],
)
def test_smtp_urls(url, expected):
    assert SmtpSettings.from_url(url) == expected


@pytest.mark.parametrize("url", ["http://mail.example.test", "smtp://", "mail.example.test"])
def test_smtp_urls_the_sender_cannot_use_are_refused(url):
    with pytest.raises(SmtpUrlError):
        SmtpSettings.from_url(url)
