"""The migrations build the schema the models describe, and take it down again."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from learning_app.extensions import db
from tests.conftest import database_url_for, is_postgres, make_test_app


def _fresh_database(tmp_path) -> str:
    """An empty database of the kind under test, apart from the suite's own."""
    url = database_url_for(str(tmp_path), name="migrations")
    if not is_postgres(url):
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_migrations"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def migration_app(tmp_path):
    app = make_test_app(_fresh_database(tmp_path))
    with app.app_context():
        yield app
        db.engine.dispose()


def test_upgrade_matches_models_and_downgrade_empties(migration_app):
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_object": migration_app.extensions["migrate"].configure_args[
                    "include_object"
                ],
            },
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ: {differences}"

    tables = set(inspect(db.engine).get_table_names())
    assert {"users", "teams", "skills", "audit_events"} <= tables

    downgrade(revision="base")
    remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()
