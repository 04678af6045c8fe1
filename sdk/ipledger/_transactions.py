"""Building, signing, sending and confirming transactions, with reverts decoded before anything is sent."""

from __future__ import annotations

import time
from typing import Any, cast

import requests
from eth_utils.address import to_checksum_address
from hexbytes import HexBytes
from web3 import Web3
from web3.contract.contract import ContractConstructor, ContractFunction
from web3.exceptions import ContractLogicError, TimeExhausted, TransactionNotFound, Web3RPCError
from web3.types import TxParams

from ._accounts import Signer
from ._exceptions import NodeError, TransactionError
from ._models import TransactionResult
from ._reverts import RevertDecoder

__all__ = ["TransactionSender", "revert_data"]

_GAS_MARGIN_NUMERATOR = 6
_GAS_MARGIN_DENOMINATOR = 5


class TransactionSender:
    """Sends contract calls signed by local keys and waits for their receipts.

    Each call is first estimated against the pending state: a call that would revert fails here with the
    decoded custom error and no transaction is broadcast.
    """

    def __init__(self, w3: Web3, decoder: RevertDecoder, *, endpoint: str, receipt_timeout: float = 120.0) -> None:
        self._w3 = w3
        self._decoder = decoder
        self._endpoint = endpoint
        self._receipt_timeout = receipt_timeout

    def send(
        self, signer: Signer, call: ContractFunction | ContractConstructor, *, action: str
    ) -> tuple[TransactionResult, Any]:
        """Sends ``call`` from ``signer``; returns the result and the raw receipt."""
        try:
            params = self._params(signer)
            try:
                gas = call.estimate_gas({"from": signer.address}, block_identifier="pending")
            except ContractLogicError as exc:
                raise self._decoder.decode(revert_data(exc), action=action) from None
            params["gas"] = gas * _GAS_MARGIN_NUMERATOR // _GAS_MARGIN_DENOMINATOR
            transaction = call.build_transaction(cast(TxParams, params))
            signed = signer.account.sign_transaction(cast(dict[str, Any], transaction))
            tx_hash = self._w3.eth.send_raw_transaction(signed.raw_transaction)
            receipt = self._wait(tx_hash, action)
        except (requests.RequestException, OSError) as exc:
            raise NodeError(f"{action}: cannot reach the node: {type(exc).__name__}", endpoint=self._endpoint) from None
        except Web3RPCError as exc:
            raise NodeError(f"{action}: the node refused the transaction: {exc}", endpoint=self._endpoint) from None
        hex_hash = "0x" + HexBytes(receipt["transactionHash"]).hex().removeprefix("0x")
        if receipt["status"] != 1:
            raise self._failure(call, signer, receipt, action, hex_hash)
        result = TransactionResult(tx_hash=hex_hash, block=receipt["blockNumber"], gas_used=receipt["gasUsed"])
        return result, receipt

    def _params(self, signer: Signer) -> dict[str, Any]:
        eth = self._w3.eth
        latest = eth.get_block("latest")
        base_fee = int(latest.get("baseFeePerGas", 0) or 0)
        priority = int(eth.max_priority_fee)
        return {
            "from": signer.address,
            "nonce": eth.get_transaction_count(to_checksum_address(signer.address), "pending"),
            "chainId": eth.chain_id,
            "maxPriorityFeePerGas": priority,
            "maxFeePerGas": 2 * base_fee + priority,
        }

    def _wait(self, tx_hash: HexBytes, action: str) -> Any:
        deadline = time.monotonic() + self._receipt_timeout
        while True:
            try:
                return self._w3.eth.wait_for_transaction_receipt(tx_hash, timeout=5, poll_latency=0.05)
            except (TimeExhausted, TransactionNotFound):
                if time.monotonic() > deadline:
                    raise TransactionError(
                        f"{action}: not mined within {self._receipt_timeout:.0f} s", tx_hash="0x" + tx_hash.hex()
                    ) from None

    def _failure(
        self, call: ContractFunction | ContractConstructor, signer: Signer, receipt: Any, action: str, tx_hash: str
    ) -> Exception:
        """Replays a failed transaction at its block to recover the revert reason."""
        if isinstance(call, ContractConstructor):
            return TransactionError(f"{action}: deployment failed", tx_hash=tx_hash)
        try:
            call.call({"from": signer.address}, block_identifier=receipt["blockNumber"] - 1)
        except ContractLogicError as exc:
            return self._decoder.decode(revert_data(exc), action=action, tx_hash=tx_hash)
        return TransactionError(f"{action}: transaction failed (out of gas or state changed)", tx_hash=tx_hash)


def revert_data(exc: ContractLogicError) -> str | None:
    """The revert data web3 attached to ``exc``, as hex."""
    data = exc.data
    if isinstance(data, dict):
        data = data.get("data")
    return data if isinstance(data, str) else None
