"""The index's derived tables (custody intervals, share balances) agree with the node's state at every block.

Rights move several times inside one block (automine off) and shares change hands, then three indexes sync the
same blocks in different chunks (one block each, all at once, and in two steps whose second spans several
blocks); for every block and account, the index's portfolio must equal what ``ownerOf`` and ``balanceOf``
answer at that block.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from chain_support import Patent, rpc, variant
from ipledger import EventIndex, Ledger
from ipledger.audit._index_schema import SCHEMA_VERSION
from postgres_support import IndexUrls
from share_support import ONE
from web3.exceptions import ContractLogicError


def _owner_at(ledger: Ledger, token: int, block: int) -> str | None:
    try:
        return str(ledger.contracts.registry.functions.ownerOf(token).call(block_identifier=block))
    except ContractLogicError:
        return None


@pytest.mark.anvil
def test_portfolios_match_the_node_at_every_block(
    ledger: Ledger, investors: dict[str, str], patent: Patent, index_url: IndexUrls
) -> None:
    first = ledger.chain.head() + 1
    names = ["dev1", "dev2", "dev3", "dev4"]
    accounts = [ledger.address_of(name) for name in names]
    tokens = [ledger.register(*variant(patent, f"c{serial}"), to="dev1").token_id for serial in range(3)]
    registry = ledger.contracts.registry

    rpc(ledger, "evm_setAutomine", False)
    try:
        # One block: token 0 goes dev1 -> dev2 -> dev3, token 1 goes dev1 -> dev2 and back to dev1.
        for token, source, target in (
            (tokens[0], 0, 1),
            (tokens[0], 1, 2),
            (tokens[1], 0, 1),
            (tokens[1], 1, 0),
        ):
            registry.functions.transferFrom(accounts[source], accounts[target], token).transact(
                {"from": accounts[source], "gas": 200_000}
            )
        rpc(ledger, "evm_mine")
    finally:
        rpc(ledger, "evm_setAutomine", True)
    ledger.use("dev3").rights.transfer(tokens[0], "dev4")
    shares = tokens[2]
    created = ledger.use("dev1").shares.fractionalize(shares, "Custody test shares", "CTS", 900 * ONE).block
    ledger.use("dev1").shares.transfer(shares, "dev2", 300 * ONE)
    ledger.use("dev2").shares.transfer(shares, "dev3", 100 * ONE)
    ledger.use("dev1").shares.transfer(shares, "dev3", 50 * ONE)
    share_token = ledger.chain.share_contract(ledger.shares.token(shares))
    head = ledger.chain.head()

    in_one = EventIndex.open(index_url("one"))
    in_one.sync(ledger, chunk=1)
    in_bulk = EventIndex.open(index_url("bulk"))
    in_bulk.sync(ledger, chunk=10_000)
    in_steps = EventIndex.open(index_url("steps"))
    in_steps.sync(ledger, to_block=first + 2)
    in_steps.sync(ledger, chunk=10_000)
    for block in range(first - 1, head + 1):
        for account in accounts:
            expected_rights = {token for token in tokens if _owner_at(ledger, token, block) == account}
            expected_shares = (
                int(share_token.functions.balanceOf(account).call(block_identifier=block)) if block >= created else 0
            )
            for index in (in_one, in_bulk, in_steps):
                portfolio = index.portfolio(account, at_block=block)
                assert {right.token_id for right in portfolio.rights} & set(tokens) == expected_rights, (block, account)
                held = [position.balance for position in portfolio.shares if position.token_id == shares]
                assert (held[0] if held else 0) == expected_shares, (block, account)
    for table in ("custody", "registrations", "share_balances", "search_rights", "search_numbers"):
        assert index_rows(in_one, table) == index_rows(in_bulk, table) == index_rows(in_steps, table)


def index_rows(index: EventIndex, table: str) -> list[tuple[object, ...]]:
    columns = {
        "search_rights": "token_id, since_block, until_block, title, folded, numbers, packed",
        "search_numbers": "number, (SELECT token_id FROM search_rights WHERE id = entry)",
    }.get(table, "*")
    return sorted(index._db.execute(f"SELECT {columns} FROM {table}").fetchall(), key=repr)


def test_an_older_schema_is_rebuilt_from_the_chain(ledger: Ledger, patent: Patent, tmp_path: Path) -> None:
    token = ledger.register(*patent, to="dev1").token_id
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        old.execute("CREATE TABLE logs (id INTEGER PRIMARY KEY, stale TEXT)")
        old.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION - 1),))
    old.close()
    index = EventIndex(path)
    index.sync(ledger)
    assert index.history(token) == ledger.history(token)
    assert token in {right.token_id for right in index.portfolio(ledger.address_of("dev1")).rights}


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    with sqlite3.connect(path) as newer:
        newer.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        newer.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION + 1),))
    newer.close()
    with pytest.raises(Exception, match="newer than this ipledger"):
        EventIndex(path)
