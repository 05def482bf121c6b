"""Oversight of reflective discussions: what an SPO holds, and how a unit is doing.

Read side only; nothing here writes. Two readers:

- an SPO (``spo_overview``): the discussions they hold this week and next, their load
  against their weekly capacity, the items at risk, and the practitioners of their teams
  without a signed discussion within their cadence;
- a head of PDU (``unit_overview``): by team, coverage, overdue and at-risk counts, the
  median working days from a case event to the discussion answering it, and each SPO's
  load. Counts and SPO names only, never a discussion's narrative.

Load, coverage and at risk are defined in ``oversight_measures``; also:

- **overdue**: a live discussion (not yet booked, booked, or waiting for sign-off) whose
  due date is before today.
- **case event to discussion**: working days (weekends and bank holidays skipped) from the
  day of the case event to the day the signed discussion was held, over discussions held
  in the last 12 weeks.

Every figure is read in a fixed number of queries whatever the number of practitioners.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import joinedload

from learning_app.accounts.models import User
from learning_app.core.policy import spo_team_ids
from learning_app.core.sql import among
from learning_app.core.time import aware, london
from learning_app.extensions import db
from learning_app.org.models import Team
from learning_app.reflective import rule_store
from learning_app.reflective.models import (
    SLOT_HOLDING,
    CaseEvent,
    Discussion,
    DiscussionStatus,
    SpoCapacity,
)
from learning_app.reflective.oversight_measures import (
    Load,
    Practitioner,
    Week,
    clock_words,
    coverage_by_team,
    day_words,
    is_at_risk,
    loads,
    practitioners_of,
    risk_in_words,
)
from learning_app.reflective.people import spo_ids_by_team
from learning_app.reflective.working_days import bank_holidays, working_days_between

LIVE = (DiscussionStatus.DUE, DiscussionStatus.BOOKED, DiscussionStatus.RECORDED)
SPAN_WINDOW_WEEKS = 12


# The SPO's page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldRow:
    discussion_id: int
    day: str
    time: str
    practitioner: str
    reason: str
    status: str
    accepted: str


@dataclass(frozen=True)
class WeekPlan:
    label: str
    week: Week
    rows: list[HeldRow]
    load: Load


@dataclass(frozen=True)
class AtRiskRow:
    discussion_id: int
    practitioner: str
    reason: str
    due_on: date
    problem: str


@dataclass
class SpoOverview:
    weeks: list[WeekPlan]
    at_risk: list[AtRiskRow]
    overdue: list[Practitioner]
    capacity: SpoCapacity | None
    practitioners: int = 0


def spo_overview(spo: User, today: date) -> SpoOverview:
    """What the SPO holds this week and next, what is at risk, and who is overdue."""
    this_week = Week.of(today)
    weeks = (this_week, this_week.next)
    load = loads({spo.id}, weeks)[spo.id]
    held = list(
        db.session.scalars(
            select(Discussion)
            .options(joinedload(Discussion.practitioner))
            .where(
                Discussion.spo_id == spo.id,
                Discussion.status.in_(
                    [s.value for s in SLOT_HOLDING] + [DiscussionStatus.MISSED.value]
                ),
                Discussion.starts_at >= this_week.starts_at,
                Discussion.starts_at < this_week.next.ends_at,
            )
            .order_by(Discussion.starts_at, Discussion.id)
        )
    )
    plans = [
        WeekPlan(
            label,
            week,
            [_held_row(d) for d in held if week.starts_at <= aware(d.starts_at) < week.ends_at],
            week_load,
        )
        for label, week, week_load in zip(("This week", "Next week"), weeks, load, strict=True)
    ]
    team_ids = spo_team_ids(spo)
    people = practitioners_of(team_ids, today, rule_store.current_rules())
    return SpoOverview(
        weeks=plans,
        at_risk=_spo_at_risk(spo, team_ids),
        overdue=[p for p in people if p.cadence_weeks is not None and not p.covered(today)],
        capacity=db.session.scalar(select(SpoCapacity).where(SpoCapacity.spo_id == spo.id)),
        practitioners=len(people),
    )


def _spo_at_risk(spo: User, team_ids: set[int]) -> list[AtRiskRow]:
    # The SPO's own items, and their teams' items that have no SPO to hold them yet.
    unheld = (
        and_(Discussion.spo_id.is_(None), among(User.team_id, team_ids)) if team_ids else false()
    )
    candidates = db.session.scalars(
        select(Discussion)
        .join(User, User.id == Discussion.practitioner_id)
        .options(joinedload(Discussion.practitioner))
        .where(
            or_(Discussion.spo_id == spo.id, unheld),
            or_(
                and_(
                    Discussion.status == DiscussionStatus.DUE.value,
                    Discussion.at_risk_reason.is_not(None),
                ),
                Discussion.status == DiscussionStatus.BOOKED.value,
            ),
        )
        .order_by(Discussion.due_on, Discussion.id)
    )
    return [
        AtRiskRow(d.id, d.practitioner.name, d.reason_label, d.due_on, risk_in_words(d))
        for d in candidates
        if is_at_risk(d.status, d.at_risk_reason, d.starts_at, d.due_on)
    ]


def _held_row(discussion: Discussion) -> HeldRow:
    starts, ends = london(discussion.starts_at), london(discussion.ends_at)
    return HeldRow(
        discussion_id=discussion.id,
        day=day_words(starts.date()),
        time=f"{clock_words(starts)} to {clock_words(ends)}",
        practitioner=discussion.practitioner.name,
        reason=discussion.reason_label,
        status=discussion.status_label,
        accepted=_accepted(discussion),
    )


def _accepted(discussion: Discussion) -> str:
    if discussion.status != DiscussionStatus.BOOKED:
        return "Not needed"
    spo, practitioner = discussion.spo_accepted_at, discussion.practitioner_accepted_at
    if spo and practitioner:
        return "Accepted by both"
    if spo:
        return "Waiting for the practitioner"
    if practitioner:
        return "Waiting for you"
    return "Waiting for you and the practitioner"


# The head of PDU's page ---------------------------------------------------------------------


@dataclass
class Figures:
    """One row of the unit table: a team, or the whole unit."""

    name: str
    spo_name: str | None = None
    with_cadence: int = 0
    covered: int = 0
    overdue: int = 0
    at_risk: int = 0
    spans: list[int] = field(default_factory=list)

    @property
    def coverage_percent(self) -> int | None:
        if not self.with_cadence:
            return None
        return round(100 * self.covered / self.with_cadence)

    @property
    def median_days(self) -> float | None:
        return median(self.spans) if self.spans else None

    def absorb(self, other: Figures) -> None:
        self.with_cadence += other.with_cadence
        self.covered += other.covered
        self.overdue += other.overdue
        self.at_risk += other.at_risk
        self.spans.extend(other.spans)


@dataclass(frozen=True)
class SpoLoad:
    name: str
    teams: list[str]
    this_week: Load
    next_week: Load


@dataclass
class UnitOverview:
    weeks: tuple[Week, Week]
    teams: list[Figures]
    total: Figures
    spos: list[SpoLoad]
    spo_total: tuple[Load, Load]


def unit_overview(teams: Iterable[Team], today: date) -> UnitOverview:
    """The oversight measures for ``teams``, team by team and in total."""
    teams = list(teams)
    team_ids = [t.id for t in teams]
    by_team = _figures_by_team({t.id: t.name for t in teams}, today)
    holders = spo_ids_by_team(set(team_ids)) if team_ids else {}
    names = _names(set(holders.values()))
    for team_id, spo_id in holders.items():
        by_team[team_id].spo_name = names.get(spo_id)
    weeks = (Week.of(today), Week.of(today).next)
    spo_loads = loads(set(holders.values()), weeks)
    teams_held: dict[int, list[str]] = defaultdict(list)
    for team in teams:
        if team.id in holders:
            teams_held[holders[team.id]].append(team.name)
    spos = sorted(
        (
            SpoLoad(names.get(spo_id, ""), teams_held[spo_id], *spo_loads[spo_id])
            for spo_id in spo_loads
        ),
        key=lambda s: (s.name, s.teams),
    )
    total = _total(by_team.values())
    spo_total = (Load(0, None), Load(0, None))
    for spo in spos:
        spo_total = (spo_total[0] + spo.this_week, spo_total[1] + spo.next_week)
    return UnitOverview(weeks, list(by_team.values()), total, spos, spo_total)


def unit_figures(team_ids: Collection[int], today: date) -> Figures:
    """The discussion figures of the teams ``team_ids`` in total, without the SPOs' loads."""
    return _total(_figures_by_team(dict.fromkeys(sorted(team_ids), ""), today).values())


