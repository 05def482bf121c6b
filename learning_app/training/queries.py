"""Read side of the training catalogue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from learning_app.extensions import db
from learning_app.framework.queries import published_version
from learning_app.training.catalogue import CODE_MAX, CODE_PATTERN
from learning_app.training.models import DeliveryMode, ModuleSkill, TrainingModule


def active_modules() -> list[TrainingModule]:
    """Every module that is not retired, by code, with its skills loaded."""
    return browse_modules()


def browse_modules(
    skill: str | None = None, mode: DeliveryMode | None = None, *, retired: bool = False
) -> list[TrainingModule]:
    """Modules by code: live ones (or only retired ones), optionally those addressing
    ``skill`` or delivered in ``mode``."""
    stmt = select(TrainingModule).options(selectinload(TrainingModule.skills))
    if retired:
        stmt = stmt.where(TrainingModule.retired_at.is_not(None))
    else:
        stmt = stmt.where(TrainingModule.retired_at.is_(None))
    if skill:
        stmt = stmt.where(TrainingModule.skills.any(ModuleSkill.skill_slug == skill))
    if mode is not None:
        stmt = stmt.where(TrainingModule.delivery_mode == mode.value)
    return list(db.session.scalars(stmt.order_by(TrainingModule.code)))


def find_module(code: str) -> TrainingModule | None:
    """A module by code (retired ones too); None for a code no module could have."""
    if len(code) > CODE_MAX or not CODE_PATTERN.fullmatch(code):
        return None
    return db.session.scalar(
        select(TrainingModule)
        .where(TrainingModule.code == code)
        .options(selectinload(TrainingModule.skills))
    )


def skill_names() -> dict[str, str]:
    """Skill slug -> name, in framework order: the published framework's skills, then
    any slug a module addresses that the framework does not have."""
    names: dict[str, str] = {}
    version = published_version()
    if version is not None:
        names = {skill.slug: skill.name for skill in version.skills}
    for slug in db.session.scalars(
        select(ModuleSkill.skill_slug).distinct().order_by(ModuleSkill.skill_slug)
    ):
        names.setdefault(slug, slug)
    return names


def framework_skills() -> dict[str, str]:
    """The published framework's skills (slug -> name); empty before one is published."""
    version = published_version()
    return {skill.slug: skill.name for skill in version.skills} if version else {}
