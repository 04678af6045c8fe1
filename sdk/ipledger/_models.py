"""Pydantic models for what crosses a boundary: metadata in, records, history and reports out."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from enum import StrEnum
from typing import Any, Literal

import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ._exceptions import MetadataError
from ._hashing import canonical_json, hash_bytes, normalize_number, right_id

__all__ = [
    "REGIONAL_OFFICES",
    "Check",
    "DocumentRef",
    "EventKind",
    "History",
    "HistoryEvent",
    "IPMetadata",
    "RegistrationResult",
    "RightKind",
    "RightRecord",
    "RightStatus",
    "TransactionResult",
    "VerificationReport",
    "parse_metadata",
]

#: Regional and international offices accepted as jurisdictions beside ISO 3166-1 alpha-2 countries.
REGIONAL_OFFICES: dict[str, str] = {
    "EP": "European Patent Office",
    "WO": "WIPO (PCT / Madrid / Hague)",
    "EM": "EU Intellectual Property Office",
    "EA": "Eurasian Patent Organization",
    "AP": "ARIPO",
    "OA": "OAPI",
    "GC": "GCC Patent Office",
    "IB": "WIPO International Bureau",
}

#: Largest canonical metadata accepted, in bytes: metadata describes a right, documents stay off chain.
MAX_METADATA_BYTES = 64 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HEX32 = re.compile(r"^(0x)?[0-9a-fA-F]{64}$")
_EXPIRY_LIMIT = dt.date(2100, 1, 1)


class RightKind(StrEnum):
    """Kinds of rights, in the order of the contract's ``Kind`` enum."""

    PATENT = "patent"
    PATENT_APPLICATION = "patent_application"
    UTILITY_MODEL = "utility_model"
    DESIGN = "design"
    TRADEMARK = "trademark"
    COPYRIGHT = "copyright"
    TRADE_SECRET = "trade_secret"

    @property
    def chain_value(self) -> int:
        """The value of this kind in the contract's ``Kind`` enum."""
        return list(RightKind).index(self)

    @classmethod
    def from_chain(cls, value: int) -> RightKind:
        return list(cls)[value]


class RightStatus(StrEnum):
    """Status of a right as the registry reports it."""

    ACTIVE = "active"
    FROZEN = "frozen"
    EXPIRED = "expired"


def _plain_text(value: str, field: str) -> str:
    if _CONTROL.search(value):
        raise ValueError(f"{field} contains control characters")
    return value


class DocumentRef(BaseModel):
    """A document of the bundle, by name and digest; its bytes are never uploaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=255)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)


class IPMetadata(BaseModel):
    """Metadata of an intellectual-property right, validated before any transaction is sent."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=500)
    kind: RightKind
    jurisdiction: str = Field(min_length=2, max_length=2)
    number: str | None = Field(default=None, min_length=1, max_length=64)
    inventors: tuple[str, ...] = ()
    assignee: str | None = Field(default=None, max_length=500)
    filing_date: dt.date | None = None
    priority_date: dt.date | None = None
    grant_date: dt.date | None = None
    expiry_date: dt.date | None = None
    abstract: str | None = Field(default=None, max_length=20_000)
    documents: tuple[DocumentRef, ...] = ()

    @field_validator("title", "assignee", "abstract")
    @classmethod
    def _no_control_characters(cls, value: str | None) -> str | None:
        return None if value is None else _plain_text(value, "text")

    @field_validator("inventors")
    @classmethod
    def _inventor_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        names = tuple(name.strip() for name in value)
        for name in names:
            if not name or len(name) > 200:
                raise ValueError("inventor names must be 1 to 200 characters")
            _plain_text(name, "inventor name")
        return names

    @field_validator("jurisdiction")
    @classmethod
    def _known_jurisdiction(cls, value: str) -> str:
        code = value.upper()
        if code not in REGIONAL_OFFICES and pycountry.countries.get(alpha_2=code) is None:
            raise ValueError(f"{value!r} is neither an ISO 3166-1 alpha-2 country nor a regional office")
        return code

    @model_validator(mode="after")
    def _consistent(self) -> IPMetadata:
        if self.number is None and self.kind is not RightKind.TRADE_SECRET:
            raise ValueError(f"a {self.kind.value} needs its official number")
        if self.number is not None:
            try:
                normalize_number(self.number, self.jurisdiction)
            except ValueError as exc:
                raise ValueError(str(exc)) from None
        order = [
            ("priority_date", self.priority_date),
            ("filing_date", self.filing_date),
            ("grant_date", self.grant_date),
            ("expiry_date", self.expiry_date),
        ]
        known = [(name, day) for name, day in order if day is not None]
        for (first, first_day), (second, second_day) in itertools.pairwise(known):
            if first_day > second_day:
                raise ValueError(f"{first} {first_day} is after {second} {second_day}")
        if self.expiry_date is not None and self.expiry_date >= _EXPIRY_LIMIT:
            raise ValueError("expiry_date must be before 2100-01-01; leave it out for perpetual rights")
        if len(self.canonical_bytes()) > MAX_METADATA_BYTES:
            raise ValueError(f"metadata exceeds {MAX_METADATA_BYTES} bytes; keep documents out of it")
        return self

    def identifier_number(self, content_hash: bytes) -> str:
        """The official number, or for unnumbered know-how a reference derived from the content hash."""
        return self.number if self.number is not None else "SHA256/" + content_hash.hex()[:40].upper()

    def right_id(self, content_hash: bytes) -> int:
        """The token id this right gets (see docs/hashing.md)."""
        return right_id(self.kind.value, self.jurisdiction, self.identifier_number(content_hash))

    def canonical_bytes(self) -> bytes:
        """Canonical JSON of the metadata (the bytes its hash is taken over)."""
        return canonical_json(self.model_dump(mode="json"))

    def metadata_hash(self) -> bytes:
        """SHA-256 of the canonical JSON."""
        return hash_bytes(self.canonical_bytes())

    def expiry_timestamp(self) -> int:
        """Expiry as the unix time the contract stores (end of the expiry day, UTC), 0 when none."""
        if self.expiry_date is None:
            return 0
        end = dt.datetime.combine(self.expiry_date, dt.time(23, 59, 59), tzinfo=dt.UTC)
        return int(end.timestamp())


