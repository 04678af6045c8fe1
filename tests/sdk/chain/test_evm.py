"""Older chains: an EVM before Cancun is refused in one line before anything is deployed or sent, naming what it lacks
and the hardfork needed; a chain without a base fee gets legacy (type 0) transactions from both senders, and a
stuck one is replaced at a higher gas price.

Each test starts an anvil of its own at an older hardfork (``--hardfork london|shanghai|berlin``). No node offers
Cancun's instructions without EIP-1559's base fee (anvil has no option to drop the base fee from a London or later
chain, Hardhat neither), so the legacy sends run on Berlin with the EVM check left out (a plain transfer and a
contract without PUSH0 need none), and tests/sdk/chain/test_fees.py covers the policy on a recorded block."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import ipledger.chain._chain as chain_module
import pytest
from chain_support import Patent, variant
from copier_support import until
from ipledger import Ledger, NodeInfo, UnsupportedEvmError, start_node, stop_node
from ipledger.chain._evm import missing_features, require_contracts_evm
from ipledger.chain._pipeline import PipelinedSender, PlannedCall
from ipledger.chain._rpc import Rpc
from ipledger.chain._transactions import TransactionSender
from web3.types import RPCEndpoint

#: Creation code of a contract whose code is one byte (STOP), without PUSH0: PUSH1 1 PUSH1 12 PUSH1 0 CODECOPY
#: PUSH1 1 PUSH1 0 RETURN, then the code.
_STOP_CONTRACT = "0x6001600c60003960016000f300"


def _node(hardfork: str) -> Iterator[NodeInfo]:
    node = start_node(extra_args=("--hardfork", hardfork))
    try:
        yield node
    finally:
        stop_node(node.pid)


@pytest.fixture
def london() -> Iterator[NodeInfo]:
    yield from _node("london")


@pytest.fixture
def shanghai() -> Iterator[NodeInfo]:
    yield from _node("shanghai")


@pytest.fixture
def berlin() -> Iterator[NodeInfo]:
    yield from _node("berlin")


def _raw(ledger: Ledger, method: str, *params: object) -> Any:
    response = ledger.chain.w3.provider.make_request(RPCEndpoint(method), list(params))
    assert "error" not in response, response
    return response["result"]


def _nothing_sent(ledger: Ledger) -> None:
    assert ledger.chain.head() == 0
    assert ledger.chain.w3.eth.get_transaction_count(ledger.signer.address, "pending") == 0


@pytest.mark.anvil
def test_a_deploy_on_london_is_refused_before_anything_is_sent_naming_push0_mcopy_and_transient_storage(
    london: NodeInfo,
) -> None:
    ledger = Ledger.connect(london.rpc_url, account="dev0")  # connecting asks nothing of the EVM
    with pytest.raises(UnsupportedEvmError) as caught:
        ledger.deploy()
    refusal = caught.value
    assert (refusal.missing, refusal.predates, refusal.needed) == (
        ("PUSH0", "MCOPY", "transient storage"),
        "Shanghai",
        "Cancun",
    )
    assert str(refusal) == (
        "deploy: this chain's EVM predates Shanghai (no PUSH0/MCOPY/transient storage): ipledger's contracts need "
        'Cancun or later; use a chain at Cancun or later (anvil: --hardfork cancun; Hardhat: hardfork "cancun"); '
        f"nothing was sent (node {london.rpc_url})"
    )
    _nothing_sent(ledger)


@pytest.mark.anvil
def test_a_deploy_on_shanghai_is_refused_naming_mcopy_and_transient_storage(shanghai: NodeInfo) -> None:
    """Shanghai has PUSH0, so the contracts used to deploy there and fail later, in licence, share and market calls."""
    ledger = Ledger.connect(shanghai.rpc_url, account="dev0")
    with pytest.raises(UnsupportedEvmError, match=r"^deploy: this chain's EVM predates Cancun \(no MCOPY/transient "):
        ledger.deploy()
    assert missing_features(ledger.chain.rpc) == ("MCOPY", "transient storage")
    _nothing_sent(ledger)


@pytest.mark.anvil
def test_every_send_on_shanghai_is_refused_before_its_gas_estimate_and_reads_go_ahead(shanghai: NodeInfo) -> None:
    """A contract that Shanghai could run is refused too: the chain cannot run ipledger's, so nothing is sent."""
    ledger = Ledger.connect(shanghai.rpc_url, account="dev0")
    factory = ledger.chain.w3.eth.contract(abi=[], bytecode=_STOP_CONTRACT)
    for _ in range(2):  # a refusal is not remembered: the next send asks again
        with pytest.raises(UnsupportedEvmError, match=r"^deploy STOP: this chain's EVM predates Cancun"):
            ledger.chain.sender.send(ledger.signer, factory.constructor(), action="deploy STOP")
    assert not ledger.chain.evm_checked
    _nothing_sent(ledger)


