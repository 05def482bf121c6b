"""Pages under /analytics/oversight."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("analytics_oversight", __name__, url_prefix="/analytics/oversight")
