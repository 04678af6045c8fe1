"""The local network: node start/status/stop in $IPLEDGER_HOME, and state that survives a restart."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ipledger
import pytest
from cli_support import Patent, assert_matches_schema
from ipledger import dev_account, local_node_status, stop_local_node
from ipledger.cli import app
from typer.testing import CliRunner, Result

STATUS_KEYS = {
    "running",
    "rpc_url",
    "pid",
    "port",
    "chain_id",
    "home",
    "state_file",
    "log_file",
    "registry",
    "compliance",
    "vault",
    "desk",
    "stablecoin",
}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh $IPLEDGER_HOME; its node is stopped at the end whatever the test did."""
    folder = tmp_path / "home"
    monkeypatch.setenv("IPLEDGER_HOME", str(folder))
    yield folder
    if local_node_status(folder) is not None:
        stop_local_node(folder)


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def _json(*args: str) -> Any:
    result = _run(*args, "--json")
    assert result.exit_code == 0, (result.stderr, result.exception)
    printed = json.loads(result.stdout)
    assert_matches_schema(list(args), printed)
    return printed


def test_node_start_status_stop(home: Path) -> None:
    before = _json("node", "status")
    assert set(before) == STATUS_KEYS
    assert before["running"] is False and before["rpc_url"] is None
    started = _json("node", "start")
    assert started["started"] is True and started["running"] is True
    assert started["rpc_url"] == f"http://127.0.0.1:{started['port']}"
    assert started["state_file"] == str(home / "local" / "state.json")
    status = _json("node", "status")
    assert status["running"] is True
    assert status["rpc_url"] == started["rpc_url"] and status["pid"] == started["pid"]
    again = _run("node", "start")
    assert again.exit_code == 0
    assert "already running" in again.stdout and started["rpc_url"] in again.stdout
    stopped = _json("node", "stop")
    assert stopped["stopped"] is True and stopped["running"] is False
    assert _json("node", "status")["running"] is False
    idle = _run("node", "stop")
    assert idle.exit_code == 0 and "nothing to stop" in idle.stdout


def test_rights_survive_a_node_restart(home: Path, patent: Patent) -> None:
    registered = _json("register", *patent.options, "--to", "dev1", "--network", "local")
    token = registered["token_id"]
    assert (home / "local" / "deployment.json").exists()
    assert _json("node", "status")["registry"] == registered["registry"]
    assert _json("node", "stop")["stopped"] is True
    assert _json("node", "start")["started"] is True
    shown = _json("show", token)
    assert shown["owner"] == dev_account(1).address
    assert shown["content_hash"] == registered["content_hash"]


def test_deploy_on_local_becomes_the_default_registry(home: Path, patent: Patent) -> None:
    deployed = _json("deploy", "--admin", "dev7")
    assert deployed["admin"] == dev_account(7).address
    assert deployed["gas_used"] > 0
    status = _json("node", "status")
    assert {key: status[key] for key in ("registry", "compliance", "vault", "desk", "stablecoin")} == {
        key: deployed[key] for key in ("registry", "compliance", "vault", "desk", "stablecoin")
    }
    assert deployed["transactions"]["FractionVault"]["gas_used"] > 0
    refused = _run("register", *patent.options)  # dev0 deployed it but dev7 holds the roles
    assert refused.exit_code == 1 and "registrar role" in refused.stderr
    assert _json("register", *patent.options, "--from", "dev7")["registry"] == deployed["registry"]


def test_without_anvil_a_pip_user_is_told_in_one_line_how_to_get_it(tmp_path: Path) -> None:
    """The package copied out of the checkout (as pip installs it: no node_modules above it), no anvil on PATH and no
    IPLEDGER_ANVIL: `ipledger node start` names the ways to get anvil, not `npm ci` in a checkout the user lacks."""
    installed = tmp_path / "site-packages"
    shutil.copytree(
        Path(ipledger.__file__).parent, installed / "ipledger", ignore=shutil.ignore_patterns("__pycache__")
    )
    env = {key: value for key, value in os.environ.items() if key not in ("IPLEDGER_ANVIL", "PYTHONPATH", "PATH")}
    env |= {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(installed), "IPLEDGER_HOME": str(tmp_path / "home")}
    assert shutil.which("anvil", path=env["PATH"]) is None
    done = subprocess.run(
        [sys.executable, "-m", "ipledger.cli", "node", "start"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for way in ("npm i -g @foundry-rs/anvil", "foundryup", "IPLEDGER_ANVIL"):
        assert way in lines[0]
    assert "npm ci" not in lines[0] and "is the node running" not in lines[0]
