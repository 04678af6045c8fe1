"""Restricted shares: who may hold them, venue wallets, blocked countries, freezes, forced transfers, recovery."""

from __future__ import annotations

import datetime as dt

import pytest
from ipledger import (
    ComplianceError,
    FrozenSharesError,
    IdentityKind,
    InvalidInputError,
    Ledger,
    UnauthorizedError,
    hash_text,
)
from share_support import ONE, advance_time, total_of


def test_transfer_to_an_unverified_account_is_refused_with_not_eligible(ledger: Ledger, fractionalized: int) -> None:
    with pytest.raises(ComplianceError) as caught:
        ledger.use("dev1").shares.transfer(fractionalized, "dev6", ONE)
    assert caught.value.error_name == "NotEligible"
    assert caught.value.account == ledger.address_of("dev6")
    assert ledger.shares.balance(fractionalized, "dev6") == 0


def test_verified_investors_trade_and_the_identity_says_why(ledger: Ledger, fractionalized: int) -> None:
    ledger.use("dev1").shares.transfer(fractionalized, "dev2", 10 * ONE)
    assert ledger.shares.balance(fractionalized, "dev2") == 10 * ONE
    investor = ledger.compliance.identity("dev2")
    assert investor.kind is IdentityKind.INVESTOR and investor.country == "DE" and investor.eligible
    stranger = ledger.compliance.identity("dev6")
    assert stranger.kind is IdentityKind.NONE and not stranger.eligible
    assert stranger.reason == "not a verified investor nor a venue wallet"


@pytest.mark.anvil
def test_an_expired_investor_can_neither_receive_nor_send(ledger: Ledger, fractionalized: int) -> None:
    owner = ledger.use("dev1")
    verified = ledger.compliance.verify_investor("dev7", "JP", evidence="KYC dev7", valid_for=dt.timedelta(hours=1))
    (event,) = ledger.contracts.compliance.events.InvestorVerified().get_logs(
        from_block=verified.block, to_block=verified.block
    )
    assert event["args"]["account"] == ledger.address_of("dev7") and event["args"]["country"] == b"JP"
    assert event["args"]["evidenceHash"] == hash_text("KYC dev7")
    owner.shares.transfer(fractionalized, "dev7", 5 * ONE)
    advance_time(ledger, 2 * 3600)
    identity = ledger.compliance.identity("dev7")
    assert not identity.eligible and identity.reason is not None and identity.reason.startswith("verification expired")
    with pytest.raises(ComplianceError) as receiving:
        owner.shares.transfer(fractionalized, "dev7", ONE)
    assert receiving.value.error_name == "VerificationExpired"
    assert receiving.value.account == ledger.address_of("dev7")
    assert identity.expires_at is not None
    assert receiving.value.error_args["expiresAt"] == int(identity.expires_at.timestamp())
    with pytest.raises(ComplianceError, match="VerificationExpired"):
        ledger.use("dev7").shares.transfer(fractionalized, "dev1", ONE)
    ledger.compliance.verify_investor("dev7", "JP", evidence="KYC dev7 renewed")
    ledger.use("dev7").shares.transfer(fractionalized, "dev1", 5 * ONE)
    assert ledger.shares.balance(fractionalized, "dev7") == 0


def test_a_blocked_country_is_refused_until_unblocked(ledger: Ledger, fractionalized: int) -> None:
    ledger.compliance.block_country("FR")
    try:
        assert ledger.compliance.is_country_blocked("FR")
        with pytest.raises(ComplianceError) as caught:
            ledger.use("dev1").shares.transfer(fractionalized, "dev3", ONE)
        assert caught.value.error_name == "CountryBlocked"
        assert caught.value.error_args["country"] == b"FR"
        assert "CountryBlocked(account=" in str(caught.value) and "country=FR" in str(caught.value)
        assert ledger.compliance.identity("dev3").reason == "country FR is blocked"
    finally:
        ledger.compliance.block_country("FR", blocked=False)
    ledger.use("dev1").shares.transfer(fractionalized, "dev3", ONE)
    assert ledger.shares.balance(fractionalized, "dev3") == ONE


def test_venue_wallet_deposits_and_withdrawals(ledger: Ledger, fractionalized: int) -> None:
    assert ledger.compliance.identity("dev5").kind is IdentityKind.VENUE
    ledger.use("dev1").shares.transfer(fractionalized, "dev5", 300 * ONE)
    venue = ledger.use("dev5")
    venue.shares.transfer(fractionalized, "dev2", 120 * ONE)  # a withdrawal to a verified customer
    with pytest.raises(ComplianceError, match="NotEligible"):
        venue.shares.transfer(fractionalized, "dev6", ONE)  # not to an unverified one
    assert ledger.shares.balance(fractionalized, "dev5") == 180 * ONE
    assert ledger.shares.balance(fractionalized, "dev2") == 120 * ONE


def test_a_revoked_identity_loses_eligibility(ledger: Ledger, fractionalized: int) -> None:
    ledger.compliance.verify_investor("dev8", "CH", evidence="KYC dev8")
    ledger.compliance.revoke_identity("dev8", reason="account closed")
    assert ledger.compliance.identity("dev8").kind is IdentityKind.NONE
    with pytest.raises(ComplianceError, match="NotEligible"):
        ledger.use("dev1").shares.transfer(fractionalized, "dev8", ONE)


