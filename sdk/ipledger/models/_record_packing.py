"""The record the registry packs beside a token's owner (``RecordPacking.sol``, docs/storage.md), as its events
carry it."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["PackedRecord", "unpack_record"]


class PackedRecord(NamedTuple):
    """The fields of a packed ``uint96`` record."""

    frozen: bool
    self_declared: bool
    dispute_locked: bool
    #: Pledged to a loan (the loan desk's lock, bit 7): it cannot change hands until released.
    pledged: bool
    kind: int
    jurisdiction: str
    registered_at: int
    expiry: int


def unpack_record(record: int) -> PackedRecord:
    """Reads a packed record: bits 0-2 flags, 4-6 kind, 7 pledged, 8-23 jurisdiction, 24-55 registration time,
    56-95 expiry."""
    return PackedRecord(
        frozen=bool(record & 1),
        self_declared=bool(record & 2),
        dispute_locked=bool(record & 4),
        pledged=bool(record & 0x80),
        kind=(record >> 4) & 0x7,
        jurisdiction=((record >> 8) & 0xFFFF).to_bytes(2, "big").decode("ascii", errors="replace"),
        registered_at=(record >> 24) & 0xFFFFFFFF,
        expiry=(record >> 56) & 0xFFFFFFFFFF,
    )
