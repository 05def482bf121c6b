"""The learning-analysis benchmark: its aggregate straight from the stored skill profiles
gives the very sums the rollups hold, for every grouping and filter, band edges included."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bench.analytics import differences, fetched_sums, profile_sums_statement
from learning_app.accounts.constants import Grade
from learning_app.accounts.models import User
from learning_app.analytics.heatmap import GROUPINGS, Filters, group_sums_statements
from learning_app.analytics.rollups import refresh_all
from learning_app.extensions import db
from learning_app.org.models import Team

TODAY = date(2026, 3, 2)
ARGS = ["bench", "generate", "--practitioners", "30", "--seed", "7", "--today", TODAY.isoformat()]


def test_the_profile_aggregate_gives_the_rollups_sums(runner, published_framework) -> None:
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    officers = db.session.scalars(
        select(User)
        .where(User.grade == Grade.PO.value, User.team_id.is_not(None))
        .order_by(User.id)
    ).all()
    assert len(officers) >= 3
    # Two years to the day: experienced; a day less: still new; no date: experienced.
    officers[0].qualified_on = date(2024, 3, 2)
    officers[1].qualified_on = date(2024, 3, 3)
    officers[2].qualified_on = None
    refresh_all(TODAY)
    db.session.flush()
    every_team = set(db.session.scalars(select(Team.id)))
    one_team = {officers[1].team_id}
    assert len(every_team) == 3

    compared = 0
    for teams in (every_team, one_team, every_team - one_team):
        for grouping in GROUPINGS:
            for filters in (Filters(), Filters(grade=Grade.PO.value), Filters(band="new")):
                rollups = fetched_sums(group_sums_statements(teams, grouping, filters))
                profiles = fetched_sums(
                    [profile_sums_statement(teams, grouping, filters, teams == every_team, TODAY)]
                )
                assert rollups, (teams, grouping, filters)
                assert differences(rollups, profiles) == [], (teams, grouping, filters)
                compared += len(rollups)
    assert compared > 0

    # The officer a day short of two years is counted among the new ones, the others not.
    new = fetched_sums(
        [profile_sums_statement(one_team, "band", Filters(band="new"), False, TODAY)]
    )
    new_people = {
        u.id
        for u in db.session.scalars(select(User).where(User.team_id == officers[1].team_id))
        if u.grade == Grade.PO.value
        and u.qualified_on is not None
        and u.qualified_on > date(2024, 3, 2)
    }
    assert officers[1].id in new_people
    assert {people for people, *_ in new.values()} == {float(len(new_people))}
