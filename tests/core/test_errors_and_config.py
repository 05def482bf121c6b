"""Error pages follow the GOV.UK patterns; configuration refuses unsafe production starts."""

from __future__ import annotations

import pytest
from flask import abort

from learning_app.config import ConfigurationError, load_config
from learning_app.core.policy import public
from tests.conftest import make_test_app


@pytest.fixture
def failing_app(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path}/errors.sqlite3", PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom/<int:code>")
    @public
    def boom(code: int):
        if code == 500:
            raise RuntimeError("something broke")
        abort(code)

    return app


@pytest.mark.parametrize(
    ("code", "heading"),
    [
        (400, "Sorry, there is a problem with your request"),
        (403, "You do not have permission to do this"),
        (404, "Page not found"),
        (413, "The file you sent is too large"),
        (429, "Sorry, there have been too many attempts"),
        (500, "Sorry, there is a problem with the service"),
    ],
)
def test_error_pages(failing_app, code, heading):
    client = failing_app.test_client()
    page = client.get_page(f"/boom/{code}", status=code)
    assert page.h1 == heading
    assert page.title.endswith(" - Practice Learning - GOV.UK")
    assert "something broke" not in page.text  # no internals leak
    assert page.soup.select_one(".govuk-phase-banner")


def test_wrong_method_gets_an_error_page_not_a_crash(client):
    response = client.delete("/sign-in")
    assert response.status_code == 405
    assert "problem with your request" in client.page(response).text


def test_production_refuses_to_start_without_secret_key_and_database(tmp_path, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY, DATABASE_URL"):
        load_config(str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        load_config(str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db/learning")
    config = load_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db/learning"
    assert config["SESSION_COOKIE_SECURE"] is True


def test_development_defaults_to_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = load_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/practice_learning.sqlite3"
    # The generated key is kept, so sessions survive a restart.
    assert load_config(str(tmp_path))["SECRET_KEY"] == config["SECRET_KEY"]


def test_health(client):
    assert client.get("/health").get_json() == {"status": "ok"}
