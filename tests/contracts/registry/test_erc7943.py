"""ERC-7943 (uRWA) conformance of the registry as ``IERC7943NonFungible`` (interface id 0xbf1ef5fe).

- ``supportsInterface``: the ERC-7943 id beside every id answered before (ERC-165, ERC-721, metadata, AccessControl,
  ERC-2981, ERC-4906), an unknown id refused.
- The views (``canSend``, ``canReceive``, ``getFrozenTokens``, ``canTransfer``) never revert and answer the registry's
  permissioned rules: the pause, a freeze, a dispute lock, a revoked right, the zero address; not ownership nor
  approval. ``canTransfer`` agrees with the outcome of the actual move over randomized cases.
- ``setFrozenTokens`` and ``forcedTransfer`` are a registrar's ``freeze`` / ``unfreeze`` / ``forceTransfer`` with
  the evidence hash ``Identifiers.ERC7943_ACT`` (no document): the registry's own events carry it and the registrar,
  and are linked into the right's history (checked by recomputing the head, as test_right_history.py does).
- Events and their order: ERC-7943's ``Frozen(account, tokenId, status)`` after the registry's event; in a
  ``forcedTransfer`` of a frozen right the unfreeze (``Frozen(from, id, false)``) comes before the ``Transfer``.
- The registry keeps its own errors on the transfer path (``TokenIsFrozen``, ``RightDisputed``), as the standard
  allows; a holder named wrongly is ``NotHolder`` (``setFrozenTokens``) or Solady's ERC-721 errors (``forcedTransfer``,
  which validates ownership in the move itself, as ``transferFrom`` does).
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from brownie import web3
from dispute_helpers import DISPUTE_ROLE
from eth_utils import keccak
from history_helpers import assert_history
from registry_helpers import (
    ACTIVE,
    FROZEN,
    REGISTRAR_ROLE,
    ZERO_ADDRESS,
    events_of,
    reverts,
)

ERC7943_ID = "0xbf1ef5fe"
#: ``Identifiers.ERC7943_ACT``: the evidence hash of an act made through the standard's functions.
ERC7943_ACT = keccak(text="ipledger: ERC-7943 act, no document given")
ORDER = keccak(text="court order 2026/7943")
REF = keccak(text="dispute 7943")

#: Interface ids answered before ERC-7943: ERC-165, ERC-721, ERC-721 metadata, AccessControl, ERC-2981, ERC-4906.
EXISTING_IDS = ("0x01ffc9a7", "0x80ac58cd", "0x5b5e139f", "0x7965db0b", "0x2a55205a", "0x49064906")

FROZEN_7943 = "Frozen(address,uint256,bool)"
FORCED_7943 = "ForcedTransfer(address,address,uint256)"


@pytest.fixture(scope="module", autouse=True)
def dispute_keeper(registry: Any, admin: Any) -> Any:
    """``admin`` also holds DISPUTE_ROLE here, to lock rights as the dispute module would."""
    registry.grantRole(DISPUTE_ROLE, admin, {"from": admin})
    return admin


@pytest.fixture
def frozen(registry: Any, token: int, registrar: Any) -> int:
    registry.freeze(token, ORDER, {"from": registrar})
    return token


def _logs_in_order(tx: Any, registry: Any) -> list[str]:
    """The registry's logs of ``tx`` by event signature, in log order (``HistoryLinked`` left out)."""
    names = {}
    for entry in registry.abi:
        if entry["type"] == "event":
            signature = f"{entry['name']}({','.join(item['type'] for item in entry['inputs'])})"
            names[bytes(keccak(text=signature))] = signature
    receipt = web3.eth.get_transaction_receipt(tx.txid)
    out = [names[bytes(log["topics"][0])] for log in receipt["logs"] if log["address"] == registry.address]
    return [name for name in out if not name.startswith("HistoryLinked")]


# ------------------------------------------------------------------------------------------- ERC-165


