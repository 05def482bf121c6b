"""Read side of learning plans: a practitioner's plan beside their live recommendations,
and the SPO's summary of their teams' plans. Nothing here checks access; the views do."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from learning_app.accounts.models import User
from learning_app.assessments.queries import practitioners_of_teams
from learning_app.extensions import db
from learning_app.org.models import Team
from learning_app.training.advice import recommendations_for
from learning_app.training.models import PlanItem, PlanSource, PlanStatus, TrainingModule
from learning_app.training.plans import LIVE_STATUSES
from learning_app.training.queries import active_modules, find_module, framework_skills
from learning_app.training.recommend import ObservationRequest, Recommendations

MAX_ID = 2**31 - 1
LIVE_VALUES = frozenset(s.value for s in LIVE_STATUSES)


def valid_id(value: int) -> bool:
    return 0 < value <= MAX_ID


def quarter_start(today: date) -> date:
    """The first day of the calendar quarter ``today`` falls in."""
    return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def quarter_end(today: date) -> date:
    start = quarter_start(today)
    if start.month == 10:
        return date(start.year, 12, 31)
    return date.fromordinal(date(start.year, start.month + 3, 1).toordinal() - 1)


def is_overdue(item: PlanItem, today: date) -> bool:
    """In progress, with a target or due date before today."""
    return item.status in LIVE_VALUES and item.target_on is not None and item.target_on < today


# One practitioner's plan ---------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    item: PlanItem
    source_text: str
    overdue: bool

    @property
    def module(self) -> TrainingModule:
        return self.item.module


@dataclass(frozen=True)
class Plan:
    in_progress: list[PlanRow]
    completed: list[PlanRow]
    declined: list[PlanRow]

    @property
    def empty(self) -> bool:
        return not (self.in_progress or self.completed or self.declined)


def plan_items(practitioner_id: int) -> list[PlanItem]:
    return list(
        db.session.scalars(
            select(PlanItem)
            .where(PlanItem.practitioner_id == practitioner_id)
            .options(selectinload(PlanItem.module))
            .order_by(PlanItem.id)
        )
    )


def _names(user_ids: Collection[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())


def source_text(item: PlanItem, names: dict[int, str], *, own: bool = True) -> str:
    if item.source == PlanSource.ASSIGNED:
        return f"Assigned by {names.get(item.assigned_by_id or 0, 'an SPO')}"
    if item.source == PlanSource.RECOMMENDED:
        return "Recommended"
    return "Chosen by you" if own else "Chosen by them"


def plan_for(practitioner_id: int, today: date, *, own: bool = True) -> Plan:
    """The plan grouped for the page: in progress (soonest date first), completed
    (latest first) and declined."""
    items = plan_items(practitioner_id)
    names = _names({i.assigned_by_id for i in items if i.assigned_by_id})

    def row(item: PlanItem) -> PlanRow:
        return PlanRow(item, source_text(item, names, own=own), is_overdue(item, today))

    in_progress = [row(i) for i in items if i.status in LIVE_VALUES]
    in_progress.sort(key=lambda r: (r.item.target_on is None, r.item.target_on or today, r.item.id))
    completed = [row(i) for i in items if i.status == PlanStatus.COMPLETED]
    completed.sort(key=lambda r: (r.item.completed_on, r.item.id), reverse=True)
    declined = [row(i) for i in items if i.status == PlanStatus.DECLINED]
    declined.sort(key=lambda r: r.item.id, reverse=True)
    return Plan(in_progress, completed, declined)


def own_item(practitioner: User, item_id: int) -> PlanItem | None:
    """One of the practitioner's own plan items, or None (someone else's, or no such id)."""
    if not valid_id(item_id):
        return None
    item = db.session.get(PlanItem, item_id)
    if item is None or item.practitioner_id != practitioner.id:
        return None
    return item


# Recommendations beside the plan -------------------------------------------------------


@dataclass(frozen=True)
class RecommendedModule:
    module: TrainingModule
    reason: str


@dataclass(frozen=True)
class Advice:
    """What the plan page shows about the live recommendations."""

    modules: list[RecommendedModule]
    observe_first: list[ObservationRequest]
    unmet: list[str]  # skill names no module addresses
    partly_met: list[str]  # skill names the modules cover only part of the way
    raw: Recommendations = field(repr=False)

    def reason_for(self, code: str) -> str | None:
        """The reason of a recommendation shown on the page (not yet in the plan)."""
        return next((r.reason for r in self.modules if r.module.code == code), None)

    def recommended_because(self, code: str) -> str | None:
        """The reason of any live recommendation, shown on the page or not."""
        return next((r.reason for r in self.raw.items if r.module_code == code), None)

    @property
    def codes(self) -> list[str]:
        return [r.module.code for r in self.modules]


def advice_for(
    practitioner_id: int, today: date, items: Sequence[PlanItem] | None = None
) -> Advice:
    """The live recommendations, less modules already in progress in the plan and
    modules whose latest item the practitioner declined."""
    recs = recommendations_for(practitioner_id, today)
    items = plan_items(practitioner_id) if items is None else items
    latest: dict[int, PlanItem] = {}
    for item in sorted(items, key=lambda i: i.id):
        latest[item.module_id] = item
    hidden = {
        module_id
        for module_id, item in latest.items()
        if item.status in LIVE_VALUES or item.status == PlanStatus.DECLINED
    }
    by_code = {m.code: m for m in active_modules()}
    modules = [
        RecommendedModule(by_code[r.module_code], r.reason)
        for r in recs.items
        if r.module_code in by_code and by_code[r.module_code].id not in hidden
    ]
    names = framework_skills()
    return Advice(
        modules=modules,
        observe_first=list(recs.observe_first),
        unmet=[names.get(slug, slug) for slug in recs.unmet],
        partly_met=[names.get(slug, slug) for slug in recs.partly_met],
        raw=recs,
    )


def live_module(code: str) -> TrainingModule | None:
    """A module in the catalogue (not retired) by code; None for unknown or odd codes."""
    module = find_module(code)
    if module is None or module.retired_at is not None:
        return None
    return module


# The SPO's teams -----------------------------------------------------------------------


@dataclass
class TeamPlanRow:
    practitioner: User
    team_name: str
    open: int = 0
    overdue: int = 0
    completed_this_quarter: int = 0
    declined: int = 0


@dataclass(frozen=True)
class OverdueRow:
    practitioner: User
    item: PlanItem


@dataclass(frozen=True)
class TeamPlans:
    rows: list[TeamPlanRow]
    overdue: list[OverdueRow]
    quarter_start: date
    quarter_end: date
    several_teams: bool


def team_practitioners(team_ids: Collection[int], exclude_id: int | None = None) -> list[User]:
    """Active practitioners whose current team is one of ``team_ids``, by name."""
    if not team_ids:
        return []
    stmt = practitioners_of_teams(list(team_ids)).order_by(User.name, User.id)
    if exclude_id is not None:
        stmt = stmt.where(User.id != exclude_id)
    return list(db.session.scalars(stmt))


def team_plans(team_ids: Collection[int], today: date, exclude_id: int | None = None) -> TeamPlans:
    """Per practitioner: items open, overdue, completed this calendar quarter and
    declined; and every overdue item, soonest due first."""
    people = team_practitioners(team_ids, exclude_id)
    team_names = dict(
        db.session.execute(select(Team.id, Team.name).where(Team.id.in_(list(team_ids)))).all()
    )
    rows = {p.id: TeamPlanRow(p, team_names.get(p.team_id or 0, "")) for p in people}
    start, end = quarter_start(today), quarter_end(today)
    overdue: list[OverdueRow] = []
    items = (
        db.session.scalars(
            select(PlanItem)
            .where(PlanItem.practitioner_id.in_(list(rows)))
            .options(selectinload(PlanItem.module))
        )
        if rows
        else []
    )
    for item in items:
        row = rows[item.practitioner_id]
        if item.status in LIVE_VALUES:
            row.open += 1
            if is_overdue(item, today):
                row.overdue += 1
                overdue.append(OverdueRow(row.practitioner, item))
        elif item.status == PlanStatus.COMPLETED:
            if item.completed_on and start <= item.completed_on <= end:
                row.completed_this_quarter += 1
        elif item.status == PlanStatus.DECLINED:
            row.declined += 1
    overdue.sort(key=lambda r: (r.item.target_on, r.practitioner.name, r.item.id))
    return TeamPlans(
        rows=list(rows.values()),
        overdue=overdue,
        quarter_start=start,
        quarter_end=end,
        several_teams=len({p.team_id for p in people}) > 1,
    )


def assignable_modules(recommended_codes: Sequence[str]) -> list[tuple[TrainingModule, bool]]:
    """Every live module for the assign form: the recommended ones first (in the order
    recommended), then the rest by code; True marks a recommended one."""
    modules = active_modules()
    by_code = {m.code: m for m in modules}
    first = [(by_code[c], True) for c in recommended_codes if c in by_code]
    rest = [(m, False) for m in modules if m.code not in set(recommended_codes)]
    return first + rest
