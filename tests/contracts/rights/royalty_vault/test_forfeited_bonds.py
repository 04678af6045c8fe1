"""Forfeited dispute bonds reach whoever owns the right economically: the dispute manager hands a dismissed
dispute's bond to the royalty vault (``creditRight``), which credits the owner's royalty account or, for a
fractionalized right, the share token, whose holders claim it pro rata like a royalty.

The deployment is this folder's (registry, licence registry, royalty vault, fraction vault) plus a dispute
manager with a BOND ``usd`` bond, forfeited on dismissal, listed as the royalty vault's creditor by ``admin`` (the
royalty vault's deployer) and pointed at it by ``admin`` (the manager's admin). ``stranger`` raises the disputes;
``officer`` also arbitrates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from eth_utils import keccak
from registry_helpers import ZERO_ADDRESS, address_of, events_of
from royalty_helpers import MAX_ROYALTY_CURRENCIES, USD
from share_helpers import reverts

BOND = 500 * USD
EVIDENCE = keccak(text="prior art 2026-04")
RULING = keccak(text="arbitral award 2026/44")
DISMISSED = 2
NONE = 0
REGISTRAR_ROLE = keccak(text="REGISTRAR_ROLE")
DISPUTE_ROLE = keccak(text="DISPUTE_ROLE")
ARBITRATOR_ROLE = keccak(text="ARBITRATOR_ROLE")


def ref(dispute_id: int) -> bytes:
    return dispute_id.to_bytes(32, "big")


@pytest.fixture(scope="module")
def disputes(
    DisputeManager: Any,  # noqa: N803
    registry: Any,
    royalty_vault: Any,
    vault: Any,
    usd: Any,
    admin: Any,
    officer: Any,
    stranger: Any,
) -> Any:
    """The dispute manager as a deployment sets it up, forfeiting through ``royalty_vault``."""
    contract = DisputeManager.deploy(registry, admin, usd, BOND, {"from": admin})
    registry.grantRole(REGISTRAR_ROLE, contract, {"from": admin})
    registry.grantRole(DISPUTE_ROLE, contract, {"from": admin})
    contract.grantRole(ARBITRATOR_ROLE, officer, {"from": admin})
    royalty_vault.setCreditor(contract, True, {"from": admin})
    contract.setRoyaltyVault(royalty_vault, {"from": admin})
    usd.mint(stranger, 100 * BOND, {"from": stranger})
    usd.approve(contract, 100 * BOND, {"from": stranger})
    return contract


@pytest.fixture
def split(
    new_right: Callable[[Any], int], fractionalize: Callable[..., Any], alice: Any, bob: Any, carol: Any
) -> tuple[int, Any]:
    """A right fractionalized by ``alice`` into 1,000 shares: ``alice`` 600, ``bob`` 300, ``carol`` 100."""
    right = new_right(alice)
    shares = fractionalize(alice, right, supply=1_000)
    shares.transfer(bob, 300, {"from": alice})
    shares.transfer(carol, 100, {"from": alice})
    return right, shares


def dismiss(disputes: Any, right: int, claimant: Any, arbitrator: Any) -> tuple[int, Any]:
    """Raises a dispute about ``right`` and dismisses it; the dispute id and the resolution."""
    dispute_id = int(disputes.raiseDispute(right, EVIDENCE, {"from": claimant}).return_value)
    return dispute_id, disputes.resolve(dispute_id, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})


def test_forfeited_bond_of_a_fractionalized_right_goes_to_its_holders(
    disputes: Any,
    royalty_vault: Any,
    vault: Any,
    split: tuple[int, Any],
    usd: Any,
    officer: Any,
    stranger: Any,
    alice: Any,
    bob: Any,
    carol: Any,
) -> None:
    right, shares = split
    dispute_id, tx = dismiss(disputes, right, stranger, officer)
    assert events_of(tx) == [
        ("Approval", {"owner": disputes, "spender": royalty_vault, "value": BOND}),
        (
            "RightCredited",
            {
                "tokenId": right,
                "payer": disputes,
                "token": usd,
                "amount": BOND,
                "beneficiary": shares,
                "ref": ref(dispute_id),
            },
        ),
        ("Transfer", {"from": disputes, "to": shares, "value": BOND}),
        ("RoyaltyDistributed", {"currency": usd, "amount": BOND, "cumulative": BOND}),
        (
            "DisputeResolved",
            {
                "disputeId": dispute_id,
                "tokenId": right,
                "arbitrator": officer,
                "outcome": DISMISSED,
                "remedy": NONE,
                "rulingHash": RULING,
                "bondRecipient": shares,
            },
        ),
    ]
    assert [address_of(log.address) for log in tx.events if log.name != "HistoryLinked"] == [
        address_of(usd),
        address_of(royalty_vault),
        address_of(usd),
        address_of(shares),
        address_of(disputes),
    ]
    assert (usd.balanceOf(vault), usd.balanceOf(royalty_vault), usd.balanceOf(disputes)) == (0, 0, 0)
    assert usd.allowance(disputes, royalty_vault) == 0
    owed = {holder: BOND * held // 1_000 for holder, held in ((alice, 600), (bob, 300), (carol, 100))}
    assert {holder: shares.royaltyOwed(holder, usd) for holder in owed} == owed
    for holder, amount in owed.items():
        before = usd.balanceOf(holder)
        assert shares.claimRoyalty(usd, {"from": holder}).return_value == amount
        assert usd.balanceOf(holder) == before + amount
    assert usd.balanceOf(shares) == 0


def test_holders_at_the_resolution_share_the_bond(
    disputes: Any, split: tuple[int, Any], usd: Any, officer: Any, stranger: Any, alice: Any, bob: Any, carol: Any
) -> None:
    """Like a royalty, the bond accrues to the holders when it arrives: shares sold while the dispute was open
    carry no part of it."""
    right, shares = split
    dispute_id = int(disputes.raiseDispute(right, EVIDENCE, {"from": stranger}).return_value)
    shares.transfer(carol, 300, {"from": bob})
    disputes.resolve(dispute_id, False, NONE, ZERO_ADDRESS, RULING, {"from": officer})
    assert [shares.royaltyOwed(holder, usd) for holder in (alice, bob, carol)] == [300 * USD, 0, 200 * USD]


def test_bond_and_royalties_add_up_for_the_holders(
    disputes: Any,
    grant: Callable[..., int],
    pay: Callable[..., Any],
    new_right: Callable[[Any], int],
    fractionalize: Callable[..., Any],
    usd: Any,
    officer: Any,
    stranger: Any,
    alice: Any,
    bob: Any,
) -> None:
    right = new_right(alice)
    license_id = grant(alice, right)
    shares = fractionalize(alice, right, supply=3)
    shares.transfer(bob, 1, {"from": alice})
    pay(license_id, 100)
    dismiss(disputes, right, stranger, officer)
    # One division over everything paid: (100 + BOND) * 2 / 3 and (100 + BOND) / 3, floored.
    assert [shares.royaltyOwed(holder, usd) for holder in (alice, bob)] == [
        (100 + BOND) * 2 // 3,
        (100 + BOND) // 3,
    ]


def test_forfeited_bond_of_a_plain_right_goes_to_the_owners_royalty_account(
    disputes: Any, royalty_vault: Any, new_right: Callable[[Any], int], usd: Any, officer: Any, stranger: Any, bob: Any
) -> None:
    right = new_right(bob)
    _, tx = dismiss(disputes, right, stranger, officer)
    assert tx.events["RightCredited"]["beneficiary"] == bob
    assert tx.events["DisputeResolved"]["bondRecipient"] == bob
    assert royalty_vault.owed(bob, usd) == BOND
    assert royalty_vault.withdraw(usd, {"from": bob}).return_value == BOND
    assert usd.balanceOf(bob) == BOND


def test_bond_a_share_token_cannot_take_returns_to_the_claimant(
    disputes: Any,
    royalty_vault: Any,
    grant: Callable[..., int],
    pay: Callable[..., Any],
    new_right: Callable[[Any], int],
    fractionalize: Callable[..., Any],
    TestStablecoin: Any,  # noqa: N803
    usd: Any,
    admin: Any,
    officer: Any,
    stranger: Any,
    alice: Any,
) -> None:
    """The share token already takes royalties in four other currencies: it refuses the bond's as a fifth
    (TooManyRoyaltyCurrencies). The dispute must still resolve, so the bond goes back to the claimant, as when the
    right is gone; nothing is left approved."""
    right = new_right(alice)
    currencies = [TestStablecoin.deploy({"from": admin}) for _ in range(MAX_ROYALTY_CURRENCIES)]
    licences = [grant(alice, right, payment_token=currency) for currency in currencies]
    shares = fractionalize(alice, right, supply=10)
    for currency, license_id in zip(currencies, licences, strict=True):
        pay(license_id, 10, token=currency)
    balance = usd.balanceOf(stranger)
    dispute_id, tx = dismiss(disputes, right, stranger, officer)
    assert [name for name, _ in events_of(tx)] == ["Approval", "Approval", "Transfer", "DisputeResolved"]
    assert events_of(tx)[1] == ("Approval", {"owner": disputes, "spender": royalty_vault, "value": 0})
    assert events_of(tx)[2] == ("Transfer", {"from": disputes, "to": stranger, "value": BOND})
    assert tx.events["DisputeResolved"]["bondRecipient"] == stranger
    assert usd.balanceOf(stranger) == balance
    assert usd.allowance(disputes, royalty_vault) == 0
    assert shares.royaltyCurrencies() == currencies
    assert disputes.disputeOf(dispute_id)["outcome"] == DISMISSED


def test_without_a_royalty_vault_the_bond_is_pushed_to_the_fraction_vault(
    disputes: Any, vault: Any, split: tuple[int, Any], usd: Any, admin: Any, officer: Any, stranger: Any
) -> None:
    """The behaviour the royalty vault fixes, kept when no vault is set: the owner is the fraction vault, which
    has no way to move the bond on."""
    right, shares = split
    disputes.setRoyaltyVault(ZERO_ADDRESS, {"from": admin})
    _, tx = dismiss(disputes, right, stranger, officer)
    assert tx.events["DisputeResolved"]["bondRecipient"] == vault
    assert usd.balanceOf(vault) == BOND
    assert shares.royaltyCurrencies() == []


def test_creditor_list_guards_the_share_tokens(
    royalty_vault: Any, split: tuple[int, Any], usd: Any, stranger: Any
) -> None:
    """Nobody but a creditor credits a right: ``stranger`` cannot push a currency into the share token."""
    right, shares = split
    usd.approve(royalty_vault, 1, {"from": stranger})
    with reverts("NotCreditor", stranger):
        royalty_vault.creditRight(right, usd, 1, EVIDENCE, {"from": stranger})
    assert shares.royaltyCurrencies() == []
