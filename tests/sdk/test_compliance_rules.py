"""A share token's own rules (investor categories, holder cap, lock-up, maximum balance, country rule), officers
scoped to an issuer or a token, and the ERC-7943 views that say whether a transfer may happen."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from ipledger import (
    INVESTOR_CATEGORIES,
    ComplianceError,
    ContractRevertError,
    CountryRuleMode,
    FrozenSharesError,
    InvalidInputError,
    IPMetadata,
    Ledger,
    UnauthorizedError,
    category_bits,
    category_names,
)
from share_support import ONE, advance_time

YEAR = dt.timedelta(days=365)
_numbers = itertools.count(8_000_000)


@pytest.fixture
def other_token(ledger: Ledger, investors: dict[str, str], tmp_path: Path) -> int:
    """A second right of dev1's, fractionalized into 100 restricted shares."""
    number = next(_numbers)
    document = tmp_path / "other-claims.txt"
    document.write_text(f"claims of US patent {number}\n", "utf-8")
    metadata = IPMetadata(
        title=f"Another electrode {number}", kind="patent", jurisdiction="US", number=f"US {number:,} B2"
    )
    token = ledger.register(metadata, [document], to="dev1").token_id
    ledger.use("dev1").shares.fractionalize(token, "Other shares", "OTH", 100 * ONE)
    return token


def _in_a_year(ledger: Ledger) -> int:
    return ledger.chain.chain_time() + int(YEAR.total_seconds())


def test_category_names_and_bits_round_trip() -> None:
    assert INVESTOR_CATEGORIES == {"hk-professional": 1, "accredited": 2, "qualified": 4, "retail": 8}
    assert category_bits("hk-professional, accredited") == 3
    assert category_bits(["retail", 16]) == 24
    assert category_names(1 | 8 | 32) == ["hk-professional", "retail", 32]
    with pytest.raises(InvalidInputError, match="not an investor category"):
        category_bits("professional")
    with pytest.raises(InvalidInputError, match="16 bits"):
        category_bits(1 << 16)


def test_categories_are_recorded_read_back_and_need_an_investor(ledger: Ledger, investors: dict[str, str]) -> None:
    expires = _in_a_year(ledger)
    set_ = ledger.compliance.set_categories("dev2", "accredited,qualified", expires=expires, evidence="PI assessment")
    (event,) = ledger.contracts.compliance.events.InvestorCategoriesSet().get_logs(
        from_block=set_.block, to_block=set_.block
    )
    assert event["args"]["categories"] == 6 and event["args"]["expiresAt"] == expires
    identity = ledger.compliance.identity("dev2")
    assert identity.categories == ["accredited", "qualified"] and not identity.categories_expired
    assert identity.categories_expire_at == dt.datetime.fromtimestamp(expires, dt.UTC)
    assert ledger.compliance.identity("dev5").categories == []  # a venue has none
    with pytest.raises(ComplianceError) as caught:
        ledger.compliance.set_categories("dev6", "retail", expires=expires, evidence="x")
    assert caught.value.error_name == "NotInvestor" and caught.value.account == ledger.address_of("dev6")
    with pytest.raises(InvalidInputError, match="future"):
        ledger.compliance.set_categories("dev2", "retail", expires=1, evidence="x")


def test_a_category_restricted_token_refuses_a_retail_investor(ledger: Ledger, fractionalized: int) -> None:
    expires = _in_a_year(ledger)
    ledger.compliance.set_categories("dev3", "retail", expires=expires, evidence="retail investor, dev3")
    ledger.compliance.set_categories("dev2", "accredited", expires=expires, evidence="accredited, dev2")
    ledger.compliance.set_rules(fractionalized, categories=["hk-professional", "accredited"])
    rules = ledger.compliance.rules(fractionalized)
    assert rules.categories == ["hk-professional", "accredited"] and rules.categories_bits == 3
    holder = ledger.use("dev1")
    with pytest.raises(ComplianceError) as caught:
        holder.shares.transfer(fractionalized, "dev3", ONE)
    assert caught.value.error_name == "CategoryNotAllowed"
    assert caught.value.error_args == {"account": ledger.address_of("dev3"), "categories": 8, "allowed": 3}
    assert not ledger.compliance.can_receive(fractionalized, "dev3")
    assert ledger.compliance.can_receive(fractionalized, "dev2")
    assert ledger.compliance.can_receive(fractionalized, "dev5")  # venue wallets screen their own investors
    holder.shares.transfer(fractionalized, "dev2", ONE)
    holder.shares.transfer(fractionalized, "dev5", ONE)
    assert ledger.shares.balance(fractionalized, "dev2") == ONE


