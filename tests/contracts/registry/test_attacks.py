"""Attacks on the registry that the other modules leave open, each named after the attack; the attacker must gain
nothing (ownership and records unchanged, the custom error decoded).

- Re-entry through the ERC-721 receiver hook (TestReentrantReceiver): only `safeTransferFrom` calls a hook (mints,
  `assign`, forced moves, the fraction vault and the desk use plain transfers), and by then the move is complete.
- Commit-reveal griefing: a flood of commitments, or a copy of the victim's, neither blocks nor steals the reveal.
- Revocation and outstanding authorisations: a voucher signed for the right, or a commitment made at or before the
  revocation block, cannot bring a revoked right back (RevokedRight); a registrar registers it again directly.
- Approvals and operators after assignment and under a freeze.
- Ether sent with Solady's payable ERC-721 entry points (`transferFrom`, both `safeTransferFrom`, `approve`) would
  stay in the registry for good: refused (audit finding F3).

Front-running of every registration path is in test_front_running.py; voucher replay across chains, registries and
nonces in test_vouchers.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from brownie import web3
from eth_utils import keccak
from registry_helpers import (
    VOUCHER_SIGNER_KEY,
    ZERO_ADDRESS,
    Registration,
    Voucher,
    commitment_for,
    encode_error,
    mine_block,
    now,
    reverts,
    sign_voucher,
)

ORDER = keccak(text="court order 2026/90")
DEED = keccak(text="deed of assignment 2026/5")
SALT = b"\x33" * 32


@pytest.fixture(scope="module")
def receiver(TestReentrantReceiver: Any, admin: Any) -> Any:  # noqa: N803
    return TestReentrantReceiver.deploy({"from": admin})


def _callback(tx: Any) -> tuple[bool, bytes]:
    event = tx.events["CallbackResult"]
    return bool(event["success"]), bytes(event["returnData"])


# ------------------------------------------------------------------------------------------- receiver hooks


def test_receiver_hook_reentering_the_registry_sees_the_finished_move(
    registry: Any, receiver: Any, token: int, alice: Any, attacker: Any
) -> None:
    """Inside the hook the receiver already owns the right, with no approval left: passing it on is its own
    business, and the books stay consistent."""
    record = registry.recordOf(token)
    receiver.arm(registry, registry.transferFrom.encode_input(receiver, attacker, token), {"from": attacker})
    tx = registry.safeTransferFrom(alice, receiver, token, {"from": alice})
    assert _callback(tx)[0] is True
    assert registry.ownerOf(token) == attacker
    assert [registry.balanceOf(a) for a in (alice, receiver, attacker)] == [0, 0, 1]
    assert registry.getApproved(token) == ZERO_ADDRESS
    assert registry.recordOf(token)["registeredAt"] == record["registeredAt"]


def test_receiver_hook_cannot_pull_the_senders_other_rights(
    registry: Any, receiver: Any, token: int, registrar: Any, alice: Any, attacker: Any, new_registration: Any
) -> None:
    other = new_registration()
    registry.register(alice, other.as_tuple(), {"from": registrar})
    receiver.arm(registry, registry.transferFrom.encode_input(alice, receiver, other.right_id), {"from": attacker})
    tx = registry.safeTransferFrom(alice, receiver, token, {"from": alice})
    assert _callback(tx) == (False, encode_error("NotOwnerNorApproved"))
    assert registry.ownerOf(other.right_id) == alice


def test_senders_approval_is_cleared_before_the_receiver_hook_runs(
    registry: Any, receiver: Any, token: int, alice: Any, bob: Any, attacker: Any
) -> None:
    """Alice had approved Bob; by the time the hook runs (where a hostile receiver could collude with Bob) the
    approval is already gone, and Bob cannot move the right out of the receiver's hands afterwards either."""
    registry.approve(bob, token, {"from": alice})
    receiver.arm(registry, registry.getApproved.encode_input(token), {"from": attacker})
    tx = registry.safeTransferFrom(alice, receiver, token, {"from": alice})
    assert _callback(tx) == (True, b"\x00" * 32)  # getApproved inside the hook: the zero address
    with reverts("NotOwnerNorApproved"):
        registry.transferFrom(receiver, bob, token, {"from": bob})
    assert registry.ownerOf(token) == receiver


