"""FractionVault: fractionalize (clone, initialize, lock the right), redeem (100% of the shares, unfrozen), and the
IP registry's rules that still bind a right held by the vault."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from brownie import web3
from eth_utils import keccak
from registry_helpers import ZERO_ADDRESS, commitment_for, events_of, make_registration
from share_helpers import MAX_UINT256, REASON, SUPPLY, reverts

ORDER = b"\x42" * 32


@pytest.fixture
def right(new_right: Callable[[Any], int], alice: Any) -> int:
    """A right held by ``alice``, not fractionalized."""
    return new_right(alice)


@pytest.fixture(scope="module")
def locked(fractionalize: Callable[..., Any], new_right: Callable[[Any], int], alice: Any) -> Any:
    """A fractionalized right: ``locked.shares`` (SUPPLY, all ``alice``'s), ``locked.token_id``."""
    return fractionalize(alice, new_right(alice))


def clone_code(implementation: str) -> bytes:
    """EIP-1167 minimal proxy runtime code delegating to ``implementation``."""
    return (
        bytes.fromhex("363d3d373d3d3d363d73")
        + bytes.fromhex(implementation[2:])
        + bytes.fromhex("5af43d82803e903d91602b57fd5bf3")
    )


# ------------------------------------------------------------------------------------------- fractionalize


def test_fractionalize_locks_the_right_and_mints_shares(
    registry: Any,
    vault: Any,
    compliance: Any,
    ShareToken: Any,  # noqa: N803
    alice: Any,
    right: int,
) -> None:
    registry.approve(vault, right, {"from": alice})
    tx = vault.fractionalize(right, "Widget Patent Shares", "WPS", 6, 12_345, True, {"from": alice})
    shares = ShareToken.at(tx.return_value)
    assert events_of(tx) == [
        ("Transfer", {"from": ZERO_ADDRESS, "to": alice, "amount": 12_345}),
        (
            "Fractionalized",
            {
                "tokenId": right,
                "shareToken": shares,
                "owner": alice,
                "supply": 12_345,
                "decimals": 6,
                "restricted": True,
                "name": "Widget Patent Shares",
                "symbol": "WPS",
            },
        ),
        ("Transfer", {"from": alice, "to": vault, "id": right}),
    ]
    linked = keccak(text="HistoryLinked(uint256,uint256)")
    emitters = [log["address"] for log in tx.logs if bytes(log["topics"][0]) != linked]
    assert emitters == [shares.address, vault.address, registry.address]
    assert registry.ownerOf(right) == vault
    assert vault.shareTokenOf(right) == shares
    assert (shares.name(), shares.symbol(), shares.decimals()) == ("Widget Patent Shares", "WPS", 6)
    assert (shares.totalSupply(), shares.balanceOf(alice)) == (12_345, 12_345)
    assert (shares.registry(), shares.tokenId(), shares.vault(), shares.compliance()) == (
        registry,
        right,
        vault,
        compliance,
    )
    assert shares.restricted()
    assert shares.frozenOf(alice) == 0


def test_vault_views(vault: Any, registry: Any, compliance: Any, locked: Any) -> None:
    assert vault.registry() == registry
    assert vault.compliance() == compliance
    implementation = vault.shareImplementation()
    assert implementation != locked.shares
    assert bytes(web3.eth.get_code(locked.shares.address)) == clone_code(implementation)


def test_each_right_gets_its_own_share_token(
    fractionalize: Callable[..., Any], new_right: Callable[[Any], int], vault: Any, alice: Any, bob: Any
) -> None:
    first = fractionalize(alice, new_right(alice), supply=100)
    second = fractionalize(bob, new_right(bob), supply=7, symbol="TWO")
    assert first.shares != second.shares
    assert (first.shares.tokenId(), second.shares.tokenId()) == (first.token_id, second.token_id)
    assert (second.shares.balanceOf(bob), second.shares.symbol()) == (7, "TWO")
    assert vault.shareTokenOf(first.token_id) == first.shares


def test_fractionalize_with_operator_approval(registry: Any, vault: Any, alice: Any, right: int) -> None:
    registry.setApprovalForAll(vault, True, {"from": alice})
    vault.fractionalize(right, "S", "S", 0, 1, False, {"from": alice})
    assert registry.ownerOf(right) == vault


def test_fractionalize_by_non_owner_reverts(registry: Any, vault: Any, alice: Any, bob: Any, right: int) -> None:
    registry.approve(vault, right, {"from": alice})
    with reverts("NotTokenOwner", bob, right):
        vault.fractionalize(right, "S", "S", 18, 100, False, {"from": bob})


def test_fractionalize_by_approved_operator_reverts(
    registry: Any, vault: Any, alice: Any, operator: Any, right: int
) -> None:
    """Only the owner: an operator approved by the owner cannot fractionalize (the shares would go to it)."""
    registry.setApprovalForAll(operator, True, {"from": alice})
    registry.setApprovalForAll(vault, True, {"from": alice})
    with reverts("NotTokenOwner", operator, right):
        vault.fractionalize(right, "S", "S", 18, 100, False, {"from": operator})


def test_fractionalize_without_approval_reverts(registry: Any, vault: Any, alice: Any, right: int) -> None:
    with reverts("NotOwnerNorApproved"):
        vault.fractionalize(right, "S", "S", 18, 100, False, {"from": alice})
    assert registry.ownerOf(right) == alice
    assert vault.shareTokenOf(right) == ZERO_ADDRESS


def test_fractionalize_zero_supply_reverts(registry: Any, vault: Any, alice: Any, stranger: Any, right: int) -> None:
    registry.approve(vault, right, {"from": alice})
    with reverts("ZeroSupply"):
        vault.fractionalize(right, "S", "S", 18, 0, False, {"from": alice})
    with reverts("ZeroSupply"):  # checked first
        vault.fractionalize(right, "S", "S", 18, 0, False, {"from": stranger})


def test_fractionalize_unknown_token_reverts(vault: Any, alice: Any) -> None:
    with reverts("TokenDoesNotExist"):
        vault.fractionalize(12345, "S", "S", 18, 100, False, {"from": alice})


def test_fractionalize_twice_reverts(locked: Any, vault: Any, alice: Any) -> None:
    with reverts("NotTokenOwner", alice, locked.token_id):
        vault.fractionalize(locked.token_id, "S", "S", 18, 100, False, {"from": alice})


def test_implementation_cannot_be_initialized(vault: Any, ShareToken: Any, stranger: Any) -> None:  # noqa: N803
    implementation = ShareToken.at(vault.shareImplementation())
    with reverts("AlreadyInitialized"):
        implementation.initialize("X", "X", 18, 1, False, stranger, 10**30, {"from": stranger})
    assert implementation.totalSupply() == 0


def test_clone_cannot_be_reinitialized(locked: Any, stranger: Any, alice: Any) -> None:
    for caller in (stranger, alice):
        with reverts("AlreadyInitialized"):
            locked.shares.initialize("X", "X", 0, 1, False, caller, 10**30, {"from": caller})
    assert locked.shares.totalSupply() == SUPPLY
    assert locked.shares.name() == "Patent US-1 Shares"


# ------------------------------------------------------------------------------------------- redeem


def test_redeem_returns_the_right(registry: Any, vault: Any, locked: Any, alice: Any) -> None:
    shares, right = locked.shares, locked.token_id
    tx = vault.redeem(right, {"from": alice})
    assert events_of(tx) == [
        ("Transfer", {"from": alice, "to": ZERO_ADDRESS, "amount": SUPPLY}),
        ("Redeemed", {"tokenId": right, "shareToken": shares, "holder": alice, "supply": SUPPLY}),
        ("Transfer", {"from": vault, "to": alice, "id": right}),
    ]
    assert registry.ownerOf(right) == alice
    assert vault.shareTokenOf(right) == ZERO_ADDRESS
    assert (shares.totalSupply(), shares.balanceOf(alice)) == (0, 0)


def test_redeem_by_whoever_gathered_all_shares(
    registry: Any, vault: Any, locked: Any, alice: Any, bob: Any, carol: Any
) -> None:
    shares = locked.shares
    shares.transfer(carol, 1, {"from": alice})
    shares.transfer(bob, SUPPLY - 1, {"from": alice})
    with reverts("IncompleteOwnership", bob, SUPPLY - 1, SUPPLY):
        vault.redeem(locked.token_id, {"from": bob})
    shares.transfer(bob, 1, {"from": carol})
    vault.redeem(locked.token_id, {"from": bob})
    assert registry.ownerOf(locked.token_id) == bob


def test_redeem_needs_every_share(vault: Any, locked: Any, alice: Any, bob: Any, stranger: Any) -> None:
    locked.shares.transfer(bob, 1, {"from": alice})
    with reverts("IncompleteOwnership", alice, SUPPLY - 1, SUPPLY):
        vault.redeem(locked.token_id, {"from": alice})
    with reverts("IncompleteOwnership", bob, 1, SUPPLY):
        vault.redeem(locked.token_id, {"from": bob})
    with reverts("IncompleteOwnership", stranger, 0, SUPPLY):
        vault.redeem(locked.token_id, {"from": stranger})
    assert vault.shareTokenOf(locked.token_id) == locked.shares


@pytest.mark.parametrize(
    ("frozen", "error"),
    [
        (MAX_UINT256, ("HolderFrozen", "{alice}")),
        (1, ("ERC7943InsufficientUnfrozenBalance", "{alice}", SUPPLY, SUPPLY - 1)),
    ],
)
def test_frozen_shares_block_redemption(
    registry: Any, vault: Any, locked: Any, officer: Any, alice: Any, frozen: int, error: tuple[Any, ...]
) -> None:
    locked.shares.freeze(alice, frozen, REASON, {"from": officer})
    name, *args = error
    with reverts(name, *[alice if a == "{alice}" else a for a in args]):
        vault.redeem(locked.token_id, {"from": alice})
    assert registry.ownerOf(locked.token_id) == vault
    assert locked.shares.totalSupply() == SUPPLY


def test_redeem_not_fractionalized_reverts(vault: Any, alice: Any, right: int) -> None:
    with reverts("NotFractionalized", right):
        vault.redeem(right, {"from": alice})
    with reverts("NotFractionalized", 0):
        vault.redeem(0, {"from": alice})


def test_redeem_twice_reverts(vault: Any, locked: Any, alice: Any) -> None:
    vault.redeem(locked.token_id, {"from": alice})
    with reverts("NotFractionalized", locked.token_id):
        vault.redeem(locked.token_id, {"from": alice})


def test_redeemed_right_can_be_fractionalized_again(
    fractionalize: Callable[..., Any], vault: Any, registry: Any, locked: Any, alice: Any
) -> None:
    vault.redeem(locked.token_id, {"from": alice})
    again = fractionalize(alice, locked.token_id, supply=50, symbol="AGAIN")
    assert again.shares != locked.shares
    assert vault.shareTokenOf(locked.token_id) == again.shares
    assert registry.ownerOf(locked.token_id) == vault
    assert (again.shares.totalSupply(), locked.shares.totalSupply()) == (50, 0)
    vault.redeem(locked.token_id, {"from": alice})
    assert registry.ownerOf(locked.token_id) == alice


def test_restricted_redeem_needs_no_eligibility(
    fractionalize: Callable[..., Any], new_right: Callable[[Any], int], registry: Any, vault: Any, carol: Any
) -> None:
    """Burning skips compliance: an unverified holder of every share gets the right back."""
    locked = fractionalize(carol, new_right(carol), restricted=True)
    vault.redeem(locked.token_id, {"from": carol})
    assert registry.ownerOf(locked.token_id) == carol


# ------------------------------------------------------------------------------------------- the registry's rules


def test_frozen_right_cannot_be_fractionalized(
    registry: Any, vault: Any, registrar: Any, alice: Any, right: int
) -> None:
    registry.approve(vault, right, {"from": alice})
    registry.freeze(right, ORDER, {"from": registrar})
    with reverts("TokenIsFrozen", right):
        vault.fractionalize(right, "S", "S", 18, 100, False, {"from": alice})
    assert vault.shareTokenOf(right) == ZERO_ADDRESS


def test_paused_registry_blocks_fractionalize(registry: Any, vault: Any, guardian: Any, alice: Any, right: int) -> None:
    registry.approve(vault, right, {"from": alice})
    registry.pause({"from": guardian})
    with reverts("EnforcedPause"):
        vault.fractionalize(right, "S", "S", 18, 100, False, {"from": alice})


def test_paused_registry_blocks_redeem_and_keeps_shares(
    registry: Any, vault: Any, guardian: Any, locked: Any, alice: Any
) -> None:
    registry.pause({"from": guardian})
    with reverts("EnforcedPause"):
        vault.redeem(locked.token_id, {"from": alice})
    assert locked.shares.balanceOf(alice) == SUPPLY


def test_right_frozen_in_the_vault_blocks_redeem_and_keeps_shares(
    registry: Any, vault: Any, registrar: Any, locked: Any, alice: Any
) -> None:
    registry.freeze(locked.token_id, ORDER, {"from": registrar})
    with reverts("TokenIsFrozen", locked.token_id):
        vault.redeem(locked.token_id, {"from": alice})
    assert locked.shares.balanceOf(alice) == SUPPLY
    assert vault.shareTokenOf(locked.token_id) == locked.shares


def test_registrar_force_transfer_out_of_vault_strands_shares_until_returned(
    registry: Any, vault: Any, registrar: Any, locked: Any, alice: Any, bob: Any
) -> None:
    """The vault does not see a forced move: until someone calls syncCustody, shareTokenOf keeps naming the shares,
    and redemption reverts inside the registry after the burn, so the shares survive. Forced back into the
    vault, the right is redeemable again."""
    right = locked.token_id
    registry.forceTransfer(right, bob, ORDER, {"from": registrar})
    assert registry.ownerOf(right) == bob
    assert vault.shareTokenOf(right) == locked.shares
    with reverts("TransferFromIncorrectOwner"):
        vault.redeem(right, {"from": alice})
    assert locked.shares.totalSupply() == SUPPLY
    registry.forceTransfer(right, vault, ORDER, {"from": registrar})
    vault.redeem(right, {"from": alice})
    assert registry.ownerOf(right) == alice


def test_sync_custody_records_a_forced_move_out(
    registry: Any, vault: Any, registrar: Any, locked: Any, alice: Any, bob: Any, stranger: Any
) -> None:
    right = locked.token_id
    registry.forceTransfer(right, bob, ORDER, {"from": registrar})
    tx = vault.syncCustody(right, {"from": stranger})  # anyone may call it
    assert events_of(tx) == [("CustodyLost", {"tokenId": right, "shareToken": locked.shares, "holder": bob})]
    assert vault.shareTokenOf(right) == ZERO_ADDRESS
    with reverts("NotFractionalized", right):
        vault.redeem(right, {"from": alice})
    with reverts("NotFractionalized", right):
        vault.syncCustody(right, {"from": stranger})
    assert locked.shares.balanceOf(alice) == SUPPLY  # the old shares still exist, standing for nothing


def test_sync_custody_records_a_revoked_right_as_lost(
    registry: Any, vault: Any, registrar: Any, locked: Any, alice: Any, stranger: Any
) -> None:
    """A burnt right has no owner: the vault records the loss, with no holder."""
    right = locked.token_id
    registry.revoke(right, ORDER, {"from": registrar})
    tx = vault.syncCustody(right, {"from": stranger})
    assert events_of(tx) == [("CustodyLost", {"tokenId": right, "shareToken": locked.shares, "holder": ZERO_ADDRESS})]
    assert vault.shareTokenOf(right) == ZERO_ADDRESS
    with reverts("NotFractionalized", right):
        vault.syncCustody(right, {"from": stranger})
    with reverts("NotFractionalized", right):
        vault.redeem(right, {"from": alice})


def test_sync_custody_while_held_reverts(vault: Any, locked: Any, stranger: Any, right: int) -> None:
    with reverts("CustodyHeld", locked.token_id):
        vault.syncCustody(locked.token_id, {"from": stranger})
    with reverts("NotFractionalized", right):
        vault.syncCustody(right, {"from": stranger})
    assert vault.shareTokenOf(locked.token_id) == locked.shares


def test_sync_custody_during_a_temporary_forced_move_strands_the_right_in_the_vault(
    registry: Any, vault: Any, registrar: Any, locked: Any, alice: Any, bob: Any, stranger: Any
) -> None:
    """Anyone may sync while the right is out. If the registrar then returns the right to the vault (a forced move
    reversed), the vault holds it with no share token: the holder of every old share cannot redeem, nobody can
    fractionalize it again (the vault is the owner), and only another forced transfer gets it out."""
    right = locked.token_id
    registry.forceTransfer(right, bob, ORDER, {"from": registrar})
    vault.syncCustody(right, {"from": stranger})
    registry.forceTransfer(right, vault, ORDER, {"from": registrar})
    with reverts("NotFractionalized", right):
        vault.redeem(right, {"from": alice})
    with reverts("NotTokenOwner", alice, right):
        vault.fractionalize(right, "S", "S", 18, 1, False, {"from": alice})
    with reverts("NotFractionalized", right):
        vault.syncCustody(right, {"from": stranger})
    assert registry.ownerOf(right) == vault
    assert locked.shares.balanceOf(alice) == SUPPLY


def test_refractionalizing_a_force_transferred_right_orphans_the_old_shares(
    fractionalize: Callable[..., Any], registry: Any, vault: Any, registrar: Any, locked: Any, alice: Any, bob: Any
) -> None:
    """After a forced move out, the new owner may fractionalize again: the vault reports the stale entry
    (CustodyLost) and overwrites it; the old share token can never be redeemed, even if the right comes back."""
    right = locked.token_id
    registry.forceTransfer(right, bob, ORDER, {"from": registrar})
    new = fractionalize(bob, right, supply=10)
    assert [name for name, _ in events_of(new.tx)] == ["CustodyLost", "Transfer", "Fractionalized", "Transfer"]
    assert events_of(new.tx)[0] == ("CustodyLost", {"tokenId": right, "shareToken": locked.shares, "holder": bob})
    assert vault.shareTokenOf(right) == new.shares
    with reverts("IncompleteOwnership", alice, 0, 10):
        vault.redeem(right, {"from": alice})
    assert locked.shares.balanceOf(alice) == SUPPLY


def test_fractionalize_after_sync_reports_nothing_stale(
    fractionalize: Callable[..., Any], registry: Any, vault: Any, registrar: Any, locked: Any, bob: Any
) -> None:
    right = locked.token_id
    registry.forceTransfer(right, bob, ORDER, {"from": registrar})
    vault.syncCustody(right, {"from": bob})
    new = fractionalize(bob, right, supply=10)
    assert [name for name, _ in events_of(new.tx)] == ["Transfer", "Fractionalized", "Transfer"]


def test_superseded_self_declared_right_strands_vault_shares(
    fractionalize: Callable[..., Any], registry: Any, vault: Any, registrar: Any, alice: Any, bob: Any
) -> None:
    """A self-declared (commit-reveal) right is provisional: a registrar's registration of the same right takes it
    out of the vault (ClaimSuperseded), and the shares can no longer be redeemed. The vault accepts such rights."""
    claim = make_registration(990_001)
    salt = b"\x07" * 32
    registry.commit(commitment_for(alice, claim, salt), {"from": alice})
    registry.reveal(claim.as_tuple(), salt, {"from": alice})
    assert registry.recordOf(claim.right_id)["selfDeclared"]
    locked = fractionalize(alice, claim.right_id)
    verified = make_registration(990_002, right_id=claim.right_id)
    tx = registry.register(bob, verified.as_tuple(), {"from": registrar})
    assert tx.events["ClaimSuperseded"]["from"] == vault
    assert registry.ownerOf(claim.right_id) == bob
    with reverts("TransferFromIncorrectOwner"):
        vault.redeem(claim.right_id, {"from": alice})
    assert locked.shares.totalSupply() == SUPPLY
