"""Organisation use cases.

``move_to_team`` and ``current_membership`` are the one place where a user's team
changes: a move closes the open TeamMembership and opens a new one, so history
stays attributable, and ``user.team_id`` always equals the open membership's team.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from learning_app.accounts.constants import Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.core import audit
from learning_app.core.events import practitioners_changed
from learning_app.extensions import db
from learning_app.org import queries
from learning_app.org.models import Pdu, Region, Team, TeamMembership


class TeamMoveError(ValueError):
    """A move that would break the membership history (for example, backdated)."""


def current_membership(user: User) -> TeamMembership | None:
    """The user's open team membership (the one without an end date), if any."""
    if user.id is None:
        return None
    return db.session.scalar(
        select(TeamMembership).where(
            TeamMembership.user_id == user.id, TeamMembership.ended_on.is_(None)
        )
    )


def move_to_team(
    user: User,
    team: Team | None,
    actor: User | None,
    on: date,
    *,
    audit_event: bool = True,
) -> TeamMembership | None:
    """Move ``user`` into ``team`` from the date ``on`` (``team=None`` leaves any team).

    The open membership ends the day before ``on`` (or on ``on`` itself when it also
    started that day, since a spell cannot end before it starts), and a new one starts
    on ``on``; with ``team=None`` the open membership ends on ``on``. Moving a user into
    the team they are already in changes nothing.
    A move dated before the open membership started raises ``TeamMoveError``.

    Writes a ``user.team_move`` audit event, and sends ``practitioners_changed`` for a
    practitioner, unless ``audit_event`` is false (user creation turns it off: it records
    the change in its own event, and a new user has no evidence to count yet).
    Returns the open membership after the move. Flushes, never commits.
    """
    current = current_membership(user)
    if current is not None and team is not None and current.team_id == team.id:
        user.team = team  # already there; keep user.team_id in step with the membership
        return current
    if current is None and team is None:
        user.team = None
        return None
    if current is not None and on < current.started_on:
        raise TeamMoveError(
            f"The move date must be on or after {current.started_on:%d/%m/%Y}, "
            "when the user joined their current team"
        )

    previous_team_id = current.team_id if current is not None else None
    if current is not None:
        # Leaving a team: the last day is ``on``. Moving: the day before the new spell.
        last_day = on if team is None else on - timedelta(days=1)
        current.ended_on = max(current.started_on, last_day)
        # The open-membership unique index needs the old spell closed before the new one opens.
        db.session.flush()

    membership = None
    if team is not None:
        membership = TeamMembership(user_id=user.id, team_id=team.id, started_on=on)
        db.session.add(membership)
    user.team = team
    if audit_event:
        audit.record(
            actor,
            "user.team_move",
            user,
            detail={
                "from_team_id": previous_team_id,
                "to_team_id": team.id if team is not None else None,
                "on": on.isoformat(),
            },
        )
    db.session.flush()
    if audit_event and user.has_role(Role.PRACTITIONER):
        practitioners_changed.send(user, team_ids=[previous_team_id, user.team_id])
    return membership


# Units: regions, PDUs and teams (admin organisation pages) -----------------------


