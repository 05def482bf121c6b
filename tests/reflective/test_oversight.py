"""The oversight figures, checked against the hand-worked unit of ``oversight_helpers``."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event

from learning_app.extensions import db
from learning_app.reflective import oversight
from learning_app.reflective.oversight_measures import Load, Week
from learning_app.reflective.rule_store import current_rules
from tests.reflective.oversight_helpers import (
    TODAY,
    OversightUnit,
    add_busy_practitioners,
    build_unit,
)


@pytest.fixture
def unit(db_session, factories) -> OversightUnit:
    return build_unit(db_session, factories)


def _figures(overview: oversight.UnitOverview) -> dict[str, tuple]:
    rows = {f.name: f for f in overview.teams} | {"All teams": overview.total}
    return {
        name: (f.covered, f.with_cadence, f.coverage_percent, f.overdue, f.at_risk, f.median_days)
        for name, f in rows.items()
    }


# The unit ------------------------------------------------------------------------------


def test_unit_figures_match_the_hand_worked_example(unit) -> None:
    overview = oversight.unit_overview([unit.team_a, unit.team_b], TODAY)
    assert _figures(overview) == {
        "Team A": (2, 3, 67, 1, 2, 3.5),
        "Team B": (1, 3, 33, 2, 0, 3),
        "All teams": (3, 6, 50, 3, 2, 3),
    }


def test_case_event_spans_skip_the_easter_bank_holidays(unit) -> None:
    overview = oversight.unit_overview([unit.team_a, unit.team_b], TODAY)
    spans = {f.name: sorted(f.spans) for f in overview.teams}
    # Ann: Thursday 2 April to Wednesday 8 April is 2 working days, not 4.
    assert spans == {"Team A": [2, 5], "Team B": [3]}


def test_spo_loads_against_capacity_this_week_and_next(unit) -> None:
    overview = oversight.unit_overview([unit.team_a, unit.team_b], TODAY)
    assert [(s.name, s.teams, s.this_week.words, s.next_week.words) for s in overview.spos] == [
        ("Alice Archer", ["Team A"], "2 of 4 slots booked", "1 of 4 slots booked"),
        ("Ben Bishop", ["Team B"], "3 booked for 2 slots: 1 over capacity", "0 of 2 slots booked"),
    ]
    assert [load.words for load in overview.spo_total] == [
        "5 of 6 slots booked",
        "1 of 6 slots booked",
    ]
    assert [f.spo_name for f in overview.teams] == ["Alice Archer", "Ben Bishop"]


def test_a_team_with_no_practitioners_or_spo_shows_nothing_to_count(unit, factories) -> None:
    empty = factories.team(unit.north, name="Team Empty")
    overview = oversight.unit_overview([empty], TODAY)
    row = overview.teams[0]
    assert (row.with_cadence, row.coverage_percent, row.median_days, row.spo_name) == (
        0,
        None,
        None,
        None,
    )
    assert overview.spos == []


def test_coverage_boundary_is_inclusive(unit) -> None:
    """Eve's last signed discussion was exactly 8 weeks ago: still covered; a day later, not."""
    eve = next(
        p
        for p in oversight.practitioners_of({unit.team_b.id}, TODAY, current_rules())
        if p.name == "Eve Eden"
    )
    assert eve.cadence_weeks == 8 and eve.last_signed_on == date(2026, 2, 11)
    assert eve.covered(TODAY)
    assert not eve.covered(date(2026, 4, 9))


# Queries stay bounded -----------------------------------------------------------------------


