"""Custody changes beyond plain ERC-721: assign with a deed, freeze / unfreeze, forced transfer, metadata URI."""

from __future__ import annotations

from typing import Any

import pytest
from eth_utils import keccak
from registry_helpers import (
    ACTIVE,
    FROZEN,
    REGISTRAR_ROLE,
    ZERO_ADDRESS,
    ZERO_BYTES32,
    approval_flag,
    events_of,
    ownership_word,
    reverts,
)

DEED = keccak(text="deed of assignment")
ORDER = keccak(text="court order 2025/17")
LIFT = keccak(text="order lifting the freeze")


@pytest.fixture
def frozen(registry: Any, token: int, registrar: Any) -> int:
    registry.freeze(token, ORDER, {"from": registrar})
    return token


# ------------------------------------------------------------------------------------------- assign


def test_assign_by_owner_emits_transfer_then_assigned(registry: Any, token: int, alice: Any, bob: Any) -> None:
    tx = registry.assign(token, bob, DEED, {"from": alice})
    assert events_of(tx) == [
        ("Transfer", {"from": alice, "to": bob, "id": token}),
        ("Assigned", {"tokenId": token, "from": alice, "to": bob, "deedHash": DEED}),
    ]
    assert registry.ownerOf(token) == bob


def test_assign_by_approved(registry: Any, token: int, alice: Any, bob: Any, carol: Any) -> None:
    registry.approve(bob, token, {"from": alice})
    tx = registry.assign(token, carol, DEED, {"from": bob})
    assert tx.events["Assigned"]["from"] == alice
    assert registry.ownerOf(token) == carol
    assert registry.getApproved(token) == ZERO_ADDRESS


def test_assign_by_operator(registry: Any, token: int, alice: Any, carol: Any, operator: Any) -> None:
    registry.setApprovalForAll(operator, True, {"from": alice})
    registry.assign(token, carol, DEED, {"from": operator})
    assert registry.ownerOf(token) == carol


def test_assign_by_stranger_reverts(registry: Any, token: int, stranger: Any) -> None:
    with reverts("NotOwnerNorApproved"):
        registry.assign(token, stranger, DEED, {"from": stranger})


def test_assign_by_registrar_reverts(registry: Any, token: int, registrar: Any) -> None:
    """Registrars move tokens only through forceTransfer, with an order hash."""
    with reverts("NotOwnerNorApproved"):
        registry.assign(token, registrar, DEED, {"from": registrar})


def test_assign_without_deed_reverts(registry: Any, token: int, alice: Any, bob: Any) -> None:
    with reverts("MissingEvidenceHash"):
        registry.assign(token, bob, ZERO_BYTES32, {"from": alice})


def test_assign_without_deed_checked_before_existence(registry: Any, alice: Any, bob: Any) -> None:
    with reverts("MissingEvidenceHash"):
        registry.assign(1234, bob, ZERO_BYTES32, {"from": alice})


def test_assign_to_zero_address_reverts(registry: Any, token: int, alice: Any) -> None:
    with reverts("TransferToZeroAddress"):
        registry.assign(token, ZERO_ADDRESS, DEED, {"from": alice})


# ------------------------------------------------------------------------------------------- freeze / unfreeze


def test_freeze_emits_and_sets_status(registry: Any, token: int, registrar: Any, alice: Any) -> None:
    before = ownership_word(registry, token)
    tx = registry.freeze(token, ORDER, {"from": registrar})
    assert events_of(tx) == [
        ("Frozen", {"tokenId": token, "registrar": registrar, "orderHash": ORDER}),
        ("Frozen", {"account": alice, "tokenId": token, "frozenStatus": True}),  # ERC-7943's
        ("MetadataUpdate", {"_tokenId": token}),  # ERC-4906, after the event that says what changed
    ]
    assert registry.recordOf(token)["status"] == FROZEN
    assert ownership_word(registry, token) == before | 1 << 160  # only the frozen bit changed


