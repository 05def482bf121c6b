"""How emails write links, greetings and sign-offs (their dates and times are written by
``core.wording``, as pages write them).

Links are absolute only when
``SERVICE_URL`` (the address people use to reach the service) is set; without it an
email names the page instead, so nothing points at a host that does not exist.
"""

from __future__ import annotations

from flask import current_app


def service_url() -> str | None:
    """The address of the service, from ``SERVICE_URL``, without a trailing slash."""
    url = current_app.config.get("SERVICE_URL")
    return url.rstrip("/") if url else None


def page_line(label: str, path: str, page: str) -> str:
    """A line pointing to a page: its link when the address is known, else how to get there
    (``page`` is the name of the page in the navigation)."""
    base = service_url()
    service = current_app.config.get("SERVICE_NAME", "Practice Learning")
    if base:
        return f"{label}:\n{base}{path}"
    return f"{label} in {service}: sign in and go to {page}."


def greeting(name: str) -> str:
    return f"Dear {name},"


def sign_off() -> str:
    service = current_app.config.get("SERVICE_NAME", "Practice Learning")
    return f"This email was sent by {service}. Do not reply to it."
