"""A chain that moves on its own while a call waits for confirmations: a thread mining anvil blocks, which can
reorganize away the block of one account's next transaction (anvil's ``anvil_reorg``), with or without another
transaction of that account taking its nonce in the new blocks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.types import RPCEndpoint

#: What the driver does once the account's next transaction is mined: nothing; drop its block (``anvil_reorg`` with
#: no transactions); roll the chain back below it (``anvil_rollback``); replace its block by one that holds it again
#: (the transaction moves to a new block, as when a node re-mines a reorganized transaction); or drop its block and
#: mine in the new chain another transaction of the account with the same nonce.
Reorg = Literal["none", "drop", "rollback", "move", "take_nonce"]


@dataclass
class Driven:
    """What the driver did: the block it reorganized away (None: none) and the replacing transaction's hash."""

    dropped_block: int | None = None
    replacement: str | None = None
    errors: list[str] = field(default_factory=list)


def _call(w3: Web3, method: str, *params: Any) -> Any:
    response = w3.provider.make_request(RPCEndpoint(method), list(params))
    if "error" in response:
        raise RuntimeError(f"{method}: {response['error']}")
    return response.get("result")


def _replacement(w3: Web3, account: LocalAccount, nonce: int) -> str:
    """A 1-wei transfer of ``account`` to itself with ``nonce``, signed, as hex."""
    block = w3.eth.get_block("latest")
    base = int(block.get("baseFeePerGas", 0) or 0)
    transaction = {
        "chainId": w3.eth.chain_id,
        "nonce": nonce,
        "to": account.address,
        "value": 1,
        "gas": 21_000,
        "maxFeePerGas": 2 * base + 10**9,
        "maxPriorityFeePerGas": 10**9,
    }
    return "0x" + bytes(account.sign_transaction(transaction).raw_transaction).hex()


@contextmanager
def driven_chain(
    rpc_url: str, account: LocalAccount, *, reorg: Reorg = "none", interval: float = 0.2
) -> Iterator[Driven]:
    """Mines a block every ``interval`` seconds while the block runs; with ``reorg``, first replaces the blocks from
    the one holding ``account``'s next transaction up to the head (see :data:`Reorg`), once."""
    w3 = Web3(Web3.HTTPProvider(rpc_url))
    start = w3.eth.block_number
    nonce = w3.eth.get_transaction_count(account.address, "latest")
    driven = Driven()
    stop = threading.Event()

    def mined_in() -> tuple[int, str]:
        """The block of the account's transaction with ``nonce``, and its hash."""
        for number in range(start + 1, w3.eth.block_number + 1):
            for transaction in w3.eth.get_block(number, full_transactions=True)["transactions"]:
                if isinstance(transaction, Mapping) and (transaction["from"], transaction["nonce"]) == (
                    account.address,
                    nonce,
                ):
                    return number, "0x" + bytes(transaction["hash"]).hex()
        raise AssertionError(f"no transaction of {account.address} with nonce {nonce} since block {start}")

    def drive() -> None:
        try:
            while not stop.is_set():
                waiting = reorg != "none" and driven.dropped_block is None
                if waiting and w3.eth.get_transaction_count(account.address, "latest") > nonce:
                    block, tx_hash = mined_in()
                    depth = w3.eth.block_number - block + 1
                    if reorg == "rollback":
                        _call(w3, "anvil_rollback", depth)
                    else:
                        pairs: list[list[Any]] = []
                        if reorg == "take_nonce":
                            raw = _replacement(w3, account, nonce)
                            driven.replacement = "0x" + bytes(Web3.keccak(hexstr=raw)).hex()
                            pairs = [[raw, 0]]
                        elif reorg == "move":
                            pairs = [[_call(w3, "eth_getRawTransactionByHash", tx_hash), depth - 1]]
                        _call(w3, "anvil_reorg", depth, pairs)
                    driven.dropped_block = block
                    continue
                _call(w3, "evm_mine")
                time.sleep(interval)
        except Exception as exc:  # noqa: BLE001 - the test reads it: a thread's exception is otherwise lost
            driven.errors.append(f"{type(exc).__name__}: {exc}")

    thread = threading.Thread(target=drive, daemon=True)
    thread.start()
    try:
        yield driven
    finally:
        stop.set()
        thread.join(timeout=10)
