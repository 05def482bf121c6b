"""How each change on the rules pages builds the next rules document, and says what changed.

Pure functions, no database: each takes the document in force (the shape of
``reflective/data/rules.yaml``) and returns a changed deep copy with a one-line summary
for the history. Nothing here decides whether the result is valid: the view saves it
through ``rule_store.save_rules``, which reads it with ``rules.parse_rules`` and refuses
it with every problem named.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from learning_app.accounts.constants import Band
from learning_app.reflective.rules import PRACTITIONER_BANDS, Rosh

Document = dict[str, Any]
CODE_MAX = 40
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}


class RuleNotFound(LookupError):
    """The rule named in the address is not in the rules in force."""


@dataclass(frozen=True)
class CaseEventInput:
    """What the case event form gives: ``bands`` None means every band."""

    label: str
    due_working_days: int
    bands: tuple[str, ...] | None
    min_rosh: str | None
    focus_skills: tuple[str, ...]


# Finding rules ---------------------------------------------------------------------------


def cadence_row(document: Mapping, band: str, months_from: int) -> Mapping:
    """The cadence rule of ``band`` that starts at ``months_from``."""
    for row in document.get("cadence", []):
        if row.get("band") == band and row.get("months_from", 0) == months_from:
            return row
    raise RuleNotFound(f"cadence {band} {months_from}")


def next_cadence_row(document: Mapping, band: str, months_from: int) -> Mapping | None:
    """The cadence rule of the same band that starts where this one ends, if any."""
    months_to = cadence_row(document, band, months_from).get("months_to")
    if months_to is None:
        return None
    for row in document.get("cadence", []):
        if row.get("band") == band and row.get("months_from", 0) == months_to:
            return row
    return None


def _coded(document: Mapping, key: str, code: str) -> Mapping:
    for row in document.get(key, []):
        if row.get("code") == code:
            return row
    raise RuleNotFound(f"{key} {code}")


def case_event_row(document: Mapping, code: str) -> Mapping:
    return _coded(document, "case_events", code)


def follow_up_row(document: Mapping, code: str) -> Mapping:
    return _coded(document, "follow_ups", code)


# Plain words -----------------------------------------------------------------------------


def band_label(value: str) -> str:
    try:
        return Band(value).label
    except ValueError:
        return value


def period_words(row: Mapping) -> str | None:
    """When in someone's career a cadence rule applies: "first year after starting"."""
    since = row.get("since")
    if since is None:
        return None
    event = "starting" if since == "started_on" else "qualifying"
    start, end = row.get("months_from", 0), row.get("months_to")
    if end is None:
        if start == 0:
            return None
        if start % 12 == 0:
            years = start // 12
            return f"{years} year{'' if years == 1 else 's'} or more after {event}"
        return f"{start} months or more after {event}"
    if start % 12 == 0 and end - start == 12 and end // 12 in ORDINALS:
        return f"{ORDINALS[end // 12]} year after {event}"
    if start == 0:
        return f"first {end} months after {event}"
    return f"{start} to {end} months after {event}"


def cadence_who(row: Mapping) -> str:
    """ "PSO, first year after starting", or just the band when the rule has no period."""
    period = period_words(row)
    label = band_label(row.get("band", ""))
    return f"{label}, {period}" if period else label


def weeks_words(weeks: int) -> str:
    return "1 week" if weeks == 1 else f"{weeks} weeks"


def working_days_words(days: int) -> str:
    return "1 working day" if days == 1 else f"{days} working days"


def rosh_label(value: str | None) -> str:
    return Rosh.from_value(value).label if value else "Any level"


# Changes ---------------------------------------------------------------------------------


def change_cadence(
    document: Mapping, band: str, months_from: int, every_weeks: int, months_to: int | None
) -> tuple[Document, str]:
    """Set how often a band meets; ``months_to`` moves the boundary with the next rule."""
    new = copy.deepcopy(dict(document))
    row = cadence_row(new, band, months_from)
    following = next_cadence_row(new, band, months_from)
    who = cadence_who(row)
    changes = []
    if row["every_weeks"] != every_weeks:
        changes.append(
            f"every {weeks_words(row['every_weeks'])} to every {weeks_words(every_weeks)}"
        )
        row["every_weeks"] = every_weeks
    if months_to is not None and following is not None and row.get("months_to") != months_to:
        changes.append(f"ends at {row['months_to']} months to {months_to} months")
        row["months_to"] = months_to
        following["months_from"] = months_to
    return new, f"Cadence for {who}: {'; '.join(changes) or 'no change'}"


