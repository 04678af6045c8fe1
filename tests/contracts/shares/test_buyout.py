"""FractionVault buyouts: start (deposit pulled exactly), tender, withdraw, settle (success: the right to the bidder,
tendered shares burnt; failure: deposit and shares claimable), cancel, claim, redeem for cash, the threshold set at
fractionalization (default two thirds), compliance of the bidder, frozen shares and rights, hostile payment tokens,
and prices per whole share: 18-decimal shares bought with 6-decimal tUSD, payments rounded down so that they never
exceed the deposit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from brownie import chain
from eth_utils import keccak
from registry_helpers import ZERO_ADDRESS, events_of
from share_helpers import COMPLIANCE_OFFICER_ROLE, REASON, VENUE_HASH, reverts

DAY = 86_400
WINDOW = 3 * DAY
PRICE = 3  # payment base units per whole share (the `deal` shares have 0 decimals: one base unit is one share)
SMALL = 10_000  # a supply whose thresholds are whole shares: 6667 of 10000 is two thirds (rounded up)
USD = 10**6  # one tUSD (6 decimals)
ONE = 10**18  # one share of 18 decimals
ORDER = b"\x42" * 32
DISPUTE_ROLE = keccak(text="DISPUTE_ROLE")

OPEN, SUCCEEDED, FAILED, CANCELLED = 1, 2, 3, 4
BELOW_THRESHOLD, CUSTODY_LOST, RIGHT_FROZEN, RIGHT_DISPUTED, BIDDER_INELIGIBLE = 1, 2, 3, 4, 5

assert COMPLIANCE_OFFICER_ROLE  # imported for the officer's scope (global officers act on every share token)


@pytest.fixture(scope="module")
def usd(TestStablecoin: Any, admin: Any) -> Any:  # noqa: N803
    return TestStablecoin.deploy({"from": admin})


@pytest.fixture(scope="module")
def deal(fractionalize: Callable[..., Any], new_right: Callable[[Any], int], alice: Any, bob: Any) -> Any:
    """A right fractionalized into SMALL whole shares (0 decimals, so that the deposit is PRICE * SMALL and every
    payment exact): ``alice`` keeps 6000, ``bob`` holds 4000 (default threshold)."""
    fractionalized = fractionalize(alice, new_right(alice), supply=SMALL, decimals=0)
    fractionalized.shares.transfer(bob, 4_000, {"from": alice})
    return fractionalized


def deposit_of(deal: Any, price: int) -> int:
    """The deposit of a buyout of ``deal`` at ``price`` per whole share: supply * price / 10**decimals, rounded down."""
    return deal.shares.totalSupply() * price // 10 ** deal.shares.decimals()


def start(vault: Any, token: Any, deal: Any, bidder: Any, *, price: int = PRICE, window: int = WINDOW) -> Any:
    """Mints and approves the deposit, then starts a buyout of ``deal`` as ``bidder``; the receipt."""
    deposit = deposit_of(deal, price)
    token.mint(bidder, deposit, {"from": bidder})
    token.approve(vault, deposit, {"from": bidder})
    return vault.startBuyout(deal.token_id, token, price, window, {"from": bidder})


def tender(vault: Any, deal: Any, buyout_id: int, holder: Any, amount: int) -> Any:
    deal.shares.approve(vault, amount, {"from": holder})
    return vault.tender(buyout_id, amount, {"from": holder})


def close_window() -> None:
    chain.sleep(WINDOW + 1)
    chain.mine()


def returned(tx: Any) -> tuple[int, ...]:
    """A receipt's tuple return value as plain integers."""
    return tuple(int(value) for value in tx.return_value)


def info(vault: Any, buyout_id: int) -> dict[str, Any]:
    fields = [
        "tokenId",
        "bidder",
        "shareToken",
        "paymentToken",
        "pricePerShare",
        "deposit",
        "supply",
        "tendered",
        "threshold",
        "endsAt",
        "state",
        "reason",
        "depositRefunded",
    ]
    return dict(zip(fields, vault.buyoutOf(buyout_id), strict=True))


# ------------------------------------------------------------------------------------------------ start


