"""Deployment, roles, pause, token URI and royalties."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import web3
from eth_utils import keccak
from registry_helpers import (
    DEFAULT_ADMIN_ROLE,
    GUARDIAN_ROLE,
    REGISTRAR_ROLE,
    VOUCHER_SIGNER_KEY,
    Voucher,
    address_of,
    b,
    commitment_for,
    events_of,
    now,
    reverts,
    sign_voucher,
)

ORDER = keccak(text="order")
SALT = b"\x01" * 32


def royalty(registry: Any, token_id: int, price: int) -> tuple[str, int]:
    """royaltyInfo as plain (address, int): brownie's ReturnValue holds a Wei that refuses ``== int``."""
    receiver, amount = registry.royaltyInfo(token_id, price)
    return address_of(receiver), int(amount)


# ------------------------------------------------------------------------------------------- deployment


def test_constructor_grants_three_roles_to_admin(
    IPRegistry: Any,  # noqa: N803
    admin: Any,
    bob: Any,
) -> None:
    contract = IPRegistry.deploy(bob, {"from": admin})
    tx = contract.tx
    assert [(name, args["role"], args["account"], args["sender"]) for name, args in events_of(tx)] == [
        ("RoleGranted", DEFAULT_ADMIN_ROLE, bob, admin),
        ("RoleGranted", REGISTRAR_ROLE, bob, admin),
        ("RoleGranted", GUARDIAN_ROLE, bob, admin),
    ]
    for role in (DEFAULT_ADMIN_ROLE, REGISTRAR_ROLE, GUARDIAN_ROLE):
        assert contract.hasRole(role, bob) is True
        assert contract.hasRole(role, admin) is False  # the deployer gets nothing unless it is the admin
    assert contract.DEPLOYMENT_BLOCK() == tx.block_number
    assert contract.paused() is False


def test_constants(registry: Any) -> None:
    assert b(registry.REGISTRAR_ROLE()) == REGISTRAR_ROLE
    assert b(registry.GUARDIAN_ROLE()) == GUARDIAN_ROLE
    assert b(registry.DEFAULT_ADMIN_ROLE()) == DEFAULT_ADMIN_ROLE
    assert registry.MIN_REVEAL_DELAY() == 1
    assert registry.REVEAL_WINDOW() == 7200
    assert registry.MAX_ROYALTY_BPS() == 10_000


@pytest.mark.parametrize("role", [DEFAULT_ADMIN_ROLE, REGISTRAR_ROLE, GUARDIAN_ROLE])
def test_every_role_is_administered_by_admin_role(registry: Any, role: bytes) -> None:
    assert b(registry.getRoleAdmin(role)) == DEFAULT_ADMIN_ROLE


# ------------------------------------------------------------------------------------------- roles


def test_admin_grants_and_revokes_registrar(
    registry: Any, admin: Any, bob: Any, carol: Any, new_registration: Any
) -> None:
    tx = registry.grantRole(REGISTRAR_ROLE, bob, {"from": admin})
    assert events_of(tx) == [("RoleGranted", {"role": REGISTRAR_ROLE, "account": bob, "sender": admin})]
    registry.register(carol, new_registration().as_tuple(), {"from": bob})
    tx = registry.revokeRole(REGISTRAR_ROLE, bob, {"from": admin})
    assert events_of(tx) == [("RoleRevoked", {"role": REGISTRAR_ROLE, "account": bob, "sender": admin})]
    with reverts("AccessControlUnauthorizedAccount", bob, REGISTRAR_ROLE):
        registry.register(carol, new_registration().as_tuple(), {"from": bob})


@pytest.mark.parametrize("caller", ["registrar", "guardian", "stranger"])
def test_grant_role_by_non_admin_reverts(registry: Any, bob: Any, caller: str, request: Any) -> None:
    account = request.getfixturevalue(caller)
    with reverts("AccessControlUnauthorizedAccount", account, DEFAULT_ADMIN_ROLE):
        registry.grantRole(REGISTRAR_ROLE, bob, {"from": account})


def test_revoke_role_by_non_admin_reverts(registry: Any, registrar: Any, guardian: Any) -> None:
    with reverts("AccessControlUnauthorizedAccount", registrar, DEFAULT_ADMIN_ROLE):
        registry.revokeRole(GUARDIAN_ROLE, guardian, {"from": registrar})


def test_renounce_role(registry: Any, registrar: Any, alice: Any, registration: Any) -> None:
    tx = registry.renounceRole(REGISTRAR_ROLE, registrar, {"from": registrar})
    assert events_of(tx) == [("RoleRevoked", {"role": REGISTRAR_ROLE, "account": registrar, "sender": registrar})]
    with reverts("AccessControlUnauthorizedAccount", registrar, REGISTRAR_ROLE):
        registry.register(alice, registration.as_tuple(), {"from": registrar})