def _event_fields(row: dict[str, Any], change: CaseEventInput) -> None:
    row["label"] = change.label
    row["due_working_days"] = change.due_working_days
    row.pop("bands", None)
    if change.bands is not None:
        row["bands"] = list(change.bands)
    row.pop("min_rosh", None)
    if change.min_rosh:
        row["min_rosh"] = change.min_rosh
    row["focus_skills"] = list(change.focus_skills)


def change_case_event(document: Mapping, code: str, change: CaseEventInput) -> tuple[Document, str]:
    """Change a case event type; its code stays, as logged events refer to it."""
    new = copy.deepcopy(dict(document))
    row = case_event_row(new, code)
    before = dict(row)
    _event_fields(row, change)
    names = {
        "label": "name",
        "due_working_days": "deadline",
        "bands": "bands",
        "min_rosh": "minimum risk level",
        "focus_skills": "focus skills",
    }
    # An absent focus_skills is the same as an empty list.
    empty = {"focus_skills": []}
    changed = [
        name
        for key, name in names.items()
        if before.get(key, empty.get(key)) != row.get(key, empty.get(key))
    ]
    return new, f"Case event ‘{change.label}’: {', '.join(changed) or 'no'} changed"


def add_case_event(document: Mapping, change: CaseEventInput) -> tuple[Document, str, str]:
    """Add a case event type with a code made from its label; returns the code too."""
    new = copy.deepcopy(dict(document))
    rows = new.setdefault("case_events", [])
    code = unique_code(change.label, (r.get("code", "") for r in rows))
    row: dict[str, Any] = {"code": code}
    _event_fields(row, change)
    rows.append(row)
    return new, f"Case event ‘{change.label}’ added", code


def remove_case_event(document: Mapping, code: str) -> tuple[Document, str]:
    new = copy.deepcopy(dict(document))
    row = case_event_row(new, code)
    new["case_events"] = [r for r in new["case_events"] if r.get("code") != code]
    return new, f"Case event ‘{row.get('label', code)}’ removed"


def change_follow_up(
    document: Mapping, code: str, label: str, due_working_days: int
) -> tuple[Document, str]:
    new = copy.deepcopy(dict(document))
    row = follow_up_row(new, code)
    changes = []
    if row.get("label") != label:
        changes.append("name")
        row["label"] = label
    if row.get("due_working_days") != due_working_days:
        changes.append(
            f"deadline {working_days_words(row.get('due_working_days', 0))} to "
            f"{working_days_words(due_working_days)}"
        )
        row["due_working_days"] = due_working_days
    return new, f"Follow-up ‘{label}’: {'; '.join(changes) or 'no change'}"


_WHERE = re.compile(r"^(Cadence rule|Case event|Follow-up) (\d+): ")
_LISTS = {"Cadence rule": "cadence", "Case event": "case_events", "Follow-up": "follow_ups"}


def readable_problem(document: Mapping, problem: str) -> str:
    """Name the rule a problem is about as people see it: "Case event ‘MAPPA ...’: ..."."""
    match = _WHERE.match(problem)
    if match is None:
        return problem
    kind, position = match.group(1), int(match.group(2))
    rows = document.get(_LISTS[kind], [])
    row = rows[position - 1] if 0 < position <= len(rows) else {}
    name = cadence_who(row) if kind == "Cadence rule" else row.get("label")
    if not name:
        return problem
    return f"{kind.replace(' rule', '')} ‘{name}’: {problem[match.end() :]}"


def is_every_band(bands: Iterable[str]) -> bool:
    return set(bands) >= {b.value for b in PRACTITIONER_BANDS}


def slug(text: str) -> str:
    """ "MAPPA level 2 or 3 case" -> "mappa-level-2-or-3-case" (at most 40 characters)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return words[:CODE_MAX].rstrip("-") or "case-event"


def unique_code(label: str, taken: Iterable[str]) -> str:
    """A code from the label, with "-2", "-3"... when another rule has it already."""
    taken = set(taken)
    base = slug(label)
    code, n = base, 1
    while code in taken:
        n += 1
        suffix = f"-{n}"
        code = base[: CODE_MAX - len(suffix)].rstrip("-") + suffix
    return code
