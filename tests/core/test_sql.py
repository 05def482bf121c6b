"""``among``: the rows whose id is one of a list, sent as one value on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from learning_app.core.sql import among
from learning_app.org.models import Team


def test_among_picks_exactly_the_rows_named(db_session, factories) -> None:
    pdu = factories.pdu()
    teams = [factories.team(pdu, f"Team {i}") for i in range(5)]
    db_session.flush()
    ids = [t.id for t in teams]

    def found(wanted):
        return set(db_session.scalars(select(Team.id).where(among(Team.id, wanted))))

    assert found(ids[1:4]) == set(ids[1:4])
    assert found({ids[0], ids[4], 10**6}) == {ids[0], ids[4]}
    assert found([]) == set()
    # A national page names 2,000 teams: still one value, and still exact.
    assert found(range(ids[0], ids[0] + 2000)) == set(ids)
