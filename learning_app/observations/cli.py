"""``flask retention run``: clear personal references that are past their retention period."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask import Flask
from flask.cli import AppGroup

from learning_app.extensions import db
from learning_app.observations.retention import clear_expired_case_references

retention_cli = AppGroup("retention", help="Apply the data retention rules.")


@retention_cli.command("run")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Run as if today were this date (YYYY-MM-DD); defaults to today in the UK.",
)
def run_command(today: datetime | None) -> None:
    """Clear case references 12 months after their observation closed.

    Run it every day. Each run is written to the audit log.
    """
    day = today.date() if today is not None else datetime.now(ZoneInfo("Europe/London")).date()
    count = clear_expired_case_references(day)
    db.session.commit()
    click.echo(f"Cleared {count} case {'reference' if count == 1 else 'references'}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(retention_cli)
