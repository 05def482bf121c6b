"""Writing a placing run's bookings: all in one flush, or one by one if a slot was taken.

The partial unique indexes ``uq_discussions_spo_slot`` and
``uq_discussions_practitioner_slot`` refuse a double booking. A run's bookings are flushed
together in one savepoint; if someone booked one of those slots after the run read the
diary, that flush fails as a whole, and each booking is then flushed in its own savepoint,
so that the clash leaves just that discussion due (the next run places it again).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from learning_app.accounts.models import User
from learning_app.core import audit
from learning_app.core.time import utc_moment
from learning_app.extensions import db
from learning_app.reflective import placer
from learning_app.reflective.models import Discussion, DiscussionStatus

IDS_PER_QUERY = 500  # ids in one IN (...) when discussions are read again


def _utc(wall_time: datetime) -> datetime:
    """The placer's London wall-clock time as the UTC moment stored."""
    return utc_moment(wall_time.date(), wall_time.time())


def book_all(
    discussions: dict[int, Discussion],
    placements: list[placer.Placement],
    spo_users: dict[int, User],
    risk: dict[int, str],
) -> list[Discussion]:
    """Book the placements, in one flush; return the discussions booked, in order.

    If a slot was taken meanwhile (someone booked it after the diary was read), that
    flush fails as a whole: it is rolled back and each placement is booked in its own
    savepoint instead, so the clash leaves just that discussion due.
    """
    if not placements:
        return []
    try:
        with db.session.begin_nested():
            for placement in placements:
                _mark_booked(
                    discussions[placement.item_id], placement, spo_users[placement.spo_id], risk
                )
            db.session.flush()
    except IntegrityError:
        _read_again([placement.item_id for placement in placements])
        return [
            discussions[placement.item_id]
            for placement in placements
            if book_one(
                discussions[placement.item_id], placement, spo_users[placement.spo_id], risk
            )
        ]
    booked = [discussions[placement.item_id] for placement in placements]
    for discussion in booked:
        _record_booking(discussion)
    return booked


def _read_again(ids: list[int]) -> None:
    """Reload discussions a rolled back savepoint expired: a query per 500, not one each."""
    for first in range(0, len(ids), IDS_PER_QUERY):
        db.session.scalars(
            select(Discussion)
            .where(Discussion.id.in_(ids[first : first + IDS_PER_QUERY]))
            .execution_options(populate_existing=True)
        ).all()


def _mark_booked(
    discussion: Discussion, placement: placer.Placement, spo: User, risk: dict[int, str]
) -> None:
    discussion.status = DiscussionStatus.BOOKED.value
    discussion.spo = spo
    discussion.starts_at = _utc(placement.starts_at)
    discussion.ends_at = _utc(placement.ends_at)
    discussion.at_risk_reason = risk.get(discussion.id) if placement.late else None
    # Written even when unchanged, so every booking's UPDATE sets the same columns and a
    # run's bookings go to the database as one batch rather than a batch per change.
    flag_modified(discussion, "at_risk_reason")


def book_one(
    discussion: Discussion, placement: placer.Placement, spo: User, risk: dict[int, str]
) -> bool:
    """Book one placement; False (and the discussion left due) when the slot was taken."""
    try:
        with db.session.begin_nested():
            _mark_booked(discussion, placement, spo, risk)
            db.session.flush()
    except IntegrityError:
        # Someone took the slot at this moment; the next run places it again.
        return False
    _record_booking(discussion)
    return True


def _record_booking(discussion: Discussion) -> None:
    audit.record(
        None,
        "discussion.book",
        discussion,
        detail={
            "starts_at": discussion.starts_at.isoformat(),
            "spo_id": discussion.spo_id,
            "at_risk_reason": discussion.at_risk_reason,
        },
    )
