"""ShareToken officer actions: freezes (full and partial), forced transfers, wallet recovery; the vault-only
burn."""

from __future__ import annotations

from typing import Any

import pytest
from registry_helpers import ZERO_ADDRESS, ZERO_BYTES32, events_of
from share_helpers import EVIDENCE, MAX_UINT256, REASON, SUPPLY, reverts

LIFT = b"\x11" * 32


@pytest.fixture
def shares(open_shares: Any, alice: Any, bob: Any) -> Any:
    """Unrestricted: ``alice`` holds SUPPLY - 1,000, ``bob`` 1,000."""
    open_shares.transfer(bob, 1_000, {"from": alice})
    return open_shares


@pytest.fixture
def rshares(restricted_shares: Any, alice: Any, bob: Any) -> Any:
    """Restricted: ``alice`` holds SUPPLY - 1,000, ``bob`` 1,000; both verified; ``carol`` unknown."""
    restricted_shares.transfer(bob, 1_000, {"from": alice})
    return restricted_shares


def officer_call(shares: Any, function: str, holder: Any, other: Any, reason: bytes) -> tuple[Any, ...]:
    return {
        "freeze": (holder, 10, reason),
        "unfreeze": (holder, reason),
        "forcedTransfer": (holder, other, 10, reason),
        "recover": (holder, other, reason),
    }[function]


OFFICER_FUNCTIONS = ["freeze", "unfreeze", "forcedTransfer", "recover"]


# ------------------------------------------------------------------------------------------- authorisation


@pytest.mark.parametrize("function", OFFICER_FUNCTIONS)
def test_officer_actions_refuse_others(
    shares: Any, function: str, bob: Any, carol: Any, stranger: Any, alice: Any, registrar: Any
) -> None:
    """Not the holder, not the issuer, not the IP registrar: only a compliance officer."""
    for caller in (stranger, alice, registrar):
        with reverts("NotComplianceOfficer", caller):
            getattr(shares, function)(*officer_call(shares, function, bob, carol, REASON), {"from": caller})
    assert shares.balanceOf(bob) == 1_000
    assert shares.frozenOf(bob) == 0


@pytest.mark.parametrize("function", OFFICER_FUNCTIONS)
def test_officer_actions_need_a_reason(shares: Any, function: str, bob: Any, carol: Any, officer: Any) -> None:
    with reverts("MissingReasonHash"):
        getattr(shares, function)(*officer_call(shares, function, bob, carol, ZERO_BYTES32), {"from": officer})


@pytest.mark.parametrize("function", OFFICER_FUNCTIONS)
def test_role_is_checked_before_the_reason(shares: Any, function: str, bob: Any, carol: Any, stranger: Any) -> None:
    with reverts("NotComplianceOfficer", stranger):
        getattr(shares, function)(*officer_call(shares, function, bob, carol, ZERO_BYTES32), {"from": stranger})


# ------------------------------------------------------------------------------------------- freezes


def test_full_freeze_blocks_transfers(shares: Any, officer: Any, alice: Any, bob: Any, carol: Any) -> None:
    tx = shares.freeze(bob, MAX_UINT256, REASON, {"from": officer})
    assert events_of(tx) == [
        ("SharesFrozen", {"holder": bob, "amount": MAX_UINT256, "reasonHash": REASON, "officer": officer}),
        ("Frozen", {"account": bob, "amount": MAX_UINT256}),  # ERC-7943's event beside the project's
    ]
    assert shares.frozenOf(bob) == MAX_UINT256
    with reverts("HolderFrozen", bob):
        shares.transfer(alice, 1, {"from": bob})
    shares.approve(carol, 10, {"from": bob})
    with reverts("HolderFrozen", bob):
        shares.transferFrom(bob, alice, 1, {"from": carol})
    assert shares.balanceOf(bob) == 1_000


def test_full_freeze_covers_shares_received_later(shares: Any, officer: Any, alice: Any, bob: Any) -> None:
    shares.freeze(bob, MAX_UINT256, REASON, {"from": officer})
    shares.transfer(bob, 500, {"from": alice})  # a frozen holder can still receive
    assert shares.balanceOf(bob) == 1_500
    with reverts("HolderFrozen", bob):
        shares.transfer(alice, 1, {"from": bob})


def test_freeze_does_not_touch_other_holders(shares: Any, officer: Any, alice: Any, bob: Any, carol: Any) -> None:
    shares.freeze(bob, MAX_UINT256, REASON, {"from": officer})
    shares.transfer(carol, 5, {"from": alice})
    assert shares.balanceOf(carol) == 5


