"""Fixtures for the practitioner's pages: a published framework, a team with its SPO,
a practitioner in it, and a way to write evidence."""

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
class People:
    team: Team
    spo: User
    practitioner: User
    colleague: User  # another practitioner of the same team


@pytest.fixture
def people(factories) -> People:
    team = factories.team(name="Leicester City North")
    return People(
        team=team,
        spo=factories.spo(team, name="Sam Senior"),
        practitioner=factories.user(
            role=Role.PRACTITIONER, team=team, grade=Grade.PO, name="Priya Practitioner"
        ),
        colleague=factories.user(role=Role.PRACTITIONER, team=team, name="Colin Colleague"),
    )
