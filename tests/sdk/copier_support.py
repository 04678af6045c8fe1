"""A copier for the SDK tests: it watches the pool (automine off), re-sends a victim's pending transaction from its
own account with a higher tip, so that the copy is mined first in the same block."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from chain_support import rpc
from eth_utils import to_checksum_address
from ipledger import Ledger, Signer

GWEI = 10**9


def until(condition: Callable[[], Any], timeout: float = 15.0) -> Any:
    """The first truthy value of ``condition``, polled until ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def pending_of(ledger: Ledger, address: str) -> list[dict[str, Any]]:
    """``address``'s transactions in the node's pool, by nonce."""
    pool = rpc(ledger, "txpool_content")["pending"]
    for sender, transactions in pool.items():
        if sender.lower() == address.lower():
            return [transactions[nonce] for nonce in sorted(transactions, key=int)]
    return []


def copy_first(ledger: Ledger, victim: str, copier: Signer) -> str:
    """Waits for ``victim``'s pending transaction and sends the same call from ``copier`` with a higher tip; the
    copy's hash."""
    original = until(lambda: pending_of(ledger, victim))[-1]
    w3 = ledger.chain.w3
    copy = {
        "to": to_checksum_address(original["to"]),
        "data": original["input"],
        "value": int(original["value"], 16),
        "gas": 2 * int(original["gas"], 16),
        "nonce": w3.eth.get_transaction_count(copier.address, "pending"),
        "chainId": ledger.chain_id,
        "maxPriorityFeePerGas": int(original["maxPriorityFeePerGas"], 16) + GWEI,
        "maxFeePerGas": int(original["maxFeePerGas"], 16) + 2 * GWEI,
    }
    raw = bytes(copier.account.sign_transaction(copy).raw_transaction)
    return "0x" + bytes(w3.eth.send_raw_transaction(raw)).hex().removeprefix("0x")


def mine_when_pending(ledger: Ledger, count: int) -> None:
    """Mines one block once ``count`` transactions wait in the pool."""
    until(lambda: sum(len(txs) for txs in rpc(ledger, "txpool_content")["pending"].values()) >= count)
    rpc(ledger, "evm_mine")


@contextmanager
def manual_mining(ledger: Ledger) -> Iterator[None]:
    """No automatic mining inside the block (the session node mines again afterwards)."""
    rpc(ledger, "evm_setAutomine", False)
    try:
        yield
    finally:
        rpc(ledger, "evm_setAutomine", True)
