"""Dates and times as users type them: ``YYYY-MM-DD`` or an ISO 8601 datetime."""

from __future__ import annotations

import datetime as dt

__all__ = ["parse_when"]


def parse_when(text: str) -> dt.date | dt.datetime:
    """A date (``YYYY-MM-DD``: a whole day, UTC) or an ISO 8601 datetime (naive means UTC), surrounding white space
    ignored; :class:`ValueError` for anything else."""
    stripped = text.strip()
    try:
        return dt.date.fromisoformat(stripped) if len(stripped) == 10 else dt.datetime.fromisoformat(stripped)
    except ValueError:
        raise ValueError(f"{text!r} is neither YYYY-MM-DD nor an ISO datetime") from None
