"""The JSON API: tokens are the only way in, and each token reads what its user sees on screen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec

from learning_app.accounts.constants import Grade, Role
from learning_app.analytics.rollups import take_snapshot
from learning_app.api import tokens
from learning_app.api.models import ApiToken
from learning_app.api.openapi import ENDPOINTS, PARAMETERS, document
from learning_app.core.time import utc_now
from tests.api.conftest import bearer

ENDPOINT_URLS = ["/api/v1/units", "/api/v1/heatmap", "/api/v1/trends"]


def conforms(body, schema_name: str) -> None:
    """Fail unless ``body`` is valid against a schema of the published document."""
    spec = document()
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(body), key=str)
    assert not errors, [e.message for e in errors]


def rows_by_label(body) -> dict[str, dict]:
    return {row["label"]: row for row in [*body["rows"], body["total"]]}


# Getting in -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ENDPOINT_URLS)
def test_no_token_gets_401_with_a_bearer_challenge(client, unit, url) -> None:
    response = client.get(url)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 401
    conforms(response.json, "Problem")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer pl_" + "A" * 43,  # the right shape, but never issued
        "Bearer not-a-token",
        "Basic dXNlcjpwYXNz",
        "Bearer",
    ],
)
def test_a_wrong_token_gets_401(client, unit, header) -> None:
    response = client.get("/api/v1/heatmap", headers={"Authorization": header})
    assert response.status_code == 401


def test_a_signed_in_browser_session_does_not_open_the_api(client, unit) -> None:
    client.sign_in(unit.leader.email)
    assert client.get("/analytics/").status_code == 200
    assert client.get("/api/v1/heatmap").status_code == 401


def test_a_revoked_token_stops_working_at_once(client, factories, unit, issue_token) -> None:
    secret = issue_token(unit.leader)
    assert client.get("/api/v1/heatmap", headers=bearer(secret)).status_code == 200
    token = ApiToken.query.filter_by(user_id=unit.leader.id).one()
    tokens.revoke(factories.admin(), token)
    assert client.get("/api/v1/heatmap", headers=bearer(secret)).status_code == 401


def test_an_expired_token_gets_401(client, db_session, unit, issue_token) -> None:
    secret = issue_token(unit.leader, "30")
    token = ApiToken.query.filter_by(user_id=unit.leader.id).one()
    token.expires_at = utc_now() - timedelta(seconds=1)
    db_session.flush()
    assert client.get("/api/v1/heatmap", headers=bearer(secret)).status_code == 401


def test_a_deactivated_user_s_token_gets_401(client, db_session, unit, issue_token) -> None:
    secret = issue_token(unit.leader)
    unit.leader.active = False
    db_session.flush()
    assert client.get("/api/v1/heatmap", headers=bearer(secret)).status_code == 401


def test_a_token_whose_user_lost_the_role_reads_nothing(
    client, db_session, unit, issue_token
) -> None:
    secret = issue_token(unit.leader)
    unit.leader.role_assignments.clear()
    db_session.flush()
    response = client.get("/api/v1/heatmap", headers=bearer(secret))
    assert response.status_code == 404
    assert response.json["title"] == "Not Found"


def test_a_token_s_use_is_noted_without_a_cookie(client, unit, issue_token) -> None:
    secret = issue_token(unit.leader)
    response = client.get("/api/v1/heatmap", headers=bearer(secret))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    token = ApiToken.query.filter_by(user_id=unit.leader.id).one()
    assert token.last_used_at is not None


def test_the_api_is_read_only_and_answers_in_json(client, unit, issue_token) -> None:
    secret = issue_token(unit.leader)
    response = client.post("/api/v1/heatmap", headers=bearer(secret))
    assert response.status_code == 405 and response.json["status"] == 405
    assert response.headers["Allow"]
    missing = client.get("/api/v1/nothing-here", headers=bearer(secret))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


# Same figures and suppression as the page ---------------------------------------------------


def test_a_leader_reads_the_suppressed_heatmap_of_their_pdu(client, unit, issue_token) -> None:
    body = client.get("/api/v1/heatmap", headers=bearer(issue_token(unit.leader))).json
    conforms(body, "Heatmap")
    rows = rows_by_label(body)
    assert set(rows) == {"Alpha", "Bravo", "Charlie", "Everyone in view"}
    first = unit.skill
    assert rows["Bravo"]["cells"][first] == {"value": None, "n": None, "suppressed": "fewer than 5"}
    assert rows["Alpha"]["cells"][first] == {"value": None, "n": None, "suppressed": "hidden"}
    # Charlie: gaps 0, 0, 0, 1, 1, 1, 1 -> 4/7; everyone: 15/16.
    assert rows["Charlie"]["cells"][first] == {"value": 0.57, "n": 7, "suppressed": None}
    assert rows["Everyone in view"]["cells"][first] == {"value": 0.94, "n": 16, "suppressed": None}
    assert body["suppressed"] is True and body["grouping"] == "team"
    assert body["metric"]["key"] == "mean-gap"


def test_the_api_matches_the_page_cell_for_cell(client, unit, issue_token) -> None:
    from tests.analytics.test_heatmap_views import screen

    query = "?grouping=site&metric=below-target"
    secret = issue_token(unit.leader)
    body = client.get("/api/v1/heatmap" + query, headers=bearer(secret)).json
    client.sign_in(unit.leader.email)
    page_rows = {r[0]: r[1:] for r in screen(client.get_page("/analytics/" + query))}
    slugs = [c["slug"] for c in body["columns"]] + ["all"]
    for label, row in rows_by_label(body).items():
        api_text = []
        for slug in slugs:
            c = row["cells"][slug]
            if c["suppressed"]:
                api_text.append(c["suppressed"])
            elif c["value"] is None:
                api_text.append("no data")
            else:
                api_text.append(f"{c['value']:.0f}% n = {c['n']}")
        assert api_text == page_rows[label], label


def test_the_spo_of_a_team_reads_it_unsuppressed(client, unit, issue_token) -> None:
    secret = issue_token(unit.spo_b)
    body = client.get("/api/v1/heatmap", headers=bearer(secret)).json
    conforms(body, "Heatmap")
    assert body["suppressed"] is False
    rows = rows_by_label(body)
    assert set(rows) == {"Bravo", "Everyone in view"}
    assert rows["Bravo"]["cells"][unit.skill] == {"value": 1.0, "n": 3, "suppressed": None}


def test_a_unit_outside_the_scope_is_not_found(client, factories, unit, issue_token) -> None:
    other = factories.pdu(unit.region, "Elsewhere")
    secret = issue_token(unit.leader)
    response = client.get(f"/api/v1/heatmap?unit=pdu-{other.id}", headers=bearer(secret))
    assert response.status_code == 404
    conforms(response.json, "Problem")
    team = client.get(f"/api/v1/heatmap?unit=team-{unit.teams['C'].id}", headers=bearer(secret))
    assert team.status_code == 200 and team.json["unit"] == f"team-{unit.teams['C'].id}"


def test_choosing_the_hidden_team_alone_still_hides_it(client, unit, issue_token) -> None:
    """Alpha is hidden in the PDU's view; alone, it must not give its figure away."""
    secret = issue_token(unit.leader)
    body = client.get(
        f"/api/v1/heatmap?unit=team-{unit.teams['A'].id}", headers=bearer(secret)
    ).json
    assert rows_by_label(body)["Everyone in view"]["cells"][unit.skill]["value"] is None


