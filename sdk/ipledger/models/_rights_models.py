"""Models of rights in use: licence terms (validated before any transaction), licences, attestations, disputes and
royalty balances, as the licence registry, attestation registry, dispute manager and royalty vault record them.

Conventions (docs/licensing.md):

- a territory is an ISO 3166-1 alpha-2 country or a regional office (EP, WO...); no territories means worldwide;
- a field of use is a label; the chain records ``keccak256`` of its trimmed, lower-cased UTF-8 (:func:`field_hash`);
  no field means every field;
- a claim type is a name such as ``TITLE_VERIFIED``; the chain records ``keccak256`` of its upper-cased ASCII.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pycountry
from eth_utils.crypto import keccak
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ipledger.models._model_base import REGIONAL_OFFICES, Uint256, _Out

__all__ = [
    "STANDARD_CLAIMS",
    "Attestation",
    "ClaimType",
    "Dispute",
    "DisputeOutcome",
    "Exclusivity",
    "License",
    "LicenseCheck",
    "LicenseTerms",
    "Remedy",
    "RoyaltyOwed",
    "claim_type_hash",
    "field_hash",
    "field_label",
    "parse_territory",
]

_MAX_UINT40 = 2**40 - 1
_CLAIM = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")


class Exclusivity(StrEnum):
    """How far a licence excludes others, in the order of the contract's ``Exclusivity`` enum.

    ``sole``: no other licensee in its scope (the owner may still use the right); ``exclusive``: nobody else, the
    owner included. Both conflict with any overlapping licence.
    """

    NON_EXCLUSIVE = "non_exclusive"
    SOLE = "sole"
    EXCLUSIVE = "exclusive"

    @property
    def chain_value(self) -> int:
        return list(Exclusivity).index(self)

    @classmethod
    def from_chain(cls, value: int) -> Exclusivity:
        return list(Exclusivity)[value]


class ClaimType(StrEnum):
    """The standard claims an attestor makes (any other upper-case name is accepted too)."""

    TITLE_VERIFIED = "TITLE_VERIFIED"
    VALUATION = "VALUATION"
    FREEDOM_TO_OPERATE = "FREEDOM_TO_OPERATE"
    #: The right lapsed (a renewal or annuity fee unpaid, a term ended early) before the expiry the registry records:
    #: an attestor's word with its evidence (the office's notice), which a lender of a pledged right must see.
    LAPSED = "LAPSED"


STANDARD_CLAIMS: dict[str, str] = {}


class DisputeOutcome(StrEnum):
    """Where a dispute stands, in the order of the contract's ``Outcome`` enum."""

    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class Remedy(StrEnum):
    """What an upheld ruling does to the right besides flagging it, in the order of the contract's ``Remedy``."""

    NONE = "none"
    FREEZE = "freeze"
    FORCE_TRANSFER = "force_transfer"
    REVOKE = "revoke"

    @property
    def chain_value(self) -> int:
        return list(Remedy).index(self)


def parse_territory(code: str) -> str:
    """A territory code, upper-cased: an ISO 3166-1 alpha-2 country or a regional office (EP, WO...)."""
    text = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", text) or (
        text not in REGIONAL_OFFICES and pycountry.countries.get(alpha_2=text) is None
    ):
        raise ValueError(f"{code!r} is not a territory (an ISO 3166-1 alpha-2 country such as US, or EP, WO...)")
    return text


def field_label(label: str | None) -> str | None:
    """A field of use as the chain names it: trimmed, inner white space single, lower-cased; ``None`` for every
    field."""
    if label is None or not label.strip():
        return None
    return " ".join(label.split()).lower()


def field_hash(label: str | None) -> bytes:
    """The 32 bytes the chain records for a field of use: zero for every field, else keccak of its
    :func:`field_label`."""
    named = field_label(label)
    return bytes(32) if named is None else keccak(text=named)


def claim_type_hash(claim: str) -> bytes:
    """The 32 bytes the chain records for a claim type (``TITLE_VERIFIED`` → keccak256 of its ASCII)."""
    text = claim.strip().upper().replace("-", "_").replace(" ", "_")
    if not _CLAIM.fullmatch(text):
        raise ValueError(f"{claim!r} is not a claim type (upper-case letters, digits and _, e.g. TITLE_VERIFIED)")
    return keccak(text=text)


