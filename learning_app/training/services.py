"""Changes to the training catalogue: modules and the skills they address.

Each function takes the actor explicitly, flushes, records an audit event and never
commits: the view commits.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from learning_app.core import audit
from learning_app.core.models import utcnow
from learning_app.extensions import db
from learning_app.training.models import DeliveryMode, ModuleSkill, TrainingModule

if TYPE_CHECKING:
    from learning_app.accounts.models import User


class TrainingError(Exception):
    """A change the catalogue refuses: a message for the user and the field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class ModuleData:
    """What an L&D lead types about a module."""

    code: str
    title: str
    description: str
    delivery_mode: str
    duration_hours: float
    provider: str
    link: str | None = None
    cohort_size: int | None = None
    illustrative: bool = False


def _check(data: ModuleData, module: TrainingModule | None) -> None:
    clash = db.session.scalar(select(TrainingModule).where(TrainingModule.code == data.code))
    if clash is not None and clash is not module:
        raise TrainingError(f"A module with the code {data.code} already exists", "code")
    if data.cohort_size is not None and data.delivery_mode != DeliveryMode.FACE_TO_FACE:
        raise TrainingError("Cohort size is only for face-to-face modules", "cohort_size")


def _apply(module: TrainingModule, data: ModuleData) -> None:
    for name, value in asdict(data).items():
        setattr(module, name, value)


def create_module(actor: User, data: ModuleData) -> TrainingModule:
    """Add a module to the catalogue; refuses a code already in use."""
    _check(data, None)
    module = TrainingModule()
    _apply(module, data)
    db.session.add(module)
    db.session.flush()
    audit.record(actor, "training.module_create", module, detail={"code": module.code})
    return module


def update_module(actor: User, module: TrainingModule, data: ModuleData) -> TrainingModule:
    """Change a module's details; records which fields changed."""
    _check(data, module)
    before = {name: getattr(module, name) for name in asdict(data)}
    _apply(module, data)
    db.session.flush()
    changed = sorted(name for name, old in before.items() if getattr(module, name) != old)
    audit.record(
        actor, "training.module_update", module, detail={"code": module.code, "changed": changed}
    )
    return module


def retire_module(actor: User, module: TrainingModule) -> None:
    """Hide a module from the catalogue and from recommendations; its history stays."""
    if module.retired_at is not None:
        raise TrainingError("This module is already retired")
    module.retired_at = utcnow()
    db.session.flush()
    audit.record(actor, "training.module_retire", module, detail={"code": module.code})


def unretire_module(actor: User, module: TrainingModule) -> None:
    """Put a retired module back in the catalogue."""
    if module.retired_at is None:
        raise TrainingError("This module is not retired")
    module.retired_at = None
    db.session.flush()
    audit.record(actor, "training.module_unretire", module, detail={"code": module.code})


def _check_levels(from_level: int, to_level: int) -> None:
    if from_level not in (1, 2, 3):
        raise TrainingError("From level must be 1, 2 or 3", "from_level")
    if to_level not in (2, 3, 4):
        raise TrainingError("To level must be 2, 3 or 4", "to_level")
    if to_level <= from_level:
        raise TrainingError("To level must be above the from level", "to_level")


def add_skill_mapping(
    actor: User, module: TrainingModule, skill_slug: str, from_level: int, to_level: int
) -> ModuleSkill:
    """Record that a module takes a skill from one level to a higher one."""
    _check_levels(from_level, to_level)
    if any(m.skill_slug == skill_slug and m.from_level == from_level for m in module.skills):
        raise TrainingError(
            f"This module already addresses this skill from level {from_level}", "skill"
        )
    mapping = ModuleSkill(skill_slug=skill_slug, from_level=from_level, to_level=to_level)
    module.skills.append(mapping)
    db.session.flush()
    audit.record(
        actor,
        "training.module_skill_add",
        module,
        detail={"code": module.code, "skill": skill_slug, "from": from_level, "to": to_level},
    )
    return mapping


def remove_skill_mapping(actor: User, module: TrainingModule, mapping: ModuleSkill) -> None:
    """Stop a module addressing a skill at one level."""
    detail = {
        "code": module.code,
        "skill": mapping.skill_slug,
        "from": mapping.from_level,
        "to": mapping.to_level,
    }
    module.skills.remove(mapping)
    db.session.flush()
    audit.record(actor, "training.module_skill_remove", module, detail=detail)


def set_skill_mappings(
    actor: User, module: TrainingModule, mappings: list[tuple[str, int, int]]
) -> None:
    """Replace every skill mapping of a module with ``(skill_slug, from, to)`` triples."""
    keys = set()
    for slug, from_level, to_level in mappings:
        _check_levels(from_level, to_level)
        if (slug, from_level) in keys:
            raise TrainingError(f"{slug} from level {from_level} is given twice", "skill")
        keys.add((slug, from_level))
    module.skills.clear()
    db.session.flush()
    for slug, from_level, to_level in mappings:
        module.skills.append(ModuleSkill(skill_slug=slug, from_level=from_level, to_level=to_level))
    db.session.flush()
    audit.record(
        actor,
        "training.module_skills_set",
        module,
        detail={"code": module.code, "skills": [list(m) for m in mappings]},
    )
