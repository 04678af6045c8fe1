"""AttestationRegistry: direct and signed attestations, revocation, isAttested, and title attestations by a
registrar confirming self-declared rights in the registry.

Cast (see ../../conftest.py and ../conftest.py): ``attestor`` holds the attestor role; ``registrar_attestor`` holds
it and is a registrar of the registry; ``rogue_signer`` holds nothing; ``stranger`` submits other people's
signatures.
"""

from __future__ import annotations

from typing import Any

import pytest
from brownie import web3
from dispute_helpers import (
    ATTESTOR_KEY,
    ATTESTOR_ROLE,
    EVIDENCE,
    FREEDOM_TO_OPERATE,
    REASON,
    REGISTRAR_ATTESTOR_KEY,
    REGISTRAR_ROLE,
    TITLE_VERIFIED,
    VALUATION,
    VERIFIER_ROLE,
    SignedAttestation,
    as_dict,
    attestation_digest,
    attestation_domain_separator,
    emitted,
    log,
    registration_of,
    reverts,
    self_declare,
    sign_attestation,
)
from eth_abi import encode
from eth_account import Account
from eth_utils import keccak
from registry_helpers import (
    DEFAULT_ADMIN_ROLE,
    ROGUE_SIGNER_KEY,
    ZERO_BYTES32,
    Registration,
    address_of,
    commitment_for,
    mine_at,
    now,
)

ORDER = keccak(text="court order 2026/5")


def signed(
    attestations: Any, key: str, attestation: SignedAttestation, *, chain_id: int | None = None, contract: Any = None
) -> bytes:
    """``attestation`` signed with ``key`` for ``contract`` (default: ``attestations``) on ``chain_id`` (default:
    the node's)."""
    return sign_attestation(
        key,
        attestation,
        chain_id=web3.eth.chain_id if chain_id is None else chain_id,
        verifying_contract=attestations if contract is None else contract,
    )


def attest(attestations: Any, token: int, claim_type: bytes, evidence: bytes, expiry: int, sender: Any) -> Any:
    """``sender`` attests ``claim_type`` about ``token`` as currently registered (its record's holder and
    registration time); the transaction."""
    return attestations.attest(
        token, *registration_of(attestations, token), claim_type, evidence, expiry, {"from": sender}
    )


@pytest.fixture
def title(attestations: Any, token: int, attestor: Any) -> SignedAttestation:
    """A TITLE_VERIFIED attestation about ``token`` by ``attestor`` (nonce 0), valid for an hour."""
    holder, registered_at = registration_of(attestations, token)
    return SignedAttestation(
        tokenId=token,
        holder=holder,
        registeredAt=registered_at,
        claimType=TITLE_VERIFIED,
        evidenceHash=EVIDENCE,
        expiry=0,
        attestor=address_of(attestor),
        nonce=0,
        deadline=now() + 3600,
    )


# ------------------------------------------------------------------------------------------- deployment


def test_constructor_roles_and_constants(
    AttestationRegistry: Any,  # noqa: N803
    registry: Any,
    admin: Any,
    bob: Any,
) -> None:
    contract = AttestationRegistry.deploy(registry, bob, {"from": admin})
    assert emitted(contract.tx) == [
        log(contract, "RoleGranted", role=DEFAULT_ADMIN_ROLE, account=bob, sender=admin),
    ]
    assert contract.hasRole(DEFAULT_ADMIN_ROLE, bob) is True
    assert contract.hasRole(ATTESTOR_ROLE, bob) is False  # the admin grants the role, it does not hold it
    assert contract.hasRole(DEFAULT_ADMIN_ROLE, admin) is False
    assert contract.registry() == registry
    assert bytes(contract.ATTESTOR_ROLE()) == ATTESTOR_ROLE
    assert bytes(contract.TITLE_VERIFIED()) == TITLE_VERIFIED
    assert bytes(contract.VALUATION()) == VALUATION
    assert bytes(contract.FREEDOM_TO_OPERATE()) == FREEDOM_TO_OPERATE


def test_domain_separator_binds_chain_and_contract(attestations: Any) -> None:
    expected = attestation_domain_separator(chain_id=web3.eth.chain_id, verifying_contract=attestations)
    assert bytes(attestations.DOMAIN_SEPARATOR()) == expected
    _, name, version, chain_id, contract, _, _ = attestations.eip712Domain()
    assert (name, version, chain_id, contract) == ("IPLedger Attestations", "1", web3.eth.chain_id, attestations)


