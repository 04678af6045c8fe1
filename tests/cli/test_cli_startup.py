"""``ipledger --help`` and ``ipledger node status`` start fast: they import neither web3, eth-account nor the SDK's
models (what is imported is checked, not how long it takes; benchmarks/startup.py measures the time)."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import ipledger
import pytest
from ipledger import local_node_status, start_local_node, stop_local_node
from ipledger.cli import COMMANDS, app
from typer.main import get_command
from typer.testing import CliRunner

#: Modules a fast start must not import: web3 and its kin, and the SDK modules built on them.
HEAVY = ("web3", "eth_account", "eth_abi", "eth_utils", "requests", "ipledger.models._models", "ipledger._ledger")


def _imports(home: Path, *args: str) -> tuple[set[str], str]:
    """The modules ``python -m ipledger.cli ARGS`` imports (from ``-X importtime``), and its stdout."""
    env = {
        **os.environ,
        "IPLEDGER_HOME": str(home),
        "PYTHONPATH": str(Path(ipledger.__file__).parents[1]),
        "COLUMNS": "120",
    }
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ipledger.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "ipledger.cli" in modules  # -X importtime did report
    return modules, done.stdout


def _heavy(modules: set[str]) -> set[str]:
    return {name for name in modules if name.split(".")[0] in HEAVY or name in HEAVY}


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "home"
    yield folder
    if local_node_status(folder) is not None:
        stop_local_node(folder)


def test_help_imports_no_command_module_nor_web3(home: Path) -> None:
    modules, stdout = _imports(home, "--help")
    assert _heavy(modules) == set()
    assert not {name for name in modules if name.startswith("ipledger.cli._") and name.endswith("_commands")}
    for spec in COMMANDS:
        assert spec.name in stdout


def test_node_status_imports_no_web3(home: Path) -> None:
    modules, stdout = _imports(home, "node", "status", "--json")
    assert _heavy(modules) == set()
    assert "ipledger.cli._audit_commands" not in modules
    assert json.loads(stdout)["running"] is False


def test_node_status_of_a_running_deployed_node_imports_no_web3(home: Path) -> None:
    """With a node to ask and a deployment to show, status still reads both without web3 (or requests)."""
    info, _ = start_local_node(home)
    registry = "0x" + "ab" * 20
    (home / "local" / "deployment.json").write_text(json.dumps({"chain_id": 31337, "registry": registry}), "utf-8")
    modules, stdout = _imports(home, "node", "status", "--json")
    assert _heavy(modules) == set()
    status = json.loads(stdout)
    assert status["running"] is True and status["rpc_url"] == info.rpc_url
    assert status["registry"] == registry and status["vault"] is None


def test_the_table_says_what_each_command_says_of_itself() -> None:
    """``ipledger --help`` lists each command from the table; its line and panel are the command's own."""
    group = get_command(app)
    ctx = group.make_context("ipledger", ["node"])
    assert group.list_commands(ctx) == [spec.name for spec in COMMANDS]  # type: ignore[attr-defined]
    for spec in COMMANDS:
        command = group.get_command(ctx, spec.name)  # type: ignore[attr-defined]
        first_paragraph = inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0]
        assert spec.help == " ".join(first_paragraph.split()), spec.name
        assert command.rich_help_panel == spec.panel, spec.name
        assert command.name == spec.name


def test_a_command_loads_on_first_use_and_keeps_its_options() -> None:
    result = CliRunner().invoke(app, ["history", "--help"])
    assert result.exit_code == 0, result.stdout
    assert "--json" in result.stdout
    typo = CliRunner().invoke(app, ["histroy"])
    assert typo.exit_code == 2 and "Did you mean 'history'?" in typo.stderr
