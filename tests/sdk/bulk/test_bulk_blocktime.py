"""Bulk registration on chains like the real ones (issue 18): blocks every second instead of automine, a sliding send
window that refills every block, and batches split under the node's per-transaction gas limit (Osaka's cap of
2**24, or a small block gas limit)."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from bulk_support import patent_rows, write_csv
from ipledger import BulkMode, BulkStatus, Ledger, NodeInfo, start_node, stop_node
from ipledger.chain._pipeline import PipelinedSender

#: EIP-7825 (Osaka): no transaction may ask more gas than this.
OSAKA_TX_GAS_CAP = 2**24
#: The window of the sender before issue 18 (and its default): at most this many rights per block.
OLD_WINDOW = 64


@pytest.fixture(scope="module")
def timed_node() -> Iterator[NodeInfo]:
    """An anvil of its own that mines a block every second (no automine)."""
    node = start_node(block_time=1)
    try:
        yield node
    finally:
        stop_node(node.pid)


@pytest.fixture(scope="module")
def timed(timed_node: NodeInfo) -> Ledger:
    ledger = Ledger.connect(timed_node.rpc_url, account="dev0")
    ledger.deploy()
    return ledger


@pytest.fixture(scope="module")
def capped_node() -> Iterator[NodeInfo]:
    """An anvil of its own (automine) that enforces Osaka's per-transaction gas cap."""
    node = start_node(extra_args=("--enable-tx-gas-limit",))
    try:
        yield node
    finally:
        stop_node(node.pid)


@pytest.fixture(scope="module")
def capped(capped_node: NodeInfo) -> Ledger:
    ledger = Ledger.connect(capped_node.rpc_url, account="dev0")
    ledger.deploy()
    return ledger


def set_block_gas_limit(ledger: Ledger, limit: int) -> None:
    """Sets the gas limit of the next blocks and mines one, so that the latest block (which the sender reads)
    shows it."""
    ledger.chain.w3.provider.make_request("evm_setBlockGasLimit", [hex(limit)])  # type: ignore[arg-type]
    ledger.chain.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


def rights_per_block(ledger: Ledger, tx_hashes: list[str]) -> Counter[int]:
    w3 = ledger.chain.w3
    return Counter(int(w3.eth.get_transaction_receipt(tx_hash)["blockNumber"]) for tx_hash in tx_hashes)


def nonces(ledger: Ledger, tx_hashes: list[str]) -> dict[str, int]:
    return {tx_hash: int(ledger.chain.w3.eth.get_transaction(tx_hash)["nonce"]) for tx_hash in tx_hashes}


@pytest.mark.anvil
def test_single_mode_puts_more_rights_in_one_block_than_the_old_window_allowed(timed: Ledger, tmp_path: Path) -> None:
    """200 rows with the defaults on 1-second blocks: the old sender sent 64, then waited for all 64 receipts, so no
    block ever held more than 64 of them."""
    rows = patent_rows(tmp_path, 200)
    report = timed.rights.register_bulk(write_csv(tmp_path / "rights.csv", rows), mode=BulkMode.SINGLE)
    assert report.complete, report.summary()
    per_block = rights_per_block(timed, [row.tx_hash for row in report.rows if row.tx_hash])
    assert max(per_block.values()) > OLD_WINDOW, per_block


@pytest.mark.anvil
def test_a_bulk_run_asked_for_confirmations_returns_once_its_blocks_are_deep_enough(
    timed: Ledger, tmp_path: Path
) -> None:
    """With --confirmations 3 the run ends only when the last block holding a right has two blocks above it, each
    receipt's block checked against the canonical chain (chain/_confirmations.py)."""
    ledger = timed.use("dev0")
    ledger.set_confirmations(3)
    report = ledger.rights.register_bulk(write_csv(tmp_path / "rights.csv", patent_rows(tmp_path, 5)))
    assert report.complete, report.summary()
    last = max(row.block for row in report.rows if row.block is not None)
    assert ledger.chain.w3.eth.block_number >= last + 2


