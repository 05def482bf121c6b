"""Read side of the scheduling pages: capacity and leave, case events with the discussion
each led to, and the discussions a practitioner has or an SPO holds.

Every list is read in a fixed number of queries (related people and events are loaded
together), whatever its length. Nothing here checks access; the views do, with
``reflective.access``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User
from learning_app.assessments.queries import practitioners_of_teams
from learning_app.core.policy import spo_team_ids
from learning_app.core.time import aware, london_date
from learning_app.extensions import db
from learning_app.framework.models import Skill
from learning_app.framework.queries import published_version
from learning_app.reflective.access import can_see_case_reference
from learning_app.reflective.models import (
    CaseEvent,
    Discussion,
    DiscussionStatus,
    Leave,
    SpoCapacity,
)
from learning_app.reflective.placing import REPLACES
from learning_app.reflective.rules import Rosh

MAX_ID = 2**31 - 1
CLOSED_VALUES = (DiscussionStatus.CANCELLED.value, DiscussionStatus.MISSED.value)


def valid_id(value: int) -> bool:
    """Ids in URLs are checked first, so PostgreSQL never sees a number it cannot hold."""
    return 0 < value <= MAX_ID


def rosh_label(value: str) -> str:
    return Rosh.from_value(value).label


# Capacity and leave ---------------------------------------------------------------------


def capacity_of(spo_id: int) -> SpoCapacity | None:
    return db.session.scalar(select(SpoCapacity).where(SpoCapacity.spo_id == spo_id))


def leave_from(person_id: int, today: date) -> list[Leave]:
    """Leave that has not ended yet, soonest first."""
    return list(
        db.session.scalars(
            select(Leave)
            .where(Leave.person_id == person_id, Leave.last_day >= today)
            .order_by(Leave.first_day, Leave.id)
        )
    )


def own_leave(person_id: int, leave_id: int) -> Leave | None:
    if not valid_id(leave_id):
        return None
    return db.session.scalar(
        select(Leave).where(Leave.id == leave_id, Leave.person_id == person_id)
    )


# People --------------------------------------------------------------------------------


def team_practitioners(spo: User) -> list[User]:
    """Active practitioners of the SPO's current teams (not the SPO), by name."""
    team_ids = spo_team_ids(spo)
    if not team_ids:
        return []
    statement = practitioners_of_teams(sorted(team_ids)).where(User.id != spo.id)
    return list(db.session.scalars(statement.order_by(User.name, User.id)))


def _team_member_ids(spo: User):
    return select(User.id).where(User.team_id.in_(sorted(spo_team_ids(spo))))


# Case events ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseEventRow:
    event: CaseEvent
    discussion: Discussion | None  # the discussion that answers it, if any
    show_case_reference: bool

    @property
    def rosh_label(self) -> str:
        return rosh_label(self.event.rosh_level)


def case_event_rows(viewer: User, *, limit: int = 200) -> list[CaseEventRow]:
    """The events about the viewer, or (for an SPO) about their teams, newest first."""
    conditions = [CaseEvent.practitioner_id == viewer.id]
    if viewer.has_role(Role.SPO) and spo_team_ids(viewer):
        conditions.append(CaseEvent.practitioner_id.in_(_team_member_ids(viewer)))
    events = list(
        db.session.scalars(
            select(CaseEvent)
            .where(or_(*conditions))
            .options(joinedload(CaseEvent.practitioner), joinedload(CaseEvent.logged_by))
            .order_by(CaseEvent.occurred_on.desc(), CaseEvent.id.desc())
            .limit(limit)
        )
    )
    answering = latest_discussions_for([e.id for e in events])
    return [CaseEventRow(e, answering.get(e.id), can_see_case_reference(viewer, e)) for e in events]


def latest_discussions_for(event_ids: Collection[int]) -> dict[int, Discussion]:
    """For each case event, the discussion answering it: the newest one still live, or
    else the newest (a cancelled discussion is replaced by a new one)."""
    if not event_ids:
        return {}
    by_event: dict[int, list[Discussion]] = {}
    for discussion in db.session.scalars(
        select(Discussion)
        .where(Discussion.case_event_id.in_(sorted(event_ids)))
        .order_by(Discussion.id)
    ):
        by_event.setdefault(discussion.case_event_id, []).append(discussion)
    found: dict[int, Discussion] = {}
    for event_id, discussions in by_event.items():
        live = [d for d in discussions if d.status not in CLOSED_VALUES]
        found[event_id] = (live or discussions)[-1]
    return found


# Discussions ---------------------------------------------------------------------------