def test_only_admin_grants_attestor_role(attestations: Any, admin: Any, stranger: Any, bob: Any) -> None:
    with reverts("AccessControlUnauthorizedAccount", stranger, DEFAULT_ADMIN_ROLE):
        attestations.grantRole(ATTESTOR_ROLE, bob, {"from": stranger})
    tx = attestations.grantRole(ATTESTOR_ROLE, bob, {"from": admin})
    assert emitted(tx) == [log(attestations, "RoleGranted", role=ATTESTOR_ROLE, account=bob, sender=admin)]


# ------------------------------------------------------------------------------------------- attest


def test_attest_records_and_emits(attestations: Any, token: int, attestor: Any) -> None:
    expiry = now() + 86_400
    tx = attest(attestations, token, VALUATION, EVIDENCE, expiry, attestor)
    assert tx.return_value == 1
    assert emitted(tx) == [
        log(
            attestations,
            "Attested",
            attestationId=1,
            tokenId=token,
            attestor=attestor,
            claimType=VALUATION,
            evidenceHash=EVIDENCE,
            expiry=expiry,
        )
    ]
    assert as_dict(attestations.attestationOf(1)) == {
        "tokenId": token,
        "attestor": address_of(attestor),
        "claimType": VALUATION,
        "evidenceHash": EVIDENCE,
        "issuedAt": web3.eth.get_block(tx.block_number)["timestamp"],
        "expiry": expiry,
        "revokedAt": 0,
    }
    assert list(attestations.attestationsOf(token)) == [1]
    assert attestations.nonces(attestor) == 0  # a direct attestation uses no nonce


def test_attestation_ids_count_up_across_rights(
    attestations: Any, registry: Any, registrar: Any, token: int, attestor: Any, alice: Any, new_registration: Any
) -> None:
    other = new_registration()
    registry.register(alice, other.as_tuple(), {"from": registrar})
    ids = [
        attest(attestations, token, VALUATION, EVIDENCE, 0, attestor).return_value,
        attest(attestations, other.right_id, VALUATION, EVIDENCE, 0, attestor).return_value,
        attest(attestations, token, FREEDOM_TO_OPERATE, EVIDENCE, 0, attestor).return_value,
    ]
    assert ids == [1, 2, 3]
    assert list(attestations.attestationsOf(token)) == [1, 3]
    assert list(attestations.attestationsOf(other.right_id)) == [2]
    assert list(attestations.attestationsOf(12345)) == []


@pytest.mark.parametrize("caller", ["stranger", "admin", "registrar", "alice"])
def test_attest_without_attestor_role_reverts(attestations: Any, token: int, caller: str, request: Any) -> None:
    """Neither the admin nor a registrar of the registry attests without the attestor role."""
    account = request.getfixturevalue(caller)
    with reverts("NotAttestor", account):
        attest(attestations, token, VALUATION, EVIDENCE, 0, account)


def test_attest_unknown_right_reverts(attestations: Any, attestor: Any) -> None:
    with reverts("UnknownRight", 4242):
        attest(attestations, 4242, VALUATION, EVIDENCE, 0, attestor)


def test_attest_revoked_right_reverts(
    attestations: Any, registry: Any, registrar: Any, token: int, attestor: Any
) -> None:
    registry.revoke(token, ORDER, {"from": registrar})
    with reverts("UnknownRight", token):
        attest(attestations, token, VALUATION, EVIDENCE, 0, attestor)


@pytest.mark.parametrize("field", ["claimType", "evidenceHash", "expiry in the past", "expiry now"])
def test_attest_invalid_fields_revert(attestations: Any, token: int, attestor: Any, field: str) -> None:
    args = {"claimType": VALUATION, "evidenceHash": EVIDENCE, "expiry": 0}
    if field in ("claimType", "evidenceHash"):
        args[field] = ZERO_BYTES32
    else:
        args["expiry"] = 1 if field == "expiry in the past" else now()
    with reverts("InvalidAttestation"):
        attest(attestations, token, args["claimType"], args["evidenceHash"], args["expiry"], attestor)


def test_attestor_who_lost_the_role_cannot_attest_but_past_attestations_stand(
    attestations: Any, token: int, attestor: Any, admin: Any
) -> None:
    attest(attestations, token, VALUATION, EVIDENCE, 0, attestor)
    attestations.revokeRole(ATTESTOR_ROLE, attestor, {"from": admin})
    with reverts("NotAttestor", attestor):
        attest(attestations, token, VALUATION, EVIDENCE, 0, attestor)
    assert tuple(attestations.isAttested(token, VALUATION, attestor, now())) == (True, 1)


