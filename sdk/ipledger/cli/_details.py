"""Aligned ``key  value`` lines: the one rendering the ``node`` commands need, kept apart from ``_render`` (whose
tables name the SDK's models) so that ``ipledger node status`` imports neither pydantic nor web3."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

__all__ = ["details_lines"]


def details_lines(rows: Sequence[tuple[str, str | Text]], *, indent: int = 2) -> Text:
    """Aligned ``key  value`` lines; print them with soft wrap so long ids are never broken (they get copied)."""
    width = max((len(key) for key, _ in rows), default=0)
    text = Text()
    for number, (key, value) in enumerate(rows):
        if number:
            text.append("\n")
        text.append(" " * indent + key.ljust(width + 2), style="bold cyan")
        text.append(value)
    return text
