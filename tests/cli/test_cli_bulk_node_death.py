"""ipledger register --batch while the node dies: anvil is killed mid-run and restarted from a state file older
than what the run saw (a rollback); the run fails with one line, and a rerun leaves every right registered once."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ipledger import Ledger, start_node, stop_node
from test_cli_bulk import write_rights


def _registered(ledger: Ledger, ids: list[int]) -> dict[int, int]:
    wanted = dict.fromkeys(ids, 0)
    for log in ledger.contracts.registry.events.RightRegistered().get_logs(
        from_block=ledger.contracts.deployment_block
    ):
        token = int(log["args"]["tokenId"])
        if token in wanted:
            wanted[token] += 1
    return wanted


def _mtime(path: Path) -> int:
    return path.stat().st_mtime_ns if path.exists() else 0


def _copy_complete(state: Path, older: Path) -> None:
    """Copies anvil's state file once it holds a complete dump (anvil rewrites it every few seconds)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        shutil.copyfile(state, older)
        try:
            json.loads(older.read_text("utf-8"))
            return
        except ValueError:
            time.sleep(0.05)
    raise AssertionError("no complete state dump within 10 s")


@pytest.mark.slow
def test_node_killed_mid_run_and_restarted_from_older_state_then_rerun_registers_each_right_once(
    tmp_path: Path,
) -> None:
    state, older = tmp_path / "state.json", tmp_path / "older.json"
    node = start_node(state_file=state)
    try:
        registry = Ledger.connect(node.rpc_url, account="dev0").deploy()
        total = 600
        source, ids = write_rights(tmp_path / "rights", total)
        command = [sys.executable, "-m", "ipledger.cli", "register", "--batch", str(source), "--mode", "single"]
        command += ["--in-flight", "2", "--rpc-url", node.rpc_url, "--registry", registry]
        env = {key: value for key, value in os.environ.items() if not key.startswith("IPLEDGER_")}
        ledger = Ledger.connect(node.rpc_url, registry=registry)
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not ledger.contracts.registry.functions.exists(ids[10]).call():
                time.sleep(0.01)
            written = _mtime(state)
            while time.monotonic() < deadline and _mtime(state) == written:
                time.sleep(0.01)
            _copy_complete(state, older)
            seen = ledger.chain.head()
            while time.monotonic() < deadline and ledger.chain.head() < seen + 20:
                time.sleep(0.01)
            before_kill = sum(1 for count in _registered(ledger, ids).values() if count)
            head_before_kill = ledger.chain.head()
            os.kill(node.pid, signal.SIGKILL)
            _, stderr = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
        assert before_kill < total, "the run finished before the node was killed"
        assert process.returncode == 1, stderr
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), stderr
        assert "is the node running" in lines[0] and "Traceback" not in stderr

        shutil.copyfile(older, state)
        node = start_node(state_file=state, port=node.port)
        ledger = Ledger.connect(node.rpc_url, registry=registry)
        assert ledger.chain.head() < head_before_kill, "the restart did not roll the chain back"
        survived = sum(1 for count in _registered(ledger, ids).values() if count)
        assert 0 < survived < before_kill

        rerun = subprocess.run([*command, "--json"], env=env, capture_output=True, text=True, timeout=300, check=False)
        assert rerun.returncode == 0, rerun.stderr
        summary = json.loads(rerun.stdout)
        # Transactions the restored state still held in its pool may land before the rerun reads the chain: they
        # count as already registered, never twice.
        assert summary["already_registered"] >= survived
        assert summary["already_registered"] + summary["registered"] == total
        # anvil restores a state dump's blocks without every log of them, so a right restored from the dump may have
        # no RightRegistered log on the restarted node: the registry's own answer says whether it exists.
        missing = [token for token in ids if not ledger.contracts.registry.functions.exists(token).call()]
        assert not missing, f"{len(missing)} right(s) never registered"
        assert max(_registered(ledger, ids).values()) == 1
    finally:
        stop_node(node.pid)
