"""Seed step for training: cohorts, learning plans, and completions with their impact.

Run after the catalogue is loaded (``seed.seed_training``), in this order:

1. cohorts of face-to-face modules, 2 to 10 weeks ahead, scheduled through
   ``training.cohorts.schedule_cohort`` by the demo L&D lead (one is cancelled later);
2. completions to measure: for two modules (``IMPACT``), completers who finished 7 to 10
   months ago and comparison practitioners with the same gap, each given observations of
   the addressed skill in the six months either side, so that most completers improve by
   half a level to a level, some stay level and one drops, while the comparison group
   mostly stays flat. The observations are bulk inserted like the evidence step's (each
   with ``details["demo_key"]`` "practitionerN:training-K") and the stored profiles are
   rebuilt once with ``profiles.services.rebuild_all``;
3. learning plans in every state, chosen from each practitioner's recommendations
   (``training.advice.recommendations_for_many``), inserted as ``PlanItem`` rows;
4. bookings through ``training.cohorts.book_place``, which marks plan items booked: one
   cohort full with a waiting list, the others partly booked; then the cancelled one.

Look-ups make it idempotent, the same day or months later: cohorts at a demo venue mean
the cohorts are done; any "training-" observation means the impact evidence and its
completions are done; a practitioner with any plan item gets no plan items (and so no
bookings), and whether someone has a plan at all is drawn from a generator of their own.

practitioner1 gets no plan items, bookings or added evidence (browser tests start from an
empty plan), but their recommendations include PL-04, whose first cohort has free places.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations_with_replacement
from statistics import mean

from sqlalchemy import select

from learning_app.accounts.models import User
from learning_app.core.time import LONDON
from learning_app.demo.evidence import (
    _insert,
    _observation_ids,
    _observation_row,
    _people,
    _published,
)
from learning_app.demo.evidence_observations import QDOS, _describe
from learning_app.demo.evidence_plan import (
    Levels,
    ObservationPlan,
    Person,
    at,
    clamp_level,
    plan_levels,
)
from learning_app.demo.seed import TEAMS, SeedContext, demo_email, step_rng
from learning_app.extensions import db
from learning_app.framework.models import Skill
from learning_app.observations.models import (
    Observation,
    ObservationRating,
    ObservationStatus,
    ObservationType,
)
from learning_app.profiles.calculation import months_before
from learning_app.profiles.evidence import EVIDENCE_STATUSES
from learning_app.profiles.services import rebuild_all
from learning_app.training.advice import recommendations_for_many
from learning_app.training.cohorts import book_place, cancel_cohort, schedule_cohort
from learning_app.training.models import (
    Cohort,
    DeliveryMode,
    PlanItem,
    PlanSource,
    PlanStatus,
    TrainingModule,
)

LEICESTER_ROOM = "Leicester probation office, training room 2"
LOUGHBOROUGH_ROOM = "Loughborough probation office, meeting room 1"
HINCKLEY_ROOM = "Hinckley probation office, training room"
VENUES = (LEICESTER_ROOM, LOUGHBOROUGH_ROOM, HINCKLEY_ROOM)
FULL = -1  # book every place


@dataclass(frozen=True)
class CohortPlan:
    module: str
    weeks_ahead: int  # then moved on to a Tuesday, Wednesday or Thursday
    place: str
    booked: int  # places to book, or FULL
    waiting: int = 0
    cancelled: bool = False


# Part of the demo's contract: the next cohort of each face-to-face module recommended to
# practitioner1 (PL-05, PL-04, PL-07) has free places, so browser tests can book one; the
# second PL-05 cohort is the full one, with three waiting. Bookings go in this order.
COHORTS = (
    CohortPlan("PL-05", 9, LEICESTER_ROOM, FULL, waiting=3),
    CohortPlan("PL-05", 4, HINCKLEY_ROOM, 5),
    CohortPlan("PL-04", 3, LEICESTER_ROOM, 9),
    CohortPlan("PL-07", 2, LOUGHBOROUGH_ROOM, 8),
    CohortPlan("PL-20", 5, HINCKLEY_ROOM, 6),
    CohortPlan("PL-09", 7, LEICESTER_ROOM, 4),
    CohortPlan("PL-04", 8, LOUGHBOROUGH_ROOM, 5),
    CohortPlan("PL-07", 6, HINCKLEY_ROOM, 3, cancelled=True),
)


@dataclass(frozen=True)
class ImpactPlan:
    """A module whose completers' observed levels are compared with a group's who did not."""

    module: str
    skill: str
    completers: int
    completer_changes: tuple[float, ...]  # change in mean observed level, one per completer
    comparison: int
    comparison_changes: tuple[float, ...]
    below: float  # chosen among people whose true level was below this then


IMPACT = (
    ImpactPlan(
        module="PL-05",  # face-to-face, on a risk-critical skill
        skill="rosh-analysis",
        completers=9,
        completer_changes=(1.0, 0.5, 0.5, 1.0, 0.5, 0.75, 0.5, 0.0, -0.5),
        comparison=6,
        comparison_changes=(0.0, 0.0, 0.0, 0.0, 0.5, -0.5),
        below=2.6,
    ),
    ImpactPlan(
        module="PL-07",  # face-to-face too: the focus skill after the SFO review
        skill="professional-curiosity",
        completers=8,
        completer_changes=(0.5, 0.5, 1.0, 0.5, 0.75, 0.5, 0.0, -0.5),
        comparison=6,
        comparison_changes=(0.0, 0.0, 0.0, 0.0, 0.5, -0.5),
        below=2.6,
    ),
)
# The type of observation that shows each measured skill, and two skills it also rates.
OBSERVED_IN = {
    "rosh-analysis": (ObservationType.RISK_REVIEW, ("victim-focus", "risk-planning")),
    "safeguarding-enquiries": (ObservationType.RISK_REVIEW, ("victim-focus", "risk-planning")),
    "professional-curiosity": (
        ObservationType.SUPERVISION,
        ("engagement-skills", "challenging-conversations"),
    ),
}
MEASURED_MODULES = frozenset(plan.module for plan in IMPACT)
COMPLETED_DAYS_AGO = (213, 304)  # 7 to 10 months
WINDOW_MONTHS = 6

ASSIGNED_REASONS = (
    "Agreed in supervision after a case audit.",
    "Agreed in supervision to support your progression.",
    "Needed before you hold higher risk cases.",
    "Part of the team's development plan this year.",
)
DECLINED_REASONS = (
    "Covered in my PQiP training last year.",
    "Clashes with my court duty rota; agreed with my SPO to look again next quarter.",
    "Agreed with my SPO to do the face-to-face course instead.",
    "Not the right time: agreed to focus on one module at a time.",
)
COMMENTS = (
    "Practical and well paced; I now plan my enquiries at the start of every assessment.",
    "Good examples, but too long for the content.",
    "A useful refresher.",
    "The practice exercises were the most useful part.",
    "I would have liked more time on recording the analysis.",
)
CHOSEN_MODULES = ("PL-23", "PL-12", "PL-10", "PL-21", "PL-24", "PL-16", "PL-02")
USEFULNESS = (5, 4, 3, 2, 1)
USEFULNESS_WEIGHTS = (0.3, 0.4, 0.2, 0.07, 0.03)
PLAN_SHARE = 0.8  # of practitioners with a plan


def seed_training_plans(ctx: SeedContext) -> None:
    """Cohorts, impact evidence, learning plans and bookings (see the module docstring)."""
    everyone = _people(ctx)
    people = [(p, u) for p, u in everyone if p.number != 1]
    _version, skills = _published(ctx)
    modules = {m.code: m for m in db.session.scalars(select(TrainingModule))}
    if not people or not all(
        p.module in modules and {p.skill, *OBSERVED_IN[p.skill][1]} <= set(skills) for p in IMPACT
    ):
        return  # the catalogue was replaced: nothing here would fit
    with_plans = set(
        db.session.scalars(
            select(PlanItem.practitioner_id)
            .where(PlanItem.practitioner_id.in_([u.id for _p, u in people]))
            .distinct()
        )
    )
    cohorts = _seed_cohorts(ctx, modules)
    impact: list[ImpactPerson] = []
    # Done once: on a later day the choice of people would differ.
    if not any(":training-" in key for key in _observation_ids(u.id for _p, u in people)):
        levels = plan_levels([p for p, _u in everyone], list(skills), ctx.today)
        users = {u.id: p.email for p, u in people}
        observed = {}
        for plan in IMPACT:
            found = _existing_ratings(list(users), skills[plan.skill])
            observed[plan.skill] = {users[pid]: rows for pid, rows in found.items()}
        impact = plan_impact([p for p, _u in people], levels, ctx.today, observed)
        _seed_impact_observations(ctx, people, impact, levels)
    new_people = [(p, u) for p, u in people if u.id not in with_plans]
    items = _impact_items(ctx, new_people, impact, modules, skills)
    db.session.add_all(items)
    db.session.flush()
    recommendations = recommendations_for_many([u.id for _p, u in new_people], ctx.today)
    plans = _plan_items(ctx, new_people, recommendations, modules, impact)
    db.session.add_all(plans)
    db.session.flush()
    ctx.summary.created["plan items"] += len(items) + len(plans)
    if cohorts:
        _book(ctx, cohorts, new_people, plans)


# Cohorts -------------------------------------------------------------------------------


def _moment(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def _now(ctx: SeedContext) -> datetime:
    return _moment(ctx.today, 8, 0)


def _seed_cohorts(
    ctx: SeedContext, modules: dict[str, TrainingModule]
) -> list[tuple[CohortPlan, Cohort]]:
    """Schedule the demo cohorts unless any cohort is at a demo venue; return the new ones."""
    if db.session.scalar(select(Cohort.id).where(Cohort.place.in_(VENUES)).limit(1)):
        return []
    rng = step_rng("training-cohorts")
    lead = ctx.users[demo_email("ld.lead")]
    created = []
    for plan in COHORTS:
        module = modules.get(plan.module)
        if module is None or module.mode is not DeliveryMode.FACE_TO_FACE or module.retired_at:
            continue
        day = ctx.today + timedelta(weeks=plan.weeks_ahead)
        day += timedelta(days=(rng.choice((1, 2, 3)) - day.weekday()) % 7)  # Tue to Thu
        # Short sessions end once their hours are done; day courses run 09:30 to 16:30.
        end = (16, 30) if module.duration_hours >= 6 else (9 + int(module.duration_hours), 30)
        cohort = schedule_cohort(
            lead,
            module,
            _moment(day, 9, 30),
            _moment(day, *end),
            plan.place,
            now=_now(ctx),
        )
        created.append((plan, cohort))
    ctx.summary.created["cohorts"] += len(created)
    return created


def _book(
    ctx: SeedContext,
    cohorts: list[tuple[CohortPlan, Cohort]],
    people: list[tuple[Person, User]],
    items: list[PlanItem],
) -> None:
    """Book places for people whose plan holds the module; the cancelled cohort last."""
    rng = step_rng("training-bookings")
    users = {u.id: (p, u) for p, u in people}
    open_items = [i for i in items if i.status in (PlanStatus.RECOMMENDED, PlanStatus.PLANNED)]
    taken: set[tuple[int, int]] = set()  # (practitioner, module) booked once only
    to_cancel = []
    for plan, cohort in cohorts:
        wanted = [i for i in open_items if i.module_id == cohort.module_id]
        rng.shuffle(wanted)
        # Those in teams based near the venue first.
        wanted.sort(key=lambda i: _site(users[i.practitioner_id][0]) not in plan.place)
        count = (cohort.capacity if plan.booked == FULL else plan.booked) + plan.waiting
        for item in wanted:
            if count == 0:
                break
            key = (item.practitioner_id, item.module_id)
            if key in taken:
                continue
            taken.add(key)
            item.status = PlanStatus.PLANNED  # they accepted it before booking
            db.session.flush()
            book_place(users[item.practitioner_id][1], cohort, _now(ctx))
            ctx.summary.created["cohort bookings"] += 1
            count -= 1
        if plan.cancelled:
            to_cancel.append(cohort)
    for cohort in to_cancel:
        cancel_cohort(ctx.users[demo_email("ld.lead")], cohort, _now(ctx))


def _site(person: Person) -> str:
    """The town of the person's team's office ("Leicester", "Loughborough", "Hinckley")."""
    return TEAMS[person.team - 1][1].split(" ")[0]


# Impact --------------------------------------------------------------------------------


@dataclass
class ImpactPerson:
    person: Person
    module: str
    skill: str
    completed: bool
    on: date  # completion day, or the day the comparison is centred on
    change: float


def plan_impact(
    people: list[Person],
    levels: dict[str, Levels],
    today: date,
    observed: dict[str, dict[str, list[tuple[date, int]]]],
) -> list[ImpactPerson]:
    """Who completed the impact modules and when, and who compares with them.

    People are chosen among those whose true level of the skill (``evidence_plan``)
    was below the plan's ``below`` at the time and who were in post a year before.
    ``observed`` (skill -> email -> (day, level) of each rating) steers the choice so
    that few observations need adding: completers already rated either side if
    possible, and for comparison people whose ratings were already about level.
    """
    rng = step_rng("training-impact")
    used: set[str] = set()
    result = []
    for plan in IMPACT:
        days = [rng.randint(*COMPLETED_DAYS_AGO) for _ in range(plan.completers)]
        centre = comparison_day([today - timedelta(days=ago) for ago in days])
        earliest = months_before(today - timedelta(days=COMPLETED_DAYS_AGO[1]), WINDOW_MONTHS)
        eligible = [
            p
            for p in people
            if p.email not in used
            and p.started_on <= earliest
            and levels[p.email].at(plan.skill, centre) < plan.below
        ]
        ratings = observed[plan.skill]
        around = {p.email: _change(ratings.get(p.email), centre, 15) for p in eligible}
        completers = _prefer(rng, eligible, plan.completers, around, lambda c: c is not None)
        others = [p for p in eligible if p not in completers]
        comparison = _prefer(
            rng, others, plan.comparison, around, lambda c: c is not None and abs(c) <= 0.25
        )
        used.update(p.email for p in [*completers, *comparison])
        # The changes go to the people whose evidence already leans that way, so that
        # few ratings need adding: which completer improved most is arbitrary anyway.
        finished = [
            (person, today - timedelta(days=ago))
            for person, ago in zip(completers, days, strict=True)
        ]
        finished.sort(key=lambda f: (_change(ratings.get(f[0].email), f[1]) or 0.0, f[0].number))
        for (person, on), change in zip(finished, sorted(plan.completer_changes), strict=True):
            result.append(ImpactPerson(person, plan.module, plan.skill, True, on, change))
        comparison.sort(key=lambda p: (around[p.email] or 0.0, p.number))
        for person, change in zip(comparison, sorted(plan.comparison_changes), strict=True):
            result.append(ImpactPerson(person, plan.module, plan.skill, False, centre, change))
    return sorted(result, key=lambda i: i.person.number)


def _prefer(
    rng: random.Random,
    people: list[Person],
    count: int,
    change: dict[str, float | None],
    preferred: Callable[[float | None], bool],
) -> list[Person]:
    """``count`` people at random, first those whose ``change`` is ``preferred``."""
    first = [p for p in people if preferred(change[p.email])]
    chosen = rng.sample(first, min(count, len(first)))
    rest = [p for p in people if p not in chosen]
    return chosen + rng.sample(rest, count - len(chosen))


def _change(ratings: list[tuple[date, int]] | None, on: date, margin: int = 0) -> float | None:
    """Mean rating in the six months after ``on`` less the six months before, if any.

    With a ``margin`` only ratings that many days inside the windows count, so that
    it holds for days near ``on`` too.
    """
    (b_from, b_to), (a_from, a_to) = windows(on)
    inside = timedelta(days=margin)
    ratings = ratings or []
    before = [lv for day, lv in ratings if b_from + inside <= day <= b_to - inside]
    after = [lv for day, lv in ratings if a_from + inside <= day <= a_to - inside]
    return mean(after) - mean(before) if before and after else None


def comparison_day(completed: list[date]) -> date:
    """The day the comparison group's windows are centred on: the completers' median day."""
    return sorted(completed, reverse=True)[len(completed) // 2]


def windows(on: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """The six months before ``on`` (``on`` excluded) and the six months after it."""
    return (months_before(on, WINDOW_MONTHS), on - timedelta(days=1)), (
        on + timedelta(days=1),
        months_before(on, -WINDOW_MONTHS),
    )


def choose_ratings(existing: list[int], target: float, sizes: Iterable[int]) -> list[int]:
    """Ratings to add so that the mean of all comes nearest ``target``, as plainly as can be."""
    best: tuple | None = None
    for size in sizes:
        for combo in combinations_with_replacement((1, 2, 3, 4), size):
            if not existing and not combo:
                continue
            miss = abs(mean([*existing, *combo]) - target)
            spread = sum(abs(level - target) for level in combo)
            key = (round(miss * 8), size, spread, combo)
            if best is None or key < best:
                best = key
    return list(best[3]) if best else []


def _existing_ratings(people_ids: list[int], skill: Skill) -> dict[int, list[tuple[date, int]]]:
    """Each person's current ratings of ``skill``, except in observations this step added."""
    rows = db.session.execute(
        select(
            Observation.practitioner_id,
            Observation.observed_on,
            ObservationRating.level,
            Observation.details,
        )
        .join(ObservationRating, ObservationRating.observation_id == Observation.id)
        .where(
            Observation.practitioner_id.in_(people_ids),
            Observation.status.in_(EVIDENCE_STATUSES),
            ObservationRating.skill_id == skill.id,
            ObservationRating.superseded.is_(False),
            ObservationRating.level.is_not(None),
        )
    )
    found: dict[int, list[tuple[date, int]]] = {pid: [] for pid in people_ids}
    for pid, observed_on, level, details in rows:
        if ":training-" not in (details or {}).get("demo_key", ""):
            found[pid].append((observed_on, level))
    return found


