"""What views share about the request: who is acting, and showing a service's
refusal on a form."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from flask import Request
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

if TYPE_CHECKING:
    from learning_app.accounts.models import User


class Refusal(Protocol):
    """A service's refusal: a message for the user, and the field it is about (if any)."""

    message: str
    field: str | None


def current_actor() -> User:
    """The signed-in user, for services that take the actor explicitly."""
    return current_user._get_current_object()


def show_refusal(form: FlaskForm, error: Refusal) -> None:
    """Show a refusal against its field, or against the form's first question."""
    field = form[error.field] if error.field and error.field in form else None
    if field is None:
        field = next(f for f in form if f.type not in ("CSRFTokenField", "SubmitField"))
    field.errors = [*field.errors, error.message]


# Submitted text -------------------------------------------------------------------------


def _without_nul(text: object) -> object:
    return text.replace("\x00", "") if isinstance(text, str) else text


class TextParameters(ImmutableMultiDict):
    """Form fields and query parameters, with NUL characters taken out.

    Nobody types a NUL, but a crafted request can send one, and PostgreSQL refuses it in text
    columns: taking it out here keeps every form's own validation in charge of the rest."""

    def __init__(self, mapping=None) -> None:  # noqa: D107
        if mapping is None:
            super().__init__()
            return
        if isinstance(mapping, MultiDict):
            pairs = mapping.items(multi=True)
        elif isinstance(mapping, dict):
            pairs = (
                (key, item)
                for key, value in mapping.items()
                for item in (value if isinstance(value, list | tuple) else [value])
            )
        else:
            pairs = mapping
        super().__init__([(_without_nul(k), _without_nul(v)) for k, v in pairs])


class ServiceRequest(Request):
    parameter_storage_class = TextParameters
