"""TransactionSender under faults on the session's anvil: a stuck transaction is replaced with higher fees, a
transaction the node forgot is sent again, and two senders sharing one key never duplicate an effect."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from chain_support import Patent, rpc, variant
from copier_support import until
from ipledger import Ledger, NodeInfo, RegistrationResult


def _pending(ledger: Ledger) -> dict[str, Any]:
    """dev0's transactions in the node's pool: nonce -> transaction."""
    pool = rpc(ledger, "txpool_content")["pending"]
    for address, transactions in pool.items():
        if address.lower() == ledger.signer.address.lower():
            return dict(transactions)
    return {}


@pytest.fixture
def manual_mining(ledger: Ledger) -> Iterator[None]:
    """No automatic mining while the test runs (the session node mines again afterwards)."""
    rpc(ledger, "evm_setAutomine", False)
    try:
        yield
    finally:
        rpc(ledger, "evm_setAutomine", True)


def _registered_once(ledger: Ledger, result: RegistrationResult) -> None:
    logs = ledger.contracts.registry.events.RightRegistered().get_logs(
        from_block=ledger.contracts.deployment_block, argument_filters={"tokenId": result.token_id}
    )
    assert len(logs) == 1
    assert "0x" + logs[0]["transactionHash"].hex().removeprefix("0x") == result.tx_hash


@pytest.mark.anvil
def test_a_stuck_transaction_is_replaced_with_higher_fees_and_only_one_copy_is_mined(
    anvil_node: NodeInfo, ledger: Ledger, patent: Patent, manual_mining: None
) -> None:
    client = Ledger.connect(
        anvil_node.rpc_url, registry=ledger.contracts.registry_address, account="dev0", stuck_after=0.3
    )
    nonce = ledger.chain.w3.eth.get_transaction_count(client.signer.address)
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(client.register, *patent)
        first = until(lambda: _pending(ledger).get(str(nonce)))
        bumped = until(lambda: (tx := _pending(ledger).get(str(nonce))) and tx["hash"] != first["hash"] and tx)
        rpc(ledger, "evm_mine")
        result = future.result(timeout=10)
    assert int(bumped["maxPriorityFeePerGas"], 16) >= int(first["maxPriorityFeePerGas"], 16) * 9 // 8
    assert int(bumped["maxFeePerGas"], 16) >= int(first["maxFeePerGas"], 16) * 9 // 8
    assert result.tx_hash != first["hash"]
    assert ledger.chain.w3.eth.get_transaction_count(client.signer.address) == nonce + 1
    _registered_once(ledger, result)


@pytest.mark.anvil
def test_a_transaction_the_node_forgot_is_sent_again_as_the_same_bytes(
    anvil_node: NodeInfo, ledger: Ledger, patent: Patent, manual_mining: None
) -> None:
    client = Ledger.connect(anvil_node.rpc_url, registry=ledger.contracts.registry_address, account="dev0")
    nonce = ledger.chain.w3.eth.get_transaction_count(client.signer.address)
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(client.register, *patent)
        sent = until(lambda: _pending(ledger).get(str(nonce)))
        rpc(ledger, "anvil_dropAllTransactions")
        assert not _pending(ledger)
        again = until(lambda: _pending(ledger).get(str(nonce)))
        rpc(ledger, "evm_mine")
        result = future.result(timeout=10)
    assert again["hash"] == sent["hash"] == result.tx_hash
    _registered_once(ledger, result)


def test_two_senders_sharing_one_key_register_every_right_exactly_once(
    anvil_node: NodeInfo, ledger: Ledger, patent: Patent
) -> None:
    clients = [
        Ledger.connect(anvil_node.rpc_url, registry=ledger.contracts.registry_address, account="dev0") for _ in range(2)
    ]
    rights = [[variant(patent, f"p{worker}r{number}") for number in range(8)] for worker in range(2)]
    start = threading.Barrier(2)

    def work(worker: int) -> list[RegistrationResult]:
        start.wait()
        return [clients[worker].register(*right) for right in rights[worker]]

    with ThreadPoolExecutor(2) as pool:
        results = [result for batch in pool.map(work, range(2)) for result in batch]
    assert len({result.token_id for result in results}) == 16
    for result in results:
        _registered_once(ledger, result)
