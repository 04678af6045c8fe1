"""Reading logs with few ``eth_getLogs`` calls, split adaptively when a provider limits ranges or results."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ipledger._exceptions import NodeError
from ipledger.chain._rpc import Rpc, RpcResponseError

__all__ = ["fetch_logs", "fetch_block_timestamps"]

#: Phrases providers use when a range or a result set is too large (Alchemy, Infura, QuickNode, geth, anvil).
_LIMIT_HINTS = re.compile(
    r"range|too many|limit|exceed|max(imum)? (block|result)|10000|query returned more|response size|timeout",
    re.IGNORECASE,
)
_LIMIT_CODES = {-32005, -32602, -32614}


def _is_limit_error(error: RpcResponseError) -> bool:
    return error.code in _LIMIT_CODES or bool(_LIMIT_HINTS.search(error.rpc_message))


def fetch_logs(
    rpc: Rpc,
    *,
    address: str | Sequence[str],
    topics: Sequence[Any],
    from_block: int,
    to_block: int,
    max_range: int | None = None,
) -> list[dict[str, Any]]:
    """All logs matching ``topics`` at ``address`` (or any of several addresses) in ``[from_block, to_block]``, in
    chain order.

    Ranges start at ``max_range`` blocks (the whole span when ``None``) and are halved whenever the
    provider refuses a request for its size, down to a single block.
    """
    logs: list[dict[str, Any]] = []
    pending = _initial_ranges(from_block, to_block, max_range)
    while pending:
        start, end = pending.pop(0)
        try:
            logs.extend(
                rpc.call(
                    "eth_getLogs",
                    [
                        {
                            "address": address if isinstance(address, str) else list(address),
                            "topics": list(topics),
                            "fromBlock": hex(start),
                            "toBlock": hex(end),
                        }
                    ],
                )
            )
        except RpcResponseError as error:
            if not _is_limit_error(error):
                raise
            if start == end:
                raise NodeError(
                    f"eth_getLogs refused even a single block ({start}): {error.rpc_message}", endpoint=rpc.endpoint
                ) from None
            middle = (start + end) // 2
            pending[:0] = [(start, middle), (middle + 1, end)]
    logs.sort(key=lambda log: (int(log["blockNumber"], 16), int(log["logIndex"], 16)))
    return logs


def _initial_ranges(from_block: int, to_block: int, max_range: int | None) -> list[tuple[int, int]]:
    if to_block < from_block:
        return []
    step = max_range or (to_block - from_block + 1)
    return [(start, min(start + step - 1, to_block)) for start in range(from_block, to_block + 1, step)]


def fetch_block_timestamps(rpc: Rpc, block_numbers: Sequence[int], *, batch_size: int = 100) -> dict[int, int]:
    """Unix timestamps of ``block_numbers``, fetched in JSON-RPC batches of headers."""
    unique = sorted(set(block_numbers))
    timestamps: dict[int, int] = {}
    for offset in range(0, len(unique), batch_size):
        chunk = unique[offset : offset + batch_size]
        blocks = rpc.batch([("eth_getBlockByNumber", [hex(number), False]) for number in chunk])
        for number, block in zip(chunk, blocks, strict=True):
            if block is None:
                raise NodeError(f"block {number} is unknown to the node", endpoint=rpc.endpoint)
            timestamps[number] = int(block["timestamp"], 16)
    return timestamps
