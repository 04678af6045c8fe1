"""Decoding of revert data into named exceptions.

The decoder knows every custom error of the shipped artifacts' ABIs and of the error catalogue
(``artifacts/errors.json``, written by ``scripts/compile.py`` from the compiler's ASTs): every error declared in
any source the contracts are compiled from, OpenZeppelin's and Solady's included. ABIs list only the errors a
contract's Solidity code reverts with; a library that reverts from assembly (Solady's SafeTransferLib:
``TransferFromFailed()``) or a token the contract calls (whose revert it bubbles up) raises errors no ABI has.

Every error name the catalogue holds is classified once: :data:`_SPECIFIC` maps it to the exception a caller
catches, :data:`_GENERIC` lists those left as a plain :class:`ContractRevertError` on purpose (a test checks that
each name is in exactly one of them). Two different errors with one selector are told apart by whose arguments
the data decodes as; data that fits both stays ambiguous and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from eth_abi.abi import decode, encode
from eth_abi.exceptions import DecodingError
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ipledger._artifacts import SHIPPED_CONTRACTS, load_artifact, load_error_catalogue
from ipledger._exceptions import (
    BuyoutError,
    ComplianceError,
    ContractRevertError,
    DuplicateRightError,
    FrozenSharesError,
    IncompleteOwnershipError,
    InsufficientBalanceError,
    InvalidRecipientError,
    InvalidSignatureError,
    LicenseConflictError,
    LoanError,
    LoanStateError,
    NotFractionalizedError,
    NotYetEnforceableError,
    OrderError,
    PausedError,
    PaymentRefusedError,
    PaymentShortfallError,
    PaymentTokenError,
    ReentrancyError,
    RegistrationChangedError,
    RevokedRightError,
    RightDisputedError,
    RightPledgedError,
    SignatureError,
    TokenFrozenError,
    UnauthorizedError,
    UnknownRecordError,
    UnknownTokenError,
)

__all__ = ["ErrorSpec", "RevertDecoder", "encode_error", "exception_class"]

#: Error name -> the exception it raises. Overloads (Solady's ``InsufficientBalance()`` and OpenZeppelin's
#: ``InsufficientBalance(uint256,uint256)``) share the entry: they mean the same.
_SPECIFIC: dict[str, type[ContractRevertError]] = {
    # IPRegistry
    "RightAlreadyRegistered": DuplicateRightError,
    "ContentAlreadyRegistered": DuplicateRightError,
    "NumberAlreadyRegistered": DuplicateRightError,
    "RevokedRight": RevokedRightError,
    "TokenIsFrozen": TokenFrozenError,
    "RightDisputed": RightDisputedError,
    "RightPledged": RightPledgedError,
    "NotTokenOwner": UnauthorizedError,
    "NotHolder": UnauthorizedError,  # ERC-7943's setFrozenTokens naming an account that does not hold the right
    "UnknownToken": UnknownTokenError,
    "VoucherExpired": SignatureError,
    "InvalidVoucherSigner": SignatureError,
    # FractionVault and ShareToken
    "NotFractionalized": NotFractionalizedError,
    "IncompleteOwnership": IncompleteOwnershipError,
    "NotComplianceOfficer": UnauthorizedError,
    "OnlyVault": UnauthorizedError,
    "OnlyRoyaltyVault": UnauthorizedError,
    "HolderFrozen": FrozenSharesError,
    "InvalidRecipient": InvalidRecipientError,
    "NotHolderOrOfficer": UnauthorizedError,
    "NoRoyaltyBeneficiary": UnauthorizedError,
    "BeneficiaryOfInvestor": UnauthorizedError,
    # FractionVault's buyouts
    "BuyoutInProgress": BuyoutError,
    "BuyoutNotInState": BuyoutError,
    "TenderWindowClosed": BuyoutError,
    "TenderWindowOpen": BuyoutError,
    "TenderedShares": BuyoutError,
    "NothingToClaim": BuyoutError,
    "UnknownBuyout": UnknownRecordError,
    "NotBidder": UnauthorizedError,
    "BidderNotEligible": ComplianceError,
    "RightNotTransferable": TokenFrozenError,
    "DepositShortfall": PaymentTokenError,
    # ShareToken's per-token transfer rules (restricted mode)
    "LockedUp": ComplianceError,
    "MaxBalanceExceeded": ComplianceError,
    "MaxHoldersReached": ComplianceError,
    "CountryNotAllowed": ComplianceError,
    # ERC-7943 (the share token's standard interface)
    "ERC7943InsufficientUnfrozenBalance": FrozenSharesError,
    "ERC7943CannotSend": ComplianceError,
    "ERC7943CannotReceive": ComplianceError,
    "ERC7943CannotTransfer": ComplianceError,
    # ComplianceRegistry (reached through the share token's checks, or its own acts)
    "NotEligible": ComplianceError,
    "VerificationExpired": ComplianceError,
    "CountryBlocked": ComplianceError,
    "NotInvestor": ComplianceError,
    "CategoryNotAllowed": ComplianceError,
    "CategoriesExpired": ComplianceError,
    "NotScopeAdmin": UnauthorizedError,
    # SettlementDesk
    "OrderExpired": OrderError,
    "OrderCancelled": OrderError,
    "InvalidSignature": InvalidSignatureError,  # the loan desk's too
    "NotOrderTaker": OrderError,
    "FillExceedsRemaining": OrderError,
    "InvalidFillAmount": OrderError,
    "InvalidOrder": OrderError,
    "NotOrderMaker": OrderError,
    "PaymentShortfall": PaymentShortfallError,  # the loan desk's too
    # LoanDesk
    "InvalidTerms": LoanError,
    "TermsExpired": LoanError,
    "TermsNotAvailable": LoanError,
    "UnknownCollateral": LoanError,
    "CollateralMismatch": LoanError,
    "InvalidAuction": LoanError,
    "PriceAboveLimit": LoanError,
    "ForeclosureNotAllowed": LoanError,
    "ZeroRepayment": LoanError,
    "EmptyRegistration": LoanError,
    "CollateralUnverified": LoanError,
    "NothingToWithdraw": LoanError,
    "WrongState": LoanStateError,
    "AuctionRunning": LoanStateError,
    "CollateralHeld": LoanStateError,
    "NotYetEnforceable": NotYetEnforceableError,
    "NotParty": UnauthorizedError,
    "NotLender": UnauthorizedError,
    "NotLoanParty": UnauthorizedError,
    "NotCollateralHolder": UnauthorizedError,
    "CollateralFrozen": TokenFrozenError,
    "CollateralDisputed": RightDisputedError,
    "BuyerNotEligible": ComplianceError,
    "UnknownLoan": UnknownRecordError,
    # LicenseRegistry, AttestationRegistry, DisputeManager, RoyaltyVault
    "LicenseConflict": LicenseConflictError,
    "RightLocked": TokenFrozenError,
    "RegistryPaused": PausedError,
    "PledgedRightExclusive": RightPledgedError,
    "NotRightOwner": UnauthorizedError,
    "NotLicensor": UnauthorizedError,
    "NotAttestor": UnauthorizedError,
    "NotAttestationAuthor": UnauthorizedError,
    "NotCreditor": UnauthorizedError,
    "NotDeployer": UnauthorizedError,
    "UnknownLicense": UnknownRecordError,
    "UnknownAttestation": UnknownRecordError,
    "UnknownDispute": UnknownRecordError,
    "UnknownRight": UnknownRecordError,
    "InvalidAttestationSignature": SignatureError,
    "SignatureExpired": SignatureError,
    "RegistrationChanged": RegistrationChangedError,
    "BondNotReceived": PaymentTokenError,
    "PaymentNotReceived": PaymentTokenError,
    # OpenZeppelin: access control, pausing, re-entrancy, nonces, signatures
    "AccessControlUnauthorizedAccount": UnauthorizedError,
    "AccessControlBadConfirmation": UnauthorizedError,
    "EnforcedPause": PausedError,
    "ReentrancyGuardReentrantCall": ReentrancyError,
    "InvalidAccountNonce": SignatureError,
    "ECDSAInvalidSignature": SignatureError,
    "ECDSAInvalidSignatureLength": SignatureError,
    "ECDSAInvalidSignatureS": SignatureError,
    "ERC2612ExpiredSignature": SignatureError,
    "ERC2612InvalidSigner": SignatureError,
    # OpenZeppelin: token errors (ERC-6093), SafeERC20, Address
    "ERC20InsufficientBalance": InsufficientBalanceError,
    "ERC20InsufficientAllowance": PaymentRefusedError,
    "ERC20InvalidReceiver": InvalidRecipientError,
    "ERC721NonexistentToken": UnknownTokenError,
    "ERC721IncorrectOwner": UnauthorizedError,
    "ERC721InsufficientApproval": UnauthorizedError,
    "ERC721InvalidReceiver": InvalidRecipientError,
    "ERC1155InsufficientBalance": InsufficientBalanceError,
    "ERC1155MissingApprovalForAll": UnauthorizedError,
    "ERC1155InvalidReceiver": InvalidRecipientError,
    "SafeERC20FailedOperation": PaymentRefusedError,
    "InsufficientBalance": InsufficientBalanceError,
    # Solady: ERC721 (the registry), ERC20 (share tokens), SafeTransferLib (bonds, royalties, share royalties)
    "NotOwnerNorApproved": UnauthorizedError,
    "TransferFromIncorrectOwner": UnauthorizedError,
    "TokenDoesNotExist": UnknownTokenError,
    "TransferToZeroAddress": InvalidRecipientError,
    "TransferToNonERC721ReceiverImplementer": InvalidRecipientError,
    "InsufficientAllowance": PaymentRefusedError,
    "InvalidPermit": SignatureError,
    "PermitExpired": SignatureError,
    "TransferFromFailed": PaymentRefusedError,
    "TransferFailed": PaymentRefusedError,
    "ApproveFailed": PaymentRefusedError,
    "ETHTransferFailed": PaymentRefusedError,
    "Permit2Failed": PaymentRefusedError,
    "Permit2ApproveFailed": PaymentRefusedError,
    "Permit2AmountOverflow": PaymentTokenError,
    "Permit2LockdownFailed": PaymentTokenError,
    "TotalSupplyQueryFailed": PaymentTokenError,
}

#: Error names deliberately left a plain :class:`ContractRevertError` (the name and arguments say it all, and no
#: caller would catch them apart): refusals of input the SDK validates before sending, state a caller reads first,
#: and library faults that mean a bug rather than something to handle.
_GENERIC: frozenset[str] = frozenset(
    {
        # Solidity's own
        "Error",
        "Panic",
        # IPRegistry: input and state the SDK checks first
        "InvalidRegistration",
        "InvalidNumber",
        "TooManyNumbers",
        "CommitmentMismatch",
        "InvalidRoyalty",
        "FreezeStateUnchanged",
        "LockUnchanged",
        "CommitmentPending",
        "UnknownCommitment",
        "RevealTooEarly",
        "RevealWindowClosed",
        "MissingEvidenceHash",
        "EmptyBatch",
        "NotSelfDeclared",
        "EtherNotAccepted",
        # FractionVault, ShareToken, ComplianceRegistry
        "CustodyHeld",
        "ZeroSupply",
        "InvalidBuyoutThreshold",
        "InvalidBuyoutWindow",
        "InvalidBuyoutPrice",
        "InvalidPaymentToken",
        "AlreadyInitialized",
        "MissingReasonHash",
        "ZeroFreeze",
        "SupplyTooLarge",
        "TooManyRoyaltyCurrencies",
        "InvalidRoyaltyCurrency",
        "RoyaltyTotalTooLarge",
        "NoRoyaltyOwed",
        "RecoveryOfContract",
        "InvalidCountryRule",
        "InvalidHolderList",
        "InvalidExpiry",
        "InvalidCountry",
        "ZeroAddress",
        # LicenseRegistry, AttestationRegistry, DisputeManager, RoyaltyVault
        "TooManyLicenses",
        "LicenseAlreadyRevoked",
        "InvalidLicensee",
        "InvalidExclusivity",
        "InvalidTerritory",
        "DuplicateTerritory",
        "FieldMismatch",
        "InvalidPeriod",
        "RightExpired",
        "MissingHash",
        "AttestationAlreadyRevoked",
        "InvalidAttestation",
        "DisputeClosed",
        "InvalidRemedy",
        "InvalidSettings",
        "InvalidRoyaltyVault",
        "NoPaymentToken",
        "ZeroAmount",
        "NothingOwed",
        "FractionVaultAlreadySet",
        "InvalidFractionVault",
        "NoShareToken",
        "CurrencyNotOpen",
        # OpenZeppelin: arguments no ipledger call passes, and library faults
        "ExpectedPause",
        "ERC20InvalidSender",
        "ERC20InvalidApprover",
        "ERC20InvalidSpender",
        "ERC721InvalidOwner",
        "ERC721InvalidSender",
        "ERC721InvalidApprover",
        "ERC721InvalidOperator",
        "ERC1155InvalidSender",
        "ERC1155InvalidApprover",
        "ERC1155InvalidOperator",
        "ERC1155InvalidArrayLength",
        "SafeERC20FailedDecreaseAllowance",
        "CloneArgumentsTooLong",
        "Create2EmptyBytecode",
        "FailedCall",
        "FailedDeployment",
        "MissingPrecompile",
        "ERC5267ExtensionsNotSupported",
        "StringTooLong",
        "InvalidShortString",
        "StringsInsufficientHexLength",
        "StringsInvalidChar",
        "StringsInvalidAddressFormat",
        "SafeCastOverflowedUintDowncast",
        "SafeCastOverflowedIntToUint",
        "SafeCastOverflowedIntDowncast",
        "SafeCastOverflowedUintToInt",
        # Solady: overflows no real supply reaches, and states the registry never asks for
        "TotalSupplyOverflow",
        "AllowanceOverflow",
        "AllowanceUnderflow",
        "Permit2AllowanceIsFixedAtInfinity",
        "TokenAlreadyExists",
        "BalanceQueryForZeroAddress",
        "AccountBalanceOverflow",
        # Solady: LibString (the registry's base URI), inputs the SDK never passes
        "HexLengthInsufficient",
        "StringNot7BitASCII",
        "TooBigForSmallString",
        # Solady: FixedPointMathLib (the share vault's buyout deposit and payments), faults its bounded operands never
        # reach (price, deposit and supply are each below 2**128)
        "MulDivFailed",
        "FullMulDivFailed",
        "DivFailed",
        "MulWadFailed",
        "SMulWadFailed",
        "DivWadFailed",
        "SDivWadFailed",
        "ExpOverflow",
        "FactorialOverflow",
        "RPowOverflow",
        "MantissaOverflow",
        "OutOfDomain",
        "LnWadUndefined",
    }
)

_PANIC_REASONS = {
    0x01: "assertion failed",
    0x11: "arithmetic overflow or underflow",
    0x12: "division by zero",
    0x21: "invalid enum value",
    0x22: "invalid storage byte array",
    0x31: "pop from an empty array",
    0x32: "array index out of bounds",
    0x41: "out of memory",
    0x51: "call to an uninitialised function",
}


@dataclass(frozen=True)
class ErrorSpec:
    """One custom error the decoder knows: name, canonical signature, and its arguments' names and ABI types."""

    name: str
    signature: str
    arg_names: tuple[str, ...]
    types: tuple[str, ...]

    @property
    def selector(self) -> bytes:
        return keccak(text=self.signature)[:4]

    @classmethod
    def from_abi(cls, entry: Mapping[str, Any]) -> ErrorSpec:
        """The spec of an ABI ``error`` entry (an artifact's, or one of the catalogue's)."""
        types = tuple(_canonical_type(param) for param in entry["inputs"])
        names = tuple(param.get("name") or f"arg{index}" for index, param in enumerate(entry["inputs"]))
        return cls(str(entry["name"]), f"{entry['name']}({','.join(types)})", names, types)


