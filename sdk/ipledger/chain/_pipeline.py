"""Many transactions from one signer without a round trip each: estimate in a batch, sign locally, send in a batch,
collect receipts in batches.

The signer's nonce is managed here: read once, then counted up locally. The send window slides: up to ``window``
transactions are outstanding, and as receipts arrive, as many new calls are estimated (one JSON-RPC batch), signed
and sent (another batch), so on a chain with block times every block finds the pool full again (issue 18). Receipts
are asked for only once the signer's mined nonce passed them (one ``eth_getTransactionCount`` a poll). Outstanding
gas is kept under ``_BLOCKS_OUTSTANDING`` blocks' gas limit, so ``registerBatch`` transactions do not queue up for
dozens of blocks at fees that were right when they were signed, and each chunk sent at once under one block's.

A call asking more gas than one transaction may use (the latest block's gas limit, or a cap the node names when it
refuses one: Osaka's 2**24, EIP-7825) is never sent: its outcome carries ``gas_cap``, so the caller can split it.

A call whose estimate reverts is never sent and comes back with its decoded custom error.

A send refused because its nonce is taken ("nonce too low", "replacement transaction underpriced": another process
sending with the same key got there first) leaves no gap: the nonce is read again from the node and the refused
calls are estimated, signed and sent again (a call the other run made redundant reverts in its estimate once that
run's transaction is mined, or else on chain; the registry refuses it either way). The calls are retried as long as
the signer's mined nonce moves between collisions (the other sender makes progress, and will finish); after
``_NONCE_RETRIES`` collisions without progress they fail. A transaction of ours whose nonce another transaction
used (it replaced ours in the pool with higher fees) is sent again with a new nonce. A send the node answers
"already known" is ours already. Any other refusal stops sending; its nonce is used for an empty transfer so that
the later transactions are not stuck behind a gap, the outstanding ones are waited for, and the calls not sent are
reported so (a rerun sends them).

Every transaction carries the expected ``chain_id``; before each chunk is signed, ``check_chain`` asks the node
again that it still reports it. A node that changed its answer stops the run there: the chunk and the rest are
reported not sent (:class:`~ipledger.ChainMismatchError`), nothing of them signed.

``windowed=True`` keeps the behaviour before issue 18 (send a window, wait for all its receipts, send the next) for
``benchmarks/bulk_blocktime.py`` to measure beside the sliding window; nothing else uses it.

Signing uses eth-account, which signs with ``coincurve`` when it is installed (the ``fast`` extra): about 20 times
faster than the pure-Python fallback.
"""

from __future__ import annotations

import random
import re
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ipledger._exceptions import ChainMismatchError, ContractRevertError, IPLedgerError, NodeError, TransactionError
from ipledger.chain._accounts import Signer
from ipledger.chain._fees import Fees, current_fees
from ipledger.chain._node_answers import ALREADY_KNOWN, GAS_LIMIT_TOO_HIGH, NONCE_TOO_LOW, UNDERPRICED
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
#: Outstanding gas is kept under this many blocks' gas limit (a sliding window of ``registerBatch`` transactions
#: would otherwise fill the pool for dozens of blocks).
_BLOCKS_OUTSTANDING = 2
#: A transaction of ours whose nonce was mined without its receipt (replaced by another with the same nonce) is
#: given up after this long, in case the node's receipts lag its nonce count.
_REPLACED_AFTER = 1.0
#: "... cap: 16777216 ...", "... allowance (16777216)", "... the cap (16777216)": the limit a refusal names.
_CAP_NUMBER = re.compile(r"(?:cap|allowance)\D{0,4}(\d+)")


@dataclass(frozen=True)
class PlannedCall:
    """One contract call to send: ``key`` is the caller's label for it (a row number, a batch number)."""

    key: Hashable
    to: str
    data: str
    action: str


@dataclass(frozen=True)
class CallOutcome:
    """What became of a :class:`PlannedCall`: mined (``tx_hash``, ``block``, ``gas_used``) or ``error``.
    ``gas_cap`` is set (with the error) when the call was not sent because it needs more gas than one transaction
    may use on this node (``gas_needed``, when the estimate told): the caller may split it."""

    call: PlannedCall
    tx_hash: str | None = None
    block: int | None = None
    gas_used: int | None = None
    error: IPLedgerError | None = None
    gas_cap: int | None = None
    gas_needed: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class _Sent:
    call: PlannedCall
    tx_hash: str
    nonce: int = -1
    gas: int = 0
    deadline: float = 0.0
    #: When the signer's mined nonce was first seen past this one without a receipt.
    passed_at: float | None = None


