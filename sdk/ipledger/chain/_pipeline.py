"""Many transactions from one signer without a round trip each: estimate in a batch, sign locally, send in a batch,
collect receipts in batches.

The signer's nonce is managed here: read once, then counted up locally. A window of calls is in flight at a time
(estimated in one JSON-RPC batch, sent in another); the next window is estimated against the state the previous one
left. A call whose estimate reverts is never sent and comes back with its decoded custom error.

A send refused because its nonce is taken ("nonce too low", "replacement transaction underpriced": another process
sending with the same key got there first) leaves no gap: the nonce is read again from the node and the refused
calls are estimated, signed and sent again, at most ``_NONCE_RETRIES`` times, so two runs sharing a key both finish
(a call the other run made redundant reverts in its estimate once that run's transaction is mined, or else on chain;
the registry refuses it either way). A send the node answers "already known" is ours already. Any other refusal
stops the run after its window; its nonce is used for an empty transfer so that the window's later transactions are
not stuck behind a gap, and the calls not sent are reported so (a rerun sends them).

Every transaction carries the expected ``chain_id``; before each window is signed, ``check_chain`` asks the node
again that it still reports it. A node that changed its answer stops the run there: the window and the rest are
reported not sent (:class:`~ipledger.ChainMismatchError`), nothing of them signed.

Signing uses eth-account, which signs with ``coincurve`` when it is installed (the ``fast`` extra): about 20 times
faster than the pure-Python fallback.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ipledger._exceptions import ChainMismatchError, ContractRevertError, IPLedgerError, NodeError, TransactionError
from ipledger.chain._accounts import Signer
from ipledger.chain._fees import Fees, current_fees
from ipledger.chain._node_answers import ALREADY_KNOWN, NONCE_TOO_LOW, UNDERPRICED
from ipledger.chain._reverts import RevertDecoder
from ipledger.chain._rpc import Rpc, RpcResponseError

__all__ = ["CallOutcome", "PipelinedSender", "PlannedCall"]

_GAS_MARGIN_NUMERATOR = 6
_GAS_MARGIN_DENOMINATOR = 5
#: Another transaction holds the nonce (mined, or pending with fees ours does not beat).
_NONCE_TAKEN = NONCE_TOO_LOW + UNDERPRICED
#: The nonce is used, by our transaction or another.
_NONCE_USED = ALREADY_KNOWN + _NONCE_TAKEN
_NONCE_RETRIES = 10
_RETRY_JITTER = 0.1


@dataclass(frozen=True)
class PlannedCall:
    """One contract call to send: ``key`` is the caller's label for it (a row number, a batch number)."""

    key: Hashable
    to: str
    data: str
    action: str


@dataclass(frozen=True)
class CallOutcome:
    """What became of a :class:`PlannedCall`: mined (``tx_hash``, ``block``, ``gas_used``) or ``error``."""

    call: PlannedCall
    tx_hash: str | None = None
    block: int | None = None
    gas_used: int | None = None
    error: IPLedgerError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class _Sent:
    call: PlannedCall
    tx_hash: str