def test_a_holder_cap_counts_the_holders_the_sdk_lists(ledger: Ledger, fractionalized: int) -> None:
    holder = ledger.use("dev1")
    holder.shares.transfer(fractionalized, "dev2", 10 * ONE)
    ledger.compliance.set_rules(fractionalized, max_holders=3)  # the SDK hands over dev1 and dev2, ascending
    rules = ledger.compliance.rules(fractionalized)
    assert rules.max_holders == 3 and rules.holder_count == 2
    holder.shares.transfer(fractionalized, "dev3", ONE)
    with pytest.raises(ComplianceError) as caught:
        holder.shares.transfer(fractionalized, "dev5", ONE)
    assert caught.value.error_name == "MaxHoldersReached"
    assert caught.value.error_args == {"to": ledger.address_of("dev5"), "max": 3}
    ledger.use("dev3").shares.transfer(fractionalized, "dev5", ONE)  # dev3 leaves as dev5 joins
    assert ledger.compliance.rules(fractionalized).holder_count == 3
    ledger.compliance.set_rules(fractionalized, max_holders=0)
    cleared = ledger.compliance.rules(fractionalized)
    assert cleared.max_holders is None and cleared.holder_count is None


@pytest.mark.anvil
def test_a_lockup_refuses_transfers_until_it_ends(ledger: Ledger, fractionalized: int) -> None:
    until = ledger.chain.chain_time() + 3600
    ledger.compliance.set_rules(fractionalized, lockup_until=until)
    assert ledger.compliance.rules(fractionalized).lockup_until == dt.datetime.fromtimestamp(until, dt.UTC)
    with pytest.raises(ComplianceError) as caught:
        ledger.use("dev1").shares.transfer(fractionalized, "dev2", ONE)
    assert caught.value.error_name == "LockedUp" and caught.value.error_args == {"until": until}
    # An officer's forced transfer is not held by the lock-up.
    ledger.compliance.force_transfer(fractionalized, "dev1", "dev2", ONE, reason="court order 12")
    advance_time(ledger, 3601)
    ledger.use("dev1").shares.transfer(fractionalized, "dev2", ONE)
    assert ledger.shares.balance(fractionalized, "dev2") == 2 * ONE


def test_a_maximum_balance_binds_investors_not_venues(ledger: Ledger, fractionalized: int) -> None:
    ledger.compliance.set_rules(fractionalized, max_balance=10 * ONE)
    assert ledger.compliance.rules(fractionalized).max_balance == 10 * ONE
    holder = ledger.use("dev1")
    holder.shares.transfer(fractionalized, "dev2", 10 * ONE)
    with pytest.raises(ComplianceError) as caught:
        holder.shares.transfer(fractionalized, "dev2", 1)
    assert caught.value.error_name == "MaxBalanceExceeded"
    assert caught.value.error_args == {"to": ledger.address_of("dev2"), "balance": 10 * ONE + 1, "max": 10 * ONE}
    holder.shares.transfer(fractionalized, "dev5", 100 * ONE)  # a venue wallet is exempt


def test_a_country_allow_list_admits_only_its_countries(ledger: Ledger, fractionalized: int) -> None:
    ledger.compliance.set_country_rule(fractionalized, allow=["us", "DE"])
    rules = ledger.compliance.rules(fractionalized)
    assert rules.country_mode is CountryRuleMode.ALLOW and rules.countries == ["DE", "US"]
    holder = ledger.use("dev1")
    holder.shares.transfer(fractionalized, "dev2", ONE)
    with pytest.raises(ComplianceError) as caught:
        holder.shares.transfer(fractionalized, "dev3", ONE)
    assert caught.value.error_name == "CountryNotAllowed"
    assert caught.value.error_args == {"account": ledger.address_of("dev3"), "country": b"FR"}
    assert caught.value.account == ledger.address_of("dev3")
    ledger.compliance.set_country_rule(fractionalized, block=["FR"])
    assert not ledger.compliance.can_receive(fractionalized, "dev3")
    ledger.compliance.set_country_rule(fractionalized)
    assert ledger.compliance.rules(fractionalized).country_mode is CountryRuleMode.NONE
    holder.shares.transfer(fractionalized, "dev3", ONE)
    with pytest.raises(InvalidInputError, match="not both"):
        ledger.compliance.set_country_rule(fractionalized, allow=["US"], block=["FR"])
    with pytest.raises(InvalidInputError, match="ISO 3166"):
        ledger.compliance.set_country_rule(fractionalized, allow=["XX"])


