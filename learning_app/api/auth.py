"""Who is calling the API: the holder of the bearer token, and nobody else.

The API ignores the session cookie, so a page open in a browser cannot be made to read it
for someone else, and a BI tool never needs a password. Flask-Login's request loader turns
``Authorization: Bearer pl_...`` into the token's user, with their roles as they are now.
"""

from __future__ import annotations

from flask import Request, request

from learning_app.api import tokens
from learning_app.extensions import login_manager

API_PREFIX = "/api/"


def is_api_request(req: Request | None = None) -> bool:
    return (req or request).path.startswith(API_PREFIX)


def bearer_token(req: Request) -> str | None:
    scheme, _, credentials = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


@login_manager.request_loader
def load_user_from_token(req: Request):
    if not is_api_request(req):
        return None
    secret = bearer_token(req)
    return tokens.user_for(secret) if secret else None