def _seed_impact_observations(
    ctx: SeedContext,
    people: list[tuple[Person, User]],
    impact: list[ImpactPerson],
    levels: dict[str, Levels],
) -> None:
    """Observations of the skill either side of each completion; profiles rebuilt."""
    version, skills = _published(ctx)
    users = {p.email: u for p, u in people}
    ids = [users[i.person.email].id for i in impact]
    plans: list[ObservationPlan] = []
    for skill in sorted({i.skill for i in impact}):
        mine = [i for i in impact if i.skill == skill]
        existing = _existing_ratings([users[i.person.email].id for i in mine], skills[skill])
        for item in mine:
            rng = step_rng(f"training-impact-observations:{item.person.number}")
            found = existing[users[item.person.email].id]
            plans += _plan_person(rng, ctx.today, item, levels[item.person.email], found)
    rows = [_observation_row(p, ctx, users, version, None) for p in plans]
    ctx.summary.created["observations"] += _insert(Observation, rows)
    id_of = _observation_ids(ids)
    ratings = [
        {"observation_id": id_of[p.key], "skill_id": skills[slug].id, "level": level}
        | {"superseded": False, "amendment_id": None}
        for p in plans
        for slug, level in p.ratings.items()
    ]
    ctx.summary.created["observation ratings"] += _insert(ObservationRating, ratings)
    # As the evidence step does: one rebuild is quicker than refreshing people one by one.
    rebuild_all(ctx.today)


