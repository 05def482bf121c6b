"""Read and load a skills framework document (YAML or JSON).

``data/default_framework.yaml`` shows the shape: name, notes, and domains, each
with a code, a name and skills (slug, name, description, risk_critical,
descriptors for levels 1 to 4, targets by band). The rules it must follow are in
``learning_app.framework.validation``; every problem is reported, so an admin can
fix a file in one pass.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from learning_app.accounts.constants import BAND_ORDER
from learning_app.core import audit
from learning_app.extensions import db
from learning_app.framework.models import (
    Domain,
    FrameworkVersion,
    LevelDescriptor,
    Skill,
    TargetLevel,
    VersionStatus,
)

# The limits marked noqa are re-exported: framework services and queries import them from here.
from learning_app.framework.validation import (
    LEVELS,
    SKILL_NAME_MAX,  # noqa: F401
    SKILL_SLUG_MAX,  # noqa: F401
    SLUG_PATTERN,  # noqa: F401
    VERSION_NAME_MAX,
    check_text,
    level_key,
    show,
    validate_framework,
)

if TYPE_CHECKING:
    from learning_app.accounts.models import User

DEFAULT_FRAMEWORK_PATH = Path(__file__).parent / "data" / "default_framework.yaml"

FILE_SUFFIXES = (".yaml", ".yml", ".json")


class FrameworkDataError(Exception):
    """A framework document is not valid; ``errors`` lists every problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class FrameworkFileError(FrameworkDataError):
    """A framework file cannot be read or parsed, or its content is not valid."""


# Reading files ------------------------------------------------------------------------


class _StrictYamlLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys instead of keeping the last one silently."""


def _construct_mapping(loader: _StrictYamlLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node)
        try:
            duplicate = key in seen
            seen.add(key)
        except TypeError:
            continue  # unhashable: construct_mapping reports it
        if duplicate:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"found the key {show(key)} twice",
                key_node.start_mark,
            )
    return loader.construct_mapping(node)


_StrictYamlLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _parse_yaml(text: str) -> object:
    try:
        return yaml.load(text, Loader=_StrictYamlLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = exc.problem or exc.context or "unknown problem"
        raise FrameworkFileError([f"{where}the YAML cannot be read: {problem}"]) from exc
    except yaml.YAMLError as exc:
        raise FrameworkFileError([f"the YAML cannot be read: {exc}"]) from exc


def _parse_json(text: str) -> object:
    def refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise FrameworkFileError([f'the JSON has the key "{key}" twice in one object'])
            result[key] = value
        return result

    try:
        return json.loads(text, object_pairs_hook=refuse_duplicates)
    except json.JSONDecodeError as exc:
        raise FrameworkFileError(
            [f"line {exc.lineno}, column {exc.colno}: the JSON cannot be read: {exc.msg}"]
        ) from exc


def _check_suffix(suffix: str) -> None:
    if suffix not in FILE_SUFFIXES:
        raise FrameworkFileError(
            [f"the file name must end in .yaml, .yml or .json, not {suffix or 'nothing'}"]
        )


def decode_framework_bytes(raw: bytes) -> str:
    """The text of a framework file; raises ``FrameworkFileError`` if it is not UTF-8."""
    try:
        # utf-8-sig accepts files saved with a byte order mark by Windows editors.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FrameworkFileError(["the file is not UTF-8 text"]) from exc
    # Line breaks as reading a file in text mode gives them, so lines count the same.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_framework_text(text: str, suffix: str) -> dict[str, Any]:
    """Parse the text of a framework file and return it if it is valid.

    ``suffix`` (".yaml", ".yml" or ".json", any case) says how to read it. Raises
    ``FrameworkFileError`` listing every problem. Messages do not name the file:
    the caller knows it and says it once.
    """
    suffix = suffix.lower()
    _check_suffix(suffix)
    data = _parse_json(text) if suffix == ".json" else _parse_yaml(text)
    errors = validate_framework(data)
    if errors:
        raise FrameworkFileError(errors)
    assert isinstance(data, dict)
    return data


def parse_framework_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a .yaml, .yml or .json framework file and return it if it is valid.

    Raises ``FrameworkFileError`` listing every problem (see ``parse_framework_text``).
    """
    path = Path(path)
    _check_suffix(path.suffix.lower())
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise FrameworkFileError(["the file does not exist"]) from exc
    except IsADirectoryError as exc:
        raise FrameworkFileError(["this is a folder, not a file"]) from exc
    except OSError as exc:
        raise FrameworkFileError([f"the file cannot be read: {exc.strerror}"]) from exc
    return parse_framework_text(decode_framework_bytes(raw), path.suffix)


# Loading ------------------------------------------------------------------------------


def load_framework(
    data: Mapping[str, Any], actor: User | None = None, name: str | None = None
) -> FrameworkVersion:
    """Create a draft framework version from a document; ``name`` overrides its name.

    Validates first (raising ``FrameworkDataError``), adds and flushes the version
    with its domains, skills, descriptors and targets, and records
    ``framework.load``. Never commits.
    """
    errors = validate_framework(data)
    if name is not None:
        check_text(errors, "", {"name": name}, "name", max_length=VERSION_NAME_MAX)
    if errors:
        raise FrameworkDataError(errors)

    version = FrameworkVersion(
        name=(name or data["name"]).strip(),
        status=VersionStatus.DRAFT.value,
        notes=(data.get("notes") or "").strip() or None,
        created_by_id=actor.id if actor is not None else None,
    )
    position = 0
    for domain_position, domain_data in enumerate(data["domains"], start=1):
        domain = Domain(
            code=domain_data["code"].strip(),
            name=domain_data["name"].strip(),
            position=domain_position,
        )
        version.domains.append(domain)
        for skill_data in domain_data["skills"]:
            position += 1
            version.skills.append(_build_skill(skill_data, domain, position))
    db.session.add(version)
    db.session.flush()
    audit.record(
        actor,
        "framework.load",
        version,
        detail={
            "name": version.name,
            "domains": len(version.domains),
            "skills": len(version.skills),
        },
    )
    return version


def _build_skill(data: Mapping[str, Any], domain: Domain, position: int) -> Skill:
    descriptors = {level_key(level): text.strip() for level, text in data["descriptors"].items()}
    targets = data.get("targets") or {}
    return Skill(
        domain=domain,
        slug=data["slug"].strip(),
        name=data["name"].strip(),
        description=data["description"].strip(),
        risk_critical=data["risk_critical"],
        position=position,
        descriptors=[LevelDescriptor(level=level, text=descriptors[level]) for level in LEVELS],
        targets=[
            TargetLevel(band=band.value, level=targets[band.value])
            for band in BAND_ORDER
            if targets.get(band.value) is not None
        ],
    )
