"""The event index's SQLite schema (one file per chain and registry, see :mod:`ipledger._index`).

- ``meta``: key/value settings: ``chain_id``, ``registry``, ``vault``, ``start_block`` and ``cursor`` (the last
  block fully indexed; every chunk commits its logs and the new cursor in one transaction).
- ``blocks``: number, hash and timestamp of every block that holds an indexed log, plus the last
  :data:`REORG_WINDOW` blocks synced (their hashes find the fork point after a reorganization).
- ``logs``: raw logs of the registry, the share vault and every share token the vault created, with the decoded
  event name and arguments (JSON; ``NULL`` for events the SDK does not read). ``(block_hash, log_index)`` is
  unique and rows are written with ``INSERT OR IGNORE``, so a replayed chunk adds nothing.
- ``share_tokens``: the share tokens learnt from the vault's ``Fractionalized`` events.
- ``rollbacks``: each reorganization undone: the fork block, the cursor before it and how many logs went.
"""

from __future__ import annotations

__all__ = ["REORG_WINDOW", "SCHEMA", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1
#: How many of the latest synced blocks keep their hash even without logs.
REORG_WINDOW = 256

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
CREATE TABLE IF NOT EXISTS rollbacks (
    id INTEGER PRIMARY KEY,
    fork_block INTEGER NOT NULL,
    previous_cursor INTEGER NOT NULL,
    removed_logs INTEGER NOT NULL,
    at INTEGER NOT NULL
);
"""
