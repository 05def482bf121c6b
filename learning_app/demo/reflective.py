"""Seed step for reflective discussions (issue 5): capacities, leave, case events, and 13 weeks
of past and 3 weeks of upcoming discussions for the demo unit.

What is created is decided without the database: ``reflective_plan`` (capacities, leave,
case events, the discussions that fall due), ``reflective_slots`` (their slots, chosen by the
real placer) and ``reflective_records`` (what became of each, and its oversight record), with
the words in ``reflective_text``. Every draw comes from ``step_rng("reflective...")``
generators, and every date is counted from the day of seeding.

The step looks records up first and writes only what is missing, in bulk, and never queues
an email:

- an SPO who has a capacity keeps it; the others get the demo's;
- any discussion whose ``dedupe_key`` starts "demo:" means the rest is done (leave, case
  events, discussions and their records), so running ``flask seed-demo`` again, the same day
  or months later, adds nothing.

A signed discussion counts as a reflective-discussion observation (acknowledged, rated as the
discussion is, ``details["demo_key"]`` "reflective:" + the dedupe key), so the stored profiles
are rebuilt once at the end.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from learning_app.accounts.models import User
from learning_app.demo.evidence import _insert, _observation_ids, _people, _published
from learning_app.demo.evidence_plan import Levels, plan_levels
from learning_app.demo.reflective_plan import (
    CapacityPlan,
    DiscussionPlan,
    Practitioner,
    plan_reflective,
)
from learning_app.demo.reflective_records import Record, london_moment, plan_records, stored
from learning_app.demo.reflective_slots import place_discussions
from learning_app.demo.seed import TEAMS, SeedContext, demo_email, step_rng
from learning_app.demo.training import IMPACT
from learning_app.extensions import db
from learning_app.framework.models import FrameworkVersion, Skill
from learning_app.observations.models import (
    Observation,
    ObservationAction,
    ObservationRating,
    ObservationStatus,
    ObservationType,
)
from learning_app.profiles.services import rebuild_all
from learning_app.reflective.models import (
    CaseEvent,
    Discussion,
    DiscussionAction,
    DiscussionDecision,
    DiscussionRating,
    DiscussionStatus,
    Leave,
    SpoCapacity,
)
from learning_app.reflective.recording import TRIGGERS
from learning_app.reflective.rule_store import current_rules
from learning_app.reflective.working_days import bank_holidays

KEY_PREFIX = "demo:"
OBSERVATION_KEY_PREFIX = "reflective:"
# Skills the training demo measures before and after a course: the discussions of the people
# it measures leave them unrated, so that its comparison stays as planned.
MEASURED_SKILLS = frozenset(plan.skill for plan in IMPACT)


def seed_reflective(ctx: SeedContext) -> None:
    """Capacities, leave, case events and discussions (see the module docstring)."""
    version, skills = _published(ctx)
    spos = {n: ctx.users.get(demo_email(f"spo{n}")) for n in range(1, len(TEAMS) + 1)}
    everyone = _people(ctx)
    people = [(p, u) for p, u in everyone if spos.get(p.team) is not None]
    if not people:
        return
    holidays = bank_holidays()
    practitioners = [
        Practitioner(p.number, p.team, p.band, p.started_on, u.qualified_on) for p, u in people
    ]
    plan = plan_reflective(
        step_rng("reflective"), practitioners, current_rules(), holidays, ctx.today
    )
    _seed_capacities(ctx, plan.capacities, spos)
    if db.session.scalar(
        select(Discussion.id).where(Discussion.dedupe_key.startswith(KEY_PREFIX)).limit(1)
    ):
        return
    place_discussions(plan, holidays, ctx.today)
    users = {p.number: u for p, u in people}
    levels_by_email = plan_levels([p for p, _u in everyone], list(skills), ctx.today)
    levels: dict[int, Levels] = {p.number: levels_by_email[p.email] for p, _u in people}
    measured = {
        int(key.split(":")[0].removeprefix("practitioner"))
        for key in _observation_ids(u.id for u in users.values())
        if ":training-" in key
    }
    rateable = {
        n: [s for s in skills if n not in measured or s not in MEASURED_SKILLS] for n in users
    }
    records = plan_records(
        step_rng("reflective-records"), plan.discussions, levels, rateable, holidays, ctx.today
    )
    people_by_name = {f"practitioner{n}": u for n, u in users.items()}
    people_by_name |= {f"spo{n}": u for n, u in spos.items() if u is not None}
    leave = [
        {"person_id": people_by_name[item.who].id}
        | {"first_day": item.first_day, "last_day": item.last_day}
        | {"created_at": london_moment(min(ctx.today, item.first_day), 9)}
        for item in plan.leave
        if item.who in people_by_name
    ]
    ctx.summary.created["leave spells"] += _insert(Leave, leave)
    events = _seed_case_events(ctx, plan.discussions, records, users, spos)
    observations = _seed_observations(ctx, plan.discussions, records, users, spos, version)
    observation_ids = _observation_ids(u.id for u in users.values())
    rows = []
    for discussion in plan.discussions:
        record = records[discussion.key]
        practitioner, spo = users[discussion.number], spos[discussion.team]
        event_id = events.get(discussion.event.key) if discussion.event else None
        linked = observation_ids.get(OBSERVATION_KEY_PREFIX + discussion.key)
        rows.append(_discussion_row(discussion, record, practitioner, spo, event_id, linked))
    ctx.summary.created["discussions"] += _insert(Discussion, rows)
    _seed_record_details(ctx, plan.discussions, records, skills)
    _seed_observation_ratings(ctx, observations, observation_ids, records, skills)
    if observations:
        rebuild_all(ctx.today)


def _seed_capacities(
    ctx: SeedContext, capacities: list[CapacityPlan], spos: dict[int, User | None]
) -> None:
    ids = [u.id for u in spos.values() if u is not None]
    existing = set(
        db.session.scalars(select(SpoCapacity.spo_id).where(SpoCapacity.spo_id.in_(ids)))
    )
    rows = [
        {
            "spo_id": spo.id,
            "sessions_per_week": c.sessions_per_week,
            "weekdays": c.weekdays,
            "day_starts": c.day_starts,
            "day_ends": c.day_ends,
            "slot_minutes": c.slot_minutes,
            "updated_at": london_moment(ctx.today, 8),
        }
        for c in capacities
        if (spo := spos.get(c.team)) is not None and spo.id not in existing
    ]
    ctx.summary.created["capacity settings"] += _insert(SpoCapacity, rows)


def _seed_case_events(
    ctx: SeedContext,
    discussions: list[DiscussionPlan],
    records: dict[str, Record],
    users: dict[int, User],
    spos: dict[int, User | None],
) -> dict[int, int]:
    """The case events, each closed when the discussion answering it was signed off."""
    rows = []
    for discussion in discussions:
        event, record = discussion.event, records[discussion.key]
        if event is None:
            continue
        practitioner = users[event.number]
        signed = record.status is DiscussionStatus.SIGNED
        rows.append(
            {
                "practitioner_id": practitioner.id,
                "logged_by_id": (spos[discussion.team] if event.logged_by_spo else practitioner).id,
                "event_type": event.rule.code,
                "event_label": event.rule.label,
                "rosh_level": event.rosh_level,
                "occurred_on": event.occurred_on,
                "case_reference": event.case_reference,
                "limited_access": event.limited_access,
                "closed_on": record.practitioner_signed_at.date() if signed else None,
                "created_at": london_moment(event.occurred_on, 15, 10),
            }
        )
    ctx.summary.created["case events"] += _insert(CaseEvent, rows)
    found = db.session.execute(
        select(CaseEvent.practitioner_id, CaseEvent.occurred_on, CaseEvent.id).where(
            CaseEvent.practitioner_id.in_([u.id for u in users.values()])
        )
    )
    id_of = {(pid, day): id_ for pid, day, id_ in found}
    return {
        d.event.key: id_of[users[d.event.number].id, d.event.occurred_on]
        for d in discussions
        if d.event is not None
    }


def _seed_observations(
    ctx: SeedContext,
    discussions: list[DiscussionPlan],
    records: dict[str, Record],
    users: dict[int, User],
    spos: dict[int, User | None],
    version: FrameworkVersion,
) -> list[str]:
    """A reflective-discussion observation for each signed discussion; returns their keys."""
    rows, keys = [], []
    for discussion in discussions:
        record = records[discussion.key]
        if record.status is not DiscussionStatus.SIGNED:
            continue
        trigger = TRIGGERS.get(discussion.rule_code, "other") if discussion.event else "cadence"
        details = {
            "demo_key": OBSERVATION_KEY_PREFIX + discussion.key,
            "format": "one_to_one",
            "trigger": trigger,
            "model": record.model,
            "proposal": "yes",
            "wellbeing_check": "yes",
        }
        rows.append(
            {
                "practitioner_id": users[discussion.number].id,
                "observer_id": spos[discussion.team].id,
                "observer_role": "spo",
                "type": ObservationType.REFLECTIVE_DISCUSSION.value,
                "observed_on": record.held_on,
                "status": ObservationStatus.ACKNOWLEDGED.value,
                "framework_version_id": version.id,
                "details": details,
                "strengths": None,
                "development_points": record.story.now_what,
                "case_reference": None,
                "limited_access": False,
                "shared_at": record.spo_signed_at,
                "acknowledged_at": record.practitioner_signed_at,
                "closed_on": record.practitioner_signed_at.date(),
                "practitioner_reflection": record.reflection,
                "created_at": record.spo_signed_at,
            }
        )
        keys.append(discussion.key)
    ctx.summary.created["discussion observations"] += _insert(Observation, rows)
    return keys


def _discussion_row(
    discussion: DiscussionPlan,
    record: Record,
    practitioner: User,
    spo: User,
    event_id: int | None,
    observation_id: int | None,
) -> dict[str, Any]:
    story = record.story
    written = record.recorded_at is not None
    cancelled_by = spo if record.cancelled_by_spo else practitioner
    return {
        "uid": discussion.uid,
        "dedupe_key": discussion.key,
        "practitioner_id": practitioner.id,
        "spo_id": spo.id,
        "reason": discussion.reason.value,
        "rule_code": discussion.rule_code,
        "rule_label": discussion.rule_label,
        "case_event_id": event_id,
        "focus_skills": list(discussion.focus_skills),
        "earliest_on": discussion.earliest_on,
        "due_on": discussion.due_on,
        "status": record.status.value,
        "at_risk_reason": discussion.at_risk.value if discussion.at_risk else None,
        "starts_at": stored(discussion.starts_at) if discussion.starts_at else None,
        "ends_at": stored(discussion.ends_at) if discussion.ends_at else None,
        "sequence": 1 if record.cancelled_at else 0,
        "practitioner_accepted_at": record.practitioner_accepted_at,
        "spo_accepted_at": record.spo_accepted_at,
        "cancelled_at": record.cancelled_at,
        "cancelled_by_id": cancelled_by.id if record.cancelled_at else None,
        "cancel_reason": record.cancel_reason,
        "proposal": record.proposal,
        "held_on": record.held_on,
        "reflective_model": record.model,
        "what_happened": story.what_happened if written else None,
        "so_what": story.so_what if written else None,
        "now_what": story.now_what if written else None,
        "wellbeing_check": record.wellbeing,
        "practitioner_reflection": record.reflection,
        "recorded_at": record.recorded_at,
        "spo_signed_at": record.spo_signed_at,
        "practitioner_signed_at": record.practitioner_signed_at,
        "observation_id": observation_id,
        "created_at": record.created_at,
    }


def _seed_record_details(
    ctx: SeedContext,
    discussions: list[DiscussionPlan],
    records: dict[str, Record],
    skills: dict[str, Skill],
) -> None:
    """Ratings, decisions and actions of every recorded or signed discussion."""
    keys = [d.key for d in discussions if records[d.key].recorded_at is not None]
    id_of = dict(
        db.session.execute(
            select(Discussion.dedupe_key, Discussion.id).where(Discussion.dedupe_key.in_(keys))
        ).all()
    )
    ratings, decisions, actions = [], [], []
    for key in keys:
        record, discussion_id = records[key], id_of[key]
        ratings += [
            {"discussion_id": discussion_id, "skill_id": skills[slug].id, "level": level}
            for slug, level in record.ratings.items()
        ]
        decisions += [
            {"discussion_id": discussion_id, "decision": decision, "rationale": rationale}
            for decision, rationale in record.story.decisions
        ]
        actions += [
            {"discussion_id": discussion_id, "text": action, "owner": owner, "due_on": due_on}
            for action, owner, due_on, _done in record.actions
        ]
    ctx.summary.created["discussion ratings"] += _insert(DiscussionRating, ratings)
    ctx.summary.created["decisions"] += _insert(DiscussionDecision, decisions)
    ctx.summary.created["discussion actions"] += _insert(DiscussionAction, actions)


def _seed_observation_ratings(
    ctx: SeedContext,
    keys: list[str],
    observation_ids: dict[str, int],
    records: dict[str, Record],
    skills: dict[str, Skill],
) -> None:
    """The observation's ratings are the discussion's; the practitioner's actions are on it too,
    as the sign-off service leaves them."""
    ctx.summary.created["observation actions"] += _insert(
        ObservationAction,
        [
            {"observation_id": observation_ids[OBSERVATION_KEY_PREFIX + key], "text": action}
            | {"due_on": due_on, "completed_on": completed_on}
            for key in keys
            for action, owner, due_on, completed_on in records[key].actions
            if owner == "practitioner"
        ],
    )
    rows = [
        {
            "observation_id": observation_ids[OBSERVATION_KEY_PREFIX + key],
            "skill_id": skills[slug].id,
            "level": level,
            "superseded": False,
            "amendment_id": None,
        }
        for key in keys
        for slug, level in records[key].ratings.items()
    ]
    ctx.summary.created["discussion observation ratings"] += _insert(ObservationRating, rows)
