"""Observer moderation's sums, kept current in ``ModerationCell`` rows.

The window is this month and the eleven before it: from the first day of the month
eleven months before today's. It moves only when a month begins, so its sums can be
kept, per practitioner's team, observer and skill, and a national oversight page adds
up tens of thousands of rows rather than a year of ratings:

- ``refresh_teams`` rewrites some teams' rows in the transaction that changed them: an
  observation shared or amended (``evidence_changed``), a practitioner moved,
  deactivated, reactivated, or given or losing the practitioner role
  (``practitioners_changed``);
- ``refresh_all`` rewrites every row for today's window and records that window
  (``KeptSums``); it runs with the other rollups, nightly and in
  ``flask analytics refresh``.

``observer_means`` reads the rows when they are for the window asked about and for
today; otherwise (a past date, or a new month before the rows were rewritten for it) it
adds up the ratings themselves, so the figures are the same either way.

Nothing here commits: callers own the transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import Float, Select, cast, delete, func, insert, select

from learning_app.accounts.models import User
from learning_app.analytics import kept
from learning_app.analytics.models import ModerationCell
from learning_app.core.sql import among
from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.observations.models import Observation, ObservationRating

MONTHS = 12


def window_start(today: date) -> date:
    """The first day of the moderation window that holds ``today``."""
    index = today.year * 12 + today.month - 1 - (MONTHS - 1)
    return date(index // 12, index % 12 + 1, 1)


def _ratings(team_ids: Collection[int] | None, since: date, until: date | None = None) -> Select:
    """(team, observer, observer's role, skill, sum of levels, ratings) of the current,
    rated levels in the shared observations since ``since`` (to ``until``) of the active
    practitioners of ``team_ids`` (None: of every team)."""
    keys = (User.team_id, Observation.observer_id, Observation.observer_role)
    return (
        select(*keys, ObservationRating.skill_id)
        .add_columns(
            func.sum(ObservationRating.level).label("level_sum"), func.count().label("ratings")
        )
        .select_from(Observation)
        .join(User, User.id == Observation.practitioner_id)
        .join(ObservationRating, ObservationRating.observation_id == Observation.id)
        .where(
            *kept.counted(team_ids, since, until),
            ObservationRating.superseded.is_(False),
            ObservationRating.level.is_not(None),
        )
        .group_by(*keys, ObservationRating.skill_id)
    )


def _kept_window() -> date | None:
    row = kept.kept()
    return row.moderation_since if row is not None else None


def observer_means(
    team_ids: Collection[int], today: date
) -> list[tuple[int, str, int, int, float]]:
    """(observer, observer's role, ratings, sum of their levels, sum of the unit's mean
    level of the skill of each rating) over the window to ``today``, of the observations
    of the active practitioners of ``team_ids``: one row per observer and role.

    The unit's mean of a skill is every observer's ratings of it averaged, so the last
    sum over the ratings is what this observer's mean would be had each rating been the
    unit's mean for its skill. Worked out in the database from the team, observer, role
    and skill sums: the last sum is each sum of ratings times its skill's mean, so those
    sums need not be added up per observer and skill first.
    """
    if not team_ids:
        return []
    # Read twice rather than kept between the two (a CTE): PostgreSQL adds up each skill
    # as it scans, instead of writing every cell out first.
    each = _cells(team_ids, today).subquery()
    # Each skill's mean over every observer, a row per skill, joined to every cell.
    skills = (
        select(
            each.c.skill_id,
            (cast(func.sum(each.c.level_sum), Float) / func.sum(each.c.ratings)).label("mean"),
        )
        .group_by(each.c.skill_id)
        .subquery()
    )
    cells = _cells(team_ids, today).subquery()
    keys = (cells.c.observer_id, cells.c.observer_role)
    statement = (
        select(
            *keys,
            func.sum(cells.c.ratings),
            func.sum(cells.c.level_sum),
            func.sum(cells.c.ratings * skills.c.mean),
        )
        .join(skills, skills.c.skill_id == cells.c.skill_id)
        .group_by(*keys)
    )
    return [tuple(r) for r in db.session.execute(statement)]


def _cells(team_ids: Collection[int], today: date):
    """(observer_id, observer_role, skill_id, level_sum, ratings) per team too, of
    ``observer_means``: the kept rows when they are for this window and today, else
    added up from the ratings."""
    since = window_start(today)
    if today < london_today() or _kept_window() != since:
        return _ratings(team_ids, since, today)
    cell = ModerationCell
    columns = (cell.observer_id, cell.observer_role, cell.skill_id, cell.level_sum, cell.ratings)
    return select(*columns).where(among(cell.team_id, team_ids))


_COLUMNS = ["team_id", "observer_id", "observer_role", "skill_id", "level_sum", "ratings"]


def refresh_teams(team_ids: Collection[int]) -> None:
    """Rewrite the rows of ``team_ids``, if the rows are kept for this month's window."""
    since = _kept_window()
    if not team_ids or since is None or since != window_start(london_today()):
        return
    ids = kept.clear_teams(ModerationCell, team_ids)
    db.session.execute(insert(ModerationCell).from_select(_COLUMNS, _ratings(ids, since)))


def refresh_all(today: date | None = None) -> None:
    """Rewrite every row for the window holding ``today`` (default: today in London)."""
    since = window_start(today or london_today())
    db.session.execute(delete(ModerationCell).execution_options(synchronize_session=False))
    db.session.execute(insert(ModerationCell).from_select(_COLUMNS, _ratings(None, since)))
    kept.record(moderation_since=since)
