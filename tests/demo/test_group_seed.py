"""``flask seed-demo`` group reflective sessions: one to come, run by the L&D lead, and one
spo1 ran, with its attendance; invitees are those with the largest gaps on the theme."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from learning_app.core.time import london
from learning_app.demo.seed import DEFAULT_DEMO_PASSWORD, seed_demo
from learning_app.profiles.models import SkillProfileRecord
from learning_app.reflective.models import GroupInvitation, GroupSession
from learning_app.reflective.working_days import bank_holidays, is_working_day
from tests.demo.reflective_seed_helpers import seed_once, user

# A summer day, so that a time stored in the wrong zone would show an hour out.
DAY = date(2026, 7, 1)


@pytest.fixture(scope="module")
def seeded(app: Flask) -> Iterator[tuple]:
    yield from seed_once(app, DAY)


def _sessions(session) -> dict[str, GroupSession]:
    return {s.title: s for s in session.scalars(select(GroupSession))}


def test_one_session_to_come_and_one_held_with_its_attendance(seeded):
    session, summary, day = seeded
    sessions = _sessions(session)
    assert summary.created["group sessions"] == 2
    upcoming = sessions["Disguised compliance and optimism: a case clinic"]
    held = sessions["Chasing and using safeguarding enquiries"]

    assert upcoming.facilitator == user(session, "ld.lead")
    assert london(upcoming.starts_at).date() > day
    assert london(upcoming.starts_at).strftime("%H:%M") == "13:30"
    assert upcoming.attendance_recorded_at is None
    responses = [i.response for i in upcoming.invitations]
    assert {None, "accepted", "declined"} <= set(responses)
    assert sum(r == "accepted" for r in responses) <= upcoming.capacity

    assert held.facilitator == user(session, "spo1")
    assert london(held.starts_at).date() < day
    assert london(held.starts_at).strftime("%H:%M") == "10:00"
    assert held.attendance_recorded_at is not None
    assert all(i.attended is not None for i in held.invitations)
    assert any(i.attended for i in held.invitations)

    holidays = bank_holidays()
    for group in sessions.values():
        assert is_working_day(london(group.starts_at).date(), holidays)
        assert 0 < len(group.invitations) <= group.capacity


def test_invitees_have_a_gap_on_the_theme(seeded):
    session, _summary, _day = seeded
    for group in _sessions(session).values():
        for invitation in group.invitations:
            gaps = session.scalars(
                select(SkillProfileRecord.gap).where(
                    SkillProfileRecord.practitioner_id == invitation.practitioner_id,
                    SkillProfileRecord.skill_slug.in_(group.theme_skills),
                )
            )
            assert max(gaps) > 0, (group.title, invitation.practitioner.email)


def test_spo1_invites_only_their_own_team(seeded):
    session, _summary, _day = seeded
    held = _sessions(session)["Chasing and using safeguarding enquiries"]
    spo1 = user(session, "spo1")
    team_ids = {a.team_id for a in spo1.role_assignments if a.team_id}
    assert {i.practitioner.team_id for i in held.invitations} <= team_ids


def test_a_second_run_adds_no_session(seeded):
    session, _summary, day = seeded
    before = len(session.scalars(select(GroupInvitation)).all())
    again = seed_demo(DEFAULT_DEMO_PASSWORD, day)
    assert again.created["group sessions"] == 0
    assert len(session.scalars(select(GroupInvitation)).all()) == before
