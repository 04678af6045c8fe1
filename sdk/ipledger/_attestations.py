"""Attestations: third parties (patent attorneys, examiners, audit firms with the attestor role) vouch for claims
about rights, directly or by an EIP-712 signature that anyone may submit, and may revoke them.

A ``TITLE_VERIFIED`` attestation by an attestor who is also a registrar turns a self-declared right
registrar-verified (the registry's ``ClaimConfirmed``).

Every attestation is bound to the registration it is about: the holder and registration time of the right's record
when it is made or signed. If the record changed before it is recorded (a self-declared claim superseded, the
right revoked and registered again, or assigned), the contract reverts with ``RegistrationChanged``
(:class:`~ipledger.RegistrationChangedError`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import field_serializer

from ipledger.chain._eip712 import ATTESTATIONS_DOMAIN, sign_typed_data
from ipledger.models._hashing import Evidence, evidence_hash
from ipledger.models._model_base import _Out
from ipledger.models._models import TransactionResult
from ipledger.models._rights_models import STANDARD_CLAIMS, Attestation, claim_type_hash

from ._client import SubClient
from ._exceptions import InvalidInputError

__all__ = ["ATTESTATION_TYPES", "AttestationResult", "Attestations", "SignedAttestation"]

#: The EIP-712 type the attestor signs; the domain is ("IPLedger Attestations", "1", chain id, the attestation
#: registry).
ATTESTATION_TYPES = {
    "Attestation": [
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
}


class AttestationResult(TransactionResult):
    """A recorded attestation: its id and the transaction."""

    attestation_id: int


class SignedAttestation(_Out):
    """An attestation signed off chain by its attestor; anyone may submit it before ``deadline``, while the right is
    still registered to ``holder`` since ``registered_at`` (the record the attestor checked)."""

    token_id: int
    holder: str
    registered_at: int
    claim_type: str
    claim_type_hash: bytes
    evidence_hash: bytes
    expiry: int
    attestor: str
    nonce: int
    deadline: int
    signature: bytes

    @field_serializer("claim_type_hash", "evidence_hash", "signature")
    def _hex(self, value: bytes) -> str:
        return "0x" + value.hex()

    def as_tuple(self) -> tuple[Any, ...]:
        return (
            self.token_id,
            self.holder,
            self.registered_at,
            self.claim_type_hash,
            self.evidence_hash,
            self.expiry,
            self.attestor,
            self.nonce,
            self.deadline,
        )


def _claim(claim: str) -> bytes:
    try:
        return claim_type_hash(claim)
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from None


def _expiry(value: dt.datetime | int | None) -> int:
    if value is None:
        return 0
    return int(value.timestamp()) if isinstance(value, dt.datetime) else int(value)


class Attestations(SubClient):
    """The attestation registry."""

    name = "attestations"

    def _registration(self, token: int) -> tuple[str, int]:
        """(holder, registration time) of the right's current record: what an attestation about it is bound to."""
        record = self._chain.read(self._chain.registry.functions.recordOf(token), "read record")
        return str(record[0]), int(record[3])

    def attest(
        self,
        token_id: int | str,
        claim: str,
        *,
        evidence: Evidence,
        expires_at: dt.datetime | int | None = None,
    ) -> AttestationResult:
        """The signer (an attestor) attests ``claim`` (``TITLE_VERIFIED``, ``VALUATION``, ``FREEDOM_TO_OPERATE`` or
        another upper-case name) about the right, on ``evidence`` (a file path as text is hashed as text: pass
        the SHA-256 or a reference). The attestation is about the right as registered now (its current holder and
        registration time); if that changes before the transaction is mined it reverts with
        :class:`~ipledger.RegistrationChangedError`."""
        token = self._chain.resolve(token_id)
        holder, registered_at = self._registration(token)
        call = self._chain.attestations.functions.attest(
            token,
            holder,
            registered_at,
            _claim(claim),
            evidence_hash(evidence, what="evidence"),
            _expiry(expires_at),
        )
        result, attested = self._chain.send_for_event(call, "attest", self._chain.attestations, "Attested")
        return AttestationResult(**result.model_dump(), attestation_id=int(attested["attestationId"]))

    def sign(
        self,
        token_id: int | str,
        claim: str,
        *,
        evidence: Evidence,
        expires_at: dt.datetime | int | None = None,
        valid_for: dt.timedelta = dt.timedelta(days=7),
        nonce: int | None = None,
    ) -> SignedAttestation:
        """The signer (an attestor) signs an attestation off chain (no transaction); see
        :meth:`submit_attestation`. It is bound to the right as registered now (holder and registration time): once
        the right is superseded, revoked and registered again, or assigned, it can no longer be submitted."""
        attestor = self._chain.signer.address
        contract = self._chain.attestations
        token = self._chain.resolve(token_id)
        holder, registered_at = self._registration(token)
        signed_nonce = (
            int(self._chain.read(contract.functions.nonces(attestor), "read nonce")) if nonce is None else nonce
        )
        message = {
            "tokenId": token,
            "holder": holder,
            "registeredAt": registered_at,
            "claimType": _claim(claim),
            "evidenceHash": evidence_hash(evidence, what="evidence"),
            "expiry": _expiry(expires_at),
            "attestor": attestor,
            "nonce": signed_nonce,
            # The contract compares with block time, which need not be wall-clock time (test chains move it).
            "deadline": self._chain.chain_time() + int(valid_for.total_seconds()),
        }
        signature = bytes(
            sign_typed_data(
                self._chain,
                ATTESTATIONS_DOMAIN,
                str(contract.address),
                ATTESTATION_TYPES,
                message,
                action="sign attestation",
            ).signature
        )
        return SignedAttestation(
            token_id=token,
            holder=holder,
            registered_at=registered_at,
            claim_type=claim.strip().upper(),
            claim_type_hash=message["claimType"],
            evidence_hash=message["evidenceHash"],
            expiry=message["expiry"],
            attestor=attestor,
            nonce=signed_nonce,
            deadline=message["deadline"],
            signature=signature,
        )

    def submit(self, signed: SignedAttestation) -> AttestationResult:
        """Records an attestation its attestor signed; the signer here only pays the gas."""
        call = self._chain.attestations.functions.attestBySig(signed.as_tuple(), signed.signature)
        result, attested = self._chain.send_for_event(call, "submit attestation", self._chain.attestations, "Attested")
        return AttestationResult(**result.model_dump(), attestation_id=int(attested["attestationId"]))

    def revoke(self, attestation_id: int, *, reason: Evidence) -> TransactionResult:
        """The attestation's attestor revokes it for ``reason``."""
        call = self._chain.attestations.functions.revoke(int(attestation_id), evidence_hash(reason))
        return self._chain.send(call, "revoke attestation")

    def cancel_nonce(self) -> TransactionResult:
        """Voids the signer's current signature nonce: a signed attestation not yet submitted can no longer be."""
        return self._chain.send(self._chain.attestations.functions.cancelNonce(), "cancel attestation nonce")

    def get(self, attestation_id: int, *, at: int | None = None, block: int | None = None) -> Attestation:
        """Attestation ``attestation_id`` as of ``block``; ``valid`` (not revoked, not expired) judged at chain time
        or ``at``."""
        raw = self._chain.read(
            self._chain.attestations.functions.attestationOf(int(attestation_id)), "read attestation", block=block
        )
        token, attestor, claim, evidence, issued, expiry, revoked = raw
        now = self._chain.chain_time() if at is None else at
        claim_hex = "0x" + bytes(claim).hex()
        return Attestation(
            attestation_id=int(attestation_id),
            token_id=int(token),
            token_id_hex=hex(int(token)),
            attestor=str(attestor),
            claim_type=STANDARD_CLAIMS.get(claim_hex, claim_hex),
            claim_type_hash=claim_hex,
            evidence_hash="0x" + bytes(evidence).hex(),
            issued_at=dt.datetime.fromtimestamp(int(issued), dt.UTC),
            expiry=dt.datetime.fromtimestamp(int(expiry), dt.UTC) if expiry else None,
            revoked_at=dt.datetime.fromtimestamp(int(revoked), dt.UTC) if revoked else None,
            valid=not revoked and (not expiry or now < int(expiry)),
        )

    def of(self, token_id: int | str, *, at: int | None = None, block: int | None = None) -> list[Attestation]:
        """Every attestation about the right, oldest first (revoked ones included), as of ``block``."""
        call = self._chain.attestations.functions.attestationsOf(self._chain.resolve(token_id))
        ids = self._chain.read(call, "list attestations", block=block)
        now = self._chain.chain_time() if at is None else at
        return [self.get(int(attestation_id), at=now, block=block) for attestation_id in ids]
