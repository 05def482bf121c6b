"""What every unit's own live heatmap hides, kept with the rollups.

A heatmap hides what other units' views hide (``heatmap._build_unit``), and the nation's
view by grade depends that way on every team's, PDU's and region's view by grade: working
them all out is most of such a page's time. Those views depend only on their region's
rollups, so they are kept (``KeptView``) for the live rollups with no grade or band
filter, one region at a time.

A region's kept views are trusted only while they were worked out from its current
rollups under the current rules (``KeptViewsState``): the transaction that changes a
region's rollups also counts a change (``changed``), and ``keep`` (every minute, by the
scheduler; after ``refresh_all``) works out again those of every region whose count has
moved since. Until then a page works out that region's views itself, exactly as before,
so a page is never wrong, only slower for a minute after a change.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from learning_app.analytics.models import KeptView, KeptViewsState
from learning_app.core.sql import among
from learning_app.extensions import db
from learning_app.org.models import Region

# The version of the suppression rules the kept views follow: raise it whenever a change
# to ``heatmap`` or ``planes`` changes what a view hides, so rows kept under the old rules
# are worked out again rather than trusted.
RULES = 1

# What one unit's view hides: row key to column ("all" too) to hidden (``Planes.cells``).
Cells = dict[str, dict[str, bool]]


def _trusted():
    return and_(KeptViewsState.kept == KeptViewsState.changes, KeptViewsState.rules == RULES)


def changed(region_ids: Iterable[int | None]) -> None:
    """Count a change of the live rollups of ``region_ids``, in the transaction that made it.

    An upsert: when ``keep`` is writing a region's first state row at the same time, this
    waits for it rather than missing it."""
    ids = sorted({r for r in region_ids if r is not None})
    if not ids:
        return
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(KeptViewsState).values([{"region_id": r, "changes": 1} for r in ids])
    statement = statement.on_conflict_do_update(
        index_elements=[KeptViewsState.region_id],
        set_={"changes": KeptViewsState.changes + 1},
    )
    db.session.execute(statement)


def stale() -> list[int]:
    """The regions whose kept views are not to be trusted (or were never worked out)."""
    trusted = select(KeptViewsState.region_id).where(_trusted())
    return list(
        db.session.scalars(select(Region.id).where(Region.id.not_in(trusted)).order_by(Region.id))
    )


def every_region() -> list[int]:
    return list(db.session.scalars(select(Region.id).order_by(Region.id)))


def keep(region_ids: Collection[int] | None = None) -> int:
    """Work out again the kept views of ``region_ids`` (by default the stale ones); return
    how many regions were done. Nothing is committed: callers own the transaction."""
    from learning_app.analytics.heatmap import views_of_region

    ids = stale() if region_ids is None else sorted(region_ids)
    for region_id in ids:
        # Read from the database, not from an object the session may hold from before a
        # change; and before the rollups, so a change made while the views are worked
        # out leaves them untrusted, to be done again.
        where = KeptViewsState.region_id == region_id
        at = db.session.scalar(select(KeptViewsState.changes).where(where))
        if at is None:
            db.session.execute(insert(KeptViewsState).values(region_id=region_id, changes=0))
            at = 0
        rows = views_of_region(region_id)
        db.session.execute(
            delete(KeptView)
            .where(KeptView.region_id == region_id)
            .execution_options(synchronize_session=False)
        )
        if rows:
            db.session.execute(insert(KeptView), [{"region_id": region_id, **r} for r in rows])
        db.session.execute(
            update(KeptViewsState)
            .where(where)
            .values(kept=at, rules=RULES)
            .execution_options(synchronize_session=False)
        )
    return len(ids)


def encoded(cells: Cells, columns: Sequence[str]) -> dict[str, list[int]]:
    """``cells`` as they are kept: each row key to the places in ``columns`` it hides."""
    return {
        key: [i for i, column in enumerate(columns) if row[column]] for key, row in cells.items()
    }


def read(
    level: str,
    grouping: str,
    denominators: Collection[str],
    unit_ids: Collection[int],
    region_of: Mapping[int, int],
    columns: Sequence[str],
) -> dict[str, dict[int, Cells | None]]:
    """What the kept views of ``unit_ids`` (of ``level``; ``region_of`` gives each one's
    region) hide, for each of ``denominators``: for each unit whose region's views are
    trusted and were kept with these ``columns``, None for a unit with no figures. The
    others are left out."""
    found: dict[str, dict[int, Cells | None]] = {d: {} for d in denominators}
    regions = {region_of[u] for u in unit_ids if u in region_of}
    if not regions:
        return found
    view = and_(
        KeptView.region_id == KeptViewsState.region_id,
        KeptView.level == level,
        KeptView.grouping == grouping,
        KeptView.denominator.in_(sorted(denominators)),
        among(KeptView.unit_id, unit_ids),
    )
    # One statement, so the state and the rows it vouches for are read together.
    statement = (
        select(
            KeptViewsState.region_id,
            KeptView.denominator,
            KeptView.unit_id,
            KeptView.columns,
            KeptView.hidden,
        )
        .outerjoin(KeptView, view)
        .where(among(KeptViewsState.region_id, regions), _trusted())
    )
    trusted: set[int] = set()
    kept: dict[tuple[str, int], dict[str, list[int]]] = {}
    unfit: set[int] = set()
    wanted = list(columns)
    for region_id, denominator, unit_id, kept_columns, hidden in db.session.execute(statement):
        trusted.add(region_id)
        if unit_id is None:
            continue
        if kept_columns != wanted:
            unfit.add(region_id)
        kept[(denominator, unit_id)] = hidden
    trusted -= unfit
    for denominator, units in found.items():
        for unit_id in unit_ids:
            if region_of.get(unit_id) in trusted:
                rows = kept.get((denominator, unit_id))
                units[unit_id] = None if rows is None else _decoded(rows, wanted)
    return found


def _decoded(rows: dict[str, list[int]], columns: Sequence[str]) -> Cells:
    cells = {}
    for key, places in rows.items():
        row = dict.fromkeys(columns, False)
        for place in places:
            row[columns[place]] = True
        cells[key] = row
    return cells
