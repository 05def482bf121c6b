"""The rules a skills framework document must follow, as one pure function.

``validate_framework`` reports every problem, each saying where it is ("domain A,
skill "rosh-analysis": ..."), so an admin can fix a file in one pass. The lengths
come from the columns, so a file is refused before the database would refuse it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from learning_app.accounts.constants import BAND_ORDER
from learning_app.framework.models import Domain, FrameworkVersion, Skill

LEVELS = (1, 2, 3, 4)
BAND_NAMES = tuple(band.value for band in BAND_ORDER)
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

VERSION_NAME_MAX = FrameworkVersion.__table__.c.name.type.length
DOMAIN_CODE_MAX = Domain.__table__.c.code.type.length
DOMAIN_NAME_MAX = Domain.__table__.c.name.type.length
SKILL_SLUG_MAX = Skill.__table__.c.slug.type.length
SKILL_NAME_MAX = Skill.__table__.c.name.type.length

TOP_KEYS = ("name", "notes", "domains")
DOMAIN_KEYS = ("code", "name", "skills")
SKILL_KEYS = ("slug", "name", "description", "risk_critical", "descriptors", "targets")


def validate_framework(data: object) -> list[str]:
    """Return every problem in a parsed framework document; an empty list means valid."""
    errors: list[str] = []
    if not isinstance(data, Mapping):
        return [
            "the document must be a mapping with the keys name, notes and domains, "
            f"not {_kind(data)}"
        ]
    _check_keys(errors, "", data, TOP_KEYS)
    check_text(errors, "", data, "name", max_length=VERSION_NAME_MAX)
    check_text(errors, "", data, "notes", required=False)
    domains = _check_list(errors, "", data, "domains", "domain")
    codes: dict[str, int] = {}
    slugs: dict[str, str] = {}
    for index, domain in enumerate(domains, start=1):
        _validate_domain(errors, index, domain, codes, slugs)
    return errors


def _validate_domain(
    errors: list[str], index: int, domain: object, codes: dict[str, int], slugs: dict[str, str]
) -> None:
    where = f"domain {index}"
    if not isinstance(domain, Mapping):
        errors.append(f"{where}: must be a mapping with code, name and skills, not {_kind(domain)}")
        return
    code = check_text(errors, where, domain, "code", max_length=DOMAIN_CODE_MAX)
    if code is not None:
        if code in codes:
            errors.append(f'{where}: code "{code}" is already used by domain {codes[code]}')
        else:
            codes[code] = index
            where = f"domain {code}"
    _check_keys(errors, where, domain, DOMAIN_KEYS)
    check_text(errors, where, domain, "name", max_length=DOMAIN_NAME_MAX)
    skills = _check_list(errors, where, domain, "skills", "skill")
    for skill_index, skill in enumerate(skills, start=1):
        _validate_skill(errors, where, skill_index, skill, slugs)


def _validate_skill(
    errors: list[str], domain_where: str, index: int, skill: object, slugs: dict[str, str]
) -> None:
    where = f"{domain_where}, skill {index}"
    if not isinstance(skill, Mapping):
        errors.append(
            f"{where}: must be a mapping with slug, name, description, risk_critical, "
            f"descriptors and targets, not {_kind(skill)}"
        )
        return
    slug = check_text(errors, where, skill, "slug", max_length=SKILL_SLUG_MAX)
    if slug is not None:
        where = f'{domain_where}, skill "{slug}"'
        if not SLUG_PATTERN.fullmatch(slug):
            errors.append(
                f'{where}: slug "{slug}" must contain only lowercase letters, digits and '
                "hyphens, and start and end with a letter or digit"
            )
        if slug in slugs:
            errors.append(f'{where}: slug "{slug}" is already used in {slugs[slug]}')
        else:
            slugs[slug] = domain_where
    _check_keys(errors, where, skill, SKILL_KEYS)
    check_text(errors, where, skill, "name", max_length=SKILL_NAME_MAX)
    check_text(errors, where, skill, "description")
    if skill.get("risk_critical") is None:
        errors.append(f"{where}: risk_critical is missing: give true or false")
    elif not isinstance(skill["risk_critical"], bool):
        errors.append(
            f"{where}: risk_critical must be true or false, not {show(skill['risk_critical'])}"
        )
    _validate_descriptors(errors, where, skill.get("descriptors"))
    _validate_targets(errors, where, skill.get("targets"))


def _validate_descriptors(errors: list[str], where: str, descriptors: object) -> None:
    if descriptors is None:
        errors.append(f"{where}: descriptors is missing: give the text for levels 1 to 4")
        return
    if not isinstance(descriptors, Mapping):
        errors.append(
            f"{where}: descriptors must be a mapping of levels 1 to 4 to text, "
            f"not {_kind(descriptors)}"
        )
        return
    seen: set[int] = set()
    for key, text in descriptors.items():
        level = level_key(key)
        if level is None:
            errors.append(f"{where}: descriptors: level {show(key)} is not one of 1, 2, 3, 4")
            continue
        if level in seen:
            errors.append(f"{where}: descriptors: level {level} is given more than once")
            continue
        seen.add(level)
        if not isinstance(text, str):
            errors.append(f"{where}: descriptors: level {level} must be text, not {_kind(text)}")
        elif not text.strip():
            errors.append(f"{where}: descriptors: level {level} is empty")
    for level in LEVELS:
        if level not in seen:
            errors.append(f"{where}: descriptors: level {level} is missing")


def _validate_targets(errors: list[str], where: str, targets: object) -> None:
    # No targets at all is allowed: a skill may have no expected level for any band.
    if targets is None:
        return
    if not isinstance(targets, Mapping):
        errors.append(f"{where}: targets must be a mapping of band to level, not {_kind(targets)}")
        return
    for band, level in targets.items():
        if band not in BAND_NAMES:
            errors.append(
                f"{where}: targets: band {show(band)} is not one of {', '.join(BAND_NAMES)}"
            )
        # null means "no target", the same as leaving the band out.
        elif level is not None and not _is_level(level):
            errors.append(
                f'{where}: targets: level {show(level)} for band "{band}" must be a whole '
                "number from 1 to 4"
            )


def _check_keys(errors: list[str], where: str, mapping: Mapping[Any, Any], known: tuple) -> None:
    for key in mapping:
        if key not in known:
            errors.append(_at(where, f"unknown key {show(key)} (expected {', '.join(known)})"))


def check_text(
    errors: list[str],
    where: str,
    mapping: Mapping[Any, Any],
    key: str,
    *,
    max_length: int | None = None,
    required: bool = True,
) -> str | None:
    """Check a text field and return it stripped, or None if it is absent or invalid."""
    value = mapping.get(key)
    if value is None:
        if required:
            errors.append(_at(where, f"{key} is missing"))
        return None
    if not isinstance(value, str):
        errors.append(_at(where, f"{key} must be text, not {_kind(value)}"))
        return None
    value = value.strip()
    if not value:
        errors.append(_at(where, f"{key} is empty"))
        return None
    if max_length is not None and len(value) > max_length:
        errors.append(
            _at(where, f"{key} is {len(value)} characters long; the most allowed is {max_length}")
        )
    return value


def _check_list(
    errors: list[str], where: str, mapping: Mapping[Any, Any], key: str, item: str
) -> list[Any]:
    value = mapping.get(key)
    if value is None:
        errors.append(_at(where, f"{key} is missing"))
        return []
    if not isinstance(value, list):
        errors.append(_at(where, f"{key} must be a list, not {_kind(value)}"))
        return []
    if not value:
        errors.append(_at(where, f"{key} is empty: add at least one {item}"))
    return value


def level_key(key: object) -> int | None:
    """Levels are numbers in YAML and strings in JSON; accept both."""
    if isinstance(key, str) and key.strip().isdigit():
        key = int(key.strip())
    if isinstance(key, int) and _is_level(key):
        return key
    return None


def _is_level(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in LEVELS


def _at(where: str, message: str) -> str:
    return f"{where}: {message}" if where else message


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def show(value: object) -> str:
    """A value as a message quotes it: text in double quotes, true/false, numbers as written."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return _kind(value)
