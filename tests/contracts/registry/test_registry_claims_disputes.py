"""The registry's hooks for the attestation and dispute modules: confirmClaim, setLock and revoke.

- ``confirmClaim`` (VERIFIER_ROLE) clears a self-declared claim's bit, so neither a registrar registration nor an
  earlier commitment can supersede it any longer.
- ``setLock`` (DISPUTE_ROLE) sets bit 2 of the record: ordinary moves revert with RightDisputed, a
  registrar's forceTransfer passes (and keeps the lock); it works while paused. Called with PLEDGE_ROLE (the loan
  desk's), it sets the pledge, bit 7, instead, on a frozen right too; a caller with neither role is refused naming
  PLEDGE_ROLE (the dispute role is checked first).
- ``revoke`` (REGISTRAR_ROLE) burns a right, frozen or locked too, and clears its record; the right may be
  registered again, as new.

Cast: ``verifier`` holds only VERIFIER_ROLE, ``lock_keeper`` only DISPUTE_ROLE (both granted here); ``alice``
holds the rights.
"""

from __future__ import annotations

from typing import Any

import pytest
from dispute_helpers import DISPUTE_ROLE, VERIFIER_ROLE, self_declare
from eth_utils import keccak
from loan_helpers import PLEDGE_ROLE
from registry_helpers import (
    ACTIVE,
    FROZEN,
    REGISTRAR_ROLE,
    ZERO_ADDRESS,
    ZERO_BYTES32,
    Registration,
    approval_flag,
    commitment_for,
    events_of,
    ownership_word,
    pack_record,
    reverts,
)

EVIDENCE = keccak(text="examination report 2026-3")
REF = keccak(text="dispute 7")
ORDER = keccak(text="court order 2026/88")
DEED = keccak(text="deed of assignment")
SALT = b"\x33" * 32


@pytest.fixture(scope="module", autouse=True)
def _fund_keyed_accounts(fund_keyed_accounts: None) -> None:
    """``verifier`` and ``lock_keeper`` send transactions: fund them on the module's fresh chain."""


@pytest.fixture(scope="module", autouse=True)
def _roles(registry: Any, admin: Any, verifier: Any, lock_keeper: Any) -> None:
    registry.grantRole(VERIFIER_ROLE, verifier, {"from": admin})
    registry.grantRole(DISPUTE_ROLE, lock_keeper, {"from": admin})


@pytest.fixture
def locked(registry: Any, token: int, lock_keeper: Any) -> int:
    registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": lock_keeper})
    return token


def test_role_constants(registry: Any) -> None:
    assert bytes(registry.VERIFIER_ROLE()) == VERIFIER_ROLE
    assert bytes(registry.DISPUTE_ROLE()) == DISPUTE_ROLE


# ------------------------------------------------------------------------------------------- confirmClaim


def test_confirm_claim_clears_self_declared(registry: Any, claimed: int, verifier: Any, alice: Any) -> None:
    assert registry.recordOf(claimed)["selfDeclared"] is True
    assert registry.claimCommitBlock(claimed) != 0
    before = registry.recordOf(claimed).dict()
    tx = registry.confirmClaim(claimed, EVIDENCE, {"from": verifier})
    assert events_of(tx) == [
        ("ClaimConfirmed", {"tokenId": claimed, "verifier": verifier, "evidenceHash": EVIDENCE}),
        ("MetadataUpdate", {"_tokenId": claimed}),
    ]
    assert registry.recordOf(claimed).dict() == {**before, "selfDeclared": False}
    assert registry.claimCommitBlock(claimed) == 0
    assert registry.ownerOf(claimed) == alice


@pytest.mark.parametrize("caller", ["registrar", "admin", "alice", "lock_keeper"])
def test_confirm_claim_without_verifier_role_reverts(registry: Any, claimed: int, caller: str, request: Any) -> None:
    """Not even a registrar or the admin: only VERIFIER_ROLE confirms."""
    account = request.getfixturevalue(caller)
    with reverts("AccessControlUnauthorizedAccount", account, VERIFIER_ROLE):
        registry.confirmClaim(claimed, EVIDENCE, {"from": account})
    assert registry.recordOf(claimed)["selfDeclared"] is True


def test_confirm_registrar_verified_right_reverts(registry: Any, token: int, verifier: Any) -> None:
    with reverts("NotSelfDeclared", token):
        registry.confirmClaim(token, EVIDENCE, {"from": verifier})


