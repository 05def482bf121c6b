"""Spot text that looks like personal data of a person on probation (DESIGN.md 5.3).

The service must not hold names, dates of birth, addresses or PNC/NOMIS numbers of
people on probation. Free-text fields are checked with ``personal_data_problems`` and
the writer is asked to remove what was found. The checks are deliberately simple and
explainable: they name what they found, so the writer can fix it.
"""

from __future__ import annotations

import re

from wtforms import Field
from wtforms.validators import ValidationError

# A UK postcode: "LE1 6AA", "le16aa", "SW1A 1AA".
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
# Dates that read like a date of birth: 12/03/1987, 12-3-87, 12.03.1987, "DOB".
_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}\b")
_DOB = re.compile(r"\b(?:d\.?o\.?b\.?|date of birth|born on)\b", re.IGNORECASE)
# A title followed by a capitalised name: "Mr Smith", "Mrs. Khan", "Ms J Patel".
_TITLE_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+(?:[A-Z]\.?\s+)?[A-Z][a-z'’-]+")
# PNC ids look like 2019/0123456A; NOMIS numbers like A1234BC.
_PNC = re.compile(r"\b\d{2,4}/\d{5,7}[A-Z]\b", re.IGNORECASE)
_NOMIS = re.compile(r"\b[A-Z]\d{4}[A-Z]{2}\b")
# A case reference (CRN): one letter and six digits. It belongs in its own field only.
_CRN = re.compile(r"\b[A-Z]\d{6}\b")

_CHECKS = (
    (_POSTCODE, "a postcode"),
    (_DOB, "a date of birth"),
    (_DATE, "a date that could be a date of birth"),
    (_TITLE_NAME, "a name after Mr, Mrs, Ms or another title"),
    (_PNC, "a PNC number"),
    (_NOMIS, "a NOMIS number"),
    (_CRN, "a case reference number"),
)


def personal_data_problems(text: str | None) -> list[str]:
    """What in ``text`` looks like personal data, as phrases ("a postcode (LE1 6AA)")."""
    if not text:
        return []
    found = []
    for pattern, what in _CHECKS:
        match = pattern.search(text)
        if match:
            found.append(f"{what} ({match.group(0).strip()})")
    return found


class NoPersonalData:
    """WTForms validator: refuse text that looks like personal data of a person on probation."""

    def __init__(self, field_name: str | None = None) -> None:
        self.field_name = field_name

    def __call__(self, form, field: Field) -> None:
        problems = personal_data_problems(field.data)
        if problems:
            name = self.field_name or field.label.text
            raise ValidationError(
                f"{name} looks like it includes personal details of a person on probation: "
                f"{'; '.join(problems)}. Remove them: describe the practice, not the person"
            )
