"""Seed steps that add 18 months of evidence for the demo unit (issue 3).

What is created is decided by the pure planners (``evidence_plan``,
``evidence_observations``), which draw only from ``step_rng`` generators. The steps
here look records up first and write only what is missing, in bulk, so running
``flask seed-demo`` again (the same day or months later) adds nothing:

- learning-analysis cycles: the PDU's cycles created by the demo L&D lead, one
  closed and one open; a cycle that already has self-assessments gets no more;
- observations: each carries ``details["demo_key"]`` ("practitioner7:3"); a
  practitioner with any demo observation gets no more (editing a demo draft drops
  its key, so the key alone could bring it back);
- the focus campaign: PDU, skill and reason;
- feedback: a practitioner who already has feedback gets none added.

Rows are written with bulk inserts rather than through the recording services, so
that the whole seed stays quick; the stored profiles are rebuilt once at the end
with ``profiles.services.rebuild_all``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from learning_app.accounts.constants import Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.assessments.models import LearningCycle, SelfAssessment, SelfRating
from learning_app.demo import evidence_text as text
from learning_app.demo.evidence_observations import plan_observations
from learning_app.demo.evidence_plan import (
    BASE_LEVEL,
    FOCUS_SKILL,
    ObservationPlan,
    Person,
    at,
    plan_feedback,
    plan_levels,
    plan_self_assessments,
)
from learning_app.demo.seed import SeedContext, SeedStep, demo_email
from learning_app.extensions import db
from learning_app.framework.models import FrameworkVersion, Skill
from learning_app.framework.queries import published_version
from learning_app.observations.models import (
    AuditAnswer,
    FeedbackResponse,
    FocusCampaign,
    Observation,
    ObservationAction,
    ObservationAmendment,
    ObservationRating,
    RatingReply,
)
from learning_app.observations.questions import QUESTIONS
from learning_app.profiles.models import SkillProfileRecord
from learning_app.profiles.services import rebuild_all

# Days before (negative: after) the day of seeding.
CLOSED_CYCLE = (385, 343)  # ran about a year ago, for six weeks
OPEN_CYCLE = (21, -35)  # opened three weeks ago, closes in five weeks
CAMPAIGN = (61, -30)  # started two months ago, ends in a month


def _day(ctx: SeedContext, days_before: int) -> date:
    return ctx.today - timedelta(days=days_before)


def _cycle_dates(ctx: SeedContext) -> dict[str, tuple[date, date]]:
    return {
        "closed": (_day(ctx, CLOSED_CYCLE[0]), _day(ctx, CLOSED_CYCLE[1])),
        "open": (_day(ctx, OPEN_CYCLE[0]), _day(ctx, OPEN_CYCLE[1])),
    }


def _people(ctx: SeedContext) -> list[tuple[Person, User]]:
    """The demo practitioners in number order, with their users."""
    team_numbers = {team.id: n for n, team in enumerate(ctx.teams, start=1)}
    people = []
    number = 1
    while (user := ctx.users.get(demo_email(f"practitioner{number}"))) is not None:
        band = user.band(ctx.today)
        if band in BASE_LEVEL and user.team_id in team_numbers and user.started_on:
            person = Person(
                number=number,
                email=user.email,
                band=band,
                grade=user.grade,
                team=team_numbers[user.team_id],
                started_on=user.started_on,
            )
            people.append((person, user))
        number += 1
    return people


def _published(ctx: SeedContext) -> tuple[FrameworkVersion, dict[str, Skill]]:
    version = published_version()
    if version is None:  # seed_framework runs first, so only if an admin retired it
        raise RuntimeError("No skills framework is published: publish one, then seed again")
    return version, {skill.slug: skill for skill in version.skills}


def _insert(model: type, rows: list[dict[str, Any]]) -> int:
    """Insert ``rows`` in bulk, without objects in the session; return how many.

    Every row must have the same keys, so that one statement inserts them all.
    """
    if rows:
        db.session.execute(insert(model), rows)
    return len(rows)


# Cycles and self-assessments --------------------------------------------------------------


def _demo_cycles(ctx: SeedContext) -> dict[str, LearningCycle]:
    lead = ctx.users[demo_email("ld.lead")]
    cycles = db.session.scalars(
        select(LearningCycle)
        .where(LearningCycle.pdu_id == ctx.pdu.id, LearningCycle.created_by_id == lead.id)
        .order_by(LearningCycle.opens_on, LearningCycle.id)
    )
    found: dict[str, LearningCycle] = {}
    for cycle in cycles:
        found.setdefault("closed" if cycle.closed_at else "open", cycle)
    return found


def seed_learning_cycles(ctx: SeedContext) -> None:
    """Two learning-analysis cycles for the PDU: one closed a year ago, one open now."""
    found = _demo_cycles(ctx)
    lead = ctx.users[demo_email("ld.lead")]
    for kind, (opens_on, closes_on) in _cycle_dates(ctx).items():
        if kind in found:
            continue
        cycle = LearningCycle(
            name=f"Learning analysis {opens_on:%B %Y}",
            opens_on=opens_on,
            closes_on=closes_on,
            closed_at=at(closes_on, 18) if kind == "closed" else None,
            created_by_id=lead.id,
            created_at=at(opens_on - timedelta(days=7), 9),
        )
        cycle.set_unit(ctx.pdu)
        db.session.add(cycle)
        ctx.summary.created["learning cycles"] += 1
    db.session.flush()


def seed_self_assessments(ctx: SeedContext) -> None:
    """Self-assessments in both cycles, with self-ratings of realistic calibration."""
    version, skills = _published(ctx)
    cycles = _demo_cycles(ctx)
    people = _people(ctx)
    persons = [person for person, _user in people]
    users = {person.email: user for person, user in people}
    levels = plan_levels(persons, list(skills), ctx.today)
    dates = {kind: (cycle.opens_on, cycle.closes_on) for kind, cycle in cycles.items()}
    plans = plan_self_assessments(persons, levels, list(skills), dates, ctx.today)
    ids = [user.id for user in users.values()]
    # A cycle that has self-assessments already is left alone, so that its completion
    # stays as it was (and as people may have changed it since).
    started = set(
        db.session.scalars(
            select(SelfAssessment.cycle_id)
            .where(SelfAssessment.cycle_id.in_([c.id for c in cycles.values()]))
            .distinct()
        )
    )
    with_draft = set(
        db.session.scalars(
            select(SelfAssessment.practitioner_id).where(
                SelfAssessment.practitioner_id.in_(ids), SelfAssessment.status == "draft"
            )
        )
    )
    rows, ratings = [], []
    for plan in plans:
        user, cycle = users[plan.email], cycles.get(plan.cycle)
        if cycle is None or cycle.id in started:
            continue
        draft = plan.submitted_at is None
        if draft and user.id in with_draft:
            continue
        rows.append(
            {
                "practitioner_id": user.id,
                "cycle_id": cycle.id,
                "framework_version_id": version.id,
                "status": "draft" if draft else "submitted",
                "learning_preferences": plan.preferences,
                "submitted_at": plan.submitted_at,
                "created_at": plan.started_at,
            }
        )
        ratings.append(
            [
                {"skill_id": skills[slug].id, "level": level, "confidence": confidence}
                | {"comment": comment}
                for slug, level, confidence, comment in plan.ratings
            ]
        )
    _insert(SelfAssessment, rows)
    found = db.session.execute(
        select(SelfAssessment.practitioner_id, SelfAssessment.cycle_id, SelfAssessment.id).where(
            SelfAssessment.practitioner_id.in_(ids)
        )
    )
    id_of = {(practitioner, cycle): id_ for practitioner, cycle, id_ in found}
    ids = [id_of[row["practitioner_id"], row["cycle_id"]] for row in rows]
    _insert(
        SelfRating,
        [
            rating | {"self_assessment_id": id_}
            for id_, mine in zip(ids, ratings, strict=True)
            for rating in mine
        ],
    )
    ctx.summary.created["self-assessments"] += len(ids)
    ctx.summary.created["self-ratings"] += sum(len(mine) for mine in ratings)


# Focus campaign ----------------------------------------------------------------------------


def _campaign(ctx: SeedContext) -> FocusCampaign | None:
    return db.session.scalar(
        select(FocusCampaign).where(
            FocusCampaign.pdu_id == ctx.pdu.id,
            FocusCampaign.skill_slug == FOCUS_SKILL,
            FocusCampaign.reason == text.CAMPAIGN_REASON,
        )
    )


def seed_focus_campaign(ctx: SeedContext) -> None:
    """The PDU's focus on professional curiosity after a serious further offence review."""
    if _campaign(ctx) is not None:
        return
    campaign = FocusCampaign(
        skill_slug=FOCUS_SKILL,
        reason=text.CAMPAIGN_REASON,
        starts_on=_day(ctx, CAMPAIGN[0]),
        ends_on=_day(ctx, CAMPAIGN[1]),
        created_by_id=ctx.users[demo_email("ld.lead")].id,
        created_at=at(_day(ctx, CAMPAIGN[0] + 3), 9),
    )
    campaign.set_unit(ctx.pdu)
    db.session.add(campaign)
    db.session.flush()
    ctx.summary.created["focus campaigns"] += 1


