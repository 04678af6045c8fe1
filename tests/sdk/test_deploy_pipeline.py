"""The pipelined deployment on a chain with block times (anvil --block-time 1): every transaction sent before the
first is mined, a deployment cut off halfway resumed without a second copy of anything, a failed step named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ipledger import IPLedgerError, Ledger, NodeInfo, TransactionError, dev_account, start_node, stop_node
from ipledger import _deploy as deploy_module
from ipledger.node._deployment import deployment_journal_file
from web3 import Web3

#: The function each wiring step calls (its gas is fixed, not estimated).
_CALLED = {
    "RoyaltyVault.setFractionVault": "setFractionVault",
    "DisputeManager.grantRole arbitrator": "grantRole",
    "RoyaltyVault.setCreditor DisputeManager": "setCreditor",
    "DisputeManager.setRoyaltyVault": "setRoyaltyVault",
    "ComplianceRegistry.registerVenue LoanDesk": "registerVenue",
    "ComplianceRegistry.registerVenue FractionVault": "registerVenue",
}


class ProcessKilledError(Exception):
    """Stands for the process dying between two sends."""


@pytest.fixture(scope="module")
def one_second_node() -> Iterator[NodeInfo]:
    node = start_node(block_time=1)
    try:
        yield node
    finally:
        stop_node(node.pid)


def _nonce(node: NodeInfo) -> int:
    return Web3(Web3.HTTPProvider(node.rpc_url)).eth.get_transaction_count(dev_account(0).address, "pending")


def _journal(home: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(deployment_journal_file(31337, dev_account(0).address, home).read_text("utf-8"))
    return data


def _assert_complete(ledger: Ledger) -> None:
    """Every contract deployed, attached and wired, as test_deploy.py's first test checks it."""
    deployment = ledger.deployment
    addresses = deployment.addresses()
    assert None not in addresses.values() and len(set(addresses.values())) == 10
    contracts = ledger.contracts
    assert contracts.vault.functions.royaltyVault().call() == deployment.royalties
    assert contracts.royalties.functions.fractionVault().call() == deployment.vault
    assert contracts.royalties.functions.licenses().call() == deployment.licenses
    registry = contracts.registry.functions
    assert registry.hasRole(Web3.keccak(text="VERIFIER_ROLE"), deployment.attestations).call()
    for role in ("DISPUTE_ROLE", "REGISTRAR_ROLE"):
        assert registry.hasRole(Web3.keccak(text=role), deployment.disputes).call()
    assert contracts.has_role("arbitrator", ledger.signer.address)
    assert contracts.royalties.functions.isCreditor(deployment.disputes).call()
    assert contracts.disputes.functions.royaltyVault().call() == deployment.royalties
    assert registry.hasRole(Web3.keccak(text="PLEDGE_ROLE"), deployment.loans).call()
    assert contracts.loans.functions.fractionVault().call() == deployment.vault
    assert contracts.compliance.functions.identityOf(deployment.loans).call()[0] == 2  # a venue wallet
    # The share vault escrows tendered shares: a venue wallet of the compliance registry.
    assert contracts.compliance.functions.identityOf(deployment.vault).call()[0] == 2
    assert set(deployment.currencies) == {"tHKD", "tCNH"}


@pytest.mark.anvil
def test_the_deployment_is_sent_at_once_and_mined_in_a_few_blocks(one_second_node: NodeInfo, home: Path) -> None:
    first = _nonce(one_second_node)
    ledger = Ledger.connect(one_second_node.rpc_url, account="dev0")
    deployment = ledger.deploy_all()
    _assert_complete(ledger)
    transactions = deployment.transactions
    # One transaction per step, consecutive nonces, nothing else sent.
    assert _nonce(one_second_node) == first + len(transactions) == first + 22
    # Sent without waiting: the 22 transactions share a few one-second blocks (one by one they took 22).
    assert len({result.block for result in transactions.values()}) <= 4
    assert not deployment_journal_file(31337, ledger.signer.address, home).exists()


@pytest.mark.anvil
def test_the_fixed_gas_of_each_wiring_call_keeps_its_headroom(one_second_node: NodeInfo, home: Path) -> None:
    deployment = Ledger.connect(one_second_node.rpc_url, account="dev0").deploy_all()
    calls = {
        label: result
        for label, result in deployment.transactions.items()
        if label in _CALLED or label.startswith("grantRole ")
    }
    assert len(calls) == 10
    for label, result in calls.items():
        function = _CALLED.get(label, "grantRole")
        # At least a third of the fixed gas left unused: a contract change that costs more shows here first.
        assert result.gas_used * 3 <= deploy_module.CALL_GAS[function] * 2, (label, result.gas_used)


