"""What a bulk registration reports: one result per input row, and the run's totals."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from pydantic import Field

from ipledger.models._model_base import _Out

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_WINDOW",
    "Progress",
    "BulkMode",
    "BulkReport",
    "BulkRowResult",
    "BulkStatus",
    "read_results_file",
    "write_results_file",
]

#: Rights per ``registerBatch`` transaction by default (about 5.5 million gas for 100).
DEFAULT_BATCH_SIZE = 100
#: Transactions outstanding at a time by default (a sliding window: a new one is sent as each receipt arrives), and
#: never more gas than two blocks hold. 256 fill a 30-million-gas block with single registrations (about 235 of
#: them); a node that limits each sender's pending transactions wants fewer (``--in-flight``).
DEFAULT_WINDOW = 256
#: Called with (rows done, rows in all) as a bulk run goes.
Progress = Callable[[int, int], None]


class BulkMode(StrEnum):
    """How the rows are sent: ``batch`` packs up to ``batch_size`` rights per ``registerBatch`` transaction;
    ``single`` sends one ``register`` transaction per right, pipelined."""

    BATCH = "batch"
    SINGLE = "single"


class BulkStatus(StrEnum):
    """What became of one row."""

    #: Registered by this run.
    REGISTERED = "registered"
    #: Found on chain already (same right, same document bundle): an earlier run, or someone else, registered it.
    ALREADY_REGISTERED = "already-registered"
    #: Refused by the registry (the decoded custom error says why) or lost; nothing of it is on chain.
    FAILED = "failed"
    #: The row itself is wrong (metadata, documents, recipient); nothing was sent for it.
    INVALID = "invalid"
    #: Sent, but not mined before the run gave up waiting; a later run waits for it before deciding anything.
    PENDING = "pending"
    #: Valid, but not sent: the run stopped before it (invalid rows refused the file, or the node failed).
    NOT_SENT = "not-sent"


class BulkRowResult(_Out):
    """One input row and what became of it."""

    row: int
    status: BulkStatus
    title: str | None = None
    token_id: str | None = Field(default=None, description="0x hex token id (the right id)")
    content_hash: str | None = None
    owner: str | None = None
    tx_hash: str | None = None
    block: int | None = None
    gas_used: int | None = Field(default=None, description="gas of the row's transaction (shared by a batch)")
    error_name: str | None = None
    error: str | None = None

    @property
    def done(self) -> bool:
        """The row's right is on chain (this run or before)."""
        return self.status in (BulkStatus.REGISTERED, BulkStatus.ALREADY_REGISTERED)


class BulkReport(_Out):
    """The totals of a bulk run and every row's result, in input order."""

    source: str
    mode: BulkMode
    rows: tuple[BulkRowResult, ...]
    transactions: int
    gas_used: int
    seconds: float
    waited_for_pending: int = Field(description="transactions of an earlier run that were still pending at start")

    def count(self, status: BulkStatus) -> int:
        return sum(1 for row in self.rows if row.status is status)

    @property
    def complete(self) -> bool:
        """Every row's right is on chain: nothing invalid, failed, pending or unsent is left."""
        return all(row.done for row in self.rows)

    def summary(self) -> dict[str, int]:
        return {status.value: self.count(status) for status in BulkStatus}


_COLUMNS = list(BulkRowResult.model_fields)


def write_results_file(path: Path, rows: tuple[BulkRowResult, ...] | list[BulkRowResult]) -> None:
    """Writes the per-row results as CSV (``.csv``) or JSON Lines (anything else), replacing the file atomically. A
    CSV starts with a UTF-8 byte-order mark, so Excel (on Chinese Windows too) opens Chinese titles as written."""
    temporary = path.with_name(path.name + ".tmp")
    encoding = "utf-8-sig" if path.suffix.lower() == ".csv" else "utf-8"
    with temporary.open("w", encoding=encoding, newline="") as handle:
        if path.suffix.lower() == ".csv":
            writer = csv.DictWriter(handle, fieldnames=_COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow({key: "" if value is None else value for key, value in row.model_dump().items()})
        else:
            for row in rows:
                handle.write(json.dumps(row.model_dump(mode="json"), ensure_ascii=False) + "\n")
    temporary.replace(path)


def read_results_file(path: Path) -> list[BulkRowResult]:
    """The rows of an earlier results file; an unreadable or foreign file gives no rows (it is only a hint)."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    rows: list[BulkRowResult] = []
    try:
        if path.suffix.lower() == ".csv":
            for record in csv.DictReader(text.splitlines()):
                rows.append(BulkRowResult.model_validate({k: v for k, v in record.items() if v not in ("", None)}))
        else:
            rows = [BulkRowResult.model_validate_json(line) for line in text.splitlines() if line.strip()]
    except ValueError:
        return []
    return rows
