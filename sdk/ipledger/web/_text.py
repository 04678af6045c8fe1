"""What a failure may say to an anonymous client: one line, without the node's URL (it may carry an API key). The
full text goes to the server's log only."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from ipledger import NodeError

__all__ = ["log", "one_line", "public_reason"]

#: The explorer's server-side log: the full text of failures (node URLs included) and unexpected tracebacks.
log = logging.getLogger("ipledger.web")

_LIMIT = 300


def one_line(text: str) -> str:
    """``text`` on one line (runs of white space, new lines included, become one space)."""
    return " ".join(text.split())


def _endpoints(exc: BaseException) -> set[str]:
    """The node URLs ``exc`` and the failures it came from name."""
    found: set[str] = set()
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, NodeError) and current.endpoint:
            found.add(current.endpoint)
        current = current.__cause__ or current.__context__
    return found


def public_reason(exc: BaseException, *, hidden: Mapping[str, str] | None = None) -> str:
    """``exc``'s message in one line (at most 300 characters) without the node's URL (a :class:`NodeError`'s
    ``endpoint`` becomes "the node") nor any text of ``hidden`` (each replaced by its value: the server's RPC URL,
    where its index lives); the full message is logged server-side when anything was removed."""
    text = str(exc)
    endpoints = _endpoints(exc)
    for endpoint in endpoints:
        text = text.replace(f" (node {endpoint})", "")
    replacements = {endpoint: "the node" for endpoint in endpoints} | dict(hidden or {})
    for secret in sorted((secret for secret in replacements if secret), key=len, reverse=True):
        text = text.replace(secret, replacements[secret])
    shown = one_line(text)[:_LIMIT]
    if shown != one_line(str(exc)):
        log.warning("%s: %s", type(exc).__name__, one_line(str(exc)))
    return shown
