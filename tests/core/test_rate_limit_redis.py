"""With RATELIMIT_STORAGE_URI set, sign-in counters live in Redis, shared by every worker."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


def test_sign_in_limit_is_shared_through_redis(tmp_path):
    redis = _redis()
    redis.flushdb()
    # Two separate processes stand in for two web workers behind a load balancer.
    script = textwrap.dedent(
        f"""
        import sys
        from flask_migrate import upgrade
        from tests.conftest import make_test_app
        app = make_test_app("sqlite:///{tmp_path}/redis.sqlite3", WTF_CSRF_ENABLED=False,
                            SIGN_IN_RATE_LIMIT="3 per minute",
                            RATELIMIT_STORAGE_URI="{REDIS_URL}")
        with app.app_context():
            upgrade()
        client = app.test_client()
        codes = [client.post("/sign-in", data={{"email": "x@y.test", "password": "p"}},
                             environ_base={{"REMOTE_ADDR": "203.0.113.9"}}).status_code
                 for _ in range(int(sys.argv[1]))]
        print(" ".join(map(str, codes)))
        """
    )
    run = lambda n: subprocess.run(  # noqa: E731
        [sys.executable, "-c", script, str(n)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "SECRET_KEY": uuid.uuid4().hex},
    ).stdout.split()
    assert run(2) == ["200", "200"]
    assert run(2) == ["200", "429"]
    assert any(b"LIMITS" in key or b"LIMITER" in key for key in redis.keys("*"))
    redis.flushdb()
