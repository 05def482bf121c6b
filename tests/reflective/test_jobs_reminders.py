"""Reminders two working days before a discussion, and overdue discussions escalated to the
SPO's manager: who is told, in what words, and never twice."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from learning_app.accounts.constants import Grade, Role
from learning_app.core.time import aware
from learning_app.extensions import db
from learning_app.notifications.models import OutboxMessage
from learning_app.notifications.sender import send_pending
from learning_app.reflective.models import CaseEvent, DiscussionStatus, DueReason
from learning_app.reflective.reminders import escalate_overdue, queue_reminders
from tests.notifications.smtp_helpers import enable_job_logs, running_smtp_server
from tests.reflective.conftest import make_discussion

# Monday 7 December 2026, 9am in the UK (GMT).
MONDAY_9AM = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
CASE_REFERENCE = re.compile(r"\b[A-Z]\d{6}\b")


@pytest.fixture(autouse=True)
def app_context(app, db_session):
    enable_job_logs()
    with app.app_context():
        yield


@pytest.fixture
def team(reflective_team):
    reflective_team.practitioner.name = "Sam Patel"
    reflective_team.spo.name = "Jo Smith"
    db.session.flush()
    return reflective_team


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        statement = statement.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(statement))


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def booked(team, starts_at: datetime, **fields):
    return make_discussion(db.session, team.practitioner, team.spo, starts_at=starts_at, **fields)


# Reminders --------------------------------------------------------------------------------


def test_both_people_are_reminded_two_working_days_before(team):
    discussion = booked(team, datetime(2026, 12, 8, 10, 0, tzinfo=UTC))

    assert queue_reminders(MONDAY_9AM) == 2

    to_practitioner, to_spo = outbox("discussion-reminder")
    assert to_practitioner.recipient_id == team.practitioner.id
    assert to_practitioner.to_address == team.practitioner.email
    assert to_practitioner.subject == "Reminder: reflective discussion on Tuesday 8 December 2026"
    assert to_practitioner.body.startswith("Dear Sam Patel,\n")
    assert (
        "Your reflective discussion with Jo Smith is on Tuesday 8 December 2026 at 10am."
        in to_practitioner.body
    )
    assert "write down what you think and what you plan to do" in to_practitioner.body
    assert to_spo.recipient_id == team.spo.id
    assert (
        "Your reflective discussion with Sam Patel is on Tuesday 8 December 2026 at 10am."
        in to_spo.body
    )
    assert to_practitioner.dedupe_key == f"reminder:{discussion.id}:0:{team.practitioner.id}"


def test_the_time_is_the_uk_time_in_summer(team):
    # 9:30 UTC is 10:30am British Summer Time.
    booked(team, datetime(2026, 6, 9, 9, 30, tzinfo=UTC))

    queue_reminders(datetime(2026, 6, 8, 8, 0, tzinfo=UTC))

    assert "is on Tuesday 9 June 2026 at 10:30am." in outbox()[0].body


def test_no_reminder_before_the_window_or_after_the_start(team):
    booked(team, datetime(2026, 12, 10, 10, 0, tzinfo=UTC))  # Thursday: three working days on
    booked(team, datetime(2026, 12, 7, 8, 0, tzinfo=UTC))  # an hour ago

    assert queue_reminders(MONDAY_9AM) == 0
    # By Tuesday, Thursday is two working days away.
    assert queue_reminders(MONDAY_9AM + timedelta(days=1)) == 2


def test_weekends_and_bank_holidays_do_not_count_as_working_days(team):
    # Christmas 2026: Friday 25th and Monday 28th are bank holidays.
    booked(team, datetime(2026, 12, 30, 10, 0, tzinfo=UTC))

    assert queue_reminders(datetime(2026, 12, 23, 9, 0, tzinfo=UTC)) == 0
    assert queue_reminders(datetime(2026, 12, 24, 9, 0, tzinfo=UTC)) == 2


@pytest.mark.parametrize("status", [DiscussionStatus.CANCELLED, DiscussionStatus.RECORDED])
def test_only_booked_discussions_get_reminders(team, status):
    booked(team, datetime(2026, 12, 8, 10, 0, tzinfo=UTC), status=status)

    assert queue_reminders(MONDAY_9AM) == 0


def test_an_inactive_person_is_not_emailed(team):
    team.spo.active = False
    booked(team, datetime(2026, 12, 8, 10, 0, tzinfo=UTC))

    assert queue_reminders(MONDAY_9AM) == 1
    assert outbox()[0].recipient_id == team.practitioner.id


def test_running_the_reminders_again_queues_nothing_new(team):
    booked(team, datetime(2026, 12, 8, 10, 0, tzinfo=UTC))
    queue_reminders(MONDAY_9AM)

    assert queue_reminders(MONDAY_9AM) == 0
    assert queue_reminders(MONDAY_9AM + timedelta(hours=1)) == 0
    assert outbox_count() == 2


def test_a_run_killed_before_it_committed_is_simply_run_again(team):
    booked(team, datetime(2026, 12, 8, 10, 0, tzinfo=UTC))
    db.session.commit()

    queue_reminders(MONDAY_9AM)
    db.session.rollback()  # the process died before its commit
    assert outbox_count() == 0

    assert queue_reminders(MONDAY_9AM) == 2
    assert queue_reminders(MONDAY_9AM) == 0
    assert outbox_count() == 2


def test_a_moved_discussion_gets_a_reminder_for_its_new_time(team):
    discussion = booked(team, datetime(2026, 12, 8, 10, 0, tzinfo=UTC))
    queue_reminders(MONDAY_9AM)

    # What moving it leaves: a new time and the next sequence number.
    discussion.starts_at = datetime(2026, 12, 8, 14, 0, tzinfo=UTC)
    discussion.ends_at = discussion.starts_at + timedelta(hours=1)
    discussion.sequence += 1
    db.session.flush()

    assert queue_reminders(MONDAY_9AM + timedelta(hours=1)) == 2
    latest = outbox()[-1]
    assert "Tuesday 8 December 2026 at 2pm." in latest.body
    assert latest.dedupe_key.startswith(f"reminder:{discussion.id}:1:")


# Escalation -------------------------------------------------------------------------------


@pytest.fixture
def head_of_pdu(factories, team):
    return factories.user(
        role=Role.LEADER, scope=team.team.pdu, grade=Grade.OTHER, name="Alex Head"
    )


def overdue(team, **fields):
    return make_discussion(
        db.session,
        team.practitioner,
        team.spo,
        status=fields.pop("status", DiscussionStatus.DUE),
        due_on=fields.pop("due_on", date(2026, 12, 4)),
        **fields,
    )


def test_an_overdue_discussion_is_escalated_to_the_head_of_pdu(team, head_of_pdu):
    discussion = overdue(team, reason=DueReason.CASE_EVENT)

    summary = escalate_overdue(date(2026, 12, 7), MONDAY_9AM)

    assert (summary.escalated, summary.emails, summary.without_manager) == (1, 1, 0)
    [message] = outbox("discussion-overdue")
    assert message.recipient_id == head_of_pdu.id
    assert message.subject == "Overdue reflective discussion: Sam Patel"
    assert message.body.startswith("Dear Alex Head,\n")
    assert (
        "A reflective discussion for Sam Patel and their senior probation officer, Jo Smith,"
        " was due by Friday 4 December 2026 and has not taken place." in message.body
    )
    assert "Why it was due: case event." in message.body
    assert "It has not been booked" in message.body
    assert aware(discussion.escalated_at) == MONDAY_9AM


def test_a_booked_discussion_past_its_due_date_says_when_it_is_booked(team, head_of_pdu):
    overdue(
        team,
        status=DiscussionStatus.BOOKED,
        starts_at=datetime(2026, 12, 9, 14, 0, tzinfo=UTC),
        due_on=date(2026, 12, 4),
    )

    escalate_overdue(date(2026, 12, 7), MONDAY_9AM)

    assert "It is booked for Wednesday 9 December 2026 at 2pm." in outbox()[0].body


def test_without_a_head_of_pdu_the_region_leader_is_told(team, factories):
    region_leader = factories.user(role=Role.LEADER, scope=team.team.pdu.region, grade=Grade.OTHER)
    factories.user(role=Role.LEADER, scope=factories.pdu(region=team.team.pdu.region))
    overdue(team)

    escalate_overdue(date(2026, 12, 7), MONDAY_9AM)

    assert [m.recipient_id for m in outbox()] == [region_leader.id]


def test_with_no_leader_to_tell_it_waits_until_there_is_one(team, factories):
    discussion = overdue(team)

    summary = escalate_overdue(date(2026, 12, 7), MONDAY_9AM)

    assert (summary.escalated, summary.without_manager) == (0, 1)
    assert discussion.escalated_at is None and outbox() == []
    leader = factories.user(role=Role.LEADER, scope=team.team.pdu, grade=Grade.OTHER)
    assert escalate_overdue(date(2026, 12, 8), MONDAY_9AM).escalated == 1
    assert [m.recipient_id for m in outbox()] == [leader.id]


@pytest.mark.parametrize(
    ("status", "due_on"),
    [
        (DiscussionStatus.DUE, date(2026, 12, 7)),  # due today: not overdue yet
        (DiscussionStatus.SIGNED, date(2026, 12, 1)),
        (DiscussionStatus.RECORDED, date(2026, 12, 1)),
        (DiscussionStatus.CANCELLED, date(2026, 12, 1)),
    ],
)
def test_what_is_not_overdue_is_not_escalated(team, head_of_pdu, status, due_on):
    fields = {}
    if status in (DiscussionStatus.SIGNED, DiscussionStatus.RECORDED):
        fields = {
            "starts_at": datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
            "spo_signed_at": MONDAY_9AM,
            "practitioner_signed_at": MONDAY_9AM,
        }
    overdue(team, status=status, due_on=due_on, **fields)

    assert escalate_overdue(date(2026, 12, 7), MONDAY_9AM).escalated == 0
    assert outbox() == []


def test_escalating_again_tells_nobody_twice(team, head_of_pdu):
    overdue(team)
    escalate_overdue(date(2026, 12, 7), MONDAY_9AM)

    assert escalate_overdue(date(2026, 12, 7), MONDAY_9AM).escalated == 0
    assert escalate_overdue(date(2026, 12, 8), MONDAY_9AM + timedelta(days=1)).emails == 0
    assert outbox_count() == 1


def test_an_escalation_killed_before_it_committed_is_done_once_when_run_again(team, head_of_pdu):
    discussion = overdue(team)
    db.session.commit()

    escalate_overdue(date(2026, 12, 7), MONDAY_9AM)
    db.session.rollback()
    db.session.refresh(discussion)
    assert discussion.escalated_at is None and outbox_count() == 0

    assert escalate_overdue(date(2026, 12, 7), MONDAY_9AM).emails == 1
    assert escalate_overdue(date(2026, 12, 7), MONDAY_9AM).emails == 0
    assert outbox_count() == 1


# No case reference, end to end ------------------------------------------------------------


def test_no_email_carries_the_case_reference(app, team, head_of_pdu, monkeypatch):
    event = CaseEvent(
        practitioner=team.practitioner,
        logged_by=team.practitioner,
        event_type="rosh-high",
        event_label="Risk of serious harm raised to high",
        rosh_level="high",
        occurred_on=date(2026, 12, 1),
        case_reference="X123456",
    )
    db.session.add(event)
    db.session.flush()
    booked(
        team,
        datetime(2026, 12, 8, 10, 0, tzinfo=UTC),
        reason=DueReason.CASE_EVENT,
        case_event=event,
    )
    overdue(team, reason=DueReason.CASE_EVENT, case_event=event)
    queue_reminders(MONDAY_9AM)
    escalate_overdue(date(2026, 12, 7), MONDAY_9AM)
    db.session.commit()

    with running_smtp_server() as server:
        monkeypatch.setitem(app.config, "SMTP_URL", server.url)
        assert send_pending().sent == 3

    assert len(server.received) == 3
    for received in server.received:
        assert not CASE_REFERENCE.search(received.subject + received.body)
        assert "X123456" not in received.message.as_string()