def test_receiver_hook_cannot_use_registrar_powers(
    registry: Any, receiver: Any, token: int, alice: Any, attacker: Any
) -> None:
    receiver.arm(registry, registry.revoke.encode_input(token, ORDER), {"from": attacker})
    tx = registry.safeTransferFrom(alice, receiver, token, {"from": alice})
    role = keccak(text="REGISTRAR_ROLE")
    assert _callback(tx) == (False, encode_error("AccessControlUnauthorizedAccount", receiver, role))
    assert registry.ownerOf(token) == receiver


# ------------------------------------------------------------------------------------------- commit-reveal griefing


def test_commitment_flood_does_not_block_the_victims_reveal(
    registry: Any, alice: Any, attacker: Any, registration: Registration
) -> None:
    """The attacker learns the right only from the reveal; his commitments, even for that very registration and
    dated in the victim's block, are not earlier than hers, so his reveal cannot take it."""
    victim = commitment_for(alice, registration, SALT)
    registry.commit(victim, {"from": alice})
    with reverts("CommitmentPending", victim, registry.commitmentBlock(victim)):
        registry.commit(victim, {"from": attacker})
    for i in range(20):
        registry.commit(commitment_for(attacker, registration, bytes([i]) * 32), {"from": attacker})
    registry.reveal(registration.as_tuple(), SALT, {"from": alice})
    assert registry.ownerOf(registration.right_id) == alice
    with reverts("RightAlreadyRegistered", registration.right_id):
        registry.reveal(registration.as_tuple(), b"\x00" * 32, {"from": attacker})
    assert registry.balanceOf(attacker) == 0


def test_recommitting_the_victims_hash_cannot_reset_her_window(
    registry: Any, alice: Any, attacker: Any, registration: Registration
) -> None:
    """While the victim's commitment is pending nobody can rewrite its block (which would push her reveal back)."""
    victim = commitment_for(alice, registration, SALT)
    committed_at = registry.commit(victim, {"from": alice}).block_number
    mine_block()
    with reverts("CommitmentPending", victim, committed_at):
        registry.commit(victim, {"from": attacker})
    assert registry.commitmentBlock(victim) == committed_at
    registry.reveal(registration.as_tuple(), SALT, {"from": alice})
    assert registry.ownerOf(registration.right_id) == alice


# ------------------------------------------------------------------------------------------- revocation (issue (c))


def _voucher(registry: Any, to: Any, registration: Registration) -> tuple[Voucher, bytes]:
    voucher = Voucher(to=to.address, registration=registration, nonce=registry.nonces(to), deadline=now() + 3600)
    signature = sign_voucher(
        VOUCHER_SIGNER_KEY, voucher, chain_id=web3.eth.chain_id, verifying_contract=registry.address
    )
    return voucher, signature


def test_voucher_signed_before_revocation_cannot_register_the_right_again(
    registry: Any, registrar: Any, token: int, alice: Any, attacker: Any, new_registration: Any
) -> None:
    """A voucher handed out before a court revoked the right (its nonce still unused) is void: the revocation leaves
    a marker the voucher path reads, so nobody can bring the right back with it."""
    voucher, signature = _voucher(registry, alice, new_registration(right_id=token))
    revoked = registry.revoke(token, ORDER, {"from": registrar})
    with reverts("RevokedRight", token, revoked.block_number):
        registry.registerWithVoucher(voucher.as_tuple(), signature, {"from": attacker})
    assert not registry.exists(token)
    assert registry.nonces(alice) == voucher.nonce


def test_voucher_signed_after_revocation_is_refused_too_and_the_registrar_registers_directly(
    registry: Any, registrar: Any, token: int, alice: Any, bob: Any, new_registration: Any
) -> None:
    """A voucher carries no issue time, so a fresh one cannot be told from an old one: a revoked right comes back
    only by a registrar's own registration, which clears the marker."""
    revoked = registry.revoke(token, ORDER, {"from": registrar})
    fresh = new_registration(right_id=token)
    voucher, signature = _voucher(registry, bob, fresh)
    with reverts("RevokedRight", token, revoked.block_number):
        registry.registerWithVoucher(voucher.as_tuple(), signature, {"from": bob})
    registry.register(bob, fresh.as_tuple(), {"from": registrar})
    assert registry.ownerOf(token) == bob
    record = registry.recordOf(token)
    assert (record["selfDeclared"], record["expiry"], record["status"]) == (False, fresh.expiry, 0)


