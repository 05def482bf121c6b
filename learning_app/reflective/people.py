"""Who holds a practitioner's reflective discussions: their own SPO."""

from __future__ import annotations

from sqlalchemy import select

from learning_app.accounts.constants import Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.extensions import db


def spo_ids_by_team(team_ids: set[int] | None = None) -> dict[int, int]:
    """For each team, the id of the SPO who holds its discussions.

    A team with several SPOs has its discussions held by the one who was given the team
    first (the lowest role assignment id), so the answer is stable from run to run.
    Inactive SPOs hold none.
    """
    statement = (
        select(RoleAssignment.team_id, RoleAssignment.user_id)
        .join(User, RoleAssignment.user_id == User.id)
        .where(
            RoleAssignment.role == Role.SPO.value,
            RoleAssignment.team_id.is_not(None),
            User.active.is_(True),
        )
        .order_by(RoleAssignment.id)
    )
    if team_ids is not None:
        statement = statement.where(RoleAssignment.team_id.in_(team_ids))
    result: dict[int, int] = {}
    for team_id, user_id in db.session.execute(statement):
        result.setdefault(team_id, user_id)
    return result


def spo_of(practitioner: User) -> User | None:
    """The practitioner's own SPO, or None when their team has no active SPO."""
    if practitioner.team_id is None:
        return None
    spo_id = spo_ids_by_team({practitioner.team_id}).get(practitioner.team_id)
    if spo_id is None or spo_id == practitioner.id:
        return None
    return db.session.get(User, spo_id)
