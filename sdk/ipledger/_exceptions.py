"""The one exception tree of ipledger.

Every error the SDK raises on purpose is an :class:`IPLedgerError`::

    IPLedgerError
    ├── InvalidInputError (ValueError)        bad input, caught before any transaction is sent
    │   ├── MetadataError                     metadata that fails validation
    │   ├── DocumentError (OSError)           a document that is missing or unreadable
    │   └── CheckpointError                   trusted block hashes that are not all on one chain
    ├── AccountError                          unknown account name, bad keystore or password
    ├── NodeError (ConnectionError)           the RPC endpoint failed or answered nonsense
    │   ├── NodeNotRunningError               no local node is running
    │   └── ChainMismatchError                the node reports another chain id than the one expected
    ├── RegistryError                         the address holds no (or another) registry, vault or desk
    ├── NotFoundError (LookupError)           a token, share token or record that does not exist
    └── TransactionError                      a transaction that did not do its job
        ├── UnexplainedRevertError            a mined revert whose reason the node cannot tell (no tracing or
        │                                     simulation); ``checks`` says what the state shows now
        └── ContractRevertError               a revert, decoded to the contract's custom error
            ├── DuplicateRightError           RightAlreadyRegistered / ContentAlreadyRegistered
            ├── RevokedRightError             RevokedRight: a voucher, or a claim committed before the revocation,
            │                                 for a right a registrar revoked
            ├── TokenFrozenError              TokenIsFrozen (the right, frozen by a registrar)
            │   └── RightDisputedError        RightDisputed (locked by an open dispute)
            ├── UnauthorizedError             missing role, not owner nor approved, not a compliance officer,
            │                                 not the licensor, attestor or arbitrator
            ├── UnknownTokenError             UnknownToken / TokenDoesNotExist
            ├── UnknownRecordError            no such licence, attestation or dispute (or right, for a module)
            ├── LicenseConflictError          LicenseConflict: overlaps a sole or exclusive licence
            ├── SignatureError                an attestation signature that is invalid, replayed or expired
            ├── RegistrationChangedError      RegistrationChanged: the right was superseded, re-registered or
            │                                 assigned since the attestation was made or signed
            ├── PaymentTokenError             a bond or royalty token that did not move the amount asked
            ├── NotFractionalizedError        NotFractionalized: the right is not in the share vault
            ├── IncompleteOwnershipError      IncompleteOwnership: redemption needs every share
            ├── ComplianceError               NotEligible / VerificationExpired / CountryBlocked
            ├── FrozenSharesError             HolderFrozen / InsufficientUnfrozenBalance
            ├── InsufficientBalanceError      too few shares or payment tokens
            └── OrderError                    the settlement desk's refusals (expired, cancelled, overfilled...)

Messages are built in ``__init__``; context is keyword-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "AccountError",
    "ChainMismatchError",
    "CheckpointError",
    "ContractRevertError",
    "DocumentError",
    "ComplianceError",
    "DuplicateRightError",
    "FrozenSharesError",
    "IncompleteOwnershipError",
    "InsufficientBalanceError",
    "IPLedgerError",
    "InvalidInputError",
    "LicenseConflictError",
    "MetadataError",
    "NodeError",
    "NodeNotRunningError",
    "NotFoundError",
    "NotFractionalizedError",
    "OrderError",
    "PaymentTokenError",
    "RegistrationChangedError",
    "RevokedRightError",
    "RegistryError",
    "RightDisputedError",
    "SignatureError",
    "TokenFrozenError",
    "TransactionError",
    "UnauthorizedError",
    "UnexplainedRevertError",
    "UnknownRecordError",
    "UnknownTokenError",
]


class IPLedgerError(Exception):
    """Root of every error ipledger raises on purpose."""


class InvalidInputError(IPLedgerError, ValueError):
    """Input that cannot be used; raised before anything is sent to the chain."""


class MetadataError(InvalidInputError):
    """IP metadata that fails validation."""


class DocumentError(InvalidInputError, OSError):
    """A document that cannot be read."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        super().__init__(f"document {path!r}: {reason}")


