"""Account use cases: sign-in checks, lockout and password changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from learning_app.accounts.models import User
from learning_app.accounts.passwords import hash_password, needs_rehash, verify_password
from learning_app.core import audit
from learning_app.core.models import utcnow
from learning_app.core.time import aware
from learning_app.extensions import db

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)


@dataclass(frozen=True)
class SignInResult:
    user: User | None

    @property
    def ok(self) -> bool:
        return self.user is not None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def is_locked(user: User, now: datetime | None = None) -> bool:
    return user.locked_until is not None and aware(user.locked_until) > (now or utcnow())


def authenticate(email: str, password: str, now: datetime | None = None) -> SignInResult:
    """Check an email and password, counting failures and locking after five.

    The result never says why a sign-in failed: an unknown email, a wrong password,
    a locked or a deactivated account all look the same to the person signing in.
    """
    now = now or utcnow()
    user = find_user_by_email(email)
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None:
        return SignInResult(None)
    if not user.active or is_locked(user, now):
        audit.record(user, "sign_in.refused", user, detail={"locked": is_locked(user, now)})
        return SignInResult(None)
    if not password_ok:
        user.failed_sign_in_count += 1
        detail: dict = {"failed_count": user.failed_sign_in_count}
        if user.failed_sign_in_count >= MAX_FAILED_ATTEMPTS:
            user.locked_until = now + LOCKOUT
            user.failed_sign_in_count = 0
            detail["locked_until"] = user.locked_until.isoformat()
        audit.record(user, "sign_in.failed", user, detail=detail)
        db.session.flush()
        return SignInResult(None)
    user.failed_sign_in_count = 0
    user.locked_until = None
    user.last_sign_in_at = now
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    audit.record(user, "sign_in", user)
    db.session.flush()
    return SignInResult(user)


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end every other session of this user."""
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    user.must_change_password = False
    audit.record(user, "password.change", user)
    db.session.flush()


def set_password(user: User, new_password: str, actor: User | None) -> None:
    """An operator sets a password (CLI or demo seeding)."""
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    user.failed_sign_in_count = 0
    user.locked_until = None
    audit.record(actor, "password.set", user)
    db.session.flush()
