"""API tests use the hand-worked unit of the analytics tests, and tokens issued for its people."""

from __future__ import annotations

import pytest

from learning_app.api import tokens
from tests.analytics.conftest import unit  # noqa: F401  (fixtures)
from tests.analytics.test_heatmap_cycle import cycles  # noqa: F401


@pytest.fixture
def issue_token(factories):
    """Issue a token for a user as an admin would; returns the secret."""
    admin = factories.admin()

    def issue(user, lifetime: str = "90") -> str:
        _token, secret = tokens.issue(admin, user, "BI tool", lifetime)
        return secret

    return issue


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