def _plan_person(
    rng: random.Random,
    today: date,
    item: ImpactPerson,
    levels: Levels,
    existing: list[tuple[date, int]],
) -> list[ObservationPlan]:
    (b_from, b_to), (a_from, a_to) = windows(item.on)
    before = [lv for day, lv in existing if b_from <= day <= b_to]
    after = [lv for day, lv in existing if a_from <= day <= a_to]
    true_level = levels.at(item.skill, item.on)
    base = mean(before) if before else true_level
    # Room to move: up by ``change`` (or down) stays within the scale.
    low, high = max(1.0, 1.0 - item.change), min(3.0, 4.0 - item.change)
    base = min(high, max(low, base))
    added = [
        (day, level)
        for days, level_list in (
            (_days(rng, item.on, -150, -20, 3), choose_ratings(before, base, (0, 1, 2, 3))),
            (
                _days(rng, item.on, 25, 165, 4),
                choose_ratings(after, base + item.change, (1, 2, 3, 4)),
            ),
        )
        for day, level in zip(days, level_list, strict=False)
    ]
    plans = []
    name = item.person.email.split("@")[0]
    for k, (day, level) in enumerate(sorted(added), start=1):
        observer = f"spo{item.person.team}@demo.test" if rng.random() < 0.7 else rng.choice(QDOS)
        plan = ObservationPlan(
            key=f"{name}:training-{k}",
            person=item.person,
            observer=observer,
            observer_role="qdo" if observer in QDOS else "spo",
            type=OBSERVED_IN[item.skill][0],
            observed_on=day,
            status=ObservationStatus.ACKNOWLEDGED,
            shared_at=at(day + timedelta(days=1), 15),
            acknowledged_at=at(day + timedelta(days=rng.randint(3, 10)), 12),
        )
        plan.ratings[item.skill] = level
        for other in rng.sample(OBSERVED_IN[item.skill][1], rng.randint(1, 2)):
            plan.ratings[other] = clamp_level(levels.at(other, day) + rng.gauss(0, 0.4))
        _describe(rng, plan, today)
        plan.actions = []  # the agreed actions of these reviews are not part of the demo
        plans.append(plan)
    return plans


