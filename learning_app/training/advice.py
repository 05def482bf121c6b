"""Recommendations for real practitioners: the database side of ``training.recommend``.

``recommend`` is pure; this module reads what it needs (stored skill profiles, the
published framework, the live catalogue with each module's next cohort, the practitioner's
completions and stated learning preferences) in a fixed number of queries, for one
practitioner or for many at once (the training demand page).

Only skills below their target go in: a skill with no level at all is a self-assessment
task, not a training need. Nothing here checks access; the views do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select

from learning_app.assessments.models import SelfAssessment
from learning_app.core.time import LONDON, london_date
from learning_app.extensions import db
from learning_app.framework.models import Skill
from learning_app.profiles.models import SkillProfileRecord
from learning_app.profiles.services import published_skills
from learning_app.training.models import Cohort, PlanItem, PlanStatus, TrainingModule
from learning_app.training.queries import active_modules
from learning_app.training.recommend import ModuleOption, Recommendations, SkillGap, recommend


@dataclass(frozen=True)
class Catalogue:
    """The live modules with their next cohort dates, read once for many practitioners."""

    modules: list[TrainingModule]
    next_cohorts: dict[int, date]  # module id -> date of its next cohort

    @property
    def by_code(self) -> dict[str, TrainingModule]:
        return {m.code: m for m in self.modules}

    def options(self, completed: dict[int, date]) -> list[ModuleOption]:
        """The modules as one practitioner sees them (with their own completion dates)."""
        return [
            ModuleOption(
                code=m.code,
                title=m.title,
                mode=m.delivery_mode,
                addresses=tuple((s.skill_slug, s.from_level, s.to_level) for s in m.skills),
                next_cohort_on=self.next_cohorts.get(m.id),
                completed_on=completed.get(m.id),
                duration_hours=m.duration_hours,
            )
            for m in self.modules
        ]


def load_catalogue(today: date) -> Catalogue:
    modules = active_modules()
    start_of_day = datetime.combine(today, time(), tzinfo=LONDON).astimezone(UTC)
    rows = db.session.execute(
        select(Cohort.module_id, func.min(Cohort.starts_at))
        .where(Cohort.cancelled_at.is_(None), Cohort.starts_at >= start_of_day)
        .group_by(Cohort.module_id)
    )
    next_cohorts = {module_id: london_date(starts) for module_id, starts in rows}
    return Catalogue(modules, next_cohorts)


def skill_gaps(
    practitioner_ids: Collection[int], skills: Sequence[Skill] | None = None
) -> dict[int, list[SkillGap]]:
    """Each practitioner's skills below target, from their stored profiles."""
    skills = published_skills() if skills is None else skills
    by_slug = {s.slug: s for s in skills}
    gaps: dict[int, list[SkillGap]] = {pid: [] for pid in practitioner_ids}
    if not practitioner_ids or not by_slug:
        return gaps
    records = db.session.scalars(
        select(SkillProfileRecord).where(
            SkillProfileRecord.practitioner_id.in_(list(practitioner_ids)),
            SkillProfileRecord.skill_slug.in_(list(by_slug)),
            SkillProfileRecord.gap > 0,
            SkillProfileRecord.target.is_not(None),
        )
    )
    for r in records:
        skill = by_slug[r.skill_slug]
        gaps[r.practitioner_id].append(
            SkillGap(
                slug=r.skill_slug,
                name=skill.name,
                level=r.level,
                target=r.target,
                gap=r.gap,
                risk_critical=skill.risk_critical,
                evidence_gap=r.evidence_gap,
                self_reported=r.self_reported,
            )
        )
    return gaps


def completions(practitioner_ids: Collection[int]) -> dict[int, dict[int, date]]:
    """practitioner id -> module id -> the latest date they completed it."""
    result: dict[int, dict[int, date]] = defaultdict(dict)
    if not practitioner_ids:
        return result
    rows = db.session.execute(
        select(PlanItem.practitioner_id, PlanItem.module_id, func.max(PlanItem.completed_on))
        .where(
            PlanItem.practitioner_id.in_(list(practitioner_ids)),
            PlanItem.status == PlanStatus.COMPLETED.value,
        )
        .group_by(PlanItem.practitioner_id, PlanItem.module_id)
    )
    for practitioner_id, module_id, completed_on in rows:
        result[practitioner_id][module_id] = completed_on
    return result


def learning_preferences(practitioner_ids: Collection[int]) -> dict[int, list[str]]:
    """What each practitioner said, in their latest submitted self-assessment."""
    if not practitioner_ids:
        return {}
    latest = (
        select(SelfAssessment.practitioner_id, func.max(SelfAssessment.submitted_at).label("at"))
        .where(
            SelfAssessment.practitioner_id.in_(list(practitioner_ids)),
            SelfAssessment.submitted_at.is_not(None),
        )
        .group_by(SelfAssessment.practitioner_id)
        .subquery()
    )
    rows = db.session.execute(
        select(SelfAssessment.practitioner_id, SelfAssessment.learning_preferences).join(
            latest,
            (SelfAssessment.practitioner_id == latest.c.practitioner_id)
            & (SelfAssessment.submitted_at == latest.c.at),
        )
    )
    return {pid: list(prefs or []) for pid, prefs in rows}


def recommendations_for_many(
    practitioner_ids: Collection[int], today: date, catalogue: Catalogue | None = None
) -> dict[int, Recommendations]:
    """``recommend`` for each practitioner, reading everything in a handful of queries."""
    ids = list(dict.fromkeys(practitioner_ids))
    catalogue = catalogue or load_catalogue(today)
    gaps = skill_gaps(ids)
    done = completions(ids)
    preferences = learning_preferences(ids)
    return {
        pid: recommend(
            gaps[pid], catalogue.options(done.get(pid, {})), preferences.get(pid, []), today
        )
        for pid in ids
    }


def recommendations_for(practitioner_id: int, today: date) -> Recommendations:
    return recommendations_for_many([practitioner_id], today)[practitioner_id]