def test_renounce_role_for_someone_else_reverts(registry: Any, registrar: Any, guardian: Any) -> None:
    with reverts("AccessControlBadConfirmation"):
        registry.renounceRole(GUARDIAN_ROLE, guardian, {"from": registrar})


# ------------------------------------------------------------------------------------------- pause


def test_guardian_pauses_and_unpauses(registry: Any, guardian: Any) -> None:
    tx = registry.pause({"from": guardian})
    assert events_of(tx) == [("Paused", {"account": guardian})]
    assert registry.paused() is True
    tx = registry.unpause({"from": guardian})
    assert events_of(tx) == [("Unpaused", {"account": guardian})]
    assert registry.paused() is False


@pytest.mark.parametrize("caller", ["registrar", "stranger", "alice"])
def test_pause_by_non_guardian_reverts(registry: Any, caller: str, request: Any) -> None:
    account = request.getfixturevalue(caller)
    with reverts("AccessControlUnauthorizedAccount", account, GUARDIAN_ROLE):
        registry.pause({"from": account})


def test_unpause_by_non_guardian_reverts(registry: Any, guardian: Any, registrar: Any) -> None:
    registry.pause({"from": guardian})
    with reverts("AccessControlUnauthorizedAccount", registrar, GUARDIAN_ROLE):
        registry.unpause({"from": registrar})


def test_pause_twice_reverts(registry: Any, guardian: Any) -> None:
    registry.pause({"from": guardian})
    with reverts("EnforcedPause"):
        registry.pause({"from": guardian})


def test_unpause_when_running_reverts(registry: Any, guardian: Any) -> None:
    with reverts("ExpectedPause"):
        registry.unpause({"from": guardian})


@pytest.fixture
def paused_world(
    registry: Any, registrar: Any, guardian: Any, alice: Any, token: int, new_registration: Any
) -> dict[str, Any]:
    """A token (alice's), a frozen token (alice's), a pending commitment and a signed voucher; then the pause."""
    frozen = new_registration()
    registry.register(alice, frozen.as_tuple(), {"from": registrar})
    registry.freeze(frozen.right_id, ORDER, {"from": registrar})
    claim = new_registration()
    registry.commit(commitment_for(alice, claim, SALT), {"from": alice})
    voucher = Voucher(to=alice.address, registration=new_registration(), deadline=now() + 3600)
    signature = sign_voucher(
        VOUCHER_SIGNER_KEY, voucher, chain_id=web3.eth.chain_id, verifying_contract=registry.address
    )
    registry.pause({"from": guardian})
    return {"token": token, "frozen": frozen.right_id, "claim": claim, "voucher": voucher, "signature": signature}


PAUSED_ACTIONS = {
    "register": lambda r, w, a: r.register(a["alice"], w["claim"].as_tuple(), {"from": a["registrar"]}),
    "registerWithVoucher": lambda r, w, a: r.registerWithVoucher(
        w["voucher"].as_tuple(), w["signature"], {"from": a["stranger"]}
    ),
    "commit": lambda r, w, a: r.commit(keccak(text="another claim"), {"from": a["alice"]}),
    "reveal": lambda r, w, a: r.reveal(w["claim"].as_tuple(), SALT, {"from": a["alice"]}),
    "transferFrom": lambda r, w, a: r.transferFrom(a["alice"], a["bob"], w["token"], {"from": a["alice"]}),
    "safeTransferFrom": lambda r, w, a: r.safeTransferFrom["address,address,uint256"](
        a["alice"], a["bob"], w["token"], {"from": a["alice"]}
    ),
    "safeTransferFrom(data)": lambda r, w, a: r.safeTransferFrom["address,address,uint256,bytes"](
        a["alice"], a["bob"], w["token"], b"x", {"from": a["alice"]}
    ),
    "assign": lambda r, w, a: r.assign(w["token"], a["bob"], ORDER, {"from": a["alice"]}),
    "freeze": lambda r, w, a: r.freeze(w["token"], ORDER, {"from": a["registrar"]}),
    "unfreeze": lambda r, w, a: r.unfreeze(w["frozen"], ORDER, {"from": a["registrar"]}),
    "forceTransfer": lambda r, w, a: r.forceTransfer(w["frozen"], a["bob"], ORDER, {"from": a["registrar"]}),
    "publishMetadata(owner)": lambda r, w, a: r.publishMetadata(w["token"], b'{"title":"x"}', {"from": a["alice"]}),
    "publishMetadata(registrar)": lambda r, w, a: r.publishMetadata(
        w["token"], b'{"title":"x"}', {"from": a["registrar"]}
    ),
    "setTokenRoyalty": lambda r, w, a: r.setTokenRoyalty(w["token"], 500, {"from": a["alice"]}),
}


