"""Pydantic models for what crosses a boundary: metadata in, records, history and reports out."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, Literal

import pycountry
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ipledger._exceptions import MetadataError
from ipledger.models._hashing import canonical_json, hash_bytes
from ipledger.models._model_base import REGIONAL_OFFICES, ZERO_ADDRESS, Address, Uint256, _Out
from ipledger.models._numbers import OfficialNumber, know_how_number, parse_number
from ipledger.models._pledges import Pledge
from ipledger.models._public_record import public_record, read_record, record_history_problems, record_or_none
from ipledger.models._right_kind import RightKind
from ipledger.models._rights_models import Attestation, Dispute, License

__all__ = [
    "REGIONAL_OFFICES",
    "ZERO_ADDRESS",
    "Address",
    "AssetKind",
    "CapTable",
    "Check",
    "Deployment",
    "DocumentRef",
    "DocumentRole",
    "EventKind",
    "FillResult",
    "FractionalizeResult",
    "History",
    "HistoryEvent",
    "Holding",
    "IPMetadata",
    "Identity",
    "IdentityKind",
    "CountryRuleMode",
    "TransferRules",
    "Network",
    "Order",
    "OrderState",
    "OrderStatus",
    "Permit",
    "PublicRecord",
    "RegistrationResult",
    "RightKind",
    "RightRecord",
    "RightStatus",
    "ShareTokenInfo",
    "SignedOrder",
    "TokenInfo",
    "TransactionResult",
    "Uint256",
    "VerificationReport",
    "is_hex32",
    "parse_metadata",
    "public_record_fields",
    "record_from_chain",
    "expiry_timestamp",
]

#: Largest public record accepted, in bytes: it is published on chain (about 24 gas a byte), documents stay off it.
MAX_METADATA_BYTES = 8 * 1024
#: Fields an owner may keep confidential (published as salted commitments, opened later); the right's identity
#: (kind, office, numbers, family, expiry) is on chain in clear anyway.
SEALABLE_FIELDS = (
    "title",
    "inventors",
    "assignee",
    "filing_date",
    "priority_date",
    "publication_date",
    "grant_date",
    "nice_classes",
    "abstract",
    "documents",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HEX32 = re.compile(r"^(0x)?[0-9a-fA-F]{64}$")
_EXPIRY_LIMIT = dt.date(2100, 1, 1)


class RightStatus(StrEnum):
    """Status of a right as the registry reports it."""

    ACTIVE = "active"
    FROZEN = "frozen"
    EXPIRED = "expired"
    #: Burnt by a registrar under a court order or an upheld dispute; its history stays readable.
    REVOKED = "revoked"


def _plain_text(value: str, field: str) -> str:
    if _CONTROL.search(value):
        raise ValueError(f"{field} contains control characters")
    return value


class DocumentRole(StrEnum):
    """What a document of the bundle is; part of the public record, unlike the local file name."""

    CLAIMS = "claims"
    DESCRIPTION = "description"
    DRAWINGS = "drawings"
    ABSTRACT = "abstract"
    SPECIFICATION = "specification"
    SEQUENCE_LISTING = "sequence_listing"
    TRANSLATION = "translation"
    PRIORITY_DOCUMENT = "priority_document"
    CERTIFICATE = "certificate"
    DEED = "deed"
    SAMPLE = "sample"
    OTHER = "other"


class DocumentRef(BaseModel):
    """A document of the bundle, identified by its content alone (digest and size) and optionally its role; its
    bytes are never uploaded and its local file name is never recorded (docs/hashing.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    role: DocumentRole | None = None


class IPMetadata(BaseModel):
    """Metadata of an intellectual-property right, validated before any transaction is sent."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=500)
    kind: RightKind
    jurisdiction: str = Field(min_length=2, max_length=2)
    number: str | None = Field(default=None, min_length=1, max_length=64)
    numbers: tuple[str, ...] = ()
    family: tuple[str, ...] = ()
    inventors: tuple[str, ...] = ()
    assignee: str | None = Field(default=None, max_length=500)
    filing_date: dt.date | None = None
    priority_date: dt.date | None = None
    publication_date: dt.date | None = None
    grant_date: dt.date | None = None
    expiry_date: dt.date | None = None
    #: Trademarks: the Nice classes of the goods and services, 1 to 45.
    nice_classes: tuple[int, ...] = ()
    #: A short abstract: it is published on chain.
    abstract: str | None = Field(default=None, max_length=2_000)
    documents: tuple[DocumentRef, ...] = ()
    #: Fields published only as salted commitments until the owner opens them (``SEALABLE_FIELDS``).
    confidential: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _office_from_number(cls, data: Any) -> Any:
        """Without a jurisdiction, the office the number names (ZL, CN, EP, 特許, PCT/...), when it names one."""
        if (
            isinstance(data, dict)
            and not data.get("jurisdiction")
            and isinstance(data.get("number"), str)
            and data.get("kind") != RightKind.TRADE_SECRET.value
        ):
            try:
                return {**data, "jurisdiction": parse_number(data["number"]).office}
            except ValueError as exc:
                raise ValueError(str(exc)) from None
        return data

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

    @field_validator("number")
    @classmethod
    def _canonical_number(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind, office = info.data.get("kind"), info.data.get("jurisdiction")
        if value is None or kind is None or office is None or kind is RightKind.TRADE_SECRET:
            return value
        parsed = _parsed(value, office, kind=kind.value)
        if parsed.family:
            raise ValueError(
                f"{parsed.canonical} is shared by every national phase of the family: register the right under its "
                "own office's number and list this one under family"
            )
        return parsed.canonical

    @field_validator("numbers")
    @classmethod
    def _canonical_numbers(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        kind, office = info.data.get("kind"), info.data.get("jurisdiction")
        if not value or kind is None or office is None:
            return value
        if kind is RightKind.TRADE_SECRET:
            raise ValueError("know-how has no official numbers besides the owner's reference (number)")
        canonical = []
        for text in value:
            try:
                family = parse_number(text).family
            except ValueError:
                family = False
            parsed = _parsed(text, None) if family else _parsed(text, office)
            if parsed.family:
                raise ValueError(f"{parsed.canonical} is a number of the family: list it under family")
            canonical.append(parsed.canonical)
        return tuple(canonical)

    @field_validator("documents")
    @classmethod
    def _documents_in_digest_order(cls, value: tuple[DocumentRef, ...]) -> tuple[DocumentRef, ...]:
        """In digest order: the order the files were given in does not change the record."""
        return tuple(sorted(value, key=lambda ref: (ref.sha256, ref.role or "")))

    @field_validator("nice_classes")
    @classmethod
    def _nice_classes(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        for number in value:
            if not 1 <= number <= 45:
                raise ValueError(f"Nice class {number} does not exist; expected 1 to 45")
        return tuple(sorted(set(value)))

    @field_validator("confidential")
    @classmethod
    def _sealable(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if name not in SEALABLE_FIELDS:
                raise ValueError(f"{name!r} cannot be kept confidential; expected some of {', '.join(SEALABLE_FIELDS)}")
        return tuple(sorted(set(value)))

    @field_validator("family")
    @classmethod
    def _canonical_family(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_parsed(text, None, family=True).canonical for text in value)

    @model_validator(mode="after")
    def _consistent(self) -> IPMetadata:
        if self.number is None and self.kind is not RightKind.TRADE_SECRET:
            raise ValueError(f"a {self.kind.value} needs its official number")
        order = [
            ("priority_date", self.priority_date),
            ("filing_date", self.filing_date),
            ("publication_date", self.publication_date),
            ("grant_date", self.grant_date),
            ("expiry_date", self.expiry_date),
        ]
        known = [(name, day) for name, day in order if day is not None]
        for (first, first_day), (second, second_day) in itertools.pairwise(known):
            if first_day > second_day:
                raise ValueError(f"{first} {first_day} is after {second} {second_day}")
        if self.expiry_date is not None and self.expiry_date >= _EXPIRY_LIMIT:
            raise ValueError("expiry_date must be before 2100-01-01; leave it out for perpetual rights")
        size = len(canonical_json(self.model_dump(mode="json", exclude={"confidential"})))
        if size > MAX_METADATA_BYTES:
            raise ValueError(
                f"the public record would be {size} bytes, more than {MAX_METADATA_BYTES}; shorten the abstract"
            )
        return self

    def official_numbers(self, content_hash: bytes) -> tuple[OfficialNumber, ...]:
        """The right's numbers as the registry takes them: the primary number first (for know-how, the owner's
        reference, or without one the content hash, as a "KH" number), then its other numbers, then its family
        links (docs/numbers.md)."""
        if self.kind is RightKind.TRADE_SECRET:
            primary = know_how_number(self.number or content_hash.hex(), self.jurisdiction)
        else:
            assert self.number is not None  # checked by _consistent
            primary = parse_number(self.number, self.jurisdiction)
        others = tuple(parse_number(text, self.jurisdiction) for text in self.numbers)
        return (primary, *others, *(parse_number(text, None, family=True) for text in self.family))

    def right_id(self, content_hash: bytes) -> int:
        """The token id this right gets: the key of its primary number, as the registry derives it."""
        return self.official_numbers(content_hash)[0].key

    def public_record(
        self,
        salts: Mapping[str, bytes] | None = None,
        opened: Mapping[str, bytes] | None = None,
        *,
        unpublished: bool = False,
    ) -> bytes:
        """The public record published on chain: canonical JSON of the metadata, its confidential fields replaced by
        salted commitments under ``sealed`` (``salts``: one 32-byte salt per confidential field), those in
        ``opened`` published in clear with their salts; ``unpublished`` leaves the numbers out (docs/metadata.md)."""
        return public_record(self, salts or {}, opened, unpublished=unpublished)

    def metadata_hash(
        self,
        salts: Mapping[str, bytes] | None = None,
        opened: Mapping[str, bytes] | None = None,
        *,
        unpublished: bool = False,
    ) -> bytes:
        """SHA-256 of the public record: the right's metadata hash."""
        return hash_bytes(self.public_record(salts, opened, unpublished=unpublished))

    def expiry_timestamp(self) -> int:
        """Expiry as the unix time the contract stores (end of the expiry day, UTC), 0 when none."""
        return 0 if self.expiry_date is None else expiry_timestamp(self.expiry_date)


