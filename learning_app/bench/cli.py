"""``flask bench ...``: a national data set for the benchmark."""

from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

bench_cli = AppGroup("bench", help="Build data for the benchmark.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(bench_cli)
