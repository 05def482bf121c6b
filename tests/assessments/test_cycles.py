"""Learning-analysis cycles: an L&D lead opens, changes and closes them, and follows
completion by team; practitioners in scope see an open cycle as a task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Grade, Role
from learning_app.assessments import queries, services
from learning_app.assessments.models import LearningCycle
from learning_app.core.audit import AuditEvent
from tests.assessments.conftest import TODAY


def _date(prefix: str, value) -> dict[str, str]:
    return {prefix: [str(value.day), str(value.month), str(value.year)]}


def _cycle_data(unit: str, opens=TODAY, closes=TODAY + timedelta(days=28), name="Spring 2026"):
    return {"name": name, "unit": unit, **_date("opens_on", opens), **_date("closes_on", closes)}


@pytest.fixture
def lead_client(client, ld_lead):
    client.sign_in(ld_lead.email)
    return client


def test_open_a_cycle_then_change_it_then_close_it(lead_client, db_session, org, ld_lead):
    index = lead_client.get_page("/learning-analysis-cycles/")
    assert "There are no cycles for your units yet" in index.text

    form = lead_client.get_page("/learning-analysis-cycles/new")
    options = [o.get_text() for o in form.soup.select("select[name=unit] option")]
    assert options == [
        "Select a unit",
        f"{org.pdu.name} (PDU)",
        "Alpha team (team)",
        "Bravo team (team)",
    ]

    response = lead_client.submit("/learning-analysis-cycles/new", _cycle_data(f"pdu-{org.pdu.id}"))
    assert response.status_code == 302
    cycle = db_session.scalar(select(LearningCycle))
    assert (cycle.name, cycle.pdu_id, cycle.opens_on) == ("Spring 2026", org.pdu.id, TODAY)
    assert cycle.created_by_id == ld_lead.id

    rows = lead_client.get_page("/learning-analysis-cycles/").table_rows()
    assert rows == [
        [
            "Spring 2026",
            f"{org.pdu.name} (PDU)",
            f"{TODAY.day} {TODAY:%B %Y}",
            f"{(TODAY + timedelta(days=28)).day} {TODAY + timedelta(days=28):%B %Y}",
            "Open",
        ]
    ]

    edit_url = f"/learning-analysis-cycles/{cycle.id}/edit"
    edit = lead_client.get_page(edit_url)
    assert edit.field_value("name") == "Spring 2026"
    assert edit.field_value("unit") == f"pdu-{org.pdu.id}"
    later = TODAY + timedelta(days=7)
    response = lead_client.submit(
        edit_url, _cycle_data(f"team-{org.team.id}", opens=later, closes=later, name="Alpha only")
    )
    assert response.status_code == 302
    db_session.refresh(cycle)
    assert (cycle.name, cycle.team_id, cycle.pdu_id, cycle.opens_on) == (
        "Alpha only",
        org.team.id,
        None,
        later,
    )
    assert lead_client.get_page("/learning-analysis-cycles/").table_rows()[0][4] == "Not yet open"

    close_url = f"/learning-analysis-cycles/{cycle.id}/close"
    confirm = lead_client.get_page(close_url)
    assert confirm.h1 == "Close ‘Alpha only’ early?"
    response = lead_client.submit(close_url)
    assert response.status_code == 302
    db_session.refresh(cycle)
    assert cycle.closed_at is not None
    show = lead_client.get_page(f"/learning-analysis-cycles/{cycle.id}")
    assert "Closed early on" in show.text
    assert "Change cycle" not in show.text and "Close cycle early" not in show.text

    # A closed cycle cannot be changed, even by a hand-made POST.
    response = lead_client.submit(edit_url, _cycle_data(f"pdu-{org.pdu.id}"), form_url="/home")
    assert response.status_code == 302
    db_session.refresh(cycle)
    assert cycle.name == "Alpha only"

    actions = list(
        db_session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "learning_cycles")
            .order_by(AuditEvent.id)
        )
    )
    assert actions == ["learning_cycle.create", "learning_cycle.update", "learning_cycle.close"]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {},
            [
                "Enter a name for the cycle",
                "Select a unit",
                "Enter the date the cycle opens",
                "Enter the date the cycle closes",
            ],
        ),
        (
            {"opens_on": ["31", "2", "2026"], "closes_on": ["1", "", "2026"]},
            ["The opening date must be a real date", "The closing date must include a month"],
        ),
        (
            {"opens_on": ["1", "4", "26"], "closes_on": ["x", "4", "2026"]},
            ["Year must include 4 numbers", "The closing date must be a real date"],
        ),
        (
            {"opens_on": ["10", "4", "2026"], "closes_on": ["9", "4", "2026"]},
            ["The closing date must be the same as or after the opening date"],
        ),
        (
            # One part only, as a hand-made POST might send: an error, not a crash.
            {"opens_on": ["10"], "closes_on": ["1", "5", "2026"]},
            ["The opening date must include a month and year"],
        ),
    ],
)
def test_bad_cycle_input_is_shown_with_what_was_typed(lead_client, db_session, org, data, errors):
    full = {"name": "", "unit": "", "opens_on": ["", "", ""], "closes_on": ["", "", ""]}
    if data:
        full.update({"name": "Typed name", "unit": f"team-{org.team.id}"})
        full.update(data)
    page = lead_client.page(lead_client.submit("/learning-analysis-cycles/new", full))
    assert page.status == 200
    assert page.title.startswith("Error: ")
    assert page.error_summary == errors
    if data:
        assert page.field_value("name") == "Typed name"
        assert page.field_value("unit") == f"team-{org.team.id}"
        assert page.soup.select_one("#opens_on-day")["value"] == full["opens_on"][0]
    assert db_session.scalar(select(LearningCycle)) is None


def test_a_unit_outside_scope_cannot_be_chosen(lead_client, db_session, org):
    for unit in (
        f"team-{org.far_team.id}",
        f"pdu-{org.other_pdu.id}",
        f"region-{org.region.id}",
        "team-abc",
        "nonsense",
    ):
        page = lead_client.page(
            lead_client.submit("/learning-analysis-cycles/new", _cycle_data(unit))
        )
        assert page.error_summary == ["Select a unit from the list"], unit
    assert db_session.scalar(select(LearningCycle)) is None


def test_the_service_refuses_a_unit_outside_scope_and_bad_dates(db_session, org, ld_lead):
    with pytest.raises(services.CycleError, match="Select a unit"):
        services.create_cycle(ld_lead, name="X", unit=org.far_team, opens_on=TODAY, closes_on=TODAY)
    with pytest.raises(services.CycleError, match="closing date"):
        services.create_cycle(
            ld_lead, name="X", unit=org.team, opens_on=TODAY, closes_on=TODAY - timedelta(days=1)
        )
    with pytest.raises(services.CycleError, match="Enter a name"):
        services.create_cycle(ld_lead, name="  ", unit=org.team, opens_on=TODAY, closes_on=TODAY)


def test_a_region_lead_can_open_a_cycle_for_the_whole_region(client, db_session, factories, org):
    regional = factories.user(role=Role.LD_LEAD, scope=org.region, grade=Grade.OTHER)
    client.sign_in(regional.email)
    options = [
        o["value"]
        for o in client.get_page("/learning-analysis-cycles/new").soup.select(
            "select[name=unit] option"
        )
    ]
    assert options[:2] == ["", f"region-{org.region.id}"]
    assert f"team-{org.far_team.id}" in options
    response = client.submit(
        "/learning-analysis-cycles/new", _cycle_data(f"region-{org.region.id}")
    )
    assert response.status_code == 302
    cycle = db_session.scalar(select(LearningCycle))
    teams = [row.team.name for row in queries.cycle_completion(cycle).teams]
    assert teams == ["Alpha team", "Bravo team", "Charlie team"]


# Completion -------------------------------------------------------------------------


@pytest.fixture
def cycle(db_session, ld_lead, org) -> LearningCycle:
    return services.create_cycle(
        ld_lead,
        name="Spring",
        unit=org.pdu,
        opens_on=TODAY - timedelta(days=3),
        closes_on=TODAY + timedelta(days=20),
    )


def _rate_everything(sa, level=3):
    for domain in sa.framework_version.domains:
        services.save_domain_answers(
            sa, domain.code, {s.slug: (level, None, None) for s in domain.skills}
        )


def test_completion_by_team(lead_client, db_session, factories, framework, org, cycle):
    alpha = [factories.user(team=org.team, name=f"Alpha {n}") for n in range(1, 5)]
    bravo = [factories.user(team=org.other_team, name=f"Bravo {n}") for n in range(1, 3)]
    # Not counted: an inactive practitioner, an SPO, someone in another PDU.
    factories.user(team=org.team, name="Gone", active=False)
    factories.user(role=Role.SPO, scope=org.team, team=org.team, grade=Grade.SPO, name="Sam SPO")
    factories.user(team=org.far_team, name="Far away")

    # Alpha 1 and 2 submit, Alpha 3 has a draft; Bravo 1 submits an ad hoc one before
    # the cycle (it does not count), Bravo 2 has not started.
    now = datetime.now(UTC)
    for person in alpha[:2]:
        sa = services.start_self_assessment(person, TODAY)
        _rate_everything(sa)
        services.submit(sa, now)
    services.start_self_assessment(alpha[2], TODAY)
    early = services.start_self_assessment(bravo[0], TODAY - timedelta(days=10))
    assert early.cycle_id is None
    _rate_everything(early)
    services.submit(early, now - timedelta(days=10))
    assert early.cycle_id is None

    page = lead_client.get_page(f"/learning-analysis-cycles/{cycle.id}")
    assert page.table_rows() == [
        ["Alpha team", "4", "2 (50%)", "1 (25%)", "1 (25%)"],
        ["Bravo team", "2", "0 (0%)", "0 (0%)", "2 (100%)"],
    ]
    total = [c.get_text(" ", strip=True) for c in page.soup.select("tfoot th, tfoot td")]
    assert total == ["Total", "6", "2 (33%)", "1 (17%)", "3 (50%)"]
    details = [d.get_text(" ", strip=True) for d in page.soup.select("main details")]
    assert details[0].startswith("Alpha team (1)") and "Alpha 4" in details[0]
    assert "Bravo 1" in details[1] and "Bravo 2" in details[1]
    # Counts and names only: no ratings on the lead's page.
    assert "Competent" not in page.text and "3:" not in page.text


def test_a_cycle_with_no_practitioners_shows_zeroes(lead_client, factories, org, ld_lead):
    empty = factories.team(org.pdu, name="Empty team")
    cycle = services.create_cycle(
        ld_lead, name="Quiet", unit=empty, opens_on=TODAY, closes_on=TODAY
    )
    page = lead_client.get_page(f"/learning-analysis-cycles/{cycle.id}")
    assert page.table_rows() == [["Empty team", "0", "0 (0%)", "0 (0%)", "0 (0%)"]]


# What practitioners see -------------------------------------------------------------


def test_an_open_cycle_is_a_task_and_the_draft_counts_towards_it(
    app, client, db_session, framework, org, practitioner, cycle
):
    with app.test_request_context():
        tasks = queries.open_cycle_tasks(practitioner, TODAY)
    assert [(t.title, t.status, t.href, t.due_on) for t in tasks] == [
        (
            "Complete your self-assessment for Spring",
            "Not yet started",
            "/self-assessment/",
            cycle.closes_on,
        )
    ]

    client.sign_in(practitioner.email)
    page = client.get_page("/self-assessment/")
    assert "Learning analysis open now" in page.text and "Spring" in page.text
    assert "You have not started your self-assessment for this yet" in page.text
    client.submit("/self-assessment/start", form_url="/self-assessment/")
    sa = queries.current_draft(practitioner)
    assert sa.cycle_id == cycle.id
    with app.test_request_context():
        assert queries.open_cycle_tasks(practitioner, TODAY)[0].status == "In progress"

    _rate_everything(sa)
    services.submit(sa, datetime.now(UTC))
    with app.test_request_context():
        assert queries.open_cycle_tasks(practitioner, TODAY) == []
    page = client.get_page("/self-assessment/")
    assert "You submitted your self-assessment on" in page.text
    assert page.table_rows()[0][1] == "Spring"


def test_which_cycles_apply(app, db_session, factories, framework, org, ld_lead, practitioner):
    def make(unit, opens=-1, closes=1, name="C"):
        return services.create_cycle(
            ld_lead,
            name=name,
            unit=unit,
            opens_on=TODAY + timedelta(days=opens),
            closes_on=TODAY + timedelta(days=closes),
        )

    mine = [make(org.team, name="Team"), make(org.pdu, closes=5, name="PDU")]
    regional_lead = factories.user(role=Role.LD_LEAD, scope=org.region, grade=Grade.OTHER)
    mine.append(
        services.create_cycle(
            regional_lead, name="Region", unit=org.region, opens_on=TODAY, closes_on=TODAY
        )
    )
    make(org.other_team, name="Other team")
    make(org.team, opens=1, closes=3, name="Not yet open")
    make(org.team, opens=-5, closes=-1, name="Over")
    early = make(org.team, name="Closed early")
    services.close_cycle(ld_lead, early, datetime.now(UTC))
    found = queries.applicable_open_cycles(practitioner, TODAY)
    assert [c.name for c in found] == ["Region", "Team", "PDU"]
    with app.test_request_context():
        assert len(queries.open_cycle_tasks(practitioner, TODAY)) == 3
    nobody = factories.user(team=None)
    assert queries.applicable_open_cycles(nobody, TODAY) == []


def test_an_ad_hoc_draft_joins_a_cycle_that_opens_later(
    db_session, framework, org, ld_lead, practitioner
):
    sa = services.start_self_assessment(practitioner, TODAY)
    assert sa.cycle_id is None
    cycle = services.create_cycle(
        ld_lead, name="Later", unit=org.team, opens_on=TODAY, closes_on=TODAY
    )
    _rate_everything(sa)
    services.submit(sa, datetime.now(UTC))
    assert sa.cycle_id == cycle.id