def test_attestation_of_unknown_id_reverts(attestations: Any) -> None:
    for attestation_id in (0, 1, 99):
        with reverts("UnknownAttestation", attestation_id):
            attestations.attestationOf(attestation_id)


# ------------------------------------------------------------------------------------------- attestBySig


def test_attest_by_sig_submitted_by_anyone(
    attestations: Any, title: SignedAttestation, attestor: Any, stranger: Any
) -> None:
    signature = signed(attestations, ATTESTOR_KEY, title)
    tx = attestations.attestBySig(title.as_tuple(), signature, {"from": stranger})
    assert tx.return_value == 1
    assert emitted(tx) == [
        log(
            attestations,
            "Attested",
            attestationId=1,
            tokenId=title.tokenId,
            attestor=attestor,
            claimType=TITLE_VERIFIED,
            evidenceHash=EVIDENCE,
            expiry=0,
        )
    ]
    assert attestations.attestationOf(1)["attestor"] == attestor  # the signer, not the submitter
    assert attestations.nonces(attestor) == 1
    assert attestations.nonces(stranger) == 0


def test_contract_digest_is_the_typed_data_hash(attestations: Any, title: SignedAttestation, stranger: Any) -> None:
    """A signature over the digest built by hand from the type string is accepted: the contract hashes exactly
    ``Attestation(uint256 tokenId,bytes32 claimType,bytes32 evidenceHash,uint64 expiry,address attestor,...)``."""
    digest = attestation_digest(title, chain_id=web3.eth.chain_id, verifying_contract=attestations)
    signature = bytes(Account.unsafe_sign_hash(digest, ATTESTOR_KEY).signature)
    assert signature == signed(attestations, ATTESTOR_KEY, title)  # eth-account agrees with the hand-built hash
    attestations.attestBySig(title.as_tuple(), signature, {"from": stranger})


def test_attest_by_sig_replay_reverts_with_nonce_error(
    attestations: Any, title: SignedAttestation, attestor: Any, stranger: Any
) -> None:
    signature = signed(attestations, ATTESTOR_KEY, title)
    attestations.attestBySig(title.as_tuple(), signature, {"from": stranger})
    with reverts("InvalidAccountNonce", attestor, 1):
        attestations.attestBySig(title.as_tuple(), signature, {"from": stranger})
    assert list(attestations.attestationsOf(title.tokenId)) == [1]


def test_attest_by_sig_future_nonce_reverts(attestations: Any, title: SignedAttestation, attestor: Any) -> None:
    ahead = title.but(nonce=1)
    with reverts("InvalidAccountNonce", attestor, 0):
        attestations.attestBySig(ahead.as_tuple(), signed(attestations, ATTESTOR_KEY, ahead), {"from": attestor})


def test_attest_by_sig_for_another_chain_reverts(
    attestations: Any, title: SignedAttestation, attestor: Any, stranger: Any
) -> None:
    signature = signed(attestations, ATTESTOR_KEY, title, chain_id=web3.eth.chain_id + 1)
    with reverts("InvalidAttestationSignature", attestor):
        attestations.attestBySig(title.as_tuple(), signature, {"from": stranger})
    assert attestations.nonces(attestor) == 0


def test_attest_by_sig_for_another_contract_reverts(
    AttestationRegistry: Any,  # noqa: N803
    attestations: Any,
    registry: Any,
    title: SignedAttestation,
    attestor: Any,
    admin: Any,
    stranger: Any,
) -> None:
    """Signed for a second attestation registry: refused here, accepted there."""
    other = AttestationRegistry.deploy(registry, admin, {"from": admin})
    other.grantRole(ATTESTOR_ROLE, attestor, {"from": admin})
    signature = signed(attestations, ATTESTOR_KEY, title, contract=other)
    with reverts("InvalidAttestationSignature", attestor):
        attestations.attestBySig(title.as_tuple(), signature, {"from": stranger})
    other.attestBySig(title.as_tuple(), signature, {"from": stranger})
    assert list(other.attestationsOf(title.tokenId)) == [1]
    assert list(attestations.attestationsOf(title.tokenId)) == []


@pytest.mark.parametrize(
    "change",
    [
        {"tokenId": 1},
        {"holder": "0x000000000000000000000000000000000000dEaD"},
        {"registeredAt": 1},
        {"claimType": VALUATION},
        {"evidenceHash": REASON},
        {"expiry": 2**40},
        {"deadline": 2**41},
    ],
    ids=["tokenId", "holder", "registeredAt", "claimType", "evidenceHash", "expiry", "deadline"],
)
def test_attest_by_sig_tampered_field_reverts(
    attestations: Any, title: SignedAttestation, attestor: Any, stranger: Any, change: dict[str, Any]
) -> None:
    signature = signed(attestations, ATTESTOR_KEY, title)
    with reverts("InvalidAttestationSignature", attestor):
        attestations.attestBySig(title.but(**change).as_tuple(), signature, {"from": stranger})


