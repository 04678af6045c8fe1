"""The explorer on PostgreSQL: the app's own background sync fills a fresh schema of the session's server, and every
route answers what it answers over the SQLite index (skipped, with the reason, without a PostgreSQL server)."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from ipledger import Ledger
from postgres_support import PostgresServer
from web_support import World, explorer_client, explorer_world


@pytest.fixture(scope="module")
def world(ledger: Ledger, investors: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> World:
    return explorer_world(ledger, tmp_path_factory.mktemp("web"))


def test_the_explorer_on_postgresql_answers_as_on_sqlite(
    ledger: Ledger, world: World, postgres_server: PostgresServer
) -> None:
    url = postgres_server.schema_url()
    dev1, dev2, dev6 = (ledger.address_of(name) for name in ("dev1", "dev2", "dev6"))
    with (
        explorer_client(world.index_path, ledger, sync=False) as sqlite,
        explorer_client(url, ledger, sync_interval=0.2) as postgres,
    ):
        assert postgres.app.state.explorer.sync.wait_for(1, timeout=120)  # type: ignore[attr-defined]
        status = postgres.get("/api/status").json()
        assert status["sync"]["last_error"] is None, status
        block = sqlite.get("/api/status").json()["index"]["cursor"]
        assert status["index"]["cursor"] >= block and status["index"]["path"] == "postgresql"
        assert "127.0.0.1" not in json.dumps(status) and "pg@" not in json.dumps(status)
        # A reader's query runs under a time limit: an expensive request fails instead of holding the server.
        reader = postgres.app.state.explorer.index()  # type: ignore[attr-defined]
        assert reader._db.execute("SHOW statement_timeout").fetchall() == [("10s",)]
        cn, us = hex(world.cn_token), hex(world.us_token)
        for route in (
            f"/api/rights/{cn}?block={block}",
            f"/api/rights/{quote(world.cn_number)}?block={block}",
            f"/api/rights/{cn}/cap-table?block={block}",
            f"/api/rights/{cn}/cap-table?block={world.split_block}",
            f"/api/holders/{dev2}/portfolio?block={block}",
            f"/api/holders/{dev1}/portfolio?block={world.split_block}",
            f"/api/lenders/{dev6}/book?block={block}",
            f"/api/shares/{world.share_token}?block={block}",
            f"/api/rights?jurisdiction=CN&at_block={block}",
        ):
            mine, theirs = sqlite.get(route), postgres.get(route)
            assert mine.status_code == theirs.status_code == 200, (route, theirs.text)
            assert mine.json() == theirs.json(), route
        for query, token in (("浏览器检索", cn), (world.cn_number, cn), (world.us_title, us), (world.share_token, cn)):
            hits = postgres.get(f"/api/search?q={quote(query)}").json()["hits"]
            assert token in [hit["token_id"] for hit in hits], (query, hits)
        page = postgres.get(f"/rights/{cn}?lang=zh-Hans")
        assert page.status_code == 200 and world.cn_title in page.text and "<svg" in page.text
        assert postgres.get("/rights/not-a-number").status_code == 400


def test_lost_database_connections_answer_503_then_recover(
    ledger: Ledger, world: World, postgres_server: PostgresServer
) -> None:
    import psycopg

    url = postgres_server.schema_url()
    with explorer_client(url, ledger, sync_interval=0.2) as client:
        sync = client.app.state.explorer.sync  # type: ignore[attr-defined]
        assert sync.wait_for(1, timeout=120)
        route = f"/api/rights/{hex(world.cn_token)}"
        assert client.get(route).status_code == 200
        with psycopg.connect(postgres_server.url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                "AND datname = current_database()"
            )
        answers = [client.get(route) for _ in range(3)]
        assert [answer.status_code for answer in answers][-1] == 200
        for failed in (answer for answer in answers if answer.status_code != 200):
            assert failed.status_code == 503 and "try again" in failed.json()["detail"]
        syncs = sync.state.syncs
        assert sync.wait_for(syncs + 3, timeout=60) and sync.state.last_error is None
