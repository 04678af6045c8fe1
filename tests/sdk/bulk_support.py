"""Bulk registration files for the tests: rows of distinct patents, each with its own document."""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

_serial = itertools.count(30_000_000)


def patent_rows(folder: Path, count: int, **overrides: Any) -> list[dict[str, Any]]:
    """``count`` rows of distinct patents, each with a fresh document in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for _ in range(count):
        number = next(_serial)
        document = folder / f"claims-{number}.txt"
        document.write_text(f"Claims of US patent {number}\n", "utf-8")
        row: dict[str, Any] = {
            "title": f"Electrolyte additive {number}",
            "kind": "patent",
            "jurisdiction": "US",
            "number": f"US {number:,} B2",
            "documents": document.name,
            "filing_date": "2018-05-04",
        }
        row.update(overrides)
        rows.append(row)
    return rows


def write_csv(path: Path, rows: Sequence[Mapping[str, Any]]) -> Path:
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return path


def write_jsonl(path: Path, rows: Sequence[Mapping[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(dict(row)) + "\n" for row in rows), "utf-8")
    return path
