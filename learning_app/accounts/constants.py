"""Grades, roles and experience bands (DESIGN.md section 2)."""

from __future__ import annotations

import enum
from datetime import date


class Grade(enum.StrEnum):
    PSO = "PSO"
    PQIP = "PQIP"
    PO = "PO"
    SPO = "SPO"
    OTHER = "OTHER"

    @property
    def label(self) -> str:
        return GRADE_LABELS[self]


GRADE_LABELS = {
    Grade.PSO: "Probation services officer (PSO)",
    Grade.PQIP: "Trainee probation officer (PQiP)",
    Grade.PO: "Probation officer (PO)",
    Grade.SPO: "Senior probation officer (SPO)",
    Grade.OTHER: "Other",
}


class Role(enum.StrEnum):
    PRACTITIONER = "practitioner"
    SPO = "spo"
    QDO = "qdo"
    LD_LEAD = "ld_lead"
    LEADER = "leader"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def scope_kinds(self) -> tuple[str, ...]:
        """Which kinds of organisation unit this role may be scoped to."""
        return ROLE_SCOPES[self]


ROLE_LABELS = {
    Role.PRACTITIONER: "Practitioner",
    Role.SPO: "Senior probation officer",
    Role.QDO: "Quality development officer",
    Role.LD_LEAD: "Learning and development lead",
    Role.LEADER: "Leader",
    Role.ADMIN: "Administrator",
}

# Practitioners and admins are not scoped: a practitioner sees their own records,
# an admin manages the whole service.
ROLE_SCOPES: dict[Role, tuple[str, ...]] = {
    Role.PRACTITIONER: (),
    Role.SPO: ("team",),
    Role.QDO: ("pdu",),
    Role.LD_LEAD: ("pdu", "region"),
    Role.LEADER: ("pdu", "region"),
    Role.ADMIN: (),
}


class Band(enum.StrEnum):
    TRAINEE = "trainee"
    NEW = "new"
    EXPERIENCED = "experienced"
    PSO = "pso"
    SPO = "spo"

    @property
    def label(self) -> str:
        return BAND_LABELS[self]


BAND_LABELS = {
    Band.TRAINEE: "Trainee (PQiP)",
    Band.NEW: "PO qualified under 2 years",
    Band.EXPERIENCED: "PO qualified 2 years or more",
    Band.PSO: "PSO",
    Band.SPO: "SPO",
}

# The order bands are shown in, least to most experienced.
BAND_ORDER = (Band.PSO, Band.TRAINEE, Band.NEW, Band.EXPERIENCED, Band.SPO)


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (0 if ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(0, months)


# A PO is in the new band for this many whole months after qualifying.
NEW_PO_MONTHS = 24


def experience_band(grade: str | Grade, qualified_on: date | None, today: date) -> Band | None:
    """Derive the experience band; it is never stored.

    A PO with no qualification date is treated as experienced: the date is only
    needed to tell the first two years apart.
    """
    grade = Grade(grade)
    if grade is Grade.PSO:
        return Band.PSO
    if grade is Grade.PQIP:
        return Band.TRAINEE
    if grade is Grade.SPO:
        return Band.SPO
    if grade is Grade.PO:
        if qualified_on is not None and months_between(qualified_on, today) < NEW_PO_MONTHS:
            return Band.NEW
        return Band.EXPERIENCED
    return None
