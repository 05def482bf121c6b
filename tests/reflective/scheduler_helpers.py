"""Helpers for testing the scheduler as an operator runs it: real ``flask`` processes on a
database of their own, whose logs the test reads, and which are always killed at the end."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import is_postgres

PROJECT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0  # a cold start imports the whole app


def recreate_postgres_database(server_url: str, name: str) -> str:
    """A new empty database ``name`` on the server of ``server_url``; returns its URL."""
    url = make_url(server_url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(server_url: str, name: str) -> None:
    engine = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def own_database_url(suite_url: str, tmp_dir: Path, suffix: str) -> str:
    """``<suite database>_<suffix>`` on PostgreSQL, or a SQLite file in ``tmp_dir``."""
    if is_postgres(suite_url):
        name = f"{make_url(suite_url).database}_{suffix}"
        return recreate_postgres_database(suite_url, name)
    return f"sqlite:///{tmp_dir / f'{suffix}.sqlite3'}"


class FlaskProcess:
    """``flask --app wsgi ARGS`` in a child process; its output is read as it comes."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        child_env = {k: v for k, v in os.environ.items() if k not in ("SMTP_URL", "MAIL_FROM")}
        child_env.update(env)
        child_env["PYTHONUNBUFFERED"] = "1"
        self.args = args
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=PROJECT,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def output(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float, after: int = 0) -> str:
        """The first line (from line ``after`` on) matching ``pattern``; fails after
        ``timeout`` seconds or when the process ends without printing it."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self.lines[after:]:
                    if regex.search(line):
                        return line
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (
                    self.process.poll() is not None and not self._reader.is_alive()
                ):
                    raise AssertionError(
                        f"flask {' '.join(self.args)} (pid {self.pid}) did not log {pattern!r}"
                        f" within {timeout:.0f}s. Its output:\n{self.output_unlocked()}"
                    )
                self._changed.wait(min(remaining, 0.2))

    def output_unlocked(self) -> str:
        return "\n".join(self.lines)

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind runs in the child."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def wait(self, timeout: float = START_TIMEOUT) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code


class Processes:
    """Every child a test starts, killed when it ends, whatever happened."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.started: list[FlaskProcess] = []

    def start(self, *args: str, **env: str) -> FlaskProcess:
        child = FlaskProcess(list(args), {**self.env, **env})
        self.started.append(child)
        return child

    def kill_all(self) -> None:
        for child in self.started:
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                child.kill()
