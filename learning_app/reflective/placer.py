"""Placing due reflective discussions into SPOs' free slots: pure rules, no database.

What goes in: the discussions that are due and not yet booked, each SPO's weekly capacity
(how many discussions a week, on which weekdays, between which hours, how long a slot is),
leave, the bookings that already exist, the bank holidays and the period to fill. What comes
out: a slot for every discussion that can have one, and for every discussion that cannot be
held by its due date, the reason ("at risk").

The rules, in the order they are applied:

- Discussions are placed earliest due date first (then earliest start, then id), each in the
  earliest free slot on or after the day it may start, so the most urgent take the first slots.
- A slot lies on one of the SPO's capacity weekdays, within their hours, never on a weekend, a
  bank holiday or a day of the SPO's leave, and never before ``now``.
- A discussion is always with the practitioner's own SPO; neither person is ever in two
  meetings at once; no SPO holds more discussions in a week (Monday to Sunday) than their
  capacity, counting the bookings that already exist.
- A discussion that can only be placed after its due date is placed there and flagged at risk;
  one that cannot be placed at all in the period is flagged at risk and left unplaced. The reason
  says why no slot was free in time: the SPO's leave, no capacity set, capacity full, or the
  practitioner already booked.

Times are London wall-clock times (naive datetimes); the caller converts.
"""

from __future__ import annotations

import bisect
import enum
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from learning_app.reflective.working_days import days_in, is_working_day


class RiskReason(enum.StrEnum):
    NO_SPO = "no_spo"
    NO_CAPACITY = "no_capacity"
    ON_LEAVE = "on_leave"
    OVER_CAPACITY = "over_capacity"
    PRACTITIONER_BUSY = "practitioner_busy"

    @property
    def sentence(self) -> str:
        return RISK_SENTENCES[self]


RISK_SENTENCES = {
    RiskReason.NO_SPO: "The practitioner has no SPO to hold the discussion.",
    RiskReason.NO_CAPACITY: "The SPO has not set any capacity for discussions before the due date.",
    RiskReason.ON_LEAVE: "The SPO is on leave on every day they could hold it before the due date.",
    RiskReason.OVER_CAPACITY: "The SPO's slots before the due date are all taken (over capacity).",
    RiskReason.PRACTITIONER_BUSY: (
        "The practitioner is already booked at every free slot before the due date."
    ),
}


@dataclass(frozen=True)
class Capacity:
    """An SPO's weekly capacity for one-to-one reflective discussions."""

    spo_id: int
    sessions_per_week: int
    weekdays: frozenset[int]  # 0 Monday ... 4 Friday
    day_starts: time
    day_ends: time
    slot_minutes: int

    def slot_times(self) -> list[time]:
        """The start times of the slots in one day."""
        times = []
        moment = datetime.combine(date.min, self.day_starts)
        end = datetime.combine(date.min, self.day_ends)
        step = timedelta(minutes=self.slot_minutes)
        while self.slot_minutes > 0 and moment + step <= end:
            times.append(moment.time())
            moment += step
        return times


@dataclass(frozen=True)
class Leave:
    person_id: int
    first_day: date
    last_day: date

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class Booking:
    """A meeting that already exists; a discussion (``spo_id`` set) counts towards capacity."""

    practitioner_id: int | None
    spo_id: int | None
    starts_at: datetime
    ends_at: datetime
    counts_towards_capacity: bool = True


@dataclass(frozen=True)
class DueItem:
    id: int
    practitioner_id: int
    spo_id: int | None
    due_on: date
    earliest_on: date


@dataclass(frozen=True)
class Placement:
    item_id: int
    practitioner_id: int
    spo_id: int
    starts_at: datetime
    ends_at: datetime
    late: bool  # after the due date: also listed as at risk


@dataclass(frozen=True)
class AtRisk:
    item_id: int
    reason: RiskReason


@dataclass
class PlacerResult:
    placed: list[Placement] = field(default_factory=list)
    at_risk: list[AtRisk] = field(default_factory=list)

    @property
    def unplaced_ids(self) -> set[int]:
        placed = {p.item_id for p in self.placed}
        return {r.item_id for r in self.at_risk if r.item_id not in placed}


@dataclass(frozen=True)
class Period:
    """The days to fill (inclusive) and the moment before which nothing is placed."""

    first_day: date
    last_day: date
    now: datetime