class CheckpointError(InvalidInputError):
    """Trusted block hashes (checkpoints) that cannot all be on one chain: the block at height ``earlier_block``
    in the proven ancestry of ``later`` is ``ancestor``, not ``earlier`` (at the same height, ``ancestor`` is
    ``later``). Nothing the node said is to blame: headers linked by hash to ``later`` prove its ancestry."""

    def __init__(self, *, earlier: str, earlier_block: int, later: str, later_block: int, ancestor: str) -> None:
        self.earlier = earlier
        self.earlier_block = earlier_block
        self.later = later
        self.later_block = later_block
        self.ancestor = ancestor
        if earlier_block == later_block:
            reason = f"both are block {later_block}"
        else:
            reason = f"block {earlier_block} in the ancestry of block {later_block} is {ancestor}"
        super().__init__(
            f"the trusted blocks {earlier} and {later} are not on one chain ({reason}): check where they came from"
        )


class AccountError(IPLedgerError):
    """An account that cannot be resolved or unlocked."""


class NodeError(IPLedgerError, ConnectionError):
    """The JSON-RPC node failed, timed out or answered something unusable."""

    def __init__(self, message: str, *, endpoint: str | None = None) -> None:
        self.endpoint = endpoint
        super().__init__(f"{message} (node {endpoint})" if endpoint else message)


class NodeNotRunningError(NodeError):
    """No local node is running where one was expected."""


class ChainMismatchError(NodeError):
    """The node reports chain ``reported``, not the ``expected`` one: nothing is signed or sent through it.

    ``source`` says where the expectation came from (the caller's ``chain_id``, ``--chain-id``, a deployment record,
    or the node's own answer at connect when nothing else was given); ``registry`` is the registry concerned, if
    one is attached; ``action`` what was refused (``None`` at connect)."""

    def __init__(
        self,
        *,
        expected: int,
        reported: int,
        endpoint: str,
        source: str,
        registry: str | None = None,
        action: str | None = None,
    ) -> None:
        self.expected = expected
        self.reported = reported
        self.source = source
        self.registry = registry
        self.action = action
        wanted = f"the registry {registry} is on chain {expected}" if registry else f"chain {expected} is expected"
        prefix = f"{action}: " if action else ""
        super().__init__(
            f"{prefix}the node at {endpoint} reports chain {reported}, but {wanted} ({source}); nothing was signed "
            "or sent"
        )
        self.endpoint = endpoint


class RegistryError(IPLedgerError):
    """The registry (vault, desk) address holds no contract, or not the one this SDK ships, or none was given."""


class NotFoundError(IPLedgerError, LookupError):
    """A token, record or deployment that does not exist."""


class TransactionError(IPLedgerError):
    """A transaction that could not be sent or did not succeed; ``tx_hash`` and ``block`` name it once mined."""

    def __init__(self, message: str, *, tx_hash: str | None = None, block: int | None = None) -> None:
        self.tx_hash = tx_hash
        self.block = block
        super().__init__(message)


class UnexplainedRevertError(TransactionError):
    """A mined transaction reverted and the node can tell neither why nor where (it offers none of
    ``debug_traceTransaction``, ``eth_simulateV1`` and ``debug_traceBlockByNumber``, and another transaction ran
    before it in its block). ``checks`` lists what the contracts' state shows now ("the order is already
    filled"), ``tried`` the methods asked."""

    def __init__(
        self,
        action: str,
        *,
        tx_hash: str,
        block: int,
        checks: tuple[str, ...] = (),
        tried: tuple[str, ...] = (),
    ) -> None:
        self.action = action
        self.checks = checks
        self.tried = tried
        found = f"; checked now: {'; '.join(checks)}" if checks else ""
        methods = ", ".join(tried)
        super().__init__(
            f"{action} reverted in block {block}; the node cannot tell why (it offers none of {methods}){found}",
            tx_hash=tx_hash,
            block=block,
        )


