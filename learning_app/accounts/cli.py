"""``flask users ...``: account commands for operators."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import Flask
from flask.cli import AppGroup

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.accounts.passwords import password_problem
from learning_app.accounts.services import find_user_by_email, normalise_email, set_password
from learning_app.core import audit
from learning_app.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", required=True, help="The administrator's full name.")
@click.password_option(help="At least 12 characters, not a common password.")
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account (the first account on a new service)."""
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise click.UsageError(problem)
    if find_user_by_email(email) is not None:
        raise click.UsageError(f"A user with the email address {email} already exists")
    user = User(email=normalise_email(email), name=name, grade=Grade.OTHER)
    user.role_assignments.append(RoleAssignment(role=Role.ADMIN))
    db.session.add(user)
    db.session.flush()
    set_password(user, password, actor=None)
    audit.record(None, "user.create", user, detail={"via": "cli", "roles": ["admin"]})
    db.session.commit()
    click.echo(f"Created administrator {user.email}")


@users_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.pass_context
def import_users_command(ctx: click.Context, file: Path, dry_run: bool) -> None:
    """Import users from a CSV FILE (the format is in docs/csv-import.md).

    Every row is checked first; if any row has a problem, every problem is listed
    with its row number and nothing is written. Imported users have no password:
    an administrator resets one for each before they can sign in.
    """
    # The admin package owns the import; imported here because admin depends on
    # accounts, not the other way round (and a module-level import would be a cycle).
    from learning_app.admin.user_import import check_file
    from learning_app.admin.user_services import import_users

    today = datetime.now(ZoneInfo("Europe/London")).date()
    check = check_file(file.read_bytes(), today)
    label = click.format_filename(file)
    if not check.ok:
        for problem in check.problems:
            click.echo(f"{label}: {problem}", err=True)
        count = len(check.problems)
        click.echo(
            f"{label}: {count} {'problem' if count == 1 else 'problems'}; nothing was imported",
            err=True,
        )
        ctx.exit(1)
    if dry_run:
        click.echo(f"{label} is valid: {len(check.rows)} users would be imported (dry run)")
        return
    with click.progressbar(length=len(check.rows), label="Importing users", file=sys.stderr) as bar:
        users = import_users(None, check.rows, file.name, today, on_progress=lambda: bar.update(1))
    db.session.commit()
    click.echo(f"Imported {len(users)} {'user' if len(users) == 1 else 'users'}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
