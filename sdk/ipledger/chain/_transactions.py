"""Building, signing, sending and confirming transactions, with reverts decoded before anything is sent."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from typing import Any, cast

import requests
from eth_typing import HexStr
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from hexbytes import HexBytes
from web3 import Web3
from web3.contract.contract import ContractConstructor, ContractFunction
from web3.exceptions import ContractLogicError, TransactionNotFound, Web3RPCError
from web3.types import TxParams

from ipledger._exceptions import (
    NodeError,
    NodeUnreachableError,
    TransactionDroppedError,
    TransactionError,
    UnexplainedRevertError,
)
from ipledger.chain._accounts import Signer
from ipledger.chain._fees import current_fees, fees_of
from ipledger.chain._node_answers import ALREADY_KNOWN, NONCE_TOO_LOW, UNDERPRICED
from ipledger.chain._revert_reasons import find_revert
from ipledger.chain._reverts import RevertDecoder
from ipledger.chain._rpc import Rpc, json_rpc_error
from ipledger.models._models import TransactionResult

__all__ = ["StateChecks", "TransactionSender", "revert_data"]

#: Reads the contracts' state after a revert the node cannot explain and says what it shows, one finding each
#: ("the order is already filled"); empty when nothing explains the revert.
StateChecks = Callable[[], Sequence[str]]

_GAS_MARGIN_NUMERATOR = 6
_GAS_MARGIN_DENOMINATOR = 5
#: Node answers meaning the nonce is taken (by our own copy, or by another transaction).
_NONCE_CONFLICT = NONCE_TOO_LOW + ALREADY_KNOWN + UNDERPRICED
#: Seconds between checks that a pending transaction is still known to the node.
_CHECK_INTERVAL = 1.0
#: Seconds between looks at the head while a mined transaction gets its confirmations.
_CONFIRM_POLL = 0.25


class _NonceTakenError(Exception):
    """Another transaction used our nonce and none of ours was mined: the call can be built again safely."""


class TransactionSender:
    """Sends contract calls signed by local keys and waits for their receipts.

    Each call is first estimated against the pending state: a call that would revert fails here with the
    decoded custom error and no transaction is broadcast. A mined transaction that reverts anyway (another one ran
    first in its block) raises the custom error found at its own position (see ``_revert_reasons``), or, where
    the node can tell nothing, :class:`UnexplainedRevertError` with the caller's ``state_checks``.

    Every transaction carries the ledger's expected ``chain_id``, and ``check_chain`` (which refuses a node that
    reports another chain) runs right before each signature: a node that changed its answer gets nothing signed.
    ``check_evm`` (which refuses a chain whose EVM cannot run the contracts) runs before each call's gas estimate.

    Faults handled, none of which can make a call take effect twice (one nonce carries every copy of it):

    - a nonce another sender took first (another process with the same key): the node answers "nonce too low",
      "already known" or "replacement transaction underpriced" for a transaction it does not hold under our hash;
      the call is estimated, built and signed again with a fresh nonce, ``nonce_attempts`` times at most;
    - a transaction still pending after ``stuck_after`` seconds: replaced by the same transaction with its fees
      raised by 12.5% (nodes require 10%), ``max_bumps`` times at most; whichever copy is mined is the result;
    - a transaction the node forgot (a restart from older state, an evicted pool entry) while its nonce is unused:
      the same signed bytes are sent again; if the nonce was used by another transaction, the call is rebuilt.

    With ``confirmations`` N above 1, a successful transaction is returned once its block is N deep (the head is
    N - 1 blocks above it), its receipt's block hash checked against the canonical block at that height at every
    look. A reorganization that drops it is handled without the risk of a second effect: mined again elsewhere
    (the node put it back in its pool), it is followed to its new block; pending, it is waited for; gone while its
    nonce is unused, its very signed bytes are sent again (``max_resends`` times at most; the result's ``resent``
    counts them); gone with its nonce used by another transaction, :class:`TransactionDroppedError` is raised. A
    mined revert is reported at once, without waiting. ``on_reorg`` is told each of these events in one line.
    """

    def __init__(
        self,
        w3: Web3,
        decoder: RevertDecoder,
        *,
        endpoint: str,
        chain_id: int,
        check_chain: Callable[[str], object],
        check_evm: Callable[[str], object] | None = None,
        receipt_timeout: float = 120.0,
        stuck_after: float = 30.0,
        max_bumps: int = 3,
        nonce_attempts: int = 10,
        poll_interval: float = 0.05,
        confirmations: int = 1,
        max_resends: int = 3,
    ) -> None:
        self._w3 = w3
        self._rpc = Rpc(w3, endpoint)
        self._decoder = decoder
        self._endpoint = endpoint
        self._chain_id = chain_id
        self._check_chain = check_chain
        self._check_evm = check_evm
        self._receipt_timeout = receipt_timeout
        self.stuck_after = stuck_after
        self.max_bumps = max_bumps
        self.nonce_attempts = nonce_attempts
        self._poll_interval = poll_interval
        #: How deep a successful transaction's block must be before :meth:`send` returns (1: included).
        self.confirmations = confirmations
        self.max_resends = max_resends
        #: Told, in one line, of each reorganization that moved or dropped a transaction being confirmed.
        self.on_reorg: Callable[[str], None] | None = None

    def send(
        self,
        signer: Signer,
        call: ContractFunction | ContractConstructor,
        *,
        action: str,
        state_checks: StateChecks | None = None,
    ) -> tuple[TransactionResult, Any]:
        """Sends ``call`` from ``signer``; returns the result and the raw receipt. ``state_checks`` explain a mined
        revert the node cannot."""
        if self._check_evm is not None:
            self._check_evm(action)  # before the gas estimate, which an EVM lacking an instruction fails obscurely
        try:
            receipt, transaction, sent = self._send_once_effective(signer, call, action)
            resent, depth = 0, 1
            if receipt["status"] == 1 and self.confirmations > 1:
                receipt, resent, depth = self._confirm(signer, transaction, sent, receipt, action)
        except NodeError:
            raise
        except (requests.RequestException, OSError) as exc:
            raise NodeUnreachableError(
                f"{action}: cannot reach the node: {type(exc).__name__}", endpoint=self._endpoint
            ) from None
        except Web3RPCError as exc:
            raise json_rpc_error(exc, action=action, endpoint=self._endpoint) from None
        hex_hash = _hex(receipt["transactionHash"])
        if receipt["status"] != 1:
            raise self._failure(call, receipt, action, hex_hash, state_checks)
        result = TransactionResult(
            tx_hash=hex_hash,
            block=receipt["blockNumber"],
            gas_used=receipt["gasUsed"],
            resent=resent,
            confirmations=depth,
        )
        return result, receipt

    def _send_once_effective(
        self, signer: Signer, call: ContractFunction | ContractConstructor, action: str
    ) -> tuple[Any, dict[str, Any], dict[str, bytes]]:
        """The receipt of the call, the transaction built for it and every signed copy sent (hash -> bytes)."""
        for attempt in range(self.nonce_attempts):
            params = self._params(signer)
            try:
                gas = call.estimate_gas({"from": signer.address}, block_identifier="pending")
            except ContractLogicError as exc:
                raise self._decoder.decode(revert_data(exc), action=action) from None
            params["gas"] = gas * _GAS_MARGIN_NUMERATOR // _GAS_MARGIN_DENOMINATOR
            transaction = cast(dict[str, Any], call.build_transaction(cast(TxParams, params)))
            try:
                raw, tx_hash = self._broadcast(signer, transaction, action)
                sent = {tx_hash: raw}
                return self._wait(signer, transaction, sent, action), transaction, sent
            except _NonceTakenError:
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
        raise NodeError(
            f"{action}: another sender kept taking the nonce of {signer.address} ({self.nonce_attempts} attempts)",
            endpoint=self._endpoint,
        )

    def _broadcast(self, signer: Signer, transaction: dict[str, Any], action: str) -> tuple[bytes, str]:
        """Signs and sends ``transaction``; raises :class:`_NonceTakenError` if another transaction holds its nonce."""
        raw = self._sign(signer, transaction, action)
        tx_hash = _hex(keccak(raw))
        try:
            self._w3.eth.send_raw_transaction(raw)
        except Web3RPCError as exc:
            if not any(text in str(exc).lower() for text in _NONCE_CONFLICT):
                raise
            if not self._known(tx_hash):
                raise _NonceTakenError() from None
        return raw, tx_hash

    def _sign(self, signer: Signer, transaction: dict[str, Any], action: str) -> bytes:
        """``transaction`` signed for the expected chain, once the node was asked again that it still serves it."""
        if int(transaction["chainId"]) != self._chain_id:
            raise TransactionError(f"{action}: built for chain {transaction['chainId']}, not chain {self._chain_id}")
        self._check_chain(action)
        return bytes(signer.account.sign_transaction(transaction).raw_transaction)

    def _known(self, tx_hash: str) -> bool:
        try:
            return self._w3.eth.get_transaction(HexStr(tx_hash)) is not None
        except TransactionNotFound:
            return False

    def _receipt(self, tx_hash: str) -> Any:
        try:
            return self._w3.eth.get_transaction_receipt(HexStr(tx_hash))
        except TransactionNotFound:
            return None

    def _params(self, signer: Signer) -> dict[str, Any]:
        return {
            "from": signer.address,
            "nonce": self._w3.eth.get_transaction_count(to_checksum_address(signer.address), "pending"),
            "chainId": self._chain_id,
            **current_fees(self._rpc).fields(),
        }

    def _wait(self, signer: Signer, transaction: dict[str, Any], sent: dict[str, bytes], action: str) -> Any:
        """The receipt of whichever copy of ``transaction`` (``sent``: hash -> signed bytes) is mined; replaces a
        stuck copy, resends a forgotten one, raises :class:`_NonceTakenError` if another transaction took its
        nonce."""
        address = to_checksum_address(signer.address)
        nonce = int(transaction["nonce"])
        now = time.monotonic()
        deadline = now + self._receipt_timeout
        bump_at = now + self.stuck_after
        check_at = now + _CHECK_INTERVAL
        bumps = 0
        while True:
            for tx_hash in sent:
                receipt = self._receipt(tx_hash)
                if receipt is not None:
                    return receipt
            now = time.monotonic()
            if now >= check_at or now >= bump_at:
                check_at = now + _CHECK_INTERVAL
                if not any(self._known(tx_hash) for tx_hash in sent):
                    if self._w3.eth.get_transaction_count(address, "latest") > nonce:
                        if any(self._receipt(tx_hash) is not None for tx_hash in sent):
                            continue
                        raise _NonceTakenError()
                    self._resend(list(sent.values())[-1])
                elif now >= bump_at and bumps < self.max_bumps:
                    bumps += 1
                    bump_at = now + self.stuck_after
                    transaction = self._bumped(transaction)
                    raw = self._sign(signer, transaction, action)
                    if self._resend(raw):
                        sent[_hex(keccak(raw))] = raw
            if now > deadline:
                raise TransactionError(
                    f"{action}: not mined within {self._receipt_timeout:.0f} s", tx_hash=list(sent)[-1]
                )
            time.sleep(self._poll_interval)

    # ------------------------------------------------------------------ confirmations

    def _confirm(
        self, signer: Signer, transaction: dict[str, Any], sent: dict[str, bytes], receipt: Any, action: str
    ) -> tuple[Any, int, int]:
        """The receipt once its block is :attr:`confirmations` deep in the canonical chain, how many times its signed
        bytes were sent again after a reorganization, and the depth seen. Raises :class:`TransactionError` when the
        chain makes no block for ``receipt_timeout`` seconds."""
        resent = rounds = 0
        last_head, moved_at = -1, time.monotonic()
        while True:
            head = int(self._rpc.call("eth_blockNumber", []), 16)
            now = time.monotonic()
            if head != last_head:
                last_head, moved_at = head, now
            block = int(receipt["blockNumber"])
            if self._canonical(receipt, head):
                depth = head - block + 1
                if depth >= self.confirmations:
                    return receipt, resent, depth
            else:
                rounds += 1
                receipt, resent = self._after_reorg(signer, transaction, sent, receipt, action, resent, rounds)
                if receipt["status"] != 1:
                    return receipt, resent, 1
                moved_at = time.monotonic()
                continue
            if now - moved_at > self._receipt_timeout:
                raise TransactionError(
                    f"{action}: mined in block {block}, which is {head - block + 1} of {self.confirmations} blocks "
                    f"deep: the chain made no block for {self._receipt_timeout:.0f} s (a node that mines only on "
                    "demand, such as an automining anvil, makes none by itself)",
                    tx_hash=_hex(receipt["transactionHash"]),
                    block=block,
                )
            time.sleep(max(self._poll_interval, _CONFIRM_POLL))

    def _canonical(self, receipt: Any, head: int | None = None) -> bool:
        """Whether the receipt's block is the canonical block at its height (not above ``head``, when given)."""
        block = int(receipt["blockNumber"])
        if head is not None and block > head:
            return False
        canonical = self._rpc.call("eth_getBlockByNumber", [hex(block), False])
        return canonical is not None and str(canonical["hash"]).lower() == _hex(receipt["blockHash"]).lower()

    def _after_reorg(
        self,
        signer: Signer,
        transaction: dict[str, Any],
        sent: dict[str, bytes],
        receipt: Any,
        action: str,
        resent: int,
        rounds: int,
    ) -> tuple[Any, int]:
        """The receipt of the transaction once mined again after a reorganization dropped its block, and the resends
        so far; sends its signed bytes again when it is gone and its nonce unused (see the class notes)."""
        tx_hash, block = _hex(receipt["transactionHash"]), int(receipt["blockNumber"])

        def dropped(reason: str) -> TransactionDroppedError:
            return TransactionDroppedError(
                action,
                tx_hash=tx_hash,
                block=block,
                block_hash=_hex(receipt["blockHash"]),
                reason=reason,
                resent=resent,
            )

        for copy in sent:
            again = self._receipt(copy)
            if again is not None and self._canonical(again):
                self._tell(
                    f"{action}: a reorganization of the chain replaced block {block}; the transaction {copy} is now "
                    f"in block {again['blockNumber']}"
                )
                return again, resent
        if rounds > self.max_resends + 1:
            raise dropped(f"the chain reorganized under it {rounds} times; not sent again")
        nonce = int(transaction["nonce"])
        pending = any(self._pending(copy) for copy in sent)
        if not pending:
            if self._w3.eth.get_transaction_count(to_checksum_address(signer.address), "latest") > nonce:
                raise dropped(f"its nonce {nonce} is now used by another transaction")
            if resent >= self.max_resends:
                raise dropped(f"not sent again after {resent} resends")
            if self._resend(sent[tx_hash]):  # refused: pending again after all, or its nonce taken (the wait tells)
                resent += 1
                self._tell(
                    f"{action}: a reorganization of the chain dropped the transaction {tx_hash} from block {block}; "
                    "sent the same signed transaction again (same nonce: it cannot take effect twice)"
                )
        else:
            self._tell(
                f"{action}: a reorganization of the chain dropped the transaction {tx_hash} from block {block}; it is "
                "pending again, waiting for it to be mined"
            )
        try:
            # A replacement of a stuck copy is priced from the first transaction built; a node refusing it as
            # underpriced only delays the next, higher, bump.
            return self._wait(signer, transaction, sent, action), resent
        except _NonceTakenError:
            raise dropped(f"its nonce {nonce} was used by another transaction meanwhile") from None

    def _pending(self, tx_hash: str) -> bool:
        """Whether the node holds ``tx_hash`` unmined (a node may still answer for a transaction of a dropped block:
        such an answer has a block number)."""
        try:
            found = self._w3.eth.get_transaction(HexStr(tx_hash))
        except TransactionNotFound:
            return False
        return found is not None and found.get("blockNumber") is None

    def _tell(self, message: str) -> None:
        if self.on_reorg is not None:
            self.on_reorg(message)

    def _bumped(self, transaction: dict[str, Any]) -> dict[str, Any]:
        """``transaction`` with its fees (both, or a legacy gas price) raised by 12.5% (or to the current fees, if
        higher)."""
        return dict(transaction, **fees_of(transaction).bumped(current_fees(self._rpc)).fields())

    def _resend(self, raw: bytes) -> bool:
        """Sends signed bytes again (a replacement, or a copy the node forgot); ``False`` if the node refused them
        because the nonce is used or an equal copy is pending (the next check finds out which)."""
        try:
            self._w3.eth.send_raw_transaction(raw)
        except Web3RPCError as exc:
            if any(text in str(exc).lower() for text in _NONCE_CONFLICT):
                return False
            raise
        return True

    def _failure(
        self,
        call: ContractFunction | ContractConstructor,
        receipt: Any,
        action: str,
        tx_hash: str,
        state_checks: StateChecks | None,
    ) -> Exception:
        """The exception of a mined transaction that failed: its revert found at its own position in its block."""
        block = int(receipt["blockNumber"])
        if isinstance(call, ContractConstructor):
            return TransactionError(f"{action}: deployment failed in block {block}", tx_hash=tx_hash, block=block)
        lookup = find_revert(self._rpc, tx_hash, receipt)
        if lookup.data is not None:
            return self._decoder.decode(lookup.data, action=action, tx_hash=tx_hash, block=block)
        if lookup.failure is not None:
            return TransactionError(
                f"{action}: failed in block {block}: {lookup.failure} (gas used {receipt['gasUsed']:,})",
                tx_hash=tx_hash,
                block=block,
            )
        checks = tuple(state_checks()) if state_checks is not None else ()
        return UnexplainedRevertError(action, tx_hash=tx_hash, block=block, checks=checks, tried=lookup.tried)


def revert_data(exc: ContractLogicError) -> str | None:
    """The revert data web3 attached to ``exc``, as hex."""
    data = exc.data
    if isinstance(data, dict):
        data = data.get("data")
    return data if isinstance(data, str) else None


def _hex(value: bytes) -> str:
    return "0x" + HexBytes(value).hex().removeprefix("0x")
