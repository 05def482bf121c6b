"""The measures behind the oversight pages, each read in a fixed number of queries.

- **load**: discussions an SPO holds (booked, waiting for sign-off or signed) in a London week,
  Monday to Sunday, against the sessions a week of their capacity.
- **covered**: the practitioner's last signed discussion was held within their cadence
  (``rules.cadence_weeks`` with the rules in force): on or after today less that many weeks.
  Practitioners no cadence rule applies to are left out of the share.
- **at risk**: a discussion not yet booked that the placer could not place (it has a
  reason), or one booked for a day after its due date.
"""

from __future__ import annotations

from bisect import bisect
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Date, Select, and_, case, func, literal, null, select

from learning_app.accounts.constants import (
    NEW_PO_MONTHS,
    Band,
    Grade,
    Role,
    experience_band,
    months_between,
)
from learning_app.accounts.models import User, holds_role
from learning_app.core.sql import among
from learning_app.core.time import LONDON, london
from learning_app.extensions import db
from learning_app.reflective.models import (
    SLOT_HOLDING,
    Discussion,
    DiscussionStatus,
    SpoCapacity,
)
from learning_app.reflective.placer import RiskReason
from learning_app.reflective.rules import Rules, cadence_weeks

# Weeks and load ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    """A London week, Monday to Sunday."""

    first_day: date

    @classmethod
    def of(cls, day: date) -> Week:
        return cls(day - timedelta(days=day.weekday()))

    @property
    def next(self) -> Week:
        return Week(self.first_day + timedelta(days=7))

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=6)

    @property
    def starts_at(self) -> datetime:
        """London midnight on the Monday, in UTC (a week can hold a clock change)."""
        return datetime.combine(self.first_day, time(0), tzinfo=LONDON).astimezone(UTC)

    @property
    def ends_at(self) -> datetime:
        return self.next.starts_at


@dataclass(frozen=True)
class Load:
    """Discussions an SPO holds in a week against the slots their capacity gives."""

    booked: int
    capacity: int | None  # None: no capacity set

    @property
    def over(self) -> int:
        return max(0, self.booked - (self.capacity or 0))

    @property
    def words(self) -> str:
        if self.capacity is None:
            return f"{self.booked} booked, no capacity set"
        slots = "slot" if self.capacity == 1 else "slots"
        if self.booked <= self.capacity:
            return f"{self.booked} of {self.capacity} {slots} booked"
        return f"{self.booked} booked for {self.capacity} {slots}: {self.over} over capacity"

    def __add__(self, other: Load) -> Load:
        capacity = None
        if self.capacity is not None or other.capacity is not None:
            capacity = (self.capacity or 0) + (other.capacity or 0)
        return Load(self.booked + other.booked, capacity)


def loads(spo_ids: Collection[int], weeks: tuple[Week, Week]) -> dict[int, tuple[Load, Load]]:
    """Each SPO's load in two consecutive weeks: two queries, whatever the number of SPOs."""
    if not spo_ids:
        return {}
    capacities = dict(
        db.session.execute(
            select(SpoCapacity.spo_id, SpoCapacity.sessions_per_week).where(
                among(SpoCapacity.spo_id, spo_ids)
            )
        ).all()
    )
    first, second = weeks
    in_first = case((Discussion.starts_at < first.ends_at, 1), else_=0)
    counts = {
        spo_id: (a or 0, b or 0)
        for spo_id, a, b in db.session.execute(
            select(Discussion.spo_id, func.sum(in_first), func.sum(1 - in_first))
            .where(
                among(Discussion.spo_id, spo_ids),
                Discussion.status.in_([s.value for s in SLOT_HOLDING]),
                Discussion.starts_at >= first.starts_at,
                Discussion.starts_at < second.ends_at,
            )
            .group_by(Discussion.spo_id)
        )
    }
    return {
        spo_id: (
            Load(counts.get(spo_id, (0, 0))[0], capacities.get(spo_id)),
            Load(counts.get(spo_id, (0, 0))[1], capacities.get(spo_id)),
        )
        for spo_id in spo_ids
    }


# Practitioners and their cadence -----------------------------------------------------------


@dataclass(frozen=True)
class Practitioner:
    id: int
    name: str
    team_id: int
    band: Band | None
    cadence_weeks: int | None  # None: no cadence rule applies
    last_signed_on: date | None

    @property
    def due_by(self) -> date | None:
        """The day the next discussion was due by cadence, when there has been one."""
        return cadence_due_by(self.cadence_weeks, self.last_signed_on)

    def covered(self, today: date) -> bool:
        return is_covered(self.cadence_weeks, self.last_signed_on, today)


