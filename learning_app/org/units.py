"""The units a person looks after through their role assignments, for unit-wide pages.

A role scoped to a region covers every PDU in it, and a PDU covers every team in it.
``unit_key`` names a unit in a URL or a form (``team-3``, ``pdu-2``, ``region-1``).
``unit_selection`` reads the ``?unit=`` filter of a unit-wide page against the reader's
scope.
"""

from __future__ import annotations

from collections import defaultdict

from flask import abort, request
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User
from learning_app.core.policy import unit_ids
from learning_app.core.requests import current_actor
from learning_app.extensions import db
from learning_app.org.models import Pdu, Region, Team

Unit = Team | Pdu | Region
UNIT_KEY_MAX = 40  # longer than any real "region-123456" key


def unit_key(unit: Unit) -> str:
    """How a unit is named in a URL or a form: ``team-3``, ``pdu-2``, ``region-1``."""
    kind = {Team: "team", Pdu: "pdu", Region: "region"}[type(unit)]
    return f"{kind}-{unit.id}"


class UnitScope:
    """The regions, every PDU inside them (or named), and every team inside those PDUs.

    The teams are read as ids when first needed, and as ``Team`` objects only when the
    whole list is asked for (``teams``, ``units``): a national reader looks after 2,000.
    """

    def __init__(
        self,
        regions: list[Region] | None = None,
        pdus: list[Pdu] | None = None,
        teams: list[Team] | None = None,
    ) -> None:
        self.regions = regions or []
        self.pdus = pdus or []
        self._teams = teams
        self._team_pdus: dict[int, int] | None = None

    @property
    def teams(self) -> list[Team]:
        """Every team of the scope, by name."""
        if self._teams is None:
            self._teams = _teams_of(self.pdus)
        return self._teams

    def team_pdus(self) -> dict[int, int]:
        """Every team's PDU, by team id."""
        if self._team_pdus is None:
            if self._teams is not None or not self.pdus:
                self._team_pdus = {t.id: t.pdu_id for t in self.teams}
            else:
                pdu_ids = [p.id for p in self.pdus]
                self._team_pdus = dict(
                    db.session.execute(select(Team.id, Team.pdu_id).where(Team.pdu_id.in_(pdu_ids)))
                    .tuples()
                    .all()
                )
        return self._team_pdus

    @property
    def units(self) -> list[Unit]:
        """Regions first, then each PDU followed by its teams (the order of a unit filter)."""
        return self._units(self.teams)

    def _units(self, teams: list[Team]) -> list[Unit]:
        teams_by_pdu: dict[int, list[Team]] = defaultdict(list)
        for team in teams:
            teams_by_pdu[team.pdu_id].append(team)
        units: list[Unit] = list(self.regions)
        for pdu in self.pdus:
            units.append(pdu)
            units.extend(teams_by_pdu.get(pdu.id, []))
        return units

    def unit_count(self) -> int:
        return len(self.regions) + len(self.pdus) + len(self.team_pdus())

    def listed_units(self, unit: Unit | None) -> list[Unit]:
        """``units``, or past ``UNIT_CHOICES_MAX`` of them only the teams of the PDU of
        ``unit``: what ``unit_choices`` lists, without reading every team."""
        if self._teams is not None or self.unit_count() <= UNIT_CHOICES_MAX:
            return self.units
        pdu_id = unit.id if isinstance(unit, Pdu) else getattr(unit, "pdu_id", None)
        pdus = [p for p in self.pdus if p.id == pdu_id]
        return self._units(_teams_of(pdus))

    def unit_by_key(self, key: str) -> Unit | None:
        """The unit named ``pdu-3`` (say) if it is inside the scope, else None."""
        if not key or len(key) > UNIT_KEY_MAX:
            return None
        kind, _, number = key.partition("-")
        if not number.isdigit() or str(int(number)) != number:
            return None
        unit_id = int(number)
        if kind == "region":
            return next((r for r in self.regions if r.id == unit_id), None)
        if kind == "pdu":
            return next((p for p in self.pdus if p.id == unit_id), None)
        if kind == "team" and unit_id in self.team_pdus():
            return db.session.get(Team, unit_id)
        return None

    def team_ids(self, unit: Unit | None = None) -> set[int]:
        """The teams of the whole scope, or of one unit of it."""
        team_pdus = self.team_pdus()
        if unit is None:
            return set(team_pdus)
        if isinstance(unit, Team):
            return {unit.id}
        if isinstance(unit, Pdu):
            return {t for t, p in team_pdus.items() if p == unit.id}
        pdu_ids = {p.id for p in self.pdus if p.region_id == unit.id}
        return {t for t, p in team_pdus.items() if p in pdu_ids}


