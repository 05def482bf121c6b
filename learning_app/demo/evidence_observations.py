"""The demo observations and case audits, decided without the database.

About six observations per practitioner over 18 months, of mixed types and observers
(their team's SPO, qdo1 and qdo2). Ratings are drawn around each practitioner's true
levels (``evidence_plan.Levels``); case-audit answers are shared out over all audits
so that their rates reproduce the inspections exactly (``allocate_answers``).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from learning_app.accounts.constants import Band
from learning_app.demo import evidence_text as text
from learning_app.demo.evidence_plan import (
    ALWAYS_RATED,
    BASELINES,
    COURT_TEAM,
    DEFAULT_BASELINE,
    FIRST_PRACTITIONER_TYPES,
    FOCUS_SKILL,
    INSPECTION_2025,
    OBSERVER_LEAN,
    RATED_COUNT,
    RECENT_DAYS,
    SAFEGUARDING_QUESTIONS,
    SPO_SHARE,
    TYPE_WEIGHTS,
    WINDOW_DAYS,
    Levels,
    ObservationPlan,
    Person,
    at,
    clamp_level,
)
from learning_app.demo.seed import step_rng
from learning_app.observations.models import ObservationStatus, ObservationType
from learning_app.observations.questions import QUESTIONS, questions_for
from learning_app.observations.retention import CASE_REFERENCE_RETENTION_MONTHS
from learning_app.observations.types import FieldKind, spec_for
from learning_app.profiles.calculation import months_before

AUDIT_TYPES = (ObservationType.CASE_AUDIT, ObservationType.COURT_REPORT_QA)
QDOS = ("qdo1@demo.test", "qdo2@demo.test")
CASE_REFERENCE_LETTERS = "ABCDEFGHJKLMNPRSTVWXYZ"


def plan_observations(
    people: list[Person],
    levels: dict[str, Levels],
    slugs: list[str],
    today: date,
    campaign_starts_on: date,
) -> list[ObservationPlan]:
    """Every demo observation, in practitioner order, then oldest first."""
    rng = step_rng("evidence-observations")
    plans: list[ObservationPlan] = []
    for person in people:
        mine = _plan_for_person(rng, person, levels[person.email], slugs, today)
        plans.extend(mine)
    _leave_a_draft(plans, "spo1@demo.test", today)
    allocate_answers(plans, levels, today)
    details_rng = step_rng("evidence-observation-details")
    for plan in plans:
        _rate(details_rng, plan, levels[plan.person.email], slugs, campaign_starts_on)
        _describe(details_rng, plan, today)
    _add_corrections_and_replies(step_rng("evidence-replies"), plans, today)
    return plans


def _observation_count(rng: random.Random, person: Person, start: date, end: date) -> int:
    base = rng.choice((5, 6, 6, 7, 7)) + (1 if person.band is Band.TRAINEE else 0)
    span = (end - start).days
    if span >= 365:
        return base
    return max(2, min(base, round(base * span / 365 + 0.5)))


def _plan_for_person(
    rng: random.Random, person: Person, levels: Levels, slugs: list[str], today: date
) -> list[ObservationPlan]:
    end = today - timedelta(days=1)
    start = max(today - timedelta(days=WINDOW_DAYS), person.started_on + timedelta(days=14))
    if start >= end:
        return []
    count = _observation_count(rng, person, start, end)
    if person.number == 1:
        types = list(FIRST_PRACTITIONER_TYPES)
        count = len(types)
    else:
        types = [ObservationType.CASE_AUDIT, ObservationType.SUPERVISION]
        if person.team == COURT_TEAM:
            types += [ObservationType.COURT_REPORT_QA] * rng.randint(1, 2)
        kinds, weights = zip(*TYPE_WEIGHTS.items(), strict=True)
        while len(types) < count:
            types.append(rng.choices(kinds, weights)[0])
        types = types[:count]
        rng.shuffle(types)
    segment = (end - start).days / count
    plans = []
    for index, kind in enumerate(types):
        low = start + timedelta(days=round(index * segment))
        high = start + timedelta(days=max(round(index * segment), round((index + 1) * segment) - 1))
        observed_on = low + timedelta(days=rng.randint(0, (high - low).days))
        observer = _observer(rng, person, kind)
        plan = ObservationPlan(
            key=f"{person.email.split('@')[0]}:{index + 1}",
            person=person,
            observer=observer,
            observer_role="qdo" if observer in QDOS else "spo",
            type=kind,
            observed_on=observed_on,
        )
        _set_status(rng, plan, today, latest=index == count - 1)
        plans.append(plan)
    return plans


def _observer(rng: random.Random, person: Person, kind: ObservationType) -> str:
    if rng.random() < SPO_SHARE[kind]:
        return f"spo{person.team}@demo.test"
    return rng.choice(QDOS)


def _set_status(rng: random.Random, plan: ObservationPlan, today: date, latest: bool) -> None:
    """Older ones acknowledged, recent ones shared, a few recent drafts.

    practitioner1's latest observation waits to be acknowledged, so the task shows.
    """
    age = (today - plan.observed_on).days
    draft_roll, ack_roll = rng.random(), rng.random()
    share_delay, ack_delay = rng.randint(0, 4), rng.randint(1, 14)
    if age <= 10 and draft_roll < 0.3 and plan.person.number != 1:
        plan.status = ObservationStatus.DRAFT
        return
    shared_on = min(today, plan.observed_on + timedelta(days=share_delay))
    plan.shared_at = at(shared_on, 15)
    ack_chance = 0.92 if age > 45 else 0.6 if age > 14 else 0.25
    if plan.person.number == 1 and latest:
        ack_chance = 0.0
    acknowledged_on = shared_on + timedelta(days=ack_delay)
    if ack_roll < ack_chance and acknowledged_on <= today:
        plan.status = ObservationStatus.ACKNOWLEDGED
        plan.acknowledged_at = at(acknowledged_on, 12)


def _leave_a_draft(plans: list[ObservationPlan], observer: str, today: date) -> None:
    """Make sure ``observer`` has a recent draft to finish (spo1 shows it in the demo)."""
    theirs = [p for p in plans if p.observer == observer]
    if any(p.status is ObservationStatus.DRAFT for p in theirs):
        return
    recent = [p for p in theirs if p.person.number != 1 and (today - p.observed_on).days <= 30]
    if recent:
        latest = max(recent, key=lambda p: (p.observed_on, p.key))
        latest.status = ObservationStatus.DRAFT
        latest.shared_at = latest.acknowledged_at = None


# Case-audit answers ---------------------------------------------------------------------


def allocate_answers(plans: list[ObservationPlan], levels: dict[str, Levels], today: date) -> None:
    """Answer every audit question so that the rates come out as planned.

    For each question, audits are first marked "not applicable" at random; of the
    rest, the planned share of "no" answers goes to the audits of the practitioners
    weakest in the question's skill at the time (with noise, so that strong people
    sometimes get a "no" too).
    """
    rng = step_rng("evidence-audit-answers")
    recent_from = today - timedelta(days=RECENT_DAYS)
    for kind in AUDIT_TYPES:
        audits = [p for p in plans if p.type is kind]
        for question in questions_for(kind):
            if question.key in INSPECTION_2025:
                na_share, no_share = INSPECTION_2025[question.key]
                groups = [(audits, no_share)]
            else:
                na_share, yes_then, yes_now = BASELINES.get(question.key, DEFAULT_BASELINE)
                groups = [
                    ([p for p in audits if p.observed_on < recent_from], 1 - yes_then),
                    ([p for p in audits if p.observed_on >= recent_from], 1 - yes_now),
                ]
            for group, no_share in groups:
                _answer_group(
                    rng, group, question.key, question.skill_slug, na_share, no_share, levels
                )


def _answer_group(
    rng: random.Random,
    audits: list[ObservationPlan],
    key: str,
    slug: str,
    na_share: float,
    no_share: float,
    levels: dict[str, Levels],
) -> None:
    order = list(audits)
    rng.shuffle(order)
    # practitioner1's audits always need the safeguarding enquiries (their blind spot).
    order.sort(key=lambda p: p.person.number == 1 and key in SAFEGUARDING_QUESTIONS)
    na_count = round(na_share * len(order))
    for plan in order[:na_count]:
        plan.answers[key] = "na"
    relevant = order[na_count:]

    def score(plan: ObservationPlan) -> float:
        person_levels = levels[plan.person.email]
        level = person_levels.at(slug, plan.observed_on) if slug in person_levels.now else 2.5
        return level + rng.gauss(0, 0.5)

    scored = sorted(((score(p), i, p) for i, p in enumerate(relevant)), key=lambda t: t[:2])
    no_count = round(no_share * len(relevant))
    for rank, (_score, _i, plan) in enumerate(scored):
        plan.answers[key] = "no" if rank < no_count else "yes"


# Ratings and words ----------------------------------------------------------------------


def _rate(
    rng: random.Random,
    plan: ObservationPlan,
    levels: Levels,
    slugs: list[str],
    campaign_starts_on: date,
) -> None:
    spec = spec_for(plan.type)
    typical = [s for s in spec.typical_skills if s in slugs]
    always = [s for s in ALWAYS_RATED.get(plan.type, ()) if s in typical]
    if plan.person.number == 1 and plan.type is ObservationType.RISK_REVIEW:
        always.append("safeguarding-enquiries")
    low, high = RATED_COUNT[plan.type]
    others = [s for s in typical if s not in always]
    wanted = max(0, min(len(others), rng.randint(low, high) - len(always)))
    chosen = set(always) | set(rng.sample(others, wanted))
    plan.in_campaign = plan.observed_on >= campaign_starts_on and rng.random() < 0.65
    if plan.in_campaign and FOCUS_SKILL in slugs:
        chosen.add(FOCUS_SKILL)
    lean = OBSERVER_LEAN.get(plan.observer, 0.0)
    for slug in [FOCUS_SKILL, *typical] if plan.in_campaign else typical:
        if slug not in chosen or slug in plan.ratings:
            continue
        noise, seen = rng.gauss(0, 0.4), rng.random()
        if slug not in always and slug != FOCUS_SKILL and seen < 0.07:
            plan.ratings[slug] = None  # not seen
            continue
        level = clamp_level(levels.at(slug, plan.observed_on) + lean + noise)
        plan.ratings[slug] = _consistent(plan, slug, level)


def _consistent(plan: ObservationPlan, slug: str, level: int) -> int:
    """A rating that does not contradict the audit's own answers."""
    answers = plan.answers
    if slug == "safeguarding-enquiries":
        missing = sum(
            answers.get(k) == "no" for k in ("da_enquiries", "child_safeguarding_enquiries")
        )
        missing += sum(
            answers.get(k) == "no"
            for k in ("court_da_enquiries", "court_child_safeguarding_enquiries")
        )
        if missing:
            return min(level, 3 - min(missing, 2))
    if slug == "rosh-analysis" and "no" in (
        answers.get("assessment_keeping_safe"),
        answers.get("court_analysis_sufficient"),
    ):
        return min(level, 2)
    return level


