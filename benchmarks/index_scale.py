"""Index sync rate and history query time as the registry grows, beside the plain node path, same run.

For each size (default 1,000 rights; ``--sizes 1000,10000,100000`` for the issue's figures: at 10,000 the
generation on anvil currently stalls after several minutes, see the issue note), on a fresh anvil: register the rights and make ``transfers_per_right`` plain transfers per right
(batched JSON-RPC ``eth_sendTransaction`` from anvil's unlocked dev accounts, so generation is not the
bottleneck), then

- sync the SQLite index from scratch (events per second);
- time ``history(token)`` for a sample of rights from the index and from the node (``Ledger.history``: two
  ``eth_getLogs`` plus block headers), and report the ratio.

Writes ``benchmarks/results/index.md`` and ``index.json``. Nothing is asserted: the figures are the product.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from web3 import Web3

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"

from ipledger import Ledger, start_node, stop_node  # noqa: E402
from ipledger._index import EventIndex  # noqa: E402

BATCH = 500
URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"


def _send_batch(rpc_url: str, transactions: list[dict[str, Any]]) -> None:
    for offset in range(0, len(transactions), BATCH):
        chunk = transactions[offset : offset + BATCH]
        payload = [
            {"jsonrpc": "2.0", "id": index, "method": "eth_sendTransaction", "params": [tx]}
            for index, tx in enumerate(chunk)
        ]
        answers = requests.post(rpc_url, json=payload, timeout=600).json()
        errors = [answer["error"] for answer in answers if "error" in answer]
        if errors:
            raise RuntimeError(f"generation failed: {errors[0]}")


def populate(ledger: Ledger, rights: int, transfers_per_right: int) -> list[int]:
    """Registers ``rights`` rights to dev1 and moves each ``transfers_per_right`` times among dev1..dev4."""
    w3, registry = ledger.w3, ledger.registry
    accounts = w3.eth.accounts
    tokens = [int.from_bytes(Web3.keccak(text=f"scale right {serial}"), "big") for serial in range(rights)]
    nonces = {account: w3.eth.get_transaction_count(account) for account in accounts[:5]}

    def next_nonce(account: str) -> str:
        nonces[account] += 1
        return hex(nonces[account] - 1)

    registrations = [
        {
            "from": accounts[0],
            "nonce": next_nonce(accounts[0]),
            "to": registry.address,
            "gas": hex(300_000),
            "data": registry.encode_abi(
                "register", [accounts[1], (token, Web3.keccak(text=f"scale content {token}"), 0, b"US", 0, URI)]
            ),
        }
        for token in tokens
    ]
    _send_batch(ledger.rpc_url, registrations)
    _wait_until_mined(ledger.rpc_url)
    holders = {token: 1 for token in tokens}
    for _ in range(transfers_per_right):
        moves = []
        for token in tokens:
            source = holders[token]
            target = source % 4 + 1
            holders[token] = target
            moves.append(
                {
                    "from": accounts[source],
                    "nonce": next_nonce(accounts[source]),
                    "to": registry.address,
                    "gas": hex(200_000),
                    "data": registry.encode_abi("transferFrom", [accounts[source], accounts[target], token]),
                }
            )
        _send_batch(ledger.rpc_url, moves)
        _wait_until_mined(ledger.rpc_url)
    _wait_until_mined(ledger.rpc_url)
    return tokens


def _wait_until_mined(rpc_url: str) -> None:
    """Waits until anvil's pool is empty: batched sends return before their transactions are mined."""
    while True:
        status = requests.post(
            rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": "txpool_status", "params": []}, timeout=60
        ).json()["result"]
        if int(status["pending"], 16) == 0 and int(status["queued"], 16) == 0:
            return
        time.sleep(0.2)


def measure(size: int, transfers_per_right: int, samples: int) -> dict[str, Any]:
    node = start_node()
    try:
        ledger = Ledger.connect(node.rpc_url, account="dev0")
        ledger.deploy_all()
        started = time.perf_counter()
        tokens = populate(ledger, size, transfers_per_right)
        generation = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as home:
            index = EventIndex.for_ledger(ledger, home=Path(home))
            started = time.perf_counter()
            result = index.sync(ledger)
            sync_seconds = time.perf_counter() - started
            events = index.log_count()
            sample = random.Random(7).sample(tokens, min(samples, len(tokens)))
            index_times, node_times = [], []
            for token in sample:
                started = time.perf_counter()
                from_index = index.history(token)
                index_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                from_node = ledger.history(token)
                node_times.append(time.perf_counter() - started)
                if from_index != from_node:
                    raise RuntimeError(f"index and node disagree on {hex(token)}")
        index_ms = statistics.median(index_times) * 1000
        node_ms = statistics.median(node_times) * 1000
        return {
            "rights": size,
            "transfers": size * transfers_per_right,
            "events": events,
            "generation_s": round(generation, 1),
            "sync_s": round(sync_seconds, 2),
            "sync_events_per_s": round(events / sync_seconds),
            "chunks": result.chunks,
            "history_index_ms": round(index_ms, 2),
            "history_node_ms": round(node_ms, 2),
            "node_over_index": round(node_ms / index_ms, 1),
        }
    finally:
        stop_node(node.pid)


def render(rows: list[dict[str, Any]]) -> str:
    lines = [
        "# Event index: sync rate and history query time, beside the node path (same run)",
        "",
        "History times are medians over a sample of rights; `node` is `Ledger.history` (two eth_getLogs plus",
        "block headers on local anvil), `index` reads the SQLite index. Both return identical histories (checked).",
        "",
        "| rights | transfers | events indexed | sync (s) | sync events/s | history from index (ms) "
        "| history from node (ms) | node / index |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['rights']:,} | {row['transfers']:,} | {row['events']:,} | {row['sync_s']} | "
            f"{row['sync_events_per_s']:,} | {row['history_index_ms']} | {row['history_node_ms']} | "
            f"{row['node_over_index']}x |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated registry sizes")
    parser.add_argument("--transfers-per-right", type=int, default=2)
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args(argv)
    rows = []
    for size in (int(part) for part in args.sizes.split(",")):
        row = measure(size, args.transfers_per_right, args.samples)
        print(json.dumps(row), file=sys.stderr)
        rows.append(row)
    RESULTS.mkdir(parents=True, exist_ok=True)
    markdown = render(rows)
    (RESULTS / "index.md").write_text(markdown, "utf-8")
    (RESULTS / "index.json").write_text(json.dumps(rows, indent=2) + "\n", "utf-8")
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
