"""Keep the stored skill profiles current: on every change of evidence, and nightly.

A profile (one ``SkillProfileRecord`` per practitioner and skill of the published
framework) is what ``calculation.build_profile`` makes of the evidence read by
``profiles.evidence``. Two paths write them, and a test proves they agree:

- ``handle_evidence_changed`` (subscribed to ``core.events.evidence_changed``)
  recomputes the skills whose evidence just changed, in the same transaction;
- ``rebuild_all`` recomputes everybody from history. Profiles decay with time even
  when nothing new is recorded (a rating's weight halves every 180 days and ratings
  drop out after 18 months; targets move when someone changes experience band), so
  the rebuild must run every night: ``flask profiles rebuild``.

Nothing here commits: callers own the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import selectinload

from learning_app.accounts.constants import Band, Role, experience_band
from learning_app.accounts.models import RoleAssignment, User
from learning_app.core.events import evidence_changed
from learning_app.core.models import utcnow
from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.framework.models import FrameworkVersion, Skill, VersionStatus
from learning_app.profiles.calculation import SkillProfile, build_profile
from learning_app.profiles.evidence import SkillEvidence, read_evidence
from learning_app.profiles.models import SkillProfileRecord

REBUILD_CHUNK_SIZE = 500


def published_skills(skill_slugs: Collection[str] | None = None) -> list[Skill]:
    """The skills of the published framework (with targets), in framework order.

    ``skill_slugs`` narrows them; slugs the published framework lacks are ignored.
    """
    statement = (
        select(Skill)
        .join(FrameworkVersion, Skill.version_id == FrameworkVersion.id)
        .where(FrameworkVersion.status == VersionStatus.PUBLISHED.value)
        .options(selectinload(Skill.targets))
        .order_by(Skill.position, Skill.id)
    )
    if skill_slugs is not None:
        statement = statement.where(Skill.slug.in_(list(skill_slugs)))
    return list(db.session.scalars(statement))


def profile_for(
    skill: Skill, band: Band | None, evidence: SkillEvidence | None, as_of: date
) -> SkillProfile:
    """The profile of one skill for someone in ``band``, from their evidence."""
    evidence = evidence or SkillEvidence()
    return build_profile(
        self_level=evidence.self_level,
        ratings=evidence.ratings,
        target=skill.target_for(band),
        risk_critical=skill.risk_critical,
        as_of=as_of,
    )


def _values(profile: SkillProfile, as_of: date, now: datetime) -> dict[str, Any]:
    # SkillProfileRecord stores each field of SkillProfile under the same name.
    values = asdict(profile)
    values.update(as_of=as_of, updated_at=now)
    return values


# Incremental -------------------------------------------------------------------------


def refresh_profiles(
    practitioner: User,
    skill_slugs: Collection[str] | None = None,
    as_of: date | None = None,
) -> list[SkillProfileRecord]:
    """Recompute and store a practitioner's profiles; return them in framework order.

    Every skill of the published framework, or only those in ``skill_slugs``.
    ``as_of`` (default: today in the UK) dates the calculation and picks the target
    for the practitioner's experience band on that day. Rows are updated in place
    or added (keyed by practitioner and slug); when every skill is refreshed, rows of
    skills no longer in the framework are removed. Flushes; never commits. Does
    nothing before a framework is published.
    """
    as_of = as_of or london_today()
    skills = published_skills(skill_slugs)
    if not skills:
        return []
    slugs = [skill.slug for skill in skills]
    evidence = read_evidence([practitioner.id], as_of, slugs)[practitioner.id]
    existing = {
        record.skill_slug: record
        for record in db.session.scalars(
            select(SkillProfileRecord).where(
                SkillProfileRecord.practitioner_id == practitioner.id,
                SkillProfileRecord.skill_slug.in_(slugs),
            )
        )
    }
    band = practitioner.band(as_of)
    now = utcnow()
    records = []
    for skill in skills:
        values = _values(profile_for(skill, band, evidence.get(skill.slug), as_of), as_of, now)
        record = existing.get(skill.slug)
        if record is None:
            record = SkillProfileRecord(practitioner_id=practitioner.id, skill_slug=skill.slug)
            db.session.add(record)
        for name, value in values.items():
            setattr(record, name, value)
        records.append(record)
    if skill_slugs is None:
        for record in db.session.scalars(
            select(SkillProfileRecord).where(
                SkillProfileRecord.practitioner_id == practitioner.id,
                SkillProfileRecord.skill_slug.not_in(slugs),
            )
        ):
            db.session.delete(record)
    db.session.flush()
    return records


def handle_evidence_changed(
    sender: Any, skill_slugs: Collection[str] | None = None, **kw: Any
) -> None:
    """Bring the sender's stored profiles up to date, in the sender's transaction.

    ``sender`` is the practitioner whose evidence changed; ``skill_slugs`` the skills
    affected (None: all). A sender may pass ``as_of`` (a date) to pin the day of the
    calculation; otherwise it is today. Users without the practitioner role have no
    profile, so nothing is stored for them.
    """
    if not isinstance(sender, User) or not sender.has_role(Role.PRACTITIONER):
        return
    refresh_profiles(sender, skill_slugs, as_of=kw.get("as_of"))
    # The heatmaps read rollups of the profiles: keep the practitioner's PDU current.
    from learning_app.analytics.rollups import refresh_for_practitioner

    refresh_for_practitioner(sender, kw.get("as_of"))


def connect_signals() -> None:
    """Subscribe the profiles to ``evidence_changed``. Safe to call more than once."""
    # blinker keys receivers by identity, so connecting again changes nothing.
    evidence_changed.connect(handle_evidence_changed)


# Rebuild ------------------------------------------------------------------------------


def _practitioner_ids_query():
    return select(RoleAssignment.user_id).where(RoleAssignment.role == Role.PRACTITIONER.value)


def practitioner_ids() -> list[int]:
    """Ids of every user holding the practitioner role (active or not), ascending."""
    return list(db.session.scalars(_practitioner_ids_query().distinct().order_by("user_id")))


def rebuild_all(
    as_of: date,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = REBUILD_CHUNK_SIZE,
) -> int:
    """Recompute every practitioner's profiles from history; return how many people.

    Works through the practitioners ``chunk_size`` at a time: per chunk, a fixed
    handful of queries reads everyone's evidence, their rows are deleted and the new
    ones inserted in bulk. Rows of users who are no longer practitioners are removed.
    After each chunk is written (flushed), ``progress`` is called with the number of
    practitioners in it: a command line can commit there, to keep each transaction
    short. Never commits. Does nothing before a framework is published.
    """
    skills = published_skills()
    if not skills:
        return 0
    ids = practitioner_ids()
    db.session.execute(
        delete(SkillProfileRecord)
        .where(SkillProfileRecord.practitioner_id.not_in(_practitioner_ids_query()))
        .execution_options(synchronize_session=False)
    )
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        _rebuild_chunk(chunk, skills, as_of)
        if progress is not None:
            progress(len(chunk))
    _expire_loaded_records()
    return len(ids)


def _rebuild_chunk(ids: Sequence[int], skills: list[Skill], as_of: date) -> None:
    bands = {
        user_id: experience_band(grade, qualified_on, as_of)
        for user_id, grade, qualified_on in db.session.execute(
            select(User.id, User.grade, User.qualified_on).where(User.id.in_(ids))
        )
    }
    evidence = read_evidence(ids, as_of)
    now = utcnow()
    rows = []
    for user_id in ids:
        mine = evidence[user_id]
        for skill in skills:
            profile = profile_for(skill, bands[user_id], mine.get(skill.slug), as_of)
            rows.append(
                {
                    "practitioner_id": user_id,
                    "skill_slug": skill.slug,
                    **_values(profile, as_of, now),
                }
            )
    db.session.execute(
        delete(SkillProfileRecord)
        .where(SkillProfileRecord.practitioner_id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    # render_nulls: one batch for all rows, rather than one per pattern of empty fields.
    db.session.execute(insert(SkillProfileRecord).execution_options(render_nulls=True), rows)


def _expire_loaded_records() -> None:
    # The bulk statements bypass the session: records it holds would show old values.
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, SkillProfileRecord):
            db.session.expire(obj)
