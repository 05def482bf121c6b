"""Secret tokens that act for a user (calendar links, API tokens): made here, kept as digests.

A token is shown to its holder once and never stored: the database keeps only its SHA-256
digest, so a copy of the database opens nothing. Looking a token up by its digest and then
comparing digests in constant time keeps timing from telling how much of a guess was right.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32
# What ``secrets.token_urlsafe(32)`` gives: 43 characters of the URL-safe alphabet.
TOKEN_CHARACTERS = r"[A-Za-z0-9_-]{43}"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def digest_matches(digest: str, token: str) -> bool:
    return hmac.compare_digest(digest, token_digest(token))
