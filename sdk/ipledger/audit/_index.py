"""The event index: a copy of the registry's, the share vault's and the share tokens' logs, in an embedded SQLite file
or a PostgreSQL database.

By default one file per chain and registry, ``$IPLEDGER_HOME/index/<chain_id>-<registry>.sqlite`` (WAL mode: readers
never wait for the syncing writer); :meth:`EventIndex.open` / :meth:`EventIndex.for_ledger` take another path, an
``sqlite:///`` URL or a ``postgresql://`` URL (one schema per chain and registry, the connection in
:mod:`ipledger.audit._index_db`; the schema in :mod:`ipledger.audit._index_schema`). :meth:`EventIndex.sync` reads
logs by block chunks with the adaptive ``eth_getLogs`` reader and commits each chunk together with the cursor in one
transaction, so a sync killed at any point resumes where it stopped and never stores a log twice. Before each chunk it
compares the stored hash of the cursor block with the node's; after a reorganization it deletes everything above the
fork point (the latest stored block whose hash still matches) and syncs again from there.

Queries (history, portfolio, cap table, rights, one right, search, transfers) read only the database, each in one
read snapshot, and never write: an index opened ``read_only`` (SQLite ``mode=ro``, PostgreSQL read-only transactions)
answers them all and refuses :meth:`~EventIndex.sync`. Dates become blocks through the stored block timestamps.
Ownership and share balances at any block come from two tables derived while syncing (custody intervals and balance
changes), so a portfolio is an indexed lookup even with millions of transfers; a third (registrations, with kind and
jurisdiction unpacked from the record) lets ``rights(kind=..., jurisdiction=...)`` read only the matching rights, and
:meth:`~EventIndex.right` reads one right's rows alone. The search tables (titles and official numbers of the live
rights, over the blocks they held; :mod:`ipledger.audit._index_search`) answer :meth:`~EventIndex.search` by number,
title substring (trigram indexes: SQLite FTS5, PostgreSQL ``pg_trgm``), holder, share token or token id.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from eth_abi.abi import decode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from pydantic import Field

from ipledger._exceptions import InvalidInputError, NodeError, NotFoundError
from ipledger.audit._cap_table import cap_table_of
from ipledger.audit._history import merge_history, right_numbers
from ipledger.audit._history_chain import linked_tokens
from ipledger.audit._index_db import Database, Location, database_errors, parse_location, schema_name
from ipledger.audit._index_schema import DERIVED_TABLES, REORG_WINDOW, SCHEMA_VERSION, TABLES, schema_statements
from ipledger.audit._index_search import SearchHit, cut_search, derive_search, search_index
from ipledger.audit._pledges import pledged_shares, pledges_from_logs
from ipledger.chain._events import (
    CUSTODY_EVENTS,
    LOAN_EVENTS,
    MODULE_EVENTS,
    TOKEN_FIRST_EVENTS,
    VAULT_EVENTS,
    DecodedLog,
    address_topic,
    arg_bytes,
    decode_log,
)
from ipledger.chain._logs import fetch_logs
from ipledger.chain._rpc import Rpc
from ipledger.models._model_base import _Out
from ipledger.models._models import (
    ZERO_ADDRESS,
    CapTable,
    History,
    RightKind,
    RightRecord,
    RightStatus,
    Uint256,
    public_record_fields,
)
from ipledger.models._pledges import Pledge
from ipledger.models._record_packing import unpack_record
from ipledger.node._node import ipledger_home

if TYPE_CHECKING:
    from ipledger._ledger import Ledger
    from ipledger.chain._chain import ChainReader

__all__ = [
    "DEFAULT_MAX_INDEX_LAG",
    "EventIndex",
    "IndexStatus",
    "LoanBook",
    "Portfolio",
    "PortfolioRight",
    "Rollback",
    "SearchHit",
    "SharePosition",
    "SyncProgress",
    "SyncResult",
    "TransferRecord",
    "index_path",
]

#: How many blocks behind the chain head the index may be and still answer a right's history, once it synced the
#: gap: a sync of that many blocks is one ``eth_getLogs`` per group of addresses and two batches of block headers,
#: about what reading the history from the node costs. 128 blocks are 25 minutes of Ethereum's, 4 of Polygon's.
DEFAULT_MAX_INDEX_LAG = 128
_MAX_UINT256 = 2**256 - 1
#: The registry's events that change a right's numbers after its registration.
_NUMBER_EVENTS = ("NumbersAdded", "NumberReclaimed", "NumbersReleased")
#: The rights-in-use modules and the loan desk, by the meta key that records each address.
_MODULE_ROLES = ("licenses", "attestations", "disputes", "royalties", "loans")
#: The loan desk's event that ends a loan -> the state it leaves (``AuctionStarted`` puts it at auction).
_LOAN_ENDINGS = {
    "PledgeReleased": "repaid",
    "CollateralSold": "sold",
    "Foreclosed": "foreclosed",
    "LoanRefinanced": "refinanced",
    "CollateralLost": "lost",
    "AuctionStarted": "auction",
}
#: The registry's events after which a right is no longer pledged (a registrar's act ends a pledge without a
#: ``PledgeSet``).
_PLEDGE_ENDINGS = ("ForceTransferred", "ClaimSuperseded", "RightRevoked", "RightRegistered")
#: Share token addresses per ``eth_getLogs`` request (providers cap address lists).
_ADDRESSES_PER_QUERY = 500
_HEADERS_PER_BATCH = 100
_CHUNK_ATTEMPTS = 5
#: The share tokens' events the index decodes: name -> (signature, indexed address names, data names and types).
_SHARE_EVENTS: dict[str, tuple[str, list[str], list[tuple[str, str]]]] = {
    "Transfer": ("Transfer(address,address,uint256)", ["from", "to"], [("value", "uint256")]),
    "SharesFrozen": (
        "SharesFrozen(address,uint256,bytes32,address)",
        ["holder", "officer"],
        [("amount", "uint256"), ("reasonHash", "bytes32")],
    ),
    "SharesUnfrozen": ("SharesUnfrozen(address,bytes32,address)", ["holder", "officer"], [("reasonHash", "bytes32")]),
    "RestrictedModeSet": ("RestrictedModeSet(bool,address)", ["officer"], [("restricted", "bool")]),
}
_SHARE_TOPICS = {"0x" + keccak(text=signature).hex(): name for name, (signature, _, _) in _SHARE_EVENTS.items()}


# ---------------------------------------------------------------------------- results


class Rollback(_Out):
    """A reorganization undone: logs above ``fork_block`` were deleted and synced again."""

    fork_block: int
    previous_cursor: int
    removed_logs: int


class SyncProgress(_Out):
    """Reported after each committed chunk."""

    cursor: int
    target: int
    chunks: int
    logs_added: int


class SyncResult(_Out):
    """What one :meth:`EventIndex.sync` did."""

    from_block: int
    to_block: int
    chunks: int
    logs_added: int
    share_tokens: int
    rollbacks: list[Rollback]


#: How many candidate rights a page of :meth:`EventIndex.rights` builds at a time.
_PAGE_CHUNK = 500


class IndexStatus(_Out):
    """The index file and how far it has synced."""

    path: str
    chain_id: int
    registry: str
    vault: str | None
    start_block: int
    cursor: int
    cursor_time: dt.datetime | None
    head: int | None
    fresh: bool | None
    logs: int
    rights: int
    share_tokens: int
    rollbacks: int


class PortfolioRight(_Out):
    """A right an owner held, and the block it came to them."""

    token_id: int
    token_id_hex: str
    since_block: int
    #: Pledged to a loan at that block (it stays the owner's; ``Portfolio.pledges`` says to whom).
    pledged: bool = False


class SharePosition(_Out):
    """An owner's balance of a right's share token; amounts in base units."""

    token_id: int
    token_id_hex: str
    share_token: str
    symbol: str
    decimals: int
    balance: Uint256
    #: Shares of the owner the loan desk held under live pledges at that block (not part of ``balance``).
    pledged: Uint256 = 0


class Portfolio(_Out):
    """What an account held at a block: rights and share balances, and its live pledges (of those rights, and of
    shares the loan desk holds for it)."""

    owner: str
    block: int
    rights: list[PortfolioRight]
    shares: list[SharePosition]
    pledges: list[Pledge] = Field(default_factory=list)


class LoanBook(_Out):
    """A lender's loans at a block: each as it stood then (``live`` ones still secured), in the order they
    opened."""

    lender: str
    block: int
    loans: list[Pledge]

    @property
    def live(self) -> list[Pledge]:
        """The loans still secured by their pledge at the book's block (active or at auction)."""
        return [loan for loan in self.loans if loan.live]


