"""Read side of the rules pages: the rules in force in plain words, and their history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from learning_app.accounts.constants import BAND_ORDER
from learning_app.admin import rules_changes as changes
from learning_app.extensions import db
from learning_app.framework import queries as framework_queries
from learning_app.reflective.models import RuleSet
from learning_app.reflective.rules import PRACTITIONER_BANDS

HISTORY_SHOWN = 50


@dataclass(frozen=True)
class CadenceLine:
    band: str
    months_from: int
    who: str
    how_often: str


@dataclass(frozen=True)
class CaseEventLine:
    code: str
    label: str
    deadline: str
    bands: str
    min_rosh: str
    focus_skills: list[str]


@dataclass(frozen=True)
class FollowUpLine:
    code: str
    label: str
    deadline: str


@dataclass(frozen=True)
class RulesInWords:
    cadence: list[CadenceLine]
    case_events: list[CaseEventLine]
    follow_ups: list[FollowUpLine]


def known_skills() -> set[str] | None:
    """Slugs a rule may name, or None (no check) while no framework is published."""
    version = framework_queries.published_version()
    return {s.slug for s in version.skills} if version is not None else None


def _band_order(value: str) -> int:
    order = [b.value for b in BAND_ORDER]
    return order.index(value) if value in order else len(order)


def bands_words(bands: list[str] | None) -> str:
    if bands is None or changes.is_every_band(bands):
        return "Every band"
    return ", ".join(changes.band_label(b) for b in sorted(bands, key=_band_order))


def in_words(document: Mapping) -> RulesInWords:
    """Each rule as a line a person can read, with skills by name."""
    names = {s.slug: s.name for s in framework_queries.published_skills()}
    cadence = sorted(
        document.get("cadence", []),
        key=lambda r: (_band_order(r.get("band", "")), r.get("months_from", 0)),
    )
    return RulesInWords(
        cadence=[
            CadenceLine(
                band=row["band"],
                months_from=row.get("months_from", 0),
                who=changes.cadence_who(row),
                how_often=f"Every {changes.weeks_words(row['every_weeks'])}",
            )
            for row in cadence
        ],
        case_events=[
            CaseEventLine(
                code=row["code"],
                label=row["label"],
                deadline=changes.working_days_words(row["due_working_days"]),
                bands=bands_words(row.get("bands")),
                min_rosh=changes.rosh_label(row.get("min_rosh")),
                focus_skills=[
                    names.get(slug, f"{slug} (not in the published framework)")
                    for slug in row.get("focus_skills", [])
                ],
            )
            for row in document.get("case_events", [])
        ],
        follow_ups=[
            FollowUpLine(
                code=row["code"],
                label=row["label"],
                deadline=changes.working_days_words(row["due_working_days"]),
            )
            for row in document.get("follow_ups", [])
        ],
    )


def history() -> tuple[list[RuleSet], int]:
    """The saved versions, newest first (at most ``HISTORY_SHOWN``), and how many there are."""
    total = db.session.scalar(select(func.count(RuleSet.id))) or 0
    shown = list(
        db.session.scalars(
            select(RuleSet)
            .options(joinedload(RuleSet.changed_by))
            .order_by(RuleSet.id.desc())
            .limit(HISTORY_SHOWN)
        )
    )
    return shown, total


def practitioner_bands() -> list[tuple[str, str]]:
    """The bands a rule can name, in display order."""
    return [
        (b.value, b.label) for b in sorted(PRACTITIONER_BANDS, key=lambda b: _band_order(b.value))
    ]