def test_unfreeze_emits_and_restores_status(registry: Any, frozen: int, registrar: Any, alice: Any, bob: Any) -> None:
    tx = registry.unfreeze(frozen, LIFT, {"from": registrar})
    assert events_of(tx) == [
        ("Unfrozen", {"tokenId": frozen, "registrar": registrar, "orderHash": LIFT}),
        ("Frozen", {"account": alice, "tokenId": frozen, "frozenStatus": False}),  # ERC-7943's
        ("MetadataUpdate", {"_tokenId": frozen}),
    ]
    assert registry.recordOf(frozen)["status"] == ACTIVE
    registry.transferFrom(alice, bob, frozen, {"from": alice})
    assert registry.ownerOf(frozen) == bob


@pytest.mark.parametrize("caller", ["stranger", "alice", "guardian"])
def test_freeze_by_non_registrar_reverts(registry: Any, token: int, caller: str, request: Any) -> None:
    account = request.getfixturevalue(caller)
    with reverts("AccessControlUnauthorizedAccount", account, REGISTRAR_ROLE):
        registry.freeze(token, ORDER, {"from": account})


def test_unfreeze_by_non_registrar_reverts(registry: Any, frozen: int, alice: Any) -> None:
    with reverts("AccessControlUnauthorizedAccount", alice, REGISTRAR_ROLE):
        registry.unfreeze(frozen, LIFT, {"from": alice})


def test_freeze_twice_reverts(registry: Any, frozen: int, registrar: Any) -> None:
    with reverts("FreezeStateUnchanged", frozen, True):
        registry.freeze(frozen, ORDER, {"from": registrar})


def test_unfreeze_unfrozen_reverts(registry: Any, token: int, registrar: Any) -> None:
    with reverts("FreezeStateUnchanged", token, False):
        registry.unfreeze(token, LIFT, {"from": registrar})


def test_freeze_without_order_reverts(registry: Any, token: int, registrar: Any) -> None:
    with reverts("MissingEvidenceHash"):
        registry.freeze(token, ZERO_BYTES32, {"from": registrar})


def test_unfreeze_without_order_reverts(registry: Any, frozen: int, registrar: Any) -> None:
    with reverts("MissingEvidenceHash"):
        registry.unfreeze(frozen, ZERO_BYTES32, {"from": registrar})


def test_freeze_unknown_token_reverts(registry: Any, registrar: Any) -> None:
    with reverts("UnknownToken", 31337):
        registry.freeze(31337, ORDER, {"from": registrar})


# ------------------------------------------------------------------------------------------- a frozen token


@pytest.mark.parametrize("caller", ["alice", "approved", "operator"])
@pytest.mark.parametrize("how", ["transferFrom", "safeTransferFrom", "safeTransferFrom(data)", "assign"])
def test_frozen_token_cannot_move(
    registry: Any, frozen: int, alice: Any, bob: Any, carol: Any, operator: Any, caller: str, how: str
) -> None:
    sender = {"alice": alice, "approved": bob, "operator": operator}[caller]
    registry.approve(bob, frozen, {"from": alice})
    registry.setApprovalForAll(operator, True, {"from": alice})
    with reverts("TokenIsFrozen", frozen):
        if how == "transferFrom":
            registry.transferFrom(alice, carol, frozen, {"from": sender})
        elif how == "safeTransferFrom":
            registry.safeTransferFrom["address,address,uint256"](alice, carol, frozen, {"from": sender})
        elif how == "safeTransferFrom(data)":
            registry.safeTransferFrom["address,address,uint256,bytes"](alice, carol, frozen, b"x", {"from": sender})
        else:
            registry.assign(frozen, carol, DEED, {"from": sender})
    assert registry.ownerOf(frozen) == alice