def count_statements(work) -> int:
    statements: list[str] = []
    connection = db.session.get_bind()

    def listener(_conn, _cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(connection, "before_cursor_execute", listener)
    try:
        work()
    finally:
        event.remove(connection, "before_cursor_execute", listener)
    return len(statements)


def test_unit_overview_runs_in_the_same_number_of_queries_for_more_people(
    unit, db_session, factories
) -> None:
    teams = [unit.team_a, unit.team_b]
    db_session.expire_all()
    few = count_statements(lambda: oversight.unit_overview(teams, TODAY))
    add_busy_practitioners(db_session, factories, unit.team_a, unit.alice, 12)
    add_busy_practitioners(db_session, factories, unit.team_b, unit.ben, 12)
    db_session.expire_all()
    many = count_statements(lambda: oversight.unit_overview(teams, TODAY))
    assert many == few
    assert few <= 12


def test_spo_overview_runs_in_the_same_number_of_queries_for_more_people(
    unit, db_session, factories
) -> None:
    db_session.expire_all()
    few = count_statements(lambda: oversight.spo_overview(unit.alice, TODAY))
    add_busy_practitioners(db_session, factories, unit.team_a, unit.alice, 12)
    db_session.expire_all()
    many = count_statements(lambda: oversight.spo_overview(unit.alice, TODAY))
    assert many == few


# The SPO's own view ------------------------------------------------------------------------


def test_spo_overview_lists_this_and_next_weeks_discussions_in_london_time(unit) -> None:
    overview = oversight.spo_overview(unit.alice, TODAY)
    this_week, next_week = overview.weeks
    assert (this_week.week.first_day, next_week.week.first_day) == (
        date(2026, 4, 6),
        date(2026, 4, 13),
    )
    assert [(r.day, r.time, r.practitioner, r.status, r.accepted) for r in this_week.rows] == [
        ("Wednesday 8 April", "10:00am to 11:00am", "Ann Ash", "Signed off", "Not needed"),
        (
            "Thursday 9 April",
            "2:00pm to 3:00pm",
            "Ann Ash",
            "Booked",
            "Waiting for the practitioner",
        ),
    ]
    assert [(r.day, r.practitioner, r.reason) for r in next_week.rows] == [
        ("Tuesday 14 April", "Cat Cole", "Regular discussion")
    ]
    assert (this_week.load.words, next_week.load.words) == (
        "2 of 4 slots booked",
        "1 of 4 slots booked",
    )


def test_spo_overview_at_risk_items_say_why(unit) -> None:
    overview = oversight.spo_overview(unit.alice, TODAY)
    assert [(r.practitioner, r.due_on, r.problem) for r in overview.at_risk] == [
        (
            "Bob Birch",
            date(2026, 4, 1),
            "The SPO's slots before the due date are all taken (over capacity).",
        ),
        ("Cat Cole", date(2026, 4, 10), "Booked for Tuesday 14 April, after its due date."),
    ]


def test_spo_overview_lists_practitioners_overdue_on_cadence(unit) -> None:
    overview = oversight.spo_overview(unit.ben, TODAY)
    assert [(p.name, p.last_signed_on, p.due_by) for p in overview.overdue] == [
        ("Dan Dale", date(2026, 3, 9), date(2026, 4, 6)),
        ("Fay Fox", None, None),
    ]
    # Another SPO's team and another PDU are never in it.
    assert "Bob Birch" not in {p.name for p in overview.overdue}


# Pieces ---------------------------------------------------------------------------------


def test_a_week_is_london_monday_to_monday_across_the_clock_change() -> None:
    week = Week.of(date(2026, 3, 29))  # the Sunday the clocks go forward
    assert week.first_day == date(2026, 3, 23)
    assert week.starts_at == datetime(2026, 3, 23, 0, 0, tzinfo=UTC)  # GMT
    assert week.ends_at == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)  # midnight BST


@pytest.mark.parametrize(
    ("load", "words"),
    [
        (Load(3, 4), "3 of 4 slots booked"),
        (Load(4, 4), "4 of 4 slots booked"),
        (Load(1, 1), "1 of 1 slot booked"),
        (Load(6, 4), "6 booked for 4 slots: 2 over capacity"),
        (Load(2, None), "2 booked, no capacity set"),
        (Load(1, 0), "1 booked for 0 slots: 1 over capacity"),
    ],
)
def test_load_in_words(load: Load, words: str) -> None:
    assert load.words == words
