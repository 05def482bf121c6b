"""Security headers, cookies, CSRF and rate limiting, as a browser or attacker sees them."""

from __future__ import annotations

import re

from learning_app.extensions import limiter


def test_security_headers_on_every_response(client):
    for url in ("/sign-in", "/accessibility", "/no-such-page", "/health"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert re.search(r"script-src 'self' 'nonce-[\w-]+'", csp)
        assert "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        # HSTS only in production: a local http server must stay usable.
        assert "Strict-Transport-Security" not in response.headers


def test_inline_script_carries_the_nonce_of_its_response(client):
    response = client.get("/sign-in")
    nonce = re.search(r"'nonce-([\w-]+)'", response.headers["Content-Security-Policy"]).group(1)
    page = client.page(response)
    inline = [s for s in page.soup.find_all("script") if not s.get("src")]
    assert inline, "the GOV.UK template's inline script is missing"
    assert all(s.get("nonce") == nonce for s in inline)
    assert (
        client.get("/sign-in").headers["Content-Security-Policy"]
        != response.headers["Content-Security-Policy"]
    ), "a nonce must not be reused"


def test_session_cookie_flags(client, factories):
    user = factories.user()
    response = client.sign_in(user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development: http://127.0.0.1


def test_production_sets_secure_cookies_and_hsts(tmp_path, monkeypatch):
    from tests.conftest import make_test_app

    monkeypatch.setenv("APP_ENV", "production")
    app = make_test_app(f"sqlite:///{tmp_path}/prod.sqlite3")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/accessibility", base_url="https://localhost")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_post_without_csrf_token_is_refused(client, factories):
    user = factories.user()
    client.sign_in(user.email)
    response = client.post("/sign-out")
    assert response.status_code == 400
    assert client.get("/home").status_code == 200  # still signed in: nothing changed


def test_sign_in_is_rate_limited(app, client):
    app.config["SIGN_IN_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    try:
        token = client.csrf_token("/sign-in")
        statuses = [
            client.post(
                "/sign-in", data={"csrf_token": token, "email": "a@b.test", "password": "x"}
            ).status_code
            for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429]
        page = client.page(
            client.post(
                "/sign-in", data={"csrf_token": token, "email": "a@b.test", "password": "x"}
            )
        )
        assert page.h1 == "Sorry, there have been too many attempts"
        # Reading the page is not limited.
        assert client.get("/sign-in").status_code == 200
    finally:
        app.config["SIGN_IN_RATE_LIMIT"] = "10000 per minute"
        limiter.reset()
