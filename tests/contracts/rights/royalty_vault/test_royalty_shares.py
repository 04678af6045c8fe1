"""Royalties of a fractionalized right: the royalty vault pays the share token, holders claim pro rata, exactly to the
wei (floor(sum_i amount_i * balance_i / S) each), whoever held the shares when; forced transfers, wallet recovery
and redemption keep the accounting exact; the currency cap and the arithmetic bounds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import rlp
from brownie import web3
from eth_utils import keccak, to_checksum_address
from registry_helpers import ZERO_ADDRESS, address_of, events_of, reverts_with_data
from royalty_helpers import (
    CUMULATIVE_BOUND,
    MAX_ROYALTY_CURRENCIES,
    REPORT,
    SUPPLY_BOUND,
    RoyaltyModel,
    reverted_frames,
)
from share_helpers import MAX_UINT256, REASON, deploy_test_contract, reverts

TRANSFER_FAILED = keccak(text="TransferFailed()")[:4]  # Solady SafeTransferLib's error (in no ABI)
REENTRANT_CALL = keccak(text="ReentrancyGuardReentrantCall()")[:4]
ORDER = keccak(text="court order 2025/17")


@dataclass(frozen=True)
class Licensed:
    """A right licensed to ``licensee`` (royalties in ``usd``), then fractionalized by ``alice``."""

    right: int
    license_id: int
    shares: Any


@pytest.fixture
def licensed(
    new_right: Callable[[Any], int], grant: Callable[..., int], fractionalize: Callable[..., Any], alice: Any
) -> Callable[..., Licensed]:
    def make(supply: int = 1_000, **terms: Any) -> Licensed:
        right = new_right(alice)
        license_id = grant(alice, right, **terms)
        return Licensed(right, license_id, fractionalize(alice, right, supply=supply))

    return make


@pytest.fixture
def split(licensed: Callable[..., Licensed], alice: Any, bob: Any, carol: Any) -> Licensed:
    """Supply 1,000: ``alice`` 600, ``bob`` 300, ``carol`` 100."""
    deal = licensed()
    deal.shares.transfer(bob, 300, {"from": alice})
    deal.shares.transfer(carol, 100, {"from": alice})
    return deal


def assert_matches(shares: Any, model: RoyaltyModel, currency: Any, holders: list[Any]) -> None:
    """Every holder's owed and claimed amounts equal the model's, to the wei."""
    for holder in holders:
        assert shares.royaltyOwed(holder, currency) == model.owed(holder, currency), f"owed to {holder}"
        assert shares.royaltyClaimed(holder, currency) == model.claimed[address_of(holder), address_of(currency)]


# ------------------------------------------------------------------------------------------- distribution


def test_payment_on_a_fractionalized_right_goes_to_its_share_token(
    royalty_vault: Any, vault: Any, pay: Callable[..., Any], split: Licensed, licensee: Any, usd: Any
) -> None:
    shares = split.shares
    tx = pay(split.license_id, 10_000)
    assert events_of(tx) == [
        (
            "RoyaltyPaid",
            {
                "licenseId": split.license_id,
                "tokenId": split.right,
                "payer": licensee,
                "token": usd,
                "amount": 10_000,
                "beneficiary": shares,
                "reportHash": REPORT,
            },
        ),
        ("Transfer", {"from": licensee, "to": shares, "value": 10_000}),
        ("RoyaltyDistributed", {"currency": usd, "amount": 10_000, "cumulative": 10_000}),
    ]
    assert usd.balanceOf(shares) == 10_000
    assert (royalty_vault.owed(vault, usd), usd.balanceOf(royalty_vault)) == (0, 0)
    assert shares.royaltyCurrencies() == [usd]
    tx = pay(split.license_id, 500)
    assert events_of(tx)[-1] == ("RoyaltyDistributed", {"currency": usd, "amount": 500, "cumulative": 10_500})


def test_holders_claim_pro_rata(
    pay: Callable[..., Any], split: Licensed, alice: Any, bob: Any, carol: Any, usd: Any
) -> None:
    shares = split.shares
    pay(split.license_id, 10_000)
    assert [shares.royaltyOwed(h, usd) for h in (alice, bob, carol)] == [6_000, 3_000, 1_000]
    tx = shares.claimRoyalty(usd, {"from": bob})
    assert tx.return_value == 3_000
    assert events_of(tx) == [
        ("RoyaltyClaimed", {"holder": bob, "currency": usd, "amount": 3_000}),
        ("Transfer", {"from": shares, "to": bob, "value": 3_000}),
    ]
    assert (shares.royaltyOwed(bob, usd), shares.royaltyClaimed(bob, usd), usd.balanceOf(bob)) == (0, 3_000, 3_000)
    with reverts("NoRoyaltyOwed", bob, usd):
        shares.claimRoyalty(usd, {"from": bob})
    pay(split.license_id, 1_000)
    assert [shares.royaltyOwed(h, usd) for h in (alice, bob, carol)] == [6_600, 300, 1_100]
    assert usd.balanceOf(shares) == 8_000


def test_one_division_at_the_end_loses_no_remainder(
    licensed: Callable[..., Licensed], pay: Callable[..., Any], alice: Any, bob: Any, carol: Any, usd: Any
) -> None:
    """Three equal holders: 100 gives 33 each (1 stays in the token); 2 more make 102, so 34 each, not 33 + 0."""
    deal = licensed(supply=3)
    deal.shares.transfer(bob, 1, {"from": alice})
    deal.shares.transfer(carol, 1, {"from": alice})
    pay(deal.license_id, 100)
    assert [deal.shares.royaltyOwed(h, usd) for h in (alice, bob, carol)] == [33, 33, 33]
    deal.shares.claimRoyalty(usd, {"from": alice})
    pay(deal.license_id, 2)
    assert [deal.shares.royaltyOwed(h, usd) for h in (alice, bob, carol)] == [1, 34, 34]
    assert usd.balanceOf(deal.shares) == 102 - 33


def test_holders_trading_between_payments_claim_what_accrued_to_them(
    licensed: Callable[..., Licensed], pay: Callable[..., Any], alice: Any, bob: Any, carol: Any, usd: Any
) -> None:
    deal, model = licensed(), RoyaltyModel(1_000)
    shares = deal.shares
    model.mint(alice, 1_000)

    def trade(sender: Any, recipient: Any, amount: int) -> None:
        tx = shares.transfer(recipient, amount, {"from": sender})
        assert events_of(tx) == [("Transfer", {"from": sender, "to": recipient, "amount": amount})]
        model.move(sender, recipient, amount)

    def royalty(amount: int) -> None:
        pay(deal.license_id, amount)
        model.pay(usd, amount)

    royalty(1_000)
    trade(alice, bob, 400)
    royalty(500)
    trade(bob, carol, 400)  # bob sells everything
    claimed = shares.claimRoyalty(usd, {"from": alice}).return_value
    model.claim(alice, usd, claimed)
    royalty(333)
    trade(carol, alice, 1)
    royalty(7)
    assert_matches(shares, model, usd, [alice, bob, carol])
    # alice: 1000*1000 + 500*600 + 333*600 + 7*601 (x 1/1000); bob: 500*400; carol: 333*400 + 7*399
    assert [model.accrued(h, usd) for h in (alice, bob, carol)] == [1_504, 200, 135]
    for holder in (alice, bob, carol):
        if shares.royaltyOwed(holder, usd):
            shares.claimRoyalty(usd, {"from": holder})
    assert [usd.balanceOf(h) for h in (alice, bob, carol)] == [1_504, 200, 135]
    assert usd.balanceOf(shares) == 1_840 - 1_839


def test_transfers_before_any_royalty_book_nothing(split: Licensed, alice: Any, bob: Any, usd: Any) -> None:
    shares = split.shares
    assert shares.royaltyCurrencies() == []
    assert shares.royaltyOwed(alice, usd) == 0
    with reverts("NoRoyaltyOwed", alice, usd):
        shares.claimRoyalty(usd, {"from": alice})
    shares.transfer(bob, 10, {"from": alice})
    assert (shares.royaltyOwed(alice, usd), shares.royaltyOwed(bob, usd)) == (0, 0)


def test_unknown_currency_owes_nothing(
    pay: Callable[..., Any], split: Licensed, alice: Any, usd: Any, stranger: Any
) -> None:
    pay(split.license_id, 1_000)
    assert split.shares.royaltyOwed(alice, stranger) == 0
    with reverts("NoRoyaltyOwed", alice, stranger):
        split.shares.claimRoyalty(stranger, {"from": alice})


# ------------------------------------------------------------------------------------------- officer actions


def test_forced_transfer_leaves_accrued_royalties_with_the_former_holder(
    pay: Callable[..., Any], split: Licensed, officer: Any, alice: Any, bob: Any, carol: Any, usd: Any
) -> None:
    shares, model = split.shares, RoyaltyModel(1_000)
    for holder, amount in ((alice, 600), (bob, 300), (carol, 100)):
        model.mint(holder, amount)
    pay(split.license_id, 999)
    model.pay(usd, 999)
    tx = shares.forcedTransfer(bob, carol, 250, REASON, {"from": officer})
    assert [name for name, _ in events_of(tx)] == ["Transfer", "ForcedTransfer", "ForcedTransfer"]
    model.move(bob, carol, 250)
    pay(split.license_id, 1_001)
    model.pay(usd, 1_001)
    assert_matches(shares, model, usd, [alice, bob, carol])
    assert [shares.royaltyOwed(h, usd) for h in (alice, bob, carol)] == [1_200, 349, 450]


def test_recovery_moves_unclaimed_royalties_to_the_replacement(
    licensed: Callable[..., Licensed],
    pay: Callable[..., Any],
    officer: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    stranger: Any,
    usd: Any,
) -> None:
    """Three equal holders, 100 paid: bob's wallet is lost with 33 and a third of a unit unclaimed. The replacement
    gets both, so after 2 more it may claim 34, what bob's wallet would have had."""
    deal = licensed(supply=3)
    shares = deal.shares
    shares.transfer(bob, 1, {"from": alice})
    shares.transfer(carol, 1, {"from": alice})
    pay(deal.license_id, 100)
    tx = shares.recover(bob, stranger, REASON, {"from": officer})
    assert events_of(tx) == [
        ("Transfer", {"from": bob, "to": stranger, "amount": 1}),
        ("RoyaltyRecovered", {"lost": bob, "replacement": stranger, "currency": usd, "amount": 33}),
        (
            "WalletRecovered",
            {"lost": bob, "replacement": stranger, "amount": 1, "reasonHash": REASON, "officer": officer},
        ),
        ("ForcedTransfer", {"from": bob, "to": stranger, "amount": 1}),
    ]
    assert (shares.royaltyOwed(bob, usd), shares.royaltyOwed(stranger, usd)) == (0, 33)
    pay(deal.license_id, 2)
    assert [shares.royaltyOwed(h, usd) for h in (alice, bob, carol, stranger)] == [34, 0, 34, 34]