def parse_metadata(data: dict[str, Any]) -> IPMetadata:
    """Validates a metadata mapping, raising :class:`MetadataError` with every problem on one line."""
    try:
        return IPMetadata.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise MetadataError(f"invalid metadata: {problems}") from None


def _describe(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "metadata"
    return f"{where}: {str(error['msg']).removeprefix('Value error, ')}"


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class TransactionResult(_Out):
    """A mined, successful transaction."""

    tx_hash: str
    block: int
    gas_used: int


class RegistrationResult(_Out):
    """What a registration produced."""

    token_id: int
    token_id_hex: str
    content_hash: str
    owner: str
    tx_hash: str
    block: int
    gas_used: int
    metadata_uri: str
    self_declared: bool


class RightRecord(_Out):
    """A right's record: what the registry stores plus what its registration event says."""

    token_id: int
    token_id_hex: str
    owner: str
    kind: RightKind
    jurisdiction: str
    status: RightStatus
    self_declared: bool
    registered_at: dt.datetime
    expiry: dt.datetime | None
    content_hash: str
    metadata_uri: str
    registrar: str | None
    registration_tx: str
    registration_block: int


EventKind = Literal[
    "registered",
    "transfer",
    "assignment",
    "forced_transfer",
    "claim_superseded",
    "frozen",
    "unfrozen",
    "metadata_updated",
]


class HistoryEvent(_Out):
    """One thing that happened to a right, in chain order."""

    kind: EventKind
    from_: str | None = Field(default=None, alias="from", serialization_alias="from")
    to: str | None = None
    block: int
    timestamp: dt.datetime
    tx_hash: str
    log_index: int
    by: str | None = None
    deed_hash: str | None = None
    order_hash: str | None = None
    content_hash: str | None = None
    metadata_uri: str | None = None


class History(_Out):
    """The ordered history of a right."""

    token_id: int
    token_id_hex: str
    events: list[HistoryEvent]


class Check(_Out):
    """One named verification check."""

    name: str
    ok: bool
    detail: str


class VerificationReport(_Out):
    """The verdict on a right, its named checks, and what an auditor must notice."""

    token_id: int
    token_id_hex: str
    verdict: Literal["verified", "failed"]
    checks: list[Check]
    notices: list[str]
    record: RightRecord | None
    events: list[HistoryEvent]
    registry: str
    chain_id: int
    checked_at_block: int


def is_hex32(value: str) -> bool:
    """Whether ``value`` is 32 bytes of hex, with or without ``0x``."""
    return bool(_HEX32.match(value))
