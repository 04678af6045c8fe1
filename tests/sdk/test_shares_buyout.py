"""Buyouts of a fractionalized right through ``ledger.shares``: start, tender, withdraw, settle, cancel, claim and
redeem for cash, the ``Buyout`` state, the threshold set at fractionalization, and the refusals as named exceptions.
Prices are per whole share: 1,000 shares of 18 decimals at 0.5 tUSD (6 decimals) each make a deposit of 500 tUSD."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from ipledger import (
    BuyoutError,
    BuyoutState,
    ComplianceError,
    InvalidInputError,
    IPMetadata,
    Ledger,
    UnknownRecordError,
)
from share_support import ONE, advance_time

Patent = tuple[IPMetadata, list[Path]]
DAY = 86_400
USD = 10**6  # one tUSD (6 decimals)
PRICE = USD // 2  # tUSD base units per whole share: 0.5 tUSD
DEPOSIT = 500 * USD  # 1,000 shares at 0.5 tUSD


@pytest.fixture
def bidder(ledger: Ledger, investors: dict[str, str]) -> Ledger:
    """dev3 (a verified investor) with the tUSD for a deposit."""
    ledger.payments.mint_test_stablecoin("dev3", DEPOSIT)
    return ledger.use("dev3")


def _usd(ledger: Ledger, account: str) -> int:
    address = str(ledger.contracts.vault.address) if account == "vault" else ledger.address_of(account)
    return int(ledger.chain.stablecoin.functions.balanceOf(address).call())


def test_start_deposits_and_opens_a_buyout(ledger: Ledger, fractionalized: int, bidder: Ledger) -> None:
    before = _usd(ledger, "dev3")
    act = bidder.shares.buyout_start(fractionalized, PRICE, duration=dt.timedelta(days=2))
    assert act.action == "buyout_started" and act.payment == DEPOSIT and act.approval is not None
    assert _usd(ledger, "dev3") == before - DEPOSIT
    state = ledger.shares.buyout(fractionalized, account="dev1")
    assert state.buyout_id == act.buyout_id and state.state is BuyoutState.OPEN
    assert (state.bidder, state.price_per_share, state.supply, state.deposit) == (
        ledger.address_of("dev3"),
        PRICE,
        1_000 * ONE,
        DEPOSIT,
    )
    assert (state.threshold_bps, state.needed, state.tendered_by_account) == (6667, 6667 * 10**17, 0)
    assert not state.window_closed and state.failure_reason is None
    with pytest.raises(BuyoutError) as caught:
        bidder.shares.buyout_start(fractionalized, PRICE)
    assert caught.value.error_name == "BuyoutInProgress"
    cancelled = bidder.shares.buyout_cancel(fractionalized)
    assert (cancelled.action, cancelled.payment) == ("buyout_cancelled", DEPOSIT)
    assert _usd(ledger, "dev3") == before
    assert ledger.shares.buyout(fractionalized).state is BuyoutState.CANCELLED


def test_refusals_are_named(ledger: Ledger, fractionalized: int, bidder: Ledger) -> None:
    with pytest.raises(UnknownRecordError) as unknown:
        ledger.shares.buyout(fractionalized)
    assert unknown.value.error_name == "UnknownBuyout"
    with pytest.raises(InvalidInputError):
        bidder.shares.buyout_start(fractionalized, PRICE, duration=60)
    with pytest.raises(InvalidInputError, match="below 2\\*\\*128"):
        bidder.shares.buyout_start(fractionalized, 2**128)
    ledger.payments.mint_test_stablecoin("dev4", DEPOSIT)
    with pytest.raises(ComplianceError) as ineligible:
        ledger.use("dev4").shares.buyout_start(fractionalized, PRICE)  # dev4 is unknown to the compliance registry
    assert ineligible.value.error_name == "BidderNotEligible"
    bidder.shares.buyout_start(fractionalized, PRICE)
    ledger.use("dev1").shares.buyout_tender(fractionalized, ONE)
    with pytest.raises(BuyoutError) as tendered:
        bidder.shares.buyout_cancel(fractionalized)
    assert tendered.value.error_name == "TenderedShares"
    with pytest.raises(BuyoutError) as early:
        ledger.shares.buyout_settle(fractionalized)
    assert early.value.error_name == "TenderWindowOpen"
    with pytest.raises(BuyoutError) as nothing:
        ledger.use("dev2").shares.buyout_withdraw(fractionalized)
    assert nothing.value.error_name == "NothingToClaim"


def test_a_threshold_set_at_fractionalization(ledger: Ledger, investors: dict[str, str], patent: Patent) -> None:
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    with pytest.raises(InvalidInputError):
        ledger.use("dev1").shares.fractionalize(token, "S", "S", 1_000, buyout_threshold=5_000)
    ledger.use("dev1").shares.fractionalize(token, "S", "S", 1_000, decimals=0, buyout_threshold=9_000)
    ledger.payments.mint_test_stablecoin("dev3", 5_000)
    ledger.use("dev3").shares.buyout_start(token, 5)
    state = ledger.shares.buyout(token)
    assert (state.threshold_bps, state.needed, state.deposit) == (9_000, 900, 5_000)


def test_a_price_whose_deposit_rounds_to_nothing_is_refused_before_sending(
    ledger: Ledger, investors: dict[str, str], patent: Patent
) -> None:
    """A tenth of a share (18 decimals) at 9 base units a share: a deposit of 0.9 base units."""
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    ledger.use("dev1").shares.fractionalize(token, "Tenth", "TEN", ONE // 10)
    bidder = ledger.use("dev3")
    nonce = ledger.chain.w3.eth.get_transaction_count(ledger.address_of("dev3"))
    with pytest.raises(InvalidInputError, match="deposit of 0"):
        bidder.shares.buyout_start(token, 9)
    assert ledger.chain.w3.eth.get_transaction_count(ledger.address_of("dev3")) == nonce
    ledger.payments.mint_test_stablecoin("dev3", 1)
    assert bidder.shares.buyout_start(token, 10).payment == 1


@pytest.mark.anvil
def test_a_successful_buyout_pays_every_share(
    ledger: Ledger, fractionalized: int, bidder: Ledger, patent: Patent
) -> None:
    holder = ledger.use("dev1")
    holder.shares.transfer(fractionalized, "dev2", 200 * ONE)
    vault, dev1, dev2 = _usd(ledger, "vault"), _usd(ledger, "dev1"), _usd(ledger, "dev2")
    bidder.shares.buyout_start(fractionalized, PRICE)
    tendered = holder.shares.buyout_tender(fractionalized, 700 * ONE)
    assert (tendered.action, tendered.shares) == ("shares_tendered", 700 * ONE) and tendered.approval is not None
    withdrawn = holder.shares.buyout_withdraw(fractionalized)
    assert withdrawn.shares == 700 * ONE
    holder.shares.buyout_tender(fractionalized, 800 * ONE)
    # While the buyout is open the shares stand: the tendered ones in the vault's escrow.
    held = {line.account: line.balance for line in ledger.shares.cap_table(fractionalized).holders}
    assert held[str(ledger.contracts.vault.address)] == 800 * ONE and held[ledger.address_of("dev2")] == 200 * ONE
    advance_time(ledger, 7 * DAY + 1)
    settled = ledger.shares.buyout_settle(fractionalized)
    assert (settled.succeeded, settled.failure_reason) == (True, None)
    assert ledger.get(fractionalized).owner == ledger.address_of("dev3")
    state = ledger.shares.buyout(fractionalized, account="dev1")
    assert state.state is BuyoutState.SUCCEEDED and state.window_closed and state.tendered_by_account == 800 * ONE
    assert (state.deposit, state.payment_for(800 * ONE), state.payment_for(1)) == (DEPOSIT, 400 * USD, 0)
    claimed = holder.shares.buyout_claim(fractionalized)
    assert (claimed.shares, claimed.payment) == (0, 400 * USD)
    # dev2 burns one base unit (worth 5 * 10**-13 tUSD: paid nothing), then the rest, paid rounded down.
    dust = ledger.use("dev2").shares.buyout_redeem(fractionalized, 1)
    assert (dust.shares, dust.payment) == (1, 0)
    cashed = ledger.use("dev2").shares.buyout_redeem(fractionalized)
    assert (cashed.action, cashed.shares, cashed.payment) == ("shares_cashed_out", 200 * ONE - 1, 100 * USD - 1)
    assert (_usd(ledger, "dev1") - dev1, _usd(ledger, "dev2") - dev2) == (400 * USD, 100 * USD - 1)
    assert _usd(ledger, "vault") - vault == 1  # the rounding dust stays in the vault
    _, documents = patent
    report = ledger.verify(fractionalized, documents=documents)
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]
    assert report.shares is None


@pytest.mark.anvil
def test_a_failed_buyout_returns_deposit_and_shares(ledger: Ledger, fractionalized: int, bidder: Ledger) -> None:
    holder = ledger.use("dev1")
    before = _usd(ledger, "dev3")
    bidder.shares.buyout_start(fractionalized, PRICE)
    holder.shares.buyout_tender(fractionalized, 600 * ONE)
    advance_time(ledger, 7 * DAY + 1)
    settled = ledger.shares.buyout_settle(fractionalized)
    assert (settled.succeeded, settled.failure_reason) == (False, "below_threshold")
    assert ledger.shares.buyout(fractionalized).failure_reason == "below_threshold"
    returned = holder.shares.buyout_claim(fractionalized)
    assert (returned.shares, returned.payment) == (600 * ONE, 0)
    assert ledger.shares.balance(fractionalized, "dev1") == 1_000 * ONE
    refunded = bidder.shares.buyout_claim(fractionalized)
    assert refunded.payment == DEPOSIT and _usd(ledger, "dev3") == before
    assert ledger.get(fractionalized).owner == ledger.contracts.vault.address
    with pytest.raises(BuyoutError):
        bidder.shares.buyout_claim(fractionalized)
