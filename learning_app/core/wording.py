"""How the service writes days and times for people: GOV.UK style, in UK time.

GOV.UK writes times as "10am" and "2:30pm" (never "10:00am" or "14:30") and days as
"Tuesday 8 December 2026". Stored moments are UTC; these show them as UK wall-clock
times. Pages (as Jinja filters, see ``core/jinja.py``) and emails both use them.
Each answers "" for ``None``, so a template can pass an empty value.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from learning_app.core.time import london

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def clock_time(value: time | datetime | None) -> str:
    """ "10am", "2:30pm", "12pm" (midday). A ``time`` is a wall-clock time as it is; a
    ``datetime`` is a stored moment, shown in UK time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = london(value)
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{suffix}"


def long_date(value: date | datetime | None) -> str:
    """ "Tuesday 8 December 2026" (a stored moment is taken in UK time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = london(value)
    return f"{WEEKDAY_NAMES[value.weekday()]} {value.day} {value:%B %Y}"


def day_and_time(moment: datetime | None) -> str:
    """A stored moment as "Tuesday 8 December 2026 at 10am", UK time."""
    if moment is None:
        return ""
    return f"{long_date(moment)} at {clock_time(moment)}"


def time_span(starts_at: datetime | None, ends_at: datetime | None) -> str:
    """ "Tuesday 8 December 2026, 10am to 11am", UK time."""
    if starts_at is None:
        return ""
    if ends_at is None:
        return day_and_time(starts_at)
    return f"{long_date(starts_at)}, {clock_time(starts_at)} to {clock_time(ends_at)}"


def weekday_list(days: Iterable[int]) -> str:
    """Weekday numbers (0 Monday) as words: "Monday, Tuesday and Thursday"."""
    names = [WEEKDAY_NAMES[d] for d in sorted(set(days)) if 0 <= d < 7]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