@pytest.fixture
def cast(registrar: Any, alice: Any, bob: Any, stranger: Any) -> dict[str, Any]:
    return {"registrar": registrar, "alice": alice, "bob": bob, "stranger": stranger}


@pytest.mark.parametrize("action", list(PAUSED_ACTIONS))
def test_paused_registry_refuses(
    registry: Any, paused_world: dict[str, Any], cast: dict[str, Any], action: str
) -> None:
    with reverts("EnforcedPause"):
        PAUSED_ACTIONS[action](registry, paused_world, cast)


@pytest.mark.parametrize("action", list(PAUSED_ACTIONS))
def test_unpaused_registry_accepts_again(
    registry: Any, paused_world: dict[str, Any], cast: dict[str, Any], guardian: Any, action: str
) -> None:
    registry.unpause({"from": guardian})
    PAUSED_ACTIONS[action](registry, paused_world, cast)


def test_paused_registry_still_allows_approvals_roles_and_admin_settings(
    registry: Any, paused_world: dict[str, Any], admin: Any, registrar: Any, alice: Any, bob: Any, carol: Any
) -> None:
    """Registration, movement and the owner's settings (metadata URI, token royalty) stop; approvals, voucher
    cancellation and the admin's settings stay open during a pause (by design, not documented)."""
    token = paused_world["token"]
    registry.approve(bob, token, {"from": alice})
    registry.setApprovalForAll(carol, True, {"from": alice})
    registry.cancelVoucher(alice, {"from": registrar})
    registry.setDefaultRoyalty(100, {"from": admin})
    registry.setBaseURI("https://x/", {"from": admin})
    registry.grantRole(REGISTRAR_ROLE, carol, {"from": admin})
    assert registry.getApproved(token) == bob
    assert registry.isApprovedForAll(alice, carol) is True
    assert registry.nonces(alice) == 1
    assert royalty(registry, token, 10_000) == (alice.address, 100)
    assert registry.tokenURI(token) == f"https://x/0x{token:064x}"
    assert registry.hasRole(REGISTRAR_ROLE, carol) is True


# ------------------------------------------------------------------------------------------- token URI


def test_token_uri_empty_without_base(registry: Any, token: int) -> None:
    assert registry.tokenURI(token) == ""


def test_token_uri_is_base_plus_hex_id(registry: Any, token: int, admin: Any) -> None:
    tx = registry.setBaseURI("https://rights.example/", {"from": admin})
    assert events_of(tx) == [
        ("BaseURIUpdated", {"baseURI": "https://rights.example/"}),
        ("BatchMetadataUpdate", {"_fromTokenId": 0, "_toTokenId": 2**256 - 1}),  # ERC-4906: every token
    ]
    assert registry.tokenURI(token) == f"https://rights.example/0x{token:064x}"


def test_token_uri_of_small_id_is_zero_padded(
    registry: Any, registrar: Any, admin: Any, alice: Any, new_registration: Any
) -> None:
    registration = new_registration()
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    registry.setBaseURI("ipfs://base/", {"from": admin})
    assert registry.tokenURI(registration.right_id) == f"ipfs://base/0x{registration.right_id:064x}"


def test_token_uri_unknown_token_reverts(registry: Any) -> None:
    with reverts("UnknownToken", 3):
        registry.tokenURI(3)


@pytest.mark.parametrize("caller", ["registrar", "guardian", "alice"])
def test_set_base_uri_by_non_admin_reverts(registry: Any, caller: str, request: Any) -> None:
    account = request.getfixturevalue(caller)
    with reverts("AccessControlUnauthorizedAccount", account, DEFAULT_ADMIN_ROLE):
        registry.setBaseURI("https://evil/", {"from": account})


def test_set_base_uri_back_to_empty(registry: Any, token: int, admin: Any) -> None:
    registry.setBaseURI("https://x/", {"from": admin})
    registry.setBaseURI("", {"from": admin})
    assert registry.tokenURI(token) == ""


# ------------------------------------------------------------------------------------------- royalties


def test_royalty_defaults_to_zero_paid_to_owner(registry: Any, token: int, alice: Any) -> None:
    assert royalty(registry, token, 10**18) == (alice.address, 0)


