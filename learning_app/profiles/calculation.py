"""The skill profile rules of DESIGN.md section 6, as pure functions with no database.

For one practitioner and one skill, evidence goes in and a ``SkillProfile`` comes out:
self level, observed level, evidence, the level used, target, gap, calibration and
priority. Pages and heatmaps read stored profiles; this module is how they are made.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

MIN_LEVEL = 1
MAX_LEVEL = 4

OBSERVATION_WINDOW_MONTHS = 18  # ratings older than this carry no weight
EVIDENCE_WINDOW_MONTHS = 12  # fewer than MIN_EVIDENCE ratings in this window is an evidence gap
MIN_EVIDENCE = 2
HALF_LIFE_DAYS = 180  # an observation's weight halves every 180 days
CALIBRATION_THRESHOLD = 1.0
RISK_CRITICAL_WEIGHT = 2

# A case-audit answer counts as a rating of its skill.
AUDIT_ANSWER_LEVELS = {"yes": 3, "no": 1}


@dataclass(frozen=True)
class Rating:
    """One observed rating of a skill (an observation, an audit answer, a discussion)."""

    rated_on: date
    level: int


@dataclass(frozen=True)
class SkillProfile:
    self_level: int | None
    observed_level: float | None
    evidence_count: int  # ratings within the evidence window
    latest_evidence_on: date | None
    evidence_gap: bool
    level: float | None
    self_reported: bool  # the level comes from the self-assessment alone
    target: int | None
    gap: float
    blind_spot: bool
    under_confidence: bool
    priority: float


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (clamped to the month's end)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def audit_answer_level(answer: str) -> int | None:
    """A case-audit "no" counts as level 1 and "yes" as level 3; "not applicable" not at all."""
    return AUDIT_ANSWER_LEVELS.get(answer.lower())


def weight(rated_on: date, as_of: date) -> float:
    age_days = max(0, (as_of - rated_on).days)
    return 0.5 ** (age_days / HALF_LIFE_DAYS)


def observed_level(ratings: Iterable[Rating], as_of: date) -> float | None:
    """The recency-weighted mean of the ratings of the last 18 months, or None."""
    window_start = months_before(as_of, OBSERVATION_WINDOW_MONTHS)
    total = weights = 0.0
    for rating in ratings:
        if window_start < rating.rated_on <= as_of:
            w = weight(rating.rated_on, as_of)
            total += w * rating.level
            weights += w
    if weights == 0:
        return None
    # Clamp: floating-point sums must not stray outside the scale.
    return min(MAX_LEVEL, max(MIN_LEVEL, total / weights))


def build_profile(
    *,
    self_level: int | None,
    ratings: Iterable[Rating],
    target: int | None,
    risk_critical: bool,
    as_of: date,
) -> SkillProfile:
    """Turn the evidence about one skill into its profile."""
    ratings = [r for r in ratings if r.rated_on <= as_of]
    observed = observed_level(ratings, as_of)
    evidence_start = months_before(as_of, EVIDENCE_WINDOW_MONTHS)
    recent = [r for r in ratings if r.rated_on > evidence_start]
    latest = max((r.rated_on for r in ratings), default=None)

    level: float | None = observed if observed is not None else self_level
    gap = max(0.0, target - level) if (target is not None and level is not None) else 0.0
    difference = (self_level - observed) if (self_level is not None and observed is not None) else 0
    return SkillProfile(
        self_level=self_level,
        observed_level=observed,
        evidence_count=len(recent),
        latest_evidence_on=latest,
        evidence_gap=len(recent) < MIN_EVIDENCE,
        level=level,
        self_reported=observed is None and self_level is not None,
        target=target,
        gap=gap,
        blind_spot=difference >= CALIBRATION_THRESHOLD,
        under_confidence=-difference >= CALIBRATION_THRESHOLD,
        priority=gap * (RISK_CRITICAL_WEIGHT if risk_critical else 1),
    )
