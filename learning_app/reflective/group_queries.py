"""Read side of group reflective sessions: whose sessions, whose invitations, and who could
be invited (practitioners of the facilitator's scope with a gap on the theme)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User, holds_role
from learning_app.core.policy import spo_team_ids, unit_ids
from learning_app.core.time import aware
from learning_app.extensions import db
from learning_app.framework import queries as framework_queries
from learning_app.org.models import Pdu, Team
from learning_app.profiles.models import SkillProfileRecord
from learning_app.reflective.models import GroupInvitation, GroupSession

# Ids in URLs are checked against the column's range, so PostgreSQL never sees a number it
# cannot hold (a 500, not a 404).
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class GapLine:
    skill: str
    level: float | None
    target: int | None
    gap: float


@dataclass(frozen=True)
class Candidate:
    """A practitioner who could be invited, with their gaps on the theme, largest first."""

    practitioner: User
    gaps: list[GapLine]
    priority: float


# The framework ---------------------------------------------------------------------------


def skill_names() -> dict[str, str]:
    return {s.slug: s.name for s in framework_queries.published_skills()}


# Scope -----------------------------------------------------------------------------------


def facilitator_pdus(user: User) -> list[Pdu]:
    """The PDUs a facilitator runs sessions for: an SPO's teams' PDUs, a QDO's PDU, an
    L&D lead's PDU (or every PDU of their region)."""
    pdu_ids = set()
    team_ids = spo_team_ids(user)
    if team_ids:
        pdu_ids |= set(db.session.scalars(select(Team.pdu_id).where(Team.id.in_(team_ids))))
    _teams, pdus, regions = unit_ids(user, Role.QDO, Role.LD_LEAD)
    pdu_ids |= pdus
    if not pdu_ids and not regions:
        return []
    return list(
        db.session.scalars(
            select(Pdu)
            .where(or_(Pdu.id.in_(pdu_ids), Pdu.region_id.in_(regions)))
            .order_by(Pdu.name, Pdu.id)
        )
    )


def scope_team_ids(facilitator: User, pdu_id: int) -> set[int]:
    """The teams of a session's PDU whose practitioners the facilitator may invite."""
    pdu_teams = set(db.session.scalars(select(Team.id).where(Team.pdu_id == pdu_id)))
    _teams, pdus, regions = unit_ids(facilitator, Role.QDO, Role.LD_LEAD)
    pdu = db.session.get(Pdu, pdu_id)
    if pdu_id in pdus or (pdu is not None and pdu.region_id in regions):
        return pdu_teams
    return pdu_teams & spo_team_ids(facilitator)


def candidates(session: GroupSession) -> list[Candidate]:
    """Active practitioners of the facilitator's scope whose stored profiles show a gap on
    any theme skill, the largest priority first (a risk-critical gap weighs more)."""
    teams = scope_team_ids(session.facilitator, session.pdu_id)
    if not teams or not session.theme_skills:
        return []
    is_practitioner = holds_role(Role.PRACTITIONER)
    rows = db.session.execute(
        select(User, SkillProfileRecord)
        .join(SkillProfileRecord, SkillProfileRecord.practitioner_id == User.id)
        .where(
            User.team_id.in_(teams),
            User.active.is_(True),
            User.id != session.facilitator_id,
            is_practitioner,
            SkillProfileRecord.skill_slug.in_(session.theme_skills),
            SkillProfileRecord.gap > 0,
        )
        .options(joinedload(User.team))
    ).all()
    names = skill_names()
    found: dict[int, tuple[User, list[SkillProfileRecord]]] = {}
    for user, record in rows:
        found.setdefault(user.id, (user, []))[1].append(record)
    result = []
    for user, records in found.values():
        records.sort(key=lambda r: (-r.priority, -r.gap, r.skill_slug))
        result.append(
            Candidate(
                practitioner=user,
                gaps=[
                    GapLine(names.get(r.skill_slug, r.skill_slug), r.level, r.target, r.gap)
                    for r in records
                ],
                priority=records[0].priority,
            )
        )
    result.sort(
        key=lambda c: (
            -c.priority,
            -max(g.gap for g in c.gaps),
            c.practitioner.name,
            c.practitioner.id,
        )
    )
    return result


# Sessions and invitations ----------------------------------------------------------------


def find_session(session_id: int) -> GroupSession | None:
    if not 0 < session_id <= MAX_ID:
        return None
    return db.session.scalar(
        select(GroupSession)
        .where(GroupSession.id == session_id)
        .options(
            joinedload(GroupSession.facilitator),
            selectinload(GroupSession.invitations).joinedload(GroupInvitation.practitioner),
        )
    )


def invited_ids(session: GroupSession) -> set[int]:
    return set(
        db.session.scalars(
            select(GroupInvitation.practitioner_id).where(GroupInvitation.session_id == session.id)
        )
    )


def invitation_of(session: GroupSession, practitioner_id: int) -> GroupInvitation | None:
    return db.session.scalar(
        select(GroupInvitation).where(
            GroupInvitation.session_id == session.id,
            GroupInvitation.practitioner_id == practitioner_id,
        )
    )


def facilitated_by(user: User, now: datetime) -> tuple[list[GroupSession], list[GroupSession]]:
    """The facilitator's sessions: (upcoming, soonest first; past or cancelled, latest first)."""
    sessions = list(
        db.session.scalars(
            select(GroupSession)
            .where(GroupSession.facilitator_id == user.id)
            .options(selectinload(GroupSession.invitations))
            .order_by(GroupSession.starts_at, GroupSession.id)
        )
    )
    upcoming = [s for s in sessions if s.cancelled_at is None and _ends(s) > now]
    others = [s for s in sessions if s not in upcoming]
    return upcoming, others[::-1]


def invitations_for(
    user: User, now: datetime
) -> tuple[list[GroupInvitation], list[GroupInvitation]]:
    """A practitioner's invitations: (upcoming, soonest first; past or cancelled, latest first)."""
    invitations = list(
        db.session.scalars(
            select(GroupInvitation)
            .join(GroupSession, GroupInvitation.session_id == GroupSession.id)
            .where(GroupInvitation.practitioner_id == user.id)
            .options(joinedload(GroupInvitation.session).joinedload(GroupSession.facilitator))
            .order_by(GroupSession.starts_at, GroupSession.id)
        )
    )
    upcoming = [i for i in invitations if i.session.cancelled_at is None and _ends(i.session) > now]
    others = [i for i in invitations if i not in upcoming]
    return upcoming, others[::-1]


def _ends(session: GroupSession) -> datetime:
    return aware(session.ends_at)
