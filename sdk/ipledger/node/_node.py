"""The embedded local chain: an anvil node on a free loopback port.

The persistent local network keeps its state in ``$IPLEDGER_HOME/local/`` (``state.json`` dumped by anvil
every few seconds and on exit, ``node.json`` with the pid and port), so the registry survives restarts.
Ephemeral nodes (tests, the demo) keep nothing.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ipledger._exceptions import NodeError, NodeNotRunningError

__all__ = [
    "LOCAL_CHAIN_ID",
    "NodeInfo",
    "find_anvil",
    "ipledger_home",
    "local_node_status",
    "start_local_node",
    "start_node",
    "stop_local_node",
    "stop_node",
]

LOCAL_CHAIN_ID = 31337
_STATE_INTERVAL_SECONDS = 2
_START_TIMEOUT_SECONDS = 20.0
#: What to do without anvil, in one line: the ways to get it, for a pip user as for a checkout.
ANVIL_MISSING = (
    "anvil (Foundry's local node) not found: install it with `npm i -g @foundry-rs/anvil` or Foundry's installer "
    "(`curl -L https://foundry.paradigm.xyz | bash && foundryup`), or set IPLEDGER_ANVIL to an anvil executable"
)


@dataclass(frozen=True)
class NodeInfo:
    """A running anvil node."""

    pid: int
    port: int
    rpc_url: str
    state_file: str | None
    log_file: str | None
    started_at: float


def ipledger_home() -> Path:
    """``$IPLEDGER_HOME``, by default ``~/.ipledger``."""
    return Path(os.environ.get("IPLEDGER_HOME") or Path.home() / ".ipledger").expanduser()


def find_anvil() -> str:
    """The anvil executable: ``$IPLEDGER_ANVIL``, ``anvil`` on PATH, or in a checkout above the working directory or
    this package, ``node_modules/.bin/anvil`` (``make setup``) or ``tools/anvil/node_modules/.bin/anvil`` (``make
    demo``)."""
    explicit = os.environ.get("IPLEDGER_ANVIL")
    if explicit:
        return explicit
    on_path = shutil.which("anvil")
    if on_path:
        return on_path
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for folder in (start, *start.parents):
            for modules in (folder, folder / "tools" / "anvil"):
                candidate = modules / "node_modules" / ".bin" / "anvil"
                if candidate.exists():
                    return str(candidate)
    raise NodeError(ANVIL_MISSING)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(rpc_url: str) -> bool:
    """Whether the loopback node at ``rpc_url`` answers ``eth_chainId`` within a second. Plain ``http.client``, no
    proxy: ``ipledger node status`` asks it, and should not pay for importing requests."""
    url = urlsplit(rpc_url)
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []})
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80, timeout=1.0)
    try:
        connection.request("POST", url.path or "/", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status == 200 and "result" in json.loads(response.read())
    except (OSError, http.client.HTTPException, ValueError, TypeError):
        return False
    finally:
        connection.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_node(
    *,
    state_file: Path | None = None,
    log_file: Path | None = None,
    port: int | None = None,
    block_time: float | None = None,
    chain_id: int = LOCAL_CHAIN_ID,
    extra_args: tuple[str, ...] = (),
) -> NodeInfo:
    """Starts anvil on a free loopback port and waits until it answers JSON-RPC.

    ``chain_id`` other than the local chain's (31337) makes a node that stands for another network: dev account
    names are refused there, as on any public chain."""
    chosen_port = port or _free_port()
    command = [
        find_anvil(),
        "--host",
        "127.0.0.1",
        "--port",
        str(chosen_port),
        "--chain-id",
        str(chain_id),
    ]
    if state_file is not None:
        command += ["--state", str(state_file), "--state-interval", str(_STATE_INTERVAL_SECONDS)]
    if block_time is not None:
        command += ["--block-time", str(block_time)]
    command += list(extra_args)
    log_handle = log_file.open("ab") if log_file is not None else subprocess.DEVNULL
    try:
        process = subprocess.Popen(
            command, stdout=log_handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    except OSError as exc:
        raise NodeError(f"cannot start anvil ({command[0]}): {exc}") from None
    finally:
        if log_file is not None and not isinstance(log_handle, int):
            log_handle.close()
    rpc_url = f"http://127.0.0.1:{chosen_port}"
    deadline = time.monotonic() + _START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise NodeError(f"anvil exited at start with code {process.returncode}; see {log_file or 'its output'}")
        if _answers(rpc_url):
            return NodeInfo(
                pid=process.pid,
                port=chosen_port,
                rpc_url=rpc_url,
                state_file=str(state_file) if state_file else None,
                log_file=str(log_file) if log_file else None,
                started_at=time.time(),
            )
        time.sleep(0.05)
    process.kill()
    raise NodeError(f"anvil did not answer within {_START_TIMEOUT_SECONDS:.0f} s", endpoint=rpc_url)


def stop_node(pid: int, *, timeout: float = 10.0) -> None:
    """Stops anvil gracefully (so it dumps its state), killing it after ``timeout`` seconds."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            finished, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            finished = 0 if _alive(pid) else pid
        if finished == pid or not _alive(pid):
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


def _local_dir(home: Path | None) -> Path:
    return (home or ipledger_home()) / "local"


def local_node_status(home: Path | None = None) -> NodeInfo | None:
    """The persistent local node if it runs and answers, else ``None``."""
    info_file = _local_dir(home) / "node.json"
    if not info_file.exists():
        return None
    try:
        info = NodeInfo(**json.loads(info_file.read_text("utf-8")))
    except (ValueError, TypeError):
        return None
    if _alive(info.pid) and _answers(info.rpc_url):
        return info
    return None


def start_local_node(home: Path | None = None, *, port: int | None = None) -> tuple[NodeInfo, bool]:
    """Starts the persistent local node unless it runs; returns it and whether it was started now."""
    running = local_node_status(home)
    if running is not None:
        return running, False
    folder = _local_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    info = start_node(state_file=folder / "state.json", log_file=folder / "anvil.log", port=port)
    (folder / "node.json").write_text(json.dumps(asdict(info), indent=2) + "\n", "utf-8")
    return info, True


def stop_local_node(home: Path | None = None) -> NodeInfo:
    """Stops the persistent local node; its state stays on disk for the next start."""
    info = local_node_status(home)
    if info is None:
        raise NodeNotRunningError("no local node is running; start one with `ipledger node start`")
    stop_node(info.pid)
    (_local_dir(home) / "node.json").unlink(missing_ok=True)
    return info
