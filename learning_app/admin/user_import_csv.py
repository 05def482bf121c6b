"""Reading a CSV file of users to import into numbered records (docs/csv-import.md).

Pure: ``parse`` turns the bytes of a file into records, one per row, keyed by
column, or says what is wrong with the file. Checking the records is
``learning_app.admin.user_import``.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

MAX_UPLOAD_BYTES = 1024 * 1024
REQUIRED_COLUMNS = ("email", "name", "grade", "team", "started_on")
OPTIONAL_COLUMNS = ("pdu", "qualified_on", "roles")
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
SAVE_AS_CSV = "Save it as 'CSV UTF-8 (comma delimited)' and try again"


@dataclass(frozen=True, order=True)
class ImportProblem:
    """One problem: ``row`` and ``column`` are None for a problem with the whole file."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        where = f"Row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ParsedFile:
    text: str = ""
    columns: list[str] = field(default_factory=list)
    records: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def emails(self) -> set[str]:
        return {values.get("email", "").strip().lower() for _, values in self.records} - {""}


def _file_problem(message: str) -> ParsedFile:
    return ParsedFile(problems=[ImportProblem(None, None, message)])


def decode(data: bytes) -> tuple[str | None, str | None]:
    """Return the text of a CSV file, or a problem explaining why it is not one."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return None, f"The selected file is a spreadsheet, not a CSV file. {SAVE_AS_CSV}"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        return None, f"The selected file is not a CSV file in UTF-8. {SAVE_AS_CSV}"
    try:
        text = data.decode("utf-8-sig")  # a byte order mark, as Excel writes, is dropped
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, (
            f"Row {line} has characters that are not UTF-8, so the file cannot be read. "
            + SAVE_AS_CSV
        )
    return text, None


def normalise_heading(heading: str) -> str:
    return re.sub(r"[\s\-]+", "_", heading.strip().lower())


def parse(data: bytes) -> ParsedFile:
    """Split a CSV file into numbered records, or say what is wrong with the file.

    Rows are numbered as a spreadsheet shows them (the header is row 1); blank rows
    are skipped but still counted. Headings are matched without regard to case,
    spaces or hyphens ("Started on" is ``started_on``).
    """
    if not data.strip():
        return _file_problem("The selected file is empty")
    text, problem = decode(data)
    if problem:
        return _file_problem(problem)
    assert text is not None
    try:
        raw_rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return _file_problem(f"The selected file cannot be read as CSV ({exc}). {SAVE_AS_CSV}")

    numbered = [(n, [cell.strip() for cell in cells]) for n, cells in enumerate(raw_rows, 1)]
    numbered = [(n, cells) for n, cells in numbered if any(cells)]
    if not numbered:
        return _file_problem("The selected file is empty")
    header_row, headings = numbered[0]
    body = numbered[1:]
    parsed = ParsedFile(text=text)
    columns = _check_headings(headings, body, header_row, parsed.problems)
    if parsed.problems:
        return parsed
    parsed.columns = [c for c in columns if c]
    if not body:
        parsed.problems.append(ImportProblem(None, None, "The selected file has no users in it"))
        return parsed
    for number, cells in body:
        extra = cells[len(columns) :]
        if any(extra):
            parsed.problems.append(
                ImportProblem(
                    number,
                    None,
                    f"Row has {len(cells)} cells but there are only {len(columns)} columns",
                )
            )
            continue
        values = {
            column: (cells[i] if i < len(cells) else "")
            for i, column in enumerate(columns)
            if column
        }
        parsed.records.append((number, values))
    return parsed


def _check_headings(
    headings: list[str],
    body: list[tuple[int, list[str]]],
    header_row: int,
    problems: list[ImportProblem],
) -> list[str]:
    columns = [normalise_heading(h) for h in headings]
    if len(columns) == 1 and ";" in headings[0]:
        problems.append(
            ImportProblem(
                None,
                None,
                "The columns must be separated by commas, not semicolons. " + SAVE_AS_CSV,
            )
        )
        return columns
    for index, column in enumerate(columns):
        # A blank heading over blank cells is a stray formatted column: ignore it.
        if not column and any(index < len(cells) and cells[index] for _, cells in body):
            problems.append(
                ImportProblem(None, None, f"Column {index + 1} has data but no heading")
            )
    named = [c for c in columns if c]
    repeated = sorted(c for c, n in Counter(named).items() if n > 1)
    if repeated:
        problems.append(
            ImportProblem(None, None, "These columns appear more than once: " + ", ".join(repeated))
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in named]
    if missing:
        problems.append(
            ImportProblem(None, None, "The file is missing these columns: " + ", ".join(missing))
        )
    unknown = [c for c in dict.fromkeys(named) if c not in ALL_COLUMNS]
    if unknown:
        problems.append(
            ImportProblem(
                None,
                None,
                "The file has columns that are not allowed: "
                + ", ".join(unknown)
                + ". The columns allowed are "
                + ", ".join(ALL_COLUMNS),
            )
        )
    return columns
