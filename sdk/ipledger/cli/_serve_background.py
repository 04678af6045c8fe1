"""The explorer in the background: ``ipledger serve --detach`` starts it as a process of its own, ``--stop`` stops
it (and ``ipledger demo --keep`` leaves one running on the demo's chain).

One per ``$IPLEDGER_HOME``: ``explorer/explorer.json`` records its pid and URL (written as soon as it is started, so
an interrupted start leaves nothing running unrecorded), ``explorer/explorer.log`` keeps what it printed. It is the
same ``ipledger serve`` as in the foreground, so it syncs and answers alike; what reaches the chain and the index
(an RPC URL may hold an API key, an index URL a password) goes to it through its environment, never its command
line, which any local user can read. A detached start returns once the explorer has synced its index (or after a
minute, still syncing). A pid is trusted only while its command line is still an ``ipledger serve`` (pids are
reused), so ``--stop`` never signals another process.
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

from ipledger import ipledger_home

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
        status = answer.json() if answer.status_code == 200 else None
    except (requests.RequestException, ValueError):
        return None
    return status if isinstance(status, dict) else None


def _answers(url: str) -> bool:
    return _status(url) is not None


def _synced(status: dict[str, Any]) -> bool:
    """Whether the explorer has synced its index once (or does not sync), so its first page is current."""
    sync = status.get("sync") or {}
    return not sync.get("enabled") or sync.get("last_success") is not None


def _is_explorer(pid: int) -> bool:
    """Whether ``pid`` still runs an ``ipledger serve`` (not a process that took the pid over since)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return _alive(pid)  # no /proc: the pid and the answering URL are all there is to go by
    return b"ipledger.cli" in command and b"serve" in command


def _recorded(home: Path | None) -> DetachedExplorer | None:
    try:
        data = json.loads((_folder(home) / "explorer.json").read_text("utf-8"))
        return DetachedExplorer(int(data["pid"]), str(data["url"]), Path(data["log"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def running_explorer(home: Path | None = None) -> DetachedExplorer | None:
    """The detached explorer of ``$IPLEDGER_HOME`` if it runs and answers, else ``None``."""
    explorer = _recorded(home)
    if explorer is None or not _is_explorer(explorer.pid):
        return None
    return explorer if _answers(explorer.url) else None


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def start_detached(
    arguments: list[str], environment: dict[str, str], host: str, port: int, home: Path | None = None
) -> DetachedExplorer:
    """Starts ``ipledger serve ARGUMENTS --host HOST --port PORT`` (port 0: a free one) as a process of its own, with
    ``environment`` added to this one's (the chain options and the index URL), and returns it once it has synced;
    refuses while another detached explorer runs (one per ``$IPLEDGER_HOME``)."""
    running = running_explorer(home)
    if running is not None:
        raise CliError(
            f"an explorer already runs at {running.url} (pid {running.pid}); stop it with `ipledger serve --stop`"
        )
    folder = _folder(home)
    folder.mkdir(parents=True, exist_ok=True)
    chosen = port or _free_port(host)
    url = f"http://{f'[{host}]' if ':' in host else host}:{chosen}/"
    if _answers(url):
        raise CliError(f"another explorer already answers at {url} (pick another --port)")
    log = folder / "explorer.log"
    command = [sys.executable, "-m", "ipledger.cli", *arguments, "--host", host, "--port", str(chosen)]
    with log.open("ab") as handle:
        process = subprocess.Popen(
            command,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, **environment},
        )
    record = {"pid": process.pid, "url": url, "log": str(log), "started_at": time.time()}
    (folder / "explorer.json").write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    try:
        _wait_until_synced(process, url, log)
    except BaseException:
        process.kill()
        process.wait()
        (folder / "explorer.json").unlink(missing_ok=True)
        raise
    return DetachedExplorer(process.pid, url, log)


def _wait_until_synced(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Waits until the explorer started as ``process`` answers at ``url`` with its index synced (or only answers, after
    a minute); raises :class:`CliError` when it stops or never answers."""
    deadline = time.monotonic() + _START_SECONDS
    while True:
        if process.poll() is not None:
            lines = log.read_text("utf-8", errors="replace").strip().splitlines()
            raise CliError(f"the explorer stopped at start: {lines[-1] if lines else 'no output'} (log: {log})")
        status = _status(url)
        if status is not None and (_synced(status) or time.monotonic() > deadline):
            return  # after a minute it answers still syncing: a big registry's first sync goes on (pages say so)
        if status is None and time.monotonic() > deadline:
            raise CliError(f"the explorer did not answer within {_START_SECONDS:.0f} s (log: {log})")
        time.sleep(0.1)


def stop_detached(home: Path | None = None) -> DetachedExplorer:
    """Stops the detached explorer of ``$IPLEDGER_HOME``; refuses in one line when none runs."""
    explorer = _recorded(home)
    if explorer is None or not _is_explorer(explorer.pid):
        (_folder(home) / "explorer.json").unlink(missing_ok=True)
        raise CliError("no explorer is running in the background; start one with `ipledger serve --detach`")
    os.kill(explorer.pid, signal.SIGTERM)
    deadline = time.monotonic() + _STOP_SECONDS
    while not _exited(explorer.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not _exited(explorer.pid) and _is_explorer(explorer.pid):
        os.kill(explorer.pid, signal.SIGKILL)
    (_folder(home) / "explorer.json").unlink(missing_ok=True)
    return explorer
