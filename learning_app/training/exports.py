"""The training demand tables as rows of plain values, and as CSV or XLSX downloads.

The same functions give the columns of the page and of the files, so a download holds
what the page shows. Text that a spreadsheet would run as a formula (starting with
``=``, ``+``, ``-`` or ``@``) is written as text: prefixed with ``'`` in CSV, stored as a
string cell in XLSX.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

import xlsxwriter
from flask import Response

from learning_app.training.demand import BANDS, DemandReport, DemandRow, Need, band_label

Cell = str | int | float | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def demand_header(report: DemandReport) -> list[str]:
    return [
        "Code",
        "Module",
        "Mode",
        "Practitioners needing it",
        "Already planned or booked",
        "Cohort size",
        "Cohorts needed",
        "Cohorts scheduled",
        "Places free on them",
        "Cohorts still to schedule",
        *(f"Team: {name}" for _id, name in report.teams),
        *(f"Band: {band_label(band)}" for band in BANDS),
    ]


def demand_line(report: DemandReport, row: DemandRow) -> list[Cell]:
    f2f = row.module.face_to_face
    by_team, by_band = row.by_team, row.by_band
    return [
        row.module.code,
        row.module.title,
        row.module.mode_label,
        row.need,
        row.taken_up,
        row.module.cohort_size if f2f else None,
        row.cohorts_needed,
        row.supply.scheduled if f2f else None,
        row.supply.places_free if f2f else None,
        row.cohorts_to_schedule,
        *(by_team.get(team_id, 0) for team_id, _name in report.teams),
        *(by_band.get(band, 0) for band in BANDS),
    ]


def demand_rows(report: DemandReport) -> list[list[Cell]]:
    return [demand_line(report, row) for row in report.rows]


PEOPLE_HEADER = ["Name", "Team", "Experience band", "Skills and gaps", "Why", "Plan status"]


def gaps_text(need: Need, skill_names: dict[str, str]) -> str:
    """ "Risk of serious harm analysis: level 1.5, target 3" for each skill, or a dash."""
    parts = []
    for gap in need.gaps:
        level = "not known" if gap.level is None else f"{gap.level:.1f}"
        parts.append(f"{skill_names.get(gap.slug, gap.name)}: level {level}, target {gap.target}")
    return "; ".join(parts) if parts else "No current gap in the skills it addresses"


def why_text(need: Need) -> str:
    if need.recommended and need.assigned:
        return "Recommended and assigned"
    return "Recommended" if need.recommended else "Assigned by their SPO"


def people_rows(row: DemandRow, skill_names: dict[str, str]) -> list[list[Cell]]:
    return [
        [
            n.person.name,
            n.person.team_name,
            band_label(n.person.band),
            gaps_text(n, skill_names),
            why_text(n),
            n.state.label,
        ]
        for n in sorted(row.needs, key=lambda n: (n.person.name, n.person.id))
    ]


# Files ---------------------------------------------------------------------------------


def csv_safe(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def filename(stem: str, today: date, extension: str) -> str:
    return f"{stem}-{today.isoformat()}.{extension}"


def _attachment(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def csv_response(name: str, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_safe(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else csv_safe(v) for v in row])
    # A byte-order mark lets spreadsheet programs read the file as UTF-8.
    return _attachment(("\ufeff" + buffer.getvalue()).encode("utf-8"), CSV_TYPE, name)


def xlsx_response(
    name: str, title: str, header: Sequence[str], rows: Sequence[Sequence[Cell]]
) -> Response:
    buffer = io.BytesIO()
    # Text is written as text, whatever it starts with: never a formula, link or number.
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(title[:31])
    sheet.freeze_panes(1, 0)
    for index, values in enumerate([list(header), *rows]):
        sheet.write_row(index, 0, values)
    workbook.close()
    return _attachment(buffer.getvalue(), XLSX_TYPE, name)
