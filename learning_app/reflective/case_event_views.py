"""Views: to be written."""

from flask import Blueprint

bp = Blueprint("case_events", __name__, url_prefix="/case-events")
