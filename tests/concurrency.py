"""Helpers for the PostgreSQL race tests: an app whose engine has a connection for each
thread, a session that commits for real, and a runner that releases threads together.

These tests cannot use the rollback fixture: every thread needs its own connection and
must see what the others committed. Each test module builds and deletes its own rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from learning_app.extensions import db
from tests.conftest import is_postgres, make_test_app


@contextmanager
def app_for_threads(database_url: str, *, pool_size: int, skip_reason: str) -> Iterator[Flask]:
    """An app on the real engine with ``pool_size`` connections (skips the test with
    ``skip_reason`` unless the database is PostgreSQL). Use it from a fixture that
    depends on ``app``, so the migrations have built the schema."""
    if not is_postgres(database_url):
        pytest.skip(skip_reason)
    threaded = make_test_app(
        database_url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": pool_size, "max_overflow": 0}
    )
    yield threaded
    with threaded.app_context():
        db.engine.dispose()


def committed_session(app: Flask) -> Session:
    """A session of its own on the app's engine: what it commits, every thread sees."""
    with app.app_context():
        return Session(db.engine, expire_on_commit=False)


def run_together(app: Flask, actions: list[Callable[[], object]]) -> list[object]:
    """Run each action in its own thread and app context, released at the same moment.

    Each action commits on success; an exception is returned in place of its result.
    """
    barrier = threading.Barrier(len(actions), timeout=30)
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        with app.app_context():
            try:
                # Open the connection before the barrier, so every thread is ready to write.
                db.session.execute(select(1))
                barrier.wait()
                results[index] = action()
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported by the test
                db.session.rollback()
                results[index] = error

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    return results