def test_confirm_claim_twice_reverts(registry: Any, claimed: int, verifier: Any) -> None:
    registry.confirmClaim(claimed, EVIDENCE, {"from": verifier})
    with reverts("NotSelfDeclared", claimed):
        registry.confirmClaim(claimed, EVIDENCE, {"from": verifier})


def test_confirm_claim_without_evidence_reverts(registry: Any, claimed: int, verifier: Any) -> None:
    with reverts("MissingEvidenceHash"):
        registry.confirmClaim(claimed, ZERO_BYTES32, {"from": verifier})


def test_confirm_unknown_token_reverts(registry: Any, verifier: Any) -> None:
    with reverts("UnknownToken", 77):
        registry.confirmClaim(77, EVIDENCE, {"from": verifier})


def test_confirm_claim_while_paused_reverts(registry: Any, claimed: int, verifier: Any, guardian: Any) -> None:
    registry.pause({"from": guardian})
    with reverts("EnforcedPause"):
        registry.confirmClaim(claimed, EVIDENCE, {"from": verifier})


def test_confirmed_claim_is_not_superseded_by_registrar(
    registry: Any, claimed: int, verifier: Any, registrar: Any, bob: Any, new_registration: Any
) -> None:
    """Before confirmation a registrar registration of the same right would take it; after, it reverts."""
    registry.confirmClaim(claimed, EVIDENCE, {"from": verifier})
    rival = new_registration(right_id=claimed)
    with reverts("RightAlreadyRegistered", claimed):
        registry.register(bob, rival.as_tuple(), {"from": registrar})


def test_unconfirmed_claim_is_superseded_by_registrar(
    registry: Any, claimed: int, registrar: Any, bob: Any, new_registration: Any
) -> None:
    """The counterpart of the test above: the same registration supersedes the claim while it is unconfirmed."""
    tx = registry.register(bob, new_registration(right_id=claimed).as_tuple(), {"from": registrar})
    assert "ClaimSuperseded" in tx.events
    assert registry.ownerOf(claimed) == bob


def test_confirmed_claim_is_not_superseded_by_earlier_commitment(
    registry: Any, verifier: Any, alice: Any, carol: Any, registration: Registration, new_registration: Any
) -> None:
    """carol committed first, alice revealed first; once alice's claim is confirmed, carol's reveal reverts."""
    rival = new_registration(right_id=registration.right_id)
    registry.commit(commitment_for(carol, rival, SALT), {"from": carol})
    token = self_declare(registry, alice, registration)
    registry.confirmClaim(token, EVIDENCE, {"from": verifier})
    with reverts("RightAlreadyRegistered", token):
        registry.reveal(rival.as_tuple(), SALT, {"from": carol})


def test_confirmed_claim_keeps_its_document_bundle(
    registry: Any,
    claimed: int,
    verifier: Any,
    registrar: Any,
    bob: Any,
    registration: Registration,
    new_registration: Any,
) -> None:
    """A bundle under a confirmed claim is no longer reclaimable by a registrar registering another right."""
    registry.confirmClaim(claimed, EVIDENCE, {"from": verifier})
    other = new_registration(content_hash=registration.content_hash)
    with reverts("ContentAlreadyRegistered", registration.content_hash, claimed):
        registry.register(bob, other.as_tuple(), {"from": registrar})


# ------------------------------------------------------------------------------------------- setLock


def test_set_dispute_lock_emits_and_sets_record(registry: Any, token: int, lock_keeper: Any) -> None:
    before = registry.recordOf(token).dict()
    assert before["disputeLocked"] is False
    tx = registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": lock_keeper})
    assert events_of(tx) == [
        ("DisputeLockSet", {"tokenId": token, "locked": True, "by": lock_keeper, "disputeRef": REF}),
        ("MetadataUpdate", {"_tokenId": token}),
    ]
    assert registry.recordOf(token).dict() == {**before, "disputeLocked": True}
    assert registry.recordOf(token)["status"] == ACTIVE  # a lock is not a freeze
    assert ownership_word(registry, token) >> (160 + 2) & 1 == 1  # bit 2 of the packed record


def test_dispute_unlock_emits_and_clears_record(registry: Any, locked: int, lock_keeper: Any) -> None:
    tx = registry.setLock(locked, False, ZERO_ADDRESS, REF, {"from": lock_keeper})
    assert events_of(tx) == [
        ("DisputeLockSet", {"tokenId": locked, "locked": False, "by": lock_keeper, "disputeRef": REF}),
        ("MetadataUpdate", {"_tokenId": locked}),
    ]
    assert registry.recordOf(locked)["disputeLocked"] is False


