"""Small pieces of SQL that the query builder does not give as they are wanted."""

from __future__ import annotations

from collections.abc import Collection

import psycopg
from psycopg.adapt import Dumper
from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.types import NullType

from learning_app.extensions import db


class _Ids(list):
    """Whole numbers (ids) to send to PostgreSQL as one ``integer[]`` value."""


class _IdsDumper(Dumper):
    """``_Ids`` as PostgreSQL's text form of an ``integer[]``, written in one join:
    psycopg's own list dumper looks at every item in turn, and a national reader's page
    sends 2,000 team ids a dozen times."""

    oid = psycopg.postgres.types["int4"].array_oid

    def dump(self, obj: _Ids) -> bytes:
        return ("{" + ",".join(map(str, map(int, obj))) + "}").encode()


psycopg.adapters.register_dumper(_Ids, _IdsDumper)


def among(column, ids: Collection[int]) -> ColumnElement[bool]:
    """``column IN ids``. On PostgreSQL it is ``column = ANY(ids)`` with the ids as one
    ``integer[]`` parameter, the same condition: a national reader's 2,000 teams or 20,000
    people are then one value to send, not thousands of parameters to render and parse."""
    ids = sorted(ids)
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, _Ids(ids), type_=NullType()))
    return column.in_(ids)
