"""The refusal the scheduling services raise: a message fit to show the user."""

from __future__ import annotations


class DiscussionError(Exception):
    """A change the rules do not allow; the message is fit to show the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
