"""Form pieces shared by every area: GOV.UK date and time fields, input filters, a
validator refusing HTML, select choices with a placeholder, and a confirmation button."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, time
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput, GovTextInput
from wtforms import DateField, Field, Form, SelectChoice, StringField, SubmitField
from wtforms.validators import StopValidation, ValidationError

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
_TIME_24 = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)")
_TIME_12 = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?", re.IGNORECASE)

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


def parse_time_of_day(text: str | None, *, twelve_hour: bool = False) -> time | None:
    """A 24-hour time typed as "09:30" (or "9:30", "09.30"), and with ``twelve_hour``
    also "9am" or "2:30pm"; None if it is not one."""
    text = (text or "").strip()
    if not twelve_hour:
        match = _TIME_24.fullmatch(text)
        return time(int(match.group(1)), int(match.group(2))) if match else None
    match = _TIME_12.fullmatch(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower().replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif match.group(2) is None:
        return None  # "9" alone could be morning or evening
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def hh_mm(value: time | None) -> str:
    """A stored time as a time field shows it for changing: "09:30"."""
    return f"{value:%H:%M}" if value is not None else ""


class GovTimeField(StringField):
    """A time of day typed as text, the way GOV.UK asks for one ("09:30").

    What was typed is kept, to show again when something is wrong; ``parsed`` is the
    time it means (None while blank or not a time). Blank gets ``required_message``,
    anything else that is not a time ``invalid_message``; either stops the field's other
    validators. ``twelve_hour`` also takes "9am" and "2:30pm".
    """

    def __init__(
        self,
        label: str | None = None,
        validators=None,
        *,
        required_message: str,
        invalid_message: str,
        twelve_hour: bool = False,
        **kwargs,
    ) -> None:
        kwargs.setdefault("widget", GovTextInput())
        kwargs.setdefault("filters", [strip_spaces])
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.invalid_message = invalid_message
        self.twelve_hour = twelve_hour

    @property
    def parsed(self) -> time | None:
        return parse_time_of_day(self.data, twelve_hour=self.twelve_hour)

    def pre_validate(self, form: Form) -> None:
        if not self.data:
            raise StopValidation(self.required_message)
        if self.parsed is None:
            raise StopValidation(self.invalid_message)


class EndsAfter:
    """A time field that must be later than the time field ``start`` (when both are
    times: a field that is not one has its own error)."""

    def __init__(self, start: str, message: str) -> None:
        self.start = start
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        start, end = form[self.start].parsed, field.parsed
        if start is not None and end is not None and end <= start:
            raise ValidationError(self.message)


class ConfirmForm(FlaskForm):
    """A button behind a confirmation page (or a "Remove" button): the CSRF token is
    its only data. Pages set the button's text."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