def test_recovery_after_a_partial_claim_moves_only_the_rest(
    licensed: Callable[..., Licensed],
    pay: Callable[..., Any],
    officer: Any,
    alice: Any,
    bob: Any,
    stranger: Any,
    usd: Any,
) -> None:
    deal = licensed(supply=3)
    shares = deal.shares
    shares.transfer(bob, 2, {"from": alice})
    pay(deal.license_id, 100)  # bob: 66 and two thirds
    shares.claimRoyalty(usd, {"from": bob})
    pay(deal.license_id, 49)  # bob: 99 and a third, 66 claimed
    tx = shares.recover(bob, stranger, REASON, {"from": officer})
    assert tx.events["RoyaltyRecovered"] == {"lost": bob, "replacement": stranger, "currency": usd, "amount": 33}
    assert (shares.royaltyOwed(bob, usd), shares.royaltyClaimed(bob, usd)) == (0, 66)
    assert shares.royaltyOwed(stranger, usd) == 33
    pay(deal.license_id, 1)  # the third moved with the wallet: 33 + 1/3 + 2/3 = 34
    assert shares.royaltyOwed(stranger, usd) == 34


def test_recovery_of_a_wallet_that_claimed_everything_moves_no_royalty(
    licensed: Callable[..., Licensed], pay: Callable[..., Any], officer: Any, alice: Any, bob: Any, stranger: Any
) -> None:
    deal = licensed(supply=4)
    deal.shares.transfer(bob, 2, {"from": alice})
    pay(deal.license_id, 100)
    deal.shares.claimRoyalty(deal.shares.royaltyCurrencies()[0], {"from": bob})
    tx = deal.shares.recover(bob, stranger, REASON, {"from": officer})
    assert [name for name, _ in events_of(tx)] == ["Transfer", "WalletRecovered", "ForcedTransfer"]


