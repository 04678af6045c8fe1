"""Bulk registration throughput: the SDK's pipelined singles and ``registerBatch`` beside naive web3.py, same run.

Run ``make bench`` (or ``python benchmarks/throughput.py [--rows N] [--runs K]``). Each run starts a fresh anvil
(automine, as ``ipledger node start`` runs it; fresh because anvil's cost per block grows with the chain's height) and
deploys a registry as dev0. Every run registers ``--rows`` new patents, each with its own document, end to end:
metadata validated, documents hashed, the right id derived, the transaction sent and its receipt read. Four ways,
measured alternately in each run so the registry grows evenly under all:

- **naive** (the issue's baseline): for each row, ``prepare_registration`` then web3.py
  ``contract.functions.register(...).transact()`` and ``w3.eth.wait_for_transaction_receipt`` (defaults: the node
  signs with its unlocked dev key, receipts polled every 0.1 s);
- **naive, fast polling**: the same with ``poll_latency=0.005``, a stricter baseline that removes the polling delay;
- **pipelined singles**: ``ledger.rights.register_bulk(mode="single")``: documents hashed in threads, one
  ``register`` per right signed locally (coincurve), estimates and receipts in JSON-RPC batches, 64 in flight;
- **registerBatch**: ``ledger.rights.register_bulk(mode="batch")``, 100 rights per transaction.

Each figure is the median rate (rights per second) over ``--runs`` runs; the ratios are rate / baseline rate. Local
signing is measured on its own too: 1,000 secp256k1 signatures with coincurve beside eth-keys' pure-Python backend.

Writes ``benchmarks/results/throughput.json`` (through ``_figures``). Targets (issue 6): pipelined singles at least
3x the naive baseline, ``registerBatch`` at least 15x.
"""

from __future__ import annotations

import argparse
import csv
import functools
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from _figures import Figure, median, write_results  # noqa: E402
from eth_keys.backends import CoinCurveECCBackend, NativeECCBackend  # noqa: E402
from eth_keys.main import KeyAPI  # noqa: E402
from eth_utils.crypto import keccak  # noqa: E402
from ipledger import BulkEntry, Ledger, read_bulk_file, start_node, stop_node  # noqa: E402
from ipledger.models._requests import prepare_registration  # noqa: E402
from web3 import Web3  # noqa: E402

GROUP = "Bulk registration throughput"


class Portfolio:
    """Writes bulk files of fresh patents, each with its own document."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.serial = 50_000_000

    def write(self, rows: int) -> Path:
        name = f"rights-{self.serial}.csv"
        path = self.folder / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["title", "kind", "jurisdiction", "number", "documents", "filing_date"])
            for _ in range(rows):
                self.serial += 1
                document = self.folder / f"claims-{self.serial}.txt"
                document.write_text(f"Claims of US patent {self.serial}\n" * 40, "utf-8")
                number = f"US {self.serial:,} B2"
                writer.writerow([f"Cathode binder {self.serial}", "patent", "US", number, document.name, "2021-03-04"])
        return path


def naive(ledger: Ledger, source: Path, poll_latency: float | None) -> int:
    """The issue's baseline: prepare, ``transact``, ``wait_for_transaction_receipt``, one row after the other."""
    w3 = ledger.chain.w3
    register = ledger.contracts.registry.functions.register
    owner = Web3.to_checksum_address(ledger.signer.address)
    count = 0
    for entry in read_bulk_file(source):
        assert isinstance(entry, BulkEntry)
        request = prepare_registration(entry.metadata, entry.documents)
        tx_hash = register(owner, request.as_tuple()).transact({"from": owner})
        if poll_latency is None:
            receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
        else:
            receipt = w3.eth.wait_for_transaction_receipt(tx_hash, poll_latency=poll_latency)
        assert receipt["status"] == 1
        count += 1
    return count


def bulk(ledger: Ledger, source: Path, mode: str) -> int:
    report = ledger.rights.register_bulk(source, mode=mode)
    assert report.complete, report.summary()
    return len(report.rows)


def rate(run: Callable[[], int]) -> float:
    started = time.perf_counter()
    count = run()
    return count / (time.perf_counter() - started)


