"""The event index's schema, on SQLite (one file per chain and registry) or PostgreSQL (one schema per chain and
registry); see :mod:`ipledger.audit._index` and :mod:`ipledger.audit._index_db`.

- ``meta``: key/value settings: ``chain_id``, ``registry``, ``vault``, ``start_block`` and ``cursor`` (the last
  block fully indexed; every chunk commits its logs and the new cursor in one transaction).
- ``blocks``: number, hash and timestamp of every block that holds an indexed log, plus the last
  :data:`REORG_WINDOW` blocks synced (their hashes find the fork point after a reorganization).
- ``logs``: raw logs of the registry, the share vault and every share token the vault created, with the decoded
  event name and arguments (JSON; ``NULL`` for events the SDK does not read). ``(block_hash, log_index)`` is
  unique and rows are written with ``ON CONFLICT DO NOTHING``, so a replayed chunk adds nothing.
- ``share_tokens``: the share tokens learnt from the vault's ``Fractionalized`` events.
- ``custody``: derived from the registry's ``Transfer`` logs while syncing, one row per holding of a right:
  ``[since_block, until_block)`` (``until_block`` is ``NULL`` while it lasts), so a portfolio at any block is one
  indexed query instead of a replay of every transfer.
- ``registrations``: derived from the registry's ``RightRegistered`` logs while syncing, one row per registration
  with the kind (chain value) and jurisdiction unpacked from the record (``docs/storage.md``: bits 4-6 and 8-23),
  so ``rights(kind=..., jurisdiction=...)`` reads only the matching rights.
- ``share_balances``: derived from the share tokens' ``Transfer`` logs, one row per balance change (the balance
  after it, decimal text since it may exceed 64 bits); a balance at a block is the latest row at or before it.
- ``loans``: derived from the loan desk's ``LoanOpened`` logs, one row per loan: the right (or the right behind the
  pledged shares), lender, borrower (the pledgor), the share token and amount pledged (``NULL`` for a right), and
  the block it opened; ``loan_states``: one row per change of a loan's state (``active`` at opening, then
  ``auction``, ``repaid``, ``sold``, ``foreclosed``, ``refinanced``, ``lost``), so a lender's book or a holder's
  pledges at any block are indexed lookups.
- ``search_rights``: derived from the registry's ``RightRegistered``, ``MetadataPublished``, ``NumbersAdded``,
  ``NumberReclaimed``, ``NumbersReleased`` and burning ``Transfer`` logs, one row per version of a live right's
  searchable record over ``[since_block, until_block)``: its title (from the latest public record, as
  :func:`~ipledger.models._models.public_record_fields` reads it), the title folded for search (NFKC, case-folded),
  its own official numbers (canonical, for display) and every packed number it holds (JSON); a burn (revocation
  included) closes the right's row. ``search_numbers``: each number of a row, by its key (the packed number without
  the family flag, hex), so a number in any written form is one indexed lookup after the SDK's parser.
  The folded titles are indexed for substring search: on SQLite by the FTS5 table ``search_fts`` (``trigram``
  tokenizer, rowid = the row's id), on PostgreSQL by a ``pg_trgm`` GIN index (the database's ``LC_CTYPE`` should be a
  UTF-8 locale, such as ``C.UTF-8``, for ``pg_trgm`` to index Chinese; results are the same either way).
- ``rollbacks``: each reorganization undone: the fork block, the cursor before it and how many logs went.

The derived tables are written in the same transaction as the logs they come from and are cut back with them
after a reorganization. An index with an older schema is rebuilt from the chain (it is a cache of public data):
version 4 added the loan desk's logs and the loan tables, version 5 the search tables (and loans by right).

On PostgreSQL the same tables hold ``BIGINT`` numbers, identity ids and ``COLLATE "C"`` text
(:func:`schema_statements`); big numbers (token ids, balances) are decimal text on both.
"""

from __future__ import annotations

import re

__all__ = ["DERIVED_TABLES", "REORG_WINDOW", "SCHEMA", "SCHEMA_VERSION", "TABLES", "schema_statements"]

SCHEMA_VERSION = 5
#: How many of the latest synced blocks keep their hash even without logs.
REORG_WINDOW = 256

