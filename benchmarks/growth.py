"""Growth curves: register gas, history latency and verify latency as the registry grows to 100,000 rights.

For each size (``--sizes``, default 1,000, 10,000 and 100,000 rights; ``--quick`` is 1,000 and 10,000) on a fresh
anvil: the SDK deploys the suite and ``benchmarks/contracts/ScaleFixture.sol`` fills the registry the way
``benchmarks/index_scale.py`` does (its ``populate``: 1,000 registrations per transaction over 20 holders, then
``--transfers-per-right`` transfers per right, by default 1, not index_scale's 10, so that 100,000 rights stay
a few minutes and a few GB of anvil memory). Every log is the registry's own. Then, at that size:

- register gas: ``--registrations`` more rights, each under one US patent number, through the real
  ``IPRegistry.register`` from dev0 (registrar) to a holder that already holds rights, one transaction each; the
  median ``gasUsed`` (the record lives in mappings, so it should not grow). Baseline: the same figure at the
  smallest size measured;
- history latency: ``Ledger.history`` from the node of ``--rights-sampled`` random fixture rights, ``--runs``
  times each, median in ms; baseline: the naive web3.py history of ``benchmarks/history_verify.py``
  (``get_logs`` per event type of the registry ABI, ``get_block`` per log) of the same rights; both must agree;
- verify latency: ``Ledger.verify`` likewise, beside the naive verify of ``history_verify.py``.

Note that the naive path fetches every ERC-4906 ``MetadataUpdate`` log of the registry (its token id is not
indexed), so its cost grows with the registry, as it would for anyone reading history that way.

Reading the curve: the fixture packs 1,000+ logs into each block, which saturates the blocks' bloom filters, so
anvil scans every registry log for each ``eth_getLogs``; at 100,000 rights the SDK's two registry queries (token
id as first topic, and Transfer with it as third) are most of its history latency (about 19 + 25 ms of 57 ms,
measured once). The event index (``index_scale.py``) is the answer at that scale.

Writes ``benchmarks/results/growth.json`` (figures and a ``rows`` table) and the plot ``growth.png``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))

from _figures import RESULTS, Figure, median, write_results  # noqa: E402
from compile import compile_directory  # noqa: E402
from history_verify import keys, naive_history, naive_verify, timed  # noqa: E402
from index_scale import CONTRACTS, Chain, anvil_args, peak_rss_mb, populate  # noqa: E402
from ipledger import Ledger, parse_number, start_node, stop_node  # noqa: E402
from web3 import Web3  # noqa: E402

QUICK_SIZES = "1000,10000"
GAS_LIMIT = 2_000_000
#: The measured registrations are US patents numbered from here (one number each, as the gas rows' register).
FIRST_PATENT = 10_000_001


def register_gas(ledger: Ledger, holder: str, count: int, size: int) -> list[int]:
    """Gas of ``count`` single registrations through ``IPRegistry.register`` (dev0 is the registrar)."""
    chain = Chain(ledger.chain.rpc_url)
    admin = ledger.chain.w3.eth.accounts[0]
    used = []
    for serial in range(count):
        number = parse_number(f"US {FIRST_PATENT + serial}").packed
        registration = (Web3.keccak(text=f"growth {size} content {serial}"), serial % 7, 0, [number], b"")
        data = ledger.contracts.registry.encode_abi("register", [holder, registration])
        receipt = chain.transact(admin, ledger.contracts.registry_address, data, GAS_LIMIT)
        used.append(int(receipt["gasUsed"], 16))
    return used


def latencies(ledger: Ledger, tokens: list[int], runs: int) -> dict[str, list[float]]:
    """Milliseconds per call of the SDK and naive history and verify, over ``tokens`` x ``runs``."""
    w3, registry, start = ledger.chain.w3, ledger.contracts.registry, ledger.contracts.deployment_block
    samples: dict[str, list[float]] = {"history": [], "naive_history": [], "verify": [], "naive_verify": []}
    for token in tokens:
        sdk_events = ledger.history(token).events
        naive_events = naive_history(w3, registry, token, start)
        if keys(sdk_events) != keys(naive_events):
            raise RuntimeError(f"the SDK and the naive path disagree on the history of {hex(token)}")
        report, naive = ledger.verify(token), naive_verify(w3, registry, token, start)
        if report.verdict != naive["verdict"]:
            raise RuntimeError(f"verify of {hex(token)}: SDK {report.verdict}, naive {naive['verdict']}")
    for _ in range(runs):
        for token in tokens:
            for label, call in (
                ("history", lambda token=token: ledger.history(token)),
                ("naive_history", lambda token=token: naive_history(w3, registry, token, start)),
                ("verify", lambda token=token: ledger.verify(token)),
                ("naive_verify", lambda token=token: naive_verify(w3, registry, token, start)),
            ):
                seconds, _ = timed(call)
                samples[label].append(round(seconds * 1000, 2))
    return samples


def measure(size: int, code: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    node = start_node(extra_args=anvil_args(args.holders))
    try:
        ledger = Ledger.connect(node.rpc_url, account="dev0")
        ledger.deploy_all()
        started = time.perf_counter()
        generated = populate(
            ledger,
            code,
            rights=size,
            transfers_per_right=args.transfers_per_right,
            holders=args.holders,
            registrations_per_tx=1000,
            moves_per_tx=2500,
        )
        generation_s = time.perf_counter() - started
        print(f"[{size:,}] generated in {generation_s:.1f} s ({generated.transactions} transactions)", file=sys.stderr)
        gas = register_gas(ledger, generated.holders[0], args.registrations, size)
        tokens = random.Random(5).sample(generated.tokens, min(args.rights_sampled, size))
        samples = latencies(ledger, tokens, args.runs)
        row = {
            "rights": size,
            "transfers": size * args.transfers_per_right,
            "generation_s": round(generation_s, 1),
            "register_gas": median(gas),
            "register_gas_samples": gas,
            **{f"{label}_ms": round(median(values), 2) for label, values in samples.items()},
            "samples": samples,
            "anvil_peak_rss_mb": peak_rss_mb(node.pid),
        }
        row["history_speedup"] = round(row["naive_history_ms"] / row["history_ms"], 1)
        row["verify_speedup"] = round(row["naive_verify_ms"] / row["verify_ms"], 1)
        print(
            f"[{size:,}] register {row['register_gas']:,.0f} gas; history {row['history_ms']} ms "
            f"(naive {row['naive_history_ms']}); verify {row['verify_ms']} ms (naive {row['naive_verify_ms']})",
            file=sys.stderr,
        )
        return row
    finally:
        stop_node(node.pid)


def figures_of(rows: list[dict[str, Any]]) -> list[Figure]:
    first = rows[0]
    figures = []
    for row in rows:
        group = f"registry of {row['rights']:,} rights"
        figures.append(
            Figure(
                group=group,
                name="register gas (one more right, IPRegistry.register)",
                unit="gas",
                value=row["register_gas"],
                baseline_name=f"register gas at {first['rights']:,} rights",
                baseline_value=first["register_gas"],
                samples=row["register_gas_samples"],
                baseline_samples=first["register_gas_samples"],
                target="flat (within 1% of the smallest registry)",
                met=abs(row["register_gas"] - first["register_gas"]) <= 0.01 * first["register_gas"],
            )
        )
        for what in ("history", "verify"):
            figures.append(
                Figure(
                    group=group,
                    name=f"Ledger.{what} (node)",
                    unit="ms",
                    value=row[f"{what}_ms"],
                    baseline_name=f"naive web3.py {what}",
                    baseline_value=row[f"naive_{what}_ms"],
                    ratio_kind="speedup",
                    samples=row["samples"][what],
                    baseline_samples=row["samples"][f"naive_{what}"],
                )
            )
    return figures


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import ticker

    sizes = [row["rights"] for row in rows]
    figure, axes = plt.subplots(1, 3, figsize=(13, 4))
    axes[0].plot(sizes, [row["register_gas"] for row in rows], marker="o")
    axes[0].set_title("register gas (one more right)")
    axes[0].set_ylabel("gas")
    axes[0].set_ylim(0, max(row["register_gas"] for row in rows) * 1.2)
    for axis, what in zip(axes[1:], ("history", "verify"), strict=True):
        axis.plot(sizes, [row[f"{what}_ms"] for row in rows], marker="o", label=f"Ledger.{what}")
        axis.plot(sizes, [row[f"naive_{what}_ms"] for row in rows], marker="s", label="naive web3.py")
        axis.set_title(f"{what} latency (median)")
        axis.set_ylabel("ms")
        axis.set_yscale("log")
        plain = ticker.FuncFormatter(lambda value, _: f"{value:g}")
        axis.yaxis.set_major_formatter(plain)
        axis.yaxis.set_minor_formatter(plain)
        axis.legend()
    for axis in axes:
        axis.set_xscale("log")
        axis.set_xlabel("rights in the registry")
        axis.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated registry sizes (rights)")
    parser.add_argument("--quick", action="store_true", help=f"a smoke run: sizes {QUICK_SIZES}")
    parser.add_argument("--transfers-per-right", type=int, default=1)
    parser.add_argument("--holders", type=int, default=20)
    parser.add_argument("--registrations", type=int, default=5, help="single registrations measured per size")
    parser.add_argument("--rights-sampled", type=int, default=3, help="rights whose history and verify are timed")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per right and path")
    args = parser.parse_args(argv)
    sizes = [int(part) for part in (QUICK_SIZES if args.quick else args.sizes).split(",")]
    code = compile_directory(CONTRACTS)["ScaleFixture"]
    rows = [measure(size, code, args) for size in sizes]
    write_results(
        "growth",
        figures_of(rows),
        rows=[{key: value for key, value in row.items() if key != "samples"} for row in rows],
        settings={
            "transfers_per_right": args.transfers_per_right,
            "holders": args.holders,
            "registrations": args.registrations,
            "rights_sampled": args.rights_sampled,
            "runs": args.runs,
        },
    )
    plot(rows, RESULTS / "growth.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
