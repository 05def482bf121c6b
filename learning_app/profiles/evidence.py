"""Read a practitioner's evidence from the database as inputs for ``build_profile``.

The same reader serves one practitioner (when their evidence changes) and a chunk of
hundreds (the nightly rebuild): a fixed handful of set-based queries whatever the
number of people or skills, so both paths produce exactly the same inputs.

What counts (DESIGN.md section 6):

- self level: per skill slug, the rating of the most recently submitted
  self-assessment that rates it (drafts never count; nor do self-assessments
  submitted after ``as_of``);
- ratings: every current (not superseded) observation rating with a level, from
  shared or acknowledged observations, dated by the day observed; and every current
  case-audit answer "yes" (level 3) or "no" (level 1), "not applicable" left out.

Ratings older than the 18-month window change nothing but the date of the latest
evidence, so only the most recent of them is read for each skill.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    case,
    func,
    literal,
    select,
    union_all,
)

from learning_app.assessments.models import SelfAssessment, SelfRating
from learning_app.core.time import LONDON
from learning_app.extensions import db
from learning_app.framework.models import Skill
from learning_app.observations.models import (
    AuditAnswer,
    Observation,
    ObservationRating,
    ObservationStatus,
)
from learning_app.profiles.calculation import (
    AUDIT_ANSWER_LEVELS,
    OBSERVATION_WINDOW_MONTHS,
    Rating,
    months_before,
)

# Only observations the practitioner has been shown count as evidence.
EVIDENCE_STATUSES = (ObservationStatus.SHARED.value, ObservationStatus.ACKNOWLEDGED.value)


@dataclass
class SkillEvidence:
    """The inputs of ``build_profile`` for one practitioner and one skill."""

    self_level: int | None = None
    ratings: list[Rating] = field(default_factory=list)


# practitioner id -> skill slug -> evidence; a skill with no evidence is absent.
EvidenceMap = dict[int, dict[str, SkillEvidence]]


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` ends in the UK, in UTC.

    In UTC because SQLite stores the digits of a datetime and drops its time zone,
    and datetimes are written in UTC.
    """
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=LONDON).astimezone(UTC)


def read_evidence(
    practitioner_ids: Collection[int],
    as_of: date,
    skill_slugs: Collection[str] | None = None,
) -> EvidenceMap:
    """The evidence of each practitioner, by skill slug, as it stood on ``as_of``.

    Four queries in all, for any number of practitioners (keep it to a few hundred
    at a time: the ids go into an ``IN`` list). ``skill_slugs`` narrows the skills
    read; None reads every skill.
    """
    result: EvidenceMap = {pid: {} for pid in practitioner_ids}
    if not result:
        return result
    ids = list(result)
    slugs = None if skill_slugs is None else list(skill_slugs)

    def evidence(pid: int, slug: str) -> SkillEvidence:
        return result[pid].setdefault(slug, SkillEvidence())

    for pid, slug, level in db.session.execute(_latest_self_levels(ids, slugs, as_of)):
        evidence(pid, slug).self_level = level

    window_start = months_before(as_of, OBSERVATION_WINDOW_MONTHS)
    rows = db.session.execute(_window_ratings(ids, slugs, window_start, as_of))
    for pid, slug, rated_on, level in rows:
        evidence(pid, slug).ratings.append(Rating(rated_on, level))
    for pid, slug, rated_on, level in db.session.execute(
        _latest_before_window(ids, slugs, window_start)
    ):
        evidence(pid, slug).ratings.append(Rating(rated_on, level))

    # A fixed order, so that the weighted mean is summed the same way on every path.
    for skills in result.values():
        for item in skills.values():
            item.ratings.sort(key=lambda r: (r.rated_on, r.level))
    return result


def evidence_for(
    practitioner_id: int, as_of: date, skill_slugs: Collection[str] | None = None
) -> dict[str, SkillEvidence]:
    """One practitioner's evidence by skill slug (see ``read_evidence``)."""
    return read_evidence([practitioner_id], as_of, skill_slugs)[practitioner_id]


# Queries ------------------------------------------------------------------------------


