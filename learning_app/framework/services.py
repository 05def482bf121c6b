"""Use cases for the skills framework: publish, copy, edit and delete versions.

Each function takes the actor explicitly, flushes, and writes the audit log; the
caller commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from learning_app.accounts.constants import BAND_ORDER, Band
from learning_app.core import audit
from learning_app.core.models import utcnow
from learning_app.extensions import db
from learning_app.framework.loader import LEVELS, SKILL_NAME_MAX, VERSION_NAME_MAX
from learning_app.framework.models import (
    Domain,
    FrameworkVersion,
    LevelDescriptor,
    Skill,
    TargetLevel,
    VersionStatus,
)
from learning_app.framework.queries import published_version

if TYPE_CHECKING:
    from learning_app.accounts.models import User

__all__ = [
    "FrameworkError",
    "copy_published_as_draft",
    "delete_draft",
    "publish_version",
    "published_version",
    "update_skill",
]


class FrameworkError(Exception):
    """A change the framework's rules do not allow; the message is fit to show an admin."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def publish_version(version: FrameworkVersion, actor: User | None) -> FrameworkVersion | None:
    """Publish a draft and retire the version published until now.

    Returns the retired version, or None if nothing was published before. Raises
    ``FrameworkError`` if the version is not a draft or is incomplete.
    """
    _require_draft(version, "published")
    if not version.skills:
        raise FrameworkError(f'"{version.name}" has no skills, so it cannot be published.')
    incomplete = [s.slug for s in version.skills if len(s.descriptors) != len(LEVELS)]
    if incomplete:
        raise FrameworkError(
            f'"{version.name}" cannot be published: these skills do not have all four level '
            f"descriptors: {', '.join(incomplete)}."
        )

    now = utcnow()
    previous = published_version()
    if previous is not None:
        previous.status = VersionStatus.RETIRED.value
        previous.retired_at = now
        # The partial unique index allows one published row: retire first, in its own flush.
        db.session.flush()
        audit.record(actor, "framework.retire", previous, detail={"replaced_by_id": version.id})
    version.status = VersionStatus.PUBLISHED.value
    version.published_at = now
    db.session.flush()
    audit.record(
        actor,
        "framework.publish",
        version,
        detail={"name": version.name, "retired_id": previous.id if previous else None},
    )
    return previous


def copy_published_as_draft(actor: User | None, name: str | None = None) -> FrameworkVersion:
    """Start a new draft as a deep copy of the published version.

    Domains, skills, descriptors and targets are copied; slugs stay the same, which
    is how skills carry across versions. Raises ``FrameworkError`` if nothing is
    published.
    """
    source = published_version()
    if source is None:
        raise FrameworkError("There is no published framework to copy.")
    if name is None:
        name = f"{source.name} (draft)"[:VERSION_NAME_MAX]
    name = _clean_text(name, "name", VERSION_NAME_MAX)

    draft = FrameworkVersion(
        name=name,
        status=VersionStatus.DRAFT.value,
        notes=source.notes,
        created_by_id=actor.id if actor is not None else None,
        based_on_id=source.id,
    )
    for old_domain in source.domains:
        domain = Domain(code=old_domain.code, name=old_domain.name, position=old_domain.position)
        draft.domains.append(domain)
        for old in old_domain.skills:
            draft.skills.append(
                Skill(
                    domain=domain,
                    slug=old.slug,
                    name=old.name,
                    description=old.description,
                    risk_critical=old.risk_critical,
                    position=old.position,
                    descriptors=[
                        LevelDescriptor(level=d.level, text=d.text) for d in old.descriptors
                    ],
                    targets=[TargetLevel(band=t.band, level=t.level) for t in old.targets],
                )
            )
    db.session.add(draft)
    db.session.flush()
    audit.record(
        actor, "framework.copy", draft, detail={"name": draft.name, "based_on_id": source.id}
    )
    return draft


