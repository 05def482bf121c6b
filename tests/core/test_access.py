"""Every route declares who may use it, and the declarations hold for every role."""

from __future__ import annotations

from datetime import timedelta

import pytest

from learning_app.accounts.constants import Grade, Role
from learning_app.api.models import ApiToken
from learning_app.api.tokens import PREFIX
from learning_app.core.navigation import NAV_ITEMS
from learning_app.core.policy import access_rule
from learning_app.core.time import utc_now
from learning_app.core.tokens import new_token, token_digest
from learning_app.extensions import db

# Endpoints that are not views of ours.
EXEMPT = {"static"}


def test_every_route_declares_its_access(app):
    undeclared = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in EXEMPT and access_rule(app.view_functions[rule.endpoint]) is None
    ]
    assert undeclared == [], f"routes without @public, @signed_in or @allow: {undeclared}"


ROLES = [Role.PRACTITIONER, Role.SPO, Role.QDO, Role.LD_LEAD, Role.LEADER, Role.ADMIN]


@pytest.fixture
def person_with(factories):
    team = factories.team()

    def make(role: Role | None):
        scope = {
            Role.SPO: team,
            Role.QDO: team.pdu,
            Role.LD_LEAD: team.pdu,
            Role.LEADER: team.pdu,
        }.get(role)
        grade = Grade.SPO if role is Role.SPO else Grade.PO
        return factories.user(role=role, scope=scope, team=team, grade=grade)

    return make


def _simple_get_routes(app):
    """Routes that take no URL parameters and answer GET: the matrix can call them all."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXEMPT or rule.arguments or "GET" not in rule.methods:
            continue
        yield rule.rule, access_rule(app.view_functions[rule.endpoint])


def _api_token_for(user) -> dict[str, str]:
    """A live token for ``user`` whatever their roles (as if they had lost the right one)."""
    secret = PREFIX + new_token()
    db.session.add(
        ApiToken(
            user=user,
            name="matrix",
            token_digest=token_digest(secret),
            hint=secret[-4:],
            expires_at=utc_now() + timedelta(days=1),
        )
    )
    db.session.flush()
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("role", [None, *ROLES], ids=lambda r: str(r or "anonymous"))
def test_role_route_matrix(app, client, person_with, role):
    """Signed-out users are sent to sign in; signed-in users without the role get 404.

    The API is the same, but a token signs in instead of the session, and with no token
    it answers 401 rather than sending a program to the sign-in page."""
    headers = {}
    if role is not None:
        person = person_with(role)
        client.sign_in(person.email)
        headers = _api_token_for(person)
    checked = 0
    for url, rule in _simple_get_routes(app):
        api = url.startswith("/api/")
        response = client.get(url, headers=headers if api else {})
        if role is None and rule.sign_in and api:
            assert response.status_code == 401, url
        elif role is None and rule.sign_in:
            assert response.status_code == 302, url
            assert "/sign-in" in response.headers["Location"], url
        elif rule.permits(_RoleProbe(role)):
            assert response.status_code in (200, 302), f"{role} {url}: {response.status_code}"
        else:
            assert response.status_code == 404, f"{role} {url}: {response.status_code}"
        checked += 1
    assert checked >= 10


class _RoleProbe:
    """Stands in for a user holding one role, to ask the rule what it expects."""

    def __init__(self, role: Role | None) -> None:
        self.role = role
        self.is_authenticated = role is not None

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_navigation_shows_only_what_the_role_may_use(app, client, person_with, role):
    client.sign_in(person_with(role).email)
    page = client.get_page("/home")
    shown = page.nav_links()
    for item in NAV_ITEMS:
        view = app.view_functions[item.endpoint]
        allowed = access_rule(view).permits(_RoleProbe(role))
        assert (item.label in shown) == allowed, f"{role}: {item.label}"
        if allowed:
            client.get_page(page.soup.find("a", string=item.label)["href"])


def test_admin_pages_answer_404_not_403_to_other_roles(client, person_with):
    client.sign_in(person_with(Role.SPO).email)
    page = client.get_page("/admin/users/", status=404)
    assert page.h1 == "Page not found"
