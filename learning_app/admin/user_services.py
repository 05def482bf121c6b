"""User administration: create, edit, deactivate and reactivate users, manage their
roles, reset passwords and import users in bulk.

Every function takes the acting admin explicitly (``None`` for an operator at the
command line), flushes, writes the audit log and never commits: the caller commits,
so a change and its audit event stand or fall together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.accounts.services import normalise_email, set_password
from learning_app.core import audit
from learning_app.core.events import evidence_changed, practitioners_changed
from learning_app.extensions import db
from learning_app.org.models import Pdu, Region, Team
from learning_app.org.services import move_to_team

if TYPE_CHECKING:
    from learning_app.admin.user_import import ImportRow

# Rules shared by the forms and the CSV import -------------------------------------

# Practitioners belong to a team; SPOs and others may or may not.
PRACTITIONER_GRADES = frozenset({Grade.PSO, Grade.PQIP, Grade.PO})
# The schema allows a qualification date only for these grades.
QUALIFIED_GRADES = frozenset({Grade.PO, Grade.SPO, Grade.OTHER})
EARLIEST_DATE = date(1950, 1, 1)
NAME_MAX = 120
EMAIL_MAX = 254
EMAIL_TAKEN = "A user with this email address already exists"
QUALIFIED_NOT_ALLOWED = "Leave the qualification date empty for PSO and PQiP grades"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
# Deliberately loose, as GOV.UK advises: one @, something either side, a dot in the domain.
_EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

Scope = Team | Pdu | Region


def email_format_ok(email: str) -> bool:
    return bool(_EMAIL_PATTERN.match(email.strip())) and len(email.strip()) <= EMAIL_MAX


def team_required(grade: str | Grade) -> bool:
    return Grade(grade) in PRACTITIONER_GRADES


def qualified_on_allowed(grade: str | Grade) -> bool:
    return Grade(grade) in QUALIFIED_GRADES


def scope_kind(scope: Scope | None) -> str | None:
    if scope is None:
        return None
    return {Team: "team", Pdu: "pdu", Region: "region"}[type(scope)]


def default_roles(grade: str | Grade) -> tuple[Role, ...]:
    """Roles a new user gets when none are given: practitioner grades are practitioners."""
    return (Role.PRACTITIONER,) if Grade(grade) in PRACTITIONER_GRADES else ()


class UserAdminError(ValueError):
    """A change refused by a rule; ``field`` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class UserDetails:
    name: str
    email: str
    grade: Grade
    team: Team | None
    started_on: date | None
    qualified_on: date | None


# Users --------------------------------------------------------------------------


def email_taken(email: str, exclude: User | None = None) -> bool:
    statement = select(User.id).where(User.email == normalise_email(email))
    if exclude is not None:
        statement = statement.where(User.id != exclude.id)
    return db.session.scalar(statement) is not None


def _membership_start(started_on: date | None, today: date) -> date:
    # History starts when they started, but a spell never starts in the future.
    return min(started_on or today, today)


def _new_user(
    actor: User | None,
    details: UserDetails,
    roles: Iterable[tuple[Role, Scope | None]],
    today: date,
) -> User:
    user = User(
        email=normalise_email(details.email),
        name=details.name.strip(),
        grade=Grade(details.grade),
        started_on=details.started_on,
        qualified_on=details.qualified_on,
        active=True,
    )
    for role, scope in roles:
        user.role_assignments.append(_assignment(role, scope))
    db.session.add(user)
    db.session.flush()
    if details.team is not None:
        on = _membership_start(details.started_on, today)
        move_to_team(user, details.team, actor, on, audit_event=False)
    return user


def _details_for_audit(user: User) -> dict:
    return {
        "name": user.name,
        "email": user.email,
        "grade": user.grade,
        "team_id": user.team_id,
        "started_on": user.started_on.isoformat() if user.started_on else None,
        "qualified_on": user.qualified_on.isoformat() if user.qualified_on else None,
    }


def create_user(actor: User, details: UserDetails, password: str, today: date) -> User:
    """Create a user with a temporary password they must change when they sign in.

    Users with a practitioner grade get the practitioner role; other roles are
    added afterwards. Refuses an email address already in use, whatever its case.
    """
    if email_taken(details.email):
        raise UserAdminError(EMAIL_TAKEN, field="email")
    if details.qualified_on is not None and not qualified_on_allowed(details.grade):
        raise UserAdminError(QUALIFIED_NOT_ALLOWED, field="qualified_on")
    user = _new_user(actor, details, [(r, None) for r in default_roles(details.grade)], today)
    set_password(user, password, actor)
    user.must_change_password = True
    audit.record(
        actor,
        "user.create",
        user,
        detail={"via": "admin", **_details_for_audit(user), "roles": sorted(user.roles)},
    )
    db.session.flush()
    return user


