"""A file that cannot be used at all, and messages short enough to show a person."""

from __future__ import annotations


class ExtractError(ValueError):
    """A whole file cannot be used (unreadable, or a required column is missing)."""


#: Reasons and errors stay short: a reader's own message may quote the rest of the file.
MAX_MESSAGE = 300


def short(message: str, limit: int = MAX_MESSAGE) -> str:
    """`message` cut to `limit` characters (errors reach terminals, logs and alerts)."""
    return message if len(message) <= limit else message[: limit - 1] + "…"
