"""Attacks on the dispute manager's bond, beside the fee-on-transfer and re-entering tokens of
test_dispute_manager.py: a bond token that returns false, and one that reports success without moving anything.
Either way no dispute is raised, nothing is locked, and the claimant keeps his tokens.
"""

from __future__ import annotations

from typing import Any

from dispute_helpers import BOND, EVIDENCE, reverts
from share_helpers import deploy_test_contract


def _hostile_bond(disputes: Any, name: str, admin: Any, bob: Any) -> Any:
    token = deploy_test_contract(name, admin)
    token.mint(bob, BOND, {"from": admin})
    token.approve(disputes, BOND, {"from": bob})
    disputes.setSettings(token, BOND, True, True, {"from": admin})
    return token


def test_bond_token_returning_false_raises_no_dispute(
    disputes: Any, registry: Any, token: int, admin: Any, bob: Any
) -> None:
    bond = _hostile_bond(disputes, "FalseToken", admin, bob)
    with reverts("TransferFromFailed"):
        disputes.raiseDispute(token, EVIDENCE, {"from": bob})
    assert bond.balanceOf(bob) == BOND
    assert disputes.openDisputes(token) == 0
    assert registry.recordOf(token)["disputeLocked"] is False


def test_bond_token_lying_about_the_transfer_raises_no_dispute(
    disputes: Any, registry: Any, token: int, admin: Any, bob: Any
) -> None:
    bond = _hostile_bond(disputes, "LyingToken", admin, bob)
    with reverts("BondNotReceived", BOND, 0):
        disputes.raiseDispute(token, EVIDENCE, {"from": bob})
    assert bond.balanceOf(bob) == BOND
    assert disputes.openDisputes(token) == 0
    assert registry.recordOf(token)["disputeLocked"] is False