def test_supports_erc7943_non_fungible_interface(registry: Any) -> None:
    assert registry.supportsInterface(ERC7943_ID)


@pytest.mark.parametrize("interface_id", EXISTING_IDS)
def test_still_supports_the_interfaces_answered_before(registry: Any, interface_id: str) -> None:
    assert registry.supportsInterface(interface_id)


@pytest.mark.parametrize("interface_id", ["0xffffffff", "0x3edbb4c4", "0x12345678"])
def test_does_not_support_other_interfaces(registry: Any, interface_id: str) -> None:
    """Neither the invalid id, nor ERC-7943's fungible interface, nor an arbitrary one."""
    assert not registry.supportsInterface(interface_id)


# ------------------------------------------------------------------------------------------- views


def test_can_send_and_receive_follow_the_pause(registry: Any, guardian: Any, alice: Any, bob: Any) -> None:
    assert registry.canSend(alice) and registry.canReceive(bob)
    registry.pause({"from": guardian})
    assert not registry.canSend(alice) and not registry.canReceive(bob)
    registry.unpause({"from": guardian})
    assert registry.canSend(alice) and registry.canReceive(bob)


def test_zero_address_cannot_receive(registry: Any) -> None:
    assert registry.canSend(ZERO_ADDRESS)  # no account rule: sending is about the token's rules only
    assert not registry.canReceive(ZERO_ADDRESS)


def test_get_frozen_tokens_answers_for_the_right_whoever_is_named(
    registry: Any, token: int, registrar: Any, alice: Any, stranger: Any
) -> None:
    assert not registry.getFrozenTokens(alice, token)
    registry.freeze(token, ORDER, {"from": registrar})
    assert registry.getFrozenTokens(alice, token)
    assert registry.getFrozenTokens(stranger, token)  # allowed: "may return true when account does not hold it"


def test_views_never_revert_on_unknown_or_revoked_rights(
    registry: Any, token: int, registrar: Any, alice: Any, bob: Any
) -> None:
    assert not registry.getFrozenTokens(alice, 31337)
    assert not registry.canTransfer(alice, bob, 31337)
    registry.freeze(token, ORDER, {"from": registrar})
    registry.revoke(token, ORDER, {"from": registrar})
    assert not registry.getFrozenTokens(alice, token)  # the revocation marker carries no flag
    assert not registry.canTransfer(alice, bob, token)


def test_can_transfer_ignores_ownership_and_approval(
    registry: Any, token: int, alice: Any, bob: Any, carol: Any, stranger: Any
) -> None:
    """The standard: canTransfer must not return false for ownership or approval reasons."""
    assert registry.canTransfer(bob, carol, token)  # bob does not hold it
    assert registry.canTransfer(alice, carol, token)
    with reverts("NotOwnerNorApproved"):
        registry.transferFrom(alice, carol, token, {"from": stranger})


@pytest.mark.parametrize("rule", ["frozen", "locked", "paused", "revoked", "zero recipient"])
def test_can_transfer_false_under_each_permissioned_rule(
    registry: Any, token: int, registrar: Any, guardian: Any, admin: Any, alice: Any, bob: Any, rule: str
) -> None:
    to = ZERO_ADDRESS if rule == "zero recipient" else bob
    assert registry.canTransfer(alice, to, token) == (rule != "zero recipient")
    if rule == "frozen":
        registry.freeze(token, ORDER, {"from": registrar})
    elif rule == "locked":
        registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": admin})
    elif rule == "paused":
        registry.pause({"from": guardian})
    elif rule == "revoked":
        registry.revoke(token, ORDER, {"from": registrar})
    assert not registry.canTransfer(alice, to, token)


# ------------------------------------------------------------------------------------------- canTransfer vs the move


