"""The one shape every benchmark writes its figures in, so ``benchmarks/report.py`` can merge them.

Each benchmark writes ``benchmarks/results/<name>.json``::

    {"benchmark": name, "environment": {...}, "figures": [Figure, ...], **extra}

A figure is one measured value (the median of its samples when timed), the baseline it is compared with in the
same run, their ratio and, where an issue sets one, the target and whether it is met.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"

#: How to read a ratio: ``"of baseline"`` is value / baseline (lower is better, gas); ``"speedup"`` is
#: baseline / value for times (higher is better) and value / baseline for rates (``RATE_UNITS``, higher is better).
RatioKind = Literal["of baseline", "speedup"]
#: Units of a rate (so much per second, per block): a "speedup" of a rate is value / baseline.
RATE_UNITS = ("/s", "/block")


@dataclass
class Figure:
    """One measured figure beside its same-run baseline."""

    group: str
    name: str
    unit: str
    value: float
    baseline_name: str | None = None
    baseline_value: float | None = None
    ratio_kind: RatioKind = "of baseline"
    target: str | None = None
    met: bool | None = None
    samples: list[float] = field(default_factory=list)
    baseline_samples: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.baseline_value in (None, 0) or self.value == 0:
            return None
        assert self.baseline_value is not None
        if self.ratio_kind == "of baseline":
            return self.value / self.baseline_value
        if self.unit.endswith(RATE_UNITS):
            return self.value / self.baseline_value
        return self.baseline_value / self.value

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = None if self.ratio is None else round(self.ratio, 4)
        return data


def median(samples: Sequence[float]) -> float:
    """The median of ``samples`` (the figure every timed benchmark reports)."""
    return float(statistics.median(samples))


def _command_version(*command: str) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return None
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else None


def environment() -> dict[str, Any]:
    """The machine, the versions and the commit a run was measured on."""
    import web3

    anvil = ROOT / "node_modules" / ".bin" / "anvil"
    commit = _command_version("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD")
    dirty = _command_version("git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no")
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": f"{commit}{' (uncommitted changes)' if dirty else ''}",
        "machine": f"{platform.system()} {platform.machine()}",
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "web3": web3.__version__,
        "anvil": _command_version(str(anvil), "--version") if anvil.exists() else None,
        "solc": "0.8.30",
    }


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        return None
    return None


def write_results(name: str, figures: Sequence[Figure], **extra: Any) -> Path:
    """Writes ``benchmarks/results/<name>.json`` and returns its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {
        "benchmark": name,
        "environment": environment(),
        "figures": [figure.as_json() for figure in figures],
        **extra,
    }
    path.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
    return path
