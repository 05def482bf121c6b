"""The clock, in the two zones the service uses: UTC for stored moments, and the UK
for the dates people see and type."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_today() -> date:
    """Today in the UK, whatever the server's time zone."""
    return datetime.now(LONDON).date()


def utc_now() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """Stored moments are UTC; SQLite hands them back naive."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def london(moment: datetime) -> datetime:
    """A stored moment as a UK local time, for showing dates and times."""
    return aware(moment).astimezone(LONDON)


def london_date(moment: datetime) -> date:
    """The UK date of a stored moment."""
    return london(moment).date()


def utc_moment(day: date, wall_time: time) -> datetime:
    """A UK day and wall-clock time (as people type them) as a stored, aware UTC moment."""
    return datetime.combine(day, wall_time, tzinfo=LONDON).astimezone(UTC)
