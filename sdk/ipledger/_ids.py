"""Token ids as users type them: decimal or 0x hex."""

from __future__ import annotations

from ._exceptions import InvalidInputError

__all__ = ["parse_token_id"]


def parse_token_id(value: int | str) -> int:
    """A token id from an int, a decimal string or a 0x-prefixed hex string."""
    if isinstance(value, int) and not isinstance(value, bool):
        token_id = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            token_id = int(text, 16) if text.lower().startswith("0x") else int(text, 10)
        except ValueError:
            raise InvalidInputError(f"{value!r} is not a token id (decimal or 0x hex)") from None
    else:
        raise InvalidInputError(f"{value!r} is not a token id")
    if not 0 < token_id < 2**256:
        raise InvalidInputError(f"token id {value!r} is out of range (1 to 2**256-1)")
    return token_id
