"""Rollups of the stored skill profiles, for the learning-analysis pages.

One row per period, team, grade, experience band and skill holds the sums that every
heatmap metric needs, so a heatmap adds up rollup rows rather than profiles. Period
``live`` is kept current with the profiles; a quarter (``2026-Q4``) is a snapshot of the
live rows taken during that quarter.

``AnalyticsPduCell`` holds the same sums one level up, per PDU rather than per team
(about a twentieth of the rows), always written from the team rows in the same
transaction. A heatmap grouped by PDU, region, grade or band adds up these for every
PDU wholly in view, so a national heatmap reads thousands of rows, not over a hundred
thousand; ``AnalyticsRegionCell`` holds them per region, for regions wholly in view.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from learning_app.extensions import db

LIVE = "live"


class RollupSums:
    """The sums every heatmap measure is worked out from (``SUM_COLUMNS``)."""

    people: Mapped[int] = mapped_column(Integer)
    gap_sum: Mapped[float] = mapped_column(Float)
    priority_sum: Mapped[float] = mapped_column(Float)
    below_target: Mapped[int] = mapped_column(Integer)
    observed_n: Mapped[int] = mapped_column(Integer)
    observed_sum: Mapped[float] = mapped_column(Float)
    self_n: Mapped[int] = mapped_column(Integer)
    self_sum: Mapped[float] = mapped_column(Float)
    both_n: Mapped[int] = mapped_column(Integer)
    blind_spots: Mapped[int] = mapped_column(Integer)
    with_evidence: Mapped[int] = mapped_column(Integer)
    level_1: Mapped[int] = mapped_column(Integer)
    level_2: Mapped[int] = mapped_column(Integer)
    level_3: Mapped[int] = mapped_column(Integer)
    level_4: Mapped[int] = mapped_column(Integer)


class AnalyticsCell(RollupSums, db.Model):
    __tablename__ = "analytics_cells"
    __table_args__ = (
        Index("ix_analytics_cells_period_region", "period", "region_id", "pdu_id"),
        Index("ix_analytics_cells_period_pdu", "period", "pdu_id"),
    )

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    grade: Mapped[str] = mapped_column(String(10), primary_key=True)
    # '' when the grade has no experience band.
    band: Mapped[str] = mapped_column(String(20), primary_key=True)
    skill_slug: Mapped[str] = mapped_column(String(60), primary_key=True)
    # Copied from the team so a query groups without joins.
    pdu_id: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int] = mapped_column(Integer)
    site: Mapped[str] = mapped_column(String(120))


class AnalyticsTeamTotal(RollupSums, db.Model):
    """The team rows added up over grade and band (about a third as many), written from
    them in the same transaction: a heatmap with no grade or band filter, by team or by
    site, adds up these."""

    __tablename__ = "analytics_team_totals"
    __table_args__ = (Index("ix_analytics_team_totals_period_pdu", "period", "pdu_id"),)

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    skill_slug: Mapped[str] = mapped_column(String(60), primary_key=True)
    pdu_id: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int] = mapped_column(Integer)
    site: Mapped[str] = mapped_column(String(120))


class AnalyticsTeamLine(db.Model):
    """Each team's totals (``AnalyticsTeamTotal``) on every skill as one row, written from
    them in the same transaction: a national heatmap by team or by site reads 2,000 of
    these rather than 34,000 totals.

    ``skills`` is the skill slugs, separated by commas, and each sum column the sums in
    the same order, packed as little-endian 64-bit floats (``pack_line``): exactly the
    numbers of the totals, read back at once rather than a number at a time.
    """

    __tablename__ = "analytics_team_lines"
    __table_args__ = (Index("ix_analytics_team_lines_period_pdu", "period", "pdu_id"),)

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    pdu_id: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int] = mapped_column(Integer)
    site: Mapped[str] = mapped_column(String(120))
    skills: Mapped[str] = mapped_column(Text)
    people: Mapped[bytes] = mapped_column(LargeBinary)
    gap_sum: Mapped[bytes] = mapped_column(LargeBinary)
    priority_sum: Mapped[bytes] = mapped_column(LargeBinary)
    below_target: Mapped[bytes] = mapped_column(LargeBinary)
    observed_n: Mapped[bytes] = mapped_column(LargeBinary)
    observed_sum: Mapped[bytes] = mapped_column(LargeBinary)
    self_n: Mapped[bytes] = mapped_column(LargeBinary)
    self_sum: Mapped[bytes] = mapped_column(LargeBinary)
    both_n: Mapped[bytes] = mapped_column(LargeBinary)
    blind_spots: Mapped[bytes] = mapped_column(LargeBinary)
    with_evidence: Mapped[bytes] = mapped_column(LargeBinary)
    level_1: Mapped[bytes] = mapped_column(LargeBinary)
    level_2: Mapped[bytes] = mapped_column(LargeBinary)
    level_3: Mapped[bytes] = mapped_column(LargeBinary)
    level_4: Mapped[bytes] = mapped_column(LargeBinary)


LINE_TYPE = np.dtype("<f8")


def pack_line(values) -> bytes:
    """Numbers as ``AnalyticsTeamLine`` keeps them (``numpy.frombuffer`` with ``LINE_TYPE``
    reads them back)."""
    return np.asarray(values, dtype=LINE_TYPE).tobytes()


class AnalyticsPduCell(RollupSums, db.Model):
    __tablename__ = "analytics_pdu_cells"
    __table_args__ = (Index("ix_analytics_pdu_cells_period_region", "period", "region_id"),)

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    pdu_id: Mapped[int] = mapped_column(ForeignKey("pdus.id"), primary_key=True)
    grade: Mapped[str] = mapped_column(String(10), primary_key=True)
    band: Mapped[str] = mapped_column(String(20), primary_key=True)
    skill_slug: Mapped[str] = mapped_column(String(60), primary_key=True)
    region_id: Mapped[int] = mapped_column(Integer)


class AnalyticsRegionCell(RollupSums, db.Model):
    """The same sums per region (about a twelfth of the PDU rows), written from the PDU rows
    in the same transaction: a national heatmap by region, grade or band, and a national
    trend over every quarter, add these up."""

    __tablename__ = "analytics_region_cells"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), primary_key=True)
    grade: Mapped[str] = mapped_column(String(10), primary_key=True)
    band: Mapped[str] = mapped_column(String(20), primary_key=True)
    skill_slug: Mapped[str] = mapped_column(String(60), primary_key=True)


SUM_COLUMNS = (
    "people",
    "gap_sum",
    "priority_sum",
    "below_target",
    "observed_n",
    "observed_sum",
    "self_n",
    "self_sum",
    "both_n",
    "blind_spots",
    "with_evidence",
    "level_1",
    "level_2",
    "level_3",
    "level_4",
)


class ModerationCell(db.Model):
    """Each observer's ratings of one team's practitioners, by skill, over the moderation
    window (``analytics.moderation``): the sum of the levels and how many there are.

    The team is the practitioner's current one and only active practitioners count, as
    everywhere on the oversight page. The rows are for the window that
    ``KeptSums`` names; a reader for another window adds up the ratings instead.
    """

    __tablename__ = "analytics_moderation"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    observer_role: Mapped[str] = mapped_column(String(20), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    level_sum: Mapped[int] = mapped_column(Integer)
    ratings: Mapped[int] = mapped_column(Integer)


class AuditCell(db.Model):
    """One team's case-audit figures for a quarter (``analytics.audits``): for each kind of
    audit, how many there were (``question_key`` empty), and for each question the "yes"
    and the yes-or-no answers and how many practitioners gave them.

    The team is the practitioner's current one and only active practitioners count, as
    everywhere on the oversight page.
    """

    __tablename__ = "analytics_audit_cells"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    quarter: Mapped[str] = mapped_column(String(7), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    question_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    audits: Mapped[int] = mapped_column(Integer)
    yes: Mapped[int] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer)
    people: Mapped[int] = mapped_column(Integer)


class KeptSums(db.Model):
    """What the kept sums are for (one row, or none before they were first written): the
    first day of the moderation window of every ``ModerationCell``, and whether the
    ``AuditCell`` rows have been written for every team."""

    __tablename__ = "analytics_kept_sums"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    moderation_since: Mapped[date | None] = mapped_column(Date)
    audits: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class KeptView(db.Model):
    """What one unit's own live heatmap hides, with no grade or band filter: for one
    grouping and one column of people that a measure is over (``heatmap.COUNT_COLUMNS``).

    Worked out for a region at a time (``analytics.kept_views``), from the rollups its
    ``KeptViewsState`` row names. ``columns`` are the skill slugs and "all" in order, and
    ``hidden`` maps each row key of the view ("all" for the total) to the places in
    ``columns`` of its hidden cells. A unit with no figures has no row.
    """

    __tablename__ = "analytics_kept_views"
    __table_args__ = (Index("ix_analytics_kept_views_region", "region_id"),)

    level: Mapped[str] = mapped_column(String(10), primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grouping: Mapped[str] = mapped_column(String(10), primary_key=True)
    denominator: Mapped[str] = mapped_column(String(20), primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    columns: Mapped[list] = mapped_column(JSON)
    hidden: Mapped[dict] = mapped_column(JSON)


class KeptViewsState(db.Model):
    """Whether a region's ``KeptView`` rows can be trusted: ``changes`` counts the changes
    of its live rollups (in the transaction that made them), ``kept`` is the count the rows
    were worked out at, and ``rules`` the version of the suppression rules they followed.
    They are trusted only while both match."""

    __tablename__ = "analytics_kept_views_state"

    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), primary_key=True)
    changes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    kept: Mapped[int | None] = mapped_column(Integer)
    rules: Mapped[int | None] = mapped_column(Integer)