def _describe(rng: random.Random, plan: ObservationPlan, today: date) -> None:
    rated = [(level, slug) for slug, level in plan.ratings.items() if level is not None]
    # A strength is never a skill that one of the audit's own answers found lacking.
    lacking = {QUESTIONS[k].skill_slug for k, answer in plan.answers.items() if answer == "no"}
    best = max(((lv, s) for lv, s in rated if s not in lacking), default=(0, ""))
    worst = min(rated, default=(5, ""))
    missing = [
        k for k in ("da_enquiries", "child_safeguarding_enquiries") if plan.answers.get(k) == "no"
    ]
    strong_slug = best[1] if best[0] >= 3 else ""
    weak_slug = "safeguarding-enquiries" if missing else (worst[1] if worst[0] <= 2 else "")
    plan.strengths = rng.choice(text.STRENGTHS.get(strong_slug, (text.GENERAL_STRENGTH,)))
    plan.development_points = rng.choice(
        text.DEVELOPMENT.get(weak_slug, (text.GENERAL_DEVELOPMENT,))
    )
    if missing:  # say which enquiry was missing
        plan.development_points = text.ENQUIRY_MISSING[missing[-1]]
    plan.details = _details(rng, plan)
    if plan.type in AUDIT_TYPES:
        plan.limited_access = rng.random() < 0.06
    action_roll = rng.random()
    if (weak_slug and action_roll < 0.65) or action_roll < 0.15:
        count = 2 if action_roll < 0.15 else 1
        choices = text.ACTIONS.get(weak_slug, ()) + (text.GENERAL_ACTION,)
        for action in rng.sample(choices, min(count, len(choices))):
            due_on = plan.observed_on + timedelta(days=rng.randint(21, 70))
            done_roll, done_early = rng.random(), rng.randint(0, 14)
            completed_on = None
            done_chance = 0.95 if due_on < today - timedelta(days=60) else 0.6
            if due_on < today - timedelta(days=7) and done_roll < done_chance:
                completed_on = max(plan.observed_on, due_on - timedelta(days=done_early))
            plan.actions.append((action, due_on, completed_on))
    if plan.acknowledged_at is not None:
        plan.closed_on = plan.acknowledged_at.date()  # as the acknowledge service does
    reference_roll, reference = rng.random(), rng.randint(0, 999_999)
    letter = rng.choice(CASE_REFERENCE_LETTERS)
    # Retention clears a case reference 12 months after the observation closed.
    cutoff = months_before(today, CASE_REFERENCE_RETENTION_MONTHS)
    recent_enough = plan.closed_on is None or plan.closed_on >= cutoff
    audit = plan.type is ObservationType.CASE_AUDIT
    if audit and not plan.limited_access and recent_enough and reference_roll < 0.5:
        plan.case_reference = f"{letter}{reference:06d}"


