"""Read side of self-assessments and learning-analysis cycles.

Self-assessments: a practitioner's own draft and past submissions, the cycles that
apply to them, and the tasks those cycles give them (``open_cycle_tasks``).
Cycles: what an L&D lead may see and manage (``LeadScope``), each cycle's status, and
completion by team (counts, and the names of those not started; never ratings).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload, selectinload

from learning_app.accounts.constants import Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.assessments.models import LearningCycle, SelfAssessment, SelfRating
from learning_app.core.jinja import format_date
from learning_app.extensions import db
from learning_app.framework.models import Domain, FrameworkVersion, Skill
from learning_app.org.models import Pdu, Team
from learning_app.org.units import Unit, UnitScope, unit_key, unit_scope  # noqa: F401 (re-exported)

# Ids in URLs are checked against the column's range, so that PostgreSQL never sees a
# number it cannot hold (a 500, not a 404).
MAX_ID = 2**31 - 1


def valid_id(value: int) -> bool:
    return 0 < value <= MAX_ID


# Self-assessments -------------------------------------------------------------------


def _with_contents():
    """The framework version's domains and skills (with descriptors) and the ratings."""
    return (
        selectinload(SelfAssessment.framework_version)
        .selectinload(FrameworkVersion.domains)
        .selectinload(Domain.skills)
        .selectinload(Skill.descriptors),
        selectinload(SelfAssessment.ratings),
        joinedload(SelfAssessment.cycle),
    )


def find_own_self_assessment(practitioner: User, self_assessment_id: int) -> SelfAssessment | None:
    """The practitioner's own self-assessment with this id, or None (also for other people's)."""
    if not valid_id(self_assessment_id):
        return None
    return db.session.scalar(
        select(SelfAssessment)
        .where(
            SelfAssessment.id == self_assessment_id,
            SelfAssessment.practitioner_id == practitioner.id,
        )
        .options(*_with_contents())
    )


def current_draft(practitioner: User) -> SelfAssessment | None:
    """The practitioner's draft (there is at most one)."""
    return db.session.scalar(
        select(SelfAssessment)
        .where(SelfAssessment.practitioner_id == practitioner.id, SelfAssessment.status == "draft")
        .options(joinedload(SelfAssessment.cycle))
    )


def submitted_self_assessments(practitioner: User) -> list[SelfAssessment]:
    """The practitioner's submitted self-assessments, newest first."""
    return list(
        db.session.scalars(
            select(SelfAssessment)
            .where(
                SelfAssessment.practitioner_id == practitioner.id,
                SelfAssessment.status == "submitted",
            )
            .options(joinedload(SelfAssessment.cycle))
            .order_by(SelfAssessment.submitted_at.desc(), SelfAssessment.id.desc())
        )
    )


def applicable_open_cycles(practitioner: User, today: date) -> list[LearningCycle]:
    """Cycles open on ``today`` whose unit is the practitioner's team, its PDU or region.

    Soonest to close first. A practitioner without a team has none.
    """
    team = practitioner.team
    if team is None:
        return []
    return list(
        db.session.scalars(
            select(LearningCycle)
            .where(
                or_(
                    LearningCycle.team_id == team.id,
                    LearningCycle.pdu_id == team.pdu_id,
                    LearningCycle.region_id == team.pdu.region_id,
                ),
                LearningCycle.closed_at.is_(None),
                LearningCycle.opens_on <= today,
                LearningCycle.closes_on >= today,
            )
            .order_by(LearningCycle.closes_on, LearningCycle.id)
        )
    )


def cycle_self_assessments(
    practitioner: User, cycles: list[LearningCycle]
) -> dict[int, SelfAssessment]:
    """The practitioner's self-assessment for each of ``cycles``, by cycle id."""
    if not cycles:
        return {}
    rows = db.session.scalars(
        select(SelfAssessment).where(
            SelfAssessment.practitioner_id == practitioner.id,
            SelfAssessment.cycle_id.in_([c.id for c in cycles]),
        )
    )
    return {sa.cycle_id: sa for sa in rows}


def cycle_to_join(practitioner: User, today: date) -> LearningCycle | None:
    """The open cycle a new (or unlinked) self-assessment counts towards: the first
    applicable open cycle the practitioner has no self-assessment for yet."""
    cycles = applicable_open_cycles(practitioner, today)
    taken = cycle_self_assessments(practitioner, cycles)
    return next((c for c in cycles if c.id not in taken), None)


