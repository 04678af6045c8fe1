"""Gas of every row of ``benchmarks/gas.py`` before and after a contract change, for ``gas_changes.md``.

Usage::

    python benchmarks/gas_diff.py BEFORE.json AFTER.json --name ownership_refactor \\
        --before-commit 8df8484 --budget 50

``BEFORE.json`` and ``AFTER.json`` are two ``benchmarks/results/gas.json`` files written by ``gas.py`` on the same
machine (run it on the commit before the change, keep a copy of its ``gas.json``, then run it again after). Writes
``benchmarks/results/<name>.json`` (every row: before, after, change; the largest increase; the budget) and prints a
Markdown table of the rows that changed, largest increase first, to paste into ``benchmarks/gas_changes.md`` (which
``report.py`` places in ``BENCH.md``). The JSON holds no ``figures`` list, so ``report.py`` does not read it as a
benchmark of its own. Exits 1 when a row rose by more than ``--budget`` gas.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def rows(path: Path) -> dict[str, int]:
    """Operation -> gas of a ``gas.json``."""
    data = json.loads(path.read_text("utf-8"))
    return {str(row["operation"]): int(row["gas"]) for row in data["rows"]}


def compare(before: dict[str, int], after: dict[str, int]) -> list[dict[str, Any]]:
    """Every operation in either file, with its change (``None`` where one side lacks it)."""
    names = list(before) + [name for name in after if name not in before]
    out = []
    for name in names:
        old, new = before.get(name), after.get(name)
        change = None if old is None or new is None else new - old
        out.append({"operation": name, "before": old, "after": new, "change": change})
    return out


def table(entries: list[dict[str, Any]]) -> list[str]:
    changed = [e for e in entries if e["change"] != 0]
    changed.sort(key=lambda e: (-(e["change"] if e["change"] is not None else 10**12), e["operation"]))
    lines = ["| row of `gas.py` | before | after | change |", "|---|---:|---:|---:|"]
    for e in changed:
        show = [f"{v:,}" if isinstance(v, int) else "-" for v in (e["before"], e["after"])]
        delta = "-" if e["change"] is None else f"{e['change']:+,}"
        lines.append(f"| {e['operation']} | {show[0]} | {show[1]} | {delta} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--name", required=True, help="results file name, without .json")
    parser.add_argument("--before-commit", default=None)
    parser.add_argument("--budget", type=int, default=50, help="largest increase allowed on any row, in gas")
    args = parser.parse_args(argv)
    entries = compare(rows(args.before), rows(args.after))
    increases = [e["change"] for e in entries if e["change"] is not None]
    largest = max(increases, default=0)
    document = {
        "comparison": args.name,
        "before_commit": args.before_commit,
        "budget": args.budget,
        "largest_increase": largest,
        "rows_changed": sum(1 for e in entries if e["change"] != 0),
        "rows": entries,
    }
    (RESULTS / f"{args.name}.json").write_text(json.dumps(document, indent=1) + "\n", "utf-8")
    print("\n".join(table(entries)))
    print(f"\nlargest increase: {largest:+,} gas (budget +{args.budget}); {document['rows_changed']} rows changed")
    return 1 if largest > args.budget else 0


if __name__ == "__main__":
    sys.exit(main())
