"""ERC-721 conformance of IPRegistry, after OpenZeppelin's ``shouldBehaveLikeERC721``.

Every way a user moves a token (transferFrom, both safeTransferFrom overloads, and the registry's own
``assign``) runs through the same behaviour suite, because FlaggedApprovalERC721 replaces Solady's transfer
with its one ownership path, ``_update``, which reads the approval slot only when a flag bit in the ownership word
says one is stored.
The approval flag is checked at the storage level too.
"""

from __future__ import annotations

from typing import Any

import pytest
from eth_abi import encode
from eth_utils import keccak
from registry_helpers import (
    APPROVAL_FLAG_BIT,
    RECEIVER_RUNTIME,
    REVERTING_RUNTIME,
    SILENT_RUNTIME,
    WRONG_MAGIC_RUNTIME,
    ZERO_ADDRESS,
    address_of,
    approval_flag,
    approval_word,
    deploy_runtime,
    events_of,
    ownership_word,
    reverts,
    reverts_with_data,
)

DEED = keccak(text="assignment deed")
DATA = b"\x42\x00\xff"
MOVES = ["transferFrom", "safeTransferFrom", "safeTransferFrom(data)", "assign"]
# Moves that take an explicit `from` (assign derives it from the current owner).
MOVES_WITH_FROM = MOVES[:3]


def move(registry: Any, how: str, sender: Any, frm: Any, to: Any, token_id: int) -> Any:
    if how == "transferFrom":
        return registry.transferFrom(frm, to, token_id, {"from": sender})
    if how == "safeTransferFrom":
        return registry.safeTransferFrom["address,address,uint256"](frm, to, token_id, {"from": sender})
    if how == "safeTransferFrom(data)":
        return registry.safeTransferFrom["address,address,uint256,bytes"](frm, to, token_id, DATA, {"from": sender})
    if how == "assign":
        return registry.assign(token_id, to, DEED, {"from": sender})
    raise ValueError(how)


def expected_move_events(how: str, frm: Any, to: Any, token_id: int) -> list[tuple[str, dict[str, Any]]]:
    events = [("Transfer", {"from": address_of(frm), "to": address_of(to), "id": token_id})]
    if how == "assign":
        events.append(
            ("Assigned", {"tokenId": token_id, "from": address_of(frm), "to": address_of(to), "deedHash": DEED})
        )
    return events


# ------------------------------------------------------------------------------------------- metadata, queries


def test_name_and_symbol(registry: Any) -> None:
    assert registry.name() == "IPLedger Rights"
    assert registry.symbol() == "IPR"


def test_balance_of_counts_tokens(registry: Any, registrar: Any, alice: Any, bob: Any, new_registration: Any) -> None:
    assert registry.balanceOf(alice) == 0
    for _ in range(3):
        registry.register(alice, new_registration().as_tuple(), {"from": registrar})
    registry.register(bob, new_registration().as_tuple(), {"from": registrar})
    assert registry.balanceOf(alice) == 3
    assert registry.balanceOf(bob) == 1


def test_balance_of_zero_address_reverts(registry: Any) -> None:
    with reverts("BalanceQueryForZeroAddress"):
        registry.balanceOf(ZERO_ADDRESS)


def test_owner_of_returns_owner(registry: Any, token: int, alice: Any) -> None:
    assert registry.ownerOf(token) == alice


def test_owner_of_unknown_token_reverts(registry: Any) -> None:
    with reverts("TokenDoesNotExist"):
        registry.ownerOf(12345)


@pytest.mark.parametrize(
    "interface_id",
    ["0x01ffc9a7", "0x80ac58cd", "0x5b5e139f", "0x7965db0b", "0x2a55205a", "0x49064906"],
    ids=["ERC165", "ERC721", "ERC721Metadata", "AccessControl", "ERC2981", "ERC4906"],
)
def test_supports_interface(registry: Any, interface_id: str) -> None:
    assert registry.supportsInterface(interface_id) is True


