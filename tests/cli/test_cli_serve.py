"""``ipledger serve``: started as a process on the session chain it prints its URL, syncs the index in the
background and answers ``/api/status``; a right registered meanwhile shows up; without the web extra, one line."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import ipledger
import pytest
from cli_support import Chain, Patent, Run, assert_one_line_error


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "IPLEDGER_HOME": str(home), "PYTHONPATH": str(Path(ipledger.__file__).parents[1])}


@contextmanager
def _process(argv: list[str], home: Path) -> Iterator[tuple[subprocess.Popen[str], Callable[[], str]]]:
    """``argv`` as a process (stderr to a file, so it never blocks on a full pipe); yields it and a reader of its
    next stdout line that gives up after 60 s. Terminated on the way out."""
    with (home.parent / "serve-stderr.txt").open("w") as stderr:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=stderr, text=True, env=_env(home))
        lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        threading.Thread(target=lambda: [lines.put(text) for text in process.stdout or []], daemon=True).start()

        def line() -> str:
            try:
                return lines.get(timeout=60)
            except queue.Empty:
                raise AssertionError((home.parent / "serve-stderr.txt").read_text()) from None

        try:
            yield process, line
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def _serving(chain: Chain, home: Path, *options: str) -> Iterator[str]:
    """``ipledger serve --port 0`` on the session chain as a process of its own; yields the URL it printed."""
    argv = [sys.executable, "-m", "ipledger.cli", "serve", "--port", "0", *options, *chain.options]
    with _process(argv, home) as (_, line):
        first = line().strip()
        assert first.startswith("http://127.0.0.1:"), first
        yield first


def _until(check: Callable[[], Any], timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            answer = check()
        except httpx.HTTPError:
            answer = None
        if answer:
            return answer
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_serve_answers_status_and_picks_up_a_registration(
    chain: Chain, patent: Patent, cli_json: Callable[..., Any], tmp_path: Path
) -> None:
    with _serving(chain, tmp_path / "home", "--sync-interval", "0.3") as url:
        status = _until(lambda: (answer := httpx.get(f"{url}api/status").json())["index"] and answer)
        assert status["index"]["registry"] == chain.registry and status["sync"]["enabled"]
        token = cli_json("register", *patent.options, "--to", "dev1", "--from", "dev0")["token_id"]
        record = _until(lambda: (answer := httpx.get(f"{url}api/rights/{token}")).status_code == 200 and answer.json())
        assert record["title"] == f"Battery electrode {patent.number}"
        page = httpx.get(f"{url}rights/{token}?lang=zh-Hant")
        assert page.status_code == 200 and '<html lang="zh-Hant">' in page.text
        assert httpx.get(f"{url}api/docs").status_code == 200


def test_serve_json_says_where_it_listens(chain: Chain, tmp_path: Path) -> None:
    index = tmp_path / "explorer.sqlite"
    with _serving(chain, tmp_path / "home", "--index-url", str(index), "--lang", "zh-Hans") as first:
        assert first.startswith("http://")
    # The --json form: one JSON document on stdout; the index the first one made, served as it is.
    argv = [sys.executable, "-m", "ipledger.cli", "serve", "--json", "--port", "0", "--no-sync", *chain.options]
    with _process([*argv, "--index-url", str(index)], tmp_path / "home") as (_, line):
        lines = [line()]
        while lines[-1].rstrip() != "}":
            lines.append(line())
        started = json.loads("".join(lines))
        assert started["url"].startswith("http://127.0.0.1:") and started["docs_url"].endswith("/api/docs")
        assert started["sync"] is False and started["registry"] == chain.registry
        assert started["index"] == str(index)
        assert httpx.get(started["url"] + "api/status").status_code == 200


def test_serve_without_the_web_extra_is_one_line(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    import ipledger.cli._serve_command as serve_command

    monkeypatch.setattr(serve_command, "_WEB_EXTRA", ("fastapi", "ipledger_no_such_web_module"))
    result = cli("serve")
    assert_one_line_error(result, 'pip install "ipledger[web]"', "ipledger_no_such_web_module")


def test_serve_on_a_port_in_use_is_one_line(cli: Run, chain: Chain) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = cli("serve", "--port", str(port))
    assert_one_line_error(result, f"cannot listen on 127.0.0.1:{port}")


def test_serve_without_sync_needs_an_index(cli: Run, tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    result = cli("serve", "--no-sync", "--index-url", str(missing))
    assert_one_line_error(result, "does not exist")
    assert not missing.exists()


def test_serve_refuses_a_malformed_index_url_in_one_line(cli: Run) -> None:
    assert_one_line_error(cli("serve", "--index-url", "mysql://db/ipledger"), "--index-url", "mysql://db/ipledger")


def test_serve_detached_runs_in_the_background_until_stopped(
    cli: Run, cli_json: Callable[..., Any], chain: Chain
) -> None:
    started = cli("serve", "--detach", "--port", "0", "--sync-interval", "0.5")
    assert started.exit_code == 0, (started.stderr, started.exception)
    url = started.stdout.strip()
    assert started.stdout == f"{url}\n" and url.startswith("http://127.0.0.1:")  # URL=$(ipledger serve --detach)
    assert "ipledger serve --stop" in started.stderr
    try:
        status = _until(lambda: (answer := httpx.get(f"{url}api/status").json())["index"] and answer)
        assert status["index"]["registry"] == chain.registry and status["sync"]["enabled"]
        assert_one_line_error(cli("serve", "--detach", "--port", "0"), "already runs at", url)
        record = json.loads((Path(os.environ["IPLEDGER_HOME"]) / "explorer" / "explorer.json").read_text("utf-8"))
        command_line = Path(f"/proc/{record['pid']}/cmdline").read_bytes().decode()
        assert "serve" in command_line and chain.node.rpc_url not in command_line  # the RPC URL went by environment
    finally:
        stopped = cli_json("serve", "--stop")
    assert stopped["url"] == url and stopped["pid"] > 0
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{url}api/status", timeout=2)
    assert_one_line_error(cli("serve", "--stop"), "no explorer is running")


def test_serve_answers_without_waiting_for_delayed_acks() -> None:
    import socket

    from ipledger.cli._serve_command import _bind

    listener = _bind("127.0.0.1", 0)
    try:
        with socket.create_connection(listener.getsockname()):
            accepted, _ = listener.accept()
            with accepted:
                # the accepted connection inherits TCP_NODELAY: no 40 ms Nagle wait per response
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        listener.close()


def test_serve_stop_never_signals_a_process_that_took_the_recorded_pid(cli: Run, tmp_path: Path) -> None:
    other = subprocess.Popen(["sleep", "30"])  # not an explorer: as if the recorded pid had been reused
    try:
        folder = Path(os.environ["IPLEDGER_HOME"]) / "explorer"
        folder.mkdir(parents=True)
        record = {"pid": other.pid, "url": "http://127.0.0.1:9/", "log": str(tmp_path / "log")}
        (folder / "explorer.json").write_text(json.dumps(record), "utf-8")
        assert_one_line_error(cli("serve", "--stop"), "no explorer is running")
        assert other.poll() is None  # still running: never signalled
        assert not (folder / "explorer.json").exists()  # the stale record is gone
    finally:
        other.kill()
        other.wait()