def _details(rng: random.Random, plan: ObservationPlan) -> dict:
    """The type's own fields, filled in plausibly, with the demo's key to find it again."""
    details: dict = {"demo_key": plan.key}
    for spec_field in spec_for(plan.type).fields:
        options = [value for value, _label in spec_field.options]
        if spec_field.kind is FieldKind.RADIOS:
            details[spec_field.key] = rng.choice(options)
        elif spec_field.kind is FieldKind.CHECKBOXES:
            details[spec_field.key] = sorted(rng.sample(options, rng.randint(1, len(options))))
        elif spec_field.kind is FieldKind.NUMBER:
            details[spec_field.key] = rng.randint(1, 10)
        elif spec_field.kind is FieldKind.TEXT:
            details[spec_field.key] = rng.choice(text.LEARNING_POINTS)
    overrides = {
        "holder_grade": plan.person.grade,
        "consent": "yes",
        "rosh_band": _rosh_band(rng, plan.person),
    }
    if plan.type is ObservationType.RISK_REVIEW:
        given = _rosh_band(rng, plan.person)
        overrides |= {"rosh_given": given, "rosh_reviewer": given}
        if (plan.ratings.get("rosh-analysis") or 3) <= 2:
            overrides |= {"rosh_reviewer": _raise(given), "changes_needed": "significant"}
    if plan.type is ObservationType.CASE_AUDIT:
        keeping_safe = ("da_enquiries", "child_safeguarding_enquiries", "assessment_keeping_safe")
        failed = any(plan.answers.get(k) == "no" for k in keeping_safe)
        overrides["overall"] = "insufficient" if failed else "sufficient"
    for key, value in overrides.items():
        if key in details:
            details[key] = value
    return details


