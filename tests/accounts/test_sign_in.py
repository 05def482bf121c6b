"""Signing in, signing out, lockout and password changes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from learning_app.core.audit import AuditEvent
from learning_app.core.models import utcnow
from tests.factories import DEFAULT_PASSWORD


def test_sign_in_and_out(client, factories):
    user = factories.user(email="sam@example.test")
    response = client.sign_in("Sam@Example.test")
    assert response.headers["Location"].endswith("/home")
    page = client.get_page("/home")
    assert user.name in page.text
    assert "Sign out" in page.soup.select_one(".govuk-service-navigation").get_text()

    response = client.sign_out()
    assert response.status_code == 302
    banner = client.get_page(response.headers["Location"]).soup.select_one(
        ".govuk-notification-banner__heading"
    )
    assert banner.get_text(strip=True) == "You have signed out."
    assert client.get("/home").status_code == 302  # back to sign-in


def test_wrong_password_and_unknown_email_get_the_same_message(client, factories):
    factories.user(email="known@example.test")
    wrong = client.page(
        client.submit("/sign-in", {"email": "known@example.test", "password": "nope nope nope"})
    )
    unknown = client.page(
        client.submit("/sign-in", {"email": "nobody@example.test", "password": "nope nope nope"})
    )
    assert wrong.error_summary == unknown.error_summary
    assert (
        wrong.error_summary
        and "Enter a correct email address and password" in wrong.error_summary[0]
    )
    assert wrong.title.startswith("Error: ")
    # The email typed is kept; the password is not sent back.
    assert wrong.field_value("email") == "known@example.test"
    assert not wrong.field_value("password")


def test_empty_form_gets_field_errors(client):
    page = client.page(client.submit("/sign-in", {"email": "", "password": ""}))
    assert page.error_summary == ["Enter your email address", "Enter your password"]


def test_five_failures_lock_the_account_for_15_minutes(client, factories, db_session):
    user = factories.user(email="lock@example.test")
    for _ in range(5):
        client.submit("/sign-in", {"email": user.email, "password": "wrong password 123"})
    db_session.refresh(user)
    assert user.locked_until is not None
    # The right password is refused while locked, with the same message.
    page = client.page(
        client.submit("/sign-in", {"email": user.email, "password": DEFAULT_PASSWORD})
    )
    assert "Enter a correct email address and password" in page.error_summary[0]
    assert client.get("/home").status_code == 302

    # After the lockout ends, the right password works again.
    user.locked_until = utcnow() - timedelta(seconds=1)
    db_session.flush()
    client.sign_in(user.email)
    assert client.get("/home").status_code == 200
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == str(user.id))
    ).all()
    assert actions.count("sign_in.failed") == 5
    assert "sign_in.refused" in actions and "sign_in" in actions


def test_deactivated_user_cannot_sign_in_and_is_signed_out(client, factories, db_session):
    user = factories.user()
    client.sign_in(user.email)
    user.active = False
    db_session.flush()
    assert client.get("/home").status_code == 302
    page = client.page(
        client.submit("/sign-in", {"email": user.email, "password": DEFAULT_PASSWORD})
    )
    assert page.error_summary


def test_session_is_renewed_at_sign_in(client, factories):
    user = factories.user()
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.sign_in(user.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session


def test_next_only_follows_local_paths(client, factories):
    user = factories.user()
    token = client.csrf_token("/sign-in")
    response = client.post(
        "/sign-in?next=https://evil.example/",
        data={"csrf_token": token, "email": user.email, "password": DEFAULT_PASSWORD},
    )
    assert response.headers["Location"].endswith("/home")


def test_sign_in_without_csrf_token_is_refused_and_changes_nothing(client, factories, db_session):
    user = factories.user()
    response = client.post("/sign-in", data={"email": user.email, "password": "wrong password 1"})
    assert response.status_code == 400
    assert "problem with your request" in client.page(response).text
    db_session.refresh(user)
    assert user.failed_sign_in_count == 0


def test_change_password(client, make_client, factories, db_session):
    user = factories.user(name="Robin Ayers")
    client.sign_in(user.email)
    other_device = make_client()
    other_device.sign_in(user.email)

    page = client.page(
        client.submit(
            "/account/change-password",
            {"current_password": "wrong", "new_password": "short", "confirm_password": "x"},
        )
    )
    assert page.error_summary == [
        "Password must be 12 characters or more",
        "Passwords do not match",
    ]
    page = client.page(
        client.submit(
            "/account/change-password",
            {
                "current_password": "not my password",
                "new_password": "password1234",
                "confirm_password": "password1234",
            },
        )
    )
    assert "Password is too common. Choose a password that is harder to guess" in page.error_summary

    new = "a new long pass phrase 42"
    page = client.page(
        client.submit(
            "/account/change-password",
            {"current_password": "not my password", "new_password": new, "confirm_password": new},
        )
    )
    assert page.error_summary == ["Your current password is not correct"]

    response = client.submit(
        "/account/change-password",
        {"current_password": DEFAULT_PASSWORD, "new_password": new, "confirm_password": new},
    )
    assert response.status_code == 302
    assert client.get("/home").status_code == 200
    # The other session ends when the password changes.
    assert other_device.get("/home").status_code == 302
    client.sign_out()
    client.sign_in(user.email, new)


def test_a_temporary_password_must_be_changed_first(client, factories, db_session):
    user = factories.user()
    user.must_change_password = True
    db_session.flush()
    client.sign_in(user.email)
    response = client.get("/home")
    assert response.headers["Location"].endswith("/account/change-password")
    client.get_page("/accessibility")  # footer pages stay readable
    new = "my own long pass phrase 7"
    client.submit(
        "/account/change-password",
        {"current_password": DEFAULT_PASSWORD, "new_password": new, "confirm_password": new},
        status=302,
    )
    assert client.get("/home").status_code == 200
