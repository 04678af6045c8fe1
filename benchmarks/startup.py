"""CLI startup: the CPU time (user + system) of one `ipledger` command, beside a bare `python -c pass`.

Each command runs as a child process (``python -m ipledger.cli ARGS`` with this checkout's ``sdk`` first on
``PYTHONPATH``, the interpreter this script runs under); its CPU time is the growth of
``resource.getrusage(RUSAGE_CHILDREN)`` (user + system) across the run, which counts the process and nothing else.
The commands take turns, ``--runs`` rounds, and each figure is the median of its runs (all samples kept). Before
the rounds every command runs once unmeasured: compiled bytecode is then cached (in a temporary
``PYTHONPYCACHEPREFIX``, whatever ``PYTHONDONTWRITEBYTECODE`` says), as it is for an installed package.

The commands, in a fresh ``$IPLEDGER_HOME``:

- ``python -c pass``: the interpreter alone, the baseline of every ratio;
- ``ipledger --help``: the root help, listed from the command table without importing any command module;
- ``ipledger node status``: no local chain running (it reads two files and answers);
- ``ipledger node status``, chain running: a local anvil started by ``ipledger node start`` and deployed to, so
  status asks the node (one JSON-RPC request) and reads the deployment file;
- ``ipledger history --help``: one command's own help (its module and what it imports: web3 and the SDK);
- ``ipledger checkpoint``: a command that needs web3: it connects to the local chain and prints a block hash.

With ``--compare REV`` the same commands also run against the package as it was at git revision REV
(``git archive``), in the same rounds, as a second group. Target (issue 16): ``ipledger --help`` and ``ipledger node
status`` within 0.3 s of CPU. One run of each command under ``python -X importtime`` records which of web3,
eth-account, pydantic, requests and the command modules it imports (pydantic in ``node status`` is typer's own:
typer 0.2x converts option values through pydantic). The machine's other load shows in CPU time too (a busy
machine runs each process slower); the samples are kept. Writes ``benchmarks/results/startup.json``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _figures import ROOT, Figure, median, write_results

TARGET_SECONDS = 0.3
#: Modules whose import the table reports (top-level packages, and the CLI's command modules as one entry).
WATCHED = ("web3", "eth_account", "pydantic", "requests")


@dataclass(frozen=True)
class Command:
    label: str
    args: tuple[str, ...]
    #: Needs the local chain running (started before the rounds).
    chain: bool = False
    #: The issue's target applies.
    target: bool = False


BASELINE = Command("python -c pass", ("-c", "pass"))
COMMANDS = (
    Command("ipledger --help", ("-m", "ipledger.cli", "--help"), target=True),
    Command("ipledger node status", ("-m", "ipledger.cli", "node", "status"), target=True),
    Command("ipledger node status (chain running)", ("-m", "ipledger.cli", "node", "status"), chain=True, target=True),
    Command("ipledger history --help", ("-m", "ipledger.cli", "history", "--help")),
    Command("ipledger checkpoint (needs web3)", ("-m", "ipledger.cli", "checkpoint"), chain=True),
)


def _environment(sdk: Path, home: Path, pycache: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    return env | {
        "PYTHONPATH": str(sdk),
        "PYTHONPYCACHEPREFIX": str(pycache),
        "IPLEDGER_HOME": str(home),
        "COLUMNS": "120",
        "PATH": f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{env.get('PATH', '')}",
    }


def cpu_seconds(args: Sequence[str], env: dict[str, str]) -> float:
    """The user + system CPU time of one run of ``python ARGS``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, *args], env=env, capture_output=True, timeout=300, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"python {' '.join(args)} failed ({done.returncode}): {done.stderr.decode()[-800:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def imported(args: Sequence[str], env: dict[str, str]) -> list[str]:
    """Which of :data:`WATCHED` (and how many command modules) ``python ARGS`` imports."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    names = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    found = [name for name in WATCHED if name in names]
    modules = sorted(name for name in names if name.startswith("ipledger.cli._") and name.endswith("_commands"))
    if modules:
        found.append(f"{len(modules)} command module{'s' if len(modules) > 1 else ''}")
    return found


def package_at(revision: str, folder: Path) -> Path:
    """The ``sdk`` folder of this repository at ``revision``, extracted under ``folder``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "sdk"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "sdk"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="rounds; each figure is the median (default 21)")
    parser.add_argument("--compare", metavar="REV", help="also measure the package at this git revision")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ipledger-startup-") as scratch:
        base = Path(scratch)
        trees = {"this commit": ROOT / "sdk"}
        if options.compare:
            trees[f"at {options.compare}"] = package_at(options.compare, base / "compare")
        #: Per tree, a home that never runs a chain and one whose chain runs (with a deployment) for the rounds.
        envs = {
            (tree, chain): _environment(sdk, base / f"home-{number}-{chain}", base / f"pycache-{number}")
            for number, (tree, sdk) in enumerate(trees.items())
            for chain in (False, True)
        }
        running = [env for (_, chain), env in envs.items() if chain]
        for env in running:
            for args in (("-m", "ipledger.cli", "node", "start"), ("-m", "ipledger.cli", "checkpoint")):
                subprocess.run([sys.executable, *args], env=env, capture_output=True, timeout=300, check=True)
        try:
            samples = measure(trees, envs, options.runs)
            imports = {
                tree: {
                    command.label: imported(command.args, envs[tree, command.chain])
                    for command in (BASELINE, *COMMANDS)
                }
                for tree in trees
            }
        finally:
            for env in running:
                subprocess.run([sys.executable, "-m", "ipledger.cli", "node", "stop"], env=env, capture_output=True)
    baseline = samples[next(iter(trees))][BASELINE.label]
    figures = [
        Figure(
            group=f"CPU (user + system) of one start, {tree}",
            name=command.label,
            unit="ms",
            value=round(1000 * median(samples[tree][command.label]), 1),
            baseline_name=BASELINE.label,
            baseline_value=round(1000 * median(baseline), 1),
            target=f"<= {TARGET_SECONDS * 1000:.0f} ms CPU" if command.target else None,
            met=median(samples[tree][command.label]) <= TARGET_SECONDS if command.target else None,
            samples=[round(1000 * value, 1) for value in samples[tree][command.label]],
            baseline_samples=[round(1000 * value, 1) for value in baseline],
        )
        for tree in trees
        for command in COMMANDS
    ]
    write_results(
        "startup",
        figures,
        settings={"runs": options.runs, "compare": options.compare, "python": sys.executable},
        imports=imports,
    )
    for figure in figures:
        print(f"{figure.group}: {figure.name}: {figure.value:.0f} ms ({figure.ratio or 0:.1f}x python -c pass)")
    return 0


def measure(
    trees: dict[str, Path], envs: dict[tuple[str, bool], dict[str, str]], runs: int
) -> dict[str, dict[str, list[float]]]:
    """CPU seconds by tree and command: one unmeasured run each, then ``runs`` rounds taking turns."""
    samples: dict[str, dict[str, list[float]]] = {tree: {} for tree in trees}
    everything = [(tree, command, envs[tree, command.chain]) for tree in trees for command in (BASELINE, *COMMANDS)]
    for _, command, env in everything:
        cpu_seconds(command.args, env)
    for _ in range(runs):
        for tree, command, env in everything:
            samples[tree].setdefault(command.label, []).append(cpu_seconds(command.args, env))
    return samples


if __name__ == "__main__":
    raise SystemExit(main())
