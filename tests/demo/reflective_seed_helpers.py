"""Helpers for the reflective demo's tests: seeding it once in a transaction of its own, and
reading what it made."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select

from learning_app.accounts.models import User
from learning_app.demo import reflective_text
from learning_app.reflective.models import CaseEvent, Discussion, Leave, SpoCapacity
from tests.demo.seeding import count, seed_once  # noqa: F401  (used by the tests)

DAYS = (date(2026, 5, 1), date(2026, 12, 18))


def user(session, local_part: str) -> User:
    return session.scalar(select(User).where(User.email == f"{local_part}@demo.test"))


def discussions(session, *where) -> list[Discussion]:
    return list(session.scalars(select(Discussion).where(*where).order_by(Discussion.id)))


def capacities(session) -> dict[int, SpoCapacity]:
    return {c.spo_id: c for c in session.scalars(select(SpoCapacity))}


def leave_of(session) -> dict[int, list[Leave]]:
    found = defaultdict(list)
    for spell in session.scalars(select(Leave)):
        found[spell.person_id].append(spell)
    return found


def on_leave(spells: list[Leave], day: date) -> bool:
    return any(spell.first_day <= day <= spell.last_day for spell in spells)


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def user_spo_id(session, event: CaseEvent) -> int:
    team = event.practitioner.team_id
    return next(
        u.id for u in session.scalars(select(User).where(User.grade == "SPO", User.team_id == team))
    )


def strings_in(values) -> Iterator[str]:
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from strings_in(value.values())
        elif isinstance(value, (list, tuple)):
            yield from strings_in(value)
        elif isinstance(value, reflective_text.Story):
            yield from strings_in(vars(value).values())
