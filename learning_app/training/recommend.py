"""Training recommendations (DESIGN.md section 7), as pure functions with no database.

A practitioner's skill gaps, the catalogue and their learning preferences go in; the fewest
modules that cover the gaps come out, each with one plain sentence saying why. The rules in
plain words are in ``docs/recommendations.md``; in short:

- A gap is a set of unit steps: from floor(level) up to the target, step ``k`` raising the
  skill from level ``k`` to ``k + 1``. A module covers step ``k`` of a skill when one of its
  mappings for that skill has ``from_level <= k`` and ``to_level >= k + 1``.
- A skill with an evidence gap (or no level at all) asks for an observation, not training.
- Modules completed in the last 12 months are left out.
- Greedy weighted set cover: a step weighs 2 for a risk-critical skill, else 1. While a
  risk-critical step is uncovered only modules covering one compete; then the rest. Each
  round takes the module covering the most uncovered weight; ties go to the learner's
  preference, then to an in-person module for a risk-critical step, then the shorter module,
  then the code.
- Blended rule: a risk-critical skill that gets training gets an in-person module (face-to-face,
  coaching or shadowing) for it whenever one is available.
- Finally any module made redundant by a later one is dropped, unless the blended rule needs it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from learning_app.assessments.models import LearningPreference
from learning_app.profiles.calculation import RISK_CRITICAL_WEIGHT, months_before
from learning_app.training.models import DeliveryMode

RECENT_COMPLETION_MONTHS = 12  # a module completed this recently is not offered again

# Which stated preferences each delivery mode satisfies: blended is partly online and partly
# face-to-face; a reflective group matches no preference.
MODE_PREFERENCES: dict[DeliveryMode, frozenset[LearningPreference]] = {
    DeliveryMode.E_LEARNING: frozenset({LearningPreference.ONLINE}),
    DeliveryMode.FACE_TO_FACE: frozenset({LearningPreference.FACE_TO_FACE}),
    DeliveryMode.BLENDED: frozenset({LearningPreference.ONLINE, LearningPreference.FACE_TO_FACE}),
    DeliveryMode.COACHING: frozenset({LearningPreference.COACHING}),
    DeliveryMode.SHADOWING: frozenset({LearningPreference.SHADOWING}),
    DeliveryMode.REFLECTIVE_GROUP: frozenset(),
}

# How a mode reads in a sentence.
MODE_WORDS = {
    DeliveryMode.E_LEARNING: "online",
    DeliveryMode.FACE_TO_FACE: "face-to-face",
    DeliveryMode.BLENDED: "blended (online and face-to-face)",
    DeliveryMode.COACHING: "coaching",
    DeliveryMode.SHADOWING: "shadowing a colleague",
    DeliveryMode.REFLECTIVE_GROUP: "a reflective group",
}
PREFERENCE_WORDS = {
    LearningPreference.ONLINE: "online",
    LearningPreference.FACE_TO_FACE: "face-to-face",
}

Step = tuple[str, int]  # (skill slug, k): raising the skill from level k to k + 1


@dataclass(frozen=True)
class SkillGap:
    """One skill of a stored profile (``profiles.models.SkillProfileRecord``) with a target."""

    slug: str
    name: str
    level: float | None
    target: int
    gap: float
    risk_critical: bool
    evidence_gap: bool
    self_reported: bool


@dataclass(frozen=True)
class ModuleOption:
    """A live catalogue module, as this practitioner sees it."""

    code: str
    title: str
    mode: str  # a DeliveryMode value
    addresses: tuple[tuple[str, int, int], ...]  # (skill slug, from level, to level)
    next_cohort_on: date | None = None
    completed_on: date | None = None  # by this practitioner, most recently
    duration_hours: float | None = None

    @property
    def delivery_mode(self) -> DeliveryMode:
        return DeliveryMode(self.mode)

    @property
    def in_person(self) -> bool:
        return self.delivery_mode.in_person

    def covers(self, step: Step) -> bool:
        slug, k = step
        return any(s == slug and lo <= k and hi >= k + 1 for s, lo, hi in self.addresses)


@dataclass(frozen=True)
class Recommendation:
    module_code: str
    skills: list[str]  # slugs of the gaps it covers, most important first
    reason: str


@dataclass(frozen=True)
class ObservationRequest:
    slug: str
    reason: str


@dataclass(frozen=True)
class Recommendations:
    items: list[Recommendation]
    observe_first: list[ObservationRequest]
    unmet: list[str]  # trainable gaps no available module addresses at all
    partly_met: list[str]  # trainable gaps the available modules cover only part of the way


def gap_steps(gap: SkillGap) -> list[Step]:
    """The unit steps between the floored level and the target (none without a level)."""
    if gap.level is None:
        return []
    # Rounding first keeps 2.9999999 (a floating-point 3) from asking for the step 2 -> 3.
    start = max(1, math.floor(round(gap.level, 6)))
    return [(gap.slug, k) for k in range(start, gap.target)]


def needs_observation(gap: SkillGap) -> bool:
    return gap.evidence_gap or gap.level is None


def recently_completed(module: ModuleOption, today: date) -> bool:
    """Completed within the last 12 months (a date in the future counts as recent)."""
    if module.completed_on is None:
        return False
    return module.completed_on > months_before(today, RECENT_COMPLETION_MONTHS)


def preference_match(mode: DeliveryMode, preferences: Collection[str]) -> Fraction:
    """The share of the mode's formats the learner prefers: blended with "online" is 1/2."""
    formats = MODE_PREFERENCES[mode]
    if not formats:
        return Fraction(0)
    return Fraction(len(formats & set(preferences)), len(formats))


