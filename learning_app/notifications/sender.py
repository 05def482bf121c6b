"""Delivering the outbox through SMTP, once per message.

A message moves ``pending`` -> ``sending`` -> ``sent``. The sender claims a message (marks
it ``sending`` and commits) before it talks to the mail server, and marks it ``sent`` after
the server has accepted it. So a sender that is killed can never make a second copy: the
worst it leaves behind is a message stuck in ``sending``, which may or may not have reached
the server. Such a message is never retried automatically; the send job logs a warning
about it and ``flask outbox`` lets an operator look at it and decide (docs/email.md).

A refusal the server calls temporary (4xx) or a connection problem puts the message back
to ``pending`` with a later ``next_attempt_at`` (1, 2, 4, 8 ... minutes); after
``MAX_ATTEMPTS`` attempts, or at once on a permanent refusal (5xx), it is ``failed``.

Settings: ``SMTP_URL`` (``smtp://user:password@host:25``, ``smtp+starttls://...`` or
``smtps://...``; without it messages are written to the log and count as sent),
``MAIL_FROM`` (the From address), both from the app config or the environment.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from urllib.parse import unquote, urlsplit

from flask import current_app
from sqlalchemy import func, select, update

from learning_app.core.time import aware, utc_now
from learning_app.extensions import db
from learning_app.notifications.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_RETRY_AFTER = timedelta(minutes=1)
BATCH_SIZE = 200
# A message "sending" for longer than this was left by a sender that died.
STUCK_AFTER = timedelta(minutes=10)
SMTP_TIMEOUT_SECONDS = 30

_DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class SmtpUrlError(ValueError):
    """``SMTP_URL`` is not a URL the sender understands."""


@dataclass(frozen=True)
class SmtpSettings:
    scheme: str  # smtp, smtp+starttls or smtps
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            raise SmtpUrlError("SMTP_URL must start with smtp://, smtp+starttls:// or smtps://")
        if not parts.hostname:
            raise SmtpUrlError("SMTP_URL has no host name")
        return cls(
            scheme=scheme,
            host=parts.hostname,
            port=parts.port or _DEFAULT_PORTS[scheme],
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


@dataclass(frozen=True)
class SendSummary:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    stuck: int = 0

    def __str__(self) -> str:
        line = f"sent {self.sent}, retrying {self.retrying}, failed {self.failed}"
        if self.stuck:
            line += f", {self.stuck} stuck in sending (see flask outbox list --stuck)"
        return line


class TemporaryFailure(Exception):
    """The server could not take the message now; try again later."""


class PermanentFailure(Exception):
    """The server refused the message for good."""


def smtp_settings() -> SmtpSettings | None:
    url = current_app.config.get("SMTP_URL")
    return SmtpSettings.from_url(url) if url else None


def mail_from() -> str:
    configured = current_app.config.get("MAIL_FROM")
    if configured:
        return configured
    service = current_app.config.get("SERVICE_NAME", "Practice Learning")
    return formataddr((service, current_app.config.get("SUPPORT_EMAIL", "noreply@localhost")))


def message_id(dedupe_key: str, sender: str) -> str:
    """A Message-ID that is the same every time this message is built, so that a copy that
    did reach someone (a send the operator retried) can be recognised as the same email."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


@dataclass(frozen=True)
class Claimed:
    """What the sender needs of a message it has claimed (read in the claiming statement)."""

    id: int
    dedupe_key: str
    kind: str
    to_address: str
    subject: str
    body: str
    attempts: int