@dataclass(frozen=True)
class Task:
    """Something a practitioner is asked to do, for the "My development" page.

    ``title`` is the link text, ``href`` where it goes, ``status`` one of the GOV.UK
    task list statuses ("Not yet started", "In progress"), ``hint`` a line of
    context ("Closes on 31 March 2026"), ``due_on`` the last day (or None).
    """

    title: str
    href: str
    status: str
    hint: str
    due_on: date | None = None


def open_cycle_tasks(practitioner: User, today: date) -> list[Task]:
    """One task per open learning-analysis cycle that applies to the practitioner and
    that they have not submitted a self-assessment for, soonest to close first.

    Needs a request or app context with a server name (it builds links). A cycle is
    "In progress" when the practitioner has a draft for it, or an unlinked draft that
    will count towards it when they submit; otherwise "Not yet started".
    """
    cycles = applicable_open_cycles(practitioner, today)
    if not cycles:
        return []
    by_cycle = cycle_self_assessments(practitioner, cycles)
    draft = current_draft(practitioner)
    tasks = []
    for cycle in cycles:
        own = by_cycle.get(cycle.id)
        if own is not None and own.submitted:
            continue
        started = own is not None or (draft is not None and draft.cycle_id is None)
        tasks.append(
            Task(
                title=f"Complete your self-assessment for {cycle.name}",
                href=url_for("self_assessment.index"),
                status="In progress" if started else "Not yet started",
                hint=f"Closes on {format_date(cycle.closes_on)}",
                due_on=cycle.closes_on,
            )
        )
    return tasks


class TaskStatus(enum.StrEnum):
    NOT_STARTED = "Not yet started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    CANNOT_START = "Cannot start yet"


@dataclass
class DomainProgress:
    domain: Domain
    rated: int
    total: int

    @property
    def status(self) -> TaskStatus:
        if self.total and self.rated == self.total:
            return TaskStatus.COMPLETED
        return TaskStatus.IN_PROGRESS if self.rated else TaskStatus.NOT_STARTED


def ratings_by_skill(sa: SelfAssessment) -> dict[int, SelfRating]:
    return {rating.skill_id: rating for rating in sa.ratings}


def domain_progress(sa: SelfAssessment) -> list[DomainProgress]:
    """How much of each domain of the self-assessment's framework has been rated."""
    rated = ratings_by_skill(sa)
    return [
        DomainProgress(d, sum(1 for s in d.skills if s.id in rated), len(d.skills))
        for d in sa.framework_version.domains
    ]


def unrated_skills(sa: SelfAssessment) -> list[Skill]:
    rated = ratings_by_skill(sa)
    return [s for d in sa.framework_version.domains for s in d.skills if s.id not in rated]


def find_domain(sa: SelfAssessment, code: str) -> Domain | None:
    """A domain of the self-assessment's framework by code, ignoring case."""
    code = (code or "").strip().lower()
    return next((d for d in sa.framework_version.domains if d.code.lower() == code), None)


# Cycles: scope --------------------------------------------------------------------------


class LeadScope(UnitScope):
    """What an L&D lead looks after: the units of their ld_lead roles."""

    def covers(self, cycle: LearningCycle) -> bool:
        if cycle.region_id is not None:
            return cycle.region_id in {r.id for r in self.regions}
        if cycle.pdu_id is not None:
            return cycle.pdu_id in {p.id for p in self.pdus}
        return cycle.team_id in {t.id for t in self.teams}


def lead_scope(user: User) -> LeadScope:
    """The units an L&D lead may open cycles for and see cycles of."""
    scope = unit_scope(user, Role.LD_LEAD)
    return LeadScope(scope.regions, scope.pdus, scope.teams)


def _scope_condition(scope: LeadScope):
    return or_(
        LearningCycle.region_id.in_([r.id for r in scope.regions]),
        LearningCycle.pdu_id.in_([p.id for p in scope.pdus]),
        LearningCycle.team_id.in_([t.id for t in scope.teams]),
    )