def test_bad_choices_are_named_in_a_400(client, unit, issue_token) -> None:
    secret = issue_token(unit.leader)
    response = client.get(
        "/api/v1/heatmap?metric=loudest&grade=XX&colour=red", headers=bearer(secret)
    )
    assert response.status_code == 400
    conforms(response.json, "Problem")
    named = {e["parameter"]: e["message"] for e in response.json["errors"]}
    assert named == {
        "colour": "colour is not a parameter of this endpoint",
        "metric": "Choose a measure from the list",
        "grade": "Choose a grade from the list",
    }


def test_trends_follow_the_snapshots(client, unit, issue_token) -> None:
    take_snapshot(date(2026, 12, 1))
    secret = issue_token(unit.leader)
    body = client.get("/api/v1/trends?metric=below-target", headers=bearer(secret)).json
    conforms(body, "Trend")
    assert [p["key"] for p in body["periods"]] == ["2026-Q4"]
    assert body["periods"][0]["ends_on"] == "2026-12-31"
    lines = {line["skill"]: line for line in body["lines"]}
    # 12 of the 16 have a gap on the first skill: 5 in Alpha, 3 in Bravo, 4 in Charlie.
    assert lines[unit.skill]["figures"] == [{"value": 75.0, "n": 16, "suppressed": None}]
    grouping = client.get("/api/v1/trends?grouping=team", headers=bearer(secret))
    assert grouping.status_code == 400