def expiry_timestamp(day: dt.date) -> int:
    """The unix time the contract stores for an expiry on ``day``: the end of that day, UTC."""
    return int(dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.UTC).timestamp())


def _parsed(text: str, office: str | None, *, kind: str | None = None, family: bool = False) -> OfficialNumber:
    """``parse_number`` for a validator: its refusal as the ValueError pydantic reports."""
    try:
        return parse_number(text, office, kind=kind, family=family)
    except ValueError as exc:
        raise ValueError(str(exc)) from None


def parse_metadata(data: dict[str, Any]) -> IPMetadata:
    """Validates a metadata mapping, raising :class:`MetadataError` with every problem on one line."""
    try:
        return IPMetadata.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise MetadataError(f"invalid metadata: {problems}") from None


def _describe(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    where = ".".join(str(part) for part in error["loc"])
    # The numbering rules name their field themselves ("number 'ZL 2020 1 0123456.3': ...").
    if not where or message.startswith(f"{where} ") or message.startswith("field "):
        return message
    return f"{where}: {message}"


class TransactionResult(_Out):
    """A mined, successful transaction.

    When another account's transaction did exactly what was asked first (a copier re-sent ours with a higher tip,
    or the spender submitted the permit it was handed), ``tx_hash``, ``block`` and ``gas_used`` are that
    transaction's, ``submitted_by`` names its sender and ``own_tx_hash`` our own transaction, which then reverted
    or was never sent (``None``); both are ``None`` when our own transaction did it.

    ``resent`` counts the times a reorganization of the chain dropped the mined transaction and its signed bytes
    were sent again (same nonce and signature: it cannot take effect twice); ``block`` is then the block of the copy
    that stayed. ``confirmations`` is how deep ``block`` was last seen in the canonical chain (1: included, not waited
    on; ``Ledger.connect(confirmations=N)`` waits for N).
    """

    tx_hash: str
    block: int
    gas_used: int
    submitted_by: str | None = None
    own_tx_hash: str | None = None
    resent: int = 0
    confirmations: int = 1


class RegistrationResult(_Out):
    """What a registration produced (``submitted_by`` and ``own_tx_hash`` as in :class:`TransactionResult`)."""

    token_id: int
    token_id_hex: str
    content_hash: str
    owner: str
    tx_hash: str
    block: int
    gas_used: int
    #: SHA-256 of the public record published with the registration (docs/metadata.md), 0x hex.
    metadata_hash: str
    self_declared: bool
    submitted_by: str | None = None
    own_tx_hash: str | None = None
    #: As in :class:`TransactionResult`: resends after a reorganization, and the depth of ``block`` last seen.
    resent: int = 0
    confirmations: int = 1
    #: The right's numbers as registered, canonical, primary first (docs/numbers.md).
    numbers: list[str] = Field(default_factory=list)
    #: Registered under an unpublished application's commitment: the salt (0x hex) that opens it at publication.
    #: Keep it; without it the application number cannot be tied to the token.
    unpublished_salt: str | None = None
    #: The size of the public record published on chain, in bytes.
    record_bytes: int = 0


class PublicRecord(_Out):
    """A right's public record as published on chain (docs/metadata.md), read leniently: a self-declared claimant
    may publish anything, so every field is optional and the published bytes decide."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    title: str | None = None
    kind: str | None = None
    jurisdiction: str | None = None
    number: str | None = None
    numbers: list[str] = Field(default_factory=list)
    family: list[str] = Field(default_factory=list)
    inventors: list[str] = Field(default_factory=list)
    assignee: str | None = None
    filing_date: str | None = None
    priority_date: str | None = None
    publication_date: str | None = None
    grant_date: str | None = None
    expiry_date: str | None = None
    nice_classes: list[int] = Field(default_factory=list)
    abstract: str | None = None
    documents: list[DocumentRef] = Field(default_factory=list)
    #: Confidential fields: their salted commitments (64 hex digits), by field.
    sealed: dict[str, str] = Field(default_factory=dict)
    #: Confidential fields opened in this record: their salts (64 hex digits), by field.
    opened: dict[str, str] = Field(default_factory=dict)
    #: An application registered under a commitment: its numbers are left out until it is published.
    unpublished: bool = False


def record_from_chain(data: bytes) -> tuple[PublicRecord | None, str | None]:
    """The public record in ``data`` (a ``RightRegistered`` or ``MetadataPublished`` log's bytes), or ``None`` and
    why it is not one (no reason for empty bytes: nothing was published)."""
    if not data:
        return None, None
    try:
        return PublicRecord.model_validate(read_record(data)), None
    except ValidationError as exc:
        return None, f"the published record does not read as metadata: {_describe(exc.errors()[0])}"
    except ValueError as exc:
        return None, str(exc)


def public_record_fields(records: Sequence[tuple[int, bytes, str | None]]) -> dict[str, Any]:
    """A right record's fields that come from its public records (``(block, bytes, publisher)`` of its current
    life, in chain order): the latest one, who published it, and what is wrong across them."""
    _, data, publisher = records[-1]
    metadata, problem = record_from_chain(data)
    return {
        "title": None if metadata is None else metadata.title,
        "metadata_hash": "0x" + hash_bytes(data).hex(),
        "metadata": metadata,
        "metadata_problem": problem,
        "metadata_published_by": publisher,
        "record_problems": record_history_problems([(block, record_or_none(raw)) for block, raw, _ in records]),
    }


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
    registrar: str | None
    registration_tx: str
    registration_block: int
    #: An open dispute blocks its transfers (the dispute module's lock; see docs/licensing.md).
    dispute_locked: bool = False
    #: Pledged to a loan: it stays its owner's, but cannot change hands until the loan desk releases it (or sells it
    #: at an enforcement auction); see docs/financing.md. The registry's pledge bit (proven in a trusted verify).
    pledged: bool = False
    #: The loans of the loan desk secured on the right or on its shares, in the order they opened, from the desk's
    #: events in its history (empty when no loan desk is attached): who it is pledged to, under which agreement, due
    #: when; and for the ended ones how (repaid, sold at an enforcement auction, foreclosed, refinanced, lost).
    pledges: list[Pledge] = Field(default_factory=list)
    #: Its official numbers of its office, canonical, the primary (its token id's) first; then its family links.
    numbers: list[str] = Field(default_factory=list)
    family: list[str] = Field(default_factory=list)
    #: The title its public record gives (``None`` when sealed or absent).
    title: str | None = None
    #: SHA-256 of the latest public record (0x hex): the registration's, or a later ``MetadataPublished``'s.
    metadata_hash: str = ""
    #: The latest public record, read from the chain; ``None`` when it is not a record (``metadata_problem``).
    metadata: PublicRecord | None = None
    metadata_problem: str | None = None
    #: Who published the latest record (the registrar or claimant at registration, else the owner or a registrar).
    metadata_published_by: str | None = None
    #: What is wrong across the right's records: an opening that does not match its commitment, a commitment changed
    #: without being opened (docs/metadata.md). ``verify`` fails on any.
    record_problems: list[str] = Field(default_factory=list)
    #: A revoked right: when, by which registrar, under which order (hash), and who held it.
    revoked_block: int | None = None
    revoked_at: dt.datetime | None = None
    revoked_by: str | None = None
    revocation_order: str | None = None

    @property
    def primary_number(self) -> str | None:
        """The number the token id is derived from."""
        return self.numbers[0] if self.numbers else None


EventKind = Literal[
    "registered",
    "transfer",
    "assignment",
    "forced_transfer",
    "claim_superseded",
    "frozen",
    "unfrozen",
    "metadata_updated",
    "fractionalized",
    "redeemed",
    "revoked",
    "claim_confirmed",
    "dispute_locked",
    "dispute_unlocked",
    "license_granted",
    "license_revoked",
    "attested",
    "attestation_revoked",
    "dispute_raised",
    "dispute_resolved",
    "dispute_registration_changed",
    "royalty_paid",
    "right_credited",
    "numbers_added",
    "number_reclaimed",
    "numbers_released",
    "pledge_locked",
    "pledge_unlocked",
    "loan_opened",
    "loan_repaid",
    "pledge_released",
    "auction_started",
    "collateral_sold",
    "foreclosed",
    "loan_refinanced",
    "collateral_lost",
    "pledge_registered",
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
    #: Registrations and published records: the record's SHA-256 (0x hex) and the title it gives.
    metadata_hash: str | None = None
    title: str | None = None
    share_token: str | None = None
    supply: Uint256 | None = None
    #: The share token's name, in any script (fractionalizations and redemptions).
    share_name: str | None = None
    symbol: str | None = None
    decimals: int | None = None
    #: Licences, attestations, disputes and royalties: the record's id and what the event says of it.
    license_id: int | None = None
    #: A licence granted with its field of use in clear (``LicenseFieldOfUse``).
    field_of_use: str | None = None
    attestation_id: int | None = None
    dispute_id: int | None = None
    claim_type: str | None = None
    evidence_hash: str | None = None
    reason_hash: str | None = None
    outcome: str | None = None
    remedy: str | None = None
    amount: Uint256 | None = None
    payment_token: str | None = None
    exclusivity: str | None = None
    territories: list[str] | None = None
    #: Registrations and number events: the official numbers concerned, canonical (family links marked).
    numbers: list[str] | None = None
    #: A number reclaimed from this right: the token (hex id) that took it.
    other_token: str | None = None
    #: Loans (the loan desk's events and the registry's pledge lock): the loan, and the one refinancing it.
    loan_id: int | None = None
    new_loan_id: int | None = None
    #: A loan opened: SHA-256 of its agreement, its maturity (an auction: its end), the shares pledged (``None``: the
    #: right itself, ``share_token`` names the shares otherwise).
    agreement_hash: str | None = None
    due: dt.datetime | None = None
    collateral_amount: Uint256 | None = None
    #: The office's registration number of a pledge (CNIPA pledge registration, USPTO reel/frame).
    registration: str | None = None
    #: A repayment: the interest in ``amount``, and what is still owed after it; an auction: its floor price and the
    #: debt when it started (in ``remaining``); a sale: the surplus paid to the borrower and the debt left unpaid.
    interest: Uint256 | None = None
    remaining: Uint256 | None = None
    floor_price: Uint256 | None = None
    surplus: Uint256 | None = None
    shortfall: Uint256 | None = None


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
    #: ``inconclusive``: a fact the verdict needs could not be proven (trusted verify); ``failed``: a finding.
    verdict: Literal["verified", "failed", "inconclusive"]
    checks: list[Check]
    notices: list[str]
    record: RightRecord | None
    events: list[HistoryEvent]
    registry: str
    chain_id: int
    checked_at_block: int
    shares: CapTable | None = None
    #: The right in use (empty when the licence, attestation or dispute module is not deployed beside it).
    licenses: list[License] = Field(default_factory=list)
    attestations: list[Attestation] = Field(default_factory=list)
    disputes: list[Dispute] = Field(default_factory=list)


class IndexVerification(_Out):
    """A local event index checked against the per-right history commitments proven at a checkpoint."""

    checked_at_block: int
    rights: int
    events: int
    #: For each right whose indexed events differ from the proven ones: the first event where they part.
    differences: list[str]

    @property
    def ok(self) -> bool:
        return not self.differences


def is_hex32(value: str) -> bool:
    """Whether ``value`` is 32 bytes of hex, with or without ``0x``."""
    return bool(_HEX32.match(value))


# ---------------------------------------------------------------------------- chain values


# ---------------------------------------------------------------------------- deployment


class Deployment(_Out):
    """The contracts of one ipledger deployment on one chain; share features need ``vault`` (and ``desk``)."""

    chain_id: int
    registry: str
    compliance: str | None = None
    vault: str | None = None
    desk: str | None = None
    stablecoin: str | None = None
    licenses: str | None = None
    attestations: str | None = None
    disputes: str | None = None
    royalties: str | None = None
    #: The loan desk (loans against pledged rights and shares).
    loans: str | None = None
    #: The local chain's test currencies besides tUSD (``tHKD``, ``tCNH``), by symbol (empty elsewhere).
    currencies: dict[str, str] = Field(default_factory=dict)
    #: The deployment transactions by contract name, when this ledger sent them (empty otherwise).
    transactions: dict[str, TransactionResult] = Field(default_factory=dict)

    def addresses(self) -> dict[str, str | None]:
        """The addresses by role, as ``deployment.json`` stores them."""
        return {
            "registry": self.registry,
            "compliance": self.compliance,
            "vault": self.vault,
            "desk": self.desk,
            "stablecoin": self.stablecoin,
            "licenses": self.licenses,
            "attestations": self.attestations,
            "disputes": self.disputes,
            "royalties": self.royalties,
            "loans": self.loans,
        }


class Network(_Out):
    """A named network: where its node answers, the chain id it must report and the contracts of ipledger on it.

    Kept in ``$IPLEDGER_HOME/networks.toml`` (``ipledger network add``, ``ipledger deploy --network NAME``);
    ``Ledger.connect(network=NAME)`` and ``--network NAME`` connect with it. ``local`` is the anvil chain in
    ``$IPLEDGER_HOME``, never a profile."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
    rpc_url: str = Field(pattern=r"^https?://\S+$")
    chain_id: int = Field(ge=1)
    registry: Address | None = None
    vault: Address | None = None
    desk: Address | None = None
    #: The default payment token of orders and licences.
    stablecoin: Address | None = None
    #: The rights-in-use modules: a trusted verify proves the right in exactly the modules attached, so a profile
    #: names them rather than letting the node name them (``Ledger.connect`` attaches them).
    licenses: Address | None = None
    attestations: Address | None = None
    disputes: Address | None = None
    #: The loan desk (found through the registry's role grants when not named).
    loans: Address | None = None

    @field_validator("name")
    @classmethod
    def _not_local(cls, value: str) -> str:
        if value == "local":
            raise ValueError("'local' is the anvil chain kept in $IPLEDGER_HOME, not a profile")
        return value


# ---------------------------------------------------------------------------- shares


class ShareTokenInfo(_Out):
    """The ERC-20 share token of a fractionalized right (amounts in base units; decimal strings in JSON)."""

    token_id: int
    token_id_hex: str
    address: str
    name: str
    symbol: str
    decimals: int
    total_supply: Uint256
    restricted: bool
    vault: str
    compliance: str


class BuyoutState(StrEnum):
    """Where a buyout of a fractionalized right stands (docs/buyout.md)."""

    #: Tender window open, or closed and not yet settled.
    OPEN = "open"
    #: The bidder received the right; every share is worth the price per share.
    SUCCEEDED = "succeeded"
    #: Settled without the right changing hands: deposit and tendered shares are claimable back.
    FAILED = "failed"
    #: Withdrawn by the bidder before any share was tendered.
    CANCELLED = "cancelled"


#: Why a settled buyout failed, by the contract's ``FailureReason`` (index 0: none).
BUYOUT_FAILURE_REASONS = (
    None,
    "below_threshold",
    "custody_lost",
    "right_frozen",
    "right_disputed",
    "bidder_ineligible",
)


class Buyout(_Out):
    """A buyout of a fractionalized right, as the share vault holds it (amounts in base units)."""

    buyout_id: int
    token_id: int
    token_id_hex: str
    bidder: str
    share_token: str
    payment_token: str
    #: Payment-token base units per whole share (10**decimals share base units).
    price_per_share: Uint256
    #: The share supply (base units) when the buyout started.
    supply: Uint256
    #: Payment-token base units deposited: ``supply * price_per_share // 10**decimals`` (rounded down).
    deposit: Uint256
    #: Shares tendered and not withdrawn.
    tendered: Uint256
    #: Basis points of the supply that must be tendered for success.
    threshold_bps: int
    #: The fewest shares (base units) whose tender makes the buyout succeed: ceil(threshold * supply / 10000).
    needed: Uint256
    ends_at: dt.datetime
    state: BuyoutState
    #: Whether the tender window has closed (by the chain's latest block time).
    window_closed: bool
    failure_reason: str | None = None
    deposit_refunded: bool = False
    #: Shares ``account`` tendered and has not withdrawn or claimed (when an account was asked about).
    account: str | None = None
    tendered_by_account: Uint256 | None = None

    def payment_for(self, amount: int) -> int:
        """What ``amount`` share base units are paid after success, tendered (claimed) or not (redeemed for cash):
        ``amount * deposit // supply``, rounded down as the vault rounds, so that the payments never exceed the
        deposit (at most one base unit of dust per payment stays in the vault)."""
        return amount * self.deposit // self.supply


class BuyoutAct(TransactionResult):
    """One act on a buyout: what it did, to whom, in which transaction (amounts in base units)."""

    action: Literal[
        "buyout_started",
        "shares_tendered",
        "tender_withdrawn",
        "buyout_settled",
        "buyout_cancelled",
        "buyout_claimed",
        "shares_cashed_out",
    ]
    buyout_id: int
    token_id: int
    token_id_hex: str
    #: Who acted (the bidder, the holder, the settler).
    account: str
    #: Shares moved by the act: tendered, withdrawn, returned by a claim, or burnt for cash.
    shares: Uint256 = 0
    #: Payment-token units moved: the deposit in (start) or back (cancel, claim), or a payment out.
    payment: Uint256 = 0
    #: Settlement only: whether the bidder received the right, and why not.
    succeeded: bool | None = None
    failure_reason: str | None = None
    #: The ERC-20 approval sent first (the deposit, or the shares tendered), if one was needed.
    approval: TransactionResult | None = None


class FractionalizeResult(_Out):
    """A right locked in the vault and the shares minted for it to its owner."""

    token_id: int
    token_id_hex: str
    share_token: str
    name: str
    symbol: str
    decimals: int
    supply: Uint256
    restricted: bool
    owner: str
    tx_hash: str
    block: int
    gas_used: int
    #: As in :class:`TransactionResult`.
    resent: int = 0
    confirmations: int = 1
    #: The ERC-721 approval of the vault sent first (None when the vault was already approved).
    approval: TransactionResult | None = None


class Holding(_Out):
    """One holder's line of a cap table; amounts in base units."""

    account: str
    balance: Uint256
    frozen: Uint256
    #: Shares of this holder pledged to loans: the loan desk holds them (its own line counts them in the supply), the
    #: holder is their pledgor and gets them back when the loans are repaid. Not part of ``balance``.
    pledged: Uint256 = 0


class CapTable(_Out):
    """Who holds the shares of a right at a block, derived from the share token's Transfer logs.

    The balances add up to ``total_supply``, the token's ``totalSupply()`` at that block (checked when built).
    """

    token_id: int
    token_id_hex: str
    share_token: str
    name: str
    symbol: str
    decimals: int
    restricted: bool
    total_supply: Uint256
    block: int
    holders: list[Holding]
    #: The loan desk holding pledged shares (its line among ``holders``), and the live pledges of these shares: to
    #: whom, under which agreement, due when (each holder's ``pledged`` adds them up per pledgor).
    loan_desk: str | None = None
    pledges: list[Pledge] = Field(default_factory=list)


class Permit(_Out):
    """An ERC-2612 permit signed by ``owner``: anyone may submit it to let ``spender`` move ``value`` shares."""

    token_id: int
    share_token: str
    owner: str
    spender: str
    value: Uint256
    nonce: Uint256
    deadline: int
    v: int
    r: str
    s: str
    signature: str


# ---------------------------------------------------------------------------- compliance


class IdentityKind(StrEnum):
    """What an address is to the compliance registry, in the order of the contract's ``IdentityKind``."""

    NONE = "none"
    INVESTOR = "investor"
    VENUE = "venue"


class Identity(_Out):
    """An address's compliance identity and whether it may hold restricted shares now."""

    account: str
    kind: IdentityKind
    country: str | None
    expires_at: dt.datetime | None
    country_blocked: bool
    eligible: bool
    #: Why the account is not eligible (None when it is).
    reason: str | None
    #: The investor's categories by name (``hk-professional``, ``accredited``, ``qualified``, ``retail``; a bit
    #: without a name as its number); empty for a venue or an investor without categories.
    categories: list[str | int] = Field(default_factory=list)
    #: When the categories lapse (None: none recorded).
    categories_expire_at: dt.datetime | None = None
    #: Whether the categories have lapsed by chain time (a token that admits only some categories refuses then).
    categories_expired: bool = False


class CountryRuleMode(StrEnum):
    """A share token's country rule on recipients, in the order of the contract's modes (0, 1, 2)."""

    NONE = "none"
    ALLOW = "allow"
    BLOCK = "block"


class TransferRules(_Out):
    """A share token's own transfer rules (they apply in restricted mode, beside the compliance registry's).

    ``categories`` empty admits every eligible investor; ``lockup_until`` None means no lock-up; ``max_holders`` and
    ``max_balance`` None mean no cap. ``holder_count`` is the token's own count of holders, kept only while a
    holder cap is set (None otherwise). The country rule lists the countries allowed (``allow``) or blocked
    (``block``) as recipients; venue wallets are exempt from categories, the country rule and the maximum balance.
    """

    token_id: int
    share_token: str
    restricted: bool
    categories: list[str | int]
    categories_bits: int
    lockup_until: dt.datetime | None
    max_holders: int | None
    max_balance: Uint256 | None
    holder_count: int | None
    country_mode: CountryRuleMode
    countries: list[str]


# ---------------------------------------------------------------------------- market


class TokenInfo(_Out):
    """An ERC-20 (a payment token such as tUSD, or shares): enough to read and write its amounts."""

    address: str
    name: str
    symbol: str
    decimals: int


class AssetKind(StrEnum):
    """What an order delivers, in the order of the desk's ``AssetKind``."""

    ERC20 = "erc20"
    ERC721 = "erc721"

    @property
    def chain_value(self) -> int:
        return list(AssetKind).index(self)


class Order(BaseModel):
    """An order of the settlement desk, field for field ``ISettlementDesk.Order`` (amounts in base units)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    maker: Address
    maker_sells: bool
    asset_kind: AssetKind
    asset: Address
    asset_id: Uint256
    amount: Uint256
    payment_token: Address
    price: Uint256
    expiry: Uint256
    nonce: Uint256
    taker: Address = ZERO_ADDRESS

    @property
    def side(self) -> Literal["sell", "buy"]:
        """The maker's side."""
        return "sell" if self.maker_sells else "buy"

    def as_tuple(self) -> tuple[str, bool, int, str, int, int, str, int, int, int, str]:
        """The contract's ``Order`` struct."""
        return (
            self.maker,
            self.maker_sells,
            self.asset_kind.chain_value,
            self.asset,
            self.asset_id,
            self.amount,
            self.payment_token,
            self.price,
            self.expiry,
            self.nonce,
            self.taker,
        )

    def payment_for(self, amount: int) -> int:
        """What a fill of ``amount`` pays, pro rata and rounded in the maker's favour as the desk does."""
        numerator = self.price * amount
        if self.maker_sells:
            return -(-numerator // self.amount)
        return numerator // self.amount


class SignedOrder(BaseModel):
    """An order, its maker's EIP-712 signature and where it settles: the object a counterparty fills.

    In JSON, uint256 values are decimal strings; ``token_id`` is the right the order trades (shares of it, or
    the right itself).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    order: Order
    signature: str = Field(pattern=r"^0x[0-9a-fA-F]+$")
    order_hash: str = Field(pattern=r"^0x[0-9a-f]{64}$")
    token_id: Uint256
    chain_id: int
    desk: Address


OrderState = Literal["open", "partially_filled", "filled", "cancelled", "expired"]


class OrderStatus(_Out):
    """An order's state on chain."""

    order_hash: str
    state: OrderState
    filled: Uint256
    remaining: Uint256
    cancelled: bool
    expired: bool


class FillResult(_Out):
    """A settled fill: ``amount`` units of the asset against ``payment`` of the payment token."""

    order_hash: str
    taker: str
    amount: Uint256
    payment: Uint256
    tx_hash: str
    block: int
    gas_used: int
    #: As in :class:`TransactionResult`.
    resent: int = 0
    confirmations: int = 1
    #: The approval the taker sent first (None when the allowance sufficed).
    approval: TransactionResult | None = None


HistoryEvent.model_rebuild()
History.model_rebuild()
VerificationReport.model_rebuild()
