"""Demo data for one probation delivery unit: organisation, people and skills framework.

Two halves:

- ``plan_people(today)`` is pure: it decides every demo person (email, invented name,
  grade, dates, team, role) with ``random.Random`` generators seeded from fixed
  strings, so the plan is the same on every run and never touches the global
  random state.
- ``seed_demo(password, today)`` applies the plan and the organisation: it finds each
  record by its natural key (region name, PDU name, team name, email), creates only
  what is missing, flushes, and never commits.

Records that already exist are left as they are (an admin may have edited them),
with one exception: a demo user whose password is not the demo password gets it
back, so changing ``DEMO_PASSWORD`` and running the seed again updates every account.

Later issues add evidence, plans and sessions by appending a step to ``SEED_STEPS``.
A step takes the ``SeedContext``, should draw randomness only from
``step_rng("<its name>")`` (so adding a step never changes what earlier steps
create), look things up before creating them, and count what it creates in
``ctx.summary.created``.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from learning_app.accounts.constants import Band, Grade, Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.accounts.passwords import hash_password, verify_password
from learning_app.core import audit
from learning_app.demo.names import invent_names
from learning_app.extensions import db
from learning_app.framework.loader import (
    DEFAULT_FRAMEWORK_PATH,
    load_framework,
    parse_framework_file,
)
from learning_app.framework.queries import published_version
from learning_app.framework.services import publish_version
from learning_app.org.models import Pdu, Region, Team, TeamMembership

DEFAULT_DEMO_PASSWORD = "practice-learning-demo"
EMAIL_DOMAIN = "demo.test"
# Changing the seed changes every invented name and date: only do it on purpose.
SEED = "practice-learning-demo-v1"

REGION_NAME = "East Midlands"
PDU_NAME = "Leicester, Leicestershire and Rutland"

LEICESTER = "Leicester (Pocklington's Walk)"
LOUGHBOROUGH = "Loughborough (Southfield Road)"
HINCKLEY = "Hinckley (Castle Street)"

# Team N is managed by spoN@demo.test; the order is part of the demo's contract.
TEAMS: tuple[tuple[str, str], ...] = (
    ("Leicester City North", LEICESTER),
    ("Leicester City South", LEICESTER),
    ("Leicester City East", LEICESTER),
    ("Leicester City West", LEICESTER),
    ("Leicester Courts and Assessment", LEICESTER),
    ("Charnwood", LOUGHBOROUGH),
    ("North West Leicestershire", LOUGHBOROUGH),
    ("Melton and Rutland", LOUGHBOROUGH),
    ("Hinckley and Bosworth", HINCKLEY),
    ("South Leicestershire", HINCKLEY),
)

PRACTITIONERS_PER_TEAM = 11
# 110 practitioners: 35% PSO, 20% PQiP, 15% PO qualified under two years, 30% experienced PO.
PRACTITIONER_MIX: tuple[tuple[Band, int], ...] = (
    (Band.PSO, 39),
    (Band.TRAINEE, 22),
    (Band.NEW, 16),
    (Band.EXPERIENCED, 33),
)
# practitioner1 and practitioner2 (both in team 1) show the bands people ask about first.
FIRST_PRACTITIONERS = (Band.NEW, Band.PSO)
BAND_GRADES = {
    Band.PSO: Grade.PSO,
    Band.TRAINEE: Grade.PQIP,
    Band.NEW: Grade.PO,
    Band.EXPERIENCED: Grade.PO,
}

# The staff accounts, printed in this order: (email local part, grade, role, label, team).
# QDOs, the L&D lead and the head of PDU have grade OTHER so that no practitioner or
# SPO count includes them; their roles are scoped to the PDU. spoN manages team N.
STAFF: tuple[tuple[str, Grade, Role, str, int | None], ...] = (
    ("admin", Grade.OTHER, Role.ADMIN, "Administrator", None),
    ("head", Grade.OTHER, Role.LEADER, "Head of PDU", None),
    ("ld.lead", Grade.OTHER, Role.LD_LEAD, "Learning and development lead", None),
    ("qdo1", Grade.OTHER, Role.QDO, "Quality development officer", None),
    ("qdo2", Grade.OTHER, Role.QDO, "Quality development officer", None),
    *((f"spo{n}", Grade.SPO, Role.SPO, "Senior probation officer", n) for n in range(1, 11)),
)

YEAR = 365


def step_rng(name: str) -> random.Random:
    """A generator of its own for each seed step, seeded from a fixed string."""
    return random.Random(f"{SEED}:{name}")


def demo_email(local_part: str) -> str:
    return f"{local_part}@{EMAIL_DOMAIN}"


# The plan --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonPlan:
    """One demo person; ``team`` is the 1-based position in ``TEAMS``."""

    email: str
    name: str
    grade: Grade
    role: Role
    label: str
    team: int | None = None
    started_on: date | None = None
    qualified_on: date | None = None


def plan_people(today: date) -> list[PersonPlan]:
    """Every demo person, in a fixed order: staff first, then practitioner1 upwards."""
    dates = step_rng("dates")
    names = iter(invent_names(len(STAFF) + practitioner_count(), step_rng("names")))

    def days_ago(low: int, high: int, before: date | None = None) -> date:
        return (before or today) - timedelta(days=dates.randint(low, high))

    people = []
    for local_part, grade, role, label, team in STAFF:
        if role is Role.ADMIN:
            qualified_on, started_on = None, days_ago(2 * YEAR, 8 * YEAR)
        else:
            qualified_on = days_ago(6 * YEAR, 20 * YEAR)
            started_on = days_ago(450, 4 * YEAR, qualified_on)
        people.append(
            PersonPlan(
                email=demo_email(local_part),
                name=next(names),
                grade=grade,
                role=role,
                label=label,
                team=team,
                started_on=started_on,
                qualified_on=qualified_on,
            )
        )
    for number, band in enumerate(_practitioner_bands(), start=1):
        started_on, qualified_on = _practitioner_dates(band, days_ago, number)
        people.append(
            PersonPlan(
                email=demo_email(f"practitioner{number}"),
                name=next(names),
                grade=BAND_GRADES[band],
                role=Role.PRACTITIONER,
                label=f"Practitioner: {band.label}",
                team=(number - 1) // PRACTITIONERS_PER_TEAM + 1,
                started_on=started_on,
                qualified_on=qualified_on,
            )
        )
    return people


def practitioner_count() -> int:
    return sum(count for _band, count in PRACTITIONER_MIX)


def _practitioner_bands() -> list[Band]:
    remaining = Counter(dict(PRACTITIONER_MIX))
    remaining.subtract(FIRST_PRACTITIONERS)
    rest = sorted(remaining.elements())
    step_rng("bands").shuffle(rest)
    return [*FIRST_PRACTITIONERS, *rest]


def _practitioner_dates(
    band: Band, days_ago: Callable[..., date], number: int
) -> tuple[date, date | None]:
    """When a practitioner joined and, for a PO, qualified (the PQiP takes 15 to 21 months)."""
    if band is Band.PSO:
        return days_ago(90, 10 * YEAR), None
    if band is Band.TRAINEE:
        return days_ago(30, 600), None
    if band is Band.NEW:
        # 700 days is under 24 months, so the band stays "new"; practitioner1 qualified
        # about eight months ago, so it stays new for over a year after seeding.
        qualified_on = days_ago(240, 250) if number == 1 else days_ago(30, 700)
        return days_ago(450, 640, qualified_on), qualified_on
    qualified_on = days_ago(745, 15 * YEAR)  # 745 days is over 24 months
    return days_ago(450, 6 * YEAR, qualified_on), qualified_on


# Applying it -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    label: str
    email: str
    name: str
    scope: str


@dataclass(frozen=True)
class TeamPractitioners:
    team: str
    site: str
    spo_email: str
    first: int
    last: int


@dataclass
class SeedSummary:
    """What a run created or changed, and the accounts to tell people about."""

    created: Counter[str] = field(default_factory=Counter)
    passwords_reset: int = 0
    framework: str = ""
    accounts: list[DemoAccount] = field(default_factory=list)
    teams: list[TeamPractitioners] = field(default_factory=list)
    practitioners: int = 0

    @property
    def changed(self) -> bool:
        return bool(+self.created) or self.passwords_reset > 0


@dataclass
class SeedContext:
    password: str
    today: date
    summary: SeedSummary = field(default_factory=SeedSummary)
    region: Region | None = None
    pdu: Pdu | None = None
    teams: list[Team] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)


SeedStep = Callable[[SeedContext], None]


def seed_organisation(ctx: SeedContext) -> None:
    """The region, the PDU and its ten teams at three sites."""
    region = db.session.scalar(select(Region).where(Region.name == REGION_NAME))
    if region is None:
        region = Region(name=REGION_NAME)
        db.session.add(region)
        ctx.summary.created["regions"] += 1
    pdu = None
    if region.id is not None:
        pdu = db.session.scalar(select(Pdu).where(Pdu.region_id == region.id, Pdu.name == PDU_NAME))
    if pdu is None:
        pdu = Pdu(region=region, name=PDU_NAME)
        db.session.add(pdu)
        ctx.summary.created["PDUs"] += 1
    existing: dict[str, Team] = {}
    if pdu.id is not None:
        existing = {
            t.name: t for t in db.session.scalars(select(Team).where(Team.pdu_id == pdu.id))
        }
    for name, site in TEAMS:
        team = existing.get(name)
        if team is None:
            team = Team(pdu=pdu, name=name, site=site)
            db.session.add(team)
            ctx.summary.created["teams"] += 1
        ctx.teams.append(team)
    db.session.flush()
    ctx.region, ctx.pdu = region, pdu


def seed_people(ctx: SeedContext) -> None:
    """Staff and practitioners with their roles and team memberships, all with one password."""
    plan = plan_people(ctx.today)
    found = db.session.scalars(select(User).where(User.email.in_([p.email for p in plan])))
    existing = {user.email: user for user in found}
    accepted, password_hash = _password_hashes(ctx.password, existing.values())

    new_rows: list[User | RoleAssignment | TeamMembership] = []
    for person in plan:
        user = existing.get(person.email)
        if user is None:
            user = _new_user(person, ctx, password_hash)
            new_rows.append(user)
            ctx.summary.created["users"] += 1
            ctx.summary.created["role assignments"] += 1
            if user.team is not None:
                new_rows.append(
                    TeamMembership(user=user, team=user.team, started_on=person.started_on)
                )
                ctx.summary.created["team memberships"] += 1
        elif user.password_hash not in accepted:
            user.password_hash = password_hash
            user.session_version += 1  # ends sessions signed in with the old password
            user.failed_sign_in_count = 0
            user.locked_until = None
            ctx.summary.passwords_reset += 1
        ctx.users[person.email] = user
    db.session.add_all(new_rows)
    db.session.flush()
    _describe_people(ctx, plan)


def seed_framework(ctx: SeedContext) -> None:
    """Load and publish the default skills framework unless a framework is published."""
    version = published_version()
    if version is not None:
        ctx.summary.framework = f'"{version.name}" is published ({len(version.skills)} skills)'
        return
    version = load_framework(parse_framework_file(DEFAULT_FRAMEWORK_PATH), actor=None)
    publish_version(version, actor=None)
    ctx.summary.created["framework versions"] += 1
    ctx.summary.framework = f'Loaded and published "{version.name}" ({len(version.skills)} skills)'


def seed_evidence(ctx: SeedContext) -> None:
    """18 months of evidence for the demo unit: the steps in ``demo/evidence.py``."""
    # Imported here: the evidence steps import this module's context and generators.
    from learning_app.demo.evidence import EVIDENCE_STEPS

    for step in EVIDENCE_STEPS:
        step(ctx)


def seed_training(ctx: SeedContext) -> None:
    """The default training catalogue, then cohorts, learning plans and their impact."""
    from learning_app.demo.training import seed_training_plans
    from learning_app.training.catalogue import seed_catalogue

    seed_catalogue(ctx)
    seed_training_plans(ctx)


def seed_reflective_discussions(ctx: SeedContext) -> None:
    """SPOs' capacity and leave, case events, past and upcoming reflective discussions, and
    group reflective sessions."""
    from learning_app.demo.reflective import seed_reflective
    from learning_app.demo.reflective_groups import seed_group_sessions

    seed_reflective(ctx)
    seed_group_sessions(ctx)


def seed_analytics(ctx: SeedContext) -> None:
    """The learning-analysis rollups of the profiles seeded above, and this quarter's snapshot.

    Both are worked out from what is already stored, so running this again changes nothing.
    """
    from learning_app.analytics.rollups import refresh_all, take_snapshot

    refresh_all(ctx.today)
    take_snapshot(ctx.today)


def seed_api_tokens(ctx: SeedContext) -> None:
    """One API token, for the head of service's BI report, so the admin list is not empty.

    Its secret is thrown away: an admin issues a new one to try the API."""
    from learning_app.api import tokens
    from learning_app.api.models import ApiToken

    if db.session.scalar(select(ApiToken.id).limit(1)) is not None:
        return
    admin, head = ctx.users[demo_email("admin")], ctx.users[demo_email("head")]
    tokens.issue(admin, head, "Power BI board report", "365")
    ctx.summary.created["API tokens"] += 1


SEED_STEPS: list[SeedStep] = [
    seed_organisation,
    seed_framework,
    seed_people,
    seed_evidence,
    seed_training,
    seed_reflective_discussions,
    seed_analytics,
    seed_api_tokens,
]


def seed_demo(password: str, today: date) -> SeedSummary:
    """Add whatever of the demo data is missing; running it again changes nothing.

    ``today`` anchors the invented dates (pass ``date.today()``); the caller checks
    the password against the password rules and commits. Writes one ``demo.seed``
    audit event when anything was created or a password was reset.
    """
    ctx = SeedContext(password=password, today=today)
    for step in SEED_STEPS:
        step(ctx)
    summary = ctx.summary
    if summary.changed:
        audit.record(
            None,
            "demo.seed",
            object_type="demo",
            detail={"created": dict(summary.created), "passwords_reset": summary.passwords_reset},
        )
        db.session.flush()
    return summary


def _password_hashes(password: str, users: Iterable[User]) -> tuple[set[str], str]:
    """Which existing hashes already match ``password``, and the hash to give everyone else.

    Argon2 is slow on purpose: each distinct existing hash is checked once (demo users
    share one), and the password is hashed at most once.
    """
    distinct = sorted({user.password_hash for user in users if user.password_hash})
    accepted = {h for h in distinct if verify_password(h, password)}
    if accepted:
        return accepted, min(accepted)
    return accepted, hash_password(password)


def _new_user(person: PersonPlan, ctx: SeedContext, password_hash: str) -> User:
    team = ctx.teams[person.team - 1] if person.team else None
    scopes = person.role.scope_kinds
    if "team" in scopes:
        assignment = RoleAssignment(role=person.role, team=team)
    elif "pdu" in scopes:
        assignment = RoleAssignment(role=person.role, pdu=ctx.pdu)
    else:
        assignment = RoleAssignment(role=person.role)
    return User(
        email=person.email,
        name=person.name,
        grade=person.grade.value,
        team=team,
        started_on=person.started_on,
        qualified_on=person.qualified_on,
        password_hash=password_hash,
        role_assignments=[assignment],
    )


def _describe_people(ctx: SeedContext, plan: list[PersonPlan]) -> None:
    summary = ctx.summary
    for person in plan:
        if person.role is Role.PRACTITIONER and person.email not in (
            demo_email("practitioner1"),
            demo_email("practitioner2"),
        ):
            continue
        if person.team:
            scope = TEAMS[person.team - 1][0]
        elif "pdu" in person.role.scope_kinds:
            scope = PDU_NAME
        else:
            scope = "Whole service"
        summary.accounts.append(DemoAccount(person.label, person.email, person.name, scope))
    for n, (team, site) in enumerate(TEAMS, start=1):
        first = (n - 1) * PRACTITIONERS_PER_TEAM + 1
        summary.teams.append(
            TeamPractitioners(team, site, demo_email(f"spo{n}"), first, n * PRACTITIONERS_PER_TEAM)
        )
    summary.practitioners = practitioner_count()
