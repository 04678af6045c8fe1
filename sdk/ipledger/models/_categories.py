"""Investor categories of the compliance registry: a bit each (its ``CATEGORY_`` constants), named here once."""

from __future__ import annotations

from collections.abc import Iterable

from ipledger._exceptions import InvalidInputError

__all__ = ["INVESTOR_CATEGORIES", "category_bits", "category_names"]

#: Category name -> its bit in the registry (``CATEGORY_PROFESSIONAL_HK``, ``_ACCREDITED``, ``_QUALIFIED``,
#: ``_RETAIL``), in bit order.
INVESTOR_CATEGORIES: dict[str, int] = {
    "hk-professional": 1 << 0,
    "accredited": 1 << 1,
    "qualified": 1 << 2,
    "retail": 1 << 3,
}
_MAX_BITS = 0xFFFF


def category_names(bits: int) -> list[str | int]:
    """The categories of a bit set, by name in bit order; a bit without a name stays its number (``16``)."""
    names: list[str | int] = []
    for position in range(16):
        bit = 1 << position
        if bits & bit:
            names.append(next((name for name, value in INVESTOR_CATEGORIES.items() if value == bit), bit))
    return names


def category_bits(categories: int | str | Iterable[str | int]) -> int:
    """The bit set of ``categories``: a bit set as is, names separated by commas (``"hk-professional,accredited"``),
    or an iterable of names and bits. Empty means none (zero)."""
    if isinstance(categories, bool):
        raise InvalidInputError("categories must be names or a bit set, not a boolean")
    items: Iterable[str | int]
    if isinstance(categories, int):
        items = [categories]
    elif isinstance(categories, str):
        items = [part for part in categories.split(",") if part.strip()]
    else:
        items = categories
    bits = 0
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            value = item
        elif isinstance(item, str) and item.strip().lower() in INVESTOR_CATEGORIES:
            value = INVESTOR_CATEGORIES[item.strip().lower()]
        elif isinstance(item, str) and item.strip().isdigit():
            value = int(item.strip())
        else:
            known = ", ".join(INVESTOR_CATEGORIES)
            raise InvalidInputError(f"{item!r} is not an investor category ({known}, or a bit number such as 16)")
        if not 0 <= value <= _MAX_BITS:
            raise InvalidInputError(f"investor category bits must fit 16 bits (0 to {_MAX_BITS}), not {value}")
        bits |= value
    return bits
