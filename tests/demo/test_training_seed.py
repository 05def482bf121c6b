"""``flask seed-demo`` training: cohorts, learning plans, completions and their impact.

Seeding takes a few seconds, so the module seeds once, in its own transaction that is
rolled back at the end, and each test reads the result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, timedelta
from statistics import mean

import pytest
from flask import Flask
from sqlalchemy import select

from learning_app.accounts.models import User
from learning_app.core.personal_data import personal_data_problems
from learning_app.core.time import LONDON
from learning_app.demo.seed import DEFAULT_DEMO_PASSWORD, seed_demo
from learning_app.demo.training import COMPLETED_DAYS_AGO, VENUES, comparison_day, windows
from learning_app.framework.queries import published_version
from learning_app.observations.models import Observation, ObservationRating
from learning_app.training.advice import recommendations_for
from learning_app.training.cohorts import next_cohort_on, places_left
from learning_app.training.models import (
    Cohort,
    CohortBooking,
    PlanItem,
    PlanSource,
    PlanStatus,
    TrainingModule,
)
from tests.demo.seeding import count, seed_once

TODAY = date(2026, 5, 1)  # a Friday in the second calendar quarter
QUARTER_START = date(2026, 4, 1)
# The modules whose impact the demo measures, and the skill each is measured on.
MEASURED = (("PL-05", "rosh-analysis"), ("PL-07", "professional-curiosity"))
LIVE = (PlanStatus.RECOMMENDED, PlanStatus.PLANNED, PlanStatus.BOOKED)


@pytest.fixture(scope="module")
def seeded(app: Flask) -> Iterator:
    """The demo, seeded once for the module; rolled back afterwards."""
    for session, summary, _day in seed_once(app, TODAY):
        yield session, summary


@pytest.fixture
def session(seeded):
    return seeded[0]


def user(session, local_part: str) -> User:
    return session.scalar(select(User).where(User.email == f"{local_part}@demo.test"))


def module(session, code: str) -> TrainingModule:
    return session.scalar(select(TrainingModule).where(TrainingModule.code == code))


def items(session, *where) -> list[PlanItem]:
    return list(session.scalars(select(PlanItem).where(*where).order_by(PlanItem.id)))


def london(moment):
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(LONDON)


def live_booked(session, cohort: Cohort) -> int:
    return count(
        session,
        CohortBooking,
        CohortBooking.cohort_id == cohort.id,
        CohortBooking.status == "booked",
    )


def cohorts(session) -> list[Cohort]:
    return list(session.scalars(select(Cohort).order_by(Cohort.starts_at, Cohort.id)))


# Plans -----------------------------------------------------------------------------------


def test_plans_hold_every_status_and_source_across_many_practitioners(session):
    everything = items(session)
    assert {i.status for i in everything} == {s.value for s in PlanStatus}
    assert {i.source for i in everything} == {s.value for s in PlanSource}
    assert len({i.practitioner_id for i in everything}) >= 60
    statuses = Counter(i.status for i in everything)
    assert all(statuses[s] >= 10 for s in PlanStatus), statuses


def test_each_item_reads_as_its_status_and_source_says(session):
    for item in items(session):
        if item.status == PlanStatus.COMPLETED:
            assert item.completed_on is not None and item.completed_on <= TODAY
            assert item.usefulness is None or 1 <= item.usefulness <= 5
        else:
            assert item.completed_on is None and item.usefulness is None
        if item.status == PlanStatus.DECLINED:
            assert item.declined_reason
        if item.source == PlanSource.ASSIGNED:
            spo = user(session, f"spo{_team(item.practitioner)}")
            assert item.assigned_by_id == spo.id
            assert item.target_on is not None or item.status == PlanStatus.COMPLETED
            assert item.reason
        else:
            assert item.assigned_by_id is None
    completed = items(session, PlanItem.status == PlanStatus.COMPLETED.value)
    assert any(i.comment for i in completed)
    assert Counter(i.usefulness for i in completed if i.usefulness).keys() >= {2, 3, 4, 5}


def _team(practitioner: User) -> int:
    """The number N of the practitioner's team (spoN manages it)."""
    number = int(practitioner.email.removeprefix("practitioner").split("@")[0])
    return (number - 1) // 11 + 1


def test_recommended_items_carry_the_recommendations_reason(session):
    recommended = items(session, PlanItem.source == PlanSource.RECOMMENDED.value)
    assert all(item.reason for item in recommended)
    assert any(i.reason.startswith("For Risk of serious harm analysis (now ") for i in recommended)


