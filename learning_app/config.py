"""Settings come from environment variables; instance/ holds local state only."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigurationError(RuntimeError):
    """Raised when the service is started without settings it cannot run without."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret_key(instance_path: Path) -> str:
    """A random key kept in instance/, so local sessions survive a restart."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the configuration mapping for ``create_app``.

    ``APP_ENV=production`` turns on secure cookies and HSTS and refuses to start
    without ``SECRET_KEY`` and ``DATABASE_URL``.
    """
    overrides = overrides or {}
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    env = overrides.get("APP_ENV") or os.environ.get("APP_ENV", "development")
    production = env == "production"

    secret_key = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    database_url = overrides.get("SQLALCHEMY_DATABASE_URI") or os.environ.get("DATABASE_URL")
    if production:
        missing = [
            name
            for name, value in (("SECRET_KEY", secret_key), ("DATABASE_URL", database_url))
            if not value
        ]
        if missing:
            raise ConfigurationError(
                "Production configuration needs these environment variables: " + ", ".join(missing)
            )
    if not secret_key:
        secret_key = _dev_secret_key(instance)
    if not database_url:
        database_url = f"sqlite:///{instance / 'practice_learning.sqlite3'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]

    config = {
        "APP_ENV": env,
        "PRODUCTION": production,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": 8 * 60 * 60,
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "SIGN_IN_RATE_LIMIT": os.environ.get("SIGN_IN_RATE_LIMIT", "20 per minute"),
        # Per API token (per address without one): enough for a BI refresh, not for a scraper.
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "120 per minute"),
        "SERVICE_NAME": "Practice Learning",
        "SUPPORT_EMAIL": os.environ.get("SUPPORT_EMAIL", "practice-learning@justice.gov.uk"),
        "USERS_PER_PAGE": 25,
        # A heatmap of more rows (every team or site in the country) is shown a page at a
        # time; its downloads hold every row.
        "HEATMAP_ROWS_PER_PAGE": 100,
        # Likewise the oversight page's observers (a national reader's are 2,000); the API
        # holds every one.
        "OBSERVERS_PER_PAGE": 100,
        # Uploads (CSV imports, framework files) are small; refuse anything larger early.
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # How many reverse proxies (load balancers) sit in front of the app; their
        # X-Forwarded-For and X-Forwarded-Proto headers are trusted that many hops deep.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        # Email: the outbox sender delivers through SMTP_URL; with none, messages go to the log.
        "SMTP_URL": os.environ.get("SMTP_URL"),
        "MAIL_FROM": os.environ.get("MAIL_FROM"),
        # The service's own address, for links in emails; without it emails name the page.
        "SERVICE_URL": os.environ.get("SERVICE_URL"),
        # The scheduler: how often a standing-by process tries to take the lead, and the lock
        # file that elects the leader on SQLite (default instance/scheduler.lock).
        "SCHEDULER_STANDBY_SECONDS": float(os.environ.get("SCHEDULER_STANDBY_SECONDS", "5")),
        "SCHEDULER_LOCK_FILE": os.environ.get("SCHEDULER_LOCK_FILE"),
    }
    config.update(overrides)
    return config
