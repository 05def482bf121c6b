"""The training catalogue as a document: its rules, reading it, and loading it.

``data/catalogue.yaml`` shows the shape: ``modules``, a list of modules, each with a
code, title, description, mode, duration_hours, provider, link, cohort_size,
illustrative and skills (each ``{skill, from, to}``). ``validate_catalogue`` is pure
and reports every problem, each naming the module and the field, so an operator can
fix a file in one pass. ``load_catalogue`` upserts modules by code and replaces their
skill mappings.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from sqlalchemy import func, select

from learning_app.core import audit
from learning_app.extensions import db
from learning_app.training.models import DeliveryMode, ModuleSkill, TrainingModule

if TYPE_CHECKING:
    from learning_app.accounts.models import User

DEFAULT_CATALOGUE_PATH = Path(__file__).parent / "data" / "catalogue.yaml"

CODE_PATTERN = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CODE_MAX = TrainingModule.__table__.c.code.type.length
TITLE_MAX = TrainingModule.__table__.c.title.type.length
PROVIDER_MAX = TrainingModule.__table__.c.provider.type.length
LINK_MAX = TrainingModule.__table__.c.link.type.length
SLUG_MAX = ModuleSkill.__table__.c.skill_slug.type.length
DURATION_MAX = 1000
COHORT_MAX = 500
FROM_LEVELS = (1, 2, 3)
TO_LEVELS = (2, 3, 4)

MODE_NAMES = ", ".join(m.value for m in DeliveryMode)
MODULE_KEYS = (
    "code",
    "title",
    "description",
    "mode",
    "duration_hours",
    "provider",
    "link",
    "cohort_size",
    "illustrative",
    "skills",
)
MAPPING_KEYS = ("skill", "from", "to")
FILE_SUFFIXES = (".yaml", ".yml", ".json")


class CatalogueError(Exception):
    """A catalogue document is not valid; ``errors`` lists every problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


# Validation (pure) ----------------------------------------------------------------------


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def _text(
    errors: list[str],
    where: str,
    data: Mapping[str, Any],
    key: str,
    *,
    required: bool = True,
    max_length: int | None = None,
) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.append(f"{where}: {key} is missing")
        return None
    if not isinstance(value, str):
        errors.append(f"{where}: {key} must be text, not {_kind(value)}")
        return None
    value = value.strip()
    if max_length is not None and len(value) > max_length:
        errors.append(f"{where}: {key} must be {max_length} characters or fewer")
        return None
    return value


def _whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_catalogue(data: object, known_skills: Collection[str] | None = None) -> list[str]:
    """Return every problem in a parsed catalogue document; an empty list means valid.

    ``known_skills`` are the slugs of the published framework; with None (no framework
    yet) only the form of each slug is checked.
    """
    if not isinstance(data, Mapping):
        return [f"the document must be a mapping with the key modules, not {_kind(data)}"]
    errors: list[str] = []
    for key in data:
        if key != "modules":
            errors.append(f'unknown key "{key}" (the document has only the key modules)')
    modules = data.get("modules")
    if not isinstance(modules, list) or not modules:
        errors.append(
            "modules is missing" if modules is None else "modules must be a list of modules"
        )
        return errors
    codes: dict[str, int] = {}
    for index, module in enumerate(modules, start=1):
        _validate_module(errors, index, module, codes, known_skills)
    return errors