@pytest.mark.parametrize(
    "interface_id",
    ["0xffffffff", "0x00000000", "0x780e9d63", "0x150b7a02", "0x12345678"],
    ids=["invalid-0xffffffff", "zero", "ERC721Enumerable", "ERC721Receiver", "random"],
)
def test_does_not_support_other_interfaces(registry: Any, interface_id: str) -> None:
    assert registry.supportsInterface(interface_id) is False


# ------------------------------------------------------------------------------------------- approve


def test_approve_sets_approved_and_emits_approval(registry: Any, token: int, alice: Any, bob: Any) -> None:
    tx = registry.approve(bob, token, {"from": alice})
    assert events_of(tx) == [("Approval", {"owner": alice, "account": bob, "id": token})]
    assert registry.getApproved(token) == bob


def test_get_approved_is_zero_for_fresh_token(registry: Any, token: int) -> None:
    assert registry.getApproved(token) == ZERO_ADDRESS


def test_approve_zero_clears_approval(registry: Any, token: int, alice: Any, bob: Any) -> None:
    registry.approve(bob, token, {"from": alice})
    tx = registry.approve(ZERO_ADDRESS, token, {"from": alice})
    assert events_of(tx) == [("Approval", {"owner": alice, "account": ZERO_ADDRESS, "id": token})]
    assert registry.getApproved(token) == ZERO_ADDRESS
    with reverts("NotOwnerNorApproved"):
        registry.transferFrom(alice, bob, token, {"from": bob})


def test_reapprove_replaces_previous_approved(registry: Any, token: int, alice: Any, bob: Any, carol: Any) -> None:
    registry.approve(bob, token, {"from": alice})
    registry.approve(carol, token, {"from": alice})
    assert registry.getApproved(token) == carol
    with reverts("NotOwnerNorApproved"):
        registry.transferFrom(alice, bob, token, {"from": bob})
    registry.transferFrom(alice, carol, token, {"from": carol})
    assert registry.ownerOf(token) == carol


def test_approve_by_operator_is_allowed(registry: Any, token: int, alice: Any, bob: Any, operator: Any) -> None:
    registry.setApprovalForAll(operator, True, {"from": alice})
    tx = registry.approve(bob, token, {"from": operator})
    # The Approval event names the token's owner, not the operator who approved.
    assert events_of(tx) == [("Approval", {"owner": alice, "account": bob, "id": token})]
    assert registry.getApproved(token) == bob


def test_approve_by_stranger_reverts(registry: Any, token: int, stranger: Any, bob: Any) -> None:
    with reverts("NotOwnerNorApproved"):
        registry.approve(bob, token, {"from": stranger})


def test_approve_by_approved_account_reverts(registry: Any, token: int, alice: Any, bob: Any, carol: Any) -> None:
    registry.approve(bob, token, {"from": alice})
    with reverts("NotOwnerNorApproved"):
        registry.approve(carol, token, {"from": bob})


def test_approve_unknown_token_reverts(registry: Any, alice: Any, bob: Any) -> None:
    with reverts("TokenDoesNotExist"):
        registry.approve(bob, 999, {"from": alice})


def test_get_approved_unknown_token_reverts(registry: Any) -> None:
    with reverts("TokenDoesNotExist"):
        registry.getApproved(999)


def test_set_approval_for_all_emits_and_toggles(registry: Any, alice: Any, operator: Any) -> None:
    tx = registry.setApprovalForAll(operator, True, {"from": alice})
    assert events_of(tx) == [("ApprovalForAll", {"owner": alice, "operator": operator, "isApproved": True})]
    assert registry.isApprovedForAll(alice, operator) is True
    tx = registry.setApprovalForAll(operator, False, {"from": alice})
    assert events_of(tx) == [("ApprovalForAll", {"owner": alice, "operator": operator, "isApproved": False})]
    assert registry.isApprovedForAll(alice, operator) is False


# ------------------------------------------------------------------------------------------- the approval flag


