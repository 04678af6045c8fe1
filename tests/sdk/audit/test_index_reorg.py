"""Event index reorganization safety, on a dedicated anvil node whose chain is rewound with evm_snapshot/evm_revert."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chain_support import Patent, rpc, variant
from ipledger import EventIndex, Ledger, NotFoundError, start_node, stop_node
from postgres_support import IndexUrls


@pytest.fixture
def fork_ledger() -> Iterator[Ledger]:
    """A fresh node and deployment of its own: rewinding it cannot disturb the session chain."""
    node = start_node()
    try:
        client = Ledger.connect(node.rpc_url, account="dev0")
        client.deploy()
        yield client
    finally:
        stop_node(node.pid)


@pytest.mark.anvil
def test_sync_after_a_reorg_rolls_back_to_the_fork_and_indexes_the_new_branch(
    fork_ledger: Ledger, patent: Patent, index_url: IndexUrls
) -> None:
    ledger = fork_ledger
    kept = ledger.register(*variant(patent, "kept"), to="dev1").token_id
    snapshot = rpc(ledger, "evm_snapshot")
    fork_block = ledger.chain.head()
    orphan = variant(patent, "orphan")
    orphaned = ledger.register(*orphan, to="dev2").token_id
    ledger.use("dev2").rights.transfer(orphaned, "dev3")
    ledger.use("dev1").rights.transfer(kept, "dev2")
    index = EventIndex.open(index_url())
    index.sync(ledger)
    old_cursor = index.cursor

    assert rpc(ledger, "evm_revert", snapshot) is True
    new = variant(patent, "new")
    replacement = ledger.register(*new, to="dev4").token_id
    for _ in range(3):
        rpc(ledger, "evm_mine")
    assert ledger.chain.head() > old_cursor

    result = index.sync(ledger)
    (rollback,) = result.rollbacks
    assert rollback.fork_block == fork_block
    assert rollback.previous_cursor == old_cursor
    assert rollback.removed_logs > 0
    assert result.from_block == fork_block + 1 and index.cursor == ledger.chain.head()
    assert index.status().rollbacks == 1

    with pytest.raises(NotFoundError):
        index.history(orphaned)
    assert index.history(replacement) == ledger.history(replacement)
    assert index.history(kept) == ledger.history(kept)
    assert {record.token_id for record in index.rights()} == {kept, replacement}
    assert [hit.token_id for hit in index.search(str(orphan[0].number))] == []
    assert [(hit.token_id, hit.matched) for hit in index.search(str(new[0].number))] == [(replacement, "number")]
    assert [hit.token_id for hit in index.search(hex(orphaned))] == []
    assert [hit.token_id for hit in index.search(ledger.address_of("dev2"))] == []
    assert [hit.token_id for hit in index.search(ledger.address_of("dev4"))] == [replacement]

    clean = EventIndex.open(index_url("clean"))
    clean.sync(ledger)
    columns = "address, block, block_hash, tx_hash, log_index, topics, data, name, args, token_id"
    query = f"SELECT {columns} FROM logs ORDER BY block, log_index"
    assert index._db.execute(query).fetchall() == clean._db.execute(query).fetchall()
    for derived in (
        "SELECT token_id, owner, since_block, until_block FROM custody",
        "SELECT * FROM registrations",
        "SELECT * FROM share_balances",
        "SELECT token_id, since_block, until_block, title, folded, numbers, packed FROM search_rights",
        "SELECT n.number, e.token_id FROM search_numbers n JOIN search_rights e ON e.id = n.entry",
    ):
        assert sorted(index._db.execute(derived).fetchall()) == sorted(clean._db.execute(derived).fetchall())
    assert [right.token_id for right in index.portfolio(ledger.address_of("dev3")).rights] == []
    assert [right.token_id for right in index.portfolio(ledger.address_of("dev1")).rights] == [kept]