def _validate_module(
    errors: list[str],
    index: int,
    module: object,
    codes: dict[str, int],
    known_skills: Collection[str] | None,
) -> None:
    where = f"module {index}"
    if not isinstance(module, Mapping):
        errors.append(f"{where}: must be a mapping with code, title and so on, not {_kind(module)}")
        return
    raw_code = module.get("code")
    if isinstance(raw_code, str) and raw_code.strip():
        where = f'module {index} "{raw_code.strip()}"'
    for key in module:
        if key not in MODULE_KEYS:
            errors.append(f'{where}: unknown field "{key}" (known: {", ".join(MODULE_KEYS)})')
    code = _text(errors, where, module, "code", max_length=CODE_MAX)
    if code is not None:
        if not CODE_PATTERN.fullmatch(code):
            errors.append(
                f"{where}: code must be capital letters and digits joined by hyphens, like PL-01"
            )
        elif code in codes:
            errors.append(f"{where}: code {code} is already used by module {codes[code]}")
        else:
            codes[code] = index
    _text(errors, where, module, "title", max_length=TITLE_MAX)
    _text(errors, where, module, "description")
    _text(errors, where, module, "provider", max_length=PROVIDER_MAX)
    mode = module.get("mode")
    if mode is None:
        errors.append(f"{where}: mode is missing")
    elif mode not in {m.value for m in DeliveryMode}:
        errors.append(f'{where}: mode "{mode}" is not one of {MODE_NAMES}')
    duration = module.get("duration_hours")
    if duration is None:
        errors.append(f"{where}: duration_hours is missing")
    elif isinstance(duration, bool) or not isinstance(duration, int | float):
        errors.append(f"{where}: duration_hours must be a number of hours, not {_kind(duration)}")
    elif not 0 < duration <= DURATION_MAX:
        errors.append(f"{where}: duration_hours must be more than 0 and at most {DURATION_MAX}")
    link = _text(errors, where, module, "link", required=False, max_length=LINK_MAX)
    if link is not None and not link.startswith(("https://", "http://")):
        errors.append(f"{where}: link must start with https://")
    _validate_cohort_size(errors, where, module)
    illustrative = module.get("illustrative")
    if illustrative is not None and not isinstance(illustrative, bool):
        errors.append(f"{where}: illustrative must be true or false, not {_kind(illustrative)}")
    _validate_skills(errors, where, module.get("skills"), known_skills)


def _validate_cohort_size(errors: list[str], where: str, module: Mapping[str, Any]) -> None:
    size = module.get("cohort_size")
    if size is None:
        return
    if not _whole_number(size) or not 0 < size <= COHORT_MAX:
        errors.append(f"{where}: cohort_size must be a whole number from 1 to {COHORT_MAX}")
    elif module.get("mode") != DeliveryMode.FACE_TO_FACE.value:
        errors.append(f"{where}: cohort_size is only for face_to_face modules")


def _validate_skills(
    errors: list[str], where: str, skills: object, known_skills: Collection[str] | None
) -> None:
    if skills is None:
        errors.append(f"{where}: skills is missing")
        return
    if not isinstance(skills, list) or not skills:
        errors.append(f"{where}: skills must be a list of {{skill, from, to}}")
        return
    seen: set[tuple[str, int]] = set()
    for number, mapping in enumerate(skills, start=1):
        at = f"{where}, skill {number}"
        if not isinstance(mapping, Mapping):
            errors.append(f"{at}: must be a mapping with skill, from and to, not {_kind(mapping)}")
            continue
        for key in mapping:
            if key not in MAPPING_KEYS:
                errors.append(f'{at}: unknown field "{key}" (known: skill, from, to)')
        slug = _text(errors, at, mapping, "skill", max_length=SLUG_MAX)
        if slug is not None:
            at = f'{where}, skill "{slug}"'
            if not SLUG_PATTERN.fullmatch(slug):
                errors.append(f"{at}: skill must be a slug such as rosh-analysis")
                slug = None
            elif known_skills is not None and slug not in known_skills:
                errors.append(f"{at}: no skill has this slug in the published framework")
        start, end = mapping.get("from"), mapping.get("to")
        levels_ok = True
        if not _whole_number(start) or start not in FROM_LEVELS:
            errors.append(f"{at}: from must be a level from 1 to 3")
            levels_ok = False
        if not _whole_number(end) or end not in TO_LEVELS:
            errors.append(f"{at}: to must be a level from 2 to 4")
            levels_ok = False
        if levels_ok and end <= start:
            errors.append(f"{at}: to ({end}) must be above from ({start})")
        if levels_ok and slug is not None:
            if (slug, start) in seen:
                errors.append(f"{at}: from level {start} is mapped twice")
            seen.add((slug, start))


