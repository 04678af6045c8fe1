"""The event index answers a right's history a few blocks behind the chain head (``max_index_lag``): it syncs the gap
first, or, when its file cannot be written, says how far behind it answered; further behind, the node answers."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from chain_support import Patent, rpc, variant
from ipledger import DEFAULT_MAX_INDEX_LAG, EventIndex, Ledger, start_node, stop_node
from postgres_support import IndexUrls


@pytest.mark.anvil
def test_history_syncs_an_index_a_few_blocks_behind_and_answers_from_it(
    ledger: Ledger, patent: Patent, index_url: IndexUrls
) -> None:
    token = ledger.register(*variant(patent, "lag")).token_id
    index = EventIndex.open(index_url())
    index.sync(ledger)
    rpc(ledger, "anvil_mine", hex(3))
    head = ledger.chain.head()
    assert index.cursor == head - 3

    answer = ledger.audit.sourced_history(token, index=index)
    assert (answer.source, answer.index_block, answer.index_behind) == ("index", head, 0)
    assert index.cursor == head
    assert ledger.history(token, index=index) == ledger.history(token)
    assert ledger.audit.index_refusal(index) is None


@pytest.mark.anvil
def test_history_reads_the_node_when_the_index_is_further_behind_than_allowed(
    ledger: Ledger, patent: Patent, index_url: IndexUrls
) -> None:
    token = ledger.register(*variant(patent, "far")).token_id
    index = EventIndex.open(index_url())
    index.sync(ledger)
    rpc(ledger, "anvil_mine", hex(5))
    cursor = index.cursor

    assert ledger.audit.history_with_source(token, index, max_index_lag=4)[1] == "node"
    assert index.cursor == cursor  # nothing synced
    assert ledger.audit.index_refusal(index, max_index_lag=4) == (
        "the index is 5 block(s) behind the chain head, more than the 4 allowed (sync it)"
    )
    assert (
        ledger.audit.index_refusal(index, max_index_lag=0) == "the index is 5 block(s) behind the chain head (sync it)"
    )
    assert ledger.audit.history_with_source(token, index, max_index_lag=5)[1] == "index"
    assert DEFAULT_MAX_INDEX_LAG >= 5


@pytest.mark.anvil
def test_an_index_that_cannot_be_written_answers_saying_how_far_behind(
    ledger: Ledger, patent: Patent, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = ledger.register(*variant(patent, "kept")).token_id
    index = EventIndex(tmp_path / "index.sqlite")
    index.sync(ledger)
    cursor = index.cursor
    fresh = ledger.register(*variant(patent, "fresh")).token_id  # in the gap: the index cannot know it
    rpc(ledger, "anvil_mine", hex(2))

    def read_only(*_: object, **__: object) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(index, "sync", read_only)
    answer = ledger.audit.sourced_history(kept, index=index)
    assert (answer.source, answer.index_block, answer.index_behind) == ("index", cursor, 3)
    assert answer.events == ledger.history(kept).events
    assert ledger.audit.sourced_history(fresh, index=index).source == "node"


@pytest.mark.anvil
@pytest.mark.slow
def test_on_a_chain_with_block_times_history_answers_from_the_index_behind_the_head(
    patent: Patent, tmp_path: Path
) -> None:
    """anvil --block-time 1: the head moves every second, so an index synced a moment ago is always a few blocks
    behind; the history still comes from it, the gap synced first."""
    node = start_node(block_time=1)
    try:
        ledger = Ledger.connect(node.rpc_url, account="dev0")
        ledger.deploy_all()
        token = ledger.register(*patent).token_id
        ledger.rights.freeze(token, b"\x01" * 32)
        index = EventIndex(tmp_path / "index.sqlite")
        index.sync(ledger)
        synced = index.cursor
        deadline = time.monotonic() + 15
        while ledger.chain.head() < synced + 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert ledger.audit.index_refusal(index, max_index_lag=0) is not None  # behind: the old rule read the node

        answer = ledger.audit.sourced_history(token, index=index)
        assert answer.source == "index" and answer.index_behind == 0
        assert answer.index_block is not None and answer.index_block >= synced + 3
        assert [event.kind for event in answer.events] == ["registered", "frozen"]
        node_history = ledger.history(token)
        assert answer.events == node_history.events
    finally:
        stop_node(node.pid)
