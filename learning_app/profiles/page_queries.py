"""Reads for the "My development" and "My team" pages that no other package offers:
one observation a practitioner may open about themselves, the observations an SPO
sees listed on a team member's page, and a user by an id from a URL."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from learning_app.accounts.models import User
from learning_app.extensions import db
from learning_app.observations.models import (
    Observation,
    ObservationAmendment,
    ObservationStatus,
)

# Ids in URLs are checked against the column's range, so PostgreSQL never sees a number
# it cannot hold (a 500) where the answer is simply "not found" (a 404).
MAX_ID = 2**31 - 1
SHARED_STATUSES = (ObservationStatus.SHARED.value, ObservationStatus.ACKNOWLEDGED.value)


def valid_id(value: int) -> bool:
    return 0 < value <= MAX_ID


def own_observation(practitioner: User, observation_id: int) -> Observation | None:
    """One observation about ``practitioner`` that they may read, or None (a draft, an
    observation about someone else, or an id no row could have)."""
    if not valid_id(observation_id):
        return None
    return db.session.scalar(
        select(Observation)
        .where(
            Observation.id == observation_id,
            Observation.practitioner_id == practitioner.id,
            Observation.status.in_(SHARED_STATUSES),
        )
        .options(
            selectinload(Observation.observer),
            selectinload(Observation.actions),
            selectinload(Observation.amendments).selectinload(ObservationAmendment.author),
            selectinload(Observation.replies),
        )
    )


def observations_listed_for(viewer: User, practitioner: User) -> Select:
    """The observations of a practitioner an SPO sees on their page, newest first: every
    shared or acknowledged one, and the viewer's own drafts (which only they can open)."""
    return (
        select(Observation)
        .where(
            Observation.practitioner_id == practitioner.id,
            or_(
                Observation.status.in_(SHARED_STATUSES),
                Observation.observer_id == viewer.id,
            ),
        )
        .options(selectinload(Observation.observer))
        .order_by(Observation.observed_on.desc(), Observation.id.desc())
    )


def team_practitioner(user_id: int) -> User | None:
    """A user by id, for the team pages to check against the policy; None for odd ids."""
    if not valid_id(user_id):
        return None
    return db.session.get(User, user_id)
