"""Admin pages for API tokens: the list, issuing one, and revoking one.

A new token is shown once, on the list page right after it is issued: the view hands it to
that one page through the session (the admin's signed cookie) and takes it out again as the
page is shown. Only a digest is stored, so it can never be shown again.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for

from learning_app.accounts.constants import Role
from learning_app.accounts.services import find_user_by_email
from learning_app.admin.common import commit_and_redirect
from learning_app.admin.token_forms import IssueTokenForm
from learning_app.api import tokens
from learning_app.api.models import ApiToken
from learning_app.core.forms import ConfirmForm
from learning_app.core.policy import allow
from learning_app.core.requests import current_actor, show_refusal
from learning_app.core.time import utc_now
from learning_app.core.tokens import digest_matches
from learning_app.extensions import db

bp = Blueprint("admin_tokens", __name__, url_prefix="/admin/api-tokens")

NEW_TOKEN = "api_token"  # session key: (token id, secret) just issued, for one page view


@bp.route("/")
@allow(Role.ADMIN)
def index():
    issued = None
    token_id, secret = session.pop(NEW_TOKEN, (None, None))
    if token_id is not None:
        token = db.session.get(ApiToken, token_id)
        if token is not None and digest_matches(token.token_digest, secret):
            issued = (token, secret)
    now = utc_now()
    rows = [(t, t.status(now)) for t in tokens.tokens_newest_first()]
    return render_template("admin/tokens/index.html", rows=rows, issued=issued)


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new():
    form = IssueTokenForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is None:
            form.email.errors = [*form.email.errors, "There is no user with this email address"]
        else:
            try:
                token, secret = tokens.issue(
                    current_actor(), user, form.name.data, form.lifetime.data
                )
            except tokens.TokenError as error:
                show_refusal(form, error)
            else:
                db.session.commit()
                session[NEW_TOKEN] = (token.id, secret)
                flash(f"API token issued for {user.name}.", "success")
                return redirect(url_for(".index"))
    return render_template("admin/tokens/new.html", form=form)


@bp.route("/<int:token_id>/revoke", methods=["GET", "POST"])
@allow(Role.ADMIN)
def revoke(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if token.revoked_at is not None:
        flash("This token has already been revoked.", "info")
        return redirect(url_for(".index"))
    confirm = ConfirmForm()
    confirm.submit.label.text = "Revoke token"
    if confirm.validate_on_submit():
        tokens.revoke(current_actor(), token)
        return commit_and_redirect(
            f"The token ‘{token.name}’ for {token.user.name} has been revoked. It no longer works.",
            ".index",
        )
    return render_template("admin/tokens/revoke.html", token=token, confirm=confirm)
