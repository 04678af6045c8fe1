"""ComplianceRegistry: roles, identity records, eligibility checks, the blocked-country map and its summary."""

from __future__ import annotations

from typing import Any

import pytest
from registry_helpers import ZERO_ADDRESS, ZERO_BYTES32, events_of, mine_at, now
from share_helpers import (
    COMPLIANCE_OFFICER_ROLE,
    EVIDENCE,
    INVESTOR,
    NONE,
    REASON,
    VENUE,
    VENUE_HASH,
    country_index,
    country_of,
    reverts,
)

# Countries whose bit indices differ by 256 share one bit of the summary word (and sit in different words).
US, KW = b"US", b"KW"
assert country_index(US) - country_index(KW) == 256
DE, NA, WW = b"DE", b"NA", b"WW"  # 82, 338, 594: one summary bit, three different words
assert country_index(NA) - country_index(DE) == 256 and country_index(WW) - country_index(NA) == 256


@pytest.fixture
def expires_at() -> int:
    return now() + 3600


def identity(compliance: Any, account: Any) -> tuple[int, bytes, int]:
    kind, country, expires, _, _ = compliance.identityOf(account)
    return kind, bytes(country), expires


# ------------------------------------------------------------------------------------------- roles


def test_deployer_holds_admin_and_officer_roles(compliance: Any, admin: Any, officer: Any, stranger: Any) -> None:
    assert compliance.hasRole(ZERO_BYTES32, admin)
    assert compliance.isOfficer(admin)
    assert compliance.isOfficer(officer)
    assert not compliance.hasRole(ZERO_BYTES32, officer)
    assert not compliance.isOfficer(stranger)
    assert compliance.COMPLIANCE_OFFICER_ROLE() == "0x" + COMPLIANCE_OFFICER_ROLE.hex()


@pytest.mark.parametrize(
    ("function", "args"),
    [
        ("verifyInvestor", ("{target}", b"US", "{expiry}", EVIDENCE)),
        ("registerVenue", ("{target}", VENUE_HASH)),
        ("revokeIdentity", ("{target}", REASON)),
        ("setCountryBlocked", (b"US", True)),
    ],
)
def test_officer_functions_refuse_a_stranger(
    compliance: Any, stranger: Any, bob: Any, expires_at: int, function: str, args: tuple[Any, ...]
) -> None:
    filled = [bob if a == "{target}" else expires_at if a == "{expiry}" else a for a in args]
    with reverts("AccessControlUnauthorizedAccount", stranger, COMPLIANCE_OFFICER_ROLE):
        getattr(compliance, function)(*filled, {"from": stranger})


def test_revoked_officer_is_refused(compliance: Any, admin: Any, officer: Any, bob: Any) -> None:
    compliance.revokeRole(COMPLIANCE_OFFICER_ROLE, officer, {"from": admin})
    assert not compliance.isOfficer(officer)
    with reverts("AccessControlUnauthorizedAccount", officer, COMPLIANCE_OFFICER_ROLE):
        compliance.registerVenue(bob, VENUE_HASH, {"from": officer})


def test_only_admin_grants_the_officer_role(compliance: Any, officer: Any, stranger: Any) -> None:
    with reverts("AccessControlUnauthorizedAccount", officer, ZERO_BYTES32):
        compliance.grantRole(COMPLIANCE_OFFICER_ROLE, stranger, {"from": officer})


# ------------------------------------------------------------------------------------------- records


def test_verify_investor_records_identity_and_emits(compliance: Any, officer: Any, bob: Any, expires_at: int) -> None:
    tx = compliance.verifyInvestor(bob, b"DE", expires_at, EVIDENCE, {"from": officer})
    assert events_of(tx) == [
        (
            "InvestorVerified",
            {"account": bob, "country": b"DE", "expiresAt": expires_at, "evidenceHash": EVIDENCE, "officer": officer},
        )
    ]
    assert identity(compliance, bob) == (INVESTOR, b"DE", expires_at)
    assert compliance.isEligible(bob)