# Reading files --------------------------------------------------------------------------


def parse_catalogue_text(text: str, suffix: str = ".yaml") -> object:
    """Parse YAML or JSON text; raises ``CatalogueError`` when it cannot be read."""
    suffix = suffix.lower()
    if suffix not in FILE_SUFFIXES:
        raise CatalogueError(
            [f"the file name must end in .yaml, .yml or .json, not {suffix or 'nothing'}"]
        )
    try:
        if suffix == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise CatalogueError(
            [f"line {exc.lineno}, column {exc.colno}: the JSON cannot be read: {exc.msg}"]
        ) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise CatalogueError([f"{where}the YAML cannot be read: {exc.problem}"]) from exc
    except yaml.YAMLError as exc:
        raise CatalogueError([f"the YAML cannot be read: {exc}"]) from exc


def read_catalogue_file(path: str | os.PathLike[str]) -> object:
    """Read and parse a catalogue file (not yet validated against the rules)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise CatalogueError(["the file does not exist"]) from exc
    except IsADirectoryError as exc:
        raise CatalogueError(["this is a folder, not a file"]) from exc
    except OSError as exc:
        raise CatalogueError([f"the file cannot be read: {exc.strerror}"]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogueError(["the file is not UTF-8 text"]) from exc
    return parse_catalogue_text(text, path.suffix)


# Loading --------------------------------------------------------------------------------


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def published_skill_slugs() -> set[str] | None:
    """Slugs of the published framework's skills, or None when none is published."""
    from learning_app.framework.queries import published_version

    version = published_version()
    if version is None:
        return None
    return {skill.slug for skill in version.skills}


def load_catalogue(data: object, actor: User | None) -> LoadResult:
    """Upsert the modules of a catalogue document by code and replace their skills.

    Validates first (raising ``CatalogueError`` with every problem, having written
    nothing), then flushes and records ``training.catalogue_load``. Never commits.
    Modules not in the document, and the retired state of those in it, are left alone.
    """
    errors = validate_catalogue(data, published_skill_slugs())
    if errors:
        raise CatalogueError(errors)
    assert isinstance(data, Mapping)
    result = LoadResult()
    for entry in data["modules"]:
        code = entry["code"].strip()
        module = db.session.scalar(select(TrainingModule).where(TrainingModule.code == code))
        if module is None:
            module = TrainingModule(code=code)
            db.session.add(module)
            result.created.append(code)
        else:
            result.updated.append(code)
        module.title = entry["title"].strip()
        module.description = entry["description"].strip()
        module.delivery_mode = entry["mode"]
        module.duration_hours = float(entry["duration_hours"])
        module.provider = entry["provider"].strip()
        module.link = (entry.get("link") or "").strip() or None
        module.cohort_size = entry.get("cohort_size")
        module.illustrative = bool(entry.get("illustrative", False))
        # Old mappings go first: a new one may repeat (skill, from), which is unique.
        module.skills.clear()
        db.session.flush()
        for mapping in entry["skills"]:
            module.skills.append(
                ModuleSkill(
                    skill_slug=mapping["skill"].strip(),
                    from_level=mapping["from"],
                    to_level=mapping["to"],
                )
            )
    db.session.flush()
    audit.record(
        actor,
        "training.catalogue_load",
        object_type="training_catalogue",
        detail={"created": result.created, "updated": result.updated},
    )
    return result


def seed_catalogue(ctx: Any) -> None:
    """Demo seed step: load the default catalogue when there are no modules yet."""
    if db.session.scalar(select(func.count()).select_from(TrainingModule)):
        return
    result = load_catalogue(read_catalogue_file(DEFAULT_CATALOGUE_PATH), actor=None)
    ctx.summary.created["training modules"] += len(result.created)