def _latest_self_levels(ids: list[int], slugs: list[str] | None, as_of: date) -> Select:
    """(practitioner id, slug, level) from the latest submitted self-assessment rating it."""
    newest_first = func.row_number().over(
        partition_by=(SelfAssessment.practitioner_id, Skill.slug),
        order_by=(SelfAssessment.submitted_at.desc(), SelfAssessment.id.desc()),
    )
    ranked = (
        select(
            SelfAssessment.practitioner_id.label("practitioner_id"),
            Skill.slug.label("slug"),
            SelfRating.level.label("level"),
            newest_first.label("rank"),
        )
        .select_from(SelfRating)
        .join(SelfAssessment, SelfRating.self_assessment_id == SelfAssessment.id)
        .join(Skill, SelfRating.skill_id == Skill.id)
        .where(
            SelfAssessment.practitioner_id.in_(ids),
            SelfAssessment.status == "submitted",
            SelfAssessment.submitted_at < end_of_day(as_of),
        )
    )
    if slugs is not None:
        ranked = ranked.where(Skill.slug.in_(slugs))
    ranked_sq = ranked.subquery()
    return select(ranked_sq.c.practitioner_id, ranked_sq.c.slug, ranked_sq.c.level).where(
        ranked_sq.c.rank == 1
    )


def _rating_branches(ids: list[int], slugs: list[str] | None, *on_date) -> tuple[Select, Select]:
    """Observation ratings and audit answers as (practitioner id, slug, rated on, level).

    ``on_date`` are conditions on ``Observation.observed_on``, applied in each branch
    so that the database can use its indexes.
    """
    answer_level = case(
        *((AuditAnswer.answer == answer, literal(level)) for answer, level in _answer_levels()),
    )
    ratings = _rating_branch(
        ObservationRating,
        ObservationRating.level,
        ids,
        slugs,
        *on_date,
        ObservationRating.level.is_not(None),
    )
    answers = _rating_branch(
        AuditAnswer,
        answer_level,
        ids,
        slugs,
        *on_date,
        AuditAnswer.answer.in_([answer for answer, _level in _answer_levels()]),
    )
    return ratings, answers


def _rating_branch(
    rows: type[ObservationRating] | type[AuditAnswer],
    level: ColumnElement[int],
    ids: list[int],
    slugs: list[str] | None,
    *conditions,
) -> Select:
    """One kind of current (not superseded) rating row of shared observations, as
    (practitioner id, slug, rated on, level)."""
    branch = (
        select(
            Observation.practitioner_id.label("practitioner_id"),
            Skill.slug.label("slug"),
            Observation.observed_on.label("rated_on"),
            level.label("level"),
        )
        .select_from(rows)
        .join(Observation, rows.observation_id == Observation.id)
        .join(Skill, rows.skill_id == Skill.id)
        .where(
            Observation.practitioner_id.in_(ids),
            Observation.status.in_(EVIDENCE_STATUSES),
            rows.superseded.is_(False),
            *conditions,
        )
    )
    return branch.where(Skill.slug.in_(slugs)) if slugs is not None else branch


def _answer_levels() -> list[tuple[str, int]]:
    # The mapping lives with the rules; "na" is absent from it, so it never counts.
    return sorted(AUDIT_ANSWER_LEVELS.items())


def _window_ratings(
    ids: list[int], slugs: list[str] | None, window_start: date, as_of: date
) -> CompoundSelect:
    window = (Observation.observed_on > window_start, Observation.observed_on <= as_of)
    return union_all(*_rating_branches(ids, slugs, *window))


def _latest_before_window(ids: list[int], slugs: list[str] | None, window_start: date) -> Select:
    """The most recent rating older than the window, per practitioner and slug."""
    older = union_all(
        *_rating_branches(ids, slugs, Observation.observed_on <= window_start)
    ).subquery()
    newest_first = func.row_number().over(
        partition_by=(older.c.practitioner_id, older.c.slug),
        order_by=(older.c.rated_on.desc(), older.c.level.desc()),
    )
    ranked = select(older, newest_first.label("rank")).subquery()
    return select(ranked.c.practitioner_id, ranked.c.slug, ranked.c.rated_on, ranked.c.level).where(
        ranked.c.rank == 1
    )
