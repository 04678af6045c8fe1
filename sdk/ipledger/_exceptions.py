"""The one exception tree of ipledger.

Every error the SDK raises on purpose is an :class:`IPLedgerError`::

    IPLedgerError
    ├── InvalidInputError (ValueError)        bad input, caught before any transaction is sent
    │   ├── MetadataError                     metadata that fails validation
    │   ├── DocumentError (OSError)           a document that is missing or unreadable
    │   └── CheckpointError                   trusted block hashes that are not all on one chain
    ├── AccountError                          unknown account name, bad keystore or password
    ├── NodeError (ConnectionError)           the RPC endpoint failed or answered nonsense
    │   ├── NodeUnreachableError              no answer: the connection was refused or dropped, or timed out
    │   ├── JsonRpcError                      the node answered a request with a JSON-RPC error (method, code,
    │   │                                     message): an unsupported method, an EVM that lacks an opcode...
    │   ├── NodeNotRunningError               no local node is running
    │   ├── ChainMismatchError                the node reports another chain id than the one expected
    │   └── UnsupportedEvmError               the chain's EVM predates the one the contracts need (Cancun): no
    │                                         PUSH0, MCOPY or transient storage; nothing was sent
    ├── RegistryError                         the address holds no (or another) registry, vault or desk
    ├── NotFoundError (LookupError)           a token, share token or record that does not exist
    └── TransactionError                      a transaction that did not do its job
        ├── TransactionDroppedError           a mined transaction a reorganization of the chain removed, and that
        │                                     could not be (or was not) mined again
        ├── UnexplainedRevertError            a mined revert whose reason the node cannot tell (no tracing or
        │                                     simulation); ``checks`` says what the state shows now
        └── ContractRevertError               a revert, decoded to its custom error: the contract's own, or one of a
                                              library or token it calls (OpenZeppelin, Solady), whether or not it
                                              is in an ABI; error_name "unknown" for data no shipped source declares
            ├── DuplicateRightError           RightAlreadyRegistered / NumberAlreadyRegistered /
            │                                 ContentAlreadyRegistered
            ├── RevokedRightError             RevokedRight: a voucher, or a claim committed before the revocation,
            │                                 for a right a registrar revoked
            ├── TokenFrozenError              TokenIsFrozen (the right, frozen by a registrar); RightLocked (the
            │                                 licence registry's: frozen or locked by an open dispute)
            │   ├── RightDisputedError        RightDisputed (locked by an open dispute)
            │   └── RightPledgedError         RightPledged (pledged for a loan); PledgedRightExclusive (a pledged
            │                                 right takes no sole or exclusive licence)
            ├── UnauthorizedError             missing role, not owner nor approved, not a compliance officer
            │                                 (NotComplianceOfficer, NotScopeAdmin), not the holder nor an officer,
            │                                 no royalty beneficiary named, not the licensor, attestor or arbitrator,
            │                                 NotHolder (an account named as a right's holder that does not hold it)
            ├── UnknownTokenError             UnknownToken / TokenDoesNotExist / ERC721NonexistentToken
            ├── UnknownRecordError            no such licence, attestation or dispute (or right, for a module)
            ├── LicenseConflictError          LicenseConflict: overlaps a sole or exclusive licence
            ├── SignatureError                a voucher, attestation or permit signature that is invalid, replayed
            │                                 or expired (OpenZeppelin's ECDSA and nonce errors included)
            ├── RegistrationChangedError      RegistrationChanged: the right was superseded, re-registered or
            │                                 assigned since the attestation was made or signed
            ├── PaymentTokenError             a bond, royalty or price token that did not move the amount asked
            │   └── PaymentRefusedError       the token refused: TransferFromFailed, SafeERC20FailedOperation,
            │                                 ERC20InsufficientAllowance...: the payer lacks balance or allowance
            ├── NotFractionalizedError        NotFractionalized: the right is not in the share vault
            ├── IncompleteOwnershipError      IncompleteOwnership: redemption needs every share
            ├── ComplianceError               a party the compliance registry or the token's rules refuse:
            │                                 NotEligible / VerificationExpired / CountryBlocked / NotInvestor /
            │                                 CategoryNotAllowed / CategoriesExpired; the share token's rules
            │                                 LockedUp / MaxBalanceExceeded / MaxHoldersReached /
            │                                 CountryNotAllowed; ERC-7943's ERC7943CannotSend|Receive|Transfer
            ├── FrozenSharesError             HolderFrozen / ERC7943InsufficientUnfrozenBalance
            ├── InsufficientBalanceError      too few shares or payment tokens
            ├── InvalidRecipientError         a recipient that cannot hold the token (zero address, the token itself,
            │                                 a contract without the ERC-721/1155 receiver hook)
            ├── PausedError                   EnforcedPause / RegistryPaused: a guardian paused the registry
            ├── ReentrancyError               ReentrancyGuardReentrantCall: a token called back into the contract
            ├── OrderError                    the settlement desk's refusals (expired, cancelled, overfilled...)
            ├── LoanError                     the loan desk's refusals: terms inconsistent, expired or spent, a
            │   │                             collateral it does not take, a bid price above its limit...
            │   ├── LoanStateError            WrongState / AuctionRunning / CollateralHeld: the loan's state does
            │   │                             not allow this (repaid, sold, at auction...)
            │   └── NotYetEnforceableError    NotYetEnforceable: before maturity plus grace
            ├── InvalidSignatureError         InvalidSignature: an order (OrderError) or loan offer (LoanError) not
            │                                 signed by its maker or lender, or altered
            ├── PaymentShortfallError         PaymentShortfall: a desk received less than it moved (a fee-on-transfer
            │                                 token); an OrderError, a LoanError and a PaymentTokenError
            └── BuyoutError                   a buyout in the wrong state for the call: one already open, its
                                              tender window closed (or still open, to settle), shares tendered (no
                                              cancel), nothing to claim (docs/buyout.md)

Messages are built in ``__init__``; context is keyword-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "AccountError",
    "BuyoutError",
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
    "InvalidRecipientError",
    "InvalidSignatureError",
    "JsonRpcError",
    "LicenseConflictError",
    "LoanError",
    "LoanStateError",
    "MetadataError",
    "NodeError",
    "NodeNotRunningError",
    "NodeUnreachableError",
    "NotFoundError",
    "NotFractionalizedError",
    "NotYetEnforceableError",
    "OrderError",
    "PausedError",
    "PaymentAttempt",
    "PaymentRefusedError",
    "PaymentShortfallError",
    "PaymentTokenError",
    "ReentrancyError",
    "RegistrationChangedError",
    "RevokedRightError",
    "RegistryError",
    "RightDisputedError",
    "RightPledgedError",
    "SignatureError",
    "TokenFrozenError",
    "TransactionDroppedError",
    "TransactionError",
    "UnauthorizedError",
    "UnexplainedRevertError",
    "UnknownRecordError",
    "UnknownTokenError",
    "UnsupportedEvmError",
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
    """Trusted block hashes (checkpoints) that cannot all be on one chain: two at one height, or an earlier one
    whose proven state of the right (``ancestor`` is ``None``) is not the state the later one's proven history had
    at that height. Nothing the node said is to blame: both are proven against the checkpoints themselves."""

    def __init__(
        self, *, earlier: str, earlier_block: int, later: str, later_block: int, ancestor: str | None = None
    ) -> None:
        self.earlier = earlier
        self.earlier_block = earlier_block
        self.later = later
        self.later_block = later_block
        self.ancestor = ancestor
        if earlier_block == later_block:
            reason = f"both are block {later_block}"
        elif ancestor is None:
            reason = (
                f"the right's history proven at block {earlier_block} is not the one block {later_block}'s had then"
            )
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


class NodeUnreachableError(NodeError):
    """The node did not answer: the connection was refused or dropped, or the answer did not come in time (is it
    running, is the URL right?)."""


class JsonRpcError(NodeError):
    """The node answered a request with a JSON-RPC error: ``method`` (``None`` when web3 sent the request and did not
    say which), ``code`` and ``rpc_message`` are what it answered; ``data`` is the error's data when it is hex (the
    revert data of a call or gas estimate); ``action`` what was being done."""

    def __init__(
        self,
        method: str | None,
        code: int | None,
        message: str,
        *,
        endpoint: str | None = None,
        data: str | None = None,
        action: str | None = None,
    ) -> None:
        self.method = method
        self.code = code
        self.rpc_message = message
        self.data = data
        self.action = action
        node = f"the node at {endpoint}" if endpoint else "the node"
        request = f" {method}" if method else ""
        error = f"error {code}" if code is not None else "an error"
        prefix = f"{action}: " if action else ""
        super().__init__(f"{prefix}{node} answered{request} with {error}: {message}")
        self.endpoint = endpoint  # named in the message already


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


class UnsupportedEvmError(NodeError):
    """The chain's EVM lacks instructions the shipped contracts use (``missing``: ``"PUSH0"``, ``"MCOPY"``,
    ``"transient storage"``): it predates ``predates``, and the contracts need ``needed`` or later. Found by a probe
    before anything is deployed or sent; ``action`` is what was refused."""

    def __init__(
        self, *, missing: tuple[str, ...], predates: str, needed: str, endpoint: str, action: str | None = None
    ) -> None:
        self.missing = missing
        self.predates = predates
        self.needed = needed
        self.action = action
        prefix = f"{action}: " if action else ""
        super().__init__(
            f"{prefix}this chain's EVM predates {predates} (no {'/'.join(missing)}): ipledger's contracts need "
            f"{needed} or later; use a chain at {needed} or later (anvil: --hardfork {needed.lower()}; Hardhat: "
            f'hardfork "{needed.lower()}"); nothing was sent',
            endpoint=endpoint,
        )


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


class TransactionDroppedError(TransactionError):
    """A mined transaction that a reorganization of the chain removed (the canonical block at its height is no longer
    the one that held it) and that is not back in the chain: ``block`` is the block it was mined in, ``block_hash``
    that block's hash, ``reason`` why it was not (or no longer) re-sent, ``resent`` how many times its signed bytes
    were sent again. Nothing of it took effect; another transaction may have used its nonce (``reason`` says so)."""

    def __init__(
        self,
        action: str,
        *,
        tx_hash: str,
        block: int,
        block_hash: str,
        reason: str,
        resent: int = 0,
    ) -> None:
        self.action = action
        self.block_hash = block_hash
        self.reason = reason
        self.resent = resent
        again = f" (re-sent {resent} time{'s' * (resent != 1)})" if resent else ""
        super().__init__(
            f"{action}: the transaction {tx_hash} was mined in block {block}, which a reorganization of the chain "
            f"replaced; it is not in the chain now{again}: {reason}",
            tx_hash=tx_hash,
            block=block,
        )


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
    by name. The error may be the contract's own or one of a library or token it calls, also one raised from
    assembly and so in no ABI (Solady's ``TransferFromFailed()``): the decoder knows every error declared in any
    source ipledger's contracts are compiled from. Data no such error explains keeps ``error_name`` ``"unknown"``
    and the raw ``data``; a revert without data has ``error_name`` ``"reverted without reason"``.
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
        summary: str | None = None,
    ) -> None:
        """``summary`` replaces the rendered ``error_name(args)`` in the message (unknown or ambiguous data)."""
        self.error_name = error_name
        self.error_args: dict[str, Any] = dict(error_args or {})
        self.data = data
        self.action = action
        prefix = f"{action} reverted" if action else "reverted"
        super().__init__(f"{prefix}: {summary or self.call_text}{self._explanation()}", tx_hash=tx_hash, block=block)

    @property
    def call_text(self) -> str:
        """The error as Solidity would write it: ``RightDisputed(tokenId=0x…)``."""
        rendered = ", ".join(f"{key}={_render(value)}" for key, value in self.error_args.items())
        return f"{self.error_name}({rendered})"

    def _explanation(self) -> str:
        """What a subclass adds to the message after the error (``""``: nothing)."""
        return ""


class DuplicateRightError(ContractRevertError):
    """The right, one of its official numbers or its document bundle is already registered;
    ``existing_token_id`` says as which token and ``number`` (for ``NumberAlreadyRegistered``) which number
    collided, in canonical form."""

    @property
    def existing_token_id(self) -> int:
        return int(self.error_args["tokenId"])

    @property
    def number(self) -> str | None:
        """The canonical form of the number that collided (``None`` when the right or the bundle did)."""
        if "number" not in self.error_args:
            return None
        from ipledger.models._numbers import unpack_number  # the rules need the exception tree: imported late

        packed = int(self.error_args["number"])
        try:
            return unpack_number(packed).canonical
        except InvalidInputError:
            return hex(packed)

    def _explanation(self) -> str:
        if self.number is None:
            return ""
        return f": {self.number} is already a number of token {hex(self.existing_token_id)}"


class TokenFrozenError(ContractRevertError):
    """The token is frozen by a registrar and cannot move."""


class RightDisputedError(TokenFrozenError):
    """The right is locked by an open dispute (the dispute manager's lock) and cannot move."""


class RightPledgedError(TokenFrozenError):
    """The right is pledged for a loan (the loan desk's lock): it stays its owner's, but cannot move (nor take a sole
    or exclusive licence) until the loan is repaid or enforced."""


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
    """A signed voucher, attestation or share permit whose signature does not match its signer (another chain,
    contract, data or a used nonce) or whose deadline passed."""


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
    """A bond, royalty or price token did not move the amount asked: it moved another amount (``BondNotReceived``,
    ``PaymentNotReceived``: fee-on-transfer or broken token) or, as :class:`PaymentRefusedError`, refused."""


@dataclass(frozen=True)
class PaymentAttempt:
    """What the SDK was paying when a token refused: ``amount`` base units of ``token`` from ``payer``, moved by
    ``spender`` (the contract that pulls the payment). ``balance`` and ``allowance`` (to ``spender``) are the
    payer's, read right after the refusal; ``None`` when a read failed, as ``symbol`` and ``decimals`` may."""

    token: str
    payer: str
    spender: str
    amount: int
    symbol: str | None = None
    decimals: int | None = None
    balance: int | None = None
    allowance: int | None = None

    @property
    def shortfall(self) -> str | None:
        """``"balance"``, ``"allowance"``, ``"balance and allowance"``, or ``None`` when neither is known short."""
        short = [
            name
            for name, value in (("balance", self.balance), ("allowance", self.allowance))
            if value is not None and value < self.amount
        ]
        return " and ".join(short) or None

    def units(self, value: int) -> str:
        """``value`` base units as the token shows them (``12.5 tUSD``), or in base units when its decimals are
        unknown."""
        if self.decimals is None:
            return f"{value} base units of {self.symbol or self.token}"
        from ipledger.models._amounts import format_units  # _amounts raises this module's errors

        return f"{format_units(value, self.decimals, grouping=True)} {self.symbol or 'tokens'}"


_REFUSALS = {
    "TransferFromFailed": "the token refused to move the payment from the payer",
    "SafeERC20FailedOperation": "the token refused the transfer (or is not a standard ERC-20)",
    "ERC20InsufficientAllowance": "the spender may move only part of the amount from the payer",
    "InsufficientAllowance": "the spender may move only part of the amount",
    "TransferFailed": "the token refused to pay out from the contract",
    "ApproveFailed": "the token refused the approval",
    "ETHTransferFailed": "the recipient refused the ether",
    "Permit2Failed": "the token refused the transfer, also through Permit2",
    "Permit2ApproveFailed": "the token refused the approval through Permit2",
}
_REASONS = {
    "TransferFromFailed": "the payer lacks the balance or the allowance",
    "SafeERC20FailedOperation": "the payer lacks the balance or the allowance",
    "ERC20InsufficientAllowance": "the payer must approve more",
    "InsufficientAllowance": "the holder must approve more",
    "TransferFailed": "the contract lacks the balance, or the token is paused or refuses the recipient",
    "Permit2Failed": "the payer lacks the balance or the allowance",
}


class PaymentRefusedError(PaymentTokenError):
    """A token refused to move the amount asked: the payer's balance, or its allowance to the contract that pulls
    the payment, is too small. Solady's SafeTransferLib says only ``TransferFromFailed()`` (whatever the token
    reverted with), OpenZeppelin's SafeERC20 ``SafeERC20FailedOperation(token)``; OpenZeppelin tokens name the
    allowance (``ERC20InsufficientAllowance``); a shortfall of balance is an :class:`InsufficientBalanceError`.

    ``payment`` says what the SDK was paying (token, payer, amount, and the payer's balance and allowance read
    after the refusal) when it knows: a dispute bond or a royalty.
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
        summary: str | None = None,
        payment: PaymentAttempt | None = None,
    ) -> None:
        self.payment = payment
        super().__init__(
            error_name, error_args, data=data, tx_hash=tx_hash, block=block, action=action, summary=summary
        )

    def with_payment(self, payment: PaymentAttempt) -> PaymentRefusedError:
        """The same refusal, told with what was being paid."""
        return type(self)(
            self.error_name,
            self.error_args,
            data=self.data,
            tx_hash=self.tx_hash,
            block=self.block,
            action=self.action,
            payment=payment,
        )

    @property
    def reason(self) -> str:
        """Why the token refused, as far as can be told: ``the payer lacks the balance``."""
        payment = self.payment
        if payment is not None and payment.shortfall is not None:
            return f"the payer lacks the {payment.shortfall}"
        if payment is not None and payment.balance is not None and payment.allowance is not None:
            return "neither is short, so the token refused for a reason of its own (paused, blocklisted, non-standard)"
        return _REASONS.get(self.error_name, "the payer lacks the balance or the allowance")

    def _explanation(self) -> str:
        payment = self.payment
        if payment is None:
            return f": {_REFUSALS.get(self.error_name, 'the token refused the payment')}; {self.reason}"
        token = f"{payment.symbol} ({payment.token})" if payment.symbol else f"token {payment.token}"
        held = ""
        if payment.balance is not None and payment.allowance is not None:
            held = (
                f" (it holds {payment.units(payment.balance)} and lets {payment.spender} move "
                f"{payment.units(payment.allowance)})"
            )
        return (
            f": the payment token {token} refused to move {payment.units(payment.amount)} from {payment.payer}"
            f"{held}; {self.reason}"
        )


class NotFractionalizedError(ContractRevertError, NotFoundError):
    """The right is not held by the share vault, so it has no shares."""


class IncompleteOwnershipError(ContractRevertError):
    """Redemption needs every share: ``balance`` of ``supply`` is not enough."""


class ComplianceError(ContractRevertError):
    """A party of a restricted share transfer is not eligible (unknown, verification lapsed, country blocked,
    not of an allowed investor category), or the share token's rules refuse the transfer (lock-up, maximum balance,
    holder cap, country rule).

    ``account`` names the party refused (the recipient, for the token's rules; the bidder of a buyout), when the
    error names one.
    """

    @property
    def account(self) -> str | None:
        value = self.error_args.get(
            "account", self.error_args.get("to", self.error_args.get("buyer", self.error_args.get("bidder")))
        )
        return None if value is None else str(value)


class FrozenSharesError(ContractRevertError):
    """A compliance officer froze the holder's shares (all of them, or more than the transfer leaves)."""


class InsufficientBalanceError(ContractRevertError):
    """The sender holds fewer shares or payment tokens than the transfer needs."""


class InvalidRecipientError(ContractRevertError):
    """The recipient cannot hold the token: the zero address, the token itself, or a contract without the receiver
    hook (``ERC20InvalidReceiver``, ``ERC721InvalidReceiver``, ``TransferToNonERC721ReceiverImplementer``...)."""


class PausedError(ContractRevertError):
    """A guardian paused the registry (``EnforcedPause``; ``RegistryPaused`` from the licence registry): nothing
    that changes a right goes through until it is unpaused. Retrying later is the only remedy."""


class ReentrancyError(ContractRevertError):
    """``ReentrancyGuardReentrantCall``: during the call, a token (or receiver) called back into the contract; the
    whole transaction was refused. Usually a malicious or non-standard payment token."""


class OrderError(ContractRevertError):
    """The settlement desk refused an order: expired, cancelled, overfilled, reserved for another taker, bad
    signature, or not the caller's to cancel."""


class LoanError(ContractRevertError):
    """The loan desk refused: terms inconsistent (``InvalidTerms``), expired (``TermsExpired``), accepted or cancelled
    (``TermsNotAvailable``), a collateral it does not take (``UnknownCollateral``, a self-declared claim:
    ``CollateralUnverified``), another collateral or currency at refinancing, auction prices out of order, a bid price
    above the bidder's limit, foreclosure the terms do not allow, a zero repayment, an empty pledge registration,
    nothing credited to withdraw (``NothingToWithdraw``)."""


class LoanStateError(LoanError):
    """The loan's state does not allow this: ``WrongState`` (``state`` names it: ``"repaid"``, ``"sold"``...),
    ``AuctionRunning`` (until ``ends_at``), ``CollateralHeld`` (nothing lost to record)."""

    _STATES = ("none", "active", "auction", "repaid", "sold", "foreclosed", "refinanced", "lost")

    @property
    def state(self) -> str | None:
        """The loan's state as ``WrongState`` names it (``None`` for the other errors)."""
        value = self.error_args.get("state")
        if not isinstance(value, int) or not 0 <= value < len(self._STATES):
            return None
        return self._STATES[value]

    @property
    def ends_at(self) -> int | None:
        """When the running auction ends (unix time; ``AuctionRunning`` only)."""
        value = self.error_args.get("endsAt")
        return None if value is None else int(value)

    def _explanation(self) -> str:
        return "" if self.state is None else f": the loan is {self.state}"


class NotYetEnforceableError(LoanError):
    """The lender may enforce the pledge only from ``enforceable_at`` (unix time: maturity plus the grace period)."""

    @property
    def enforceable_at(self) -> int:
        return int(self.error_args["enforceableAt"])


class InvalidSignatureError(OrderError, LoanError):
    """``InvalidSignature``: a signed order or loan offer whose signature is not its maker's or lender's (another
    chain, desk or signer, or the terms were altered). Both desks declare the same error."""


class PaymentShortfallError(OrderError, LoanError, PaymentTokenError):
    """``PaymentShortfall``: a payee received less than a desk moved (a fee-on-transfer or lying token). Both desks
    declare the same error."""


class BuyoutError(ContractRevertError):
    """The share vault refused a buyout call for the buyout's state: another buyout of the right is open
    (``BuyoutInProgress``), the buyout is not open or not settled (``BuyoutNotInState``), its tender window closed
    (``TenderWindowClosed``) or is still open to settle (``TenderWindowOpen``), shares are tendered so the bidder
    cannot cancel (``TenderedShares``), or the caller is owed nothing (``NothingToClaim``)."""


def _render(value: Any) -> str:
    if isinstance(value, bytes):
        if len(value) == 2 and value.isalpha() and value.isupper():
            return value.decode("ascii")  # a country or jurisdiction code (bytes2)
        return "0x" + value.hex()
    if isinstance(value, int) and value > 2**64:
        return hex(value)
    return str(value)
