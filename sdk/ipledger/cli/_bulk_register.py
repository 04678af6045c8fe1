"""``ipledger register --batch FILE``: many rights from a CSV or JSON Lines file, with a progress bar, a summary and
a results file mapping each input row to its token id or its error; every row not on chain also gets one line on
stderr saying why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from ipledger import BulkMode, BulkRegistration, BulkReport, BulkStatus, InvalidBulkFileError, Ledger

from ._context import open_ledger
from ._errors import CliError
from ._output import Output

__all__ = ["register_batch", "results_path_for"]

_STATUS_LABELS = {
    BulkStatus.REGISTERED: "registered now",
    BulkStatus.ALREADY_REGISTERED: "already on chain (skipped)",
    BulkStatus.FAILED: "refused by the registry",
    BulkStatus.INVALID: "invalid rows",
    BulkStatus.PENDING: "sent, not yet mined",
    BulkStatus.NOT_SENT: "not sent",
}


def results_path_for(source: Path) -> Path:
    """The default results file: beside the input, ``<name>.results.jsonl`` (``.csv`` for a CSV input)."""
    suffix = ".csv" if source.suffix.lower() == ".csv" else ".jsonl"
    return source.with_name(f"{source.stem}.results{suffix}")


def register_batch(
    out: Output,
    source: Path,
    *,
    results: Path | None,
    mode: BulkMode,
    batch_size: int,
    window: int,
    skip_invalid: bool,
    encoding: str | None = None,
) -> None:
    """Runs a bulk registration and prints its summary; exits non-zero unless every row (every valid row, with
    ``skip_invalid``) is on chain."""
    session = open_ledger(out, sends=True)
    ledger = session.ledger
    results_file = results or results_path_for(source)
    try:
        report = _run(out, ledger, source, results_file, mode, batch_size, window, skip_invalid, encoding)
    except InvalidBulkFileError as error:
        raise CliError(
            f"{error} (row results in {results_file}; fix the rows, or pass --skip-invalid to register the valid ones)"
        ) from None
    registration = _registration(report, results_file, ledger.contracts.registry_address, ledger.chain_id)

    def human() -> None:
        summary = report.summary()
        rate = len(report.rows) / report.seconds if report.seconds else 0.0
        out.line(
            f"{len(report.rows)} rows from {source.name}: {summary['registered']} registered now, "
            f"{summary['already-registered']} already on chain, in {report.transactions} transaction(s) "
            f"({report.mode.value} mode, {report.seconds:.1f} s, {rate:,.0f} rows/s, gas {report.gas_used:,})."
        )
        table = Table(show_header=False, box=None, pad_edge=False)
        for status, label in _STATUS_LABELS.items():
            if summary[status.value]:
                table.add_row(f"  {label}", f"{summary[status.value]:,}")
        out.print(table)
        if report.waited_for_pending:
            out.note(f"Waited first for {report.waited_for_pending} transaction(s) of an earlier run.")
        out.note(f"Row results: {results_file}")

    out.result(registration, human)
    for row in report.rows:
        if not row.done:
            # Diagnostics, one line per row (also with --json): why it is not on chain; the results file has them too.
            out.note(Text(f"row {row.row}: {row.status.value}: {_one_line(row.error or '')}"))
    excused = {BulkStatus.INVALID} if skip_invalid else set()
    unfinished = [row for row in report.rows if not row.done and row.status not in excused]
    if unfinished:
        raise CliError(f"{len(unfinished)} of {len(report.rows)} rows are not registered; see {results_file}")


def _run(
    out: Output,
    ledger: Ledger,
    source: Path,
    results_file: Path,
    mode: BulkMode,
    batch_size: int,
    window: int,
    skip_invalid: bool,
    encoding: str | None,
) -> BulkReport:
    options: dict[str, Any] = {
        "encoding": encoding,
        "mode": mode,
        "batch_size": batch_size,
        "window": window,
        "results": results_file,
        "skip_invalid": skip_invalid,
    }
    if out.json_mode or not out.err.is_terminal:
        return ledger.rights.register_bulk(source, **options)
    columns = (TextColumn("Registering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=out.err, transient=True) as progress:
        task = progress.add_task("rows", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return ledger.rights.register_bulk(source, on_progress=advance, **options)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _registration(report: BulkReport, results_file: Path, registry: str, chain_id: int) -> BulkRegistration:
    counts = {status.value.replace("-", "_"): report.count(status) for status in BulkStatus}
    return BulkRegistration(
        source=report.source,
        results_file=str(results_file),
        mode=report.mode,
        rows=len(report.rows),
        **counts,
        complete=report.complete,
        transactions=report.transactions,
        gas_used=report.gas_used,
        seconds=report.seconds,
        waited_for_pending=report.waited_for_pending,
        registry=registry,
        chain_id=chain_id,
        results=list(report.rows),
    )
