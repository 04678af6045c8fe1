"""Canonical hashing: what anyone can recompute to check a registration (rules in docs/hashing.md).

- A document's hash is SHA-256 of its bytes.
- A bundle's content hash is SHA-256 of ``b"ipledger.bundle.v1\\n"`` followed by the distinct document
  digests (32 raw bytes each) in ascending byte order: the order and repetition of documents do not matter.
- An official identifier is normalised to ``"<kind>:<jurisdiction>:<number>"`` where the number is
  upper-cased, stripped of spaces, commas, dots and hyphens, and of a leading copy of the jurisdiction code;
  the right id (the token id) is keccak-256 of ``b"ipledger.right.v1\\n"`` and that identifier, as an integer.
- Metadata is hashed as SHA-256 of its canonical JSON: UTF-8, keys sorted, no insignificant white space,
  no ``null`` members, dates as ``YYYY-MM-DD``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

from ._exceptions import DocumentError, InvalidInputError

__all__ = [
    "BUNDLE_DOMAIN",
    "RIGHT_DOMAIN",
    "bundle_hash",
    "canonical_json",
    "evidence_hash",
    "hash_bytes",
    "hash_file",
    "hash_text",
    "normalize_number",
    "official_identifier",
    "right_id",
]

BUNDLE_DOMAIN = b"ipledger.bundle.v1\n"
RIGHT_DOMAIN = b"ipledger.right.v1\n"
_CHUNK = 1 << 20
_NUMBER_NOISE = re.compile(r"[\s,.\-]+")
_NUMBER_ALLOWED = re.compile(r"^[A-Z0-9/()]+$")


def hash_bytes(data: bytes) -> bytes:
    """SHA-256 of ``data``."""
    return hashlib.sha256(data).digest()


def hash_text(text: str) -> bytes:
    """SHA-256 of ``text`` in UTF-8 (used for reasons and references given as text)."""
    return hash_bytes(text.encode("utf-8"))


def hash_file(path: str | Path) -> bytes:
    """SHA-256 of a file's bytes, read in 1 MiB chunks."""
    file_path = Path(path)
    digest = hashlib.sha256()
    try:
        with file_path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        raise DocumentError(str(path), "no such file") from None
    except IsADirectoryError:
        raise DocumentError(str(path), "is a directory") from None
    except PermissionError:
        raise DocumentError(str(path), "permission denied") from None
    except OSError as exc:
        raise DocumentError(str(path), exc.strerror or str(exc)) from None
    return digest.digest()


def evidence_hash(value: bytes | str | Path, *, what: str = "reason") -> bytes:
    """The 32-byte hash recorded for a reason, evidence or venue name.

    A :class:`~pathlib.Path` is a file (SHA-256 of its bytes); ``bytes`` must be the 32-byte hash itself; a string
    is a 0x-prefixed 32-byte hex hash taken as is, or else text (SHA-256 of its UTF-8).
    """
    if isinstance(value, Path):
        return hash_file(value)
    if isinstance(value, bytes):
        if len(value) != 32:
            raise InvalidInputError(f"a {what} hash must be 32 bytes, got {len(value)}")
        return value
    text = value.strip()
    if not text:
        raise InvalidInputError(f"the {what} must not be empty")
    if re.fullmatch(r"0x[0-9a-fA-F]{64}", text):
        return bytes.fromhex(text[2:])
    return hash_text(text)


def bundle_hash(document_digests: Iterable[bytes]) -> bytes:
    """The content hash of a bundle of documents given by their SHA-256 digests."""
    digests = set(document_digests)
    if not digests:
        raise InvalidInputError("a document bundle needs at least one document")
    for digest in digests:
        if len(digest) != 32:
            raise InvalidInputError(f"a document digest must be 32 bytes, got {len(digest)}")
    return hash_bytes(BUNDLE_DOMAIN + b"".join(sorted(digests)))


def normalize_number(number: str, jurisdiction: str) -> str:
    """Normalises an official number: ``"US 11,234,567 B2"`` in ``US`` becomes ``"11234567B2"``."""
    code = jurisdiction.strip().upper()
    compact = _NUMBER_NOISE.sub("", number.upper())
    if compact.startswith(code) and len(compact) > len(code):
        compact = compact[len(code) :]
    if not compact or not _NUMBER_ALLOWED.match(compact) or not any(ch.isdigit() for ch in compact):
        raise InvalidInputError(f"official number {number!r} is not a number such as 'US 11,234,567 B2'")
    return compact


def official_identifier(kind: str, jurisdiction: str, number: str) -> str:
    """The normalised identifier a right id commits to, e.g. ``"patent:US:11234567B2"`` (the kind in lower case and
    the jurisdiction code in upper case, however they are given)."""
    return f"{kind.strip().lower()}:{jurisdiction.strip().upper()}:{normalize_number(number, jurisdiction)}"


def right_id(kind: str, jurisdiction: str, number: str) -> int:
    """The token id of a right: keccak-256 of the domain tag and its normalised identifier."""
    identifier = official_identifier(kind, jurisdiction, number)
    return int.from_bytes(keccak(RIGHT_DOMAIN + identifier.encode("utf-8")), "big")


def canonical_json(document: Mapping[str, Any]) -> bytes:
    """Canonical JSON bytes of a JSON-ready mapping (no ``None`` members at any depth)."""
    return json.dumps(
        _drop_nulls(document), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _drop_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_drop_nulls(item) for item in value]
    return value