class PipelinedSender:
    """Sends calls from ``signer`` in windows of ``window`` transactions; see the module docstring."""

    def __init__(
        self,
        rpc: Rpc,
        decoder: RevertDecoder,
        signer: Signer,
        *,
        chain_id: int,
        check_chain: Callable[[str], object],
        window: int = 64,
        receipt_timeout: float = 120.0,
        poll_interval: float = 0.02,
    ) -> None:
        if window < 1:
            raise ValueError("window must be at least 1")
        self._rpc = rpc
        self._decoder = decoder
        self._signer = signer
        self._address = to_checksum_address(signer.address)
        self._chain_id = chain_id
        self._check_chain = check_chain
        self._window = window
        self._receipt_timeout = receipt_timeout
        self._poll_interval = poll_interval
        self._nonce: int | None = None

    # ------------------------------------------------------------------ nonces

    def in_flight(self) -> int:
        """How many of the signer's transactions the node holds unmined (pending nonce minus mined nonce)."""
        pending, latest = self._rpc.batch(
            [
                ("eth_getTransactionCount", [self._address, "pending"]),
                ("eth_getTransactionCount", [self._address, "latest"]),
            ]
        )
        return max(0, int(pending, 16) - int(latest, 16))

    def wait_for_in_flight(self, timeout: float = 120.0) -> int:
        """Waits until none of the signer's transactions is pending; returns how many were. A killed earlier run may
        have left transactions in the node's pool: their effects must be on chain before anyone decides what is left
        to send, or the same work would be sent twice."""
        first = waiting = self.in_flight()
        deadline = time.monotonic() + timeout
        while waiting:
            if time.monotonic() > deadline:
                raise TransactionError(
                    f"{waiting} transaction(s) from {self._address} are still pending after {timeout:.0f} s; wait for "
                    "them (or replace them) before running again"
                )
            time.sleep(max(self._poll_interval, 0.1))
            waiting = self.in_flight()
        return first

    def _next_nonce(self) -> int:
        if self._nonce is None:
            self._nonce = int(self._rpc.call("eth_getTransactionCount", [self._address, "pending"]), 16)
        nonce = self._nonce
        self._nonce += 1
        return nonce

    # ------------------------------------------------------------------ sending

    def run(
        self, calls: Sequence[PlannedCall], *, on_outcome: Callable[[CallOutcome], None] | None = None
    ) -> list[CallOutcome]:
        """Sends every call and returns their outcomes in the calls' order."""
        outcomes: list[CallOutcome] = []
        for outcome in self.iter_run(calls):
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
        order = {id(call): position for position, call in enumerate(calls)}
        return sorted(outcomes, key=lambda outcome: order[id(outcome.call)])

    def iter_run(self, calls: Sequence[PlannedCall]) -> Iterator[CallOutcome]:
        """Sends every call, yielding each outcome as it is known (refused estimates first, then receipts)."""
        for start in range(0, len(calls), self._window):
            window: Sequence[PlannedCall] = calls[start : start + self._window]
            for attempt in range(_NONCE_RETRIES + 1):
                sent, outcomes, stopped, taken = self._send_window(window, last_try=attempt == _NONCE_RETRIES)
                yield from outcomes
                yield from self._receipts(sent)
                if not taken:
                    break
                # Another sender took these nonces: count from the node's pending nonce and send them again, after
                # a random pause so that two runs sharing the key do not collide again in lockstep.
                self._nonce = None
                window = taken
                time.sleep(random.uniform(0, _RETRY_JITTER * (attempt + 1)))
            if stopped is not None:
                for call in calls[start + self._window :]:
                    yield CallOutcome(call, error=stopped)
                return

    def _send_window(
        self, window: Sequence[PlannedCall], *, last_try: bool = True
    ) -> tuple[list[_Sent], list[CallOutcome], NodeError | None, list[PlannedCall]]:
        """Estimates, signs and sends one window: estimates in one batch, the signed transactions in another.
        Returns the calls sent, the outcomes known already, the error that stops the run (if any) and the calls to
        send again because another sender took their nonces (none on the ``last_try``)."""
        estimates = self._rpc.batch_settled(
            [("eth_estimateGas", [{"from": self._address, "to": call.to, "data": call.data}]) for call in window]
        )
        fees = current_fees(self._rpc)
        try:
            self._check_chain(window[0].action)
        except ChainMismatchError as mismatch:
            return [], [CallOutcome(call, error=mismatch) for call in window], mismatch, []
        signed: list[tuple[PlannedCall, int, str]] = []
        outcomes: list[CallOutcome] = []
        for call, estimate in zip(window, estimates, strict=True):
            if isinstance(estimate, RpcResponseError):
                outcomes.append(CallOutcome(call, error=self._refusal(call, estimate)))
                continue
            gas = int(estimate, 16) * _GAS_MARGIN_NUMERATOR // _GAS_MARGIN_DENOMINATOR
            nonce = self._next_nonce()
            signed.append((call, nonce, self._sign(nonce, call.to, call.data, gas, fees)))
        answers = self._rpc.batch_settled([("eth_sendRawTransaction", [raw]) for _, _, raw in signed])
        sent: list[_Sent] = []
        taken: list[PlannedCall] = []
        refused: list[tuple[PlannedCall, int, RpcResponseError]] = []
        for (call, nonce, raw), answer in zip(signed, answers, strict=True):
            if not isinstance(answer, RpcResponseError):
                sent.append(_Sent(call, str(answer)))
                continue
            message = answer.rpc_message.lower()
            if any(text in message for text in ALREADY_KNOWN):
                sent.append(_Sent(call, "0x" + keccak(hexstr=raw).hex()))
            elif not last_try and any(text in message for text in _NONCE_TAKEN):
                taken.append(call)
            else:
                refused.append((call, nonce, answer))
        if not refused:
            return sent, outcomes, None, taken
        self._fill_gaps([nonce for _, nonce, _ in refused], fees)
        stopped = NodeError(
            f"the node refused {len(refused)} transaction(s) ({refused[0][2].rpc_message}); the run stopped after "
            "this window (run again to send what is left)",
            endpoint=self._rpc.endpoint,
        )
        outcomes += [CallOutcome(call, error=stopped) for call, _, _ in refused]
        outcomes += [CallOutcome(call, error=stopped) for call in taken]
        return sent, outcomes, stopped, []

    def _fill_gaps(self, nonces: Sequence[int], fees: Fees) -> None:
        """Uses each refused nonce for an empty transfer to ourselves, so the window's later transactions, which the
        node already holds, are not stuck behind a gap. A nonce someone else used meanwhile leaves no gap."""
        self._check_chain("fill a nonce gap")
        for nonce in nonces:
            raw = self._sign(nonce, self._address, "0x", 21_000, fees)
            try:
                self._rpc.call("eth_sendRawTransaction", [raw])
            except RpcResponseError as error:
                if not any(text in error.rpc_message.lower() for text in _NONCE_USED):
                    raise NodeError(
                        f"cannot fill nonce {nonce} after a refused transaction ({error.rpc_message}); later "
                        "transactions of this run may wait in the node until it is used",
                        endpoint=self._rpc.endpoint,
                    ) from None
        self._nonce = None

    def _sign(self, nonce: int, to: str, data: str, gas: int, fees: Fees) -> str:
        transaction: dict[str, Any] = {
            "chainId": self._chain_id,
            "nonce": nonce,
            "to": to_checksum_address(to),
            "data": data,
            "value": 0,
            "gas": gas,
            **fees.fields(),
        }
        raw = self._signer.account.sign_transaction(transaction).raw_transaction
        return "0x" + bytes(raw).hex()

    def _refusal(self, call: PlannedCall, error: RpcResponseError) -> IPLedgerError:
        if error.data is not None or "revert" in error.rpc_message.lower():
            return self._decoder.decode(error.data, action=call.action)
        return RpcResponseError(
            error.method, error.code, error.rpc_message, endpoint=self._rpc.endpoint, action=call.action
        )

    # ------------------------------------------------------------------ receipts

    def _receipts(self, sent: Sequence[_Sent]) -> Iterator[CallOutcome]:
        waiting = list(sent)
        deadline = time.monotonic() + self._receipt_timeout
        while waiting:
            answers = self._rpc.batch_settled([("eth_getTransactionReceipt", [item.tx_hash]) for item in waiting])
            still: list[_Sent] = []
            for item, receipt in zip(waiting, answers, strict=True):
                if isinstance(receipt, RpcResponseError) or receipt is None:
                    still.append(item)
                else:
                    yield self._outcome(item, receipt)
            waiting = still
            if waiting:
                if time.monotonic() > deadline:
                    for item in waiting:
                        yield CallOutcome(
                            item.call,
                            tx_hash=item.tx_hash,
                            error=TransactionError(
                                f"{item.call.action}: not mined within {self._receipt_timeout:.0f} s (still pending; "
                                "a later run waits for it)",
                                tx_hash=item.tx_hash,
                            ),
                        )
                    return
                time.sleep(self._poll_interval)

    def _outcome(self, item: _Sent, receipt: dict[str, Any]) -> CallOutcome:
        block = int(receipt["blockNumber"], 16)
        gas_used = int(receipt["gasUsed"], 16)
        if int(receipt["status"], 16) == 1:
            return CallOutcome(item.call, tx_hash=item.tx_hash, block=block, gas_used=gas_used)
        return CallOutcome(
            item.call, tx_hash=item.tx_hash, block=block, gas_used=gas_used, error=self._replay(item, block)
        )

    def _replay(self, item: _Sent, block: int) -> IPLedgerError:
        """The revert of a mined, failed transaction: the call replayed on the state before its block."""
        request = {"from": self._address, "to": item.call.to, "data": item.call.data}
        answer = self._rpc.batch_settled([("eth_call", [request, hex(block - 1)])])[0]
        if isinstance(answer, RpcResponseError):
            error: ContractRevertError = self._decoder.decode(answer.data, action=item.call.action)
            error.tx_hash = item.tx_hash
            return error
        return TransactionError(
            f"{item.call.action}: transaction failed (out of gas or state changed)", tx_hash=item.tx_hash
        )
