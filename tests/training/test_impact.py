"""Training impact, worked by hand on plain data: windows, the comparison group, suppression."""

from __future__ import annotations

from datetime import date

import pytest

from learning_app.training.impact import (
    Completion,
    Group,
    Mapping,
    ObservedRating,
    measure_impact,
    median_date,
    suppressed,
    window_after,
    window_before,
)

SKILL = "court-reports"
MAPPINGS = [Mapping("PL-17", SKILL, 2), Mapping("PL-17", SKILL, 3)]  # raises it to 3
ON = date(2026, 3, 1)


def rating(pid: int, day: date, level: int, slug: str = SKILL) -> ObservedRating:
    return ObservedRating(pid, slug, day, level)


def completers() -> tuple[list[Completion], list[ObservedRating]]:
    """Six completers; five have ratings on both sides of their completion date.

    before: 2, 1.5, 2, 2, 1 -> mean 1.7; after: 3, 2, 2, 3.5, 2 -> mean 2.5.
    """
    completions = [
        Completion(1, "PL-17", date(2026, 2, 1)),
        *(Completion(pid, "PL-17", ON) for pid in (2, 3, 4, 5)),
        Completion(6, "PL-17", date(2026, 4, 1)),
    ]
    ratings = [
        rating(1, date(2025, 12, 1), 2),
        rating(1, date(2026, 5, 1), 3),
        rating(2, date(2025, 9, 1), 1),  # exactly 6 months before: counts
        rating(2, date(2026, 1, 10), 2),
        rating(2, date(2026, 6, 1), 2),
        rating(2, ON, 4),  # the completion day itself is in neither window
        rating(2, date(2025, 8, 31), 4),  # more than 6 months before: left out
        rating(3, date(2026, 2, 1), 2),
        rating(3, date(2026, 8, 1), 2),
        rating(4, date(2026, 1, 1), 2),
        rating(4, date(2026, 4, 1), 3),
        rating(4, date(2026, 9, 1), 4),  # exactly 6 months after: counts
        rating(4, date(2026, 9, 2), 1),  # later: left out
        rating(5, date(2026, 2, 1), 1),
        rating(5, date(2026, 3, 2), 2),
        rating(5, date(2026, 3, 2), 3, slug="rosh-analysis"),  # another skill
        rating(6, date(2026, 1, 1), 1),  # no rating after: not counted
    ]
    return completions, ratings


def comparison(with_fifth: bool) -> list[ObservedRating]:
    """Non-completers around the anchor date (1 March 2026, the middle completion date)."""
    ratings = [
        rating(11, date(2025, 12, 1), 2),
        rating(11, date(2026, 5, 1), 2),
        rating(12, date(2026, 1, 1), 1),
        rating(12, date(2026, 4, 1), 2),
        rating(13, date(2026, 2, 1), 2),
        rating(13, date(2026, 6, 1), 2),
        rating(14, date(2026, 1, 1), 2),
        rating(14, date(2026, 2, 1), 3),  # mean 2.5: still below level 3
        rating(14, date(2026, 7, 1), 2),
        rating(15, date(2026, 1, 1), 3),  # already at level 3: no gap
        rating(15, date(2026, 7, 1), 3),
        rating(16, date(2026, 1, 1), 1),  # no rating after
    ]
    if with_fifth:
        ratings += [rating(17, date(2026, 2, 20), 1), rating(17, date(2026, 3, 20), 1)]
    return ratings


PEOPLE = [1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16, 17, 18]


def test_completers_before_and_after_worked_by_hand() -> None:
    completions, ratings = completers()
    [row] = measure_impact(completions, ratings + comparison(True), MAPPINGS, PEOPLE)

    assert (row.module_code, row.skill_slug, row.to_level) == ("PL-17", SKILL, 3)
    assert row.completers.n == 5
    assert row.completers.before == pytest.approx(1.7)
    assert row.completers.after == pytest.approx(2.5)
    assert row.completers.change == pytest.approx(0.8)
    assert not row.completers.suppressed


def test_comparison_group_has_the_same_gap_around_the_middle_completion_date() -> None:
    completions, ratings = completers()
    [row] = measure_impact(completions, ratings + comparison(True), MAPPINGS, PEOPLE)

    assert row.anchor_on == ON
    # 11, 12, 13, 14 and 17: before 2, 1, 2, 2.5, 1 -> 1.7; after 2, 2, 2, 2, 1 -> 1.8.
    assert row.comparison.n == 5
    assert row.comparison.before == pytest.approx(1.7)
    assert row.comparison.after == pytest.approx(1.8)
    assert row.comparison.change == pytest.approx(0.1)


def test_a_group_of_four_is_suppressed() -> None:
    completions, ratings = completers()
    [row] = measure_impact(completions, ratings + comparison(False), MAPPINGS, PEOPLE)

    assert row.comparison.n == 4
    assert row.comparison.suppressed
    assert not row.completers.suppressed


def test_completers_are_never_in_the_comparison_group() -> None:
    completions, ratings = completers()
    # Person 6 completed the module: even with a gap and ratings on both sides of the
    # anchor date they stay out of the comparison group.
    ratings += [rating(6, date(2026, 3, 5), 2)]
    [row] = measure_impact(completions, ratings + comparison(False), MAPPINGS, PEOPLE)
    assert row.comparison.n == 4


def test_the_latest_completion_counts() -> None:
    completions = [Completion(1, "PL-17", date(2025, 1, 1)), Completion(1, "PL-17", ON)]
    ratings = [rating(1, date(2026, 1, 1), 1), rating(1, date(2026, 4, 1), 3)]
    [row] = measure_impact(completions, ratings, MAPPINGS, [1])
    assert (row.completers.n, row.completers.before, row.completers.after) == (1, 1, 3)


def test_modules_without_completions_and_unmapped_skills_give_no_rows() -> None:
    completions = [Completion(1, "PL-17", ON)]
    mappings = [*MAPPINGS, Mapping("PL-05", "rosh-analysis", 3)]
    rows = measure_impact(completions, [], mappings, [1, 2])
    assert [(r.module_code, r.skill_slug) for r in rows] == [("PL-17", SKILL)]
    assert rows[0].completers == Group(0, None, None)
    assert rows[0].completers.change is None
    assert measure_impact([], [], MAPPINGS, [1]) == []


@pytest.mark.parametrize(
    ("n", "hidden"), [(0, True), (1, True), (4, True), (5, False), (40, False)]
)
def test_suppression_threshold(n: int, hidden: bool) -> None:
    assert suppressed(n) is hidden
    assert Group(n, 2.0, 3.0).suppressed is hidden


def test_windows_and_median() -> None:
    assert window_before(date(2026, 8, 31)) == (date(2026, 2, 28), date(2026, 8, 31))
    assert window_after(date(2026, 8, 31)) == (date(2026, 8, 31), date(2027, 2, 28))
    assert median_date([date(2026, 1, 3), date(2026, 1, 1), date(2026, 1, 2)]) == date(2026, 1, 2)
    assert median_date([date(2026, 1, 4), date(2026, 1, 1)]) == date(2026, 1, 1)
    assert median_date([]) is None
