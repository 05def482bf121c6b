"""Free text is checked for personal data of people on probation."""

from __future__ import annotations

import pytest

from learning_app.core.personal_data import personal_data_problems


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Home visit near LE1 6AA went well", "a postcode (LE1 6AA)"),
        ("lives at le16aa", "a postcode (le16aa)"),
        ("DOB 12/03/1987", "a date of birth (DOB)"),
        ("born 12/03/1987", "a date that could be a date of birth (12/03/1987)"),
        (
            "Spoke with Mr Smith about his licence",
            "a name after Mr, Mrs, Ms or another title (Mr Smith)",
        ),
        ("Mrs. J Khan attended", "a name after Mr, Mrs, Ms or another title (Mrs. J Khan)"),
        ("PNC 2019/0123456A", "a PNC number (2019/0123456A)"),
        ("NOMIS A1234BC", "a NOMIS number (A1234BC)"),
        ("case X123456 reviewed", "a case reference number (X123456)"),
    ],
)
def test_personal_data_is_found_and_named(text, found):
    assert found in personal_data_problems(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "Explored the risk to the partner and children; checked police DA callout history.",
        "Used the push-pull model well; agreed 3 actions for the next 4 weeks.",
        "Reviewed on 12 March: a clear defensible decision recorded in 2 days.",
    ],
)
def test_ordinary_practice_notes_pass(text):
    assert personal_data_problems(text) == []