def test_start_pulls_the_deposit_and_opens_the_window(vault: Any, usd: Any, deal: Any, carol: Any) -> None:
    tx = start(vault, usd, deal, carol)
    buyout_id = tx.return_value
    assert buyout_id == 1
    deposit = PRICE * SMALL
    started = [event for event in events_of(tx) if event[0] == "BuyoutStarted"]
    assert started == [
        (
            "BuyoutStarted",
            {
                "buyoutId": 1,
                "tokenId": deal.token_id,
                "bidder": carol,
                "shareToken": deal.shares,
                "paymentToken": usd,
                "pricePerShare": PRICE,
                "deposit": deposit,
                "threshold": 6667,
                "endsAt": tx.timestamp + WINDOW,
            },
        )
    ]
    assert usd.balanceOf(vault) == deposit and usd.balanceOf(carol) == 0
    state = info(vault, buyout_id)
    assert (state["state"], state["tendered"], state["supply"], state["threshold"]) == (OPEN, 0, SMALL, 6667)
    assert (state["pricePerShare"], state["deposit"]) == (PRICE, deposit)
    assert vault.latestBuyoutOf(deal.token_id) == buyout_id
    assert vault.buyoutThresholdOf(deal.token_id) == 6667


def test_start_links_into_the_right_history(vault: Any, usd: Any, deal: Any, carol: Any) -> None:
    before = vault.historyOf(deal.token_id)
    start(vault, usd, deal, carol)
    assert vault.historyOf(deal.token_id) != before


def test_second_start_while_open_reverts(vault: Any, usd: Any, deal: Any, carol: Any, bob: Any) -> None:
    start(vault, usd, deal, carol)
    usd.mint(bob, PRICE * SMALL, {"from": bob})
    usd.approve(vault, PRICE * SMALL, {"from": bob})
    with reverts("BuyoutInProgress", deal.token_id, 1):
        vault.startBuyout(deal.token_id, usd, PRICE, WINDOW, {"from": bob})


