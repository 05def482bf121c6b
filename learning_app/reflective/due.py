"""Which discussions are due: by cadence, as follow-ups of evidence, and as replacements.

``create_due_discussions`` is the daily job's work. It reads what it needs for everyone in
a fixed number of queries, and names each discussion it creates by the reason it exists
(``dedupe_key``, unique in the schema), so running it twice, or again after a crash,
creates nothing twice:

- ``cadence:{practitioner}:after:{last cadence discussion id or 0}``: a new key only once
  the previous cadence discussion is no longer live (signed, cancelled or missed);
- ``follow-up:{observation}:{rule}``: one per observation and rule;
- ``replaces:{id}``: the one replacement of a cancelled or missed discussion.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import func, select

from learning_app.accounts.constants import Role, experience_band
from learning_app.accounts.models import RoleAssignment, User
from learning_app.core import audit
from learning_app.core.time import london_date
from learning_app.extensions import db
from learning_app.framework.models import Skill
from learning_app.observations.models import (
    AuditAnswer,
    Observation,
    ObservationRating,
    ObservationStatus,
)
from learning_app.observations.questions import keeping_safe_keys
from learning_app.reflective import rule_store
from learning_app.reflective.models import Discussion, DiscussionStatus, DueReason
from learning_app.reflective.people import spo_ids_by_team
from learning_app.reflective.placing import REPLACES, day_start
from learning_app.reflective.rules import Rules, cadence_weeks
from learning_app.reflective.working_days import (
    add_working_days,
    bank_holidays,
    is_working_day,
    working_days_between,
)

FIRST_CADENCE_WORKING_DAYS = 5  # someone who has never had a discussion
CADENCE_LOOKAHEAD = timedelta(weeks=4)  # cadence discussions are created this far ahead
EARLIEST_WORKING_DAYS = 10  # a cadence discussion may be held this long before it is due
FOLLOW_UP_LOOKBACK = timedelta(days=30)
MISSED_AFTER_WORKING_DAYS = 5
AUDIT_NO_RULE = "audit-keeping-safe-no"
RATING_ONE_RULE = "risk-critical-rating-1"
LIVE = (DiscussionStatus.DUE, DiscussionStatus.BOOKED, DiscussionStatus.RECORDED)
_CHUNK = 500


def new_discussion(
    *,
    practitioner_id: int,
    spo_id: int | None,
    reason: DueReason,
    rule_code: str,
    rule_label: str,
    earliest_on: date,
    due_on: date,
    dedupe_key: str,
    focus_skills: Iterable[str] = (),
    case_event_id: int | None = None,
    source_observation_id: int | None = None,
) -> Discussion:
    """A due discussion, added to the session (not flushed)."""
    discussion = Discussion(
        uid=f"{uuid.uuid4()}@practice-learning",
        dedupe_key=dedupe_key,
        practitioner_id=practitioner_id,
        spo_id=spo_id,
        reason=reason.value,
        rule_code=rule_code,
        rule_label=rule_label,
        case_event_id=case_event_id,
        source_observation_id=source_observation_id,
        focus_skills=list(dict.fromkeys(focus_skills)),
        earliest_on=earliest_on,
        due_on=max(due_on, earliest_on),
        status=DiscussionStatus.DUE.value,
        sequence=0,
    )
    db.session.add(discussion)
    return discussion


def record_created(discussions: Iterable[Discussion]) -> None:
    for discussion in discussions:
        audit.record(
            None,
            "discussion.create",
            discussion,
            detail={"reason": discussion.reason, "key": discussion.dedupe_key},
        )


def working_days_before(day: date, days: int, holidays) -> date:
    counted = 0
    while counted < days:
        day -= timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day


# Replacements ----------------------------------------------------------------------------


def standing(discussions: list[Discussion]) -> list[Discussion]:
    """Those whose reason still stands and that have no replacement yet (three queries).

    A case event, follow-up or request stands until a discussion for it is signed;
    cadence discussions come back through the cadence rule instead.
    """
    candidates = [d for d in discussions if d.reason != DueReason.CADENCE.value]
    if not candidates:
        return []
    signed = DiscussionStatus.SIGNED.value
    events = {d.case_event_id for d in candidates if d.case_event_id is not None}
    answered_events = set(
        db.session.scalars(
            select(Discussion.case_event_id).where(
                Discussion.case_event_id.in_(events), Discussion.status == signed
            )
        )
    )
    observations = {
        d.source_observation_id for d in candidates if d.source_observation_id is not None
    }
    answered_follow_ups = set(
        db.session.execute(
            select(Discussion.source_observation_id, Discussion.rule_code).where(
                Discussion.source_observation_id.in_(observations), Discussion.status == signed
            )
        ).tuples()
    )
    keys = {f"{REPLACES}{d.id}" for d in candidates}
    replaced = set(
        db.session.scalars(select(Discussion.dedupe_key).where(Discussion.dedupe_key.in_(keys)))
    )
    return [
        d
        for d in candidates
        if d.case_event_id not in answered_events
        and (d.source_observation_id, d.rule_code) not in answered_follow_ups
        and f"{REPLACES}{d.id}" not in replaced
    ]


def replace(discussions: list[Discussion], today: date) -> list[Discussion]:
    """A due replacement, with the same reason, focus and due date (today at the earliest),
    for each discussion whose reason still stands."""
    made = [
        new_discussion(
            practitioner_id=d.practitioner_id,
            spo_id=d.spo_id,
            reason=DueReason(d.reason),
            rule_code=d.rule_code,
            rule_label=d.rule_label,
            earliest_on=today,
            due_on=d.due_on,
            dedupe_key=f"{REPLACES}{d.id}",
            focus_skills=d.focus_skills,
            case_event_id=d.case_event_id,
            source_observation_id=d.source_observation_id,
        )
        for d in standing(discussions)
    ]
    db.session.flush()
    record_created(made)
    return made


# The daily job -----------------------------------------------------------------------------


def create_due_discussions(today: date) -> int:
    """Mark missed discussions (and replace them), then create what cadence and follow-ups
    make due. Returns how many discussions were created."""
    holidays = bank_holidays()
    rules = rule_store.current_rules()
    team_spo = spo_ids_by_team()
    created = _mark_missed(today, holidays)
    created += _cadence(today, rules, team_spo, holidays)
    created += _follow_ups(today, rules, team_spo, holidays)
    return created


def _own_spo(team_spo: dict[int, int], team_id: int | None, practitioner_id: int) -> int | None:
    spo_id = team_spo.get(team_id) if team_id is not None else None
    return None if spo_id == practitioner_id else spo_id


def _mark_missed(today: date, holidays) -> int:
    """Booked discussions whose slot ended more than 5 working days ago, nothing recorded."""
    booked = db.session.scalars(
        select(Discussion).where(
            Discussion.status == DiscussionStatus.BOOKED.value,
            Discussion.recorded_at.is_(None),
            Discussion.ends_at < day_start(today - timedelta(days=MISSED_AFTER_WORKING_DAYS)),
        )
    ).all()
    missed = [
        d
        for d in booked
        if working_days_between(london_date(d.ends_at), today, holidays) > MISSED_AFTER_WORKING_DAYS
    ]
    for discussion in missed:
        discussion.status = DiscussionStatus.MISSED.value
        audit.record(None, "discussion.miss", discussion, detail={"due_on": str(discussion.due_on)})
    db.session.flush()
    return len(replace(missed, today))


def _cadence(today: date, rules: Rules, team_spo: dict[int, int], holidays) -> int:
    """A cadence discussion for each active practitioner in a team who has none live."""
    practitioners = db.session.execute(
        select(User.id, User.team_id, User.grade, User.started_on, User.qualified_on)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            RoleAssignment.role == Role.PRACTITIONER.value,
            User.active.is_(True),
            User.team_id.is_not(None),
        )
        .distinct()
    ).all()
    cadence = Discussion.reason == DueReason.CADENCE.value
    live = set(
        db.session.scalars(
            select(Discussion.practitioner_id)
            .where(cadence, Discussion.status.in_([s.value for s in LIVE]))
            .distinct()
        )
    )
    last_cadence = dict(
        db.session.execute(
            select(Discussion.practitioner_id, func.max(Discussion.id))
            .where(cadence)
            .group_by(Discussion.practitioner_id)
        ).all()
    )
    # The day a signed discussion was held; its booked start if that was not written down.
    signed = {
        pid: held_on or london_date(starts_at)
        for pid, held_on, starts_at in db.session.execute(
            select(
                Discussion.practitioner_id,
                func.max(Discussion.held_on),
                func.max(Discussion.starts_at),
            )
            .where(Discussion.status == DiscussionStatus.SIGNED.value)
            .group_by(Discussion.practitioner_id)
        )
        if held_on is not None or starts_at is not None
    }
    booked = {
        pid: london_date(starts_at)
        for pid, starts_at in db.session.execute(
            select(Discussion.practitioner_id, func.max(Discussion.starts_at))
            .where(
                Discussion.status.in_(
                    [DiscussionStatus.BOOKED.value, DiscussionStatus.RECORDED.value]
                )
            )
            .group_by(Discussion.practitioner_id)
        )
        if starts_at is not None
    }
    made = []
    for pid, team_id, grade, started_on, qualified_on in practitioners:
        if pid in live:
            continue
        band = experience_band(grade, qualified_on, today)
        weeks = cadence_weeks(rules, band, started_on, qualified_on, today)
        if weeks is None:
            continue
        last = signed.get(pid) or booked.get(pid)
        if last is None:
            due_on = add_working_days(today, FIRST_CADENCE_WORKING_DAYS, holidays)
        else:
            due_on = add_working_days(last + timedelta(weeks=weeks), 0, holidays)
        if due_on > today + CADENCE_LOOKAHEAD:
            continue
        due_on = max(due_on, today)
        made.append(
            new_discussion(
                practitioner_id=pid,
                spo_id=_own_spo(team_spo, team_id, pid),
                reason=DueReason.CADENCE,
                rule_code=band.value,
                rule_label=f"Regular discussion, every {weeks} weeks",
                earliest_on=max(
                    today, working_days_before(due_on, EARLIEST_WORKING_DAYS, holidays)
                ),
                due_on=due_on,
                dedupe_key=f"cadence:{pid}:after:{last_cadence.get(pid, 0)}",
            )
        )
    db.session.flush()
    record_created(made)
    return len(made)


def _follow_ups(today: date, rules: Rules, team_spo: dict[int, int], holidays) -> int:
    """One discussion per recent shared observation and follow-up rule that applies."""
    since = today - FOLLOW_UP_LOOKBACK
    shown = (
        Observation.status != ObservationStatus.DRAFT.value,
        Observation.observed_on >= since,
        Observation.observed_on <= today,
        User.active.is_(True),
    )
    columns = (Observation.id, Observation.practitioner_id, User.team_id, Observation.observed_on)
    found: dict[tuple[int, str], dict] = {}
    queries = {
        AUDIT_NO_RULE: select(*columns, Skill.slug)
        .join(AuditAnswer, AuditAnswer.observation_id == Observation.id)
        .join(Skill, AuditAnswer.skill_id == Skill.id)
        .join(User, Observation.practitioner_id == User.id)
        .where(
            *shown,
            AuditAnswer.answer == "no",
            AuditAnswer.superseded.is_(False),
            AuditAnswer.question_key.in_(sorted(keeping_safe_keys())),
        ),
        RATING_ONE_RULE: select(*columns, Skill.slug)
        .join(ObservationRating, ObservationRating.observation_id == Observation.id)
        .join(Skill, ObservationRating.skill_id == Skill.id)
        .join(User, Observation.practitioner_id == User.id)
        .where(
            *shown,
            ObservationRating.level == 1,
            ObservationRating.superseded.is_(False),
            Skill.risk_critical.is_(True),
        ),
    }
    for code, statement in queries.items():
        rule = rules.follow_up(code)
        if rule is None:
            continue  # an admin has taken the rule out
        for obs_id, pid, team_id, observed_on, slug in db.session.execute(
            statement.order_by(Observation.id, Skill.position)
        ):
            entry = found.setdefault(
                (obs_id, code),
                {"pid": pid, "team_id": team_id, "on": observed_on, "rule": rule, "skills": []},
            )
            entry["skills"].append(slug)
    keys = {f"follow-up:{obs_id}:{code}": (obs_id, code) for obs_id, code in found}
    existing: set[str] = set()
    key_list = sorted(keys)
    for start in range(0, len(key_list), _CHUNK):
        chunk = key_list[start : start + _CHUNK]
        existing.update(
            db.session.scalars(
                select(Discussion.dedupe_key).where(Discussion.dedupe_key.in_(chunk))
            )
        )
    made = []
    for key, (obs_id, code) in sorted(keys.items()):
        if key in existing:
            continue
        entry = found[(obs_id, code)]
        rule = entry["rule"]
        made.append(
            new_discussion(
                practitioner_id=entry["pid"],
                spo_id=_own_spo(team_spo, entry["team_id"], entry["pid"]),
                reason=DueReason.FOLLOW_UP,
                rule_code=rule.code,
                rule_label=rule.label,
                earliest_on=today,
                due_on=add_working_days(entry["on"], rule.due_working_days, holidays),
                dedupe_key=key,
                focus_skills=entry["skills"],
                source_observation_id=obs_id,
            )
        )
    db.session.flush()
    record_created(made)
    return len(made)
