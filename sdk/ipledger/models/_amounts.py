"""Token amounts: human decimals ("1.5") to base units and back, exactly (no floats)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ipledger._exceptions import InvalidInputError

__all__ = ["format_units", "parse_units", "require_units"]

_MAX_UINT256 = 2**256 - 1
_MAX_DIGITS = len(str(_MAX_UINT256))  # a larger power of ten is out of range whatever the digits


def parse_units(value: str | int | Decimal, decimals: int, *, what: str = "amount") -> int:
    """Base units of ``value`` given in whole tokens: ``parse_units("1.5", 6) == 1_500_000``.

    Accepts digits with an optional decimal point and ``_`` or ``,`` as thousands separators; refuses negative
    amounts, more fractional digits than the token has, and anything outside uint256.
    """
    if not 0 <= decimals <= 77:
        raise InvalidInputError(f"{decimals} decimals is out of range")
    if isinstance(value, bool):
        raise InvalidInputError(f"{what} must be a number")
    text = str(value).strip().replace("_", "").replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InvalidInputError(f"{what} {value!r} is not a number such as 1000 or 1.5") from None
    if not number.is_finite() or number < 0:
        raise InvalidInputError(f"{what} {value!r} must be zero or positive")
    # In integers, not Decimal arithmetic: its context keeps 28 significant digits and would round the rest away.
    _, digits, exponent = number.as_tuple()
    coefficient = int("".join(map(str, digits)))
    if coefficient == 0:
        return 0
    shift = int(exponent) + decimals
    if number.adjusted() + decimals > _MAX_DIGITS:
        raise InvalidInputError(f"{what} {value!r} is too large")
    if shift < 0:
        coefficient, remainder = divmod(coefficient, 10**-shift) if -shift <= len(digits) else (0, coefficient)
        if remainder:
            raise InvalidInputError(f"{what} {value!r} has more than {decimals} decimal places")
        units = coefficient
    else:
        units = coefficient * 10**shift
    if units > _MAX_UINT256:
        raise InvalidInputError(f"{what} {value!r} is too large")
    return units


def format_units(units: int, decimals: int, *, grouping: bool = False) -> str:
    """Whole tokens of ``units`` base units, without trailing zeros: ``format_units(1_500_000, 6) == "1.5"``;
    ``grouping`` adds thousands separators (``1,000.5``), which :func:`parse_units` accepts back."""
    sign = "-" if units < 0 else ""
    whole, fraction = divmod(abs(units), 10**decimals)
    digits = f"{fraction:0{decimals}d}".rstrip("0") if decimals else ""
    return sign + (f"{whole:,}" if grouping else str(whole)) + (f".{digits}" if digits else "")


def require_units(amount: int, what: str = "amount") -> int:
    """``amount`` if it is a positive number of base units (an ``int`` below 2**256)."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= _MAX_UINT256:
        raise InvalidInputError(f"{what} must be a positive number of base units, not {amount!r}")
    return amount