STANDARD_CLAIMS.update({"0x" + claim_type_hash(claim).hex(): claim.value for claim in ClaimType})


def _timestamp(value: dt.datetime | dt.date | int | None) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0), tzinfo=dt.UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return int(value.timestamp())


Territory = Annotated[str, Field(min_length=2, max_length=2)]


class LicenseTerms(BaseModel):
    """What an owner grants, checked before any transaction (the contract checks again).

    ``start`` and ``end`` are datetimes, dates (midnight UTC) or unix seconds; ``end=None`` means no end.
    ``royalty_bps`` is the royalty rate in basis points of the licensee's net sales; with a royalty, a
    ``payment_token`` is required.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    licensee: str
    terms: Path | str = Field(
        description="the licence agreement: a Path (its file is hashed), a 0x SHA-256, or a reference text (hashed)"
    )
    exclusivity: Exclusivity = Exclusivity.NON_EXCLUSIVE
    territories: tuple[Territory, ...] = ()
    field_of_use: str | None = None
    start: dt.datetime | dt.date | int
    end: dt.datetime | dt.date | int | None = None
    sublicensable: bool = False
    royalty_bps: int = Field(default=0, ge=0, le=10_000)
    payment_token: str | None = None

    @field_validator("territories", mode="before")
    @classmethod
    def _territories(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part for part in re.split(r"[,\s]+", value) if part]
        if isinstance(value, list | tuple):
            codes = [parse_territory(str(code)) for code in value]
            if any(code == "WW" for code in codes):
                raise ValueError("leave territories empty for worldwide")
            return tuple(sorted(set(codes)))
        return value

    @field_validator("field_of_use")
    @classmethod
    def _field(cls, value: str | None) -> str | None:
        if value is not None and len(value) > 200:
            raise ValueError("a field-of-use label is at most 200 characters")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> LicenseTerms:
        start, end = _timestamp(self.start), _timestamp(self.end)
        if not 0 <= start <= _MAX_UINT40 or not 0 <= end <= _MAX_UINT40:
            raise ValueError("start and end must be unix times within 40 bits")
        if end and end <= start:
            raise ValueError("the licence must end after it starts")
        if self.royalty_bps and self.payment_token is None:
            raise ValueError("a royalty needs a payment token")
        return self

    @property
    def start_time(self) -> int:
        return _timestamp(self.start)

    @property
    def end_time(self) -> int:
        return _timestamp(self.end)

    @property
    def field_hash(self) -> bytes:
        return field_hash(self.field_of_use)


class License(_Out):
    """A licence as the licence registry records it."""

    license_id: int
    token_id: int
    token_id_hex: str
    licensee: str
    grantor: str
    terms_hash: str
    exclusivity: Exclusivity
    territories: list[str]
    worldwide: bool
    field_hash: str
    field_of_use: str | None = None
    start: dt.datetime
    end: dt.datetime | None
    sublicensable: bool
    royalty_bps: int
    payment_token: str | None
    revoked_at: dt.datetime | None
    active: bool


class LicenseCheck(_Out):
    """The answer to "is X licensed for territory T and field F at time t?"."""

    token_id: int
    licensee: str
    territory: str
    field_hash: str
    at: dt.datetime
    licensed: bool
    license_id: int | None


class Attestation(_Out):
    """A third party's attestation about a right."""

    attestation_id: int
    token_id: int
    token_id_hex: str
    attestor: str
    claim_type: str
    claim_type_hash: str
    evidence_hash: str
    issued_at: dt.datetime
    expiry: dt.datetime | None
    revoked_at: dt.datetime | None
    valid: bool


class Dispute(_Out):
    """A dispute about a right and, once resolved, its ruling."""

    dispute_id: int
    token_id: int
    token_id_hex: str
    claimant: str
    evidence_hash: str
    bond_token: str | None
    bond: Uint256
    raised_at: dt.datetime
    resolved_at: dt.datetime | None
    outcome: DisputeOutcome
    remedy: Remedy
    locked_transfers: bool
    forfeit_on_dismissal: bool
    arbitrator: str | None
    ruling_hash: str | None


class RoyaltyOwed(_Out):
    """Royalties an account may withdraw or claim, in base units of ``token``."""

    account: str
    token: str
    amount: Uint256
    source: str = Field(description="'owner' (the royalty vault) or the share token's address")