def test_a_token_officer_acts_on_its_token_and_is_refused_on_another(
    ledger: Ledger, fractionalized: int, other_token: int
) -> None:
    other = other_token
    ledger.compliance.appoint_token_officer(fractionalized, "dev7")
    try:
        assert ledger.compliance.is_token_officer(fractionalized, "dev7")
        assert not ledger.compliance.is_token_officer(other, "dev7")
        officer = ledger.use("dev7")
        officer.compliance.freeze(fractionalized, "dev1", ONE, reason="pledge 5")
        officer.compliance.set_rules(fractionalized, max_balance=500 * ONE)
        with pytest.raises(UnauthorizedError) as caught:
            officer.compliance.freeze(other, "dev1", ONE, reason="pledge 5")
        assert caught.value.error_name == "NotComplianceOfficer"
        with pytest.raises(UnauthorizedError, match="NotComplianceOfficer"):
            officer.compliance.set_rules(other, max_balance=1)
    finally:
        ledger.compliance.remove_token_officer(fractionalized, "dev7")
    assert not ledger.compliance.is_token_officer(fractionalized, "dev7")


def test_an_issuer_officer_appoints_a_token_officer(ledger: Ledger, fractionalized: int) -> None:
    ledger.compliance.appoint_issuer_officer("dev1", "dev4")
    try:
        assert ledger.compliance.is_issuer_officer("dev1", "dev4")
        assert ledger.compliance.is_token_officer(fractionalized, "dev4")  # dev1 issued it
        ledger.use("dev4").compliance.appoint_token_officer(fractionalized, "dev7")
        assert ledger.compliance.is_token_officer(fractionalized, "dev7")
        with pytest.raises(UnauthorizedError) as caught:
            ledger.use("dev7").compliance.appoint_token_officer(fractionalized, "dev9")
        assert caught.value.error_name == "NotScopeAdmin"
        with pytest.raises(UnauthorizedError, match="AccessControlUnauthorizedAccount"):
            ledger.use("dev4").compliance.appoint_issuer_officer("dev1", "dev9")
        ledger.use("dev4").compliance.remove_token_officer(fractionalized, "dev7")
        assert not ledger.compliance.is_token_officer(fractionalized, "dev7")
    finally:
        ledger.compliance.remove_issuer_officer("dev1", "dev4")
    assert not ledger.compliance.is_token_officer(fractionalized, "dev4")


@pytest.mark.parametrize(
    ("recipient", "amount", "reason"),
    [
        ("dev2", ONE, None),
        ("dev6", ONE, "NotEligible"),  # unverified
        ("dev3", ONE, "CountryNotAllowed"),  # FR, blocked by the token's rule
        ("dev2", 600 * ONE, "ERC7943InsufficientUnfrozenBalance"),  # 500 of dev1's are frozen
    ],
)
def test_can_transfer_and_why_not_agree_with_a_sent_transfer(
    ledger: Ledger, fractionalized: int, recipient: str, amount: int, reason: str | None
) -> None:
    ledger.compliance.set_country_rule(fractionalized, block=["FR"])
    ledger.compliance.freeze(fractionalized, "dev1", 500 * ONE, reason="pledge 9")
    allowed = ledger.compliance.can_transfer(fractionalized, "dev1", recipient, amount)
    refusal = ledger.compliance.why_not(fractionalized, "dev1", recipient, amount)
    assert allowed is (reason is None)
    assert (refusal.error_name if refusal is not None else None) == reason
    if reason is None:
        ledger.use("dev1").shares.transfer(fractionalized, recipient, amount)
        assert ledger.shares.balance(fractionalized, recipient) >= amount
    else:
        expected = FrozenSharesError if reason.startswith("ERC7943") else ComplianceError
        with pytest.raises(expected) as caught:
            ledger.use("dev1").shares.transfer(fractionalized, recipient, amount)
        assert caught.value.error_name == reason
        assert refusal is not None and caught.value.error_args == refusal.error_args


def test_why_not_names_a_balance_too_small_which_can_transfer_leaves_aside(ledger: Ledger, fractionalized: int) -> None:
    assert ledger.compliance.can_transfer(fractionalized, "dev2", "dev1", ONE)  # rules only
    refusal = ledger.compliance.why_not(fractionalized, "dev2", "dev1", ONE)
    assert refusal is not None and refusal.error_name == "InsufficientBalance"
    assert ledger.compliance.can_send(fractionalized, "dev2") and not ledger.compliance.can_send(fractionalized, "dev6")


def test_recovery_of_a_contract_is_refused(ledger: Ledger, fractionalized: int) -> None:
    vault = str(ledger.contracts.vault.address)
    with pytest.raises(ContractRevertError) as caught:
        ledger.compliance.recover(fractionalized, vault, "dev2", reason="not a lost key")
    assert caught.value.error_name == "RecoveryOfContract"
    assert caught.value.error_args == {"lost": ledger.contracts.vault.address}