def week_of(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


class _Diary:
    """Who is busy when, and how many discussions each SPO holds each week."""

    def __init__(self) -> None:
        self.busy: dict[tuple[int, date], list[tuple[datetime, datetime]]] = defaultdict(list)
        self.weekly: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)

    def book(self, person_id: int | None, starts_at: datetime, ends_at: datetime) -> None:
        if person_id is not None:
            self.busy[(person_id, starts_at.date())].append((starts_at, ends_at))

    def free(self, person_id: int, starts_at: datetime, ends_at: datetime) -> bool:
        return all(
            ends_at <= s or starts_at >= e
            for s, e in self.busy.get((person_id, starts_at.date()), ())
        )

    def count(self, spo_id: int, day: date) -> int:
        return self.weekly.get((spo_id, week_of(day)), 0)


def candidate_slots(
    capacity: Capacity,
    leave: Iterable[Leave],
    holidays: Collection[date],
    period: Period,
) -> list[datetime]:
    """Every slot start of the SPO in the period, in order, before anyone is booked."""
    leave = list(leave)
    times = capacity.slot_times()
    slots = []
    for day in days_in(period.first_day, period.last_day):
        if day.weekday() not in capacity.weekdays or not is_working_day(day, holidays):
            continue
        if any(item.covers(day) for item in leave):
            continue
        slots.extend(moment for t in times if (moment := datetime.combine(day, t)) >= period.now)
    return slots


def place(
    items: Iterable[DueItem],
    capacities: Iterable[Capacity],
    leave: Iterable[Leave],
    bookings: Iterable[Booking],
    holidays: Collection[date],
    period: Period,
) -> PlacerResult:
    """Place each due discussion in its SPO's earliest free slot; flag what is at risk."""
    capacity_of = {c.spo_id: c for c in capacities}
    leave_of: dict[int, list[Leave]] = defaultdict(list)
    for item in leave:
        leave_of[item.person_id].append(item)
    diary = _Diary()
    for b in bookings:
        diary.book(b.practitioner_id, b.starts_at, b.ends_at)
        diary.book(b.spo_id, b.starts_at, b.ends_at)
        if b.spo_id is not None and b.counts_towards_capacity:
            diary.weekly[(b.spo_id, week_of(b.starts_at.date()))] += 1
    slots_of: dict[int, list[datetime]] = {}

    result = PlacerResult()
    for item in sorted(items, key=lambda i: (i.due_on, i.earliest_on, i.id)):
        if item.spo_id is None:
            result.at_risk.append(AtRisk(item.id, RiskReason.NO_SPO))
            continue
        capacity = capacity_of.get(item.spo_id)
        if capacity is None or capacity.sessions_per_week <= 0 or not capacity.slot_times():
            result.at_risk.append(AtRisk(item.id, RiskReason.NO_CAPACITY))
            continue
        if item.spo_id not in slots_of:
            slots_of[item.spo_id] = candidate_slots(
                capacity, leave_of.get(item.spo_id, ()), holidays, period
            )
        slots = slots_of[item.spo_id]
        length = timedelta(minutes=capacity.slot_minutes)
        chosen, practitioner_clash = None, False
        start = bisect.bisect_left(slots, datetime.combine(item.earliest_on, time()))
        for moment in slots[start:]:
            if diary.count(item.spo_id, moment.date()) >= capacity.sessions_per_week:
                continue
            if not diary.free(item.spo_id, moment, moment + length):
                continue
            if not diary.free(item.practitioner_id, moment, moment + length):
                practitioner_clash = practitioner_clash or moment.date() <= item.due_on
                continue
            chosen = moment
            break
        late = chosen is None or chosen.date() > item.due_on
        if chosen is not None:
            diary.book(item.spo_id, chosen, chosen + length)
            diary.book(item.practitioner_id, chosen, chosen + length)
            diary.weekly[(item.spo_id, week_of(chosen.date()))] += 1
            result.placed.append(
                Placement(item.id, item.practitioner_id, item.spo_id, chosen, chosen + length, late)
            )
        if late:
            reason = _why_late(
                item, capacity, leave_of.get(item.spo_id, ()), holidays, period, practitioner_clash
            )
            result.at_risk.append(AtRisk(item.id, reason))
    return result


def _why_late(
    item: DueItem,
    capacity: Capacity,
    leave: Iterable[Leave],
    holidays: Collection[date],
    period: Period,
    practitioner_clash: bool,
) -> RiskReason:
    """Why no slot was free by the due date, in the order a manager would act on it."""
    first = max(item.earliest_on, period.first_day, period.now.date())
    days = [
        d
        for d in days_in(first, item.due_on)
        if d.weekday() in capacity.weekdays and is_working_day(d, holidays)
    ]
    if not days:
        return RiskReason.NO_CAPACITY
    leave = list(leave)
    if all(any(item.covers(d) for item in leave) for d in days):
        return RiskReason.ON_LEAVE
    if practitioner_clash:
        return RiskReason.PRACTITIONER_BUSY
    return RiskReason.OVER_CAPACITY