def test_attest_by_sig_signed_by_someone_else_reverts(
    attestations: Any, title: SignedAttestation, attestor: Any, stranger: Any
) -> None:
    """A rogue key signing in the attestor's name."""
    with reverts("InvalidAttestationSignature", attestor):
        attestations.attestBySig(title.as_tuple(), signed(attestations, ROGUE_SIGNER_KEY, title), {"from": stranger})


def test_attest_by_sig_signer_without_role_reverts(
    attestations: Any, title: SignedAttestation, rogue_signer: Any, stranger: Any
) -> None:
    """A valid signature of an account without the attestor role."""
    own = title.but(attestor=address_of(rogue_signer))
    with reverts("NotAttestor", rogue_signer):
        attestations.attestBySig(own.as_tuple(), signed(attestations, ROGUE_SIGNER_KEY, own), {"from": stranger})


def test_attest_by_sig_after_deadline_reverts(attestations: Any, title: SignedAttestation, stranger: Any) -> None:
    late = title.but(deadline=now() - 1)
    with reverts("SignatureExpired", late.deadline):
        attestations.attestBySig(late.as_tuple(), signed(attestations, ATTESTOR_KEY, late), {"from": stranger})


def test_attest_by_sig_checks_fields_like_attest(attestations: Any, title: SignedAttestation, stranger: Any) -> None:
    for bad, error in (
        (title.but(evidenceHash=ZERO_BYTES32), ("InvalidAttestation",)),
        (title.but(tokenId=4242), ("UnknownRight", 4242)),
    ):
        with reverts(*error):
            attestations.attestBySig(bad.as_tuple(), signed(attestations, ATTESTOR_KEY, bad), {"from": stranger})


def test_cancel_nonce_voids_a_signed_attestation(
    attestations: Any, title: SignedAttestation, attestor: Any, stranger: Any
) -> None:
    signature = signed(attestations, ATTESTOR_KEY, title)
    tx = attestations.cancelNonce({"from": attestor})
    assert emitted(tx) == [log(attestations, "NonceCancelled", attestor=attestor, nonce=0)]
    assert attestations.nonces(attestor) == 1
    with reverts("InvalidAccountNonce", attestor, 1):
        attestations.attestBySig(title.as_tuple(), signature, {"from": stranger})
    following = title.but(nonce=1)
    attestations.attestBySig(following.as_tuple(), signed(attestations, ATTESTOR_KEY, following), {"from": stranger})
    assert attestations.nonces(attestor) == 2


# ------------------------------------------------------------------------------------------- revoke


@pytest.fixture
def attested(attestations: Any, token: int, attestor: Any) -> int:
    """A VALUATION attestation about ``token`` by ``attestor``, without expiry; its id."""
    return int(attest(attestations, token, VALUATION, EVIDENCE, 0, attestor).return_value)


def test_revoke_by_attestor(attestations: Any, attested: int, token: int, attestor: Any) -> None:
    tx = attestations.revoke(attested, REASON, {"from": attestor})
    assert emitted(tx) == [
        log(
            attestations,
            "AttestationRevoked",
            attestationId=attested,
            tokenId=token,
            attestor=attestor,
            reasonHash=REASON,
        )
    ]
    assert attestations.attestationOf(attested)["revokedAt"] == web3.eth.get_block(tx.block_number)["timestamp"]


@pytest.mark.parametrize("caller", ["registrar_attestor", "admin", "alice", "stranger"])
def test_revoke_by_anyone_else_reverts(
    attestations: Any, attested: int, attestor: Any, caller: str, request: Any
) -> None:
    """Not another attestor, not the admin, not the right's owner."""
    account = request.getfixturevalue(caller)
    with reverts("NotAttestationAuthor", account, attestor, attested):
        attestations.revoke(attested, REASON, {"from": account})


def test_revoke_signed_attestation_by_its_signer_not_its_submitter(
    attestations: Any, title: SignedAttestation, attestor: Any, stranger: Any
) -> None:
    attestations.attestBySig(title.as_tuple(), signed(attestations, ATTESTOR_KEY, title), {"from": stranger})
    with reverts("NotAttestationAuthor", stranger, attestor, 1):
        attestations.revoke(1, REASON, {"from": stranger})
    attestations.revoke(1, REASON, {"from": attestor})


