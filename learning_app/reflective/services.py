"""Use cases for scheduling reflective discussions: case events, due discussions, placing
them in SPOs' free slots, and accepting, moving or cancelling them.

Each function takes the actor explicitly, checks the rules again (the forms check them
first, for the messages), flushes, writes the audit log and never commits. A refusal raises
``DiscussionError`` with a message fit to show the user and the form field it is about.
Times passed in and stored are aware UTC datetimes; ``today`` is the London date.

CONTRACT (filled in by the scheduling work; views, jobs, demo and tests code against it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from learning_app.accounts.models import User
from learning_app.reflective.models import CaseEvent, Discussion, Leave, SpoCapacity


class DiscussionError(Exception):
    """A change the rules do not allow; the message is fit to show the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


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


def log_case_event(
    actor: User, practitioner: User, data: CaseEventInput, *, today: date, now: datetime
) -> tuple[CaseEvent, Discussion | None]:
    """Log a case event (by the practitioner or their SPO). When a rule in force applies
    (its bands and minimum RoSH level), a discussion becomes due within the rule's working
    days, with its focus skills, and is placed at once in the SPO's earliest free slot."""
    raise NotImplementedError


def request_discussion(actor: User, *, today: date, now: datetime) -> Discussion:
    """The practitioner asks for a discussion (follow-up rule ``practitioner-request``);
    placed at once."""
    raise NotImplementedError


def create_due_discussions(today: date) -> int:
    """Create every discussion now due by cadence or follow-up that does not exist yet;
    returns how many were created. Idempotent (``Discussion.dedupe_key``).

    Also marks a booked discussion "missed" when its slot ended more than 5 working days
    ago with nothing recorded, and raises its replacement as a cancellation does."""
    raise NotImplementedError


def place_due_discussions(now: datetime, *, spo_ids: set[int] | None = None) -> PlacingSummary:
    """Run the placer over every unplaced discussion (or those of ``spo_ids``) for the
    next 12 weeks; book what fits, record ``at_risk_reason`` for the rest. Idempotent."""
    raise NotImplementedError


def free_slots(discussion: Discussion, *, now: datetime, weeks: int = 3) -> list[datetime]:
    """The SPO's free slots (UTC starts) a discussion could move to: within capacity, never
    on leave, weekends or bank holidays, and free for both people."""
    raise NotImplementedError


def accept_discussion(actor: User, discussion: Discussion, now: datetime) -> None:
    """The practitioner or the SPO accepts the booked time."""
    raise NotImplementedError


def move_discussion(actor: User, discussion: Discussion, starts_at: datetime, now: datetime):
    """Move a booked discussion to another free slot; the database refuses a double
    booking even when two requests race (``DiscussionError`` then)."""
    raise NotImplementedError


def cancel_discussion(actor: User, discussion: Discussion, reason: str, now: datetime) -> None:
    """Cancel with a reason. The row stays as the record (status cancelled, who, when and
    why; ``sequence`` + 1 so calendars drop the event). When the reason for it still stands
    (a case event, follow-up or request with no signed discussion yet), a replacement due
    discussion with the same focus and due date is created and placed, never at the
    cancelled time. Cadence discussions come back through ``create_due_discussions``."""
    raise NotImplementedError


def set_capacity(actor: User, data: CapacityInput) -> SpoCapacity:
    """An SPO sets their own weekly capacity."""
    raise NotImplementedError


def add_leave(actor: User, first_day: date, last_day: date, *, today: date) -> Leave:
    """Add a spell of leave; booked discussions on those days are moved to free slots."""
    raise NotImplementedError


def remove_leave(actor: User, leave: Leave) -> None:
    raise NotImplementedError