#: Tables computed from the logs while syncing.
DERIVED_TABLES = (
    "custody",
    "registrations",
    "share_balances",
    "loans",
    "loan_states",
    "search_numbers",
    "search_rights",
)
#: Every table, for a rebuild (``search_fts`` is SQLite's only).
TABLES = ("meta", "blocks", "logs", "share_tokens", *DERIVED_TABLES, "search_fts", "rollbacks")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (
    number INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    timestamp INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS blocks_by_time ON blocks (timestamp);
CREATE TABLE IF NOT EXISTS logs (
    id INTEGER PRIMARY KEY,
    address TEXT NOT NULL,
    block INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    tx_hash TEXT NOT NULL,
    log_index INTEGER NOT NULL,
    topics TEXT NOT NULL,
    data TEXT NOT NULL,
    name TEXT,
    args TEXT,
    token_id TEXT,
    UNIQUE (block_hash, log_index)
);
CREATE INDEX IF NOT EXISTS logs_by_position ON logs (block, log_index);
CREATE INDEX IF NOT EXISTS logs_by_token ON logs (token_id, block, log_index);
CREATE INDEX IF NOT EXISTS logs_by_address ON logs (address, name, block);
CREATE TABLE IF NOT EXISTS share_tokens (
    address TEXT PRIMARY KEY,
    token_id TEXT NOT NULL,
    block INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS custody (
    token_id TEXT NOT NULL,
    owner TEXT NOT NULL,
    since_block INTEGER NOT NULL,
    until_block INTEGER
);
CREATE INDEX IF NOT EXISTS custody_by_owner ON custody (owner, since_block);
CREATE INDEX IF NOT EXISTS custody_open ON custody (token_id, until_block);
CREATE TABLE IF NOT EXISTS registrations (
    token_id TEXT NOT NULL,
    block INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    jurisdiction TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS registrations_by_kind ON registrations (kind, jurisdiction, block);
CREATE INDEX IF NOT EXISTS registrations_by_jurisdiction ON registrations (jurisdiction, block);
CREATE TABLE IF NOT EXISTS share_balances (
    share_token TEXT NOT NULL,
    holder TEXT NOT NULL,
    block INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    balance TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS share_balances_by_holder ON share_balances (holder, share_token, block, log_index);
CREATE TABLE IF NOT EXISTS loans (
    loan_id INTEGER PRIMARY KEY,
    token_id TEXT NOT NULL,
    lender TEXT NOT NULL,
    borrower TEXT NOT NULL,
    share_token TEXT,
    amount TEXT,
    block INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS loans_by_lender ON loans (lender, block);
CREATE INDEX IF NOT EXISTS loans_by_borrower ON loans (borrower, block);
CREATE INDEX IF NOT EXISTS loans_by_token ON loans (token_id);
CREATE TABLE IF NOT EXISTS loan_states (
    loan_id INTEGER NOT NULL,
    block INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    state TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS loan_states_by_loan ON loan_states (loan_id, block, log_index);
CREATE TABLE IF NOT EXISTS search_rights (
    id INTEGER PRIMARY KEY,
    token_id TEXT NOT NULL,
    since_block INTEGER NOT NULL,
    until_block INTEGER,
    title TEXT,
    folded TEXT NOT NULL,
    numbers TEXT NOT NULL,
    packed TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS search_rights_open ON search_rights (token_id, until_block);
CREATE INDEX IF NOT EXISTS search_rights_since ON search_rights (since_block);
CREATE TABLE IF NOT EXISTS search_numbers (
    number TEXT NOT NULL,
    entry INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS search_numbers_by_number ON search_numbers (number);
CREATE INDEX IF NOT EXISTS search_numbers_by_entry ON search_numbers (entry);
CREATE TABLE IF NOT EXISTS rollbacks (
    id INTEGER PRIMARY KEY,
    fork_block INTEGER NOT NULL,
    previous_cursor INTEGER NOT NULL,
    removed_logs INTEGER NOT NULL,
    at INTEGER NOT NULL
);
"""

#: SQLite's substring index of the folded titles (its rowid is the ``search_rights`` row's id).
_SQLITE_SEARCH = "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(folded, tokenize='trigram')"
#: PostgreSQL's: a trigram GIN index (``pg_trgm``, created in ``public`` by the connection).
_POSTGRES_SEARCH = "CREATE INDEX IF NOT EXISTS search_rights_trigrams ON search_rights USING gin (folded gin_trgm_ops)"


_IDENTITY = "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"


def schema_statements(dialect: str) -> list[str]:
    """The schema as statements for ``dialect`` (``sqlite`` or ``postgresql``)."""
    statements = [statement.strip() for statement in SCHEMA.split(";") if statement.strip()]
    if dialect == "sqlite":
        return [*statements, _SQLITE_SEARCH]
    postgres = []
    for statement in statements:
        statement = re.sub(r"\bid INTEGER PRIMARY KEY", _IDENTITY, statement)
        statement = re.sub(r"\bINTEGER\b", "BIGINT", statement)
        statement = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', statement)
        postgres.append(statement)
    return [*postgres, _POSTGRES_SEARCH]