def test_reverify_overwrites_the_record(compliance: Any, officer: Any, bob: Any, expires_at: int) -> None:
    compliance.verifyInvestor(bob, b"DE", expires_at, EVIDENCE, {"from": officer})
    compliance.verifyInvestor(bob, b"FR", expires_at + 10, EVIDENCE, {"from": officer})
    assert identity(compliance, bob) == (INVESTOR, b"FR", expires_at + 10)


def test_register_venue_records_identity_and_emits(compliance: Any, officer: Any, venue: Any) -> None:
    tx = compliance.registerVenue(venue, VENUE_HASH, {"from": officer})
    assert events_of(tx) == [("VenueRegistered", {"wallet": venue, "venueHash": VENUE_HASH, "officer": officer})]
    assert identity(compliance, venue) == (VENUE, b"\x00\x00", 0)


def test_revoke_identity_deletes_and_emits(compliance: Any, officer: Any, bob: Any, expires_at: int) -> None:
    compliance.verifyInvestor(bob, b"DE", expires_at, EVIDENCE, {"from": officer})
    tx = compliance.revokeIdentity(bob, REASON, {"from": officer})
    assert events_of(tx) == [("IdentityRevoked", {"account": bob, "reasonHash": REASON, "officer": officer})]
    assert identity(compliance, bob) == (NONE, b"\x00\x00", 0)
    assert not compliance.isEligible(bob)
    with reverts("NotEligible", bob):
        compliance.checkHolder(bob)


@pytest.mark.parametrize("offset", [0, -1, -86400])
def test_verify_investor_expiry_not_in_future_reverts(compliance: Any, officer: Any, bob: Any, offset: int) -> None:
    """The transaction's block is at least one second after the latest one, so ``now()`` is already past."""
    expiry = now() + offset
    with reverts("InvalidExpiry", expiry):
        compliance.verifyInvestor(bob, b"DE", expiry, EVIDENCE, {"from": officer})


def test_verify_investor_zero_expiry_reverts(compliance: Any, officer: Any, bob: Any) -> None:
    with reverts("InvalidExpiry", 0):
        compliance.verifyInvestor(bob, b"DE", 0, EVIDENCE, {"from": officer})


@pytest.mark.parametrize("country", [b"us", b"U1", b"@A", b"A[", b"\x00\x00", b"Za", b"\xffA"])
def test_verify_investor_invalid_country_reverts(
    compliance: Any, officer: Any, bob: Any, expires_at: int, country: bytes
) -> None:
    with reverts("InvalidCountry", country):
        compliance.verifyInvestor(bob, country, expires_at, EVIDENCE, {"from": officer})


@pytest.mark.parametrize("country", [b"AA", b"ZZ", b"AZ", b"ZA"])
def test_extreme_valid_countries_are_accepted(
    compliance: Any, officer: Any, bob: Any, expires_at: int, country: bytes
) -> None:
    compliance.verifyInvestor(bob, country, expires_at, EVIDENCE, {"from": officer})
    compliance.setCountryBlocked(country, True, {"from": officer})
    assert compliance.isCountryBlocked(country)


def test_country_checks_are_validated(compliance: Any, officer: Any) -> None:
    with reverts("InvalidCountry", b"u1"):
        compliance.setCountryBlocked(b"u1", True, {"from": officer})
    with reverts("InvalidCountry", b"\x00\x00"):
        compliance.isCountryBlocked(b"\x00\x00")


def test_zero_address_reverts(compliance: Any, officer: Any, expires_at: int) -> None:
    with reverts("ZeroAddress"):
        compliance.verifyInvestor(ZERO_ADDRESS, b"US", expires_at, EVIDENCE, {"from": officer})
    with reverts("ZeroAddress"):
        compliance.registerVenue(ZERO_ADDRESS, VENUE_HASH, {"from": officer})


# ------------------------------------------------------------------------------------------- eligibility


def test_unknown_account_is_not_eligible(compliance: Any, carol: Any, bob: Any, officer: Any, expires_at: int) -> None:
    compliance.verifyInvestor(bob, b"DE", expires_at, EVIDENCE, {"from": officer})
    assert not compliance.isEligible(carol)
    with reverts("NotEligible", carol):
        compliance.checkHolder(carol)
    with reverts("NotEligible", carol):
        compliance.checkTransfer(carol, bob)
    with reverts("NotEligible", carol):
        compliance.checkTransfer(bob, carol)