def test_frozen_token_freeze_checked_before_authorisation(
    registry: Any, frozen: int, alice: Any, stranger: Any
) -> None:
    """_update runs the freeze hook before the approval check: a stranger learns the token is frozen."""
    with reverts("TokenIsFrozen", frozen):
        registry.transferFrom(alice, stranger, frozen, {"from": stranger})


def test_frozen_token_can_still_be_approved(registry: Any, frozen: int, alice: Any, bob: Any) -> None:
    registry.approve(bob, frozen, {"from": alice})
    assert registry.getApproved(frozen) == bob
    assert registry.recordOf(frozen)["status"] == FROZEN


def test_frozen_token_publish_metadata_by_owner_reverts(registry: Any, frozen: int, alice: Any) -> None:
    with reverts("TokenIsFrozen", frozen):
        registry.publishMetadata(frozen, b'{"title":"new"}', {"from": alice})


def test_frozen_token_publish_metadata_by_registrar(registry: Any, frozen: int, registrar: Any) -> None:
    tx = registry.publishMetadata(frozen, b'{"title":"corrected"}', {"from": registrar})
    assert tx.events["MetadataPublished"]["by"] == registrar


def test_frozen_token_publish_metadata_by_owner_who_is_a_registrar(
    registry: Any, frozen: int, admin: Any, alice: Any
) -> None:
    """The owner's shortcut skips the role lookup only while the right is unfrozen: a frozen right's owner who
    also holds REGISTRAR_ROLE still updates its URI as a registrar."""
    registry.grantRole(REGISTRAR_ROLE, alice, {"from": admin})
    tx = registry.publishMetadata(frozen, b'{"title":"by-owner-registrar"}', {"from": alice})
    assert tx.events["MetadataPublished"]["by"] == alice


# ------------------------------------------------------------------------------------------- forceTransfer


def test_force_transfer_moves_frozen_token_and_keeps_freeze(
    registry: Any, frozen: int, registrar: Any, alice: Any, carol: Any
) -> None:
    record = registry.recordOf(frozen).dict()
    tx = registry.forceTransfer(frozen, carol, ORDER, {"from": registrar})
    assert events_of(tx) == [
        ("Transfer", {"from": alice, "to": carol, "id": frozen}),
        (
            "ForceTransferred",
            {"tokenId": frozen, "from": alice, "to": carol, "registrar": registrar, "orderHash": ORDER},
        ),
        ("ForcedTransfer", {"from": alice, "to": carol, "tokenId": frozen}),  # ERC-7943's
        ("Frozen", {"account": carol, "tokenId": frozen, "frozenStatus": True}),  # the freeze stays, now carol's
    ]
    assert registry.ownerOf(frozen) == carol
    assert registry.balanceOf(alice) == 0 and registry.balanceOf(carol) == 1
    assert registry.recordOf(frozen).dict() == {**record, "owner": carol}  # still Frozen, record unchanged
    with reverts("TokenIsFrozen", frozen):
        registry.transferFrom(carol, alice, frozen, {"from": carol})


def test_force_transfer_unfrozen_token(registry: Any, token: int, registrar: Any, carol: Any) -> None:
    registry.forceTransfer(token, carol, ORDER, {"from": registrar})
    assert registry.ownerOf(token) == carol
    assert registry.recordOf(token)["status"] == ACTIVE


def test_force_transfer_clears_approval(
    registry: Any, frozen: int, registrar: Any, alice: Any, bob: Any, carol: Any
) -> None:
    registry.approve(bob, frozen, {"from": alice})
    registry.forceTransfer(frozen, carol, ORDER, {"from": registrar})
    assert registry.getApproved(frozen) == ZERO_ADDRESS
    assert not approval_flag(registry, frozen)
    registry.unfreeze(frozen, LIFT, {"from": registrar})
    with reverts("NotOwnerNorApproved"):
        registry.transferFrom(carol, bob, frozen, {"from": bob})


