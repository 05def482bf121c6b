"""Home, the footer pages and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from learning_app.core.navigation import items_for
from learning_app.core.policy import public, signed_in
from learning_app.extensions import db

bp = Blueprint("pages", __name__)


@bp.route("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    return redirect(url_for("accounts.sign_in"))


@bp.route("/home")
@signed_in
def home():
    return render_template("pages/home.html", nav_items=items_for(current_user))


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("pages/accessibility.html")


@bp.route("/cookies")
@public
def cookies():
    return render_template("pages/cookies.html")


@bp.route("/privacy")
@public
def privacy():
    return render_template("pages/privacy.html")


@bp.route("/health")
@public
def health():
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
