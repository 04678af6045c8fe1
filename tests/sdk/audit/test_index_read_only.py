"""Reads never write: every query leaves the index as it was, on both databases, opened writable or read-only; a
read-only index refuses to sync. Where an index lives: paths, ``sqlite:///`` and ``postgresql://`` URLs, a schema per
chain and registry, and one-line refusals of malformed URLs."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import sys
import time
from pathlib import Path

import pytest
from chain_support import Patent
from ipledger import EventIndex, InvalidInputError, Ledger
from ipledger.audit._index_db import database_errors
from ipledger.audit._index_schema import TABLES
from postgres_support import IndexUrls, PostgresServer


def _contents(index: EventIndex) -> str:
    """A digest of every row of every table (SQLite's full-text table aside: its rows mirror search_rights')."""
    digest = hashlib.sha256()
    for table in TABLES:
        if table == "search_fts":
            continue
        rows = index._db.execute(f"SELECT * FROM {table}").fetchall()
        digest.update(f"{table}:{sorted(map(repr, rows))}".encode())
    return digest.hexdigest()


def _read_everything(ledger: Ledger, index: EventIndex, token: int) -> None:
    """Every query of the index, past and present."""
    holder = ledger.address_of("dev1")
    today = dt.datetime.now(dt.UTC).date()
    index.status(head=ledger.chain.head())
    index.history(token)
    index.portfolio(holder)
    index.portfolio(holder, at=today)
    index.book(ledger.address_of("dev6"))
    index.cap_table(token)
    index.rights()
    index.rights(kind="patent", jurisdiction="us", status="active")
    index.right(token)
    index.right(token, at_block=index.cursor - 1)
    for text in ("battery", "电池", holder, hex(token), str(token), "US 1,000,000 B2", "x"):
        index.search(text)
    index.transfers(today - dt.timedelta(days=1), today)
    index.block_at(today)
    index.linked_logs(index.cursor)
    assert index.log_count() > 0 and index.cursor_hash is not None
    assert index.modules is not None and index.history_contracts
    assert ledger.history(token, index=index) == ledger.history(token)


def test_queries_never_change_the_index(ledger: Ledger, fractionalized: int, index_url: IndexUrls) -> None:
    url = index_url()
    writer = EventIndex.open(url)
    writer.sync(ledger)
    before = _contents(writer)
    _read_everything(ledger, writer, fractionalized)
    assert _contents(writer) == before

    reader = EventIndex.open(writer.location, read_only=True)
    file_bytes = writer.path.read_bytes() if writer.path is not None else None
    _read_everything(ledger, reader, fractionalized)
    assert _contents(reader) == _contents(writer) == before
    if writer.path is not None:
        assert writer.path.read_bytes() == file_bytes
    head = ledger.chain.head()
    ledger.rights.freeze(fractionalized, b"\x05" * 32)  # the node moves on; the read-only index stays behind
    assert ledger.audit.sourced_history(fractionalized, index=reader).index_block == head
    with pytest.raises(InvalidInputError, match="read-only"):
        reader.sync(ledger)
    with pytest.raises(database_errors()):
        reader._db.execute("DELETE FROM logs")
    assert _contents(reader) == before
    writer.sync(ledger)  # a writer beside the reader: the reader sees its commits
    assert reader.cursor == writer.cursor > head


def test_a_reader_never_waits_for_the_writer(ledger: Ledger, patent: Patent, index_url: IndexUrls) -> None:
    """While a sync's transaction is open (its lock taken, rows written, not committed), a reader answers at once
    from the last commit (SQLite's WAL mode; PostgreSQL's snapshots)."""
    token = ledger.register(*patent, to="dev1").token_id
    writer = EventIndex.open(index_url())
    writer.sync(ledger)
    reader = EventIndex.open(writer.location, read_only=True)
    cursor = reader.cursor
    with writer._db.transaction():
        writer._db.execute("UPDATE meta SET value = ? WHERE key = 'cursor'", (str(cursor + 1000),))
        writer._db.execute("DELETE FROM search_numbers")
        started = time.monotonic()
        assert reader.cursor == cursor
        assert [hit.token_id for hit in reader.search(str(patent[0].number))] == [token]
        assert reader.right(token).token_id == token
        assert time.monotonic() - started < 2  # far below the 30 s a writer would wait
    assert reader.cursor == cursor + 1000  # committed: the reader sees it now


def test_a_read_only_open_of_a_missing_index_is_refused(index_url: IndexUrls) -> None:
    with pytest.raises(InvalidInputError, match=r"does not exist|no index"):
        EventIndex.open(index_url("missing"), read_only=True)


def test_an_existing_index_is_opened_and_none_is_created(ledger: Ledger, index_url: IndexUrls, tmp_path: Path) -> None:
    url = index_url("existing")
    if index_url.dialect == "sqlite":
        assert EventIndex.existing(ledger, url=url) is None
        assert EventIndex.existing(ledger, home=tmp_path) is None
    else:
        with pytest.raises(InvalidInputError, match="does not exist"):
            EventIndex.existing(ledger, url=url)
    synced = EventIndex.for_ledger(ledger, url=url)
    synced.sync(ledger)
    found = EventIndex.existing(ledger, url=url)
    assert found is not None and found.cursor == synced.cursor and found.location == synced.location
    # Another registry on the same chain: an admin of its own, so no deployment journalled by an earlier test of the
    # session (same deployer and admin) is taken up instead of a new one.
    other = Ledger.connect(ledger.chain.rpc_url, account="dev0")
    other.deploy(admin="0x" + secrets.token_hex(20))
    assert other.contracts.registry_address != ledger.contracts.registry_address
    with pytest.raises(InvalidInputError, match="holds the registry"):
        EventIndex.existing(other, url=url)
    with pytest.raises(InvalidInputError, match="--index-url: 'ftp://x' uses the scheme"):
        EventIndex.existing(ledger, url="ftp://x", option="--index-url")


def test_for_ledger_names_a_schema_per_chain_and_registry(ledger: Ledger, postgres_server: PostgresServer) -> None:
    url = postgres_server.fresh_database()
    with pytest.raises(InvalidInputError, match="holds no index yet"):
        EventIndex.open(url)
    index = EventIndex.for_ledger(ledger, url=url)
    registry = ledger.contracts.registry_address.lower().removeprefix("0x")
    assert index.location == f"{url}?schema=ipledger_{ledger.chain.chain_id}_{registry}"
    index.sync(ledger)
    found = EventIndex.open(url, read_only=True)  # the one index of the database
    assert found.location == index.location and found.cursor == index.cursor
    assert EventIndex.for_ledger(ledger, url=url, read_only=True).status() == index.status()
    EventIndex.open(f"{url}?schema=another")  # a second index in the same database
    with pytest.raises(InvalidInputError, match="several indexes"):
        EventIndex.open(url)


def test_sqlite_urls_and_paths_name_the_same_file(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "by-url.sqlite"
    index = EventIndex.for_ledger(ledger, url=f"sqlite:///{path}")
    index.sync(ledger)
    assert index.path == path
    assert EventIndex.open(str(path), read_only=True).cursor == EventIndex.open(path).cursor == index.cursor
    journal = index._db.execute("PRAGMA journal_mode").fetchone()
    assert journal == ("wal",)


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("mysql://user@host/db", "scheme 'mysql'"),
        ("postgresql://user@host", "names no host or database"),
        ("postgresql://user@host:port/db", "bad port"),
        ("postgresql://user@host/db?schema=Bad-Name", "schema 'Bad-Name'"),
        ("sqlite://", "names no file"),
        ("", "empty"),
    ],
)
def test_a_malformed_url_is_refused_in_one_line(url: str, complaint: str) -> None:
    with pytest.raises(InvalidInputError, match=complaint) as refusal:
        EventIndex.open(url)
    assert "\n" not in str(refusal.value) and "postgresql://USER@HOST:PORT/DATABASE" in str(refusal.value)


def test_postgresql_without_psycopg_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(InvalidInputError, match=r'pip install "ipledger\[postgres\]"'):
        EventIndex.open("postgresql://pg@127.0.0.1:1/ipledger?schema=x")
