"""Views: to be written."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)
