"""Seeding the demo once for a test module, in a transaction of its own that is rolled back
afterwards, and counting what it made."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from learning_app.demo.seed import DEFAULT_DEMO_PASSWORD, seed_demo
from learning_app.extensions import db
from tests.conftest import _TestScopedSession


def seed_once(app: Flask, day: date) -> Iterator[tuple]:
    """Seed the demo on ``day`` in a transaction of its own; yield (session, summary, day),
    then roll it all back. For a module-scoped fixture."""
    with app.app_context():
        engine = db.engine
    connection = engine.connect()
    transaction = connection.begin()
    original = db.session
    session = _TestScopedSession(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=lambda: "reflective-seed",
    )
    db.session = session
    try:
        with app.app_context():
            summary = seed_demo(DEFAULT_DEMO_PASSWORD, day)
            yield session, summary, day
    finally:
        session.really_remove()
        db.session = original
        transaction.rollback()
        connection.close()


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))