@pytest.mark.parametrize("caller", ["registrar", "admin", "alice", "verifier"])
def test_set_lock_without_either_role_reverts_naming_the_pledge_role(
    registry: Any, token: int, caller: str, request: Any
) -> None:
    """The dispute role is checked first; a caller without it is held to the pledge role, which the error names."""
    account = request.getfixturevalue(caller)
    for locked in (True, False):
        with reverts("AccessControlUnauthorizedAccount", account, PLEDGE_ROLE):
            registry.setLock(token, locked, ZERO_ADDRESS, REF, {"from": account})
    record = registry.recordOf(token)
    assert (record["disputeLocked"], record["pledged"]) == (False, False)


@pytest.mark.parametrize("lock", [True, False])
def test_set_dispute_lock_unchanged_reverts(registry: Any, token: int, lock_keeper: Any, lock: bool) -> None:
    if lock:
        registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": lock_keeper})
    with reverts("LockUnchanged", token, lock):
        registry.setLock(token, lock, ZERO_ADDRESS, REF, {"from": lock_keeper})


def test_set_dispute_lock_without_reference_reverts(registry: Any, token: int, lock_keeper: Any) -> None:
    with reverts("MissingEvidenceHash"):
        registry.setLock(token, True, ZERO_ADDRESS, ZERO_BYTES32, {"from": lock_keeper})


def test_set_dispute_lock_unknown_token_reverts(registry: Any, lock_keeper: Any) -> None:
    with reverts("UnknownToken", 78):
        registry.setLock(78, True, ZERO_ADDRESS, REF, {"from": lock_keeper})


def test_set_dispute_lock_works_while_paused(registry: Any, token: int, lock_keeper: Any, guardian: Any) -> None:
    registry.pause({"from": guardian})
    registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": lock_keeper})
    assert registry.recordOf(token)["disputeLocked"] is True
    registry.setLock(token, False, ZERO_ADDRESS, REF, {"from": lock_keeper})
    assert registry.recordOf(token)["disputeLocked"] is False


@pytest.mark.parametrize("caller", ["alice", "approved", "operator"])
@pytest.mark.parametrize("how", ["transferFrom", "safeTransferFrom", "safeTransferFrom(data)", "assign"])
def test_locked_right_cannot_move(
    registry: Any, locked: int, alice: Any, bob: Any, carol: Any, operator: Any, caller: str, how: str
) -> None:
    sender = {"alice": alice, "approved": bob, "operator": operator}[caller]
    registry.approve(bob, locked, {"from": alice})  # approvals are not moves: allowed while locked
    registry.setApprovalForAll(operator, True, {"from": alice})
    with reverts("RightDisputed", locked):
        if how == "transferFrom":
            registry.transferFrom(alice, carol, locked, {"from": sender})
        elif how == "safeTransferFrom":
            registry.safeTransferFrom["address,address,uint256"](alice, carol, locked, {"from": sender})
        elif how == "safeTransferFrom(data)":
            registry.safeTransferFrom["address,address,uint256,bytes"](alice, carol, locked, b"x", {"from": sender})
        else:
            registry.assign(locked, carol, DEED, {"from": sender})
    assert registry.ownerOf(locked) == alice


def test_unlocked_right_moves_again(registry: Any, locked: int, lock_keeper: Any, alice: Any, carol: Any) -> None:
    with reverts("RightDisputed", locked):
        registry.transferFrom(alice, carol, locked, {"from": alice})
    registry.setLock(locked, False, ZERO_ADDRESS, REF, {"from": lock_keeper})
    registry.transferFrom(alice, carol, locked, {"from": alice})
    assert registry.ownerOf(locked) == carol


def test_force_transfer_passes_the_lock_and_keeps_it(
    registry: Any, locked: int, registrar: Any, alice: Any, carol: Any
) -> None:
    record = registry.recordOf(locked).dict()
    tx = registry.forceTransfer(locked, carol, ORDER, {"from": registrar})
    assert events_of(tx) == [
        ("Transfer", {"from": alice, "to": carol, "id": locked}),
        (
            "ForceTransferred",
            {"tokenId": locked, "from": alice, "to": carol, "registrar": registrar, "orderHash": ORDER},
        ),
        ("ForcedTransfer", {"from": alice, "to": carol, "tokenId": locked}),  # ERC-7943's
    ]
    assert registry.recordOf(locked).dict() == {**record, "owner": carol}  # still dispute-locked
    with reverts("RightDisputed", locked):
        registry.transferFrom(carol, alice, locked, {"from": carol})


