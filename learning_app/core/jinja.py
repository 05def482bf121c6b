"""Jinja setup: our templates chained with the GOV.UK Frontend macro packages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from learning_app.accounts.constants import Band, Grade, Role

LONDON = ZoneInfo("Europe/London")
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        # SQLite hands back naive datetimes; every datetime is written in UTC.
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(LONDON)
    hour = value.strftime("%I").lstrip("0")
    return f"{format_date(value)} at {hour}:{value:%M}{value.strftime('%p').lower()}"


def configure_jinja(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(TEMPLATES)),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["role_label"] = lambda value: Role(value).label
    app.jinja_env.filters["grade_label"] = lambda value: Grade(value).label
    app.jinja_env.filters["band_label"] = lambda value: Band(value).label if value else "None"
