"""The clock, in the two zones the service uses: UTC for stored moments, and the UK
for the dates people see and type."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_today() -> date:
    """Today in the UK, whatever the server's time zone."""
    return datetime.now(LONDON).date()


def utc_now() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(UTC)
