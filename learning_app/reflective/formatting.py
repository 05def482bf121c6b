"""How the scheduling pages write days and times: GOV.UK style, in London time.

GOV.UK writes times as "10am" and "2:30pm" (never "10:00am" or "14:30") and days as
"Tuesday 8 December 2026". Stored moments are UTC; these helpers show them as London
wall-clock times. ``register_filters`` makes them Jinja filters for the scheduling pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from flask import Blueprint

from learning_app.core.time import london

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WORKING_WEEKDAYS = tuple(enumerate(WEEKDAY_NAMES[:5]))


def clock_time(value: time | datetime | None) -> str:
    """ "10am", "2:30pm", "12pm" (midday)."""
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{suffix}"


def long_day(value: date | datetime | None) -> str:
    """ "Tuesday 8 December 2026" (a stored moment is taken in London time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = london(value)
    return f"{WEEKDAY_NAMES[value.weekday()]} {value.day} {value:%B %Y}"


def when(value: datetime | None) -> str:
    """A stored (UTC) moment as "Tuesday 8 December 2026 at 10am", London time."""
    if value is None:
        return ""
    local = london(value)
    return f"{long_day(local)} at {clock_time(local)}"


def time_span(starts_at: datetime | None, ends_at: datetime | None) -> str:
    """ "Tuesday 8 December 2026, 10am to 11am", London time."""
    if starts_at is None:
        return ""
    start = london(starts_at)
    if ends_at is None:
        return when(starts_at)
    return f"{long_day(start)}, {clock_time(start)} to {clock_time(london(ends_at))}"


def hh_mm(value: time | None) -> str:
    """A time as the capacity form shows it for changing: "09:30"."""
    return f"{value:%H:%M}" if value is not None else ""


def weekday_list(days: Iterable[int]) -> str:
    """Weekday numbers (0 Monday) as words: "Monday, Tuesday and Thursday"."""
    names = [WEEKDAY_NAMES[d] for d in sorted(set(days)) if 0 <= d < 7]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def register_filters(bp: Blueprint) -> None:
    """Make the helpers Jinja filters (app-wide, once any of these blueprints is registered)."""
    bp.add_app_template_filter(clock_time, "clock_time")
    bp.add_app_template_filter(long_day, "long_day")
    bp.add_app_template_filter(when, "when")
    bp.add_app_template_filter(time_span, "time_span")
    bp.add_app_template_filter(weekday_list, "weekday_list")
