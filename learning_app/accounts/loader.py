"""Flask-Login's user loader: the session holds ``"<id>:<session_version>"``.

The API does not read the session: its callers carry a token (``learning_app.api.auth``)."""

from __future__ import annotations

from learning_app.accounts.models import User
from learning_app.api.auth import is_api_request
from learning_app.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_key: str) -> User | None:
    if is_api_request():
        return None
    user_id, _, version = user_key.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
