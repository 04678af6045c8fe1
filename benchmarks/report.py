"""Merges every benchmark's figures into ``benchmarks/results/latest.json`` and ``benchmarks/results/BENCH.md``.

Reads each ``benchmarks/results/*.json`` that holds a ``figures`` list (the shape ``benchmarks/_figures.py``
writes); other files and benchmarks not run yet are left out. Each section of BENCH.md gives the figures (median,
sample count, baseline, ratio and how to read it, target and whether it is met), the benchmark's date and commit,
and the "how measured" text of its script's docstring. The growth benchmark adds its table and ``growth.png``.
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

from _figures import RESULTS, environment  # noqa: E402

#: Sections in this order first, then any other benchmark alphabetically.
ORDER = ("gas", "throughput", "history_verify", "growth", "index")
#: Result name -> script, where they differ.
SCRIPTS = {"index": "index_scale.py"}
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
        if str(figure.get("unit", "")).endswith("/s"):
            return "value / baseline: times the baseline's rate, higher is better"
        return "baseline / value: times faster than the baseline, higher is better"
    return "value / baseline: lower is better"


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit == "gas" or (float(value).is_integer() and abs(value) >= 1000):
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
            f"## {name}",
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