def recommend(
    gaps: Iterable[SkillGap],
    modules: Iterable[ModuleOption],
    preferences: Collection[str],
    today: date,
) -> Recommendations:
    """Choose the fewest modules for a practitioner's gaps and explain each one."""
    gaps = sorted(gaps, key=lambda g: (not g.risk_critical, -g.gap, g.name, g.slug))
    modules = sorted(modules, key=lambda m: m.code)
    _check_unique([g.slug for g in gaps], "skill")
    _check_unique([m.code for m in modules], "module code")
    prefs = {LearningPreference(p) for p in preferences}
    for module in modules:
        DeliveryMode(module.mode)  # an unknown mode fails here, not half-way through

    trainable = [g for g in gaps if not needs_observation(g) and gap_steps(g)]
    by_slug = {g.slug: g for g in trainable}
    steps = {s for g in trainable for s in gap_steps(g)}
    available = [m for m in modules if not recently_completed(m, today)]
    cover = {m.code: frozenset(s for s in steps if m.covers(s)) for m in available}
    available = [m for m in available if cover[m.code]]
    coverable = frozenset().union(*cover.values())
    weight = {s: RISK_CRITICAL_WEIGHT if by_slug[s[0]].risk_critical else 1 for s in steps}
    critical = frozenset(s for s in coverable if by_slug[s[0]].risk_critical)

    def preferred(m: ModuleOption) -> Fraction:
        return preference_match(m.delivery_mode, prefs)

    chosen = _greedy_cover(available, cover, coverable, critical, weight, preferred)
    rule = _BlendedRule(available, cover, by_slug)
    chosen = rule.complete(chosen, preferred)
    chosen = _drop_redundant(chosen, cover, rule)

    order = {code: i for i, code in enumerate(m.code for m in chosen)}
    covers_critical = {m.code: bool(cover[m.code] & critical) for m in chosen}
    chosen.sort(key=lambda m: (not covers_critical[m.code], order[m.code]))
    items = [_recommendation(m, cover[m.code], trainable, available, prefs, today) for m in chosen]
    return Recommendations(
        items=items,
        observe_first=[
            _observation_request(g)
            for g in sorted(
                (g for g in gaps if needs_observation(g)),
                key=lambda g: (not g.risk_critical, not _may_be_below(g), -g.gap, g.name, g.slug),
            )
        ],
        unmet=[g.slug for g in trainable if not any(s in coverable for s in gap_steps(g))],
        partly_met=[
            g.slug
            for g in trainable
            if any(s in coverable for s in gap_steps(g))
            and not all(s in coverable for s in gap_steps(g))
        ],
    )


def _check_unique(values: Sequence[str], what: str) -> None:
    if len(set(values)) != len(values):
        raise ValueError(f"Each {what} may appear only once")


def _shorter(m: ModuleOption) -> tuple:
    return (m.duration_hours is None, m.duration_hours or 0.0, m.code)


def _greedy_cover(
    available: list[ModuleOption],
    cover: dict[str, frozenset[Step]],
    coverable: frozenset[Step],
    critical: frozenset[Step],
    weight: dict[Step, int],
    preferred: Callable[[ModuleOption], Fraction],
) -> list[ModuleOption]:
    """Risk-critical steps first, then the rest; each round the most uncovered weight."""
    uncovered = set(coverable)
    chosen: list[ModuleOption] = []
    while uncovered:
        wanted = (uncovered & critical) or uncovered
        pool = [m for m in available if m not in chosen and cover[m.code] & wanted]
        chosen.append(
            min(
                pool,
                key=lambda m: (
                    -sum(weight[s] for s in cover[m.code] & uncovered),
                    -preferred(m),
                    not (m.in_person and cover[m.code] & uncovered & critical),
                    *_shorter(m),
                ),
            )
        )
        uncovered -= cover[chosen[-1].code]
    return chosen