def test_revoke_by_attestor_who_lost_the_role(attestations: Any, attested: int, attestor: Any, admin: Any) -> None:
    attestations.revokeRole(ATTESTOR_ROLE, attestor, {"from": admin})
    attestations.revoke(attested, REASON, {"from": attestor})
    assert attestations.attestationOf(attested)["revokedAt"] != 0


def test_revoke_twice_reverts(attestations: Any, attested: int, attestor: Any) -> None:
    attestations.revoke(attested, REASON, {"from": attestor})
    with reverts("AttestationAlreadyRevoked", attested):
        attestations.revoke(attested, REASON, {"from": attestor})


def test_revoke_unknown_attestation_reverts(attestations: Any, attestor: Any) -> None:
    with reverts("UnknownAttestation", 5):
        attestations.revoke(5, REASON, {"from": attestor})


def test_revoke_without_reason_reverts(attestations: Any, attested: int, attestor: Any) -> None:
    with reverts("InvalidAttestation"):
        attestations.revoke(attested, ZERO_BYTES32, {"from": attestor})


def test_revoke_after_the_right_was_revoked(
    attestations: Any, registry: Any, registrar: Any, attested: int, token: int, attestor: Any
) -> None:
    registry.revoke(token, ORDER, {"from": registrar})
    attestations.revoke(attested, REASON, {"from": attestor})


# ------------------------------------------------------------------------------------------- isAttested


def held(attestations: Any, token: int, claim_type: bytes, attestor: Any, time: int) -> tuple[bool, int]:
    attested, attestation_id = attestations.isAttested(token, claim_type, attestor, time)
    return bool(attested), int(attestation_id)


def test_is_attested_honours_expiry(attestations: Any, token: int, attestor: Any) -> None:
    expiry = now() + 1000
    tx = attest(attestations, token, VALUATION, EVIDENCE, expiry, attestor)
    issued = attestations.attestationOf(1)["issuedAt"]
    assert issued == web3.eth.get_block(tx.block_number)["timestamp"]
    assert held(attestations, token, VALUATION, attestor, issued - 1) == (False, 0)  # not yet issued
    assert held(attestations, token, VALUATION, attestor, issued) == (True, 1)
    assert held(attestations, token, VALUATION, attestor, expiry) == (True, 1)  # holds up to its expiry
    assert held(attestations, token, VALUATION, attestor, expiry + 1) == (False, 0)


def test_is_attested_honours_revocation(attestations: Any, attested: int, token: int, attestor: Any) -> None:
    mine_at(now() + 100)  # revoke well after the issue, so the second before the revocation is inside the window
    tx = attestations.revoke(attested, REASON, {"from": attestor})
    revoked_at = web3.eth.get_block(tx.block_number)["timestamp"]
    assert held(attestations, token, VALUATION, attestor, revoked_at - 1) == (True, attested)  # held before
    assert held(attestations, token, VALUATION, attestor, revoked_at) == (False, 0)
    assert held(attestations, token, VALUATION, attestor, revoked_at + 10**9) == (False, 0)


def test_is_attested_without_expiry_holds_indefinitely(
    attestations: Any, attested: int, token: int, attestor: Any
) -> None:
    assert held(attestations, token, VALUATION, attestor, 2**64) == (True, attested)


def test_is_attested_matches_attestor_claim_type_and_right(
    attestations: Any, attested: int, token: int, attestor: Any, registrar_attestor: Any
) -> None:
    at = now()
    assert held(attestations, token, VALUATION, attestor, at) == (True, attested)
    assert held(attestations, token, FREEDOM_TO_OPERATE, attestor, at) == (False, 0)
    assert held(attestations, token, VALUATION, registrar_attestor, at) == (False, 0)
    assert held(attestations, token + 1, VALUATION, attestor, at) == (False, 0)


def test_is_attested_returns_the_latest_holding_attestation(
    attestations: Any, attested: int, token: int, attestor: Any
) -> None:
    second = attest(attestations, token, VALUATION, REASON, 0, attestor).return_value
    assert held(attestations, token, VALUATION, attestor, now()) == (True, second)
    attestations.revoke(second, REASON, {"from": attestor})
    assert held(attestations, token, VALUATION, attestor, now()) == (True, attested)


def test_is_attested_false_once_the_right_is_revoked(
    attestations: Any, registry: Any, registrar: Any, attested: int, token: int, attestor: Any
) -> None:
    issued = attestations.attestationOf(attested)["issuedAt"]
    registry.revoke(token, ORDER, {"from": registrar})
    assert held(attestations, token, VALUATION, attestor, issued) == (False, 0)
    assert attestations.attestationOf(attested)["revokedAt"] == 0  # the record itself is untouched


