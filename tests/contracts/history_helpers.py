"""The history-commitment verifier the contract tests share: recomputes a right's history word (``IRightHistory``)
from ``web3.eth.get_logs`` of one block at a time, following the ``HistoryLinked`` pointers back, with no SDK code.

Used by ``history/test_right_history.py`` (which tests the commitment itself) and by tests of acts that must appear
in a right's history (``registry/test_erc7943.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from brownie import web3
from eth_utils import keccak

__all__ = ["LINKED", "SEED", "UNLINKED_SIGNATURES", "assert_history", "history_word", "walk"]

SEED = int.from_bytes(keccak(text="ipledger.RightHistory"), "big") - 1

#: Registry events linked into a right's history, with the topic positions that name the rights they are about.
LINKED = {
    "Transfer": (3,),
    "RightRegistered": (1,),
    "NumbersAdded": (1,),
    "NumberReclaimed": (1, 2),
    "NumbersReleased": (1,),
    "Assigned": (1,),
    "Frozen": (1,),
    "Unfrozen": (1,),
    "ForceTransferred": (1,),
    "MetadataPublished": (1,),
    "ClaimSuperseded": (1,),
    "ContentReclaimed": (2, 3),
    "RoyaltySet": (1,),
    "ClaimConfirmed": (1,),
    "DisputeLockSet": (1,),
    "RightRevoked": (1,),
}


#: ERC-7943's events, which repeat the registry's own and are linked into no history. ERC-7943's ``Frozen`` overloads
#: the registry's name, so events are told apart by signature, never by name alone.
UNLINKED_SIGNATURES = frozenset({"Frozen(address,uint256,bool)", "ForcedTransfer(address,address,uint256)"})


def _topics(abi: list[dict[str, Any]]) -> dict[bytes, str]:
    """topic0 -> the event's name (its signature for the unlinked ERC-7943 events)."""
    signatures = {}
    for entry in abi:
        if entry["type"] == "event":
            signature = f"{entry['name']}({','.join(item['type'] for item in entry['inputs'])})"
            signatures[bytes(keccak(text=signature))] = signature if signature in UNLINKED_SIGNATURES else entry["name"]
    return signatures


def history_word(registry: Any, token: int) -> tuple[int, int]:
    last_block, head = registry.historyOf(token)
    return int(last_block), int.from_bytes(bytes(head), "big")


def _extend(head: int, block: int, timestamp: int, log: Any) -> int:
    digest = keccak(b"".join(bytes(topic) for topic in log["topics"]) + keccak(bytes(log["data"])))
    encoded = head.to_bytes(32, "big") + block.to_bytes(32, "big") + timestamp.to_bytes(32, "big") + digest
    return int.from_bytes(keccak(encoded), "big") >> 64


def walk(
    registry: Any, token: int, *, tamper: Callable[[int, list[Any]], list[Any]] | None = None
) -> tuple[int, int, int]:
    """Recomputes the right's history word from its latest block back: (last block, head, events found)."""
    names = _topics(registry.abi)
    linked_topic = bytes(keccak(text="HistoryLinked(uint256,uint256)"))
    token_topic = token.to_bytes(32, "big")
    last_block, _ = history_word(registry, token)
    blocks: list[tuple[int, int, list[Any]]] = []
    current = last_block
    while current:
        logs = sorted(
            web3.eth.get_logs({"address": registry.address, "fromBlock": current, "toBlock": current}),
            key=lambda log: log["logIndex"],
        )
        if tamper is not None:
            logs = tamper(current, logs)
        previous = 0
        mine = []
        for log in logs:
            topics = [bytes(topic) for topic in log["topics"]]
            if topics[0] == linked_topic and topics[1] == token_topic:
                previous = int.from_bytes(bytes(log["data"]), "big")
                continue
            positions = LINKED.get(names.get(topics[0], ""), ())
            if any(len(topics) > i and topics[i] == token_topic for i in positions):
                mine.append(log)
        blocks.append((current, web3.eth.get_block(current)["timestamp"], mine))
        assert previous < current, "a history link must point back"
        current = previous
    head = 0
    for number, timestamp, logs in reversed(blocks):
        for log in logs:
            head = _extend(head, number, timestamp, log)
    return (blocks[0][0] if blocks else 0), head, sum(len(logs) for _, _, logs in blocks)


def assert_history(registry: Any, token: int) -> int:
    """The recomputed word equals ``historyOf`` and the raw slot; returns the number of events."""
    last_block, head, events = walk(registry, token)
    assert (last_block, head) == history_word(registry, token)
    slot = int.from_bytes(keccak(token.to_bytes(32, "big") + SEED.to_bytes(32, "big")), "big")
    raw = int.from_bytes(web3.eth.get_storage_at(registry.address, slot), "big")
    assert raw == head << 64 | last_block
    return events
