"""Training demand: which modules the practitioners of a unit need, and who needs each one.

A practitioner needs a module when it is among their current recommendations
(``advice.recommendations_for_many``) or when their SPO assigned it to them and the plan
item is still live (recommended, planned or booked). The counting is done by
``build_demand`` on plain data, so it can be tested without the database;
``demand_for`` reads that data in a fixed handful of queries, whatever the number of
practitioners.
"""

from __future__ import annotations

import enum
import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select

from learning_app.accounts.constants import BAND_ORDER, Band
from learning_app.core.time import LONDON
from learning_app.extensions import db
from learning_app.training.advice import load_catalogue, recommendations_for_many, skill_gaps
from learning_app.training.models import (
    Cohort,
    CohortBooking,
    DeliveryMode,
    PlanItem,
    PlanSource,
    PlanStatus,
)
from learning_app.training.recommend import SkillGap
from learning_app.training.report_scope import Person, practitioners_in

LIVE_STATUSES = (PlanStatus.RECOMMENDED.value, PlanStatus.PLANNED.value, PlanStatus.BOOKED.value)
BANDS: tuple[Band | None, ...] = (*BAND_ORDER, None)


def band_label(band: Band | None) -> str:
    return band.label if band is not None else "Not set"


class PlanState(enum.StrEnum):
    """Where a module stands in one practitioner's learning plan."""

    NOT_IN_PLAN = "not_in_plan"
    SUGGESTED = "recommended"  # a live plan item the practitioner has not planned yet
    PLANNED = "planned"
    WAITING = "waiting"
    BOOKED = "booked"

    @property
    def label(self) -> str:
        return PLAN_STATE_LABELS[self]

    @property
    def taken_up(self) -> bool:
        """Already planned or booked (a place on the waiting list counts as planned)."""
        return self in (PlanState.PLANNED, PlanState.WAITING, PlanState.BOOKED)


PLAN_STATE_LABELS = {
    PlanState.NOT_IN_PLAN: "Not in plan",
    PlanState.SUGGESTED: "In plan, not yet planned",
    PlanState.PLANNED: "Planned",
    PlanState.WAITING: "On the waiting list",
    PlanState.BOOKED: "Booked",
}


def plan_state(item_status: str | None, waiting: bool) -> PlanState:
    """A booked place wins, then a place on a waiting list, then the plan item's status."""
    if item_status == PlanStatus.BOOKED:
        return PlanState.BOOKED
    if waiting:
        return PlanState.WAITING
    if item_status == PlanStatus.PLANNED:
        return PlanState.PLANNED
    if item_status == PlanStatus.RECOMMENDED:
        return PlanState.SUGGESTED
    return PlanState.NOT_IN_PLAN


def cohorts_needed(need: int, cohort_size: int | None) -> int | None:
    """Cohorts that would seat everyone who needs the module (None without a size)."""
    if not cohort_size or cohort_size <= 0:
        return None
    return math.ceil(need / cohort_size)


# Plain inputs ------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleInfo:
    id: int
    code: str
    title: str
    mode: str  # a DeliveryMode value
    cohort_size: int | None
    skills: tuple[str, ...]  # slugs it addresses

    @property
    def mode_label(self) -> str:
        return DeliveryMode(self.mode).label

    @property
    def face_to_face(self) -> bool:
        return self.mode == DeliveryMode.FACE_TO_FACE


@dataclass(frozen=True)
class LiveItem:
    status: str  # recommended, planned or booked
    source: str


@dataclass(frozen=True)
class CohortSupply:
    """The module's upcoming cohorts that are not cancelled."""

    scheduled: int = 0
    places_free: int = 0


# Results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """One practitioner needing one module."""

    person: Person
    gaps: tuple[SkillGap, ...]  # the skills it addresses for them, with level and target
    recommended: bool
    assigned: bool
    state: PlanState


@dataclass
class DemandRow:
    module: ModuleInfo
    needs: list[Need]
    supply: CohortSupply = field(default_factory=CohortSupply)

    @property
    def need(self) -> int:
        return len(self.needs)

    @property
    def taken_up(self) -> int:
        return sum(1 for n in self.needs if n.state.taken_up)

    @property
    def by_team(self) -> Counter[int]:
        return Counter(n.person.team_id for n in self.needs)

    @property
    def by_band(self) -> Counter[Band | None]:
        return Counter(n.person.band for n in self.needs)

    @property
    def cohorts_needed(self) -> int | None:
        if not self.module.face_to_face:
            return None
        return cohorts_needed(self.need, self.module.cohort_size)

    @property
    def cohorts_to_schedule(self) -> int | None:
        needed = self.cohorts_needed
        return None if needed is None else max(needed - self.supply.scheduled, 0)


