"""``flask seed-demo``: the demo PDU, its people, their passwords and the skills framework."""

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Band, Role, months_between
from learning_app.accounts.models import RoleAssignment, User
from learning_app.accounts.passwords import password_problem, verify_password
from learning_app.core.audit import AuditEvent
from learning_app.demo.cli import NOT_EMPTY_MESSAGE
from learning_app.demo.seed import (
    DEFAULT_DEMO_PASSWORD,
    PDU_NAME,
    REGION_NAME,
    TEAMS,
    plan_people,
    seed_demo,
)
from learning_app.framework.models import FrameworkVersion
from learning_app.framework.queries import published_version
from learning_app.org.models import Pdu, Region, Team, TeamMembership
from tests.demo.seeding import count

TODAY = date(2026, 5, 1)
PASSWORD = DEFAULT_DEMO_PASSWORD
DEMO_USERS = User.email.like("%@demo.test")


def demo_users(session) -> list[User]:
    return list(session.scalars(select(User).where(DEMO_USERS).order_by(User.email)))


def user(session, email: str) -> User:
    return session.scalar(select(User).where(User.email == email))


def role_holders(session, role: Role) -> list[RoleAssignment]:
    return list(
        session.scalars(
            select(RoleAssignment)
            .join(RoleAssignment.user)
            .where(RoleAssignment.role == role.value, DEMO_USERS)
        )
    )


def practitioners(session) -> list[User]:
    return [u.user for u in role_holders(session, Role.PRACTITIONER)]


def snapshot(session) -> list[tuple]:
    """Everything the demo says about its people, without database ids."""
    rows = []
    for u in demo_users(session):
        memberships = session.scalars(select(TeamMembership).where(TeamMembership.user_id == u.id))
        rows.append(
            (
                u.email,
                u.name,
                u.grade,
                u.team.name if u.team else None,
                u.started_on,
                u.qualified_on,
                sorted((a.role, a.scope_label) for a in u.role_assignments),
                sorted((m.team.name, m.started_on, m.ended_on) for m in memberships),
            )
        )
    return rows


@pytest.fixture
def seeded(db_session):
    return seed_demo(PASSWORD, TODAY)


def test_the_organisation_is_one_pdu_with_ten_teams_at_three_sites(db_session, seeded):
    region = db_session.scalar(select(Region).where(Region.name == REGION_NAME))
    pdu = db_session.scalar(select(Pdu).where(Pdu.region_id == region.id))
    assert pdu.name == PDU_NAME
    teams = list(db_session.scalars(select(Team).where(Team.pdu_id == pdu.id)))
    assert len(teams) == 10
    assert len({team.site for team in teams}) == 3
    assert {team.name for team in teams} == {name for name, _site in TEAMS}


def test_practitioners_are_split_by_band_and_spread_over_the_teams(db_session, seeded):
    people = practitioners(db_session)
    assert 105 <= len(people) <= 115
    bands = {band: 0 for band in Band}
    for person in people:
        bands[person.band(TODAY)] += 1
    for band, share in (
        (Band.PSO, 0.35),
        (Band.TRAINEE, 0.20),
        (Band.NEW, 0.15),
        (Band.EXPERIENCED, 0.30),
    ):
        assert abs(bands[band] - share * len(people)) <= 2, (band, bands)
    per_team = {}
    for person in people:
        per_team[person.team.name] = per_team.get(person.team.name, 0) + 1
    assert sorted(per_team.values()) == [11] * 10


def test_every_practitioner_has_a_team_membership_from_their_start_date(db_session, seeded):
    for person in practitioners(db_session):
        membership = db_session.scalar(
            select(TeamMembership).where(TeamMembership.user_id == person.id)
        )
        assert membership.team_id == person.team_id
        assert membership.started_on == person.started_on
        assert membership.ended_on is None


def test_qualification_dates_match_the_bands(db_session, seeded):
    for person in practitioners(db_session):
        if person.band(TODAY) is Band.NEW:
            assert months_between(person.qualified_on, TODAY) < 24
        elif person.band(TODAY) is Band.EXPERIENCED:
            assert 24 <= months_between(person.qualified_on, TODAY) <= 15 * 12
        else:
            assert person.qualified_on is None
        assert person.started_on <= (person.qualified_on or TODAY) <= TODAY