def test_is_attested_ignores_attestations_about_an_earlier_registration(
    attestations: Any,
    registry: Any,
    registrar: Any,
    attested: int,
    token: int,
    attestor: Any,
    alice: Any,
    registration: Registration,
) -> None:
    """Revoked and registered again (a second later): the old attestation was about the old registration."""
    mine_at(now() + 10)
    registry.revoke(token, ORDER, {"from": registrar})
    mine_at(now() + 10)
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert held(attestations, token, VALUATION, attestor, now()) == (False, 0)
    renewed = attest(attestations, token, VALUATION, EVIDENCE, 0, attestor).return_value
    assert held(attestations, token, VALUATION, attestor, now()) == (True, renewed)
    assert list(attestations.attestationsOf(token)) == [attested, renewed]


def test_is_attested_ignores_attestations_about_a_superseded_claim(
    attestations: Any, registry: Any, registrar: Any, claimed: int, attestor: Any, bob: Any, new_registration: Any
) -> None:
    attest(attestations, claimed, VALUATION, EVIDENCE, 0, attestor)
    assert held(attestations, claimed, VALUATION, attestor, now()) == (True, 1)
    mine_at(now() + 10)
    registry.register(bob, new_registration(right_id=claimed).as_tuple(), {"from": registrar})
    assert held(attestations, claimed, VALUATION, attestor, now()) == (False, 0)


# ------------------------------------------------------------------------------------------- title verification


def confirmation_hash(attestation_id: int, evidence: bytes) -> bytes:
    """keccak256(abi.encode(attestationId, evidenceHash)): the evidence the registry records."""
    return keccak(encode(["uint256", "bytes32"], [attestation_id, evidence]))


def test_registrar_title_attestation_confirms_self_declared_right(
    attestations: Any,
    registry: Any,
    claimed: int,
    registrar_attestor: Any,
    registrar: Any,
    bob: Any,
    new_registration: Any,
) -> None:
    assert registry.recordOf(claimed)["selfDeclared"] is True
    tx = attest(attestations, claimed, TITLE_VERIFIED, EVIDENCE, 0, registrar_attestor)
    assert emitted(tx) == [
        log(
            attestations,
            "Attested",
            attestationId=1,
            tokenId=claimed,
            attestor=registrar_attestor,
            claimType=TITLE_VERIFIED,
            evidenceHash=EVIDENCE,
            expiry=0,
        ),
        log(
            registry,
            "ClaimConfirmed",
            tokenId=claimed,
            verifier=attestations,
            evidenceHash=confirmation_hash(1, EVIDENCE),
        ),
        log(registry, "MetadataUpdate", _tokenId=claimed),
    ]
    assert registry.recordOf(claimed)["selfDeclared"] is False  # registrar-verified now
    assert held(attestations, claimed, TITLE_VERIFIED, registrar_attestor, now()) == (True, 1)  # same registration
    with reverts("RightAlreadyRegistered", claimed):
        registry.register(bob, new_registration(right_id=claimed).as_tuple(), {"from": registrar})


def test_registrar_title_attestation_by_signature_confirms(
    attestations: Any, registry: Any, claimed: int, registrar_attestor: Any, alice: Any, stranger: Any
) -> None:
    attestation = SignedAttestation(
        tokenId=claimed,
        holder=alice.address,
        registeredAt=registry.recordOf(claimed)["registeredAt"],
        claimType=TITLE_VERIFIED,
        evidenceHash=EVIDENCE,
        expiry=0,
        attestor=address_of(registrar_attestor),
        deadline=now() + 3600,
    )
    tx = attestations.attestBySig(
        attestation.as_tuple(), signed(attestations, REGISTRAR_ATTESTOR_KEY, attestation), {"from": stranger}
    )
    assert [(address, name) for address, name, _ in emitted(tx)] == [
        (attestations.address, "Attested"),
        (registry.address, "ClaimConfirmed"),
        (registry.address, "MetadataUpdate"),
    ]
    assert registry.recordOf(claimed)["selfDeclared"] is False


def test_non_registrar_title_attestation_does_not_confirm(
    attestations: Any, registry: Any, claimed: int, attestor: Any, registrar: Any, bob: Any, new_registration: Any
) -> None:
    tx = attest(attestations, claimed, TITLE_VERIFIED, EVIDENCE, 0, attestor)
    assert [name for _, name, _ in emitted(tx)] == ["Attested"]
    assert registry.recordOf(claimed)["selfDeclared"] is True
    registry.register(bob, new_registration(right_id=claimed).as_tuple(), {"from": registrar})  # still supersedable
    assert registry.ownerOf(claimed) == bob


