"""``flask analytics ...``: rollups and quarterly snapshots."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

analytics_cli = AppGroup("analytics", help="Learning-analysis rollups and quarterly snapshots.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(analytics_cli)


__all__ = ["analytics_cli", "click", "register_cli"]
