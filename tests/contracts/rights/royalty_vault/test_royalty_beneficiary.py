"""Royalties of contract holders (a pool, a venue's wallet): the holder or an officer names a beneficiary, anyone
then pushes what the holder is owed to it, so nothing is stranded at an address that cannot call ``claimRoyalty``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from registry_helpers import ZERO_ADDRESS, events_of
from share_helpers import reverts


@pytest.fixture
def pooled(
    new_right: Callable[[Any], int],
    grant: Callable[..., int],
    fractionalize: Callable[..., Any],
    alice: Any,
    admin: Any,
    TestStablecoin: Any,  # noqa: N803
) -> tuple[Any, int, Any]:
    """A licensed right fractionalized by ``alice`` (supply 1,000), 400 shares held by a contract that has no way to
    call ``claimRoyalty`` (a test token stands in for a pool); (shares, licence id, the contract)."""
    right = new_right(alice)
    license_id = grant(alice, right)
    shares = fractionalize(alice, right, supply=1_000)
    pool = TestStablecoin.deploy({"from": admin})
    shares.transfer(pool, 400, {"from": alice})
    return shares, license_id, pool


def test_a_contract_holder_royalties_reach_its_named_beneficiary(
    pooled: tuple[Any, int, Any], pay: Callable[..., Any], usd: Any, officer: Any, stranger: Any, carol: Any
) -> None:
    shares, license_id, pool = pooled
    pay(license_id, 10_000)
    assert shares.royaltyOwed(pool, usd) == 4_000
    with reverts("NoRoyaltyBeneficiary", pool):
        shares.claimRoyaltyFor(pool, usd, {"from": stranger})
    tx = shares.setRoyaltyBeneficiary(pool, carol, {"from": officer})
    assert events_of(tx) == [
        ("RoyaltyBeneficiarySet", {"holder": pool.address, "beneficiary": carol.address, "by": officer.address})
    ]
    assert shares.royaltyBeneficiary(pool) == carol
    before = usd.balanceOf(carol)
    tx = shares.claimRoyaltyFor(pool, usd, {"from": stranger})  # anyone may push it
    assert tx.return_value == 4_000
    assert usd.balanceOf(carol) - before == 4_000
    assert usd.balanceOf(pool) == 0
    assert shares.royaltyOwed(pool, usd) == 0
    assert shares.royaltyClaimed(pool, usd) == 4_000
    with reverts("NoRoyaltyOwed", pool, usd):
        shares.claimRoyaltyFor(pool, usd, {"from": stranger})


def test_what_accrued_before_the_beneficiary_was_named_is_not_lost(
    pooled: tuple[Any, int, Any], pay: Callable[..., Any], usd: Any, officer: Any, carol: Any, alice: Any
) -> None:
    shares, license_id, pool = pooled
    pay(license_id, 1_000)
    pay(license_id, 2_000)
    shares.setRoyaltyBeneficiary(pool, carol, {"from": officer})
    before = usd.balanceOf(carol)
    shares.claimRoyaltyFor(pool, usd, {"from": alice})
    assert usd.balanceOf(carol) - before == 1_200


def test_a_holder_names_its_own_beneficiary_and_its_claims_go_there(
    pooled: tuple[Any, int, Any], pay: Callable[..., Any], usd: Any, alice: Any, carol: Any
) -> None:
    shares, license_id, _ = pooled
    pay(license_id, 10_000)
    shares.setRoyaltyBeneficiary(alice, carol, {"from": alice})
    before_alice, before_carol = usd.balanceOf(alice), usd.balanceOf(carol)
    shares.claimRoyalty(usd, {"from": alice})
    assert usd.balanceOf(carol) - before_carol == 6_000
    assert usd.balanceOf(alice) == before_alice
    shares.setRoyaltyBeneficiary(alice, ZERO_ADDRESS, {"from": alice})
    assert shares.royaltyBeneficiary(alice) == ZERO_ADDRESS


def test_only_the_holder_or_an_officer_names_a_beneficiary(
    pooled: tuple[Any, int, Any], alice: Any, stranger: Any, registrar: Any
) -> None:
    shares, _, pool = pooled
    for caller in (stranger, alice, registrar):
        with reverts("NotHolderOrOfficer", caller, pool):
            shares.setRoyaltyBeneficiary(pool, caller, {"from": caller})
    assert shares.royaltyBeneficiary(pool) == ZERO_ADDRESS


def test_an_officer_never_redirects_an_investors_royalties(
    pooled: tuple[Any, int, Any], officer: Any, alice: Any, bob: Any, carol: Any, compliance: Any
) -> None:
    shares, _, _ = pooled
    for holder in (alice, carol):  # a holder of the token, and an account unknown to the registry
        with reverts("BeneficiaryOfInvestor", holder):
            shares.setRoyaltyBeneficiary(holder, officer, {"from": officer})
    compliance.registerVenue(bob, b"\x01" * 32, {"from": officer})  # a venue's hot wallet: allowed
    shares.setRoyaltyBeneficiary(bob, carol, {"from": officer})
    assert shares.royaltyBeneficiary(bob) == carol
