"""Confirmations of the pipelines (``chain/_confirmations.py``): a run's transactions confirmed together at its end,
each checked against the canonical chain; a reorganization that drops one is reported, a chain that makes no block
is told; a deployment asked for confirmations returns only once they are there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ipledger import Ledger, NodeInfo, TransactionDroppedError, TransactionError, dev_account, start_node, stop_node
from ipledger.chain._confirmations import await_confirmations
from web3 import Web3

HINT = "run it again"


@pytest.fixture
def automine() -> Iterator[NodeInfo]:
    node = start_node()
    try:
        yield node
    finally:
        stop_node(node.pid)


@pytest.fixture
def one_second_blocks() -> Iterator[NodeInfo]:
    node = start_node(block_time=1)
    try:
        yield node
    finally:
        stop_node(node.pid)


def _transfer(ledger: Ledger) -> tuple[str, int]:
    """A plain transfer from dev0, mined; its hash and block."""
    w3 = ledger.chain.w3
    tx_hash = w3.eth.send_transaction({"from": dev_account(0).address, "to": dev_account(1).address, "value": 1})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    return "0x" + bytes(tx_hash).hex(), int(receipt["blockNumber"])


@pytest.mark.anvil(reason="an anvil of its own")
def test_one_confirmation_returns_at_once(automine: NodeInfo) -> None:
    ledger = Ledger.connect(automine.rpc_url, account="dev0")
    tx_hash, _ = _transfer(ledger)
    await_confirmations(ledger.chain.rpc, [(tx_hash, 0)], 1, action="test", resume_hint=HINT, timeout=0.5)


@pytest.mark.anvil(reason="an anvil of its own")
def test_returns_once_every_transaction_is_deep_enough(one_second_blocks: NodeInfo) -> None:
    ledger = Ledger.connect(one_second_blocks.rpc_url, account="dev0")
    first, first_block = _transfer(ledger)
    second, block = _transfer(ledger)
    await_confirmations(
        ledger.chain.rpc, [(first, first_block), (second, block)], 3, action="test", resume_hint=HINT, timeout=30
    )
    assert ledger.chain.w3.eth.block_number >= block + 2


@pytest.mark.anvil(reason="an anvil of its own")
def test_a_transaction_a_reorganization_dropped_is_reported(automine: NodeInfo) -> None:
    ledger = Ledger.connect(automine.rpc_url, account="dev0")
    tx_hash, block = _transfer(ledger)
    rpc = ledger.chain.rpc
    rpc.call("anvil_rollback", [1])
    rpc.call("anvil_dropAllTransactions", [])
    rpc.call("anvil_mine", [hex(3)])
    with pytest.raises(TransactionDroppedError) as caught:
        await_confirmations(rpc, [(tx_hash, block)], 2, action="register in bulk", resume_hint=HINT, timeout=5)
    assert caught.value.tx_hash == tx_hash
    assert caught.value.block == block
    assert HINT in str(caught.value)


@pytest.mark.anvil(reason="an anvil of its own")
def test_a_chain_that_makes_no_block_is_told(automine: NodeInfo) -> None:
    ledger = Ledger.connect(automine.rpc_url, account="dev0")
    tx_hash, block = _transfer(ledger)
    with pytest.raises(TransactionError, match="made no block for 1 s"):
        await_confirmations(ledger.chain.rpc, [(tx_hash, block)], 2, action="deploy", resume_hint=HINT, timeout=1)


@pytest.mark.anvil(reason="an anvil of its own")
def test_a_pipelined_deployment_waits_for_its_confirmations(one_second_blocks: NodeInfo) -> None:
    ledger = Ledger.connect(one_second_blocks.rpc_url, account="dev0", confirmations=3)
    deployment = ledger.deploy_all()
    w3 = Web3(Web3.HTTPProvider(one_second_blocks.rpc_url))
    last = max(result.block for result in ledger.chain.deployment_transactions.values())
    assert w3.eth.block_number >= last + 2
    assert w3.eth.get_code(Web3.to_checksum_address(deployment.registry))