@dataclass
class DemandReport:
    rows: list[DemandRow]
    teams: list[tuple[int, str]]  # (team id, name) of every team with practitioners in scope
    practitioners: int

    def row(self, code: str) -> DemandRow | None:
        return next((r for r in self.rows if r.module.code == code), None)


def build_demand(
    people: Iterable[Person],
    modules: Iterable[ModuleInfo],
    recommended: Mapping[int, Mapping[str, Collection[str]]],
    live_items: Mapping[tuple[int, int], LiveItem],
    waiting: Collection[tuple[int, int]],
    supply: Mapping[int, CohortSupply],
    gaps: Mapping[int, Collection[SkillGap]],
) -> DemandReport:
    """Count who needs each module.

    ``recommended``: practitioner id -> module code -> slugs of the gaps it covers for them;
    ``live_items`` and ``waiting`` are keyed by (practitioner id, module id).
    Modules nobody needs are left out; the rest are ordered by need, most first.
    """
    people = list(people)
    rows = []
    for module in modules:
        needs = []
        for person in people:
            skills = recommended.get(person.id, {}).get(module.code)
            item = live_items.get((person.id, module.id))
            assigned = item is not None and item.source == PlanSource.ASSIGNED
            if skills is None and not assigned:
                continue
            wanted = set(skills) if skills is not None else set(module.skills)
            person_gaps = tuple(g for g in gaps.get(person.id, ()) if g.slug in wanted)
            state = plan_state(item.status if item else None, (person.id, module.id) in waiting)
            needs.append(Need(person, person_gaps, skills is not None, assigned, state))
        if needs:
            rows.append(DemandRow(module, needs, supply.get(module.id, CohortSupply())))
    rows.sort(key=lambda r: (-r.need, r.module.code))
    teams = sorted({(p.team_id, p.team_name) for p in people}, key=lambda t: (t[1], t[0]))
    return DemandReport(rows, teams, len(people))


# Reading the database -------------------------------------------------------------------


def demand_for(team_ids: Collection[int], today: date) -> DemandReport:
    """The demand of the practitioners of ``team_ids``, in a fixed number of queries."""
    people = practitioners_in(team_ids, today)
    ids = [p.id for p in people]
    catalogue = load_catalogue(today)
    modules = [
        ModuleInfo(
            id=m.id,
            code=m.code,
            title=m.title,
            mode=m.delivery_mode,
            cohort_size=m.cohort_size,
            skills=tuple(dict.fromkeys(s.skill_slug for s in m.skills)),
        )
        for m in catalogue.modules
    ]
    recommendations = recommendations_for_many(ids, today, catalogue) if ids else {}
    recommended = {
        pid: {item.module_code: tuple(item.skills) for item in recs.items}
        for pid, recs in recommendations.items()
    }
    return build_demand(
        people,
        modules,
        recommended,
        _live_items(ids),
        _waiting(ids, today),
        _supply([m.id for m in modules], today),
        skill_gaps(ids) if ids else {},
    )


def _start_of(today: date) -> datetime:
    return datetime.combine(today, time(), tzinfo=LONDON).astimezone(UTC)


def _live_items(ids: list[int]) -> dict[tuple[int, int], LiveItem]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            PlanItem.practitioner_id, PlanItem.module_id, PlanItem.status, PlanItem.source
        ).where(PlanItem.practitioner_id.in_(ids), PlanItem.status.in_(LIVE_STATUSES))
    )
    return {(pid, mid): LiveItem(status, source) for pid, mid, status, source in rows}


def _waiting(ids: list[int], today: date) -> set[tuple[int, int]]:
    """(practitioner, module) pairs with a place on the waiting list of an upcoming cohort."""
    if not ids:
        return set()
    rows = db.session.execute(
        select(CohortBooking.practitioner_id, Cohort.module_id)
        .join(Cohort, Cohort.id == CohortBooking.cohort_id)
        .where(
            CohortBooking.practitioner_id.in_(ids),
            CohortBooking.status == "waiting",
            Cohort.cancelled_at.is_(None),
            Cohort.starts_at >= _start_of(today),
        )
    )
    return {(pid, mid) for pid, mid in rows}


def _supply(module_ids: list[int], today: date) -> dict[int, CohortSupply]:
    if not module_ids:
        return {}
    rows = db.session.execute(
        select(
            Cohort.module_id, func.count(Cohort.id), func.sum(Cohort.capacity - Cohort.booked_count)
        )
        .where(
            Cohort.module_id.in_(module_ids),
            Cohort.cancelled_at.is_(None),
            Cohort.starts_at >= _start_of(today),
        )
        .group_by(Cohort.module_id)
    )
    return {mid: CohortSupply(int(n), int(free or 0)) for mid, n, free in rows}
