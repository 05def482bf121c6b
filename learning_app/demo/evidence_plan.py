"""The demo evidence, decided without the database (like ``plan_people``).

Each practitioner has a hidden "true level" for every skill: it depends on their
experience band, is lowest on safeguarding enquiries, risk of serious harm analysis
and professional curiosity (DOMAIN.md (f)), and grows a little over time for trainees
and new officers. Observers rate around it (each with a slight lean of their own);
practitioners rate themselves around it with the bias of their band: newer
practitioners overrate themselves on the risk skills, experienced officers are
closer, and some PSOs underrate their engagement skills.

Every draw comes from ``step_rng`` generators with fixed names, in a fixed order, so
the plan is the same on every run whatever is already in the database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from learning_app.accounts.constants import Band
from learning_app.demo import evidence_text as text
from learning_app.demo.seed import step_rng
from learning_app.observations.feedback import FEEDBACK_CHANNELS
from learning_app.observations.models import ObservationStatus, ObservationType

RISK_SKILLS = ("rosh-analysis", "safeguarding-enquiries", "professional-curiosity", "victim-focus")
ENGAGEMENT_SKILLS = ("engagement-skills", "challenging-conversations", "collaborative-review")
FOCUS_SKILL = "professional-curiosity"
COURT_TEAM = 5  # Leicester Courts and Assessment

# The level a practitioner of each band has today, before the skill's own shift.
BASE_LEVEL = {Band.PSO: 2.55, Band.TRAINEE: 2.05, Band.NEW: 2.6, Band.EXPERIENCED: 3.05}
# Where the gaps are concentrated (the 2023 and 2025 inspections).
SKILL_SHIFT = {
    "safeguarding-enquiries": -0.75,
    "rosh-analysis": -0.5,
    "professional-curiosity": -0.5,
    "victim-focus": -0.25,
    "management-oversight": -0.2,
    "court-reports": -0.2,
    "coaching-others": -0.3,
    "engagement-skills": 0.25,
}
GROWTH_PER_YEAR = {Band.PSO: 0.1, Band.TRAINEE: 0.5, Band.NEW: 0.3, Band.EXPERIENCED: 0.0}
# How far above (or below) their true level people rate themselves.
RISK_SELF_BIAS = {Band.TRAINEE: 0.9, Band.NEW: 0.8, Band.PSO: 0.35, Band.EXPERIENCED: 0.1}
OTHER_SELF_BIAS = {Band.TRAINEE: 0.3, Band.NEW: 0.2, Band.PSO: 0.0, Band.EXPERIENCED: 0.0}
UNDERCONFIDENT_BIAS = -1.3
# A lenient SPO and two strict observers, so moderation has something to show.
OBSERVER_LEAN = {"qdo1@demo.test": -0.2, "spo3@demo.test": 0.6, "spo8@demo.test": -0.5}

WINDOW_DAYS = 540  # 18 months of evidence
# practitioner1 shows a blind spot on safeguarding enquiries.
BLIND_SPOT_SKILL = "safeguarding-enquiries"
FIRST_PRACTITIONER_TYPES = (
    ObservationType.CASE_AUDIT,
    ObservationType.SUPERVISION,
    ObservationType.RISK_REVIEW,
    ObservationType.CASE_AUDIT,
    ObservationType.REFLECTIVE_DISCUSSION,
    ObservationType.CASE_AUDIT,
)

TYPE_WEIGHTS = {
    ObservationType.CASE_AUDIT: 0.22,
    ObservationType.SUPERVISION: 0.26,
    ObservationType.RISK_REVIEW: 0.18,
    ObservationType.REFLECTIVE_DISCUSSION: 0.18,
    ObservationType.MULTI_AGENCY: 0.12,
}
# Share of each type's observations made by the team's SPO; the QDOs share the rest.
SPO_SHARE = {
    ObservationType.CASE_AUDIT: 0.4,
    ObservationType.COURT_REPORT_QA: 0.3,
    ObservationType.SUPERVISION: 0.7,
    ObservationType.RISK_REVIEW: 0.75,
    ObservationType.REFLECTIVE_DISCUSSION: 0.85,
    ObservationType.MULTI_AGENCY: 0.6,
}
# Skills always rated by a type (the rest of its typical skills are sampled).
ALWAYS_RATED = {
    ObservationType.CASE_AUDIT: ("rosh-analysis", "safeguarding-enquiries"),
    ObservationType.RISK_REVIEW: ("rosh-analysis",),
    ObservationType.REFLECTIVE_DISCUSSION: ("reflective-practice",),
    ObservationType.COURT_REPORT_QA: ("court-reports",),
    ObservationType.MULTI_AGENCY: ("multi-agency-working",),
}
RATED_COUNT = {
    ObservationType.CASE_AUDIT: (5, 7),
    ObservationType.SUPERVISION: (3, 5),
    ObservationType.RISK_REVIEW: (3, 4),
    ObservationType.REFLECTIVE_DISCUSSION: (2, 4),
    ObservationType.COURT_REPORT_QA: (2, 3),
    ObservationType.MULTI_AGENCY: (2, 3),
}

# Audit questions: (share not applicable, share "no" among the rest). The 2025
# inspection's two figures are reproduced exactly over all audits.
INSPECTION_2025 = {
    "child_safeguarding_enquiries": (0.30, 0.24),
    "da_enquiries": (0.20, 0.15),
}
# The other questions: (share not applicable, "yes" then, "yes" now). "Then" is the
# 2023 baseline (DOMAIN.md (f)); audits in the last nine months show some improvement.
BASELINES = {
    "safeguarding_hub": (0.25, 0.62, 0.74),
    "assessment_keeping_safe": (0.0, 0.31, 0.50),
    "assessment_engaging": (0.0, 0.57, 0.75),
    "assessment_desistance": (0.0, 0.49, 0.62),
    "planning_keeping_safe": (0.0, 0.40, 0.58),
    "reviewing_risk": (0.15, 0.44, 0.58),
    "contingency_sufficient": (0.05, 0.37, 0.58),
    "oversight_sufficient": (0.10, 0.26, 0.50),
    "court_da_enquiries": (0.10, 0.31, 0.55),
    "court_child_safeguarding_enquiries": (0.30, 0.50, 0.65),
    "court_analysis_sufficient": (0.0, 0.30, 0.50),
    "court_proposal_proportionate": (0.0, 0.60, 0.70),
    "court_interventions_considered": (0.0, 0.55, 0.65),
    "court_report_sufficient": (0.0, 0.10, 0.35),
}
DEFAULT_BASELINE = (0.10, 0.60, 0.70)
RECENT_DAYS = 270
SAFEGUARDING_QUESTIONS = ("da_enquiries", "child_safeguarding_enquiries")


@dataclass(frozen=True)
class Person:
    """A demo practitioner as the plan needs them."""

    number: int
    email: str
    band: Band
    grade: str
    team: int  # 1-based position in ``seed.TEAMS``
    started_on: date


@dataclass
class Levels:
    """A practitioner's hidden true level of each skill today, and how fast they grow."""

    today: date
    now: dict[str, float]
    growth: float
    underconfident: bool

    def at(self, slug: str, on: date) -> float:
        years_before = (self.today - on).days / 365
        return min(4.0, max(1.0, self.now[slug] - self.growth * years_before))