def update_user(actor: User, user: User, details: UserDetails, today: date) -> list[str]:
    """Change a user's details; a new team closes the old membership and opens one today.

    Returns the names of the fields that changed (nothing is audited if none did).
    """
    if email_taken(details.email, exclude=user):
        raise UserAdminError(EMAIL_TAKEN, field="email")
    if details.qualified_on is not None and not qualified_on_allowed(details.grade):
        raise UserAdminError(QUALIFIED_NOT_ALLOWED, field="qualified_on")
    before = _details_for_audit(user)
    user.name = details.name.strip()
    user.email = normalise_email(details.email)
    user.grade = Grade(details.grade)
    user.started_on = details.started_on
    user.qualified_on = details.qualified_on
    if (details.team.id if details.team else None) != user.team_id:
        move_to_team(user, details.team, actor, today)
    db.session.flush()
    after = _details_for_audit(user)
    changed = [key for key in after if after[key] != before[key]]
    if {"grade", "qualified_on"} & set(changed) and user.has_role(Role.PRACTITIONER):
        # The experience band sets the targets: the stored profiles and rollups follow now.
        evidence_changed.send(user, skill_slugs=None)
    if changed:
        audit.record(
            actor,
            "user.update",
            user,
            detail={"changed": {k: {"from": before[k], "to": after[k]} for k in changed}},
        )
        db.session.flush()
    return changed


def _active_admin_count(exclude: User | None = None) -> int:
    statement = (
        select(func.count(func.distinct(User.id)))
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.ADMIN, User.active.is_(True))
    )
    if exclude is not None:
        statement = statement.where(User.id != exclude.id)
    return db.session.scalar(statement) or 0


def deactivate_user(actor: User, user: User) -> None:
    """Stop a user signing in and end their sessions. Nothing is deleted."""
    if user.id == actor.id:
        raise UserAdminError("You cannot deactivate your own account")
    if not user.active:
        return
    if user.has_role(Role.ADMIN) and _active_admin_count(exclude=user) == 0:
        raise UserAdminError("You cannot deactivate the only administrator")
    user.active = False
    user.session_version += 1  # every signed-in session of theirs ends now
    audit.record(actor, "user.deactivate", user)
    db.session.flush()
    _practitioners_changed(user)


def reactivate_user(actor: User, user: User) -> None:
    """Let a deactivated user sign in again (with their existing password, if any)."""
    if user.active:
        return
    user.active = True
    user.failed_sign_in_count = 0
    user.locked_until = None
    audit.record(actor, "user.reactivate", user)
    db.session.flush()
    _practitioners_changed(user)


def reset_password(actor: User, user: User, password: str) -> None:
    """Set a temporary password; the user must change it when they next sign in.

    Ends the user's sessions and clears any lockout.
    """
    set_password(user, password, actor)
    user.must_change_password = True
    audit.record(actor, "user.password_reset", user)
    db.session.flush()


# Roles ----------------------------------------------------------------------------


def _assignment(role: Role, scope: Scope | None) -> RoleAssignment:
    assignment = RoleAssignment(role=Role(role))
    if isinstance(scope, Team):
        assignment.team = scope
    elif isinstance(scope, Pdu):
        assignment.pdu = scope
    elif isinstance(scope, Region):
        assignment.region = scope
    return assignment


def scope_problem(role: Role, scope: Scope | None) -> str | None:
    """Why ``scope`` does not suit ``role`` (ROLE_SCOPES), or None."""
    allowed = Role(role).scope_kinds
    kind = scope_kind(scope)
    if not allowed:
        return (
            None if kind is None else f"{Role(role).label} is not limited to a team, PDU or region"
        )
    if kind is None:
        names = " or ".join(
            {"team": "a team", "pdu": "a PDU", "region": "a region"}[k] for k in allowed
        )
        return f"Select {names}"
    if kind not in allowed:
        return f"{Role(role).label} cannot be limited to a {'PDU' if kind == 'pdu' else kind}"
    return None


def _same_assignment(assignment: RoleAssignment, role: Role, scope: Scope | None) -> bool:
    kind = scope_kind(scope)
    return (
        assignment.role == role
        and assignment.team_id == (scope.id if kind == "team" else None)
        and assignment.pdu_id == (scope.id if kind == "pdu" else None)
        and assignment.region_id == (scope.id if kind == "region" else None)
    )


