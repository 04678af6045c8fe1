"""Bulk registration: a file of rights hashed in parallel, checked against the chain, and sent pipelined, either one
``register`` per right or up to ``batch_size`` rights per ``registerBatch``.

Idempotent and resumable: the chain is the journal. Before anything is sent, the signer's transactions still
pending from an earlier run are waited for, then every row's document bundle is looked up on chain
(``tokenOfContent``): a row whose bundle is registered as its right is done and is not sent again. So a run killed at
any point and run again registers exactly the rows not yet registered, none twice.

A batch that needs more gas than one transaction may use on the node (the block's gas limit, or Osaka's cap of
2**24 when the node enforces it) is split and its parts sent instead; a single row that still does not fit fails
with the reason.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_abi.abi import decode

from ipledger._client import SubClient
from ipledger._exceptions import ContractRevertError, InvalidInputError, IPLedgerError
from ipledger.bulk._bulk_input import BulkEntry, InvalidRow, read_bulk_file
from ipledger.bulk._bulk_models import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_WINDOW,
    BulkMode,
    BulkReport,
    BulkRowResult,
    BulkStatus,
    Progress,
    read_results_file,
    write_results_file,
)
from ipledger.chain._calldata import encode_call, eth_calls
from ipledger.chain._confirmations import await_confirmations
from ipledger.chain._pipeline import CallOutcome, PipelinedSender, PlannedCall
from ipledger.chain._roles import ROLES
from ipledger.models._requests import RegistrationRequest, prepare_registration

__all__ = ["BulkRegistrar", "InvalidBulkFileError"]

_LOOKUP_CHUNK = 500
#: The registry's ``Registration`` struct as an ABI type. Calldata is encoded with eth-abi directly: web3's
#: ``encode_abi`` validates the whole ABI on every call (about 2 ms each), more than the rest of a row costs.
_REGISTRATION = "(bytes32,uint8,uint40,uint256[],bytes)"
_CONFLICTS = {"RightAlreadyRegistered", "ContentAlreadyRegistered", "NumberAlreadyRegistered"}


class InvalidBulkFileError(InvalidInputError):
    """Some rows of a bulk file are invalid, and invalid rows were not to be skipped: nothing was sent."""

    def __init__(self, message: str, report: BulkReport) -> None:
        self.report = report
        super().__init__(message)


@dataclass
class _Row:
    """A valid row on its way: its request and recipient, then its result."""

    entry: BulkEntry
    request: RegistrationRequest
    owner: str
    result: BulkRowResult | None = None

    def base(self) -> dict[str, Any]:
        return {
            "row": self.entry.row,
            "title": self.request.metadata.title,
            "token_id": hex(self.request.right_id),
            "content_hash": "0x" + self.request.content_hash.hex(),
            "owner": self.owner,
        }


class BulkRegistrar(SubClient):
    """``register_bulk``: many rights from one file."""

    def register_bulk(
        self,
        source: str | Path,
        *,
        mode: BulkMode | str = BulkMode.BATCH,
        batch_size: int = DEFAULT_BATCH_SIZE,
        window: int = DEFAULT_WINDOW,
        results: str | Path | None = None,
        skip_invalid: bool = False,
        workers: int | None = None,
        pending_timeout: float = 120.0,
        on_progress: Progress | None = None,
        encoding: str | None = None,
    ) -> BulkReport:
        """Registers every right of the CSV or JSON Lines file ``source`` (see ``_bulk_input`` for its columns);
        the signer must be a registrar. Returns one result per row, and writes them to ``results`` when given.
        ``encoding``: the file's text encoding (default UTF-8; ``gb18030`` for Excel's CSV on Chinese Windows).

        Every row is validated and its documents hashed (in ``workers`` threads) before anything is sent. Invalid
        rows refuse the whole file (:class:`InvalidBulkFileError`, with the report) unless ``skip_invalid``.
        """
        started = time.monotonic()
        bulk_mode = BulkMode(mode)
        if not 1 <= batch_size <= 1000:
            raise InvalidInputError("batch size must be 1 to 1000")
        signer = self._chain.signer
        source_path = Path(source)
        results_path = Path(results) if results is not None else None
        parsed = read_bulk_file(source_path, encoding=encoding)
        rows, invalid = self._prepare_rows(parsed, workers)
        total = len(parsed)
        report_rows: dict[int, BulkRowResult] = {row.row: row for row in invalid}
        sender = PipelinedSender(
            self._chain.rpc,
            self._chain.decoder,
            signer,
            chain_id=self._chain.chain_id,
            check_chain=self._chain.check_chain,
            window=window,
        )

        def finish(transactions: int, gas: int, waited: int) -> BulkReport:
            for row in rows:
                report_rows[row.entry.row] = row.result or BulkRowResult(**row.base(), status=BulkStatus.NOT_SENT)
            report = BulkReport(
                source=str(source_path),
                mode=bulk_mode,
                rows=tuple(report_rows[number] for number in sorted(report_rows)),
                transactions=transactions,
                gas_used=gas,
                seconds=round(time.monotonic() - started, 3),
                waited_for_pending=waited,
            )
            if results_path is not None:
                write_results_file(results_path, report.rows)
            return report

        if invalid and not skip_invalid:
            report = finish(0, 0, 0)
            first = "; ".join(f"row {row.row}: {row.error}" for row in invalid[:3])
            more = f" (and {len(invalid) - 3} more)" if len(invalid) > 3 else ""
            raise InvalidBulkFileError(
                f"{len(invalid)} of {total} rows are invalid, nothing was sent: {first}{more}", report
            )
        self._require_registrar(signer.address)
        self._chain.check_chain("register in bulk")
        self._chain.require_evm("register in bulk")
        done = len(invalid)
        if on_progress is not None:
            on_progress(done, total)
        waited = sender.wait_for_in_flight(pending_timeout)
        earlier = {row.row: row for row in read_results_file(results_path)} if results_path is not None else {}
        pending = self._reconcile(rows, earlier)
        done += len(rows) - len(pending)
        if on_progress is not None:
            on_progress(done, total)

        counter = {"done": done, "transactions": 0, "gas": 0}

        def settled(outcome: CallOutcome, settled_rows: Sequence[_Row]) -> None:
            if outcome.tx_hash is not None and outcome.gas_used is not None:
                counter["transactions"] += 1
                counter["gas"] += outcome.gas_used
            counter["done"] += sum(1 for row in settled_rows if row.result is not None)
            if on_progress is not None:
                on_progress(counter["done"], total)

        if bulk_mode is BulkMode.SINGLE:
            self._send_singles(sender, pending, settled)
        else:
            self._send_batches(sender, pending, batch_size, settled)
        report = finish(counter["transactions"], counter["gas"], waited)
        await_confirmations(
            self._chain.rpc,
            [
                (row.tx_hash, row.block)
                for row in report.rows
                if row.status is BulkStatus.REGISTERED and row.tx_hash and row.block is not None
            ],
            self._chain.sender.confirmations,
            action="register in bulk",
            resume_hint="run the same command again: it registers only the rows that are not on chain",
        )
        return report

    # ------------------------------------------------------------------ preparing

    def _require_registrar(self, account: str) -> None:
        """Refuses a signer without the registrar role before anything is sent (every batch would revert)."""
        if not self._chain.read(self._chain.registry.functions.hasRole(ROLES["registrar"], account), "check registrar"):
            raise self._chain.refuse(
                "AccessControlUnauthorizedAccount(address,bytes32)",
                ["address", "bytes32"],
                [account, ROLES["registrar"]],
                "register in bulk",
            )

    def _prepare_rows(
        self, parsed: Sequence[BulkEntry | InvalidRow], workers: int | None
    ) -> tuple[list[_Row], list[BulkRowResult]]:
        """Hashes every valid row's documents in parallel; refuses rows that repeat an earlier row's right or
        bundle (the registry would refuse the second)."""
        entries = [item for item in parsed if isinstance(item, BulkEntry)]
        invalid = [
            BulkRowResult(row=item.row, status=BulkStatus.INVALID, error=item.message)
            for item in parsed
            if isinstance(item, InvalidRow)
        ]
        default_owner = self._chain.signer.address

        def prepare(entry: BulkEntry) -> _Row | BulkRowResult:
            try:
                owner = self._chain.address_of(entry.to) if entry.to else default_owner
                request = prepare_registration(entry.metadata, entry.documents)
            except IPLedgerError as error:
                return BulkRowResult(
                    row=entry.row, status=BulkStatus.INVALID, title=entry.metadata.title, error=str(error)
                )
            return _Row(entry=entry, request=request, owner=owner)

        threads = workers or min(32, 2 * (os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=threads) as pool:
            prepared = list(pool.map(prepare, entries))
        rows: list[_Row] = []
        #: number key -> (row, canonical number): every number a right reserves, its primary included
        first_of_number: dict[int, tuple[int, str]] = {}
        first_of_content: dict[bytes, int] = {}
        for item in prepared:
            if isinstance(item, BulkRowResult):
                invalid.append(item)
                continue
            request = item.request = self._chain.keep_field_salts(item.request)
            reserved = [number for number in request.numbers if not number.family]
            taken = next((number for number in reserved if number.key in first_of_number), None)
            if taken is not None:
                earlier, canonical = first_of_number[taken.key]
                error = f"repeats number {canonical} of row {earlier}"
            elif request.content_hash in first_of_content:
                error = f"repeats the document bundle of row {first_of_content[request.content_hash]}"
            else:
                for number in reserved:
                    first_of_number[number.key] = (item.entry.row, number.canonical)
                first_of_content[request.content_hash] = item.entry.row
                rows.append(item)
                continue
            invalid.append(BulkRowResult(**item.base(), status=BulkStatus.INVALID, error=error))
        return rows, sorted(invalid, key=lambda row: row.row)

    def _reconcile(self, rows: Sequence[_Row], earlier: dict[int, BulkRowResult]) -> list[_Row]:
        """Marks rows whose bundle is registered as their right (done before) and returns the rest, to send."""
        registry = self._chain.registry
        pending: list[_Row] = []
        for start in range(0, len(rows), _LOOKUP_CHUNK):
            chunk = rows[start : start + _LOOKUP_CHUNK]
            requests_ = eth_calls(
                registry.address, "tokenOfContent(bytes32)", [(row.request.content_hash,) for row in chunk], "latest"
            )
            for row, answer in zip(chunk, self._chain.rpc.batch(requests_), strict=True):
                (token,) = decode(["uint256"], bytes.fromhex(str(answer).removeprefix("0x")))
                if token != row.request.right_id:
                    pending.append(row)
                    continue
                before = earlier.get(row.entry.row)
                carried: dict[str, Any] = {}
                if before is not None and before.token_id == hex(token) and before.tx_hash:
                    carried = {"tx_hash": before.tx_hash, "block": before.block, "gas_used": before.gas_used}
                row.result = BulkRowResult(**row.base(), status=BulkStatus.ALREADY_REGISTERED, **carried)
        return pending

    # ------------------------------------------------------------------ sending

    def _send_singles(
        self, sender: PipelinedSender, rows: Sequence[_Row], settled: Callable[[CallOutcome, Sequence[_Row]], None]
    ) -> None:
        registry = self._chain.registry
        by_call: dict[int, _Row] = {}
        calls = []
        for row in rows:
            call = PlannedCall(
                key=row.entry.row,
                to=registry.address,
                data=encode_call(f"register(address,{_REGISTRATION})", row.owner, row.request.as_tuple()),
                action=f"register row {row.entry.row}",
            )
            by_call[id(call)] = row
            calls.append(call)
        for outcome in sender.iter_run(calls):
            row = by_call[id(outcome.call)]
            row.result = _result(row, outcome)
            settled(outcome, [row])

    def _send_batches(
        self,
        sender: PipelinedSender,
        rows: Sequence[_Row],
        batch_size: int,
        settled: Callable[[CallOutcome, Sequence[_Row]], None],
    ) -> None:
        """Groups the rows by recipient into batches and sends them. A batch the registry refuses because one of
        its rights or bundles is taken (a registration that raced ours) loses that row, with the error, and is sent
        again without it; a batch over the node's per-transaction gas limit is split (``_split``) and its parts
        sent; any other refusal fails the batch's rows."""
        registry = self._chain.registry
        queue: list[list[_Row]] = []
        by_owner: dict[str, list[_Row]] = {}
        for row in rows:
            by_owner.setdefault(row.owner, []).append(row)
        for owner_rows in by_owner.values():
            queue += [owner_rows[start : start + batch_size] for start in range(0, len(owner_rows), batch_size)]
        while queue:
            batches: dict[int, list[_Row]] = {}
            calls = []
            for batch in queue:
                call = PlannedCall(
                    key=batch[0].entry.row,
                    to=registry.address,
                    data=encode_call(
                        f"registerBatch(address,{_REGISTRATION}[])",
                        batch[0].owner,
                        [row.request.as_tuple() for row in batch],
                    ),
                    action=f"register rows {batch[0].entry.row}-{batch[-1].entry.row}",
                )
                batches[id(call)] = batch
                calls.append(call)
            queue = []
            for outcome in sender.iter_run(calls):
                batch = batches[id(outcome.call)]
                if outcome.gas_cap is not None and len(batch) > 1:
                    queue += _split(batch, outcome.gas_needed, outcome.gas_cap)
                    continue
                culprit = _conflicting_row(outcome, batch)
                if culprit is not None:
                    culprit.result = _result(culprit, outcome)
                    rest = [row for row in batch if row is not culprit]
                    if rest:
                        queue.append(rest)
                    settled(outcome, [culprit])
                    continue
                for row in batch:
                    row.result = _result(row, outcome)
                settled(outcome, batch)