def test_frozen_and_locked_reports_the_freeze_first(
    registry: Any, locked: int, registrar: Any, alice: Any, carol: Any
) -> None:
    registry.freeze(locked, ORDER, {"from": registrar})
    assert registry.recordOf(locked)["status"] == FROZEN and registry.recordOf(locked)["disputeLocked"] is True
    with reverts("TokenIsFrozen", locked):
        registry.transferFrom(alice, carol, locked, {"from": alice})
    registry.unfreeze(locked, ORDER, {"from": registrar})
    with reverts("RightDisputed", locked):
        registry.transferFrom(alice, carol, locked, {"from": alice})


def test_lock_is_independent_of_freeze(registry: Any, locked: int, registrar: Any, lock_keeper: Any) -> None:
    """Freezing and unfreezing leave the lock bit alone, and the other way round."""
    registry.freeze(locked, ORDER, {"from": registrar})
    registry.setLock(locked, False, ZERO_ADDRESS, REF, {"from": lock_keeper})
    assert registry.recordOf(locked)["status"] == FROZEN
    registry.setLock(locked, True, ZERO_ADDRESS, REF, {"from": lock_keeper})
    registry.unfreeze(locked, ORDER, {"from": registrar})
    assert registry.recordOf(locked)["disputeLocked"] is True


def test_record_of_reports_dispute_locked_beside_the_other_fields(
    registry: Any, locked: int, alice: Any, registration: Registration
) -> None:
    record = registry.recordOf(locked).dict()
    assert record["owner"] == alice
    assert record["kind"] == registration.kind
    assert bytes(record["jurisdiction"]) == registration.jurisdiction
    assert record["expiry"] == registration.expiry
    assert record["status"] == ACTIVE
    assert record["selfDeclared"] is False
    assert record["disputeLocked"] is True


# ------------------------------------------------------------------------------------------- setLock: the pledge


@pytest.fixture
def pledger(registry: Any, admin: Any, carol: Any) -> Any:
    """``carol`` holds PLEDGE_ROLE (the loan desk's role) in this test."""
    registry.grantRole(PLEDGE_ROLE, carol, {"from": admin})
    return carol


@pytest.mark.parametrize("kind", [0, 7])
def test_pledge_sets_bit_seven_and_keeps_the_kind(
    registry: Any, registrar: Any, alice: Any, pledger: Any, new_registration: Any, kind: int
) -> None:
    registration = new_registration(kind=kind)
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    token = registration.right_id
    before = registry.recordOf(token).dict()
    tx = registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": pledger})
    assert events_of(tx) == [
        ("PledgeSet", {"tokenId": token, "pledged": True, "by": pledger, "loanRef": REF}),
        ("MetadataUpdate", {"_tokenId": token}),
    ]
    assert registry.recordOf(token).dict() == {**before, "pledged": True, "kind": kind}
    assert ownership_word(registry, token) >> 160 == pack_record(
        kind=kind,
        jurisdiction=registration.jurisdiction,
        registered_at=before["registeredAt"],
        expiry=registration.expiry,
        self_declared=False,
        pledged=True,
    )


def test_pledged_right_moves_only_by_a_registrar_or_a_delivery(
    registry: Any, token: int, alice: Any, bob: Any, carol: Any, registrar: Any, pledger: Any
) -> None:
    registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": pledger})
    with reverts("RightPledged", token):
        registry.transferFrom(alice, bob, token, {"from": alice})
    with reverts("RightPledged", token):
        registry.assign(token, bob, DEED, {"from": alice})
    with reverts("RightPledged", token):
        registry.publishMetadata(token, b'{"title":"x"}', {"from": alice})
    registry.forceTransfer(token, bob, ORDER, {"from": registrar})
    assert registry.recordOf(token)["pledged"] is False
    registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": pledger})
    tx = registry.setLock(token, False, carol, REF, {"from": pledger})
    assert registry.ownerOf(token) == carol
    assert [name for name, _ in events_of(tx)][:2] == ["PledgeSet", "Transfer"]
    assert registry.recordOf(token)["pledged"] is False