def _teams_of(pdus: list[Pdu]) -> list[Team]:
    if not pdus:
        return []
    return list(
        db.session.scalars(
            select(Team).where(Team.pdu_id.in_([p.id for p in pdus])).order_by(Team.name, Team.id)
        )
    )


def unit_scope(user: User, *roles: Role) -> UnitScope:
    """The units of ``user``'s PDU- and region-scoped assignments of ``roles``."""
    _teams, pdu_ids, region_ids = unit_ids(user, *roles)
    if not pdu_ids and not region_ids:
        return UnitScope()
    regions = list(
        db.session.scalars(select(Region).where(Region.id.in_(region_ids)).order_by(Region.name))
    )
    pdus = list(
        db.session.scalars(
            select(Pdu)
            .where(or_(Pdu.id.in_(pdu_ids), Pdu.region_id.in_(region_ids)))
            .options(joinedload(Pdu.region))
            .order_by(Pdu.name, Pdu.id)
        )
    )
    return UnitScope(regions, pdus)


def scope_team_ids(user: User, *roles: Role) -> set[int]:
    """The teams of ``unit_scope(user, *roles)``, read as ids alone."""
    _teams, pdu_ids, region_ids = unit_ids(user, *roles)
    if not pdu_ids and not region_ids:
        return set()
    in_regions = select(Pdu.id).where(Pdu.region_id.in_(region_ids))
    return set(
        db.session.scalars(
            select(Team.id).where(or_(Team.pdu_id.in_(pdu_ids), Team.pdu_id.in_(in_regions)))
        )
    )


ALL_UNITS_LABEL = "All the units you look after"
# A national reader looks after 2,000 teams: a list that long is no use to choose from (and
# slow to draw), so past this many units the teams listed are those of the PDU in view.
UNIT_CHOICES_MAX = 100


def unit_choices(
    units: list[Unit], unit: Unit | None, own_teams: set[int] | frozenset[int] = frozenset()
) -> list[tuple[str, str]]:
    """(key, label) of the units of a unit filter: all of them, or, for a wide scope, the
    regions and PDUs with the teams of the PDU in view (and the reader's own teams)."""
    if len(units) > UNIT_CHOICES_MAX:
        pdu_id = unit.id if isinstance(unit, Pdu) else getattr(unit, "pdu_id", None)
        units = [
            u for u in units if not isinstance(u, Team) or u.pdu_id == pdu_id or u.id in own_teams
        ]
    return [(unit_key(u), u.label) for u in units]


class UnitSelection:
    """A reader's scope, the unit chosen in the filter (None: all of it) and its teams."""

    def __init__(self, scope: UnitScope, key: str = "") -> None:
        self.scope = scope
        self.unit: Unit | None = None
        key = key.strip()
        if key:
            self.unit = scope.unit_by_key(key)
            if self.unit is None:
                abort(404)
        self.team_ids = scope.team_ids(self.unit)

    @property
    def key(self) -> str:
        return unit_key(self.unit) if self.unit is not None else ""

    @property
    def label(self) -> str:
        return self.unit.label if self.unit is not None else ALL_UNITS_LABEL

    def template_values(self) -> dict:
        """What a page's unit filter and caption need."""
        return {
            "units": unit_choices(self.scope.listed_units(self.unit), self.unit),
            "unit_key": self.key,
            "unit_label": self.label,
            "url_args": {"unit": self.key} if self.key else {},
        }


def unit_selection(*roles: Role) -> UnitSelection:
    """The signed-in reader's units under ``roles``, narrowed by ``?unit=``.

    A unit that is unknown or outside the scope answers 404, like any object the reader
    may not see, rather than quietly showing something else.
    """
    return UnitSelection(unit_scope(current_actor(), *roles), request.args.get("unit", ""))
