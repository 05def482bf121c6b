"""Scaling the demo for the placing benchmark: copies of its teams, each with an SPO of the
same capacity and practitioners of the same grades, up to the number asked for."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from bench.demo_scale import scale_organisation
from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import User
from learning_app.org.models import Team
from learning_app.reflective.models import SpoCapacity
from learning_app.reflective.people import spo_ids_by_team

TODAY = date(2026, 3, 2)


def test_teams_are_copied_until_there_are_as_many_practitioners_as_asked(factories, db_session):
    team = factories.team()
    spo = factories.spo(team)
    db_session.add(
        SpoCapacity(
            spo=spo,
            sessions_per_week=4,
            weekdays="0123",
            day_starts=time(10),
            day_ends=time(16),
            slot_minutes=60,
        )
    )
    grades = [Grade.PO, Grade.PSO, Grade.PO]
    for grade in grades:
        qualified_on = date(2025, 9, 1) if grade == Grade.PO else None
        factories.user(team=team, grade=grade, qualified_on=qualified_on)
    db_session.flush()
    before = set(db_session.scalars(select(Team.id)))

    added = scale_organisation(7, TODAY)  # 3 in the team, 3 in a copy, 1 in another

    new_teams = [t for t in db_session.scalars(select(Team)) if t.id not in before]
    assert added == len(new_teams) == 2
    team_spo = spo_ids_by_team({t.id for t in new_teams})
    for new_team, expected in zip(new_teams, [grades, grades[:1]], strict=True):
        spo_id = team_spo[new_team.id]
        capacity = db_session.scalar(select(SpoCapacity).where(SpoCapacity.spo_id == spo_id))
        assert (capacity.sessions_per_week, capacity.weekdays, capacity.slot_minutes) == (
            4,
            "0123",
            60,
        )
        people = db_session.scalars(
            select(User).where(User.team_id == new_team.id, User.id != spo_id).order_by(User.id)
        ).all()
        assert [p.grade for p in people] == [g.value for g in expected]
        assert all(p.has_role(Role.PRACTITIONER) for p in people)
