"""Helpers for the licence registry tests (fixtures live in this folder's conftest.py).

Builds on ``registry_helpers`` (revert capture, events, clock):

- ``reverts(name, *args)``: the same byte-for-byte check as ``registry_helpers.reverts`` (name AND arguments),
  against the custom errors of LicenseRegistry and IPRegistry (a grant on an unknown right bubbles the registry's
  ``UnknownToken``). ``InvalidRoyalty`` exists in both; the overload is chosen by the number of arguments.
- ``Terms``: ILicenseRegistry.Terms, and the expected ``LicenseGranted`` arguments for it.
- The conventions of docs/licensing.md: field hash (keccak-256 of the trimmed, lower-cased label) and territory
  bit index (``(first - 'A') * 26 + (second - 'A')``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from error_catalog import ErrorCatalog
from eth_utils import keccak
from registry_helpers import ZERO_ADDRESS, ZERO_BYTES32, address_of, b

# ILicenseRegistry.Exclusivity
NON_EXCLUSIVE, SOLE, EXCLUSIVE = range(3)
EXCLUSIVITY_NAMES = {NON_EXCLUSIVE: "non-exclusive", SOLE: "sole", EXCLUSIVE: "exclusive"}

DAY = 86_400
YEAR = 365 * DAY

AGREEMENT = keccak(text="licence agreement 2026-001 (signed PDF)")
REASON = keccak(text="notice of termination for breach, 2026-03-01")
DEED = keccak(text="deed of assignment")
ORDER = keccak(text="court order 2026/12")

_CONTRACTS = ("LicenseRegistry", "IPRegistry")


def field_hash(label: str) -> bytes:
    """The field-of-use hash of docs/licensing.md: keccak-256 of the trimmed, lower-cased label."""
    return keccak(text=label.strip().lower())


PHARMA = field_hash("Pharmaceuticals")
AGRI = field_hash("Agriculture")


def territory_index(code: bytes) -> int:
    """The bit of a territory in the licence's 676-bit map."""
    return (code[0] - 65) * 26 + (code[1] - 65)


def territory_of(index: int) -> bytes:
    return bytes([65 + index // 26, 65 + index % 26])


ALL_TERRITORIES = tuple(territory_of(i) for i in range(676))


@dataclass(frozen=True)
class Terms:
    """ILicenseRegistry.Terms; ``territories`` empty means worldwide, ``field`` zero every field, ``end`` 0 none."""

    licensee: Any
    terms_hash: bytes = AGREEMENT
    exclusivity: int = NON_EXCLUSIVE
    territories: tuple[bytes, ...] = ()
    field: bytes = ZERO_BYTES32
    start: int = 0
    end: int = 0
    sublicensable: bool = False
    royalty_bps: int = 0
    payment_token: Any = ZERO_ADDRESS

    def as_tuple(self) -> tuple[Any, ...]:
        return (
            address_of(self.licensee),
            self.terms_hash,
            self.exclusivity,
            list(self.territories),
            self.field,
            self.start,
            self.end,
            self.sublicensable,
            self.royalty_bps,
            address_of(self.payment_token),
        )

    def but(self, **changes: Any) -> Terms:
        return replace(self, **changes)

    def granted_event(self, license_id: int, token_id: int, grantor: Any) -> dict[str, Any]:
        """The arguments ``LicenseGranted`` must carry for a grant of these terms (as ``normalised``)."""
        return {
            "licenseId": license_id,
            "tokenId": token_id,
            "licensee": address_of(self.licensee),
            "grantor": address_of(grantor),
            "termsHash": self.terms_hash,
            "exclusivity": self.exclusivity,
            "territories": list(self.territories),
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "sublicensable": self.sublicensable,
            "royaltyBps": self.royalty_bps,
            "paymentToken": address_of(self.payment_token),
        }


def license_ids(licenses: Any, token_id: int) -> list[int]:
    """``licensesOf(token_id)`` as plain ints (brownie's ReturnValue refuses to compare with a list of ints)."""
    return [int(i) for i in licenses.licensesOf(token_id)]


def licensed_by(
    licenses: Any, token_id: int, licensee: Any, territory: bytes, field: bytes, time: int
) -> tuple[bool, int]:
    """``isLicensed`` as a plain (bool, int) pair."""
    licensed, license_id = licenses.isLicensed(token_id, licensee, territory, field, time)
    return bool(licensed), int(license_id)


def normalised(events: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """``events_of`` output with byte arrays (the territory list) as lists of plain bytes and addresses
    checksummed, so it compares with ``Terms.granted_event``."""
    out = []
    for name, args in events:
        fixed = {}
        for key, value in args.items():
            if isinstance(value, list | tuple):
                fixed[key] = [b(v) for v in value]
            elif isinstance(value, str) and value.startswith("0x") and len(value) == 42:
                fixed[key] = address_of(value)
            else:
                fixed[key] = value
        out.append((name, fixed))
    return out


# --------------------------------------------------------------------------------------------- errors


_CATALOG = ErrorCatalog(_CONTRACTS)
encode_error = _CATALOG.encode
describe_error = _CATALOG.describe
reverts = _CATALOG.reverts