def test_ownership_word_holds_owner_and_record(registry: Any, registrar: Any, alice: Any, registration: Any) -> None:
    """Validates the slot arithmetic the flag tests rely on: owner in the low 160 bits, record above."""
    tx = registry.register(alice, registration.as_tuple(), {"from": registrar})
    word = ownership_word(registry, registration.right_id)
    assert word & (2**160 - 1) == int(alice.address, 16)
    assert word >> 160 == tx.events["RightRegistered"]["record"]
    assert not approval_flag(registry, registration.right_id)


def test_approval_flag_follows_approval_slot(registry: Any, token: int, alice: Any, bob: Any, carol: Any) -> None:
    record = ownership_word(registry, token) >> 160
    registry.approve(bob, token, {"from": alice})
    assert approval_flag(registry, token) and approval_word(registry, token) == int(bob.address, 16)
    registry.approve(carol, token, {"from": alice})
    assert approval_flag(registry, token) and approval_word(registry, token) == int(carol.address, 16)
    registry.approve(ZERO_ADDRESS, token, {"from": alice})
    assert not approval_flag(registry, token) and approval_word(registry, token) == 0
    registry.approve(bob, token, {"from": alice})
    registry.transferFrom(alice, carol, token, {"from": alice})
    assert not approval_flag(registry, token) and approval_word(registry, token) == 0
    # The record bits never moved.
    assert ownership_word(registry, token) >> 160 == record
    assert ownership_word(registry, token) & (2**160 - 1) == int(carol.address, 16)


def test_approval_flag_is_bit_3_of_extra_data(registry: Any, token: int, alice: Any, bob: Any) -> None:
    before = ownership_word(registry, token)
    registry.approve(bob, token, {"from": alice})
    assert ownership_word(registry, token) ^ before == 1 << APPROVAL_FLAG_BIT


def test_approval_survives_freeze_and_unfreeze(registry: Any, token: int, alice: Any, bob: Any, registrar: Any) -> None:
    registry.approve(bob, token, {"from": alice})
    registry.freeze(token, keccak(text="order"), {"from": registrar})
    assert approval_flag(registry, token)
    registry.unfreeze(token, keccak(text="lifted"), {"from": registrar})
    assert approval_flag(registry, token) and registry.getApproved(token) == bob
    registry.transferFrom(alice, bob, token, {"from": bob})
    assert registry.ownerOf(token) == bob
    assert not approval_flag(registry, token) and registry.getApproved(token) == ZERO_ADDRESS


def test_approval_set_while_frozen_works_after_unfreeze(
    registry: Any, token: int, alice: Any, bob: Any, registrar: Any
) -> None:
    registry.freeze(token, keccak(text="order"), {"from": registrar})
    registry.approve(bob, token, {"from": alice})
    assert registry.recordOf(token)["status"] == 1  # still Frozen: approve must not clobber the record
    registry.unfreeze(token, keccak(text="lifted"), {"from": registrar})
    registry.transferFrom(alice, bob, token, {"from": bob})
    assert registry.ownerOf(token) == bob


# ------------------------------------------------------------------------------------------- moves by users


@pytest.mark.parametrize("how", MOVES)
def test_move_by_owner(registry: Any, token: int, alice: Any, bob: Any, how: str) -> None:
    tx = move(registry, how, alice, alice, bob, token)
    assert events_of(tx) == expected_move_events(how, alice, bob, token)
    assert registry.ownerOf(token) == bob
    assert registry.balanceOf(alice) == 0
    assert registry.balanceOf(bob) == 1


@pytest.mark.parametrize("how", MOVES)
def test_move_by_approved_clears_approval(
    registry: Any, token: int, alice: Any, bob: Any, carol: Any, how: str
) -> None:
    registry.approve(bob, token, {"from": alice})
    tx = move(registry, how, bob, alice, carol, token)
    assert events_of(tx) == expected_move_events(how, alice, carol, token)  # no Approval event on transfer
    assert registry.ownerOf(token) == carol
    assert registry.getApproved(token) == ZERO_ADDRESS
    assert not approval_flag(registry, token)
    # The former approved account has no power over the token any more.
    with reverts("NotOwnerNorApproved"):
        move(registry, how, bob, carol, bob, token)


