"""Use cases for scheduling reflective discussions: case events, due discussions, placing
them in SPOs' free slots, and accepting, moving or cancelling them.

Each function takes the actor explicitly, checks the rules again (the forms check them
first, for the messages), flushes, writes the audit log and never commits. A refusal raises
``DiscussionError`` with a message fit to show the user and the form field it is about.
Times passed in and stored are aware UTC datetimes; ``today`` is the London date.

The daily job's work is in ``due`` (what is due) and ``placing`` (booking it); the rules
for users and operators are in docs/reflective-scheduling.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User
from learning_app.core import audit
from learning_app.core.personal_data import personal_data_problems
from learning_app.core.policy import manages
from learning_app.core.time import aware, london
from learning_app.core.wording import day_and_time, long_date
from learning_app.extensions import db
from learning_app.observations.services import case_reference_problem, normalise_case_reference
from learning_app.reflective import availability, due, emails, placing, rule_store
from learning_app.reflective.errors import DiscussionError
from learning_app.reflective.models import (
    ROSH_LEVELS,
    CaseEvent,
    Discussion,
    DiscussionStatus,
    DueReason,
    Leave,
    SpoCapacity,
)
from learning_app.reflective.people import spo_of
from learning_app.reflective.placer import RiskReason
from learning_app.reflective.rules import Rosh, Rules
from learning_app.reflective.working_days import add_working_days, bank_holidays

REQUEST_RULE = "practitioner-request"
CASE_EVENT_MAX_AGE = timedelta(days=90)
CANCEL_REASON_MAX = 500
MOVE_HORIZON_WEEKS = placing.HORIZON_WEEKS
SLOT_TAKEN = "That time has just been taken. Choose another time"


@dataclass
class CaseEventInput:
    event_type: str  # a case event rule code from the rules in force
    rosh_level: str  # low, medium, high, very_high
    occurred_on: date
    case_reference: str | None = None  # normalised: one letter and six digits, or None
    limited_access: bool = False


@dataclass
class CapacityInput:
    sessions_per_week: int
    weekdays: frozenset[int]  # 0 Monday ... 4 Friday
    day_starts: time
    day_ends: time
    slot_minutes: int


@dataclass(frozen=True)
class PlacingSummary:
    placed: int
    at_risk: int


# Who may do what -----------------------------------------------------------------------


def _require_party(actor: User, discussion: Discussion) -> None:
    """Only the practitioner and the SPO of a discussion change it (views answer 404 first)."""
    if actor.id not in (discussion.practitioner_id, discussion.spo_id):
        raise DiscussionError("You can only change your own discussions")


def _require_booked(discussion: Discussion, what: str) -> None:
    if discussion.status != DiscussionStatus.BOOKED.value:
        raise DiscussionError(f"Only a booked discussion can be {what}")


def _place_with(spo_id: int | None, now: datetime) -> None:
    if spo_id is not None:
        placing.run_placer(now, {spo_id})


# Case events and requests --------------------------------------------------------------


def _check_case_event(data: CaseEventInput, today: date, rules: Rules) -> str | None:
    """Refuse what the rules do not allow, naming the field; the case reference normalised."""
    rule = rules.case_event(data.event_type or "")
    if rule is None:
        raise DiscussionError("Select the type of case event", "event_type")
    if data.rosh_level not in ROSH_LEVELS:
        raise DiscussionError("Select the risk of serious harm level", "rosh_level")
    if data.occurred_on is None:
        raise DiscussionError("Enter the date of the case event", "occurred_on")
    if data.occurred_on > today:
        raise DiscussionError(
            "The date of the case event must be today or in the past", "occurred_on"
        )
    if data.occurred_on < today - CASE_EVENT_MAX_AGE:
        raise DiscussionError(
            "The date of the case event must be within the last 90 days", "occurred_on"
        )
    reference = normalise_case_reference(data.case_reference)
    problem = case_reference_problem(reference, data.limited_access)
    if problem:
        raise DiscussionError(problem, "case_reference")
    return reference


def log_case_event(
    actor: User, practitioner: User, data: CaseEventInput, *, today: date, now: datetime
) -> tuple[CaseEvent, Discussion | None]:
    """Log a case event (by the practitioner or their SPO). When a rule in force applies
    (its bands and minimum RoSH level), a discussion becomes due within the rule's working
    days, with its focus skills, and is placed at once in the SPO's earliest free slot.

    When no rule applies (a high risk case held by an experienced PO, say) no discussion
    is needed, and the event is closed today."""
    if actor.id != practitioner.id and not manages(actor, practitioner):
        raise DiscussionError("You can only log case events for yourself or your team")
    if not practitioner.has_role(Role.PRACTITIONER):
        raise DiscussionError("Case events can only be logged for practitioners")
    rules = rule_store.current_rules()
    reference = _check_case_event(data, today, rules)
    rule = rules.case_event(data.event_type)
    event = CaseEvent(
        practitioner_id=practitioner.id,
        logged_by_id=actor.id,
        event_type=rule.code,
        event_label=rule.label,
        rosh_level=data.rosh_level,
        occurred_on=data.occurred_on,
        case_reference=reference,
        limited_access=data.limited_access,
    )
    db.session.add(event)
    db.session.flush()
    needs_discussion = rule.applies(practitioner.band(today), Rosh.from_value(data.rosh_level))
    if not needs_discussion:
        event.closed_on = today
    audit.record(
        actor,
        "case_event.log",
        event,
        detail={
            "practitioner_id": practitioner.id,
            "event_type": rule.code,
            "rosh_level": data.rosh_level,
            "discussion_needed": needs_discussion,
        },
    )
    if not needs_discussion:
        db.session.flush()
        return event, None
    spo = spo_of(practitioner)
    deadline = add_working_days(data.occurred_on, rule.due_working_days, bank_holidays())
    discussion = due.new_discussion(
        practitioner_id=practitioner.id,
        spo_id=spo.id if spo else None,
        reason=DueReason.CASE_EVENT,
        rule_code=rule.code,
        rule_label=rule.label,
        earliest_on=today,
        due_on=max(today, deadline),
        dedupe_key=f"case-event:{event.id}",
        focus_skills=rule.focus_skills,
        case_event_id=event.id,
    )
    if spo is None:
        discussion.at_risk_reason = RiskReason.NO_SPO.value
    db.session.flush()
    due.record_created([discussion])
    _place_with(discussion.spo_id, now)
    return event, discussion


def _open_request(practitioner: User) -> Discussion | None:
    return db.session.scalar(
        select(Discussion)
        .where(
            Discussion.practitioner_id == practitioner.id,
            Discussion.reason == DueReason.REQUEST.value,
            Discussion.status.in_([DiscussionStatus.DUE.value, DiscussionStatus.BOOKED.value]),
        )
        .order_by(Discussion.id.desc())
        .limit(1)
    )


def _already_requested(open_request: Discussion | None) -> str:
    if open_request is not None and open_request.starts_at is not None:
        return (
            "You already have a discussion you asked for, booked for "
            f"{day_and_time(open_request.starts_at)}"
        )
    if open_request is not None:
        return (
            "You have already asked for a discussion. It is due by "
            f"{long_date(open_request.due_on)} and has not been booked yet"
        )
    return "You have already asked for a discussion"


def request_discussion(actor: User, *, today: date, now: datetime) -> Discussion:
    """The practitioner asks for a discussion (follow-up rule ``practitioner-request``);
    placed at once. One open request (not yet held) at a time."""
    if not actor.has_role(Role.PRACTITIONER):
        raise DiscussionError("Only practitioners can ask for a discussion")
    rule = rule_store.current_rules().follow_up(REQUEST_RULE)
    if rule is None:
        raise DiscussionError("You cannot ask for a discussion at the moment")
    open_request = _open_request(actor)
    if open_request is not None:
        raise DiscussionError(_already_requested(open_request))
    spo = spo_of(actor)
    if spo is None:
        raise DiscussionError("You cannot ask for a discussion because your team has no SPO")
    asked_before = db.session.scalar(
        select(func.count(Discussion.id)).where(
            Discussion.practitioner_id == actor.id,
            Discussion.reason == DueReason.REQUEST.value,
        )
    )
    try:
        with db.session.begin_nested():
            discussion = due.new_discussion(
                practitioner_id=actor.id,
                spo_id=spo.id,
                reason=DueReason.REQUEST,
                rule_code=rule.code,
                rule_label=rule.label,
                earliest_on=today,
                due_on=add_working_days(today, rule.due_working_days, bank_holidays()),
                dedupe_key=f"request:{actor.id}:{asked_before + 1}",
            )
            db.session.flush()
    except IntegrityError:
        # The same request sent twice at once: the key is taken by the first.
        raise DiscussionError(_already_requested(None)) from None
    audit.record(actor, "discussion.request", discussion, detail={"due_on": str(discussion.due_on)})
    _place_with(spo.id, now)
    return discussion


# The daily jobs ----------------------------------------------------------------------------


def create_due_discussions(today: date) -> int:
    """Create every discussion now due by cadence or follow-up that does not exist yet;
    returns how many were created. Idempotent (``Discussion.dedupe_key``).

    Also marks a booked discussion "missed" when its slot ended more than 5 working days
    ago with nothing recorded, and raises its replacement as a cancellation does."""
    return due.create_due_discussions(today)


def place_due_discussions(now: datetime, *, spo_ids: set[int] | None = None) -> PlacingSummary:
    """Run the placer over every unplaced discussion (or those of ``spo_ids``) for the
    next 12 weeks; book what fits, record ``at_risk_reason`` for the rest. Idempotent.

    ``placed`` counts the bookings made; ``at_risk`` the discussions that could not be
    placed by their due date (placed late, or not at all)."""
    outcome = placing.run_placer(now, spo_ids)
    return PlacingSummary(outcome.placed, outcome.at_risk)


# Changing a booked discussion ------------------------------------------------------------


def free_slots(discussion: Discussion, *, now: datetime, weeks: int = 3) -> list[datetime]:
    """The SPO's free slots (UTC starts) a discussion could move to: within capacity, never
    on leave, weekends or bank holidays, and free for both people."""
    return placing.slot_choices(discussion, now, weeks)[0]


def accept_discussion(actor: User, discussion: Discussion, now: datetime) -> None:
    """The practitioner or the SPO accepts the booked time."""
    _require_party(actor, discussion)
    _require_booked(discussion, "accepted")
    field = (
        "practitioner_accepted_at" if actor.id == discussion.practitioner_id else "spo_accepted_at"
    )
    if getattr(discussion, field) is not None:
        return
    setattr(discussion, field, now)
    db.session.flush()
    audit.record(actor, "discussion.accept", discussion, detail={"sequence": discussion.sequence})


def _lock_spo(spo_id: int) -> None:
    """Bookings for one SPO queue up behind each other (a row lock on PostgreSQL)."""
    placing.lock_capacities({spo_id})


def move_discussion(
    actor: User, discussion: Discussion, starts_at: datetime, now: datetime
) -> None:
    """Move a booked discussion to another free slot; the database refuses a double
    booking even when two requests race (``DiscussionError`` then).

    The mover accepts the new time; the other person is asked to accept it again. Both
    are emailed."""
    _require_party(actor, discussion)
    _require_booked(discussion, "moved")
    now = aware(now)
    if aware(discussion.starts_at) <= now:
        raise DiscussionError("This discussion has already started, so it cannot be moved")
    if starts_at is None:
        raise DiscussionError("Select a new time", "starts_at")
    _lock_spo(discussion.spo_id)
    db.session.refresh(discussion)
    _require_booked(discussion, "moved")
    starts_at = aware(starts_at).astimezone(UTC)
    free, every_slot = placing.slot_choices(discussion, now, MOVE_HORIZON_WEEKS)
    if starts_at not in free:
        if starts_at in every_slot:
            raise DiscussionError(SLOT_TAKEN, "starts_at")
        raise DiscussionError("Select one of the free times", "starts_at")
    capacity = db.session.scalar(select(SpoCapacity).where(SpoCapacity.spo_id == discussion.spo_id))
    old_starts_at = aware(discussion.starts_at)
    mover_is_practitioner = actor.id == discussion.practitioner_id
    try:
        with db.session.begin_nested():
            discussion.starts_at = starts_at
            discussion.ends_at = starts_at + timedelta(minutes=capacity.slot_minutes)
            discussion.sequence += 1
            discussion.practitioner_accepted_at = now if mover_is_practitioner else None
            discussion.spo_accepted_at = None if mover_is_practitioner else now
            if london(starts_at).date() <= discussion.due_on:
                discussion.at_risk_reason = None
            db.session.flush()
    except IntegrityError:
        raise DiscussionError(SLOT_TAKEN, "starts_at") from None
    audit.record(
        actor,
        "discussion.move",
        discussion,
        detail={"from": old_starts_at.isoformat(), "to": starts_at.isoformat()},
    )
    emails.discussion_moved(discussion, old_starts_at, moved_by=actor)


def _check_cancel_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DiscussionError("Enter why you are cancelling the discussion", "reason")
    if len(reason) > CANCEL_REASON_MAX:
        raise DiscussionError(
            f"The reason must be {CANCEL_REASON_MAX} characters or fewer", "reason"
        )
    problems = personal_data_problems(reason)
    if problems:
        raise DiscussionError(
            "The reason looks like it includes personal details of a person on probation: "
            f"{'; '.join(problems)}. Remove them: describe the practice, not the person",
            "reason",
        )
    return reason


def cancel_discussion(actor: User, discussion: Discussion, reason: str, now: datetime) -> None:
    """Cancel with a reason. The row stays as the record (status cancelled, who, when and
    why; ``sequence`` + 1 so calendars drop the event). When the reason for it still stands
    (a case event, follow-up or request with no signed discussion yet), a replacement due
    discussion with the same focus and due date is created and placed, never at the
    cancelled time. Cadence discussions come back through ``create_due_discussions``.

    A practitioner cancelling a discussion they asked for withdraws the request: it has
    no replacement."""
    _require_party(actor, discussion)
    _require_booked(discussion, "cancelled")
    reason = _check_cancel_reason(reason)
    # Take the SPO's lock before changing the row, as every booking change does: one order.
    _lock_spo(discussion.spo_id)
    db.session.refresh(discussion)
    _require_booked(discussion, "cancelled")
    discussion.status = DiscussionStatus.CANCELLED.value
    discussion.cancelled_at = now
    discussion.cancelled_by_id = actor.id
    discussion.cancel_reason = reason
    discussion.sequence += 1
    db.session.flush()
    audit.record(actor, "discussion.cancel", discussion, detail={"sequence": discussion.sequence})
    withdrawn = (
        discussion.reason == DueReason.REQUEST.value and actor.id == discussion.practitioner_id
    )
    replacements = [] if withdrawn else due.replace([discussion], london(aware(now)).date())
    emails.discussion_cancelled(discussion, actor, replaced=bool(replacements))
    if replacements:
        _place_with(replacements[0].spo_id, now)


# Capacity and leave ------------------------------------------------------------------------


def set_capacity(actor: User, data: CapacityInput) -> SpoCapacity:
    """An SPO sets their own weekly capacity (at least one weekday, the day ends after it
    starts, slots of 15 to 240 minutes that fit the day, 0 to 40 a week); their due
    discussions are then placed again."""
    return availability.set_capacity(actor, data)


def add_leave(actor: User, first_day: date, last_day: date, *, today: date) -> Leave:
    """Add a spell of leave; booked discussions on those days are moved to free slots.

    Each is unbooked (``sequence`` + 1) and placed again at once; both people get the
    "moved" email, saying so if no new time could be found yet."""
    return availability.add_leave(actor, first_day, last_day, today=today)


def remove_leave(actor: User, leave: Leave) -> None:
    """Remove one's own leave; an SPO's due discussions are then placed again."""
    availability.remove_leave(actor, leave)