def signing_rates(signatures: int = 1000) -> tuple[float, float]:
    """Signatures per second with coincurve and with eth-keys' pure-Python backend."""
    digests = [keccak(i.to_bytes(8, "big")) for i in range(signatures)]
    results = []
    for backend in (CoinCurveECCBackend(), NativeECCBackend()):
        keys = KeyAPI(backend)
        key = keys.PrivateKey(b"\x01" * 32)
        started = time.perf_counter()
        for digest in digests:
            keys.ecdsa_sign(digest, key)
        results.append(signatures / (time.perf_counter() - started))
    return results[0], results[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300, help="rights per run and way (default 300)")
    parser.add_argument("--runs", type=int, default=5, help="runs per way; figures are medians (default 5)")
    args = parser.parse_args()
    ways: dict[str, Callable[[Ledger, Path], int]] = {
        "naive": lambda ledger, source: naive(ledger, source, None),
        "naive-fast-poll": lambda ledger, source: naive(ledger, source, 0.005),
        "single": lambda ledger, source: bulk(ledger, source, "single"),
        "batch": lambda ledger, source: bulk(ledger, source, "batch"),
    }
    samples: dict[str, list[float]] = {way: [] for way in ways}
    with tempfile.TemporaryDirectory(prefix="ipledger-throughput-") as folder:
        portfolio = Portfolio(Path(folder))
        for run in range(args.runs):
            # A fresh chain per run: anvil's cost per block grows with the chain's height, and the single-transaction
            # ways add a block per right, so a long-lived chain would slow every later run.
            node = start_node()
            try:
                ledger = Ledger.connect(node.rpc_url, account="dev0")
                ledger.deploy()
                for way, register in ways.items():
                    source = portfolio.write(args.rows)
                    samples[way].append(rate(functools.partial(register, ledger, source)))
                    print(f"run {run + 1}/{args.runs} {way}: {samples[way][-1]:,.1f} rights/s", file=sys.stderr)
            finally:
                stop_node(node.pid)
    coincurve_rate, python_rate = signing_rates()
    baseline = median(samples["naive"])
    fast = median(samples["naive-fast-poll"])
    figures = [
        Figure(
            GROUP,
            "naive web3.py (transact + wait_for_transaction_receipt)",
            "rights/s",
            baseline,
            samples=samples["naive"],
        ),
        Figure(
            GROUP,
            "naive web3.py, receipts polled every 5 ms",
            "rights/s",
            fast,
            "naive web3.py",
            baseline,
            "speedup",
            samples=samples["naive-fast-poll"],
            baseline_samples=samples["naive"],
        ),
    ]
    for way, label, target in (
        ("single", "pipelined single registrations (register_bulk mode=single)", 3.0),
        ("batch", "registerBatch, 100 per transaction (register_bulk mode=batch)", 15.0),
    ):
        value = median(samples[way])
        figures.append(
            Figure(
                GROUP,
                label,
                "rights/s",
                value,
                "naive web3.py",
                baseline,
                "speedup",
                target=f">= {target:g}x naive",
                met=value / baseline >= target,
                samples=samples[way],
                baseline_samples=samples["naive"],
            )
        )
        figures.append(
            Figure(
                GROUP,
                f"{label}, against fast polling",
                "rights/s",
                value,
                "naive, 5 ms polling",
                fast,
                "speedup",
                samples=samples[way],
                baseline_samples=samples["naive-fast-poll"],
            )
        )
    figures.append(
        Figure(
            "Local signing",
            "secp256k1 signatures, coincurve",
            "signatures/s",
            coincurve_rate,
            "eth-keys pure Python",
            python_rate,
            "speedup",
        )
    )
    write_results("throughput", figures, settings={"rows_per_run": args.rows, "runs": args.runs})
    for figure in figures:
        ratio = f"  {figure.ratio:.1f}x {figure.baseline_name}" if figure.ratio else ""
        verdict = "" if figure.met is None else ("  target met" if figure.met else "  TARGET MISSED")
        print(f"{figure.name}: {figure.value:,.1f} {figure.unit}{ratio}{verdict}")
    return 0 if all(figure.met is not False for figure in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
