"""Coverage by team, counted in the database, against each practitioner worked out one at a
time: random practitioners whose dates fall on and either side of every limit of months,
with their last signed discussions on and either side of the day their cadence runs out,
on days at the ends of long and short months."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest

from learning_app.accounts.constants import Grade, Role, experience_band, months_between
from learning_app.accounts.models import User
from learning_app.reflective.models import DiscussionStatus
from learning_app.reflective.oversight_measures import (
    coverage_by_team,
    is_covered,
    last_day_with_months,
    practitioners_of,
)
from learning_app.reflective.rule_store import current_rules
from learning_app.reflective.rules import CadenceRule, Rules, cadence_weeks
from tests.reflective.conftest import make_discussion
from tests.reflective.oversight_helpers import signed

DAYS = [date(2026, 3, 31), date(2028, 2, 29), date(2026, 4, 30), date(2026, 1, 1)]

# Odd limits, a limit at 0, a rule on the qualification date for experienced POs (who may
# have none), and a band with no rule.
ODD_RULES = Rules(
    cadence=(
        CadenceRule("trainee", 2),
        CadenceRule("pso", 3, "started_on", 0, 1),
        CadenceRule("pso", 5, "started_on", 1, 7),
        CadenceRule("pso", 7, "started_on", 7),
        CadenceRule("new", 2, "qualified_on", 0, 3),
        CadenceRule("new", 4, "qualified_on", 3),
        CadenceRule("experienced", 6, "qualified_on", 0, 37),
        CadenceRule("experienced", 9, "qualified_on", 37),
    ),
    case_events=(),
    follow_ups=(),
)


# The limits of months of both sets of rules.
LIMITS = [1, 3, 7, 12, 24, 37]


def _near_limits(rng: random.Random, today: date) -> date | None:
    """None, or a day on or beside the last day with some number of months (0 to 40)."""
    if rng.random() < 0.15:
        return None
    months = rng.choice(LIMITS) if rng.random() < 0.6 else rng.randrange(0, 41)
    day = last_day_with_months(months, today) if months else today
    return day + timedelta(days=rng.choice((-1, 0, 0, 1, 2, 40)))


def _one_at_a_time(session, team_ids, today, rules) -> dict[int, tuple[int, int]]:
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for p in practitioners_of(team_ids, today, rules):
        # Worked out afresh for each practitioner, not looked up as ``Cadences`` does.
        user = session.get(User, p.id)
        band = experience_band(user.grade, user.qualified_on, today)
        cadence = cadence_weeks(rules, band, user.started_on, user.qualified_on, today)
        if cadence is not None:
            found[p.team_id][0] += 1
            found[p.team_id][1] += is_covered(cadence, p.last_signed_on, today)
    return {team: (a, b) for team, (a, b) in found.items()}


@pytest.mark.parametrize("seed", range(4))
def test_coverage_counted_by_team_is_each_practitioner_added_up(
    db_session, factories, seed
) -> None:
    rng = random.Random(seed)
    today = DAYS[seed]
    pdu = factories.pdu(name=f"North {seed}")
    teams = [factories.team(pdu, f"Team {t} {seed}") for t in range(4)]
    for _ in range(120):
        grade = rng.choice(list(Grade))
        qualified = _near_limits(rng, today) if grade in (Grade.PO, Grade.SPO) else None
        started = _near_limits(rng, today)
        user = factories.user(
            team=rng.choice(teams[:3]),  # the fourth team has no one
            grade=grade,
            started_on=started,
            qualified_on=qualified,
            active=rng.random() < 0.9,
            role=Role.PRACTITIONER if rng.random() < 0.95 else None,
        )
        spo = factories.spo(teams[0])
        for hour in range(9, 9 + rng.randrange(3)):
            weeks = rng.choice((2, 3, 4, 5, 6, 7, 8, 9))
            held = today - timedelta(weeks=weeks) + timedelta(days=rng.choice((-1, 0, 0, 1)))
            if rng.random() < 0.1:
                held = today + timedelta(days=3)  # not yet: does not count
            if rng.random() < 0.85:
                signed(db_session, user, spo, held, hour)
            else:  # not signed: does not count
                make_discussion(
                    db_session, user, None, status=DiscussionStatus.CANCELLED, due_on=held
                )
    team_ids = [t.id for t in teams]
    for rules in (current_rules(), ODD_RULES):
        expected = _one_at_a_time(db_session, team_ids, today, rules)
        assert coverage_by_team(team_ids, today, rules) == expected
        assert sum(a for a, _b in expected.values()) > 20
        assert 0 < sum(b for _a, b in expected.values()) < sum(a for a, _b in expected.values())
        assert coverage_by_team(team_ids[:1], today, rules) == {
            t: v for t, v in expected.items() if t == team_ids[0]
        }


@pytest.mark.parametrize("today", [*DAYS, date(2026, 5, 31), date(2026, 12, 15)])
def test_the_last_day_with_so_many_months(today) -> None:
    for months in range(1, 50):
        day = last_day_with_months(months, today)
        assert months_between(day, today) == months
        assert months_between(day + timedelta(days=1), today) < months
        # And no later day has as many months again.
        assert all(months_between(day + timedelta(days=k), today) < months for k in range(1, 70))
