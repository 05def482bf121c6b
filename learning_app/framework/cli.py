"""`flask framework ...`: load a skills framework from a file."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import click
from flask import Flask
from flask.cli import AppGroup

from learning_app.extensions import db
from learning_app.framework.loader import (
    VERSION_NAME_MAX,
    FrameworkFileError,
    load_framework,
    parse_framework_file,
)
from learning_app.framework.services import FrameworkError, publish_version

framework_cli = AppGroup("framework", help="Manage the skills framework.")


@framework_cli.command("load")
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--publish", is_flag=True, help="Publish the new version straight away.")
@click.option("--name", help="Name the version (defaults to the name in the file).")
def load_command(file: Path, publish: bool, name: str | None) -> None:
    """Load a framework file as a new draft version.

    FILE is a .yaml, .yml or .json framework document. Nothing is written if it has
    any problem; every problem is listed.
    """
    label = click.format_filename(file)
    errors: list[str] = []
    data: dict[str, Any] = {}
    try:
        data = parse_framework_file(file)
    except FrameworkFileError as exc:
        errors = exc.errors
    if name is not None and not name.strip():
        errors.append("--name is empty")
    elif name is not None and len(name.strip()) > VERSION_NAME_MAX:
        errors.append(f"--name must be {VERSION_NAME_MAX} characters or fewer")
    if errors:
        _fail(label, errors)

    version = load_framework(data, actor=None, name=name)
    outcome = "as a draft"
    if publish:
        try:
            retired = publish_version(version, actor=None)
        except FrameworkError as exc:
            db.session.rollback()
            _fail(label, [exc.message])
        outcome = "and published it"
        if retired is not None:
            outcome += f" (version {retired.id} is now retired)"
    db.session.commit()
    click.echo(
        f"Loaded framework version {version.id} ({len(version.domains)} domains, "
        f"{len(version.skills)} skills) {outcome}"
    )


def _fail(label: str, errors: list[str]) -> NoReturn:
    for error in errors:
        click.echo(f"{label}: {error}", err=True)
    raise SystemExit(1)


def register_cli(app: Flask) -> None:
    app.cli.add_command(framework_cli)
