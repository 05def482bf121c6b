"""Helpers for the scheduling tests: fixed London days, the outbox, and a query counter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time

from sqlalchemy import event, select

from learning_app.core.time import LONDON
from learning_app.extensions import db
from learning_app.notifications.models import OutboxMessage
from learning_app.reflective.models import Discussion

# A Monday in March 2027, with no bank holiday within three weeks (London is on GMT).
MONDAY = date(2027, 3, 1)
# A Monday in June 2027 (London is on BST, an hour ahead of UTC).
SUMMER_MONDAY = date(2027, 6, 7)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A London wall-clock time as the aware UTC moment the services store."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def london_wall(moment: datetime) -> datetime:
    """A stored moment (SQLite hands it back naive, in UTC) as naive London time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON).replace(tzinfo=None)


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def discussions_of(practitioner) -> list[Discussion]:
    return list(
        db.session.scalars(
            select(Discussion)
            .where(Discussion.practitioner_id == practitioner.id)
            .order_by(Discussion.id)
        )
    )


class QueryCount:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def selects(self) -> int:
        return sum(1 for s in self.statements if s.lstrip().upper().startswith("SELECT"))


@contextmanager
def count_queries() -> Iterator[QueryCount]:
    """Count the statements sent on the test's connection."""
    counter = QueryCount()
    connection = db.session.connection()

    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        counter.statements.append(statement)

    event.listen(connection, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(connection, "before_cursor_execute", before)
