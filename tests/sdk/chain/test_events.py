"""Log decoding: indexed arguments read straight from the topic hex agree with eth_abi, refusals included."""

from __future__ import annotations

import pytest
from eth_abi.abi import decode
from hypothesis import given
from hypothesis import strategies as st
from ipledger.chain._events import _topic_value, _value

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


def test_every_linked_event_is_decoded_with_the_arguments_that_name_its_rights() -> None:
    """The history chain's table (which events extend which rights' histories) against the SDK's decoder and the
    shipped ABIs: an event linked on chain that the SDK cannot decode, or an argument it names differently, would
    make every history with it unprovable."""
    from ipledger._artifacts import load_artifact
    from ipledger.audit._history_chain import LINKED_EVENTS
    from ipledger.chain._events import _EVENTS

    emitted = {
        entry["name"]: entry
        for contract in ("IPRegistry", "LicenseRegistry", "AttestationRegistry", "DisputeManager", "FractionVault")
        for entry in load_artifact(contract).abi
        if entry["type"] == "event"
    }
    for name, arguments in LINKED_EVENTS.items():
        signature, indexed, data = _EVENTS[name]
        abi = emitted[name]
        assert signature == f"{name}({','.join(item['type'] for item in abi['inputs'])})"
        assert [kind for _, kind in indexed] == [item["type"] for item in abi["inputs"] if item["indexed"]]
        assert [kind for _, kind in data] == [item["type"] for item in abi["inputs"] if not item["indexed"]]
        assert set(arguments) <= {arg for arg, _ in indexed}, name