@dataclass
class SelfAssessmentPlan:
    email: str
    cycle: str  # "closed" or "open"
    started_at: datetime
    submitted_at: datetime | None
    preferences: list[str]
    ratings: list[tuple[str, int, str | None, str | None]]  # slug, level, confidence, comment


@dataclass
class ObservationPlan:
    key: str
    person: Person
    observer: str
    observer_role: str
    type: ObservationType
    observed_on: date
    status: ObservationStatus = ObservationStatus.SHARED
    details: dict = field(default_factory=dict)
    ratings: dict[str, int | None] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    strengths: str = ""
    development_points: str = ""
    actions: list[tuple[str, date, date | None]] = field(default_factory=list)
    case_reference: str | None = None
    limited_access: bool = False
    in_campaign: bool = False
    shared_at: datetime | None = None
    acknowledged_at: datetime | None = None
    closed_on: date | None = None
    reflection: str | None = None
    # (skill, new level, reason, when), a correction by the observer
    amendment: tuple[str, int, str, datetime] | None = None
    reply: tuple[str, str, datetime] | None = None  # (skill, reason, when)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def clamp_level(value: float) -> int:
    return min(4, max(1, round(value)))


# True levels and self-ratings ----------------------------------------------------------


def plan_levels(people: list[Person], slugs: list[str], today: date) -> dict[str, Levels]:
    rng = step_rng("evidence-levels")
    levels = {}
    for person in people:
        offset = rng.gauss(0, 0.25)
        if person.number == 1:
            offset = 0.2  # solid elsewhere, so the safeguarding blind spot stands out
        now = {}
        # Some PSOs are strong at engagement and do not believe it.
        underconfident = person.band is Band.PSO and rng.random() < 0.5
        for slug in slugs:
            value = BASE_LEVEL[person.band] + SKILL_SHIFT.get(slug, 0.0) + offset
            if slug == "court-reports" and person.team == COURT_TEAM:
                value += 0.6
            if slug in ENGAGEMENT_SKILLS and person.band is Band.PSO:
                value += 0.8 if underconfident else 0.4
            now[slug] = min(3.9, max(1.1, value + rng.gauss(0, 0.3)))
        if person.number == 1:
            now[BLIND_SPOT_SKILL] = 1.4
            now["rosh-analysis"] = min(now.get("rosh-analysis", 2.2), 2.2)
            now["risk-planning"] = max(now.get("risk-planning", 3.2), 3.2)
        growth = GROWTH_PER_YEAR[person.band] * rng.uniform(0.5, 1.5)
        levels[person.email] = Levels(today, now, growth, underconfident)
    return levels