def test_units_lists_what_the_token_can_read(client, unit, issue_token) -> None:
    take_snapshot(date(2026, 12, 1))
    body = client.get("/api/v1/units", headers=bearer(issue_token(unit.leader))).json
    conforms(body, "Units")
    keys = [u["key"] for u in body["units"]]
    assert keys[0] == f"pdu-{unit.pdu.id}"
    assert set(keys[1:]) == {f"team-{t.id}" for t in unit.teams.values()}
    assert [p["key"] for p in body["periods"]] == ["live", "2026-Q4"]


# The document describes the API exactly ------------------------------------------------------


def test_the_openapi_document_is_valid_and_public(client, unit) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    validate_spec(response.json)
    assert response.json == document()


def test_every_api_route_is_documented_and_nothing_else(app) -> None:
    routes = {
        rule.rule.removeprefix("/api/v1")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert routes == set(document()["paths"])


@pytest.mark.parametrize("path", list(ENDPOINTS))
def test_every_documented_choice_is_accepted(client, unit, issue_token, path) -> None:
    take_snapshot(date(2026, 12, 1))
    secret = issue_token(unit.leader)
    _op, _summary, parameters, schema = ENDPOINTS[path]
    values = {
        "unit": [f"pdu-{unit.pdu.id}", f"team-{unit.teams['B'].id}"],
        "period": ["live", "2026-Q4"],
        "sort": [unit.skill, "all", "name"],
    }
    for name in parameters:
        spec = PARAMETERS[name]["schema"]
        for value in spec.get("enum", values.get(name, [])):
            response = client.get(f"/api/v1{path}?{name}={value}", headers=bearer(secret))
            assert response.status_code == 200, (name, value, response.json)
            conforms(response.json, schema)


@pytest.mark.parametrize(("grade", "word"), [(Grade.PO, "hidden"), (Grade.PSO, "fewer than 5")])
def test_two_overlapping_filters_give_nothing_away(client, unit, issue_token, grade, word) -> None:
    """14 POs and 2 PSOs: the PSOs are fewer than 5, and the POs' figure would give the
    PSOs' away by subtraction from the unfiltered one, so both are withheld."""
    secret = issue_token(unit.leader)
    body = client.get(f"/api/v1/heatmap?grade={grade.value}", headers=bearer(secret)).json
    conforms(body, "Heatmap")
    total = rows_by_label(body)["Everyone in view"]["cells"][unit.skill]
    assert total == {"value": None, "n": None, "suppressed": word}


def test_other_roles_cannot_hold_a_token(factories, unit) -> None:
    admin = factories.admin()
    for role in (Role.PRACTITIONER, Role.QDO, Role.ADMIN):
        scope = unit.pdu if role == Role.QDO else None
        person = factories.user(role=role, scope=scope, grade=Grade.OTHER)
        with pytest.raises(tokens.TokenError):
            tokens.issue(admin, person, "BI tool", "90")


def test_a_cycle_reads_the_snapshot_of_the_quarter_it_closed_in(
    client, unit, cycles, issue_token
) -> None:
    """As on the page (see tests/analytics/test_heatmap_cycle.py): Charlie is 0.57 in the
    spring snapshot and 0.00 live."""
    secret = issue_token(unit.leader)
    spring, winter = cycles["spring"], cycles["winter"]
    body = client.get(f"/api/v1/heatmap?cycle={spring.id}", headers=bearer(secret)).json
    conforms(body, "Heatmap")
    assert body["period"]["key"] == "2026-Q2"
    assert body["cycle"] == {
        "id": spring.id,
        "name": "Spring",
        "opens_on": "2026-04-01",
        "closes_on": "2026-05-31",
    }
    assert rows_by_label(body)["Charlie"]["cells"][unit.skill]["value"] == 0.57
    live = client.get(f"/api/v1/heatmap?cycle={winter.id}", headers=bearer(secret)).json
    assert live["period"]["key"] == "live"
    assert rows_by_label(live)["Charlie"]["cells"][unit.skill]["value"] == 0.0
    both = client.get(f"/api/v1/heatmap?cycle={spring.id}&period=live", headers=bearer(secret))
    assert both.status_code == 400
    assert both.json["errors"] == [
        {"parameter": "cycle", "message": "Choose a cycle or a date, not both"}
    ]
    listed = client.get("/api/v1/units", headers=bearer(secret)).json
    conforms(listed, "Units")
    assert {c["name"] for c in listed["cycles"]} >= {"Spring", "Winter"}


def test_each_token_has_its_own_rate_limit(app, client, factories, unit, issue_token) -> None:
    first, second = issue_token(unit.leader), issue_token(unit.spo_b)
    app.config["API_RATE_LIMIT"] = "2 per minute"
    try:
        for _ in range(2):
            assert client.get("/api/v1/units", headers=bearer(first)).status_code == 200
        limited = client.get("/api/v1/units", headers=bearer(first))
        assert limited.status_code == 429
        assert limited.mimetype == "application/problem+json"
        conforms(limited.json, "Problem")
        assert client.get("/api/v1/units", headers=bearer(second)).status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = "120 per minute"


def test_oversight_reads_as_the_page_with_feedback_suppressed(
    client, db_session, factories, unit, cycles, issue_token
) -> None:
    from tests.analytics.test_feedback import _questionnaires

    _questionnaires(db_session, factories, unit)
    secret = issue_token(unit.leader)
    response = client.get(f"/api/v1/oversight?unit=pdu-{unit.pdu.id}", headers=bearer(secret))
    assert response.status_code == 200
    body = response.json
    conforms(body, "Oversight")
    assert body["unit"] == f"pdu-{unit.pdu.id}" and body["unit_label"] == unit.pdu.label
    assert {c["name"] for c in body["cycles"]} >= {"Spring", "Winter"}
    assert [a["type"] for a in body["audits"]] == ["case_audit", "court_report_qa"]
    rows = {r["label"]: r["cells"]["listened_to"] for r in body["feedback"]["rows"]}
    assert rows == {
        "Alpha": {"value": None, "n": None, "suppressed": "hidden"},
        "Bravo": {"value": None, "n": None, "suppressed": "too few"},
        "Charlie": {"value": 50.0, "n": 10, "suppressed": None},
    }
    total = body["feedback"]["total"]["cells"]
    assert total["listened_to"] == {"value": 75.76, "n": 33, "suppressed": None}
    assert total["responses"] == {"value": 33.0, "n": 33, "suppressed": None}
    # The leader leads every team in view, so reflective-discussion coverage is there.
    assert body["discussions"] is not None


def test_oversight_is_for_leaders_and_ld_leads(client, factories, unit, issue_token) -> None:
    spo = client.get("/api/v1/oversight", headers=bearer(issue_token(unit.spo_b)))
    assert spo.status_code == 404
    lead = factories.user(role=Role.LD_LEAD, scope=unit.pdu, grade=Grade.OTHER)
    body = client.get("/api/v1/oversight", headers=bearer(issue_token(lead))).json
    conforms(body, "Oversight")
    assert body["discussions"] is None and body["feedback"] is None
    bad = client.get("/api/v1/oversight?metric=observed", headers=bearer(issue_token(lead)))
    assert bad.status_code == 400
