"""Views: to be written."""

from flask import Blueprint

bp = Blueprint("discussion_records", __name__, url_prefix="/discussions")
