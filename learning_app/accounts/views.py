"""Sign in, sign out and change password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from learning_app.accounts import services
from learning_app.accounts.forms import ChangePasswordForm, SignInForm
from learning_app.accounts.passwords import verify_password
from learning_app.core import audit
from learning_app.core.policy import public, signed_in
from learning_app.extensions import db, limiter

bp = Blueprint("accounts", __name__)

SIGN_IN_FAILED = (
    "Enter a correct email address and password. After 5 failed attempts, "
    "you cannot sign in for 15 minutes."
)


def _safe_next(target: str | None) -> str | None:
    """Only follow a ``next`` that stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


# Pages a user who must change their password can still reach.
_ALLOWED_BEFORE_PASSWORD_CHANGE = {
    "accounts.change_password",
    "accounts.sign_out",
    "static",
    "pages.accessibility",
    "pages.cookies",
    "pages.privacy",
    "pages.health",
}


@bp.before_app_request
def require_password_change():
    """After an admin sets a temporary password, the user must choose their own first."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in _ALLOWED_BEFORE_PASSWORD_CHANGE
    ):
        flash("Choose a new password to continue.", "info")
        return redirect(url_for("accounts.change_password"))
    return None


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if result.ok:
            # A new session at sign-in: nothing from before survives (session fixation).
            next_url = _safe_next(request.args.get("next"))
            session.clear()
            login_user(result.user)
            session.permanent = True
            return redirect(next_url or url_for("pages.home"))
        failed = True
        form.password.data = ""
    return render_template(
        "accounts/sign_in.html", form=form, failed=failed, message=SIGN_IN_FAILED
    )


@bp.route("/sign-out", methods=["POST"])
@signed_in
def sign_out():
    audit.record(current_user, "sign_out", current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/account/change-password", methods=["GET", "POST"])
@signed_in
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm(user=user)
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append("Your current password is not correct")
        else:
            services.change_password(user, form.new_password.data)
            db.session.commit()
            # Keep this session signed in with the new session version.
            login_user(user)
            flash("Your password has been changed.", "success")
            return redirect(url_for("pages.home"))
    return render_template("accounts/change_password.html", form=form)
