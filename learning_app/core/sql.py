"""Small pieces of SQL that the query builder does not give as they are wanted."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, any_, literal
from sqlalchemy.dialects.postgresql import ARRAY

from learning_app.extensions import db


def among(column, ids: Collection[int]) -> ColumnElement[bool]:
    """``column IN ids``. On PostgreSQL it is ``column = ANY(ids)`` with the ids as one
    array parameter, the same condition: a national reader's 2,000 teams or 20,000
    people are then one value to send, not thousands of parameters to render and parse."""
    ids = sorted(ids)
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(ids, ARRAY(column.type)))
    return column.in_(ids)
