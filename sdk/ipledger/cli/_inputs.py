"""Reading what the user hands in (metadata files, documents, deeds, orders), checked before any chain access."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import typer
import yaml

from ipledger import (
    Document,
    DocumentError,
    InvalidInputError,
    IPMetadata,
    MetadataError,
    RightKind,
    evidence_hash,
    parse_metadata,
    parse_units,
)

__all__ = [
    "Evidence",
    "amount_units",
    "build_metadata",
    "evidence",
    "load_metadata_file",
    "optional_evidence",
    "parse_duration",
    "percent_bps",
    "read_checkpoints",
    "reason_evidence",
    "require_documents",
    "utc",
]

_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class _YamlLoader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false, so jurisdiction ``NO`` (Norway) stays a string."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise DocumentError(str(path), "no such file")
    if not path.is_file():
        raise DocumentError(str(path), "not a regular file")


def load_metadata_file(path: Path) -> dict[str, Any]:
    """A metadata mapping from a JSON or YAML file (``.json`` or text starting with ``{`` is JSON; else YAML)."""
    _check_file(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(str(path), f"cannot read: {exc}") from None
    as_json = path.suffix.lower() == ".json" or (
        path.suffix.lower() not in (".yaml", ".yml") and text.lstrip()[:1] == "{"
    )
    try:
        data = json.loads(text) if as_json else yaml.load(text, Loader=_YamlLoader)
    except json.JSONDecodeError as exc:
        raise MetadataError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise MetadataError(f"{path}: not valid YAML{where}") from None
    except RecursionError:
        # Both parsers recurse once per level of nesting; metadata is at most two levels deep.
        raise MetadataError(f"{path}: nested too deeply to be metadata") from None
    if not isinstance(data, dict):
        raise MetadataError(f"{path}: metadata must be a mapping of keys (title, kind, ...), not {type(data).__name__}")
    return data


def right_from_options(
    metadata: Path | None,
    docs: Sequence[Path] | None,
    title: str | None,
    kind: RightKind | None,
    jurisdiction: str | None,
    number: str | None,
    also_number: Sequence[str] | None,
    family: Sequence[str] | None,
    confidential: Sequence[str] | None,
    /,
) -> tuple[IPMetadata, list[Document]]:
    """The right a command registers or signs for, from its options: the metadata (``--metadata`` completed by
    ``--title``, ``--number``... and ``--confidential``), validated, and its documents, hashed later."""
    right = build_metadata(
        metadata,
        title=title,
        kind=kind,
        jurisdiction=jurisdiction,
        number=number,
        also_numbers=also_number or (),
        family=family or (),
    )
    documents = require_documents(docs)
    if confidential:
        right = parse_metadata(
            right.model_copy(update={"confidential": (*right.confidential, *confidential)}).model_dump()
        )
    return right, documents


def build_metadata(
    path: Path | None,
    *,
    title: str | None = None,
    kind: RightKind | None = None,
    jurisdiction: str | None = None,
    number: str | None = None,
    also_numbers: Sequence[str] = (),
    family: Sequence[str] = (),
) -> IPMetadata:
    """The metadata of ``path`` completed or overridden by the options given, validated (:class:`MetadataError`)."""
    data: dict[str, Any] = load_metadata_file(path) if path is not None else {}
    overrides: Mapping[str, Any] = {
        "title": title,
        "kind": kind.value if kind is not None else None,
        "jurisdiction": jurisdiction,
        "number": number,
        "numbers": list(also_numbers) or None,
        "family": list(family) or None,
    }
    data.update({key: value for key, value in overrides.items() if value is not None})
    if path is None and not data:
        raise MetadataError("no metadata: pass --metadata FILE or at least --title, --kind, --jurisdiction, --number")
    for key in ("number", "jurisdiction", "title"):
        if isinstance(data.get(key), int | float) and not isinstance(data.get(key), bool):
            data[key] = str(data[key])  # YAML and JSON read 11234567 as a number
    try:
        return parse_metadata(data)
    except MetadataError as exc:
        raise MetadataError(f"{exc} (in {path})" if path is not None else str(exc)) from None


def require_documents(documents: Sequence[Path] | None, *, option: str = "--doc") -> list[Document]:
    """The documents (``FILE`` or ``ROLE=FILE``), each an existing file; at least one."""
    if not documents:
        raise typer.BadParameter(f"at least one {option} FILE is needed", param_hint=f"'{option}'")
    parsed = [Document.parse(str(path)) for path in documents]
    for document in parsed:
        _check_file(document.path)
    return parsed


def read_checkpoints(path: Path, *, option: str = "--checkpoints") -> list[str]:
    """The trusted block hashes of a checkpoints file: one per line, ``#`` starts a comment, blank lines skipped."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc}", param_hint=f"'{option}'") from None
    hashes = []
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.split("#", 1)[0].strip()
        if not value:
            continue
        if not _HASH.match(value):
            raise typer.BadParameter(
                f"{path}, line {number}: {value!r} is not a block hash (0x and 64 hex digits)", param_hint=f"'{option}'"
            )
        hashes.append(value)
    if not hashes:
        raise typer.BadParameter(f"{path} lists no block hash", param_hint=f"'{option}'")
    return hashes


@dataclass(frozen=True)
class Evidence:
    """A deed, order or reason, reduced to the SHA-256 the registry records."""

    digest: bytes
    source: str

    @property
    def hex(self) -> str:
        return "0x" + self.digest.hex()

    def describe(self) -> str:
        return f"{self.source} (sha256 {self.hex})"


def evidence(file: str | None, text: str | None, *, file_option: str, text_option: str | None = None) -> Evidence:
    """The evidence of exactly one of ``file`` (a file, or a 0x SHA-256) and ``text``."""
    options = f"'{file_option}'" + (f" / '{text_option}'" if text_option else "")
    if file is not None and text is not None:
        raise typer.BadParameter(f"give either {file_option} or {text_option}, not both", param_hint=options)
    if text is not None:
        if not text.strip():
            raise typer.BadParameter("the reason must not be empty", param_hint=f"'{text_option}'")
        # The SDK's one rule (ipledger.evidence_hash): text is hashed as UTF-8, a 0x-prefixed SHA-256 taken as is.
        return Evidence(digest=evidence_hash(text, what="reason"), source=f'reason "{text}"')
    if file is None:
        needed = f"{file_option} FILE" + (f" or {text_option} TEXT" if text_option else "")
        raise typer.BadParameter(f"{needed} is needed", param_hint=options)
    path = Path(file)
    if _HASH.match(file) and not path.exists():
        return Evidence(digest=evidence_hash(file), source="hash given")
    _check_file(path)
    return Evidence(digest=evidence_hash(path), source=path.name)


def reason_evidence(file: str | None, text: str | None) -> Evidence:
    """The evidence of an act that takes ``--evidence FILE`` or ``--reason TEXT`` (exactly one)."""
    return evidence(file, text, file_option="--evidence", text_option="--reason")


def optional_evidence(file: str | None, text: str | None, *, file_option: str, text_option: str) -> Evidence | None:
    """Like :func:`evidence`, but ``None`` when neither option was given."""
    if file is None and text is None:
        return None
    return evidence(file, text, file_option=file_option, text_option=text_option)


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """A date option (typer parses it naive) as a UTC datetime."""
    return None if value is None else value.replace(tzinfo=dt.UTC)


def percent_bps(text: str, *, option: str) -> int:
    """Basis points of a percentage typed as ``5``, ``2.5`` or ``2.5%`` (at most two decimals, 0 to 100)."""
    cleaned = text.strip().removesuffix("%").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise typer.BadParameter(f"{text!r} is not a percentage such as 5 or 2.5", param_hint=f"'{option}'") from None
    bps = value * 100
    if not value.is_finite() or bps != bps.to_integral_value() or not 0 <= bps <= 10_000:
        raise typer.BadParameter(
            f"{text!r} must be a percentage from 0 to 100 with at most two decimals (5, 2.5, 0.25)",
            param_hint=f"'{option}'",
        )
    return int(bps)


def amount_units(text: str, decimals: int, *, raw: bool, what: str = "amount") -> int:
    """Base units of an amount typed in whole tokens (``"1.5"``), or taken as is with ``--raw``."""
    if raw:
        cleaned = text.strip().replace("_", "")
        if not cleaned.isdigit():
            raise InvalidInputError(f"{what} {text!r} must be an integer number of base units with --raw")
        return int(cleaned)
    return parse_units(text, decimals, what=what)


def parse_duration(text: str) -> dt.timedelta:
    """``30m``, ``12h``, ``1d``, ``2w`` (also ``90s`` and decimals such as ``1.5d``)."""
    match = _DURATION.match(text.strip().lower())
    if match is None:
        raise typer.BadParameter(f"{text!r} is not a duration such as 30m, 12h, 1d or 2w")
    seconds = float(match.group(1)) * _SECONDS[match.group(2)]
    if seconds <= 0:
        raise typer.BadParameter(f"{text!r} must be positive")
    return dt.timedelta(seconds=seconds)