def test_cancel_voucher_still_voids_a_voucher_for_another_right(
    registry: Any, registrar: Any, alice: Any, attacker: Any, registration: Registration
) -> None:
    voucher, signature = _voucher(registry, alice, registration)
    registry.cancelVoucher(alice, {"from": registrar})
    with reverts("InvalidAccountNonce", alice, 1):
        registry.registerWithVoucher(voucher.as_tuple(), signature, {"from": attacker})
    assert not registry.exists(registration.right_id)


def test_commitment_pending_at_revocation_cannot_be_revealed(
    registry: Any, registrar: Any, token: int, attacker: Any, new_registration: Any
) -> None:
    claim = new_registration(right_id=token)
    registry.commit(commitment_for(attacker, claim, SALT), {"from": attacker})
    revoked = registry.revoke(token, ORDER, {"from": registrar})
    with reverts("RevokedRight", token, revoked.block_number):
        registry.reveal(claim.as_tuple(), SALT, {"from": attacker})
    assert not registry.exists(token)


def test_claim_committed_after_revocation_is_a_provisional_claim_a_registrar_supersedes(
    registry: Any, registrar: Any, token: int, attacker: Any, bob: Any, new_registration: Any
) -> None:
    """Anybody may claim a revoked right afresh: the claim is self-declared and a registrar's registration
    supersedes it."""
    registry.revoke(token, ORDER, {"from": registrar})
    claim = new_registration(right_id=token)
    registry.commit(commitment_for(attacker, claim, SALT), {"from": attacker})
    mine_block()
    registry.reveal(claim.as_tuple(), SALT, {"from": attacker})
    assert registry.recordOf(token)["selfDeclared"] is True
    registry.register(bob, new_registration(right_id=token).as_tuple(), {"from": registrar})
    assert registry.ownerOf(token) == bob
    assert registry.balanceOf(attacker) == 0


def test_a_claim_revealed_after_revocation_carries_it_so_an_old_voucher_cannot_supersede_the_claim(
    registry: Any, registrar: Any, token: int, alice: Any, bob: Any, attacker: Any, new_registration: Any
) -> None:
    """The claim's mint overwrites the burnt slot's marker; the claim carries the revocation on, so the voucher
    signed before the revocation still cannot take the right over the (supersedable) claim. A registrar's own
    registration can, and ends the carried revocation."""
    old = new_registration(right_id=token)
    voucher, signature = _voucher(registry, bob, old)
    revoked = registry.revoke(token, ORDER, {"from": registrar})
    claim = new_registration(right_id=token)
    registry.commit(commitment_for(attacker, claim, SALT), {"from": attacker})
    mine_block()
    registry.reveal(claim.as_tuple(), SALT, {"from": attacker})
    with reverts("RevokedRight", token, revoked.block_number):
        registry.registerWithVoucher(voucher.as_tuple(), signature, {"from": bob})
    assert registry.ownerOf(token) == attacker
    registry.register(alice, new_registration(right_id=token).as_tuple(), {"from": registrar})
    with reverts("RightAlreadyRegistered", token):
        registry.registerWithVoucher(voucher.as_tuple(), signature, {"from": bob})
    assert registry.ownerOf(token) == alice


def test_a_commitment_from_before_revocation_cannot_supersede_a_claim_made_after_it(
    registry: Any, registrar: Any, token: int, attacker: Any, bob: Any, new_registration: Any
) -> None:
    """The early commitment loses its priority at the revocation: it may not reveal over the right, nor over an
    honest claim committed after the revocation (which an earlier commitment would otherwise supersede)."""
    early = new_registration(right_id=token)
    registry.commit(commitment_for(attacker, early, SALT), {"from": attacker})
    revoked = registry.revoke(token, ORDER, {"from": registrar})
    honest = new_registration(right_id=token)
    registry.commit(commitment_for(bob, honest, SALT), {"from": bob})
    mine_block()
    registry.reveal(honest.as_tuple(), SALT, {"from": bob})
    with reverts("RevokedRight", token, revoked.block_number):
        registry.reveal(early.as_tuple(), SALT, {"from": attacker})
    assert registry.ownerOf(token) == bob
    assert registry.recordOf(token)["selfDeclared"] is True


