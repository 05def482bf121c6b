"""Learning plans (DESIGN.md section 7): the practitioner's own changes and the SPO's
assignments.

Each function takes the actor explicitly, checks the rules, flushes, writes the audit
log and never commits; a refusal raises :class:`PlanError` with a message fit to show
the user and the form field it is about.

Completing a module records the completion and the learner's rating only. It never
changes a skill level: stored profiles (``SkillProfileRecord``) move only with new
evidence, such as an observation after the training.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User
from learning_app.core import audit
from learning_app.core.policy import manages
from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.training.models import (
    DeliveryMode,
    PlanItem,
    PlanSource,
    PlanStatus,
    TrainingModule,
)

LIVE_STATUSES = (PlanStatus.RECOMMENDED, PlanStatus.PLANNED, PlanStatus.BOOKED)
TEXT_MAX = 2000
USEFULNESS_RANGE = range(1, 6)


class PlanError(Exception):
    """A change the rules do not allow; the message is fit to show the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def is_live(item: PlanItem) -> bool:
    """Still in progress: recommended, planned or booked."""
    return item.status in LIVE_STATUSES


def live_item(practitioner_id: int, module_id: int) -> PlanItem | None:
    """The practitioner's item in progress for a module (at most one: a unique index)."""
    return db.session.scalar(
        select(PlanItem).where(
            PlanItem.practitioner_id == practitioner_id,
            PlanItem.module_id == module_id,
            PlanItem.status.in_([s.value for s in LIVE_STATUSES]),
        )
    )


# Checks --------------------------------------------------------------------------------


def _check_module(module: TrainingModule) -> None:
    if module.retired_at is not None:
        raise PlanError(f"{module.code} has been retired: choose another module", "module")


def _check_not_live(practitioner: User, module: TrainingModule) -> None:
    if live_item(practitioner.id, module.id) is not None:
        raise PlanError(f"{module.code} is already in your plan", "module")


def _check_own_live_item(item: PlanItem, actor: User) -> None:
    if item.practitioner_id != actor.id:
        raise PlanError("You can only change your own learning plan")
    if not is_live(item):
        raise PlanError("This module is no longer in progress in your plan")


def _text(value: str | None, field: str, name: str, *, required: str | None = None) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise PlanError(required, field)
        return None
    if len(value) > TEXT_MAX:
        raise PlanError(f"{name} must be {TEXT_MAX} characters or fewer", field)
    return value


def _future_date(day: date | None, field: str, missing: str, name: str, today: date) -> date:
    if day is None:
        raise PlanError(missing, field)
    if day < today:
        raise PlanError(f"{name} must be today or in the future", field)
    return day


def _insert(item: PlanItem, already: str) -> None:
    """Add a new item; the same module added twice at once meets the unique index."""
    try:
        with db.session.begin_nested():
            db.session.add(item)
            db.session.flush()
    except IntegrityError:
        raise PlanError(already, "module") from None


def _record(actor: User, action: str, item: PlanItem, **detail) -> None:
    audit.record(
        actor,
        action,
        item,
        detail={"practitioner_id": item.practitioner_id, "module": item.module.code, **detail},
    )


# The practitioner's changes ------------------------------------------------------------


def add_to_plan(
    practitioner: User,
    module: TrainingModule,
    source: PlanSource | str,
    reason: str | None,
    target_on: date | None = None,
    *,
    today: date | None = None,
) -> PlanItem:
    """Add a module to the practitioner's plan as planned.

    ``source`` is recommended (``reason`` is then the recommendation's sentence) or
    chosen. A retired module, or one already in progress in the plan, is refused.
    """
    source = PlanSource(source)
    if source == PlanSource.ASSIGNED:
        raise PlanError("Only an SPO can assign a module", "module")
    _check_module(module)
    _check_not_live(practitioner, module)
    if target_on is not None:
        target_on = _future_date(
            target_on, "target_on", "Enter a target date", "Target date", today or london_today()
        )
    item = PlanItem(
        practitioner_id=practitioner.id,
        module=module,
        status=PlanStatus.PLANNED,
        source=source,
        reason=(reason or None) if source == PlanSource.RECOMMENDED else None,
        target_on=target_on,
    )
    _insert(item, f"{module.code} is already in your plan")
    _record(practitioner, "plan.add", item, source=source.value)
    return item


def set_target(
    item: PlanItem, actor: User, target_on: date | None, *, today: date | None = None
) -> PlanItem:
    """Set (or change) the date the practitioner means to finish an item by."""
    _check_own_live_item(item, actor)
    today = today or london_today()
    target_on = _future_date(target_on, "target_on", "Enter a target date", "Target date", today)
    before = item.target_on
    item.target_on = target_on
    db.session.flush()
    _record(
        actor,
        "plan.set_target",
        item,
        target_on=target_on.isoformat(),
        previous=before.isoformat() if before else None,
    )
    return item


