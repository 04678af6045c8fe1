"""A right's public record: the metadata published on chain, its confidential fields sealed (docs/metadata.md).

- The record is canonical JSON (UTF-8, keys sorted, no insignificant white space) of the metadata, without ``null``
  members and empty lists, with ``"v": 1``. Its SHA-256 is the right's metadata hash; the registry publishes the
  bytes in ``RightRegistered`` and ``MetadataPublished`` and stores nothing.
- A confidential field is left out and sealed: ``sealed[field]`` is SHA-256 of a 32-byte salt followed by the
  canonical JSON of ``{field: value}``. A bare hash of a date or a name would be found by trying them; the salt
  stops that. The field name is inside, so a commitment cannot be moved to another field.
- Opening publishes a new record with the field in clear and its salt under ``opened[field]``; a reader checks the
  value against the commitment of the earlier record (``check_openings``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ._exceptions import InvalidInputError
from ._hashing import canonical_json, hash_bytes

__all__ = ["RECORD_VERSION", "check_openings", "public_record", "read_record", "seal"]

RECORD_VERSION = 1


def seal(field: str, value: Any, salt: bytes) -> str:
    """The commitment to ``value`` of ``field`` (JSON-ready) under ``salt``: 64 hex digits."""
    if len(salt) != 32:
        raise InvalidInputError(f"field {field!r}: a salt must be 32 bytes, got {len(salt)}")
    return hash_bytes(salt + canonical_json({field: value})).hex()


def public_record(metadata: Any, salts: Mapping[str, bytes], opened: Mapping[str, bytes] | None = None) -> bytes:
    """The record bytes of ``metadata`` (an :class:`~ipledger.IPMetadata`): its ``confidential`` fields sealed with
    ``salts``, except those in ``opened`` (field to salt), which are published in clear with their salts."""
    data = metadata.model_dump(mode="json", exclude={"confidential"})
    opened = opened or {}
    sealed: dict[str, str] = {}
    openings: dict[str, str] = {}
    for field in metadata.confidential:
        value = data.get(field)
        if value is None or value == []:
            continue
        salt = salts.get(field)
        if salt is None:
            raise InvalidInputError(f"field {field!r} is confidential but no salt was given for it")
        sealed[field] = seal(field, value, salt)
        if field in opened:
            if opened[field] != salt:
                raise InvalidInputError(f"field {field!r}: the salt to open it is not the one it was sealed with")
            openings[field] = salt.hex()
        else:
            del data[field]
    data = {key: value for key, value in data.items() if value is not None and value != []}
    if sealed:
        data["sealed"] = sealed
    if openings:
        data["opened"] = openings
    data["v"] = RECORD_VERSION
    return canonical_json(data)


def read_record(data: bytes) -> dict[str, Any]:
    """The record published on chain as a mapping; raises ``ValueError`` saying why when it is not a record."""
    try:
        record = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("the published record is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"the published record is not JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise ValueError("the published record is not a JSON object")
    if record.get("v") != RECORD_VERSION:
        raise ValueError(f"the published record is not of version {RECORD_VERSION}")
    if canonical_json(record) != data:
        raise ValueError("the published record is not in canonical form")
    return record


def check_openings(record: Mapping[str, Any], earlier_sealed: Mapping[str, str]) -> list[str]:
    """The fields ``record`` opens whose value or salt does not match the commitment ``earlier_sealed`` holds; empty
    when every opening is honest."""
    wrong = []
    for field, salt_hex in dict(record.get("opened") or {}).items():
        commitment = earlier_sealed.get(field)
        try:
            salt = bytes.fromhex(str(salt_hex))
            honest = commitment is not None and seal(field, record.get(field), salt) == commitment
        except (ValueError, InvalidInputError):
            honest = False
        if not honest:
            wrong.append(field)
    return wrong
