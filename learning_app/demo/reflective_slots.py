"""Slots for the demo's discussions, chosen by the real placer (``reflective.placer``).

Two runs, as the daily placing job would have made them: one over the past 13 weeks (with the
capacities the SPOs had then), one over the next 3 weeks that counts the bookings the first
made. Practitioners' leave goes in as all-day bookings, since the placer only reads SPOs'
leave. The placer's ids: N is practitionerN, -N is spoN.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from learning_app.demo.reflective_plan import (
    AHEAD_DAYS,
    FIRST_TEAM_HEADROOM,
    PAST_WEEKS,
    SLOT_MINUTES,
    LeavePlan,
    ReflectivePlan,
    last_working_day,
    working_days_before,
)
from learning_app.reflective.placer import Booking, Capacity, DueItem, Leave, Period, place
from learning_app.reflective.working_days import days_in


def place_discussions(plan: ReflectivePlan, holidays: frozenset[date], today: date) -> None:
    """Run the placer over the past, then over the next 3 weeks, and keep what it chose.

    practitioner1's case event of three working days before the last working day was held
    that day at 11:30 with spo1: it is booked first, so that nothing else takes the slot.
    """
    start = today - timedelta(weeks=PAST_WEEKS)
    # The placer wants ids: N is practitionerN, -N is spoN.
    spo_id = {c.team: -c.team for c in plan.capacities}
    leave = [
        Leave(person_id(item.who), item.first_day, item.last_day)
        for item in plan.leave
        if item.who.startswith("spo")
    ]
    away = practitioner_leave_bookings(plan.leave)
    items = {index: d for index, d in enumerate(plan.discussions)}
    held_on = last_working_day(today, holidays)
    logged_on = working_days_before(held_on, 3, holidays)
    fixed = [
        d
        for d in plan.discussions
        if d.number == 1 and d.event is not None and d.event.occurred_on == logged_on
    ]
    for discussion in fixed:  # practitioner1's, held on the last working day at 11:30
        discussion.starts_at = datetime.combine(held_on, time(11, 30))
        discussion.ends_at = discussion.starts_at + timedelta(minutes=SLOT_MINUTES)
        discussion.past = True

    def capacities(past: bool) -> list[Capacity]:
        return [
            Capacity(
                spo_id=spo_id[c.team],
                sessions_per_week=(c.past_sessions_per_week if past else c.sessions_per_week)
                - (FIRST_TEAM_HEADROOM if c.team == 1 else 0),
                weekdays=frozenset(int(d) for d in c.weekdays),
                day_starts=c.day_starts,
                day_ends=c.day_ends,
                slot_minutes=c.slot_minutes,
            )
            for c in plan.capacities
        ]

    def bookings() -> list[Booking]:
        held = [
            Booking(d.number, spo_id[d.team], d.starts_at, d.ends_at)
            for d in plan.discussions
            if d.starts_at is not None
        ]
        return [*held, *away]

    def due_items(chosen: list[int]) -> list[DueItem]:
        return [
            DueItem(i, items[i].number, spo_id[items[i].team], items[i].due_on, items[i].ask_from)
            for i in chosen
        ]

    yesterday = today - timedelta(days=1)
    past = [i for i, d in items.items() if d.starts_at is None and d.ask_from <= yesterday]
    result = place(
        due_items(past),
        capacities(past=True),
        leave,
        bookings(),
        holidays,
        Period(start, yesterday, datetime.combine(start, time())),
    )
    for placement in result.placed:
        discussion = items[placement.item_id]
        discussion.starts_at, discussion.ends_at = placement.starts_at, placement.ends_at
        discussion.past = True
    tomorrow = today + timedelta(days=1)
    ahead = [i for i, d in items.items() if d.starts_at is None]
    result = place(
        due_items(ahead),
        capacities(past=False),
        leave,
        bookings(),
        holidays,
        Period(tomorrow, today + timedelta(days=AHEAD_DAYS), datetime.combine(tomorrow, time())),
    )
    for placement in result.placed:
        discussion = items[placement.item_id]
        discussion.starts_at, discussion.ends_at = placement.starts_at, placement.ends_at
    for risk in result.at_risk:
        items[risk.item_id].at_risk = risk.reason


def person_id(who: str) -> int:
    """The placer's id for a person: -N for spoN, N for practitionerN (never the same)."""
    if who.startswith("spo"):
        return -int(who.removeprefix("spo"))
    return int(who.removeprefix("practitioner"))


def practitioner_leave_bookings(leave: list[LeavePlan]) -> list[Booking]:
    """Practitioners' leave as all-day bookings, so the placer puts nothing on it."""
    found = []
    for item in leave:
        if item.who.startswith("practitioner"):
            for day in days_in(item.first_day, item.last_day):
                found.append(
                    Booking(
                        practitioner_id=person_id(item.who),
                        spo_id=None,
                        starts_at=datetime.combine(day, time()),
                        ends_at=datetime.combine(day, time(23, 59)),
                        counts_towards_capacity=False,
                    )
                )
    return found
