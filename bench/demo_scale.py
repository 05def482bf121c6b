"""Scaling the demo organisation for the placing benchmark: copies of the demo's teams.

Each copy has its own SPO, with the capacity of the SPO of the team it copies, and
practitioners with the same grades and dates as that team's; copies are made team by team
until the organisation has the number of practitioners asked for. The copies have no
discussions yet, so the benchmark adds their first cadence discussions and case events
as it does for the demo's practitioners.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from learning_app.accounts.constants import Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.extensions import db
from learning_app.org.models import Team, TeamMembership
from learning_app.reflective.models import SpoCapacity
from learning_app.reflective.people import spo_ids_by_team


@dataclass
class Template:
    team: Team
    spo: User
    capacity: SpoCapacity
    practitioners: list[User]


def _templates() -> list[Template]:
    """The demo's teams whose SPO has set a capacity, with their practitioners."""
    team_spo = spo_ids_by_team()
    capacities = {c.spo_id: c for c in db.session.scalars(select(SpoCapacity))}
    people = db.session.scalars(
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.PRACTITIONER.value, User.active.is_(True))
        .order_by(User.id)
        .distinct()
    ).all()
    templates = []
    for team in db.session.scalars(select(Team).where(Team.id.in_(team_spo)).order_by(Team.id)):
        spo = db.session.get(User, team_spo[team.id])
        if spo.id not in capacities:
            continue
        members = [p for p in people if p.team_id == team.id and p.id != spo.id]
        templates.append(Template(team, spo, capacities[spo.id], members))
    return templates


def _person(template: User, email: str, name: str, team: Team, role: Role) -> User:
    scope = team if "team" in role.scope_kinds else None
    return User(
        email=email,
        name=name,
        grade=template.grade,
        team=team,
        started_on=template.started_on,
        qualified_on=template.qualified_on,
        password_hash=template.password_hash,
        role_assignments=[RoleAssignment(role=role.value, team=scope)],
    )


def scale_organisation(practitioners: int, today: date) -> int:
    """Copy the demo's teams until it has ``practitioners`` practitioners (flushed).

    Counts, as the benchmark does, the practitioners of teams with an SPO; returns the
    number of teams added (none when the demo already has as many).
    """
    templates = _templates()
    count = sum(len(t.practitioners) for t in templates)
    rows: list[object] = []
    copies = 0
    while count < practitioners:
        template = templates[copies % len(templates)]
        copies += 1
        team = Team(pdu_id=template.team.pdu_id, name=f"Bench team {copies}", site="Bench")
        spo = _person(
            template.spo, f"bench-spo-{copies}@example.test", template.spo.name, team, Role.SPO
        )
        capacity = template.capacity
        rows += [
            team,
            SpoCapacity(
                spo=spo,
                sessions_per_week=capacity.sessions_per_week,
                weekdays=capacity.weekdays,
                day_starts=capacity.day_starts,
                day_ends=capacity.day_ends,
                slot_minutes=capacity.slot_minutes,
            ),
        ]
        members = [spo]
        for number, person in enumerate(template.practitioners[: practitioners - count]):
            email = f"bench-{copies}-{number}@example.test"
            members.append(_person(person, email, person.name, team, Role.PRACTITIONER))
            count += 1
        rows += members
        rows += [
            TeamMembership(user=user, team=team, started_on=user.started_on or today)
            for user in members
        ]
    db.session.add_all(rows)
    db.session.flush()
    return copies
