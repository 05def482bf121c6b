"""The leaders' oversight page: each section's figures on a hand-built unit, and access.

The unit is too small for any figure to be shown to a leader (every group is fewer than
5), so the tests of the counting itself turn suppression off (``counting``); the page
tests show what a leader sees. Suppression is tested in test_oversight_suppression.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from learning_app.accounts.constants import Grade, Role
from learning_app.analytics import oversight
from learning_app.assessments.models import LearningCycle
from learning_app.observations.models import (
    AuditAnswer,
    FocusCampaign,
    ObservationRating,
    ObservationStatus,
    ObservationType,
)
from tests.evidence_helpers import EvidenceRows

TODAY = date(2026, 11, 15)  # 2026-Q4; the last eight quarters start with 2025-Q1
AUDIT = ObservationType.CASE_AUDIT
SAFE = "safeguarding-enquiries"
ROSH = "rosh-analysis"
ENGAGE = "engagement-skills"


@dataclass
class Scenario:
    ids: dict[str, int]
    team_ids: set[int]
    team_a_ids: set[int]
    other_team_ids: set[int]
    emails: dict[str, str]


@pytest.fixture
def s(db_session, factories, published_framework) -> Scenario:
    f = factories
    pdu1 = f.pdu(name="North PDU")
    team_a, team_b = f.team(pdu1, "Team A"), f.team(pdu1, "Team B")
    pdu2 = f.pdu(name="South PDU")
    team_c = f.team(pdu2, "Team C")
    p1 = f.user(team=team_a, name="Ann Able")
    p2 = f.user(team=team_a, name="Bob Best")
    p3 = f.user(team=team_b, name="Cat Cole", grade=Grade.PSO)
    p4 = f.user(team=team_c, name="Dan Dale")
    spo1 = f.spo(team_a, name="Sam Spo")
    qdo1 = f.user(role=Role.QDO, scope=pdu1, grade=Grade.OTHER, name="Quinn Qdo")
    spo2 = f.spo(team_c, name="Sue Spo")
    leader = f.user(role=Role.LEADER, scope=pdu1, grade=Grade.OTHER, name="Lee Leader")
    ld_lead = f.user(role=Role.LD_LEAD, scope=pdu1, grade=Grade.OTHER, name="Lou Lead")
    other_leader = f.user(role=Role.LEADER, scope=pdu2, grade=Grade.OTHER)

    campaign = FocusCampaign(
        skill_slug=SAFE,
        reason="After a review",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 31),
    )
    campaign.set_unit(pdu1)
    elsewhere = FocusCampaign(
        skill_slug=SAFE,
        reason="Elsewhere",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 31),
    )
    elsewhere.set_unit(team_c)
    db_session.add_all([campaign, elsewhere])
    db_session.flush()

    e = EvidenceRows(db_session, published_framework)
    o1 = e.add_observation(
        p1,
        spo1,
        date(2026, 10, 5),
        {SAFE: 3},
        type=AUDIT,
        answers=[
            ("da_enquiries", SAFE, "yes"),
            ("oversight_sufficient", "management-oversight", "no"),
            ("child_safeguarding_enquiries", SAFE, "na"),
        ],
    )
    # Superseded by an amendment: counts nowhere.
    o1.answers.append(
        AuditAnswer(
            question_key="da_enquiries", skill_id=e.skills[SAFE].id, answer="no", superseded=True
        )
    )
    o1.ratings.append(ObservationRating(skill_id=e.skills[ROSH].id, level=1, superseded=True))
    e.add_observation(
        p2,
        qdo1,
        date(2026, 11, 1),
        {SAFE: 1, ROSH: 2},
        type=AUDIT,
        status=ObservationStatus.ACKNOWLEDGED,
        answers=[
            ("da_enquiries", SAFE, "no"),
            ("oversight_sufficient", "management-oversight", "yes"),
        ],
    )
    e.add_observation(
        p3,
        spo1,
        date(2026, 8, 1),
        {ROSH: 4},
        type=AUDIT,
        answers=[("da_enquiries", SAFE, "yes")],
    )
    # Skill not seen during the campaign: the campaign does not count Cat as observed.
    e.add_observation(
        p3,
        qdo1,
        date(2026, 10, 20),
        {SAFE: None},
        type=ObservationType.COURT_REPORT_QA,
        answers=[("court_da_enquiries", SAFE, "no")],
    )
    # Recorded for the campaign, rating another skill.
    e.add_observation(p2, spo1, date(2026, 10, 15), {ENGAGE: 2}, focus_campaign_id=campaign.id)
    # A draft, another PDU's practitioner, and a rating over a year old: none counts.
    e.add_observation(
        p1,
        spo1,
        date(2026, 10, 10),
        {SAFE: 4},
        type=AUDIT,
        status=ObservationStatus.DRAFT,
        answers=[("da_enquiries", SAFE, "yes")],
    )
    e.add_observation(
        p4,
        spo2,
        date(2026, 10, 5),
        {SAFE: 4},
        type=AUDIT,
        answers=[("da_enquiries", SAFE, "yes")],
    )
    e.add_observation(p1, spo1, date(2025, 6, 1), {ENGAGE: 4})
    # Before the eight quarters.
    e.add_observation(
        p1, spo1, date(2024, 12, 20), {}, type=AUDIT, answers=[("da_enquiries", SAFE, "no")]
    )

    cycles = {}
    for name, unit in (("Autumn PDU", pdu1), ("Team B spring", team_b), ("South", team_c)):
        cycle = LearningCycle(name=name, opens_on=date(2026, 9, 1), closes_on=date(2026, 12, 20))
        cycle.set_unit(unit)
        db_session.add(cycle)
        db_session.flush()
        cycles[name] = cycle
    for person, cycle, submitted in (
        (p1, "Autumn PDU", date(2026, 9, 10)),
        (p2, "Autumn PDU", None),
        (p3, "Team B spring", date(2026, 9, 12)),
        (p4, "South", date(2026, 9, 12)),
    ):
        sa = e.add_self_assessment(person, {SAFE: 2}, submitted)
        sa.cycle_id = cycles[cycle].id
    db_session.flush()
    return Scenario(
        ids={
            "autumn": cycles["Autumn PDU"].id,
            "spring": cycles["Team B spring"].id,
            "spo1": spo1.id,
            "qdo1": qdo1.id,
            "campaign": campaign.id,
            "team_a": team_a.id,
            "pdu1": pdu1.id,
            "pdu2": pdu2.id,
        },
        team_ids={team_a.id, team_b.id},
        team_a_ids={team_a.id},
        other_team_ids={team_c.id},
        emails={
            "leader": leader.email,
            "ld_lead": ld_lead.email,
            "p1": p1.email,
            "spo1": spo1.email,
            "qdo1": qdo1.email,
            "other_leader": other_leader.email,
        },
    )


@pytest.fixture
def counting(monkeypatch) -> None:
    """Show every figure, however few people it is about, to test what is counted."""
    monkeypatch.setattr(oversight.SmallGroups, "threshold", 1)


# The figures ------------------------------------------------------------------------------


def test_quarters_and_months() -> None:
    assert oversight.quarters_to(TODAY) == [
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
    ]
    assert oversight.quarters_to(date(2026, 2, 1), 2) == ["2025-Q4", "2026-Q1"]
    assert oversight.months_before(TODAY, 12) == date(2025, 11, 15)
    assert oversight.months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)


def test_baselines_are_the_published_rates() -> None:
    b = oversight.BASELINES
    assert b["court_child_safeguarding_enquiries"][0].percent == round(100 * 4 / 15) == 27
    assert b["court_da_enquiries"][0].percent == round(100 * 3 / 19) == 16
    assert b["oversight_sufficient"][0].percent == 100 - 74
    assert b["contingency_sufficient"][0].percent == round(100 * 34 / 93)
    assert "safeguarding_hub" not in b
    assert all(base.source for bases in b.values() for base in bases)


def test_audit_rates_by_quarter(s, counting) -> None:
    audits, court = oversight.audit_rates(s.team_ids, TODAY)
    assert audits.type == AUDIT and court.type == ObservationType.COURT_REPORT_QA
    assert audits.audits == {**dict.fromkeys(audits.quarters, 0), "2026-Q3": 1, "2026-Q4": 2}
    rates = {q.key: q.by_quarter for q in audits.questions}
    assert "safeguarding_hub" not in rates
    assert (rates["da_enquiries"]["2026-Q4"].yes, rates["da_enquiries"]["2026-Q4"].answered) == (
        1,
        2,
    )
    assert rates["da_enquiries"]["2026-Q4"].percent == 50
    assert rates["da_enquiries"]["2026-Q3"].percent == 100
    assert rates["da_enquiries"]["2025-Q1"].percent is None
    assert rates["oversight_sufficient"]["2026-Q4"].percent == 50
    # "Not applicable" is left out: nothing answered.
    assert rates["child_safeguarding_enquiries"]["2026-Q4"].answered == 0
    assert court.audits["2026-Q4"] == 1
    court_rates = {q.key: q.by_quarter for q in court.questions}
    assert court_rates["court_da_enquiries"]["2026-Q4"].percent == 0
    assert set(court_rates) == {
        "court_da_enquiries",
        "court_child_safeguarding_enquiries",
        "court_report_sufficient",
    }


def test_audit_rates_of_one_team(s, counting) -> None:
    audits, court = oversight.audit_rates(s.team_a_ids, TODAY)
    assert audits.audits["2026-Q3"] == 0 and audits.audits["2026-Q4"] == 2
    assert court.audits["2026-Q4"] == 0


def test_cycle_completion(s, counting) -> None:
    rows = {r.name: r for r in oversight.cycle_rows(s.team_ids)}
    assert set(rows) == {"Autumn PDU", "Team B spring"}
    assert (rows["Autumn PDU"].practitioners, rows["Autumn PDU"].submitted) == (3, 1)
    assert rows["Autumn PDU"].percent == 33
    assert (rows["Team B spring"].practitioners, rows["Team B spring"].submitted) == (1, 1)
    assert rows["Team B spring"].percent == 100
    (only,) = oversight.cycle_rows(s.team_a_ids)
    assert (only.name, only.practitioners, only.submitted, only.percent) == (
        "Autumn PDU",
        2,
        1,
        50,
    )
    assert oversight.cycle_rows(set()) == []


def test_campaign_coverage(s, counting) -> None:
    (row,) = oversight.campaign_rows(s.team_ids, TODAY)
    assert row.campaign_id == s.ids["campaign"]
    assert (row.practitioners, row.observed, row.percent) == (3, 2, 67)
    (row,) = oversight.campaign_rows(s.team_a_ids, TODAY)
    assert (row.practitioners, row.observed, row.percent) == (2, 2, 100)


def test_observer_moderation(s) -> None:
    rows = {r.observer_id: r for r in oversight.moderation_rows(s.team_ids, TODAY)}
    assert set(rows) == {s.ids["spo1"], s.ids["qdo1"]}
    spo, qdo = rows[s.ids["spo1"]], rows[s.ids["qdo1"]]
    # Sam: safeguarding 3, rosh 4, engagement 2. Quinn: safeguarding 1, rosh 2.
    # Skill means: safeguarding (3+1)/2 = 2, rosh (4+2)/2 = 3, engagement 2.
    assert (spo.ratings, spo.mean) == (3, 3.0)
    assert spo.unit_mean == pytest.approx(7 / 3)
    assert spo.difference == pytest.approx(2 / 3)
    assert (qdo.ratings, qdo.mean, qdo.unit_mean) == (2, 1.5, 2.5)
    assert qdo.difference == pytest.approx(-1.0)


# The page ---------------------------------------------------------------------------------

URL = "/analytics/oversight/"


def test_endpoint_name(app) -> None:
    with app.test_request_context():
        from flask import url_for

        assert url_for("analytics_oversight.index") == URL


def test_anonymous_visitors_are_sent_to_sign_in(client, s) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("who", ["p1", "spo1", "qdo1"])
def test_other_roles_are_refused(client, s, who) -> None:
    # The policy answers 404, not 403, to a role that may not use a page (DESIGN.md 2).
    client.sign_in(s.emails[who])
    client.get_page(URL, status=404)
    client.get_page(f"{URL}?unit=pdu-{s.ids['pdu1']}", status=404)


def test_a_unit_outside_the_scope_or_unknown_is_not_found(client, s) -> None:
    client.sign_in(s.emails["other_leader"])
    client.get_page(f"{URL}?unit=pdu-{s.ids['pdu1']}", status=404)
    client.get_page(f"{URL}?unit=pdu-{s.ids['pdu2']}")
    for bad in ("nonsense", "pdu-x", "pdu-99999999999999999999", "team-", "x" * 500):
        client.get_page(f"{URL}?unit={bad}", status=404)


def test_leader_sees_every_section(client, s) -> None:
    client.sign_in(s.emails["leader"])
    page = client.get_page(URL)
    # Latest opening first; the same day: the later cycle first. Each is about fewer than 5.
    assert page.table_rows("#cycles") == [
        [
            "Team B spring (Team B (team))",
            "1 September 2026 to 20 December 2026",
            "fewer than 5",
            "hidden",
            "hidden",
        ],
        [
            "Autumn PDU (North PDU (PDU))",
            "1 September 2026 to 20 December 2026",
            "fewer than 5",
            "hidden",
            "hidden",
        ],
    ]
    (campaign,) = page.table_rows("#campaigns")
    assert campaign[2:] == ["fewer than 5", "hidden", "hidden"]
    assert page.soup.select_one("#audits-case-audit") is not None
    assert page.soup.select_one("#audits-court-report-qa") is not None
    assert page.soup.select("td.govuk-table__cell--numeric")
    discussions = dict((r[0], r[1]) for r in page.table_rows("#discussions"))
    assert discussions["Signed discussion within their cadence"] == "0"
    assert discussions["Discussions overdue"] == "0"
    assert "/training/demand" in page.soup.select_one("#demand-link")["href"]


def test_unit_filter_narrows_the_page(client, s) -> None:
    client.sign_in(s.emails["leader"])
    page = client.get_page(f"{URL}?unit=team-{s.ids['team_a']}")
    assert [r[0] for r in page.table_rows("#cycles")] == ["Autumn PDU (North PDU (PDU))"]
    assert f"unit=team-{s.ids['team_a']}" in page.soup.select_one("#demand-link")["href"]


def test_ld_lead_sees_the_page_without_discussion_oversight(client, s) -> None:
    client.sign_in(s.emails["ld_lead"])
    page = client.get_page(URL)
    assert [r[2] for r in page.table_rows("#cycles")] == ["fewer than 5", "fewer than 5"]
    assert page.soup.select_one("#discussions") is None
    assert page.soup.select_one("#discussions-none") is not None


def test_observers_are_shown_a_page_at_a_time_by_name(app, client, s) -> None:
    before = app.config["OBSERVERS_PER_PAGE"]
    app.config["OBSERVERS_PER_PAGE"] = 1
    try:
        client.sign_in(s.emails["leader"])
        names = [r.name for r in oversight.moderation_rows(s.team_ids, TODAY)]
        first = client.get_page(f"{URL}?unit=pdu-{s.ids['pdu1']}")
        assert [r[0].split(" (")[0] for r in first.table_rows("#moderation")] == names[:1]
        assert "observers 1 to 1 of 2" in first.soup.select_one("#observer-count").text
        # The next page keeps the unit and comes back to the table.
        next_link = first.soup.select_one(".govuk-pagination__next a")["href"]
        assert f"unit=pdu-{s.ids['pdu1']}" in next_link and next_link.endswith("#moderation")
        second = client.get_page(next_link)
        assert [r[0].split(" (")[0] for r in second.table_rows("#moderation")] == names[1:]
        # Junk is the first page; past the end, the last.
        assert (
            client.get_page(f"{URL}?page=junk").table_rows("#moderation")[0][0].startswith(names[0])
        )
        last = client.get_page(f"{URL}?unit=pdu-{s.ids['pdu1']}&page=9")
        assert [r[0].split(" (")[0] for r in last.table_rows("#moderation")] == names[1:]
    finally:
        app.config["OBSERVERS_PER_PAGE"] = before
