"""Checking the rows of a CSV file of users to import (docs/csv-import.md).

``parse`` (``user_import_csv``) turns the file into records; ``validate`` checks them
against a ``Directory`` (teams, PDUs, regions and the emails already in use), listing
every problem with the row number a spreadsheet shows (the header is row 1) and the
column. Both are pure: only ``check_file`` and ``load_directory`` at the end read the
database. The web page and ``flask users import`` share all of it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from learning_app.accounts.constants import Grade, Role
from learning_app.admin.user_import_csv import ImportProblem, ParsedFile, parse
from learning_app.admin.user_services import (
    EARLIEST_DATE,
    EMAIL_FORMAT,
    NAME_MAX,
    default_roles,
    email_format_ok,
    qualified_on_allowed,
    team_required,
)

GRADE_CHOICES = "PSO, PQIP, PO, SPO or OTHER"
ROLE_CHOICES = "practitioner, spo, qdo, ld_lead, leader or admin"

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class RoleSpec:
    role: Role
    team_id: int | None = None
    pdu_id: int | None = None
    region_id: int | None = None
    scope_label: str | None = None


@dataclass(frozen=True)
class ImportRow:
    """A valid row, ready to become a user."""

    row_number: int
    email: str
    name: str
    grade: Grade
    team_id: int | None
    team_label: str | None
    started_on: date
    qualified_on: date | None
    roles: tuple[RoleSpec, ...]


@dataclass(frozen=True)
class Unit:
    """A team, PDU or region as the import sees it; ``parent`` is the PDU of a team."""

    id: int
    name: str
    label: str
    parent: str | None = None


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass
class Directory:
    """What rows are checked against: the organisation and the emails in use."""

    teams: list[Unit]
    pdus: list[Unit]
    regions: list[Unit]
    existing_emails: set[str]

    def __post_init__(self) -> None:
        self._index: dict[str, dict[str, list[Unit]]] = {}
        for kind in ("teams", "pdus", "regions"):
            named: dict[str, list[Unit]] = defaultdict(list)
            for unit in getattr(self, kind):
                named[_key(unit.name)].append(unit)
            self._index[kind] = named

    def named(self, kind: str, name: str) -> list[Unit]:
        return self._index[kind].get(_key(name), [])


@dataclass
class ImportCheck:
    text: str
    rows: list[ImportRow]
    problems: list[ImportProblem]

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


# Validation ------------------------------------------------------------------------


def parse_date(text: str) -> date:
    """Read YYYY-MM-DD or DD/MM/YYYY; raise ValueError for anything else."""
    if match := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _UK_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise ValueError(text)
    return date(year, month, day)


class _RowProblems:
    """Collects the problems of one row: ``problem(column, message)``."""

    def __init__(self, row: int) -> None:
        self.row = row
        self.found: list[ImportProblem] = []

    def __call__(self, column: str | None, message: str) -> None:
        self.found.append(ImportProblem(self.row, column, message))


def validate(parsed: ParsedFile, directory: Directory, today: date) -> ImportCheck:
    """Check every row; a row becomes an ``ImportRow`` only if it has no problem."""
    problems = list(parsed.problems)
    rows: list[ImportRow] = []
    first_row_for_email: dict[str, int] = {}
    for number, values in parsed.records:
        problem = _RowProblems(number)

        email = _check_email(values.get("email", ""), directory, first_row_for_email, problem)
        if email and email not in first_row_for_email:
            first_row_for_email[email] = number
        name = values.get("name", "")
        if not name:
            problem("name", "Enter a name")
        elif len(name) > NAME_MAX:
            problem("name", f"Name must be {NAME_MAX} characters or fewer")
        grade = _check_grade(values.get("grade", ""), problem)
        pdu_name = values.get("pdu", "")
        pdu_ok = True
        if pdu_name and len(directory.named("pdus", pdu_name)) != 1:
            pdu_ok = False
            found = len(directory.named("pdus", pdu_name))
            problem(
                "pdu",
                f"There is no PDU called {pdu_name}"
                if not found
                else f"There are {found} PDUs called {pdu_name}",
            )
        team = None
        if pdu_ok:
            team = _check_team(values.get("team", ""), pdu_name, grade, directory, problem)
        started_on = _check_date(
            values.get("started_on", ""),
            "started_on",
            today,
            problem,
            required="Enter the date they started, in started_on",
        )
        qualified_on = _check_date(values.get("qualified_on", ""), "qualified_on", today, problem)
        if qualified_on is not None and grade is not None and not qualified_on_allowed(grade):
            problem("qualified_on", "Leave qualified_on empty for PSO and PQIP grades")
        roles = _check_roles(values.get("roles", ""), grade, pdu_name, directory, problem)

        if problem.found:
            problems.extend(problem.found)
            continue
        assert email and grade is not None and started_on is not None and roles is not None
        rows.append(
            ImportRow(
                row_number=number,
                email=email,
                name=name,
                grade=grade,
                team_id=team.id if team else None,
                team_label=_team_label(team) if team else None,
                started_on=started_on,
                qualified_on=qualified_on,
                roles=roles,
            )
        )
    problems.sort(key=lambda p: p.row or 0)  # stable: a row's problems keep column order
    return ImportCheck(text=parsed.text, rows=rows, problems=problems)


def _team_label(team: Unit) -> str:
    return f"{team.name} ({team.parent})" if team.parent else team.name


def _check_email(value, directory, first_row_for_email, problem) -> str | None:
    if not value:
        problem("email", "Enter an email address")
        return None
    if not email_format_ok(value):
        problem("email", EMAIL_FORMAT)
        return None
    email = value.strip().lower()
    if email in first_row_for_email:
        problem("email", f"{email} is also in row {first_row_for_email[email]}")
    elif email in directory.existing_emails:
        problem("email", f"A user with the email address {email} already exists")
    return email


def _check_grade(value: str, problem) -> Grade | None:
    if not value:
        problem("grade", f"Enter a grade: {GRADE_CHOICES}")
        return None
    try:
        return Grade(value.upper())
    except ValueError:
        problem("grade", f"Grade must be {GRADE_CHOICES}, not {value}")
        return None


def _check_team(value, pdu_name, grade, directory, problem) -> Unit | None:
    if not value:
        if grade is not None and team_required(grade):
            problem("team", "Enter a team: PSO, PQIP and PO grades need one")
        return None
    teams = directory.named("teams", value)
    if pdu_name:
        teams = [t for t in teams if _key(t.parent or "") == _key(pdu_name)]
    if not teams:
        where = f" in the PDU {pdu_name}" if pdu_name else ""
        problem("team", f"There is no team called {value}{where}")
        return None
    if len(teams) > 1:
        problem("team", f"There are {len(teams)} teams called {value}: add the PDU in a pdu column")
        return None
    return teams[0]


def _check_date(value, column, today, problem, required: str | None = None) -> date | None:
    if not value:
        if required:
            problem(column, required)
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        problem(column, f"{column} must be a real date, like 2024-03-31 or 31/03/2024")
        return None
    if parsed > today:
        problem(column, f"{column} must be today or in the past")
        return None
    if parsed < EARLIEST_DATE:
        problem(column, f"{column} must be after {EARLIEST_DATE.year}")
        return None
    return parsed


def _check_roles(value, grade, pdu_name, directory, problem) -> tuple[RoleSpec, ...] | None:
    """Read ``role`` or ``role:scope name`` items separated by semicolons."""
    if not value:
        return tuple(RoleSpec(r) for r in default_roles(grade)) if grade is not None else ()
    specs: list[RoleSpec] = []
    seen: set[tuple] = set()
    ok = True
    for item in (part.strip() for part in value.split(";")):
        if not item:
            continue
        role_text, _, scope_name = (p.strip() for p in item.partition(":"))
        try:
            role = Role(role_text.lower().replace("-", "_").replace(" ", "_"))
        except ValueError:
            problem("roles", f"{role_text} is not a role: use {ROLE_CHOICES}")
            ok = False
            continue
        spec = _role_scope(role, scope_name, pdu_name, directory, problem)
        if spec is None:
            ok = False
            continue
        identity = (spec.role, spec.team_id, spec.pdu_id, spec.region_id)
        if identity in seen:
            problem("roles", f"{item} is listed more than once")
            ok = False
            continue
        seen.add(identity)
        specs.append(spec)
    return tuple(specs) if ok else None


def _role_scope(role, scope_name, pdu_name, directory, problem) -> RoleSpec | None:
    kinds = role.scope_kinds
    if not kinds:
        if scope_name:
            problem(
                "roles",
                f"{role.value} is not limited to a team, PDU or region: "
                f"write {role.value} on its own",
            )
            return None
        return RoleSpec(role)
    if not scope_name:
        wanted = {"team": "a team", "pdu": "a PDU", "region": "a PDU or region"}[kinds[-1]]
        problem("roles", f"{role.value} needs {wanted}, like {role.value}:Name")
        return None
    if kinds == ("team",):
        teams = directory.named("teams", scope_name)
        if len(teams) > 1 and pdu_name:
            teams = [t for t in teams if _key(t.parent or "") == _key(pdu_name)]
        if len(teams) != 1:
            problem("roles", _not_one(teams, "team", scope_name))
            return None
        return RoleSpec(role, team_id=teams[0].id, scope_label=_team_label(teams[0]))
    pdus = directory.named("pdus", scope_name)
    regions = directory.named("regions", scope_name) if "region" in kinds else []
    if len(pdus) + len(regions) != 1:
        kind = "PDU or region" if "region" in kinds else "PDU"
        problem("roles", _not_one(pdus + regions, kind, scope_name))
        return None
    if pdus:
        return RoleSpec(role, pdu_id=pdus[0].id, scope_label=pdus[0].label)
    return RoleSpec(role, region_id=regions[0].id, scope_label=regions[0].label)


def _not_one(found: list[Unit], kind: str, name: str) -> str:
    if not found:
        return f"There is no {kind} called {name}"
    return f"There is more than one {kind} called {name}"


# Summary --------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    total: int
    grades: list[Grade]
    teams: list[tuple[str, dict[Grade, int], int]]


def summarise(rows: Iterable[ImportRow]) -> ImportSummary:
    """How many users, by team and grade, for the "check your import" page."""
    rows = list(rows)
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        counts[row.team_label or "No team"][row.grade] += 1
    grades = [g for g in Grade if any(c[g] for c in counts.values())]
    teams = [
        (label, {g: counts[label][g] for g in grades}, sum(counts[label].values()))
        for label in sorted(counts, key=lambda label: (label == "No team", label.casefold()))
    ]
    return ImportSummary(total=len(rows), grades=grades, teams=teams)


# The database side -------------------------------------------------------------------


def load_directory(emails: Iterable[str]) -> Directory:
    """Read the organisation, and which of ``emails`` are already in use."""
    from sqlalchemy import select

    from learning_app.accounts.models import User
    from learning_app.extensions import db
    from learning_app.org.models import Pdu, Region, Team

    teams = [
        Unit(id=t.id, name=t.name, label=t.label, parent=pdu_name)
        for t, pdu_name in db.session.execute(select(Team, Pdu.name).join(Team.pdu))
    ]
    pdus = [Unit(id=p.id, name=p.name, label=p.label) for p in db.session.scalars(select(Pdu))]
    regions = [
        Unit(id=r.id, name=r.name, label=r.label) for r in db.session.scalars(select(Region))
    ]
    wanted = sorted({e.strip().lower() for e in emails if e})
    existing: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        existing.update(db.session.scalars(select(User.email).where(User.email.in_(chunk))))
    return Directory(teams=teams, pdus=pdus, regions=regions, existing_emails=existing)


def check_file(data: bytes, today: date) -> ImportCheck:
    """Parse and validate a CSV file against the database, writing nothing."""
    parsed = parse(data)
    if not parsed.columns:  # the file itself is unreadable: no row can be checked
        return ImportCheck(text=parsed.text, rows=[], problems=parsed.problems)
    return validate(parsed, load_directory(parsed.emails), today)
