"""Who may use "My team": SPOs, for the current practitioners of their own teams.
Everyone else gets 404, and nothing is written to the audit log for them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from learning_app.accounts.constants import Grade, Role
from learning_app.core.audit import AuditEvent

OTHER_ROLES = [Role.PRACTITIONER, Role.QDO, Role.LD_LEAD, Role.LEADER, Role.ADMIN]


def pages(user_id: int) -> list[str]:
    return [
        "/my-team/",
        f"/my-team/practitioners/{user_id}",
        f"/my-team/practitioners/{user_id}/skills/rosh-analysis",
    ]


def profile_views(db_session) -> int:
    return db_session.scalar(select(func.count()).where(AuditEvent.action == "profile.view"))


def test_signed_out_users_are_sent_to_sign_in(client, teams, framework):
    for url in pages(teams.alice.id):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/sign-in" in response.headers["Location"], url


@pytest.mark.parametrize("role", OTHER_ROLES, ids=str)
def test_other_roles_get_404(client, factories, teams, framework, role):
    scope = {
        Role.QDO: teams.north.pdu,
        Role.LD_LEAD: teams.north.pdu,
        Role.LEADER: teams.north.pdu,
    }.get(role)
    user = factories.user(role=role, scope=scope, team=teams.north, grade=Grade.PO)
    client.sign_in(user.email)
    for url in pages(teams.alice.id):
        client.get_page(url, status=404)


def test_the_spo_reaches_their_practitioners(client, teams, framework, db_session):
    client.sign_in(teams.spo.email)
    for url in pages(teams.alice.id):
        client.get_page(url)
    assert profile_views(db_session) == 2


def test_an_spo_of_another_team_gets_404_and_nothing_is_audited(
    client, teams, framework, db_session
):
    client.sign_in(teams.other_spo.email)
    for url in pages(teams.alice.id)[1:]:
        client.get_page(url, status=404)
    assert profile_views(db_session) == 0


def test_a_practitioner_who_moved_away_is_no_longer_visible(client, teams, framework, db_session):
    teams.alice.team_id = teams.south.id
    db_session.flush()
    client.sign_in(teams.spo.email)
    client.get_page(f"/my-team/practitioners/{teams.alice.id}", status=404)


def test_people_who_are_not_current_practitioners_are_not_found(
    client, factories, teams, framework, db_session
):
    colleague_spo = factories.spo(teams.north)
    teams.bob.active = False
    db_session.flush()
    client.sign_in(teams.spo.email)
    for user in (colleague_spo, teams.spo, teams.bob):
        client.get_page(f"/my-team/practitioners/{user.id}", status=404)
    assert "Bob Brown" not in client.get_page("/my-team/").text


@pytest.mark.parametrize("user_id", ["0", "999999", "2147483648", "99999999999999999999"])
def test_ids_no_row_could_have_are_not_found(client, teams, framework, user_id):
    client.sign_in(teams.spo.email)
    client.get_page(f"/my-team/practitioners/{user_id}", status=404)


@pytest.mark.parametrize("slug", ["no-such-skill", "Bad%20Slug", "x" * 300])
def test_unknown_skills_are_not_found(client, teams, framework, slug, db_session):
    client.sign_in(teams.spo.email)
    client.get_page(f"/my-team/practitioners/{teams.alice.id}/skills/{slug}", status=404)
    assert profile_views(db_session) == 0
