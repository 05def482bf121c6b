"""Training demand: who needs which module, split by team and band, and cohorts needed."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from learning_app.accounts.constants import Band, Grade, Role
from learning_app.core.time import london_today
from learning_app.profiles.models import SkillProfileRecord
from learning_app.training.demand import (
    CohortSupply,
    LiveItem,
    ModuleInfo,
    PlanState,
    build_demand,
    cohorts_needed,
    demand_for,
    plan_state,
)
from learning_app.training.models import (
    Cohort,
    CohortBooking,
    DeliveryMode,
    ModuleSkill,
    PlanItem,
    PlanSource,
    PlanStatus,
    TrainingModule,
)
from learning_app.training.recommend import SkillGap
from learning_app.training.report_scope import Person

_codes = itertools.count(1)

# Pure counting --------------------------------------------------------------------------

ANNA = Person(1, "Anna", 10, "Team A", Band.EXPERIENCED)
BILL = Person(2, "Bill", 10, "Team A", Band.PSO)
CARA = Person(3, "Cara", 20, "Team B", None)
F2F = ModuleInfo(100, "PL-07", "Curiosity", "face_to_face", 2, ("professional-curiosity",))
ONLINE = ModuleInfo(200, "PL-03", "Briefings", "e_learning", None, ("victim-focus",))
GAP = SkillGap("professional-curiosity", "Curiosity", 1.5, 3, 1.5, True, False, False)


def test_build_demand_counts_by_team_and_band_and_orders_by_need() -> None:
    report = build_demand(
        [ANNA, BILL, CARA],
        [ONLINE, F2F],
        recommended={1: {"PL-07": ("professional-curiosity",)}, 3: {"PL-07": ()}},
        live_items={
            (2, 100): LiveItem("planned", PlanSource.ASSIGNED),  # assigned: needs it
            (2, 200): LiveItem("planned", PlanSource.CHOSEN),  # chosen, not recommended: no
        },
        waiting={(3, 100)},
        supply={100: CohortSupply(scheduled=1, places_free=2)},
        gaps={1: [GAP]},
    )

    [row] = report.rows  # nobody needs PL-03
    assert row.module.code == "PL-07"
    assert row.need == 3
    assert row.taken_up == 2  # Bill planned, Cara on the waiting list
    assert dict(row.by_team) == {10: 2, 20: 1}
    assert dict(row.by_band) == {Band.EXPERIENCED: 1, Band.PSO: 1, None: 1}
    assert (row.cohorts_needed, row.cohorts_to_schedule) == (2, 1)
    assert report.teams == [(10, "Team A"), (20, "Team B")]
    by_name = {n.person.name: n for n in row.needs}
    assert by_name["Anna"].gaps == (GAP,)
    assert (by_name["Anna"].recommended, by_name["Anna"].assigned) == (True, False)
    assert (by_name["Bill"].recommended, by_name["Bill"].assigned) == (False, True)
    assert [n.state for n in row.needs] == [
        PlanState.NOT_IN_PLAN,
        PlanState.PLANNED,
        PlanState.WAITING,
    ]


@pytest.mark.parametrize(
    ("need", "size", "expected"),
    [(0, 12, 0), (1, 12, 1), (12, 12, 1), (13, 12, 2), (25, 12, 3), (5, None, None), (5, 0, None)],
)
def test_cohorts_needed_rounds_up(need, size, expected) -> None:
    assert cohorts_needed(need, size) == expected


def test_cohorts_still_to_schedule_never_goes_below_zero() -> None:
    report = build_demand(
        [ANNA],
        [F2F],
        {1: {"PL-07": ()}},
        {},
        set(),
        {100: CohortSupply(scheduled=3, places_free=5)},
        {},
    )
    assert (report.rows[0].cohorts_needed, report.rows[0].cohorts_to_schedule) == (1, 0)


def test_online_modules_have_no_cohort_figures() -> None:
    report = build_demand([ANNA], [ONLINE], {1: {"PL-03": ()}}, {}, set(), {}, {})
    assert (report.rows[0].cohorts_needed, report.rows[0].cohorts_to_schedule) == (None, None)


@pytest.mark.parametrize(
    ("status", "waiting", "state"),
    [
        (None, False, PlanState.NOT_IN_PLAN),
        ("recommended", False, PlanState.SUGGESTED),
        ("planned", False, PlanState.PLANNED),
        ("planned", True, PlanState.WAITING),
        (None, True, PlanState.WAITING),
        ("booked", True, PlanState.BOOKED),
        ("booked", False, PlanState.BOOKED),
    ],
)
def test_plan_state(status, waiting, state) -> None:
    assert plan_state(status, waiting) is state
    assert state.taken_up is (state not in (PlanState.NOT_IN_PLAN, PlanState.SUGGESTED))


# From the database -------------------------------------------------------------------------


def make_module(session, mode: DeliveryMode, slug: str, size: int | None = None) -> TrainingModule:
    module = TrainingModule(
        code=f"DM-{next(_codes):03d}",
        title=f"Module on {slug}",
        description="A module for the demand tests.",
        delivery_mode=mode,
        duration_hours=3,
        provider="PDU learning team",
        cohort_size=size,
        skills=[ModuleSkill(skill_slug=slug, from_level=1, to_level=3)],
    )
    session.add(module)
    session.flush()
    return module


def give_gap(session, user, slug: str, level: float = 1.0, target: int = 3) -> None:
    session.add(
        SkillProfileRecord(
            practitioner_id=user.id,
            skill_slug=slug,
            observed_level=level,
            evidence_count=2,
            evidence_gap=False,
            level=level,
            target=target,
            gap=target - level,
            as_of=london_today(),
        )
    )
    session.flush()


def cohort(session, module, days: int, capacity: int, booked: int, cancelled: bool = False):
    starts = datetime.now(UTC) + timedelta(days=days)
    row = Cohort(
        module_id=module.id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        place="Leicester office",
        capacity=capacity,
        booked_count=booked,
        cancelled_at=datetime.now(UTC) if cancelled else None,
    )
    session.add(row)
    session.flush()
    return row


@dataclass
class Scenario:
    """PDU 1 (teams A and B) and PDU 2 (team C) of one region, with their readers."""

    region: object
    pdu1: object
    pdu2: object
    team_a: object
    team_b: object
    team_c: object
    people: dict
    f2f: TrainingModule
    online: TrainingModule
    assigned: TrainingModule
    retired: TrainingModule
    ld_lead: object
    other_lead: object
    leader: object


def build_scenario(session, factories) -> Scenario:
    """Court reports gap (face-to-face module, size 2): Anna, Bill, Ben, Olu in PDU 1 and
    Cal in PDU 2. Diversity gap (online): Pia. Case recording module assigned to Pia."""
    region = factories.region()
    pdu1, pdu2 = factories.pdu(region), factories.pdu(region)
    team_a = factories.team(pdu1, name="Alpha team")
    team_b = factories.team(pdu1, name="Beta team")
    team_c = factories.team(pdu2, name="Gamma team")
    qualified_long_ago, qualified_lately = date(2015, 6, 1), london_today() - timedelta(days=200)
    people = {
        "anna": factories.user(team=team_a, name="Anna Adams", qualified_on=qualified_long_ago),
        "bill": factories.user(team=team_a, name="=Bill Brown", grade=Grade.PSO),
        "pia": factories.user(team=team_a, name="Pia Patel", grade=Grade.PQIP),
        "ben": factories.user(team=team_b, name="Ben Bell", qualified_on=qualified_lately),
        "olu": factories.user(team=team_b, name="Olu Ojo", grade=Grade.OTHER),
        "cal": factories.user(team=team_c, name="Cal Cole", qualified_on=qualified_long_ago),
        # Not counted: inactive, or not a practitioner.
        "gone": factories.user(team=team_a, name="Gone Away", active=False),
        "spo": factories.user(
            role=Role.SPO, scope=team_a, team=team_a, grade=Grade.SPO, name="Sam Spo"
        ),
    }
    f2f = make_module(session, DeliveryMode.FACE_TO_FACE, "court-reports", size=2)
    online = make_module(session, DeliveryMode.E_LEARNING, "diversity-responsive")
    assigned = make_module(session, DeliveryMode.E_LEARNING, "case-recording")
    retired = make_module(session, DeliveryMode.E_LEARNING, "collaborative-review")
    retired.retired_at = datetime.now(UTC)
    for key in ("anna", "bill", "ben", "olu", "cal", "gone", "spo"):
        give_gap(session, people[key], "court-reports")
    give_gap(session, people["pia"], "diversity-responsive", level=2.0)

    def item(key, module, status, source=PlanSource.RECOMMENDED):
        plan_item = PlanItem(
            practitioner_id=people[key].id, module_id=module.id, status=status, source=source
        )
        session.add(plan_item)
        session.flush()
        return plan_item

    item("anna", f2f, PlanStatus.PLANNED)
    booked = item("bill", f2f, PlanStatus.BOOKED)
    item("ben", f2f, PlanStatus.PLANNED)
    item("pia", assigned, PlanStatus.PLANNED, PlanSource.ASSIGNED)
    full = cohort(session, f2f, days=20, capacity=1, booked=1)
    session.add_all(
        [
            CohortBooking(
                cohort=full,
                practitioner_id=people["bill"].id,
                status="booked",
                plan_item_id=booked.id,
            ),
            CohortBooking(cohort=full, practitioner_id=people["ben"].id, status="waiting"),
        ]
    )
    cohort(session, f2f, days=30, capacity=6, booked=0, cancelled=True)
    cohort(session, f2f, days=-30, capacity=6, booked=3)
    session.flush()
    return Scenario(
        region,
        pdu1,
        pdu2,
        team_a,
        team_b,
        team_c,
        people,
        f2f,
        online,
        assigned,
        retired,
        ld_lead=factories.user(role=Role.LD_LEAD, scope=pdu1, grade=Grade.OTHER),
        other_lead=factories.user(role=Role.LD_LEAD, scope=pdu2, grade=Grade.OTHER),
        leader=factories.user(role=Role.LEADER, scope=region, grade=Grade.OTHER),
    )


@pytest.fixture
def scenario(db_session, factories, published_framework) -> Scenario:
    return build_scenario(db_session, factories)


def test_demand_for_a_pdu(scenario) -> None:
    s = scenario
    report = demand_for({s.team_a.id, s.team_b.id}, london_today())

    assert report.practitioners == 5  # not the inactive user nor the SPO
    # Most needed first; a tie goes by code.
    assert [r.module.code for r in report.rows] == [s.f2f.code, s.online.code, s.assigned.code]
    f2f = report.row(s.f2f.code)
    assert f2f.need == 4
    assert f2f.taken_up == 3  # Anna planned, Bill booked, Ben on the waiting list
    assert dict(f2f.by_team) == {s.team_a.id: 2, s.team_b.id: 2}
    assert dict(f2f.by_band) == {Band.EXPERIENCED: 1, Band.PSO: 1, Band.NEW: 1, None: 1}
    # 4 people, cohorts of 2: 2 cohorts; 1 upcoming (the cancelled and past ones do not count).
    assert (f2f.cohorts_needed, f2f.supply.scheduled, f2f.supply.places_free) == (2, 1, 0)
    assert f2f.cohorts_to_schedule == 1
    states = {n.person.name: n.state for n in f2f.needs}
    assert states == {
        "Anna Adams": PlanState.PLANNED,
        "=Bill Brown": PlanState.BOOKED,
        "Ben Bell": PlanState.WAITING,
        "Olu Ojo": PlanState.NOT_IN_PLAN,
    }
    assigned = report.row(s.assigned.code)
    assert [(n.person.name, n.assigned, n.recommended) for n in assigned.needs] == [
        ("Pia Patel", True, False)
    ]
    assert report.row(s.retired.code) is None


def test_demand_for_one_team_and_for_nobody(scenario) -> None:
    report = demand_for({scenario.team_c.id}, london_today())
    assert [(r.module.code, r.need) for r in report.rows] == [(scenario.f2f.code, 1)]
    assert demand_for(set(), london_today()).rows == []
