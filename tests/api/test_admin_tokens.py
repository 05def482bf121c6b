"""Admins issue and revoke API tokens; the secret is shown once and only its digest is kept."""

from __future__ import annotations

import pytest

from learning_app.accounts.constants import Grade, Role
from learning_app.api.models import ApiToken
from learning_app.core.audit import AuditEvent
from learning_app.core.tokens import token_digest
from tests.api.conftest import bearer

NEW = "/admin/api-tokens/new"


@pytest.fixture
def admin_client(client, factories):
    client.sign_in(factories.admin().email)
    return client


def issue(client, email: str, name: str = "Power BI board report", lifetime: str = "90"):
    return client.submit(NEW, {"email": email, "name": name, "lifetime": lifetime})


def test_an_admin_issues_a_token_that_is_shown_once(admin_client, unit) -> None:
    response = issue(admin_client, unit.leader.email.upper())
    assert response.status_code == 302
    page = admin_client.get_page(response.headers["Location"])
    secret = page.field_value("new-token")
    assert secret and secret.startswith("pl_") and len(secret) == 46
    assert "Copy this token now" in page.text
    token = ApiToken.query.one()
    assert token.user_id == unit.leader.id and token.name == "Power BI board report"
    assert token.token_digest == token_digest(secret) and secret not in token.token_digest
    assert token.hint == secret[-4:]
    assert (token.expires_at - token.created_at).days == 90
    again = admin_client.get_page("/admin/api-tokens/")
    assert again.field_value("new-token") is None
    assert secret not in again.text
    rows = again.table_rows("#api-tokens")
    assert rows[0][0].startswith(unit.leader.name) and rows[0][2] == "…" + secret[-4:]
    assert rows[0][5] == "Never" and rows[0][6] == "Active"
    assert AuditEvent.query.filter_by(action="api_token.issue").count() == 1
    # The token works for its user straight away.
    admin_client.sign_out()
    assert admin_client.get("/api/v1/heatmap", headers=bearer(secret)).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": ""}, "Enter the email address of the person the token is for"),
        ({"email": "nobody@example.test"}, "There is no user with this email address"),
        ({"name": "   "}, "Enter what the token is for"),
        ({"name": "x" * 81}, "What the token is for must be 80 characters or fewer"),
        ({"lifetime": "forever"}, "Not a valid choice."),
    ],
)
def test_bad_input_is_named_and_kept(admin_client, unit, data, message) -> None:
    payload = {"email": unit.leader.email, "name": "BI", "lifetime": "30", **data}
    response = admin_client.submit(NEW, payload)
    assert response.status_code == 200
    page = admin_client.page(response)
    assert message in page.error_summary
    assert page.field_value("email") == payload["email"]
    assert ApiToken.query.count() == 0


def test_only_analysis_readers_can_hold_a_token(admin_client, factories, unit) -> None:
    practitioner = factories.user(role=Role.PRACTITIONER, grade=Grade.PO)
    page = admin_client.page(issue(admin_client, practitioner.email))
    assert any("not an L&D lead, leader or SPO" in e for e in page.error_summary)
    retired = factories.user(role=Role.LEADER, scope=unit.pdu, active=False)
    page = admin_client.page(issue(admin_client, retired.email))
    assert "This person's account is deactivated" in page.error_summary
    assert ApiToken.query.count() == 0


def test_an_admin_revokes_a_token(admin_client, unit) -> None:
    issue(admin_client, unit.leader.email)
    secret = admin_client.get_page("/admin/api-tokens/").field_value("new-token")
    token = ApiToken.query.one()
    url = f"/admin/api-tokens/{token.id}/revoke"
    confirm = admin_client.get_page(url)
    assert confirm.h1 == "Revoke this API token?"
    response = admin_client.submit(url)
    assert response.status_code == 302
    page = admin_client.get_page(response.headers["Location"])
    assert "has been revoked" in page.text
    assert page.table_rows("#api-tokens")[0][6] == "Revoked"
    assert admin_client.get("/api/v1/heatmap", headers=bearer(secret)).status_code == 401
    # A second revoke changes nothing and says so.
    again = admin_client.get(url)
    assert again.status_code == 302
    assert AuditEvent.query.filter_by(action="api_token.revoke").count() == 1


def test_revoking_needs_the_form_s_csrf_token(admin_client, unit) -> None:
    issue(admin_client, unit.leader.email)
    token = ApiToken.query.one()
    response = admin_client.post(f"/admin/api-tokens/{token.id}/revoke")
    assert response.status_code == 400
    assert token.revoked_at is None


def test_unknown_tokens_are_not_found(admin_client, unit) -> None:
    admin_client.get_page("/admin/api-tokens/999999/revoke", status=404)


@pytest.mark.parametrize("role", [Role.LEADER, Role.LD_LEAD, Role.SPO, Role.PRACTITIONER])
def test_only_admins_see_the_token_pages(client, factories, unit, role) -> None:
    scope = unit.teams["A"] if role == Role.SPO else unit.pdu
    scope = None if role == Role.PRACTITIONER else scope
    client.sign_in(factories.user(role=role, scope=scope, grade=Grade.OTHER).email)
    for url in ("/admin/api-tokens/", NEW):
        client.get_page(url, status=404)