def test_pledge_is_set_and_released_on_a_frozen_right(
    registry: Any, token: int, alice: Any, bob: Any, registrar: Any, pledger: Any
) -> None:
    """The registry leaves the freeze to the pledging module (the loan desk neither pledges nor sells a frozen
    right, and releases a repaid one); the freeze stays, and so does the block on ordinary moves."""
    registry.freeze(token, ORDER, {"from": registrar})
    tx = registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": pledger})
    assert tx.events["PledgeSet"]["pledged"] is True
    record = registry.recordOf(token)
    assert (record["status"], record["pledged"]) == (FROZEN, True)
    tx = registry.setLock(token, False, ZERO_ADDRESS, REF, {"from": pledger})
    assert tx.events["PledgeSet"]["pledged"] is False
    record = registry.recordOf(token)
    assert (record["status"], record["pledged"], record["owner"]) == (FROZEN, False, alice)
    with reverts("TokenIsFrozen", token):
        registry.transferFrom(alice, bob, token, {"from": alice})


def test_pledge_changes_while_paused_but_no_delivery(
    registry: Any, token: int, bob: Any, guardian: Any, pledger: Any
) -> None:
    registry.pause({"from": guardian})
    registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": pledger})
    with reverts("EnforcedPause"):
        registry.setLock(token, False, bob, REF, {"from": pledger})
    registry.setLock(token, False, ZERO_ADDRESS, REF, {"from": pledger})
    assert registry.recordOf(token)["pledged"] is False


def test_pledge_and_dispute_lock_are_separate(registry: Any, token: int, lock_keeper: Any, pledger: Any) -> None:
    registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": pledger})
    with reverts("LockUnchanged", token, True):
        registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": pledger})
    registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": lock_keeper})
    record = registry.recordOf(token)
    assert (record["pledged"], record["disputeLocked"]) == (True, True)
    registry.setLock(token, False, ZERO_ADDRESS, REF, {"from": pledger})
    record = registry.recordOf(token)
    assert (record["pledged"], record["disputeLocked"]) == (False, True)


def test_revoke_pledged_right(registry: Any, token: int, registrar: Any, pledger: Any) -> None:
    registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": pledger})
    registry.revoke(token, ORDER, {"from": registrar})
    assert registry.exists(token) is False


# ------------------------------------------------------------------------------------------- revoke


def test_revoke_burns_and_emits(registry: Any, token: int, registrar: Any, alice: Any) -> None:
    tx = registry.revoke(token, ORDER, {"from": registrar})
    assert events_of(tx) == [
        ("Transfer", {"from": alice, "to": ZERO_ADDRESS, "id": token}),
        ("RightRevoked", {"tokenId": token, "holder": alice, "registrar": registrar, "orderHash": ORDER}),
        ("MetadataUpdate", {"_tokenId": token}),
    ]
    assert registry.exists(token) is False
    assert registry.balanceOf(alice) == 0
    # Owner and record cleared; only the revocation marker is left: the revocation block in bits 56..95 of the
    # extra data (slot bits 216..255), every flag clear.
    assert ownership_word(registry, token) == tx.block_number << (160 + 56)
    with reverts("UnknownToken", token):
        registry.recordOf(token)
    with reverts("TokenDoesNotExist"):
        registry.ownerOf(token)


@pytest.mark.parametrize("caller", ["alice", "stranger", "guardian", "verifier", "lock_keeper"])
def test_revoke_without_registrar_role_reverts(registry: Any, token: int, caller: str, request: Any) -> None:
    """Not even the owner may revoke."""
    account = request.getfixturevalue(caller)
    with reverts("AccessControlUnauthorizedAccount", account, REGISTRAR_ROLE):
        registry.revoke(token, ORDER, {"from": account})
    assert registry.exists(token) is True


def test_revoke_without_order_reverts(registry: Any, token: int, registrar: Any) -> None:
    with reverts("MissingEvidenceHash"):
        registry.revoke(token, ZERO_BYTES32, {"from": registrar})


def test_revoke_unknown_token_reverts(registry: Any, registrar: Any) -> None:
    with reverts("UnknownToken", 79):
        registry.revoke(79, ORDER, {"from": registrar})


def test_revoke_twice_reverts(registry: Any, token: int, registrar: Any) -> None:
    registry.revoke(token, ORDER, {"from": registrar})
    with reverts("UnknownToken", token):
        registry.revoke(token, ORDER, {"from": registrar})


def test_revoke_while_paused_reverts(registry: Any, token: int, registrar: Any, guardian: Any) -> None:
    registry.pause({"from": guardian})
    with reverts("EnforcedPause"):
        registry.revoke(token, ORDER, {"from": registrar})


