"""ShareToken restricted mode: every transfer between holders needs both parties eligible (verified investor or
venue wallet); the failing party is named in the error. Switching the mode is a compliance officer's call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from registry_helpers import ZERO_ADDRESS, events_of, mine_at, now
from share_helpers import EVIDENCE, REASON, SUPPLY, reverts


@pytest.fixture
def shares(restricted_shares: Any) -> Any:
    """``alice`` (US) holds SUPPLY; ``alice``, ``bob`` (DE), ``venue`` and ``venue2`` are eligible; ``carol`` is
    unknown."""
    return restricted_shares


def balances(shares: Any, *holders: Any) -> list[int]:
    return [shares.balanceOf(h) for h in holders]


def test_restricted_token_reports_mode_and_registry(shares: Any, compliance: Any) -> None:
    assert shares.restricted()
    assert shares.compliance() == compliance


def test_investor_to_investor(shares: Any, alice: Any, bob: Any) -> None:
    tx = shares.transfer(bob, 100, {"from": alice})
    assert events_of(tx) == [("Transfer", {"from": alice, "to": bob, "amount": 100})]
    shares.transfer(alice, 40, {"from": bob})
    assert balances(shares, alice, bob) == [SUPPLY - 60, 60]


def test_transfer_to_unknown_reverts(shares: Any, alice: Any, carol: Any) -> None:
    with reverts("NotEligible", carol):
        shares.transfer(carol, 1, {"from": alice})
    assert balances(shares, alice, carol) == [SUPPLY, 0]


def test_transfer_from_revoked_sender_reverts(shares: Any, compliance: Any, officer: Any, alice: Any, bob: Any) -> None:
    shares.transfer(bob, 100, {"from": alice})
    compliance.revokeIdentity(bob, REASON, {"from": officer})
    with reverts("NotEligible", bob):
        shares.transfer(alice, 1, {"from": bob})
    assert balances(shares, alice, bob) == [SUPPLY - 100, 100]


def test_sender_is_named_before_recipient(
    shares: Any, compliance: Any, officer: Any, alice: Any, bob: Any, carol: Any
) -> None:
    shares.transfer(bob, 100, {"from": alice})
    compliance.revokeIdentity(bob, REASON, {"from": officer})
    with reverts("NotEligible", bob):
        shares.transfer(carol, 1, {"from": bob})


def test_transfer_to_expired_investor_reverts(
    shares: Any, compliance: Any, officer: Any, alice: Any, carol: Any
) -> None:
    expires_at = now() + 600
    compliance.verifyInvestor(carol, b"GB", expires_at, EVIDENCE, {"from": officer})
    shares.transfer(carol, 5, {"from": alice})
    mine_at(expires_at)
    with reverts("VerificationExpired", carol, expires_at):
        shares.transfer(carol, 5, {"from": alice})
    with reverts("VerificationExpired", carol, expires_at):
        shares.transfer(alice, 5, {"from": carol})
    assert balances(shares, alice, carol) == [SUPPLY - 5, 5]


def test_transfer_involving_blocked_country_reverts(
    shares: Any, compliance: Any, officer: Any, alice: Any, bob: Any
) -> None:
    shares.transfer(bob, 100, {"from": alice})
    compliance.setCountryBlocked(b"DE", True, {"from": officer})
    with reverts("CountryBlocked", bob, b"DE"):
        shares.transfer(bob, 1, {"from": alice})
    with reverts("CountryBlocked", bob, b"DE"):
        shares.transfer(alice, 1, {"from": bob})
    compliance.setCountryBlocked(b"DE", False, {"from": officer})
    shares.transfer(alice, 1, {"from": bob})


def test_venue_deposit_and_withdrawal(shares: Any, alice: Any, bob: Any, venue: Any) -> None:
    shares.transfer(venue, 500, {"from": alice})  # deposit: investor -> venue
    tx = shares.transfer(bob, 200, {"from": venue})  # withdrawal: venue -> investor
    assert events_of(tx) == [("Transfer", {"from": venue, "to": bob, "amount": 200})]
    assert balances(shares, alice, venue, bob) == [SUPPLY - 500, 300, 200]


def test_venue_to_venue(shares: Any, alice: Any, venue: Any, venue2: Any) -> None:
    shares.transfer(venue, 500, {"from": alice})
    shares.transfer(venue2, 300, {"from": venue})
    shares.transfer(venue, 100, {"from": venue2})
    assert balances(shares, venue, venue2) == [300, 200]


def test_venue_withdrawal_to_unverified_reverts(shares: Any, alice: Any, venue: Any, carol: Any) -> None:
    shares.transfer(venue, 500, {"from": alice})
    with reverts("NotEligible", carol):
        shares.transfer(carol, 1, {"from": venue})


def test_revoked_venue_cannot_withdraw(
    shares: Any, compliance: Any, officer: Any, alice: Any, bob: Any, venue: Any
) -> None:
    shares.transfer(venue, 500, {"from": alice})
    compliance.revokeIdentity(venue, REASON, {"from": officer})
    with reverts("NotEligible", venue):
        shares.transfer(bob, 1, {"from": venue})


def test_transfer_from_checks_holders_not_the_spender(shares: Any, alice: Any, bob: Any, carol: Any) -> None:
    """An unverified spender (an exchange's settlement contract, say) may move shares between eligible holders."""
    shares.approve(carol, 100, {"from": alice})
    shares.transferFrom(alice, bob, 60, {"from": carol})
    assert shares.balanceOf(bob) == 60


def test_transfer_from_to_unknown_reverts_and_keeps_allowance(shares: Any, alice: Any, bob: Any, carol: Any) -> None:
    shares.approve(bob, 100, {"from": alice})
    with reverts("NotEligible", carol):
        shares.transferFrom(alice, carol, 60, {"from": bob})
    assert shares.allowance(alice, bob) == 100


def test_restricted_transfer_to_zero_address_is_refused(shares: Any, alice: Any) -> None:
    """Only the vault burns: shares sent to the zero address would stay in totalSupply and make redemption
    (100% of supply) impossible for everyone, so ShareToken refuses the zero address as a recipient."""
    with reverts("InvalidRecipient", ZERO_ADDRESS):
        shares.transfer(ZERO_ADDRESS, 1, {"from": alice})
    assert shares.balanceOf(alice) == SUPPLY


# ------------------------------------------------------------------------------------------- the mode switch


def test_set_restricted_by_stranger_reverts(shares: Any, stranger: Any, alice: Any) -> None:
    for caller in (stranger, alice):
        with reverts("NotComplianceOfficer", caller):
            shares.setRestricted(False, {"from": caller})
    assert shares.restricted()


def test_set_restricted_by_revoked_officer_reverts(shares: Any, compliance: Any, admin: Any, officer: Any) -> None:
    """The token asks the compliance registry each time: a revoked officer loses the power at once."""
    compliance.revokeRole(compliance.COMPLIANCE_OFFICER_ROLE(), officer, {"from": admin})
    with reverts("NotComplianceOfficer", officer):
        shares.setRestricted(False, {"from": officer})


def test_lifting_restrictions_makes_a_plain_erc20(
    shares: Any, officer: Any, alice: Any, carol: Any, stranger: Any
) -> None:
    tx = shares.setRestricted(False, {"from": officer})
    assert events_of(tx) == [("RestrictedModeSet", {"restricted": False, "officer": officer})]
    assert not shares.restricted()
    shares.transfer(carol, 10, {"from": alice})
    shares.transfer(stranger, 4, {"from": carol})
    assert balances(shares, alice, carol, stranger) == [SUPPLY - 10, 6, 4]


def test_restricting_again_applies_at_once(shares: Any, officer: Any, admin: Any, alice: Any, carol: Any) -> None:
    shares.setRestricted(False, {"from": officer})
    shares.transfer(carol, 10, {"from": alice})
    tx = shares.setRestricted(True, {"from": admin})
    assert events_of(tx) == [("RestrictedModeSet", {"restricted": True, "officer": admin})]
    with reverts("NotEligible", carol):
        shares.transfer(alice, 1, {"from": carol})


def test_unrestricted_token_ignores_compliance(
    open_shares: Any, compliance: Any, officer: Any, alice: Any, carol: Any, stranger: Any
) -> None:
    compliance.setCountryBlocked(b"US", True, {"from": officer})  # alice's country, if she were verified
    assert not open_shares.restricted()
    open_shares.transfer(carol, 10, {"from": alice})
    open_shares.transfer(stranger, 10, {"from": carol})
    assert open_shares.balanceOf(stranger) == 10


def test_restricting_an_open_token(
    open_shares: Any, investors: int, officer: Any, alice: Any, bob: Any, carol: Any
) -> None:
    open_shares.setRestricted(True, {"from": officer})
    with reverts("NotEligible", carol):
        open_shares.transfer(carol, 1, {"from": alice})
    open_shares.transfer(bob, 1, {"from": alice})


def test_mint_to_an_unverified_issuer_then_stuck(
    fractionalize: Callable[..., Any], new_right: Callable[[Any], int], carol: Any, bob: Any
) -> None:
    """Minting skips compliance: an unverified issuer gets the shares but cannot move them in restricted mode."""
    shares = fractionalize(carol, new_right(carol), restricted=True).shares
    assert shares.balanceOf(carol) == SUPPLY
    with reverts("NotEligible", carol):
        shares.transfer(bob, 1, {"from": carol})
