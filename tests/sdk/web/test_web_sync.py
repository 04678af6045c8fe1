"""The background sync: the explorer keeps its index up to date from the network on a writer connection of its
own, shows its state at /api/status and on the pages, and a right registered after the server started appears."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from ipledger import Ledger, NodeError
from ipledger.web._sync import IndexSync
from web_support import World, explorer_client, explorer_world, next_serial, us_patent


@pytest.fixture(scope="module")
def world(ledger: Ledger, investors: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> World:
    return explorer_world(ledger, tmp_path_factory.mktemp("web"))


def _register(ledger: Ledger, folder: Path, tag: str) -> int:
    path = folder / f"{tag}.txt"
    path.write_text(f"claims of {tag} {time.time_ns()}\n", "utf-8")
    metadata = us_patent(next_serial(), f"后台同步测试 {tag}")
    return ledger.register(metadata, [path], to="dev3").token_id


def test_the_background_sync_picks_up_a_new_registration(ledger: Ledger, world: World, tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    shutil.copyfile(world.index_path, index)
    with explorer_client(index, ledger, sync_interval=0.2) as client:
        app_sync = client.app.state.explorer.sync  # type: ignore[attr-defined]
        assert app_sync.wait_for(1, timeout=60)
        token = _register(ledger, tmp_path, f"sync-{time.time_ns()}")
        deadline = time.monotonic() + 60
        while client.get(f"/api/rights/{hex(token)}").status_code != 200:
            assert time.monotonic() < deadline, client.get("/api/status").json()
            time.sleep(0.2)
        status = client.get("/api/status").json()
        assert status["sync"]["enabled"] and status["sync"]["last_error"] is None
        assert status["sync"]["last_success"] is not None and status["sync"]["syncs"] >= 1
        assert status["index"]["cursor"] >= ledger.get(token).registration_block
        page = client.get(f"/rights/{hex(token)}?lang=en")
        assert page.status_code == 200 and 'class="banner sync-' in page.text and "后台同步测试" in page.text


def test_a_fresh_index_answers_503_until_its_first_sync(ledger: Ledger, tmp_path: Path) -> None:
    with explorer_client(tmp_path / "fresh.sqlite", ledger, sync=False) as client:
        response = client.get("/api/rights")
        assert response.status_code == 503 and "sync it first" in response.json()["detail"]
        assert client.get("/api/status").json()["index"] is None
        assert client.get("/").status_code == 200


def test_without_a_network_the_explorer_reads_the_index_as_it_is(world: World) -> None:
    with explorer_client(world.index_path, None) as client:
        status = client.get("/api/status").json()
        assert not status["verification"] and not status["sync"]["enabled"]
        assert client.get(f"/api/rights/{world.cn_token}").json()["title"] == world.cn_title
        verify = client.get(f"/api/rights/{world.cn_token}/verify?checkpoint=0x" + "11" * 32)
        assert verify.status_code == 503 and "no network" in verify.json()["detail"]
        assert "sync-off" in client.get("/").text


def test_a_write_in_progress_never_blocks_a_request(ledger: Ledger, world: World, tmp_path: Path) -> None:
    """A writer holding the index (as a sync's chunk does) while pages and the API read it: they answer at once."""
    index = tmp_path / "index.sqlite"
    shutil.copyfile(world.index_path, index)
    with explorer_client(index, ledger, sync=False) as client:
        assert client.get(f"/api/rights/{hex(world.cn_token)}").status_code == 200
        writer = sqlite3.connect(index, isolation_level=None)
        try:
            assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("UPDATE meta SET value = value WHERE key = 'cursor'")
            started = time.monotonic()
            for url in (
                f"/api/rights/{hex(world.cn_token)}/cap-table",
                f"/rights/{hex(world.cn_token)}",
                "/api/status",
            ):
                assert client.get(url).status_code == 200, url
            assert time.monotonic() - started < 5
        finally:
            writer.execute("ROLLBACK")
            writer.close()


class _Failing:
    """A writer whose every sync fails as a node would, naming its URL."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def sync(self, _chain: object) -> None:
        raise NodeError("eth_getLogs: cannot reach the node: ConnectTimeout", endpoint=self.endpoint)

    def close(self) -> None:
        pass


def test_a_failed_sync_shows_no_node_url() -> None:
    endpoint = "https://node.example/v3/secret-api-key"
    chain = SimpleNamespace(rpc=SimpleNamespace(endpoint=endpoint), head=lambda: 0)
    sync = IndexSync(chain, lambda: _Failing(endpoint), interval=60)  # type: ignore[arg-type]
    sync.start()
    try:
        assert sync.wait_for(1, timeout=10)
    finally:
        sync.stop()
    error = sync.state.last_error
    assert error == "NodeError: eth_getLogs: cannot reach the node: ConnectTimeout", error
