"""Keep the analytics rollups (``AnalyticsCell``) current with the stored profiles.

``refresh_teams`` recomputes the live rows of the PDUs of some teams from their
practitioners' profiles (the team rows, then each team's totals and each PDU's rows
added up from them), then
their regions' rows from the PDU rows: it runs in the transaction that changed a profile
(through ``evidence_changed``), or who a team's practitioners are
(``practitioners_changed``), so a heatmap shows an observation or a move the moment it
is saved; so do the moderation and case-audit rows (``analytics.moderation``,
``analytics.audits``). On PostgreSQL each PDU's row is locked first and each region's
row once the PDUs are done, so two changes in one PDU or region queue rather than race,
and every transaction takes its locks in that order. ``refresh_pdu`` does one PDU and
its region; ``refresh_all`` every PDU, a region at a time, after the nightly profile
rebuild (experience bands and decay move numbers with time). ``take_snapshot`` copies
the live rows into the current quarter's period, and adds up its team totals, PDU and
region rows from the team rows it copied.

Nothing here commits: callers own the transaction.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import delete, func, insert, literal, select

from learning_app.accounts.constants import Role, experience_band
from learning_app.accounts.models import RoleAssignment, User
from learning_app.analytics import audits, kept_views, moderation
from learning_app.analytics.models import (
    LIVE,
    SUM_COLUMNS,
    AnalyticsCell,
    AnalyticsPduCell,
    AnalyticsRegionCell,
    AnalyticsTeamLine,
    AnalyticsTeamTotal,
    pack_line,
)
from learning_app.analytics.quarters import quarter_of
from learning_app.core.events import practitioners_changed
from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.org.models import Pdu, Region, Team
from learning_app.profiles.models import SkillProfileRecord


def _level_bucket(level: float) -> int:
    return min(4, max(1, math.floor(level + 0.5)))


def _empty_sums() -> dict[str, Any]:
    return dict.fromkeys(SUM_COLUMNS, 0)


def add_profile(sums: dict[str, Any], record: Any) -> None:
    """Add one profile (a ``SkillProfileRecord`` or a row with its fields) to ``sums``."""
    sums["people"] += 1
    sums["gap_sum"] += record.gap
    sums["priority_sum"] += record.priority
    sums["below_target"] += 1 if record.gap > 0 else 0
    if record.observed_level is not None:
        sums["observed_n"] += 1
        sums["observed_sum"] += record.observed_level
    if record.self_level is not None:
        sums["self_n"] += 1
        sums["self_sum"] += record.self_level
    if record.observed_level is not None and record.self_level is not None:
        sums["both_n"] += 1
        sums["blind_spots"] += 1 if record.blind_spot else 0
    sums["with_evidence"] += 0 if record.evidence_gap else 1
    if record.level is not None:
        sums[f"level_{_level_bucket(record.level)}"] += 1


def _practitioner_rows(team_ids: Iterable[int]):
    is_practitioner = select(RoleAssignment.id).where(
        RoleAssignment.user_id == User.id, RoleAssignment.role == Role.PRACTITIONER.value
    )
    return db.session.execute(
        select(
            User.team_id,
            User.grade,
            User.qualified_on,
            SkillProfileRecord.skill_slug,
            SkillProfileRecord.gap,
            SkillProfileRecord.priority,
            SkillProfileRecord.observed_level,
            SkillProfileRecord.self_level,
            SkillProfileRecord.blind_spot,
            SkillProfileRecord.evidence_gap,
            SkillProfileRecord.level,
        )
        .join(SkillProfileRecord, SkillProfileRecord.practitioner_id == User.id)
        .where(User.active.is_(True), User.team_id.in_(list(team_ids)), is_practitioner.exists())
    )


def refresh_pdu(pdu_id: int, today: date | None = None) -> int:
    """Recompute the live rows of one PDU and of its region; return how many team rows the
    PDU now has."""
    rows = _rewrite_pdu(pdu_id, today)
    _regions_changed([pdu_id])
    return rows


def _rewrite_pdu(pdu_id: int, today: date | None = None) -> int:
    """Recompute the team and PDU live rows of one PDU (its region's are left to
    ``_regions_changed``); return how many team rows it now has."""
    today = today or london_today()
    db.session.execute(select(Pdu.id).where(Pdu.id == pdu_id).with_for_update())
    pdu = db.session.get(Pdu, pdu_id)
    if pdu is None:
        return 0
    teams = {t.id: t for t in db.session.scalars(select(Team).where(Team.pdu_id == pdu_id))}
    sums: dict[tuple, dict[str, Any]] = defaultdict(_empty_sums)
    if teams:
        for row in _practitioner_rows(teams):
            band = experience_band(row.grade, row.qualified_on, today)
            key = (row.team_id, row.grade, band.value if band else "", row.skill_slug)
            add_profile(sums[key], row)
    db.session.execute(
        delete(AnalyticsCell)
        .where(AnalyticsCell.period == LIVE, AnalyticsCell.pdu_id == pdu_id)
        .execution_options(synchronize_session=False)
    )
    rows = [
        {
            "period": LIVE,
            "team_id": team_id,
            "grade": grade,
            "band": band,
            "skill_slug": slug,
            "pdu_id": pdu_id,
            "region_id": pdu.region_id,
            "site": teams[team_id].site,
            **values,
        }
        for (team_id, grade, band, slug), values in sums.items()
    ]
    if rows:
        db.session.execute(insert(AnalyticsCell), rows)
    _add_up_teams(LIVE, pdu_id)
    _add_up_pdus(LIVE, pdu_id)
    return len(rows)


def _rewrite(
    target,
    source,
    keys: tuple[str, ...],
    copied: tuple[str, ...],
    period: str,
    unit: str | None = None,
    unit_ids: Collection[int] | None = None,
) -> None:
    """Rewrite ``target``'s rows of ``period`` from ``source``'s, added up per ``keys``
    (with the ``copied`` columns, the same on every row added): all of them, or those
    whose ``unit`` column is one of ``unit_ids``."""
    keep = [source.period == period]
    drop = [target.period == period]
    if unit_ids is not None:
        keep.append(getattr(source, unit).in_(list(unit_ids)))
        drop.append(getattr(target, unit).in_(list(unit_ids)))
    db.session.execute(delete(target).where(*drop).execution_options(synchronize_session=False))
    grouped = [source.period, *(getattr(source, k) for k in keys)]
    added = select(
        *grouped,
        *(func.min(getattr(source, c)) for c in copied),
        *(func.sum(getattr(source, c)) for c in SUM_COLUMNS),
    ).where(*keep)
    db.session.execute(
        insert(target).from_select(
            ["period", *keys, *copied, *SUM_COLUMNS], added.group_by(*grouped)
        )
    )


def _add_up_teams(period: str, pdu_id: int | None = None) -> None:
    """Rewrite the team totals and lines of ``period`` (of one PDU's teams, or all) from
    its team rows."""
    at = None if pdu_id is None else [pdu_id]
    keys, copied = ("team_id", "skill_slug"), ("pdu_id", "region_id", "site")
    _rewrite(AnalyticsTeamTotal, AnalyticsCell, keys, copied, period, "pdu_id", at)
    _line_up_teams(period, at)


def _line_up_teams(period: str, pdu_ids: list[int] | None) -> None:
    """Rewrite the team lines of ``period`` (of the teams of ``pdu_ids``, or all) from the
    team totals: each team's skills in slug order, and its sums in the same order."""
    drop = [AnalyticsTeamLine.period == period]
    keep = [AnalyticsTeamTotal.period == period]
    if pdu_ids is not None:
        drop.append(AnalyticsTeamLine.pdu_id.in_(pdu_ids))
        keep.append(AnalyticsTeamTotal.pdu_id.in_(pdu_ids))
    db.session.execute(
        delete(AnalyticsTeamLine).where(*drop).execution_options(synchronize_session=False)
    )
    copied = ("team_id", "pdu_id", "region_id", "site", "skill_slug")
    totals = db.session.execute(
        select(*(getattr(AnalyticsTeamTotal, c) for c in (*copied, *SUM_COLUMNS)))
        .where(*keep)
        .order_by(AnalyticsTeamTotal.team_id, AnalyticsTeamTotal.skill_slug)
    )
    lines = []
    for team_id, rows in groupby(totals.tuples(), key=itemgetter(0)):
        _team, pdu_id, region_id, site, *columns = zip(*rows, strict=True)
        skills, sums = columns[0], columns[1:]
        lines.append(
            {
                "period": period,
                "team_id": team_id,
                "pdu_id": pdu_id[0],
                "region_id": region_id[0],
                "site": site[0],
                "skills": ",".join(skills),
                **{c: pack_line(v) for c, v in zip(SUM_COLUMNS, sums, strict=True)},
            }
        )
    if lines:
        db.session.execute(insert(AnalyticsTeamLine), lines)


def _add_up_pdus(period: str, pdu_id: int | None = None) -> None:
    """Rewrite the PDU rows of ``period`` (of one PDU, or all) from its team rows."""
    at = None if pdu_id is None else [pdu_id]
    keys = ("pdu_id", "grade", "band", "skill_slug")
    _rewrite(AnalyticsPduCell, AnalyticsCell, keys, ("region_id",), period, "pdu_id", at)


def _add_up_regions(period: str, region_ids: Collection[int] | None = None) -> None:
    """Rewrite the region rows of ``period`` (of ``region_ids``, or all) from its PDU rows."""
    keys = ("region_id", "grade", "band", "skill_slug")
    _rewrite(AnalyticsRegionCell, AnalyticsPduCell, keys, (), period, "region_id", region_ids)


def add_up(period: str) -> None:
    """Rewrite every team total, PDU and region row of ``period`` from its team rows."""
    _add_up_teams(period)
    _add_up_pdus(period)
    _add_up_regions(period)


def _regions_changed(pdu_ids: Collection[int]) -> None:
    """After the live rows of ``pdu_ids`` were rewritten: rewrite their regions' rows, and
    count a change of them for the kept views.

    Last in the transaction, so every transaction takes the PDUs' locks before its
    regions'; each region's row is locked, so two changes in one region queue."""
    region_ids = sorted(
        set(db.session.scalars(select(Pdu.region_id).where(Pdu.id.in_(list(pdu_ids)))))
    )
    if not region_ids:
        return
    db.session.execute(
        select(Region.id).where(Region.id.in_(region_ids)).order_by(Region.id).with_for_update()
    )
    _add_up_regions(LIVE, region_ids)
    kept_views.changed(region_ids)


def refresh_all(today: date | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Recompute the live rows of every PDU and region, a region at a time (``progress`` is
    called with each region's id after it), then every moderation and case-audit row, then
    the kept views of every region whose rows changed; return how many live rows there
    are."""
    total = 0
    pdus = db.session.execute(select(Pdu.region_id, Pdu.id).order_by(Pdu.region_id, Pdu.id))
    for region_id, rows in groupby(pdus.all(), key=itemgetter(0)):
        pdu_ids = [pdu_id for _region, pdu_id in rows]
        for pdu_id in pdu_ids:
            total += _rewrite_pdu(pdu_id, today)
        _regions_changed(pdu_ids)
        if progress is not None:
            progress(region_id)
    moderation.refresh_all(today)
    audits.refresh_all(today)
    kept_views.keep()
    return total


def refresh_for_practitioner(practitioner: User, today: date | None = None) -> None:
    """Bring the live rows of the practitioner's PDU, and the moderation and case-audit
    rows of their team, up to date (no team: nothing)."""
    if practitioner.team_id is None:
        return
    refresh_teams({practitioner.team_id}, today)


def refresh_teams(team_ids: Collection[int | None], today: date | None = None) -> None:
    """Bring the live rows of the teams' PDUs, and the teams' moderation and case-audit
    rows, up to date: after their practitioners' evidence changed, or who they are."""
    ids = sorted({t for t in team_ids if t is not None})
    if not ids:
        return
    pdu_ids = db.session.scalars(
        select(Team.pdu_id).where(Team.id.in_(ids)).distinct().order_by(Team.pdu_id)
    ).all()
    for pdu_id in pdu_ids:
        _rewrite_pdu(pdu_id, today)
    moderation.refresh_teams(ids)
    audits.refresh_teams(ids)
    _regions_changed(pdu_ids)


def handle_practitioners_changed(
    sender: Any, team_ids: Collection[int | None] = (), **_kw: Any
) -> None:
    """``practitioners_changed``: the teams whose practitioners changed, in that transaction."""
    refresh_teams(team_ids)


def connect_signals() -> None:
    """Subscribe the rollups to ``practitioners_changed``. Safe to call more than once."""
    practitioners_changed.connect(handle_practitioners_changed)


def take_snapshot(today: date | None = None) -> tuple[str, int]:
    """Copy the live rows into the period of the quarter holding ``today``.

    Taken again in the same quarter, the snapshot is replaced, so the current quarter
    shows the quarter so far and a quarter's figures freeze when it ends.
    """
    period = quarter_of(today or london_today())
    db.session.execute(
        delete(AnalyticsCell)
        .where(AnalyticsCell.period == period)
        .execution_options(synchronize_session=False)
    )
    columns = [c.name for c in AnalyticsCell.__table__.columns if c.name != "period"]
    live = (
        select(*(getattr(AnalyticsCell, c) for c in columns))
        .where(AnalyticsCell.period == LIVE)
        .subquery()
    )
    db.session.execute(
        insert(AnalyticsCell).from_select(
            ["period", *columns], select(literal(period), *(live.c[c] for c in columns))
        )
    )
    add_up(period)
    count = db.session.scalar(
        select(func.count()).select_from(AnalyticsCell).where(AnalyticsCell.period == period)
    )
    return period, count or 0


def periods() -> list[str]:
    """The quarters that have a snapshot, oldest first.

    Each step looks up the next period in the rollups' primary key (whose first column
    it is), so the answer costs one index probe per period, not a scan of every row.
    """
    found = select(func.min(AnalyticsCell.period).label("period")).cte("found", recursive=True)
    following = (
        select(func.min(AnalyticsCell.period))
        .where(AnalyticsCell.period > found.c.period)
        .scalar_subquery()
    )
    found = found.union_all(select(following).where(found.c.period.is_not(None)))
    return [
        p
        for p in db.session.scalars(select(found.c.period).where(found.c.period.is_not(None)))
        if p != LIVE
    ]