@pytest.mark.parametrize("how", MOVES)
def test_move_by_owner_clears_approval(registry: Any, token: int, alice: Any, bob: Any, carol: Any, how: str) -> None:
    registry.approve(bob, token, {"from": alice})
    move(registry, how, alice, alice, carol, token)
    assert registry.getApproved(token) == ZERO_ADDRESS
    with reverts("NotOwnerNorApproved"):
        move(registry, how, bob, carol, bob, token)


@pytest.mark.parametrize("how", MOVES)
def test_move_by_operator(registry: Any, token: int, alice: Any, carol: Any, operator: Any, how: str) -> None:
    registry.setApprovalForAll(operator, True, {"from": alice})
    tx = move(registry, how, operator, alice, carol, token)
    assert events_of(tx) == expected_move_events(how, alice, carol, token)
    assert registry.ownerOf(token) == carol
    # Operator approval belongs to the former owner: it does not follow the token.
    with reverts("NotOwnerNorApproved"):
        move(registry, how, operator, carol, alice, token)


@pytest.mark.parametrize("how", MOVES)
def test_move_by_revoked_operator_reverts(
    registry: Any, token: int, alice: Any, carol: Any, operator: Any, how: str
) -> None:
    registry.setApprovalForAll(operator, True, {"from": alice})
    registry.setApprovalForAll(operator, False, {"from": alice})
    with reverts("NotOwnerNorApproved"):
        move(registry, how, operator, alice, carol, token)


@pytest.mark.parametrize("how", MOVES)
def test_move_by_stranger_reverts(registry: Any, token: int, alice: Any, stranger: Any, how: str) -> None:
    with reverts("NotOwnerNorApproved"):
        move(registry, how, stranger, alice, stranger, token)
    assert registry.ownerOf(token) == alice


@pytest.mark.parametrize("how", MOVES)
def test_move_by_stranger_with_other_tokens_approval_reverts(
    registry: Any, registrar: Any, token: int, alice: Any, bob: Any, new_registration: Any, how: str
) -> None:
    """An approval for one token must not leak to another token of the same owner."""
    other = new_registration()
    registry.register(alice, other.as_tuple(), {"from": registrar})
    registry.approve(bob, other.right_id, {"from": alice})
    with reverts("NotOwnerNorApproved"):
        move(registry, how, bob, alice, bob, token)


@pytest.mark.parametrize("how", MOVES)
def test_move_to_zero_address_reverts(registry: Any, token: int, alice: Any, how: str) -> None:
    with reverts("TransferToZeroAddress"):
        move(registry, how, alice, alice, ZERO_ADDRESS, token)


@pytest.mark.parametrize("how", MOVES_WITH_FROM)
def test_move_with_wrong_from_reverts(registry: Any, token: int, alice: Any, bob: Any, carol: Any, how: str) -> None:
    with reverts("TransferFromIncorrectOwner"):
        move(registry, how, alice, bob, carol, token)


@pytest.mark.parametrize("how", MOVES_WITH_FROM)
def test_move_unknown_token_reverts(registry: Any, alice: Any, bob: Any, how: str) -> None:
    with reverts("TokenDoesNotExist"):
        move(registry, how, alice, alice, bob, 424242)


def test_assign_unknown_token_reverts(registry: Any, alice: Any, bob: Any) -> None:
    with reverts("UnknownToken", 424242):
        registry.assign(424242, bob, DEED, {"from": alice})


@pytest.mark.parametrize("how", MOVES)
def test_move_to_self_keeps_ownership(registry: Any, token: int, alice: Any, bob: Any, how: str) -> None:
    registry.approve(bob, token, {"from": alice})
    tx = move(registry, how, alice, alice, alice, token)
    assert events_of(tx) == expected_move_events(how, alice, alice, token)
    assert registry.ownerOf(token) == alice
    assert registry.balanceOf(alice) == 1
    assert registry.getApproved(token) == ZERO_ADDRESS