def cadence_due_by(cadence_weeks: int | None, last_signed_on: date | None) -> date | None:
    if cadence_weeks is None or last_signed_on is None:
        return None
    return last_signed_on + timedelta(weeks=cadence_weeks)


def is_covered(cadence_weeks: int | None, last_signed_on: date | None, today: date) -> bool:
    due = cadence_due_by(cadence_weeks, last_signed_on)
    return due is not None and due >= today


class Cadences:
    """Each practitioner's experience band and cadence on ``today``.

    Both follow from the grade and from which side of each limit of months the rules
    (and the new-PO band) name the months since starting and since qualifying fall, so
    they are worked out once for each such combination, not once a practitioner.
    """

    def __init__(self, rules: Rules, today: date) -> None:
        self.rules, self.today = rules, today
        self._found: dict[tuple, tuple[Band | None, int | None]] = {}
        limits: dict[str | None, set[int]] = {"started_on": set(), "qualified_on": {NEW_PO_MONTHS}}
        for rule in rules.cadence:
            limits.setdefault(rule.since, set()).update(
                m for m in (rule.months_from, rule.months_to) if m is not None
            )
        self._started = sorted(limits["started_on"])
        self._qualified = sorted(limits["qualified_on"])

    def of(
        self, grade: str, started_on: date | None, qualified_on: date | None
    ) -> tuple[Band | None, int | None]:
        today = self.today
        key = (
            grade,
            None
            if started_on is None
            else bisect(self._started, months_between(started_on, today)),
            None
            if qualified_on is None
            else bisect(self._qualified, months_between(qualified_on, today)),
        )
        found = self._found.get(key)
        if found is None:
            band = experience_band(grade, qualified_on, today)
            cadence = cadence_weeks(self.rules, band, started_on, qualified_on, today)
            found = self._found[key] = (band, cadence)
        return found

    def covered_since(self, grade, started_on, qualified_on):
        """An SQL expression, on a practitioner's grade and dates: the first day a signed
        discussion covers them on ``today`` (``today`` less their cadence), or NULL when no
        cadence applies.

        The same cadence as ``of``: each combination of grade and sides of the limits is
        looked up for a day that falls there. The expression picks the grade, then the
        side of the start date's limits, then the qualification date's, each only where
        it changes the answer."""
        started = _sides(started_on, self._started, self.today)
        qualified = _sides(qualified_on, self._qualified, self.today)
        by_grade = {}
        for grade_value in Grade:
            days = [
                [self._covered_from(grade_value, day, other) for _side, other in qualified]
                for _side, day in started
            ]
            if any(d is not None for row in days for d in row):
                by_started = [_pick(qualified, row) for row in days]
                if all(row == days[0] for row in days):
                    by_grade[grade_value.value] = by_started[0]
                else:
                    by_grade[grade_value.value] = _choose(started, by_started)
        return case(by_grade, value=grade, else_=null()) if by_grade else null()

    def _covered_from(
        self, grade: Grade, started_on: date | None, qualified_on: date | None
    ) -> date | None:
        cadence = self.of(grade.value, started_on, qualified_on)[1]
        return None if cadence is None else self.today - timedelta(weeks=cadence)


def _pick(sides: list, days: list[date | None]):
    """The day of the side that holds (exactly one always does), as SQL."""
    if all(d == days[0] for d in days):
        return _day(days[0])
    return _choose(sides, [_day(d) for d in days])


def _choose(sides: list, choices: list):
    conditions = [condition for condition, _day in sides]
    return case(*zip(conditions[:-1], choices[:-1], strict=True), else_=choices[-1])


def _day(day: date | None):
    return null() if day is None else literal(day, Date())


