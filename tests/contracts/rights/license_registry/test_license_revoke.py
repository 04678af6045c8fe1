"""LicenseRegistry.revoke, and licences across changes of the right's owner.

A licence belongs to the right: after an assignment (or any transfer) the new owner is bound by it and steps into
the licensor's place, so he may revoke it and the original grantor may not. A registrar may revoke any licence,
also of a frozen, disputed or burnt right; the owner may not while the right is frozen or dispute-locked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from brownie import ZERO_ADDRESS, chain
from license_helpers import DAY, DEED, EXCLUSIVE, ORDER, PHARMA, REASON, Terms, licensed_by, reverts
from registry_helpers import ZERO_BYTES32, events_of, mine_block, now

DISPUTE = b"\xd1" * 32


@pytest.fixture
def licensed(right: int, grant: Callable[..., Any], bob: Any) -> int:
    """Licence 1: ``bob``, exclusive, worldwide, pharmaceuticals, open-ended, of ``right`` (``alice``'s)."""
    grant(right, Terms(bob, exclusivity=EXCLUSIVE, field=PHARMA))
    return 1


def covered(licenses: Any, right: int, licensee: Any) -> bool:
    return licensed_by(licenses, right, licensee, b"DE", PHARMA, now())[0]


# ------------------------------------------------------------------------------------------- revoke


def test_owner_revokes_and_it_stops_covering_at_once(
    licenses: Any, right: int, licensed: int, alice: Any, bob: Any
) -> None:
    tx = licenses.revoke(licensed, REASON, {"from": alice})
    revoked_at = tx.timestamp
    assert events_of(tx) == [
        ("LicenseRevoked", {"licenseId": licensed, "tokenId": right, "by": alice, "reasonHash": REASON}),
    ]
    assert licenses.licenseOf(licensed)["revokedAt"] == revoked_at
    assert not licenses.isActive(licensed, revoked_at)
    assert licenses.isActive(licensed, revoked_at - 1)  # history: it was in force before
    assert not covered(licenses, right, bob)
    assert licensed_by(licenses, right, bob, b"DE", PHARMA, revoked_at - 1) == (True, licensed)


@pytest.mark.parametrize("caller", ["registrar", "admin"])
def test_registrar_revokes_any_licence(licenses: Any, right: int, licensed: int, caller: str, request: Any) -> None:
    account = request.getfixturevalue(caller)
    tx = licenses.revoke(licensed, REASON, {"from": account})
    assert events_of(tx) == [
        ("LicenseRevoked", {"licenseId": licensed, "tokenId": right, "by": account, "reasonHash": REASON}),
    ]


@pytest.mark.parametrize("caller", ["bob", "carol", "guardian", "operator", "stranger"])
def test_revoke_by_anybody_else_reverts(licenses: Any, licensed: int, caller: str, request: Any) -> None:
    """Neither the licensee, a stranger, the guardian nor the dispute module may revoke."""
    account = request.getfixturevalue(caller)
    with reverts("NotLicensor", account, licensed):
        licenses.revoke(licensed, REASON, {"from": account})


def test_revoke_by_an_operator_of_the_owner_reverts(
    licenses: Any, registry: Any, right: int, licensed: int, alice: Any, carol: Any
) -> None:
    """ERC-721 approvals move the token; they do not make a licensor."""
    registry.setApprovalForAll(carol, True, {"from": alice})
    registry.approve(carol, right, {"from": alice})
    with reverts("NotLicensor", carol, licensed):
        licenses.revoke(licensed, REASON, {"from": carol})


def test_owner_revoke_while_registry_paused_reverts_but_registrar_may(
    licenses: Any, registry: Any, licensed: int, alice: Any, registrar: Any, guardian: Any
) -> None:
    registry.pause({"from": guardian})
    with reverts("RegistryPaused"):
        licenses.revoke(licensed, REASON, {"from": alice})
    tx = licenses.revoke(licensed, REASON, {"from": registrar})
    assert tx.events["LicenseRevoked"]["by"] == registrar


def test_stranger_revoke_while_registry_paused_still_reverts_not_licensor(
    licenses: Any, registry: Any, licensed: int, carol: Any, guardian: Any
) -> None:
    registry.pause({"from": guardian})
    with reverts("NotLicensor", carol, licensed):
        licenses.revoke(licensed, REASON, {"from": carol})


def test_revoke_without_reason_reverts(licenses: Any, licensed: int, alice: Any) -> None:
    with reverts("MissingHash"):
        licenses.revoke(licensed, ZERO_BYTES32, {"from": alice})


@pytest.mark.parametrize("license_id", [0, 2, 2**64])
def test_revoke_unknown_licence_reverts(licenses: Any, licensed: int, alice: Any, license_id: int) -> None:
    with reverts("UnknownLicense", license_id):
        licenses.revoke(license_id, REASON, {"from": alice})


def test_revoke_twice_reverts(licenses: Any, licensed: int, alice: Any, registrar: Any) -> None:
    licenses.revoke(licensed, REASON, {"from": alice})
    with reverts("LicenseAlreadyRevoked", licensed):
        licenses.revoke(licensed, REASON, {"from": alice})
    with reverts("LicenseAlreadyRevoked", licensed):
        licenses.revoke(licensed, REASON, {"from": registrar})


def test_revoke_an_ended_licence_is_recorded(
    licenses: Any, right: int, grant: Callable[..., Any], alice: Any, bob: Any
) -> None:
    grant(right, Terms(bob, end=now() + DAY))
    chain.sleep(2 * DAY)
    mine_block()
    tx = licenses.revoke(1, REASON, {"from": alice})
    assert licenses.licenseOf(1)["revokedAt"] == tx.timestamp


def test_revoke_leaves_the_other_licences_alone(
    licenses: Any, right: int, grant: Callable[..., Any], alice: Any, bob: Any, carol: Any
) -> None:
    grant(right, Terms(bob, territories=(b"DE",)))
    grant(right, Terms(carol, territories=(b"DE",)))
    licenses.revoke(1, REASON, {"from": alice})
    assert licenses.licenseOf(2)["revokedAt"] == 0
    assert licensed_by(licenses, right, carol, b"DE", PHARMA, now()) == (True, 2)


# ------------------------------------------------------------------------------------------- frozen, disputed, burnt


def test_owner_cannot_revoke_while_the_right_is_frozen(
    licenses: Any, registry: Any, right: int, licensed: int, alice: Any, registrar: Any
) -> None:
    registry.freeze(right, ORDER, {"from": registrar})
    with reverts("RightLocked", right):
        licenses.revoke(licensed, REASON, {"from": alice})
    tx = licenses.revoke(licensed, REASON, {"from": registrar})
    assert tx.events["LicenseRevoked"]["by"] == registrar


def test_owner_cannot_revoke_while_the_right_is_disputed(
    licenses: Any, registry: Any, right: int, licensed: int, alice: Any, operator: Any, registrar: Any
) -> None:
    registry.setLock(right, True, ZERO_ADDRESS, DISPUTE, {"from": operator})
    with reverts("RightLocked", right):
        licenses.revoke(licensed, REASON, {"from": alice})
    registry.setLock(right, False, ZERO_ADDRESS, DISPUTE, {"from": operator})
    licenses.revoke(licensed, REASON, {"from": alice})


def test_stranger_on_a_frozen_right_is_not_a_licensor(
    licenses: Any, registry: Any, right: int, licensed: int, registrar: Any, stranger: Any
) -> None:
    registry.freeze(right, ORDER, {"from": registrar})
    with reverts("NotLicensor", stranger, licensed):
        licenses.revoke(licensed, REASON, {"from": stranger})


def test_owner_of_an_expired_right_may_revoke(
    licenses: Any, new_right: Callable[..., int], grant: Callable[..., Any], alice: Any, bob: Any
) -> None:
    right = new_right(alice, expiry=now() + DAY)
    grant(right, Terms(bob))
    chain.sleep(2 * DAY)
    mine_block()
    assert licenses.revoke(1, REASON, {"from": alice}).events["LicenseRevoked"]["by"] == alice


def test_licences_of_a_burnt_right_only_a_registrar_revokes(
    licenses: Any, registry: Any, right: int, licensed: int, alice: Any, registrar: Any
) -> None:
    registry.revoke(right, ORDER, {"from": registrar})
    with reverts("NotLicensor", alice, licensed):
        licenses.revoke(licensed, REASON, {"from": alice})
    licenses.revoke(licensed, REASON, {"from": registrar})


# ------------------------------------------------------------------------------------------- survival on assignment


@pytest.mark.parametrize("how", ["assign", "transferFrom", "forceTransfer"])
def test_licence_survives_a_change_of_owner(
    licenses: Any,
    registry: Any,
    right: int,
    licensed: int,
    grant: Callable[..., Any],
    alice: Any,
    bob: Any,
    carol: Any,
    registrar: Any,
    how: str,
) -> None:
    """The new owner (carol) is bound: the licence still covers, blocks her conflicting grants, and she, not the
    grantor (alice), may revoke it."""
    if how == "assign":
        registry.assign(right, carol, DEED, {"from": alice})
    elif how == "transferFrom":
        registry.transferFrom(alice, carol, right, {"from": alice})
    else:
        registry.forceTransfer(right, carol, ORDER, {"from": registrar})
    assert covered(licenses, right, bob)
    assert licenses.licenseOf(licensed)["grantor"] == alice
    with reverts("LicenseConflict", licensed):
        grant(right, Terms(carol, territories=(b"FR",), field=PHARMA), carol)
    with reverts("NotLicensor", alice, licensed):
        licenses.revoke(licensed, REASON, {"from": alice})
    tx = licenses.revoke(licensed, REASON, {"from": carol})
    assert tx.events["LicenseRevoked"]["by"] == carol
    assert not covered(licenses, right, bob)


def test_licence_survives_a_round_trip_through_two_owners(
    licenses: Any, registry: Any, right: int, licensed: int, alice: Any, bob: Any, carol: Any, stranger: Any
) -> None:
    registry.assign(right, carol, DEED, {"from": alice})
    registry.assign(right, stranger, DEED, {"from": carol})
    assert covered(licenses, right, bob)
    for former in (alice, carol):
        with reverts("NotLicensor", former, licensed):
            licenses.revoke(licensed, REASON, {"from": former})
    licenses.revoke(licensed, REASON, {"from": stranger})
