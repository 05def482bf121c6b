"""What became of each demo discussion, and its oversight record, decided without the database.

Past discussions are mostly signed off by both people, with the full record; about 1 in 14
regular ones was missed and 1 in 25 cancelled with a reason; a few recent ones are recorded
by the SPO and wait for the practitioner's reflection and sign-off (those whose sign-off
would fall on or after the day of seeding, a tenth of the rest from the last week, and at
least three).
practitioner1's discussion of the last working day is still booked, with their proposal
written and nothing recorded. Upcoming ones are booked (some accepted, and a proposal on some
of those in the next three working days) or, when no slot was free, due and at risk.

Ratings are drawn around each practitioner's hidden true level (``evidence_plan.Levels``)
with the SPO's lean, on the discussion's focus skills and its story's skills, 2 to 4 of them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from learning_app.core.time import LONDON
from learning_app.demo import reflective_text as text
from learning_app.demo.evidence_plan import OBSERVER_LEAN, Levels, clamp_level
from learning_app.demo.reflective_event_text import EVENT_STORIES
from learning_app.demo.reflective_plan import DiscussionPlan, last_working_day
from learning_app.reflective.models import DiscussionStatus, DueReason
from learning_app.reflective.working_days import add_working_days, working_days_between

MISSED_SHARE = 0.07
CANCELLED_SHARE = 0.04
RECORDED_SHARE = 0.1  # of those held in the last week whose sign-off could be done
MIN_RECORDED = 3
PROPOSAL_SHARE = 0.5  # of bookings in the next three working days
ACTIONS_DONE_SHARE = 0.9  # of actions due more than a week ago


@dataclass
class Record:
    """A discussion's status and everything written about it (times are aware UTC)."""

    status: DiscussionStatus
    created_at: datetime
    story: text.Story
    proposal: str | None = None
    practitioner_accepted_at: datetime | None = None
    spo_accepted_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancelled_by_spo: bool = False
    cancel_reason: str | None = None
    held_on: date | None = None
    model: str | None = None
    wellbeing: str | None = None
    reflection: str | None = None
    recorded_at: datetime | None = None
    spo_signed_at: datetime | None = None
    practitioner_signed_at: datetime | None = None
    ratings: dict[str, int] = field(default_factory=dict)
    # (text, owner, due on, completed on): the practitioner's show on the observation too.
    actions: list[tuple[str, str, date, date | None]] = field(default_factory=list)