def test_frozen_holder_still_claims_royalties(
    pay: Callable[..., Any], split: Licensed, officer: Any, bob: Any, usd: Any
) -> None:
    """A freeze stops the shares, not the royalties they earned (see docs/licensing.md)."""
    split.shares.freeze(bob, MAX_UINT256, REASON, {"from": officer})
    pay(split.license_id, 1_000)
    assert split.shares.claimRoyalty(usd, {"from": bob}).return_value == 300


# ------------------------------------------------------------------------------------------- redemption


def test_redemption_keeps_accrued_royalties_and_later_payments_go_to_the_redeemer(
    royalty_vault: Any,
    vault: Any,
    registry: Any,
    pay: Callable[..., Any],
    split: Licensed,
    alice: Any,
    bob: Any,
    carol: Any,
    usd: Any,
) -> None:
    shares = split.shares
    pay(split.license_id, 1_000)
    shares.transfer(alice, 300, {"from": bob})
    shares.transfer(alice, 100, {"from": carol})
    pay(split.license_id, 500)
    vault.redeem(split.right, {"from": alice})
    assert (shares.totalSupply(), registry.ownerOf(split.right)) == (0, alice)
    assert [shares.royaltyOwed(h, usd) for h in (alice, bob, carol)] == [1_100, 300, 100]

    tx = pay(split.license_id, 200)
    assert tx.events["RoyaltyPaid"]["beneficiary"] == alice
    assert "RoyaltyDistributed" not in tx.events
    assert royalty_vault.owed(alice, usd) == 200
    assert shares.royaltyOwed(alice, usd) == 1_100
    for holder in (alice, bob, carol):
        shares.claimRoyalty(usd, {"from": holder})
    royalty_vault.withdraw(usd, {"from": alice})
    assert [usd.balanceOf(h) for h in (alice, bob, carol)] == [1_300, 300, 100]
    assert usd.balanceOf(shares) == 0


