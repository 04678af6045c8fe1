"""The input of a bulk registration: a CSV or JSON Lines file, one right per row, read into validated entries.

Columns (CSV header, or JSON keys) are the metadata fields of :class:`IPMetadata` (``title``, ``kind``,
``jurisdiction``, ``number``, ``numbers`` (the right's other numbers of its office: publication, grant),
``family`` (family links: PCT application, WO publication, priority), ``inventors``, ``assignee``, ``filing_date``,
``priority_date``, ``grant_date``, ``expiry_date``, ``abstract``) plus:

- ``documents`` (required): the files of the right's document bundle, relative to the input file's folder; in CSV
  separated by ``;``, in JSON a list (or a ``;``-separated string);
- ``to`` (optional): who receives the token (an address or a dev account name; default: the registrar);
- ``uri`` (optional): where the metadata JSON is published.

In CSV, ``inventors``, ``numbers`` and ``family`` are separated by ``;`` and an empty cell is an absent value.
Every row is validated on its own; a bad row becomes an :class:`InvalidRow` naming its row, and the others are
still read. Rows are numbered from 1 (the first data row of a CSV, the first non-blank line of a JSON Lines file).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._exceptions import InvalidInputError
from ._models import IPMetadata, parse_metadata

__all__ = ["BulkEntry", "InvalidRow", "read_bulk_file"]

_METADATA_FIELDS = frozenset(IPMetadata.model_fields) - {"documents"}
_EXTRA_FIELDS = frozenset({"documents", "to", "uri"})
_LIST_FIELDS = frozenset({"documents", "inventors", "numbers", "family"})
#: A bulk file larger than this is refused before it is parsed (about a million rows of typical metadata).
MAX_FILE_BYTES = 512 * 2**20


@dataclass(frozen=True)
class BulkEntry:
    """One valid row: its metadata, its documents (resolved paths), and where the token goes."""

    row: int
    metadata: IPMetadata
    documents: tuple[Path, ...]
    to: str | None = None
    uri: str | None = None


@dataclass(frozen=True)
class InvalidRow:
    """One row that cannot be registered as written, and why."""

    row: int
    message: str


def read_bulk_file(path: str | Path) -> list[BulkEntry | InvalidRow]:
    """The rows of a ``.csv`` or ``.jsonl`` (``.ndjson``) file, each validated on its own.

    Raises :class:`InvalidInputError` for a file that cannot be read at all (missing, too large, not UTF-8, an
    unknown extension, a CSV header naming unknown columns).
    """
    source = Path(path)
    suffix = source.suffix.lower()
    if suffix not in {".csv", ".jsonl", ".ndjson"}:
        raise InvalidInputError(f"{source}: a bulk file must be .csv or .jsonl, not {suffix or 'without extension'!r}")
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise InvalidInputError(f"cannot read {source}: {exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise InvalidInputError(f"{source}: {size:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit; split the file")
    try:
        text = source.read_text("utf-8-sig")
    except OSError as exc:
        raise InvalidInputError(f"cannot read {source}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{source}: not UTF-8 text") from None
    records = _csv_records(source, text) if suffix == ".csv" else _jsonl_records(text)
    base = source.resolve().parent
    return [_entry(row, record, base) for row, record in records]


def _csv_records(source: Path, text: str) -> list[tuple[int, Mapping[str, Any] | str]]:
    reader = csv.DictReader(text.splitlines())
    header = [name.strip() for name in reader.fieldnames or []]
    if not header:
        raise InvalidInputError(f"{source}: empty CSV (a header row is needed)")
    unknown = [name for name in header if name not in _METADATA_FIELDS | _EXTRA_FIELDS]
    if unknown:
        raise InvalidInputError(f"{source}: unknown column(s) {', '.join(map(repr, unknown))}")
    if "documents" not in header:
        raise InvalidInputError(f"{source}: the 'documents' column is missing")
    records: list[tuple[int, Mapping[str, Any] | str]] = []
    for row, raw in enumerate(reader, start=1):
        if None in raw:
            records.append((row, "more cells than the header has columns"))
            continue
        cells = {name.strip(): (value or "").strip() for name, value in raw.items() if name is not None}
        if not any(cells.values()):
            continue
        records.append((row, {name: value for name, value in cells.items() if value != ""}))
    return records


def _jsonl_records(text: str) -> list[tuple[int, Mapping[str, Any] | str]]:
    records: list[tuple[int, Mapping[str, Any] | str]] = []
    row = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        row += 1
        try:
            value = json.loads(line)
        except ValueError as exc:
            records.append((row, f"not JSON: {exc}"))
            continue
        if not isinstance(value, dict):
            records.append((row, "not a JSON object"))
            continue
        records.append((row, value))
    return records


def _split(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    if isinstance(value, list):
        return value
    raise ValueError("must be a list or a ';'-separated string")


def _entry(row: int, record: Mapping[str, Any] | str, base: Path) -> BulkEntry | InvalidRow:
    if isinstance(record, str):
        return InvalidRow(row, record)
    unknown = sorted(set(record) - _METADATA_FIELDS - _EXTRA_FIELDS)
    if unknown:
        return InvalidRow(row, f"unknown field(s) {', '.join(map(repr, unknown))}")
    fields = dict(record)
    try:
        for name in _LIST_FIELDS & set(fields):
            fields[name] = _split(fields[name])
    except ValueError as exc:
        return InvalidRow(row, f"documents/inventors/numbers/family: {exc}")
    documents = fields.pop("documents", [])
    to = fields.pop("to", None)
    uri = fields.pop("uri", None)
    if not documents:
        return InvalidRow(row, "no documents (the 'documents' field lists the bundle's files)")
    for name, value in (("to", to), ("uri", uri)):
        if value is not None and not isinstance(value, str):
            return InvalidRow(row, f"{name}: must be a string")
    paths = []
    for document in documents:
        if not isinstance(document, str) or not document:
            return InvalidRow(row, "documents: each must be a file path")
        resolved = base / Path(document).expanduser()
        if not resolved.is_file():
            return InvalidRow(row, f"document {document!r} is not a readable file")
        paths.append(resolved)
    try:
        metadata = parse_metadata(fields)
    except InvalidInputError as exc:
        return InvalidRow(row, str(exc))
    return BulkEntry(row=row, metadata=metadata, documents=tuple(paths), to=to, uri=uri)
