"""Why a mined transaction reverted, found at its own position in its block.

Replaying a failed transaction on the state before its block is wrong whenever another transaction ran before it in
the same block (a copier that paid a higher tip, anybody on a chain with block times): the replay sees the state
that transaction changed afterwards, and usually succeeds. So the revert data is asked of the node in this order,
each step only when the node lacks the one before:

1. ``debug_traceTransaction`` (the call tracer, top call only; else the default tracer's ``returnValue``): the
   node re-executes the transaction where it stood;
2. ``eth_simulateV1`` of the block's transactions up to this one, on the state before the block;
3. ``debug_traceBlockByNumber`` (the call tracer), which re-executes the whole block;
4. ``eth_call`` on the state before the block, exact only for the first transaction of its block.

A method the node lacks, refuses or answers in an unusable shape is skipped. When none of them answers,
:func:`find_revert` says so (``data`` is ``None``) and the caller explains what it can.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ipledger._exceptions import NodeError
from ipledger.chain._rpc import Rpc, RpcResponseError

__all__ = ["RevertLookup", "find_revert"]

_METHOD_NOT_FOUND = -32601


@dataclass(frozen=True)
class RevertLookup:
    """What the node could tell about a failed transaction.

    ``data`` is the revert data as hex (``"0x"`` for a revert without data), ``None`` when no method found it;
    ``method`` the JSON-RPC method that found it; ``failure`` the node's word for a failure that carries no revert
    data (``"out of gas"``); ``tried`` every method asked, in order.
    """

    data: str | None
    method: str | None
    failure: str | None
    tried: tuple[str, ...]


def find_revert(rpc: Rpc, tx_hash: str, receipt: Any) -> RevertLookup:
    """The revert data of the mined, failed transaction ``tx_hash`` (its ``receipt`` as web3 returns it)."""
    block = int(receipt["blockNumber"])
    index = int(receipt["transactionIndex"])
    tried: list[str] = []
    for method, lookup in (
        ("debug_traceTransaction", _traced_transaction),
        ("eth_simulateV1", _simulated),
        ("debug_traceBlockByNumber", _traced_block),
    ):
        tried.append(method)
        try:
            found = lookup(rpc, tx_hash, block, index)
        except (NodeError, LookupError, TypeError, ValueError):
            # Not offered (method not found, tracer unknown), refused or answered in an unusable shape: this method
            # cannot tell, the next may.
            continue
        if found is not None:
            data, failure = found
            return RevertLookup(data=data, method=method, failure=failure, tried=tuple(tried))
    if index == 0:
        tried.append("eth_call")
        data = _replayed(rpc, tx_hash, block)
        if data is not None:
            return RevertLookup(data=data, method="eth_call", failure=None, tried=tuple(tried))
    return RevertLookup(data=None, method=None, failure=None, tried=tuple(tried))


def _traced_transaction(rpc: Rpc, tx_hash: str, block: int, index: int) -> tuple[str | None, str | None] | None:
    try:
        call_tracer = {"tracer": "callTracer", "tracerConfig": {"onlyTopCall": True}}
        trace = rpc.call("debug_traceTransaction", [tx_hash, call_tracer])
    except RpcResponseError as error:
        if error.code == _METHOD_NOT_FOUND:
            raise
        # A node with the method but without the call tracer (Hardhat): the default tracer, without the bulk.
        options = {"disableStack": True, "disableMemory": True, "disableStorage": True, "enableReturnData": True}
        trace = rpc.call("debug_traceTransaction", [tx_hash, options])
    return _from_trace(trace)


def _from_trace(trace: Any) -> tuple[str | None, str | None] | None:
    """(revert data, failure) from a call-tracer frame or a default-tracer result; ``None`` if it shows no failure."""
    if not isinstance(trace, dict):
        return None
    if "structLogs" in trace or "returnValue" in trace:
        if not trace.get("failed"):
            return None
        return _hex(trace.get("returnValue")), None
    error = trace.get("error")
    if not error:
        return None
    output = trace.get("output")
    if output is None and "revert" not in str(error).lower():
        return None, str(error)
    return _hex(output), None


def _simulated(rpc: Rpc, tx_hash: str, block: int, index: int) -> tuple[str | None, str | None] | None:
    full = rpc.call("eth_getBlockByNumber", [hex(block), True])
    transactions = full["transactions"][: index + 1]
    if not transactions or transactions[-1]["hash"].lower() != tx_hash.lower():
        return None
    calls = [_call_of(transaction) for transaction in transactions]
    overrides = {
        "number": hex(block),
        "time": full["timestamp"],
        "gasLimit": full["gasLimit"],
        "feeRecipient": full["miner"],
    }
    if full.get("baseFeePerGas") is not None:
        overrides["baseFeePerGas"] = full["baseFeePerGas"]
    payload = {"blockStateCalls": [{"blockOverrides": overrides, "calls": calls}], "validation": False}
    result = rpc.call("eth_simulateV1", [payload, hex(block - 1)])
    outcome = result[0]["calls"][-1]
    if int(str(outcome.get("status", "0x1")), 16) == 1:
        return None
    error = outcome.get("error") or {}
    data = outcome.get("returnData")
    if (data is None or data == "0x") and isinstance(error, dict) and isinstance(error.get("data"), str):
        data = error["data"]
    return _hex(data), None


def _traced_block(rpc: Rpc, tx_hash: str, block: int, index: int) -> tuple[str | None, str | None] | None:
    traces = rpc.call("debug_traceBlockByNumber", [hex(block), {"tracer": "callTracer"}])
    if not isinstance(traces, list) or len(traces) <= index:
        return None
    entry = traces[index]
    if isinstance(entry, dict) and "result" in entry:
        if str(entry.get("txHash", tx_hash)).lower() != tx_hash.lower():
            return None
        entry = entry["result"]
    return _from_trace(entry)


def _replayed(rpc: Rpc, tx_hash: str, block: int) -> str | None:
    transaction = rpc.call("eth_getTransactionByHash", [tx_hash])
    try:
        rpc.call("eth_call", [_call_of(transaction), hex(block - 1)])
    except RpcResponseError as error:
        return error.data if error.data is not None else None
    except NodeError:
        return None
    return None


def _call_of(transaction: dict[str, Any]) -> dict[str, Any]:
    data = transaction.get("input", transaction.get("data", "0x"))
    call = {
        "from": transaction["from"],
        "input": data,
        "data": data,
        "value": transaction.get("value", "0x0"),
        "gas": transaction["gas"],
    }
    if transaction.get("to"):
        call["to"] = transaction["to"]
    return call


def _hex(value: Any) -> str:
    if value is None:
        return "0x"
    text = str(value)
    return text if text.startswith("0x") else "0x" + text
