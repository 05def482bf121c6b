"""SPOs' weekly capacity and everyone's leave, and what changing them does to bookings.

Called through ``services`` (the contract); refusals are ``DiscussionError``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User
from learning_app.core import audit
from learning_app.core.time import aware, london, utc_now
from learning_app.extensions import db
from learning_app.reflective import placing
from learning_app.reflective.errors import DiscussionError
from learning_app.reflective.models import Discussion, DiscussionStatus, Leave, SpoCapacity
from learning_app.reflective.placer import Capacity

if TYPE_CHECKING:
    from learning_app.reflective.services import CapacityInput

LEAVE_MAX_DAYS = 366


def _check_capacity(data: CapacityInput) -> None:
    if not data.weekdays or not set(data.weekdays) <= set(range(5)):
        raise DiscussionError("Select at least one day from Monday to Friday", "weekdays")
    if data.day_starts is None:
        raise DiscussionError("Enter the time your day for discussions starts", "day_starts")
    if data.day_ends is None:
        raise DiscussionError("Enter the time your day for discussions ends", "day_ends")
    if data.day_ends <= data.day_starts:
        raise DiscussionError("The end of the day must be after the start", "day_ends")
    if data.slot_minutes is None or not 15 <= data.slot_minutes <= 240:
        raise DiscussionError("Slot length must be between 15 and 240 minutes", "slot_minutes")
    probe = Capacity(
        0, 1, frozenset(data.weekdays), data.day_starts, data.day_ends, data.slot_minutes
    )
    if not probe.slot_times():
        raise DiscussionError(
            "The slot length must fit between the start and end of the day", "slot_minutes"
        )
    if data.sessions_per_week is None or not 0 <= data.sessions_per_week <= 40:
        raise DiscussionError(
            "Discussions a week must be a number from 0 to 40", "sessions_per_week"
        )


def set_capacity(actor: User, data: CapacityInput) -> SpoCapacity:
    """An SPO sets their own weekly capacity; their due discussions are then placed again."""
    if not actor.has_role(Role.SPO):
        raise DiscussionError("Only SPOs can set capacity for reflective discussions")
    _check_capacity(data)
    capacity = db.session.scalar(select(SpoCapacity).where(SpoCapacity.spo_id == actor.id))
    if capacity is None:
        capacity = SpoCapacity(spo_id=actor.id)
        db.session.add(capacity)
    capacity.sessions_per_week = data.sessions_per_week
    capacity.weekdays = "".join(str(d) for d in sorted(data.weekdays))
    capacity.day_starts = data.day_starts
    capacity.day_ends = data.day_ends
    capacity.slot_minutes = data.slot_minutes
    db.session.flush()
    audit.record(
        actor,
        "spo_capacity.set",
        capacity,
        detail={
            "sessions_per_week": capacity.sessions_per_week,
            "weekdays": capacity.weekdays,
            "day_starts": capacity.day_starts.isoformat(),
            "day_ends": capacity.day_ends.isoformat(),
            "slot_minutes": capacity.slot_minutes,
        },
    )
    placing.run_placer(utc_now(), {actor.id})
    return capacity


def _now_on(today: date) -> datetime:
    """Now, on the day the caller says it is (its first moment, when that is another day)."""
    now = utc_now()
    return now if london(now).date() == today else placing.day_start(today)


def add_leave(actor: User, first_day: date, last_day: date, *, today: date) -> Leave:
    """Add a spell of leave; booked discussions on those days are moved to free slots.

    Each is unbooked (``sequence`` + 1) and placed again at once; both people get the
    "moved" email, saying so if no new time could be found yet."""
    if first_day is None:
        raise DiscussionError("Enter the first day of your leave", "first_day")
    if last_day is None:
        raise DiscussionError("Enter the last day of your leave", "last_day")
    if last_day < first_day:
        raise DiscussionError(
            "The last day of your leave must be the same as or after the first day", "last_day"
        )
    if last_day < today:
        raise DiscussionError(
            "The last day of your leave must be today or in the future", "last_day"
        )
    if (last_day - first_day).days + 1 > LEAVE_MAX_DAYS:
        raise DiscussionError(f"Leave can be {LEAVE_MAX_DAYS} days at most", "last_day")
    leave = Leave(person_id=actor.id, first_day=first_day, last_day=last_day)
    db.session.add(leave)
    db.session.flush()
    audit.record(
        actor,
        "leave.add",
        leave,
        detail={"first_day": first_day.isoformat(), "last_day": last_day.isoformat()},
    )
    now = _now_on(today)
    on_leave = (
        select(Discussion)
        .where(
            Discussion.status == DiscussionStatus.BOOKED.value,
            (Discussion.spo_id == actor.id) | (Discussion.practitioner_id == actor.id),
            Discussion.starts_at >= max(now, placing.day_start(first_day)),
            Discussion.starts_at < placing.day_start(last_day + timedelta(days=1)),
        )
        .order_by(Discussion.starts_at)
        .execution_options(populate_existing=True)
    )
    # Take the SPOs' locks before changing their bookings, as every booking change does,
    # then read the bookings again: one may have moved while we waited.
    spo_ids = {d.spo_id for d in db.session.scalars(on_leave) if d.spo_id is not None}
    placing.lock_capacities(spo_ids)
    affected = db.session.scalars(on_leave).all()
    moved: dict[int, placing.Moved] = {}
    for discussion in affected:
        moved[discussion.id] = placing.Moved(aware(discussion.starts_at), actor)
        discussion.status = DiscussionStatus.DUE.value
        discussion.starts_at = discussion.ends_at = None
        discussion.practitioner_accepted_at = discussion.spo_accepted_at = None
        discussion.sequence += 1
        audit.record(actor, "discussion.unbook", discussion, detail={"leave_id": leave.id})
    db.session.flush()
    spo_ids = {d.spo_id for d in affected if d.spo_id is not None}
    if affected:
        placing.run_placer(now, spo_ids, moved)
    return leave


def remove_leave(actor: User, leave: Leave) -> None:
    """Remove one's own leave; an SPO's due discussions are then placed again."""
    if leave.person_id != actor.id:
        raise DiscussionError("You can only remove your own leave")
    detail = {"first_day": leave.first_day.isoformat(), "last_day": leave.last_day.isoformat()}
    audit.record(actor, "leave.remove", leave, detail=detail)
    db.session.delete(leave)
    db.session.flush()
    if actor.has_role(Role.SPO):
        placing.run_placer(utc_now(), {actor.id})
