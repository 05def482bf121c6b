"""Learning plans: the practitioner's own plan, and the SPO's view of their teams' plans."""

from __future__ import annotations

from flask import Blueprint, render_template

from learning_app.accounts.constants import Role
from learning_app.core.policy import allow

bp = Blueprint("plans", __name__)


@bp.route("/my-development/plan/")
@allow(Role.PRACTITIONER)
def index():
    return render_template("training/plans/index.html")


@bp.route("/my-team/plans/")
@allow(Role.SPO)
def team():
    return render_template("training/plans/team.html")
