"""What a URL or a form may carry, read with the SDK's own parsers: blocks, dates, addresses, checkpoints, kinds,
statuses, jurisdictions. A value that does not parse raises :class:`BadParameterError`, whose message is one line naming
the field, what it got and the form expected; the app turns it into a 400 (a JSON ``detail`` or an HTML page)."""

from __future__ import annotations

import datetime as dt
import re

from eth_utils.address import to_checksum_address

from ipledger import InvalidInputError, RightKind, RightStatus, int_from_text, is_hex32, is_valid_address, parse_when

__all__ = [
    "BadParameterError",
    "address_param",
    "block_param",
    "checkpoint_param",
    "date_param",
    "jurisdiction_param",
    "kind_param",
    "limit_param",
    "offset_param",
    "status_param",
]

_JURISDICTION = re.compile(r"[A-Za-z]{2}")
_MAX_SHOWN = 60
#: The largest block number a URL may name (a database's signed 64-bit integer).
MAX_BLOCK = 2**63 - 1


class BadParameterError(InvalidInputError):
    """A request parameter that does not parse; ``field`` names it, ``status`` is the HTTP status to answer with."""

    def __init__(self, field: str, value: str, expected: str, *, status: int = 400) -> None:
        shown = value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "…"
        super().__init__(f"{field}: {shown!r} is not valid; expected {expected}")
        self.field = field
        self.status = status

    @classmethod
    def because(cls, field: str, reason: str, *, status: int = 400) -> BadParameterError:
        """The refusal of ``field`` for a ``reason`` an SDK parser gave (it names the value and the form expected)."""
        error = cls(field, "", "", status=status)
        error.args = (f"{field}: {reason}",)
        return error


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def block_param(value: str | None, field: str = "block") -> int | None:
    """A block number (decimal or 0x hex, 0 or more); ``None`` when absent or empty (an empty form field)."""
    if value is None or _blank(value):
        return None
    expected = f"a block number (decimal digits or 0x hex, 0 to {MAX_BLOCK})"
    try:
        number = int_from_text(value)
    except ValueError:
        raise BadParameterError(field, value, expected) from None
    if number > MAX_BLOCK:
        raise BadParameterError(field, value, expected)
    return number


def date_param(value: str | None, field: str = "date") -> dt.date | dt.datetime | None:
    """A date (``YYYY-MM-DD``, its end, UTC) or an ISO 8601 datetime; ``None`` when absent or empty."""
    if value is None or _blank(value):
        return None
    try:
        when = parse_when(value)
    except ValueError:
        raise BadParameterError(field, value, "a date YYYY-MM-DD or an ISO 8601 datetime (UTC if no offset)") from None
    if when.year < 1970:
        raise BadParameterError(field, value, "a date from 1970 on")
    return when


def address_param(value: str, field: str = "address") -> str:
    """An account or contract address (0x and 40 hex digits, EIP-55 checksum if mixed-case), checksummed."""
    text = value.strip()
    if not is_valid_address(text):
        raise BadParameterError(
            field, value, "an address: 0x and 40 hex digits (a correct EIP-55 checksum if mixed-case)"
        )
    return str(to_checksum_address(text))


def checkpoint_param(value: str | None, field: str = "checkpoint") -> str | None:
    """A block hash the user trusts: 0x and 64 hex digits; ``None`` when absent or empty."""
    if value is None or _blank(value):
        return None
    text = value.strip()
    if not (text.lower().startswith("0x") and is_hex32(text)):
        raise BadParameterError(field, value, "a block hash: 0x and 64 hex digits (e.g. from `ipledger checkpoint`)")
    return text.lower()


def kind_param(value: str | None) -> RightKind | None:
    if value is None or _blank(value):
        return None
    try:
        return RightKind(value.strip().lower())
    except ValueError:
        raise BadParameterError("kind", value, "one of " + ", ".join(kind.value for kind in RightKind)) from None


def status_param(value: str | None) -> RightStatus | None:
    if value is None or _blank(value):
        return None
    try:
        return RightStatus(value.strip().lower())
    except ValueError:
        raise BadParameterError(
            "status", value, "one of " + ", ".join(status.value for status in RightStatus)
        ) from None


def jurisdiction_param(value: str | None) -> str | None:
    """A two-letter office or country code (``CN``, ``US``, ``EP``...), upper-cased."""
    if value is None or _blank(value):
        return None
    if not _JURISDICTION.fullmatch(value.strip()):
        raise BadParameterError("jurisdiction", value, "a two-letter office code such as CN, US or EP")
    return value.strip().upper()


def limit_param(value: str | None, *, default: int, maximum: int, field: str = "limit") -> int:
    if value is None or _blank(value):
        return default
    try:
        number = int_from_text(value)
    except ValueError:
        number = 0
    if not 1 <= number <= maximum:
        raise BadParameterError(field, value, f"a whole number from 1 to {maximum}")
    return number


def offset_param(value: str | None, field: str = "offset") -> int:
    """How many items to skip: a whole number, 0 or more (0 when absent or empty)."""
    if value is None or _blank(value):
        return 0
    try:
        number = int_from_text(value)
    except ValueError:
        number = -1
    if not 0 <= number <= MAX_BLOCK:
        raise BadParameterError(field, value, "a whole number, 0 or more")
    return number