@pytest.mark.parametrize("caller", ["stranger", "alice", "guardian"])
def test_force_transfer_by_non_registrar_reverts(
    registry: Any, token: int, carol: Any, caller: str, request: Any
) -> None:
    account = request.getfixturevalue(caller)
    with reverts("AccessControlUnauthorizedAccount", account, REGISTRAR_ROLE):
        registry.forceTransfer(token, carol, ORDER, {"from": account})


def test_force_transfer_without_order_reverts(registry: Any, token: int, registrar: Any, carol: Any) -> None:
    with reverts("MissingEvidenceHash"):
        registry.forceTransfer(token, carol, ZERO_BYTES32, {"from": registrar})


def test_force_transfer_unknown_token_reverts(registry: Any, registrar: Any, carol: Any) -> None:
    with reverts("UnknownToken", 5):
        registry.forceTransfer(5, carol, ORDER, {"from": registrar})


def test_force_transfer_to_zero_address_reverts(registry: Any, frozen: int, registrar: Any) -> None:
    with reverts("TransferToZeroAddress"):
        registry.forceTransfer(frozen, ZERO_ADDRESS, ORDER, {"from": registrar})


def test_force_transfer_does_not_leave_freeze_bypass(
    registry: Any, frozen: int, registrar: Any, alice: Any, carol: Any
) -> None:
    """A forced move leaves no bypass behind (only a registrar's act, without `by`, passes the freeze): the next
    ordinary move of a frozen token fails again."""
    registry.forceTransfer(frozen, carol, ORDER, {"from": registrar})
    registry.setApprovalForAll(alice, True, {"from": carol})
    with reverts("TokenIsFrozen", frozen):
        registry.transferFrom(carol, alice, frozen, {"from": alice})


# ------------------------------------------------------------------------------------------ publishMetadata


def test_publish_metadata_by_owner(registry: Any, token: int, alice: Any) -> None:
    tx = registry.publishMetadata(token, b'{"title":"v2"}', {"from": alice})
    assert events_of(tx) == [
        ("MetadataPublished", {"tokenId": token, "by": alice, "metadata": b'{"title":"v2"}'}),
        ("MetadataUpdate", {"_tokenId": token}),
    ]


def test_publish_metadata_by_registrar(registry: Any, token: int, registrar: Any) -> None:
    tx = registry.publishMetadata(token, b'{"title":"v3"}', {"from": registrar})
    assert events_of(tx) == [
        ("MetadataPublished", {"tokenId": token, "by": registrar, "metadata": b'{"title":"v3"}'}),
        ("MetadataUpdate", {"_tokenId": token}),
    ]


@pytest.mark.parametrize("caller", ["stranger", "approved", "operator", "guardian"])
def test_publish_metadata_by_non_owner_reverts(
    registry: Any, token: int, alice: Any, bob: Any, operator: Any, stranger: Any, guardian: Any, caller: str
) -> None:
    """Only the owner or a registrar: approved accounts and operators are refused too (documented)."""
    registry.approve(bob, token, {"from": alice})
    registry.setApprovalForAll(operator, True, {"from": alice})
    sender = {"stranger": stranger, "approved": bob, "operator": operator, "guardian": guardian}[caller]
    with reverts("NotTokenOwner", sender, token):
        registry.publishMetadata(token, b'{"title":"evil"}', {"from": sender})


def test_publish_metadata_unknown_token_reverts(registry: Any, registrar: Any) -> None:
    with reverts("UnknownToken", 8):
        registry.publishMetadata(8, b'{"title":"x"}', {"from": registrar})


def test_publish_metadata_by_former_owner_reverts(registry: Any, token: int, alice: Any, bob: Any) -> None:
    registry.transferFrom(alice, bob, token, {"from": alice})
    with reverts("NotTokenOwner", alice, token):
        registry.publishMetadata(token, b'{"title":"x"}', {"from": alice})
    registry.publishMetadata(token, b'{"title":"y"}', {"from": bob})
