"""``flask bench ...``: a national data set for the benchmark."""

from __future__ import annotations

import sys
import time
from datetime import datetime

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import text

from learning_app.analytics.rollups import refresh_all
from learning_app.bench.generate import EmptyDatabaseRequired, generate
from learning_app.core.time import london_today
from learning_app.extensions import db
from learning_app.profiles.services import rebuild_all

bench_cli = AppGroup("bench", help="Build data for the benchmark.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(bench_cli)


@bench_cli.command("generate")
@click.option("--practitioners", type=click.IntRange(min=1), required=True, help="How many.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The date the history leads up to (default: today in the UK).",
)
def generate_command(practitioners: int, seed: int, today: datetime | None) -> None:
    """Fill an empty database with a national data set of PRACTITIONERS people."""
    as_of = today.date() if today is not None else london_today()
    started = time.perf_counter()
    try:
        with click.progressbar(length=practitioners, label="Practitioners") as bar:
            totals = generate(practitioners, seed, as_of, progress=_committing(bar))
    except EmptyDatabaseRequired as error:
        db.session.rollback()
        click.echo(str(error), err=True)
        sys.exit(1)
    db.session.commit()
    with click.progressbar(length=totals.practitioners, label="Skill profiles") as bar:
        rebuild_all(as_of, progress=_committing(bar))
    db.session.commit()
    refresh_all(as_of, progress=lambda _region: db.session.commit())
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # After a bulk load the planner has no statistics until autovacuum gets round to
        # the tables; gather them now, so the first queries are planned on the real sizes.
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    seconds = time.perf_counter() - started
    click.echo(
        f"Practitioners: {totals.practitioners}\n"
        f"Self ratings: {totals.self_ratings}\n"
        f"Observation ratings: {totals.observation_ratings}\n"
        f"Seconds: {seconds:.1f}"
    )


def _committing(bar):
    def step(count: int) -> None:
        db.session.commit()
        bar.update(count)

    return step