def cycles_in_scope(scope: LeadScope) -> list[LearningCycle]:
    """Every cycle of the lead's units, latest opening first."""
    if not scope.units:
        return []
    return list(
        db.session.scalars(
            select(LearningCycle)
            .where(_scope_condition(scope))
            .options(
                joinedload(LearningCycle.team),
                joinedload(LearningCycle.pdu),
                joinedload(LearningCycle.region),
            )
            .order_by(LearningCycle.opens_on.desc(), LearningCycle.id.desc())
        )
    )


def find_cycle_in_scope(scope: LeadScope, cycle_id: int) -> LearningCycle | None:
    """The cycle, if the lead may see it; None otherwise (the view answers 404)."""
    if not valid_id(cycle_id) or not scope.units:
        return None
    return db.session.scalar(
        select(LearningCycle).where(LearningCycle.id == cycle_id, _scope_condition(scope))
    )


# Cycles: status and completion ----------------------------------------------------------


class CycleStatus(enum.StrEnum):
    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"open": "Open", "not_yet_open": "Not yet open", "closed": "Closed"}[self.value]

    @property
    def tag_class(self) -> str:
        return {
            "open": "govuk-tag--green",
            "not_yet_open": "govuk-tag--blue",
            "closed": "govuk-tag--grey",
        }[self.value]


def cycle_status(cycle: LearningCycle, today: date) -> CycleStatus:
    if cycle.closed_at is not None or today > cycle.closes_on:
        return CycleStatus.CLOSED
    if today < cycle.opens_on:
        return CycleStatus.NOT_YET_OPEN
    return CycleStatus.OPEN


def teams_of_unit(unit: Unit) -> list[Team]:
    """The teams inside a unit (a team is its own only team), by name."""
    if isinstance(unit, Team):
        return [unit]
    statement = select(Team).order_by(Team.name, Team.id)
    if isinstance(unit, Pdu):
        statement = statement.where(Team.pdu_id == unit.id)
    else:
        statement = statement.join(Pdu, Team.pdu_id == Pdu.id).where(Pdu.region_id == unit.id)
    return list(db.session.scalars(statement))


def practitioners_of_teams(team_ids: list[int]) -> Select:
    """The current, active practitioners of these teams: the people a cycle is for (a
    select, for the caller to order)."""
    return select(User).where(
        User.team_id.in_(team_ids),
        User.active.is_(True),
        User.id.in_(
            select(RoleAssignment.user_id).where(RoleAssignment.role == Role.PRACTITIONER.value)
        ),
    )


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@dataclass
class Completion:
    """Counts of practitioners by how far they are with one cycle's self-assessment."""

    submitted: int = 0
    in_progress: int = 0
    not_started: int = 0

    @property
    def total(self) -> int:
        return self.submitted + self.in_progress + self.not_started

    def percent(self, part: int) -> int:
        return _percent(part, self.total)


@dataclass
class TeamCompletion(Completion):
    team: Team | None = None
    not_started_names: list[str] = field(default_factory=list)


@dataclass
class CycleCompletion:
    teams: list[TeamCompletion]
    totals: Completion


def cycle_completion(cycle: LearningCycle) -> CycleCompletion:
    """Completion by team for the cycle's unit: each current, active practitioner of each
    team counts as submitted, in progress (a draft linked to the cycle) or not started.

    Counts and names only: no rating is read. Three queries whatever the unit's size.
    """
    teams = teams_of_unit(cycle.unit)
    team_ids = [t.id for t in teams]
    practitioners = (
        list(db.session.scalars(practitioners_of_teams(team_ids).order_by(User.name, User.id)))
        if team_ids
        else []
    )
    states = dict(
        db.session.execute(
            select(SelfAssessment.practitioner_id, SelfAssessment.status).where(
                SelfAssessment.cycle_id == cycle.id
            )
        ).all()
    )
    by_team = {t.id: TeamCompletion(team=t) for t in teams}
    for person in practitioners:
        row = by_team[person.team_id]
        state = states.get(person.id)
        if state == "submitted":
            row.submitted += 1
        elif state == "draft":
            row.in_progress += 1
        else:
            row.not_started += 1
            row.not_started_names.append(person.name)
    rows = [by_team[t.id] for t in teams]
    totals = Completion(
        submitted=sum(r.submitted for r in rows),
        in_progress=sum(r.in_progress for r in rows),
        not_started=sum(r.not_started for r in rows),
    )
    return CycleCompletion(rows, totals)
