"""The input of a bulk registration: a CSV or JSON Lines file, one right per row, read into validated entries.

Columns (CSV header, or JSON keys) are the metadata fields of :class:`IPMetadata` (``title``, ``kind``,
``jurisdiction``, ``number``, ``numbers`` (the right's other numbers of its office: publication, grant),
``family`` (family links: PCT application, WO publication, priority), ``inventors``, ``assignee``, ``filing_date``,
``publication_date``, ``priority_date``, ``grant_date``, ``expiry_date``, ``nice_classes``, ``abstract``,
``confidential``) plus:

- ``documents`` (required): the files of the right's document bundle, relative to the input file's folder, each
  optionally as ``ROLE=FILE`` (``claims=权利要求书.pdf``); in CSV separated by ``;``, in JSON a list (or a
  ``;``-separated string);
- ``to`` (optional): who receives the token (an address or a dev account name; default: the registrar).

In CSV, ``inventors``, ``numbers``, ``family``, ``nice_classes`` and ``confidential`` are separated by ``;`` and an
empty cell is an absent value. A CSV is read as UTF-8 (with or without a byte-order mark, as Excel's "CSV UTF-8"
saves it) unless an encoding is given: Excel's plain "CSV" on Chinese Windows is GBK (give ``gb18030``, which covers
it), on Traditional Chinese Windows Big5.
Every row is validated on its own; a bad row becomes an :class:`InvalidRow` naming its row, and the others are
still read. Rows are numbered from 1 (the first data row of a CSV, the first non-blank line of a JSON Lines file).
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipledger._exceptions import InvalidInputError
from ipledger.models._models import IPMetadata, parse_metadata
from ipledger.models._requests import Document

__all__ = ["BulkEntry", "InvalidRow", "read_bulk_file"]

_METADATA_FIELDS = frozenset(IPMetadata.model_fields) - {"documents"}
_EXTRA_FIELDS = frozenset({"documents", "to"})
_LIST_FIELDS = frozenset({"documents", "inventors", "numbers", "family", "nice_classes", "confidential"})
#: A bulk file larger than this is refused before it is parsed (about a million rows of typical metadata).
MAX_FILE_BYTES = 512 * 2**20


@dataclass(frozen=True)
class BulkEntry:
    """One valid row: its metadata, its documents (resolved paths), and where the token goes."""

    row: int
    metadata: IPMetadata
    documents: tuple[Document, ...]
    to: str | None = None


@dataclass(frozen=True)
class InvalidRow:
    """One row that cannot be registered as written, and why."""

    row: int
    message: str


def read_bulk_file(path: str | Path, *, encoding: str | None = None) -> list[BulkEntry | InvalidRow]:
    """The rows of a ``.csv`` or ``.jsonl`` (``.ndjson``) file, each validated on its own; ``encoding`` is the
    file's text encoding (default UTF-8, a byte-order mark honoured).

    Raises :class:`InvalidInputError` for a file that cannot be read at all (missing, too large, not in its
    encoding, an unknown extension, a CSV header naming unknown columns).
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
        data = source.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"cannot read {source}: {exc.strerror or exc}") from None
    text = decode_text(source, data, encoding)
    records = _csv_records(source, text) if suffix == ".csv" else _jsonl_records(text)
    base = source.resolve().parent
    return [_entry(row, record, base) for row, record in records]


def decode_text(source: Path, data: bytes, encoding: str | None) -> str:
    """``data`` as text: in ``encoding``, else as UTF-8 (a byte-order mark skipped); an undecodable file is refused
    in one line naming ``--encoding``."""
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise InvalidInputError(
                f"field 'encoding': {encoding!r} is not a text encoding; expected e.g. utf-8, gb18030, big5"
            ) from None
    else:
        codec = "utf-8"
    if codec == "utf-8":
        codec = "utf-8-sig"
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        hint = (
            "give its encoding with --encoding (Excel's CSV on Chinese Windows: --encoding gb18030; Big5: "
            '--encoding big5), or save it as "CSV UTF-8"'
            if encoding is None
            else "check the --encoding"
        )
        raise InvalidInputError(
            f"{source}: not {encoding or 'UTF-8'} text (byte 0x{data[exc.start]:02x} at offset {exc.start}); {hint}"
        ) from None


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
    if not documents:
        return InvalidRow(row, "no documents (the 'documents' field lists the bundle's files)")
    if to is not None and not isinstance(to, str):
        return InvalidRow(row, "to: must be a string")
    files = []
    for document in documents:
        if not isinstance(document, str) or not document:
            return InvalidRow(row, "documents: each must be a file path (or ROLE=path)")
        given = Document.parse(document)
        resolved = base / given.path.expanduser()
        if not resolved.is_file():
            return InvalidRow(row, f"document {str(given.path)!r} is not a readable file")
        files.append(Document(resolved, given.role))
    try:
        metadata = parse_metadata(fields)
    except InvalidInputError as exc:
        return InvalidRow(row, str(exc))
    return BulkEntry(row=row, metadata=metadata, documents=tuple(files), to=to)
