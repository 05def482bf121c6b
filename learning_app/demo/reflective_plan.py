"""The demo's reflective discussions, decided without the database (like ``plan_people``).

Over the 13 weeks before the day of seeding and the 3 weeks after it:

- every SPO's weekly capacity (``plan_capacities``): most hold 4 to 6 one-hour discussions a
  week on three or four weekdays between 09:30 and 16:30; the SPO of the team with the most
  trainees cut theirs from 5 to 2 a week a little while ago, so that team runs over capacity;
  spo1 holds up to 6 on any weekday and is always left a free slot a week, so a case event
  logged by practitioner1 is booked with spo1 within its 5 working days;
- leave: one SPO next week, two SPOs for a week each in the past, a few practitioners;
- case events, mostly for PSOs, PQiPs and POs under two years, of the types in the rules;
- the discussions each practitioner's cadence makes due, and one for each case event.

Slots are chosen by the real placer (``reflective.placer.place``), twice: once over the past
(from 13 weeks ago to yesterday, with the capacities the SPOs had then), once over the next 3
weeks with the bookings the first run made. So every slot is within its SPO's capacity and
hours, never on a weekend, a bank holiday or anyone's leave, and nobody is in two discussions
at once; what cannot be placed by its due date is at risk, with the placer's reason.
Times are London wall-clock times, as the placer uses them.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from learning_app.accounts.constants import Band
from learning_app.reflective.models import DueReason
from learning_app.reflective.placer import RiskReason
from learning_app.reflective.rules import CaseEventRule, Rosh, Rules, cadence_weeks
from learning_app.reflective.working_days import add_working_days, days_in, is_working_day

PAST_WEEKS = 13
AHEAD_DAYS = 21
DAY_STARTS = time(9, 30)
DAY_ENDS = time(16, 30)
SLOT_MINUTES = 60
FIRST_TEAM_WEEKDAYS = "01234"  # spo1: any weekday, so a slot is always close
FIRST_TEAM_SESSIONS = 6
FIRST_TEAM_HEADROOM = 1  # a slot a week the demo leaves free for spo1
SMALL_SESSIONS = 2  # the SPO of the team with the most trainees
SMALL_PAST_SESSIONS = 5  # what they held before they cut their capacity
WEEKDAY_SETS = ("013", "123", "024", "0124", "0134", "1234", "0234", "023")
CASE_REFERENCE_LETTERS = "ABCDEFGHJKLMNPRSTVWXYZ"

# How many case events each band logs in 13 weeks, and of which types (DOMAIN.md (d):
# mostly risk raised to high on cases held by people who used to need countersigning).
EVENTS_PER_PERSON = {
    Band.TRAINEE: ((0, 0.25), (1, 0.5), (2, 0.25)),
    Band.NEW: ((0, 0.3), (1, 0.45), (2, 0.25)),
    Band.PSO: ((0, 0.45), (1, 0.45), (2, 0.1)),
    Band.EXPERIENCED: ((0, 0.75), (1, 0.25)),
}
EVENT_WEIGHTS = {
    "rosh-high": 0.42,
    "enquiry-not-returned": 0.15,
    "first-in-case-type": 0.13,
    "high-risk-transition": 0.1,
    "serious-incident": 0.08,
    "mappa": 0.07,
    "return-or-workload": 0.05,
}
# Events that are about the practitioner, not a case: no case reference.
NOT_ABOUT_A_CASE = frozenset({"return-or-workload"})
FIRST_EVENTS = ("enquiry-not-returned", "first-in-case-type")  # practitioner1's earlier ones
# The working day after the event from which a slot was looked for: most within the week.
DAYS_TO_ASK = (1, 1, 2, 2, 2, 3, 3, 4, 5)


@dataclass(frozen=True)
class Practitioner:
    number: int
    team: int
    band: Band
    started_on: date
    qualified_on: date | None


@dataclass(frozen=True)
class CapacityPlan:
    team: int  # spoN holds team N's discussions
    sessions_per_week: int
    weekdays: str
    past_sessions_per_week: int
    day_starts: time = DAY_STARTS
    day_ends: time = DAY_ENDS
    slot_minutes: int = SLOT_MINUTES


@dataclass(frozen=True)
class LeavePlan:
    who: str  # "spo4" or "practitioner17"
    first_day: date
    last_day: date


@dataclass(frozen=True)
class CaseEventPlan:
    key: int
    number: int
    rule: CaseEventRule
    rosh_level: str
    occurred_on: date
    case_reference: str | None
    limited_access: bool
    logged_by_spo: bool


@dataclass
class DiscussionPlan:
    key: str  # the dedupe key
    uid: str
    number: int  # practitioner N
    team: int
    reason: DueReason
    rule_code: str
    rule_label: str
    focus_skills: tuple[str, ...]
    earliest_on: date
    due_on: date
    ask_from: date  # when a slot was first looked for
    event: CaseEventPlan | None = None
    starts_at: datetime | None = None  # London wall-clock
    ends_at: datetime | None = None
    at_risk: RiskReason | None = None
    past: bool = False  # placed by the run over the past


@dataclass
class ReflectivePlan:
    capacities: list[CapacityPlan]
    leave: list[LeavePlan]
    events: list[CaseEventPlan]
    discussions: list[DiscussionPlan] = field(default_factory=list)


def new_uid(rng: random.Random) -> str:
    return f"{uuid.UUID(int=rng.getrandbits(128), version=4)}@practice-learning"


def last_working_day(today: date, holidays: frozenset[date]) -> date:
    day = today - timedelta(days=1)
    while not is_working_day(day, holidays):
        day -= timedelta(days=1)
    return day


def monday_after(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())


def plan_reflective(
    rng: random.Random,
    people: list[Practitioner],
    rules: Rules,
    holidays: frozenset[date],
    today: date,
) -> ReflectivePlan:
    """Capacities, leave, case events and every discussion, before any is given a slot."""
    start = today - timedelta(weeks=PAST_WEEKS)
    teams = sorted({p.team for p in people})
    capacities = plan_capacities(rng, people, teams)
    leave = plan_leave(rng, people, capacities, today, holidays)
    events = plan_case_events(rng, people, rules, start, today, holidays)
    plan = ReflectivePlan(capacities, leave, events)
    plan.discussions = [
        *_cadence_discussions(rng, people, rules, start, today, holidays),
        *_event_discussions(rng, people, events, holidays, today),
    ]
    return plan


def plan_capacities(
    rng: random.Random, people: list[Practitioner], teams: list[int]
) -> list[CapacityPlan]:
    trainees = {t: sum(p.band is Band.TRAINEE for p in people if p.team == t) for t in teams}
    small = min((t for t in teams if t != 1), key=lambda t: (-trainees[t], t))
    plans = []
    for team in teams:
        sessions, weekdays = rng.choice((4, 5, 5, 6)), rng.choice(WEEKDAY_SETS)
        past = sessions
        if team == 1:
            sessions, weekdays, past = FIRST_TEAM_SESSIONS, FIRST_TEAM_WEEKDAYS, FIRST_TEAM_SESSIONS
        elif team == small:
            sessions, past = SMALL_SESSIONS, SMALL_PAST_SESSIONS
            weekdays = weekdays if len(weekdays) == 3 else weekdays[:3]
        plans.append(CapacityPlan(team, sessions, weekdays, past))
    return plans


def small_capacity_teams(capacities: list[CapacityPlan]) -> list[int]:
    return [c.team for c in capacities if c.sessions_per_week < c.past_sessions_per_week]


def plan_leave(
    rng: random.Random,
    people: list[Practitioner],
    capacities: list[CapacityPlan],
    today: date,
    holidays: frozenset[date],
) -> list[LeavePlan]:
    """One SPO away all next week, two away a week in the past, and five practitioners."""
    small = small_capacity_teams(capacities)
    others = [c.team for c in capacities if c.team != 1 and c.team not in small]
    away_next, *away_before = rng.sample(others, 3)
    next_monday = monday_after(today)
    leave = [LeavePlan(f"spo{away_next}", next_monday, next_monday + timedelta(days=4))]
    for team, weeks_ago in zip(away_before, (9, 5), strict=True):
        monday = next_monday - timedelta(weeks=weeks_ago + 1)
        leave.append(LeavePlan(f"spo{team}", monday, monday + timedelta(days=4)))
    # Nobody in team 1 is away: browser tests book practitioner1's and spo1's discussions.
    chosen = rng.sample([p for p in people if p.team != 1], 5)
    # Days from today to the first day: two spells past, one now, two ahead.
    for person, offset in zip(chosen, (-50, -20, -2, 6, 12), strict=True):
        first = add_working_days(today + timedelta(days=offset), 0, holidays)
        last = add_working_days(first, rng.randint(2, 9), holidays)
        leave.append(LeavePlan(f"practitioner{person.number}", first, last))
    return leave


def plan_case_events(
    rng: random.Random,
    people: list[Practitioner],
    rules: Rules,
    start: date,
    today: date,
    holidays: frozenset[date],
) -> list[CaseEventPlan]:
    """Case events on working days since ``start``, mostly for the people countersigning covered.

    practitioner1 logged a high risk assessment three working days before the last working
    day; its discussion was held that day and waits for spo1 to record it.
    """
    days = [d for d in days_in(start, today - timedelta(days=1)) if is_working_day(d, holidays)]
    events = []
    for person in people:
        counts, weights = zip(*EVENTS_PER_PERSON[person.band], strict=True)
        how_many = rng.choices(counts, weights)[0]
        occurred = sorted(rng.sample(days, how_many))
        if person.number == 1:
            held_on = last_working_day(today, holidays)
            first = working_days_before(held_on, 3, holidays)
            occurred = [*[d for d in occurred if d < first - timedelta(days=14)], first]
        for index, day in enumerate(occurred):
            rule = _event_rule(rng, rules, person.band)
            if person.number == 1:  # the types people ask about first
                code = "rosh-high" if day == occurred[-1] else FIRST_EVENTS[index % 2]
                rule = rules.case_event(code) or rule
            if rule is None:
                continue
            limited = rng.random() < 0.06
            reference = f"{rng.choice(CASE_REFERENCE_LETTERS)}{rng.randint(0, 999_999):06d}"
            reference_roll = rng.random()
            if rule.code in NOT_ABOUT_A_CASE:
                limited, reference_roll = False, 1.0
            events.append(
                CaseEventPlan(
                    key=len(events) + 1,
                    number=person.number,
                    rule=rule,
                    rosh_level=_rosh(rng, rule),
                    occurred_on=day,
                    case_reference=reference if reference_roll < 0.34 and not limited else None,
                    limited_access=limited,
                    logged_by_spo=rng.random() < 0.2 and person.number != 1,
                )
            )
    return events


def _event_rule(rng: random.Random, rules: Rules, band: Band) -> CaseEventRule | None:
    usable = [r for r in rules.case_events if r.applies(band, Rosh.VERY_HIGH)]
    if not usable:
        return None
    weights = [EVENT_WEIGHTS.get(r.code, 0.05) for r in usable]
    return rng.choices(usable, weights)[0]


def _rosh(rng: random.Random, rule: CaseEventRule) -> str:
    if rule.code == "return-or-workload":
        return "medium"
    low = rule.min_rosh or Rosh.MEDIUM
    if rule.code == "mappa":
        low = max(low, Rosh.HIGH)
    choices = [level for level in Rosh if level >= low]
    level = rng.choices(choices, [3 if lv is Rosh.HIGH else 1 for lv in choices])[0]
    return level.name.lower()


def _cadence_discussions(
    rng: random.Random,
    people: list[Practitioner],
    rules: Rules,
    start: date,
    today: date,
    holidays: frozenset[date],
) -> list[DiscussionPlan]:
    """Each practitioner's regular discussions, due at their band's cadence up to 3 weeks ahead.

    practitioner1's next one is due on the Tuesday of next week (bookable from the Monday),
    so it is booked next week and has no proposal yet.
    """
    last = today + timedelta(days=AHEAD_DAYS)
    plans = []
    for person in people:
        weeks = cadence_weeks(rules, person.band, person.started_on, person.qualified_on, start)
        if weeks is None:
            continue
        due = start + timedelta(days=rng.randrange(weeks * 7))
        if person.number == 1:
            due = monday_after(today) + timedelta(days=1)
            while due - timedelta(weeks=weeks) >= start:
                due -= timedelta(weeks=weeks)
        due = max(due, person.started_on + timedelta(days=14))
        index = 0
        while due <= last:
            due_on = add_working_days(due, 0, holidays)
            index += 1
            # Looked for a slot a few days ahead, so that one of the SPO's days comes first.
            ask_from = due_on - timedelta(days=rng.randint(4, 9))
            if person.number == 1 and due_on > today:
                ask_from = monday_after(today)
            plans.append(
                DiscussionPlan(
                    key=f"demo:cadence:practitioner{person.number}:{index}",
                    uid=new_uid(rng),
                    number=person.number,
                    team=person.team,
                    reason=DueReason.CADENCE,
                    rule_code=person.band.value,
                    rule_label=f"Regular discussion, every {weeks} weeks",
                    focus_skills=(),
                    earliest_on=min(ask_from, due_on - timedelta(days=7)),
                    due_on=due_on,
                    ask_from=ask_from,
                )
            )
            weeks = (
                cadence_weeks(rules, person.band, person.started_on, person.qualified_on, due)
                or weeks
            )
            due += timedelta(weeks=weeks)
    return plans


def _event_discussions(
    rng: random.Random,
    people: list[Practitioner],
    events: list[CaseEventPlan],
    holidays: frozenset[date],
    today: date,
) -> list[DiscussionPlan]:
    team_of = {p.number: p.team for p in people}
    plans = []
    for event in events:
        due_on = add_working_days(event.occurred_on, event.rule.due_working_days, holidays)
        ask_from = add_working_days(event.occurred_on, rng.choice(DAYS_TO_ASK), holidays)
        if ask_from > today:  # only the past has discussions late by choice
            ask_from = min(ask_from, due_on)
        plans.append(
            DiscussionPlan(
                key=f"demo:case-event:{event.key}",
                uid=new_uid(rng),
                number=event.number,
                team=team_of[event.number],
                reason=DueReason.CASE_EVENT,
                rule_code=event.rule.code,
                rule_label=event.rule.label,
                focus_skills=event.rule.focus_skills,
                earliest_on=event.occurred_on,
                due_on=due_on,
                ask_from=ask_from,
                event=event,
            )
        )
    return plans


def working_days_before(day: date, count: int, holidays: frozenset[date]) -> date:
    while count:
        day -= timedelta(days=1)
        if is_working_day(day, holidays):
            count -= 1
    return day