class OrgError(ValueError):
    """A change the organisation rules refuse; ``field`` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def create_region(actor: User, name: str) -> Region:
    """Add a region. Names are unique, ignoring case."""
    name = queries.normalise_name(name)
    if queries.region_name_taken(name):
        raise OrgError("A region with this name already exists", "name")
    region = Region(name=name)
    db.session.add(region)
    db.session.flush()
    audit.record(actor, "region.create", region, detail={"name": name})
    db.session.flush()
    return region


def rename_region(actor: User, region: Region, name: str) -> None:
    """Rename a region."""
    name = queries.normalise_name(name)
    if queries.region_name_taken(name, exclude_id=region.id):
        raise OrgError("A region with this name already exists", "name")
    if name == region.name:
        return
    detail = {"name": [region.name, name]}
    region.name = name
    audit.record(actor, "region.update", region, detail=detail)
    db.session.flush()


def create_pdu(actor: User, region: Region, name: str) -> Pdu:
    """Add a PDU to a region. Names are unique within the region, ignoring case."""
    name = queries.normalise_name(name)
    if queries.pdu_name_taken(region.id, name):
        raise OrgError("A PDU with this name already exists in this region", "name")
    pdu = Pdu(region=region, name=name)
    db.session.add(pdu)
    db.session.flush()
    audit.record(actor, "pdu.create", pdu, detail={"name": name, "region_id": region.id})
    db.session.flush()
    return pdu


def rename_pdu(actor: User, pdu: Pdu, name: str) -> None:
    """Rename a PDU, keeping its region."""
    name = queries.normalise_name(name)
    if queries.pdu_name_taken(pdu.region_id, name, exclude_id=pdu.id):
        raise OrgError("A PDU with this name already exists in this region", "name")
    if name == pdu.name:
        return
    detail = {"name": [pdu.name, name]}
    pdu.name = name
    audit.record(actor, "pdu.update", pdu, detail=detail)
    db.session.flush()


def create_team(actor: User, pdu: Pdu, name: str, site: str) -> Team:
    """Add a team to a PDU. Names are unique within the PDU, ignoring case."""
    name = queries.normalise_name(name)
    site = queries.normalise_name(site)
    if queries.team_name_taken(pdu.id, name):
        raise OrgError("A team with this name already exists in this PDU", "name")
    team = Team(pdu=pdu, name=name, site=site)
    db.session.add(team)
    db.session.flush()
    audit.record(actor, "team.create", team, detail={"name": name, "site": site, "pdu_id": pdu.id})
    db.session.flush()
    return team


def update_team(actor: User, team: Team, pdu: Pdu, name: str, site: str) -> None:
    """Change a team's name, site or PDU. Only what changed goes into the audit event."""
    name = queries.normalise_name(name)
    site = queries.normalise_name(site)
    if queries.team_name_taken(pdu.id, name, exclude_id=team.id):
        raise OrgError("A team with this name already exists in this PDU", "name")
    detail: dict[str, list] = {}
    if name != team.name:
        detail["name"] = [team.name, name]
    if site != team.site:
        detail["site"] = [team.site, site]
    if pdu.id != team.pdu_id:
        detail["pdu_id"] = [team.pdu_id, pdu.id]
    if not detail:
        return
    team.name, team.site, team.pdu = name, site, pdu
    audit.record(actor, "team.update", team, detail=detail)
    db.session.flush()


def delete_unit(actor: User, unit: Region | Pdu | Team) -> None:
    """Delete an empty region, PDU or team created by mistake.

    Refuses (``OrgError``) while anything refers to the unit: child units, users,
    memberships past or present, role assignments, or any other record (the last
    is caught from the database, so tables added later are covered too).
    """
    kind = unit.__tablename__.removesuffix("s")  # region, pdu, team
    reasons = queries.unit_usage(unit)
    if reasons:
        raise OrgError(f"This {_kind_label(unit)} is in use: " + ", ".join(reasons))
    detail = {"name": unit.name}
    unit_id = unit.id
    try:
        with db.session.begin_nested():
            db.session.delete(unit)
            db.session.flush()
    except IntegrityError as error:
        raise OrgError(f"This {_kind_label(unit)} is in use by other records") from error
    audit.record(
        actor, f"{kind}.delete", object_type=unit.__tablename__, object_id=unit_id, detail=detail
    )
    db.session.flush()


def _kind_label(unit: Region | Pdu | Team) -> str:
    return {"regions": "region", "pdus": "PDU", "teams": "team"}[unit.__tablename__]


def add_spo(actor: User, team: Team, user: User) -> RoleAssignment:
    """Make ``user`` an SPO of ``team`` (an ``spo`` role assignment scoped to it)."""
    if not user.active:
        raise OrgError("Select an active user", "user_id")
    if queries.spo_assignment(team, user.id) is not None:
        raise OrgError(f"{user.name} is already an SPO of this team", "user_id")
    assignment = RoleAssignment(user=user, role=Role.SPO.value, team=team)
    db.session.add(assignment)
    db.session.flush()
    audit.record(
        actor,
        "team.spo.add",
        user,
        detail={"team_id": team.id, "role_assignment_id": assignment.id},
    )
    db.session.flush()
    return assignment


def remove_spo(actor: User, team: Team, user: User) -> None:
    """Remove ``user``'s ``spo`` role for ``team``; their other roles are untouched."""
    assignment = queries.spo_assignment(team, user.id)
    if assignment is None:
        raise OrgError(f"{user.name} is not an SPO of this team")
    user.role_assignments.remove(assignment)
    db.session.flush()
    audit.record(actor, "team.spo.remove", user, detail={"team_id": team.id})
    db.session.flush()