def test_unrestricted_shares_go_to_anyone(ledger: Ledger, fractionalized: int) -> None:
    ledger.compliance.set_restricted(fractionalized, False)
    ledger.use("dev1").shares.transfer(fractionalized, "dev6", ONE)
    assert ledger.shares.info(fractionalized).restricted is False
    ledger.compliance.set_restricted(fractionalized, True)
    with pytest.raises(ComplianceError):
        ledger.use("dev6").shares.transfer(fractionalized, "dev1", ONE)


def test_a_full_freeze_stops_every_share(ledger: Ledger, fractionalized: int) -> None:
    holder = ledger.use("dev1")
    ledger.compliance.freeze(fractionalized, "dev1", reason="Court order 2026/9")
    assert ledger.compliance.frozen(fractionalized, "dev1") == 2**256 - 1
    with pytest.raises(FrozenSharesError) as caught:
        holder.shares.transfer(fractionalized, "dev2", ONE)
    assert caught.value.error_name == "HolderFrozen"
    assert caught.value.error_args == {"holder": ledger.address_of("dev1")}
    ledger.compliance.unfreeze(fractionalized, "dev1", reason="Order lifted")
    holder.shares.transfer(fractionalized, "dev2", ONE)


def test_a_partial_freeze_keeps_only_the_frozen_amount_in_place(ledger: Ledger, fractionalized: int) -> None:
    holder = ledger.use("dev1")
    ledger.compliance.freeze(fractionalized, "dev1", 900 * ONE, reason="Pledge 77")
    holder.shares.transfer(fractionalized, "dev2", 100 * ONE)
    with pytest.raises(FrozenSharesError) as caught:
        holder.shares.transfer(fractionalized, "dev2", ONE)
    assert caught.value.error_name == "ERC7943InsufficientUnfrozenBalance"
    assert caught.value.error_args == {"account": ledger.address_of("dev1"), "amount": ONE, "unfrozen": 0}
    cap = ledger.shares.cap_table(fractionalized)
    assert {holding.account: holding.frozen for holding in cap.holders}[ledger.address_of("dev1")] == 900 * ONE


def test_forced_transfer_and_recovery_keep_the_total_supply(ledger: Ledger, fractionalized: int) -> None:
    supply = total_of(ledger, fractionalized)
    ledger.compliance.freeze(fractionalized, "dev1", 400 * ONE, reason="Seizure 5")
    ledger.compliance.force_transfer(fractionalized, "dev1", "dev2", 700 * ONE, reason="Judgment 5")
    assert ledger.shares.balance(fractionalized, "dev2") == 700 * ONE
    assert ledger.compliance.frozen(fractionalized, "dev1") == 300 * ONE  # the freeze shrank to what is left
    ledger.compliance.verify_investor("dev9", "US", evidence="KYC dev9: dev2's new wallet")
    ledger.compliance.recover(fractionalized, "dev1", "dev9", reason="Lost key, ticket 12")
    assert ledger.shares.balance(fractionalized, "dev1") == 0
    assert ledger.shares.balance(fractionalized, "dev9") == 300 * ONE
    assert ledger.compliance.frozen(fractionalized, "dev9") == 300 * ONE  # the freeze followed the shares
    assert ledger.compliance.frozen(fractionalized, "dev1") == 0
    assert total_of(ledger, fractionalized) == supply
    cap = ledger.shares.cap_table(fractionalized)
    assert sum(holding.balance for holding in cap.holders) == cap.total_supply == supply


def test_forced_transfer_to_an_ineligible_account_is_refused(ledger: Ledger, fractionalized: int) -> None:
    with pytest.raises(ComplianceError, match="NotEligible"):
        ledger.compliance.force_transfer(fractionalized, "dev1", "dev6", ONE, reason="order")


def test_only_compliance_officers_act(ledger: Ledger, fractionalized: int) -> None:
    outsider = ledger.use("dev8")
    with pytest.raises(UnauthorizedError) as caught:
        outsider.compliance.freeze(fractionalized, "dev1", reason="no authority")
    assert caught.value.error_name == "NotComplianceOfficer"
    with pytest.raises(UnauthorizedError, match="AccessControlUnauthorizedAccount"):
        outsider.compliance.verify_investor("dev8", "US", evidence="self-service")
    ledger.contracts.grant_role("compliance_officer", "dev8")
    assert ledger.compliance.is_officer("dev8") and ledger.contracts.has_role("compliance_officer", "dev8")
    outsider.compliance.freeze(fractionalized, "dev1", ONE, reason="now an officer")
    assert ledger.compliance.frozen(fractionalized, "dev1") == ONE


@pytest.mark.parametrize("country", ["XX", "usa", "1A", ""])
def test_a_bad_country_is_invalid_input(ledger: Ledger, country: str) -> None:
    with pytest.raises(InvalidInputError):
        ledger.compliance.verify_investor("dev4", country, evidence="x")


def test_an_expiry_in_the_past_is_invalid_input(ledger: Ledger) -> None:
    with pytest.raises(InvalidInputError, match="future"):
        ledger.compliance.verify_investor("dev4", "US", evidence="x", expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
