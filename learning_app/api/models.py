"""API tokens: what lets a BI tool read the learning analysis as one user.

An admin issues a token for a named user; the token acts with that user's roles and scope
as they are on each request, so a role taken away closes the API to them too. Only a
SHA-256 digest of the secret is kept, with its last four characters to tell tokens apart.
A token expires on its date and can be revoked; neither is ever undone.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning_app.core.models import TimestampMixin
from learning_app.core.time import aware
from learning_app.extensions import db

if TYPE_CHECKING:
    from learning_app.accounts.models import User


class ApiToken(TimestampMixin, db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(4))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    def status(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if aware(self.expires_at) <= now:
            return "expired"
        return "active"