def test_some_planned_items_have_target_dates_and_a_few_are_overdue(session):
    planned = items(session, PlanItem.status == PlanStatus.PLANNED.value)
    with_target = [i for i in planned if i.target_on is not None]
    overdue = [i for i in with_target if i.target_on < TODAY]
    assert len(with_target) >= 10
    assert 3 <= len(overdue) < len(with_target) / 2


def test_one_live_item_per_module_in_every_plan(session):
    live = Counter((i.practitioner_id, i.module_id) for i in items(session) if i.status in LIVE)
    assert live and max(live.values()) == 1


def test_spo1s_team_shows_an_overdue_item_and_a_completion_this_quarter(session):
    team = user(session, "spo1").team
    mine = items(session, PlanItem.practitioner_id.in_([m.id for m in team_members(session, team)]))
    assert any(i.status in LIVE and i.target_on and i.target_on < TODAY for i in mine)
    assert any(i.completed_on and QUARTER_START <= i.completed_on <= TODAY for i in mine)


def team_members(session, team) -> list[User]:
    return list(session.scalars(select(User).where(User.team_id == team.id)))


# Cohorts ---------------------------------------------------------------------------------


def test_cohorts_run_on_weekdays_2_to_10_weeks_ahead_from_half_past_nine(session):
    found = cohorts(session)
    assert len(found) >= 6
    for cohort in found:
        starts = london(cohort.starts_at)
        assert timedelta(weeks=2) <= starts.date() - TODAY <= timedelta(weeks=10)
        assert starts.weekday() < 5 and (starts.hour, starts.minute) == (9, 30)
        assert london(cohort.ends_at).date() == starts.date()
        assert (london(cohort.ends_at).hour, london(cohort.ends_at).minute) <= (16, 30)
        assert cohort.place in VENUES
        assert cohort.module.delivery_mode == "face_to_face"


def test_no_cohort_is_overbooked_or_out_of_step_with_its_bookings(session):
    for cohort in cohorts(session):
        assert cohort.booked_count == live_booked(session, cohort) <= cohort.capacity


def test_one_cohort_is_full_with_a_waiting_list_and_others_are_partly_booked(session):
    open_cohorts = [c for c in cohorts(session) if c.cancelled_at is None]
    full = [c for c in open_cohorts if c.booked_count == c.capacity]
    assert len(full) == 1
    waiting = [b for b in full[0].bookings if b.status == "waiting"]
    assert 2 <= len(waiting) <= 3
    partly = [c for c in open_cohorts if 0 < c.booked_count < c.capacity]
    assert len(partly) >= 4


def test_one_cohort_is_cancelled_with_its_bookings(session):
    cancelled = [c for c in cohorts(session) if c.cancelled_at is not None]
    assert len(cancelled) == 1
    assert cancelled[0].booked_count == 0
    assert cancelled[0].bookings and {b.status for b in cancelled[0].bookings} == {"cancelled"}


def test_booked_items_are_the_places_taken_and_waiting_items_stay_planned(session):
    bookings = list(session.scalars(select(CohortBooking)))
    for booking in bookings:
        assert booking.plan_item_id is not None
        item = session.get(PlanItem, booking.plan_item_id)
        assert item.practitioner_id == booking.practitioner_id
        expected = {"booked": "booked", "waiting": "planned", "cancelled": "planned"}
        assert item.status == expected[booking.status]
    booked_items = items(session, PlanItem.status == PlanStatus.BOOKED.value)
    assert len(booked_items) == sum(b.status == "booked" for b in bookings)


# Impact ----------------------------------------------------------------------------------


def ratings(session, practitioner_id: int, skill_id: int) -> list[tuple[date, int]]:
    return list(
        session.execute(
            select(Observation.observed_on, ObservationRating.level)
            .join(ObservationRating, ObservationRating.observation_id == Observation.id)
            .where(
                Observation.practitioner_id == practitioner_id,
                Observation.status.in_(("shared", "acknowledged")),
                ObservationRating.skill_id == skill_id,
                ObservationRating.superseded.is_(False),
                ObservationRating.level.is_not(None),
            )
        )
    )


def change(session, practitioner_id: int, skill_id: int, on: date) -> float | None:
    """Mean observed level in the six months after ``on`` minus the six months before."""
    (b_from, b_to), (a_from, a_to) = windows(on)
    found = ratings(session, practitioner_id, skill_id)
    before = [level for day, level in found if b_from <= day <= b_to]
    after = [level for day, level in found if a_from <= day <= a_to]
    if not before or not after:
        return None
    return mean(after) - mean(before)


def skill_id(slug: str) -> int:
    return next(s.id for s in published_version().skills if s.slug == slug)