def last_day_with_months(months: int, today: date) -> date:
    """The latest day ``d`` with ``months_between(d, today) >= months`` (``months`` at
    least 1): on it and every earlier day, at least that many whole months have passed."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    day = date(year, month + 1, 1)
    day += timedelta(days=min(today.day, 28) - 1)
    while months_between(day + timedelta(days=1), today) >= months:
        day += timedelta(days=1)
    while months_between(day, today) < months:
        day -= timedelta(days=1)
    return day


def _sides(column, limits: list[int], today: date) -> list[tuple[object, date | None]]:
    """For a date column and the sorted limits of months ``Cadences`` looks at, each
    possible place among the limits of the months from the date to ``today``: the SQL
    condition of being there, and a day that is (None for no date)."""
    # Every date is at least 0 months ago, so a limit of 0 months or less is always passed.
    ahead = [m for m in limits if m > 0]
    last_days = [last_day_with_months(m, today) for m in ahead]
    sides: list[tuple[object, date | None]] = [(column.is_(None), None)]
    for i in range(len(ahead) + 1):
        # At least ahead[i - 1] months since the date, and fewer than ahead[i].
        conditions = [column.is_not(None)]
        if i > 0:
            conditions.append(column <= literal(last_days[i - 1], Date()))
        if i < len(ahead):
            conditions.append(column > literal(last_days[i], Date()))
        sides.append((and_(*conditions), last_days[i - 1] if i > 0 else today))
    return sides


def _with_last_signed(team_ids: Collection[int], today: date, *columns) -> Select:
    """``columns`` of the active practitioners of ``team_ids``, then their grade, start and
    qualification dates and the day of their last signed discussion."""
    last_signed = (
        select(
            Discussion.practitioner_id.label("practitioner_id"),
            func.max(Discussion.held_on).label("held_on"),
        )
        .where(Discussion.status == DiscussionStatus.SIGNED.value, Discussion.held_on <= today)
        .group_by(Discussion.practitioner_id)
        .subquery()
    )
    return (
        select(*columns, User.grade, User.started_on, User.qualified_on, last_signed.c.held_on)
        .outerjoin(last_signed, last_signed.c.practitioner_id == User.id)
        .where(
            User.active.is_(True),
            among(User.team_id, team_ids),
            holds_role(Role.PRACTITIONER),
        )
    )


def practitioners_of(team_ids: Collection[int], today: date, rules: Rules) -> list[Practitioner]:
    """Active practitioners of ``team_ids`` with their last signed discussion: one query."""
    if not team_ids:
        return []
    # Columns, not users: a national reader's page counts 20,000 practitioners.
    rows = db.session.execute(
        _with_last_signed(team_ids, today, User.id, User.name, User.team_id).order_by(
            User.name, User.id
        )
    ).tuples()
    cadences = Cadences(rules, today)
    result = []
    for user_id, name, team_id, grade, started_on, qualified_on, held_on in rows:
        band, cadence = cadences.of(grade, started_on, qualified_on)
        result.append(Practitioner(user_id, name, team_id, band, cadence, held_on))
    return result


def coverage_by_team(
    team_ids: Collection[int], today: date, rules: Rules
) -> dict[int, tuple[int, int]]:
    """Per team, its active practitioners a cadence applies to and how many of them are
    covered (as ``practitioners_of`` finds them, without reading who they are).

    Counted in the database, a row per team: each practitioner's cadence is looked up
    from their grade and which side of each limit of months their dates fall
    (``Cadences.covered_since``)."""
    if not team_ids:
        return {}
    people = _with_last_signed(team_ids, today, User.team_id).subquery()
    since = Cadences(rules, today).covered_since(
        people.c.grade, people.c.started_on, people.c.qualified_on
    )
    covered = case((people.c.held_on >= since, 1), else_=0)
    rows = db.session.execute(
        select(people.c.team_id, func.count(since), func.sum(covered)).group_by(people.c.team_id)
    )
    return {
        team_id: (int(with_cadence), int(covered or 0))
        for team_id, with_cadence, covered in rows
        if with_cadence
    }


# At risk --------------------------------------------------------------------------------


def booked_late(starts_at: datetime | None, due_on: date) -> bool:
    return starts_at is not None and london(starts_at).date() > due_on


def is_at_risk(status: str, at_risk_reason: str | None, starts_at, due_on: date) -> bool:
    """Not booked and the placer gave a reason, or booked for a day after the due date."""
    if status == DiscussionStatus.DUE:
        return at_risk_reason is not None
    return status == DiscussionStatus.BOOKED and booked_late(starts_at, due_on)


def risk_in_words(discussion: Discussion) -> str:
    """Why a discussion is at risk, in a sentence or two."""
    parts = []
    if discussion.status == DiscussionStatus.BOOKED and booked_late(
        discussion.starts_at, discussion.due_on
    ):
        parts.append(
            f"Booked for {day_words(london(discussion.starts_at).date())}, after its due date."
        )
    if discussion.at_risk_reason:
        try:
            parts.append(RiskReason(discussion.at_risk_reason).sentence)
        except ValueError:  # a reason this version does not know: say nothing wrong
            parts.append("It could not be placed before its due date.")
    return " ".join(parts)


def day_words(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def clock_words(moment: datetime) -> str:
    return f"{moment.hour % 12 or 12}:{moment:%M}{'am' if moment.hour < 12 else 'pm'}"