def test_revoke_frozen_right(registry: Any, token: int, registrar: Any) -> None:
    registry.freeze(token, ORDER, {"from": registrar})
    registry.revoke(token, ORDER, {"from": registrar})
    assert registry.exists(token) is False


def test_revoke_locked_right(registry: Any, locked: int, registrar: Any) -> None:
    registry.revoke(locked, ORDER, {"from": registrar})
    assert registry.exists(locked) is False


def test_revoked_right_is_registered_again_as_new(
    registry: Any, token: int, registrar: Any, lock_keeper: Any, alice: Any, bob: Any, registration: Registration
) -> None:
    """Freeze, lock, royalty and approval of the revoked token do not come back with the new registration; the
    document bundle stays bound to the right, so the same bundle registers again."""
    registry.approve(bob, token, {"from": alice})
    registry.setTokenRoyalty(token, 500, {"from": alice})
    registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": lock_keeper})
    registry.freeze(token, ORDER, {"from": registrar})
    registry.revoke(token, ORDER, {"from": registrar})
    assert registry.tokenOfContent(registration.content_hash) == token

    tx = registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert [name for name, _ in events_of(tx)] == ["Transfer", "RightRegistered"]
    record = registry.recordOf(token).dict()
    assert record["owner"] == alice
    assert record["status"] == ACTIVE
    assert record["disputeLocked"] is False
    assert record["selfDeclared"] is False
    assert registry.getApproved(token) == ZERO_ADDRESS and not approval_flag(registry, token)
    assert registry.royaltyInfo(token, 10_000)[1] == 0
    assert registry.tokenOfContent(registration.content_hash) == token
    registry.transferFrom(alice, bob, token, {"from": alice})  # neither frozen nor locked
    assert registry.ownerOf(token) == bob


def test_revoked_claim_is_claimed_again(
    registry: Any, claimed: int, registrar: Any, bob: Any, new_registration: Any
) -> None:
    """Revoking a self-declared claim drops its commitment block; anyone may claim or register the right anew."""
    registry.revoke(claimed, ORDER, {"from": registrar})
    assert registry.claimCommitBlock(claimed) == 0
    again = new_registration(right_id=claimed)
    self_declare(registry, bob, again, salt=SALT)
    assert registry.ownerOf(claimed) == bob
    assert registry.recordOf(claimed)["selfDeclared"] is True


def test_revoked_claim_releases_the_bundle_it_squatted(
    registry: Any, registrar: Any, alice: Any, bob: Any, carol: Any, new_registration: Any
) -> None:
    """A squatter self-declared another right over the victim's bundle; once a ruling revokes the claim, the
    bundle registers under the victim's right (by a registrar, or by a claim)."""
    victim = new_registration()
    squatted = new_registration(content_hash=victim.content_hash)
    squatter = self_declare(registry, bob, squatted, salt=SALT)
    assert registry.tokenOfContent(victim.content_hash) == squatter
    registry.revoke(squatter, ORDER, {"from": registrar})
    assert registry.tokenOfContent(victim.content_hash) == 0

    registry.register(alice, victim.as_tuple(), {"from": registrar})
    assert registry.tokenOfContent(victim.content_hash) == victim.right_id
    assert registry.ownerOf(victim.right_id) == alice


def test_revoked_claim_releases_the_bundle_to_a_later_claim(
    registry: Any, registrar: Any, bob: Any, carol: Any, new_registration: Any
) -> None:
    victim = new_registration()
    squatter = self_declare(registry, bob, new_registration(content_hash=victim.content_hash), salt=SALT)
    registry.revoke(squatter, ORDER, {"from": registrar})
    assert self_declare(registry, carol, victim) == victim.right_id
    assert registry.tokenOfContent(victim.content_hash) == victim.right_id


def test_revoked_claim_that_lost_its_bundle_leaves_the_new_binding(
    registry: Any, registrar: Any, alice: Any, bob: Any, new_registration: Any
) -> None:
    """A claim whose bundle a registrar already reclaimed does not unbind the bundle from its new right."""
    victim = new_registration()
    squatter = self_declare(registry, bob, new_registration(content_hash=victim.content_hash), salt=SALT)
    registry.register(alice, victim.as_tuple(), {"from": registrar})
    registry.revoke(squatter, ORDER, {"from": registrar})
    assert registry.tokenOfContent(victim.content_hash) == victim.right_id
