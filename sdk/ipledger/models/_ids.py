"""Token ids as users type them: decimal or 0x hex."""

from __future__ import annotations

import re

from ipledger._exceptions import InvalidInputError

__all__ = ["int_from_text", "parse_token_id"]

# ASCII only: int() alone also takes "1_000", "+5", "-0" and non-ASCII digits such as "\u0661\u0662" (Arabic-Indic).
_DECIMAL = re.compile(r"[0-9]+")
_HEX = re.compile(r"0[xX][0-9a-fA-F]+")


def int_from_text(text: str) -> int:
    """A non-negative integer written in ASCII decimal digits or as 0x hex (surrounding white space ignored);
    :class:`ValueError` for anything else."""
    stripped = text.strip()
    if _HEX.fullmatch(stripped):
        return int(stripped, 16)
    if _DECIMAL.fullmatch(stripped):
        return int(stripped, 10)
    raise ValueError(f"{text!r} is not a decimal or 0x hex integer")


def parse_token_id(value: int | str) -> int:
    """A token id from an int, a decimal string or a 0x-prefixed hex string."""
    if isinstance(value, int) and not isinstance(value, bool):
        token_id = value
    elif isinstance(value, str):
        try:
            token_id = int_from_text(value)
        except ValueError:
            raise InvalidInputError(f"{value!r} is not a token id (decimal or 0x hex)") from None
    else:
        raise InvalidInputError(f"{value!r} is not a token id")
    if not 0 < token_id < 2**256:
        raise InvalidInputError(f"token id {value!r} is out of range (1 to 2**256-1)")
    return token_id
