"""``flask seed-demo`` reflective discussions: capacities, leave, case events, and past and
upcoming discussions with their oversight records.

Seeding takes a few seconds, so the demo is seeded once for the module on each of two days,
in a transaction rolled back afterwards, and each test reads the result.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from statistics import mean

import pytest
from flask import Flask
from sqlalchemy import select

from learning_app.accounts.constants import Band
from learning_app.accounts.models import User
from learning_app.core.personal_data import personal_data_problems
from learning_app.core.time import LONDON, london
from learning_app.demo import reflective_event_text, reflective_text
from learning_app.demo.seed import DEFAULT_DEMO_PASSWORD, seed_demo
from learning_app.notifications.models import OutboxMessage
from learning_app.observations.models import Observation, ObservationRating
from learning_app.profiles.models import SkillProfileRecord
from learning_app.reflective.models import (
    SLOT_HOLDING,
    CaseEvent,
    Discussion,
    DueReason,
    Leave,
    SpoCapacity,
)
from learning_app.reflective.services import CaseEventInput, log_case_event
from learning_app.reflective.working_days import (
    add_working_days,
    bank_holidays,
    is_working_day,
    working_days_between,
)
from tests.demo.reflective_seed_helpers import (
    capacities,
    count,
    discussions,
    leave_of,
    next_monday,
    on_leave,
    seed_once,
    strings_in,
    user,
    user_spo_id,
)

# A Friday before a bank holiday Monday, and the Friday before Christmas week.
DAYS = (date(2026, 5, 1), date(2026, 12, 18))

HOLDING = tuple(s.value for s in SLOT_HOLDING)
TABLES = (SpoCapacity, Leave, CaseEvent, Discussion, Observation, ObservationRating)


@pytest.fixture(scope="module", params=DAYS, ids=[str(d) for d in DAYS])
def seeded(app: Flask, request) -> Iterator:
    """The demo, seeded once for the module on each day; rolled back afterwards."""
    yield from seed_once(app, request.param)


@pytest.fixture
def session(seeded):
    return seeded[0]


@pytest.fixture
def today(seeded) -> date:
    return seeded[2]


# Capacity and leave -------------------------------------------------------------------------


def test_every_spo_has_a_weekly_capacity_of_one_hour_slots_from_half_past_nine(session):
    found = capacities(session)
    spos = [user(session, f"spo{n}") for n in range(1, 11)]
    assert {spo.id for spo in spos} == set(found)
    for capacity in found.values():
        assert (capacity.day_starts, capacity.day_ends) == (time(9, 30), time(16, 30))
        assert capacity.slot_minutes == 60
    usual = [c for c in found.values() if 4 <= c.sessions_per_week <= 6]
    assert sum(len(c.weekdays) in (3, 4) for c in usual) >= 7
    assert found[spos[0].id].weekdays == "01234"  # spo1: any weekday


def test_the_spo_with_the_most_trainees_has_a_small_capacity_and_their_team_is_at_risk(
    session, today
):
    small = [c for c in capacities(session).values() if c.sessions_per_week < 4]
    assert len(small) == 1
    trainees = Counter(
        u.team_id for u in session.scalars(select(User)) if u.band(today) is Band.TRAINEE
    )
    for capacity in small:
        team = capacity.spo.team_id
        assert trainees[team] == max(trainees.values())
        at_risk = discussions(
            session, Discussion.spo_id == capacity.spo_id, Discussion.at_risk_reason.is_not(None)
        )
        reasons = Counter(d.at_risk_reason for d in at_risk)
        assert reasons["over_capacity"] >= 2
        assert reasons.most_common(1)[0][0] == "over_capacity"
    unplaced = discussions(session, Discussion.status == "due")
    assert unplaced and all(d.at_risk_reason and d.spo_id for d in unplaced)
    assert all(d.starts_at is None and d.due_on <= today + timedelta(days=21) for d in unplaced)


def test_one_spo_is_on_leave_next_week_and_a_few_practitioners_have_leave(session, today):
    monday = next_monday(today)
    spells = list(session.scalars(select(Leave)))
    spo_spells = [s for s in spells if s.person.grade == "SPO"]
    away_next_week = [s for s in spo_spells if s.first_day <= monday <= s.last_day]
    assert len(away_next_week) == 1
    assert away_next_week[0].last_day >= monday + timedelta(days=4)
    assert user(session, "spo1").id not in {s.person_id for s in spo_spells}
    practitioners = {s.person_id for s in spells if s.person.grade != "SPO"}
    assert 3 <= len(practitioners) <= 8
    assert user(session, "practitioner1").id not in practitioners
    # The SPO away next week has discussions moved after it or at risk because of it.
    away = away_next_week[0].person_id
    assert not [
        d
        for d in discussions(session, Discussion.spo_id == away, Discussion.starts_at.is_not(None))
        if monday <= london(d.starts_at).date() <= monday + timedelta(days=4)
    ]


# Case events ------------------------------------------------------------------------------


def test_case_events_over_three_months_mostly_for_those_countersigning_covered(session, today):
    events = list(session.scalars(select(CaseEvent)))
    assert 40 <= len(events) <= 110
    holidays = bank_holidays()
    for event in events:
        assert today - timedelta(weeks=13) <= event.occurred_on < today
        assert is_working_day(event.occurred_on, holidays)
        assert event.logged_by_id in (event.practitioner_id, user_spo_id(session, event))
    bands = Counter(e.practitioner.band(today) for e in events)
    assert bands[Band.EXPERIENCED] < 0.25 * len(events)
    types = Counter(e.event_type for e in events)
    assert types.most_common(1)[0][0] == "rosh-high"
    assert len(types) >= 5
    rosh_high = [e for e in events if e.event_type == "rosh-high"]
    assert all(e.rosh_level in ("high", "very_high") for e in rosh_high)
    assert all(e.practitioner.band(today) is not Band.EXPERIENCED for e in rosh_high)


def test_a_third_of_case_events_have_a_reference_never_on_limited_access_cases(session):
    events = list(session.scalars(select(CaseEvent)))
    with_reference = [e for e in events if e.case_reference]
    assert 0.2 <= len(with_reference) / len(events) <= 0.45
    assert all(re.fullmatch(r"[A-Z]\d{6}", e.case_reference) for e in with_reference)
    assert not any(e.limited_access and e.case_reference for e in events)
    # A return from absence or a workload over 110% is not about a case.
    assert not any(e.case_reference for e in events if e.event_type == "return-or-workload")


def test_each_case_event_is_answered_by_one_discussion_held_soon_after(session, today):
    holidays = bank_holidays()
    events = list(session.scalars(select(CaseEvent)))
    answering = Counter(
        d.case_event_id for d in discussions(session, Discussion.reason == "case_event")
    )
    assert all(answering[e.id] == 1 for e in events)
    assert sum(answering.values()) == len(events)
    held = discussions(
        session,
        Discussion.reason == "case_event",
        Discussion.status.in_(("recorded", "signed")),
    )
    gaps = [working_days_between(d.case_event.occurred_on, d.held_on, holidays) for d in held]
    assert min(gaps) >= 1
    assert sum(gap <= 8 for gap in gaps) >= 0.9 * len(gaps)
    assert any(d.held_on > d.due_on for d in held), "a few are late"
    for d in held:
        assert d.due_on == add_working_days(d.case_event.occurred_on, 5, holidays)
        assert d.rule_code == d.case_event.event_type and d.focus_skills
        assert set(d.focus_skills) & {r.skill.slug for r in d.ratings}, "rated on the focus"
    signed = [d for d in held if d.status == "signed"]
    assert all(d.case_event.closed_on == london(d.practitioner_signed_at).date() for d in signed)
    answered = {d.case_event_id for d in signed}
    assert all(e.closed_on is None for e in events if e.id not in answered)


# Past discussions ----------------------------------------------------------------------------


def test_past_discussions_are_mostly_signed_with_some_missed_cancelled_and_waiting(session, today):
    past = [
        d
        for d in discussions(session, Discussion.starts_at.is_not(None))
        if london(d.starts_at).date() < today
    ]
    statuses = Counter(d.status for d in past)
    assert statuses["signed"] > 0.75 * len(past)
    assert 5 <= statuses["missed"] <= 0.12 * len(past)
    assert 3 <= statuses["cancelled"] <= 0.08 * len(past)
    assert 3 <= statuses["recorded"] <= 20
    assert statuses["booked"] == 1  # spo1's, waiting to be recorded
    for d in past:
        if d.status == "cancelled":
            assert d.cancel_reason and d.cancelled_at and d.cancelled_by_id and d.sequence == 1
            assert d.cancel_reason in reflective_text.CANCEL_REASONS
        if d.status == "missed":
            assert d.recorded_at is None and not d.ratings
        if d.status == "recorded":
            assert d.spo_signed_at and d.practitioner_signed_at is None
            assert d.practitioner_reflection is None and d.ratings and d.observation_id is None
    # Cadence by band: trainees meet every 2 weeks, experienced officers every 8.
    per_person = Counter(d.practitioner_id for d in past if d.reason == "cadence")
    by_band = defaultdict(list)
    for person in session.scalars(select(User).where(User.email.like("practitioner%"))):
        by_band[person.band(today)].append(per_person[person.id])
    assert mean(by_band[Band.TRAINEE]) >= 4
    assert max(by_band[Band.EXPERIENCED]) <= 2 and mean(by_band[Band.EXPERIENCED]) >= 1


def test_a_signed_discussion_is_a_full_oversight_record_and_an_observation(session):
    signed = discussions(session, Discussion.status == "signed")
    assert len(signed) > 250
    for d in signed:
        assert d.proposal and d.what_happened and d.so_what and d.now_what
        assert d.wellbeing_check and d.practitioner_reflection and d.reflective_model
        assert 2 <= len(d.ratings) <= 4
        assert all(r.level in (1, 2, 3, 4) for r in d.ratings)
        assert d.decisions and all(x.decision and x.rationale for x in d.decisions)
        assert d.actions and all(a.owner in ("practitioner", "spo") and a.due_on for a in d.actions)
        assert all(a.due_on > d.held_on for a in d.actions)
        assert d.held_on == london(d.starts_at).date()
        assert d.recorded_at <= d.practitioner_signed_at
        assert london(d.spo_signed_at).date() >= d.held_on
        observation = d.observation
        assert observation.type == "reflective_discussion"
        assert observation.status == "acknowledged"
        assert observation.practitioner_id == d.practitioner_id
        assert observation.observer_id == d.spo_id and observation.observer_role == "spo"
        assert observation.observed_on == d.held_on
        assert observation.practitioner_reflection == d.practitioner_reflection
        assert observation.details["trigger"] and observation.details["proposal"] == "yes"
        assert {(r.skill_id, r.level) for r in observation.ratings} == {
            (r.skill_id, r.level) for r in d.ratings
        }
        # As the sign-off service leaves it: the next steps, and the practitioner's actions.
        assert observation.development_points == d.now_what
        assert {(a.text, a.due_on) for a in observation.actions} == {
            (a.text, a.due_on) for a in d.actions if a.owner == "practitioner"
        }


def test_profiles_include_the_signed_discussions(session):
    latest = {}
    for d in discussions(session, Discussion.status == "signed"):
        for rating in d.ratings:
            key = (d.practitioner_id, rating.skill.slug)
            latest[key] = max(latest.get(key, d.held_on), d.held_on)
    for (practitioner_id, slug), held_on in latest.items():
        profile = session.get(SkillProfileRecord, (practitioner_id, slug))
        assert profile.latest_evidence_on >= held_on


# Every slot -----------------------------------------------------------------------------------


def test_every_slot_is_within_capacity_and_never_on_a_day_off_or_double_booked(session, today):
    holidays = bank_holidays()
    found, away = capacities(session), leave_of(session)
    placed = discussions(session, Discussion.starts_at.is_not(None))
    for d in placed:
        capacity, starts, ends = found[d.spo_id], london(d.starts_at), london(d.ends_at)
        assert str(starts.weekday()) in capacity.weekdays
        assert is_working_day(starts.date(), holidays)
        assert capacity.day_starts <= starts.time() and ends.time() <= capacity.day_ends
        assert ends - starts == timedelta(minutes=capacity.slot_minutes)
        assert not on_leave(away[d.spo_id], starts.date())
        assert not on_leave(away[d.practitioner_id], starts.date())
    holding = [d for d in placed if d.status in HOLDING]
    for person in ("spo_id", "practitioner_id"):
        diary = defaultdict(list)
        for d in holding:
            diary[getattr(d, person)].append((d.starts_at, d.ends_at))
        for meetings in diary.values():
            meetings.sort()
            assert all(a[1] <= b[0] for a, b in zip(meetings, meetings[1:], strict=False))
    weekly = Counter((d.spo_id, london(d.starts_at).isocalendar()[:2]) for d in holding)
    booked_weeks = {
        (d.spo_id, london(d.starts_at).isocalendar()[:2]) for d in holding if d.status == "booked"
    }
    for key in booked_weeks:
        assert weekly[key] <= found[key[0]].sessions_per_week, key


def test_upcoming_discussions_are_booked_over_the_next_three_weeks(session, today):
    upcoming = [
        d
        for d in discussions(session, Discussion.starts_at.is_not(None))
        if london(d.starts_at).date() >= today
    ]
    assert len(upcoming) >= 40
    assert all(d.status == "booked" for d in upcoming)
    assert all(today < london(d.starts_at).date() <= today + timedelta(days=21) for d in upcoming)
    assert sum(bool(d.practitioner_accepted_at) for d in upcoming) >= 10
    assert sum(bool(d.spo_accepted_at) for d in upcoming) >= 5
    assert any(d.proposal for d in upcoming)
    assert any(d.reason == "case_event" for d in upcoming)
    late = [d for d in upcoming if d.at_risk_reason]
    assert all(london(d.starts_at).date() > d.due_on for d in late)


def test_keys_and_calendar_uids_are_the_demos_own(session):
    everything = discussions(session)
    assert everything and all(d.dedupe_key.startswith("demo:") for d in everything)
    assert all(re.fullmatch(r"[0-9a-f-]{36}@practice-learning", d.uid) for d in everything)
    assert count(session, OutboxMessage) == 0


# What spo1's team shows --------------------------------------------------------------------------


def test_practitioner1_has_a_discussion_next_week_with_no_proposal_yet(session, today):
    first = user(session, "practitioner1")
    monday = next_monday(today)
    mine = [
        d
        for d in discussions(
            session, Discussion.practitioner_id == first.id, Discussion.status == "booked"
        )
        if monday <= london(d.starts_at).date() <= monday + timedelta(days=4)
    ]
    assert len(mine) == 1
    assert mine[0].spo_id == user(session, "spo1").id
    assert mine[0].proposal is None and mine[0].practitioner_accepted_at is None


def test_spo1_has_yesterdays_discussion_with_a_proposal_to_record(session, today):
    spo1 = user(session, "spo1")
    holidays = bank_holidays()
    last_working_day = today - timedelta(days=1)
    while not is_working_day(last_working_day, holidays):
        last_working_day -= timedelta(days=1)
    waiting = [
        d
        for d in discussions(session, Discussion.spo_id == spo1.id, Discussion.status == "booked")
        if london(d.starts_at).date() < today
    ]
    assert len(waiting) == 1
    d = waiting[0]
    assert london(d.starts_at).date() == last_working_day
    assert d.proposal and d.recorded_at is None and not d.ratings and d.held_on is None
    assert d.practitioner == user(session, "practitioner1")
    assert d.reason == DueReason.CASE_EVENT and d.case_event.event_type == "rosh-high"


def test_a_high_risk_case_event_logged_by_practitioner1_is_booked_with_spo1_in_time(session, today):
    spo1, first = user(session, "spo1"), user(session, "practitioner1")
    logged = session.begin_nested()
    try:
        _event, discussion = log_case_event(
            first,
            first,
            CaseEventInput(event_type="rosh-high", rosh_level="high", occurred_on=today),
            today=today,
            now=datetime.combine(today, time(9), tzinfo=LONDON).astimezone(UTC),
        )
        booked = (discussion.status, discussion.spo_id, discussion.at_risk_reason)
        starts_on = london(discussion.starts_at).date()
    finally:
        logged.rollback()
    assert booked == ("booked", spo1.id, None)
    assert today <= starts_on <= add_working_days(today, 5, bank_holidays())
    # And spo1's own page has nothing at risk: the free slot is real capacity.
    assert not discussions(
        session, Discussion.spo_id == spo1.id, Discussion.at_risk_reason.is_not(None)
    )


# Words, and running it again ---------------------------------------------------------------------


def test_no_discussion_text_looks_like_personal_data(session):
    texts = []
    for d in discussions(session):
        texts += [d.proposal, d.what_happened, d.so_what, d.now_what, d.wellbeing_check]
        texts += [d.practitioner_reflection, d.cancel_reason]
        texts += [x.decision for x in d.decisions] + [x.rationale for x in d.decisions]
        texts += [a.text for a in d.actions]
    for module in (reflective_text, reflective_event_text):
        texts += list(strings_in(v for k, v in vars(module).items() if k.isupper()))
    texts = [t for t in texts if t]
    assert len(texts) > 2000
    flagged = {t: personal_data_problems(t) for t in set(texts) if personal_data_problems(t)}
    assert flagged == {}


def test_seeding_again_the_same_day_or_a_month_later_adds_nothing(session, seeded, today):
    _session, first, _day = seeded
    assert first.created["discussions"] > 300 and first.created["case events"] > 30
    before = [count(session, model) for model in TABLES]
    for day in (today, today + timedelta(days=30)):
        later = session.begin_nested()
        try:
            summary = seed_demo(DEFAULT_DEMO_PASSWORD, day)
            after = [count(session, model) for model in TABLES]
        finally:
            later.rollback()
        assert not summary.changed, summary.created
        assert after == before
