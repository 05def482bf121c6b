"""`flask training ...`: load the training catalogue from a file."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from learning_app.extensions import db
from learning_app.training.catalogue import CatalogueError, load_catalogue, read_catalogue_file

training_cli = AppGroup("training", help="Manage the training catalogue.")


@training_cli.command("load")
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
def load_command(file: Path) -> None:
    """Add or update the modules of a catalogue file, matched by code.

    FILE is a .yaml, .yml or .json catalogue (see learning_app/training/data/catalogue.yaml).
    Each module's skill mappings are replaced by the file's. Nothing is written if the
    file has any problem; every problem is listed.
    """
    label = click.format_filename(file)
    try:
        result = load_catalogue(read_catalogue_file(file), actor=None)
    except CatalogueError as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(f"{label}: {error}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(
        f"Loaded the training catalogue: {len(result.created)} modules added, "
        f"{len(result.updated)} updated"
    )


def register_cli(app: Flask) -> None:
    app.cli.add_command(training_cli)