def test_a_new_fractionalization_starts_a_fresh_share_token(
    vault: Any,
    registry: Any,
    pay: Callable[..., Any],
    fractionalize: Callable[..., Any],
    split: Licensed,
    alice: Any,
    bob: Any,
    carol: Any,
    usd: Any,
) -> None:
    old = split.shares
    pay(split.license_id, 1_000)
    old.transfer(alice, 300, {"from": bob})
    old.transfer(alice, 100, {"from": carol})
    vault.redeem(split.right, {"from": alice})
    new = fractionalize(alice, split.right, supply=10)
    new.transfer(bob, 5, {"from": alice})
    tx = pay(split.license_id, 50)
    assert tx.events["RoyaltyPaid"]["beneficiary"] == new
    assert [new.royaltyOwed(h, usd) for h in (alice, bob)] == [25, 25]
    assert [old.royaltyOwed(h, usd) for h in (alice, bob, carol)] == [600, 300, 100]


def test_right_taken_from_the_vault_pays_its_new_owner(
    royalty_vault: Any, registry: Any, registrar: Any, pay: Callable[..., Any], split: Licensed, bob: Any, usd: Any
) -> None:
    registry.forceTransfer(split.right, bob, ORDER, {"from": registrar})
    tx = pay(split.license_id, 70)
    assert tx.events["RoyaltyPaid"]["beneficiary"] == bob
    assert royalty_vault.owed(bob, usd) == 70


