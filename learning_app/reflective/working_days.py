"""Working days in England and Wales: Monday to Friday, except bank holidays.

Deadlines for reflective discussions count working days ("within 5 working days of a
high-risk assessment"). The bank holidays come from govuk-bank-holidays' bundled copy of
GOV.UK's list (``use_cached_holidays=True``: no network), which runs to the end of 2028;
after that only weekends are skipped until the package is updated.

The functions take the holidays as a set so that the rules stay pure and testable;
``bank_holidays()`` gives the real ones.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, timedelta
from functools import cache

from govuk_bank_holidays.bank_holidays import BankHolidays


@cache
def bank_holidays() -> frozenset[date]:
    """Bank holidays in England and Wales, from the bundled GOV.UK data."""
    holidays = BankHolidays(use_cached_holidays=True)
    return frozenset(
        h["date"] for h in holidays.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    )


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, days: int, holidays: Collection[date]) -> date:
    """The working day ``days`` working days after ``start`` (``start`` itself not counted).

    With ``days == 0`` it is ``start`` if that is a working day, else the next one.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    if days == 0:
        while not is_working_day(day, holidays):
            day += timedelta(days=1)
        return day
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day


def working_days_between(start: date, end: date, holidays: Collection[date]) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start, holidays)
    return sum(
        1 for day in days_in(start + timedelta(days=1), end) if is_working_day(day, holidays)
    )


def days_in(first: date, last: date) -> Iterator[date]:
    """Every date from ``first`` to ``last`` inclusive."""
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