def test_a_claim_made_after_revocation_is_superseded_by_a_later_one_committed_earlier_but_after_revocation(
    registry: Any, registrar: Any, token: int, attacker: Any, bob: Any, new_registration: Any
) -> None:
    """Between claims made after the revocation the usual rule holds: the earlier commitment wins."""
    registry.revoke(token, ORDER, {"from": registrar})
    first, second = new_registration(right_id=token), new_registration(right_id=token)
    registry.commit(commitment_for(bob, first, SALT), {"from": bob})
    registry.commit(commitment_for(attacker, second, SALT), {"from": attacker})
    mine_block()
    registry.reveal(second.as_tuple(), SALT, {"from": attacker})
    registry.reveal(first.as_tuple(), SALT, {"from": bob})
    assert registry.ownerOf(token) == bob


def test_revocation_marker_reads_as_no_flag_for_the_bundle_it_kept(
    registry: Any, registrar: Any, token: int, registration: Registration, bob: Any, new_registration: Any
) -> None:
    """A revoked registrar-verified right keeps its bundle: the marker in its slot must not read as a self-declared
    claim whose bundle another registration could reclaim."""
    registry.revoke(token, ORDER, {"from": registrar})
    other = new_registration(content_hash=registration.content_hash)
    with reverts("ContentAlreadyRegistered", registration.content_hash, token):
        registry.register(bob, other.as_tuple(), {"from": registrar})


# ------------------------------------------------------------------------------------------- approvals, operators


def test_previous_owners_operator_is_powerless_after_assignment(
    registry: Any, token: int, alice: Any, bob: Any, operator: Any, carol: Any
) -> None:
    registry.setApprovalForAll(operator, True, {"from": alice})
    registry.approve(carol, token, {"from": alice})
    registry.assign(token, bob, DEED, {"from": alice})
    assert registry.getApproved(token) == ZERO_ADDRESS
    for spender in (operator, carol):
        with reverts("NotOwnerNorApproved"):
            registry.transferFrom(bob, spender, token, {"from": spender})
        with reverts("NotOwnerNorApproved"):
            registry.assign(token, spender, DEED, {"from": spender})
    with reverts("NotOwnerNorApproved"):
        registry.approve(operator, token, {"from": operator})
    assert registry.ownerOf(token) == bob


def test_approved_account_and_operator_cannot_move_a_frozen_right(
    registry: Any, token: int, registrar: Any, alice: Any, bob: Any, operator: Any
) -> None:
    """A freeze stops every ordinary move; approving a frozen right is allowed (it grants nothing while frozen,
    and the approval takes effect if a registrar unfreezes)."""
    registry.setApprovalForAll(operator, True, {"from": alice})
    registry.freeze(token, ORDER, {"from": registrar})
    registry.approve(bob, token, {"from": alice})
    for spender in (bob, operator):
        with reverts("TokenIsFrozen", token):
            registry.transferFrom(alice, spender, token, {"from": spender})
        with reverts("TokenIsFrozen", token):
            registry.safeTransferFrom(alice, spender, token, {"from": spender})
    assert registry.ownerOf(token) == alice


# ------------------------------------------------------------------------------------------- ether

_PAYABLE_ENTRY_POINTS = [
    ("transferFrom", lambda r, owner, to, token: r.transferFrom.encode_input(owner, to, token)),
    ("safeTransferFrom", lambda r, owner, to, token: r.safeTransferFrom.encode_input(owner, to, token)),
    ("safeTransferFrom+data", lambda r, owner, to, token: r.safeTransferFrom.encode_input(owner, to, token, b"x")),
    ("approve", lambda r, owner, to, token: r.approve.encode_input(to, token)),
]


@pytest.mark.parametrize("entry", _PAYABLE_ENTRY_POINTS, ids=[name for name, _ in _PAYABLE_ENTRY_POINTS])
def test_ether_sent_with_an_erc721_call_is_refused(registry: Any, token: int, alice: Any, bob: Any, entry: Any) -> None:
    _, encode = entry
    data = encode(registry, alice, bob, token)
    with reverts("EtherNotAccepted", 1):
        alice.transfer(registry, 1, data=data)
    assert registry.balance() == 0
    assert registry.ownerOf(token) == alice
    alice.transfer(registry, 0, data=data)  # the same call without ether goes through
