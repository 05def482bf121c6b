"""Case-audit figures per team and quarter, kept current in ``AuditCell`` rows.

For each team, quarter and kind of audit (case record audit, court report check): how
many audits there were, and for each question the "yes" answers, the yes-or-no answers,
and how many practitioners gave them. The oversight page's rates and its small-group
checks are all sums of these, so a national page adds up kept rows rather than reading
two years of answers. As everywhere on that page, a practitioner counts under their
current team, only while active; observations count once shared; superseded answers and
"not applicable" do not count.

The rows are kept as the moderation sums are (``analytics.moderation``): ``refresh_teams``
in the transaction of any change of a team's evidence or practitioners, ``refresh_all``
nightly, which also marks them as written for every team (``KeptSums.audits``). The
quarters from the first of the last ``QUARTERS`` onwards are kept. ``cells`` reads the
kept rows when they have been written and the date is today; otherwise (a past date, a
new database) it works them out from the answers, so the figures are the same either way.

Nothing here commits: callers own the transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, insert, select

from learning_app.accounts.models import User
from learning_app.analytics import kept
from learning_app.analytics.models import AuditCell
from learning_app.analytics.quarters import quarter_of, quarter_start
from learning_app.analytics.quarters import quarters_to as _quarters_to
from learning_app.core.sql import among
from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.observations.models import (
    AuditAnswer,
    Observation,
    ObservationType,
)

QUARTERS = 8
AUDIT_TYPES = (ObservationType.CASE_AUDIT, ObservationType.COURT_REPORT_QA)
# The key of a kind's row that counts its audits rather than answers to a question.
AUDITS = ""

# (team, quarter, kind, question key or AUDITS) -> [audits, yes, answered, people]
Cells = dict[tuple[int, str, str, str], list[int]]


def quarters_to(today: date, count: int = QUARTERS) -> list[str]:
    """The ``count`` quarters ending with the one holding ``today``, oldest first."""
    return _quarters_to(today, count)


def _counted(team_ids: Collection[int] | None, since: date, until: date | None = None) -> Cells:
    """The cells of ``team_ids`` (None: every team) from the audits themselves, for the
    audits observed from ``since`` (to ``until``)."""
    conditions = [
        *kept.counted(team_ids, since, until),
        Observation.type.in_([t.value for t in AUDIT_TYPES]),
    ]
    of_practitioners = (
        select()
        .select_from(Observation)
        .join(User, User.id == Observation.practitioner_id)
        .where(*conditions)
    )
    cells: Cells = defaultdict(lambda: [0, 0, 0, 0])
    days = (User.team_id, Observation.type, Observation.observed_on)
    for team_id, kind, day, count in db.session.execute(
        of_practitioners.add_columns(*days, func.count()).group_by(*days)
    ):
        cells[(team_id, quarter_of(day), kind, AUDITS)][0] += count
    answers = of_practitioners.add_columns(
        *days, Observation.practitioner_id, AuditAnswer.question_key, AuditAnswer.answer
    ).join(AuditAnswer, AuditAnswer.observation_id == Observation.id)
    answering: dict[tuple[int, str, str, str], set[int]] = defaultdict(set)
    for team_id, kind, day, practitioner_id, key, answer in db.session.execute(
        answers.where(AuditAnswer.superseded.is_(False), AuditAnswer.answer.in_(("yes", "no")))
    ):
        cell_key = (team_id, quarter_of(day), kind, key)
        cell = cells[cell_key]
        cell[1] += answer == "yes"
        cell[2] += 1
        answering[cell_key].add(practitioner_id)
    for cell_key, people in answering.items():
        cells[cell_key][3] = len(people)
    return dict(cells)


def _kept(team_ids: Collection[int], quarters: list[str]) -> Cells:
    columns = (AuditCell.team_id, AuditCell.quarter, AuditCell.kind, AuditCell.question_key)
    sums = (AuditCell.audits, AuditCell.yes, AuditCell.answered, AuditCell.people)
    # Plain rows, not the ORM's, fetched at once: a national page reads some 30,000.
    rows = (
        db.session.connection()
        .execute(
            select(*columns, *sums).where(
                among(AuditCell.team_id, team_ids), AuditCell.quarter.in_(quarters)
            )
        )
        .all()
    )
    return {(t, q, k, key): [a, y, n, p] for t, q, k, key, a, y, n, p in rows}


@dataclass
class Sums:
    """What the oversight page's rates add up, for some teams within a wider set."""

    # (kind, quarter) -> audits of the teams
    audits: dict[tuple[str, str], int] = field(default_factory=dict)
    # (question key, quarter) -> [yes, answered] of the teams
    tallies: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    # (question key, quarter) -> team of the wider set -> practitioners who answered
    answering: dict[tuple[str, str], dict[int, int]] = field(default_factory=dict)