# Observations ----------------------------------------------------------------------------


def _observation_ids(practitioner_ids: Iterable[int]) -> dict[str, int]:
    """The demo's observations of these practitioners, by ``details["demo_key"]``."""
    rows = db.session.execute(
        select(Observation.details, Observation.id).where(
            Observation.practitioner_id.in_(list(practitioner_ids))
        )
    )
    return {
        details["demo_key"]: id_
        for details, id_ in rows
        if isinstance(details, dict) and details.get("demo_key")
    }


def seed_observations(ctx: SeedContext) -> None:
    """About six observations per practitioner over 18 months, with case-audit answers."""
    version, skills = _published(ctx)
    people = _people(ctx)
    persons = [person for person, _user in people]
    users = {person.email: user for person, user in people}
    levels = plan_levels(persons, list(skills), ctx.today)
    campaign = _campaign(ctx)
    starts_on = campaign.starts_on if campaign else _day(ctx, CAMPAIGN[0])
    plans = plan_observations(persons, levels, list(skills), ctx.today, starts_on)
    # A practitioner who has any demo observation gets no more: an observer may have
    # edited a demo draft since, which drops its key.
    seeded = {key.split(":")[0] for key in _observation_ids(u.id for u in users.values())}
    new = [p for p in plans if p.key.split(":")[0] not in seeded and p.observer in ctx.users]
    _insert(Observation, [_observation_row(p, ctx, users, version, campaign) for p in new])
    id_of = _observation_ids(user.id for user in users.values())
    ids = [id_of[plan.key] for plan in new]
    amended = [(id_, plan) for id_, plan in zip(ids, new, strict=True) if plan.amendment]
    _insert(
        ObservationAmendment,
        [
            {
                "observation_id": id_,
                "author_id": ctx.users[plan.observer].id,
                "reason": plan.amendment[2],
                "created_at": plan.amendment[3],
            }
            for id_, plan in amended
        ],
    )
    found = db.session.execute(
        select(ObservationAmendment.observation_id, ObservationAmendment.id).where(
            ObservationAmendment.observation_id.in_([id_ for id_, _plan in amended])
        )
    )
    amendment_of = {observation_id: id_ for observation_id, id_ in found}
    ratings, answers, actions, replies = [], [], [], []
    for id_, plan in zip(ids, new, strict=True):
        for slug, level in plan.ratings.items():
            rating = {"observation_id": id_, "skill_id": skills[slug].id, "level": level}
            rating |= {"superseded": False, "amendment_id": None}
            if plan.amendment and plan.amendment[0] == slug:
                ratings.append(rating | {"superseded": True})
                rating |= {"level": plan.amendment[1], "amendment_id": amendment_of[id_]}
            ratings.append(rating)
        answers += [
            {"observation_id": id_, "question_key": key, "answer": answer}
            | {"skill_id": skills[QUESTIONS[key].skill_slug].id}
            for key, answer in plan.answers.items()
            if QUESTIONS[key].skill_slug in skills
        ]
        actions += [
            {"observation_id": id_, "text": action, "due_on": due_on}
            | {"completed_on": completed_on}
            for action, due_on, completed_on in plan.actions
        ]
        if plan.reply is not None:
            slug, reason, when = plan.reply
            replies.append(
                {"observation_id": id_, "skill_id": skills[slug].id}
                | {"reason": reason, "created_at": when}
            )
    ctx.summary.created["observations"] += len(ids)
    ctx.summary.created["amendments"] += len(amended)
    for model, rows, kind in (
        (ObservationRating, ratings, "observation ratings"),
        (AuditAnswer, answers, "audit answers"),
        (ObservationAction, actions, "observation actions"),
        (RatingReply, replies, "rating replies"),
    ):
        _insert(model, rows)
        ctx.summary.created[kind] += len(rows)