def _rosh_band(rng: random.Random, person: Person) -> str:
    if person.band is Band.PSO:
        return rng.choice(("low", "medium", "medium"))
    return rng.choice(("low", "medium", "medium", "high", "high", "very_high"))


def _raise(band: str) -> str:
    order = ["low", "medium", "high", "very_high"]
    return order[min(len(order) - 1, order.index(band) + 1)]


def _add_corrections_and_replies(
    rng: random.Random, plans: list[ObservationPlan], today: date
) -> None:
    """A few amendments by observers; reflections and replies by practitioners."""
    settled = today - timedelta(days=7)
    shared = [
        p
        for p in plans
        if p.shared_at is not None and p.shared_at.date() < settled and any(p.ratings.values())
    ]
    for plan in rng.sample(shared, min(8, len(shared))):
        slug, level = min((lv, s) for s, lv in plan.ratings.items() if lv is not None)[::-1]
        reason = text.AMENDMENT_REASONS[
            0 if slug == "safeguarding-enquiries" else rng.randint(1, 2)
        ]
        when = plan.shared_at + timedelta(days=3)
        plan.amendment = (slug, min(4, level + 1), reason, when)
    acknowledged = [p for p in plans if p.acknowledged_at is not None]
    for plan in acknowledged:
        if rng.random() < 0.2:
            plan.reflection = rng.choice(text.REFLECTIONS)
    first = [
        p for p in acknowledged if p.person.number == 1 and p.ratings.get("safeguarding-enquiries")
    ]
    repliers = first[:1] + rng.sample(acknowledged, min(10, len(acknowledged)))
    for plan in repliers:
        low = [s for s, lv in plan.ratings.items() if lv is not None and lv <= 2]
        if plan.reply is None and low and (plan.amendment is None or plan.amendment[0] not in low):
            slug = "safeguarding-enquiries" if "safeguarding-enquiries" in low else low[0]
            reasons = text.REPLIES.get(slug, text.GENERAL_REPLIES)
            plan.reply = (slug, rng.choice(reasons), plan.acknowledged_at)
