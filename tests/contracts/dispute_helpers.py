"""Helpers for the attestation, dispute and registry-claim tests (fixtures: conftest.py beside this file, rights/).

Builds on ``registry_helpers`` (revert capture, time, commitments) rather than repeating it:

- ``reverts(name, *args)``: the same byte-for-byte check as ``registry_helpers.reverts``, against the custom errors
  of IPRegistry, AttestationRegistry, DisputeManager, RoyaltyVault and the test tokens (registry_helpers only knows the
  registry's).
- ``emitted(tx)``: every log of a transaction as (emitting address, event name, arguments), so a test asserts
  which contract emitted what, in order.
- EIP-712 for signed attestations, computed twice: by eth-account (what a wallet signs) and by hand from the
  type string (what the contract hashes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from error_catalog import ErrorCatalog
from eth_abi import encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from registry_helpers import (
    HISTORY_EVENTS,
    ZERO_ADDRESS,
    address_of,
    commitment_for,
)

# --------------------------------------------------------------------------------------------- constants

# Throwaway keys of the accounts whose signatures or transactions the tests need; funded only on the test chain.
ATTESTOR_KEY = "0x" + "f1" * 32
REGISTRAR_ATTESTOR_KEY = "0x" + "f2" * 32
VERIFIER_KEY = "0x" + "f3" * 32
LOCK_KEEPER_KEY = "0x" + "f4" * 32

REGISTRAR_ROLE = keccak(text="REGISTRAR_ROLE")
VERIFIER_ROLE = keccak(text="VERIFIER_ROLE")
DISPUTE_ROLE = keccak(text="DISPUTE_ROLE")
ATTESTOR_ROLE = keccak(text="ATTESTOR_ROLE")
ARBITRATOR_ROLE = keccak(text="ARBITRATOR_ROLE")

TITLE_VERIFIED = keccak(text="TITLE_VERIFIED")
VALUATION = keccak(text="VALUATION")
FREEDOM_TO_OPERATE = keccak(text="FREEDOM_TO_OPERATE")

EVIDENCE = keccak(text="opinion letter 2026-17")
REASON = keccak(text="opinion withdrawn")
RULING = keccak(text="arbitral award 2026/31")

# IDisputeManager.Outcome and IDisputeManager.Remedy.
OPEN, UPHELD, DISMISSED = range(3)
NONE, FREEZE, FORCE_TRANSFER, REVOKE = range(4)

BOND = 500 * 10**6  # 500 tUSD (6 decimals)

ATTESTATION_DOMAIN_NAME = "IPLedger Attestations"
DOMAIN_TYPEHASH = keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
ATTESTATION_TYPE = (
    "Attestation(uint256 tokenId,address holder,uint32 registeredAt,bytes32 claimType,bytes32 evidenceHash,"
    "uint64 expiry,address attestor,uint256 nonce,uint256 deadline)"
)
ATTESTATION_FIELDS = [
    {"name": "tokenId", "type": "uint256"},
    {"name": "holder", "type": "address"},
    {"name": "registeredAt", "type": "uint32"},
    {"name": "claimType", "type": "bytes32"},
    {"name": "evidenceHash", "type": "bytes32"},
    {"name": "expiry", "type": "uint64"},
    {"name": "attestor", "type": "address"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
EIP712_DOMAIN = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]

# The contracts whose custom errors ``reverts`` knows.
_CONTRACTS = (
    "IPRegistry",
    "AttestationRegistry",
    "DisputeManager",
    "RoyaltyVault",
    "TestStablecoin",
    "TestFeeOnTransferToken",
    "TestReentrantToken",
)

# --------------------------------------------------------------------------------------------- errors


_CATALOG = ErrorCatalog(_CONTRACTS)
encode_error = _CATALOG.encode
describe_error = _CATALOG.describe
reverts = _CATALOG.reverts


# --------------------------------------------------------------------------------------------- events


def emitted(tx: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """A brownie receipt's events in log order as (emitting address, name, arguments), bytes as ``bytes``;
    ``HistoryLinked`` left out."""
    out = []
    for event in tx.events:
        if event.name in HISTORY_EVENTS:
            continue  # the history commitments' bookkeeping, tested in test_right_history.py
        args = {k: (bytes(v) if isinstance(v, bytes) else v) for k, v in dict(event).items()}
        out.append((address_of(event.address), event.name, args))
    return out


def log(contract: Any, name: str, **args: Any) -> tuple[str, str, dict[str, Any]]:
    """The expected entry of ``emitted`` for event ``name`` of ``contract`` (accounts and contracts given as
    arguments become their checksummed addresses)."""
    return (address_of(contract), name, {k: address_of(v) if hasattr(v, "address") else v for k, v in args.items()})


def as_dict(struct: Any) -> dict[str, Any]:
    """A returned struct as a plain dict (bytes as ``bytes``, addresses checksummed strings, ints as ints)."""
    out = {}
    for key, value in struct.dict().items():
        if isinstance(value, bytes):
            value = bytes(value)
        elif isinstance(value, str) and value.startswith("0x") and len(value) == 42:
            value = address_of(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            value = int(value)
        out[key] = value
    return out


# --------------------------------------------------------------------------------------------- EIP-712


@dataclass(frozen=True)
class SignedAttestation:
    """IAttestationRegistry.SignedAttestation."""

    tokenId: int  # noqa: N815 (the Solidity field names, so the message is the EIP-712 message)
    holder: str
    registeredAt: int  # noqa: N815
    claimType: bytes  # noqa: N815
    evidenceHash: bytes  # noqa: N815
    expiry: int
    attestor: str
    nonce: int = 0
    deadline: int = 2**40

    def as_tuple(self) -> tuple[Any, ...]:
        return (
            self.tokenId,
            self.holder,
            self.registeredAt,
            self.claimType,
            self.evidenceHash,
            self.expiry,
            self.attestor,
            self.nonce,
            self.deadline,
        )

    def but(self, **changes: Any) -> SignedAttestation:
        return replace(self, **changes)

    def struct_hash(self) -> bytes:
        """hashStruct(Attestation) from the type string, independently of eth-account."""
        types = ["bytes32"] + [f["type"] for f in ATTESTATION_FIELDS]
        return keccak(encode(types, [keccak(text=ATTESTATION_TYPE), *self.as_tuple()]))


def attestation_domain_separator(*, chain_id: int, verifying_contract: Any) -> bytes:
    return keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [
                DOMAIN_TYPEHASH,
                keccak(text=ATTESTATION_DOMAIN_NAME),
                keccak(text="1"),
                chain_id,
                address_of(verifying_contract),
            ],
        )
    )


def attestation_digest(attestation: SignedAttestation, *, chain_id: int, verifying_contract: Any) -> bytes:
    separator = attestation_domain_separator(chain_id=chain_id, verifying_contract=verifying_contract)
    return keccak(b"\x19\x01" + separator + attestation.struct_hash())


def sign_attestation(key: str, attestation: SignedAttestation, *, chain_id: int, verifying_contract: Any) -> bytes:
    """65-byte r || s || v signature of ``attestation`` by eth-account's EIP-712 encoder."""
    message = encode_typed_data(
        full_message={
            "types": {"EIP712Domain": EIP712_DOMAIN, "Attestation": ATTESTATION_FIELDS},
            "primaryType": "Attestation",
            "domain": {
                "name": ATTESTATION_DOMAIN_NAME,
                "version": "1",
                "chainId": chain_id,
                "verifyingContract": address_of(verifying_contract),
            },
            "message": {
                "tokenId": attestation.tokenId,
                "holder": attestation.holder,
                "registeredAt": attestation.registeredAt,
                "claimType": attestation.claimType,
                "evidenceHash": attestation.evidenceHash,
                "expiry": attestation.expiry,
                "attestor": attestation.attestor,
                "nonce": attestation.nonce,
                "deadline": attestation.deadline,
            },
        }
    )
    return bytes(Account.sign_message(message, key).signature)


# --------------------------------------------------------------------------------------------- registry


def registration_of(attestations: Any, token_id: int) -> tuple[str, int]:
    """(holder, registeredAt) of the right's current record in the registry of ``attestations``: what an
    attestation about it is bound to. For a right that does not exist, (zero address, 0)."""
    from brownie import project  # the loaded project, once Brownie runs the tests

    registry = project.get_loaded_projects()[0].IPRegistry.at(attestations.registry())
    if not registry.exists(token_id):
        return ZERO_ADDRESS, 0
    record = registry.recordOf(token_id)
    return address_of(record["owner"]), int(record["registeredAt"])


def self_declare(registry: Any, claimant: Any, registration: Any, salt: bytes = b"\x5a" * 32) -> int:
    """A self-declared claim of ``registration`` by ``claimant`` (commit, then reveal in the next block); the
    token id."""
    registry.commit(commitment_for(claimant, registration, salt), {"from": claimant})
    registry.reveal(registration.as_tuple(), salt, {"from": claimant})
    return int(registration.right_id)
