"""Fixtures for reflective discussions: a team with its SPO (capacity set) and practitioners,
and a discussion booked straight into the table, the way the scheduling services leave it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest

from learning_app.accounts.constants import Grade
from learning_app.accounts.models import User
from learning_app.org.models import Team
from learning_app.reflective.models import (
    Discussion,
    DiscussionStatus,
    DueReason,
    SpoCapacity,
)


@dataclass
class ReflectiveTeam:
    team: Team
    spo: User
    practitioner: User  # a PO qualified under two years
    pso: User
    capacity: SpoCapacity


@pytest.fixture
def reflective_team(factories, db_session) -> ReflectiveTeam:
    """A team whose SPO holds 4 one-hour discussions a week, Monday to Thursday, 10:00-16:00."""
    team = factories.team()
    spo = factories.spo(team)
    practitioner = factories.user(team=team, grade=Grade.PO, qualified_on=date(2025, 9, 1))
    pso = factories.user(team=team, grade=Grade.PSO)
    capacity = SpoCapacity(
        spo=spo,
        sessions_per_week=4,
        weekdays="0123",
        day_starts=time(10),
        day_ends=time(16),
        slot_minutes=60,
    )
    db_session.add(capacity)
    db_session.flush()
    return ReflectiveTeam(team, spo, practitioner, pso, capacity)


def next_weekday(day: date, weekday: int) -> date:
    """The first date on or after ``day`` that falls on ``weekday`` (0 Monday)."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def make_discussion(
    session,
    practitioner: User,
    spo: User | None,
    *,
    starts_at: datetime | None = None,
    status: DiscussionStatus = DiscussionStatus.BOOKED,
    reason: DueReason = DueReason.CADENCE,
    due_on: date | None = None,
    minutes: int = 60,
    focus_skills: list[str] | None = None,
    **fields,
) -> Discussion:
    """A discussion row; booked ones need ``starts_at`` (aware UTC)."""
    if starts_at is not None and starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=UTC)
    due = due_on or (starts_at.date() if starts_at else date.today() + timedelta(days=7))
    discussion = Discussion(
        uid=f"{uuid.uuid4()}@practice-learning",
        dedupe_key=f"test:{uuid.uuid4()}",
        practitioner=practitioner,
        spo=spo,
        reason=reason.value,
        rule_code="experienced" if reason == DueReason.CADENCE else "rosh-high",
        rule_label="Regular discussion",
        focus_skills=focus_skills or [],
        earliest_on=min(due, date.today()),
        due_on=due,
        status=status.value,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes) if starts_at else None,
        **fields,
    )
    session.add(discussion)
    session.flush()
    return discussion
