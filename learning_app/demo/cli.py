"""``flask seed-demo``: fill the database with a demo PDU, its people and the skills framework."""

from __future__ import annotations

import os

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from learning_app.accounts.models import User
from learning_app.accounts.passwords import password_problem
from learning_app.core.time import london_today
from learning_app.demo.seed import DEFAULT_DEMO_PASSWORD, SeedSummary, seed_demo
from learning_app.extensions import db

PASSWORD_VARIABLE = "DEMO_PASSWORD"
NOT_EMPTY_MESSAGE = "The database already has users; demo data not added."
PRODUCTION_MESSAGE = (
    "seed-demo does not run when APP_ENV is production: demo accounts share a known password"
)


def demo_password() -> tuple[str, bool]:
    """The demo password, and whether it came from ``DEMO_PASSWORD``."""
    value = os.environ.get(PASSWORD_VARIABLE, "")
    if value:
        return value, True
    return DEFAULT_DEMO_PASSWORD, False


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has users.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Add the demo organisation, people and skills framework.

    Safe to run again: it adds only what is missing and gives every demo account the
    demo password (DEMO_PASSWORD, or the default shown at the end).
    """
    if current_app.config.get("PRODUCTION"):
        # Demo accounts share a published password: never on a live service.
        raise click.UsageError(PRODUCTION_MESSAGE)
    if if_empty and db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo(NOT_EMPTY_MESSAGE)
        return
    password, from_environment = demo_password()
    problem = password_problem(password)
    if problem:
        raise click.UsageError(f"{PASSWORD_VARIABLE} cannot be used: {problem}")
    try:
        summary = seed_demo(password, london_today())
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    shown = f"the value of {PASSWORD_VARIABLE}" if from_environment else password
    click.echo(describe(summary, shown))


def describe(summary: SeedSummary, password: str) -> str:
    """The report printed after seeding: what changed, then the accounts to sign in with."""
    lines = [_changes(summary), f"Skills framework: {summary.framework}.", ""]
    rows = [("Role", "Email", "Password", "Name", "Scope")]
    rows += [(a.label, a.email, password, a.name, a.scope) for a in summary.accounts]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    lines += [
        "",
        f"Practitioners: practitioner1@demo.test to practitioner{summary.practitioners}"
        f"@demo.test, all with the same password. practitioner1 is a PO qualified under "
        "two years and practitioner2 a PSO; both are in team 1.",
    ]
    for number, team in enumerate(summary.teams, start=1):
        lines.append(
            f"  Team {number}: practitioner{team.first} to practitioner{team.last}, "
            f"{team.team}, {team.site} (managed by {team.spo_email})"
        )
    return "\n".join(lines)


def _changes(summary: SeedSummary) -> str:
    if not summary.changed:
        return "The demo data is already in place; nothing was added."
    parts = [_count(count, kind) for kind, count in summary.created.items() if count]
    added = "added " + ", ".join(parts) if parts else ""
    reset = ""
    if summary.passwords_reset:
        reset = "set the demo password on " + _count(summary.passwords_reset, "existing users")
    return "Demo data: " + "; ".join(part for part in (added, reset) if part) + "."


def _count(count: int, plural: str) -> str:
    """``_count(1, "teams")`` is "1 team"; the kinds counted are all regular plurals."""
    return f"{count} {plural if count != 1 else plural.removesuffix('s')}"


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
