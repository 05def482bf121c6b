"""Views: to be written."""

from flask import Blueprint

bp = Blueprint("discussions", __name__, url_prefix="/discussions")
