"""Read side of the skills framework."""

from __future__ import annotations

from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from learning_app.extensions import db
from learning_app.framework.loader import SKILL_SLUG_MAX, SLUG_PATTERN
from learning_app.framework.models import Domain, FrameworkVersion, Skill, VersionStatus


def published_version() -> FrameworkVersion | None:
    """The version in use, or None before any version has been published."""
    return db.session.scalar(
        select(FrameworkVersion).where(FrameworkVersion.status == VersionStatus.PUBLISHED.value)
    )


def published_skills() -> list[Skill]:
    """The skills of the published framework in framework order (none before publishing)."""
    version = published_version()
    if version is None:
        return []
    return sorted(version.skills, key=lambda s: (s.domain.position, s.position))


def list_versions() -> list[FrameworkVersion]:
    """Every version: the published one first, then drafts, then retired; newest first."""
    status_order = case(
        {VersionStatus.PUBLISHED.value: 0, VersionStatus.DRAFT.value: 1},
        value=FrameworkVersion.status,
        else_=2,
    )
    return list(
        db.session.scalars(
            select(FrameworkVersion).order_by(status_order, FrameworkVersion.id.desc())
        )
    )


def get_version_or_404(version_id: int) -> FrameworkVersion:
    return db.get_or_404(FrameworkVersion, version_id)


def get_skill(version: FrameworkVersion, slug: str) -> Skill | None:
    return db.session.scalar(
        select(Skill).where(Skill.version_id == version.id, Skill.slug == slug)
    )


# Read helpers for the framework pages ---------------------------------------------------

# Ids in URLs are checked against the column's range so that PostgreSQL never sees a
# number it cannot hold (which would be a 500, not a 404).
_MAX_ID = 2**31 - 1


def _with_contents():
    """Load domains, skills, descriptors and targets in a handful of queries."""
    return (
        selectinload(FrameworkVersion.domains)
        .selectinload(Domain.skills)
        .options(selectinload(Skill.descriptors), selectinload(Skill.targets))
    )


def find_version(version_id: int, *, with_contents: bool = False) -> FrameworkVersion | None:
    """A version by id, or None (also for ids no row could have)."""
    if not 0 < version_id <= _MAX_ID:
        return None
    stmt = select(FrameworkVersion).where(FrameworkVersion.id == version_id)
    if with_contents:
        stmt = stmt.options(_with_contents())
    return db.session.scalar(stmt)


def published_version_with_contents() -> FrameworkVersion | None:
    """The published version with everything in it loaded, or None."""
    return db.session.scalar(
        select(FrameworkVersion)
        .where(FrameworkVersion.status == VersionStatus.PUBLISHED.value)
        .options(_with_contents())
    )


def find_skill(version: FrameworkVersion, slug: str) -> Skill | None:
    """A skill of a version by slug; None for a slug no skill could have."""
    if len(slug) > SKILL_SLUG_MAX or not SLUG_PATTERN.fullmatch(slug):
        return None
    return db.session.scalar(
        select(Skill)
        .where(Skill.version_id == version.id, Skill.slug == slug)
        .options(selectinload(Skill.descriptors), selectinload(Skill.targets))
    )