def _result(row: _Row, outcome: CallOutcome) -> BulkRowResult:
    mined = {"tx_hash": outcome.tx_hash, "block": outcome.block, "gas_used": outcome.gas_used}
    error = outcome.error
    if error is None:
        return BulkRowResult(**row.base(), status=BulkStatus.REGISTERED, **mined)
    name = error.error_name if isinstance(error, ContractRevertError) else type(error).__name__
    if isinstance(error, ContractRevertError) or outcome.block is not None or outcome.gas_cap is not None:
        status = BulkStatus.FAILED
    elif outcome.tx_hash is not None:
        status = BulkStatus.PENDING
    else:
        status = BulkStatus.NOT_SENT
    return BulkRowResult(**row.base(), status=status, error_name=name, error=str(error), **mined)


def _split(batch: Sequence[_Row], needed: int | None, cap: int) -> list[list[_Row]]:
    """``batch`` in parts that should each fit under ``cap`` gas: as many parts as ``needed`` (with the send's 20%
    margin) asks, in halves when the node did not say how much the batch needs. A part still too large is split
    again when the node refuses it."""
    parts = 2 if needed is None else max(2, math.ceil(needed * 6 / 5 / cap))
    parts = min(parts, len(batch))
    size = math.ceil(len(batch) / parts)
    return [list(batch[start : start + size]) for start in range(0, len(batch), size)]


def _conflicting_row(outcome: CallOutcome, batch: Sequence[_Row]) -> _Row | None:
    """The row of ``batch`` whose right or bundle the registry named as taken, if that is why the batch failed."""
    error = outcome.error
    if not isinstance(error, ContractRevertError) or error.error_name not in _CONFLICTS:
        return None
    token = error.error_args.get("tokenId")
    content = error.error_args.get("contentHash")
    for row in batch:
        if error.error_name == "ContentAlreadyRegistered" and _same_bytes(content, row.request.content_hash):
            return row
        if error.error_name == "RightAlreadyRegistered" and token == row.request.right_id:
            return row
        if error.error_name == "NumberAlreadyRegistered" and any(
            number.packed == error.error_args.get("number") for number in row.request.numbers
        ):
            return row
    return None


def _same_bytes(value: Any, expected: bytes) -> bool:
    if isinstance(value, bytes):
        return value == expected
    if isinstance(value, str):
        return value.lower().removeprefix("0x") == expected.hex()
    return False
