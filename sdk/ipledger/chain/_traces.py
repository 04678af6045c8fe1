"""The named reason behind a wrapped revert, read from a call trace.

A contract that calls a share token may replace the token's revert with its own words: Uniswap V2's pair answers
``Error("UniswapV2: TRANSFER_FAILED")`` whatever the token said, its router ``Error("TransferHelper:
TRANSFER_FROM_FAILED")``. The token's own error (``NotEligible(account)``) is still in the trace: the call tracer
(``debug_traceTransaction`` / ``debug_traceCall`` with ``{"tracer": "callTracer"}``) keeps every call frame, and a
frame that failed has an ``error`` and, when it reverted with data, that data as ``output``.

:func:`revert_path` follows the failure down from the top call: a failed frame's last call, if it failed too, is the
one its revert answers (a re-revert such as ``require(success, "...")`` comes right after the failed call; a failure
followed by other calls was caught and handled, and is not on the path). :func:`inner_revert` then decodes, from the
innermost frame outwards, the first revert data that is a custom error the decoder knows (the contracts' own, their
libraries' and the tokens' they call; ``Panic`` too); ``Error(string)``, data no source declares and a revert
without data are skipped, so the wrapper's string never hides the reason beneath it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eth_utils.address import is_address, to_checksum_address

from ipledger._exceptions import ContractRevertError, NodeError
from ipledger.chain._reverts import RevertDecoder
from ipledger.chain._rpc import Rpc

__all__ = ["CALL_TRACER", "RevertFrame", "inner_revert", "revert_path", "trace_call", "trace_transaction"]

#: The tracer options of every trace asked here: the call tracer, every frame.
CALL_TRACER: dict[str, Any] = {"tracer": "callTracer"}
#: Decoded names that are no contract's custom error: a wrapper's string, data no source declares, no data.
_NOT_NAMED = frozenset({"Error", "unknown", "reverted without reason"})


@dataclass(frozen=True)
class RevertFrame:
    """One failed call frame on a trace's revert path.

    ``to`` is the callee, checksummed (``None`` for a failed creation), ``output`` the revert data as hex (``"0x"``
    for none), ``error`` the node's word for the failure ("execution reverted", "out of gas"), ``depth`` 0 for the
    top call.
    """

    to: str | None
    output: str
    error: str
    depth: int


def revert_path(trace: Mapping[str, Any]) -> list[RevertFrame]:
    """The failed frames of a call-tracer ``trace`` that made it fail, outermost first (empty if it succeeded)."""
    path: list[RevertFrame] = []
    frame: Mapping[str, Any] | None = trace
    while isinstance(frame, Mapping) and frame.get("error"):
        to = frame.get("to")
        path.append(
            RevertFrame(
                to=to_checksum_address(str(to)) if to and is_address(str(to)) else None,
                output=_hex(frame.get("output")),
                error=str(frame["error"]),
                depth=len(path),
            )
        )
        calls = frame.get("calls")
        frame = calls[-1] if isinstance(calls, list) and calls else None
    return path


def inner_revert(
    decoder: RevertDecoder,
    trace: Mapping[str, Any],
    *,
    tx_hash: str | None = None,
    block: int | None = None,
) -> ContractRevertError | None:
    """The innermost named revert on ``trace``'s revert path, decoded (its ``action`` names the callee), or
    ``None`` when the trace shows no failure or no frame on the path reverted with a named error."""
    for frame in reversed(revert_path(trace)):
        if frame.output == "0x":
            continue
        action = f"inner call to {frame.to}" if frame.to else "inner creation"
        error = decoder.decode(frame.output, action=action, tx_hash=tx_hash, block=block)
        if error.error_name not in _NOT_NAMED:
            return error
    return None


def trace_transaction(rpc: Rpc, tx_hash: str) -> Mapping[str, Any]:
    """The call-tracer trace of a mined transaction (the node re-executes it at its own position in its block)."""
    return _frame(rpc, "debug_traceTransaction", rpc.call("debug_traceTransaction", [tx_hash, CALL_TRACER]))


def trace_call(rpc: Rpc, call: Mapping[str, Any], block: int | str = "latest") -> Mapping[str, Any]:
    """The call-tracer trace of ``call`` (``from``, ``to``, ``data``, optionally ``value`` and ``gas``; integers
    are sent as hex quantities) on the state of ``block``; nothing is sent."""
    request = {key: hex(value) if isinstance(value, int) else value for key, value in call.items()}
    tag = hex(block) if isinstance(block, int) else block
    return _frame(rpc, "debug_traceCall", rpc.call("debug_traceCall", [request, tag, CALL_TRACER]))


def _frame(rpc: Rpc, method: str, answer: Any) -> Mapping[str, Any]:
    if not isinstance(answer, Mapping):
        raise NodeError(f"{method}: malformed answer: not a call-tracer frame", endpoint=rpc.endpoint)
    return answer


def _hex(value: Any) -> str:
    if not value:
        return "0x"
    text = str(value)
    return text if text.startswith("0x") else "0x" + text