def self_rating(
    rng: random.Random, person: Person, levels: Levels, slug: str, on: date
) -> tuple[int, str | None, str | None]:
    """A self-rating: the true level, the band's bias and a little noise."""
    bias = OTHER_SELF_BIAS[person.band]
    if slug in RISK_SKILLS:
        bias = RISK_SELF_BIAS[person.band]
    elif slug in ENGAGEMENT_SKILLS and levels.underconfident:
        bias = UNDERCONFIDENT_BIAS
    level = clamp_level(levels.at(slug, on) + bias + rng.gauss(0, 0.25))
    if person.number == 1 and slug == BLIND_SPOT_SKILL:
        level = 3
    confidence = None
    if rng.random() < 0.7:
        confidence = "high" if bias >= 0.5 else "low" if bias < 0 else "medium"
    comment = text.SELF_COMMENTS.get(slug) if rng.random() < 0.08 else None
    return level, confidence, comment


def plan_self_assessments(
    people: list[Person],
    levels: dict[str, Levels],
    slugs: list[str],
    cycles: dict[str, tuple[date, date]],
    today: date,
) -> list[SelfAssessmentPlan]:
    """About 85% submitted in the closed cycle; 60% submitted and 15% drafts in the open one.

    practitioner1 has a draft in the open cycle (the demo shows the task), practitioner2
    has submitted.
    """
    rng = step_rng("evidence-self-assessments")
    plans: list[SelfAssessmentPlan] = []
    preferences = ["face_to_face", "online", "coaching", "shadowing"]
    for cycle, shares in (("closed", (0.85, 0.0)), ("open", (0.60, 0.15))):
        if cycle not in cycles:
            continue
        opens_on, closes_on = cycles[cycle]
        eligible = [p for p in people if p.started_on <= closes_on - timedelta(days=14)]
        rest = [p for p in eligible if p.number > 2]
        rng.shuffle(rest)
        submitted_count = round(shares[0] * len(eligible))
        draft_count = round(shares[1] * len(eligible))
        first = {1: "draft" if cycle == "open" else "submitted", 2: "submitted"}
        statuses = {p.email: first[p.number] for p in eligible if p.number <= 2}
        submitted_count -= sum(s == "submitted" for s in statuses.values())
        draft_count -= sum(s == "draft" for s in statuses.values())
        for index, person in enumerate(rest):
            if index < submitted_count:
                statuses[person.email] = "submitted"
            elif index < submitted_count + draft_count:
                statuses[person.email] = "draft"
        last_day = min(closes_on, today)
        for person in sorted(eligible, key=lambda p: p.number):
            status = statuses.get(person.email)
            if status is None:
                continue
            start = max(opens_on, person.started_on)
            day = start + timedelta(days=rng.randint(0, max(0, (last_day - start).days)))
            rated = slugs if status == "submitted" else rng.sample(slugs, rng.randint(5, 12))
            ratings = [
                (slug, *self_rating(rng, person, levels[person.email], slug, day))
                for slug in slugs
                if slug in rated
            ]
            chosen = rng.sample(preferences, rng.randint(1, 3))
            plans.append(
                SelfAssessmentPlan(
                    email=person.email,
                    cycle=cycle,
                    started_at=at(day, 9),
                    submitted_at=at(day, 11 + rng.randint(0, 5)) if status == "submitted" else None,
                    preferences=chosen if status == "submitted" else [],
                    ratings=ratings,
                )
            )
    return plans