# ------------------------------------------------------------------------------------------- safe transfers


def received_calls(tx: Any, receiver: str) -> list[bytes]:
    """The calldata the logging receiver saw (it LOG0s its calldata)."""
    return [bytes(log["data"]) for log in tx.logs if log["address"] == receiver]


def on_received_calldata(operator: Any, frm: Any, token_id: int, data: bytes) -> bytes:
    """onERC721Received(operator, from, tokenId, data) as Solady sends it: ABI-encoded, except that the
    trailing ``data`` is not padded to a multiple of 32 bytes (decoders accept that)."""
    encoded = bytes.fromhex("150b7a02") + encode(
        ["address", "address", "uint256", "bytes"], [address_of(operator), address_of(frm), token_id, data]
    )
    return encoded[: 4 + 5 * 32 + len(data)]


@pytest.mark.parametrize("with_data", [False, True], ids=["no-data", "data"])
def test_safe_transfer_to_receiver_calls_on_erc721_received(
    registry: Any, token: int, alice: Any, admin: Any, with_data: bool
) -> None:
    receiver = deploy_runtime(admin, RECEIVER_RUNTIME)
    how = "safeTransferFrom(data)" if with_data else "safeTransferFrom"
    tx = move(registry, how, alice, alice, receiver, token)
    assert received_calls(tx, receiver) == [on_received_calldata(alice, alice, token, DATA if with_data else b"")]
    assert registry.ownerOf(token) == receiver


def test_safe_transfer_by_approved_passes_caller_as_operator(
    registry: Any, token: int, alice: Any, bob: Any, admin: Any
) -> None:
    receiver = deploy_runtime(admin, RECEIVER_RUNTIME)
    registry.approve(bob, token, {"from": alice})
    tx = move(registry, "safeTransferFrom(data)", bob, alice, receiver, token)
    assert received_calls(tx, receiver) == [on_received_calldata(bob, alice, token, DATA)]


def test_safe_transfer_to_eoa_succeeds(registry: Any, token: int, alice: Any, bob: Any) -> None:
    move(registry, "safeTransferFrom(data)", alice, alice, bob, token)
    assert registry.ownerOf(token) == bob


@pytest.mark.parametrize("how", ["safeTransferFrom", "safeTransferFrom(data)"])
@pytest.mark.parametrize("runtime", [WRONG_MAGIC_RUNTIME, SILENT_RUNTIME], ids=["wrong-magic", "returns-nothing"])
def test_safe_transfer_to_non_receiver_reverts(
    registry: Any, token: int, alice: Any, admin: Any, how: str, runtime: bytes
) -> None:
    target = deploy_runtime(admin, runtime)
    with reverts("TransferToNonERC721ReceiverImplementer"):
        move(registry, how, alice, alice, target, token)
    assert registry.ownerOf(token) == alice


def test_safe_transfer_to_contract_without_hook_reverts(
    registry: Any,
    token: int,
    alice: Any,
    IPRegistry: Any,  # noqa: N803
) -> None:
    """A real contract without onERC721Received and without fallback (another registry)."""
    other = IPRegistry.deploy(alice, {"from": alice})
    with reverts("TransferToNonERC721ReceiverImplementer"):
        move(registry, "safeTransferFrom", alice, alice, other, token)


def test_safe_transfer_bubbles_receiver_revert(registry: Any, token: int, alice: Any, admin: Any) -> None:
    target = deploy_runtime(admin, REVERTING_RUNTIME)
    with reverts_with_data(bytes.fromhex("deadbeef")):
        move(registry, "safeTransferFrom(data)", alice, alice, target, token)
    assert registry.ownerOf(token) == alice


def test_plain_transfer_to_non_receiver_succeeds(registry: Any, token: int, alice: Any, admin: Any) -> None:
    target = deploy_runtime(admin, WRONG_MAGIC_RUNTIME)
    registry.transferFrom(alice, target, token, {"from": alice})
    assert registry.ownerOf(token) == target