@dataclass
class _Chunk:
    """What sending one chunk of calls came to (see ``PipelinedSender._send_window``)."""

    sent: list[_Sent] = field(default_factory=list)
    outcomes: list[CallOutcome] = field(default_factory=list)
    stopped: IPLedgerError | None = None
    #: Calls to send again: another sender took their nonces.
    taken: list[PlannedCall] = field(default_factory=list)
    #: Calls estimated but not signed: the outstanding gas would have gone over its budget.
    deferred: list[PlannedCall] = field(default_factory=list)


class PipelinedSender:
    """Sends calls from ``signer``, at most ``window`` transactions outstanding; see the module docstring."""

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
        windowed: bool = False,
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
        self._windowed = windowed
        #: The latest block's gas limit (read with each chunk's estimates) and a lower cap a node's refusal named.
        self._block_gas_limit: int | None = None
        self._named_cap: int | None = None
        #: Gas of the last transaction signed: how many more fit under the outstanding gas budget.
        self._typical_gas = 0

    @property
    def gas_cap(self) -> int | None:
        """The most gas one transaction may use on this node, as far as known (``None`` before the first send)."""
        caps = [cap for cap in (self._block_gas_limit, self._named_cap) if cap is not None]
        return min(caps) if caps else None

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
        """Sends every call, yielding each outcome as it is known (refused estimates as they come, then receipts)."""
        if self._windowed:
            yield from self._iter_windows(calls)
            return
        queue: deque[PlannedCall] = deque(calls)
        outstanding: dict[int, _Sent] = {}
        stopped: IPLedgerError | None = None
        collisions = 0
        mined_at_collision = -1
        while outstanding or (queue and stopped is None):
            progressed = False
            room = self._room(outstanding)
            if queue and stopped is None and room > 0:
                chunk = [queue.popleft() for _ in range(min(room, len(queue)))]
                budget = self._gas_budget(outstanding)
                sending = self._send_window(
                    chunk, last_try=collisions >= _NONCE_RETRIES, budget=budget, first_free=not outstanding
                )
                yield from sending.outcomes
                for item in sending.sent:
                    outstanding[item.nonce] = item
                queue.extendleft(reversed(sending.taken + sending.deferred))
                stopped = sending.stopped
                progressed = bool(sending.sent or sending.outcomes)
                if sending.taken:
                    # Another sender took these nonces: count from the node's pending nonce again, after a random
                    # pause so that two runs sharing the key do not collide again in lockstep. No progress of the
                    # mined nonce since the last collision counts towards giving up.
                    mined = self._mined_nonce()
                    collisions = collisions + 1 if mined <= mined_at_collision else 0
                    mined_at_collision = mined
                    self._nonce = None
                    time.sleep(random.uniform(0, _RETRY_JITTER * (collisions + 1)))
            if outstanding:
                replaced: list[PlannedCall] = []
                for outcome in self._collect(outstanding, replaced):
                    progressed = True
                    yield outcome
                if replaced:
                    self._nonce = None
                    queue.extendleft(reversed(replaced))
                    progressed = True
            if not progressed:
                time.sleep(self._poll_interval)
        for call in queue:
            yield CallOutcome(call, error=stopped)

    def _room(self, outstanding: dict[int, _Sent]) -> int:
        """How many calls may be sent now: the window's free places, fewer if the gas budget holds fewer."""
        room = self._window - len(outstanding)
        budget = self._gas_budget(outstanding)
        if budget is not None and outstanding and self._typical_gas:
            room = min(room, budget // self._typical_gas)
        return room

    def _gas_budget(self, outstanding: dict[int, _Sent]) -> int | None:
        """Gas that may still be sent: ``_BLOCKS_OUTSTANDING`` blocks' gas limit less the outstanding gas."""
        if self._block_gas_limit is None:
            return None
        return _BLOCKS_OUTSTANDING * self._block_gas_limit - sum(item.gas for item in outstanding.values())

    def _iter_windows(self, calls: Sequence[PlannedCall]) -> Iterator[CallOutcome]:
        """The behaviour before issue 18: a window sent, all its receipts waited for, then the next window."""
        for start in range(0, len(calls), self._window):
            window: Sequence[PlannedCall] = calls[start : start + self._window]
            for attempt in range(_NONCE_RETRIES + 1):
                sending = self._send_window(window, last_try=attempt == _NONCE_RETRIES, block_bound=False)
                yield from sending.outcomes
                yield from self._receipts(sending.sent)
                if not sending.taken:
                    break
                self._nonce = None
                window = sending.taken
                time.sleep(random.uniform(0, _RETRY_JITTER * (attempt + 1)))
            if sending.stopped is not None:
                for call in calls[start + self._window :]:
                    yield CallOutcome(call, error=sending.stopped)
                return

    def _send_window(
        self,
        window: Sequence[PlannedCall],
        *,
        last_try: bool = True,
        budget: int | None = None,
        first_free: bool = True,
        block_bound: bool = True,
    ) -> _Chunk:
        """Estimates, signs and sends one chunk: estimates in one batch (with the latest block, for its gas limit),
        the signed transactions in another. Calls past the gas ``budget`` are deferred (the first one goes anyway
        when ``first_free``: nothing else is outstanding), and with ``block_bound`` so are calls past one block's gas
        limit: an automining node (anvil) mines one block when a batch of sends arrives and leaves what did not fit
        in the pool until the next transaction comes (the windowed sender, as before issue 18, has no such bound). A
        call over the per-transaction gas cap is not sent (``gas_cap``); calls whose nonces another sender took come
        back in ``taken`` (none on the ``last_try``)."""
        answers = self._rpc.batch_settled(
            [("eth_estimateGas", [{"from": self._address, "to": call.to, "data": call.data}]) for call in window]
            + [("eth_getBlockByNumber", ["latest", False])]
        )
        estimates, block = answers[:-1], answers[-1]
        if isinstance(block, dict) and block.get("gasLimit"):
            self._block_gas_limit = int(block["gasLimit"], 16)
        fees = current_fees(self._rpc)
        chunk = _Chunk()
        try:
            self._check_chain(window[0].action)
        except ChainMismatchError as mismatch:
            chunk.outcomes = [CallOutcome(call, error=mismatch) for call in window]
            chunk.stopped = mismatch
            return chunk
        signed: list[tuple[PlannedCall, int, int, str]] = []
        spent = 0
        cap = self.gas_cap
        for position, (call, estimate) in enumerate(zip(window, estimates, strict=True)):
            if isinstance(estimate, RpcResponseError):
                if estimate.data is None and _gas_refusal(estimate.rpc_message):
                    cap_named = self._learn_cap(estimate.rpc_message)
                    chunk.outcomes.append(self._too_large(call, None, cap_named, estimate.rpc_message))
                else:
                    chunk.outcomes.append(CallOutcome(call, error=self._refusal(call, estimate)))
                continue
            needed = int(estimate, 16)
            if cap is not None and needed > cap:
                chunk.outcomes.append(self._too_large(call, needed, cap))
                continue
            gas = needed * _GAS_MARGIN_NUMERATOR // _GAS_MARGIN_DENOMINATOR
            if cap is not None:
                gas = min(gas, cap)
            over_block = (
                block_bound
                and bool(signed)
                and self._block_gas_limit is not None
                and spent + gas > self._block_gas_limit
            )
            over_budget = budget is not None and spent + gas > budget and (bool(signed) or not first_free)
            if over_block or over_budget:
                chunk.deferred = list(window[position:])
                self._typical_gas = max(self._typical_gas, gas)
                break
            spent += gas
            nonce = self._next_nonce()
            signed.append((call, nonce, gas, self._sign(nonce, call.to, call.data, gas, fees)))
        if signed:
            self._typical_gas = max(self._typical_gas if chunk.deferred else 0, *(gas for _, _, gas, _ in signed))
        answers = self._rpc.batch_settled([("eth_sendRawTransaction", [raw]) for _, _, _, raw in signed])
        deadline = time.monotonic() + self._receipt_timeout
        refused: list[tuple[PlannedCall, int, RpcResponseError]] = []
        too_large: list[tuple[PlannedCall, int, RpcResponseError]] = []
        for (call, nonce, gas, raw), answer in zip(signed, answers, strict=True):
            if not isinstance(answer, RpcResponseError):
                chunk.sent.append(_Sent(call, str(answer), nonce, gas, deadline))
                continue
            message = answer.rpc_message.lower()
            if any(text in message for text in ALREADY_KNOWN):
                chunk.sent.append(_Sent(call, "0x" + keccak(hexstr=raw).hex(), nonce, gas, deadline))
            elif not last_try and any(text in message for text in _NONCE_TAKEN):
                chunk.taken.append(call)
            elif _gas_refusal(message):
                too_large.append((call, nonce, answer))
            else:
                refused.append((call, nonce, answer))
        if too_large:
            # The node has a lower per-transaction cap than the block's gas limit (Osaka's): learn it, fill the
            # nonces, and let the caller split those calls.
            self._fill_gaps([nonce for _, nonce, _ in too_large], fees)
            for call, _, answer in too_large:
                cap_named = self._learn_cap(answer.rpc_message)
                chunk.outcomes.append(self._too_large(call, None, cap_named, answer.rpc_message))
        if not refused:
            return chunk
        self._fill_gaps([nonce for _, nonce, _ in refused], fees)
        stopped = NodeError(
            f"the node refused {len(refused)} transaction(s) ({refused[0][2].rpc_message}); the run stopped sending "
            "there (run again to send what is left)",
            endpoint=self._rpc.endpoint,
        )
        chunk.outcomes += [CallOutcome(call, error=stopped) for call, _, _ in refused]
        chunk.outcomes += [CallOutcome(call, error=stopped) for call in chunk.taken + chunk.deferred]
        chunk.taken, chunk.deferred, chunk.stopped = [], [], stopped
        return chunk

    def _learn_cap(self, message: str) -> int:
        """The per-transaction gas cap a refusal names (Osaka's 2**24 if it names none but speaks of a cap), kept
        for the rest of the run; the block's gas limit otherwise."""
        found = _CAP_NUMBER.search(message.lower())
        if found is not None:
            named = int(found.group(1))
        elif "cap" in message.lower():
            named = 2**24
        else:
            return self.gas_cap or 0
        self._named_cap = named if self._named_cap is None else min(self._named_cap, named)
        return self.gas_cap or named

    def _too_large(self, call: PlannedCall, needed: int | None, cap: int, said: str | None = None) -> CallOutcome:
        what = f"needs {needed:,} gas" if needed is not None else "needs more gas than the node allows"
        answer = f"; the node said: {said}" if said else ""
        error = TransactionError(
            f"{call.action}: {what}, over the {cap:,} gas one transaction may use on this node (the latest block's "
            f"gas limit, or the node's per-transaction cap); not sent{answer}"
        )
        return CallOutcome(call, error=error, gas_cap=cap, gas_needed=needed)

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

    def _mined_nonce(self) -> int:
        return int(self._rpc.call("eth_getTransactionCount", [self._address, "latest"]), 16)

    def _collect(self, outstanding: dict[int, _Sent], replaced: list[PlannedCall]) -> Iterator[CallOutcome]:
        """One poll of the sliding window: the receipts of the outstanding transactions the signer's mined nonce
        passed (removed from ``outstanding``), timeouts, and in ``replaced`` the calls of transactions whose nonce
        another transaction used (never mined: safe to send again)."""
        mined = self._mined_nonce()
        passed = [item for nonce, item in outstanding.items() if nonce < mined]
        now = time.monotonic()
        if passed:
            answers = self._rpc.batch_settled([("eth_getTransactionReceipt", [item.tx_hash]) for item in passed])
            for item, receipt in zip(passed, answers, strict=True):
                if isinstance(receipt, dict):
                    del outstanding[item.nonce]
                    yield self._outcome(item, receipt)
                elif item.passed_at is None:
                    item.passed_at = now
                elif now - item.passed_at > _REPLACED_AFTER and self._forgotten(item):
                    del outstanding[item.nonce]
                    replaced.append(item.call)
        for item in [item for item in outstanding.values() if now > item.deadline]:
            del outstanding[item.nonce]
            yield CallOutcome(
                item.call,
                tx_hash=item.tx_hash,
                error=TransactionError(
                    f"{item.call.action}: not mined within {self._receipt_timeout:.0f} s (still pending; a later run "
                    "waits for it)",
                    tx_hash=item.tx_hash,
                ),
            )

    def _forgotten(self, item: _Sent) -> bool:
        """Whether the node knows nothing of ``item``'s transaction (another one used its nonce)."""
        answer = self._rpc.batch_settled([("eth_getTransactionByHash", [item.tx_hash])])[0]
        return answer is None

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


def _gas_refusal(message: str) -> bool:
    """Whether a node's answer says the transaction asks more gas than one transaction may use."""
    lowered = message.lower()
    return any(text in lowered for text in GAS_LIMIT_TOO_HIGH)
