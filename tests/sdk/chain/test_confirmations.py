"""Confirmations (``Ledger.connect(confirmations=N)``) on a node of the module's own, whose chain a thread moves on
and reorganizes with anvil's ``anvil_reorg`` while a call waits: the call returns once its block is N deep and still
canonical, a transaction a reorganization dropped is sent again as the same signed bytes, and one whose nonce another
transaction took is reported as :class:`TransactionDroppedError`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chain_support import Patent, variant
from ipledger import (
    InvalidInputError,
    Ledger,
    NodeInfo,
    NotFoundError,
    TransactionDroppedError,
    TransactionError,
    dev_account,
    start_node,
    stop_node,
)
from reorg_support import driven_chain


@pytest.fixture(scope="module")
def reorg_node() -> Iterator[NodeInfo]:
    """An anvil of the module's own: reorganizing it cannot disturb the session chain."""
    node = start_node()
    try:
        yield node
    finally:
        stop_node(node.pid)


@pytest.fixture(scope="module")
def registry(reorg_node: NodeInfo) -> str:
    return Ledger.connect(reorg_node.rpc_url, account="dev0").deploy()


def _confirming(node: NodeInfo, registry: str, messages: list[str], confirmations: int = 3) -> Ledger:
    ledger = Ledger.connect(node.rpc_url, registry=registry, account="dev0", confirmations=confirmations)
    ledger.set_confirmations(confirmations, on_reorg=messages.append)
    return ledger


def _registrations(ledger: Ledger, token: int) -> int:
    logs = ledger.contracts.registry.events.RightRegistered().get_logs(
        from_block=ledger.contracts.deployment_block, argument_filters={"tokenId": token}
    )
    return len(logs)


@pytest.mark.parametrize("confirmations", [0, -1, True, 1.5])
def test_confirmations_below_one_block_are_refused(confirmations: object) -> None:
    with pytest.raises(InvalidInputError, match="confirmations must be a whole number of blocks"):
        Ledger.connect("http://127.0.0.1:1", confirmations=confirmations)  # type: ignore[arg-type]


@pytest.mark.anvil
def test_a_call_returns_once_its_block_is_n_deep(reorg_node: NodeInfo, registry: str, patent: Patent) -> None:
    messages: list[str] = []
    ledger = _confirming(reorg_node, registry, messages)
    assert ledger.confirmations == 3 and ledger.use("dev1").confirmations == 3
    with driven_chain(reorg_node.rpc_url, dev_account(0).account) as driven:
        result = ledger.register(*variant(patent, "deep"))
        head = ledger.chain.head()
    assert driven.errors == []
    assert result.confirmations >= 3 and head - result.block + 1 >= 3
    assert (result.resent, messages) == (0, [])


@pytest.mark.anvil
def test_a_transaction_a_reorganization_dropped_is_sent_again_as_the_same_bytes(
    reorg_node: NodeInfo, registry: str, patent: Patent
) -> None:
    messages: list[str] = []
    ledger = _confirming(reorg_node, registry, messages)
    with driven_chain(reorg_node.rpc_url, dev_account(0).account, reorg="drop") as driven:
        result = ledger.register(*variant(patent, "dropped"))
    assert driven.errors == [] and driven.dropped_block is not None
    assert result.resent == 1 and result.confirmations >= 3
    assert result.block >= driven.dropped_block
    canonical = ledger.chain.w3.eth.get_block(result.block)
    assert (
        "0x" + bytes(canonical["hash"]).hex()
        == "0x"
        + bytes(
            ledger.chain.w3.eth.get_transaction_receipt(result.tx_hash)["blockHash"]  # type: ignore[arg-type]
        ).hex()
    )
    assert _registrations(ledger, result.token_id) == 1
    (message,) = messages
    assert f"dropped the transaction {result.tx_hash} from block {driven.dropped_block}" in message
    assert "sent the same signed transaction again" in message


@pytest.mark.anvil
def test_a_dropped_transaction_whose_nonce_another_took_is_reported(
    reorg_node: NodeInfo, registry: str, patent: Patent
) -> None:
    messages: list[str] = []
    ledger = _confirming(reorg_node, registry, messages)
    metadata, documents = variant(patent, "taken")
    nonce = ledger.chain.w3.eth.get_transaction_count(ledger.signer.address)  # type: ignore[arg-type]
    with (
        driven_chain(reorg_node.rpc_url, dev_account(0).account, reorg="take_nonce") as driven,
        pytest.raises(TransactionDroppedError) as caught,
    ):
        ledger.register(metadata, documents)
    assert driven.errors == [] and driven.replacement is not None
    error = caught.value
    assert error.block == driven.dropped_block and error.resent == 0
    assert f"its nonce {nonce} is now used by another transaction" in str(error)
    assert "which a reorganization of the chain replaced" in str(error)
    with pytest.raises(NotFoundError):
        ledger.rights.resolve(metadata.number)
    assert ledger.chain.w3.eth.get_transaction_receipt(driven.replacement)["status"] == 1  # type: ignore[arg-type]


@pytest.mark.anvil
def test_a_transaction_rolled_back_with_its_block_is_sent_again(
    reorg_node: NodeInfo, registry: str, patent: Patent
) -> None:
    """anvil_rollback: the chain ends below the transaction's block (the head went down), as after a deeper fork."""
    messages: list[str] = []
    ledger = _confirming(reorg_node, registry, messages, confirmations=2)
    with driven_chain(reorg_node.rpc_url, dev_account(0).account, reorg="rollback") as driven:
        result = ledger.register(*variant(patent, "rolled back"))
    assert driven.errors == [] and driven.dropped_block is not None
    assert result.resent == 1 and result.confirmations >= 2
    assert _registrations(ledger, result.token_id) == 1
    (message,) = messages
    assert "sent the same signed transaction again" in message


@pytest.mark.anvil
def test_a_transaction_mined_again_in_another_block_is_followed_there(
    reorg_node: NodeInfo, registry: str, patent: Patent
) -> None:
    messages: list[str] = []
    ledger = _confirming(reorg_node, registry, messages)
    with driven_chain(reorg_node.rpc_url, dev_account(0).account, reorg="move") as driven:
        result = ledger.register(*variant(patent, "moved"))
    assert driven.errors == [] and driven.dropped_block is not None
    assert result.resent == 0 and result.confirmations >= 3
    assert _registrations(ledger, result.token_id) == 1
    (message,) = messages
    assert (
        f"replaced block {driven.dropped_block}; the transaction {result.tx_hash} is now in block {result.block}"
        in (message)
    )


@pytest.mark.anvil
def test_confirmations_on_a_chain_that_makes_no_block_end_in_a_clear_error(
    reorg_node: NodeInfo, registry: str, patent: Patent
) -> None:
    """The module's anvil mines only on demand: with nobody asking, the second block never comes."""
    ledger = _confirming(reorg_node, registry, [], confirmations=2)
    ledger.chain.sender._receipt_timeout = 0.5
    with pytest.raises(
        TransactionError, match=r"which is 1 of 2 blocks deep: the chain made no block for 0 s"
    ) as caught:
        ledger.register(*variant(patent, "stalled"))
    assert caught.value.tx_hash is not None and caught.value.block is not None