@pytest.mark.parametrize("claim_type", [VALUATION, FREEDOM_TO_OPERATE, keccak(text="TITLE_VERIFIED ")])
def test_registrar_other_claim_types_do_not_confirm(
    attestations: Any, registry: Any, claimed: int, registrar_attestor: Any, claim_type: bytes
) -> None:
    tx = attest(attestations, claimed, claim_type, EVIDENCE, 0, registrar_attestor)
    assert [name for _, name, _ in emitted(tx)] == ["Attested"]
    assert registry.recordOf(claimed)["selfDeclared"] is True


def test_registrar_title_attestation_on_verified_right_only_records(
    attestations: Any, token: int, registrar_attestor: Any
) -> None:
    tx = attest(attestations, token, TITLE_VERIFIED, EVIDENCE, 0, registrar_attestor)
    assert [name for _, name, _ in emitted(tx)] == ["Attested"]


def test_title_attestation_by_attestor_who_lost_registrar_role_does_not_confirm(
    attestations: Any, registry: Any, claimed: int, registrar_attestor: Any, admin: Any
) -> None:
    registry.revokeRole(REGISTRAR_ROLE, registrar_attestor, {"from": admin})
    attest(attestations, claimed, TITLE_VERIFIED, EVIDENCE, 0, registrar_attestor)
    assert registry.recordOf(claimed)["selfDeclared"] is True


def test_title_attestation_needs_the_verifier_role(
    attestations: Any, registry: Any, claimed: int, registrar_attestor: Any, admin: Any
) -> None:
    """Without the registry's VERIFIER_ROLE the confirmation, and with it the attestation, reverts."""
    registry.revokeRole(VERIFIER_ROLE, attestations, {"from": admin})
    with reverts("AccessControlUnauthorizedAccount", attestations, VERIFIER_ROLE):
        attest(attestations, claimed, TITLE_VERIFIED, EVIDENCE, 0, registrar_attestor)


def test_title_attestation_while_registry_paused_reverts(
    attestations: Any, registry: Any, claimed: int, registrar_attestor: Any, attestor: Any, guardian: Any
) -> None:
    """The confirmation is refused while paused; attestations that confirm nothing are still recorded."""
    registry.pause({"from": guardian})
    with reverts("EnforcedPause"):
        attest(attestations, claimed, TITLE_VERIFIED, EVIDENCE, 0, registrar_attestor)
    attest(attestations, claimed, TITLE_VERIFIED, EVIDENCE, 0, attestor)


def test_revoking_the_title_attestation_keeps_the_confirmation(
    attestations: Any, registry: Any, claimed: int, registrar_attestor: Any
) -> None:
    attest(attestations, claimed, TITLE_VERIFIED, EVIDENCE, 0, registrar_attestor)
    attestations.revoke(1, REASON, {"from": registrar_attestor})
    assert registry.recordOf(claimed)["selfDeclared"] is False
    assert held(attestations, claimed, TITLE_VERIFIED, registrar_attestor, now()) == (False, 0)


def test_title_attestation_with_expiry_confirms_for_good(
    attestations: Any, registry: Any, claimed: int, registrar_attestor: Any
) -> None:
    expiry = now() + 60
    attest(attestations, claimed, TITLE_VERIFIED, EVIDENCE, expiry, registrar_attestor)
    assert registry.recordOf(claimed)["selfDeclared"] is False
    assert held(attestations, claimed, TITLE_VERIFIED, registrar_attestor, expiry + 1) == (False, 0)


# ------------------------------------------------------------------------------------------- bound to a registration

RIVAL_SALT = b"\x44" * 32


@pytest.mark.parametrize("change", ["holder", "registeredAt"])
def test_attest_about_another_registration_reverts(
    attestations: Any, registry: Any, token: int, attestor: Any, alice: Any, bob: Any, change: str
) -> None:
    """The holder and registration time must be the record's; the error names the record's."""
    registered_at = int(registry.recordOf(token)["registeredAt"])
    holder, time = (bob, registered_at) if change == "holder" else (alice, registered_at - 1)
    with reverts("RegistrationChanged", token, alice, registered_at):
        attestations.attest(token, holder, time, VALUATION, EVIDENCE, 0, {"from": attestor})
    assert list(attestations.attestationsOf(token)) == []