def build_email(message: Claimed | OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = message_id(message.dedupe_key, sender)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body)
    return email


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 1, 2, 4, 8 ... minutes."""
    return FIRST_RETRY_AFTER * (2 ** max(attempts - 1, 0))


class _Transport:
    """One SMTP connection for a run of the sender, opened when first needed."""

    def __init__(self, settings: SmtpSettings | None) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def send(self, email: EmailMessage) -> None:
        if self.settings is None:
            log.info(
                "No SMTP_URL set, so this email was logged instead of sent: to %s, subject %r\n%s",
                email["To"],
                email["Subject"],
                email.get_content(),
            )
            return
        try:
            self._connection().send_message(email)
        except smtplib.SMTPAuthenticationError as error:
            # A setting to put right, not a reason to drop the message: retry it.
            self.close()
            raise TemporaryFailure(
                f"The mail server refused the user name and password in SMTP_URL: {error!r}"
            ) from error
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            codes = [code for code, _ in error.recipients.values()]
            text = "; ".join(f"{code} {reply!r}" for code, reply in error.recipients.values())
            if all(400 <= code < 500 for code in codes):
                raise TemporaryFailure(f"Recipient refused for now: {text}") from error
            raise PermanentFailure(f"Recipient refused: {text}") from error
        except smtplib.SMTPResponseException as error:
            self.close()
            reply = f"{error.smtp_code} {error.smtp_error!r}"
            if 400 <= error.smtp_code < 500:
                raise TemporaryFailure(f"Server refused for now: {reply}") from error
            raise PermanentFailure(f"Server refused: {reply}") from error
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise TemporaryFailure(f"Could not talk to the mail server: {error!r}") from error

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        s = self.settings
        assert s is not None
        if s.scheme == "smtps":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                s.host, s.port, timeout=SMTP_TIMEOUT_SECONDS, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=SMTP_TIMEOUT_SECONDS)
            if s.scheme == "smtp+starttls":
                smtp.starttls(context=ssl.create_default_context())
        if s.username:
            smtp.login(s.username, s.password or "")
        self._smtp = smtp
        return smtp

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()
        self._smtp = None


def _claim_next(now: datetime) -> Claimed | None:
    """Mark the next due message ``sending`` and commit, so that no other sender takes it.

    One statement claims and reads it. On PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets two
    senders pass each other without waiting; on SQLite a transaction that writes first
    waits for another writer (one that read first would fail at once).
    """
    due = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING.value,
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    if db.engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    row = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == due.scalar_subquery())
        .values(
            status=OutboxStatus.SENDING.value,
            claimed_at=now,
            attempts=OutboxMessage.attempts + 1,
        )
        .returning(
            OutboxMessage.id,
            OutboxMessage.dedupe_key,
            OutboxMessage.kind,
            OutboxMessage.to_address,
            OutboxMessage.subject,
            OutboxMessage.body,
            OutboxMessage.attempts,
        )
        .execution_options(synchronize_session=False)
    ).first()
    db.session.commit()
    return Claimed(*row) if row is not None else None


def _finish(message: Claimed, **values) -> None:
    """Record how the attempt went, in a transaction of its own that starts by writing."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _record_failure(message: Claimed, error: Exception, now: datetime) -> bool:
    """Put the message back for a retry, or give it up; True when it will be retried."""
    last_error = str(error)[:2000]
    if isinstance(error, PermanentFailure) or message.attempts >= MAX_ATTEMPTS:
        _finish(message, status=OutboxStatus.FAILED.value, last_error=last_error)
        log.warning(
            "Gave up on outbox message %s (%s) after %s attempts: %s",
            message.id,
            message.kind,
            message.attempts,
            last_error,
        )
        return False
    next_attempt_at = now + retry_delay(message.attempts)
    _finish(
        message,
        status=OutboxStatus.PENDING.value,
        next_attempt_at=next_attempt_at,
        last_error=last_error,
    )
    log.info(
        "Outbox message %s (%s) will be retried at %s: %s",
        message.id,
        message.kind,
        next_attempt_at.isoformat(timespec="seconds"),
        last_error,
    )
    return True


def stuck_messages(now: datetime) -> list[OutboxMessage]:
    """Messages claimed more than ``STUCK_AFTER`` ago and never marked sent."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.SENDING.value,
                OutboxMessage.claimed_at < now - STUCK_AFTER,
            )
            .order_by(OutboxMessage.claimed_at, OutboxMessage.id)
        )
    )


def send_pending(now: datetime | None = None, *, limit: int = BATCH_SIZE) -> SendSummary:
    """Deliver up to ``limit`` due messages; commit after each one.

    ``now`` decides which messages are due (tests pass a later time to see retries);
    when a message was sent is always the real clock.
    """
    now = now or utc_now()
    settings = smtp_settings()
    sender = mail_from()
    transport = _Transport(settings)
    sent = retrying = failed = 0
    try:
        for _ in range(limit):
            message = _claim_next(now)
            if message is None:
                break
            try:
                transport.send(build_email(message, sender))
            except (TemporaryFailure, PermanentFailure) as error:
                if _record_failure(message, error, now):
                    retrying += 1
                else:
                    failed += 1
            else:
                _finish(message, status=OutboxStatus.SENT.value, sent_at=utc_now(), last_error=None)
                sent += 1
    finally:
        transport.close()
    stuck = len(stuck_messages(now))
    if stuck:
        log.warning(
            "%s outbox messages have been 'sending' for over %s minutes: a sender stopped"
            " while sending them. They are not retried automatically; see docs/email.md",
            stuck,
            int(STUCK_AFTER.total_seconds() // 60),
        )
    return SendSummary(sent=sent, retrying=retrying, failed=failed, stuck=stuck)


def requeue(message: OutboxMessage, now: datetime | None = None) -> None:
    """Put a stuck or failed message back to ``pending`` to be sent at the next run.

    For an operator who has checked (by its Message-ID, in the mail server's log) that a
    stuck message never went out, or who has fixed what made it fail. Never commits.
    """
    if message.status not in (OutboxStatus.SENDING.value, OutboxStatus.FAILED.value):
        raise ValueError(f"Only a sending or failed message can be requeued, not {message.status}")
    message.status = OutboxStatus.PENDING.value
    message.next_attempt_at = now or utc_now()
    message.claimed_at = None
    message.attempts = 0
    db.session.flush()


def mark_sent(message: OutboxMessage, now: datetime | None = None) -> None:
    """Record a stuck message as sent, for an operator who has found that it went out."""
    if message.status != OutboxStatus.SENDING.value:
        raise ValueError(f"Only a sending message can be marked sent, not {message.status}")
    message.status = OutboxStatus.SENT.value
    message.sent_at = aware(message.claimed_at) if message.claimed_at else (now or utc_now())
    db.session.flush()


def counts_by_status() -> dict[str, int]:
    return dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
