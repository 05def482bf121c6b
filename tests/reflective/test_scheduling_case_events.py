"""Logging a case event, and asking for a discussion: what becomes due, and when it is booked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Grade
from learning_app.core.audit import AuditEvent
from learning_app.extensions import db
from learning_app.reflective import services
from learning_app.reflective.models import CaseEvent, DiscussionStatus, DueReason
from learning_app.reflective.services import CaseEventInput, DiscussionError
from tests.reflective.scheduling_helpers import MONDAY, at, discussions_of, london_wall, outbox

NOW = at(MONDAY, 8)


def log(actor, practitioner, event_type="rosh-high", rosh="high", occurred_on=MONDAY, **kw):
    data = CaseEventInput(event_type, rosh, occurred_on, **kw)
    return services.log_case_event(actor, practitioner, data, today=MONDAY, now=NOW)


def test_a_high_risk_case_of_a_new_po_makes_a_discussion_due_and_books_it(reflective_team):
    team = reflective_team

    event, discussion = log(team.practitioner, team.practitioner, case_reference="x 123456")

    assert event.event_label == "Risk of serious harm assessed or raised to high or very high"
    assert event.case_reference == "X123456"
    assert event.closed_on is None
    assert discussion.reason == DueReason.CASE_EVENT
    assert discussion.case_event_id == event.id
    assert discussion.rule_code == "rosh-high"
    assert discussion.focus_skills == ["rosh-analysis", "safeguarding-enquiries", "risk-planning"]
    assert discussion.earliest_on == MONDAY
    assert discussion.due_on == date(2027, 3, 8)  # 5 working days
    assert discussion.dedupe_key == f"case-event:{event.id}"
    assert discussion.uid.endswith("@practice-learning")
    # Placed at once, in the SPO's first slot (Monday 10am London).
    assert discussion.status == DiscussionStatus.BOOKED
    assert discussion.spo_id == team.spo.id
    assert london_wall(discussion.starts_at).isoformat() == "2027-03-01T10:00:00"
    assert discussion.at_risk_reason is None


def test_both_people_are_emailed_the_booking_without_the_case_reference(reflective_team):
    team = reflective_team

    _, discussion = log(team.spo, team.practitioner, case_reference="X123456")

    messages = outbox()
    assert {m.recipient_id for m in messages} == {team.practitioner.id, team.spo.id}
    assert {m.dedupe_key for m in messages} == {
        f"discussion-booked:{discussion.id}:0:{team.practitioner.id}",
        f"discussion-booked:{discussion.id}:0:{team.spo.id}",
    }
    to_practitioner = next(m for m in messages if m.recipient_id == team.practitioner.id)
    assert to_practitioner.subject == "Reflective discussion booked for Monday 1 March 2027 at 10am"
    assert f"with {team.spo.name}" in to_practitioner.body
    for message in messages:
        assert "X123456" not in message.subject + message.body


def test_no_discussion_when_no_rule_applies_and_the_event_is_closed(factories, reflective_team):
    experienced = factories.user(
        team=reflective_team.team, grade=Grade.PO, qualified_on=date(2015, 1, 1)
    )

    event, discussion = log(experienced, experienced, rosh="very_high")

    assert discussion is None
    assert event.closed_on == MONDAY
    assert discussions_of(experienced) == []
    assert outbox() == []


def test_a_medium_risk_case_does_not_meet_the_high_risk_rule(reflective_team):
    event, discussion = log(reflective_team.pso, reflective_team.pso, rosh="medium")

    assert discussion is None
    assert event.closed_on == MONDAY


def test_an_event_type_for_everyone_applies_to_an_experienced_po(factories, reflective_team):
    experienced = factories.user(
        team=reflective_team.team, grade=Grade.PO, qualified_on=date(2015, 1, 1)
    )

    _, discussion = log(experienced, experienced, event_type="mappa", rosh="low")

    assert discussion.focus_skills == ["multi-agency-working", "risk-planning"]


def test_the_deadline_counts_working_days_over_bank_holidays(reflective_team):
    christmas_eve = date(2026, 12, 24)
    data = CaseEventInput("serious-incident", "medium", christmas_eve)

    _, discussion = services.log_case_event(
        reflective_team.pso,
        reflective_team.pso,
        data,
        today=christmas_eve,
        now=at(christmas_eve, 17),
    )

    # 29, 30, 31 December, then 4 and 5 January: Christmas, Boxing Day (the 28th) and
    # New Year's Day are skipped.
    assert discussion.due_on == date(2027, 1, 5)
    booked_on = london_wall(discussion.starts_at).date()
    assert booked_on == date(2026, 12, 29)


def test_an_old_event_is_due_today_at_the_latest(reflective_team):
    _, discussion = log(
        reflective_team.pso, reflective_team.pso, occurred_on=MONDAY - timedelta(days=30)
    )

    assert discussion.due_on == MONDAY


def test_the_practitioners_spo_may_log_for_them_and_the_log_says_who(reflective_team):
    event, _ = log(reflective_team.spo, reflective_team.practitioner)

    assert event.logged_by_id == reflective_team.spo.id
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case_event.log"))
    assert [a.actor_id for a in audit] == [reflective_team.spo.id]


def test_nobody_else_may_log_a_case_event(factories, reflective_team):
    other_spo = factories.spo(factories.team())

    for actor in (reflective_team.pso, other_spo):
        with pytest.raises(DiscussionError) as refused:
            log(actor, reflective_team.practitioner)
        assert refused.value.message == "You can only log case events for yourself or your team"
    assert db.session.scalars(select(CaseEvent)).all() == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"event_type": "made-up"}, "event_type", "Select the type of case event"),
        ({"rosh": "extreme"}, "rosh_level", "Select the risk of serious harm level"),
        (
            {"occurred_on": MONDAY + timedelta(days=1)},
            "occurred_on",
            "The date of the case event must be today or in the past",
        ),
        (
            {"occurred_on": MONDAY - timedelta(days=91)},
            "occurred_on",
            "The date of the case event must be within the last 90 days",
        ),
        (
            {"case_reference": "12345"},
            "case_reference",
            "Enter a case reference in the correct format, like X123456",
        ),
        (
            {"case_reference": "X123456", "limited_access": True},
            "case_reference",
            None,
        ),
    ],
)
def test_bad_case_events_are_refused_naming_the_field(reflective_team, changes, field, message):
    with pytest.raises(DiscussionError) as refused:
        log(reflective_team.practitioner, reflective_team.practitioner, **changes)

    assert refused.value.field == field
    if message:
        assert refused.value.message == message
    assert db.session.scalars(select(CaseEvent)).all() == []


def test_an_event_ninety_days_ago_is_accepted(reflective_team):
    event, _ = log(
        reflective_team.pso, reflective_team.pso, occurred_on=MONDAY - timedelta(days=90)
    )
    assert event.id is not None


def test_without_an_spo_the_discussion_is_due_and_at_risk(factories):
    alone = factories.user(team=factories.team(), grade=Grade.PSO)

    _, discussion = log(alone, alone)

    assert discussion.status == DiscussionStatus.DUE
    assert discussion.at_risk_reason == "no_spo"


# Requests ----------------------------------------------------------------------------------


def test_a_practitioner_asks_for_a_discussion_and_it_is_booked(reflective_team):
    discussion = services.request_discussion(reflective_team.pso, today=MONDAY, now=NOW)

    assert discussion.reason == DueReason.REQUEST
    assert discussion.rule_code == "practitioner-request"
    assert discussion.due_on == date(2027, 3, 15)  # 10 working days
    assert discussion.status == DiscussionStatus.BOOKED
    assert discussion.spo_id == reflective_team.spo.id
    assert len(outbox()) == 2


def test_only_one_open_request_at_a_time_and_the_refusal_says_when_it_is(reflective_team):
    services.request_discussion(reflective_team.pso, today=MONDAY, now=NOW)

    with pytest.raises(DiscussionError) as refused:
        services.request_discussion(reflective_team.pso, today=MONDAY, now=NOW)

    assert refused.value.message == (
        "You already have a discussion you asked for, booked for Monday 1 March 2027 at 10am"
    )
    assert len(discussions_of(reflective_team.pso)) == 1


def test_an_unbooked_request_is_named_by_its_due_date(reflective_team):
    reflective_team.capacity.sessions_per_week = 0
    services.request_discussion(reflective_team.pso, today=MONDAY, now=NOW)

    with pytest.raises(DiscussionError) as refused:
        services.request_discussion(reflective_team.pso, today=MONDAY, now=NOW)

    assert refused.value.message == (
        "You have already asked for a discussion. It is due by Monday 15 March 2027 and has "
        "not been booked yet"
    )


def test_a_new_request_may_follow_a_held_one(reflective_team):
    first = services.request_discussion(reflective_team.pso, today=MONDAY, now=NOW)
    first.status = DiscussionStatus.RECORDED
    db.session.flush()

    second = services.request_discussion(reflective_team.pso, today=MONDAY, now=NOW)

    assert second.dedupe_key == f"request:{reflective_team.pso.id}:2"
    assert second.starts_at != first.starts_at


def test_only_practitioners_ask_for_discussions(reflective_team):
    with pytest.raises(DiscussionError) as refused:
        services.request_discussion(reflective_team.spo, today=MONDAY, now=NOW)

    assert refused.value.message == "Only practitioners can ask for a discussion"