def test_default_royalty_set_by_admin(registry: Any, token: int, admin: Any, alice: Any) -> None:
    tx = registry.setDefaultRoyalty(250, {"from": admin})
    assert events_of(tx) == [("RoyaltySet", {"tokenId": 0, "bps": 250})]
    assert royalty(registry, token, 10_000) == (alice.address, 250)
    assert royalty(registry, token, 999) == (alice.address, 999 * 250 // 10_000)


@pytest.mark.parametrize("caller", ["registrar", "guardian", "alice"])
def test_default_royalty_by_non_admin_reverts(registry: Any, caller: str, request: Any) -> None:
    account = request.getfixturevalue(caller)
    with reverts("AccessControlUnauthorizedAccount", account, DEFAULT_ADMIN_ROLE):
        registry.setDefaultRoyalty(100, {"from": account})


def test_default_royalty_above_100_percent_reverts(registry: Any, admin: Any) -> None:
    with reverts("InvalidRoyalty", 10_001):
        registry.setDefaultRoyalty(10_001, {"from": admin})


def test_default_royalty_of_100_percent_allowed(registry: Any, token: int, admin: Any, alice: Any) -> None:
    registry.setDefaultRoyalty(10_000, {"from": admin})
    assert royalty(registry, token, 12345) == (alice.address, 12345)


def test_token_royalty_set_by_owner_overrides_default(registry: Any, token: int, admin: Any, alice: Any) -> None:
    registry.setDefaultRoyalty(100, {"from": admin})
    tx = registry.setTokenRoyalty(token, 700, {"from": alice})
    assert events_of(tx) == [("RoyaltySet", {"tokenId": token, "bps": 700})]
    assert royalty(registry, token, 10_000) == (alice.address, 700)


def test_token_royalty_of_zero_overrides_default(registry: Any, token: int, admin: Any, alice: Any) -> None:
    registry.setDefaultRoyalty(100, {"from": admin})
    registry.setTokenRoyalty(token, 0, {"from": alice})
    assert royalty(registry, token, 10_000) == (alice.address, 0)


def test_token_royalty_above_100_percent_reverts(registry: Any, token: int, alice: Any) -> None:
    with reverts("InvalidRoyalty", 10_001):
        registry.setTokenRoyalty(token, 10_001, {"from": alice})


@pytest.mark.parametrize("caller", ["approved", "operator", "stranger", "admin", "registrar"])
def test_token_royalty_by_non_owner_reverts(
    registry: Any, token: int, alice: Any, bob: Any, operator: Any, caller: str, request: Any
) -> None:
    registry.approve(bob, token, {"from": alice})
    registry.setApprovalForAll(operator, True, {"from": alice})
    account = {"approved": bob, "operator": operator}.get(caller) or request.getfixturevalue(caller)
    with reverts("NotTokenOwner", account, token):
        registry.setTokenRoyalty(token, 100, {"from": account})
    assert royalty(registry, token, 10_000) == (alice.address, 0)


def test_token_royalty_unknown_token_reverts(registry: Any, alice: Any) -> None:
    with reverts("UnknownToken", 9):
        registry.setTokenRoyalty(9, 100, {"from": alice})


def test_royalty_info_unknown_token_reverts(registry: Any) -> None:
    with reverts("UnknownToken", 9):
        registry.royaltyInfo(9, 100)


def test_royalty_receiver_follows_owner(
    registry: Any, token: int, alice: Any, bob: Any, registrar: Any, carol: Any
) -> None:
    registry.setTokenRoyalty(token, 500, {"from": alice})
    registry.transferFrom(alice, bob, token, {"from": alice})
    assert royalty(registry, token, 10_000) == (bob.address, 500)  # the rate stays with the token
    registry.forceTransfer(token, carol, ORDER, {"from": registrar})
    assert royalty(registry, token, 10_000) == (carol.address, 500)


def test_frozen_token_royalty_by_owner_reverts(registry: Any, token: int, alice: Any, registrar: Any) -> None:
    """Like publishMetadata: a frozen token's owner cannot change its royalty; after the unfreeze he can."""
    registry.setTokenRoyalty(token, 200, {"from": alice})
    registry.freeze(token, ORDER, {"from": registrar})
    with reverts("TokenIsFrozen", token):
        registry.setTokenRoyalty(token, 300, {"from": alice})
    assert royalty(registry, token, 10_000) == (alice.address, 200)
    registry.unfreeze(token, ORDER, {"from": registrar})
    registry.setTokenRoyalty(token, 300, {"from": alice})
    assert royalty(registry, token, 10_000) == (alice.address, 300)


def test_frozen_token_royalty_by_non_owner_reverts_on_owner_first(
    registry: Any, token: int, registrar: Any, stranger: Any
) -> None:
    """Ownership is checked before the freeze: a stranger learns nothing about the freeze."""
    registry.freeze(token, ORDER, {"from": registrar})
    with reverts("NotTokenOwner", stranger, token):
        registry.setTokenRoyalty(token, 300, {"from": stranger})


def test_token_royalty_freeze_checked_before_amount(registry: Any, token: int, alice: Any, registrar: Any) -> None:
    registry.freeze(token, ORDER, {"from": registrar})
    with reverts("TokenIsFrozen", token):
        registry.setTokenRoyalty(token, 10_001, {"from": alice})
