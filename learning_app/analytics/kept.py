"""What the oversight page's kept sums (``analytics.audits``, ``analytics.moderation``)
share: clearing some teams' rows for rewriting, and recording what has been written."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import delete, select

from learning_app.analytics.models import KeptSums
from learning_app.extensions import db
from learning_app.org.models import Team


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
