"""Who may use the practitioner's pages: the practitioner, for their own records only.
Everyone else gets 404 (signed-out users are sent to sign in)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Grade, Role
from learning_app.observations.models import Observation, RatingReply
from tests.development.evidence import days_ago

OTHER_ROLES = [Role.SPO, Role.QDO, Role.LD_LEAD, Role.LEADER, Role.ADMIN]


@pytest.fixture
def records(people, evidence):
    """A shared observation about the practitioner, plus others they may not open."""
    own = evidence.observation(
        people.practitioner, people.spo, days_ago(10), ratings={"rosh-analysis": 2}
    )
    return {
        "own": own,
        "draft": evidence.observation(
            people.practitioner,
            people.spo,
            days_ago(3),
            ratings={"rosh-analysis": 1},
            status="draft",
        ),
        "colleague": evidence.observation(
            people.colleague, people.spo, days_ago(4), ratings={"rosh-analysis": 2}
        ),
    }


def pages(observation: Observation | None = None) -> list[str]:
    oid = observation.id if observation is not None else 1
    return [
        "/my-development/",
        "/my-development/observations",
        f"/my-development/observations/{oid}",
        f"/my-development/observations/{oid}/reflection",
        f"/my-development/observations/{oid}/disagree",
        "/my-development/skills/rosh-analysis",
    ]


def test_signed_out_users_are_sent_to_sign_in(client, records):
    for url in pages(records["own"]):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/sign-in" in response.headers["Location"], url


@pytest.mark.parametrize("role", OTHER_ROLES, ids=str)
def test_other_roles_get_404(client, factories, people, records, role):
    scope = {Role.SPO: people.team, Role.QDO: people.team.pdu}.get(
        role, people.team.pdu if role in (Role.LD_LEAD, Role.LEADER) else None
    )
    user = factories.user(role=role, scope=scope, grade=Grade.SPO if role is Role.SPO else Grade.PO)
    client.sign_in(user.email)
    for url in pages(records["own"]):
        assert client.get(url).status_code == 404, url
    token = client.csrf_token("/account/change-password")
    response = client.post(
        f"/my-development/observations/{records['own'].id}/acknowledge",
        data={"csrf_token": token},
    )
    assert response.status_code == 404


def test_the_practitioner_reaches_every_page_of_their_own(client, people, records):
    client.sign_in(people.practitioner.email)
    for url in pages(records["own"]):
        client.get_page(url)


@pytest.mark.parametrize("which", ["draft", "colleague"])
def test_drafts_and_other_peoples_observations_are_not_found(
    client, people, records, which, db_session
):
    observation = records[which]
    client.sign_in(people.practitioner.email)
    base = f"/my-development/observations/{observation.id}"
    for url in (base, f"{base}/reflection", f"{base}/disagree"):
        client.get_page(url, status=404)
    token = client.csrf_token(f"/my-development/observations/{records['own'].id}/reflection")
    skill_id = str(observation.ratings[0].skill_id)
    posts = {
        f"{base}/acknowledge": {},
        f"{base}/reflection": {"reflection": "Mine now"},
        f"{base}/disagree": {"skill": skill_id, "reason": "No"},
    }
    for url, data in posts.items():
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 404, url
    db_session.refresh(observation)
    assert observation.acknowledged_at is None
    assert observation.practitioner_reflection is None
    assert db_session.scalars(select(RatingReply)).all() == []


@pytest.mark.parametrize("oid", ["0", "999999", "2147483648", "99999999999999999999"])
def test_ids_no_row_could_have_are_not_found(client, people, framework, oid):
    client.sign_in(people.practitioner.email)
    client.get_page(f"/my-development/observations/{oid}", status=404)
    client.get_page(f"/my-development/observations/{oid}/disagree", status=404)


def test_a_disagree_page_with_nothing_to_reply_to_is_not_found(client, people, evidence):
    observation = evidence.observation(
        people.practitioner, people.spo, days_ago(9), ratings={"rosh-analysis": None}
    )
    client.sign_in(people.practitioner.email)
    page = client.get_page(f"/my-development/observations/{observation.id}")
    assert "Disagree with a rating" not in page.text
    client.get_page(f"/my-development/observations/{observation.id}/disagree", status=404)


def test_an_odd_skill_in_the_query_string_is_ignored(client, people, records):
    client.sign_in(people.practitioner.email)
    page = client.get_page(
        f"/my-development/observations/{records['own'].id}/disagree?skill=%00abc"
    )
    assert page.field_value("skill") in (None, "")
