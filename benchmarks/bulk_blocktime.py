"""Issue 18: bulk registration on 2-second blocks, the sliding send window beside the windowed sender it replaced.

Same run, rights per block and per second.

Run ``python benchmarks/bulk_blocktime.py [--rows N] [--runs K] [--block-time S]``. Each run starts a fresh anvil
with ``--block-time 2`` (blocks every 2 seconds, anvil's default block gas limit; no automine) and deploys a
registry as dev0. Every way then registers ``--rows`` new patents end to end (``ledger.rights.register_bulk``:
metadata validated, documents hashed, rows reconciled with the chain, sent, receipts read), the ways alternating in
each run:

- **windowed, 64** (the baseline: the sender before issue 18 with its default): estimate, sign and send a window of
  64 transactions, wait for every receipt of the window, then the next window;
- **windowed, 256**: the same sender with the new default's window, to show what the larger window alone does (a
  window that does not fit in one block waits a block for its last transactions);
- **sliding, 256** (the new default): up to 256 transactions outstanding and never more gas than two blocks hold; as
  each block's receipts arrive, as many new transactions are sent;
- **batch**, windowed and sliding: ``registerBatch`` of 100 rights per transaction, both senders (batches are
  bounded by the block's gas: about three fit in a 30-million-gas block).

The windowed sender is the old code path kept in ``PipelinedSender(windowed=True)``, reached here by patching the
sender ``register_bulk`` builds; nothing else uses it.

Rights per block: the rows divided by the blocks from the first block holding one of them to the last, inclusive
(blocks in between with none of them count). Rights per second: the rows divided by the wall time of
``register_bulk``. Each figure is the median over ``--runs`` runs. Target (issue 18): ``--mode single`` at least 200
rights per block on 2-second blocks.

Writes ``benchmarks/results/bulk_blocktime.json`` (through ``_figures``).
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from _figures import Figure, median, write_results  # noqa: E402
from ipledger import Ledger, start_node, stop_node  # noqa: E402
from ipledger.chain._pipeline import PipelinedSender  # noqa: E402
from throughput import Portfolio  # noqa: E402

GROUP = "Bulk registration on 2-second blocks"
#: name -> (mode, in-flight window, windowed sender)
WAYS = {
    "single, windowed, 64": ("single", 64, True),
    "single, windowed, 256": ("single", 256, True),
    "single, sliding, 256": ("single", 256, False),
    "batch of 100, windowed, 64": ("batch", 64, True),
    "batch of 100, sliding, 256": ("batch", 256, False),
}
BASELINES = {"single": "single, windowed, 64", "batch": "batch of 100, windowed, 64"}
TARGET_RIGHTS_PER_BLOCK = 200


@contextmanager
def sender(windowed: bool) -> Iterator[None]:
    """``register_bulk`` with the windowed sender (before issue 18) or the sliding one (now)."""
    if not windowed:
        yield
        return
    with mock.patch("ipledger.bulk._bulk.PipelinedSender", functools.partial(PipelinedSender, windowed=True)):
        yield


def measure(ledger: Ledger, source: Path, mode: str, window: int, windowed: bool) -> tuple[float, float, int]:
    """Rights per block, rights per second and the most rights in one block, for one way."""
    started = time.perf_counter()
    with sender(windowed):
        report = ledger.rights.register_bulk(source, mode=mode, window=window)
    seconds = time.perf_counter() - started
    assert report.complete, report.summary()
    blocks = [row.block for row in report.rows if row.block is not None]
    span = max(blocks) - min(blocks) + 1
    fullest = max(blocks.count(block) for block in set(blocks))
    return len(report.rows) / span, len(report.rows) / seconds, fullest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000, help="rights per run and way (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs; figures are medians (default 3)")
    parser.add_argument("--block-time", type=float, default=2.0, help="seconds between blocks (default 2)")
    args = parser.parse_args()
    per_block: dict[str, list[float]] = {way: [] for way in WAYS}
    per_second: dict[str, list[float]] = {way: [] for way in WAYS}
    fullest: dict[str, list[float]] = {way: [] for way in WAYS}
    gas_limit = 0
    with tempfile.TemporaryDirectory(prefix="ipledger-blocktime-") as folder:
        portfolio = Portfolio(Path(folder))
        for run in range(args.runs):
            node = start_node(block_time=args.block_time)
            try:
                ledger = Ledger.connect(node.rpc_url, account="dev0")
                ledger.deploy()
                gas_limit = int(ledger.chain.w3.eth.get_block("latest")["gasLimit"])
                for way, (mode, window, windowed) in WAYS.items():
                    source = portfolio.write(args.rows)
                    block_rate, second_rate, most = measure(ledger, source, mode, window, windowed)
                    per_block[way].append(block_rate)
                    per_second[way].append(second_rate)
                    fullest[way].append(most)
                    print(
                        f"run {run + 1}/{args.runs} {way}: {block_rate:,.1f} rights/block, {second_rate:,.1f} "
                        f"rights/s, at most {most} in a block",
                        file=sys.stderr,
                    )
            finally:
                stop_node(node.pid)
    figures: list[Figure] = []
    for way, (mode, _, _) in WAYS.items():
        baseline = BASELINES[mode]
        is_baseline = way == baseline
        target = mode == "single" and not is_baseline and way.startswith("single, sliding")
        value = median(per_block[way])
        figures.append(
            Figure(
                GROUP,
                f"{way}: rights per block",
                "rights/block",
                value,
                None if is_baseline else baseline,
                None if is_baseline else median(per_block[baseline]),
                "speedup",
                target=f">= {TARGET_RIGHTS_PER_BLOCK} rights/block" if target else None,
                met=value >= TARGET_RIGHTS_PER_BLOCK if target else None,
                samples=per_block[way],
                baseline_samples=[] if is_baseline else per_block[baseline],
            )
        )
        figures.append(
            Figure(
                GROUP,
                f"{way}: rights per second",
                "rights/s",
                median(per_second[way]),
                None if is_baseline else baseline,
                None if is_baseline else median(per_second[baseline]),
                "speedup",
                samples=per_second[way],
                baseline_samples=[] if is_baseline else per_second[baseline],
            )
        )
        figures.append(
            Figure(GROUP, f"{way}: most rights in one block", "rights", median(fullest[way]), samples=fullest[way])
        )
    write_results(
        "bulk_blocktime",
        figures,
        settings={"rows_per_run": args.rows, "runs": args.runs, "block_time_s": args.block_time},
        block_gas_limit=gas_limit,
    )
    for figure in figures:
        ratio = f"  {figure.ratio:.2f}x {figure.baseline_name}" if figure.ratio else ""
        verdict = "" if figure.met is None else ("  target met" if figure.met else "  TARGET MISSED")
        print(f"{figure.name}: {figure.value:,.1f} {figure.unit}{ratio}{verdict}")
    return 0 if all(figure.met is not False for figure in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
