"""Deploying the whole suite on 2-second blocks: pipelined, beside one by one as before the pipeline, same run.

Run ``python benchmarks/deploy.py [--rounds N] [--block-time S]``. It starts a fresh anvil with ``--block-time 2``
(blocks every 2 s, as on a busy testnet; mainnet's are 12 s) and an empty ``$IPLEDGER_HOME``, then, round after
round, deploys a new suite from ``dev0`` both ways on the same node, the order alternating by round:

- pipelined (``Ledger.deploy_all``): the 18 transactions (11 contract creations, then 7 role grants and links) signed
  with consecutive nonces and sent at once, then all confirmed;
- one by one (``ipledger._deploy.deploy_all(..., pipelined=False)``, the deployment before the pipeline): each
  transaction estimated, sent and mined before the next is built.

Figures per way: the wall time of the deploy call (connecting excluded), the blocks its transactions span (first to
last, inclusive) and transactions per block over that span; each the median of the rounds, all rounds kept. The wall
time includes waiting for the first block, up to one block time either way. The 18 transactions use about 22.9
million gas together (the creations nearly all of it; their gas limits add up to about 27.7 million), within
anvil's 30-million block gas limit: a chain with a lower limit, or busy blocks, spreads them over more blocks. Writes
``benchmarks/results/deploy.json`` (``benchmarks/report.py`` adds it to ``results/BENCH.md``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from _figures import Figure, median, write_results  # noqa: E402
from ipledger import Ledger, start_node, stop_node  # noqa: E402
from ipledger import _deploy as deploy_module  # noqa: E402

PIPELINED, ONE_BY_ONE = "pipelined", "one by one (before)"


def _deploy_once(rpc_url: str, way: str) -> tuple[float, int, int]:
    """One deployment: its wall time in seconds, the blocks it spans and its transactions."""
    ledger = Ledger.connect(rpc_url, account="dev0")
    chain, signer = ledger.chain, ledger.signer
    started = time.perf_counter()
    if way == PIPELINED:
        ledger.deploy_all()
    else:
        deploy_module.deploy_all(chain, signer, signer.address, pipelined=False)
    elapsed = time.perf_counter() - started
    blocks = [result.block for result in ledger.deployment.transactions.values()]
    return elapsed, max(blocks) - min(blocks) + 1, len(blocks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--block-time", type=float, default=2.0)
    args = parser.parse_args()
    samples: dict[str, dict[str, list[float]]] = {
        way: {"seconds": [], "blocks": [], "per_block": []} for way in (PIPELINED, ONE_BY_ONE)
    }
    transactions = 0
    with tempfile.TemporaryDirectory() as home:
        os.environ["IPLEDGER_HOME"] = home
        node = start_node(block_time=args.block_time)
        try:
            for round_ in range(args.rounds):
                ways = (PIPELINED, ONE_BY_ONE) if round_ % 2 == 0 else (ONE_BY_ONE, PIPELINED)
                for way in ways:
                    seconds, blocks, transactions = _deploy_once(node.rpc_url, way)
                    samples[way]["seconds"].append(round(seconds, 3))
                    samples[way]["blocks"].append(blocks)
                    samples[way]["per_block"].append(round(transactions / blocks, 3))
                    print(f"round {round_ + 1} {way}: {seconds:.2f} s, {transactions} transactions in {blocks} blocks")
        finally:
            stop_node(node.pid)
    group = f"Deploying the suite on {args.block_time:g}-second blocks ({transactions} transactions)"
    new, old = samples[PIPELINED], samples[ONE_BY_ONE]
    figures = [
        Figure(
            group=group,
            name="deploy wall time, pipelined",
            unit="s",
            value=median(new["seconds"]),
            baseline_name="one by one (before)",
            baseline_value=median(old["seconds"]),
            ratio_kind="speedup",
            samples=new["seconds"],
            baseline_samples=old["seconds"],
        ),
        Figure(
            group=group,
            name="blocks spanned, pipelined",
            unit="blocks",
            value=median(new["blocks"]),
            baseline_name="one by one (before)",
            baseline_value=median(old["blocks"]),
            samples=new["blocks"],
            baseline_samples=old["blocks"],
        ),
        Figure(
            group=group,
            name="transactions per block, pipelined",
            unit="tx/block",
            value=median(new["per_block"]),
            baseline_name="one by one (before)",
            baseline_value=median(old["per_block"]),
            ratio_kind="speedup",
            samples=new["per_block"],
            baseline_samples=old["per_block"],
        ),
    ]
    write_results(
        "deploy",
        figures,
        settings={"rounds": args.rounds, "block_time_seconds": args.block_time, "transactions": transactions},
        call_gas=deploy_module.CALL_GAS,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
