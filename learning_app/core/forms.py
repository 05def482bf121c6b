"""Form pieces shared by every area: a GOV.UK date field, input filters, a validator
refusing HTML, select choices with a placeholder, and a confirmation button."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, time
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput
from wtforms import DateField, Field, Form, SelectChoice, SubmitField
from wtforms.validators import ValidationError

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")

# Filters ----------------------------------------------------------------------------


def collapse_spaces(value: Any) -> Any:
    """Names: no outer whitespace, and single spaces inside."""
    return " ".join(value.split()) if isinstance(value, str) else value


def strip_spaces(value: Any) -> Any:
    """No outer whitespace; what is inside is kept as typed."""
    return value.strip() if isinstance(value, str) else value


def tidy_text(value: Any) -> Any:
    """Longer text: no outer whitespace, and line breaks stored as LF.

    Browsers send textarea line breaks as CRLF; stored as LF, paragraphs split cleanly.
    """
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def int_or_none(value: Any) -> int | None:
    """Coerce a submitted id; anything that is not a number becomes "nothing chosen"."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Validators -------------------------------------------------------------------------


class NoMarkup:
    """Refuse HTML tags in free text: the service shows text as typed, never as HTML."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, form: Form, field: Field) -> None:
        match = _TAG.search(field.data or "")
        if match:
            raise ValidationError(f"{self.name} must not include HTML, like {match.group(0)[:20]}")


# Choices ----------------------------------------------------------------------------


def select_choices(
    placeholder: str | None, options: Iterable[tuple[Any, str]]
) -> list[SelectChoice]:
    """Choices for a select: a blank ``placeholder`` first (unless None), then
    ``(value, label)`` options with their values as text."""
    head = [SelectChoice("", placeholder)] if placeholder is not None else []
    return head + [SelectChoice(str(value), label) for value, label in options]


# Fields and forms -------------------------------------------------------------------


def hh_mm(value: time | None) -> str:
    """A stored time as a time field shows it for changing: "09:30"."""
    return f"{value:%H:%M}" if value is not None else ""


class GovDateField(DateField):
    """A GOV.UK day/month/year date that never crashes on a partial or odd POST.

    The widget needs exactly three parts, so whatever arrives is padded or cut to
    three, and each problem gets the GOV.UK wording. Blank is allowed unless
    ``required_message`` is given. ``error_name`` is how messages name the date
    ("Date they qualified", not the label's "... (optional)"); ``missing_joiner``
    joins the missing parts ("must include a month and year").
    """

    def __init__(
        self,
        label: str | None = None,
        validators=None,
        *,
        required_message: str | None = None,
        error_name: str | None = None,
        missing_joiner: str = " and ",
        **kwargs,
    ) -> None:
        kwargs.setdefault("widget", GovDateInput())
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.required_message = required_message
        self.error_name = error_name or self.label.text
        self.missing_joiner = missing_joiner

    def process_formdata(self, valuelist: list[str]) -> None:
        parts = [(v or "").strip() for v in valuelist][:3]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        if not any(parts):
            if self.required_message:
                raise ValueError(self.required_message)
            return
        name = self.error_name
        missing = [n for n, part in zip(("day", "month", "year"), parts, strict=True) if not part]
        if missing:
            raise ValueError(f"{name} must include a {self.missing_joiner.join(missing)}")
        day, month, year = parts
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValueError(f"{name} must be a real date")
        if len(year) != 4:
            raise ValueError("Year must include 4 numbers")
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValueError(f"{name} must be a real date") from error


class ConfirmForm(FlaskForm):
    """A button behind a confirmation page (or a "Remove" button): the CSRF token is
    its only data. Pages set the button's text."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
