"""Pages under /admin/api-tokens."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin_tokens", __name__, url_prefix="/admin/api-tokens")
