"""The event index: full and incremental sync, agreement with the node, and resuming after a kill."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from chain_support import Patent, variant
from ipledger import EventIndex, Ledger, NotFoundError, SyncProgress
from postgres_support import IndexUrls
from share_support import ONE


@pytest.fixture
def storied_right(ledger: Ledger, patent: Patent, tmp_path: Path) -> int:
    """A right registered to dev1, assigned to dev2, frozen, unfrozen, force-transferred to dev4."""
    metadata, documents = variant(patent, "1")
    deed = tmp_path / "deed.txt"
    deed.write_text("assignment deed")
    token = ledger.register(metadata, documents, to="dev1").token_id
    ledger.use("dev1").rights.assign(token, "dev2", deed)
    ledger.rights.freeze(token, b"\x01" * 32)
    ledger.rights.unfreeze(token, b"\x01" * 32)
    ledger.rights.force_transfer(token, "dev4", b"\x02" * 32)
    return token


def _rows(index: EventIndex) -> list[tuple[object, ...]]:
    return index._db.execute(
        "SELECT address, block, block_hash, tx_hash, log_index, topics, data, name, args, token_id FROM logs "
        "ORDER BY block, log_index"
    ).fetchall()


def test_sync_indexes_up_to_the_head_then_only_new_blocks(
    ledger: Ledger, storied_right: int, fractionalized: int, index_url: IndexUrls
) -> None:
    index = EventIndex.open(index_url())
    reports: list[SyncProgress] = []
    first = index.sync(ledger, chunk=7, progress=reports.append)
    head = ledger.chain.head()
    assert first.to_block == index.cursor == head
    assert first.from_block == ledger.contracts.deployment_block
    assert first.logs_added == index.log_count() > 0
    assert first.share_tokens >= 1 and first.rollbacks == []
    assert len(reports) == first.chunks and reports[-1].cursor == head

    again = index.sync(ledger)
    assert (again.chunks, again.logs_added) == (0, 0)

    ledger.use("dev1").shares.transfer(fractionalized, "dev2", 5 * ONE)
    later = index.sync(ledger)
    assert later.from_block == head + 1 and later.to_block == ledger.chain.head()
    assert later.logs_added >= 1
    assert index.cap_table(fractionalized) == ledger.shares.cap_table(fractionalized)


def test_index_history_equals_node_history(
    ledger: Ledger, storied_right: int, fractionalized: int, patent: Patent, index_url: IndexUrls
) -> None:
    redeemed = fractionalized
    ledger.use("dev1").shares.redeem(redeemed)
    other = ledger.register(*variant(patent, "2")).token_id
    index = EventIndex.open(index_url())
    index.sync(ledger)
    for token in (storied_right, redeemed, other):
        from_node = ledger.history(token)
        assert index.history(token) == from_node
        assert ledger.history(token, index=index) == from_node
    kinds = [event.kind for event in index.history(redeemed).events]
    assert kinds == ["registered", "fractionalized", "redeemed"]


def test_ledger_history_falls_back_to_the_node_when_the_index_is_behind(
    ledger: Ledger, storied_right: int, index_url: IndexUrls
) -> None:
    index = EventIndex.open(index_url())
    index.sync(ledger, to_block=ledger.contracts.deployment_block)
    with pytest.raises(NotFoundError):
        index.history(storied_right)
    history, source = ledger.audit.history_with_source(storied_right, index, max_index_lag=0)
    assert source == "node" and history.events[-1].kind == "forced_transfer"


def test_an_index_of_another_chain_at_the_same_height_is_not_trusted(
    ledger: Ledger, storied_right: int, index_url: IndexUrls
) -> None:
    index = EventIndex.open(index_url())
    index.sync(ledger)
    assert ledger.audit.history_with_source(storied_right, index)[1] == "index"
    with index._db:
        index._db.execute("UPDATE blocks SET hash = ? WHERE number = ?", ("0x" + "ab" * 32, index.cursor))
    history, source = ledger.audit.history_with_source(storied_right, index)
    assert source == "node"
    assert history == ledger.history(storied_right)
    assert "another chain" in str(ledger.audit.index_refusal(index))


_KILLED_SYNC = textwrap.dedent(
    """
    import os, sys
    from ipledger import EventIndex, Ledger

    rpc_url, registry, vault, path, chunks = sys.argv[1:]
    ledger = Ledger.connect(rpc_url, registry=registry, vault=vault)
    done = []

    def die_after(report):
        done.append(report)
        if len(done) == int(chunks):
            os._exit(9)

    EventIndex(path).sync(ledger, chunk=3, progress=die_after)
    """
)


def test_sync_killed_mid_way_resumes_without_duplicates(
    ledger: Ledger, storied_right: int, index_url: IndexUrls
) -> None:
    path = index_url("killed")
    arguments = [
        ledger.chain.rpc_url,
        ledger.contracts.registry_address,
        str(ledger.contracts.vault.address),
        path,
        "4",
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    killed = subprocess.run([sys.executable, "-c", _KILLED_SYNC, *arguments], env=env, check=False, timeout=120)
    assert killed.returncode == 9
    resumed = EventIndex(path)
    assert resumed.cursor == ledger.contracts.deployment_block - 1 + 4 * 3
    resumed.sync(ledger)

    clean = EventIndex.open(index_url("clean"))
    clean.sync(ledger, to_block=resumed.cursor)
    assert _rows(resumed) == _rows(clean)

    # Replaying blocks already stored (as after a crash between writing and moving the cursor) adds nothing.
    with resumed._db:
        resumed._db.execute(
            "UPDATE meta SET value = ? WHERE key = 'cursor'", (str(ledger.contracts.deployment_block - 1),)
        )
    assert resumed.sync(ledger, to_block=clean.cursor).logs_added == 0
    assert _rows(resumed) == _rows(clean)
