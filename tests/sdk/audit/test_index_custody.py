"""The index's derived tables (custody intervals, share balances) agree with the node's state at every block.

Rights move several times inside one block (automine off) and shares change hands, then three indexes sync the
same blocks in different chunks (one block each, all at once, and in two steps whose second spans several
blocks); for every block and account, the index's portfolio must equal what ``ownerOf`` and ``balanceOf``
answer at that block.
"""

from __future__ import annotations

import pytest
from chain_support import Patent, rpc, variant
from ipledger import EventIndex, InvalidInputError, Ledger
from ipledger.audit._index_db import Database, parse_location
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


def _hand_made(url: str, version: int, *, stale_logs: bool) -> None:
    """An index at ``url`` with only a meta table of schema ``version`` (and a stale logs table), made by hand."""
    location = parse_location(url)
    database = Database(location)
    if location.dialect == "postgresql":
        assert location.schema is not None
        database.use_schema(location.schema, create=True)
    with database.transaction():
        database.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        if stale_logs:
            database.execute("CREATE TABLE logs (id INTEGER PRIMARY KEY, stale TEXT)")
        database.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(version),))
    database.close()


def test_an_older_schema_is_rebuilt_from_the_chain(ledger: Ledger, patent: Patent, index_url: IndexUrls) -> None:
    token = ledger.register(*patent, to="dev1").token_id
    url = index_url("old")
    _hand_made(url, SCHEMA_VERSION - 1, stale_logs=True)
    with pytest.raises(InvalidInputError, match="open it writable"):
        EventIndex.open(url, read_only=True)  # a reader never rebuilds
    index = EventIndex.open(url)
    index.sync(ledger)
    assert index.history(token) == ledger.history(token)
    assert token in {right.token_id for right in index.portfolio(ledger.address_of("dev1")).rights}
    assert [hit.token_id for hit in index.search(str(patent[0].number))] == [token]


def test_a_newer_schema_is_refused(index_url: IndexUrls) -> None:
    url = index_url("new")
    _hand_made(url, SCHEMA_VERSION + 1, stale_logs=False)
    for read_only in (False, True):
        with pytest.raises(InvalidInputError, match="newer than this ipledger"):
            EventIndex.open(url, read_only=read_only)