def add_role(actor: User, user: User, role: Role, scope: Scope | None) -> RoleAssignment:
    """Give ``user`` a role within a scope allowed for it; duplicates are refused."""
    role = Role(role)
    problem = scope_problem(role, scope)
    if problem:
        raise UserAdminError(problem, field="scope")
    if any(_same_assignment(a, role, scope) for a in user.role_assignments):
        where = f" for {scope.label}" if scope is not None else ""
        raise UserAdminError(f"{user.name} already has the role {role.label}{where}", field="role")
    assignment = _assignment(role, scope)
    user.role_assignments.append(assignment)
    db.session.flush()
    audit.record(actor, "user.role_add", user, detail=_role_detail(assignment))
    db.session.flush()
    if role == Role.PRACTITIONER:
        _practitioners_changed(user, practitioner=True)
    return assignment


def remove_role(actor: User, user: User, assignment: RoleAssignment) -> None:
    """Take a role away. An admin cannot remove their own administrator role, so the
    service always keeps an administrator."""
    if assignment.user_id != user.id:
        raise UserAdminError("That role does not belong to this user")
    if assignment.role == Role.ADMIN:
        if user.id == actor.id:
            raise UserAdminError("You cannot remove your own administrator role")
        others = [a for a in user.role_assignments if a.role == Role.ADMIN and a is not assignment]
        if not others and user.active and _active_admin_count(exclude=user) == 0:
            raise UserAdminError("You cannot remove the only administrator")
    detail = _role_detail(assignment)
    user.role_assignments.remove(assignment)
    db.session.flush()
    audit.record(actor, "user.role_remove", user, detail=detail)
    db.session.flush()
    if assignment.role == Role.PRACTITIONER:
        _practitioners_changed(user, practitioner=True)


def _practitioners_changed(user: User, practitioner: bool = False) -> None:
    """Tell the analytics rollups that the practitioners of the user's team changed (when
    the user is a practitioner, or ``practitioner``: the role itself changed)."""
    if user.team_id is not None and (practitioner or user.has_role(Role.PRACTITIONER)):
        practitioners_changed.send(user, team_ids=[user.team_id])


def _role_detail(assignment: RoleAssignment) -> dict:
    scope = assignment.scope
    return {
        "role": assignment.role,
        "scope_type": scope_kind(scope),
        "scope_id": scope.id if scope is not None else None,
        "scope": scope.label if scope is not None else None,
    }


# Import ---------------------------------------------------------------------------


def import_users(
    actor: User | None,
    rows: list[ImportRow],
    source: str,
    today: date,
    on_progress: Callable[[], None] | None = None,
) -> list[User]:
    """Create every user of a validated import, in the caller's transaction.

    Imported users have no password: they cannot sign in until an admin sets a
    temporary one. Writes one ``user.create`` event per user and one
    ``user.import`` event for the whole file.
    """
    teams = _by_id(Team, {r.team_id for r in rows} | _scope_ids(rows, "team_id"))
    pdus = _by_id(Pdu, _scope_ids(rows, "pdu_id"))
    regions = _by_id(Region, _scope_ids(rows, "region_id"))
    via = "cli" if actor is None else "admin"
    users = []
    for row in rows:
        roles = [
            (
                spec.role,
                teams.get(spec.team_id) or pdus.get(spec.pdu_id) or regions.get(spec.region_id),
            )
            for spec in row.roles
        ]
        details = UserDetails(
            name=row.name,
            email=row.email,
            grade=row.grade,
            team=teams.get(row.team_id),
            started_on=row.started_on,
            qualified_on=row.qualified_on,
        )
        user = _new_user(actor, details, roles, today)
        audit.record(
            actor,
            "user.create",
            user,
            detail={
                "via": f"{via}_import",
                "source": source,
                "row": row.row_number,
                **_details_for_audit(user),
                "roles": [_role_detail(a) for a in user.role_assignments],
            },
        )
        users.append(user)
        if on_progress is not None:
            on_progress()
    db.session.flush()
    audit.record(
        actor,
        "user.import",
        object_type="users",
        detail={"via": via, "source": source, "count": len(users)},
    )
    db.session.flush()
    return users


def _scope_ids(rows: list[ImportRow], attribute: str) -> set[int | None]:
    return {getattr(spec, attribute) for row in rows for spec in row.roles}


def _by_id(model: type, ids: set[int | None]) -> dict[int, object]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {obj.id: obj for obj in db.session.scalars(select(model).where(model.id.in_(wanted)))}