# Feedback from people on probation -------------------------------------------------------

# Near the 2023 inspection's figures where it gave them (DOMAIN.md (f)).
FEEDBACK_YES = {
    "listened_to": 0.85,
    "views_considered": 0.46,
    "understands_plan": 0.78,
    "treated_fairly": 0.88,
    "private_conversation": 0.82,
    "felt_safe": 0.97,
}
# How the questionnaires came in (keys of ``observations.feedback.FEEDBACK_CHANNELS``).
FEEDBACK_CHANNEL_WEIGHTS = {"paper": 0.45, "online": 0.25, "in_person": 0.2, "phone": 0.1}
FEEDBACK_SHARE = 0.4


@dataclass
class FeedbackPlan:
    email: str
    entered_by: str
    received_on: date
    channel: str
    answers: dict[str, str | None]
    comment: str | None


def plan_feedback(people: list[Person], today: date) -> list[FeedbackPlan]:
    """3 to 9 responses each for about 40% of practitioners, entered by their SPO.

    practitioner1 has enough responses to be shown; practitioner2 too few (suppressed).
    """
    rng = step_rng("evidence-feedback")
    rest = [p for p in people if p.number > 2]
    chosen = rng.sample(rest, round(FEEDBACK_SHARE * len(people)) - 2)
    counts = {1: 7, 2: 3}
    known = dict(FEEDBACK_CHANNELS)
    channels = [c for c in FEEDBACK_CHANNEL_WEIGHTS if c in known] or list(known)
    weights = [FEEDBACK_CHANNEL_WEIGHTS.get(c, 0.1) for c in channels]
    plans = []
    for person in sorted([*people[:2], *chosen], key=lambda p: p.number):
        count = counts.get(person.number) or rng.randint(3, 9)
        since = max(person.started_on, today - timedelta(days=365))
        span = max(1, (today - since).days)
        for _ in range(count):
            answers: dict[str, str | None] = {}
            for key, share in FEEDBACK_YES.items():
                roll, skipped = rng.random(), rng.random() < 0.03
                answers[key] = None if skipped else "yes" if roll < share else "no"
            comment = rng.choice(text.FEEDBACK_COMMENTS) if rng.random() < 0.2 else None
            plans.append(
                FeedbackPlan(
                    email=person.email,
                    entered_by=f"spo{person.team}@demo.test",
                    received_on=since + timedelta(days=rng.randint(0, span)),
                    channel=rng.choices(channels, weights)[0],
                    answers=answers,
                    comment=comment,
                )
            )
    return plans
