"""Human amounts to base units and back, exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ipledger import InvalidInputError, format_units, parse_units


@pytest.mark.parametrize(
    ("text", "decimals", "units"),
    [
        ("1", 18, 10**18),
        ("1.5", 6, 1_500_000),
        ("0.000001", 6, 1),
        ("1_000_000", 0, 1_000_000),
        ("1,000.25", 2, 100_025),
        (Decimal("2.5"), 1, 25),
        (7, 3, 7_000),
        ("0", 18, 0),
    ],
)
def test_parse_units(text: str | int | Decimal, decimals: int, units: int) -> None:
    assert parse_units(text, decimals) == units


@pytest.mark.parametrize("text", ["1.0000001", "-1", "abc", "1e400", "NaN", "inf", ""])
def test_parse_units_refuses_what_it_cannot_represent(text: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_units(text, 6)


@pytest.mark.parametrize(
    ("units", "decimals", "text"), [(1_500_000, 6, "1.5"), (10**18, 18, "1"), (5, 0, "5"), (1, 6, "0.000001")]
)
def test_format_units_round_trips(units: int, decimals: int, text: str) -> None:
    assert format_units(units, decimals) == text
    assert parse_units(format_units(units, decimals, grouping=True), decimals) == units


def test_format_units_groups_thousands() -> None:
    assert format_units(1_234_567_500_000, 6, grouping=True) == "1,234,567.5"


@pytest.mark.parametrize(
    ("text", "decimals", "units"),
    [
        ("10000000000000000000000000001", 0, 10**28 + 1),  # found by hypothesis: Decimal's 28 digits rounded it
        ("12345678901.123456789012345678", 18, 12345678901123456789012345678),
        (str(2**256 - 1), 0, 2**256 - 1),
        ("0E+99999999", 6, 0),
    ],
)
def test_parse_units_is_exact_beyond_28_significant_digits(text: str, decimals: int, units: int) -> None:
    assert parse_units(text, decimals) == units


@pytest.mark.parametrize("text", ["1e-99999999", "1e99999999", str(2**256)])
def test_parse_units_refuses_huge_exponents_without_computing_them(text: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_units(text, 6)