def test_a_cancun_chain_passes_with_one_probe_per_connection(
    anvil_node: NodeInfo, ledger: Ledger, patent: Patent, monkeypatch: pytest.MonkeyPatch
) -> None:
    probes: list[str | None] = []

    def counting(rpc: Rpc, *, action: str | None = None) -> None:
        probes.append(action)
        require_contracts_evm(rpc, action=action)

    monkeypatch.setattr(chain_module, "require_contracts_evm", counting)
    client = Ledger.connect(anvil_node.rpc_url, registry=ledger.contracts.registry_address, account="dev0")
    assert probes == [] and not client.chain.evm_checked  # connecting (and reading) asks nothing
    client.register(*patent)
    client.register(*variant(patent, "b"))
    assert len(probes) == 1, probes
    assert client.chain.evm_checked and client.use("dev1").chain.evm_checked
    assert missing_features(client.chain.rpc) == ()


def _legacy_sender(ledger: Ledger, **options: Any) -> TransactionSender:
    """The ledger's sender without its EVM check (Berlin lacks PUSH0): only the fee policy is under test."""
    chain = ledger.chain
    return TransactionSender(
        chain.w3,
        chain.decoder,
        endpoint=chain.rpc_url,
        chain_id=chain.chain_id,
        check_chain=chain.check_chain,
        **options,
    )


@pytest.mark.anvil
def test_a_chain_without_base_fee_gets_legacy_transactions_from_both_senders(berlin: NodeInfo) -> None:
    ledger = Ledger.connect(berlin.rpc_url, account="dev0")
    assert "baseFeePerGas" not in _raw(ledger, "eth_getBlockByNumber", "latest", False)
    with pytest.raises(UnsupportedEvmError, match="predates Shanghai"):
        ledger.deploy()
    gas_price = int(_raw(ledger, "eth_gasPrice"), 16)
    factory = ledger.chain.w3.eth.contract(abi=[], bytecode=_STOP_CONTRACT)
    result, receipt = _legacy_sender(ledger).send(ledger.signer, factory.constructor(), action="deploy STOP")
    sent = _raw(ledger, "eth_getTransactionByHash", result.tx_hash)
    assert (sent["type"], int(sent["gasPrice"], 16)) == ("0x0", gas_price)
    assert "maxFeePerGas" not in sent
    assert ledger.chain.get_code(str(receipt["contractAddress"])) == b"\x00"

    pipelined = PipelinedSender(
        ledger.chain.rpc, ledger.chain.decoder, ledger.signer, chain_id=ledger.chain_id, check_chain=lambda _: None
    )
    calls = [PlannedCall(key=n, to=ledger.address_of("dev1"), data="0x", action="send nothing") for n in range(3)]
    outcomes = pipelined.run(calls)
    assert all(outcome.ok for outcome in outcomes), [outcome.error for outcome in outcomes]
    for outcome in outcomes:
        sent = _raw(ledger, "eth_getTransactionByHash", outcome.tx_hash)
        assert (sent["type"], int(sent["gasPrice"], 16)) == ("0x0", gas_price)


@pytest.mark.anvil
def test_a_stuck_legacy_transaction_is_replaced_at_a_higher_gas_price(berlin: NodeInfo) -> None:
    ledger = Ledger.connect(berlin.rpc_url, account="dev0")
    sender = _legacy_sender(ledger, stuck_after=0.3)
    factory = ledger.chain.w3.eth.contract(abi=[], bytecode=_STOP_CONTRACT)
    address = ledger.signer.address.lower()

    def pending() -> dict[str, Any]:
        pool = _raw(ledger, "txpool_content")["pending"]
        return next((dict(txs) for owner, txs in pool.items() if owner.lower() == address), {})

    _raw(ledger, "evm_setAutomine", False)
    try:
        with ThreadPoolExecutor(1) as pool:
            future = pool.submit(sender.send, ledger.signer, factory.constructor(), action="deploy STOP")
            first = until(lambda: pending().get("0"))
            bumped = until(lambda: (tx := pending().get("0")) and tx["hash"] != first["hash"] and tx)
            _raw(ledger, "evm_mine")
            result, _ = future.result(timeout=10)
    finally:
        _raw(ledger, "evm_setAutomine", True)
    assert (first["type"], bumped["type"]) == ("0x0", "0x0")
    assert int(bumped["gasPrice"], 16) * 10 >= int(first["gasPrice"], 16) * 11
    assert int(bumped["gasPrice"], 16) > int(first["gasPrice"], 16)
    assert result.tx_hash != first["hash"]
    assert ledger.chain.w3.eth.get_transaction_count(ledger.signer.address) == 1
