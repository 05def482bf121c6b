"""Learning-analysis cycle emails: "it has opened" to everyone in scope, then a reminder to
those who have not submitted, 5 working days before it closes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from learning_app.accounts.constants import Grade, Role
from learning_app.assessments.models import LearningCycle, SelfAssessment
from learning_app.extensions import db
from learning_app.notifications.cycle_emails import queue_cycle_emails
from learning_app.notifications.models import OutboxMessage

# The cycle runs from Monday 2 to Friday 27 November 2026.
OPENS_ON = date(2026, 11, 2)
CLOSES_ON = date(2026, 11, 27)


@pytest.fixture
def pdu_cycle(factories, published_framework):
    pdu = factories.pdu(name="Leicestershire")
    north, south = factories.team(pdu=pdu), factories.team(pdu=pdu)
    people = {
        "north": factories.user(team=north, name="Sam Patel"),
        "south": factories.user(team=south, grade=Grade.PSO),
        "submitted": factories.user(team=north),
        "drafting": factories.user(team=south),
    }
    factories.user(team=north, active=False)
    factories.spo(north)
    factories.user(team=factories.team(), name="Elsewhere")
    cycle = LearningCycle(name="Autumn 2026", opens_on=OPENS_ON, closes_on=CLOSES_ON, pdu=pdu)
    db.session.add(cycle)
    db.session.flush()
    for key, status in (("submitted", "submitted"), ("drafting", "draft")):
        db.session.add(
            SelfAssessment(
                practitioner=people[key],
                cycle=cycle,
                framework_version_id=published_framework.id,
                status=status,
                submitted_at=datetime(2026, 11, 3, tzinfo=UTC) if status == "submitted" else None,
            )
        )
    db.session.flush()
    return cycle, people


def messages(kind: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
    )


def test_everyone_in_scope_who_has_not_submitted_is_told_the_cycle_opened(pdu_cycle):
    cycle, people = pdu_cycle

    summary = queue_cycle_emails(OPENS_ON)

    assert (summary.opened, summary.reminders) == (3, 0)
    told = {m.recipient_id for m in messages("cycle-opened")}
    assert told == {people["north"].id, people["south"].id, people["drafting"].id}
    to_sam = next(m for m in messages("cycle-opened") if m.recipient_id == people["north"].id)
    assert to_sam.subject == "Complete your self-assessment by Friday 27 November 2026"
    assert to_sam.body.startswith("Dear Sam Patel,\n")
    assert "A learning analysis has started for" in to_sam.body
    assert "Autumn 2026" in to_sam.body
    assert "Complete your self-assessment by Friday 27 November 2026." in to_sam.body


def test_running_it_again_tells_nobody_twice(pdu_cycle):
    queue_cycle_emails(OPENS_ON)

    assert queue_cycle_emails(OPENS_ON).opened == 0
    assert queue_cycle_emails(date(2026, 11, 3)).opened == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 3


def test_the_reminder_goes_5_working_days_before_the_close_to_those_not_submitted(pdu_cycle):
    cycle, people = pdu_cycle
    queue_cycle_emails(OPENS_ON)

    # Thursday 19 November is 6 working days before Friday 27th: too early.
    assert queue_cycle_emails(date(2026, 11, 19)).reminders == 0
    assert queue_cycle_emails(date(2026, 11, 20)).reminders == 3
    assert queue_cycle_emails(date(2026, 11, 23)).reminders == 0

    reminders = {m.recipient_id: m for m in messages("cycle-reminder")}
    assert set(reminders) == {people["north"].id, people["south"].id, people["drafting"].id}
    assert (
        reminders[people["north"].id].subject
        == "Reminder: complete your self-assessment by Friday 27 November 2026"
    )
    assert "You have not started your self-assessment yet." in reminders[people["north"].id].body
    assert "You have started your self-assessment but not submitted it yet." in (
        reminders[people["drafting"].id].body
    )


def test_someone_told_today_about_the_cycle_is_not_also_reminded_today(pdu_cycle, factories):
    cycle, people = pdu_cycle
    queue_cycle_emails(OPENS_ON)
    newcomer = factories.user(team=people["north"].team)

    queue_cycle_emails(date(2026, 11, 24))
    assert [m.recipient_id for m in messages("cycle-opened")][-1] == newcomer.id
    assert newcomer.id not in {m.recipient_id for m in messages("cycle-reminder")}

    queue_cycle_emails(date(2026, 11, 25))
    assert newcomer.id in {m.recipient_id for m in messages("cycle-reminder")}


@pytest.mark.parametrize(
    "today",
    [date(2026, 10, 30), date(2026, 11, 28)],  # before it opens, after it closes
)
def test_nothing_is_sent_outside_the_cycle(pdu_cycle, today):
    assert queue_cycle_emails(today).opened == 0


def test_nothing_is_sent_for_a_cycle_closed_early(pdu_cycle):
    cycle, _ = pdu_cycle
    cycle.closed_at = datetime(2026, 11, 10, tzinfo=UTC)

    summary = queue_cycle_emails(date(2026, 11, 20))

    assert (summary.opened, summary.reminders) == (0, 0)
    assert messages("cycle-opened") == [] and messages("cycle-reminder") == []


def test_a_team_cycle_covers_only_that_team(factories, db_session):
    team = factories.team()
    member = factories.user(team=team)
    factories.user(team=factories.team(pdu=team.pdu))
    db.session.add(
        LearningCycle(name="Team check", opens_on=OPENS_ON, closes_on=CLOSES_ON, team=team)
    )
    db.session.flush()

    queue_cycle_emails(OPENS_ON)

    assert [m.recipient_id for m in messages("cycle-opened")] == [member.id]
    assert Role.PRACTITIONER in member.roles
