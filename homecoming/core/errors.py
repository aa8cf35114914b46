"""The one application error type; the API maps it to HTTP 400 in one place."""

from __future__ import annotations


class ApplicationError(Exception):
    """A rule of the programme refused an action; ``message`` is shown to the user."""

    def __init__(self, message: str, *, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