def _days(rng: random.Random, on: date, first: int, last: int, count: int) -> list[date]:
    """``count`` distinct days between ``first`` and ``last`` days from ``on``, spread out."""
    step = (last - first) // count
    return [on + timedelta(days=first + i * step + rng.randint(0, step - 1)) for i in range(count)]


def _impact_items(
    ctx: SeedContext,
    people: list[tuple[Person, User]],
    impact: list[ImpactPerson],
    modules: dict[str, TrainingModule],
    skills: dict[str, Skill],
) -> list[PlanItem]:
    """The completed items of the completers, for those who have no plan yet."""
    users = {p.email: u for p, u in people}
    items = []
    for item in impact:
        user = users.get(item.person.email)
        if not item.completed or user is None:
            continue
        rng = step_rng(f"training-impact-items:{item.person.number}")
        source = rng.choice((PlanSource.ASSIGNED, PlanSource.RECOMMENDED, PlanSource.CHOSEN))
        row = _item(ctx, rng, item.person, user, modules[item.module], source, None)
        _complete(rng, row, item.on, unhappy=item.change < 0)
        if source is PlanSource.RECOMMENDED:
            row.reason = f"For {skills[item.skill].name}: below its target in your observations."
        items.append(row)
    return items


# Plans ---------------------------------------------------------------------------------


