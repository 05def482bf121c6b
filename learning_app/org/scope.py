"""A record that applies to one organisation unit: a team, a PDU or a region."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

if TYPE_CHECKING:
    from learning_app.org.models import Pdu, Region, Team


class UnitScopeMixin:
    """Exactly one of team, PDU or region; the CHECK lives in the schema."""

    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    pdu_id: Mapped[int | None] = mapped_column(ForeignKey("pdus.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)

    @declared_attr
    def team(cls) -> Mapped[Team | None]:
        return relationship("Team")

    @declared_attr
    def pdu(cls) -> Mapped[Pdu | None]:
        return relationship("Pdu")

    @declared_attr
    def region(cls) -> Mapped[Region | None]:
        return relationship("Region")

    @staticmethod
    def one_unit_check() -> CheckConstraint:
        return CheckConstraint(
            "(CASE WHEN team_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN pdu_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN region_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_unit",
        )

    @property
    def unit(self) -> Team | Pdu | Region:
        return self.team or self.pdu or self.region  # type: ignore[return-value]

    def set_unit(self, unit: Team | Pdu | Region) -> None:
        from learning_app.org.models import Pdu, Region, Team

        self.team = unit if isinstance(unit, Team) else None
        self.pdu = unit if isinstance(unit, Pdu) else None
        self.region = unit if isinstance(unit, Region) else None
