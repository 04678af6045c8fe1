"""Log decoding: indexed arguments read straight from the topic hex agree with eth_abi, refusals included."""

from __future__ import annotations

import pytest
from eth_abi.abi import decode
from hypothesis import given
from hypothesis import strategies as st
from ipledger._events import _topic_value, _value

KINDS = ("address", "uint256", "uint40", "uint8", "bytes32", "bool")


def _by_eth_abi(kind: str, topic: str) -> tuple[str, object]:
    try:
        (value,) = decode([kind], bytes.fromhex(topic[2:]))
    except Exception as error:  # noqa: BLE001 - the kind of refusal is what is compared
        return "refused", type(error).__name__
    return "decoded", _value(kind, value)


def _by_topic(kind: str, topic: str) -> tuple[str, object]:
    try:
        return "decoded", _topic_value(kind, topic)
    except Exception as error:  # noqa: BLE001
        return "refused", type(error).__name__


@given(
    kind=st.sampled_from(KINDS),
    bits=st.sampled_from((1, 8, 40, 160, 256)),
    raw=st.integers(min_value=0, max_value=2**256 - 1),
    upper=st.booleans(),
)
def test_topic_values_match_eth_abi(kind: str, bits: int, raw: int, upper: bool) -> None:
    value = raw % (1 << bits)
    digits = value.to_bytes(32, "big").hex()
    topic = "0x" + (digits.upper() if upper else digits)
    assert _by_topic(kind, topic) == _by_eth_abi(kind, topic)


@pytest.mark.parametrize("kind", KINDS)
def test_malformed_padding_is_refused_like_eth_abi(kind: str) -> None:
    topic = "0x" + "ff" * 32
    assert _by_topic(kind, topic) == _by_eth_abi(kind, topic)
