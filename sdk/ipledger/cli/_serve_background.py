"""The explorer in the background: ``ipledger serve --detach`` starts it as a process of its own, ``--status`` names
the running one, ``--stop`` stops it (and ``ipledger demo --keep`` leaves one running on the demo's chain).

One per ``$IPLEDGER_HOME``: ``explorer/explorer.json`` records its pid and URL, ``explorer/explorer.log`` keeps what
it printed. It is the same ``ipledger serve`` as in the foreground, its arguments passed on, so it syncs and answers
alike; a detached start returns once the explorer has synced its index (or after a minute, still syncing).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from ipledger.node._node import ipledger_home

from ._errors import CliError

__all__ = ["DetachedExplorer", "running_explorer", "start_detached", "stop_detached"]

#: How long a detached start waits for the explorer to answer (its first sync of a big registry runs after that).
_START_SECONDS = 60.0
_STOP_SECONDS = 10.0


class DetachedExplorer:
    """A detached explorer: its process id, URL and log file."""

    def __init__(self, pid: int, url: str, log: Path) -> None:
        self.pid = pid
        self.url = url
        self.log = log


def _folder(home: Path | None) -> Path:
    return (home or ipledger_home()) / "explorer"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exited(pid: int) -> bool:
    """Whether ``pid`` is gone (reaped first when this process started it, as a test or the demo may)."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
    except ChildProcessError:
        pass
    return not _alive(pid)


def _status(url: str) -> dict[str, Any] | None:
    """The explorer's ``/api/status``, or ``None`` while it does not answer."""
    try:
        answer = requests.get(f"{url}api/status", timeout=2)
    except requests.RequestException:
        return None
    return dict(answer.json()) if answer.status_code == 200 else None


def _answers(url: str) -> bool:
    return _status(url) is not None


def _synced(status: dict[str, Any]) -> bool:
    """Whether the explorer has synced its index once (or does not sync), so its first page is current."""
    sync = status.get("sync") or {}
    return not sync.get("enabled") or sync.get("last_success") is not None


def running_explorer(home: Path | None = None) -> DetachedExplorer | None:
    """The detached explorer of ``$IPLEDGER_HOME`` if it runs and answers, else ``None``."""
    record = _folder(home) / "explorer.json"
    try:
        data = json.loads(record.read_text("utf-8"))
        explorer = DetachedExplorer(int(data["pid"]), str(data["url"]), Path(data["log"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return explorer if _alive(explorer.pid) and _answers(explorer.url) else None


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def start_detached(arguments: list[str], host: str, port: int, home: Path | None = None) -> DetachedExplorer:
    """Starts ``ipledger serve ARGUMENTS --host HOST --port PORT`` (port 0: a free one) as a process of its own and
    returns it once it answers; refuses while another detached explorer runs (one per ``$IPLEDGER_HOME``)."""
    running = running_explorer(home)
    if running is not None:
        raise CliError(
            f"an explorer already runs at {running.url} (pid {running.pid}); stop it with `ipledger serve --stop`"
        )
    folder = _folder(home)
    folder.mkdir(parents=True, exist_ok=True)
    chosen = port or _free_port(host)
    url = f"http://{f'[{host}]' if ':' in host else host}:{chosen}/"
    log = folder / "explorer.log"
    command = [sys.executable, "-m", "ipledger.cli", *arguments, "--host", host, "--port", str(chosen)]
    with log.open("ab") as handle:
        process = subprocess.Popen(
            command, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    deadline = time.monotonic() + _START_SECONDS
    while (status := _status(url)) is None or not _synced(status):
        if status is not None and time.monotonic() > deadline:
            break  # it answers; a big registry's first sync goes on in the background (the pages say so)
        if process.poll() is not None:
            lines = log.read_text("utf-8", errors="replace").strip().splitlines()
            raise CliError(f"the explorer stopped at start: {lines[-1] if lines else 'no output'} (log: {log})")
        if time.monotonic() > deadline:
            process.kill()
            raise CliError(f"the explorer did not answer within {_START_SECONDS:.0f} s (log: {log})")
        time.sleep(0.1)
    explorer = DetachedExplorer(process.pid, url, log)
    record = {"pid": process.pid, "url": url, "log": str(log), "started_at": time.time()}
    (folder / "explorer.json").write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    return explorer


def stop_detached(home: Path | None = None) -> DetachedExplorer:
    """Stops the detached explorer of ``$IPLEDGER_HOME``; refuses in one line when none runs."""
    explorer = running_explorer(home)
    if explorer is None:
        raise CliError("no explorer is running in the background; start one with `ipledger serve --detach`")
    os.kill(explorer.pid, signal.SIGTERM)
    deadline = time.monotonic() + _STOP_SECONDS
    while not _exited(explorer.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not _exited(explorer.pid):
        os.kill(explorer.pid, signal.SIGKILL)
    (_folder(home) / "explorer.json").unlink(missing_ok=True)
    return explorer
