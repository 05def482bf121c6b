"""When a reflective discussion is due: the rules as data, read and applied with no database.

The defaults are ``data/rules.yaml`` (DOMAIN.md (d)); admins change them on a page and the
stored copy is read through the same ``parse_rules``, so a bad change is refused with
every error named (which rule, which field) before anything is saved.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from learning_app.accounts.constants import Band, months_between
from learning_app.reflective.working_days import add_working_days

DEFAULT_RULES_PATH = Path(__file__).with_name("data") / "rules.yaml"
PRACTITIONER_BANDS = (Band.TRAINEE, Band.PSO, Band.NEW, Band.EXPERIENCED)
MAX_WEEKS = 26
MAX_WORKING_DAYS = 30


class Rosh(enum.IntEnum):
    """Risk of serious harm levels, in order."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    VERY_HIGH = 4

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()

    @classmethod
    def from_value(cls, value: str) -> Rosh:
        return cls[value.upper()]


ROSH_VALUES = tuple(level.name.lower() for level in Rosh)


@dataclass(frozen=True)
class CadenceRule:
    band: Band
    every_weeks: int
    since: str | None = None  # "started_on" or "qualified_on"
    months_from: int = 0
    months_to: int | None = None

    def applies(self, band: Band, months: int | None) -> bool:
        if band != self.band:
            return False
        if self.since is None:
            return True
        if months is None:
            return self.months_from == 0
        return months >= self.months_from and (self.months_to is None or months < self.months_to)


@dataclass(frozen=True)
class CaseEventRule:
    code: str
    label: str
    due_working_days: int
    focus_skills: tuple[str, ...] = ()
    bands: frozenset[Band] | None = None
    min_rosh: Rosh | None = None

    def applies(self, band: Band | None, rosh: Rosh | None) -> bool:
        if self.bands is not None and band not in self.bands:
            return False
        return self.min_rosh is None or (rosh is not None and rosh >= self.min_rosh)


@dataclass(frozen=True)
class FollowUpRule:
    code: str
    label: str
    due_working_days: int


@dataclass(frozen=True)
class Rules:
    cadence: tuple[CadenceRule, ...]
    case_events: tuple[CaseEventRule, ...]
    follow_ups: tuple[FollowUpRule, ...]

    def case_event(self, code: str) -> CaseEventRule | None:
        return next((r for r in self.case_events if r.code == code), None)

    def follow_up(self, code: str) -> FollowUpRule | None:
        return next((r for r in self.follow_ups if r.code == code), None)


