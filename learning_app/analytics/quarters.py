"""Calendar quarters as the learning analysis names them: ``2026-Q4``."""

from __future__ import annotations

from datetime import date


def quarter_of(day: date) -> str:
    """The period name of the quarter holding ``day``: ``2026-Q4``."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_start(period: str) -> date:
    """The first day of a quarter period (``2026-Q4`` starts on 1 October 2026)."""
    year, quarter = int(period[:4]), int(period[-1])
    return date(year, 3 * quarter - 2, 1)


def quarter_end(period: str) -> date:
    """The last day of a quarter period (``2026-Q4`` ends on 31 December 2026)."""
    year, quarter = int(period[:4]), int(period[-1])
    if quarter == 4:
        return date(year, 12, 31)
    return date.fromordinal(date(year, quarter * 3 + 1, 1).toordinal() - 1)


def quarters_to(today: date, count: int) -> list[str]:
    """The ``count`` quarters ending with the one holding ``today``, oldest first."""
    index = today.year * 4 + (today.month - 1) // 3
    return [f"{i // 4}-Q{i % 4 + 1}" for i in range(index - count + 1, index + 1)]
