"""Queueing many emails at once: each key once, a few queries, written at the next flush."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from learning_app.notifications.models import OutboxMessage
from learning_app.notifications.outbox import KEYS_PER_QUERY, Email, queue_email, queue_emails
from tests.reflective.scheduling_helpers import count_queries


def queued(session) -> list[tuple[str, str]]:
    rows = session.execute(
        select(OutboxMessage.dedupe_key, OutboxMessage.subject).order_by(OutboxMessage.id)
    )
    return [tuple(row) for row in rows]


def test_a_batch_queues_every_new_key_and_skips_a_key_already_queued(factories, db_session):
    person = factories.user(email="sam.patel@example.test")
    queue_email(person, "test", "test:old", "Queued before", "Body")

    new = queue_emails(
        [
            Email(person, "test", "test:a", "First", "Body"),
            Email(person, "test", "test:old", "Queued again", "Body"),
            Email(person, "test", "test:b", "Second", "Body"),
        ]
    )

    assert [m.dedupe_key for m in new] == ["test:a", "test:b"]
    assert queued(db_session) == [
        ("test:old", "Queued before"),
        ("test:a", "First"),
        ("test:b", "Second"),
    ]
    assert {m.to_address for m in new} == {"sam.patel@example.test"}


def test_a_key_given_twice_in_one_batch_is_queued_once(factories, db_session):
    person = factories.user()

    new = queue_emails(
        [
            Email(person, "test", "test:twice", "The first", "Body"),
            Email(person, "test", "test:twice", "The second", "Body"),
        ]
    )

    assert len(new) == 1
    assert queued(db_session) == [("test:twice", "The first")]


def test_a_second_batch_with_the_same_keys_queues_nothing(factories, db_session):
    person = factories.user()
    batch = [Email(person, "test", f"test:{n}", f"Message {n}", "Body") for n in range(3)]

    assert len(queue_emails(batch)) == 3
    assert queue_emails(batch) == []
    assert len(queued(db_session)) == 3


def test_a_large_batch_looks_its_keys_up_in_a_few_queries_and_writes_them_in_one_flush(
    factories, db_session
):
    person = factories.user()
    size = 2 * KEYS_PER_QUERY + 1
    batch = [Email(person, "test", f"test:many:{n}", "Subject", "Body") for n in range(size)]

    with count_queries() as counter:
        new = queue_emails(batch)
    assert len(new) == size
    assert counter.selects == 3
    assert not any(s.lstrip().upper().startswith("INSERT") for s in counter.statements)

    db_session.flush()
    assert len(queued(db_session)) == size


def test_the_unique_key_still_refuses_a_copy_queued_by_a_racing_writer(factories, db_session):
    person = factories.user()
    queue_emails([Email(person, "test", "test:raced", "Ours", "Body")])
    # Another writer queues the same key after our look-up, before our flush.
    db_session.connection().execute(
        insert(OutboxMessage.__table__).values(
            dedupe_key="test:raced",
            kind="test",
            recipient_id=person.id,
            to_address=person.email,
            subject="Theirs",
            body="Body",
            status="pending",
        )
    )

    with pytest.raises(IntegrityError):
        db_session.flush()


def test_a_single_message_is_flushed_and_a_used_key_gives_none(factories, db_session):
    person = factories.user()

    message = queue_email(person, "test", "test:single", "Subject", "Body")

    assert message is not None and message.id is not None
    assert queue_email(person, "test", "test:single", "Subject", "Body") is None