class RulesError(ValueError):
    """Every problem found in a rules document, each naming the rule and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def cadence_weeks(
    rules: Rules,
    band: Band | None,
    started_on: date | None,
    qualified_on: date | None,
    today: date,
) -> int | None:
    """How often (in weeks) this practitioner meets their SPO; None if no rule applies."""
    if band is None:
        return None
    for rule in rules.cadence:
        since = {"started_on": started_on, "qualified_on": qualified_on}.get(rule.since or "")
        months = months_between(since, today) if since is not None else None
        if rule.applies(band, months):
            return rule.every_weeks
    return None


def due_on(logged_on: date, working_days: int, holidays: Collection[date]) -> date:
    """The deadline ``working_days`` working days after the day something was logged."""
    return add_working_days(logged_on, working_days, holidays)


# Reading a rules document -------------------------------------------------------------


def read_rules_file(path: Path = DEFAULT_RULES_PATH) -> Rules:
    with path.open(encoding="utf-8") as handle:
        return parse_rules(yaml.safe_load(handle))


def parse_rules(document: Any, known_skills: Collection[str] | None = None) -> Rules:
    """Rules from a parsed document; ``RulesError`` lists every problem at once."""
    problems: list[str] = []
    if not isinstance(document, Mapping):
        raise RulesError(["The rules must be a mapping with cadence, case_events and follow_ups"])
    cadence = tuple(
        rule
        for i, row in enumerate(_rows(document, "cadence", problems), 1)
        if (rule := _cadence(row, f"Cadence rule {i}", problems)) is not None
    )
    events = tuple(
        rule
        for i, row in enumerate(_rows(document, "case_events", problems), 1)
        if (rule := _case_event(row, f"Case event {i}", known_skills, problems)) is not None
    )
    follow_ups = tuple(
        rule
        for i, row in enumerate(_rows(document, "follow_ups", problems), 1)
        if (rule := _follow_up(row, f"Follow-up {i}", problems)) is not None
    )
    for what, codes in (
        ("case event", [r.code for r in events]),
        ("follow-up", [r.code for r in follow_ups]),
    ):
        for code in sorted({c for c in codes if codes.count(c) > 1}):
            problems.append(f"The {what} code {code!r} is used more than once")
    for band in PRACTITIONER_BANDS:
        rows = sorted((r for r in cadence if r.band == band), key=lambda r: r.months_from)
        if not rows:
            problems.append(f"No cadence rule for {band.label}")
        elif (
            rows[0].months_from != 0
            or any(a.months_to != b.months_from for a, b in zip(rows, rows[1:], strict=False))
            or rows[-1].months_to is not None
        ):
            problems.append(
                f"The cadence rules for {band.label} must cover every month from 0, without gaps"
            )
    if problems:
        raise RulesError(problems)
    return Rules(cadence, events, follow_ups)


def _rows(document: Mapping, key: str, problems: list[str]) -> list[Mapping]:
    rows = document.get(key)
    if not isinstance(rows, list) or not rows:
        problems.append(f"{key} must be a list with at least one rule")
        return []
    good = [row for row in rows if isinstance(row, Mapping)]
    if len(good) != len(rows):
        problems.append(f"Every entry of {key} must be a mapping of fields")
    return good


def _whole(row: Mapping, field: str, where: str, low: int, high: int, problems: list[str]):
    value = row.get(field)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.append(f"{where}: {field} must be a whole number from {low} to {high}")
        return None
    return value


def _text(row: Mapping, field: str, where: str, problems: list[str], limit: int = 200):
    value = row.get(field)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        problems.append(f"{where}: {field} must be text of 1 to {limit} characters")
        return None
    return value.strip()


def _band(value: Any, where: str, problems: list[str]) -> Band | None:
    allowed = [b.value for b in PRACTITIONER_BANDS]
    if value not in allowed:
        problems.append(f"{where}: band must be one of {', '.join(allowed)}")
        return None
    return Band(value)


def _cadence(row: Mapping, where: str, problems: list[str]) -> CadenceRule | None:
    before = len(problems)
    band = _band(row.get("band"), where, problems)
    weeks = _whole(row, "every_weeks", where, 1, MAX_WEEKS, problems)
    since = row.get("since")
    if since not in (None, "started_on", "qualified_on"):
        problems.append(f"{where}: since must be started_on or qualified_on")
    months_from = row.get("months_from", 0)
    months_to = row.get("months_to")
    if since is None and ("months_from" in row or "months_to" in row):
        problems.append(f"{where}: months_from and months_to need since")
    if isinstance(months_from, bool) or not isinstance(months_from, int) or months_from < 0:
        problems.append(f"{where}: months_from must be a whole number, 0 or more")
    elif months_to is not None and (
        isinstance(months_to, bool) or not isinstance(months_to, int) or months_to <= months_from
    ):
        problems.append(f"{where}: months_to must be a whole number above months_from")
    if len(problems) > before:
        return None
    return CadenceRule(band, weeks, since, months_from, months_to)


def _case_event(
    row: Mapping, where: str, known_skills: Collection[str] | None, problems: list[str]
) -> CaseEventRule | None:
    before = len(problems)
    code = _text(row, "code", where, problems, limit=40)
    label = _text(row, "label", where, problems)
    days = _whole(row, "due_working_days", where, 1, MAX_WORKING_DAYS, problems)
    skills = row.get("focus_skills", [])
    if not isinstance(skills, list) or not all(isinstance(s, str) for s in skills):
        problems.append(f"{where}: focus_skills must be a list of skill slugs")
        skills = []
    elif known_skills is not None:
        for slug in skills:
            if slug not in known_skills:
                problems.append(f"{where}: focus skill {slug!r} is not in the published framework")
    bands = row.get("bands")
    band_set = None
    if bands is not None:
        if not isinstance(bands, list) or not bands:
            problems.append(f"{where}: bands must be a list of experience bands")
        else:
            band_set = frozenset(b for v in bands if (b := _band(v, where, problems)) is not None)
    min_rosh = row.get("min_rosh")
    if min_rosh is not None and min_rosh not in ROSH_VALUES:
        problems.append(f"{where}: min_rosh must be one of {', '.join(ROSH_VALUES)}")
    if len(problems) > before:
        return None
    return CaseEventRule(
        code,
        label,
        days,
        tuple(skills),
        band_set,
        Rosh.from_value(min_rosh) if min_rosh else None,
    )


def _follow_up(row: Mapping, where: str, problems: list[str]) -> FollowUpRule | None:
    before = len(problems)
    code = _text(row, "code", where, problems, limit=40)
    label = _text(row, "label", where, problems)
    days = _whole(row, "due_working_days", where, 1, MAX_WORKING_DAYS, problems)
    if len(problems) > before:
        return None
    return FollowUpRule(code, label, days)