def test_right_back_in_the_vault_without_shares_cannot_be_paid(
    vault: Any, registry: Any, registrar: Any, pay: Callable[..., Any], split: Licensed, bob: Any, stranger: Any
) -> None:
    registry.forceTransfer(split.right, bob, ORDER, {"from": registrar})
    vault.syncCustody(split.right, {"from": stranger})
    registry.forceTransfer(split.right, vault, ORDER, {"from": registrar})
    with reverts("NoShareToken", split.right):
        pay(split.license_id, 70)


# ------------------------------------------------------------------------------------------- access and bounds


def test_only_the_royalty_vault_distributes(
    split: Licensed, usd: Any, stranger: Any, alice: Any, admin: Any, officer: Any
) -> None:
    for caller in (stranger, alice, admin, officer):
        with reverts("OnlyRoyaltyVault", caller):
            split.shares.distributeRoyalty(usd, 1, {"from": caller})
    assert split.shares.royaltyCurrencies() == []


def test_shares_of_a_vault_without_royalties_refuse_distributions(
    FractionVault: Any,  # noqa: N803
    ShareToken: Any,  # noqa: N803
    registry: Any,
    compliance: Any,
    new_right: Callable[[Any], int],
    admin: Any,
    alice: Any,
    stranger: Any,
    usd: Any,
) -> None:
    plain = FractionVault.deploy(registry, compliance, ZERO_ADDRESS, {"from": admin})
    right = new_right(alice)
    registry.approve(plain, right, {"from": alice})
    shares = ShareToken.at(plain.fractionalize(right, "S", "S", 18, 100, False, {"from": alice}).return_value)
    assert (plain.royaltyVault(), shares.royaltyVault()) == (ZERO_ADDRESS, ZERO_ADDRESS)
    with reverts("OnlyRoyaltyVault", stranger):
        shares.distributeRoyalty(usd, 1, {"from": stranger})


def test_at_most_four_royalty_currencies(
    new_right: Callable[[Any], int],
    grant: Callable[..., int],
    fractionalize: Callable[..., Any],
    pay: Callable[..., Any],
    TestStablecoin: Any,  # noqa: N803
    admin: Any,
    alice: Any,
    usd: Any,
) -> None:
    currencies = [usd] + [TestStablecoin.deploy({"from": admin}) for _ in range(MAX_ROYALTY_CURRENCIES)]
    right = new_right(alice)
    licences = [grant(alice, right, payment_token=currency) for currency in currencies]
    shares = fractionalize(alice, right, supply=10)
    for currency, license_id in list(zip(currencies, licences, strict=True))[:MAX_ROYALTY_CURRENCIES]:
        pay(license_id, 10, token=currency)
    assert shares.royaltyCurrencies() == currencies[:MAX_ROYALTY_CURRENCIES]
    with reverts("TooManyRoyaltyCurrencies", currencies[-1]):
        pay(licences[-1], 10, token=currencies[-1])
    pay(licences[0], 10)  # a known currency is still welcome
    assert [shares.royaltyOwed(alice, c) for c in currencies] == [20, 10, 10, 10, 0]


