"""Small groups on the oversight page: hidden alike in every view, so no subtraction gives them.

One region, three PDUs, five teams of practitioners (team: people):

- North PDU: T1 6, T2 3, T3 7 (16); Mid PDU: T4 5; South PDU: T5 2; the region 23.

A region-wide cycle, submitted by T1 4, T2 2, T3 7, T4 5, T5 1 (19 of 23). Hand-worked
suppression of its practitioners, line by line (each unit with its parts):

- T2 (3), T5 (2) and South (2) are fewer than 5;
- North's line (T1, T2, T3, North) then has one hidden figure: the smallest other, T1 (6),
  is hidden too;
- the region's line (North, Mid, South, region) has one (South): Mid (5) is hidden;
- Mid's line (T4, Mid) now has one: T4 (5) is hidden.

So the region shows 23 and North 16, T3 7; T1, T4 and Mid show "hidden", T2 and South
"fewer than 5". Were Mid shown, region 23 - North 16 - Mid 5 would give South's 2; were
T1 shown, North 16 - T1 6 - T3 7 would give T2's 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from learning_app.accounts.constants import Grade, Role
from learning_app.analytics import oversight, oversight_views
from learning_app.assessments.models import LearningCycle
from learning_app.observations.models import FocusCampaign, ObservationType
from tests.evidence_helpers import EvidenceRows

TODAY = date(2026, 11, 15)
SAFE = "safeguarding-enquiries"
SIZES = {"T1": 6, "T2": 3, "T3": 7, "T4": 5, "T5": 2}
SUBMITTED = {"T1": 4, "T2": 2, "T3": 7, "T4": 5, "T5": 1}


@dataclass
class Region:
    teams: dict[str, int]
    pdus: dict[str, set[int]]
    region: set[int]
    pdu_ids: dict[str, int]
    cycle: int
    emails: dict[str, str]


@pytest.fixture
def r(db_session, factories, published_framework, monkeypatch) -> Region:
    monkeypatch.setattr(oversight_views, "london_today", lambda: TODAY)
    f = factories
    region = f.region("East")
    north, mid, south = f.pdu(region, "North"), f.pdu(region, "Mid"), f.pdu(region, "South")
    teams = {
        "T1": f.team(north, "T1"),
        "T2": f.team(north, "T2"),
        "T3": f.team(north, "T3"),
        "T4": f.team(mid, "T4"),
        "T5": f.team(south, "T5"),
    }
    cycle = LearningCycle(name="Regional", opens_on=date(2026, 9, 1), closes_on=date(2026, 12, 20))
    cycle.set_unit(region)
    campaign = FocusCampaign(
        skill_slug=SAFE, reason="Review", starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 31)
    )
    campaign.set_unit(north)
    db_session.add_all([cycle, campaign])
    db_session.flush()
    e = EvidenceRows(db_session, published_framework)
    observer = f.spo(teams["T3"])
    for name, size in SIZES.items():
        for i in range(size):
            person = f.user(team=teams[name])
            submitted = date(2026, 9, 10) if i < SUBMITTED[name] else None
            e.add_self_assessment(person, {SAFE: 2}, submitted).cycle_id = cycle.id
            # Audits in 2026 quarter 4: five of T3 (four "yes"), one of T2 ("no").
            if (name == "T3" and i < 5) or (name == "T2" and i == 0):
                answer = "yes" if name == "T3" and i < 4 else "no"
                e.add_observation(
                    person,
                    observer,
                    date(2026, 10, 5),
                    {},
                    type=ObservationType.CASE_AUDIT,
                    answers=[("da_enquiries", SAFE, answer)],
                )
            # North's campaign: one of T1 and two of T3 observed on the skill.
            if (name == "T1" and i == 0) or (name == "T3" and i < 2):
                e.add_observation(person, observer, date(2026, 10, 20), {SAFE: 2})
    db_session.flush()
    leaders = {
        "north": f.user(role=Role.LEADER, scope=north, grade=Grade.OTHER).email,
        "region": f.user(role=Role.LEADER, scope=region, grade=Grade.OTHER).email,
        "north-and-mid": f.user(
            roles=((Role.LEADER, north), (Role.LEADER, mid)), grade=Grade.OTHER
        ).email,
    }
    ids = {k: t.id for k, t in teams.items()}
    return Region(
        teams=ids,
        pdus={
            "north": {ids["T1"], ids["T2"], ids["T3"]},
            "mid": {ids["T4"]},
            "south": {ids["T5"]},
        },
        region=set(ids.values()),
        pdu_ids={"north": north.id, "mid": mid.id, "south": south.id},
        cycle=cycle.id,
        emails=leaders,
    )


def _cycle(team_ids) -> tuple:
    (row,) = oversight.cycle_rows(team_ids)
    return (row.practitioners, row.submitted, row.percent, row.hidden)


def test_cycle_rows_hide_small_groups_and_what_would_give_them_away(r) -> None:
    t = r.teams
    assert _cycle(r.region) == (23, 19, round(100 * 19 / 23), None)
    assert _cycle(r.pdus["north"]) == (16, 13, round(100 * 13 / 16), None)
    assert _cycle({t["T3"]}) == (7, 7, 100, None)
    assert _cycle({t["T2"]}) == (None, None, None, "primary")
    assert _cycle(r.pdus["south"]) == (None, None, None, "primary")
    assert _cycle({t["T1"]}) == (None, None, None, "secondary")
    assert _cycle(r.pdus["mid"]) == (None, None, None, "secondary")
    assert _cycle({t["T4"]}) == (None, None, None, "secondary")
    # North and Mid together (a leader of both): 21 less North's 16 would give Mid's 5.
    assert _cycle(r.pdus["north"] | r.pdus["mid"]) == (None, None, None, "secondary")
    # North and South: 18 less North's 16 would give South's 2.
    assert _cycle(r.pdus["north"] | r.pdus["south"]) == (None, None, None, "secondary")
    # Mid and South: both hidden, so their sum may show (the region less North says as much).
    assert _cycle(r.pdus["mid"] | r.pdus["south"]) == (7, 6, round(100 * 6 / 7), None)


def test_campaign_rows_hide_small_groups(r) -> None:
    t = r.teams

    def coverage(team_ids):
        (row,) = oversight.campaign_rows(team_ids, TODAY)
        return (row.practitioners, row.observed, row.percent, row.hidden)

    # North: T1 6, T2 3 (fewer than 5), T3 7, so T1 hides too; 3 of 16 observed.
    assert coverage(r.pdus["north"]) == (16, 3, 19, None)
    assert coverage(r.region) == (16, 3, 19, None)
    assert coverage({t["T3"]}) == (7, 2, 29, None)
    assert coverage({t["T2"]}) == (None, None, None, "primary")
    assert coverage({t["T1"]}) == (None, None, None, "secondary")


def test_audit_rates_count_the_practitioners_audited(r) -> None:
    t = r.teams

    def da(team_ids):
        audits, _court = oversight.audit_rates(team_ids, TODAY)
        rate = next(q for q in audits.questions if q.key == "da_enquiries").by_quarter["2026-Q4"]
        return (audits.audits["2026-Q4"], rate.yes, rate.answered, rate.hidden)

    # North: six practitioners audited (four "yes"); T2's one "no" is fewer than 5, so
    # T3's five hide too (North 4 of 6 less T3 4 of 5 would give T2's answer).
    assert da(r.pdus["north"]) == (6, 4, 6, None)
    assert da(r.region) == (6, 4, 6, None)
    assert da({t["T2"]}) == (1, None, None, "primary")
    assert da({t["T3"]}) == (5, None, None, "secondary")
    # Nothing audited: nothing to hide.
    assert da({t["T1"]}) == (0, 0, 0, None)


def test_the_page_shows_fewer_than_5_and_hidden(client, r) -> None:
    client.sign_in(r.emails["north"])
    page = client.get_page(f"/analytics/oversight/?unit=team-{r.teams['T2']}")
    assert page.table_rows("#cycles")[0][2:] == ["fewer than 5", "hidden", "hidden"]
    assert page.table_rows("#campaigns")[0][2:] == ["fewer than 5", "hidden", "hidden"]
    audits = {row[0]: row for row in page.table_rows("#audits-case-audit")}
    assert audits["Audits"][-1] == "1"
    da = next(row for name, row in audits.items() if "domestic abuse" in name.lower())
    assert da[-1] == "fewer than 5"
    page = client.get_page(f"/analytics/oversight/?unit=team-{r.teams['T1']}")
    assert page.table_rows("#cycles")[0][2:] == ["hidden", "hidden", "hidden"]
    page = client.get_page("/analytics/oversight/")
    assert page.table_rows("#cycles")[0][2:] == ["16", "13", "81%"]
    assert "fewer than 5" in page.soup.select_one("#suppression-note").text


def test_a_leader_of_two_pdus_cannot_subtract_one_from_both(client, r) -> None:
    client.sign_in(r.emails["north-and-mid"])
    both = client.get_page("/analytics/oversight/").table_rows("#cycles")[0][2:]
    north = client.get_page(f"/analytics/oversight/?unit=pdu-{r.pdu_ids['north']}")
    assert both == ["hidden", "hidden", "hidden"]
    assert north.table_rows("#cycles")[0][2:] == ["16", "13", "81%"]