def test_title_attestation_front_run_by_an_earlier_commitment_reverts(
    attestations: Any,
    registry: Any,
    registrar: Any,
    registrar_attestor: Any,
    alice: Any,
    carol: Any,
    registration: Registration,
    new_registration: Any,
) -> None:
    """Mallory (carol) commits the right first; alice commits and reveals it; a registrar-attestor checks alice's
    title and attests; carol's reveal lands first and supersedes alice. The attestation was about alice's claim:
    it reverts instead of confirming carol's, and carol's claim stays supersedable."""
    rival = new_registration(right_id=registration.right_id)
    registry.commit(commitment_for(carol, rival, RIVAL_SALT), {"from": carol})
    token = self_declare(registry, alice, registration)
    checked = registration_of(attestations, token)
    assert checked[0] == alice
    mine_at(now() + 10)
    registry.reveal(rival.as_tuple(), RIVAL_SALT, {"from": carol})
    superseding = registration_of(attestations, token)
    assert superseding[0] == carol
    with reverts("RegistrationChanged", token, *superseding):
        attestations.attest(token, *checked, TITLE_VERIFIED, EVIDENCE, 0, {"from": registrar_attestor})
    assert registry.recordOf(token)["selfDeclared"] is True  # carol's claim was not confirmed
    assert list(attestations.attestationsOf(token)) == []
    registry.register(alice, new_registration(right_id=token).as_tuple(), {"from": registrar})  # still supersedable
    assert registry.ownerOf(token) == alice


def test_signed_title_attestation_cannot_be_submitted_after_a_supersede(
    attestations: Any,
    registry: Any,
    registrar_attestor: Any,
    alice: Any,
    carol: Any,
    stranger: Any,
    registration: Registration,
    new_registration: Any,
) -> None:
    rival = new_registration(right_id=registration.right_id)
    registry.commit(commitment_for(carol, rival, RIVAL_SALT), {"from": carol})
    token = self_declare(registry, alice, registration)
    holder, registered_at = registration_of(attestations, token)
    attestation = SignedAttestation(
        tokenId=token,
        holder=holder,
        registeredAt=registered_at,
        claimType=TITLE_VERIFIED,
        evidenceHash=EVIDENCE,
        expiry=0,
        attestor=address_of(registrar_attestor),
        deadline=now() + 86_400,
    )
    signature = signed(attestations, REGISTRAR_ATTESTOR_KEY, attestation)
    mine_at(now() + 10)
    registry.reveal(rival.as_tuple(), RIVAL_SALT, {"from": carol})
    with reverts("RegistrationChanged", token, *registration_of(attestations, token)):
        attestations.attestBySig(attestation.as_tuple(), signature, {"from": stranger})
    assert registry.recordOf(token)["selfDeclared"] is True
    assert attestations.nonces(registrar_attestor) == 0  # nothing consumed: the attestor may sign afresh


@pytest.mark.parametrize("reclaimer", ["alice", "bob"])
def test_signed_attestation_cannot_be_submitted_after_revoke_and_reclaim(
    attestations: Any,
    registry: Any,
    registrar: Any,
    title: SignedAttestation,
    attestor: Any,
    stranger: Any,
    registration: Registration,
    reclaimer: str,
    request: Any,
) -> None:
    """Signed about the first registration; the right is revoked and registered again (to the same holder or
    another) before the signature's deadline: it no longer applies."""
    signature = signed(attestations, ATTESTOR_KEY, title)
    mine_at(now() + 10)
    registry.revoke(title.tokenId, ORDER, {"from": registrar})
    mine_at(now() + 10)
    registry.register(request.getfixturevalue(reclaimer), registration.as_tuple(), {"from": registrar})
    current = registration_of(attestations, title.tokenId)
    assert current != (title.holder, title.registeredAt)
    with reverts("RegistrationChanged", title.tokenId, *current):
        attestations.attestBySig(title.as_tuple(), signature, {"from": stranger})
    fresh = title.but(holder=current[0], registeredAt=current[1])
    attestations.attestBySig(fresh.as_tuple(), signed(attestations, ATTESTOR_KEY, fresh), {"from": stranger})
    assert held(attestations, title.tokenId, TITLE_VERIFIED, attestor, now()) == (True, 1)


def test_signed_attestation_cannot_be_submitted_after_the_right_changed_hands(
    attestations: Any, registry: Any, title: SignedAttestation, alice: Any, bob: Any, stranger: Any
) -> None:
    """The holder is part of the registration an attestation is about: an assignment voids it too."""
    signature = signed(attestations, ATTESTOR_KEY, title)
    registry.assign(title.tokenId, bob, ORDER, {"from": alice})
    with reverts("RegistrationChanged", title.tokenId, bob, title.registeredAt):
        attestations.attestBySig(title.as_tuple(), signature, {"from": stranger})