def update_skill(
    skill: Skill,
    actor: User | None,
    *,
    name: str,
    description: str,
    risk_critical: bool,
    descriptors: Mapping[int, str],
    targets: Mapping[Band | str, int | None],
) -> dict[str, Any]:
    """Change a skill of a draft version.

    ``descriptors`` must give all four levels. ``targets`` changes only the bands it
    names; a None level removes that band's target. Returns what changed (empty if
    nothing did), which is also the detail of the ``framework.skill.update`` event.
    Raises ``FrameworkError`` if the version is not a draft or a value is invalid.
    """
    _require_draft(skill.version, "edited")
    name = _clean_text(name, "name", SKILL_NAME_MAX)
    description = _clean_text(description, "description")
    if not isinstance(risk_critical, bool):
        raise FrameworkError("Risk critical must be true or false.")
    new_descriptors = _clean_descriptors(descriptors)
    new_targets = _clean_targets(targets)

    changes: dict[str, Any] = {}
    for field, value in (
        ("name", name),
        ("description", description),
        ("risk_critical", risk_critical),
    ):
        old = getattr(skill, field)
        if old != value:
            changes[field] = {"from": old, "to": value}
            setattr(skill, field, value)

    descriptor_changes = _apply_descriptors(skill, new_descriptors)
    if descriptor_changes:
        changes["descriptors"] = descriptor_changes
    target_changes = _apply_targets(skill, new_targets)
    if target_changes:
        changes["targets"] = target_changes

    if changes:
        db.session.flush()
        audit.record(
            actor,
            "framework.skill.update",
            skill,
            detail={"version_id": skill.version_id, "slug": skill.slug, "changes": changes},
        )
    return changes


def delete_draft(version: FrameworkVersion, actor: User | None) -> None:
    """Delete a draft version with everything in it. Raises ``FrameworkError`` otherwise."""
    _require_draft(version, "deleted")
    # Recorded before the delete, while the version still has its id.
    audit.record(actor, "framework.delete", version, detail={"name": version.name})
    db.session.delete(version)
    db.session.flush()


def _require_draft(version: FrameworkVersion, verb: str) -> None:
    if not version.is_draft:
        raise FrameworkError(f'Only a draft can be {verb}: "{version.name}" is {version.status}.')


def _clean_text(value: object, field: str, max_length: int | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FrameworkError(f"Enter the {field}.")
    value = value.strip()
    if max_length is not None and len(value) > max_length:
        raise FrameworkError(f"The {field} must be {max_length} characters or fewer.")
    return value


def _clean_descriptors(descriptors: Mapping[int, str]) -> dict[int, str]:
    unknown = [level for level in descriptors if level not in LEVELS]
    if unknown:
        raise FrameworkError(f"Levels are 1 to 4, not {', '.join(map(str, unknown))}.")
    return {
        level: _clean_text(descriptors.get(level), f"level {level} descriptor") for level in LEVELS
    }


def _clean_targets(targets: Mapping[Band | str, int | None]) -> dict[str, int | None]:
    cleaned: dict[str, int | None] = {}
    for band, level in targets.items():
        try:
            band_value = Band(band).value
        except ValueError:
            bands = ", ".join(b.value for b in BAND_ORDER)
            raise FrameworkError(f'Band "{band}" is not one of {bands}.') from None
        if level is not None and (
            isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS
        ):
            raise FrameworkError(f'The target for band "{band_value}" must be from 1 to 4.')
        cleaned[band_value] = level
    return cleaned


def _apply_descriptors(skill: Skill, descriptors: dict[int, str]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    rows = {d.level: d for d in skill.descriptors}
    for level, text in descriptors.items():
        row = rows.get(level)
        old = row.text if row is not None else None
        if old == text:
            continue
        if row is None:
            skill.descriptors.append(LevelDescriptor(level=level, text=text))
        else:
            row.text = text
        changes[str(level)] = {"from": old, "to": text}
    return changes


def _apply_targets(skill: Skill, targets: dict[str, int | None]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    rows = {t.band: t for t in skill.targets}
    for band, level in targets.items():
        row = rows.get(band)
        old = row.level if row is not None else None
        if old == level:
            continue
        if row is None:
            skill.targets.append(TargetLevel(band=band, level=level))
        elif level is None:
            skill.targets.remove(row)
        else:
            row.level = level
        changes[band] = {"from": old, "to": level}
    return changes