_BUILTIN = (
    ErrorSpec("Error", "Error(string)", ("message",), ("string",)),
    ErrorSpec("Panic", "Panic(uint256)", ("code",), ("uint256",)),
)


def _canonical_type(param: Mapping[str, Any]) -> str:
    kind = str(param["type"])
    if kind.startswith("tuple"):
        inner = ",".join(_canonical_type(component) for component in param["components"])
        return f"({inner}){kind[len('tuple') :]}"
    return kind


def encode_error(signature: str, types: list[str], values: list[Any]) -> str:
    """Revert data of a custom error, so that a refusal found by a read raises the same exception as the chain."""
    return "0x" + (keccak(text=signature)[:4] + encode(types, values)).hex()


def exception_class(name: str) -> type[ContractRevertError]:
    """The exception class an error named ``name`` decodes to."""
    return _SPECIFIC.get(name, ContractRevertError)


class RevertDecoder:
    """Maps 4-byte selectors of custom errors to their names and argument types, and revert data to exceptions."""

    @classmethod
    def for_shipped_contracts(cls) -> RevertDecoder:
        """A decoder of every custom error ipledger's contracts may revert with: those in the ABIs of the shipped
        contracts (a share transfer's revert may come from the compliance registry) and every error the catalogue
        holds (libraries and tokens they call, also errors raised from assembly)."""
        return _shipped_decoder()

    def __init__(self, abis: Iterable[Iterable[Mapping[str, Any]]]) -> None:
        """``abis``: ABIs (or any lists of ABI entries, such as the error catalogue); their ``error`` entries count.
        The same signature twice is one error (its first argument names win); two signatures with one selector
        are both kept, and :meth:`decode` tells them apart by their data."""
        self._errors: dict[bytes, list[ErrorSpec]] = {}
        for spec in _BUILTIN:
            self._add(spec)
        for abi in abis:
            for entry in abi:
                if entry.get("type") == "error":
                    self._add(ErrorSpec.from_abi(entry))

    def _add(self, spec: ErrorSpec) -> None:
        known = self._errors.setdefault(spec.selector, [])
        if all(other.signature != spec.signature for other in known):
            known.append(spec)

    @property
    def errors(self) -> list[ErrorSpec]:
        """Every error known, one per signature."""
        return [spec for specs in self._errors.values() for spec in specs]

    @property
    def clashes(self) -> dict[str, list[str]]:
        """Selectors (``0x…``) that two or more different signatures share, with those signatures."""
        return {
            "0x" + selector.hex(): [spec.signature for spec in specs]
            for selector, specs in self._errors.items()
            if len(specs) > 1
        }

    def decode(
        self,
        data: str | bytes | None,
        *,
        action: str | None = None,
        tx_hash: str | None = None,
        block: int | None = None,
    ) -> ContractRevertError:
        """The exception for revert ``data`` (hex or bytes).

        A known error gives its class (see :func:`exception_class`) with its arguments by name. Data that no
        known error explains gives ``error_name`` "unknown"; no data at all gives "reverted without reason".
        """
        raw = bytes.fromhex(data.removeprefix("0x")) if isinstance(data, str) else (data or b"")
        hex_data = "0x" + raw.hex()
        context: dict[str, Any] = {"data": hex_data, "action": action, "tx_hash": tx_hash, "block": block}
        if not raw:
            summary = "no revert data (a bare revert(), a failed require without message, or a call to no code)"
            return ContractRevertError("reverted without reason", summary=summary, **context)
        candidates = self._errors.get(raw[:4], []) if len(raw) >= 4 else []
        if not candidates:
            return ContractRevertError("unknown", summary=_unknown_summary(raw), **context)
        decoded = [(spec, values) for spec in candidates if (values := _decode_arguments(spec, raw[4:])) is not None]
        if len(decoded) == 1:
            spec, values = decoded[0]
            return exception_class(spec.name)(spec.name, _arguments(spec, values), **context)
        if len(candidates) == 1:
            (spec,) = candidates
            summary = f"{spec.signature} with {len(raw) - 4} bytes of arguments that do not decode as its own"
            return ContractRevertError(spec.name, summary=summary, **context)
        # Two different errors share the selector and the data fits each (or none) of them: say so, guess not.
        fits = [spec for spec, _ in decoded] or candidates
        signatures = " or ".join(spec.signature for spec in fits)
        how = "each" if decoded else "none"
        summary = f"{signatures} (they share selector 0x{raw[:4].hex()} and the data fits {how} of them)"
        return ContractRevertError(" or ".join(spec.name for spec in fits), summary=summary, **context)


def _unknown_summary(raw: bytes) -> str:
    if len(raw) < 4:
        return f"unknown error: {len(raw)} bytes of revert data 0x{raw.hex()}, too short for a selector"
    return f"unknown error 0x{raw[:4].hex()} (not an error of any contract ipledger ships)"


def _decode_arguments(spec: ErrorSpec, data: bytes) -> tuple[Any, ...] | None:
    try:
        return tuple(decode(list(spec.types), data))
    except (DecodingError, ValueError, OverflowError):
        return None


def _arguments(spec: ErrorSpec, values: tuple[Any, ...]) -> dict[str, Any]:
    arguments = {
        arg: to_checksum_address(value) if kind == "address" else value
        for arg, kind, value in zip(spec.arg_names, spec.types, values, strict=True)
    }
    if spec.signature == "Panic(uint256)":
        arguments["reason"] = _PANIC_REASONS.get(int(arguments["code"]), "panic")
    return arguments


@cache
def _shipped_decoder() -> RevertDecoder:
    return RevertDecoder([*(load_artifact(name).abi for name in SHIPPED_CONTRACTS), load_error_catalogue()])
