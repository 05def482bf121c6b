"""``flask profiles rebuild``: recompute every stored skill profile from history."""

from __future__ import annotations

import sys
from datetime import datetime

import click
from flask import Flask
from flask.cli import AppGroup

from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.profiles.services import (
    practitioner_ids,
    published_skills,
    rebuild_all,
)

profiles_cli = AppGroup("profiles", help="Manage the stored skill profiles.")


@profiles_cli.command("rebuild")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Calculate as on this date (YYYY-MM-DD); defaults to today in the UK.",
)
def rebuild_command(as_of: datetime | None) -> None:
    """Recompute every practitioner's skill profiles from their evidence.

    Profiles decay with time (a rating's weight halves every 180 days and ratings
    older than 18 months stop counting), so run this every night. Each batch of
    practitioners is committed as it is done; running it again is harmless.
    """
    day = as_of.date() if as_of is not None else london_today()
    if not published_skills():
        click.echo("No framework is published yet, so there are no profiles to rebuild")
        return
    total = len(practitioner_ids())

    with click.progressbar(length=total, label="Rebuilding profiles", file=sys.stderr) as bar:

        def done(count: int) -> None:
            db.session.commit()
            bar.update(count)

        rebuilt = rebuild_all(day, progress=done)
    from learning_app.analytics.rollups import refresh_all

    refresh_all(day)
    db.session.commit()
    people = "practitioner" if rebuilt == 1 else "practitioners"
    click.echo(f"Rebuilt the profiles of {rebuilt} {people} as of {day.isoformat()}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(profiles_cli)
