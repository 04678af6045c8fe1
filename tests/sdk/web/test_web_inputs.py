"""URL and form parameters: parsed with the SDK's parsers, refused in one line naming the field and the form."""

from __future__ import annotations

import datetime as dt

import pytest
from ipledger import RightKind
from ipledger.web._inputs import (
    BadParameterError,
    address_param,
    block_param,
    checkpoint_param,
    date_param,
    jurisdiction_param,
    kind_param,
    limit_param,
    offset_param,
)


def test_good_values() -> None:
    assert block_param("0x10") == 16 and block_param(" 42 ") == 42 and block_param("") is None
    assert date_param("2024-02-29") == dt.date(2024, 2, 29)
    assert date_param("2024-02-29T12:00:00+08:00") == dt.datetime(
        2024, 2, 29, 12, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    assert address_param("0x" + "ab" * 20) == "0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB"
    assert checkpoint_param("0x" + "AB" * 32) == "0x" + "ab" * 32 and checkpoint_param(None) is None
    assert kind_param("Utility_Model") is RightKind.UTILITY_MODEL and jurisdiction_param("cn") == "CN"
    assert limit_param(None, default=20, maximum=100) == 20
    assert block_param(str(2**63 - 1)) == 2**63 - 1 and offset_param(None) == 0 and offset_param("0x10") == 16


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: block_param("1e3"), "block: '1e3' is not valid; expected a block number"),
        (lambda: block_param("١٢"), "block: '١٢'"),
        (lambda: date_param("2024-02-30"), "date: '2024-02-30' is not valid; expected a date YYYY-MM-DD"),
        (lambda: date_param("0001-01-01"), "expected a date from 1970 on"),
        (lambda: address_param("0x" + "aB" * 20), "address: "),
        (lambda: checkpoint_param("ab" * 32), "checkpoint: "),
        (lambda: kind_param("song"), "kind: 'song' is not valid; expected one of patent, "),
        (lambda: jurisdiction_param("C1"), "jurisdiction: 'C1'"),
        (lambda: limit_param("1000", default=20, maximum=100), "limit: '1000' is not valid; expected a whole number"),
        (lambda: block_param(str(2**63)), f"block: '{2**63}' is not valid; expected a block number"),
        (lambda: block_param("0x" + "f" * 4000), "block: '0x" + "f" * 58 + "…' is not valid"),
        (lambda: offset_param("-1"), "offset: '-1' is not valid; expected a whole number, 0 or more"),
    ],
)
def test_bad_values_are_refused_in_one_line(call: object, message: str) -> None:
    with pytest.raises(BadParameterError) as refused:
        call()  # type: ignore[operator]
    assert message in str(refused.value) and "\n" not in str(refused.value)
    assert refused.value.status == 400
