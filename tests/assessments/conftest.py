"""Fixtures for self-assessments and cycles: a published framework, a small
organisation, and the people who use these pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import User
from learning_app.org.models import Pdu, Region, Team

TODAY = date.today()


@dataclass
class Org:
    region: Region
    pdu: Pdu
    team: Team
    other_team: Team
    other_pdu: Pdu
    far_team: Team  # in another PDU of the same region


@pytest.fixture
def org(factories) -> Org:
    region = factories.region()
    pdu = factories.pdu(region)
    other_pdu = factories.pdu(region)
    return Org(
        region=region,
        pdu=pdu,
        team=factories.team(pdu, name="Alpha team"),
        other_team=factories.team(pdu, name="Bravo team"),
        other_pdu=other_pdu,
        far_team=factories.team(other_pdu, name="Charlie team"),
    )


@pytest.fixture
def practitioner(factories, org) -> User:
    return factories.user(team=org.team, name="Pat Practitioner", grade=Grade.PSO)


@pytest.fixture
def ld_lead(factories, org) -> User:
    return factories.user(role=Role.LD_LEAD, scope=org.pdu, grade=Grade.OTHER, name="Lee Lead")


def domain_data(skills, level: int | str | None = 3, confidence: str = "", comment: str = ""):
    """Form data answering every skill of a domain the same way."""
    data: dict[str, str] = {}
    for skill in skills:
        if level is not None:
            data[f"{skill.slug}-level"] = str(level)
        if confidence:
            data[f"{skill.slug}-confidence"] = confidence
        data[f"{skill.slug}-comment"] = comment
    return data
