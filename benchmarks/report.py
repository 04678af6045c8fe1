"""Merges every benchmark's figures into ``benchmarks/results/latest.json`` and ``benchmarks/results/BENCH.md``.

Reads each ``benchmarks/results/*.json`` that holds a ``figures`` list (the shape ``benchmarks/_figures.py``
writes); other files and benchmarks not run yet are left out. Each section of BENCH.md gives the figures (median,
sample count, baseline, ratio and how to read it, target and whether it is met), the benchmark's date and commit,
and the "how measured" text of its script's docstring. The growth benchmark adds its table and ``growth.png``, the
trusted verify benchmark its tables of requests, bytes and times per gap, the CLI startup benchmark what each command
imports.
Nothing is measured here; run it after the benchmarks (``make bench`` does). ``benchmarks/gas_changes.md``, the
gas each contract change cost against the figures before it (written by hand from the ``.gas-snapshot`` diff), is
placed before the sections.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GAS_CHANGES = ROOT / "benchmarks" / "gas_changes.md"
sys.path.insert(0, str(ROOT / "benchmarks"))

from _figures import RATE_UNITS, RESULTS, environment  # noqa: E402

#: Sections in this order first, then any other benchmark alphabetically.
ORDER = (
    "gas",
    "throughput",
    "bulk_blocktime",
    "deploy",
    "history_verify",
    "trusted_verify",
    "growth",
    "index",
    "web",
    "startup",
)
#: Result name -> script, where they differ.
SCRIPTS = {"index": "index_scale.py"}
#: Result name -> section title, where they differ.
TITLES = {
    "startup": "CLI startup",
    "uniswap": "Uniswap V2 swaps",
    "bulk_blocktime": "Bulk registration on a chain with block times",
    "deploy": "Deployment on 2-second blocks",
    "web": "Web explorer and REST API",
}
#: Files this script writes (never read back as a benchmark).
OUTPUTS = ("latest.json",)


def load_results(folder: Path = RESULTS) -> dict[str, dict[str, Any]]:
    """Benchmark name -> its results, for every JSON file with a ``figures`` list."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        if path.name in OUTPUTS:
            continue
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as error:
            print(f"skipped {path.name}: {error}", file=sys.stderr)
            continue
        if isinstance(data, dict) and isinstance(data.get("figures"), list):
            found[str(data.get("benchmark") or path.stem)] = data
    rank = {name: position for position, name in enumerate(ORDER)}
    return dict(sorted(found.items(), key=lambda item: (rank.get(item[0], len(ORDER)), item[0])))


def how_measured(name: str) -> str | None:
    """The docstring of the benchmark's script, read without importing it."""
    script = ROOT / "benchmarks" / SCRIPTS.get(name, f"{name}.py")
    try:
        return ast.get_docstring(ast.parse(script.read_text("utf-8")))
    except (OSError, SyntaxError):
        return None


def reading(figure: dict[str, Any]) -> str:
    """How to read the figure's ratio."""
    if figure.get("ratio_kind") == "speedup":
        if str(figure.get("unit", "")).endswith(RATE_UNITS):
            return "value / baseline: times the baseline's rate, higher is better"
        return "baseline / value: times faster than the baseline, higher is better"
    return "value / baseline: lower is better"


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit in ("gas", "requests") or (float(value).is_integer() and abs(value) >= 1000):
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _ratio(figure: dict[str, Any]) -> str:
    ratio = figure.get("ratio")
    if ratio is None:
        return "-"
    return f"{ratio:.1f}x" if figure.get("ratio_kind") == "speedup" else f"{ratio:.3f}"


def _met(figure: dict[str, Any]) -> str:
    if figure.get("target") is None:
        return "-"
    met = figure.get("met")
    return f"{figure['target']}: " + ("met" if met else "missed" if met is not None else "not judged")