@pytest.mark.anvil
@pytest.mark.parametrize("windowed", [False, True], ids=["sliding", "windowed (before issue 18)"])
def test_a_block_that_cannot_hold_the_window_is_refilled_at_once(timed: Ledger, tmp_path: Path, windowed: bool) -> None:
    """Blocks hold about 24 registrations, the window is 30: the sliding sender sends the next calls as soon as a
    block's receipts arrive, so the block after holds the first window's last transactions beside the second
    window's first ones. The windowed sender (kept for the benchmark) never mixes two windows in a block."""
    window = 30
    w3 = timed.chain.w3
    limit = int(w3.eth.get_block("latest")["gasLimit"])
    w3.provider.make_request("evm_setBlockGasLimit", [hex(3_000_000)])  # type: ignore[arg-type]
    try:
        sender = functools.partial(PipelinedSender, windowed=windowed)
        with mock.patch("ipledger.bulk._bulk.PipelinedSender", sender):
            report = timed.rights.register_bulk(
                write_csv(tmp_path / "rights.csv", patent_rows(tmp_path, 3 * window)), mode="single", window=window
            )
    finally:
        w3.provider.make_request("evm_setBlockGasLimit", [hex(limit)])  # type: ignore[arg-type]
    assert report.complete, report.summary()
    hashes = [row.tx_hash for row in report.rows if row.tx_hash]
    first = min(nonces(timed, hashes).values())
    windows_of_block: dict[int, set[int]] = {}
    for tx_hash, nonce in nonces(timed, hashes).items():
        block = int(w3.eth.get_transaction_receipt(tx_hash)["blockNumber"])
        windows_of_block.setdefault(block, set()).add((nonce - first) // window)
    mixed = [block for block, windows in windows_of_block.items() if len(windows) > 1]
    assert max(rights_per_block(timed, hashes).values()) < window, "the block gas limit must not hold a window"
    if windowed:
        assert not mixed, windows_of_block
    else:
        assert mixed, windows_of_block


@pytest.mark.anvil(reason="anvil's --enable-tx-gas-limit enforces Osaka's per-transaction cap")
def test_a_batch_over_the_osaka_cap_is_split_and_every_row_registered(capped: Ledger, tmp_path: Path) -> None:
    """300 rights need about 25 million gas in one registerBatch: over the 16,777,216 a transaction may use, so the
    batch is split, each part under the cap."""
    rows = patent_rows(tmp_path, 300)
    report = capped.rights.register_bulk(write_csv(tmp_path / "rights.csv", rows), batch_size=300)
    assert report.complete, report.summary()
    assert report.count(BulkStatus.REGISTERED) == 300
    hashes = {row.tx_hash for row in report.rows if row.tx_hash}
    assert len(hashes) == report.transactions >= 2
    for tx_hash in hashes:
        assert capped.chain.w3.eth.get_transaction(tx_hash)["gas"] <= OSAKA_TX_GAS_CAP


@pytest.mark.anvil(reason="evm_setBlockGasLimit")
def test_a_small_block_gas_limit_splits_batches_and_a_row_too_large_alone_fails_with_the_reason(
    capped: Ledger, tmp_path: Path
) -> None:
    """A block gas limit of 2 million splits a batch of 40 (about 3.4 million gas) into parts that fit; at 100,000 not
    even one registration fits: each row fails, saying so, and nothing is sent."""
    w3 = capped.chain.w3
    limit = int(w3.eth.get_block("latest")["gasLimit"])
    try:
        set_block_gas_limit(capped, 2_000_000)
        rows = patent_rows(tmp_path, 40)
        report = capped.rights.register_bulk(write_csv(tmp_path / "rights.csv", rows), batch_size=40)
        assert report.complete, report.summary()
        assert report.transactions >= 2
        for tx_hash in {row.tx_hash for row in report.rows if row.tx_hash}:
            assert capped.chain.w3.eth.get_transaction(tx_hash)["gas"] <= 2_000_000

        set_block_gas_limit(capped, 100_000)
        head = w3.eth.block_number
        tiny = capped.rights.register_bulk(write_csv(tmp_path / "tiny.csv", patent_rows(tmp_path, 2)), batch_size=2)
    finally:
        set_block_gas_limit(capped, limit)
    assert w3.eth.block_number == head + 1
    assert [row.status for row in tiny.rows] == [BulkStatus.FAILED] * 2
    for row in tiny.rows:
        assert "one transaction may use on this node" in (row.error or ""), row.error
