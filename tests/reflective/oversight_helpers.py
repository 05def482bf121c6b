"""A small unit whose oversight figures can be worked out by hand.

Today is Wednesday 8 April 2026 (British Summer Time, so London is UTC+1). Good Friday
(3 April) and Easter Monday (6 April) are bank holidays. This week is 6-12 April, next
week 13-19 April. The rules in force are the defaults: trainee every 2 weeks, PSO in their
first year every 4, PO in their first year after qualifying every 4, experienced PO every 8.

PDU "North" holds teams A and B; PDU "South" (another region) holds team C.

Team A, SPO Alice Archer (4 slots a week):

- Ann Ash, experienced PO (8 weeks). Signed 2 March; case event Thursday 2 April answered
  by a discussion signed and held Wednesday 8 April: 2 working days (Friday 3 and Monday 6
  are bank holidays; Tuesday 7, Wednesday 8). Covered. Booked again Thursday 9 April.
- Bob Birch, PQiP (2 weeks). Signed 18 March, so due by 1 April: not covered. A cadence
  discussion due 1 April that could not be placed (over capacity): overdue and at risk.
- Cat Cole, PSO started October 2025 (4 weeks). Case event Monday 23 March answered on
  Monday 30 March: 5 working days. Covered. Booked for Tuesday 14 April though due
  Friday 10 April: at risk, not overdue.

  Team A: coverage 2 of 3 (67%), overdue 1, at risk 2, median (2, 5) = 3.5 (n = 2).

Team B, SPO Ben Bishop (2 slots a week):

- Dan Dale, PO qualified September 2025 (4 weeks). Signed 9 March, due by 6 April: not
  covered. Booked Monday 30 March for a discussion due 3 April, still not recorded:
  overdue, not at risk. A cancelled discussion due 1 March counts for nothing.
- Eve Eden, experienced PO (8 weeks). Signed Wednesday 11 February, exactly 8 weeks ago:
  covered. It answered a case event of Friday 6 February: 3 working days. An older case
  event discussion (December 2025) is outside the 12 weeks. Booked Thursday 9 and Friday
  10 April.
- Fay Fox, PQiP (2 weeks). Never signed: not covered. Her discussion due 7 April was held
  and written up that day, waiting for sign-off: overdue.
- Gus Gray, grade "other": no cadence applies, left out of the coverage share.
- Hal Hart, inactive: left out of everything.

  Team B: coverage 1 of 3 (33%), overdue 2, at risk 0, median (3) = 3 (n = 1).

  Total: coverage 3 of 6 (50%), overdue 3, at risk 2, median (2, 3, 5) = 3 (n = 3).

SPO load: Alice this week 2 of 4 (Ann on the 8th and 9th; a cancelled one does not count),
next week 1 of 4 (Cat). Ben this week 3 booked for 2 slots (Fay on the 7th, Eve on the 9th
and 10th): 1 over capacity; next week 0 of 2. All SPOs: 5 of 6, then 1 of 6.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import User
from learning_app.org.models import Pdu, Team
from learning_app.reflective.models import (
    CaseEvent,
    Discussion,
    DiscussionStatus,
    DueReason,
    SpoCapacity,
)
from learning_app.reflective.placer import RiskReason
from tests.reflective.conftest import make_discussion

TODAY = date(2026, 4, 8)
LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int) -> datetime:
    """A London wall-clock hour on ``day``, as the aware UTC moment that is stored."""
    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)


@dataclass
class OversightUnit:
    north: Pdu
    south: Pdu
    team_a: Team
    team_b: Team
    team_c: Team
    alice: User
    ben: User
    cara: User  # team C's SPO
    leader: User  # head of PDU North
    regional_leader: User  # leader for both regions
    people: dict[str, User] = field(default_factory=dict)
    discussions: dict[str, Discussion] = field(default_factory=dict)


def build_unit(session, factories) -> OversightUnit:
    north = factories.pdu(name="North")
    south = factories.pdu(name="South")
    team_a = factories.team(north, name="Team A")
    team_b = factories.team(north, name="Team B")
    team_c = factories.team(south, name="Team C")
    alice = factories.spo(team_a, name="Alice Archer")
    ben = factories.spo(team_b, name="Ben Bishop")
    cara = factories.spo(team_c, name="Cara Carr")
    for spo, sessions in ((alice, 4), (ben, 2), (cara, 3)):
        session.add(
            SpoCapacity(
                spo=spo,
                sessions_per_week=sessions,
                weekdays="01234",
                day_starts=time(9),
                day_ends=time(17),
                slot_minutes=60,
            )
        )
    leader = factories.user(role=Role.LEADER, scope=north, grade=Grade.OTHER, name="Lee Lane")
    regional = factories.user(
        roles=((Role.LEADER, north.region), (Role.LEADER, south.region)),
        grade=Grade.OTHER,
        name="Rae Reid",
    )
    unit = OversightUnit(north, south, team_a, team_b, team_c, alice, ben, cara, leader, regional)
    person = _person_maker(factories, unit)
    person("ann", team_a, Grade.PO, qualified_on=date(2015, 6, 1))
    person("bob", team_a, Grade.PQIP)
    person("cat", team_a, Grade.PSO, started_on=date(2025, 10, 1))
    person("dan", team_b, Grade.PO, qualified_on=date(2025, 9, 1))
    person("eve", team_b, Grade.PO, qualified_on=date(2014, 3, 1))
    person("fay", team_b, Grade.PQIP)
    person("gus", team_b, Grade.OTHER)
    person("hal", team_b, Grade.PQIP, active=False)
    person("cid", team_c, Grade.PQIP)
    _add_discussions(session, unit)
    session.flush()
    return unit


def _person_maker(factories, unit: OversightUnit):
    names = {
        "ann": "Ann Ash",
        "bob": "Bob Birch",
        "cat": "Cat Cole",
        "dan": "Dan Dale",
        "eve": "Eve Eden",
        "fay": "Fay Fox",
        "gus": "Gus Gray",
        "hal": "Hal Hart",
        "cid": "Cid Cross",
    }

    def make(key: str, team: Team, grade: Grade, **fields) -> User:
        fields.setdefault("started_on", date(2022, 1, 10))
        unit.people[key] = factories.user(team=team, grade=grade, name=names[key], **fields)
        return unit.people[key]

    return make


def signed(
    session, practitioner: User, spo: User, held_on: date, hour: int = 10, **fields
) -> Discussion:
    """A discussion held at ``hour`` (London) on ``held_on`` and signed by both that day."""
    moment = at(held_on, hour)
    return make_discussion(
        session,
        practitioner,
        spo,
        starts_at=moment,
        status=DiscussionStatus.SIGNED,
        due_on=fields.pop("due_on", held_on),
        held_on=held_on,
        recorded_at=moment,
        spo_signed_at=moment,
        practitioner_signed_at=moment,
        **fields,
    )


def case_event(session, practitioner: User, occurred_on: date) -> CaseEvent:
    event = CaseEvent(
        practitioner=practitioner,
        logged_by=practitioner,
        event_type="rosh-high",
        event_label="Risk of serious harm assessed or raised to high or very high",
        rosh_level="high",
        occurred_on=occurred_on,
        case_reference="X123456",
    )
    session.add(event)
    session.flush()
    return event


def _add_discussions(session, unit: OversightUnit) -> None:
    p, d, alice, ben = unit.people, unit.discussions, unit.alice, unit.ben
    case_event_reason = {"reason": DueReason.CASE_EVENT}

    d["ann_cadence"] = signed(session, p["ann"], alice, date(2026, 3, 2))
    d["ann_event"] = signed(
        session,
        p["ann"],
        alice,
        date(2026, 4, 8),
        case_event=case_event(session, p["ann"], date(2026, 4, 2)),
        **case_event_reason,
    )
    d["ann_booked"] = make_discussion(
        session,
        p["ann"],
        alice,
        starts_at=at(date(2026, 4, 9), 14),
        reason=DueReason.REQUEST,
        due_on=date(2026, 4, 15),
        spo_accepted_at=at(date(2026, 4, 1), 9),
    )
    d["ann_cancelled"] = make_discussion(
        session,
        p["ann"],
        alice,
        starts_at=at(date(2026, 4, 9), 11),
        status=DiscussionStatus.CANCELLED,
        due_on=date(2026, 3, 1),
    )
    d["bob_signed"] = signed(session, p["bob"], alice, date(2026, 3, 18))
    d["bob_due"] = make_discussion(
        session,
        p["bob"],
        alice,
        status=DiscussionStatus.DUE,
        due_on=date(2026, 4, 1),
        at_risk_reason=RiskReason.OVER_CAPACITY.value,
    )
    d["cat_event"] = signed(
        session,
        p["cat"],
        alice,
        date(2026, 3, 30),
        case_event=case_event(session, p["cat"], date(2026, 3, 23)),
        **case_event_reason,
    )
    d["cat_late"] = make_discussion(
        session, p["cat"], alice, starts_at=at(date(2026, 4, 14), 10), due_on=date(2026, 4, 10)
    )

    d["dan_signed"] = signed(session, p["dan"], ben, date(2026, 3, 9))
    d["dan_booked"] = make_discussion(
        session, p["dan"], ben, starts_at=at(date(2026, 3, 30), 10), due_on=date(2026, 4, 3)
    )
    d["dan_cancelled"] = make_discussion(
        session, p["dan"], ben, status=DiscussionStatus.CANCELLED, due_on=date(2026, 3, 1)
    )
    d["eve_event"] = signed(
        session,
        p["eve"],
        ben,
        date(2026, 2, 11),
        case_event=case_event(session, p["eve"], date(2026, 2, 6)),
        **case_event_reason,
    )
    d["eve_old_event"] = signed(
        session,
        p["eve"],
        ben,
        date(2025, 12, 5),
        case_event=case_event(session, p["eve"], date(2025, 12, 1)),
        **case_event_reason,
    )
    for key, day in (("eve_booked_9", date(2026, 4, 9)), ("eve_booked_10", date(2026, 4, 10))):
        d[key] = make_discussion(
            session,
            p["eve"],
            ben,
            starts_at=at(day, 11),
            reason=DueReason.REQUEST,
            due_on=date(2026, 4, 17),
        )
    moment = at(date(2026, 4, 7), 10)
    d["fay_recorded"] = make_discussion(
        session,
        p["fay"],
        ben,
        starts_at=moment,
        status=DiscussionStatus.RECORDED,
        due_on=date(2026, 4, 7),
        held_on=date(2026, 4, 7),
        recorded_at=moment,
        spo_signed_at=moment,
    )
    # Someone inactive, and someone in another PDU: never counted in North.
    d["hal_due"] = make_discussion(
        session, p["hal"], ben, status=DiscussionStatus.DUE, due_on=date(2026, 3, 2)
    )
    d["cid_due"] = make_discussion(
        session,
        p["cid"],
        unit.cara,
        status=DiscussionStatus.DUE,
        due_on=date(2026, 3, 2),
        at_risk_reason=RiskReason.ON_LEAVE.value,
    )


def add_busy_practitioners(session, factories, team: Team, spo: User, count: int) -> None:
    """More practitioners, each with a signed, a live and a case-event discussion."""
    for n in range(count):
        person = factories.user(team=team, grade=Grade.PQIP, name=f"Extra {uuid.uuid4().hex[:6]}")
        # At 15:00 and 16:00, so as never to clash with the unit's own 10:00 discussions.
        signed(session, person, spo, date(2026, 1, 5) + timedelta(days=n), hour=15)
        signed(
            session,
            person,
            spo,
            date(2026, 3, 3) + timedelta(days=n),
            hour=16,
            case_event=case_event(session, person, date(2026, 3, 2)),
            reason=DueReason.CASE_EVENT,
        )
        make_discussion(
            session,
            person,
            spo,
            status=DiscussionStatus.DUE,
            due_on=date(2026, 3, 20),
            at_risk_reason=RiskReason.NO_CAPACITY.value,
        )
