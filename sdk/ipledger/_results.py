"""Outcomes of the everyday acts as records: what an act did, who did it, under which evidence, in which transaction.

The ``ipledger`` command prints these with ``--json`` (its JSON schemas are generated from them: ``ipledger schema
COMMAND``); an application may build and keep them too. They complete the SDK's own results (a sub-client's
``TransactionResult`` says which transaction; a record here says also what it did to whom). Amounts are base units
(decimal strings in JSON), hashes 0x hex; ``action`` names the act in the past tense.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, computed_field

from ipledger.audit._index import TransferRecord
from ipledger.audit._report import ReportSignature
from ipledger.bulk._bulk_models import BulkMode, BulkRowResult
from ipledger.models._model_base import Uint256, _Out
from ipledger.models._models import (
    AssetKind,
    Deployment,
    DocumentRef,
    FillResult,
    History,
    IndexVerification,
    IPMetadata,
    Network,
    OrderState,
    RightKind,
    RightRecord,
    TransactionResult,
    TransferRules,
)
from ipledger.models._rights_models import Attestation, Dispute, DisputeOutcome, License, LicenseCheck, Remedy
from ipledger.models._vouchers import SignedVoucher, VoucherCheck

from ._attestations import SignedAttestation
from ._pools import Pool
from ._rights import VoucherCancellation

__all__ = [
    "TransferCheck",
    "TokenRules",
    "RoyaltyClaimsFor",
    "RoyaltyBeneficiarySet",
    "PoolList",
    "OfficerChanged",
    "InvestorCategoriesSet",
    "VoucherCancelled",
    "VoucherShown",
    "VoucherSigned",
    "VoucherSubmitted",
    "AttestationList",
    "AttestationRecorded",
    "AttestationRevoked",
    "AttestationState",
    "BulkRegistration",
    "Checkpoint",
    "CountryBlock",
    "CurrencyAmount",
    "Deployed",
    "DisputeList",
    "DisputeOpened",
    "DisputeResolution",
    "DisputeSettings",
    "DisputeSettingsChanged",
    "Fill",
    "ForcedTransfer",
    "IdentityRevoked",
    "IndexCheck",
    "InvestorVerified",
    "LicenseGranted",
    "LicenseList",
    "LicenseRevoked",
    "LicenseScope",
    "LicenseState",
    "NetworkList",
    "NonceCancelled",
    "NumberInfo",
    "NumberLookup",
    "NumberOpened",
    "NumbersAdded",
    "OrderBook",
    "OrderCancelled",
    "OrderRow",
    "OrdersCancelled",
    "RecordPublished",
    "Registered",
    "ReportCheck",
    "ReportWritten",
    "RestrictedModeSet",
    "Revocation",
    "RightFreeze",
    "RightList",
    "RightMove",
    "RoleGranted",
    "RoyaltiesOwed",
    "RoyaltyClaim",
    "RoyaltyClaims",
    "RoyaltyPaid",
    "ShareBalance",
    "ShareRedemption",
    "ShareTransfer",
    "SharesForceTransferred",
    "SharesFrozen",
    "SharesUnfrozen",
    "SignedAttestationFile",
    "SourcedHistory",
    "TokenBalance",
    "TokenMinted",
    "TransferList",
    "VenueRegistered",
    "WalletRecovered",
]


def _absent(value: object) -> bool:
    """Fields left out of the JSON when they have no value."""
    return value is None


class _Mined(_Out):
    """The transaction of an act: its hash, block and gas."""

    tx_hash: str
    block: int
    gas_used: int


class _OfRight(_Out):
    """About one right (``token_id``: 0x hex and decimal in the CLI's JSON)."""

    token_id: int


# ---------------------------------------------------------------------------- rights


class NumberInfo(_Out):
    """An official number as the registry reads it: canonical form, office, series, family link, packed uint256."""

    number: str
    office: str
    series: str
    family: bool
    #: The uint256 the registry holds, 0x hex.
    packed: str


class Registered(_Mined, _OfRight):
    """A right registered (or claimed): its token, owner, hashes, numbers, documents and metadata."""

    content_hash: str
    owner: str
    metadata_hash: str
    record_bytes: int
    self_declared: bool
    #: The registrar who registered it (None for a self-declared claim).
    registrar: str | None
    #: The primary number, canonical.
    identifier: str
    numbers: list[NumberInfo]
    #: The salt of an unpublished application's commitment (None otherwise).
    unpublished_salt: str | None
    documents: list[DocumentRef]
    metadata: IPMetadata
    registry: str
    chain_id: int


class BulkRegistration(_Out):
    """A bulk registration: the run's totals, a count per row status, and every row's result."""

    source: str
    results_file: str
    mode: BulkMode
    rows: int
    registered: int
    already_registered: int
    failed: int
    invalid: int
    pending: int
    not_sent: int
    complete: bool
    transactions: int
    gas_used: int
    seconds: float
    waited_for_pending: int
    registry: str
    chain_id: int
    results: list[BulkRowResult]


class RightMove(_Mined, _OfRight):
    """A right moved by its owner: an assignment under a deed, or a plain ERC-721 transfer (no deed)."""

    action: Literal["assignment", "transfer"]
    from_: str = Field(alias="from", serialization_alias="from")
    to: str
    deed_hash: str | None


class _RegistrarAct(_Mined, _OfRight):
    """A registrar's act under a court order or decision (``order_hash``)."""

    by: str
    order_hash: str


class RightFreeze(_RegistrarAct):
    """A right frozen or unfrozen."""

    action: Literal["frozen", "unfrozen"]
    status: Literal["frozen", "active"]


class ForcedTransfer(_RegistrarAct):
    """A right moved without its owner."""

    action: Literal["forced_transfer"]
    from_: str = Field(alias="from", serialization_alias="from")
    to: str


class Revocation(_RegistrarAct):
    """A right revoked (burned); ``holder`` held it last."""

    action: Literal["revoked"]
    holder: str


class NumbersAdded(_Mined, _OfRight):
    """Numbers added to a right: all its numbers and family links now, and its kind."""

    numbers: list[str]
    family: list[str]
    kind: RightKind


class NumberOpened(_Mined, _OfRight):
    """An unpublished application's commitment opened: the number now on chain."""

    number: str


class RecordPublished(_Mined, _OfRight):
    """A right's new public record, and the confidential fields opened with it."""

    metadata_hash: str
    opened: list[str]


class NumberLookup(NumberInfo):
    """An official number read as the registry does, and the right that has it."""

    kinds: list[str]
    #: The token id it gives as a primary number, 0x hex (None for a family link).
    right_id: str | None
    #: The right that has it now, 0x hex (None: no right has it).
    token_id: str | None


class RoleGranted(TransactionResult):
    """A role granted to an account."""

    role: str
    account: str


class Deployed(Deployment):
    """A new deployment: its addresses, the chain it was checked against, where it is recorded, who deployed it,
    and the registry's deployment transaction (``transactions`` has every contract's)."""

    chain_id_source: str | None
    #: The file recording the deployment.
    record: str
    rpc_url: str
    deployer: str
    admin: str
    #: The network profile that now names it (None: none was saved).
    network: str | None = None
    tx_hash: str | None
    block: int | None
    gas_used: int | None


# ---------------------------------------------------------------------------- audit


class SourcedHistory(History):
    """A right's history and where it was read: the local index, or the node. From the index, ``index_block`` is the
    last block it had synced and ``index_behind`` how many blocks that was below the chain head when it answered (0
    once the gap is synced; more when the file could not be written)."""

    source: Literal["index", "node"]
    index_block: int | None = None
    index_behind: int | None = None


class Checkpoint(_Out):
    """A block hash as a node reports it, to verify against later."""

    hash: str
    block: int
    #: The block's time, ISO 8601 UTC.
    timestamp: str
    chain_id: int
    rpc_url: str


class ReportWritten(_Out):
    """An audit report written to a file."""

    output: str
    format: Literal["json", "csv", "html"]
    lang: str
    scope: str
    block: int
    verdict: str
    #: How many rights it covers.
    rights: int
    signature: ReportSignature | None


class ReportCheck(_Out):
    """A signed report checked offline."""

    ok: bool
    signer: str | None
    reasons: list[str]
    file: str


class IndexCheck(IndexVerification):
    """An event index checked against the chain; ``ok`` when no right differs."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ok(self) -> bool:
        return not self.differences


class RightList(_Out):
    """Rights, as records."""

    rights: list[RightRecord]


class TransferList(_Out):
    """Moves of rights, in chain order."""

    transfers: list[TransferRecord]


# ---------------------------------------------------------------------------- shares and compliance


class ShareBalance(_OfRight):
    """An account's shares of a right, and how many of them are frozen."""

    share_token: str
    symbol: str
    decimals: int
    account: str
    balance: Uint256
    frozen: Uint256


class ShareTransfer(TransactionResult, _OfRight):
    """Shares sent from one account to another."""

    share_token: str
    symbol: str
    decimals: int
    from_: str = Field(alias="from", serialization_alias="from")
    to: str
    amount: Uint256


class ShareRedemption(TransactionResult, _OfRight):
    """Every share burned and the right taken out of the vault by ``holder``."""

    share_token: str
    holder: str
    supply: Uint256


class InvestorVerified(TransactionResult):
    """An account verified as an investor in a country, until ``expires_at``."""

    action: Literal["investor_verified"]
    account: str
    country: str
    expires_at: dt.datetime | None
    evidence_hash: str


class VenueRegistered(TransactionResult):
    """A venue wallet registered (``venue_hash``: SHA-256 of the venue's name)."""

    action: Literal["venue_registered"]
    account: str
    venue: str
    venue_hash: str


class IdentityRevoked(TransactionResult):
    """An investor's or venue's identity removed."""

    action: Literal["identity_revoked"]
    account: str
    reason_hash: str


class CountryBlock(TransactionResult):
    """A country's investors blocked or unblocked."""

    action: Literal["country_blocked", "country_unblocked"]
    country: str
    blocked: bool


class SharesFrozen(TransactionResult, _OfRight):
    """A holder's shares frozen: ``frozen`` is the amount in base units, or ``all``."""

    action: Literal["shares_frozen"]
    holder: str
    frozen: str
    reason_hash: str


class SharesUnfrozen(TransactionResult, _OfRight):
    """The freeze on a holder's shares lifted."""

    action: Literal["shares_unfrozen"]
    holder: str
    reason_hash: str


class SharesForceTransferred(TransactionResult, _OfRight):
    """Shares moved without their holder."""

    action: Literal["shares_force_transferred"]
    from_: str = Field(alias="from", serialization_alias="from")
    to: str
    amount: Uint256
    reason_hash: str
    #: Out of a Uniswap V2-style pool: the second transaction, the pool's ``sync()``.
    pool_sync: TransactionResult | None = Field(default=None, exclude_if=_absent)


class WalletRecovered(TransactionResult, _OfRight):
    """Every share of a lost wallet, and its freeze, moved to the owner's new wallet."""

    action: Literal["wallet_recovered"]
    lost: str
    replacement: str
    amount: Uint256
    reason_hash: str


class RestrictedModeSet(TransactionResult, _OfRight):
    """A right's shares switched to restricted mode, or out of it."""

    action: Literal["restricted_mode_set"]
    restricted: bool


class InvestorCategoriesSet(TransactionResult):
    """An investor's categories recorded (by name; a bit without a name as its number), until ``expires_at``; no
    categories cleared them."""

    action: Literal["investor_categories_set"]
    account: str
    categories: list[str | int]
    expires_at: dt.datetime | None
    evidence_hash: str


class OfficerChanged(TransactionResult):
    """An officer appointed or removed for an issuer's share tokens (``issuer``) or one right's (``token_id``)."""

    action: Literal["officer_appointed", "officer_removed"]
    scope: Literal["issuer", "token"]
    officer: str
    issuer: str | None = Field(default=None, exclude_if=_absent)
    token_id: int | None = Field(default=None, exclude_if=_absent)
    share_token: str | None = Field(default=None, exclude_if=_absent)


class TokenRules(TransferRules):
    """A share token's rules, after the changes ``transactions`` made (none: the rules as they are)."""

    transactions: list[TransactionResult] = Field(default_factory=list)


class TransferCheck(_OfRight):
    """Whether a transfer of shares would go through now: ``allowed`` by simulating it from the sender (balance
    included), ``can_transfer`` as the token's ERC-7943 view answers (its rules only); when refused, the error's
    name, arguments and message."""

    from_: str = Field(alias="from", serialization_alias="from")
    to: str
    amount: Uint256
    allowed: bool
    can_transfer: bool
    reason: str | None = None
    arguments: dict[str, str] | None = Field(default=None, exclude_if=_absent)
    message: str | None = Field(default=None, exclude_if=_absent)


class PoolList(_OfRight):
    """The Uniswap V2-style pools holding a right's shares."""

    share_token: str
    pools: list[Pool]


# ---------------------------------------------------------------------------- market and payments


class Fill(FillResult, _OfRight):
    """A settled fill, with the right the order trades."""


class OrderCancelled(TransactionResult):
    """One order cancelled."""

    action: Literal["cancelled"]
    order_hash: str


class OrdersCancelled(TransactionResult):
    """Every order of the maker with a nonce below ``nonce`` cancelled."""

    action: Literal["cancelled_below"]
    nonce: Uint256


class OrderRow(_OfRight):
    """An order of the local order book and its state on chain."""

    order_hash: str
    side: Literal["sell", "buy"]
    maker: str
    taker: str
    asset_kind: AssetKind
    asset: str
    amount: Uint256
    payment_token: str
    price: Uint256
    expiry: int
    nonce: Uint256
    state: OrderState
    filled: Uint256
    remaining: Uint256


class OrderBook(_Out):
    """The local order book of a desk."""

    desk: str
    chain_id: int
    orders: list[OrderRow]


class TokenMinted(TransactionResult):
    """Test dollars minted, and the recipient's balance after."""

    token: str
    symbol: str
    decimals: int
    to: str
    amount: Uint256
    balance: Uint256


class TokenBalance(_Out):
    """An account's balance of an ERC-20."""

    token: str
    symbol: str
    decimals: int
    account: str
    balance: Uint256


class CurrencyAmount(_Out):
    """An amount of an ERC-20 (base units), with the token's symbol and decimals."""

    currency: str
    symbol: str
    decimals: int
    amount: Uint256


# ---------------------------------------------------------------------------- rights in use


class LicenseState(License):
    """A licence and its state (``in force``, ``not started``, ``ended``, ``revoked``) when it was read."""

    state: str


class LicenseGranted(LicenseState):
    """A licence just granted, and its transaction."""

    tx_hash: str
    block: int
    gas_used: int
    submitted_by: str | None = None
    own_tx_hash: str | None = None


class LicenseRevoked(TransactionResult, _OfRight):
    """A licence revoked."""

    action: Literal["license_revoked"]
    license_id: int
    licensee: str
    reason_hash: str


class LicenseList(_OfRight):
    """Every licence of a right, and when their state was read."""

    at: dt.datetime
    licenses: list[LicenseState]


class LicenseScope(LicenseCheck):
    """Whether a licensee may use a right where and when asked, in the field named (``field_of_use``)."""

    field_of_use: str | None


class AttestationState(Attestation):
    """An attestation and its state (``valid``, ``expired``, ``revoked``)."""

    state: str


class AttestationRecorded(AttestationState):
    """An attestation just recorded, and its transaction (``submitted_by``: who sent a signed one)."""

    tx_hash: str
    block: int
    gas_used: int
    submitted_by: str | None = None
    own_tx_hash: str | None = None


class SignedAttestationFile(SignedAttestation):
    """A signed attestation as ``attest add --sign-only`` writes it: where it is valid, and the file."""

    chain_id: int
    attestation_registry: str
    #: Where it was written (in the command's output only, not in the file itself).
    file: str | None = Field(default=None, exclude_if=_absent)


class AttestationRevoked(TransactionResult, _OfRight):
    """An attestation revoked by its attestor."""

    action: Literal["attestation_revoked"]
    attestation_id: int
    attestor: str
    claim_type: str
    reason_hash: str


class NonceCancelled(TransactionResult):
    """An attestor's signing nonce voided."""

    action: Literal["attestation_nonce_cancelled"]
    attestor: str


class AttestationList(_OfRight):
    """Every attestation about a right."""

    attestations: list[AttestationState]


class DisputeOpened(Dispute):
    """A dispute just raised, its transaction and the bond's approval (None when none was needed)."""

    tx_hash: str
    block: int
    gas_used: int
    approval: TransactionResult | None


class DisputeResolution(TransactionResult, _OfRight):
    """A dispute resolved: the ruling, the remedy, and where the bond went."""

    action: Literal["dispute_resolved"]
    dispute_id: int
    outcome: DisputeOutcome
    remedy: Remedy
    #: Who received the right (a force-transfer remedy).
    recipient: str | None
    ruling_hash: str
    bond_token: str | None
    bond: Uint256
    bond_recipient: str | None
    #: The bond was credited through the royalty vault.
    bond_credited: bool
    arbitrator: str | None


class DisputeList(_OfRight):
    """Every dispute about a right: how many are open, how many were upheld."""

    open: int
    upheld: int
    disputes: list[Dispute]


class DisputeSettings(_Out):
    """The dispute manager's settings; with ``changed``, the transaction that set them."""

    bond_token: str | None
    bond_symbol: str | None
    bond_decimals: int | None
    bond: Uint256
    forfeit_on_dismissal: bool
    lock_transfers: bool
    changed: bool


class DisputeSettingsChanged(DisputeSettings, TransactionResult):
    """The dispute manager's new settings, and the transaction that set them."""


class RoyaltyPaid(CurrencyAmount, _Mined, _OfRight):
    """A royalty paid on a licence, and to whom it was credited."""

    license_id: int
    payer: str
    beneficiary: str
    credited_to: Literal["owner", "share_holders"]
    report_hash: str | None
    approval: TransactionResult | None


class RoyaltyClaim(CurrencyAmount, TransactionResult):
    """Royalties of one currency claimed, and the transaction."""


class _Royalties(_Out):
    account: str
    as_: Literal["owner", "holder"] = Field(alias="as", serialization_alias="as")
    #: The right whose shares the account holds (None: as an owner).
    token_id: int | None
    token_id_dec: str | None = None


class RoyaltyClaims(_Royalties):
    """The royalties an account claimed, one transaction per currency."""

    claims: list[RoyaltyClaim]


class RoyaltyBeneficiarySet(TransactionResult, _OfRight):
    """Who receives a holder's share-holder royalties (``None``: nobody named; the holder claims them itself)."""

    action: Literal["royalty_beneficiary_set"]
    holder: str
    beneficiary: str | None


class RoyaltyClaimsFor(_OfRight):
    """A holder's royalties paid to the beneficiary it named, one transaction per currency (anyone may send them)."""

    holder: str
    beneficiary: str
    claims: list[RoyaltyClaim]


class RoyaltiesOwed(_Royalties):
    """The royalties an account may collect; ``source`` holds them (the royalty vault, or the share token)."""

    source: str
    owed: list[CurrencyAmount]


# ---------------------------------------------------------------------------- node and networks


class NetworkList(_Out):
    """The networks of ``networks.toml``."""

    file: str
    networks: list[Network]


# ---------------------------------------------------------------------------- vouchers


class VoucherSigned(SignedVoucher):
    """A voucher signed and written to ``file``: the file's content, the token id in decimal, and the salt of an
    unpublished application's commitment (``None`` otherwise) for the registrar to hand to the owner."""

    token_id_dec: str
    file: str
    unpublished_salt: str | None


class VoucherSubmitted(_Mined, _OfRight):
    """A voucher submitted: the right registered to its recipient (``owner``), whoever paid the gas."""

    content_hash: str
    owner: str
    recipient: str
    #: The registrar who signed the voucher.
    registrar: str
    #: Who sent the transaction that registered it: another account when a copy went first.
    submitted_by: str
    #: Our own transaction when another account's went first (``None`` when ours registered it, or none was sent).
    own_tx_hash: str | None
    metadata_hash: str
    record_bytes: int
    title: str | None
    numbers: list[NumberInfo]
    registry: str
    chain_id: int
    file: str


class VoucherCancelled(VoucherCancellation):
    """The vouchers outstanding for ``recipient`` voided: its voucher nonce ``nonce`` is used."""

    action: Literal["voucher_cancelled"] = "voucher_cancelled"


class VoucherShown(VoucherCheck):
    """A voucher file checked against the chain (sending nothing): what the chain says of it and what it registers;
    ``documents_match`` is ``None`` when no documents were given."""

    file: str
    title: str | None
    numbers: list[str]
    kind: str
    expiry: int
    content_hash: str
    documents_match: bool | None
    registry: str
    chain_id: int
