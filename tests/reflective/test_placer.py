"""The slot placer: worked examples, then properties that hold for any input."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from learning_app.reflective.placer import (
    Booking,
    Capacity,
    DueItem,
    Leave,
    Period,
    RiskReason,
    candidate_slots,
    place,
    week_of,
)
from learning_app.reflective.working_days import bank_holidays, is_working_day

HOLIDAYS = bank_holidays()
MONDAY = date(2026, 3, 2)
PERIOD = Period(MONDAY, MONDAY + timedelta(days=27), datetime.combine(MONDAY, time(8)))
SPO, OTHER_SPO = 100, 200


def capacity(spo=SPO, per_week=2, weekdays=(1, 3), starts=time(10), ends=time(12), minutes=60):
    return Capacity(spo, per_week, frozenset(weekdays), starts, ends, minutes)


def item(id, practitioner=1, due=MONDAY + timedelta(days=6), earliest=MONDAY, spo=SPO):
    return DueItem(id, practitioner, spo, due, earliest)


def test_slots_fall_on_capacity_days_within_hours():
    slots = candidate_slots(capacity(), [], HOLIDAYS, PERIOD)
    assert slots[:4] == [
        datetime(2026, 3, 3, 10),
        datetime(2026, 3, 3, 11),
        datetime(2026, 3, 5, 10),
        datetime(2026, 3, 5, 11),
    ]
    assert len(slots) == 16  # 4 weeks x 2 days x 2 slots


def test_bank_holidays_and_leave_have_no_slots():
    easter = Period(date(2026, 4, 6), date(2026, 4, 10), datetime(2026, 4, 6, 8))
    mondays = candidate_slots(capacity(weekdays=(0, 1)), [], HOLIDAYS, easter)
    assert date(2026, 4, 6) not in {s.date() for s in mondays}  # Easter Monday
    on_leave = candidate_slots(
        capacity(weekdays=(0, 1)),
        [Leave(SPO, date(2026, 4, 7), date(2026, 4, 7))],
        HOLIDAYS,
        easter,
    )
    assert on_leave == []


def test_earliest_due_is_placed_first_in_the_earliest_slot():
    result = place(
        [item(1, practitioner=1, due=MONDAY + timedelta(days=20)), item(2, practitioner=2)],
        [capacity()],
        [],
        [],
        HOLIDAYS,
        PERIOD,
    )
    by_id = {p.item_id: p for p in result.placed}
    assert by_id[2].starts_at == datetime(2026, 3, 3, 10)
    assert by_id[1].starts_at == datetime(2026, 3, 3, 11)
    assert result.at_risk == []


def test_weekly_capacity_counts_existing_bookings():
    existing = Booking(9, SPO, datetime(2026, 3, 3, 10), datetime(2026, 3, 3, 11))
    result = place(
        [item(1, practitioner=1), item(2, practitioner=2)],
        [capacity(per_week=2)],
        [],
        [existing],
        HOLIDAYS,
        PERIOD,
    )
    starts = sorted(p.starts_at for p in result.placed)
    assert starts[0] == datetime(2026, 3, 3, 11)  # one place left in the first week
    assert starts[1] >= datetime(2026, 3, 9)  # the second goes to the next week: late
    assert [r.item_id for r in result.at_risk] == [2]
    assert result.at_risk[0].reason is RiskReason.OVER_CAPACITY


def test_the_practitioner_is_never_double_booked():
    elsewhere = Booking(1, OTHER_SPO, datetime(2026, 3, 3, 10), datetime(2026, 3, 3, 11))
    result = place([item(1)], [capacity()], [], [elsewhere], HOLIDAYS, PERIOD)
    assert result.placed[0].starts_at == datetime(2026, 3, 3, 11)


def test_leave_until_after_the_due_date_is_the_reason():
    leave = Leave(SPO, MONDAY, MONDAY + timedelta(days=9))
    result = place([item(1)], [capacity()], [leave], [], HOLIDAYS, PERIOD)
    assert result.placed[0].starts_at.date() == date(2026, 3, 12)
    assert result.placed[0].late
    assert result.at_risk[0].reason is RiskReason.ON_LEAVE


def test_no_spo_or_no_capacity_is_at_risk_and_unplaced():
    result = place(
        [item(1, spo=None), item(2, spo=OTHER_SPO)], [capacity()], [], [], HOLIDAYS, PERIOD
    )
    assert result.placed == []
    assert {(r.item_id, r.reason) for r in result.at_risk} == {
        (1, RiskReason.NO_SPO),
        (2, RiskReason.NO_CAPACITY),
    }
    assert result.unplaced_ids == {1, 2}


def test_nothing_is_placed_before_now():
    now = Period(PERIOD.first_day, PERIOD.last_day, datetime(2026, 3, 3, 10, 30))
    result = place([item(1)], [capacity()], [], [], HOLIDAYS, now)
    assert result.placed[0].starts_at == datetime(2026, 3, 3, 11)


# Properties ------------------------------------------------------------------------------

capacities = st.builds(
    Capacity,
    spo_id=st.sampled_from([SPO, OTHER_SPO]),
    sessions_per_week=st.integers(0, 6),
    weekdays=st.frozensets(st.integers(0, 4), min_size=1),
    day_starts=st.sampled_from([time(9), time(9, 30), time(13)]),
    day_ends=st.sampled_from([time(10), time(12), time(17)]),
    slot_minutes=st.sampled_from([30, 45, 60, 90]),
)


@st.composite
def scenarios(draw):
    caps = {c.spo_id: c for c in draw(st.lists(capacities, max_size=2))}
    items = [
        DueItem(
            id=i,
            practitioner_id=draw(st.integers(1, 6)),
            spo_id=draw(st.sampled_from([SPO, OTHER_SPO, None])),
            due_on=MONDAY + timedelta(days=draw(st.integers(0, 30))),
            earliest_on=MONDAY + timedelta(days=draw(st.integers(-3, 20))),
        )
        for i in range(draw(st.integers(0, 25)))
    ]
    leave = [
        Leave(spo, MONDAY + timedelta(days=start), MONDAY + timedelta(days=start + length))
        for spo, start, length in draw(
            st.lists(
                st.tuples(st.sampled_from([SPO, OTHER_SPO]), st.integers(0, 25), st.integers(0, 6)),
                max_size=2,
            )
        )
    ]
    bookings = []
    for practitioner, spo, day, hour in draw(
        st.lists(
            st.tuples(
                st.integers(1, 6),
                st.sampled_from([SPO, OTHER_SPO]),
                st.integers(0, 27),
                st.integers(9, 16),
            ),
            max_size=6,
        )
    ):
        starts = datetime.combine(MONDAY + timedelta(days=day), time(hour))
        bookings.append(Booking(practitioner, spo, starts, starts + timedelta(hours=1)))
    return items, list(caps.values()), leave, bookings


def _free(slot, length, meetings):
    return all(slot + length <= s or slot >= e for s, e in meetings)


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_properties_of_any_placement(scenario):
    items, caps, leave, bookings = scenario
    result = place(items, caps, leave, bookings, HOLIDAYS, PERIOD)
    by_id = {i.id: i for i in items}
    cap_of = {c.spo_id: c for c in caps}

    placed_ids = [p.item_id for p in result.placed]
    assert len(placed_ids) == len(set(placed_ids)), "an item placed twice"
    assert {r.item_id for r in result.at_risk} | set(placed_ids) == set(by_id), "an item lost"
    assert {r.item_id for r in result.at_risk} == {
        i.id for i in items if i.id not in placed_ids
    } | {p.item_id for p in result.placed if p.late}, "at risk means unplaced or late"

    for p in result.placed:
        due, cap, day = by_id[p.item_id], cap_of[p.spo_id], p.starts_at.date()
        assert p.spo_id == due.spo_id, "always the practitioner's own SPO"
        assert day.weekday() in cap.weekdays and is_working_day(day, HOLIDAYS)
        assert cap.day_starts <= p.starts_at.time() and p.ends_at.time() <= cap.day_ends
        assert p.ends_at - p.starts_at == timedelta(minutes=cap.slot_minutes)
        assert not any(lv.person_id == p.spo_id and lv.covers(day) for lv in leave)
        assert p.starts_at >= PERIOD.now and day >= due.earliest_on
        assert p.late == (day > due.due_on)

    # Nobody is in two meetings at once, old or new.
    meetings_of: dict[int, list] = {}
    for m in [*bookings, *result.placed]:
        for person in (m.practitioner_id, m.spo_id):
            meetings_of.setdefault(person, []).append((m.starts_at, m.ends_at))
    for p in result.placed:
        for person in (p.practitioner_id, p.spo_id):
            others = list(meetings_of[person])
            others.remove((p.starts_at, p.ends_at))
            assert _free(p.starts_at, p.ends_at - p.starts_at, others), "double-booked"

    # No SPO holds more discussions in a week than their capacity leaves.
    existing, placed = Counter(), Counter()
    for b in bookings:
        existing[(b.spo_id, week_of(b.starts_at.date()))] += 1
    for p in result.placed:
        placed[(p.spo_id, week_of(p.starts_at.date()))] += 1
    for (spo, week), count in placed.items():
        assert count <= cap_of[spo].sessions_per_week - existing[(spo, week)], "over capacity"

    # Every placeable item is placed: no free slot is left for an unplaced one.
    for item_id in result.unplaced_ids:
        due = by_id[item_id]
        cap = cap_of.get(due.spo_id)
        if cap is None:
            continue
        length = timedelta(minutes=cap.slot_minutes)
        spo_leave = [lv for lv in leave if lv.person_id == due.spo_id]
        for slot in candidate_slots(cap, spo_leave, HOLIDAYS, PERIOD):
            week = (due.spo_id, week_of(slot.date()))
            assert (
                slot.date() < due.earliest_on
                or existing[week] + placed[week] >= cap.sessions_per_week
                or not _free(slot, length, meetings_of.get(due.spo_id, []))
                or not _free(slot, length, meetings_of.get(due.practitioner_id, []))
            ), f"{due} could have gone at {slot}"

    # Late only when nothing was free in time (an on-time slot still free would be a defect).
    for p in result.placed:
        if not p.late:
            continue
        due, cap = by_id[p.item_id], cap_of[p.spo_id]
        length = timedelta(minutes=cap.slot_minutes)
        spo_leave = [lv for lv in leave if lv.person_id == due.spo_id]
        for slot in candidate_slots(cap, spo_leave, HOLIDAYS, PERIOD):
            if not due.earliest_on <= slot.date() <= due.due_on:
                continue
            week = (due.spo_id, week_of(slot.date()))
            assert (
                existing[week] + placed[week] >= cap.sessions_per_week
                or not _free(slot, length, meetings_of.get(due.spo_id, []))
                or not _free(slot, length, meetings_of.get(due.practitioner_id, []))
            ), f"{due} placed late but {slot} was free"