def test_start_refuses_bad_arguments(vault: Any, usd: Any, deal: Any, carol: Any, new_right: Any) -> None:
    with reverts("InvalidBuyoutWindow", DAY - 1, DAY, 90 * DAY):
        vault.startBuyout(deal.token_id, usd, PRICE, DAY - 1, {"from": carol})
    with reverts("InvalidBuyoutWindow", 90 * DAY + 1, DAY, 90 * DAY):
        vault.startBuyout(deal.token_id, usd, PRICE, 90 * DAY + 1, {"from": carol})
    with reverts("InvalidBuyoutPrice", 0, SMALL):
        vault.startBuyout(deal.token_id, usd, 0, WINDOW, {"from": carol})
    # A price of 2**128 or more, or a deposit of 2**128 or more, does not fit the buyout's packed slot.
    for too_high in (2**128, 2**256 - 1, (2**128 - 1) // SMALL + 1):
        with reverts("InvalidBuyoutPrice", too_high, SMALL):
            vault.startBuyout(deal.token_id, usd, too_high, WINDOW, {"from": carol})
    with reverts("InvalidPaymentToken", ZERO_ADDRESS):
        vault.startBuyout(deal.token_id, ZERO_ADDRESS, PRICE, WINDOW, {"from": carol})
    with reverts("InvalidPaymentToken", deal.shares):
        vault.startBuyout(deal.token_id, deal.shares, PRICE, WINDOW, {"from": carol})
    loose = new_right(carol)
    with reverts("NotFractionalized", loose):
        vault.startBuyout(loose, usd, PRICE, WINDOW, {"from": carol})


def test_start_of_a_frozen_or_disputed_right_reverts(
    vault: Any, registry: Any, usd: Any, deal: Any, carol: Any, registrar: Any, admin: Any
) -> None:
    registry.freeze(deal.token_id, ORDER, {"from": registrar})
    with reverts("RightNotTransferable", deal.token_id):
        start(vault, usd, deal, carol)
    registry.unfreeze(deal.token_id, ORDER, {"from": registrar})
    registry.grantRole(DISPUTE_ROLE, admin, {"from": admin})
    registry.setLock(deal.token_id, True, ZERO_ADDRESS, ORDER, {"from": admin})
    assert registry.recordOf(deal.token_id)["disputeLocked"] is True
    with reverts("RightNotTransferable", deal.token_id):
        start(vault, usd, deal, carol)


# ------------------------------------------------------------------------------------------- tender, withdraw


def test_tender_escrows_shares_and_withdraw_returns_them(vault: Any, usd: Any, deal: Any, carol: Any, bob: Any) -> None:
    buyout_id = start(vault, usd, deal, carol).return_value
    tx = tender(vault, deal, buyout_id, bob, 1_500)
    assert (
        "SharesTendered",
        {"buyoutId": 1, "tokenId": deal.token_id, "holder": bob, "amount": 1_500, "tendered": 1_500},
    ) in events_of(tx)
    tender(vault, deal, buyout_id, bob, 500)
    assert deal.shares.balanceOf(vault) == 2_000 and deal.shares.balanceOf(bob) == 2_000
    assert vault.tenderedBy(buyout_id, bob) == 2_000
    tx = vault.withdrawTender(buyout_id, {"from": bob})
    assert tx.return_value == 2_000
    assert (
        "TenderWithdrawn",
        {"buyoutId": 1, "tokenId": deal.token_id, "holder": bob, "amount": 2_000, "tendered": 0},
    ) in events_of(tx)
    assert deal.shares.balanceOf(bob) == 4_000 and vault.tenderedBy(buyout_id, bob) == 0
    with reverts("NothingToClaim", buyout_id, bob):
        vault.withdrawTender(buyout_id, {"from": bob})
    with reverts("ZeroAmount"):
        vault.tender(buyout_id, 0, {"from": bob})


def test_tender_and_withdraw_after_the_window_revert(vault: Any, usd: Any, deal: Any, carol: Any, bob: Any) -> None:
    tx = start(vault, usd, deal, carol)
    buyout_id, ends_at = tx.return_value, tx.timestamp + WINDOW
    tender(vault, deal, buyout_id, bob, 100)
    close_window()
    deal.shares.approve(vault, 100, {"from": bob})
    with reverts("TenderWindowClosed", buyout_id, ends_at):
        vault.tender(buyout_id, 100, {"from": bob})
    with reverts("TenderWindowClosed", buyout_id, ends_at):
        vault.withdrawTender(buyout_id, {"from": bob})


def test_frozen_shares_cannot_be_tendered(vault: Any, usd: Any, deal: Any, carol: Any, bob: Any, officer: Any) -> None:
    buyout_id = start(vault, usd, deal, carol).return_value
    deal.shares.freeze(bob, 3_000, REASON, {"from": officer})
    deal.shares.approve(vault, 1_001, {"from": bob})
    with reverts("ERC7943InsufficientUnfrozenBalance", bob, 1_001, 1_000):
        vault.tender(buyout_id, 1_001, {"from": bob})
    vault.tender(buyout_id, 1_000, {"from": bob})
    deal.shares.freeze(bob, 2**256 - 1, REASON, {"from": officer})
    deal.shares.approve(vault, 1, {"from": bob})
    with reverts("HolderFrozen", bob):
        vault.tender(buyout_id, 1, {"from": bob})


def test_unknown_buyout_reverts(vault: Any, bob: Any) -> None:
    with reverts("UnknownBuyout", 7):
        vault.tender(7, 1, {"from": bob})
    with reverts("UnknownBuyout", 7):
        vault.settleBuyout(7, {"from": bob})
    with reverts("UnknownBuyout", 7):
        vault.claimBuyout(7, {"from": bob})


# ------------------------------------------------------------------------------------------------ settle


def test_settle_before_the_window_closes_reverts(vault: Any, usd: Any, deal: Any, carol: Any, bob: Any) -> None:
    tx = start(vault, usd, deal, carol)
    with reverts("TenderWindowOpen", tx.return_value, tx.timestamp + WINDOW):
        vault.settleBuyout(tx.return_value, {"from": bob})


def test_success_hands_the_right_over_and_pays_everyone_exactly(
    vault: Any, registry: Any, usd: Any, deal: Any, alice: Any, bob: Any, carol: Any, stranger: Any
) -> None:
    buyout_id = start(vault, usd, deal, carol).return_value
    tender(vault, deal, buyout_id, alice, 6_000)
    tender(vault, deal, buyout_id, bob, 1_000)
    close_window()
    tx = vault.settleBuyout(buyout_id, {"from": stranger})
    assert tx.return_value is True
    assert (
        "BuyoutSucceeded",
        {"buyoutId": 1, "tokenId": deal.token_id, "bidder": carol, "tendered": 7_000, "supply": SMALL},
    ) in events_of(tx)
    assert registry.ownerOf(deal.token_id) == carol
    assert vault.shareTokenOf(deal.token_id) == ZERO_ADDRESS
    assert vault.buyoutThresholdOf(deal.token_id) == 0
    assert deal.shares.totalSupply() == 3_000 and deal.shares.balanceOf(vault) == 0
    assert info(vault, buyout_id)["state"] == SUCCEEDED
    # Tenderers pull their price.
    tx = vault.claimBuyout(buyout_id, {"from": alice})
    assert returned(tx) == (0, 6_000 * PRICE)
    assert (
        "BuyoutClaimed",
        {"buyoutId": 1, "tokenId": deal.token_id, "account": alice, "shares": 0, "payment": 6_000 * PRICE},
    ) in events_of(tx)
    with reverts("NothingToClaim", buyout_id, alice):
        vault.claimBuyout(buyout_id, {"from": alice})
    vault.claimBuyout(buyout_id, {"from": bob})
    # Untendered shares: redeemable for their part of the price, by burning.
    tx = vault.redeemForCash(buyout_id, 2_500, {"from": bob})
    assert tx.return_value == 2_500 * PRICE
    assert (
        "SharesCashedOut",
        {"buyoutId": 1, "tokenId": deal.token_id, "holder": bob, "amount": 2_500, "payment": 2_500 * PRICE},
    ) in events_of(tx)
    vault.redeemForCash(buyout_id, 500, {"from": bob})
    assert usd.balanceOf(alice) == 6_000 * PRICE and usd.balanceOf(bob) == 4_000 * PRICE
    assert usd.balanceOf(vault) == 0 and deal.shares.totalSupply() == 0
    with reverts("BuyoutNotInState", buyout_id, SUCCEEDED):
        vault.settleBuyout(buyout_id, {"from": stranger})
    with reverts("BuyoutNotInState", buyout_id, SUCCEEDED):
        vault.cancelBuyout(buyout_id, {"from": carol})


def test_redeem_for_cash_refuses_frozen_and_missing_shares(
    vault: Any, usd: Any, deal: Any, alice: Any, bob: Any, carol: Any, officer: Any
) -> None:
    buyout_id = start(vault, usd, deal, carol).return_value
    tender(vault, deal, buyout_id, alice, 6_000)
    tender(vault, deal, buyout_id, bob, 1_000)
    close_window()
    vault.settleBuyout(buyout_id, {"from": carol})
    deal.shares.freeze(bob, 2**256 - 1, REASON, {"from": officer})
    with reverts("HolderFrozen", bob):
        vault.redeemForCash(buyout_id, 1, {"from": bob})
    deal.shares.unfreeze(bob, REASON, {"from": officer})
    with reverts("ZeroAmount"):
        vault.redeemForCash(buyout_id, 0, {"from": bob})
    with reverts("InsufficientBalance"):
        vault.redeemForCash(buyout_id, 3_001, {"from": bob})
    vault.redeemForCash(buyout_id, 3_000, {"from": bob})


def test_redeem_for_cash_before_success_reverts(vault: Any, usd: Any, deal: Any, carol: Any, bob: Any) -> None:
    buyout_id = start(vault, usd, deal, carol).return_value
    with reverts("BuyoutNotInState", buyout_id, OPEN):
        vault.redeemForCash(buyout_id, 1, {"from": bob})


def test_failure_returns_the_deposit_and_the_shares(
    vault: Any, registry: Any, usd: Any, deal: Any, bob: Any, carol: Any, stranger: Any
) -> None:
    buyout_id = start(vault, usd, deal, carol).return_value
    tender(vault, deal, buyout_id, bob, 4_000)
    close_window()
    tx = vault.settleBuyout(buyout_id, {"from": stranger})
    assert tx.return_value is False
    assert (
        "BuyoutFailed",
        {
            "buyoutId": 1,
            "tokenId": deal.token_id,
            "bidder": carol,
            "reason": BELOW_THRESHOLD,
            "tendered": 4_000,
            "supply": SMALL,
        },
    ) in events_of(tx)
    assert registry.ownerOf(deal.token_id) == vault
    assert vault.shareTokenOf(deal.token_id) == deal.shares
    assert returned(vault.claimBuyout(buyout_id, {"from": bob})) == (4_000, 0)
    assert deal.shares.balanceOf(bob) == 4_000
    assert returned(vault.claimBuyout(buyout_id, {"from": carol})) == (0, PRICE * SMALL)
    assert usd.balanceOf(carol) == PRICE * SMALL and usd.balanceOf(vault) == 0
    assert info(vault, buyout_id)["depositRefunded"] is True
    with reverts("NothingToClaim", buyout_id, carol):
        vault.claimBuyout(buyout_id, {"from": carol})
    with reverts("BuyoutNotInState", buyout_id, FAILED):
        vault.redeemForCash(buyout_id, 1, {"from": bob})
    # The right may be bid for again.
    assert start(vault, usd, deal, bob).return_value == 2


@pytest.mark.parametrize(("tendered", "succeeds"), [(6_667, True), (6_666, False)])
def test_default_threshold_is_two_thirds(
    vault: Any, usd: Any, deal: Any, alice: Any, bob: Any, carol: Any, tendered: int, succeeds: bool
) -> None:
    buyout_id = start(vault, usd, deal, carol).return_value
    tender(vault, deal, buyout_id, alice, 6_000)
    tender(vault, deal, buyout_id, bob, tendered - 6_000)
    close_window()
    assert vault.settleBuyout(buyout_id, {"from": carol}).return_value is succeeds


@pytest.mark.parametrize(("tendered", "succeeds"), [(7_500, True), (7_499, False)])
def test_threshold_set_at_fractionalization_binds(
    vault: Any, usd: Any, fractionalize: Any, new_right: Any, alice: Any, carol: Any, tendered: int, succeeds: bool
) -> None:
    fractionalized = fractionalize(alice, new_right(alice), supply=SMALL, decimals=0, buyout_threshold=7_500)
    assert (
        "BuyoutThresholdSet",
        {"tokenId": fractionalized.token_id, "shareToken": fractionalized.shares, "threshold": 7_500},
    ) in events_of(fractionalized.tx)
    assert vault.buyoutThresholdOf(fractionalized.token_id) == 7_500
    buyout_id = start(vault, usd, fractionalized, carol).return_value
    assert info(vault, buyout_id)["threshold"] == 7_500
    tender(vault, fractionalized, buyout_id, alice, tendered)
    close_window()
    assert vault.settleBuyout(buyout_id, {"from": carol}).return_value is succeeds


def test_threshold_one_wei_below_with_a_full_supply(
    vault: Any, usd: Any, fractionalize: Any, new_right: Any, alice: Any, carol: Any
) -> None:
    """10000 basis points: every share base unit must be tendered; one wei short fails."""
    supply = 10**24 + 1
    fractionalized = fractionalize(alice, new_right(alice), supply=supply, buyout_threshold=10_000)
    buyout_id = start(vault, usd, fractionalized, carol, price=1).return_value
    tender(vault, fractionalized, buyout_id, alice, supply - 1)
    close_window()
    tx = vault.settleBuyout(buyout_id, {"from": carol})
    assert tx.return_value is False and tx.events["BuyoutFailed"]["reason"] == BELOW_THRESHOLD


@pytest.mark.parametrize("threshold", [1, 5_000, 10_001, 65_535])
def test_invalid_threshold_reverts(vault: Any, registry: Any, new_right: Any, alice: Any, threshold: int) -> None:
    right = new_right(alice)
    registry.approve(vault, right, {"from": alice})
    with reverts("InvalidBuyoutThreshold", threshold):
        vault.fractionalize(right, "S", "S", 0, SMALL, False, threshold, {"from": alice})


def test_zero_threshold_means_the_default(vault: Any, fractionalize: Any, new_right: Any, alice: Any) -> None:
    fractionalized = fractionalize(alice, new_right(alice), supply=SMALL, buyout_threshold=0)
    assert "BuyoutThresholdSet" not in fractionalized.tx.events
    assert vault.buyoutThresholdOf(fractionalized.token_id) == 6_667


@pytest.mark.parametrize("lock", ["freeze", "dispute", "custody"])
def test_a_locked_or_lost_right_fails_the_buyout(
    vault: Any,
    registry: Any,
    usd: Any,
    deal: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    registrar: Any,
    admin: Any,
    lock: str,
) -> None:
    """Enough is tendered; the right's standing alone fails the buyout, and everything is claimable back."""
    buyout_id = start(vault, usd, deal, carol).return_value
    tender(vault, deal, buyout_id, alice, 6_000)
    tender(vault, deal, buyout_id, bob, 1_000)
    if lock == "freeze":
        registry.freeze(deal.token_id, ORDER, {"from": registrar})
        reason = RIGHT_FROZEN
    elif lock == "dispute":
        registry.grantRole(DISPUTE_ROLE, admin, {"from": admin})
        registry.setLock(deal.token_id, True, ZERO_ADDRESS, ORDER, {"from": admin})
        reason = RIGHT_DISPUTED
    else:
        registry.forceTransfer(deal.token_id, admin, ORDER, {"from": registrar})
        reason = CUSTODY_LOST
    close_window()
    tx = vault.settleBuyout(buyout_id, {"from": carol})
    assert tx.return_value is False and tx.events["BuyoutFailed"]["reason"] == reason
    assert info(vault, buyout_id)["reason"] == reason
    assert returned(vault.claimBuyout(buyout_id, {"from": alice})) == (6_000, 0)
    assert returned(vault.claimBuyout(buyout_id, {"from": bob})) == (1_000, 0)
    assert returned(vault.claimBuyout(buyout_id, {"from": carol})) == (0, PRICE * SMALL)
    assert deal.shares.balanceOf(alice) == 6_000 and deal.shares.balanceOf(bob) == 4_000


# ------------------------------------------------------------------------------------------------ cancel


def test_cancel_before_any_tender_returns_the_deposit(vault: Any, usd: Any, deal: Any, carol: Any) -> None:
    buyout_id = start(vault, usd, deal, carol).return_value
    tx = vault.cancelBuyout(buyout_id, {"from": carol})
    assert (
        "BuyoutCancelled",
        {"buyoutId": 1, "tokenId": deal.token_id, "bidder": carol, "deposit": PRICE * SMALL},
    ) in events_of(tx)
    assert usd.balanceOf(carol) == PRICE * SMALL and usd.balanceOf(vault) == 0
    state = info(vault, buyout_id)
    assert state["state"] == CANCELLED and state["depositRefunded"] is True
    with reverts("BuyoutNotInState", buyout_id, CANCELLED):
        vault.claimBuyout(buyout_id, {"from": carol})
    assert start(vault, usd, deal, carol).return_value == 2


def test_cancel_rules(vault: Any, usd: Any, deal: Any, bob: Any, carol: Any) -> None:
    buyout_id = start(vault, usd, deal, carol).return_value
    with reverts("NotBidder", bob, carol):
        vault.cancelBuyout(buyout_id, {"from": bob})
    tender(vault, deal, buyout_id, bob, 10)
    with reverts("TenderedShares", buyout_id, 10):
        vault.cancelBuyout(buyout_id, {"from": carol})
    vault.withdrawTender(buyout_id, {"from": bob})
    vault.cancelBuyout(buyout_id, {"from": carol})


# ------------------------------------------------------------------------------------------------ compliance


@pytest.fixture(scope="module")
def restricted_deal(
    fractionalize: Callable[..., Any],
    new_right: Callable[[Any], int],
    compliance: Any,
    officer: Any,
    vault: Any,
    alice: Any,
    bob: Any,
    investors: int,
    venues: None,
) -> Any:
    """A restricted share token of SMALL shares (alice 6000, bob 4000, both verified); the vault is a venue wallet."""
    compliance.registerVenue(vault, VENUE_HASH, {"from": officer})
    fractionalized = fractionalize(alice, new_right(alice), supply=SMALL, restricted=True, decimals=0)
    fractionalized.shares.transfer(bob, 4_000, {"from": alice})
    return fractionalized


def test_ineligible_bidder_is_refused_on_a_restricted_token(
    vault: Any, usd: Any, restricted_deal: Any, carol: Any
) -> None:
    with reverts("BidderNotEligible", carol):
        start(vault, usd, restricted_deal, carol)


def test_bidder_revoked_before_settlement_fails_the_buyout(
    vault: Any, usd: Any, restricted_deal: Any, compliance: Any, officer: Any, alice: Any, bob: Any
) -> None:
    buyout_id = start(vault, usd, restricted_deal, bob).return_value
    tender(vault, restricted_deal, buyout_id, alice, 6_000)
    tender(vault, restricted_deal, buyout_id, bob, 1_000)
    compliance.revokeIdentity(bob, REASON, {"from": officer})
    close_window()
    tx = vault.settleBuyout(buyout_id, {"from": alice})
    assert tx.return_value is False and tx.events["BuyoutFailed"]["reason"] == BIDDER_INELIGIBLE
    vault.claimBuyout(buyout_id, {"from": alice})
    assert restricted_deal.shares.balanceOf(alice) == 6_000


def test_eligible_bidder_buys_a_restricted_right(
    vault: Any, registry: Any, usd: Any, restricted_deal: Any, alice: Any, bob: Any
) -> None:
    buyout_id = start(vault, usd, restricted_deal, bob).return_value
    tender(vault, restricted_deal, buyout_id, alice, 6_000)
    tender(vault, restricted_deal, buyout_id, bob, 4_000)
    close_window()
    assert vault.settleBuyout(buyout_id, {"from": alice}).return_value is True
    assert registry.ownerOf(restricted_deal.token_id) == bob
    assert restricted_deal.shares.totalSupply() == 0


# ------------------------------------------------------------------------------------------ payment tokens


def test_fee_on_transfer_token_is_refused(
    vault: Any,
    deal: Any,
    carol: Any,
    TestFeeOnTransferToken: Any,  # noqa: N803
) -> None:
    token = TestFeeOnTransferToken.deploy({"from": carol})
    deposit = PRICE * SMALL
    with reverts("DepositShortfall", token, deposit, deposit - deposit // 100):
        start(vault, token, deal, carol)


@pytest.mark.parametrize(("mode", "error"), [(1, "SafeERC20FailedOperation"), (2, "DepositShortfall")])
def test_false_returning_and_lying_tokens_are_refused(
    vault: Any,
    deal: Any,
    carol: Any,
    TestFalseToken: Any,  # noqa: N803
    mode: int,
    error: str,
) -> None:
    token = TestFalseToken.deploy({"from": carol})
    token.setMode(mode, {"from": carol})
    args = (token,) if mode == 1 else (token, PRICE * SMALL, 0)
    with reverts(error, *args):
        start(vault, token, deal, carol)


def test_reentrant_token_cannot_reenter(
    vault: Any,
    deal: Any,
    carol: Any,
    bob: Any,
    TestReentrantToken: Any,  # noqa: N803
) -> None:
    token = TestReentrantToken.deploy({"from": carol})
    token.arm(vault, vault.startBuyout.encode_input(deal.token_id, token, PRICE, WINDOW), {"from": carol})
    tx = start(vault, token, deal, carol)
    callback = tx.events["CallbackResult"]
    assert callback["success"] is False
    assert bytes(callback["returnData"]) == keccak(text="ReentrancyGuardReentrantCall()")[:4]
    buyout_id = tx.return_value
    # A payout re-entering the vault is refused too (the claim is its own call, so it goes through).
    tender(vault, deal, buyout_id, bob, 4_000)
    close_window()
    vault.settleBuyout(buyout_id, {"from": carol})
    token.arm(vault, vault.claimBuyout.encode_input(buyout_id), {"from": carol})
    tx = vault.claimBuyout(buyout_id, {"from": carol})
    assert tx.events["CallbackResult"]["success"] is False
    assert token.balanceOf(carol) == PRICE * SMALL


# ---------------------------------------------------------------------------------- prices per whole share


def test_half_a_dollar_a_share_for_a_thousand_18_decimal_shares(
    vault: Any, registry: Any, usd: Any, fractionalize: Any, new_right: Any, alice: Any, bob: Any, carol: Any
) -> None:
    """The default configuration: 1,000 shares of 18 decimals bought at 0.5 tUSD (6 decimals) each. The price is per
    whole share, so the deposit is 500 tUSD, and each holder is paid its part exactly (the old price per share base
    unit made the smallest price 10**12 tUSD a share)."""
    deal = fractionalize(alice, new_right(alice), supply=1_000 * ONE)
    deal.shares.transfer(bob, 300 * ONE, {"from": alice})
    price = USD // 2
    tx = start(vault, usd, deal, carol, price=price)
    buyout_id = tx.return_value
    assert (tx.events["BuyoutStarted"]["pricePerShare"], tx.events["BuyoutStarted"]["deposit"]) == (price, 500 * USD)
    assert usd.balanceOf(vault) == 500 * USD
    state = info(vault, buyout_id)
    assert (state["pricePerShare"], state["deposit"], state["supply"]) == (price, 500 * USD, 1_000 * ONE)
    tender(vault, deal, buyout_id, alice, 700 * ONE)
    close_window()
    assert vault.settleBuyout(buyout_id, {"from": carol}).return_value is True
    assert registry.ownerOf(deal.token_id) == carol
    assert returned(vault.claimBuyout(buyout_id, {"from": alice})) == (0, 350 * USD)
    assert vault.redeemForCash(buyout_id, 300 * ONE, {"from": bob}).return_value == 150 * USD
    assert usd.balanceOf(alice) == 350 * USD and usd.balanceOf(bob) == 150 * USD
    assert usd.balanceOf(vault) == 0 and deal.shares.totalSupply() == 0


def test_payments_round_down_and_never_exceed_the_deposit(
    vault: Any,
    usd: Any,
    fractionalize: Any,
    new_right: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    stranger: Any,
) -> None:
    """Three holders of a third of 1,000 shares each (333.33... shares, the issuer one base unit more), a tender of
    one base unit, redemptions of odd amounts: every payment is amount * deposit / supply rounded down, and what is
    left in the vault is the rounding dust, at most one base unit a payment."""
    supply = 1_000 * ONE
    third = supply // 3
    deal = fractionalize(alice, new_right(alice), supply=supply, buyout_threshold=5_001)
    deal.shares.transfer(bob, third, {"from": alice})
    deal.shares.transfer(carol, third, {"from": alice})
    price = USD // 2
    deposit = 500 * USD
    buyout_id = start(vault, usd, deal, stranger, price=price).return_value
    tender(vault, deal, buyout_id, alice, supply - 2 * third)
    tender(vault, deal, buyout_id, bob, third)
    tender(vault, deal, buyout_id, carol, 1)
    close_window()
    assert vault.settleBuyout(buyout_id, {"from": stranger}).return_value is True

    def paid(amount: int) -> int:
        return amount * deposit // supply

    payments = [
        returned(vault.claimBuyout(buyout_id, {"from": alice}))[1],
        returned(vault.claimBuyout(buyout_id, {"from": bob}))[1],
        returned(vault.claimBuyout(buyout_id, {"from": carol}))[1],
    ]
    assert payments == [paid(supply - 2 * third), paid(third), 0] == [166_666_666, 166_666_666, 0]
    # Shares worth less than a base unit are burnt for nothing: no transfer of zero.
    tx = vault.redeemForCash(buyout_id, 1, {"from": carol})
    assert tx.return_value == 0
    assert [event for event in events_of(tx) if event[0] == "Transfer"] == [
        ("Transfer", {"from": carol, "to": ZERO_ADDRESS, "amount": 1})  # the burn only
    ]
    assert usd.balanceOf(carol) == 0
    for amount in (third // 7, 1, third - 3 - third // 7):
        payments.append(int(vault.redeemForCash(buyout_id, amount, {"from": carol}).return_value))
        assert payments[-1] == paid(amount)
    assert deal.shares.totalSupply() == 0
    total = sum(payments)
    assert total == usd.balanceOf(alice) + usd.balanceOf(bob) + usd.balanceOf(carol)
    assert total <= deposit and usd.balanceOf(vault) == deposit - total
    assert deposit - total <= len(payments) + 1  # the dust: under one base unit for each of the 7 payments


def test_a_deposit_that_rounds_to_nothing_is_refused(
    vault: Any, usd: Any, fractionalize: Any, new_right: Any, alice: Any, carol: Any
) -> None:
    """Less than one whole share (18 decimals) at one base unit a share: a deposit of 0.999... base units."""
    deal = fractionalize(alice, new_right(alice), supply=ONE - 1)
    with reverts("InvalidBuyoutPrice", 1, ONE - 1):
        vault.startBuyout(deal.token_id, usd, 1, WINDOW, {"from": carol})
    assert start(vault, usd, deal, carol, price=2).return_value == 1  # 1.999... rounds down to 1
    assert info(vault, 1)["deposit"] == 1


@pytest.mark.parametrize("decimals", [78, 255])
def test_shares_of_more_decimals_than_a_word_holds_are_refused(
    vault: Any, usd: Any, fractionalize: Any, new_right: Any, alice: Any, carol: Any, decimals: int
) -> None:
    """10**78 overflows 256 bits: no deposit can pay a whole share, and the refusal is the price's, not a panic."""
    deal = fractionalize(alice, new_right(alice), supply=SMALL, decimals=decimals)
    with reverts("InvalidBuyoutPrice", 2**128 - 1, SMALL):
        vault.startBuyout(deal.token_id, usd, 2**128 - 1, WINDOW, {"from": carol})


def test_the_largest_deposit_pays_out_without_overflow(
    vault: Any, usd: Any, deal: Any, alice: Any, bob: Any, carol: Any
) -> None:
    """A deposit of almost 2**128 base units over whole shares: amount * deposit stays within 256 bits."""
    price = (2**128 - 1) // SMALL
    buyout_id = start(vault, usd, deal, carol, price=price).return_value
    tender(vault, deal, buyout_id, alice, 6_000)
    tender(vault, deal, buyout_id, bob, 4_000)
    close_window()
    vault.settleBuyout(buyout_id, {"from": carol})
    assert returned(vault.claimBuyout(buyout_id, {"from": alice})) == (0, 6_000 * price)
    assert returned(vault.claimBuyout(buyout_id, {"from": bob})) == (0, 4_000 * price)
    assert usd.balanceOf(vault) == 0
