"""What views share about the request: who is acting, and showing a service's
refusal on a form."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from flask_login import current_user
from flask_wtf import FlaskForm

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