def test_check_transfer_names_the_first_failing_party(compliance: Any, carol: Any, stranger: Any) -> None:
    with reverts("NotEligible", carol):
        compliance.checkTransfer(carol, stranger)
    with reverts("NotEligible", stranger):
        compliance.checkTransfer(stranger, carol)


def test_investor_and_venue_pass_every_check(
    compliance: Any, officer: Any, bob: Any, venue: Any, expires_at: int
) -> None:
    compliance.verifyInvestor(bob, b"DE", expires_at, EVIDENCE, {"from": officer})
    compliance.registerVenue(venue, VENUE_HASH, {"from": officer})
    for account in (bob, venue):
        assert compliance.isEligible(account)
        compliance.checkHolder(account)
    compliance.checkTransfer(bob, venue)
    compliance.checkTransfer(venue, bob)
    compliance.checkTransfer(venue, venue)


def test_investor_expires_at_exactly_expires_at(compliance: Any, officer: Any, bob: Any, expires_at: int) -> None:
    compliance.verifyInvestor(bob, b"DE", expires_at, EVIDENCE, {"from": officer})
    mine_at(expires_at - 1)
    assert compliance.isEligible(bob)
    compliance.checkHolder(bob)
    mine_at(expires_at)
    assert not compliance.isEligible(bob)
    with reverts("VerificationExpired", bob, expires_at):
        compliance.checkHolder(bob)
    with reverts("VerificationExpired", bob, expires_at):
        compliance.checkTransfer(bob, bob)


def test_venue_never_expires_nor_is_country_blocked(compliance: Any, officer: Any, venue: Any) -> None:
    compliance.registerVenue(venue, VENUE_HASH, {"from": officer})
    compliance.setCountryBlocked(b"AA", True, {"from": officer})  # the venue's zero country is not "AA" either
    mine_at(now() + 100 * 365 * 86400)
    assert compliance.isEligible(venue)
    compliance.checkHolder(venue)


def test_revoked_venue_is_not_eligible(compliance: Any, officer: Any, venue: Any) -> None:
    compliance.registerVenue(venue, VENUE_HASH, {"from": officer})
    compliance.revokeIdentity(venue, REASON, {"from": officer})
    assert not compliance.isEligible(venue)
    with reverts("NotEligible", venue):
        compliance.checkHolder(venue)


def test_blocked_country_investor_is_refused_then_unblocked(
    compliance: Any, officer: Any, alice: Any, bob: Any, expires_at: int
) -> None:
    compliance.verifyInvestor(alice, b"US", expires_at, EVIDENCE, {"from": officer})
    compliance.verifyInvestor(bob, b"DE", expires_at, EVIDENCE, {"from": officer})
    tx = compliance.setCountryBlocked(b"DE", True, {"from": officer})
    assert events_of(tx) == [("CountryBlockSet", {"country": b"DE", "blocked": True, "officer": officer})]
    assert compliance.isCountryBlocked(b"DE")
    assert not compliance.isEligible(bob)
    assert compliance.isEligible(alice)
    with reverts("CountryBlocked", bob, b"DE"):
        compliance.checkHolder(bob)
    with reverts("CountryBlocked", bob, b"DE"):
        compliance.checkTransfer(alice, bob)
    with reverts("CountryBlocked", bob, b"DE"):
        compliance.checkTransfer(bob, alice)
    tx = compliance.setCountryBlocked(b"DE", False, {"from": officer})
    assert events_of(tx) == [("CountryBlockSet", {"country": b"DE", "blocked": False, "officer": officer})]
    assert compliance.isEligible(bob)
    compliance.checkTransfer(alice, bob)


def test_expiry_is_reported_before_a_blocked_country(compliance: Any, officer: Any, bob: Any, expires_at: int) -> None:
    compliance.verifyInvestor(bob, b"DE", expires_at, EVIDENCE, {"from": officer})
    compliance.setCountryBlocked(b"DE", True, {"from": officer})
    mine_at(expires_at)
    with reverts("VerificationExpired", bob, expires_at):
        compliance.checkHolder(bob)


