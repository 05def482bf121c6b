"""The profile rules: worked examples, then properties that must hold for any evidence."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learning_app.profiles.calculation import (
    Rating,
    audit_answer_level,
    build_profile,
    months_before,
    observed_level,
)

AS_OF = date(2026, 11, 23)


def profile(ratings=(), self_level=None, target=3, risk_critical=False, as_of=AS_OF):
    return build_profile(
        self_level=self_level,
        ratings=list(ratings),
        target=target,
        risk_critical=risk_critical,
        as_of=as_of,
    )


def test_no_evidence_at_all():
    p = profile()
    assert p.level is None and p.observed_level is None
    assert p.gap == 0 and p.evidence_gap and not p.self_reported


def test_self_level_is_used_when_nobody_has_observed():
    p = profile(self_level=2, target=3, risk_critical=True)
    assert p.level == 2 and p.self_reported
    assert p.gap == 1 and p.priority == 2
    assert p.evidence_gap and not p.blind_spot and not p.under_confidence


def test_worked_example_recency_weighting():
    # Today rated 4 (weight 1); 180 days ago rated 1 (weight 0.5):
    # (4 * 1 + 1 * 0.5) / 1.5 = 3.0
    ratings = [Rating(AS_OF, 4), Rating(AS_OF - timedelta(days=180), 1)]
    assert observed_level(ratings, AS_OF) == pytest.approx(3.0)
    # 360 days ago weighs a quarter: (2 * 1 + 4 * 0.25) / 1.25 = 2.4
    ratings = [Rating(AS_OF, 2), Rating(AS_OF - timedelta(days=360), 4)]
    assert observed_level(ratings, AS_OF) == pytest.approx(2.4)


def test_worked_example_blind_spot_and_gap():
    # A new PO rates themself 3 on risk analysis; two recent audits say "no" (level 1).
    ratings = [Rating(AS_OF - timedelta(days=10), 1), Rating(AS_OF - timedelta(days=40), 1)]
    p = profile(ratings, self_level=3, target=3, risk_critical=True)
    assert p.observed_level == pytest.approx(1.0)
    assert p.level == pytest.approx(1.0) and not p.self_reported
    assert p.gap == pytest.approx(2.0) and p.priority == pytest.approx(4.0)
    assert p.blind_spot and not p.under_confidence
    assert not p.evidence_gap and p.evidence_count == 2
    assert p.latest_evidence_on == AS_OF - timedelta(days=10)


def test_under_confidence():
    ratings = [Rating(AS_OF - timedelta(days=5), 4), Rating(AS_OF - timedelta(days=50), 4)]
    p = profile(ratings, self_level=2)
    assert p.under_confidence and not p.blind_spot and p.gap == 0


def test_one_recent_rating_is_still_an_evidence_gap():
    p = profile([Rating(AS_OF - timedelta(days=3), 3)], self_level=3)
    assert p.evidence_gap and p.evidence_count == 1


def test_ratings_older_than_12_months_count_for_level_but_not_for_evidence():
    old = AS_OF - timedelta(days=400)  # 13 months: inside 18, outside 12
    p = profile([Rating(old, 2), Rating(old, 2)], self_level=4)
    assert p.observed_level == pytest.approx(2.0)
    assert p.evidence_count == 0 and p.evidence_gap


def test_ratings_older_than_18_months_are_ignored():
    p = profile([Rating(months_before(AS_OF, 18), 1)], self_level=3)
    assert p.observed_level is None and p.level == 3 and p.self_reported


def test_future_ratings_are_ignored():
    p = profile([Rating(AS_OF + timedelta(days=1), 1)], self_level=3)
    assert p.observed_level is None


def test_no_target_means_no_gap():
    p = profile([Rating(AS_OF, 1)], target=None)
    assert p.gap == 0 and p.priority == 0


def test_audit_answers():
    assert audit_answer_level("yes") == 3
    assert audit_answer_level("No") == 1
    assert audit_answer_level("not applicable") is None


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 23), 18, date(2025, 5, 23)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 15), 12, date(2025, 1, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


# Properties ---------------------------------------------------------------------

levels = st.integers(min_value=1, max_value=4)
ages = st.integers(min_value=0, max_value=900)  # days before AS_OF, some beyond 18 months
ratings_strategy = st.lists(
    st.builds(lambda age, level: Rating(AS_OF - timedelta(days=age), level), ages, levels),
    max_size=30,
)


@given(ratings_strategy, st.none() | levels, st.none() | levels, st.booleans())
def test_levels_stay_on_the_scale_and_the_gap_is_never_negative(ratings, self_level, target, rc):
    p = profile(ratings, self_level=self_level, target=target, risk_critical=rc)
    for value in (p.observed_level, p.level):
        assert value is None or 1 <= value <= 4
    assert p.gap >= 0 and p.priority >= 0
    assert p.priority == pytest.approx(p.gap * (2 if rc else 1))
    assert not (p.blind_spot and p.under_confidence)


@given(ratings_strategy, levels, st.integers(min_value=0, max_value=30))
def test_a_newer_rating_moves_the_observed_level_towards_itself(ratings, new_level, age):
    newest = min((AS_OF - r.rated_on).days for r in ratings) if ratings else 900
    new = Rating(AS_OF - timedelta(days=min(age, newest)), new_level)
    before = observed_level(ratings, AS_OF)
    after = observed_level([*ratings, new], AS_OF)
    assert after is not None
    if before is None:
        assert after == pytest.approx(new_level)
    else:
        # It moves towards the new value and never past it.
        assert abs(after - new_level) <= abs(before - new_level) + 1e-9
        assert min(before, new_level) - 1e-9 <= after <= max(before, new_level) + 1e-9


@given(ratings_strategy, levels, st.integers(min_value=0, max_value=400))
def test_ratings_older_than_18_months_have_no_effect(ratings, level, extra_days):
    old = Rating(months_before(AS_OF, 18) - timedelta(days=extra_days), level)
    assert observed_level([*ratings, old], AS_OF) == observed_level(ratings, AS_OF)
    with_old = profile([*ratings, old], self_level=2)
    without = profile(ratings, self_level=2)
    assert with_old.level == without.level and with_old.gap == without.gap
