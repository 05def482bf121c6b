"""Jinja setup: our templates chained with the GOV.UK Frontend macro packages."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from learning_app.accounts.constants import Band, Grade, Role
from learning_app.core import wording
from learning_app.core.time import london

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    value = london(value)
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
    # GOV.UK wording with the weekday: "Tuesday 8 December 2026 at 10am".
    app.jinja_env.filters["clock_time"] = wording.clock_time
    app.jinja_env.filters["long_day"] = wording.long_date
    app.jinja_env.filters["when"] = wording.day_and_time
    app.jinja_env.filters["time_span"] = wording.time_span
    app.jinja_env.filters["weekday_list"] = wording.weekday_list
    app.jinja_env.filters["role_label"] = lambda value: Role(value).label
    app.jinja_env.filters["grade_label"] = lambda value: Grade(value).label
    app.jinja_env.filters["band_label"] = lambda value: Band(value).label if value else "None"
