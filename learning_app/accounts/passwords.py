"""Password hashing (argon2id) and the password rules."""

from __future__ import annotations

import re
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 200

# argon2-cffi's defaults are the RFC 9106 low-memory profile of argon2id.
_hasher = PasswordHasher()

# Verifying against this hash when the email is unknown makes a sign-in attempt take
# the same time whether or not the account exists.
_DUMMY_HASH = _hasher.hash("not a real password, used for constant-time checks")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships a ranked list of the 30,000 most common leaked passwords.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(
    password: str, *, email: str | None = None, name: str | None = None
) -> str | None:
    """Return why a new password is not acceptable, in GOV.UK wording, or None."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    common = _common_passwords()
    stem = re.sub(r"[\d\W_]+$", "", lowered)
    if lowered in common or stem in common or len(set(lowered)) <= 3:
        return "Password is too common. Choose a password that is harder to guess"
    personal = []
    if email:
        personal.append(email.split("@")[0].lower())
    if name:
        personal.extend(part.lower() for part in name.split() if len(part) >= 4)
    if any(part and part in lowered for part in personal):
        return "Password must not contain your name or email address"
    return None
