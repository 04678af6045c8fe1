"""The reason of a revert behind another transaction in the same block is found at the transaction's own position,
whichever of tracing, simulation and block tracing the node offers; a node with none of them gets "the node cannot
tell why" and what the state shows now, never the reason a replay before the block would invent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from copier_support import copy_first, manual_mining, mine_when_pending
from ipledger import Ledger, NodeInfo, OrderError, SignedOrder, UnexplainedRevertError, dev_account
from rpc_proxy import hiding_proxy

TRACE = "debug_traceTransaction"
SIMULATE = "eth_simulateV1"
TRACE_BLOCK = "debug_traceBlockByNumber"


def _fill_behind_another(ledger: Ledger, url: str, order: SignedOrder) -> BaseException:
    """dev2 fills ``order`` through ``url`` while dev3 takes it first in the same block; what dev2's fill raised."""
    deployment = ledger.deployment
    taker = Ledger.connect(
        url, registry=deployment.registry, vault=deployment.vault, desk=deployment.desk, account="dev2"
    )
    with manual_mining(ledger), ThreadPoolExecutor(1) as pool:
        future = pool.submit(taker.market.fill_order, order)
        copy_first(ledger, taker.signer.address, dev_account(3))
        mine_when_pending(ledger, 2)
        error = future.exception(timeout=30)
    assert error is not None
    return error


@pytest.mark.anvil
@pytest.mark.parametrize(
    "hidden",
    [set(), {TRACE}, {TRACE, SIMULATE}],
    ids=["traced", "simulated", "block-traced"],
)
def test_the_reason_is_found_at_the_transactions_position(
    anvil_node: NodeInfo, ledger: Ledger, race: SignedOrder, hidden: set[str]
) -> None:
    with hiding_proxy(anvil_node.rpc_url, hidden) as (url, proxy):
        error = _fill_behind_another(ledger, url, race)
    assert isinstance(error, OrderError)
    assert error.error_name == "FillExceedsRemaining"
    assert error.error_args["remaining"] == 0
    assert error.block == ledger.chain.w3.eth.get_transaction_receipt(error.tx_hash)["blockNumber"]
    assert all(proxy.methods[method] >= 1 for method in hidden)


@pytest.mark.anvil
def test_a_node_that_cannot_tell_why_says_so_and_what_the_state_shows(
    anvil_node: NodeInfo, ledger: Ledger, race: SignedOrder
) -> None:
    with hiding_proxy(anvil_node.rpc_url, {TRACE, SIMULATE, TRACE_BLOCK}) as (url, _):
        error = _fill_behind_another(ledger, url, race)
    assert isinstance(error, UnexplainedRevertError)
    assert "the node cannot tell why" in str(error)
    assert error.tried == (TRACE, SIMULATE, TRACE_BLOCK)
    assert "the order is already filled (100000000000000000000 of 100000000000000000000 units)" in error.checks
    assert any(check.startswith(f"filled by {dev_account(3).address} in 0x") for check in error.checks)
    assert "FillExceedsRemaining" not in str(error)
