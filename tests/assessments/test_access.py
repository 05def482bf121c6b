"""Who may use each self-assessment and cycle page: role x route, and other people's ids."""

from __future__ import annotations

from datetime import timedelta

import pytest

from learning_app.accounts.constants import Grade, Role
from learning_app.assessments import services
from tests.assessments.conftest import TODAY

SA_PAGES = [
    ("GET", "/self-assessment/"),
    ("POST", "/self-assessment/start"),
    ("GET", "/self-assessment/{sa}"),
    ("GET", "/self-assessment/{sa}/domains/a"),
    ("POST", "/self-assessment/{sa}/domains/a"),
    ("GET", "/self-assessment/{sa}/how-you-like-to-learn"),
    ("POST", "/self-assessment/{sa}/how-you-like-to-learn"),
    ("GET", "/self-assessment/{sa}/check-your-answers"),
    ("POST", "/self-assessment/{sa}/submit"),
    ("GET", "/self-assessment/{sa}/confirmation"),
]
CYCLE_PAGES = [
    ("GET", "/learning-analysis-cycles/"),
    ("GET", "/learning-analysis-cycles/new"),
    ("POST", "/learning-analysis-cycles/new"),
    ("GET", "/learning-analysis-cycles/{cycle}"),
    ("GET", "/learning-analysis-cycles/{cycle}/edit"),
    ("POST", "/learning-analysis-cycles/{cycle}/edit"),
    ("GET", "/learning-analysis-cycles/{cycle}/close"),
    ("POST", "/learning-analysis-cycles/{cycle}/close"),
]
ROLES = [Role.PRACTITIONER, Role.SPO, Role.QDO, Role.LD_LEAD, Role.LEADER, Role.ADMIN]


@pytest.fixture
def records(db_session, framework, org, practitioner, ld_lead):
    sa = services.start_self_assessment(practitioner, TODAY)
    cycle = services.create_cycle(
        ld_lead,
        name="Spring",
        unit=org.pdu,
        opens_on=TODAY,
        closes_on=TODAY + timedelta(days=30),
    )
    db_session.flush()
    return {"sa": sa.id, "cycle": cycle.id}


@pytest.fixture
def person(factories, org):
    def make(role: Role):
        scope = {
            Role.SPO: org.team,
            Role.QDO: org.pdu,
            Role.LD_LEAD: org.pdu,
            Role.LEADER: org.pdu,
        }.get(role)
        grade = {Role.SPO: Grade.SPO, Role.PRACTITIONER: Grade.PO}.get(role, Grade.OTHER)
        return factories.user(role=role, scope=scope, team=org.team, grade=grade)

    return make


def _request(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": client.csrf_token("/home")})


def test_signed_out_users_are_sent_to_sign_in(client, records):
    for method, url in SA_PAGES + CYCLE_PAGES:
        if method == "GET":
            response = client.get(url.format(**records))
            assert response.status_code == 302, url
            assert "/sign-in" in response.headers["Location"], url
        else:
            # Without a session there is no CSRF token to send: refused either way.
            assert client.post(url.format(**records)).status_code in (302, 400), url


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_only_the_right_role_gets_in(client, records, person, role):
    """Each role against every route (one sign-in per role keeps the matrix quick)."""
    client.sign_in(person(role).email)
    wrong = []
    for method, url in SA_PAGES + CYCLE_PAGES:
        status = _request(client, method, url.format(**records)).status_code
        allowed = (url.startswith("/self-assessment") and role is Role.PRACTITIONER) or (
            url.startswith("/learning-analysis-cycles") and role is Role.LD_LEAD
        )
        # No role, or another practitioner's self-assessment: it does not exist for them.
        expected = {404} if not allowed or "{sa}" in url else {200, 302}
        if status not in expected:
            wrong.append(f"{method} {url}: {status}")
    assert wrong == []


def test_another_practitioners_self_assessment_is_not_found(
    client, db_session, records, factories, org
):
    other = factories.user(team=org.team)
    client.sign_in(other.email)
    for method, url in SA_PAGES:
        if "{sa}" in url:
            assert _request(client, method, url.format(**records)).status_code == 404, url


def test_ids_no_record_could_have_are_not_found(client, practitioner, framework):
    client.sign_in(practitioner.email)
    for bad_id in ["0", "99999999", str(2**40), "-1", "abc"]:
        assert client.get(f"/self-assessment/{bad_id}").status_code == 404, bad_id
        assert client.get(f"/self-assessment/{bad_id}/domains/a").status_code == 404, bad_id


def test_a_cycle_outside_the_leads_scope_is_not_found(client, records, factories, org):
    elsewhere = factories.user(role=Role.LD_LEAD, scope=org.other_pdu, grade=Grade.OTHER)
    client.sign_in(elsewhere.email)
    for method, url in CYCLE_PAGES:
        if "{cycle}" in url:
            assert _request(client, method, url.format(**records)).status_code == 404, url
    assert "Spring" not in client.get_page("/learning-analysis-cycles/").text


def test_a_region_lead_sees_the_cycles_of_every_pdu_in_it(client, records, factories, org):
    regional = factories.user(role=Role.LD_LEAD, scope=org.region, grade=Grade.OTHER)
    client.sign_in(regional.email)
    page = client.get_page(f"/learning-analysis-cycles/{records['cycle']}")
    assert page.h1.endswith("Spring")


def test_cycle_ids_no_record_could_have_are_not_found(client, ld_lead):
    client.sign_in(ld_lead.email)
    for bad_id in ["0", str(2**40), "abc"]:
        assert client.get(f"/learning-analysis-cycles/{bad_id}").status_code == 404, bad_id
        assert client.get(f"/learning-analysis-cycles/{bad_id}/edit").status_code == 404, bad_id
