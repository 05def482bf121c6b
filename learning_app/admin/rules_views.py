"""Views: to be written."""

from flask import Blueprint

bp = Blueprint("admin_rules", __name__, url_prefix="/admin/discussion-rules")
