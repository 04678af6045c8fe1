"""Decoding of revert data into the named custom errors of the shipped contracts."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from eth_abi.abi import decode, encode
from eth_abi.exceptions import DecodingError
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ._artifacts import SHIPPED_CONTRACTS, load_artifact
from ._exceptions import (
    ComplianceError,
    ContractRevertError,
    DuplicateRightError,
    FrozenSharesError,
    IncompleteOwnershipError,
    InsufficientBalanceError,
    LicenseConflictError,
    NotFractionalizedError,
    OrderError,
    PaymentTokenError,
    RegistrationChangedError,
    RevokedRightError,
    RightDisputedError,
    SignatureError,
    TokenFrozenError,
    UnauthorizedError,
    UnknownRecordError,
    UnknownTokenError,
)

__all__ = ["RevertDecoder", "encode_error"]

_SPECIFIC: dict[str, type[ContractRevertError]] = {
    # IPRegistry
    "RightAlreadyRegistered": DuplicateRightError,
    "ContentAlreadyRegistered": DuplicateRightError,
    "RevokedRight": RevokedRightError,
    "TokenIsFrozen": TokenFrozenError,
    "AccessControlUnauthorizedAccount": UnauthorizedError,
    "NotOwnerNorApproved": UnauthorizedError,
    "NotTokenOwner": UnauthorizedError,
    "UnknownToken": UnknownTokenError,
    "TokenDoesNotExist": UnknownTokenError,
    # FractionVault and ShareToken
    "NotFractionalized": NotFractionalizedError,
    "IncompleteOwnership": IncompleteOwnershipError,
    "NotComplianceOfficer": UnauthorizedError,
    "OnlyVault": UnauthorizedError,
    "HolderFrozen": FrozenSharesError,
    "InsufficientUnfrozenBalance": FrozenSharesError,
    "InsufficientBalance": InsufficientBalanceError,
    "ERC20InsufficientBalance": InsufficientBalanceError,
    # ComplianceRegistry (reached through the share token's checks)
    "NotEligible": ComplianceError,
    "VerificationExpired": ComplianceError,
    "CountryBlocked": ComplianceError,
    # SettlementDesk
    "OrderExpired": OrderError,
    "OrderCancelled": OrderError,
    "InvalidSignature": OrderError,
    "NotOrderTaker": OrderError,
    "FillExceedsRemaining": OrderError,
    "InvalidFillAmount": OrderError,
    "InvalidOrder": OrderError,
    "NotOrderMaker": OrderError,
    "PaymentShortfall": OrderError,
    # Registry: disputes
    "RightDisputed": RightDisputedError,
    # LicenseRegistry, AttestationRegistry, DisputeManager, RoyaltyVault
    "LicenseConflict": LicenseConflictError,
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
    "InvalidVoucherSigner": SignatureError,
    "VoucherExpired": SignatureError,
    "SignatureExpired": SignatureError,
    "InvalidAccountNonce": SignatureError,
    "RegistrationChanged": RegistrationChangedError,
    "BondNotReceived": PaymentTokenError,
    "PaymentNotReceived": PaymentTokenError,
}

_PANIC_REASONS = {
    0x01: "assertion failed",
    0x11: "arithmetic overflow or underflow",
    0x12: "division by zero",
    0x21: "invalid enum value",
    0x32: "array index out of bounds",
}


def _canonical_type(param: dict[str, Any]) -> str:
    kind = str(param["type"])
    if kind.startswith("tuple"):
        inner = ",".join(_canonical_type(component) for component in param["components"])
        return f"({inner}){kind[len('tuple') :]}"
    return kind


def encode_error(signature: str, types: list[str], values: list[Any]) -> str:
    """Revert data of a custom error, so that a refusal found by a read raises the same exception as the chain."""
    return "0x" + (keccak(text=signature)[:4] + encode(types, values)).hex()


class RevertDecoder:
    """Maps 4-byte selectors of ABI errors to their names and argument types."""

    @classmethod
    def for_shipped_contracts(cls) -> RevertDecoder:
        """A decoder of every custom error of every contract ipledger ships (registry, compliance, vault, share
        token, desk, test stablecoin): a share transfer's revert may come from the compliance registry."""
        return _shipped_decoder()

    def __init__(self, abis: Iterable[list[dict[str, Any]]]) -> None:
        self._errors: dict[bytes, tuple[str, list[str], list[str]]] = {
            bytes.fromhex("08c379a0"): ("Error", ["message"], ["string"]),
            bytes.fromhex("4e487b71"): ("Panic", ["code"], ["uint256"]),
        }
        for abi in abis:
            for entry in abi:
                if entry.get("type") != "error":
                    continue
                types = [_canonical_type(param) for param in entry["inputs"]]
                names = [param["name"] or f"arg{index}" for index, param in enumerate(entry["inputs"])]
                selector = keccak(text=f"{entry['name']}({','.join(types)})")[:4]
                self._errors[selector] = (entry["name"], names, types)

    def decode(
        self,
        data: str | bytes | None,
        *,
        action: str | None = None,
        tx_hash: str | None = None,
        block: int | None = None,
    ) -> ContractRevertError:
        """The exception for revert ``data`` (hex or bytes); unknown data gives ``error_name`` "unknown"."""
        raw = bytes.fromhex(data.removeprefix("0x")) if isinstance(data, str) else (data or b"")
        hex_data = "0x" + raw.hex()
        known = self._errors.get(raw[:4]) if len(raw) >= 4 else None
        if known is None:
            name = "unknown" if raw else "reverted without reason"
            return ContractRevertError(name, data=hex_data, action=action, tx_hash=tx_hash, block=block)
        name, names, types = known
        try:
            values = decode(types, raw[4:])
        except DecodingError:
            return ContractRevertError(name, data=hex_data, action=action, tx_hash=tx_hash, block=block)
        arguments = {
            arg: to_checksum_address(value) if kind == "address" else value
            for arg, kind, value in zip(names, types, values, strict=True)
        }
        if name == "Panic":
            arguments["reason"] = _PANIC_REASONS.get(int(arguments["code"]), "panic")
        error_class = _SPECIFIC.get(name, ContractRevertError)
        return error_class(name, arguments, data=hex_data, action=action, tx_hash=tx_hash, block=block)


@cache
def _shipped_decoder() -> RevertDecoder:
    return RevertDecoder(load_artifact(name).abi for name in SHIPPED_CONTRACTS)