def test_revoked_licences_of_a_former_holder_cannot_fill_the_currency_slots(
    registry: Any,
    licenses: Any,
    new_right: Callable[[Any], int],
    grant: Callable[..., int],
    fractionalize: Callable[..., Any],
    pay: Callable[..., Any],
    TestStablecoin: Any,  # noqa: N803
    admin: Any,
    alice: Any,
    bob: Any,
    stranger: Any,
    usd: Any,
) -> None:
    """A former holder's licences in junk tokens, revoked by the new owner before fractionalizing, cannot open a
    currency: 1 wei on each would otherwise fill all four slots for good."""
    junk = [TestStablecoin.deploy({"from": stranger}) for _ in range(MAX_ROYALTY_CURRENCIES)]
    right = new_right(bob)
    junk_licences = [grant(bob, right, payment_token=token, to=stranger) for token in junk]
    usd_licence = grant(bob, right, to=stranger)
    registry.transferFrom(bob, alice, right, {"from": bob})
    for license_id in [*junk_licences, usd_licence]:
        licenses.revoke(license_id, REASON, {"from": alice})
    shares = fractionalize(alice, right, supply=10)
    for token, license_id in zip(junk, junk_licences, strict=True):
        with reverts("CurrencyNotOpen", license_id, token):
            pay(license_id, 1, token=token, payer=stranger)
    with reverts("CurrencyNotOpen", usd_licence, usd):
        pay(usd_licence, 1, payer=stranger)
    assert shares.royaltyCurrencies() == []


def test_revoked_licence_pays_late_in_an_open_currency(
    licenses: Any,
    new_right: Callable[[Any], int],
    grant: Callable[..., int],
    fractionalize: Callable[..., Any],
    pay: Callable[..., Any],
    TestStablecoin: Any,  # noqa: N803
    admin: Any,
    alice: Any,
    usd: Any,
) -> None:
    right = new_right(alice)
    open_licence = grant(alice, right)
    revoked_usd = grant(alice, right)
    other = TestStablecoin.deploy({"from": admin})
    revoked_other = grant(alice, right, payment_token=other)
    licenses.revoke(revoked_usd, REASON, {"from": alice})
    licenses.revoke(revoked_other, REASON, {"from": alice})
    shares = fractionalize(alice, right, supply=10)
    with reverts("CurrencyNotOpen", revoked_usd, usd):
        pay(revoked_usd, 10)
    pay(open_licence, 10)  # a licence in force opens usd
    pay(revoked_usd, 10)  # a late payment on a revoked licence in an open currency is welcome
    with reverts("CurrencyNotOpen", revoked_other, other):
        pay(revoked_other, 10, token=other)
    assert shares.royaltyCurrencies() == [usd]
    assert shares.royaltyOwed(alice, usd) == 20


def test_revoked_licence_of_an_unfractionalized_right_still_pays_its_owner(
    royalty_vault: Any,
    licenses: Any,
    new_right: Callable[[Any], int],
    grant: Callable[..., int],
    pay: Callable[..., Any],
    alice: Any,
    usd: Any,
) -> None:
    right = new_right(alice)
    license_id = grant(alice, right)
    licenses.revoke(license_id, REASON, {"from": alice})
    pay(license_id, 10)
    assert royalty_vault.owed(alice, usd) == 10


def test_the_share_token_itself_is_no_royalty_currency(
    registry: Any,
    vault: Any,
    royalty_vault: Any,
    new_right: Callable[[Any], int],
    grant: Callable[..., int],
    fractionalize: Callable[..., Any],
    alice: Any,
    licensee: Any,
) -> None:
    """Share-denominated dust held by the share token would keep anybody from ever holding the whole supply."""
    right = new_right(alice)
    shares_address = to_checksum_address(
        keccak(rlp.encode([bytes.fromhex(vault.address[2:]), web3.eth.get_transaction_count(vault.address)]))[12:]
    )
    license_id = grant(alice, right, payment_token=shares_address)
    shares = fractionalize(alice, right, supply=10)
    assert shares.address == shares_address
    shares.transfer(licensee, 1, {"from": alice})
    shares.approve(royalty_vault, 1, {"from": licensee})
    with reverts("InvalidRoyaltyCurrency", shares):
        royalty_vault.pay(license_id, 1, REPORT, {"from": licensee})
    assert shares.balanceOf(shares) == 0 and shares.royaltyCurrencies() == []