def london_moment(day: date, hour: int, minute: int = 0) -> datetime:
    """A London wall-clock time on ``day``, as the aware UTC moment stored."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def stored(moment: datetime) -> datetime:
    """A placer slot (naive London) as an aware UTC moment."""
    return moment.replace(tzinfo=LONDON).astimezone(UTC)


def plan_records(
    rng: random.Random,
    discussions: list[DiscussionPlan],
    levels: dict[int, Levels],
    rateable: dict[int, list[str]],
    holidays: frozenset[date],
    today: date,
) -> dict[str, Record]:
    """A record for every discussion, by dedupe key.

    ``levels`` and ``rateable`` are by practitioner number: their true levels, and the
    skills their discussions may rate (the published ones, less any the training demo
    measures for them).
    """
    records: dict[str, Record] = {}
    held_on = last_working_day(today, holidays)
    soon = add_working_days(today, 3, holidays)
    for plan in discussions:
        story = _story(rng, plan, levels[plan.number], rateable[plan.number])
        # The daily job makes a regular discussion due (and books it) a week or two ahead.
        notice = timedelta(days=rng.randint(3, 10))
        created_on = plan.event.occurred_on if plan.event else plan.ask_from - notice
        record = Record(
            status=DiscussionStatus.DUE,
            created_at=london_moment(min(created_on, today - timedelta(days=1)), 7),
            story=story,
        )
        records[plan.key] = record
        if plan.starts_at is None:
            continue
        day = plan.starts_at.date()
        record.status = DiscussionStatus.BOOKED
        if day < today or plan.past:
            _held(rng, plan, record, levels[plan.number], rateable[plan.number], holidays, today)
            if plan.number == 1 and plan.event is not None and day == held_on:
                _waiting_to_be_recorded(record)
        else:
            _upcoming(rng, plan, record, today, soon)
    _leave_some_recorded(rng, discussions, records, holidays, today)
    return records


def _story(rng: random.Random, plan: DiscussionPlan, levels: Levels, slugs: list[str]):
    if plan.event is not None:
        return rng.choice(EVENT_STORIES.get(plan.rule_code, text.CADENCE_STORIES))
    # A regular discussion picks up one of the practitioner's three weakest areas.
    usable = [s for s in text.CADENCE_STORIES if s.skills[0] in slugs] or list(text.CADENCE_STORIES)
    usable.sort(key=lambda s: levels.now.get(s.skills[0], 4.0))
    return rng.choice(usable[:3])


def _held(
    rng: random.Random,
    plan: DiscussionPlan,
    record: Record,
    levels: Levels,
    slugs: list[str],
    holidays: frozenset[date],
    today: date,
) -> None:
    day = plan.starts_at.date()
    roll = rng.random()
    cancel_notice, reason = rng.randint(1, 3), rng.choice(text.CANCEL_REASONS)
    _accept(record, day)
    if plan.reason is DueReason.CADENCE and roll < MISSED_SHARE and plan.number != 1:
        record.status = DiscussionStatus.MISSED
        record.proposal = record.story.proposal if rng.random() < 0.3 else None
        return
    if plan.reason is DueReason.CADENCE and roll < MISSED_SHARE + CANCELLED_SHARE:
        record.status = DiscussionStatus.CANCELLED
        cancelled_on = max(record.created_at.date(), day - timedelta(days=cancel_notice))
        record.cancelled_at = london_moment(cancelled_on, 10)
        record.cancel_reason = reason
        record.cancelled_by_spo = reason.startswith("The SPO")
        return
    record.status = DiscussionStatus.SIGNED
    record.proposal = record.story.proposal
    record.held_on = day
    record.model = rng.choice(text.MODELS)
    record.wellbeing = rng.choice(text.WELLBEING)
    record.reflection = rng.choice(text.REFLECTIONS)
    recorded_on = day + timedelta(days=rng.choice((0, 0, 0, 1)))
    record.recorded_at = record.spo_signed_at = london_moment(recorded_on, 16, 30)
    signed_on = recorded_on + timedelta(days=rng.choice((1, 1, 1, 1, 2, 3)))
    record.practitioner_signed_at = london_moment(signed_on, 11)
    if signed_on >= today:
        _awaiting_sign_off(record)
    wanted = rng.randint(2, 4)
    skills = [s for s in (*plan.focus_skills, *record.story.skills) if s in slugs]
    skills = list(dict.fromkeys(skills))
    extra = [s for s in ("reflective-practice", "defensible-decisions") if s in slugs]
    skills += [s for s in extra if s not in skills]
    lean = OBSERVER_LEAN.get(f"spo{plan.team}@demo.test", 0.0)
    for slug in skills[: max(2, wanted)]:
        noise = rng.gauss(0, 0.4)
        record.ratings[slug] = clamp_level(levels.at(slug, day) + lean + noise)
    for action, owner, days in record.story.actions:
        due_on = add_working_days(day, max(1, round(days * 5 / 7)), holidays)
        done_roll, done_early = rng.random(), rng.randint(0, 5)
        completed_on = None
        if due_on < today - timedelta(days=7) and done_roll < ACTIONS_DONE_SHARE:
            completed_on = max(day + timedelta(days=1), due_on - timedelta(days=done_early))
        record.actions.append((action, owner, due_on, completed_on))


def _accept(record: Record, day: date) -> None:
    accepted_on = min(day, record.created_at.date() + timedelta(days=1))
    record.practitioner_accepted_at = london_moment(accepted_on, 9, 15)
    record.spo_accepted_at = london_moment(accepted_on, 12, 40)


def _awaiting_sign_off(record: Record) -> None:
    record.status = DiscussionStatus.RECORDED
    record.practitioner_signed_at = None
    record.reflection = None


def _waiting_to_be_recorded(record: Record) -> None:
    """Held, with the practitioner's proposal written, and nothing recorded yet."""
    proposal = record.proposal or record.story.proposal
    for name in (
        "held_on",
        "model",
        "wellbeing",
        "reflection",
        "recorded_at",
        "spo_signed_at",
        "practitioner_signed_at",
    ):
        setattr(record, name, None)
    record.status = DiscussionStatus.BOOKED
    record.proposal = proposal
    record.ratings, record.actions = {}, []


def _upcoming(
    rng: random.Random, plan: DiscussionPlan, record: Record, today: date, soon: date
) -> None:
    roll, proposal_roll = rng.random(), rng.random()
    if plan.number == 1 and plan.reason is DueReason.CADENCE:
        return  # practitioner1 has yet to accept it and write their proposal
    created_on = record.created_at.date()
    if created_on < today and roll < 0.6:
        record.practitioner_accepted_at = london_moment(created_on, 13, 5)
        if roll < 0.35:
            record.spo_accepted_at = london_moment(created_on, 15, 20)
    if plan.starts_at.date() <= soon and proposal_roll < PROPOSAL_SHARE:
        record.proposal = record.story.proposal


def _leave_some_recorded(
    rng: random.Random,
    discussions: list[DiscussionPlan],
    records: dict[str, Record],
    holidays: frozenset[date],
    today: date,
) -> None:
    """About a third of those held in the last week wait for the practitioner's sign-off."""
    recent = [
        plan
        for plan in discussions
        if records[plan.key].status is DiscussionStatus.SIGNED
        and working_days_between(plan.starts_at.date(), today, holidays) <= 5
    ]
    recent.sort(key=lambda plan: (plan.starts_at, plan.key), reverse=True)
    waiting = sum(r.status is DiscussionStatus.RECORDED for r in records.values())
    for plan in recent:
        if rng.random() < RECORDED_SHARE or waiting < MIN_RECORDED:
            _awaiting_sign_off(records[plan.key])
            waiting += 1