def _total(figures: Iterable[Figures]) -> Figures:
    total = Figures("All teams")
    for each in figures:
        total.absorb(each)
    return total


def _figures_by_team(names: dict[int, str], today: date) -> dict[int, Figures]:
    """Each team's figures, by id; ``names`` is each team's name."""
    team_ids = list(names)
    by_team = {team_id: Figures(name) for team_id, name in names.items()}
    coverage = coverage_by_team(team_ids, today, rule_store.current_rules())
    for team_id, (with_cadence, covered) in coverage.items():
        by_team[team_id].with_cadence += with_cadence
        by_team[team_id].covered += covered
    for team_id, status, due_on, starts_at, reason in _live_discussions(team_ids):
        by_team[team_id].overdue += due_on < today
        by_team[team_id].at_risk += is_at_risk(status, reason, starts_at, due_on)
    holidays = bank_holidays()
    for team_id, occurred_on, held_on in _case_event_spans(team_ids, today):
        by_team[team_id].spans.append(working_days_between(occurred_on, held_on, holidays))
    return by_team


def _names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(
        db.session.execute(select(User.id, User.name).where(among(User.id, user_ids))).all()
    )


def _live_discussions(team_ids: list[int]):
    if not team_ids:
        return []
    return db.session.execute(
        select(
            User.team_id,
            Discussion.status,
            Discussion.due_on,
            Discussion.starts_at,
            Discussion.at_risk_reason,
        )
        .join(User, User.id == Discussion.practitioner_id)
        .where(
            User.active.is_(True),
            among(User.team_id, team_ids),
            Discussion.status.in_([s.value for s in LIVE]),
        )
    ).all()


def _case_event_spans(team_ids: list[int], today: date):
    if not team_ids:
        return []
    return db.session.execute(
        select(User.team_id, CaseEvent.occurred_on, Discussion.held_on)
        .join(CaseEvent, CaseEvent.id == Discussion.case_event_id)
        .join(User, User.id == Discussion.practitioner_id)
        .where(
            User.active.is_(True),
            among(User.team_id, team_ids),
            Discussion.status == DiscussionStatus.SIGNED.value,
            Discussion.held_on > today - timedelta(weeks=SPAN_WINDOW_WEEKS),
            Discussion.held_on <= today,
        )
    ).all()
