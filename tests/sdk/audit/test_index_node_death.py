"""Event index sync while the node dies: anvil is killed mid-sync and restarted from a state file older than the
index (a rollback); the next sync finds its cursor block gone, rolls back and matches the node again."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
from chain_support import variant
from ipledger import EventIndex, IPMetadata, Ledger, NodeError, NotFoundError, SyncProgress, start_node, stop_node
from postgres_support import IndexUrls

Patent = tuple[IPMetadata, list[Path]]


@pytest.mark.anvil
def test_sync_interrupted_by_node_death_and_restart_from_older_state_rolls_back_and_matches_the_node(
    patent: Patent, tmp_path: Path, index_url: IndexUrls
) -> None:
    state, older = tmp_path / "state.json", tmp_path / "older.json"
    node = start_node(state_file=state)
    try:
        ledger = Ledger.connect(node.rpc_url, account="dev0")
        registry = ledger.deploy()
        kept = ledger.register(*variant(patent, "kept"), to="dev1").token_id
        stop_node(node.pid)
        shutil.copyfile(state, older)
        node = start_node(state_file=state, port=node.port)
        ledger = Ledger.connect(node.rpc_url, registry=registry, account="dev0")
        persisted_head = ledger.chain.head()
        orphaned = ledger.register(*variant(patent, "orphan"), to="dev2").token_id
        ledger.use("dev2").rights.transfer(orphaned, "dev3")
        ledger.use("dev1").rights.transfer(kept, "dev2")

        index = EventIndex.open(index_url())
        pid = node.pid

        def kill_past_the_persisted_state(progress: SyncProgress) -> None:
            if progress.cursor >= persisted_head + 2:
                os.kill(pid, signal.SIGKILL)

        with pytest.raises(NodeError):
            index.sync(ledger, chunk=1, progress=kill_past_the_persisted_state)
        cursor = index.cursor
        assert cursor >= persisted_head + 2

        shutil.copyfile(older, state)
        node = start_node(state_file=state, port=node.port)
        ledger = Ledger.connect(node.rpc_url, registry=registry, account="dev0")
        assert ledger.chain.head() == persisted_head
        replacement = ledger.register(*variant(patent, "new"), to="dev4").token_id
        for _ in range(3):
            ledger.chain.rpc.call("evm_mine", [])

        result = index.sync(ledger)
        (rollback,) = result.rollbacks
        assert rollback.fork_block == persisted_head
        assert rollback.previous_cursor == cursor
        assert index.cursor == ledger.chain.head()
        with pytest.raises(NotFoundError):
            index.history(orphaned)
        assert index.history(kept) == ledger.history(kept)
        assert index.history(replacement) == ledger.history(replacement)

        clean = EventIndex.open(index_url("clean"))
        clean.sync(ledger)
        query = "SELECT address, block, block_hash, tx_hash, log_index, topics, data FROM logs ORDER BY 2, 5"
        assert index._db.execute(query).fetchall() == clean._db.execute(query).fetchall()
    finally:
        stop_node(node.pid)