def test_spo_n_manages_team_n(db_session, seeded):
    spos = role_holders(db_session, Role.SPO)
    assert len(spos) == 10
    for number, (team_name, _site) in enumerate(TEAMS, start=1):
        spo = user(db_session, f"spo{number}@demo.test")
        assert spo.grade == "SPO"
        assert [(a.role, a.team.name) for a in spo.role_assignments] == [("spo", team_name)]
        # An SPO belongs to the team they manage, but has no practitioner role.
        assert spo.team.name == team_name


def test_practitioner1_and_practitioner2_are_in_spo1s_team_with_different_bands(db_session, seeded):
    spo1_team = user(db_session, "spo1@demo.test").role_assignments[0].team
    first = user(db_session, "practitioner1@demo.test")
    second = user(db_session, "practitioner2@demo.test")
    assert first.team == second.team == spo1_team
    assert spo1_team.name == TEAMS[0][0]
    assert first.band(TODAY) is Band.NEW
    assert second.band(TODAY) is Band.PSO


def test_pdu_wide_roles_and_the_admin(db_session, seeded):
    pdu = db_session.scalar(select(Pdu).where(Pdu.name == PDU_NAME))
    for role, emails in (
        (Role.QDO, {"qdo1@demo.test", "qdo2@demo.test"}),
        (Role.LD_LEAD, {"ld.lead@demo.test"}),
        (Role.LEADER, {"head@demo.test"}),
    ):
        holders = role_holders(db_session, role)
        assert {a.user.email for a in holders} == emails
        assert all(a.pdu_id == pdu.id for a in holders)
    admins = role_holders(db_session, Role.ADMIN)
    assert [a.user.email for a in admins] == ["admin@demo.test"]
    assert len(demo_users(db_session)) == len(practitioners(db_session)) + 15


def test_the_default_framework_is_published_with_17_skills(db_session, seeded):
    version = published_version()
    assert version is not None
    assert len(version.skills) == 17
    assert len(version.domains) == 5


def test_an_already_published_framework_is_kept(db_session):
    from learning_app.framework.loader import (
        DEFAULT_FRAMEWORK_PATH,
        load_framework,
        parse_framework_file,
    )
    from learning_app.framework.services import publish_version

    mine = load_framework(parse_framework_file(DEFAULT_FRAMEWORK_PATH), name="Our framework")
    publish_version(mine, actor=None)
    seed_demo(PASSWORD, TODAY)
    assert published_version() == mine
    assert count(db_session, FrameworkVersion) == 1


def test_seeding_again_changes_nothing(db_session, seeded):
    assert seeded.changed
    before = snapshot(db_session)
    tables = (Region, Pdu, Team, User, RoleAssignment, TeamMembership, FrameworkVersion)
    counts = [count(db_session, model) for model in tables]
    hashes = {u.email: u.password_hash for u in demo_users(db_session)}

    again = seed_demo(PASSWORD, TODAY)

    assert not again.changed
    assert snapshot(db_session) == before
    assert [count(db_session, model) for model in tables] == counts
    assert {u.email: u.password_hash for u in demo_users(db_session)} == hashes
    assert count(db_session, AuditEvent, AuditEvent.action == "demo.seed") == 1


def test_a_fresh_database_gets_the_same_people_every_time(db_session):
    random.seed(12345)
    expected_global_draw = random.random()
    random.seed(12345)

    first = db_session.begin_nested()
    seed_demo(PASSWORD, TODAY)
    first_run = snapshot(db_session)
    first.rollback()
    assert demo_users(db_session) == []

    seed_demo(PASSWORD, TODAY)
    assert snapshot(db_session) == first_run
    assert plan_people(TODAY) == plan_people(TODAY)
    # Seeding never touches the global random state.
    assert random.random() == expected_global_draw


def test_every_demo_account_shares_one_hash_of_the_password(db_session, seeded):
    users = demo_users(db_session)
    hashes = {u.password_hash for u in users}
    assert len(hashes) == 1
    assert verify_password(hashes.pop(), PASSWORD)
    assert all(u.active and not u.must_change_password and u.locked_until is None for u in users)


