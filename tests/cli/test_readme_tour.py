"""The README's tour, run as written: its commands are read from README.md, so README and test cannot drift.

What is run: every line of the ```bash blocks between the ``<!-- tour:begin`` and ``<!-- tour:end -->`` markers of
README.md, in order (other blocks there, ```sh or ```python, are not run; the setup block before the markers, which
activates the virtual environment and changes to an empty folder, is what this test does itself). Lines ending in
a backslash continue on the next; blank lines and lines that are only a comment are skipped. Each command runs in
one bash process, in order, so shell variables set by one (``CN=0x…``) reach the next; it must exit 0.

The tour runs on a fresh ``$IPLEDGER_HOME`` in an empty working directory, with the ``ipledger`` of this Python
environment first on ``PATH``. Its ``ipledger node start`` takes a free port (the default), so it does not clash
with other tests; the node it started is stopped at the end whatever happened.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from ipledger import local_node_status, stop_local_node
from ipledger.cli._serve_background import running_explorer, stop_detached

README = Path(__file__).resolve().parents[2] / "README.md"
BEGIN = "<!-- tour:begin"
END = "<!-- tour:end -->"
TIMEOUT = 600  # seconds for the whole tour


@dataclass(frozen=True)
class Step:
    """One command of the tour: its text (continuation lines included), where it starts in README.md, and what it
    printed once run."""

    command: str
    line: int
    stdout: str = ""
    stderr: str = ""
    exit_code: int | None = None


def tour_commands(text: str) -> list[Step]:
    """The commands of the tour in ``text`` (README.md), in order; see the module docstring for the rules."""
    lines = text.splitlines()
    begins = [i for i, line in enumerate(lines) if line.startswith(BEGIN)]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    assert len(begins) == 1 and len(ends) == 1 and begins[0] < ends[0], "README.md needs one tour:begin … tour:end"
    steps: list[Step] = []
    fence: str | None = None
    pending: list[str] = []
    start = 0
    for number, line in enumerate(lines[begins[0] + 1 : ends[0]], start=begins[0] + 2):
        stripped = line.strip()
        if fence is None:
            if stripped.startswith("```"):
                fence = stripped[3:].strip()
            continue
        if stripped == "```":
            assert not pending, f"README.md:{start}: a command ends its block with a backslash"
            fence = None
            continue
        if fence != "bash":
            continue
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if not pending:
            start = number
        pending.append(line)
        if not line.endswith("\\"):
            steps.append(Step(command="\n".join(pending), line=start))
            pending = []
    assert fence is None, "README.md: a code block of the tour is not closed"
    return steps


def _script(steps: list[Step], out: Path) -> str:
    """One bash script running every step with its output in ``out/N.stdout``, ``N.stderr`` and its exit code in
    ``N.rc``; it stops at the first command that fails. A brace group runs in the shell itself, so variables set
    by a step persist, and a step's own redirection (``--json > order.json``) still wins over the group's."""
    parts = []
    for index, step in enumerate(steps):
        parts.append(
            f"{{\n{step.command}\n}} >'{out}/{index}.stdout' 2>'{out}/{index}.stderr' </dev/null\n"
            f"rc=$?; echo $rc >'{out}/{index}.rc'; [ $rc -eq 0 ] || exit $rc\n"
        )
    return "".join(parts)


def _run_tour(steps: list[Step], folder: Path, env: dict[str, str]) -> list[Step]:
    out = folder / "outputs"
    out.mkdir()
    work = folder / "work"
    work.mkdir()
    script = folder / "tour.sh"
    script.write_text(_script(steps, out), "utf-8")
    subprocess.run(["bash", str(script)], cwd=work, env=env, timeout=TIMEOUT, check=False)

    def read(path: Path) -> str:
        return path.read_text("utf-8", "replace") if path.exists() else ""

    ran = []
    for index, step in enumerate(steps):
        rc = read(out / f"{index}.rc").strip()
        ran.append(
            Step(
                command=step.command,
                line=step.line,
                stdout=read(out / f"{index}.stdout"),
                stderr=read(out / f"{index}.stderr"),
                exit_code=int(rc) if rc else None,
            )
        )
    return ran


def _failure(step: Step) -> str:
    return (
        f"README.md:{step.line}: `{step.command}` exited {step.exit_code}\n"
        f"--- stdout\n{step.stdout}\n--- stderr\n{step.stderr}"
    )


def _output(steps: list[Step], pattern: str) -> str:
    """What the one command matching the regular expression ``pattern`` printed (stdout and stderr)."""
    matching = [step for step in steps if re.search(pattern, step.command)]
    assert len(matching) == 1, (pattern, [step.command for step in matching])
    return matching[0].stdout + matching[0].stderr


def test_tour_commands_are_extracted() -> None:
    """The extraction rules themselves, on a small README (quick: no chain)."""
    text = "\n".join(
        [
            "```bash",
            "echo outside",
            "```",
            "<!-- tour:begin (comment) -->",
            "```sh",
            "echo not run",
            "```",
            "```bash",
            "# a comment",
            "",
            "A=1   # set",
            "echo $A \\",
            "    two",
            "```",
            "```python",
            "print('no')",
            "```",
            "```bash",
            "echo three",
            "```",
            "<!-- tour:end -->",
            "```bash",
            "echo after",
            "```",
        ]
    )
    steps = tour_commands(text)
    assert [step.command for step in steps] == ["A=1   # set", "echo $A \\\n    two", "echo three"]
    assert [step.line for step in steps] == [11, 12, 19]


@pytest.mark.slow
def test_readme_tour_runs_as_written(tmp_path: Path) -> None:
    steps = tour_commands(README.read_text("utf-8"))
    assert any(step.command.startswith("ipledger node start") for step in steps)
    home = tmp_path / "ipledger-home"  # the conftest's fresh $IPLEDGER_HOME, with its IPLEDGER_* variables cleared
    assert os.environ["IPLEDGER_HOME"] == str(home)
    assert not home.exists()
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        "COLUMNS": "160",  # rich wraps tables to the terminal's width; no terminal here
        "NO_COLOR": "1",
    }
    try:
        ran = _run_tour(steps, tmp_path, env)
    finally:
        if running_explorer(home) is not None:
            stop_detached(home)
        if local_node_status(home) is not None:
            stop_local_node(home)
    for step in ran:
        assert step.exit_code is not None, f"README.md:{step.line}: `{step.command}` did not run (an earlier one hung?)"
        assert step.exit_code == 0, _failure(step)

    shown = _output(ran, r'^ipledger show "ZL 2020 1 0123456\.2"')
    assert "一种固态电池电极及其制备方法" in shown and "李伟" in shown and "张敏" in shown
    assert "a patent in CN" in shown and "CN 202010123456.2, CN 111234567" in shown  # the grant recorded
    cn_token = "0xceadab79e31b4e4f5982a87d97bf57990646df1efceaa590b5bf098b918bdddd"  # CN=… in the tour
    assert f"token {cn_token}" in _output(ran, r"^ipledger number")  # the full-width grant number is the right's
    for token in ("CN", "US"):
        verified = _output(ran, rf"^ipledger verify \${token} --doc")
        assert ": VERIFIED: all" in verified and "✗" not in verified, verified
    proven = _output(ran, r"^ipledger verify \$CN --trust-block-hash")  # the Chinese patent, trusting no node
    assert ": VERIFIED: all" in proven and "cap_table_proof" in proven and "Proof bundle written" in proven, proven
    assert "VERIFIED offline" in _output(ran, r"^ipledger verify --bundle proof\.json")
    # The explorer: its search finds the Chinese title by a substring; its server-side verdict and the bundle it
    # offered (re-checked offline on the reader's machine) agree.
    assert "一种固态电池电极及其制备方法" in _output(ran, r"^curl -sfG")
    work = tmp_path / "work"
    assert json.loads((work / "server-verdict.json").read_text("utf-8"))["verdict"] == "verified"
    assert json.loads((work / "cap-table.json").read_text("utf-8"))["holders"]
    assert "VERIFIED offline" in _output(ran, r"^ipledger verify --bundle bundle\.json")
    assert "assigned" in _output(ran, r"^ipledger history \$US")
    assert "fractionalized" in _output(ran, r"^ipledger history \$CN").lower()
    assert "claimed 2,000 tUSD" in _output(ran, r"^ipledger royalty claim \$CN --from dev2")  # 10% of 20,000
    assert "claimed 100 tUSD" in _output(ran, r"^ipledger royalty claim --as-owner")  # the dismissed dispute's bond
    assert _output(ran, r"^ipledger report verify").startswith("VALID: report.html")
    assert local_node_status(home) is None  # the tour's last command stopped it
