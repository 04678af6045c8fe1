"""The CLI's small renderers (sdk/ipledger/cli/_render.py)."""

from __future__ import annotations

import pytest
from ipledger.cli._render import short

HASH = "0x3bb2abb69ebb27fbfe63c7639624c6ec5e331b841a5bc8c3ebc10b9285e90877"


@pytest.mark.parametrize(
    ("head", "tail", "expected"),
    [(4, 4, "0x3bb2…0877"), (8, 0, "0x3bb2abb6…"), (0, 6, "0x…e90877")],
)
def test_short_keeps_head_and_tail_digits(head: int, tail: int, expected: str) -> None:
    assert short(HASH, head=head, tail=tail) == expected


def test_short_values_and_nothing_stay_readable() -> None:
    assert short("0x1234") == "0x1234" and short("ZL 2020 1 0123456.2") == "ZL 2020 1 0123456.2"
    assert short(None) == "-" and short("") == "-"
