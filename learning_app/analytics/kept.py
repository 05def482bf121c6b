"""What the oversight page's kept sums (``analytics.audits``, ``analytics.moderation``)
share: which observations they count, clearing some teams' rows for rewriting, and
recording what has been written."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import delete, select

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User, holds_role
from learning_app.analytics.models import KeptSums
from learning_app.core.sql import among
from learning_app.extensions import db
from learning_app.observations.models import Observation
from learning_app.org.models import Team
from learning_app.profiles.evidence import EVIDENCE_STATUSES


def counted(team_ids: Collection[int] | None, since: date, until: date | None = None) -> list:
    """The conditions, on ``Observation`` joined to its practitioner (``User``), of the
    observations the kept sums count: shared, observed from ``since`` (to ``until``), of
    an active practitioner of ``team_ids`` (None: of any team)."""
    conditions = [
        User.active.is_(True),
        User.team_id.is_not(None),
        holds_role(Role.PRACTITIONER),
        Observation.status.in_(EVIDENCE_STATUSES),
        Observation.observed_on >= since,
    ]
    if team_ids is not None:
        conditions.append(among(User.team_id, team_ids))
    if until is not None:
        conditions.append(Observation.observed_on <= until)
    return conditions


def kept() -> KeptSums | None:
    """The record of what the kept sums are for (None before any was written)."""
    return db.session.get(KeptSums, 1)


def record(**values: Any) -> None:
    """Record what has just been written (``audits=True``, ``moderation_since=...``)."""
    row = kept()
    if row is None:
        db.session.add(KeptSums(id=1, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
    db.session.flush()


def clear_teams(model, team_ids: Collection[int]) -> list[int]:
    """Delete the ``model`` rows of ``team_ids`` for rewriting, and return the ids, sorted.

    The teams' rows are locked first on PostgreSQL, so two changes to one team queue."""
    ids = sorted(team_ids)
    db.session.execute(select(Team.id).where(Team.id.in_(ids)).order_by(Team.id).with_for_update())
    db.session.execute(
        delete(model).where(model.team_id.in_(ids)).execution_options(synchronize_session=False)
    )
    return ids
