"""Confirmations of many transactions at once, for the pipelines (deployment, bulk registration): they send without
waiting, so they confirm at the end of a run, every receipt checked against the canonical chain in a few batches.

The single sender (``_transactions.py``) confirms each transaction itself and re-sends one a reorganization dropped;
a pipeline instead reports the first one dropped, because running it again resumes without duplicates (the
deployment's journal, the bulk run's reconciliation with the chain)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from ipledger._exceptions import TransactionDroppedError, TransactionError
from ipledger.chain._rpc import Rpc

__all__ = ["await_confirmations"]

#: Seconds between looks at the head while the receipts get their confirmations.
_POLL_SECONDS = 0.25
#: Receipts and blocks asked for in one JSON-RPC batch.
_BATCH = 500


def await_confirmations(
    rpc: Rpc,
    mined: Sequence[tuple[str, int]],
    confirmations: int,
    *,
    action: str,
    resume_hint: str,
    timeout: float = 120.0,
) -> None:
    """Returns once every transaction of ``mined`` (its hash and the block it was mined in) is in a block
    ``confirmations`` deep that is still the canonical block at its height (1: at once). Raises
    :class:`TransactionDroppedError` for a transaction a reorganization took out of the chain and that is not pending
    again (``resume_hint`` says how to finish the run), and :class:`TransactionError` when the chain makes no block
    for ``timeout`` seconds."""
    first_block = dict(mined)
    hashes = list(first_block)
    if confirmations <= 1 or not hashes:
        return
    last_head, moved_at = -1, time.monotonic()
    where: dict[str, tuple[int, str]] = {}
    while True:
        head = int(rpc.call("eth_blockNumber", []), 16)
        if head != last_head:
            last_head, moved_at = head, time.monotonic()
        waiting = False
        missing: list[str] = []
        for tx_hash, receipt in zip(hashes, _answers(rpc, "eth_getTransactionReceipt", hashes), strict=True):
            if receipt is None:
                missing.append(tx_hash)
                continue
            block = int(receipt["blockNumber"], 16)
            where[tx_hash] = (block, str(receipt["blockHash"]))
            waiting = waiting or head - block + 1 < confirmations
        for tx_hash, pending in zip(missing, _answers(rpc, "eth_getTransactionByHash", missing), strict=True):
            if pending is None:
                block, block_hash = where.get(tx_hash, (first_block[tx_hash], "unknown"))
                raise TransactionDroppedError(
                    action,
                    tx_hash=tx_hash,
                    block=block,
                    block_hash=block_hash,
                    reason=f"it is neither mined nor pending now; {resume_hint}",
                )
            waiting = True
        if not waiting and _all_canonical(rpc, [where[tx_hash] for tx_hash in hashes]):
            return
        if time.monotonic() - moved_at > timeout:
            raise TransactionError(
                f"{action}: waiting for {confirmations} confirmations, the chain made no block for {timeout:.0f} s "
                "(a node that mines only on demand, such as an automining anvil, makes none by itself)"
            )
        time.sleep(_POLL_SECONDS)


def _answers(rpc: Rpc, method: str, hashes: Sequence[str]) -> list[dict[str, Any] | None]:
    """``method``'s answer for each transaction hash (None where the node knows none), in batches."""
    answers: list[dict[str, Any] | None] = []
    for start in range(0, len(hashes), _BATCH):
        part = rpc.batch([(method, [tx_hash]) for tx_hash in hashes[start : start + _BATCH]])
        answers.extend(answer if isinstance(answer, dict) else None for answer in part)
    return answers


def _all_canonical(rpc: Rpc, mined: Sequence[tuple[int, str]]) -> bool:
    """Whether each (block, block hash) is the canonical block at its height."""
    expected = dict(mined)
    heights = sorted(expected)
    for start in range(0, len(heights), _BATCH):
        part = heights[start : start + _BATCH]
        blocks = rpc.batch([("eth_getBlockByNumber", [hex(height), False]) for height in part])
        for height, block in zip(part, blocks, strict=True):
            if not isinstance(block, dict) or str(block["hash"]).lower() != expected[height].lower():
                return False
    return True