def test_partial_freeze_leaves_the_rest_movable(shares: Any, officer: Any, alice: Any, bob: Any) -> None:
    shares.freeze(bob, 700, REASON, {"from": officer})
    with reverts("ERC7943InsufficientUnfrozenBalance", bob, 301, 300):
        shares.transfer(alice, 301, {"from": bob})
    shares.transfer(alice, 300, {"from": bob})
    with reverts("ERC7943InsufficientUnfrozenBalance", bob, 1, 0):
        shares.transfer(alice, 1, {"from": bob})
    assert (shares.balanceOf(bob), shares.frozenOf(bob)) == (700, 700)


def test_partial_freeze_above_balance_freezes_everything_and_incoming_fills_it(
    shares: Any, officer: Any, alice: Any, bob: Any
) -> None:
    shares.freeze(bob, 1_500, REASON, {"from": officer})
    with reverts("ERC7943InsufficientUnfrozenBalance", bob, 1, 0):
        shares.transfer(alice, 1, {"from": bob})
    shares.transfer(bob, 600, {"from": alice})  # balance 1,600; 100 above the freeze
    with reverts("ERC7943InsufficientUnfrozenBalance", bob, 101, 100):
        shares.transfer(alice, 101, {"from": bob})
    shares.transfer(alice, 100, {"from": bob})


def test_partial_freeze_applies_to_transfer_from(shares: Any, officer: Any, alice: Any, bob: Any, carol: Any) -> None:
    shares.freeze(bob, 999, REASON, {"from": officer})
    shares.approve(carol, 1_000, {"from": bob})
    with reverts("ERC7943InsufficientUnfrozenBalance", bob, 2, 1):
        shares.transferFrom(bob, alice, 2, {"from": carol})
    assert shares.allowance(bob, carol) == 1_000


def test_freeze_of_zero_reverts(shares: Any, officer: Any, bob: Any) -> None:
    """Zero is not a freeze: lifting one goes through ``unfreeze`` (and its event)."""
    shares.freeze(bob, 300, REASON, {"from": officer})
    with reverts("ZeroFreeze"):
        shares.freeze(bob, 0, REASON, {"from": officer})
    assert shares.frozenOf(bob) == 300


def test_unfreeze_lifts_the_freeze(shares: Any, officer: Any, alice: Any, bob: Any) -> None:
    shares.freeze(bob, MAX_UINT256, REASON, {"from": officer})
    tx = shares.unfreeze(bob, LIFT, {"from": officer})
    assert events_of(tx) == [
        ("SharesUnfrozen", {"holder": bob, "reasonHash": LIFT, "officer": officer}),
        ("Frozen", {"account": bob, "amount": 0}),
    ]
    assert shares.frozenOf(bob) == 0
    shares.transfer(alice, 1_000, {"from": bob})


def test_refreeze_replaces_the_amount(shares: Any, officer: Any, alice: Any, bob: Any) -> None:
    shares.freeze(bob, MAX_UINT256, REASON, {"from": officer})
    shares.freeze(bob, 400, REASON, {"from": officer})
    assert shares.frozenOf(bob) == 400
    shares.transfer(alice, 600, {"from": bob})


def test_frozen_holder_count_survives_refreezes_and_noop_unfreezes(
    shares: Any, officer: Any, alice: Any, bob: Any, carol: Any
) -> None:
    """While no holder is frozen the token skips the freeze lookup: the count must never reach zero early."""
    shares.freeze(bob, MAX_UINT256, REASON, {"from": officer})
    shares.freeze(alice, 5, REASON, {"from": officer})
    shares.freeze(alice, 6, REASON, {"from": officer})  # re-freeze: no second count
    shares.unfreeze(carol, LIFT, {"from": officer})  # never frozen: no decrement
    shares.unfreeze(alice, LIFT, {"from": officer})
    shares.unfreeze(alice, LIFT, {"from": officer})  # twice: no second decrement
    with reverts("HolderFrozen", bob):
        shares.transfer(alice, 1, {"from": bob})
    shares.unfreeze(bob, LIFT, {"from": officer})
    shares.transfer(alice, 1, {"from": bob})
    shares.freeze(carol, MAX_UINT256, REASON, {"from": officer})  # count back from zero
    shares.transfer(carol, 10, {"from": alice})
    with reverts("HolderFrozen", carol):
        shares.transfer(alice, 1, {"from": carol})


# ------------------------------------------------------------------------------------------- forced transfer


