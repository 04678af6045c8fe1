"""Per-token transfer rules of restricted shares: allowed investor categories, a country rule on recipients, a
lock-up, a maximum balance per investor and a holder cap (started from a checked list of holders); venue wallets
exempt where they screen the investors behind them; forced transfers bound only by the recipient's eligibility."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import chain
from hexbytes import HexBytes
from registry_helpers import events_of, now
from share_helpers import EVIDENCE, REASON, SUPPLY, reverts

PROFESSIONAL_HK, ACCREDITED, QUALIFIED, RETAIL = 1, 2, 4, 8


@pytest.fixture
def rshares(restricted_shares: Any, alice: Any, bob: Any) -> Any:
    """Restricted: ``alice`` (US) holds SUPPLY - 1,000, ``bob`` (DE) 1,000; ``carol`` unknown."""
    restricted_shares.transfer(bob, 1_000, {"from": alice})
    return restricted_shares


def rules(
    shares: Any,
    officer: Any,
    *,
    categories: int = 0,
    lockup: int = 0,
    max_holders: int = 0,
    max_balance: int = 0,
    holders: list[Any] | None = None,
) -> Any:
    return shares.setTransferRules(categories, lockup, max_holders, max_balance, holders or [], {"from": officer})


def country_rule(shares: Any) -> tuple[int, list[bytes]]:
    mode, countries = shares.countryRule()
    return int(mode), [bytes(HexBytes(country)) for country in countries]


def ascending(*accounts: Any) -> list[str]:
    return sorted((account.address for account in accounts), key=lambda address: int(address, 16))


# ------------------------------------------------------------------------------------------- categories


def test_only_investors_of_an_allowed_category_receive(
    rshares: Any, compliance: Any, officer: Any, alice: Any, bob: Any, venue: Any
) -> None:
    tx = rules(rshares, officer, categories=PROFESSIONAL_HK)
    assert events_of(tx) == [
        (
            "TransferRulesSet",
            {
                "categories": PROFESSIONAL_HK,
                "lockupUntil": 0,
                "maxHolders": 0,
                "maxBalance": 0,
                "holderCount": 0,
                "officer": officer.address,
            },
        )
    ]
    with reverts("CategoryNotAllowed", bob, 0, PROFESSIONAL_HK):
        rshares.transfer(bob, 1, {"from": alice})
    compliance.setInvestorCategories(bob, RETAIL, now() + 1_000, EVIDENCE, {"from": officer})
    with reverts("CategoryNotAllowed", bob, RETAIL, PROFESSIONAL_HK):
        rshares.transfer(bob, 1, {"from": alice})
    compliance.setInvestorCategories(bob, PROFESSIONAL_HK | RETAIL, now() + 1_000, EVIDENCE, {"from": officer})
    rshares.transfer(bob, 1, {"from": alice})
    rshares.transfer(venue, 1, {"from": alice})  # a venue screens its own clients
    compliance.setInvestorCategories(bob, 0, 0, EVIDENCE, {"from": officer})
    rshares.transfer(venue, 1, {"from": bob})  # senders need no category: a lapsed professional may sell


def test_expired_categories_no_longer_count(rshares: Any, compliance: Any, officer: Any, alice: Any, bob: Any) -> None:
    expires = now() + 100
    compliance.setInvestorCategories(bob, ACCREDITED, expires, EVIDENCE, {"from": officer})
    rules(rshares, officer, categories=ACCREDITED | QUALIFIED)
    rshares.transfer(bob, 1, {"from": alice})
    chain.sleep(200)
    chain.mine()
    with reverts("CategoriesExpired", bob, expires):
        rshares.transfer(bob, 1, {"from": alice})
    assert not rshares.canReceive(bob)


# ------------------------------------------------------------------------------------------- countries


def test_an_allow_list_of_countries_binds_recipients(
    rshares: Any, officer: Any, alice: Any, bob: Any, venue: Any
) -> None:
    tx = rshares.setCountryRule(1, [b"US", b"HK"], {"from": officer})
    assert events_of(tx) == [("CountryRuleSet", {"mode": 1, "countries": [b"US", b"HK"], "officer": officer.address})]
    assert country_rule(rshares) == (1, [b"HK", b"US"])
    with reverts("CountryNotAllowed", bob, "0x4445"):
        rshares.transfer(bob, 1, {"from": alice})
    rshares.transfer(alice, 1, {"from": bob})
    rshares.transfer(venue, 1, {"from": alice})


def test_a_block_list_of_countries_binds_recipients(rshares: Any, officer: Any, alice: Any, bob: Any) -> None:
    rshares.setCountryRule(2, [b"DE"], {"from": officer})
    with reverts("CountryNotAllowed", bob, "0x4445"):
        rshares.transfer(bob, 1, {"from": alice})
    with reverts("CountryNotAllowed", bob, "0x4445"):
        rshares.forcedTransfer(alice, bob, 1, REASON, {"from": officer})
    rshares.setCountryRule(0, [], {"from": officer})
    rshares.transfer(bob, 1, {"from": alice})
    assert country_rule(rshares) == (0, [])


@pytest.mark.parametrize(
    ("mode", "countries", "error"),
    [
        (3, [], ("InvalidCountryRule", "0x0000", 3)),
        (0, [b"US"], ("InvalidCountryRule", "0x0000", 0)),
        (1, [b"us"], ("InvalidCountryRule", "0x7573", 1)),
    ],
)
def test_a_malformed_country_rule_is_refused(
    rshares: Any, officer: Any, mode: int, countries: list[bytes], error: tuple[Any, ...]
) -> None:
    with reverts(*error):
        rshares.setCountryRule(mode, countries, {"from": officer})


# ------------------------------------------------------------------------------------------- lock-up


def test_a_lockup_stops_transfers_until_its_date_but_not_officers(
    rshares: Any, officer: Any, alice: Any, bob: Any
) -> None:
    until = now() + 1_000
    rules(rshares, officer, lockup=until)
    with reverts("LockedUp", until):
        rshares.transfer(bob, 1, {"from": alice})
    assert not rshares.canTransfer(alice, bob, 1)
    rshares.forcedTransfer(alice, bob, 1, REASON, {"from": officer})
    chain.sleep(1_100)
    chain.mine()
    rshares.transfer(bob, 1, {"from": alice})


def test_rules_bind_restricted_mode_only(open_shares: Any, officer: Any, alice: Any, carol: Any) -> None:
    rules(open_shares, officer, lockup=now() + 1_000)
    open_shares.transfer(carol, 1, {"from": alice})
    open_shares.setRestricted(True, {"from": officer})
    with reverts("LockedUp", open_shares.transferRules()[1]):
        open_shares.transfer(alice, 1, {"from": alice})


# ------------------------------------------------------------------------------------------- maximum balance


def test_a_maximum_balance_binds_investors_but_not_venues(
    rshares: Any, officer: Any, alice: Any, bob: Any, venue: Any
) -> None:
    rules(rshares, officer, max_balance=1_500)
    rshares.transfer(bob, 500, {"from": alice})
    with reverts("MaxBalanceExceeded", bob, 1_501, 1_500):
        rshares.transfer(bob, 1, {"from": alice})
    rshares.transfer(venue, 10_000, {"from": alice})
    rshares.transfer(bob, 0, {"from": alice})


# ------------------------------------------------------------------------------------------- holder cap


def test_a_holder_cap_counts_holders_in_and_out(
    rshares: Any, compliance: Any, officer: Any, alice: Any, bob: Any, venue: Any, maker: Any
) -> None:
    compliance.verifyInvestor(maker, b"HK", now() + 10**6, EVIDENCE, {"from": officer})
    tx = rules(rshares, officer, max_holders=3, holders=ascending(alice, bob))
    assert events_of(tx)[0][1]["holderCount"] == 2
    rshares.transfer(venue, 10, {"from": alice})  # third holder
    assert rshares.transferRules()[4] == 3
    with reverts("MaxHoldersReached", maker, 3):
        rshares.transfer(maker, 1, {"from": alice})
    assert not rshares.canTransfer(alice, maker, 1)
    rshares.transfer(maker, 1_000, {"from": bob})  # bob leaves as maker joins
    assert rshares.transferRules()[4] == 3
    assert rshares.balanceOf(bob) == 0
    rshares.transfer(alice, 10, {"from": venue})  # the venue leaves
    assert rshares.transferRules()[4] == 2
    rshares.transfer(bob, 1, {"from": alice})
    assert rshares.transferRules()[4] == 3


def test_a_holder_cap_starts_only_from_the_exact_list_of_holders(
    rshares: Any, officer: Any, alice: Any, bob: Any, carol: Any
) -> None:
    both = ascending(alice, bob)
    with reverts("InvalidHolderList", SUPPLY - 1_000, SUPPLY):
        rules(rshares, officer, max_holders=5, holders=[alice.address])  # bob missing
    with reverts("InvalidHolderList", rshares.balanceOf(both[1]), SUPPLY):
        rules(rshares, officer, max_holders=5, holders=list(reversed(both)))  # not ascending
    with reverts("InvalidHolderList", rshares.balanceOf(both[0]), SUPPLY):
        rules(rshares, officer, max_holders=5, holders=[both[0], both[0], both[1]])  # twice
    with_carol = ascending(alice, bob, carol)  # carol holds nothing
    before_carol = sum(rshares.balanceOf(a) for a in with_carol[: with_carol.index(carol.address)])
    with reverts("InvalidHolderList", before_carol, SUPPLY):
        rules(rshares, officer, max_holders=5, holders=with_carol)
    rules(rshares, officer, max_holders=5, holders=both)
    with reverts("InvalidHolderList", 0, SUPPLY):  # already counting: no list
        rules(rshares, officer, max_holders=6, holders=both)
    rules(rshares, officer, max_holders=6)
    assert tuple(rshares.transferRules())[2:] == (6, 0, 2)
    rules(rshares, officer)  # the cap lifted: counting stops
    assert tuple(rshares.transferRules()) == (0, 0, 0, 0, 0)


def test_a_forced_transfer_ignores_the_lockup_balance_cap_and_holder_cap(
    rshares: Any, compliance: Any, officer: Any, alice: Any, bob: Any, maker: Any
) -> None:
    compliance.verifyInvestor(maker, b"HK", now() + 10**6, EVIDENCE, {"from": officer})
    rules(rshares, officer, lockup=now() + 1_000, max_holders=2, max_balance=10, holders=ascending(alice, bob))
    rshares.forcedTransfer(alice, maker, 100, REASON, {"from": officer})
    assert rshares.transferRules()[4] == 3


# ------------------------------------------------------------------------------------------- access


@pytest.mark.parametrize("function", ["setTransferRules", "setCountryRule"])
def test_only_officers_of_the_token_set_its_rules(
    rshares: Any, function: str, alice: Any, stranger: Any, registrar: Any
) -> None:
    args = (1, 0, 0, 0, []) if function == "setTransferRules" else (2, [b"KP"])
    for caller in (alice, stranger, registrar):
        with reverts("NotComplianceOfficer", caller):
            getattr(rshares, function)(*args, {"from": caller})