class _BlendedRule:
    """Every risk-critical skill that gets training gets an in-person module, where one exists."""

    def __init__(
        self,
        available: list[ModuleOption],
        cover: dict[str, frozenset[Step]],
        by_slug: dict[str, SkillGap],
    ) -> None:
        self.available = available
        self.cover = cover
        self.critical_slugs = [slug for slug, g in by_slug.items() if g.risk_critical]

    def skills(self, module: ModuleOption) -> set[str]:
        return {slug for slug, _ in self.cover[module.code]}

    def unmet(self, chosen: list[ModuleOption]) -> list[str]:
        """Risk-critical skills trained by ``chosen`` lacking a possible in-person module."""
        trained = set().union(*(self.skills(m) for m in chosen))
        in_person = set().union(*(self.skills(m) for m in chosen if m.in_person))
        possible = set().union(*(self.skills(m) for m in self.available if m.in_person))
        return [
            slug
            for slug in self.critical_slugs
            if slug in trained and slug not in in_person and slug in possible
        ]

    def complete(
        self, chosen: list[ModuleOption], preferred: Callable[[ModuleOption], Fraction]
    ) -> list[ModuleOption]:
        """Add the best in-person module for each risk-critical skill still without one."""
        chosen = list(chosen)
        while missing := self.unmet(chosen):
            slug = missing[0]
            pool = [
                m
                for m in self.available
                if m.in_person and m not in chosen and slug in self.skills(m)
            ]
            chosen.append(
                min(
                    pool,
                    key=lambda m: (
                        -len(self.skills(m) & set(missing)),
                        -sum(1 for s, _ in self.cover[m.code] if s == slug),
                        -preferred(m),
                        *_shorter(m),
                    ),
                )
            )
        return chosen


def _drop_redundant(
    chosen: list[ModuleOption], cover: dict[str, frozenset[Step]], rule: _BlendedRule
) -> list[ModuleOption]:
    """Drop, latest first, any module whose steps others cover and the blended rule can spare."""
    kept = list(chosen)
    for module in reversed(chosen):
        others = [m for m in kept if m is not module]
        covered_elsewhere = set().union(*(cover[m.code] for m in others))
        if cover[module.code] <= covered_elsewhere and not rule.unmet(others):
            kept = others
    return kept


def _skill_phrase(gap: SkillGap) -> str:
    if gap.level is None:
        return f"{gap.name} (no level yet, target {gap.target})"
    assessed = ", self-assessed" if gap.self_reported else ""
    return f"{gap.name} (now {gap.level:.1f}{assessed}, target {gap.target})"


def _join(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _recommendation(
    module: ModuleOption,
    steps: frozenset[Step],
    trainable: list[SkillGap],
    available: list[ModuleOption],
    preferences: set[LearningPreference],
    today: date,
) -> Recommendation:
    gaps = [g for g in trainable if any(slug == g.slug for slug, _ in steps)]
    mode = module.delivery_mode
    words = MODE_WORDS[mode]
    critical = [g for g in gaps if g.risk_critical]
    plural = "these gaps" if len(gaps) > 1 else "this gap"
    match = preference_match(mode, preferences)
    if module.in_person and critical:
        if len(critical) == len(gaps):
            who = "these skills keep" if len(gaps) > 1 else "this skill keeps"
        else:
            who = _join([g.name for g in critical]) + (" keep" if len(critical) > 1 else " keeps")
        need = "need" if len(critical) > 1 else "needs"
        why = f"{words} because {who} people safe and {need} practice, not only reading"
    elif match == 1:
        why = f"{words}, as you prefer"
    elif match:
        part = next(PREFERENCE_WORDS[p] for p in MODE_PREFERENCES[mode] if p in preferences)
        why = f"{words}, with the {part} part as you prefer"
    elif preferences and not any(
        preference_match(m.delivery_mode, preferences)
        and any(m.covers(s) for g in gaps for s in gap_steps(g))
        for m in available
    ):
        why = f"{words}, as no module in a format you prefer covers {plural}"
    else:
        why = f"{words}, as this keeps the number of modules you need to a minimum"

    if module.next_cohort_on is not None and module.next_cohort_on >= today:
        when = f"; next cohort {_long_date(module.next_cohort_on)}"
    elif mode is DeliveryMode.FACE_TO_FACE:
        when = "; no cohort scheduled yet"
    else:
        when = ""
    sentence = f"For {_join([_skill_phrase(g) for g in gaps])}: {why}{when}."
    return Recommendation(module_code=module.code, skills=[g.slug for g in gaps], reason=sentence)


def _may_be_below(gap: SkillGap) -> bool:
    return gap.level is None or bool(gap_steps(gap))


def _observation_request(gap: SkillGap) -> ObservationRequest:
    purpose = "before choosing training" if _may_be_below(gap) else "to confirm your level"
    reason = (
        f"{_skill_phrase(gap)} has been observed fewer than twice in the last 12 months: "
        f"ask your SPO for an observation {purpose}."
    )
    return ObservationRequest(slug=gap.slug, reason=reason)
