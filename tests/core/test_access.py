"""Every route declares who may use it, and the declarations hold for every role."""

from __future__ import annotations

import pytest

from learning_app.accounts.constants import Grade, Role
from learning_app.core.navigation import NAV_ITEMS
from learning_app.core.policy import access_rule

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


@pytest.mark.parametrize("role", [None, *ROLES], ids=lambda r: str(r or "anonymous"))
def test_role_route_matrix(app, client, person_with, role):
    """Signed-out users are sent to sign in; signed-in users without the role get 404."""
    if role is not None:
        client.sign_in(person_with(role).email)
    checked = 0
    for url, rule in _simple_get_routes(app):
        response = client.get(url)
        if role is None and rule.sign_in:
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
