"""Factories that build what a test needs: organisation, users with roles."""

from __future__ import annotations

import itertools
from datetime import date
from functools import cache

from sqlalchemy.orm import Session

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.accounts.passwords import hash_password
from learning_app.org.models import Pdu, Region, Team, TeamMembership
from learning_app.training.models import DeliveryMode, TrainingModule

DEFAULT_PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@cache
def default_password_hash() -> str:
    return hash_password(DEFAULT_PASSWORD)


class Factories:
    def __init__(self, session: Session) -> None:
        self.session = session

    def region(self, name: str | None = None) -> Region:
        region = Region(name=name or f"Region {next(_counter)}")
        self.session.add(region)
        self.session.flush()
        return region

    def pdu(self, region: Region | None = None, name: str | None = None) -> Pdu:
        pdu = Pdu(region=region or self.region(), name=name or f"PDU {next(_counter)}")
        self.session.add(pdu)
        self.session.flush()
        return pdu

    def team(
        self, pdu: Pdu | None = None, name: str | None = None, site: str = "Leicester"
    ) -> Team:
        team = Team(pdu=pdu or self.pdu(), name=name or f"Team {next(_counter)}", site=site)
        self.session.add(team)
        self.session.flush()
        return team

    def training_module(
        self, mode: DeliveryMode = DeliveryMode.FACE_TO_FACE, size: int | None = 12
    ) -> TrainingModule:
        """A live module with no skills mapped; only face-to-face modules keep a cohort size."""
        module = TrainingModule(
            code=f"TM-{next(_counter):04d}",
            title="Risk of serious harm in practice",
            description="A day on writing risk management plans.",
            delivery_mode=mode,
            duration_hours=6,
            provider="HMPPS Learning",
            cohort_size=size if mode == DeliveryMode.FACE_TO_FACE else None,
        )
        self.session.add(module)
        self.session.flush()
        return module

    def user(
        self,
        *,
        roles: tuple[tuple[Role, object | None], ...] | None = None,
        role: Role | None = Role.PRACTITIONER,
        scope: Region | Pdu | Team | None = None,
        grade: Grade = Grade.PO,
        team: Team | None = None,
        email: str | None = None,
        name: str | None = None,
        qualified_on: date | None = None,
        started_on: date | None = date(2022, 1, 10),
        active: bool = True,
    ) -> User:
        n = next(_counter)
        user = User(
            email=(email or f"user{n}@example.test").lower(),
            name=name or f"Test User {n}",
            grade=grade,
            team=team,
            started_on=started_on,
            qualified_on=qualified_on,
            active=active,
            password_hash=default_password_hash(),
        )
        for r, s in roles or ((role, scope),):
            if r is not None:
                user.role_assignments.append(_assignment(Role(r), s))
        self.session.add(user)
        self.session.flush()
        if team is not None:
            self.session.add(
                TeamMembership(user=user, team=team, started_on=started_on or date(2022, 1, 10))
            )
            self.session.flush()
        return user

    def admin(self, **kwargs) -> User:
        kwargs.setdefault("grade", Grade.OTHER)
        return self.user(role=Role.ADMIN, **kwargs)

    def spo(self, team: Team, **kwargs) -> User:
        kwargs.setdefault("grade", Grade.SPO)
        return self.user(role=Role.SPO, scope=team, **kwargs)


def _assignment(role: Role, scope: object | None) -> RoleAssignment:
    if isinstance(scope, Team):
        return RoleAssignment(role=role, team=scope)
    if isinstance(scope, Pdu):
        return RoleAssignment(role=role, pdu=scope)
    if isinstance(scope, Region):
        return RoleAssignment(role=role, region=scope)
    return RoleAssignment(role=role)