def _case(seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    return {
        "frozen": rng.random() < 0.35,
        "locked": rng.random() < 0.35,
        "paused": rng.random() < 0.25,
        "revoked": rng.random() < 0.12,
        "zero": rng.random() < 0.1,
        "caller": rng.choice(["owner", "approved", "operator"]),
        "how": rng.choice(["transferFrom", "safeTransferFrom", "assign"]),
    }


@pytest.mark.parametrize("seed", range(32))
def test_can_transfer_agrees_with_the_move(
    registry: Any,
    token: int,
    registrar: Any,
    guardian: Any,
    admin: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    operator: Any,
    seed: int,
) -> None:
    """Randomized rule states; the mover is always authorised (owner, approved or operator), so only the registry's
    permissioned rules can stop the move, and canTransfer must predict exactly whether it happens."""
    case = _case(seed)
    sender = {"owner": alice, "approved": bob, "operator": operator}[case["caller"]]
    registry.approve(bob, token, {"from": alice})
    registry.setApprovalForAll(operator, True, {"from": alice})
    if case["frozen"]:
        registry.freeze(token, ORDER, {"from": registrar})
    if case["locked"]:
        registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": admin})
    if case["revoked"]:
        registry.revoke(token, ORDER, {"from": registrar})
    if case["paused"]:
        registry.pause({"from": guardian})
    to = ZERO_ADDRESS if case["zero"] else carol
    predicted = registry.canTransfer(alice, to, token)
    assert predicted == (not any(case[rule] for rule in ("frozen", "locked", "paused", "revoked", "zero"))), case
    try:
        if case["how"] == "transferFrom":
            registry.transferFrom(alice, to, token, {"from": sender})
        elif case["how"] == "safeTransferFrom":
            registry.safeTransferFrom["address,address,uint256"](alice, to, token, {"from": sender})
        else:
            registry.assign(token, to, ORDER, {"from": sender})
        moved = True
    except Exception:  # noqa: BLE001 - any refusal: the outcome is what is compared
        moved = False
    assert moved == predicted, case
    if moved:
        assert registry.ownerOf(token) == carol


# ------------------------------------------------------------------------------------------- setFrozenTokens


def test_set_frozen_tokens_freezes_with_the_standard_evidence(
    registry: Any, token: int, registrar: Any, alice: Any
) -> None:
    assert registry.setFrozenTokens.call(alice, token, True, {"from": registrar}) is True
    tx = registry.setFrozenTokens(alice, token, True, {"from": registrar})
    assert events_of(tx) == [
        ("Frozen", {"tokenId": token, "registrar": registrar, "orderHash": ERC7943_ACT}),
        ("Frozen", {"account": alice, "tokenId": token, "frozenStatus": True}),
        ("MetadataUpdate", {"_tokenId": token}),
    ]
    assert _logs_in_order(tx, registry) == ["Frozen(uint256,address,bytes32)", FROZEN_7943, "MetadataUpdate(uint256)"]
    assert registry.getFrozenTokens(alice, token)
    assert registry.recordOf(token)["status"] == FROZEN
    assert assert_history(registry, token) == 3  # mint, registered, the freeze


def test_set_frozen_tokens_unfreezes_a_right_frozen_by_order(
    registry: Any, frozen: int, registrar: Any, alice: Any, bob: Any
) -> None:
    tx = registry.setFrozenTokens(alice, frozen, False, {"from": registrar})
    assert events_of(tx) == [
        ("Unfrozen", {"tokenId": frozen, "registrar": registrar, "orderHash": ERC7943_ACT}),
        ("Frozen", {"account": alice, "tokenId": frozen, "frozenStatus": False}),
        ("MetadataUpdate", {"_tokenId": frozen}),
    ]
    assert not registry.getFrozenTokens(alice, frozen)
    assert registry.recordOf(frozen)["status"] == ACTIVE
    assert assert_history(registry, frozen) == 4
    registry.transferFrom(alice, bob, frozen, {"from": alice})


@pytest.mark.parametrize("caller", ["stranger", "alice", "guardian"])
def test_set_frozen_tokens_by_non_registrar_reverts(
    registry: Any, token: int, alice: Any, caller: str, request: Any
) -> None:
    account = request.getfixturevalue(caller)
    with reverts("AccessControlUnauthorizedAccount", account, REGISTRAR_ROLE):
        registry.setFrozenTokens(alice, token, True, {"from": account})


def test_set_frozen_tokens_naming_another_account_reverts(registry: Any, token: int, registrar: Any, bob: Any) -> None:
    with reverts("NotHolder", bob, token):
        registry.setFrozenTokens(bob, token, True, {"from": registrar})
    assert not registry.getFrozenTokens(bob, token)


@pytest.mark.parametrize("status", [True, False])
def test_set_frozen_tokens_without_change_reverts(
    registry: Any, token: int, registrar: Any, alice: Any, status: bool
) -> None:
    if status:
        registry.freeze(token, ORDER, {"from": registrar})
    with reverts("FreezeStateUnchanged", token, status):
        registry.setFrozenTokens(alice, token, status, {"from": registrar})


def test_set_frozen_tokens_unknown_token_reverts(registry: Any, registrar: Any, alice: Any) -> None:
    with reverts("UnknownToken", 31337):
        registry.setFrozenTokens(alice, 31337, True, {"from": registrar})


def test_set_frozen_tokens_while_paused_reverts(
    registry: Any, token: int, registrar: Any, guardian: Any, alice: Any
) -> None:
    registry.pause({"from": guardian})
    with reverts("EnforcedPause"):
        registry.setFrozenTokens(alice, token, True, {"from": registrar})


# ------------------------------------------------------------------------------------------- forcedTransfer


def test_forced_transfer_of_a_frozen_right_unfreezes_before_the_transfer(
    registry: Any, frozen: int, registrar: Any, alice: Any, carol: Any
) -> None:
    assert registry.forcedTransfer.call(alice, carol, frozen, {"from": registrar}) is True
    tx = registry.forcedTransfer(alice, carol, frozen, {"from": registrar})
    assert events_of(tx) == [
        ("Unfrozen", {"tokenId": frozen, "registrar": registrar, "orderHash": ERC7943_ACT}),
        ("Frozen", {"account": alice, "tokenId": frozen, "frozenStatus": False}),
        ("MetadataUpdate", {"_tokenId": frozen}),
        ("Transfer", {"from": alice, "to": carol, "id": frozen}),
        (
            "ForceTransferred",
            {"tokenId": frozen, "from": alice, "to": carol, "registrar": registrar, "orderHash": ERC7943_ACT},
        ),
        ("ForcedTransfer", {"from": alice, "to": carol, "tokenId": frozen}),
    ]
    order = _logs_in_order(tx, registry)
    assert order.index(FROZEN_7943) < order.index("Transfer(address,address,uint256)") < order.index(FORCED_7943)
    assert registry.ownerOf(frozen) == carol
    assert not registry.getFrozenTokens(carol, frozen)
    assert registry.recordOf(frozen)["status"] == ACTIVE
    assert assert_history(registry, frozen) == 6  # mint, registered, freeze, unfreeze, Transfer, ForceTransferred
    registry.transferFrom(carol, alice, frozen, {"from": carol})  # received unfrozen


def test_forced_transfer_of_an_unfrozen_right(registry: Any, token: int, registrar: Any, alice: Any, bob: Any) -> None:
    tx = registry.forcedTransfer(alice, bob, token, {"from": registrar})
    assert events_of(tx) == [
        ("Transfer", {"from": alice, "to": bob, "id": token}),
        (
            "ForceTransferred",
            {"tokenId": token, "from": alice, "to": bob, "registrar": registrar, "orderHash": ERC7943_ACT},
        ),
        ("ForcedTransfer", {"from": alice, "to": bob, "tokenId": token}),
    ]
    assert registry.ownerOf(token) == bob
    assert assert_history(registry, token) == 4


def test_forced_transfer_moves_a_disputed_right_and_keeps_the_lock(
    registry: Any, token: int, registrar: Any, admin: Any, alice: Any, bob: Any
) -> None:
    registry.setLock(token, True, ZERO_ADDRESS, REF, {"from": admin})
    registry.forcedTransfer(alice, bob, token, {"from": registrar})
    assert registry.ownerOf(token) == bob
    assert registry.recordOf(token)["disputeLocked"]
    assert not registry.canTransfer(bob, alice, token)


def test_project_force_transfer_keeps_the_freeze_and_tells_erc7943_indexers(
    registry: Any, frozen: int, registrar: Any, alice: Any, carol: Any
) -> None:
    """The project's forceTransfer (with an order) keeps the freeze on the right: ERC-7943's Frozen names the new
    holder after the Transfer, and getFrozenTokens stays true."""
    tx = registry.forceTransfer(frozen, carol, ORDER, {"from": registrar})
    assert _logs_in_order(tx, registry) == [
        "Transfer(address,address,uint256)",
        "ForceTransferred(uint256,address,address,address,bytes32)",
        FORCED_7943,
        FROZEN_7943,
    ]
    assert tx.events["ForcedTransfer"] == {"from": alice, "to": carol, "tokenId": frozen}
    assert registry.getFrozenTokens(carol, frozen)


@pytest.mark.parametrize("caller", ["stranger", "alice", "guardian"])
def test_forced_transfer_by_non_registrar_reverts(
    registry: Any, token: int, alice: Any, carol: Any, caller: str, request: Any
) -> None:
    account = request.getfixturevalue(caller)
    with reverts("AccessControlUnauthorizedAccount", account, REGISTRAR_ROLE):
        registry.forcedTransfer(alice, carol, token, {"from": account})


@pytest.mark.parametrize("frozen_first", [False, True])
def test_forced_transfer_from_a_non_holder_reverts(
    registry: Any, token: int, registrar: Any, bob: Any, carol: Any, frozen_first: bool
) -> None:
    """Ownership is validated by the move itself, with ERC-721's error; a frozen right stays frozen."""
    if frozen_first:
        registry.freeze(token, ORDER, {"from": registrar})
    with reverts("TransferFromIncorrectOwner"):
        registry.forcedTransfer(bob, carol, token, {"from": registrar})
    assert registry.getFrozenTokens(bob, token) == frozen_first


def test_forced_transfer_of_an_unknown_right_reverts(registry: Any, registrar: Any, alice: Any, carol: Any) -> None:
    with reverts("TokenDoesNotExist"):
        registry.forcedTransfer(alice, carol, 31337, {"from": registrar})


def test_forced_transfer_to_the_zero_address_reverts(registry: Any, token: int, registrar: Any, alice: Any) -> None:
    with reverts("TransferToZeroAddress"):
        registry.forcedTransfer(alice, ZERO_ADDRESS, token, {"from": registrar})


def test_forced_transfer_while_paused_reverts(
    registry: Any, frozen: int, registrar: Any, guardian: Any, alice: Any, carol: Any
) -> None:
    """canReceive(to) is false while paused: the move refuses too."""
    registry.pause({"from": guardian})
    assert not registry.canReceive(carol)
    with reverts("EnforcedPause"):
        registry.forcedTransfer(alice, carol, frozen, {"from": registrar})


# ------------------------------------------------------------------------------------------- errors kept


def test_frozen_right_keeps_the_registry_error_on_the_transfer_path(
    registry: Any, frozen: int, alice: Any, bob: Any
) -> None:
    """TokenIsFrozen stands in for ERC7943InsufficientUnfrozenBalance (the standard lets a token use its own)."""
    with reverts("TokenIsFrozen", frozen):
        registry.transferFrom(alice, bob, frozen, {"from": alice})