def sums_of(found: Cells, team_ids: Collection[int]) -> Sums:
    """The ``Sums`` of ``team_ids`` from the cells of the wider set, added up one by one."""
    wanted = set(team_ids)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    tallies: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    answering: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for (team_id, quarter, kind, key), (done, yes, answered, people) in found.items():
        if key == AUDITS:
            if team_id in wanted:
                counts[(kind, quarter)] += done
            continue
        answering[(key, quarter)][team_id] = people
        if team_id in wanted:
            tally = tallies[(key, quarter)]
            tally[0] += yes
            tally[1] += answered
    return Sums(dict(counts), dict(tallies), dict(answering))


def _kept_sums(team_ids: Collection[int], around: Collection[int], quarters: list[str]) -> Sums:
    """The ``Sums`` from the kept rows, the teams' added up in the database: only the
    people answering each question are read team by team, for the small-group checks."""
    result = Sums()
    in_quarters = AuditCell.quarter.in_(quarters)
    keys = (AuditCell.kind, AuditCell.quarter, AuditCell.question_key)
    added = select(
        *keys, func.sum(AuditCell.audits), func.sum(AuditCell.yes), func.sum(AuditCell.answered)
    ).where(among(AuditCell.team_id, team_ids), in_quarters)
    for kind, quarter, key, done, yes, answered in db.session.execute(added.group_by(*keys)):
        if key == AUDITS:
            result.audits[(kind, quarter)] = result.audits.get((kind, quarter), 0) + int(done)
        else:
            tally = result.tallies.setdefault((key, quarter), [0, 0])
            tally[0] += int(yes)
            tally[1] += int(answered)
    people = select(AuditCell.question_key, AuditCell.quarter, AuditCell.team_id, AuditCell.people)
    people = people.where(
        among(AuditCell.team_id, around), in_quarters, AuditCell.question_key != AUDITS
    )
    for key, quarter, team_id, count in db.session.connection().execute(people):
        result.answering.setdefault((key, quarter), {})[team_id] = count
    return result


def sums(team_ids: Collection[int], around: Collection[int], today: date) -> Sums:
    """The ``Sums`` of ``team_ids``, answering counted in each team of ``around`` (which
    holds them), for the ``QUARTERS`` quarters to ``today``: from the kept rows when they
    can be read (as ``cells``), else from the answers."""
    if not team_ids:
        return Sums()
    quarters = quarters_to(today)
    if today >= london_today() and _written():
        return _kept_sums(team_ids, around, quarters)
    return sums_of(_counted(around, quarter_start(quarters[0]), today), team_ids)


def _written() -> bool:
    row = kept.kept()
    return row is not None and row.audits


def cells(team_ids: Collection[int], today: date, count: int = QUARTERS) -> Cells:
    """The cells of ``team_ids`` for the ``count`` quarters to ``today``, audits to
    ``today`` only."""
    if not team_ids:
        return {}
    quarters = quarters_to(today, count)
    if today >= london_today() and _written():
        return _kept(team_ids, quarters)
    return _counted(team_ids, quarter_start(quarters[0]), today)


_COLUMNS = ("team_id", "quarter", "kind", "question_key", "audits", "yes", "answered", "people")


def _write(found: Cells) -> None:
    rows = [dict(zip(_COLUMNS, (*key, *values), strict=True)) for key, values in found.items()]
    if rows:
        db.session.execute(insert(AuditCell), rows)


def refresh_teams(team_ids: Collection[int]) -> None:
    """Rewrite the rows of ``team_ids``, once the rows have been written for every team."""
    if not team_ids or not _written():
        return
    ids = kept.clear_teams(AuditCell, team_ids)
    _write(_counted(ids, quarter_start(quarters_to(london_today())[0])))


def refresh_all(today: date | None = None) -> None:
    """Rewrite every row, from the first of the last ``QUARTERS`` quarters to ``today``."""
    db.session.execute(delete(AuditCell).execution_options(synchronize_session=False))
    _write(_counted(None, quarter_start(quarters_to(today or london_today())[0])))
    kept.record(audits=True)