# ------------------------------------------------------------------------------------------- summary bucket


def test_countries_sharing_a_summary_bit_are_independent(
    compliance: Any, officer: Any, alice: Any, carol: Any, expires_at: int
) -> None:
    """US (538) and KW (282) share summary bit 26: blocking KW must not block US."""
    compliance.verifyInvestor(alice, US, expires_at, EVIDENCE, {"from": officer})
    compliance.verifyInvestor(carol, KW, expires_at, EVIDENCE, {"from": officer})
    compliance.setCountryBlocked(KW, True, {"from": officer})
    assert compliance.isCountryBlocked(KW)
    assert not compliance.isCountryBlocked(US)
    assert compliance.isEligible(alice)
    with reverts("CountryBlocked", carol, KW):
        compliance.checkTransfer(alice, carol)


@pytest.mark.parametrize(("unblock", "still_blocked"), [(KW, US), (US, KW)])
def test_unblocking_one_country_keeps_its_bucket_mate_blocked(
    compliance: Any, officer: Any, alice: Any, carol: Any, expires_at: int, unblock: bytes, still_blocked: bytes
) -> None:
    holder = {US: alice, KW: carol}
    for country, account in holder.items():
        compliance.verifyInvestor(account, country, expires_at, EVIDENCE, {"from": officer})
        compliance.setCountryBlocked(country, True, {"from": officer})
    compliance.setCountryBlocked(unblock, False, {"from": officer})
    assert not compliance.isCountryBlocked(unblock)
    assert compliance.isCountryBlocked(still_blocked)
    assert compliance.isEligible(holder[unblock])
    assert not compliance.isEligible(holder[still_blocked])
    with reverts("CountryBlocked", holder[still_blocked], still_blocked):
        compliance.checkHolder(holder[still_blocked])
    compliance.setCountryBlocked(still_blocked, False, {"from": officer})
    assert not compliance.isCountryBlocked(still_blocked)
    assert compliance.isEligible(holder[still_blocked])


def test_three_countries_in_one_bucket(compliance: Any, officer: Any) -> None:
    for country in (DE, NA, WW):
        compliance.setCountryBlocked(country, True, {"from": officer})
    compliance.setCountryBlocked(NA, False, {"from": officer})
    assert [compliance.isCountryBlocked(c) for c in (DE, NA, WW)] == [True, False, True]
    compliance.setCountryBlocked(DE, False, {"from": officer})
    assert [compliance.isCountryBlocked(c) for c in (DE, NA, WW)] == [False, False, True]
    compliance.setCountryBlocked(WW, False, {"from": officer})
    assert [compliance.isCountryBlocked(c) for c in (DE, NA, WW)] == [False, False, False]


def test_unblocking_an_unblocked_bucket_mate_keeps_the_block(compliance: Any, officer: Any) -> None:
    compliance.setCountryBlocked(US, True, {"from": officer})
    compliance.setCountryBlocked(KW, False, {"from": officer})  # never blocked
    assert compliance.isCountryBlocked(US)


def test_block_is_idempotent(compliance: Any, officer: Any) -> None:
    compliance.setCountryBlocked(US, True, {"from": officer})
    compliance.setCountryBlocked(US, True, {"from": officer})
    assert compliance.isCountryBlocked(US)
    compliance.setCountryBlocked(US, False, {"from": officer})
    assert not compliance.isCountryBlocked(US)


def test_every_country_maps_to_its_own_bit(compliance: Any, officer: Any) -> None:
    """Blocks the first and last index of each word and neighbours across word edges; probes nearby indices."""
    blocked = {country_of(i) for i in (0, 25, 26, 255, 256, 511, 512, 675)}
    for country in blocked:
        compliance.setCountryBlocked(country, True, {"from": officer})
    probe = {country_of(i) for i in (1, 24, 27, 254, 257, 510, 513, 674, 419, 163)} | blocked
    assert {c for c in probe if compliance.isCountryBlocked(c)} == blocked
