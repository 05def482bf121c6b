"""A real SMTP server for the email tests: aiosmtpd on a free local port.

It keeps what it accepted (``received``), can refuse the first ``refuse_first`` messages
with a reply of our choosing (``451`` temporary, ``550`` permanent), can hold each message
until the test lets it go (``hold``), and can require a user name and password.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_content()


@dataclass
class SmtpServer:
    port: int
    received: list[Received] = field(default_factory=list)
    refuse_first: int = 0
    refusal: str = "451 4.3.0 Try again later"
    attempts: int = 0
    # True to make every message wait in the server until ``release`` is set.
    hold: bool = False
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Event = field(default_factory=threading.Event)
    credentials: tuple[str, str] | None = None
    # Set to N to hold every message until N connections have each handed one over: proof
    # that N senders are at work at the same moment.
    wait_for_senders: int = 0
    sessions: set[int] = field(default_factory=set)

    @property
    def url(self) -> str:
        if self.credentials:
            user, password = self.credentials
            return f"smtp://{user}:{password}@127.0.0.1:{self.port}"
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.attempts += 1
        if self.attempts <= self.refuse_first:
            return self.refusal
        self.arrived.set()
        self.sessions.add(id(session))
        deadline = time.monotonic() + 30
        while len(self.sessions) < self.wait_for_senders and time.monotonic() < deadline:
            await asyncio.sleep(0.05)  # lets the other connections in
        if self.hold:
            # Blocking here is fine: the server runs in its own thread and loop.
            self.release.wait(timeout=30)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        expected = self.credentials
        ok = (
            expected is not None
            and (
                auth_data.login.decode(),
                auth_data.password.decode(),
            )
            == expected
        )
        return AuthResult(success=ok)

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


def enable_job_logs() -> None:
    """The migrations' logging setup (run once per test session) disables the loggers that
    existed then; the jobs' log lines are part of what these tests check."""
    for name in ("learning_app", "learning_app.jobs", "learning_app.scheduler"):
        logging.getLogger(name).disabled = False
    for name, logger in logging.Logger.manager.loggerDict.items():
        if name.startswith("learning_app.") and isinstance(logger, logging.Logger):
            logger.disabled = False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_smtp_server(credentials: tuple[str, str] | None = None) -> Iterator[SmtpServer]:
    server = SmtpServer(port=free_port(), credentials=credentials)
    options = {}
    if credentials:
        options = {"authenticator": server.authenticate, "auth_require_tls": False}
    controller = Controller(server, hostname="127.0.0.1", port=server.port, **options)
    controller.start()
    try:
        yield server
    finally:
        server.release.set()
        controller.stop()
