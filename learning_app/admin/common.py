"""What the admin views share: the end of a change that worked.

Who is acting and showing a refusal live in ``core.requests``; today's date in ``core.time``."""

from __future__ import annotations

from flask import flash, redirect, url_for
from werkzeug.wrappers import Response

from learning_app.extensions import db


def commit_and_redirect(message: str, endpoint: str, **values) -> Response:
    """Finish a change that worked: commit, say so in a success banner, and redirect
    (Post/Redirect/Get)."""
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(endpoint, **values))