def test_forced_transfer_moves_frozen_shares(shares: Any, officer: Any, bob: Any, carol: Any) -> None:
    shares.freeze(bob, MAX_UINT256, REASON, {"from": officer})
    tx = shares.forcedTransfer(bob, carol, 400, REASON, {"from": officer})
    assert events_of(tx) == [
        ("Transfer", {"from": bob, "to": carol, "amount": 400}),
        ("ForcedTransfer", {"from": bob, "to": carol, "amount": 400, "reasonHash": REASON, "officer": officer}),
        ("ForcedTransfer", {"from": bob, "to": carol, "amount": 400}),  # ERC-7943's
    ]
    assert (shares.balanceOf(bob), shares.balanceOf(carol)) == (600, 400)
    assert shares.frozenOf(bob) == MAX_UINT256  # a full freeze stays full
    assert shares.totalSupply() == SUPPLY


def test_forced_transfer_needs_no_allowance_and_leaves_allowances(
    shares: Any, officer: Any, bob: Any, carol: Any
) -> None:
    shares.approve(carol, 50, {"from": bob})
    shares.forcedTransfer(bob, carol, 1_000, REASON, {"from": officer})
    assert shares.allowance(bob, carol) == 50
    assert shares.balanceOf(bob) == 0


def test_forced_transfer_beyond_balance_reverts(shares: Any, officer: Any, bob: Any, carol: Any) -> None:
    with reverts("InsufficientBalance"):
        shares.forcedTransfer(bob, carol, 1_001, REASON, {"from": officer})


def test_forced_transfer_shrinks_a_partial_freeze_to_what_is_left(
    shares: Any, officer: Any, alice: Any, bob: Any
) -> None:
    shares.freeze(bob, 800, REASON, {"from": officer})
    shares.forcedTransfer(bob, alice, 100, REASON, {"from": officer})  # 900 left: the freeze still fits
    assert shares.frozenOf(bob) == 800
    shares.forcedTransfer(bob, alice, 400, REASON, {"from": officer})  # 500 left
    assert (shares.balanceOf(bob), shares.frozenOf(bob)) == (500, 500)
    with reverts("ERC7943InsufficientUnfrozenBalance", bob, 1, 0):
        shares.transfer(alice, 1, {"from": bob})
    shares.transfer(bob, 50, {"from": alice})
    shares.transfer(alice, 50, {"from": bob})  # what arrives later is free


def test_forced_transfer_checks_only_the_recipient(
    rshares: Any, compliance: Any, officer: Any, alice: Any, bob: Any, carol: Any
) -> None:
    compliance.revokeIdentity(bob, REASON, {"from": officer})
    shares = rshares
    shares.forcedTransfer(bob, alice, 300, REASON, {"from": officer})  # sender ineligible: fine
    with reverts("NotEligible", carol):
        shares.forcedTransfer(bob, carol, 300, REASON, {"from": officer})
    compliance.setCountryBlocked(b"US", True, {"from": officer})
    with reverts("CountryBlocked", alice, b"US"):
        shares.forcedTransfer(bob, alice, 300, REASON, {"from": officer})
    assert (shares.balanceOf(bob), shares.balanceOf(alice)) == (700, SUPPLY - 700)


def test_restricted_forced_transfer_to_zero_address_is_refused(rshares: Any, officer: Any, bob: Any) -> None:
    """ICompliance/IShareToken: the recipient of a forced transfer must be eligible in restricted mode; the zero
    address is not (it would also strand the shares in totalSupply and block redemption for good)."""
    with reverts("InvalidRecipient", ZERO_ADDRESS):
        rshares.forcedTransfer(bob, ZERO_ADDRESS, 1, REASON, {"from": officer})


# ------------------------------------------------------------------------------------------- recovery


def test_recover_moves_everything(shares: Any, officer: Any, bob: Any, maker: Any) -> None:
    tx = shares.recover(bob, maker, REASON, {"from": officer})
    assert events_of(tx) == [
        ("Transfer", {"from": bob, "to": maker, "amount": 1_000}),
        (
            "WalletRecovered",
            {"lost": bob, "replacement": maker, "amount": 1_000, "reasonHash": REASON, "officer": officer},
        ),
        ("ForcedTransfer", {"from": bob, "to": maker, "amount": 1_000}),
    ]
    assert (shares.balanceOf(bob), shares.balanceOf(maker)) == (0, 1_000)
    assert shares.totalSupply() == SUPPLY
    assert (shares.frozenOf(bob), shares.frozenOf(maker)) == (0, 0)