def test_cumulative_royalty_stays_below_two_to_the_120(
    pay: Callable[..., Any], split: Licensed, alice: Any, usd: Any
) -> None:
    with reverts("RoyaltyTotalTooLarge", usd, 0, CUMULATIVE_BOUND):
        pay(split.license_id, CUMULATIVE_BOUND)
    pay(split.license_id, CUMULATIVE_BOUND - 1)
    with reverts("RoyaltyTotalTooLarge", usd, CUMULATIVE_BOUND - 1, 1):
        pay(split.license_id, 1)
    assert split.shares.royaltyOwed(alice, usd) == (CUMULATIVE_BOUND - 1) * 600 // 1_000


def test_supply_stays_below_two_to_the_128(
    new_right: Callable[[Any], int], fractionalize: Callable[..., Any], alice: Any
) -> None:
    with reverts("SupplyTooLarge", SUPPLY_BOUND):
        fractionalize(alice, new_right(alice), supply=SUPPLY_BOUND)
    assert fractionalize(alice, new_right(alice), supply=SUPPLY_BOUND - 1).totalSupply() == SUPPLY_BOUND - 1


def test_accounting_is_exact_at_the_bounds(
    licensed: Callable[..., Licensed], pay: Callable[..., Any], officer: Any, alice: Any, bob: Any, carol: Any, usd: Any
) -> None:
    """The largest supply and cumulative royalty: every product near 2**248, nothing overflows, still exact."""
    supply = SUPPLY_BOUND - 1
    deal, model = licensed(supply=supply), RoyaltyModel(supply)
    shares = deal.shares
    model.mint(alice, supply)
    steps: list[tuple[str, Any, Any, int]] = [
        ("move", alice, bob, 2**127 + 12_345),
        ("pay", None, None, 2**119 + 7),
        ("move", bob, carol, 2**126 - 1),
        ("force", alice, carol, 3),
        ("pay", None, None, 2**119 - 9),
        ("move", carol, alice, 2**125),
    ]
    for kind, sender, recipient, amount in steps:
        if kind == "pay":
            pay(deal.license_id, amount)
            model.pay(usd, amount)
        else:
            if kind == "move":
                shares.transfer(recipient, amount, {"from": sender})
            else:
                shares.forcedTransfer(sender, recipient, amount, REASON, {"from": officer})
            model.move(sender, recipient, amount)
    assert model.paid(usd) == CUMULATIVE_BOUND - 2
    assert_matches(shares, model, usd, [alice, bob, carol])
    total = sum(shares.claimRoyalty(usd, {"from": h}).return_value for h in (alice, bob, carol))
    assert total <= CUMULATIVE_BOUND - 2
    assert usd.balanceOf(shares) == CUMULATIVE_BOUND - 2 - total


def test_reentrant_claim_is_refused(
    licensed: Callable[..., Licensed], pay: Callable[..., Any], admin: Any, alice: Any, bob: Any
) -> None:
    """The currency re-enters ``claimRoyalty`` from its transfer: the guard refuses, SafeTransferLib reports it."""
    token = deploy_test_contract("ReentrantTransferToken", admin)
    deal = licensed(payment_token=token)
    deal.shares.transfer(bob, 500, {"from": alice})
    pay(deal.license_id, 1_000, token=token)
    token.arm(deal.shares, deal.shares.claimRoyalty.encode_input(token), {"from": bob})
    with reverts_with_data(TRANSFER_FAILED) as capture:
        deal.shares.claimRoyalty(token, {"from": bob})
    assert (address_of(deal.shares), REENTRANT_CALL) in reverted_frames(capture.exception.txid)
    assert (deal.shares.royaltyOwed(bob, token), token.balanceOf(bob)) == (500, 0)
