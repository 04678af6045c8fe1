"""Dates and times as users type them (``parse_when``): a day or an ISO 8601 datetime, nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
from ipledger import parse_when


def test_a_day_or_a_datetime() -> None:
    assert parse_when(" 2024-02-29 ") == dt.date(2024, 2, 29)
    assert parse_when("2024-02-29T08:30:00") == dt.datetime(2024, 2, 29, 8, 30)
    assert parse_when("2024-02-29T08:30:00+08:00").utcoffset() == dt.timedelta(hours=8)


@pytest.mark.parametrize("text", ["2023-02-29", "29/02/2024", "yesterday", "", "2024-02-29 25:00"])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="neither YYYY-MM-DD nor an ISO datetime"):
        parse_when(text)
