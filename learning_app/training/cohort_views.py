"""Cohorts of face-to-face modules: L&D leads schedule them, practitioners book places."""

from __future__ import annotations

from flask import Blueprint, render_template

from learning_app.core.policy import signed_in

bp = Blueprint("cohorts", __name__, url_prefix="/training/cohorts")


@bp.route("/")
@signed_in
def index():
    return render_template("training/cohorts/index.html")
