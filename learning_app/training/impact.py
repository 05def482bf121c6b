"""Training impact: observed levels before and after a module, beside a comparison group.

For each module completed in scope and each skill it addresses:

- completers: practitioners who completed the module (their latest completion). "Before" is
  the mean of their observed ratings of the skill in the 6 months before the completion
  date, "after" the mean in the 6 months after it. Only completers with at least one
  rating in each window are counted.
- comparison: practitioners in scope who never completed the module and had the same gap:
  their mean rating of the skill in the 6 months before the anchor date (the middle
  completion date of the completers) was below the level the module raises the skill to.
  Their windows sit either side of that anchor date; again both windows need a rating.

A group of fewer than 5 people is never shown in numbers (``suppressed``).
``measure_impact`` takes plain data and has no database; ``impact_for`` reads it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from statistics import mean

from sqlalchemy import select

from learning_app.extensions import db
from learning_app.framework.models import Skill
from learning_app.observations.models import Observation, ObservationRating
from learning_app.profiles.calculation import months_before
from learning_app.profiles.evidence import EVIDENCE_STATUSES
from learning_app.training.models import ModuleSkill, PlanItem, PlanStatus, TrainingModule
from learning_app.training.report_scope import practitioners_in

WINDOW_MONTHS = 6
SUPPRESS_BELOW = 5


def suppressed(n: int) -> bool:
    """Groups of fewer than 5 people are not shown: a mean of 2 people is nearly personal."""
    return n < SUPPRESS_BELOW


@dataclass(frozen=True)
class Completion:
    practitioner_id: int
    module_code: str
    completed_on: date


@dataclass(frozen=True)
class ObservedRating:
    practitioner_id: int
    skill_slug: str
    observed_on: date
    level: int


@dataclass(frozen=True)
class Mapping:
    """A module raises a skill to ``to_level`` (the highest of its mappings for the skill)."""

    module_code: str
    skill_slug: str
    to_level: int


@dataclass(frozen=True)
class Group:
    n: int
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def suppressed(self) -> bool:
        return suppressed(self.n)


@dataclass(frozen=True)
class ImpactRow:
    module_code: str
    skill_slug: str
    to_level: int
    completers: Group
    comparison: Group
    anchor_on: date | None  # the comparison group's reference date


def window_before(day: date) -> tuple[date, date]:
    """From 6 months before ``day`` up to the day before it."""
    return months_before(day, WINDOW_MONTHS), day


def window_after(day: date) -> tuple[date, date]:
    """From the day after ``day`` up to 6 months after it."""
    return day, months_before(day, -WINDOW_MONTHS)


def median_date(days: Iterable[date]) -> date | None:
    """The middle date; with an even number, the earlier of the two middle ones."""
    days = sorted(days)
    return days[(len(days) - 1) // 2] if days else None


class _Ratings:
    """Ratings by (practitioner, skill), for means over date windows."""

    def __init__(self, ratings: Iterable[ObservedRating]) -> None:
        self._by: dict[tuple[int, str], list[tuple[date, int]]] = defaultdict(list)
        for r in ratings:
            self._by[(r.practitioner_id, r.skill_slug)].append((r.observed_on, r.level))

    def before(self, pid: int, slug: str, day: date) -> float | None:
        start, end = window_before(day)
        levels = [lv for on, lv in self._by.get((pid, slug), ()) if start <= on < end]
        return mean(levels) if levels else None

    def after(self, pid: int, slug: str, day: date) -> float | None:
        start, end = window_after(day)
        levels = [lv for on, lv in self._by.get((pid, slug), ()) if start < on <= end]
        return mean(levels) if levels else None


def _group(pairs: list[tuple[float, float]]) -> Group:
    if not pairs:
        return Group(0, None, None)
    return Group(len(pairs), mean(b for b, _ in pairs), mean(a for _, a in pairs))


def measure_impact(
    completions: Iterable[Completion],
    ratings: Iterable[ObservedRating],
    mappings: Iterable[Mapping],
    practitioner_ids: Collection[int],
) -> list[ImpactRow]:
    """One row per module (with completions) and skill it addresses, by module code."""
    ratings_by = _Ratings(ratings)
    latest: dict[str, dict[int, date]] = defaultdict(dict)
    for c in completions:
        done = latest[c.module_code]
        if c.practitioner_id not in done or c.completed_on > done[c.practitioner_id]:
            done[c.practitioner_id] = c.completed_on
    to_levels: dict[tuple[str, str], int] = {}
    for m in mappings:
        key = (m.module_code, m.skill_slug)
        to_levels[key] = max(to_levels.get(key, 0), m.to_level)

    rows = []
    for (code, slug), to_level in sorted(to_levels.items()):
        done = latest.get(code)
        if not done:
            continue
        completer_pairs = []
        for pid, completed_on in done.items():
            before = ratings_by.before(pid, slug, completed_on)
            after = ratings_by.after(pid, slug, completed_on)
            if before is not None and after is not None:
                completer_pairs.append((before, after))
        anchor = median_date(done.values())
        comparison_pairs = []
        for pid in practitioner_ids:
            if pid in done:
                continue
            before = ratings_by.before(pid, slug, anchor)
            if before is None or before >= to_level:
                continue
            after = ratings_by.after(pid, slug, anchor)
            if after is not None:
                comparison_pairs.append((before, after))
        rows.append(
            ImpactRow(
                code, slug, to_level, _group(completer_pairs), _group(comparison_pairs), anchor
            )
        )
    return rows


# Reading the database -------------------------------------------------------------------


@dataclass
class ImpactReport:
    rows: list[ImpactRow]
    titles: dict[str, str]  # module code -> title
    practitioners: int


def impact_for(team_ids: Collection[int], today: date) -> ImpactReport:
    """The impact rows for the practitioners of ``team_ids``, in four queries."""
    ids = [p.id for p in practitioners_in(team_ids, today)]
    if not ids:
        return ImpactReport([], {}, 0)
    completions = [
        Completion(pid, code, completed_on)
        for pid, code, completed_on in db.session.execute(
            select(PlanItem.practitioner_id, TrainingModule.code, PlanItem.completed_on)
            .join(TrainingModule, TrainingModule.id == PlanItem.module_id)
            .where(
                PlanItem.practitioner_id.in_(ids),
                PlanItem.status == PlanStatus.COMPLETED.value,
                PlanItem.completed_on <= today,
            )
        )
    ]
    if not completions:
        return ImpactReport([], {}, len(ids))
    codes = {c.module_code for c in completions}
    module_rows = db.session.execute(
        select(
            TrainingModule.code, TrainingModule.title, ModuleSkill.skill_slug, ModuleSkill.to_level
        )
        .join(ModuleSkill, ModuleSkill.module_id == TrainingModule.id)
        .where(TrainingModule.code.in_(codes))
    ).all()
    titles = {code: title for code, title, _slug, _level in module_rows}
    mappings = [Mapping(code, slug, level) for code, _title, slug, level in module_rows]
    earliest = months_before(min(c.completed_on for c in completions), WINDOW_MONTHS)
    ratings = [
        ObservedRating(pid, slug, observed_on, level)
        for pid, slug, observed_on, level in db.session.execute(
            select(
                Observation.practitioner_id,
                Skill.slug,
                Observation.observed_on,
                ObservationRating.level,
            )
            .join(Observation, Observation.id == ObservationRating.observation_id)
            .join(Skill, Skill.id == ObservationRating.skill_id)
            .where(
                Observation.practitioner_id.in_(ids),
                Observation.status.in_(EVIDENCE_STATUSES),
                ObservationRating.superseded.is_(False),
                ObservationRating.level.is_not(None),
                Skill.slug.in_({m.skill_slug for m in mappings}),
                Observation.observed_on >= earliest,
                Observation.observed_on <= today,
            )
        )
    ]
    rows = measure_impact(completions, ratings, mappings, ids)
    return ImpactReport(rows, titles, len(ids))