def _item(
    ctx: SeedContext,
    rng: random.Random,
    person: Person,
    user: User,
    module: TrainingModule,
    source: PlanSource,
    reason: str | None,
) -> PlanItem:
    item = PlanItem(
        practitioner_id=user.id,
        module_id=module.id,
        status=PlanStatus.PLANNED,
        source=source,
        reason=reason,
        created_at=at(ctx.today - timedelta(days=rng.randint(3, 60)), 11),
    )
    if source is PlanSource.ASSIGNED:
        spo = ctx.users[demo_email(f"spo{person.team}")]
        item.assigned_by_id = spo.id
        item.reason = reason or rng.choice(ASSIGNED_REASONS)
        item.target_on = ctx.today + timedelta(days=rng.randint(30, 120))
    return item


def _complete(rng: random.Random, item: PlanItem, on: date, unhappy: bool = False) -> None:
    item.status = PlanStatus.COMPLETED
    item.completed_on = on
    item.created_at = at(on - timedelta(days=rng.randint(20, 90)), 11)
    if item.target_on is not None:
        item.target_on = on + timedelta(days=rng.randint(-10, 30))
    if rng.random() < 0.9:
        item.usefulness = rng.choices(USEFULNESS, USEFULNESS_WEIGHTS)[0]
        if unhappy:
            item.usefulness = min(item.usefulness, 3)
    if rng.random() < 0.25:
        item.comment = rng.choice(COMMENTS)