class ContractRevertError(TransactionError):
    """A contract revert decoded to its custom error.

    ``error_name`` is the Solidity error's name (``RightAlreadyRegistered``), ``error_args`` its arguments
    by name. Reverts without a known error keep ``error_name`` ``"unknown"`` and the raw ``data``.
    """

    def __init__(
        self,
        error_name: str,
        error_args: Mapping[str, Any] | None = None,
        *,
        data: str | None = None,
        tx_hash: str | None = None,
        block: int | None = None,
        action: str | None = None,
    ) -> None:
        self.error_name = error_name
        self.error_args: dict[str, Any] = dict(error_args or {})
        self.data = data
        self.action = action
        rendered = ", ".join(f"{key}={_render(value)}" for key, value in self.error_args.items())
        prefix = f"{action} reverted" if action else "reverted"
        super().__init__(f"{prefix}: {error_name}({rendered})", tx_hash=tx_hash, block=block)


class DuplicateRightError(ContractRevertError):
    """The right or its document bundle is already registered; ``existing_token_id`` says as which token."""

    @property
    def existing_token_id(self) -> int:
        return int(self.error_args["tokenId"])


class TokenFrozenError(ContractRevertError):
    """The token is frozen by a registrar and cannot move."""


class RightDisputedError(TokenFrozenError):
    """The right is locked by an open dispute (the dispute manager's lock) and cannot move."""


class UnauthorizedError(ContractRevertError):
    """The sender lacks the role, ownership or approval the call needs."""


class UnknownTokenError(ContractRevertError, NotFoundError):
    """The token does not exist."""


class UnknownRecordError(ContractRevertError, NotFoundError):
    """No licence, attestation or dispute with that id (or the right a module was asked about does not exist)."""


class LicenseConflictError(ContractRevertError):
    """The licence would overlap, in territory, field of use and period, a sole or exclusive licence (or is sole
    or exclusive itself and overlaps another); ``conflicting_license_id`` names it."""

    @property
    def conflicting_license_id(self) -> int:
        return int(self.error_args["licenseId"])


class RevokedRightError(ContractRevertError):
    """The right was revoked (burnt under a court order or a ruling) at block ``revoked_at_block``: no voucher, and
    no claim committed at or before that block, can register it again. A registrar registers it directly."""

    @property
    def revoked_at_block(self) -> int:
        return int(self.error_args["revokedAtBlock"])


class SignatureError(ContractRevertError):
    """A signed voucher or attestation whose signature does not match its signer's role (another chain, contract,
    data or a used nonce) or whose deadline passed."""


class RegistrationChangedError(ContractRevertError):
    """An attestation about a registration the right no longer has: since it was made or signed, a self-declared
    claim was superseded, the right was revoked and registered again, or it changed hands. ``holder`` and
    ``registered_at`` are the record's now; attest (or sign) again about that registration if it is the one meant."""

    @property
    def holder(self) -> str:
        return str(self.error_args["holder"])

    @property
    def registered_at(self) -> int:
        return int(self.error_args["registeredAt"])


class PaymentTokenError(ContractRevertError):
    """A bond or royalty token moved another amount than asked (fee-on-transfer or broken token)."""


class NotFractionalizedError(ContractRevertError, NotFoundError):
    """The right is not held by the share vault, so it has no shares."""


class IncompleteOwnershipError(ContractRevertError):
    """Redemption needs every share: ``balance`` of ``supply`` is not enough."""


class ComplianceError(ContractRevertError):
    """A party of a restricted share transfer is not eligible: unknown, verification lapsed, or country blocked.

    ``account`` names the party the compliance registry refused.
    """

    @property
    def account(self) -> str | None:
        value = self.error_args.get("account")
        return None if value is None else str(value)


class FrozenSharesError(ContractRevertError):
    """A compliance officer froze the holder's shares (all of them, or more than the transfer leaves)."""


class InsufficientBalanceError(ContractRevertError):
    """The sender holds fewer shares or payment tokens than the transfer needs."""


class OrderError(ContractRevertError):
    """The settlement desk refused an order: expired, cancelled, overfilled, reserved for another taker, bad
    signature, or not the caller's to cancel."""


def _render(value: Any) -> str:
    if isinstance(value, bytes):
        if len(value) == 2 and value.isalpha() and value.isupper():
            return value.decode("ascii")  # a country or jurisdiction code (bytes2)
        return "0x" + value.hex()
    if isinstance(value, int) and value > 2**64:
        return hex(value)
    return str(value)
