"""Fixtures for the email tests: a real SMTP server that the app is pointed at."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.notifications.smtp_helpers import SmtpServer, enable_job_logs, running_smtp_server


@pytest.fixture
def smtp_server(app, monkeypatch) -> Iterator[SmtpServer]:
    """A local SMTP server, with ``SMTP_URL`` set to it for the test."""
    with running_smtp_server() as server:
        monkeypatch.setitem(app.config, "SMTP_URL", server.url)
        monkeypatch.setitem(app.config, "MAIL_FROM", "Practice Learning <noreply@example.test>")
        yield server


@pytest.fixture(autouse=True)
def app_context(app, db_session) -> Iterator[None]:
    """The jobs and the sender read settings from the app, as they do in the scheduler."""
    enable_job_logs()
    with app.app_context():
        yield
