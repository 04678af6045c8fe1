"""Officers scoped to an issuer or a share token, and investor categories, in the compliance registry: who appoints
whom, what each scope may do and where it stops; categories belong to verified investors, with evidence and expiry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from registry_helpers import events_of, now
from share_helpers import COMPLIANCE_OFFICER_ROLE, EVIDENCE, REASON, reverts

PROFESSIONAL_HK, ACCREDITED = 1, 2


@pytest.fixture
def two_issuers(
    fractionalize: Callable[..., Any], new_right: Callable[[Any], int], alice: Any, bob: Any, investors: int
) -> tuple[Any, Any]:
    """A share token issued by ``alice`` and one issued by ``bob`` (both restricted)."""
    ours = fractionalize(alice, new_right(alice), restricted=True).shares
    theirs = fractionalize(bob, new_right(bob), restricted=True).shares
    return ours, theirs


def test_an_issuers_officer_acts_on_that_issuers_tokens_only(
    compliance: Any, officer: Any, two_issuers: tuple[Any, Any], alice: Any, bob: Any, maker: Any
) -> None:
    ours, theirs = two_issuers
    tx = compliance.setIssuerOfficer(alice, maker, True, {"from": officer})
    assert events_of(tx) == [
        (
            "IssuerOfficerSet",
            {"issuer": alice.address, "officer": maker.address, "enabled": True, "by": officer.address},
        )
    ]
    assert compliance.isIssuerOfficer(alice, maker) and not compliance.isIssuerOfficer(bob, maker)
    assert compliance.isTokenOfficer(ours, maker) and not compliance.isTokenOfficer(theirs, maker)
    ours.freeze(alice, 1, REASON, {"from": maker})
    ours.setTransferRules(PROFESSIONAL_HK, 0, 0, 0, [], {"from": maker})
    with reverts("NotComplianceOfficer", maker):
        theirs.freeze(bob, 1, REASON, {"from": maker})
    with reverts("AccessControlUnauthorizedAccount", maker, COMPLIANCE_OFFICER_ROLE):
        compliance.verifyInvestor(maker, b"HK", now() + 1_000, EVIDENCE, {"from": maker})  # identities stay global
    compliance.setIssuerOfficer(alice, maker, False, {"from": officer})
    with reverts("NotComplianceOfficer", maker):
        ours.unfreeze(alice, REASON, {"from": maker})


def test_an_issuers_officer_appoints_officers_of_its_tokens(
    compliance: Any, officer: Any, two_issuers: tuple[Any, Any], alice: Any, maker: Any, maker2: Any
) -> None:
    ours, theirs = two_issuers
    compliance.setIssuerOfficer(alice, maker, True, {"from": officer})
    tx = compliance.setTokenOfficer(ours, maker2, True, {"from": maker})
    assert events_of(tx) == [
        ("TokenOfficerSet", {"token": ours.address, "officer": maker2.address, "enabled": True, "by": maker.address})
    ]
    with reverts("NotScopeAdmin", maker, theirs.address):
        compliance.setTokenOfficer(theirs, maker2, True, {"from": maker})
    ours.setCountryRule(2, [b"KP"], {"from": maker2})
    with reverts("NotComplianceOfficer", maker2):
        theirs.setCountryRule(2, [b"KP"], {"from": maker2})
    with reverts("NotScopeAdmin", maker2, ours.address):  # a token's officer appoints nobody
        compliance.setTokenOfficer(ours, maker2, False, {"from": maker2})


def test_only_global_officers_appoint_issuer_officers(compliance: Any, alice: Any, maker: Any, stranger: Any) -> None:
    for caller in (alice, stranger):
        with reverts("AccessControlUnauthorizedAccount", caller, COMPLIANCE_OFFICER_ROLE):
            compliance.setIssuerOfficer(alice, maker, True, {"from": caller})


def test_an_address_without_an_issuer_has_no_issuer_scope(
    compliance: Any, officer: Any, alice: Any, maker: Any, stranger: Any
) -> None:
    compliance.setIssuerOfficer(alice, maker, True, {"from": officer})
    assert not compliance.isTokenOfficer(stranger, maker)  # an account: no issuer() to read
    assert not compliance.isTokenOfficer(compliance, maker)  # a contract without issuer()
    assert compliance.isTokenOfficer(stranger, officer)


# ------------------------------------------------------------------------------------------- categories


def test_categories_are_recorded_with_evidence_and_expiry(
    compliance: Any, officer: Any, investors: int, bob: Any
) -> None:
    expires = now() + 365 * 86_400
    tx = compliance.setInvestorCategories(bob, PROFESSIONAL_HK | ACCREDITED, expires, EVIDENCE, {"from": officer})
    assert events_of(tx) == [
        (
            "InvestorCategoriesSet",
            {
                "account": bob.address,
                "categories": 3,
                "expiresAt": expires,
                "evidenceHash": EVIDENCE,
                "officer": officer.address,
            },
        )
    ]
    assert tuple(compliance.identityOf(bob))[3:] == (3, expires)
    assert tuple(compliance.isEligibleIn(bob, PROFESSIONAL_HK)) == (True, "0x4445")
    assert tuple(compliance.isEligibleIn(bob, 8)) == (False, "0x4445")
    compliance.verifyInvestor(bob, b"FR", now() + 1_000, EVIDENCE, {"from": officer})  # re-verified: kept
    assert tuple(compliance.identityOf(bob))[3:] == (3, expires)
    compliance.setInvestorCategories(bob, 0, 0, EVIDENCE, {"from": officer})
    assert tuple(compliance.identityOf(bob))[3:] == (0, 0)


def test_categories_need_a_verified_investor_and_a_future_expiry(
    compliance: Any, officer: Any, investors: int, venues: None, bob: Any, carol: Any, venue: Any
) -> None:
    for account in (carol, venue):
        with reverts("NotInvestor", account):
            compliance.setInvestorCategories(account, 1, now() + 1_000, EVIDENCE, {"from": officer})
    with reverts("InvalidExpiry", now() - 1):
        compliance.setInvestorCategories(bob, 1, now() - 1, EVIDENCE, {"from": officer})


def test_revoking_or_registering_as_venue_clears_categories(
    compliance: Any, officer: Any, investors: int, bob: Any
) -> None:
    compliance.setInvestorCategories(bob, 1, now() + 1_000, EVIDENCE, {"from": officer})
    compliance.registerVenue(bob, EVIDENCE, {"from": officer})
    assert tuple(compliance.identityOf(bob))[3:] == (0, 0)
    compliance.verifyInvestor(bob, b"DE", now() + 1_000, EVIDENCE, {"from": officer})
    assert tuple(compliance.identityOf(bob))[3:] == (0, 0)


def test_the_category_constants(compliance: Any) -> None:
    assert (
        compliance.CATEGORY_PROFESSIONAL_HK(),
        compliance.CATEGORY_ACCREDITED(),
        compliance.CATEGORY_QUALIFIED(),
        compliance.CATEGORY_RETAIL(),
    ) == (1, 2, 4, 8)
