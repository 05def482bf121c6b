"""Helpers for the oversight record tests: the people around a discussion, a discussion
whose slot has passed, and a complete record as service input and as form data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import User
from learning_app.core.time import LONDON, london_today, utc_now
from learning_app.reflective import recording
from learning_app.reflective.models import CaseEvent, Discussion, DiscussionStatus, DueReason
from learning_app.reflective.recording import ActionInput, DecisionInput, RecordInput
from tests.reflective.conftest import make_discussion

TODAY = london_today()
FOCUS = ["rosh-analysis", "safeguarding-enquiries", "risk-planning"]


def london_at(day: date, hour: int = 10) -> datetime:
    """A London wall-clock time on ``day``, as the aware moment it is."""
    return datetime.combine(day, time(hour), tzinfo=LONDON)


@dataclass
class People:
    """Everyone who might ask for a record: its two people, and everyone else."""

    practitioner: User
    spo: User  # holds the discussion
    team_spo: User  # a second SPO of the practitioner's team: manages them
    other_spo: User  # an SPO of another team
    other_practitioner: User  # in the same team
    qdo: User
    ld_lead: User
    leader: User
    admin: User

    def by_name(self, name: str) -> User:
        return getattr(self, name)


def make_people(factories, reflective_team) -> People:
    """The people of ``reflective_team`` and everyone else who might ask for a record."""
    team = reflective_team.team
    other_team = factories.team(team.pdu)
    return People(
        practitioner=reflective_team.practitioner,
        spo=reflective_team.spo,
        team_spo=factories.spo(team),
        other_spo=factories.spo(other_team),
        other_practitioner=reflective_team.pso,
        qdo=factories.user(role=Role.QDO, scope=team.pdu, grade=Grade.SPO),
        ld_lead=factories.user(role=Role.LD_LEAD, scope=team.pdu, grade=Grade.OTHER),
        leader=factories.user(role=Role.LEADER, scope=team.pdu, grade=Grade.OTHER),
        admin=factories.admin(),
    )


def case_event(session, practitioner: User, logged_by: User, **fields) -> CaseEvent:
    fields.setdefault("event_type", "rosh-high")
    fields.setdefault("event_label", "Risk of serious harm assessed or raised to high or very high")
    fields.setdefault("rosh_level", "high")
    fields.setdefault("occurred_on", TODAY - timedelta(days=8))
    event = CaseEvent(practitioner=practitioner, logged_by=logged_by, **fields)
    session.add(event)
    session.flush()
    return event


def held_discussion(
    session,
    people: People,
    *,
    slot_day: date | None = None,
    slot_hour: int = 10,
    booked_days_ago: int = 7,
    status: DiscussionStatus = DiscussionStatus.BOOKED,
    with_event: bool = True,
    **fields,
) -> Discussion:
    """A case-event discussion booked a week ago whose slot was yesterday at 10am."""
    slot_day = slot_day or TODAY - timedelta(days=1)
    event = case_event(session, people.practitioner, people.practitioner) if with_event else None
    return make_discussion(
        session,
        people.practitioner,
        people.spo,
        starts_at=london_at(slot_day, slot_hour),
        status=status,
        reason=DueReason.CASE_EVENT if with_event else DueReason.CADENCE,
        due_on=slot_day + timedelta(days=2),
        focus_skills=list(FOCUS),
        case_event=event,
        created_at=utc_now() - timedelta(days=booked_days_ago),
        **fields,
    )


def record_input(**overrides) -> RecordInput:
    """A complete record: held yesterday, two skills rated and one discussed."""
    data = {
        "held_on": TODAY - timedelta(days=1),
        "reflective_model": "gibbs",
        "what_happened": "The practitioner raised the risk level after new police information.",
        "so_what": "The analysis of imminence was sound; the contingency plan was thin.",
        "now_what": "Strengthen the contingency plan and check children's services records.",
        "wellbeing_check": "Workload is high but manageable; the case weighs on them.",
        "ratings": {"rosh-analysis": 3, "risk-planning": 2, "safeguarding-enquiries": None},
        "decisions": [
            DecisionInput("Keep the risk level at high.", "New information supports it.")
        ],
        "actions": [
            ActionInput("Rewrite the contingency plan", "practitioner", TODAY + timedelta(days=7)),
            ActionInput("Book a safeguarding hub slot", "spo", TODAY + timedelta(days=3)),
        ],
    }
    data.update(overrides)
    return RecordInput(**data)


def date_parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def record_form(**overrides) -> dict[str, object]:
    """The recording form as a browser posts it, complete and valid."""
    held = TODAY - timedelta(days=1)
    data: dict[str, object] = {
        "held_on": date_parts(held),
        "reflective_model": "kolb",
        "what_happened": "They raised the risk level after new police information.",
        "so_what": "The analysis of imminence was sound; the contingency plan was thin.",
        "now_what": "Strengthen the contingency plan.",
        "wellbeing_check": "Workload is high but manageable.",
        "rating-rosh-analysis": "3",
        "rating-safeguarding-enquiries": "discussed",
        "decisions-0-decision": "Keep the risk level at high.",
        "decisions-0-rationale": "New information supports it.",
        "actions-0-text": "Rewrite the contingency plan",
        "actions-0-owner": "practitioner",
        "actions-0-due_on": date_parts(TODAY + timedelta(days=7)),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def signed_by_spo(session, people: People, discussion: Discussion) -> Discussion:
    """Recorded and signed by the SPO: waiting for the practitioner."""
    now = utc_now()
    recording.record_discussion(people.spo, discussion, record_input(), today=TODAY, now=now)
    recording.sign_off(people.spo, discussion, now=now)
    session.flush()
    return discussion


def fully_signed(session, people: People, discussion: Discussion):
    signed_by_spo(session, people, discussion)
    recording.save_reflection(
        people.practitioner, discussion, "I will test my plans against contingencies."
    )
    observation = recording.sign_off(people.practitioner, discussion, now=utc_now())
    session.flush()
    return observation
