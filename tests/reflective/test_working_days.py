"""Working days in England and Wales skip weekends and bank holidays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learning_app.reflective.working_days import (
    add_working_days,
    bank_holidays,
    is_working_day,
    working_days_between,
)

HOLIDAYS = bank_holidays()


def test_the_bundled_bank_holidays_are_those_of_england_and_wales():
    assert date(2026, 12, 25) in HOLIDAYS
    assert date(2026, 4, 6) in HOLIDAYS  # Easter Monday
    assert date(2026, 8, 31) in HOLIDAYS  # summer bank holiday (not Scotland's 3 August)
    assert date(2026, 8, 3) not in HOLIDAYS
    assert date(2026, 1, 2) not in HOLIDAYS  # a Scottish holiday only


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 3, 2), 5, date(2026, 3, 9)),  # Monday + 5 = next Monday
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday + 1 = Monday
        (date(2026, 4, 2), 1, date(2026, 4, 7)),  # Thursday before Easter + 1 = Tuesday
        (date(2026, 12, 23), 3, date(2026, 12, 30)),  # over Christmas and Boxing Day
        (date(2026, 3, 7), 0, date(2026, 3, 9)),  # a Saturday moves to Monday
        (date(2026, 3, 4), 0, date(2026, 3, 4)),
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days, HOLIDAYS) == expected


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 2), -1, HOLIDAYS)


@given(st.dates(date(2025, 1, 1), date(2028, 12, 1)), st.integers(0, 40))
def test_adding_then_counting_gives_the_same_number(start, days):
    end = add_working_days(start, days, HOLIDAYS)
    assert is_working_day(end, HOLIDAYS)
    if days:
        assert working_days_between(start, end, HOLIDAYS) == days
        assert working_days_between(end, start, HOLIDAYS) == -days
    assert end - start <= timedelta(days=days * 2 + 6)
