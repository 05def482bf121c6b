"""``flask bench generate``: the national data set has the promised shape, a profile per
practitioner and skill, is the same for the same seed, and refuses a database with users."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from learning_app.accounts.models import RoleAssignment, User
from learning_app.assessments.models import SelfAssessment, SelfRating
from learning_app.extensions import db
from learning_app.framework.models import Skill
from learning_app.observations.models import Observation, ObservationRating
from learning_app.org.models import Pdu, Region, Team, TeamMembership
from learning_app.profiles.models import SkillProfileRecord
from tests.conftest import is_postgres, make_test_app

ARGS = ["bench", "generate", "--practitioners", "30", "--seed", "7", "--today", "2026-03-02"]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def fingerprint() -> tuple:
    users = db.session.execute(
        select(User.email, User.name, User.grade, User.qualified_on).order_by(User.email)
    ).all()
    self_levels = db.session.scalars(select(SelfRating.level).order_by(SelfRating.id)).all()
    observed = db.session.execute(
        select(Observation.type, Observation.observed_on, ObservationRating.level)
        .join(ObservationRating, ObservationRating.observation_id == Observation.id)
        .order_by(ObservationRating.id)
    ).all()
    return users, self_levels, observed


def test_thirty_practitioners_give_the_promised_shape(app, runner, published_framework):
    skills = count(Skill)  # only the published version is loaded
    assert skills == 17

    result = runner.invoke(args=ARGS)

    assert result.exit_code == 0, result.output
    # 30 practitioners: 3 teams of 10, 1 PDU, always 12 regions; one SPO per team.
    assert (count(Region), count(Pdu), count(Team)) == (12, 1, 3)
    assert count(User) == 33
    assert count(TeamMembership) == 33
    practitioners = db.session.scalar(
        select(func.count()).where(RoleAssignment.role == "practitioner")
    )
    assert practitioners == 30
    # 5 yearly self-assessments of all 17 skills; 6 observations a year rating 14 skills.
    assert count(SelfAssessment) == 150
    assert count(SelfRating) == 150 * 17 == 2550
    assert count(Observation) == 900
    assert count(ObservationRating) == 900 * 14 == 12600
    assert "Self ratings: 2550" in result.output
    assert "Observation ratings: 12600" in result.output
    assert db.session.scalar(select(func.count()).where(User.password_hash.is_not(None))) == 0
    assert db.session.scalar(select(User.email).order_by(User.email).limit(1)) == (
        "p00001@bench.example"
    )
    # Every practitioner has a profile row for every published skill.
    per_person = db.session.execute(
        select(SkillProfileRecord.practitioner_id, func.count()).group_by(
            SkillProfileRecord.practitioner_id
        )
    ).all()
    assert len(per_person) == 30
    assert {n for _, n in per_person} == {17}


def test_the_same_seed_gives_the_same_data(tmp_path):
    """Two fresh databases (each migrated, the command publishing the default framework)."""
    prints = []
    for name in ("first", "second"):
        other = make_test_app(f"sqlite:///{tmp_path}/{name}.sqlite3")
        with other.app_context():
            upgrade()
            result = other.test_cli_runner().invoke(args=ARGS)
            assert result.exit_code == 0, (result.output, result.exception)
            prints.append(fingerprint())
            db.session.remove()
            db.engine.dispose()

    assert prints[0] == prints[1]
    assert len(prints[0][0]) == 33
    assert len(prints[0][2]) == 12600


def test_a_database_with_users_is_refused(app, runner, factories, published_framework):
    factories.user()
    db.session.commit()

    result = runner.invoke(args=ARGS)

    assert result.exit_code == 1
    assert "already has users" in result.output
    assert count(User) == 1


def test_on_postgresql_the_planner_has_statistics_of_the_loaded_tables(
    app, runner, published_framework
):
    if not is_postgres(app.config["SQLALCHEMY_DATABASE_URI"]):
        pytest.skip("statistics are gathered on PostgreSQL only")
    result = runner.invoke(args=ARGS)

    assert result.exit_code == 0, result.output
    analysed = dict(
        db.session.execute(
            text("SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables")
        ).all()
    )
    for table in ("observations", "observation_ratings", "self_ratings", "skill_profiles"):
        assert analysed[table], table