@pytest.mark.anvil
@pytest.mark.parametrize("sent", [1, 6, 11, 15])
def test_a_deployment_cut_off_after_some_sends_resumes_without_sending_anything_twice(
    one_second_node: NodeInfo, home: Path, monkeypatch: pytest.MonkeyPatch, sent: int
) -> None:
    first = _nonce(one_second_node)
    send = deploy_module._send_raw
    count = 0

    def dying(rpc: Any, raw: str) -> str:
        nonlocal count
        if count == sent:
            raise ProcessKilledError()
        count += 1
        return send(rpc, raw)

    with monkeypatch.context() as patch, pytest.raises(ProcessKilledError):
        patch.setattr(deploy_module, "_send_raw", dying)
        Ledger.connect(one_second_node.rpc_url, account="dev0").deploy_all()
    journal = _journal(home)
    steps = journal["steps"]
    assert [step["nonce"] for step in steps] == list(range(first, first + 22))
    created_before = {step["label"]: step["address"] for step in steps[:sent] if step["address"]}
    # A new process runs the deployment again while the first one's transactions may still be pending.
    ledger = Ledger.connect(one_second_node.rpc_url, account="dev0")
    deployment = ledger.deploy_all()
    _assert_complete(ledger)
    assert _nonce(one_second_node) == first + 22  # every step sent once, over both runs
    assert set(deployment.transactions) == {step["label"] for step in steps}
    assert deployment.registry == created_before["IPRegistry"]
    by_label = {
        "FractionVault": deployment.vault,
        "SettlementDesk": deployment.desk,
        "TestStablecoin": deployment.stablecoin,
    }
    for label, address in created_before.items():
        if label in by_label:
            assert by_label[label] == address
    assert not deployment_journal_file(31337, ledger.signer.address, home).exists()


@pytest.mark.anvil
def test_a_failed_wiring_call_is_named_in_one_line_and_a_rerun_finishes_it(
    one_second_node: NodeInfo, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch, pytest.raises(IPLedgerError) as failed:
        patch.setitem(deploy_module.CALL_GAS, "setFractionVault", 25_000)  # out of gas once mined
        Ledger.connect(one_second_node.rpc_url, account="dev0").deploy_all()
    message = str(failed.value)
    assert message.startswith("RoyaltyVault.setFractionVault (link the royalty vault): ") and "\n" not in message
    registry = _journal(home)["steps"][0]["address"]
    first = _nonce(one_second_node)
    ledger = Ledger.connect(one_second_node.rpc_url, account="dev0")
    deployment = ledger.deploy_all()
    _assert_complete(ledger)
    assert deployment.registry == registry
    assert _nonce(one_second_node) == first + 1  # only the failed link was sent again


@pytest.mark.anvil
def test_a_failed_creation_is_named_and_a_rerun_creates_it_again(
    one_second_node: NodeInfo, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    estimated = deploy_module._estimated

    def short(step: Any, answer: Any, chain: Any) -> int:
        # Half the estimate: above the intrinsic gas (the node takes it), below what the creation needs.
        gas = estimated(step, answer, chain)
        return gas // 2 if step.label == "FractionVault" else gas

    with monkeypatch.context() as patch:
        patch.setattr(deploy_module, "_estimated", short)
        with pytest.raises(
            TransactionError, match=r"^deploy FractionVault: the creation failed in block \d+ "
        ) as failed:
            Ledger.connect(one_second_node.rpc_url, account="dev0").deploy_all()
    assert "\n" not in str(failed.value)
    planned = {step["label"]: step["address"] for step in _journal(home)["steps"] if step["address"]}
    ledger = Ledger.connect(one_second_node.rpc_url, account="dev0")
    deployment = ledger.deploy_all()
    _assert_complete(ledger)
    assert deployment.registry == planned["IPRegistry"] and deployment.royalties == planned["RoyaltyVault"]
    assert deployment.vault != planned["FractionVault"]


def test_the_one_by_one_deployment_still_deploys_everything(anvil_node: NodeInfo, home: Path) -> None:
    ledger = Ledger.connect(anvil_node.rpc_url, account="dev0")
    deploy_module.deploy_all(ledger.chain, ledger.signer, ledger.signer.address, pipelined=False)
    _assert_complete(ledger)
    assert len(ledger.deployment.transactions) == 22
