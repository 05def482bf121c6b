"""A national data set for the benchmark, written in bulk into an empty database.

The shape, for ``n`` practitioners and a framework of ``s`` skills:

- ``REGIONS`` (12) regions, always;
- ``teams = ceil(n / TEAM_SIZE)`` teams (10 practitioners each, the last one takes the rest),
  each with a site name and one SPO (role ``spo`` scoped to the team);
- ``pdus = ceil(teams / TEAMS_PER_PDU)`` PDUs (20 teams, about 200 practitioners each),
  dealt to the regions in turn;
- ``users = n + teams``, each with an open team membership; practitioners hold the
  ``practitioner`` role, about 35% PSO, 20% PQiP and 45% PO (POs have a qualification
  date, about a quarter of them within the last two years);
- ``YEARS`` (5) years of history per practitioner: one submitted self-assessment a year
  rating every skill (``self ratings = n * YEARS * s``) and ``OBSERVATIONS_PER_YEAR`` (6)
  shared observations a year by the team's SPO, each rating ``min(RATED_SKILLS, s)``
  skills (``observation ratings = n * YEARS * 6 * min(14, s)``).

At ``n = 20,000`` and the default 17 skills that is 1.7 million self ratings and 8.4 million
observation ratings. Everything comes from one seeded random generator, in a fixed order,
so a seed always gives the same data. PostgreSQL gets the rows through ``COPY``; other
databases through batched ``executemany`` inserts.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, func, select, text

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.assessments.models import SelfAssessment, SelfRating
from learning_app.extensions import db
from learning_app.framework.loader import (
    DEFAULT_FRAMEWORK_PATH,
    load_framework,
    parse_framework_file,
)
from learning_app.framework.models import FrameworkVersion, Skill
from learning_app.framework.queries import published_version
from learning_app.framework.services import publish_version
from learning_app.observations.models import (
    Observation,
    ObservationRating,
    ObservationStatus,
    ObservationType,
)
from learning_app.org.models import Pdu, Region, Team, TeamMembership

REGIONS = 12
TEAM_SIZE = 10
TEAMS_PER_PDU = 20
YEARS = 5
OBSERVATIONS_PER_YEAR = 6
RATED_SKILLS = 14
BATCH_TEAMS = 50  # teams (about 500 practitioners) written per batch
EMAIL_DOMAIN = "bench.example"

REGION_NAMES = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "Greater Manchester",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "Kent, Surrey and Sussex",
    "South West",
    "South Central",
    "Wales",
)
SITE_WORDS = (
    "House",
    "Court",
    "Chambers",
    "Road",
    "Street",
    "Centre",
    "Place",
    "Buildings",
)
FIRST_NAMES = (
    "Alex", "Sam", "Jo", "Chris", "Pat", "Priya", "Aisha", "Tom", "Kate", "Ravi",
    "Megan", "Owen", "Zara", "Liam", "Nia", "Yusuf", "Ellen", "Dev", "Rosa", "Ian",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Jones", "Khan", "Patel", "Williams", "Brown", "Taylor", "Davies", "Evans",
    "Wilson", "Thomas", "Roberts", "Begum", "Hughes", "Ali", "Walker", "Wright", "Green",
)  # fmt: skip
TOWNS = (
    "Ashford", "Barnsley", "Carlisle", "Derby", "Exeter", "Fareham", "Grimsby", "Hull",
    "Ipswich", "Kendal", "Luton", "Mansfield", "Newport", "Oldham", "Preston", "Reading",
    "Salford", "Truro", "Wigan", "York",
)  # fmt: skip
OBSERVATION_TYPES = tuple(t.value for t in ObservationType)


@dataclass(frozen=True)
class Shape:
    """How many of each thing ``n`` practitioners and ``skills`` skills give."""

    practitioners: int
    skills: int

    @property
    def regions(self) -> int:
        return REGIONS

    @property
    def teams(self) -> int:
        return math.ceil(self.practitioners / TEAM_SIZE)

    @property
    def pdus(self) -> int:
        return math.ceil(self.teams / TEAMS_PER_PDU)

    @property
    def users(self) -> int:
        return self.practitioners + self.teams

    @property
    def self_assessments(self) -> int:
        return self.practitioners * YEARS

    @property
    def self_ratings(self) -> int:
        return self.self_assessments * self.skills

    @property
    def observations(self) -> int:
        return self.practitioners * YEARS * OBSERVATIONS_PER_YEAR

    @property
    def observation_ratings(self) -> int:
        return self.observations * min(RATED_SKILLS, self.skills)


@dataclass
class Totals:
    practitioners: int = 0
    self_ratings: int = 0
    observation_ratings: int = 0
    counts: dict[str, int] = field(default_factory=dict)


class EmptyDatabaseRequired(Exception):
    """The generator only runs on a database without users."""


def ensure_published_framework() -> FrameworkVersion:
    """The published framework; the default one is loaded and published if there is none."""
    version = published_version()
    if version is None:
        version = load_framework(parse_framework_file(DEFAULT_FRAMEWORK_PATH), actor=None)
        publish_version(version, actor=None)
        db.session.flush()
    return version


# --- writing rows -----------------------------------------------------------------------


class Writer:
    """Writes tuples of plain values into a table, with ``COPY`` on PostgreSQL."""

    def __init__(self) -> None:
        self.postgres = db.session.get_bind().dialect.name == "postgresql"

    def write(self, table: Table, columns: Sequence[str], rows: Sequence[tuple]) -> None:
        if not rows:
            return
        if self.postgres:
            self._copy(table, columns, rows)
        else:
            connection = db.session.connection()
            connection.execute(
                table.insert(), [dict(zip(columns, row, strict=True)) for row in rows]
            )

    def _copy(self, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> None:
        dbapi = db.session.connection().connection
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        with dbapi.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([json.dumps(v) if isinstance(v, dict | list) else v for v in row])

    def reset_sequences(self, tables: Iterable[Table]) -> None:
        """After rows with explicit ids, let the next ordinary insert follow on."""
        if not self.postgres:
            return
        for table in tables:
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )


class Ids:
    """Hands out ids past the largest one already in each table."""

    def __init__(self, tables: Iterable[Table]) -> None:
        self.next: dict[str, int] = {}
        for table in tables:
            largest = db.session.scalar(select(func.max(table.c.id))) or 0
            self.next[table.name] = largest + 1

    def take(self, table: Table) -> int:
        value = self.next[table.name]
        self.next[table.name] = value + 1
        return value


# --- the data ---------------------------------------------------------------------------


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def _grade(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        return Grade.PSO.value
    if roll < 0.55:
        return Grade.PQIP.value
    return Grade.PO.value


def _qualified_on(rng: random.Random, today: date) -> date:
    # A quarter qualified within two years (new), the rest up to 20 years ago.
    if rng.random() < 0.25:
        return today - timedelta(days=rng.randint(30, 700))
    return today - timedelta(days=rng.randint(760, 7300))


def _base_level(grade: str) -> float:
    return {Grade.PSO.value: 2.0, Grade.PQIP.value: 1.8, Grade.PO.value: 2.7}[grade]


def _level(value: float) -> int:
    return max(1, min(4, round(value)))


def generate(
    practitioners: int,
    seed: int,
    today: date,
    progress: Callable[[int], None] | None = None,
) -> Totals:
    """Write the data set for ``practitioners`` people; the caller commits.

    ``progress`` is called after each batch with the number of practitioners written;
    a command line commits there. Raises ``EmptyDatabaseRequired`` if there are users.
    """
    if db.session.scalar(select(func.count(User.id))):
        raise EmptyDatabaseRequired("The database already has users; no benchmark data added.")
    version = ensure_published_framework()
    skills = list(
        db.session.scalars(
            select(Skill.id)
            .where(Skill.version_id == version.id)
            .order_by(Skill.position, Skill.id)
        )
    )
    shape = Shape(practitioners, len(skills))
    rng = random.Random(seed)
    writer = Writer()
    tables = [
        model.__table__
        for model in (
            Region,
            Pdu,
            Team,
            User,
            RoleAssignment,
            TeamMembership,
            SelfAssessment,
            SelfRating,
            Observation,
            ObservationRating,
        )
    ]
    ids = Ids(tables)
    region_t, pdu_t, team_t, user_t, role_t, member_t, sa_t, sr_t, obs_t, or_t = tables

    region_ids = [ids.take(region_t) for _ in range(REGIONS)]
    writer.write(region_t, ("id", "name"), list(zip(region_ids, REGION_NAMES, strict=True)))
    pdu_rows = []
    for number in range(shape.pdus):
        town = TOWNS[number % len(TOWNS)]
        pdu_rows.append(
            (ids.take(pdu_t), region_ids[number % REGIONS], f"{town} PDU {number + 1:03d}")
        )
    writer.write(pdu_t, ("id", "region_id", "name"), pdu_rows)

    totals = Totals()
    person = 0
    rated = min(RATED_SKILLS, len(skills))
    for first_team in range(0, shape.teams, BATCH_TEAMS):
        batch = _Batch()
        for team_number in range(first_team, min(first_team + BATCH_TEAMS, shape.teams)):
            pdu_id = pdu_rows[team_number // TEAMS_PER_PDU][0]
            size = min(TEAM_SIZE, practitioners - team_number * TEAM_SIZE)
            team_id = ids.take(team_t)
            town = TOWNS[rng.randrange(len(TOWNS))]
            site = f"{rng.choice(LAST_NAMES)} {rng.choice(SITE_WORDS)}, {town}"
            batch.teams.append((team_id, pdu_id, f"Team {team_number + 1:04d}", site))
            spo_id = ids.take(user_t)
            batch.add_user(
                spo_id,
                f"s{team_number + 1:05d}@{EMAIL_DOMAIN}",
                _name(rng),
                Grade.SPO.value,
                team_id,
                today - timedelta(days=rng.randint(3000, 9000)),
                today - timedelta(days=rng.randint(2500, 8000)),
            )
            batch.roles.append((ids.take(role_t), spo_id, Role.SPO.value, team_id))
            batch.memberships.append(
                (
                    ids.take(member_t),
                    spo_id,
                    team_id,
                    today - timedelta(days=rng.randint(400, 3000)),
                )
            )
            for _ in range(size):
                person += 1
                user_id = ids.take(user_t)
                grade = _grade(rng)
                qualified_on = _qualified_on(rng, today) if grade == Grade.PO.value else None
                batch.add_user(
                    user_id,
                    f"p{person:05d}@{EMAIL_DOMAIN}",
                    _name(rng),
                    grade,
                    team_id,
                    today - timedelta(days=rng.randint(YEARS * 366, 8000)),
                    qualified_on,
                )
                batch.roles.append((ids.take(role_t), user_id, Role.PRACTITIONER.value, None))
                batch.memberships.append(
                    (
                        ids.take(member_t),
                        user_id,
                        team_id,
                        today - timedelta(days=rng.randint(60, 2500)),
                    )
                )
                _history(
                    batch,
                    ids,
                    rng,
                    tables,
                    version.id,
                    skills,
                    rated,
                    user_id,
                    spo_id,
                    grade,
                    today,
                )
        writer.write(team_t, ("id", "pdu_id", "name", "site"), batch.teams)
        writer.write(
            user_t,
            (
                "id", "email", "name", "grade", "team_id", "started_on", "qualified_on",
                "active", "password_hash", "failed_sign_in_count", "session_version",
                "must_change_password",
            ),
            batch.users,
        )  # fmt: skip
        writer.write(role_t, ("id", "user_id", "role", "team_id"), batch.roles)
        writer.write(member_t, ("id", "user_id", "team_id", "started_on"), batch.memberships)
        writer.write(
            sa_t,
            (
                "id", "practitioner_id", "framework_version_id", "status",
                "learning_preferences", "submitted_at",
            ),
            batch.assessments,
        )  # fmt: skip
        writer.write(
            sr_t,
            ("id", "self_assessment_id", "skill_id", "level", "confidence"),
            batch.self_ratings,
        )
        writer.write(
            obs_t,
            (
                "id", "practitioner_id", "observer_id", "observer_role", "type", "observed_on",
                "status", "framework_version_id", "details", "limited_access", "shared_at",
            ),
            batch.observations,
        )  # fmt: skip
        writer.write(
            or_t,
            ("id", "observation_id", "skill_id", "level", "superseded"),
            batch.observation_ratings,
        )
        db.session.flush()
        in_batch = sum(1 for row in batch.roles if row[2] == Role.PRACTITIONER.value)
        totals.practitioners += in_batch
        totals.self_ratings += len(batch.self_ratings)
        totals.observation_ratings += len(batch.observation_ratings)
        if progress is not None:
            progress(in_batch)
    writer.reset_sequences(tables)
    totals.counts = {
        "regions": shape.regions,
        "pdus": shape.pdus,
        "teams": shape.teams,
        "users": shape.users,
    }
    return totals


@dataclass
class _Batch:
    teams: list[tuple] = field(default_factory=list)
    users: list[tuple] = field(default_factory=list)
    roles: list[tuple] = field(default_factory=list)
    memberships: list[tuple] = field(default_factory=list)
    assessments: list[tuple] = field(default_factory=list)
    self_ratings: list[tuple] = field(default_factory=list)
    observations: list[tuple] = field(default_factory=list)
    observation_ratings: list[tuple] = field(default_factory=list)

    def add_user(self, *values: Any) -> None:
        # active, no password (accounts are never signed in to), default counters.
        self.users.append((*values, True, None, 0, 1, False))


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _history(
    batch: _Batch,
    ids: Ids,
    rng: random.Random,
    tables: list[Table],
    version_id: int,
    skills: list[int],
    rated: int,
    user_id: int,
    spo_id: int,
    grade: str,
    today: date,
) -> None:
    """Five years of self-assessments and observations, levels growing with the years."""
    sa_t, sr_t, obs_t, or_t = tables[6:10]
    base = _base_level(grade)
    strengths = [rng.uniform(-0.6, 0.6) for _ in skills]
    for year in range(YEARS):
        # Year 0 is the oldest; each year's evidence sits in that 365-day window.
        window_start = today - timedelta(days=365 * (YEARS - year))
        growth = 0.15 * year
        assessed_on = window_start + timedelta(days=rng.randint(0, 364))
        assessment_id = ids.take(sa_t)
        batch.assessments.append(
            (assessment_id, user_id, version_id, "submitted", [], noon(assessed_on))
        )
        for skill_id, strength in zip(skills, strengths, strict=True):
            level = _level(base + growth + strength + 0.3 + rng.gauss(0, 0.5))
            confidence = ("low", "medium", "high")[rng.randrange(3)]
            batch.self_ratings.append((ids.take(sr_t), assessment_id, skill_id, level, confidence))
        for _ in range(OBSERVATIONS_PER_YEAR):
            observed_on = window_start + timedelta(days=rng.randint(0, 360))
            observation_id = ids.take(obs_t)
            batch.observations.append(
                (
                    observation_id,
                    user_id,
                    spo_id,
                    Role.SPO.value,
                    OBSERVATION_TYPES[rng.randrange(len(OBSERVATION_TYPES))],
                    observed_on,
                    ObservationStatus.SHARED.value,
                    version_id,
                    {},
                    False,
                    noon(observed_on + timedelta(days=rng.randint(1, 4))),
                )
            )
            chosen = sorted(rng.sample(range(len(skills)), rated))
            for index in chosen:
                level = _level(base + growth + strengths[index] + rng.gauss(0, 0.6))
                batch.observation_ratings.append(
                    (ids.take(or_t), observation_id, skills[index], level, False)
                )
