"""A small PDU whose every heatmap cell can be worked out by hand.

Team A (Leicester): four POs with gaps 1, 1, 2, 0 and two PSOs with gaps 2, 2 on the
first skill. Team B (Leicester): three POs with gaps 1, 1, 1. Team C (Hinckley): seven
POs with gaps 0, 0, 0, 1, 1, 1, 1. Every other skill has a gap of 0 for everyone.
Observed levels are 2 where the gap is positive and 3 otherwise; nobody self-assessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import User
from learning_app.analytics.rollups import refresh_pdu
from learning_app.org.models import Pdu, Region, Team
from learning_app.profiles.models import SkillProfileRecord
from learning_app.profiles.services import published_skills

GAPS = {
    "A": [
        (Grade.PO, 1),
        (Grade.PO, 1),
        (Grade.PO, 2),
        (Grade.PO, 0),
        (Grade.PSO, 2),
        (Grade.PSO, 2),
    ],
    "B": [(Grade.PO, 1), (Grade.PO, 1), (Grade.PO, 1)],
    "C": [(Grade.PO, g) for g in (0, 0, 0, 1, 1, 1, 1)],
}


def add_profiles(db_session, person: User, slugs: list[str], gap: int) -> None:
    """``person``'s stored profile: ``gap`` on the first skill (observed at 2), none on the
    rest (observed at 3), all with enough evidence."""
    for slug in slugs:
        g = gap if slug == slugs[0] else 0
        db_session.add(
            SkillProfileRecord(
                practitioner_id=person.id,
                skill_slug=slug,
                observed_level=2.0 if g else 3.0,
                level=2.0 if g else 3.0,
                evidence_count=1,
                evidence_gap=False,
                target=3,
                gap=float(g),
                priority=float(g) * 2,
                as_of=date(2026, 12, 1),
            )
        )


@dataclass
class Unit:
    region: Region
    pdu: Pdu
    teams: dict[str, Team]
    skill: str
    skills: list[str]
    leader: User
    spo_b: User
    people: list[User] = field(default_factory=list)


@pytest.fixture
def unit(db_session, factories, published_framework) -> Unit:
    region = factories.region("Midlands")
    pdu = factories.pdu(region, "Leicestershire")
    teams = {
        "A": factories.team(pdu, "Alpha", site="Leicester"),
        "B": factories.team(pdu, "Bravo", site="Leicester"),
        "C": factories.team(pdu, "Charlie", site="Hinckley"),
    }
    slugs = [s.slug for s in published_skills()]
    people = []
    for name, members in GAPS.items():
        for grade, gap in members:
            person = factories.user(grade=grade, team=teams[name])
            people.append(person)
            add_profiles(db_session, person, slugs, gap)
    db_session.flush()
    refresh_pdu(pdu.id, date(2026, 12, 1))
    leader = factories.user(role=Role.LEADER, scope=pdu, grade=Grade.OTHER)
    spo_b = factories.spo(teams["B"])
    return Unit(region, pdu, teams, slugs[0], slugs, leader, spo_b, people)