def mark_booked(item: PlanItem, actor: User) -> PlanItem:
    """Mark an item booked outside a cohort (an e-learning enrolment, a coaching slot).

    Face-to-face modules are booked on a cohort, which marks the item booked itself.
    """
    _check_own_live_item(item, actor)
    if item.status == PlanStatus.BOOKED:
        raise PlanError(f"{item.module.code} is already marked as booked")
    if item.module.delivery_mode == DeliveryMode.FACE_TO_FACE:
        raise PlanError(f"Book a place on a cohort of {item.module.code} instead")
    item.status = PlanStatus.BOOKED
    db.session.flush()
    _record(actor, "plan.mark_booked", item)
    return item


def complete(
    item: PlanItem,
    actor: User,
    completed_on: date | None,
    usefulness: int | None,
    comment: str | None,
    *,
    today: date | None = None,
) -> PlanItem:
    """Record that the practitioner completed a module, with how useful it was (1 to 5).

    Skill levels are not touched: only new evidence changes a profile.
    """
    _check_own_live_item(item, actor)
    today = today or london_today()
    if completed_on is None:
        raise PlanError("Enter the date you completed it", "completed_on")
    if completed_on > today:
        raise PlanError("Date completed must be today or in the past", "completed_on")
    if usefulness is None:
        raise PlanError("Select how useful it was", "usefulness")
    if usefulness not in USEFULNESS_RANGE:
        raise PlanError("Select how useful it was, from 1 to 5", "usefulness")
    comment = _text(comment, "comment", "Your comment")
    item.status = PlanStatus.COMPLETED
    item.completed_on = completed_on
    item.usefulness = usefulness
    item.comment = comment
    db.session.flush()
    _record(
        actor,
        "plan.complete",
        item,
        completed_on=completed_on.isoformat(),
        usefulness=usefulness,
    )
    return item


def decline(item: PlanItem, actor: User, reason: str | None) -> PlanItem:
    """Decline an item in progress, saying why; it stays in the plan as history."""
    _check_own_live_item(item, actor)
    reason = _text(reason, "reason", "Your reason", required="Enter why you are declining it")
    item.status = PlanStatus.DECLINED
    item.declined_reason = reason
    db.session.flush()
    _record(actor, "plan.decline", item)
    return item


def decline_recommendation(
    practitioner: User,
    module: TrainingModule,
    reason: str | None,
    *,
    recommended_because: str | None = None,
) -> PlanItem:
    """Decline a recommendation before it was added: stored as a declined item whose
    source is recommended (``recommended_because`` is the recommendation's sentence)."""
    _check_module(module)
    _check_not_live(practitioner, module)
    reason = _text(reason, "reason", "Your reason", required="Enter why you are declining it")
    item = PlanItem(
        practitioner_id=practitioner.id,
        module=module,
        status=PlanStatus.DECLINED,
        source=PlanSource.RECOMMENDED,
        reason=recommended_because or None,
        declined_reason=reason,
    )
    db.session.add(item)
    db.session.flush()
    _record(practitioner, "plan.decline_recommendation", item)
    return item


# The SPO's assignments -----------------------------------------------------------------


def assign(
    spo: User,
    practitioner: User,
    module: TrainingModule,
    due_on: date | None,
    note: str | None,
    *,
    today: date | None = None,
) -> PlanItem:
    """An SPO assigns a module to a practitioner of their current team, with a due date.

    When the module is already in progress in the plan, that item takes the due date
    and is marked assigned; its status is kept (a booked place stays booked).
    """
    if (
        practitioner.id == spo.id
        or not practitioner.active
        or not practitioner.has_role(Role.PRACTITIONER)
        or not manages(spo, practitioner)
    ):
        raise PlanError("You can only assign modules to practitioners in your team")
    _check_module(module)
    today = today or london_today()
    due_on = _future_date(due_on, "due_on", "Enter a due date", "Due date", today)
    note = _text(note, "note", "Your note")
    item = live_item(practitioner.id, module.id)
    created = item is None
    if created:
        item = PlanItem(
            practitioner_id=practitioner.id,
            module=module,
            status=PlanStatus.PLANNED,
            source=PlanSource.ASSIGNED,
            assigned_by_id=spo.id,
            target_on=due_on,
            reason=note,
        )
        _insert(item, f"{module.code} was added to their plan at the same time: try again")
    else:
        item.source = PlanSource.ASSIGNED
        item.assigned_by_id = spo.id
        item.target_on = due_on
        if note:
            item.reason = note
        db.session.flush()
    _record(spo, "plan.assign", item, due_on=due_on.isoformat(), new_item=created)
    return item
