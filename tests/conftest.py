"""Test fixtures: one schema built by the migrations, a rollback after every test.

The suite runs on SQLite by default and, unchanged, on PostgreSQL when
``TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.orm import scoped_session, sessionmaker

from learning_app import create_app
from learning_app.extensions import db, limiter
from learning_app.framework.models import FrameworkVersion
from tests.evidence_helpers import publish_default_framework
from tests.factories import Factories
from tests.pages import PageClient

pytest_plugins = ["tests.browser.fixtures"]


def database_url_for(tmp_dir: str, name: str = "test") -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_dir}/{name}.sqlite3"


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def reset_database(url: str) -> None:
    """Start from an empty database, so the migrations build the whole schema."""
    if is_postgres(url):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def make_test_app(url: str, **overrides) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "SIGN_IN_RATE_LIMIT": "10000 per minute",
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = PageClient
    return app


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return database_url_for(str(tmp_path_factory.mktemp("db")))


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    reset_database(database_url)
    app = make_test_app(database_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield app


class _TestScopedSession(scoped_session):
    """One session for the whole test, shared by test code and requests.

    Flask-SQLAlchemy removes the session when each app context ends; here that
    would detach the test's objects, so removal waits for the fixture.
    """

    def remove(self) -> None:  # noqa: D102
        pass

    def really_remove(self) -> None:
        super().remove()


@pytest.fixture
def db_session(app: Flask) -> Iterator[scoped_session]:
    """Run the test inside a transaction that is rolled back afterwards.

    Commits in views become savepoint releases, so a test sees what a view wrote,
    and nothing outlives the test.
    """
    with app.app_context():
        engine = db.engine
    connection = engine.connect()
    transaction = connection.begin()
    original = db.session
    session = _TestScopedSession(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=lambda: "test",
    )
    db.session = session
    limiter.reset()
    try:
        yield session
    finally:
        session.really_remove()
        db.session = original
        transaction.rollback()
        connection.close()


@pytest.fixture
def client(app: Flask, db_session) -> PageClient:
    return app.test_client()


@pytest.fixture
def make_client(app: Flask, db_session):
    """A fresh client per call, for tests that need two people at once."""
    return app.test_client


@pytest.fixture
def runner(app: Flask, db_session):
    return app.test_cli_runner()


@pytest.fixture
def factories(db_session) -> Factories:
    return Factories(db_session)


@pytest.fixture
def published_framework(db_session) -> FrameworkVersion:
    """The default skills framework (parsed once per session), loaded and published."""
    return publish_default_framework()


@pytest.fixture
def framework(published_framework) -> FrameworkVersion:
    """The name the evidence tests use for ``published_framework``."""
    return published_framework
