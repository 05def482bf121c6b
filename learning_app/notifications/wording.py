"""How emails write dates, times and links: GOV.UK style, in UK time.

"Tuesday 8 December 2026", "10am", "2:30pm". Links are absolute only when
``SERVICE_URL`` (the address people use to reach the service) is set; without it an
email names the page instead, so nothing points at a host that does not exist.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app

from learning_app.core.time import london


def long_date(day: date) -> str:
    """``Tuesday 8 December 2026``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def clock_time(moment: datetime) -> str:
    """A stored moment as a UK clock time: ``10am``, ``2:30pm``, ``12pm`` (midday)."""
    local = london(moment)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    if local.minute:
        return f"{hour}:{local.minute:02d}{suffix}"
    return f"{hour}{suffix}"


def day_and_time(moment: datetime) -> str:
    """``Tuesday 8 December 2026 at 10am`` (UK time)."""
    return f"{long_date(london(moment).date())} at {clock_time(moment)}"


def service_url() -> str | None:
    """The address of the service, from ``SERVICE_URL``, without a trailing slash."""
    url = current_app.config.get("SERVICE_URL")
    return url.rstrip("/") if url else None


def page_line(label: str, path: str, page: str) -> str:
    """A line pointing to a page: its link when the address is known, else how to get there
    (``page`` is the name of the page in the navigation)."""
    base = service_url()
    service = current_app.config.get("SERVICE_NAME", "Practice Learning")
    if base:
        return f"{label}:\n{base}{path}"
    return f"{label} in {service}: sign in and go to {page}."


def greeting(name: str) -> str:
    return f"Dear {name},"


def sign_off() -> str:
    service = current_app.config.get("SERVICE_NAME", "Practice Learning")
    return f"This email was sent by {service}. Do not reply to it."