SIGN_IN_ACCOUNTS = [
    "admin@demo.test",
    "head@demo.test",
    "ld.lead@demo.test",
    "qdo1@demo.test",
    "qdo2@demo.test",
    *(f"spo{n}@demo.test" for n in range(1, 11)),
    "practitioner1@demo.test",
    "practitioner2@demo.test",
    "practitioner110@demo.test",
]


def test_demo_accounts_sign_in_through_the_sign_in_page(make_client, db_session, seeded):
    # Every staff account and a sample of practitioners: the rest share the same hash
    # (see the test above), and each argon2 check takes a tenth of a second.
    for email in SIGN_IN_ACCOUNTS:
        client = make_client()
        response = client.sign_in(email, PASSWORD)
        assert response.headers["Location"].endswith("/home")
        assert user(db_session, email).name in client.get_page("/home").text


def test_the_default_password_meets_the_rules_for_every_demo_person():
    assert password_problem(PASSWORD) is None
    for person in plan_people(TODAY):
        assert password_problem(PASSWORD, email=person.email, name=person.name) is None


# The command -------------------------------------------------------------------------


def test_the_command_seeds_and_prints_the_accounts(runner, db_session):
    result = runner.invoke(args=["seed-demo"], env={"DEMO_PASSWORD": ""})
    assert result.exit_code == 0, result.output
    assert len(demo_users(db_session)) == 125
    for email in ("admin@demo.test", "head@demo.test", "ld.lead@demo.test", "spo10@demo.test"):
        assert email in result.output
    assert f"practitioner1@demo.test  {PASSWORD}" in result.output
    assert "Team 1: practitioner1 to practitioner11, Leicester City North" in result.output

    again = runner.invoke(args=["seed-demo"], env={"DEMO_PASSWORD": ""})
    assert again.exit_code == 0
    assert "nothing was added" in again.output
    assert len(demo_users(db_session)) == 125


def test_the_commands_commit_did_not_outlive_its_test(db_session):
    # Runs after the test above: its commit was a savepoint release inside the
    # fixture's transaction, which was rolled back.
    assert demo_users(db_session) == []
    assert count(db_session, Region, Region.name == REGION_NAME) == 0


def test_if_empty_does_nothing_when_there_are_users(runner, factories, db_session):
    factories.admin(email="someone@example.test")
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert result.output.strip() == NOT_EMPTY_MESSAGE
    assert demo_users(db_session) == []
    assert published_version() is None


def test_if_empty_seeds_an_empty_database(runner, db_session):
    assert count(db_session, User) == 0
    result = runner.invoke(args=["seed-demo", "--if-empty"], env={"DEMO_PASSWORD": ""})
    assert result.exit_code == 0, result.output
    assert len(demo_users(db_session)) == 125


def test_demo_password_comes_from_the_environment_and_can_change(runner, make_client, db_session):
    seed_demo(PASSWORD, TODAY)
    versions = {u.email: u.session_version for u in demo_users(db_session)}
    new_password = "a different demo password 7"

    result = runner.invoke(args=["seed-demo"], env={"DEMO_PASSWORD": new_password})

    assert result.exit_code == 0, result.output
    assert "the value of DEMO_PASSWORD" in result.output
    assert new_password not in result.output
    assert "set the demo password on 125 existing users" in result.output
    users = demo_users(db_session)
    assert all(u.session_version == versions[u.email] + 1 for u in users)
    assert len({u.password_hash for u in users}) == 1
    assert verify_password(users[0].password_hash, new_password)
    make_client().sign_in("practitioner1@demo.test", new_password)


def test_a_weak_demo_password_is_refused(runner, db_session):
    result = runner.invoke(args=["seed-demo"], env={"DEMO_PASSWORD": "short"})
    assert result.exit_code == 2
    assert "DEMO_PASSWORD cannot be used: Password must be 12 characters or more" in result.output
    assert demo_users(db_session) == []


def test_the_command_refuses_to_run_in_production(runner, app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "PRODUCTION", True)
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 2
    assert "does not run when APP_ENV is production" in result.output
    assert demo_users(db_session) == []
