"""Group reflective sessions, the services: scheduling on a working day in the facilitator's
PDU, inviting practitioners whose gaps include the theme (never more than the places),
answers, cancelling and attendance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from learning_app.accounts.constants import Grade, Role
from learning_app.core.audit import AuditEvent
from learning_app.core.time import london_today, utc_now
from learning_app.extensions import db
from learning_app.notifications.models import OutboxMessage
from learning_app.reflective import group_queries as queries
from learning_app.reflective import groups
from learning_app.reflective.groups import GroupError
from learning_app.reflective.models import GroupInvitation
from tests.reflective.group_helpers import (
    DAY,
    THEME,
    at,
    build_world,
    make_session,
    next_bank_holiday,
    next_weekend_day,
)


@pytest.fixture
def world(factories, db_session, published_framework):
    return build_world(factories, db_session)


KNOWN = {"rosh-analysis", "safeguarding-enquiries", "court-reports"}


def schedule(actor, pdu, **changes):
    values = {
        "title": "Risk analysis in practice",
        "theme_skills": THEME,
        "capacity": 6,
        "starts_at": at(DAY, 10),
        "ends_at": at(DAY, 11, 30),
        "place": "Leicester office, room 2",
    }
    values.update(changes)
    return groups.schedule_session(
        actor,
        pdu,
        values["title"],
        values["theme_skills"],
        values["capacity"],
        values["starts_at"],
        values["ends_at"],
        values["place"],
        now=utc_now(),
        known_skills=KNOWN,
    )


def emails(prefix: str) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).where(OutboxMessage.dedupe_key.startswith(prefix))
    return list(db.session.scalars(stmt.order_by(OutboxMessage.id)))


def actions() -> list[str]:
    stmt = select(AuditEvent.action).where(AuditEvent.action.startswith("group_session."))
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


# Scheduling ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["spo", "qdo", "ld_lead"])
def test_facilitators_schedule_sessions_in_their_own_pdu(world, who):
    facilitator = getattr(world, who)
    assert queries.facilitator_pdus(facilitator) == [world.pdu]
    session = schedule(facilitator, world.pdu)
    assert session.pdu_id == world.pdu.id
    assert session.facilitator_id == facilitator.id
    assert (session.capacity, session.theme_skills, session.sequence) == (6, THEME, 0)
    assert session.uid.endswith("@practice-learning")
    assert actions() == ["group_session.schedule"]


def test_an_ld_lead_of_a_region_runs_sessions_for_its_pdus(world, factories):
    lead = factories.user(role=Role.LD_LEAD, scope=world.pdu.region, grade=Grade.OTHER)
    assert world.pdu in queries.facilitator_pdus(lead)
    assert schedule(lead, world.pdu).pdu_id == world.pdu.id


def test_nobody_schedules_for_a_pdu_that_is_not_theirs(world, factories):
    elsewhere = factories.pdu()
    with pytest.raises(GroupError) as refused:
        schedule(world.spo, elsewhere)
    assert (refused.value.field, refused.value.message) == (
        "pdu",
        "Select the PDU the session is for",
    )
    with pytest.raises(GroupError):
        schedule(world.ann, world.pdu)  # a practitioner is not a facilitator


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  "}, "title", "Enter a title"),
        ({"title": "x" * 201}, "title", "Title must be 200 characters or fewer"),
        ({"theme_skills": []}, "theme_skills", "Select at least one skill for the theme"),
        ({"theme_skills": ["made-up"]}, "theme_skills", "Select theme skills from the published"),
        ({"capacity": 1}, "capacity", "Number of places must be a whole number from 2 to 40"),
        ({"capacity": 41}, "capacity", "Number of places must be a whole number from 2 to 40"),
        ({"capacity": None}, "capacity", "Enter the number of places"),
        ({"starts_at": None}, "date", "Enter the date of the session"),
        ({"ends_at": at(DAY, 9)}, "end_time", "The end time must be after the start time"),
        ({"place": ""}, "place", "Enter where the session takes place"),
        (
            {"starts_at": at(london_today() - timedelta(days=1), 10)},
            "date",
            "Date of the session must be today or in the future",
        ),
        (
            {"starts_at": at(next_weekend_day(DAY), 10), "ends_at": at(next_weekend_day(DAY), 11)},
            "date",
            "Date of the session must be a working day, not a weekend or bank holiday",
        ),
    ],
)
def test_scheduling_refusals_name_the_field(world, changes, field, message):
    with pytest.raises(GroupError) as refused:
        schedule(world.spo, world.pdu, **changes)
    assert refused.value.field == field
    assert refused.value.message.startswith(message)


def test_a_bank_holiday_is_not_a_working_day(world):
    holiday = next_bank_holiday(london_today())
    if holiday is None:
        pytest.skip("no bank holiday left in the bundled data")
    with pytest.raises(GroupError) as refused:
        schedule(world.spo, world.pdu, starts_at=at(holiday, 10), ends_at=at(holiday, 11))
    assert refused.value.field == "date"


# Who can be invited ----------------------------------------------------------------------


def test_an_spo_invites_from_their_own_teams_largest_priority_gap_first(world):
    session = make_session(db.session, world.spo, world.pdu)
    found = queries.candidates(session)
    assert [c.practitioner.name for c in found] == ["Ann Able", "Bob Brown"]
    ann = found[0]
    # Risk-critical gaps weigh double: Ann's 1.5 on RoSH analysis comes first.
    assert [(g.skill, g.gap) for g in ann.gaps] == [
        ("Risk of serious harm analysis", 1.5),
        ("Safeguarding enquiries", 1.0),
    ]
    assert ann.priority == 3.0


@pytest.mark.parametrize("who", ["qdo", "ld_lead"])
def test_a_qdo_or_ld_lead_invites_from_the_whole_pdu(world, who):
    session = make_session(db.session, getattr(world, who), world.pdu)
    names = [c.practitioner.name for c in queries.candidates(session)]
    assert names == ["Ann Able", "Dan Dean", "Bob Brown"]


def test_people_without_a_gap_inactive_or_elsewhere_are_not_offered(world, factories):
    from tests.reflective.group_helpers import gap

    gone = factories.user(team=world.team, active=False, name="Gone Person")
    gap(db.session, gone, "rosh-analysis", 1.0, 3)
    elsewhere = factories.user(team=factories.team(), name="Far Away")
    gap(db.session, elsewhere, "rosh-analysis", 1.0, 3)
    session = make_session(db.session, world.qdo, world.pdu)
    names = {c.practitioner.name for c in queries.candidates(session)}
    assert names == {"Ann Able", "Bob Brown", "Dan Dean"}  # never Cat: no gap on the theme


# Inviting --------------------------------------------------------------------------------


def test_inviting_emails_each_person_once(world):
    session = make_session(db.session, world.spo, world.pdu)
    made = groups.invite(world.spo, session, [world.ann.id, world.bob.id], now=utc_now())
    assert {i.practitioner_id for i in made} == {world.ann.id, world.bob.id}
    sent = emails(f"group-invite:{session.id}:")
    assert [m.dedupe_key for m in sent] == [
        f"group-invite:{session.id}:{world.ann.id}",
        f"group-invite:{session.id}:{world.bob.id}",
    ]
    assert sent[0].to_address == world.ann.email
    assert sent[0].subject.startswith("Invitation: group reflective session on ")
    assert "Risk of serious harm analysis, Safeguarding enquiries" in sent[0].body
    assert "Sam Spo has invited you" in sent[0].body
    assert actions() == ["group_session.invite"]


def test_capacity_is_never_exceeded(world):
    session = make_session(db.session, world.qdo, world.pdu, capacity=2)
    everyone = [world.ann.id, world.bob.id, world.dan.id]
    with pytest.raises(GroupError) as refused:
        groups.invite(world.qdo, session, everyone, now=utc_now())
    assert refused.value.message == "There are 2 places left: select 2 people or fewer"
    assert queries.invited_ids(session) == set()

    groups.invite(world.qdo, session, [world.ann.id, world.bob.id], now=utc_now())
    with pytest.raises(GroupError) as refused:
        groups.invite(world.qdo, session, [world.dan.id], now=utc_now())
    assert refused.value.message == "The session is full: there are no places left"

    # A declined invitation frees its place.
    groups.respond(world.bob, session, False, now=utc_now())
    groups.invite(world.qdo, session, [world.dan.id], now=utc_now())
    assert groups.places_left(session) == 0
    with pytest.raises(GroupError) as refused:
        groups.respond(world.bob, session, True, now=utc_now())
    assert refused.value.message == "The session is full: there are no places left"


@pytest.mark.parametrize("who", ["cat", "dan", "spo"])
def test_only_people_offered_can_be_invited(world, who):
    session = make_session(db.session, world.spo, world.pdu)  # Dan is not in the SPO's teams
    with pytest.raises(GroupError) as refused:
        groups.invite(world.spo, session, [getattr(world, who).id], now=utc_now())
    assert refused.value.message == "Select people from the list"


def test_nobody_is_invited_twice(world):
    session = make_session(db.session, world.spo, world.pdu, invited=(world.ann,))
    with pytest.raises(GroupError):
        groups.invite(world.spo, session, [world.ann.id], now=utc_now())
    with pytest.raises(GroupError):
        groups.invite(world.spo, session, [], now=utc_now())


def test_only_the_facilitator_invites_and_only_before_the_start(world):
    session = make_session(db.session, world.spo, world.pdu)
    with pytest.raises(GroupError):
        groups.invite(world.qdo, session, [world.ann.id], now=utc_now())
    started = make_session(db.session, world.spo, world.pdu, starts_at=utc_now())
    with pytest.raises(GroupError) as refused:
        groups.invite(world.spo, started, [world.ann.id], now=utc_now())
    assert refused.value.message == "This session has already started"


# Answers, cancelling, attendance ----------------------------------------------------------


def test_invited_practitioners_accept_or_decline(world):
    session = make_session(db.session, world.spo, world.pdu, invited=(world.ann,))
    assert groups.respond(world.ann, session, True, now=utc_now()).response == "accepted"
    assert groups.respond(world.ann, session, False, now=utc_now()).response == "declined"
    with pytest.raises(GroupError):
        groups.respond(world.bob, session, True, now=utc_now())  # not invited
    assert actions() == ["group_session.accept", "group_session.decline"]


def test_cancelling_bumps_the_sequence_and_tells_those_holding_a_place(world):
    session = make_session(db.session, world.spo, world.pdu, invited=(world.ann, world.bob))
    groups.respond(world.bob, session, False, now=utc_now())
    groups.cancel_session(world.spo, session, now=utc_now())
    assert session.cancelled_at is not None
    assert session.sequence == 1
    sent = emails(f"group-cancel:{session.id}:")
    assert [m.recipient_id for m in sent] == [world.ann.id]
    assert sent[0].subject.startswith("Cancelled: group reflective session on ")
    with pytest.raises(GroupError) as refused:
        groups.cancel_session(world.spo, session, now=utc_now())
    assert refused.value.message == "This session has been cancelled"
    with pytest.raises(GroupError):
        groups.respond(world.ann, session, True, now=utc_now())


def test_attendance_is_recorded_after_the_start(world):
    session = make_session(db.session, world.spo, world.pdu, invited=(world.ann, world.bob))
    with pytest.raises(GroupError) as refused:
        groups.record_attendance(world.spo, session, [world.ann.id], now=utc_now())
    assert refused.value.message == "You can record attendance once the session has started"

    later = session.starts_at + timedelta(hours=2)
    groups.record_attendance(world.spo, session, [world.ann.id], now=later)
    attended = {i.practitioner_id: i.attended for i in session.invitations}
    assert attended == {world.ann.id: True, world.bob.id: False}
    assert session.attendance_recorded_at == later

    with pytest.raises(GroupError) as refused:
        groups.record_attendance(world.spo, session, [world.dan.id], now=later)
    assert refused.value.message == "Select people from the list"
    with pytest.raises(GroupError):
        groups.record_attendance(world.qdo, session, [], now=later)


def test_the_invitations_table_refuses_a_second_invitation(world):
    """The schema backs the service: one invitation per person and session."""
    from sqlalchemy.exc import IntegrityError

    session = make_session(db.session, world.spo, world.pdu, invited=(world.ann,))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(GroupInvitation(session_id=session.id, practitioner_id=world.ann.id))
        db.session.flush()
