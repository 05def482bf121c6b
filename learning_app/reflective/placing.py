"""Placing due discussions in their SPO's free slots, and the slots a booked one may move to.

Everything the pure placer needs (capacities, leave, what people are already booked into,
group sessions they run or have accepted) is read in a fixed number of queries, whatever
the number of people. The placer works in London wall-clock times; stored moments are UTC,
so this module converts at the edges.

Double-booking is refused by the database (``uq_discussions_spo_slot``,
``uq_discussions_practitioner_slot``): ``bookings`` writes a run's bookings in one flush,
and one by one only if that clashes with a booking made at the same moment, so that the
clash skips just that one discussion. On PostgreSQL the SPOs' capacity rows are locked
first, so bookings for one SPO queue up behind each other. The run's emails are queued
together once its bookings are written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from learning_app.accounts.models import User
from learning_app.core import audit
from learning_app.core.time import LONDON, aware, london
from learning_app.extensions import db
from learning_app.notifications.outbox import Email, queue_emails
from learning_app.reflective import bookings, emails, placer
from learning_app.reflective.models import (
    SLOT_HOLDING,
    Discussion,
    DiscussionStatus,
    GroupInvitation,
    GroupSession,
    Leave,
    SpoCapacity,
)
from learning_app.reflective.people import spo_ids_by_team
from learning_app.reflective.working_days import bank_holidays

HORIZON_WEEKS = 12
REPLACES = "replaces:"  # the dedupe key prefix of a replacement: "replaces:{cancelled id}"


# Times ------------------------------------------------------------------------------------


def wall(moment: datetime) -> datetime:
    """A stored moment as a naive London wall-clock time, as the placer works."""
    return london(moment).replace(tzinfo=None)


def to_utc(wall_time: datetime) -> datetime:
    """A London wall-clock time as an aware UTC moment, for storing."""
    return wall_time.replace(tzinfo=LONDON).astimezone(UTC)


def day_start(day: date) -> datetime:
    """Midnight in London at the start of ``day``, as UTC."""
    return to_utc(datetime.combine(day, time.min))


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def as_capacity(row: SpoCapacity) -> placer.Capacity:
    return placer.Capacity(
        row.spo_id,
        row.sessions_per_week,
        row.weekday_numbers,
        row.day_starts,
        row.day_ends,
        row.slot_minutes,
    )


# What people are already doing ------------------------------------------------------------


@dataclass
class Diary:
    """What the placer needs to know about a set of SPOs and practitioners."""

    capacities: dict[int, placer.Capacity] = field(default_factory=dict)
    leave: list[placer.Leave] = field(default_factory=list)
    bookings: list[placer.Booking] = field(default_factory=list)


def lock_capacities(spo_ids: Iterable[int] | None) -> None:
    """Lock the SPOs' capacity rows (PostgreSQL; SQLite serialises writers anyway).

    Taken in id order, so two runs that lock overlapping sets never deadlock.
    """
    statement = select(SpoCapacity.id).order_by(SpoCapacity.id).with_for_update()
    if spo_ids is not None:
        statement = statement.where(SpoCapacity.spo_id.in_(sorted(set(spo_ids))))
    db.session.execute(statement).all()


def read_diary(
    spo_ids: set[int] | None,
    person_ids: set[int] | None,
    first_day: date,
    last_day: date,
    *,
    leave_out: Iterable[int] = (),
) -> Diary:
    """Capacities, leave and bookings from ``first_day`` to ``last_day`` (inclusive).

    ``None`` for both id sets reads everyone's. Discussions in ``leave_out`` are ignored
    (the one being moved). Five queries.
    """
    everyone = spo_ids is None and person_ids is None
    people = (spo_ids or set()) | (person_ids or set())
    starts, ends = day_start(first_day), day_start(last_day + timedelta(days=1))
    diary = Diary()

    capacities = select(SpoCapacity).execution_options(populate_existing=True)
    if not everyone:
        capacities = capacities.where(SpoCapacity.spo_id.in_(spo_ids or set()))
    for row in db.session.scalars(capacities):
        diary.capacities[row.spo_id] = as_capacity(row)

    leave = select(Leave.person_id, Leave.first_day, Leave.last_day).where(
        Leave.last_day >= first_day, Leave.first_day <= last_day
    )
    if not everyone:
        leave = leave.where(Leave.person_id.in_(people))
    for person_id, first, last in db.session.execute(leave):
        diary.leave.append(placer.Leave(person_id, first, last))
        if person_id not in diary.capacities:
            # A practitioner on leave is busy all day; it takes none of the SPO's capacity.
            day = max(first, first_day)
            while day <= min(last, last_day):
                midnight = datetime.combine(day, time.min)
                diary.bookings.append(
                    placer.Booking(person_id, None, midnight, midnight + timedelta(days=1), False)
                )
                day += timedelta(days=1)

    held = select(
        Discussion.practitioner_id, Discussion.spo_id, Discussion.starts_at, Discussion.ends_at
    ).where(
        Discussion.status.in_([s.value for s in SLOT_HOLDING]),
        Discussion.starts_at >= starts,
        Discussion.starts_at < ends,
    )
    leave_out = set(leave_out)
    if leave_out:
        held = held.where(Discussion.id.not_in(leave_out))
    if not everyone:
        held = held.where(
            or_(Discussion.spo_id.in_(spo_ids or set()), Discussion.practitioner_id.in_(people))
        )
    for practitioner_id, spo_id, starts_at, ends_at in db.session.execute(held):
        diary.bookings.append(
            placer.Booking(practitioner_id, spo_id, wall(starts_at), wall(ends_at))
        )

    live_sessions = (GroupSession.cancelled_at.is_(None), GroupSession.starts_at < ends)
    live_sessions += (GroupSession.ends_at > starts,)
    running = select(GroupSession.facilitator_id, GroupSession.starts_at, GroupSession.ends_at)
    running = running.where(*live_sessions)
    going = (
        select(GroupInvitation.practitioner_id, GroupSession.starts_at, GroupSession.ends_at)
        .join(GroupSession, GroupInvitation.session_id == GroupSession.id)
        .where(GroupInvitation.response == "accepted", *live_sessions)
    )
    if not everyone:
        running = running.where(GroupSession.facilitator_id.in_(people))
        going = going.where(GroupInvitation.practitioner_id.in_(people))
    for statement in (running, going):
        for person_id, starts_at, ends_at in db.session.execute(statement):
            diary.bookings.append(
                placer.Booking(person_id, None, wall(starts_at), wall(ends_at), False)
            )
    return diary


def replaced_times(discussions: Iterable[Discussion]) -> list[placer.Booking]:
    """The cancelled times that replacements must not be placed at (one query).

    The practitioner is shown as busy then, so the placer never offers the same slot.
    """
    originals: dict[int, int] = {}
    for discussion in discussions:
        if discussion.dedupe_key.startswith(REPLACES):
            original_id = discussion.dedupe_key.removeprefix(REPLACES)
            if original_id.isdigit():
                originals[int(original_id)] = discussion.practitioner_id
    if not originals:
        return []
    rows = db.session.execute(
        select(Discussion.id, Discussion.starts_at, Discussion.ends_at).where(
            Discussion.id.in_(originals), Discussion.starts_at.is_not(None)
        )
    )
    return [
        placer.Booking(originals[id_], None, wall(starts_at), wall(ends_at), False)
        for id_, starts_at, ends_at in rows
    ]


# Placing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Moved:
    """A discussion unbooked for leave: the time it had, and whose leave it was."""

    old_starts_at: datetime
    on_leave: User


@dataclass(frozen=True)
class Outcome:
    placed: int
    at_risk: int


def run_placer(
    now: datetime, spo_ids: set[int] | None = None, moved: dict[int, Moved] | None = None
) -> Outcome:
    """Place every due discussion of active practitioners (of ``spo_ids``' teams, or all).

    Books what fits and emails both people ("moved" for those in ``moved``, else
    "booked"); records why the rest are at risk. A second run changes nothing.
    """
    moved = moved or {}
    now = aware(now)
    today = london(now).date()
    period = placer.Period(today, today + timedelta(weeks=HORIZON_WEEKS, days=-1), wall(now))
    team_spo = spo_ids_by_team()
    lock_capacities(spo_ids)

    due = (
        select(Discussion)
        .join(User, Discussion.practitioner_id == User.id)
        .options(contains_eager(Discussion.practitioner))
        .where(Discussion.status == DiscussionStatus.DUE.value, User.active.is_(True))
        .order_by(Discussion.id)
        .execution_options(populate_existing=True)
    )
    if spo_ids is not None:
        teams = {team for team, spo in team_spo.items() if spo in spo_ids}
        due = due.where(or_(Discussion.spo_id.in_(spo_ids), User.team_id.in_(teams)))
    discussions = {}
    for discussion in db.session.scalars(due).unique():
        own = team_spo.get(discussion.practitioner.team_id)
        own = None if own == discussion.practitioner_id else own
        if spo_ids is not None and own not in spo_ids:
            continue  # now in another SPO's team: placed with that SPO's discussions
        if discussion.spo_id != own:
            audit.record(
                None,
                "discussion.reassign",
                discussion,
                detail={"from": discussion.spo_id, "to": own},
            )
            discussion.spo_id = own
        discussions[discussion.id] = discussion
    if not discussions:
        return Outcome(0, 0)

    spos = {d.spo_id for d in discussions.values() if d.spo_id is not None}
    practitioners = {d.practitioner_id for d in discussions.values()}
    diary = read_diary(
        None if spo_ids is None else spos,
        None if spo_ids is None else practitioners,
        monday_of(today),
        period.last_day,
    )
    diary.bookings.extend(replaced_times(discussions.values()))
    spo_users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(spos)))}
    result = placer.place(
        [
            placer.DueItem(d.id, d.practitioner_id, d.spo_id, d.due_on, d.earliest_on)
            for d in discussions.values()
        ],
        diary.capacities.values(),
        diary.leave,
        diary.bookings,
        bank_holidays(),
        period,
    )
    risk = {r.item_id: r.reason.value for r in result.at_risk}

    booked = bookings.book_all(discussions, result.placed, spo_users, risk)
    messages: list[Email] = []
    for discussion in booked:
        if discussion.id in moved:
            change = moved[discussion.id]
            messages += emails.moved_emails(
                discussion, change.old_starts_at, on_leave=change.on_leave
            )
        else:
            messages += emails.booked_emails(discussion)
    for item_id in result.unplaced_ids:
        discussion = discussions[item_id]
        if discussion.at_risk_reason != risk[item_id]:
            discussion.at_risk_reason = risk[item_id]
            audit.record(None, "discussion.at_risk", discussion, detail={"reason": risk[item_id]})
        if item_id in moved:
            messages += emails.moved_emails(
                discussion, moved[item_id].old_starts_at, on_leave=moved[item_id].on_leave
            )
    queue_emails(messages)
    db.session.flush()
    return Outcome(len(booked), len(risk))


# Free slots -------------------------------------------------------------------------------


def slot_choices(
    discussion: Discussion, now: datetime, weeks: int
) -> tuple[list[datetime], set[datetime]]:
    """(free slots, every slot of the SPO's capacity) in the next ``weeks``, as UTC.

    A free slot is within the SPO's capacity (days, hours, weekly number), never on leave,
    weekends or bank holidays, after ``now``, and free for both people. The discussion's
    own booking is left out, and its current time is not offered.
    """
    if discussion.spo_id is None:
        return [], set()
    now = aware(now)
    today = london(now).date()
    period = placer.Period(today, today + timedelta(weeks=weeks, days=-1), wall(now))
    diary = read_diary(
        {discussion.spo_id},
        {discussion.practitioner_id},
        monday_of(today),
        period.last_day,
        leave_out={discussion.id},
    )
    capacity = diary.capacities.get(discussion.spo_id)
    if capacity is None or capacity.sessions_per_week <= 0:
        return [], set()
    spo_leave = [item for item in diary.leave if item.person_id == discussion.spo_id]
    slots = placer.candidate_slots(capacity, spo_leave, bank_holidays(), period)
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    weekly: dict[tuple[int, int], int] = defaultdict(int)
    for booking in diary.bookings:
        for person in (booking.practitioner_id, booking.spo_id):
            if person in (discussion.spo_id, discussion.practitioner_id):
                busy[person].append((booking.starts_at, booking.ends_at))
        if booking.spo_id == discussion.spo_id and booking.counts_towards_capacity:
            weekly[placer.week_of(booking.starts_at.date())] += 1
    length = timedelta(minutes=capacity.slot_minutes)
    current = wall(discussion.starts_at) if discussion.starts_at is not None else None

    def free(moment: datetime) -> bool:
        if moment == current or weekly[placer.week_of(moment.date())] >= (
            capacity.sessions_per_week
        ):
            return False
        return all(
            moment + length <= s or moment >= e
            for person in (discussion.spo_id, discussion.practitioner_id)
            for s, e in busy[person]
        )

    return [to_utc(s) for s in slots if free(s)], {to_utc(s) for s in slots}
