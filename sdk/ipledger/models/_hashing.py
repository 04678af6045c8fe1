"""Canonical hashing: what anyone can recompute to check a registration (rules in docs/hashing.md).

- A document's hash is SHA-256 of its bytes.
- A bundle's content hash is SHA-256 of ``b"ipledger.bundle.v1\\n"`` followed by the distinct document
  digests (32 raw bytes each) in ascending byte order: the order and repetition of documents do not matter.
- The right id (the token id) is derived from the right's primary official number by the registry itself
  (``ipledger.models._numbers``, docs/numbers.md).
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

from ipledger._exceptions import DocumentError, InvalidInputError

__all__ = [
    "Evidence",
    "BUNDLE_DOMAIN",
    "bundle_hash",
    "canonical_json",
    "evidence_hash",
    "hash_bytes",
    "hash_file",
    "hash_text",
]

BUNDLE_DOMAIN = b"ipledger.bundle.v1\n"
_CHUNK = 1 << 20


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


#: What a deed, court order, ruling, reason or report is given as: a :class:`~pathlib.Path` is a file (its SHA-256),
#: a ``str`` is text (the SHA-256 of its UTF-8; a 0x-prefixed 32-byte hex hash is taken as is), 32 ``bytes`` are the
#: hash itself. Every call that records evidence follows this one rule (:func:`evidence_hash`).
Evidence = bytes | str | Path


def evidence_hash(value: Evidence, *, what: str = "reason") -> bytes:
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
