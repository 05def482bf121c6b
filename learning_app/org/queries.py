"""Read side of the organisation: the unit tree, team members, SPOs and name checks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from learning_app.accounts.constants import Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.extensions import db
from learning_app.org.models import Pdu, Region, Team, TeamMembership


def normalise_name(name: str) -> str:
    """Names are compared and stored with single spaces and no outer whitespace."""
    return " ".join((name or "").split())


# Tree ---------------------------------------------------------------------------


@dataclass
class TeamNode:
    team: Team
    spos: list[User] = field(default_factory=list)
    member_count: int = 0


@dataclass
class PduNode:
    pdu: Pdu
    teams: list[TeamNode] = field(default_factory=list)


@dataclass
class RegionNode:
    region: Region
    pdus: list[PduNode] = field(default_factory=list)


def organisation_tree() -> list[RegionNode]:
    """Every region, PDU and team, with each team's SPOs and current member count.

    Four queries whatever the size of the organisation.
    """
    regions = db.session.scalars(select(Region).order_by(Region.name)).all()
    pdus = db.session.scalars(select(Pdu).order_by(Pdu.name)).all()
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    spos = spos_by_team()
    counts = member_counts()

    team_nodes: dict[int, list[TeamNode]] = defaultdict(list)
    for team in teams:
        team_nodes[team.pdu_id].append(
            TeamNode(team, spos.get(team.id, []), counts.get(team.id, 0))
        )
    pdu_nodes: dict[int, list[PduNode]] = defaultdict(list)
    for pdu in pdus:
        pdu_nodes[pdu.region_id].append(PduNode(pdu, team_nodes.get(pdu.id, [])))
    return [RegionNode(region, pdu_nodes.get(region.id, [])) for region in regions]


def spos_by_team(team_id: int | None = None) -> dict[int, list[User]]:
    """Users holding an ``spo`` role scoped to each team, by name."""
    statement = (
        select(RoleAssignment.team_id, User)
        .join(User, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.SPO.value, RoleAssignment.team_id.is_not(None))
        .order_by(User.name, User.id)
    )
    if team_id is not None:
        statement = statement.where(RoleAssignment.team_id == team_id)
    result: dict[int, list[User]] = defaultdict(list)
    for assigned_team_id, user in db.session.execute(statement):
        result[assigned_team_id].append(user)
    return dict(result)


def member_counts() -> dict[int, int]:
    """Number of open memberships per team."""
    rows = db.session.execute(
        select(TeamMembership.team_id, func.count())
        .where(TeamMembership.ended_on.is_(None))
        .group_by(TeamMembership.team_id)
    )
    return {team_id: count for team_id, count in rows}


# Teams --------------------------------------------------------------------------


def team_spos(team: Team) -> list[User]:
    return spos_by_team(team.id).get(team.id, [])


def current_members(team: Team) -> list[TeamMembership]:
    """Open memberships of the team, by member name."""
    return _memberships(team, TeamMembership.ended_on.is_(None), User.name, User.id)


def past_members(team: Team) -> list[TeamMembership]:
    """Closed memberships of the team, most recently ended first."""
    return _memberships(
        team,
        TeamMembership.ended_on.is_not(None),
        TeamMembership.ended_on.desc(),
        User.name,
        TeamMembership.id,
    )


def _memberships(team: Team, condition, *order_by) -> list[TeamMembership]:
    """Memberships of the team meeting ``condition``, with their users loaded."""
    return list(
        db.session.scalars(
            select(TeamMembership)
            .join(User, TeamMembership.user_id == User.id)
            .options(joinedload(TeamMembership.user))
            .where(TeamMembership.team_id == team.id, condition)
            .order_by(*order_by)
        )
    )


def open_membership(user_id: int, team_id: int) -> TeamMembership | None:
    return db.session.scalar(
        select(TeamMembership).where(
            TeamMembership.user_id == user_id,
            TeamMembership.team_id == team_id,
            TeamMembership.ended_on.is_(None),
        )
    )


def spo_candidates(team: Team) -> list[User]:
    """Active users who are not yet an SPO of the team, by name."""
    already = select(RoleAssignment.user_id).where(
        RoleAssignment.role == Role.SPO.value, RoleAssignment.team_id == team.id
    )
    return list(
        db.session.scalars(
            select(User)
            .where(User.active.is_(True), User.id.not_in(already))
            .order_by(User.name, User.id)
        )
    )


def spo_assignment(team: Team, user_id: int) -> RoleAssignment | None:
    return db.session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.role == Role.SPO.value,
            RoleAssignment.team_id == team.id,
            RoleAssignment.user_id == user_id,
        )
    )


def all_regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.name)))


def all_pdus() -> list[Pdu]:
    """Every PDU, by region then name, with its region loaded."""
    return list(
        db.session.scalars(
            select(Pdu)
            .join(Region, Pdu.region_id == Region.id)
            .options(joinedload(Pdu.region))
            .order_by(Region.name, Pdu.name)
        )
    )


def all_teams() -> list[Team]:
    """Every team, by PDU then name, with its PDU loaded."""
    return list(
        db.session.scalars(
            select(Team)
            .join(Pdu, Team.pdu_id == Pdu.id)
            .options(joinedload(Team.pdu))
            .order_by(Pdu.name, Team.name)
        )
    )


# Name checks --------------------------------------------------------------------


def _taken(statement, model, name: str, exclude_id: int | None) -> bool:
    statement = statement.where(func.lower(model.name) == normalise_name(name).lower())
    if exclude_id is not None:
        statement = statement.where(model.id != exclude_id)
    return db.session.scalar(select(statement.exists())) or False


def region_name_taken(name: str, exclude_id: int | None = None) -> bool:
    return _taken(select(Region.id), Region, name, exclude_id)


def pdu_name_taken(region_id: int, name: str, exclude_id: int | None = None) -> bool:
    return _taken(select(Pdu.id).where(Pdu.region_id == region_id), Pdu, name, exclude_id)


def team_name_taken(pdu_id: int, name: str, exclude_id: int | None = None) -> bool:
    return _taken(select(Team.id).where(Team.pdu_id == pdu_id), Team, name, exclude_id)


# Deletion -----------------------------------------------------------------------


def _count(statement) -> int:
    return db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def unit_usage(unit: Region | Pdu | Team) -> list[str]:
    """What still refers to a unit, in words; an empty list means it may be deleted."""
    reasons: list[str] = []
    if isinstance(unit, Region):
        pdus = _count(select(Pdu.id).where(Pdu.region_id == unit.id))
        roles = _count(select(RoleAssignment.id).where(RoleAssignment.region_id == unit.id))
        if pdus:
            reasons.append(_plural(pdus, "PDU", "PDUs"))
    elif isinstance(unit, Pdu):
        teams = _count(select(Team.id).where(Team.pdu_id == unit.id))
        roles = _count(select(RoleAssignment.id).where(RoleAssignment.pdu_id == unit.id))
        if teams:
            reasons.append(_plural(teams, "team", "teams"))
    else:
        users = _count(select(User.id).where(User.team_id == unit.id))
        memberships = _count(select(TeamMembership.id).where(TeamMembership.team_id == unit.id))
        roles = _count(select(RoleAssignment.id).where(RoleAssignment.team_id == unit.id))
        if users:
            reasons.append(_plural(users, "user", "users"))
        if memberships:
            reasons.append(
                _plural(
                    memberships,
                    "current or past team membership",
                    "current or past team memberships",
                )
            )
    if roles:
        reasons.append(_plural(roles, "role assignment", "role assignments"))
    return reasons
