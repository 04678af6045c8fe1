"""A right's public record: the metadata published on chain, its confidential fields sealed (docs/metadata.md).

- The record is canonical JSON (UTF-8, keys sorted, no insignificant white space) of the metadata, without ``null``
  members and empty lists, with ``"v": 1``. Its SHA-256 is the right's metadata hash; the registry publishes the
  bytes in ``RightRegistered`` and ``MetadataPublished`` and stores nothing.
- A confidential field is left out and sealed: ``sealed[field]`` is SHA-256 of a 32-byte salt followed by the
  canonical JSON of ``{field: value}``. A bare hash of a date or a name would be found by trying them; the salt
  stops that. The field name is inside, so a commitment cannot be moved to another field.
- Opening publishes a new record with the field in clear and its salt under ``opened[field]``; a reader checks the
  value against the commitment the field had before (``check_openings``, and over a right's whole series of records
  ``record_history_problems``). A salt, once opened, is spent: a field sealed again gets a fresh one.
- An unpublished application's record leaves its numbers out (``"unpublished": true``): the chain holds only the
  salted commitment to the number, and the record must not undo that.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ipledger._exceptions import InvalidInputError
from ipledger.models._hashing import canonical_json, hash_bytes

__all__ = [
    "RECORD_VERSION",
    "check_openings",
    "public_record",
    "read_record",
    "record_history_problems",
    "record_or_none",
    "seal",
]

RECORD_VERSION = 1


def seal(field: str, value: Any, salt: bytes) -> str:
    """The commitment to ``value`` of ``field`` (JSON-ready) under ``salt``: 64 hex digits."""
    if len(salt) != 32:
        raise InvalidInputError(f"field {field!r}: a salt must be 32 bytes, got {len(salt)}")
    return hash_bytes(salt + canonical_json({field: value})).hex()


def public_record(
    metadata: Any,
    salts: Mapping[str, bytes],
    opened: Mapping[str, bytes] | None = None,
    *,
    unpublished: bool = False,
) -> bytes:
    """The record bytes of ``metadata`` (an :class:`~ipledger.IPMetadata`): its ``confidential`` fields sealed with
    ``salts``, except those in ``opened`` (field to salt), which are published in clear with their salts; with
    ``unpublished`` its numbers are left out (an application registered under a commitment)."""
    data = metadata.model_dump(mode="json", exclude={"confidential"})
    if unpublished:
        data.pop("number", None)
        data.pop("numbers", None)
        data["unpublished"] = True
    opened = opened or {}
    sealed: dict[str, str] = {}
    openings: dict[str, str] = {}
    for field in metadata.confidential:
        # An empty confidential field is sealed too: which fields are empty is not revealed either.
        value = data.get(field)
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


def record_or_none(data: bytes) -> dict[str, Any] | None:
    """The record in ``data`` as a mapping, or ``None`` when nothing or no record was published."""
    try:
        return read_record(data) if data else None
    except ValueError:
        return None


def record_history_problems(records: Sequence[tuple[int, Mapping[str, Any] | None]]) -> list[str]:
    """What is wrong with a right's series of public records (``(block, record)`` in chain order, ``None`` for bytes
    that are not a record): an opening that does not match the commitment the field had, a commitment that changed
    without being opened, a field shown in clear beside its commitment without its salt. Empty when all is honest."""
    problems: list[str] = []
    commitments: dict[str, tuple[str, int]] = {}
    for block, record in records:
        if record is None:
            continue
        sealed = dict(record.get("sealed") or {})
        opened = dict(record.get("opened") or {})
        for field, salt_hex in opened.items():
            earlier = commitments.get(field)
            if earlier is None:
                problems.append(f"block {block}: opens {field}, which no earlier record sealed")
                continue
            try:
                honest = seal(field, record.get(field), bytes.fromhex(str(salt_hex))) == earlier[0]
            except (ValueError, InvalidInputError):
                honest = False
            if not honest:
                problems.append(
                    f"block {block}: the opened {field} does not match its commitment of block {earlier[1]}"
                )
            del commitments[field]
        for field, commitment in sealed.items():
            if field in opened:
                continue
            if field in record:
                problems.append(f"block {block}: {field} is in clear beside its commitment, without its salt")
            earlier = commitments.get(field)
            if earlier is None:
                commitments[field] = (str(commitment), block)
            elif earlier[0] != commitment:
                problems.append(
                    f"block {block}: the commitment to {field} changed without being opened (sealed in block "
                    f"{earlier[1]})"
                )
    return problems


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
