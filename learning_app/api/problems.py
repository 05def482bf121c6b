"""API errors as problem details (RFC 9457): a status, its title and what to do about it."""

from __future__ import annotations

from flask import Response, jsonify
from werkzeug.http import HTTP_STATUS_CODES

DETAILS = {
    400: "The request could not be understood.",
    401: "Send a current API token: Authorization: Bearer pl_...",
    404: "There is nothing here that this token can read.",
    405: "The API is read-only: use GET.",
    429: "Too many requests. Wait a minute and try again.",
    500: "Something went wrong on our side. Try again later.",
}


def problem(
    status: int,
    detail: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail or DETAILS.get(status, HTTP_STATUS_CODES.get(status, "Error")),
    }
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="Practice Learning API"'
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
