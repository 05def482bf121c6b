"""``flask outbox``: see what the email outbox holds and deal with messages a sender left.

The sender itself runs as the scheduler job ``send-outbox``
(``flask scheduler run-job send-outbox`` to run it once).
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from learning_app.core.time import aware, utc_now
from learning_app.extensions import db
from learning_app.notifications import sender
from learning_app.notifications.models import OutboxMessage, OutboxStatus

outbox_cli = AppGroup("outbox", help="Look after the email outbox.")


@outbox_cli.command("status")
def status_command() -> None:
    """How many messages are in each state."""
    counts = sender.counts_by_status()
    for state in OutboxStatus:
        click.echo(f"{state.value}: {counts.get(state.value, 0)}")
    stuck = len(sender.stuck_messages(utc_now()))
    if stuck:
        click.echo(f"{stuck} stuck in sending: see flask outbox list --stuck")


@outbox_cli.command("list")
@click.option("--stuck", "which", flag_value="stuck", help="Messages a sender left in sending.")
@click.option("--failed", "which", flag_value="failed", default=True, help="Messages given up.")
def list_command(which: str) -> None:
    """List stuck or failed messages with their Message-ID, to look up in the mail server."""
    now = utc_now()
    if which == "stuck":
        messages = sender.stuck_messages(now)
    else:
        messages = list(
            db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.FAILED.value)
                .order_by(OutboxMessage.id)
            )
        )
    if not messages:
        click.echo(f"No {which} messages")
        return
    from_address = sender.mail_from()
    for message in messages:
        since = message.claimed_at or message.created_at
        click.echo(
            f"{message.id}\t{message.kind}\tto {message.to_address}\t"
            f"{sender.message_id(message.dedupe_key, from_address)}\t"
            f"attempts {message.attempts}\tsince {aware(since).isoformat(timespec='minutes')}"
            + (f"\t{message.last_error}" if message.last_error else "")
        )


def _message(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise click.ClickException(f"There is no outbox message {message_id}")
    return message


@outbox_cli.command("requeue")
@click.argument("message_ids", nargs=-1, type=int, required=True)
def requeue_command(message_ids: tuple[int, ...]) -> None:
    """Send stuck or failed messages again at the next run of the sender.

    For a stuck message, first check in the mail server's log (by its Message-ID) that it
    never went out: requeueing one that did sends a second copy.
    """
    for message_id in message_ids:
        try:
            sender.requeue(_message(message_id))
        except ValueError as error:
            raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Requeued {len(message_ids)} {'message' if len(message_ids) == 1 else 'messages'}")


@outbox_cli.command("mark-sent")
@click.argument("message_ids", nargs=-1, type=int, required=True)
def mark_sent_command(message_ids: tuple[int, ...]) -> None:
    """Record stuck messages as sent, once the mail server's log shows they went out."""
    for message_id in message_ids:
        try:
            sender.mark_sent(_message(message_id))
        except ValueError as error:
            raise click.ClickException(str(error)) from error
    db.session.commit()
    count = len(message_ids)
    click.echo(f"Marked {count} {'message' if count == 1 else 'messages'} as sent")


def register_cli(app: Flask) -> None:
    app.cli.add_command(outbox_cli)