def with_training_observations(session, rating: int | None = None) -> set[int]:
    """People with observations the training step added (that rate skill ``rating``)."""
    statement = select(Observation.practitioner_id, Observation.details)
    if rating is not None:
        statement = statement.join(ObservationRating).where(ObservationRating.skill_id == rating)
    rows = session.execute(statement)
    return {pid for pid, details in rows if ":training-" in (details or {}).get("demo_key", "")}


@pytest.mark.parametrize(("code", "slug"), MEASURED)
def test_completers_improve_mostly_with_some_flat_or_down(session, code, slug):
    completed = items(
        session,
        PlanItem.module_id == module(session, code).id,
        PlanItem.status == PlanStatus.COMPLETED.value,
        PlanItem.completed_on <= TODAY - timedelta(days=COMPLETED_DAYS_AGO[0]),
    )
    assert len(completed) >= 8
    changes = []
    for item in completed:
        assert TODAY - item.completed_on <= timedelta(days=COMPLETED_DAYS_AGO[1])
        changes.append(change(session, item.practitioner_id, skill_id(slug), item.completed_on))
    assert None not in changes  # every completer was observed before and after
    up = [c for c in changes if 0.4 <= c <= 1.1]
    assert len(up) > len(changes) / 2
    assert [c for c in changes if c <= 0.1]  # some stay the same or drop
    assert 1 <= len([c for c in changes if c < -0.2]) <= 2


@pytest.mark.parametrize(("code", "slug"), MEASURED)
def test_people_with_the_same_gap_who_did_not_complete_mostly_stay_flat(session, code, slug):
    target = module(session, code)
    completed = {
        i.practitioner_id
        for i in items(session, PlanItem.module_id == target.id, PlanItem.status == "completed")
    }
    completers = [
        i.completed_on
        for i in items(session, PlanItem.module_id == target.id, PlanItem.status == "completed")
        if i.completed_on <= TODAY - timedelta(days=COMPLETED_DAYS_AGO[0])
    ]
    centre = comparison_day(completers)
    sid = skill_id(slug)
    comparison = []
    for pid in with_training_observations(session, rating=sid) - completed:
        found = change(session, pid, sid, centre)
        before = [lv for day, lv in ratings(session, pid, sid) if day < centre]
        if found is not None and before and mean(before) < 3:  # the same gap
            comparison.append(found)
    assert len(comparison) >= 5
    flat = [c for c in comparison if abs(c) <= 0.25]
    assert len(flat) > len(comparison) / 2


def test_one_measured_module_is_face_to_face_on_a_risk_critical_skill(session):
    rosh = module(session, "PL-05")
    assert rosh.delivery_mode == "face_to_face"
    assert "rosh-analysis" in {s.skill_slug for s in rosh.skills}
    assert next(s for s in published_version().skills if s.slug == "rosh-analysis").risk_critical


# practitioner1 -----------------------------------------------------------------------------


def test_practitioner1_has_no_plan_and_no_bookings_or_added_evidence(session):
    first = user(session, "practitioner1")
    assert count(session, PlanItem, PlanItem.practitioner_id == first.id) == 0
    assert count(session, CohortBooking, CohortBooking.practitioner_id == first.id) == 0
    assert first.id not in with_training_observations(session)


def test_practitioner1_can_book_the_next_cohort_of_each_face_to_face_recommendation(session):
    first = user(session, "practitioner1")
    codes = [r.module_code for r in recommendations_for(first.id, TODAY).items]
    face_to_face = [c for c in codes if module(session, c).delivery_mode == "face_to_face"]
    assert {"PL-04", "PL-05", "PL-07"} <= set(face_to_face)
    for code in face_to_face:
        cohort = next_cohort_on(module(session, code), TODAY)
        assert cohort is not None and places_left(cohort) > 0, code


# Safety and idempotence --------------------------------------------------------------------


def test_the_training_demo_holds_no_personal_data(session):
    texts = []
    for item in items(session):
        texts += [item.reason, item.comment, item.declined_reason]
    texts += [c.place for c in cohorts(session)]
    for observation in session.scalars(select(Observation)):
        if ":training-" in (observation.details or {}).get("demo_key", ""):
            texts += [observation.strengths, observation.development_points]
            assert observation.case_reference is None
    problems = {t: personal_data_problems(t) for t in texts if t and personal_data_problems(t)}
    assert problems == {}


def test_seeding_again_adds_no_training_rows(session, seeded):
    models = (PlanItem, Cohort, CohortBooking, Observation, ObservationRating)
    before = [count(session, model) for model in models]
    again = seed_demo(DEFAULT_DEMO_PASSWORD, TODAY)
    assert not again.changed
    assert [count(session, model) for model in models] == before


def test_the_first_run_said_what_it_made(seeded):
    created = seeded[1].created
    assert created["cohorts"] >= 6
    assert created["plan items"] >= 200
    assert created["cohort bookings"] >= 40