@pytest.mark.parametrize(
    ("lost_frozen", "replacement_frozen", "expected"),
    [
        (300, 0, 300),
        (300, 200, 500),
        (MAX_UINT256, 0, MAX_UINT256),
        (300, MAX_UINT256, MAX_UINT256),
        (MAX_UINT256, 200, MAX_UINT256),
        (MAX_UINT256 - 10, 200, MAX_UINT256),  # saturates
        (0, 200, 200),
    ],
)
def test_recover_carries_the_freeze(
    shares: Any,
    officer: Any,
    alice: Any,
    bob: Any,
    maker: Any,
    lost_frozen: int,
    replacement_frozen: int,
    expected: int,
) -> None:
    shares.transfer(maker, 1_000, {"from": alice})
    if lost_frozen:
        shares.freeze(bob, lost_frozen, REASON, {"from": officer})
    if replacement_frozen:
        shares.freeze(maker, replacement_frozen, REASON, {"from": officer})
    shares.recover(bob, maker, REASON, {"from": officer})
    assert shares.balanceOf(maker) == 2_000
    assert shares.frozenOf(maker) == expected
    assert shares.frozenOf(bob) == 0
    assert shares.totalSupply() == SUPPLY


def test_recover_reports_the_moved_freeze(shares: Any, officer: Any, alice: Any, bob: Any, maker: Any) -> None:
    shares.transfer(maker, 10, {"from": alice})
    shares.freeze(bob, 300, REASON, {"from": officer})
    shares.freeze(maker, 5, REASON, {"from": officer})
    tx = shares.recover(bob, maker, LIFT, {"from": officer})
    assert events_of(tx) == [
        ("Frozen", {"account": bob, "amount": 0}),  # ERC-7943: unfrozen before the move
        ("Transfer", {"from": bob, "to": maker, "amount": 1_000}),
        ("SharesUnfrozen", {"holder": bob, "reasonHash": LIFT, "officer": officer}),
        ("SharesFrozen", {"holder": maker, "amount": 305, "reasonHash": LIFT, "officer": officer}),
        ("Frozen", {"account": maker, "amount": 305}),
        (
            "WalletRecovered",
            {"lost": bob, "replacement": maker, "amount": 1_000, "reasonHash": LIFT, "officer": officer},
        ),
        ("ForcedTransfer", {"from": bob, "to": maker, "amount": 1_000}),
    ]


def test_recovered_freeze_binds_the_replacement(shares: Any, officer: Any, alice: Any, bob: Any, maker: Any) -> None:
    shares.freeze(bob, 600, REASON, {"from": officer})
    shares.recover(bob, maker, REASON, {"from": officer})
    with reverts("ERC7943InsufficientUnfrozenBalance", maker, 401, 400):
        shares.transfer(alice, 401, {"from": maker})
    shares.transfer(alice, 400, {"from": maker})
    # The lost wallet is free again (and empty): shares sent there later are not frozen.
    shares.transfer(bob, 10, {"from": alice})
    shares.transfer(alice, 10, {"from": bob})


def test_recover_of_fully_frozen_wallet(shares: Any, officer: Any, alice: Any, bob: Any, maker: Any) -> None:
    shares.freeze(bob, MAX_UINT256, REASON, {"from": officer})
    shares.recover(bob, maker, REASON, {"from": officer})
    with reverts("HolderFrozen", maker):
        shares.transfer(alice, 1, {"from": maker})


def test_recover_empty_wallet_moves_only_the_freeze(shares: Any, officer: Any, carol: Any, maker: Any) -> None:
    shares.freeze(carol, 50, REASON, {"from": officer})
    tx = shares.recover(carol, maker, REASON, {"from": officer})
    assert tx.events["WalletRecovered"]["amount"] == 0
    assert (shares.frozenOf(carol), shares.frozenOf(maker)) == (0, 50)


def test_recover_replacement_must_be_eligible_when_restricted(
    rshares: Any, compliance: Any, officer: Any, bob: Any, carol: Any, maker: Any
) -> None:
    with reverts("NotEligible", carol):
        rshares.recover(bob, carol, REASON, {"from": officer})
    compliance.revokeIdentity(bob, REASON, {"from": officer})  # the lost wallet itself need not be eligible
    compliance.verifyInvestor(maker, b"DE", 2**39, EVIDENCE, {"from": officer})
    rshares.recover(bob, maker, REASON, {"from": officer})
    assert rshares.balanceOf(maker) == 1_000


# ------------------------------------------------------------------------------------------- burn


def test_burn_from_is_vault_only(shares: Any, alice: Any, officer: Any, stranger: Any) -> None:
    for caller in (stranger, alice, officer):
        with reverts("OnlyVault", caller):
            shares.burnFrom(alice, 1, {"from": caller})
    assert shares.totalSupply() == SUPPLY
