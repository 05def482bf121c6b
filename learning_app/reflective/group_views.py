"""Views: to be written."""

from flask import Blueprint

bp = Blueprint("group_sessions", __name__, url_prefix="/group-sessions")
