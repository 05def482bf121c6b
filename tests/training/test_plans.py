"""Learning plan services: each rule and refusal, the audit log, and that completing a
module never changes a stored skill profile."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Role
from learning_app.core.audit import AuditEvent
from learning_app.profiles.models import SkillProfileRecord
from learning_app.training.models import PlanItem, PlanSource, TrainingModule
from learning_app.training.plans import (
    PlanError,
    add_to_plan,
    assign,
    complete,
    decline,
    decline_recommendation,
    mark_booked,
    set_target,
)
from tests.development.evidence import Evidence, days_ago
from tests.training.test_advice import default_catalogue

TODAY = date(2026, 4, 14)


@pytest.fixture
def catalogue(db_session, published_framework):
    return default_catalogue(db_session)


@pytest.fixture
def people(factories):
    team = factories.team()
    other_team = factories.team(team.pdu)
    return {
        "team": team,
        "spo": factories.spo(team, name="Sam Senior"),
        "other_spo": factories.spo(other_team),
        "alice": factories.user(team=team, name="Alice Adams", qualified_on=date(2024, 1, 1)),
        "dan": factories.user(team=other_team, name="Dan Davies"),
    }


@pytest.fixture
def alice(people):
    return people["alice"]


def events(session, action: str) -> list[AuditEvent]:
    return list(
        session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by("id"))
    )


def added(catalogue, alice, code="PL-03", **kwargs) -> PlanItem:
    return add_to_plan(alice, catalogue[code], PlanSource.CHOSEN, None, **kwargs)


# Adding -------------------------------------------------------------------------------


def test_add_to_plan_stores_a_planned_chosen_item_and_audits_it(db_session, catalogue, alice):
    item = added(catalogue, alice, target_on=TODAY + timedelta(days=30), today=TODAY)

    assert (item.status, item.source, item.reason) == ("planned", "chosen", None)
    assert item.target_on == date(2026, 5, 14)
    [event] = events(db_session, "plan.add")
    assert (event.actor_id, event.object_id) == (alice.id, str(item.id))
    assert event.detail["module"] == "PL-03"


def test_a_recommended_item_keeps_the_reason_sentence(catalogue, alice):
    item = add_to_plan(alice, catalogue["PL-05"], "recommended", "For RoSH analysis: face-to-face.")

    assert (item.source, item.reason) == ("recommended", "For RoSH analysis: face-to-face.")


def test_a_retired_module_cannot_be_added(catalogue, alice):
    catalogue["PL-03"].retired_at = datetime.now(UTC)
    with pytest.raises(PlanError, match="PL-03 has been retired"):
        added(catalogue, alice)


def test_a_module_already_live_in_the_plan_is_refused(db_session, catalogue, alice):
    added(catalogue, alice)
    with pytest.raises(PlanError) as refused:
        added(catalogue, alice)
    assert refused.value.message == "PL-03 is already in your plan"
    assert len(events(db_session, "plan.add")) == 1


def test_a_completed_module_can_be_added_again(catalogue, alice):
    first = added(catalogue, alice)
    complete(first, alice, TODAY, 4, None, today=TODAY)

    second = added(catalogue, alice)

    assert second.id != first.id and second.status == "planned"


def test_only_an_spo_can_assign(catalogue, alice):
    with pytest.raises(PlanError, match="Only an SPO"):
        add_to_plan(alice, catalogue["PL-03"], PlanSource.ASSIGNED, None)


# Target dates and booking -------------------------------------------------------------


def test_set_target(db_session, catalogue, alice):
    item = added(catalogue, alice)
    set_target(item, alice, TODAY, today=TODAY)

    assert item.target_on == TODAY
    [event] = events(db_session, "plan.set_target")
    assert event.detail["target_on"] == "2026-04-14"


@pytest.mark.parametrize(
    ("target_on", "message"),
    [(None, "Enter a target date"), (TODAY - timedelta(days=1), "Target date must be today or")],
)
def test_set_target_refuses_bad_dates(catalogue, alice, target_on, message):
    item = added(catalogue, alice)
    with pytest.raises(PlanError, match=message) as refused:
        set_target(item, alice, target_on, today=TODAY)
    assert refused.value.field == "target_on"
    assert item.target_on is None


def test_nobody_changes_someone_elses_plan(catalogue, people):
    item = added(catalogue, people["alice"])
    for change in (
        lambda actor: set_target(item, actor, TODAY, today=TODAY),
        lambda actor: mark_booked(item, actor),
        lambda actor: complete(item, actor, TODAY, 3, None, today=TODAY),
        lambda actor: decline(item, actor, "No"),
    ):
        for actor in (people["dan"], people["spo"]):
            with pytest.raises(PlanError, match="your own learning plan"):
                change(actor)
    assert item.status == "planned"


def test_mark_booked_for_e_learning(db_session, catalogue, alice):
    item = added(catalogue, alice)
    mark_booked(item, alice)

    assert item.status == "booked"
    assert len(events(db_session, "plan.mark_booked")) == 1
    with pytest.raises(PlanError, match="already marked as booked"):
        mark_booked(item, alice)


def test_face_to_face_modules_are_booked_on_a_cohort(catalogue, alice):
    item = added(catalogue, alice, code="PL-05")
    with pytest.raises(PlanError, match="Book a place on a cohort of PL-05"):
        mark_booked(item, alice)
    assert item.status == "planned"


# Completing and declining -------------------------------------------------------------


def test_complete_records_date_usefulness_and_comment(db_session, catalogue, alice):
    item = added(catalogue, alice)
    mark_booked(item, alice)
    complete(item, alice, TODAY, 5, "  Useful for MAPPA referrals ", today=TODAY)

    assert (item.status, item.completed_on, item.usefulness) == ("completed", TODAY, 5)
    assert item.comment == "Useful for MAPPA referrals"
    [event] = events(db_session, "plan.complete")
    assert event.detail["usefulness"] == 5


@pytest.mark.parametrize(
    ("completed_on", "usefulness", "message", "field"),
    [
        (None, 3, "Enter the date you completed it", "completed_on"),
        (
            TODAY + timedelta(days=1),
            3,
            "Date completed must be today or in the past",
            "completed_on",
        ),
        (TODAY, None, "Select how useful it was", "usefulness"),
        (TODAY, 0, "Select how useful it was, from 1 to 5", "usefulness"),
        (TODAY, 6, "Select how useful it was, from 1 to 5", "usefulness"),
    ],
)
def test_complete_refuses_bad_input(catalogue, alice, completed_on, usefulness, message, field):
    item = added(catalogue, alice)
    with pytest.raises(PlanError) as refused:
        complete(item, alice, completed_on, usefulness, None, today=TODAY)
    assert (refused.value.message, refused.value.field) == (message, field)
    assert item.status == "planned" and item.completed_on is None


def test_closed_items_cannot_change(catalogue, alice):
    item = added(catalogue, alice)
    decline(item, alice, "Done elsewhere")
    for change in (
        lambda: set_target(item, alice, TODAY, today=TODAY),
        lambda: mark_booked(item, alice),
        lambda: complete(item, alice, TODAY, 3, None, today=TODAY),
        lambda: decline(item, alice, "Again"),
    ):
        with pytest.raises(PlanError, match="no longer in progress"):
            change()
    assert item.status == "declined"


def profile_rows(session, practitioner) -> list[tuple]:
    session.expire_all()
    records = session.scalars(
        select(SkillProfileRecord)
        .where(SkillProfileRecord.practitioner_id == practitioner.id)
        .order_by(SkillProfileRecord.skill_slug)
    )
    columns = SkillProfileRecord.__table__.columns.keys()
    return [tuple(getattr(r, c) for c in columns) for r in records]


def test_completing_a_module_never_changes_a_skill_profile(
    db_session,
    published_framework,
    catalogue,
    people,
):
    alice = people["alice"]
    evidence = Evidence(db_session, published_framework)
    evidence.observation(alice, people["spo"], days_ago(20), ratings={"rosh-analysis": 1})
    evidence.observation(alice, people["spo"], days_ago(40), ratings={"rosh-analysis": 1})
    before = profile_rows(db_session, alice)
    assert any(row for row in before)  # the profile is stored
    item = add_to_plan(alice, catalogue["PL-05"], PlanSource.RECOMMENDED, "For RoSH.")

    complete(item, alice, date.today(), 5, "Really helped")
    db_session.flush()

    assert profile_rows(db_session, alice) == before


def test_decline_needs_a_reason(db_session, catalogue, alice):
    item = added(catalogue, alice)
    with pytest.raises(PlanError) as refused:
        decline(item, alice, "   ")
    assert (refused.value.message, refused.value.field) == (
        "Enter why you are declining it",
        "reason",
    )

    decline(item, alice, "I did the same course last year with another provider")

    assert (item.status, item.declined_reason[:15]) == ("declined", "I did the same ")
    assert len(events(db_session, "plan.decline")) == 1


def test_decline_recommendation_stores_a_declined_recommended_item(db_session, catalogue, alice):
    item = decline_recommendation(
        alice, catalogue["PL-05"], "Not now", recommended_because="For RoSH."
    )

    assert (item.status, item.source, item.reason, item.declined_reason) == (
        "declined",
        "recommended",
        "For RoSH.",
        "Not now",
    )
    assert len(events(db_session, "plan.decline_recommendation")) == 1
    with pytest.raises(PlanError, match="Enter why"):
        decline_recommendation(alice, catalogue["PL-06"], "")


def test_decline_recommendation_is_refused_for_a_module_in_the_plan(catalogue, alice):
    added(catalogue, alice, code="PL-05")
    with pytest.raises(PlanError, match="PL-05 is already in your plan"):
        decline_recommendation(alice, catalogue["PL-05"], "Not now")


# Assigning ----------------------------------------------------------------------------


def test_the_spo_assigns_a_module_with_a_due_date(db_session, catalogue, people):
    item = assign(
        people["spo"], people["alice"], catalogue["PL-12"], TODAY, "Before MAPPA", today=TODAY
    )

    assert (item.status, item.source, item.assigned_by_id) == (
        "planned",
        "assigned",
        people["spo"].id,
    )
    assert (item.target_on, item.reason) == (TODAY, "Before MAPPA")
    [event] = events(db_session, "plan.assign")
    assert (event.actor_id, event.detail["new_item"]) == (people["spo"].id, True)


def test_assigning_a_module_already_in_the_plan_keeps_its_status(db_session, catalogue, people):
    alice = people["alice"]
    item = add_to_plan(alice, catalogue["PL-12"], PlanSource.RECOMMENDED, "For MAPPA.")
    mark_booked(item, alice)

    again = assign(
        people["spo"], alice, catalogue["PL-12"], TODAY + timedelta(days=7), "", today=TODAY
    )

    assert again.id == item.id
    assert (item.status, item.source, item.target_on) == ("booked", "assigned", date(2026, 4, 21))
    assert item.reason == "For MAPPA."
    live = db_session.scalars(select(PlanItem).where(PlanItem.practitioner_id == alice.id)).all()
    assert len(live) == 1


@pytest.mark.parametrize(
    ("who", "whom", "message"),
    [
        ("other_spo", "alice", "in your team"),
        ("spo", "dan", "in your team"),
        ("spo", "spo", "in your team"),
        ("alice", "alice", "in your team"),
    ],
)
def test_only_the_practitioners_spo_can_assign(catalogue, people, who, whom, message):
    with pytest.raises(PlanError, match=message):
        assign(people[who], people[whom], catalogue["PL-12"], TODAY, None, today=TODAY)


def test_a_practitioner_who_moved_team_is_no_longer_the_spos(db_session, catalogue, people):
    people["alice"].team_id = people["dan"].team_id
    db_session.flush()
    with pytest.raises(PlanError, match="in your team"):
        assign(people["spo"], people["alice"], catalogue["PL-12"], TODAY, None, today=TODAY)


@pytest.mark.parametrize(
    ("due_on", "message"),
    [(None, "Enter a due date"), (TODAY - timedelta(days=1), "Due date must be today or")],
)
def test_assign_refuses_bad_due_dates(catalogue, people, due_on, message):
    with pytest.raises(PlanError, match=message) as refused:
        assign(people["spo"], people["alice"], catalogue["PL-12"], due_on, None, today=TODAY)
    assert refused.value.field == "due_on"


def test_assign_refuses_a_retired_module(catalogue, people):
    module: TrainingModule = catalogue["PL-12"]
    module.retired_at = datetime.now(UTC)
    with pytest.raises(PlanError, match="retired"):
        assign(people["spo"], people["alice"], module, TODAY, None, today=TODAY)


def test_an_spo_who_is_also_a_practitioner_role_holder_is_checked_by_team(factories, catalogue):
    team = factories.team()
    spo = factories.user(roles=((Role.SPO, team), (Role.PRACTITIONER, None)), team=team)
    colleague = factories.user(team=team)
    item = assign(spo, colleague, catalogue["PL-12"], TODAY, None, today=TODAY)
    assert item.assigned_by_id == spo.id
    with pytest.raises(PlanError):
        assign(spo, spo, catalogue["PL-12"], TODAY, None, today=TODAY)


def test_two_adds_at_once_meet_the_unique_index(db_session, catalogue, alice, monkeypatch):
    added(catalogue, alice)
    # The second request read the plan before the first one wrote its item.
    monkeypatch.setattr("learning_app.training.plans.live_item", lambda *args: None)

    with pytest.raises(PlanError, match="PL-03 is already in your plan"):
        added(catalogue, alice)

    assert len(db_session.scalars(select(PlanItem)).all()) == 1
    assert len(events(db_session, "plan.add")) == 1
