"""``flask scheduler``: the scheduler process and its jobs (docs/scheduler.md).

``flask scheduler run`` runs the jobs in the foreground, in a process of its own; only one
such process leads at a time. ``flask scheduler run-job ID`` runs one job once.
``flask scheduler jobs`` lists the jobs and when they run. Also registers ``flask outbox``.
"""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from learning_app.reflective.jobs import JOBS, run_job

scheduler_cli = AppGroup("scheduler", help="Run the scheduled jobs.")


def _job_list() -> str:
    width = max(len(job_id) for job_id in JOBS)
    return "\n".join(
        f"  {job.id:<{width}}  {job.schedule}: {job.description}" for job in JOBS.values()
    )


@scheduler_cli.command("run")
def run_command() -> None:
    """Run the scheduled jobs until stopped (Ctrl-C or SIGTERM).

    Start it in its own process, never inside web workers. Starting a second one is safe:
    it stands by and takes over when the leading one stops.
    """
    from learning_app.reflective.scheduler import run_scheduler

    run_scheduler(current_app._get_current_object())  # type: ignore[attr-defined]


@scheduler_cli.command("run-job")
@click.argument("job_id", metavar="NAME")
def run_job_command(job_id: str) -> None:
    """Run one job once, now, and say what it did."""
    if job_id not in JOBS:
        click.echo(f"There is no job called {job_id!r}. The jobs are:\n{_job_list()}", err=True)
        sys.exit(2)
    result = run_job(current_app._get_current_object(), job_id)  # type: ignore[attr-defined]
    if not result.ok:
        click.echo(f"Job {job_id} failed: {result.message}", err=True)
        sys.exit(1)
    click.echo(f"Job {job_id}: {result.message}")


@scheduler_cli.command("jobs")
def jobs_command() -> None:
    """List the jobs and when they run."""
    click.echo(_job_list())


def register_cli(app: Flask) -> None:
    from learning_app.notifications.cli import register_cli as register_outbox_cli

    app.cli.add_command(scheduler_cli)
    register_outbox_cli(app)
