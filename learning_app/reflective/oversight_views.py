"""Views: to be written."""

from flask import Blueprint

bp = Blueprint("oversight", __name__, url_prefix="/oversight")
