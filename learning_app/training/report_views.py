"""Training demand and impact, for L&D leads and leaders of a unit."""

from __future__ import annotations

from flask import Blueprint, render_template

from learning_app.accounts.constants import Role
from learning_app.core.policy import allow

bp = Blueprint("training_reports", __name__, url_prefix="/training")

READERS = (Role.LD_LEAD, Role.LEADER)


@bp.route("/demand")
@allow(*READERS)
def demand():
    return render_template("training/reports/demand.html")


@bp.route("/impact")
@allow(*READERS)
def impact():
    return render_template("training/reports/impact.html")
