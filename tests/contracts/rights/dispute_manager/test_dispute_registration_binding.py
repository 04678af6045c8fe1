"""DisputeManager: a dispute is bound to the registration it was raised against.

A right can change hands without a transfer: a registrar supersedes a self-declared claim, or revokes a right that
is later registered again. A ruling about the old registration must not hit the new one: it applies no remedy,
does not flag the right, and the bond goes back to the claimant ({DisputeRegistrationChanged} says why).

Cast (see ../../conftest.py and ../conftest.py): ``alice`` holds the disputed right, ``bob`` raises the dispute,
``carol`` is the new holder.
"""

from __future__ import annotations

from typing import Any

from brownie import chain
from dispute_helpers import BOND, DISMISSED, EVIDENCE, FORCE_TRANSFER, FREEZE, NONE, REVOKE, RULING, UPHELD, reverts
from eth_utils import keccak
from registry_helpers import ZERO_ADDRESS, Registration

ORDER = keccak(text="court order 2026/77")


def _raise(disputes: Any, token_id: int, claimant: Any) -> int:
    return int(disputes.raiseDispute(token_id, EVIDENCE, {"from": claimant}).return_value)


def _replace_by_reregistration(registry: Any, registrar: Any, carol: Any, registration: Registration) -> None:
    registry.revoke(registration.right_id, ORDER, {"from": registrar})
    chain.sleep(2)
    registry.register(carol, registration.as_tuple(), {"from": registrar})


def test_dispute_records_the_registration_it_was_raised_against(
    disputes: Any, registry: Any, token: int, bob: Any
) -> None:
    dispute = _raise(disputes, token, bob)
    assert disputes.disputedRegistration(dispute) == registry.recordOf(token)["registeredAt"]
    with reverts("UnknownDispute", 99):
        disputes.disputedRegistration(99)


def test_upheld_revoke_after_reregistration_does_not_burn_the_new_registration(
    disputes: Any,
    registry: Any,
    stablecoin: Any,
    token: int,
    registration: Registration,
    registrar: Any,
    arbitrator: Any,
    bob: Any,
    carol: Any,
) -> None:
    dispute = _raise(disputes, token, bob)
    raised_against = disputes.disputedRegistration(dispute)
    _replace_by_reregistration(registry, registrar, carol, registration)
    current = registry.recordOf(token)["registeredAt"]
    balance = stablecoin.balanceOf(bob)

    tx = disputes.resolve(dispute, True, REVOKE, ZERO_ADDRESS, RULING, {"from": arbitrator})

    assert registry.ownerOf(token) == carol
    changed = tx.events["DisputeRegistrationChanged"]
    assert (changed["disputeId"], changed["tokenId"]) == (dispute, token)
    assert (changed["raisedAgainst"], changed["current"]) == (raised_against, current)
    assert "RightRevoked" not in tx.events
    assert tx.events["DisputeResolved"]["remedy"] == NONE
    assert tx.events["DisputeResolved"]["outcome"] == UPHELD
    assert disputes.disputeOf(dispute)["remedy"] == NONE
    assert disputes.upheldDisputes(token) == 0
    assert stablecoin.balanceOf(bob) == balance + BOND


def test_upheld_force_transfer_after_supersede_does_not_move_the_new_holder(
    disputes: Any,
    registry: Any,
    claimed: int,
    new_registration: Any,
    registrar: Any,
    arbitrator: Any,
    bob: Any,
    carol: Any,
) -> None:
    dispute = _raise(disputes, claimed, bob)
    chain.sleep(2)
    registry.register(carol, new_registration(right_id=claimed).as_tuple(), {"from": registrar})
    tx = disputes.resolve(dispute, True, FORCE_TRANSFER, bob, RULING, {"from": arbitrator})
    assert "DisputeRegistrationChanged" in tx.events
    assert "ForceTransferred" not in tx.events
    assert registry.ownerOf(claimed) == carol
    assert registry.recordOf(claimed)["status"] == 0


def test_dismissal_after_reregistration_refunds_instead_of_forfeiting_to_the_new_holder(
    disputes: Any,
    registry: Any,
    stablecoin: Any,
    token: int,
    registration: Registration,
    registrar: Any,
    arbitrator: Any,
    alice: Any,
    bob: Any,
    carol: Any,
) -> None:
    dispute = _raise(disputes, token, bob)
    _replace_by_reregistration(registry, registrar, carol, registration)
    before = [stablecoin.balanceOf(who) for who in (alice, bob, carol)]
    tx = disputes.resolve(dispute, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert tx.events["DisputeResolved"]["bondRecipient"] == bob
    assert tx.events["DisputeResolved"]["outcome"] == DISMISSED
    assert [stablecoin.balanceOf(who) for who in (alice, bob, carol)] == [before[0], before[1] + BOND, before[2]]


def test_unchanged_registration_still_gets_its_remedy(
    disputes: Any, registry: Any, token: int, alice: Any, arbitrator: Any, bob: Any, stranger: Any
) -> None:
    """An ordinary assignment is not a new registration: the ruling binds the right in the assignee's hands."""
    dispute = _raise(disputes, token, bob)
    chain.sleep(2)
    registry.transferFrom(alice, stranger, token, {"from": alice})
    tx = disputes.resolve(dispute, True, FREEZE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert "DisputeRegistrationChanged" not in tx.events
    assert registry.recordOf(token)["status"] == 1
    assert disputes.upheldDisputes(token) == 1