def _with_people():
    return (
        joinedload(Discussion.practitioner),
        joinedload(Discussion.spo),
        joinedload(Discussion.case_event),
    )


@dataclass(frozen=True)
class PractitionerDiscussions:
    upcoming: list[Discussion]  # booked from now on, then due and not booked yet
    past: list[Discussion]


def practitioner_discussions(practitioner_id: int, now: datetime) -> PractitionerDiscussions:
    rows = list(
        db.session.scalars(
            select(Discussion)
            .where(Discussion.practitioner_id == practitioner_id)
            .options(*_with_people())
            .order_by(Discussion.starts_at, Discussion.due_on, Discussion.id)
        )
    )
    upcoming = sorted((d for d in rows if _is_upcoming(d, now)), key=_soonest_first)
    past = sorted((d for d in rows if not _is_upcoming(d, now)), key=_soonest_first, reverse=True)
    return PractitionerDiscussions(upcoming, past)


@dataclass(frozen=True)
class SpoDiscussions:
    upcoming: list[Discussion]  # booked, from now on
    unbooked: list[Discussion]  # due and not in a slot, earliest due first
    to_finish: list[Discussion]  # held (the slot has passed) but not yet signed off


def spo_discussions(spo: User, now: datetime, *, limit: int = 500) -> SpoDiscussions:
    """What the SPO holds from now on, what is due for them (or their teams) but has no
    slot yet, and what they have held but not yet signed off."""
    upcoming = list(
        db.session.scalars(
            select(Discussion)
            .where(
                Discussion.spo_id == spo.id,
                Discussion.status == DiscussionStatus.BOOKED.value,
                Discussion.ends_at >= now,
            )
            .options(*_with_people())
            .order_by(Discussion.starts_at, Discussion.id)
            .limit(limit)
        )
    )
    unbooked_for = [Discussion.spo_id == spo.id]
    if spo_team_ids(spo):
        unbooked_for.append(
            Discussion.spo_id.is_(None) & Discussion.practitioner_id.in_(_team_member_ids(spo))
        )
    unbooked = list(
        db.session.scalars(
            select(Discussion)
            .where(Discussion.status == DiscussionStatus.DUE.value, or_(*unbooked_for))
            .options(*_with_people())
            .order_by(Discussion.due_on, Discussion.id)
            .limit(limit)
        )
    )
    to_finish = list(
        db.session.scalars(
            select(Discussion)
            .where(
                Discussion.spo_id == spo.id,
                or_(
                    (Discussion.status == DiscussionStatus.BOOKED.value)
                    & (Discussion.ends_at < now),
                    Discussion.status == DiscussionStatus.RECORDED.value,
                ),
            )
            .options(*_with_people())
            .order_by(Discussion.starts_at.desc(), Discussion.id.desc())
            .limit(limit)
        )
    )
    return SpoDiscussions(upcoming, unbooked, to_finish)


def _is_upcoming(discussion: Discussion, now: datetime) -> bool:
    if discussion.status == DiscussionStatus.DUE:
        return True
    if discussion.status == DiscussionStatus.BOOKED:
        return discussion.ends_at is not None and aware(discussion.ends_at) >= now
    return False


def _soonest_first(discussion: Discussion) -> tuple:
    """Booked ones by their time; the rest by their due date, after those booked that day."""
    if discussion.starts_at is not None:
        moment = aware(discussion.starts_at)
        return (london_date(moment), 0, moment.timestamp(), discussion.id)
    return (discussion.due_on, 1, 0.0, discussion.id)


def find_discussion(discussion_id: int) -> Discussion | None:
    if not valid_id(discussion_id):
        return None
    return db.session.scalar(
        select(Discussion).where(Discussion.id == discussion_id).options(*_with_people())
    )


def replacement_of(discussion: Discussion) -> Discussion | None:
    """The discussion made due when this one was cancelled or missed, if any."""
    return db.session.scalar(
        select(Discussion)
        .where(Discussion.dedupe_key == f"{REPLACES}{discussion.id}")
        .options(*_with_people())
    )


def skill_names(slugs: Collection[str]) -> list[str]:
    """The names of skills in the published framework, in the order given; a slug the
    framework no longer has is shown as it is."""
    if not slugs:
        return []
    version = published_version()
    names: dict[str, str] = {}
    if version is not None:
        names = dict(
            db.session.execute(
                select(Skill.slug, Skill.name).where(
                    Skill.version_id == version.id, Skill.slug.in_(list(slugs))
                )
            ).all()
        )
    return [names.get(slug, slug) for slug in slugs]
