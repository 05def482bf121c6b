"""Issuing, revoking and checking API tokens.

A token reads as ``pl_`` and 43 URL-safe characters; the prefix lets a secret scanner
recognise one pasted where it should not be. It is shown once, on the page right after
an admin issues it. Each change writes an audit event in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from learning_app.accounts.constants import Role
from learning_app.accounts.models import User
from learning_app.api.models import ApiToken
from learning_app.core import audit
from learning_app.core.time import aware, utc_now
from learning_app.core.tokens import TOKEN_CHARACTERS, digest_matches, new_token, token_digest
from learning_app.extensions import db

PREFIX = "pl_"
TOKEN_PATTERN = re.compile(PREFIX + TOKEN_CHARACTERS)
# Who a token can be for: the roles that read the learning analysis.
READER_ROLES = (Role.LD_LEAD, Role.LEADER, Role.SPO)
LIFETIMES = {"30": 30, "90": 90, "365": 365}
DEFAULT_LIFETIME = "90"
NAME_MAX = 80
# Recording each use would turn every read into a write; once in a while is enough to see
# which tokens are still in use.
USE_RECORDED_EVERY = timedelta(minutes=5)


@dataclass
class TokenError(Exception):
    """A token that cannot be issued or revoked; the message is fit to show."""

    message: str
    field: str | None = None


def can_hold_token(user: User) -> bool:
    return user.active and user.has_role(*READER_ROLES)


def issue(actor: User, user: User, name: str, lifetime: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with its secret, which is kept nowhere."""
    name = " ".join(name.split())
    if not name:
        raise TokenError("Enter what the token is for", "name")
    if len(name) > NAME_MAX:
        raise TokenError(f"What the token is for must be {NAME_MAX} characters or fewer", "name")
    if lifetime not in LIFETIMES:
        raise TokenError("Choose how long the token lasts", "lifetime")
    if not user.active:
        raise TokenError("This person's account is deactivated", "email")
    if not user.has_role(*READER_ROLES):
        raise TokenError(
            "This person is not an L&D lead, leader or SPO, so there is nothing the API "
            "would show them",
            "email",
        )
    secret = PREFIX + new_token()
    now = utc_now()
    token = ApiToken(
        user=user,
        name=name,
        token_digest=token_digest(secret),
        hint=secret[-4:],
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=LIFETIMES[lifetime]),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        actor, "api_token.issue", token, detail={"user_id": user.id, "name": name, "days": lifetime}
    )
    return token, secret


def revoke(actor: User, token: ApiToken) -> None:
    if token.revoked_at is not None:
        raise TokenError("This token has already been revoked")
    token.revoked_at = utc_now()
    token.revoked_by_id = actor.id
    db.session.flush()
    audit.record(actor, "api_token.revoke", token, detail={"user_id": token.user_id})


def tokens_newest_first() -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .options(joinedload(ApiToken.user), joinedload(ApiToken.created_by))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def user_for(secret: str, now: datetime | None = None) -> User | None:
    """The active user whose live token ``secret`` is, or None; notes when it was used."""
    if not TOKEN_PATTERN.fullmatch(secret):
        return None
    now = now or utc_now()
    token = db.session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(ApiToken.token_digest == token_digest(secret))
    )
    if token is None or not digest_matches(token.token_digest, secret):
        return None
    if token.revoked_at is not None or aware(token.expires_at) <= now:
        return None
    if not token.user.active:
        return None
    if token.last_used_at is None or aware(token.last_used_at) + USE_RECORDED_EVERY <= now:
        token.last_used_at = now
        db.session.commit()
    return token.user
