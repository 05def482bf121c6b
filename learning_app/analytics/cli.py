"""``flask analytics ...``: rollups and quarterly snapshots."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from learning_app.analytics import kept_views
from learning_app.analytics.rollups import refresh_all, take_snapshot
from learning_app.core.time import london_today
from learning_app.extensions import db

analytics_cli = AppGroup("analytics", help="Learning-analysis rollups and quarterly snapshots.")


@analytics_cli.command("refresh")
def refresh_command() -> None:
    """Recompute the live rollups of every PDU from the stored profiles."""
    rows = refresh_all(london_today(), progress=lambda _region: db.session.commit())
    db.session.commit()
    click.echo(f"Refreshed the analytics rollups: {rows} rows")


@analytics_cli.command("keep-views")
@click.option(
    "--all", "every", is_flag=True, help="Every region, not only those whose rollups changed."
)
def keep_views_command(every: bool) -> None:
    """Work out again what each unit's live heatmaps hide, where its rollups changed."""
    regions = kept_views.keep(kept_views.every_region() if every else None)
    db.session.commit()
    click.echo(f"Worked out the kept heatmap views of {regions} regions")


@analytics_cli.command("snapshot")
def snapshot_command() -> None:
    """Copy the live rollups into this quarter's snapshot (replacing one taken earlier)."""
    period, rows = take_snapshot(london_today())
    db.session.commit()
    click.echo(f"Took the {period} snapshot: {rows} rows")


def register_cli(app: Flask) -> None:
    app.cli.add_command(analytics_cli)