class TransferRecord(_Out):
    """A move of a right (mint included) recorded by the registry."""

    token_id: int
    token_id_hex: str
    from_: str = Field(alias="from", serialization_alias="from")
    to: str
    block: int
    timestamp: dt.datetime
    tx_hash: str
    log_index: int


# ---------------------------------------------------------------------------- the index

_P = ParamSpec("_P")
_T = TypeVar("_T")


def _consistent(query: Callable[Concatenate[EventIndex, _P], _T]) -> Callable[Concatenate[EventIndex, _P], _T]:
    """Runs a query in one read snapshot of the index (a sync committing meanwhile is not half seen)."""

    def read(self: EventIndex, /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        with self._db.snapshot():
            return query(self, *args, **kwargs)

    functools.update_wrapper(read, query)
    return read


def index_path(chain_id: int, registry: str, *, home: Path | None = None) -> Path:
    """Where the index of ``registry`` on ``chain_id`` lives."""
    return (home or ipledger_home()) / "index" / f"{chain_id}-{to_checksum_address(registry)}.sqlite"


def _decode_share_log(log: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The name and arguments of a share token log the index reads, or ``None``."""
    topics = log.get("topics") or []
    name = _SHARE_TOPICS.get(topics[0].lower()) if topics else None
    if name is None:
        return None
    _, indexed, data = _SHARE_EVENTS[name]
    if len(topics) != len(indexed) + 1:
        return None
    args: dict[str, Any] = {arg: address_topic(value) for arg, value in zip(indexed, topics[1:], strict=True)}
    values = decode([kind for _, kind in data], bytes.fromhex(log["data"][2:]))
    for (arg, kind), value in zip(data, values, strict=True):
        args[arg] = "0x" + value.hex() if kind == "bytes32" else value
    return name, args


def _revocation_fields(revocation: DecodedLog | None, times: Mapping[int, int]) -> dict[str, Any]:
    """A right record's revocation fields (none for a right that was not revoked)."""
    if revocation is None:
        return {}
    return {
        "revoked_block": revocation.block,
        "revoked_at": dt.datetime.fromtimestamp(times[revocation.block], dt.UTC),
        "revoked_by": revocation.args["registrar"],
        "revocation_order": revocation.args["orderHash"],
    }


def _utc(when: dt.datetime | dt.date, *, end_of_day: bool = False) -> int:
    """Unix seconds of a datetime (naive ones are UTC) or a date (its start, or its last second)."""
    if not isinstance(when, dt.datetime):
        when = dt.datetime.combine(when, dt.time(23, 59, 59) if end_of_day else dt.time(0), tzinfo=dt.UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return int(when.timestamp())


class EventIndex:
    """An index of one registry's events (and its share vault's and share tokens'), in an SQLite file or a
    PostgreSQL schema; see the module notes.

    Open it with :meth:`for_ledger` (the file in ``$IPLEDGER_HOME/index``, or ``url``) or :meth:`open` (a path or
    URL); keep it up to date with :meth:`sync`; every query reads the database only. ``read_only`` opens it for
    queries alone (SQLite ``mode=ro``, PostgreSQL read-only transactions): :meth:`sync` is refused.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False, schema: str | None = None) -> None:
        location = parse_location(path)
        self.read_only = read_only
        self._db = Database(location, read_only=read_only)
        try:
            self._prepare(schema)
        except BaseException:
            self._db.close()
            raise

    @staticmethod
    def database_errors() -> tuple[type[Exception], ...]:
        """The errors a database raises when it cannot be read or written (read-only, locked, gone, a query
        cancelled by its time limit): SQLite's, and psycopg's when it is installed."""
        return database_errors()

    @classmethod
    def open(cls, url_or_path: str | Path, *, read_only: bool = False) -> EventIndex:
        """The index at a path, ``sqlite:///path`` or ``postgresql://user@host:port/db`` (the URL's ``?schema=NAME``,
        or else the one index schema the database holds)."""
        return cls(url_or_path, read_only=read_only)

    @classmethod
    def for_ledger(
        cls,
        ledger: Ledger | ChainReader,
        *,
        home: Path | None = None,
        url: str | Path | None = None,
        read_only: bool = False,
    ) -> EventIndex:
        """The index of the ledger's registry: in ``$IPLEDGER_HOME/index`` (or ``home``/index), or at ``url`` (an
        SQLite path or URL, or a PostgreSQL URL: its schema ``ipledger_<chain id>_<registry>`` unless the URL names
        one). A read-only index is checked to be the ledger's, never written."""
        reader = _reader(ledger)
        if url is None:
            target: str | Path = index_path(reader.chain_id, reader.registry_address, home=home)
            index = cls(target, read_only=read_only)
        else:
            location = parse_location(url)
            schema = None
            if location.dialect == "postgresql":
                schema = location.schema or schema_name(reader.chain_id, reader.registry_address)
            index = cls(url, read_only=read_only, schema=schema)
        try:
            if read_only:
                index._check_binding(reader)
            else:
                index._bind(reader)
        except BaseException:
            index.close()
            raise
        return index

    @staticmethod
    def check_url(url_or_path: str | Path, *, option: str = "index URL") -> str:
        """The database a path or URL names, ``sqlite`` or ``postgresql``; a malformed one is refused in one line
        naming ``option`` and the forms expected (nothing is opened)."""
        return parse_location(url_or_path, option=option).dialect

    @classmethod
    def existing(
        cls,
        ledger: Ledger | ChainReader,
        *,
        url: str | Path | None = None,
        home: Path | None = None,
        option: str = "index URL",
    ) -> EventIndex | None:
        """The ledger's index if there is one (none is created): at ``url``, or the file in ``$IPLEDGER_HOME/index``
        (``None`` when that file does not exist). Opened as it is, not bound as :meth:`for_ledger` binds it (which
        would start again an index synced without the share vault the ledger has). Raises
        :class:`~ipledger.InvalidInputError` in one line when it cannot be read (a missing PostgreSQL index included)
        or is another registry's."""
        reader = _reader(ledger)
        registry = reader.registry_address
        location = (
            parse_location(url, option=option)
            if url is not None
            else Location("sqlite", path=index_path(reader.chain_id, registry, home=home))
        )
        index = None
        try:
            if location.path is not None:
                if not location.path.is_file():
                    return None
                index = cls(location.path)  # an older layout is rebuilt, a newer refused
            else:
                schema = location.schema or schema_name(reader.chain_id, registry)
                cls(str(url), read_only=True, schema=schema).close()  # refuses a missing index: none is created
                index = cls(str(url), schema=schema)
            if index.chain_id != reader.chain_id or index.registry.lower() != registry.lower():
                raise InvalidInputError(
                    f"the index {index.location} holds the registry {index.registry} on chain {index.chain_id}"
                )
        except database_errors() as failure:
            if index is not None:
                index.close()
            raise InvalidInputError(f"the index {location.describe()} cannot be read: {failure}") from None
        except InvalidInputError:
            if index is not None:
                index.close()
            raise
        return index

    def _prepare(self, schema: str | None) -> None:
        """Chooses the PostgreSQL schema, then checks the schema version: creates the tables the first time and
        rebuilds an older layout (a read-only index refuses both)."""
        db = self._db
        if db.dialect == "postgresql":
            chosen = schema or db.location.schema
            if chosen is None:
                found = db.index_schemas()
                if len(found) != 1:
                    where = db.location.describe()
                    raise InvalidInputError(
                        f"the database {where} holds no index yet: sync one first (ipledger index sync --index-url "
                        "URL) or name its schema (?schema=NAME)"
                        if not found
                        else f"the database {where} holds several indexes ({', '.join(found)}): name one (?schema=NAME)"
                    )
                chosen = found[0]
            if not db.use_schema(chosen, create=not self.read_only):
                raise InvalidInputError(f"the index {self.location} does not exist: sync it first")
        has_meta = self._has_table("meta")
        if self.read_only:
            if not has_meta:
                raise InvalidInputError(f"the index {self.location} does not exist: sync it first")
            version = self._meta("schema_version")
            if version is None or int(version) != SCHEMA_VERSION:
                raise InvalidInputError(
                    f"the index {self.location} has schema {version}, not this ipledger's ({SCHEMA_VERSION}): "
                    "open it writable (or sync it) to rebuild it"
                    if version is None or int(version) < SCHEMA_VERSION
                    else f"the index {self.location} has schema {version}, newer than this ipledger "
                    f"({SCHEMA_VERSION}): upgrade"
                )
            return
        if not has_meta:
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        version = self._meta("schema_version")
        if version is not None and int(version) > SCHEMA_VERSION:
            raise InvalidInputError(
                f"the index {self.location} has schema {version}, newer than this ipledger ({SCHEMA_VERSION}): upgrade"
            )
        if version is not None and int(version) < SCHEMA_VERSION:
            # An older layout: the index only caches public chain data, so rebuild it from the chain.
            with db.transaction():
                for table in TABLES:
                    db.execute(f"DROP TABLE IF EXISTS {table}")
            version = None
        if version is None or not self._has_table("search_rights"):
            db.executescript(schema_statements(db.dialect))
        if version is None:
            self._set_meta({"schema_version": str(SCHEMA_VERSION)})

    def _has_table(self, name: str) -> bool:
        if self._db.dialect == "sqlite":
            sql = "SELECT 1 FROM sqlite_master WHERE name = ?"
            return self._db.execute(sql, (name,)).fetchone() is not None
        sql = "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?"
        return self._db.execute(sql, (self._db.location.schema, name)).fetchone() is not None

    @property
    def path(self) -> Path | None:
        """The SQLite file (``None`` on PostgreSQL; :attr:`location` names either)."""
        return self._db.location.path

    @property
    def location(self) -> str:
        """The SQLite file's path, or the PostgreSQL URL (without a password) and schema."""
        return self._db.location.describe()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._db.dialect

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> EventIndex:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ------------------------------------------------------------------ settings

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, values: dict[str, str]) -> None:
        with self._db.transaction():
            self._db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                values.items(),
            )

    def _require(self, key: str) -> str:
        value = self._meta(key)
        if value is None:
            raise InvalidInputError(f"the index {self.location} was never synced: run sync first")
        return value

    @property
    def registry(self) -> str:
        return self._require("registry")

    @property
    def vault(self) -> str | None:
        return self._meta("vault")

    @property
    def chain_id(self) -> int:
        return int(self._require("chain_id"))

    @property
    def start_block(self) -> int:
        return int(self._require("start_block"))

    @property
    def cursor(self) -> int:
        """The last block fully indexed (``start_block - 1`` before the first chunk)."""
        return int(self._require("cursor"))

    @property
    def cursor_hash(self) -> str | None:
        """The stored hash of the cursor block (``None`` before the first chunk): compare it with the node's to
        know the index follows the same chain."""
        row = self._db.execute("SELECT hash FROM blocks WHERE number = ?", (self.cursor,)).fetchone()
        return None if row is None else str(row[0])

    @property
    def modules(self) -> list[str]:
        """The licence, attestation, dispute and royalty contracts and the loan desk whose logs the index holds."""
        return [value for role in _MODULE_ROLES if (value := self._meta(role)) is not None]

    @property
    def history_contracts(self) -> list[str]:
        """The contracts whose per-right history commitments this index's logs can be checked against: the registry,
        then the share vault, licence, attestation and dispute contracts and the loan desk it follows (the royalty
        vault keeps none)."""
        roles = [self._meta(role) for role in ("vault", "licenses", "attestations", "disputes", "loans")]
        return [self.registry, *(address for address in roles if address is not None)]

    @_consistent
    def linked_logs(self, to_block: int) -> dict[tuple[str, int], list[tuple[int, int, dict[str, Any]]]]:
        """The raw logs the index holds up to ``to_block`` that extend a right's history commitment, by (contract,
        lower-case; right): ``(block, timestamp, log)`` in chain order, the log with ``topics``, ``data``,
        ``logIndex``, ``transactionHash`` and ``name`` as the node gave them."""
        contracts = {address.lower() for address in self.history_contracts}
        rows = self._db.execute(
            "SELECT logs.address, logs.block, blocks.timestamp, logs.log_index, logs.tx_hash, logs.topics, logs.data, "
            "logs.name, logs.args FROM logs LEFT JOIN blocks ON blocks.number = logs.block "
            "WHERE logs.block <= ? AND logs.name IS NOT NULL ORDER BY logs.block, logs.log_index",
            (to_block,),
        )
        grouped: dict[tuple[str, int], list[tuple[int, int, dict[str, Any]]]] = defaultdict(list)
        for address, block, stamp, index, tx_hash, topics, data, name, args in rows:
            if address.lower() not in contracts:
                continue
            decoded = DecodedLog(
                name=name, args=json.loads(args), block=block, log_index=index, tx_hash=tx_hash, address=address
            )
            raw = {
                "topics": json.loads(topics),
                "data": data,
                "logIndex": hex(index),
                "transactionHash": tx_hash,
                "name": name,
            }
            for token in linked_tokens(decoded):
                grouped[(address.lower(), token)].append((block, int(stamp or 0), raw))
        return dict(grouped)

    def _check_binding(self, ledger: ChainReader) -> None:
        """Checks (never writes) that this index is of the ledger's chain and registry."""
        chain = self._require("chain_id")
        if int(chain) != ledger.chain_id or self.registry.lower() != ledger.registry_address.lower():
            raise InvalidInputError(
                f"the index {self.location} holds the registry {self.registry} on chain {chain}, not "
                f"{ledger.registry_address} on chain {ledger.chain_id}"
            )

    def _bind(self, ledger: ChainReader) -> None:
        """Records (or checks) the chain, registry, vault and modules this index follows."""
        registry = ledger.registry_address
        vault = ledger.attached_address("vault")
        modules = {role: address for role, address in ledger.module_addresses().items() if address is not None}
        desk = ledger.attached_address("loans")  # after module_addresses: discovered among the role grants
        if desk is not None:
            modules["loans"] = desk
        chain = self._meta("chain_id")
        if chain is None:
            start = ledger.deployment_block
            values = {"chain_id": str(ledger.chain_id), "registry": registry, "start_block": str(start)}
            values["cursor"] = str(start - 1)
            if vault is not None:
                values["vault"] = vault
            self._set_meta(values | modules)
            return
        if int(chain) != ledger.chain_id or self.registry.lower() != registry.lower():
            raise InvalidInputError(
                f"the index {self.location} holds the registry {self.registry} on chain {chain}, not {registry} on "
                f"chain {ledger.chain_id}"
            )
        known = self.vault
        added: dict[str, str] = {}
        if vault is not None and known is None:
            added["vault"] = vault
        elif vault is not None and known is not None and known.lower() != vault.lower():
            raise InvalidInputError(f"the index {self.location} follows the share vault {known}, not {vault}")
        for role, address in modules.items():
            recorded = self._meta(role)
            if recorded is None:
                added[role] = address
            elif recorded.lower() != address.lower():
                raise InvalidInputError(
                    f"the index {self.location} follows the {role} contract {recorded}, not {address}"
                )
        if not added:
            return
        # A vault or module attached after a sync without it: its earlier logs are missing, so index all again.
        with self._db.transaction():
            for table in ("logs", "blocks", "share_tokens", *DERIVED_TABLES):
                self._db.execute(f"DELETE FROM {table}")
            if self._db.dialect == "sqlite":
                self._db.execute("DELETE FROM search_fts")
        self._set_meta(added | {"cursor": str(self.start_block - 1)})

    # ------------------------------------------------------------------ sync

    def sync(
        self,
        ledger: Ledger | ChainReader,
        *,
        to_block: int | None = None,
        chunk: int = 2000,
        progress: Callable[[SyncProgress], None] | None = None,
    ) -> SyncResult:
        """Indexes the blocks after the cursor up to ``to_block`` (default: the chain head), ``chunk`` blocks per
        transaction, calling ``progress`` after each; undoes reorganizations first (see the result's rollbacks)."""
        if self.read_only:
            raise InvalidInputError(f"the index {self.location} was opened read-only: it cannot sync")
        if chunk < 1:
            raise InvalidInputError("chunk must be at least 1 block")
        reader = _reader(ledger)
        self._bind(reader)
        rpc = reader.rpc
        head = reader.head()
        target = head if to_block is None else to_block
        if target > head:
            raise InvalidInputError(f"block {target} is not in the chain yet (head {head})")
        rollbacks: list[Rollback] = []
        first = self.cursor + 1
        chunks = added = failures = 0
        while True:
            rollback = self._unwind(rpc)
            if rollback is not None:
                rollbacks.append(rollback)
                first = min(first, rollback.fork_block + 1)
            if self.cursor >= target:
                break
            begin = self.cursor + 1
            end = min(begin + chunk - 1, target)
            count = self._sync_chunk(rpc, begin, end)
            if count is None:
                failures += 1
                if failures >= _CHUNK_ATTEMPTS:
                    raise NodeError(
                        f"the chain keeps changing under blocks {begin}-{end}; sync again later", endpoint=rpc.endpoint
                    )
                target = min(target, int(rpc.call("eth_blockNumber", []), 16))
                continue
            chunks += 1
            added += count
            if progress is not None:
                progress(SyncProgress(cursor=end, target=target, chunks=chunks, logs_added=added))
        (shares,) = self._db.execute("SELECT COUNT(*) FROM share_tokens").fetchone()
        return SyncResult(
            from_block=first,
            to_block=self.cursor,
            chunks=chunks,
            logs_added=added,
            share_tokens=shares,
            rollbacks=rollbacks,
        )

    def _sync_chunk(self, rpc: Rpc, begin: int, end: int) -> int | None:
        """Fetches and commits ``[begin, end]``; the number of logs added, or ``None`` when the node's blocks did
        not match its logs (a reorganization under way): nothing was written then."""
        addresses = [self.registry] + ([self.vault] if self.vault else []) + self.modules
        raw = fetch_logs(rpc, address=addresses, topics=[], from_block=begin, to_block=end)
        known = [row[0] for row in self._db.execute("SELECT address FROM share_tokens")]
        created: list[tuple[str, str, int]] = []
        rows: list[tuple[Any, ...]] = []
        vault = (self.vault or "").lower()
        for log in raw:
            decoded = decode_log(log)
            if decoded is not None and decoded.address.lower() == vault and decoded.name == "Fractionalized":
                created.append((decoded.args["shareToken"], str(decoded.args["tokenId"]), decoded.block))
            rows.append(self._row(log, decoded))
        for offset in range(0, len(known), _ADDRESSES_PER_QUERY):
            group = known[offset : offset + _ADDRESSES_PER_QUERY]
            raw += (share_logs := fetch_logs(rpc, address=group, topics=[], from_block=begin, to_block=end))
            rows += [self._share_row(log) for log in share_logs]
        fresh = [address for address, _, _ in created if address not in known]
        if fresh:
            since = min(block for _, _, block in created)
            for offset in range(0, len(fresh), _ADDRESSES_PER_QUERY):
                group = fresh[offset : offset + _ADDRESSES_PER_QUERY]
                raw += (share_logs := fetch_logs(rpc, address=group, topics=[], from_block=since, to_block=end))
                rows += [self._share_row(log) for log in share_logs]
        numbers = {int(log["blockNumber"], 16) for log in raw} | set(range(max(begin, end - REORG_WINDOW + 1), end + 1))
        headers = self._headers(rpc, sorted(numbers))
        if headers is None:
            return None
        if any(headers[int(log["blockNumber"], 16)][0] != log["blockHash"] for log in raw):
            return None
        parent = self._db.execute("SELECT hash FROM blocks WHERE number = ?", (begin - 1,)).fetchone()
        if parent is not None and begin in headers and headers[begin][2] != parent[0]:
            return None
        present = set(
            self._db.execute("SELECT block_hash, log_index FROM logs WHERE block BETWEEN ? AND ?", (begin, end))
        )
        fresh_rows = sorted((row for row in rows if (row[2], row[4]) not in present), key=lambda row: (row[1], row[4]))
        with self._db.transaction():
            self._derive(fresh_rows)
            inserted = self._db.executemany(
                "INSERT INTO logs (address, block, block_hash, tx_hash, log_index, topics, data, name, args, "
                "token_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                rows,
            )
            self._db.executemany(
                "INSERT INTO share_tokens (address, token_id, block) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", created
            )
            self._db.executemany(
                "INSERT INTO blocks (number, hash, timestamp) VALUES (?, ?, ?) ON CONFLICT (number) DO UPDATE "
                "SET hash = excluded.hash, timestamp = excluded.timestamp",
                [(number, block_hash, stamp) for number, (block_hash, stamp, _) in headers.items()],
            )
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'cursor'", (str(end),))
            self._db.execute(
                "DELETE FROM blocks WHERE number < ? AND NOT EXISTS (SELECT 1 FROM logs WHERE logs.block = "
                "blocks.number)",
                (end - REORG_WINDOW + 1,),
            )
        return max(inserted, 0)

    def _derive(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Extends ``custody`` and ``share_balances`` with new log rows (in chain order), inside the caller's
        transaction."""
        registry, vault = self.registry.lower(), (self.vault or "").lower()
        moves: dict[str, list[tuple[str, int]]] = defaultdict(list)
        balances: dict[tuple[str, str], int] = {}
        changes: list[tuple[str, str, int, int, str]] = []
        registrations: list[tuple[str, int, int, int, str]] = []
        desk = (self._meta("loans") or "").lower()
        loans: list[tuple[int, str, str, str, str | None, str | None, int]] = []
        states: list[tuple[int, int, int, str]] = []
        for address, block, _, _, log_index, _, _, name, args_json, _ in rows:
            if name in LOAN_EVENTS and address.lower() == desk:
                args = json.loads(args_json)
                loan = int(args["loanId"])
                if name == "LoanOpened":
                    amount = int(args["collateralAmount"])
                    shares = (args["collateral"], str(amount)) if amount else (None, None)
                    loans.append((loan, str(args["tokenId"]), args["lender"], args["borrower"], *shares, block))
                    states.append((loan, block, log_index, "active"))
                elif name in _LOAN_ENDINGS:
                    states.append((loan, block, log_index, _LOAN_ENDINGS[name]))
                continue
            if name in ("RightRegistered", "NumbersAdded") and address.lower() == registry:
                # Adding a grant may change the kind: the row narrows a query, the record decides.
                args = json.loads(args_json)
                packed = unpack_record(int(args["record"]))
                kind, jurisdiction = packed.kind, packed.jurisdiction
                registrations.append((str(args["tokenId"]), block, log_index, kind, jurisdiction))
                continue
            if name != "Transfer" or address.lower() == vault:
                continue
            args = json.loads(args_json)
            if address.lower() == registry:
                moves[str(args["tokenId"])].append((args["to"], block))
                continue
            value = int(args["value"])
            for party, sign in ((args["from"], -1), (args["to"], 1)):
                if party == ZERO_ADDRESS:
                    continue
                key = (address, to_checksum_address(party))
                if key not in balances:
                    balances[key] = self._share_balance(*key, self.cursor)
                balances[key] += sign * value
                changes.append((*key, block, log_index, str(balances[key])))
        closed: list[tuple[int, str]] = []
        holdings: list[tuple[str, str, int, int | None]] = []
        for token, transitions in moves.items():
            closed.append((transitions[0][1], token))
            for position, (owner, since) in enumerate(transitions):
                if owner == ZERO_ADDRESS:
                    continue
                until = transitions[position + 1][1] if position + 1 < len(transitions) else None
                holdings.append((token, to_checksum_address(owner), since, until))
        self._db.executemany(
            "INSERT INTO registrations (token_id, block, log_index, kind, jurisdiction) VALUES (?, ?, ?, ?, ?)",
            registrations,
        )
        self._db.executemany("UPDATE custody SET until_block = ? WHERE token_id = ? AND until_block IS NULL", closed)
        self._db.executemany(
            "INSERT INTO custody (token_id, owner, since_block, until_block) VALUES (?, ?, ?, ?)", holdings
        )
        self._db.executemany(
            "INSERT INTO share_balances (share_token, holder, block, log_index, balance) VALUES (?, ?, ?, ?, ?)",
            changes,
        )
        self._db.executemany(
            "INSERT INTO loans (loan_id, token_id, lender, borrower, share_token, amount, block) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (loan_id) DO UPDATE SET token_id = excluded.token_id, "
            "lender = excluded.lender, borrower = excluded.borrower, share_token = excluded.share_token, "
            "amount = excluded.amount, block = excluded.block",
            loans,
        )
        self._db.executemany("INSERT INTO loan_states (loan_id, block, log_index, state) VALUES (?, ?, ?, ?)", states)
        derive_search(self._db, registry, rows)

    def _share_balance(self, share_token: str, holder: str, at: int) -> int:
        row = self._db.execute(
            "SELECT balance FROM share_balances WHERE holder = ? AND share_token = ? AND block <= ? "
            "ORDER BY block DESC, log_index DESC LIMIT 1",
            (holder, share_token, at),
        ).fetchone()
        return 0 if row is None else int(row[0])

    @staticmethod
    def _row(log: dict[str, Any], decoded: DecodedLog | None) -> tuple[Any, ...]:
        token = decoded.args.get("tokenId") if decoded is not None else None
        return (
            to_checksum_address(log["address"]),
            int(log["blockNumber"], 16),
            log["blockHash"],
            log["transactionHash"],
            int(log["logIndex"], 16),
            json.dumps(log["topics"]),
            log["data"],
            None if decoded is None else decoded.name,
            None if decoded is None else json.dumps(decoded.args),
            None if token is None else str(token),
        )

    @staticmethod
    def _share_row(log: dict[str, Any]) -> tuple[Any, ...]:
        decoded = _decode_share_log(log)
        return (
            to_checksum_address(log["address"]),
            int(log["blockNumber"], 16),
            log["blockHash"],
            log["transactionHash"],
            int(log["logIndex"], 16),
            json.dumps(log["topics"]),
            log["data"],
            None if decoded is None else decoded[0],
            None if decoded is None else json.dumps(decoded[1]),
            None,
        )

    @staticmethod
    def _headers(rpc: Rpc, numbers: Sequence[int]) -> dict[int, tuple[str, int, str]] | None:
        """Block number -> (hash, timestamp, parent hash); ``None`` if the node lacks one of them."""
        headers: dict[int, tuple[str, int, str]] = {}
        for offset in range(0, len(numbers), _HEADERS_PER_BATCH):
            group = numbers[offset : offset + _HEADERS_PER_BATCH]
            blocks = rpc.batch([("eth_getBlockByNumber", [hex(number), False]) for number in group])
            for number, block in zip(group, blocks, strict=True):
                if block is None:
                    return None
                headers[number] = (block["hash"], int(block["timestamp"], 16), block["parentHash"])
        return headers

    def _unwind(self, rpc: Rpc) -> Rollback | None:
        """Undoes the blocks the node no longer has: compares the stored hashes, newest first, with the node's."""
        cursor = self.cursor
        stored = self._db.execute(
            "SELECT number, hash FROM blocks WHERE number <= ? ORDER BY number DESC LIMIT ?", (cursor, REORG_WINDOW)
        ).fetchall()
        if not stored:
            return None
        top = rpc.call("eth_getBlockByNumber", [hex(stored[0][0]), False])
        if top is not None and top["hash"] == stored[0][1]:
            return None
        answers = rpc.batch([("eth_getBlockByNumber", [hex(number), False]) for number, _ in stored])
        fork = self.start_block - 1
        for (number, block_hash), block in zip(stored, answers, strict=True):
            if block is not None and block["hash"] == block_hash:
                fork = number
                break
        with self._db.transaction():
            removed = self._db.execute("DELETE FROM logs WHERE block > ?", (fork,)).rowcount
            self._db.execute("DELETE FROM blocks WHERE number > ?", (fork,))
            self._db.execute("DELETE FROM share_tokens WHERE block > ?", (fork,))
            self._db.execute("DELETE FROM custody WHERE since_block > ?", (fork,))
            self._db.execute("UPDATE custody SET until_block = NULL WHERE until_block > ?", (fork,))
            self._db.execute("DELETE FROM registrations WHERE block > ?", (fork,))
            self._db.execute("DELETE FROM share_balances WHERE block > ?", (fork,))
            self._db.execute("DELETE FROM loans WHERE block > ?", (fork,))
            self._db.execute("DELETE FROM loan_states WHERE block > ?", (fork,))
            cut_search(self._db, fork)
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'cursor'", (str(fork),))
            self._db.execute(
                "INSERT INTO rollbacks (fork_block, previous_cursor, removed_logs, at) VALUES (?, ?, ?, ?)",
                (fork, cursor, removed, int(time.time())),
            )
        return Rollback(fork_block=fork, previous_cursor=cursor, removed_logs=removed)

    # ------------------------------------------------------------------ status

    @_consistent
    def status(self, *, head: int | None = None) -> IndexStatus:
        """The file, its chain and registry, the cursor and counts; ``head`` (the node's) tells whether it is
        fresh."""
        cursor = self.cursor
        stamp = self._db.execute("SELECT timestamp FROM blocks WHERE number = ?", (cursor,)).fetchone()

        def count(sql: str) -> int:
            return int(self._db.execute(sql).fetchone()[0])

        return IndexStatus(
            path=self.location,
            chain_id=self.chain_id,
            registry=self.registry,
            vault=self.vault,
            start_block=self.start_block,
            cursor=cursor,
            cursor_time=None if stamp is None else dt.datetime.fromtimestamp(stamp[0], dt.UTC),
            head=head,
            fresh=None if head is None else cursor >= head,
            logs=count("SELECT COUNT(*) FROM logs"),
            rights=count("SELECT COUNT(*) FROM logs WHERE name = 'RightRegistered'"),
            share_tokens=count("SELECT COUNT(*) FROM share_tokens"),
            rollbacks=count("SELECT COUNT(*) FROM rollbacks"),
        )

    @_consistent
    def log_count(self) -> int:
        """How many logs the index holds."""
        return int(self._db.execute("SELECT COUNT(*) FROM logs").fetchone()[0])

    # ------------------------------------------------------------------ dates and blocks

    @_consistent
    def block_at(self, when: dt.datetime | dt.date) -> int:
        """The last indexed block at or before ``when`` (a date means its end): the state at ``when``.

        Exact for every query here, since the index keeps the timestamp of every block with a log.
        """
        row = self._db.execute(
            "SELECT MAX(number) FROM blocks WHERE timestamp <= ? AND number <= ?",
            (_utc(when, end_of_day=True), self.cursor),
        ).fetchone()
        return self.start_block - 1 if row[0] is None else int(row[0])

    def _at(self, block: int | None) -> int:
        cursor = self.cursor
        if block is None:
            return cursor
        if block > cursor:
            raise InvalidInputError(f"block {block} is beyond the index (synced up to {cursor}): sync first")
        return block

    def _decoded(self, sql: str, parameters: Sequence[Any]) -> list[DecodedLog]:
        return [
            DecodedLog(name=name, args=json.loads(args), block=block, log_index=index, tx_hash=tx, address=address)
            for name, args, block, index, tx, address in self._db.execute(sql, parameters)
        ]

    def _timestamps(self, blocks: Iterable[int]) -> dict[int, int]:
        unique = sorted(set(blocks))
        stamps: dict[int, int] = {}
        for offset in range(0, len(unique), 500):
            group = unique[offset : offset + 500]
            marks = ",".join("?" * len(group))
            stamps.update(self._db.execute(f"SELECT number, timestamp FROM blocks WHERE number IN ({marks})", group))
        return stamps

    # ------------------------------------------------------------------ queries

    def _token_logs(self, token: int, at: int) -> list[DecodedLog]:
        registry_names = ",".join(f"'{name}'" for name in (*TOKEN_FIRST_EVENTS, "Transfer"))
        vault_names = ",".join(f"'{name}'" for name in VAULT_EVENTS)
        module_names = ",".join(f"'{name}'" for name in MODULE_EVENTS)
        modules = self.modules
        marks = ",".join("?" * len(modules)) or "NULL"
        return self._decoded(
            "SELECT name, args, block, log_index, tx_hash, address FROM logs WHERE token_id = ? AND block <= ? AND "
            f"((address = ? AND name IN ({registry_names})) OR (address = ? AND name IN ({vault_names})) "
            f"OR (address IN ({marks}) AND name IN ({module_names}))) ORDER BY block, log_index",
            (str(token), at, self.registry, self.vault or "", *modules),
        )

    @_consistent
    def history(self, token_id: int) -> History:
        """The right's history as :meth:`Ledger.history <ipledger.Ledger.history>` tells it, from the index."""
        logs = self._token_logs(token_id, self.cursor)
        if not logs:
            raise NotFoundError(f"token {hex(token_id)} is not in the index (synced up to block {self.cursor})")
        events = merge_history(logs, self._timestamps(log.block for log in logs))
        return History(token_id=token_id, token_id_hex=hex(token_id), events=events)

    def _registry_logs(
        self, names: Sequence[str], at: int, tokens: tuple[str, Sequence[Any]] | None = None
    ) -> list[DecodedLog]:
        """The registry's ``names`` logs up to ``at``; with ``tokens`` (an SQL query of token ids and its
        parameters) only those of the tokens it selects."""
        marks = ",".join("?" * len(names))
        if tokens is None:
            return self._decoded(
                "SELECT name, args, block, log_index, tx_hash, address FROM logs "
                f"WHERE address = ? AND name IN ({marks}) AND block <= ? ORDER BY block, log_index",
                (self.registry, *names, at),
            )
        # The unary + keeps SQLite off logs_by_address (every log of those names) and on logs_by_token.
        return self._decoded(
            "SELECT name, args, block, log_index, tx_hash, address FROM logs "
            f"WHERE token_id IN ({tokens[0]}) AND +address = ? AND +name IN ({marks}) AND block <= ? "
            "ORDER BY block, log_index",
            (*tokens[1], self.registry, *names, at),
        )

    def _owners(self, at: int, tokens: tuple[str, Sequence[Any]] | None = None) -> dict[int, tuple[str, int]]:
        """Token id -> (owner, block it came to them) at block ``at`` (of the ``tokens`` query's, if given)."""
        among, among_parameters = ("", ()) if tokens is None else (f" AND token_id IN ({tokens[0]})", tokens[1])
        return {
            int(token): (owner, since)
            for token, owner, since in self._db.execute(
                "SELECT token_id, owner, since_block FROM custody WHERE since_block <= ? AND "
                f"(until_block IS NULL OR until_block > ?){among}",
                (at, at, *among_parameters),
            )
        }

    def _loan_logs(self, at: int, loans: Sequence[int] | None = None) -> list[DecodedLog]:
        """The loan desk's logs up to ``at`` (of the ``loans`` given, if any), in chain order."""
        desk = self._meta("loans")
        if desk is None:
            return []
        names = ",".join(f"'{name}'" for name in LOAN_EVENTS)
        if loans is None:
            return self._decoded(
                "SELECT name, args, block, log_index, tx_hash, address FROM logs "
                f"WHERE address = ? AND name IN ({names}) AND block <= ? ORDER BY block, log_index",
                (desk, at),
            )
        wanted = {int(loan) for loan in loans}
        if not wanted:
            return []
        tokens = sorted(
            {
                str(token)
                for (token,) in self._db.execute(
                    f"SELECT token_id FROM loans WHERE loan_id IN ({','.join('?' * len(wanted))})", sorted(wanted)
                )
            }
        )
        logs = self._decoded(
            "SELECT name, args, block, log_index, tx_hash, address FROM logs "
            f"WHERE token_id IN ({','.join('?' * len(tokens))}) AND +address = ? AND +name IN ({names}) "
            "AND block <= ? ORDER BY block, log_index",
            (*tokens, desk, at),
        )
        return [log for log in logs if int(log.args["loanId"]) in wanted]

    def _pledges(self, logs: Sequence[DecodedLog]) -> list[Pledge]:
        return pledges_from_logs(logs, self._timestamps(log.block for log in logs))

    def _loans_by_token(self, at: int, tokens: tuple[str, Sequence[Any]] | None = None) -> dict[int, list[Pledge]]:
        """Every loan up to ``at`` (on the ``tokens`` query's rights, if given), as it stood then, by the right it is
        about."""
        if tokens is None:
            logs = self._loan_logs(at)
        else:
            sql = f"SELECT loan_id FROM loans WHERE token_id IN ({tokens[0]}) AND block <= ?"
            logs = self._loan_logs(at, [int(loan) for (loan,) in self._db.execute(sql, (*tokens[1], at))])
        by_token: dict[int, list[DecodedLog]] = defaultdict(list)
        for log in logs:
            by_token[int(log.args["tokenId"])].append(log)
        stamps = self._timestamps(log.block for log in logs)
        return {token: pledges_from_logs(entries, stamps) for token, entries in by_token.items()}

    def _when(self, at_block: int | None, at: dt.datetime | dt.date | None) -> int:
        """The block a query is about: ``at_block``, or the last block at or before the date ``at``, or the
        cursor."""
        if at_block is not None and at is not None:
            raise InvalidInputError("give either a block or a date, not both")
        return self._at(self.block_at(at) if at is not None else at_block)

    @_consistent
    def book(self, lender: str, at_block: int | None = None, *, at: dt.datetime | dt.date | None = None) -> LoanBook:
        """A lender's book of loans at ``at_block`` or the date ``at`` (default: the cursor): every loan it made by
        then, each as it stood then (active, at auction, repaid, sold...), from the loan desk's indexed events."""
        block = self._when(at_block, at)
        account = to_checksum_address(lender)
        made = [
            int(loan)
            for (loan,) in self._db.execute(
                "SELECT loan_id FROM loans WHERE lender = ? AND block <= ? ORDER BY block, loan_id", (account, block)
            )
        ]
        return LoanBook(lender=account, block=block, loans=self._pledges(self._loan_logs(block, made)))

    @_consistent
    def portfolio(
        self, owner: str, at_block: int | None = None, *, at: dt.datetime | dt.date | None = None
    ) -> Portfolio:
        """The rights ``owner`` held at ``at_block`` or the date ``at`` (default: the cursor), their balances of
        share tokens, and their live pledges then: rights pledged (still theirs) and shares the loan desk held for
        them (each position's ``pledged``, listed even when nothing else of that token is left)."""
        at_ = self._when(at_block, at)
        account = to_checksum_address(owner)
        borrowed = [
            int(loan)
            for (loan,) in self._db.execute(
                "SELECT loan_id FROM loans WHERE borrower = ? AND block <= ? ORDER BY block, loan_id", (account, at_)
            )
        ]
        pledges = [pledge for pledge in self._pledges(self._loan_logs(at_, borrowed)) if pledge.live]
        return self._holdings(account, at_, pledges)

    def _holdings(self, account: str, at: int, pledges: list[Pledge]) -> Portfolio:
        """What ``account`` held at ``at``, with its live ``pledges``."""
        held = self._db.execute(
            "SELECT token_id, since_block FROM custody WHERE owner = ? AND since_block <= ? AND "
            "(until_block IS NULL OR until_block > ?)",
            (account, at, at),
        ).fetchall()
        pledged_rights = {pledge.token_id for pledge in pledges if pledge.share_token is None}
        rights = [
            PortfolioRight(token_id=token, token_id_hex=hex(token), since_block=since, pledged=token in pledged_rights)
            for token, since in sorted(
                ((int(token), since) for token, since in held), key=lambda item: (item[1], item[0])
            )
        ]
        positions: list[SharePosition] = []
        pledged_tokens = sorted({pledge.share_token for pledge in pledges if pledge.share_token is not None})
        for address, token_text, _ in self._db.execute(
            "SELECT address, token_id, block FROM share_tokens WHERE block <= ? AND (address IN "
            "(SELECT DISTINCT share_token FROM share_balances WHERE holder = ? AND block <= ?) OR address IN "
            f"({','.join('?' * len(pledged_tokens)) or 'NULL'})) ORDER BY block, address",
            (at, account, at, *pledged_tokens),
        ).fetchall():
            balance = self._share_balance(address, account, at)
            pledged = pledged_shares(pledges, address).get(account, 0)
            if balance or pledged:
                token = int(token_text)
                created = self._fractionalized(address)
                positions.append(
                    SharePosition(
                        token_id=token,
                        token_id_hex=hex(token),
                        share_token=address,
                        symbol=str(created.args["symbol"]),
                        decimals=int(created.args["decimals"]),
                        balance=balance,
                        pledged=pledged,
                    )
                )
        return Portfolio(owner=account, block=at, rights=rights, shares=positions, pledges=pledges)

    def _fractionalized(self, share_token: str) -> DecodedLog:
        (log,) = [
            log
            for log in self._decoded(
                "SELECT name, args, block, log_index, tx_hash, address FROM logs WHERE address = ? AND "
                "name = 'Fractionalized' ORDER BY block, log_index",
                (self.vault or "",),
            )
            if log.args["shareToken"] == share_token
        ]
        return log

    def _share_state(self, share_token: str, at: int) -> tuple[dict[str, int], dict[str, int], bool | None]:
        """Balances, frozen amounts and the last restricted-mode switch (``None``: never switched) at ``at``."""
        balances: dict[str, int] = defaultdict(int)
        frozen: dict[str, int] = defaultdict(int)
        restricted: bool | None = None
        for log in self._decoded(
            "SELECT name, args, block, log_index, tx_hash, address FROM logs WHERE address = ? AND block <= ? "
            "AND name IS NOT NULL ORDER BY block, log_index",
            (share_token, at),
        ):
            if log.name == "Transfer":
                source, target, value = log.args["from"], log.args["to"], int(log.args["value"])
                if source != ZERO_ADDRESS:
                    balances[source] -= value
                    # A forced move shrinks a partial freeze larger than what is left (no event says so).
                    if frozen[source] not in (0, _MAX_UINT256) and frozen[source] > balances[source]:
                        frozen[source] = balances[source]
                if target != ZERO_ADDRESS:
                    balances[target] += value
            elif log.name == "SharesFrozen":
                frozen[log.args["holder"]] = int(log.args["amount"])
            elif log.name == "SharesUnfrozen":
                frozen[log.args["holder"]] = 0
            elif log.name == "RestrictedModeSet":
                restricted = bool(log.args["restricted"])
        return {a: b for a, b in balances.items() if b}, dict(frozen), restricted

    @_consistent
    def cap_table(self, token_id: int, at_block: int | None = None) -> CapTable:
        """Who held the right's shares at ``at_block`` (default: the cursor), replayed from the index; the total
        supply is what the holders hold."""
        at = self._at(at_block)
        vault_logs = [log for log in self._token_logs(token_id, at) if log.name in CUSTODY_EVENTS]
        created = None
        for log in vault_logs:
            created = log if log.name == "Fractionalized" else None
        if created is None:
            raise NotFoundError(
                f"token {hex(token_id)} had no shares at block {at}: it was not in the share vault "
                "(never split, or redeemed, taken by a registrar or bought out by then)"
            )
        balances, frozen, restricted = self._share_state(str(created.args["shareToken"]), at)
        loans = [
            int(loan) for (loan,) in self._db.execute("SELECT loan_id FROM loans WHERE token_id = ?", (str(token_id),))
        ]
        return cap_table_of(
            token_id,
            created,
            balances=balances,
            frozen=lambda account: frozen.get(account, 0),
            restricted=bool(created.args["restricted"]) if restricted is None else restricted,
            total_supply=sum(balances.values()),
            block=at,
            pledges=self._pledges(self._loan_logs(at, loans)),
            loan_desk=self._meta("loans"),
        )

    @_consistent
    def rights(
        self,
        *,
        kind: RightKind | str | None = None,
        jurisdiction: str | None = None,
        status: RightStatus | str | None = None,
        at_block: int | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[RightRecord]:
        """Every right registered (and not burnt) by ``at_block`` (default: the cursor), filtered, in registration
        order; expiry is judged by that block's time. With ``limit``, at most that many after the first ``offset``
        matches, building only the records up to there (a page of a large index)."""
        at = self._at(at_block)
        wanted_kind = None if kind is None else RightKind(kind)
        wanted_status = None if status is None else RightStatus(status)
        # The registrations table narrows a filtered query to the matching rights in SQL; the checks below stay
        # authoritative (a right registered again after a burn counts with its latest registration).
        conditions: list[str] = ["block <= ?"]
        parameters: list[int | str] = [at]
        if wanted_kind is not None:
            conditions.append("kind = ?")
            parameters.append(wanted_kind.chain_value)
        if jurisdiction is not None:
            conditions.append("jurisdiction = ?")
            parameters.append(jurisdiction.upper())

        def wanted(record: RightRecord) -> bool:
            return (
                (wanted_kind is None or record.kind is wanted_kind)
                and (jurisdiction is None or record.jurisdiction == jurisdiction.upper())
                and (wanted_status is None or record.status is wanted_status)
            )

        if limit is not None:
            return self._rights_page(at, conditions, parameters, wanted, limit, offset)
        tokens = (
            None
            if len(conditions) == 1
            else (f"SELECT token_id FROM registrations WHERE {' AND '.join(conditions)}", tuple(parameters))
        )
        return [record for record in self._records(at, tokens) if wanted(record)]

    def _rights_page(
        self,
        at: int,
        conditions: list[str],
        parameters: list[int | str],
        wanted: Callable[[RightRecord], bool],
        limit: int,
        offset: int,
    ) -> list[RightRecord]:
        """:meth:`rights` from its ``offset``-th match, at most ``limit``: the candidates in registration order
        (each at its latest registration, as :meth:`_records` orders them), built a few hundred at a time."""
        if limit < 0 or offset < 0:
            raise InvalidInputError(f"limit {limit} and offset {offset}: expected whole numbers, 0 or more")
        rows = self._db.execute(
            f"SELECT token_id FROM registrations WHERE {' AND '.join(conditions)} ORDER BY block, log_index",
            tuple(parameters),
        )
        order: dict[str, None] = {}
        for (token,) in rows:
            order.pop(token, None)  # a right registered again (after a burn) counts at its latest registration
            order[token] = None
        candidates = list(order)
        found: list[RightRecord] = []
        skipped = 0
        for start in range(0, len(candidates), _PAGE_CHUNK):
            if len(found) >= limit:
                break
            chunk = candidates[start : start + _PAGE_CHUNK]
            for record in self._records(at, (",".join("?" * len(chunk)), tuple(chunk))):
                if not wanted(record):
                    continue
                if skipped < offset:
                    skipped += 1
                elif len(found) < limit:
                    found.append(record)
        return found

    @_consistent
    def right(self, token_id: int, at_block: int | None = None) -> RightRecord:
        """One right's record at ``at_block`` (default: the cursor), as :meth:`rights` builds it, read from that
        right's rows alone; :class:`~ipledger.NotFoundError` when it was not registered (or was burnt) then."""
        at = self._at(at_block)
        token = int(token_id)
        found = self._records(at, ("SELECT ?", (str(token),)))
        if not found:
            raise NotFoundError(f"token {hex(token)} is not a right in the index at block {at}")
        return found[0]

    @_consistent
    def search(self, text: str, *, limit: int = 20, at_block: int | None = None) -> list[SearchHit]:
        """The live rights at ``at_block`` (default: the cursor) matching ``text``, best first, at most ``limit``:
        an official number in any written form, then a token id (decimal or 0x), a share token's address, a
        holder's address (the rights held then), then titles containing ``text`` (Chinese or English, any case);
        see :mod:`ipledger.audit._index_search`."""
        return search_index(self._db, text, at=self._at(at_block), limit=limit)

    def _records(self, at: int, tokens: tuple[str, Sequence[Any]] | None) -> list[RightRecord]:
        """The records at ``at`` of the rights registered and not burnt by then (revoked ones included), of the
        ``tokens`` query's if given, in registration order."""
        logs = self._registry_logs(
            [
                "RightRegistered",
                "Frozen",
                "Unfrozen",
                "MetadataPublished",
                "RightRevoked",
                "PledgeSet",
                "ForceTransferred",
                "ClaimSuperseded",
                *_NUMBER_EVENTS,
            ],
            at,
            tokens,
        )
        pledged: dict[int, bool] = {}
        registered: dict[int, DecodedLog] = {}
        #: the records of each right's current life: (block, bytes, publisher), in chain order
        published: dict[int, list[tuple[int, bytes, str | None]]] = {}
        revoked: dict[int, DecodedLog] = {}
        frozen: dict[int, bool] = {}
        records: dict[int, int] = {}
        numbers: dict[int, list[DecodedLog]] = defaultdict(list)
        for log in logs:
            token = int(log.args["tokenId"] if "tokenId" in log.args else log.args["fromTokenId"])
            if log.name == "PledgeSet":
                pledged[token] = bool(log.args["pledged"])
            elif log.name in _PLEDGE_ENDINGS:
                pledged[token] = False
            if log.name in ("PledgeSet", "ForceTransferred", "ClaimSuperseded"):
                continue
            if log.name == "RightRegistered":
                registered[token] = log
                registrar = None if log.args["registrar"] == ZERO_ADDRESS else str(log.args["registrar"])
                published[token] = [(log.block, arg_bytes(log.args["metadata"]), registrar)]
                revoked.pop(token, None)
                frozen[token] = bool(int(log.args["record"]) & 1)
                records[token] = int(log.args["record"])
                numbers[token] = [log]
            elif log.name in _NUMBER_EVENTS:
                numbers[token].append(log)
                if log.name == "NumbersAdded":
                    records[token] = int(log.args["record"])
            elif log.name in ("Frozen", "Unfrozen"):
                frozen[token] = log.name == "Frozen"
            elif log.name == "MetadataPublished":
                published[token].append((log.block, arg_bytes(log.args["metadata"]), str(log.args["by"])))
            elif log.name == "RightRevoked":
                revoked[token] = log
        owners = self._owners(at, tokens)
        now = self._latest_time(at)
        loans = self._loans_by_token(at, tokens)
        found: list[RightRecord] = []
        for token, log in sorted(registered.items(), key=lambda item: (item[1].block, item[1].log_index)):
            revocation = revoked.get(token)
            if token not in owners and revocation is None:
                continue
            packed = records[token]
            own_numbers, family = right_numbers(numbers[token])
            unpacked = unpack_record(packed)
            expiry = (packed >> 56) & (2**40 - 1)
            state = (
                RightStatus.REVOKED
                if revocation is not None
                else RightStatus.FROZEN
                if frozen[token]
                else RightStatus.EXPIRED
                if expiry and now >= expiry
                else RightStatus.ACTIVE
            )
            found.append(
                RightRecord(
                    token_id=token,
                    token_id_hex=hex(token),
                    owner=owners[token][0] if revocation is None else revocation.args["holder"],
                    kind=RightKind.from_chain(unpacked.kind),
                    jurisdiction=unpacked.jurisdiction,
                    status=state,
                    self_declared=bool(packed & 2),
                    registered_at=dt.datetime.fromtimestamp((packed >> 24) & (2**32 - 1), dt.UTC),
                    expiry=dt.datetime.fromtimestamp(expiry, dt.UTC) if expiry else None,
                    content_hash=log.args["contentHash"],
                    registrar=None if log.args["registrar"] == ZERO_ADDRESS else log.args["registrar"],
                    registration_tx=log.tx_hash,
                    registration_block=log.block,
                    numbers=own_numbers,
                    family=family,
                    pledged=pledged.get(token, False),
                    pledges=[pledge for pledge in loans.get(token, []) if pledge.opened_block >= log.block],
                    **public_record_fields(published[token]),
                    **_revocation_fields(revocation, self._timestamps([revocation.block]) if revocation else {}),
                )
            )
        return found

    def _latest_time(self, at: int) -> int:
        row = self._db.execute("SELECT timestamp FROM blocks WHERE number <= ? ORDER BY number DESC LIMIT 1", (at,))
        found = row.fetchone()
        return 0 if found is None else int(found[0])

    @_consistent
    def transfers(self, from_time: dt.datetime | dt.date, to_time: dt.datetime | dt.date) -> list[TransferRecord]:
        """Every move of a right (mints included) between ``from_time`` and ``to_time`` (both inclusive; a date
        covers its whole day, UTC), in chain order."""
        # The period becomes a block range first (timestamps only grow with the block number), so the cost follows
        # the number of results, not the size of the registry.
        first, last = self._db.execute(
            "SELECT MIN(number), MAX(number) FROM blocks WHERE timestamp BETWEEN ? AND ?",
            (_utc(from_time), _utc(to_time, end_of_day=True)),
        ).fetchone()
        if first is None:
            return []
        rows = self._db.execute(
            "SELECT l.args, l.block, b.timestamp, l.tx_hash, l.log_index "
            "FROM logs l JOIN blocks b ON b.number = l.block WHERE l.block BETWEEN ? AND ? AND l.address = ? "
            "AND l.name = 'Transfer' ORDER BY l.block, l.log_index",
            (first, last, self.registry),
        )
        records = []
        for args_json, block, stamp, tx_hash, log_index in rows:
            args = json.loads(args_json)
            token = int(args["tokenId"])
            records.append(
                TransferRecord(
                    token_id=token,
                    token_id_hex=hex(token),
                    **{"from": args["from"]},
                    to=args["to"],
                    block=block,
                    timestamp=dt.datetime.fromtimestamp(stamp, dt.UTC),
                    tx_hash=tx_hash,
                    log_index=log_index,
                )
            )
        return records


def _reader(source: Ledger | ChainReader) -> ChainReader:
    """The chain reader of a ledger (``ledger.chain``), or ``source`` itself when it is one."""
    chain: ChainReader = getattr(source, "chain", None) or source  # type: ignore[assignment]
    return chain
