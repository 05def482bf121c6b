"""Fixtures for "My team": a published framework, two teams with their SPOs and
practitioners, and a way to write evidence."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import User
from learning_app.org.models import Team
from tests.development.evidence import Evidence


@pytest.fixture
def evidence(db_session, framework) -> Evidence:
    return Evidence(db_session, framework)


@dataclass
class Teams:
    north: Team
    south: Team
    spo: User  # manages north
    other_spo: User  # manages south
    alice: User  # north
    bob: User  # north
    carol: User  # north
    dan: User  # south


@pytest.fixture
def teams(factories) -> Teams:
    pdu = factories.pdu()
    north = factories.team(pdu, name="North")
    south = factories.team(pdu, name="South")

    def practitioner(name: str, team: Team) -> User:
        return factories.user(role=Role.PRACTITIONER, team=team, grade=Grade.PO, name=name)

    return Teams(
        north=north,
        south=south,
        spo=factories.spo(north, name="Sam Senior"),
        other_spo=factories.spo(south, name="Olu Other"),
        alice=practitioner("Alice Adams", north),
        bob=practitioner("Bob Brown", north),
        carol=practitioner("Carol Clark", north),
        dan=practitioner("Dan Davies", south),
    )
