"""Views: to be written."""

from flask import Blueprint

bp = Blueprint("capacity", __name__, url_prefix="/my-capacity")