@dataclass
class _Plan:
    items: list[PlanItem] = field(default_factory=list)
    modules: set[int] = field(default_factory=set)


def _plan_items(
    ctx: SeedContext,
    people: list[tuple[Person, User]],
    recommendations: dict,
    modules: dict[str, TrainingModule],
    impact: list[ImpactPerson],
) -> list[PlanItem]:
    measured = {(i.person.email, i.module) for i in impact}
    quarter_start = date(ctx.today.year, 3 * ((ctx.today.month - 1) // 3) + 1, 1)
    items: list[PlanItem] = []
    for person, user in people:
        # One generator each, so that who gets what never depends on who is left out.
        rng = step_rng(f"training-plans:{person.number}")
        if person.team != 1 and rng.random() > PLAN_SHARE:
            continue
        plan = _Plan()
        recs = [
            r
            for r in recommendations[user.id].items
            if r.module_code in modules and (person.email, r.module_code) not in measured
        ]
        for rec in recs[: rng.randint(2, 4)]:
            module = modules[rec.module_code]
            item = _item(ctx, rng, person, user, module, PlanSource.RECOMMENDED, rec.reason)
            status = rng.choices(
                ("recommended", "planned", "declined", "completed"), (0.35, 0.4, 0.1, 0.15)
            )[0]
            if status == "recommended":
                item.status = PlanStatus.RECOMMENDED
            elif status == "planned" and rng.random() < 0.5:
                item.target_on = ctx.today + timedelta(days=rng.randint(-40, 120))
            elif status == "declined":
                item.status = PlanStatus.DECLINED
                item.declined_reason = rng.choice(DECLINED_REASONS)
            elif status == "completed" and module.code not in MEASURED_MODULES:
                # Only the measured completions finish an impact module, so that the
                # impact page shows the planned mix.
                _complete(rng, item, ctx.today - timedelta(days=rng.randint(7, 150)))
            _add(plan, item)
        if rng.random() < 0.3 and recs[4:]:
            module = modules[recs[4].module_code]
            item = _item(ctx, rng, person, user, module, PlanSource.ASSIGNED, None)
            if rng.random() < 0.25:
                item.target_on = ctx.today - timedelta(days=rng.randint(5, 30))  # overdue
            _add(plan, item)
        chosen = rng.choice(CHOSEN_MODULES)
        if rng.random() < 0.2 and chosen in modules:
            module = modules[chosen]
            item = _item(ctx, rng, person, user, module, PlanSource.CHOSEN, None)
            if rng.random() < 0.5:
                _complete(rng, item, ctx.today - timedelta(days=rng.randint(10, 200)))
            _add(plan, item)
        items += plan.items
    _team_one(ctx, step_rng("training-plans:team-1"), people, items, modules, quarter_start)
    return items


def _add(plan: _Plan, item: PlanItem) -> None:
    """Add ``item`` unless the plan already holds its module (one item per module)."""
    if item.module_id not in plan.modules:
        plan.modules.add(item.module_id)
        plan.items.append(item)


def _team_one(
    ctx: SeedContext,
    rng: random.Random,
    people: list[tuple[Person, User]],
    items: list[PlanItem],
    modules: dict[str, TrainingModule],
    quarter_start: date,
) -> None:
    """spo1's team shows an overdue item (practitioner2) and a completion this quarter."""
    team = {u.id: (p, u) for p, u in people if p.team == 1}
    for number, module_code, done in ((2, "PL-23", False), (3, "PL-12", True)):
        found = [(p, u) for p, u in team.values() if p.number == number]
        if not found or module_code not in modules:
            continue
        person, user = found[0]
        mine = [i for i in items if i.practitioner_id == user.id]
        module = modules[module_code]
        if any(i.module_id == module.id for i in mine):
            continue
        item = _item(ctx, rng, person, user, module, PlanSource.ASSIGNED, None)
        if done:
            _complete(rng, item, max(quarter_start, ctx.today - timedelta(days=6)))
            item.target_on = None
        else:
            item.target_on = ctx.today - timedelta(days=12)
        items.append(item)
