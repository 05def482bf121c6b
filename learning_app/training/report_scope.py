"""Whose training the demand and impact reports cover.

An L&D lead or a leader sees the units of their ``ld_lead`` and ``leader`` role
assignments: each region with every PDU in it, each PDU with every team in it. The
practitioners counted are the active users holding the practitioner role whose current
team is one of those teams. ``?unit=`` narrows the report to one unit inside the scope.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from learning_app.accounts.constants import Band, Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.extensions import db
from learning_app.org.units import UnitScope, unit_scope

REPORT_ROLES = (Role.LD_LEAD, Role.LEADER)

ReportScope = UnitScope


def report_scope(user: User) -> ReportScope:
    """The units of ``user``'s L&D lead and leader roles (empty for anyone else)."""
    return unit_scope(user, *REPORT_ROLES)


@dataclass(frozen=True)
class Person:
    """A practitioner in scope, as the reports show them."""

    id: int
    name: str
    team_id: int
    team_name: str
    band: Band | None


def practitioners_in(team_ids: Collection[int], today: date) -> list[Person]:
    """Active practitioners whose current team is one of ``team_ids``, by name."""
    if not team_ids:
        return []
    is_practitioner = select(RoleAssignment.id).where(
        RoleAssignment.user_id == User.id, RoleAssignment.role == Role.PRACTITIONER.value
    )
    users = db.session.scalars(
        select(User)
        .where(User.active.is_(True), User.team_id.in_(list(team_ids)), is_practitioner.exists())
        .options(joinedload(User.team))
        .order_by(User.name, User.id)
    )
    return [
        Person(
            id=u.id,
            name=u.name,
            team_id=u.team_id,
            team_name=u.team.name,
            band=u.band(today),
        )
        for u in users
    ]
