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

    # By signature: ERC-7943's Frozen(address,uint256,bool) overloads the registry's Frozen(uint256,address,bytes32).
    emitted = {
        f"{entry['name']}({','.join(item['type'] for item in entry['inputs'])})": entry
        for contract in (
            "IPRegistry",
            "LicenseRegistry",
            "AttestationRegistry",
            "DisputeManager",
            "FractionVault",
            "LoanDesk",
        )
        for entry in load_artifact(contract).abi
        if entry["type"] == "event"
    }
    for name, arguments in LINKED_EVENTS.items():
        signature, indexed, data = _EVENTS[name]
        assert signature in emitted, (name, signature)
        abi = emitted[signature]
        assert abi["name"] == name
        assert [kind for _, kind in indexed] == [item["type"] for item in abi["inputs"] if item["indexed"]]
        assert [kind for _, kind in data] == [item["type"] for item in abi["inputs"] if not item["indexed"]]
        assert set(arguments) <= {arg for arg, _ in indexed}, name


def test_erc7943_events_are_not_decoded_as_the_registry_s() -> None:
    """ERC-7943's Frozen shares the registry's event name, not its signature: the decoder, keyed by topic0, leaves
    it (and ForcedTransfer) undecoded, so no history or index reads it as the registry's freeze."""
    from eth_utils.crypto import keccak
    from ipledger.chain._events import EVENT_SIGNATURES, decode_log

    for signature in ("Frozen(address,uint256,bool)", "ForcedTransfer(address,address,uint256)"):
        topic = "0x" + keccak(text=signature).hex()
        assert topic not in EVENT_SIGNATURES
        log = {
            "topics": [topic, "0x" + "11" * 32, "0x" + "22" * 32, "0x" + "00" * 31 + "01"],
            "data": "0x",
            "blockNumber": "0x1",
            "logIndex": "0x0",
            "transactionHash": "0x" + "33" * 32,
            "address": "0x" + "44" * 20,
        }
        assert decode_log(log) is None
