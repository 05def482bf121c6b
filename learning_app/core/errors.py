"""One error handler renders ``errors/<code>.html`` for every error the service shows;
under ``/api/`` it answers with problem details in JSON instead."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from learning_app.api.auth import is_api_request
from learning_app.api.problems import problem

log = logging.getLogger(__name__)

PAGES = {400, 403, 404, 405, 413, 429, 500}


def _render(code: int):
    if is_api_request():
        return problem(code), code
    template = f"errors/{code}.html" if code in PAGES else "errors/generic.html"
    return render_template(template, code=code), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code < 400:
            return error
        response, status = _render(code)
        if code == 405 and error.valid_methods:  # type: ignore[attr-defined]
            return response, status, {"Allow": ", ".join(error.valid_methods)}
        return response, status

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        original = getattr(error, "original_exception", None)
        if original is not None:
            log.exception("Unhandled error", exc_info=original)
        from learning_app.extensions import db

        db.session.rollback()
        return _render(500)