def figures_table(figures: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    groups: dict[str, list[dict[str, Any]]] = {}
    for figure in figures:
        groups.setdefault(str(figure.get("group", "")), []).append(figure)
    for group, members in groups.items():
        if group:
            lines += [f"**{group}**", ""]
        lines += [
            "| figure | value (median) | samples | baseline | baseline value | ratio | how to read the ratio "
            "| target |",
            "|---|---:|---:|---|---:|---:|---|---|",
        ]
        for figure in members:
            unit = str(figure.get("unit", ""))
            samples = len(figure.get("samples") or []) or 1
            lines.append(
                f"| {figure['name']} | {_number(figure.get('value'), unit)} {unit} | {samples} | "
                f"{figure.get('baseline_name') or '-'} | "
                f"{_number(figure.get('baseline_value'), unit)}{' ' + unit if figure.get('baseline_value') else ''} | "
                f"{_ratio(figure)} | {reading(figure) if figure.get('ratio') is not None else '-'} | {_met(figure)} |"
            )
        lines.append("")
    return lines


def growth_table(result: dict[str, Any]) -> list[str]:
    rows = result.get("rows") or []
    if not rows:
        return []
    settings = result.get("settings", {})
    lines = [
        "Growth (medians; "
        f"{settings.get('transfers_per_right', '?')} transfer(s) per right, {settings.get('rights_sampled', '?')} "
        f"rights sampled x {settings.get('runs', '?')} runs for latencies, {settings.get('registrations', '?')} "
        "single registrations for gas):",
        "",
        "| rights | register gas | history ms | naive history ms | history speedup | verify ms | naive verify ms "
        "| verify speedup | anvil peak RSS (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['rights']:,} | {row['register_gas']:,.0f} | {row['history_ms']:.2f} | "
            f"{row['naive_history_ms']:.2f} | {row['history_speedup']}x | {row['verify_ms']:.2f} | "
            f"{row['naive_verify_ms']:.2f} | {row['verify_speedup']}x | {row.get('anvil_peak_rss_mb') or '-'} |"
        )
    lines.append("")
    if (RESULTS / "growth.png").exists():
        lines += ["![register gas, history and verify latency vs registry size](growth.png)", ""]
    return lines


def _kb(value: float) -> str:
    return f"{value / 1024:,.1f} MB" if value >= 1024 else f"{value:,.1f} KB"


def trusted_verify_table(result: dict[str, Any]) -> list[str]:
    rows = result.get("rows") or []
    if not rows:
        return []
    settings = result.get("settings", {})
    limits = (
        f"eth_getLogs over at most {settings.get('max_log_range', '?'):,} blocks, batches of at most "
        f"{settings.get('max_batch', '?')} requests"
    )
    lines = [
        f"Requests and bytes received per call ({settings.get('events', '?')} events of the right; provider limits: "
        f"{limits}; requests inside batches counted one by one, batches in brackets; refused requests are counted, "
        "and how many of them in the next column):",
        "",
        "| blocks after the last event | Ledger.verify, limits | refused | received | proof alone, limits | received "
        "| Ledger.verify, no limits | header walk, limits | header walk, no limits | received "
        "| verify / walk | proof / walk |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['gap']:,} | {row['verify_limits_requests']:,} ({row['verify_limits_batches']}) | "
            f"{row['verify_limits_refused']:,} | {_kb(row['verify_limits_kb'])} | "
            f"{row['prove_limits_requests']:,} ({row['prove_limits_batches']}) | {_kb(row['prove_limits_kb'])} | "
            f"{row['verify_counted_requests']:,} ({row['verify_counted_batches']}) | "
            f"{row['header_walk_limits']} | "
            f"{row['header_walk_counted_requests']:,} ({row['header_walk_counted_batches']}) | "
            f"{_kb(row['header_walk_counted_kb'])} | {row['verify_over_walk_requests']:.4f} | "
            f"{row['prove_over_walk_requests']:.4f} |"
        )
    refusals = [row for row in rows if row.get("header_walk_limits_error")]
    if refusals:
        lines += [
            "",
            f"The header walk under the limits, at {refusals[0]['gap']:,} blocks: "
            f"{str(refusals[0]['header_walk_limits_error']).split(' (node ')[0]}.",
        ]
    lines += [
        "",
        f'Times (medians of {settings.get("runs", "?")} runs, ms; "limits" is through the counting proxy that '
        'enforces them, "direct" is anvil itself; the ratios compare direct times):',
        "",
        "| blocks after the last event | Ledger.verify, limits | Ledger.verify, direct | proof alone, limits "
        "| proof alone, direct | header walk, direct | verify / walk | proof / walk |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['gap']:,} | {row['verify_limits_ms']:,.1f} | {row['verify_direct_ms']:,.1f} | "
            f"{row['prove_limits_ms']:,.1f} | {row['prove_direct_ms']:,.1f} | {row['header_walk_direct_ms']:,.1f} | "
            f"{row['verify_over_walk_time']:.3f} | {row['prove_over_walk_time']:.3f} |"
        )
    first, last = rows[0], rows[-1]
    lines += [
        "",
        f"The new path at {last['gap']:,} blocks beside itself at {first['gap']:,} (target: within "
        f"{settings.get('flat', 1.2)}x):",
        "",
        "| | requests, limits | time, limits | time, direct |",
        "|---|---:|---:|---:|",
    ]
    for path, label in (("verify", "Ledger.verify"), ("prove", "proof alone")):
        ratios = [
            last[key] / first[key] if first[key] else None
            for key in (f"{path}_limits_requests", f"{path}_limits_ms", f"{path}_direct_ms")
        ]
        lines.append(f"| {label} | " + " | ".join("-" if ratio is None else f"{ratio:.2f}x" for ratio in ratios) + " |")
    growing = (result.get("growing_methods") or {}).get("verify_limits") or {}
    if growing:
        gaps = ", ".join(f"{row['gap']:,}" for row in rows)
        counts = "; ".join(
            f"{method}: {' / '.join(f'{count:,}' for count in values)}" for method, values in growing.items()
        )
        lines += [
            "",
            f"Requests of Ledger.verify under the limits that grow with the gap ({gaps} blocks): {counts}. Its "
            f"eth_getLogs queries at {last['gap']:,} blocks, by what they ask:",
            "",
            "| contracts | events (first topic) | requests | refused | widest span asked (blocks) |",
            "|---|---|---:|---:|---:|",
        ]
        for query in last.get("verify_limits_log_queries") or []:
            lines.append(
                f"| {query['contracts']} | {query['events']} | {query['requests']:,} | {query['refused']:,} | "
                f"{query['span']:,} |"
            )
    lines.append("")
    return lines


def startup_table(result: dict[str, Any]) -> list[str]:
    """What each command imported, per package tree (one run under ``python -X importtime``)."""
    imports = result.get("imports") or {}
    if not imports:
        return []
    trees = list(imports)
    commands = list(imports[trees[0]])
    lines = [
        "What each command imports of web3, eth-account, pydantic, requests and the CLI's command modules (one run "
        "under `python -X importtime`):",
        "",
        "| command | " + " | ".join(trees) + " |",
        "|---|" + "---|" * len(trees),
    ]
    for command in commands:
        cells = [", ".join(imports[tree].get(command) or []) or "none of them" for tree in trees]
        lines.append(f"| {command} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def render(results: dict[str, dict[str, Any]], machine: dict[str, Any]) -> str:
    lines = [
        "# ipledger benchmarks",
        "",
        "Written by `benchmarks/report.py` from the JSON each benchmark writes (`make bench` runs them all). Every "
        "figure is the median of its samples where timed, beside a baseline measured in the same run.",
        "",
        "| machine and versions | |",
        "|---|---|",
    ]
    labels = {"memory_gib": "memory (GiB)", "commit": "report written at commit", "date": "report written on"}
    for key in ("machine", "cpu", "cpus", "memory_gib", "python", "web3", "anvil", "solc", "commit", "date"):
        value = machine.get(key)
        lines.append(f"| {labels.get(key, key)} | {'-' if value is None else value} |")
    lines += ["", "Each benchmark below names the date and commit it was measured at.", ""]
    if GAS_CHANGES.exists():
        lines += [GAS_CHANGES.read_text("utf-8").rstrip(), ""]
    missing = [name for name in ORDER if name not in results]
    if missing:
        lines += [f"Not in this report (no figures written yet): {', '.join(missing)}.", ""]
    for name, result in results.items():
        env = result.get("environment", {})
        lines += [
            f"## {TITLES.get(name, name)}",
            "",
            f"Run {env.get('date', '?')} at commit {env.get('commit', '?')}"
            + (f" on {env['cpu']} ({env.get('cpus')} CPUs)" if env.get("cpu") else "")
            + f"; `benchmarks/{SCRIPTS.get(name, name + '.py')}`.",
            "",
        ]
        doc = how_measured(name)
        if doc:
            summary, _, rest = doc.partition("\n")
            lines += [summary.strip(), ""]
            if rest.strip():
                lines += ["<details><summary>How measured</summary>", "", rest.strip(), "", "</details>", ""]
        lines += figures_table(result["figures"])
        if name == "growth":
            lines += growth_table(result)
        if name == "trusted_verify":
            lines += trusted_verify_table(result)
        if name == "startup":
            lines += startup_table(result)
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    results = load_results()
    machine = environment()
    latest = {
        "environment": machine,
        "benchmarks": {
            name: {
                "date": result.get("environment", {}).get("date"),
                "environment": result.get("environment"),
                "figures": result["figures"],
            }
            for name, result in results.items()
        },
    }
    (RESULTS / "latest.json").write_text(json.dumps(latest, indent=2) + "\n", "utf-8")
    (RESULTS / "BENCH.md").write_text(render(results, machine), "utf-8")
    names = ", ".join(results) or "no benchmarks"
    print(f"wrote benchmarks/results/latest.json and BENCH.md ({names})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
