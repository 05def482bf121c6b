"""The audit log's filters: GET parameters, so a filtered view can be bookmarked."""

from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from learning_app.core.forms import select_choices, strip_spaces

DATE_HINT = "For example, 27 3 2025 or 2025-03-27"


def parse_date(text: str) -> date | None:
    """Read ``27 3 2025``, ``27/3/2025`` or ``2025-03-27``; None if it is not a real date."""
    parts = [p for p in re.split(r"[\s/.-]+", text.strip()) if p]
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    if len(parts[0]) == 4:
        year, month, day = parts
    else:
        day, month, year = parts
    if len(year) != 4:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


class _DateText(StringField):
    """A date typed into one text input; ``.date`` holds the parsed value."""

    date: date | None = None

    def post_validate(self, form, validation_stopped: bool) -> None:
        self.date = None
        if self.errors or not self.data:
            return
        self.date = parse_date(self.data)
        if self.date is None:
            self.errors.append(f"{self.label.text} must be a real date, for example 27 3 2025")


def _date_text(label: str) -> _DateText:
    return _DateText(
        label,
        description=DATE_HINT,
        widget=GovTextInput(),
        filters=[strip_spaces],
        validators=[Length(max=20, message=f"{label} must be a real date, for example 27 3 2025")],
    )


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    actor = StringField(
        "Actor",
        description="Part of a name or email address, or ‘system’",
        widget=GovTextInput(),
        filters=[strip_spaces],
        validators=[Optional(), Length(max=254, message="Actor must be 254 characters or fewer")],
    )
    action = SelectField(
        "Action",
        widget=GovSelect(),
        default="",
        invalid_choice_message="Select an action from the list",
    )
    date_from = _date_text("Date from")
    date_to = _date_text("Date to")
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def __init__(self, *args, actions: list[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = select_choices("All actions", [(a, a) for a in actions])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        start, end = self.date_from.date, self.date_to.date
        if start and end and end < start:
            self.date_to.errors.append("Date to must be the same as or after date from")
            return False
        return valid and not (self.date_from.errors or self.date_to.errors)