def _observation_row(
    plan: ObservationPlan,
    ctx: SeedContext,
    users: dict[str, User],
    version: FrameworkVersion,
    campaign: FocusCampaign | None,
) -> dict[str, Any]:
    return {
        "practitioner_id": users[plan.person.email].id,
        "observer_id": ctx.users[plan.observer].id,
        "observer_role": plan.observer_role,
        "type": plan.type.value,
        "observed_on": plan.observed_on,
        "status": plan.status.value,
        "framework_version_id": version.id,
        "details": plan.details,
        "strengths": plan.strengths,
        "development_points": plan.development_points,
        "case_reference": plan.case_reference,
        "limited_access": plan.limited_access,
        "focus_campaign_id": campaign.id if (campaign and plan.in_campaign) else None,
        "shared_at": plan.shared_at,
        "acknowledged_at": plan.acknowledged_at,
        "closed_on": plan.closed_on,
        "practitioner_reflection": plan.reflection,
        "created_at": at(plan.observed_on, 17),
    }


# Feedback ----------------------------------------------------------------------------------


def seed_feedback(ctx: SeedContext) -> None:
    """Anonymous questionnaires from people on probation for about 40% of practitioners."""
    people = _people(ctx)
    users = {person.email: user for person, user in people}
    plans = plan_feedback([person for person, _user in people], ctx.today)
    has_feedback = set(
        db.session.scalars(
            select(FeedbackResponse.practitioner_id)
            .where(FeedbackResponse.practitioner_id.in_([u.id for u in users.values()]))
            .distinct()
        )
    )
    rows = []
    for plan in plans:
        user, entered_by = users[plan.email], ctx.users.get(plan.entered_by)
        if user.id in has_feedback or entered_by is None:
            continue
        rows.append(
            {
                "practitioner_id": user.id,
                "entered_by_id": entered_by.id,
                "received_on": plan.received_on,
                "channel": plan.channel,
                "comment": plan.comment,
                "created_at": at(plan.received_on, 12),
                **plan.answers,
            }
        )
    ctx.summary.created["feedback responses"] += _insert(FeedbackResponse, rows)


# Profiles ----------------------------------------------------------------------------------


def _profile_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SkillProfileRecord)) or 0


def seed_profiles(ctx: SeedContext) -> None:
    """Rebuild the stored skill profiles from the evidence, when anything is new or missing."""
    _version, skills = _published(ctx)
    practitioners = db.session.scalar(
        select(func.count(func.distinct(RoleAssignment.user_id))).where(
            RoleAssignment.role == Role.PRACTITIONER.value
        )
    )
    before = _profile_count()
    evidence_added = any(
        ctx.summary.created[kind]
        for kind in ("self-assessments", "observations", "feedback responses")
    )
    if not evidence_added and before >= practitioners * len(skills):
        return
    rebuild_all(ctx.today)
    ctx.summary.created["skill profiles"] += max(0, _profile_count() - before)


EVIDENCE_STEPS: list[SeedStep] = [
    seed_learning_cycles,
    seed_self_assessments,
    seed_focus_campaign,
    seed_observations,
    seed_feedback,
    seed_profiles,
]
