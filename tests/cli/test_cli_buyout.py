"""shares buyout start, tender, withdraw, settle, cancel, claim, redeem, show; fractionalize --buyout-threshold; the
buyout refusals as one-line errors. Prices are in whole tUSD per whole share: 1,000 shares of 18 decimals at 0.5 tUSD
make a deposit of 500 tUSD."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cli_support import Chain, Patent, Run, assert_one_line_error
from ipledger import dev_account
from web3 import Web3
from web3.types import RPCEndpoint

Json = Callable[..., Any]
USD = 10**6
ONE = 10**18  # one share of 18 decimals
DAY = 86_400


@pytest.fixture
def whole_shares(registered: tuple[Patent, str], share_json: Json, cli_investors: None) -> str:
    """dev1's patent fractionalized into 1,000 restricted shares of 18 decimals (the default); dev2 (a verified
    investor) holds 5,000 tUSD."""
    _, token = registered
    options = ["--name", "Whole shares", "--symbol", "WS", "--supply", "1000", "--from", "dev1"]
    share_json("shares", "fractionalize", token, *options)
    share_json("stablecoin", "mint", "dev2", "5000", "--from", "dev0")
    return token


def _advance(chain: Chain, seconds: int) -> None:
    w3 = Web3(Web3.HTTPProvider(chain.node.rpc_url))
    w3.provider.make_request(RPCEndpoint("evm_increaseTime"), [seconds])
    w3.provider.make_request(RPCEndpoint("evm_mine"), [])


def test_start_show_tender_withdraw_and_cancel(whole_shares: str, share_json: Json, share_cli: Run) -> None:
    token = whole_shares
    started = share_json("shares", "buyout", "start", token, "0.5", "--window", "2d", "--from", "dev2")
    assert started["action"] == "buyout_started" and started["payment"] == str(500 * USD)
    assert started["account"] == dev_account(2).address and started["approval"]["gas_used"] > 0
    shown = share_json("shares", "buyout", "show", token, "--holder", "dev1")
    assert (shown["state"], shown["threshold_bps"], shown["needed"], shown["deposit"]) == (
        "open",
        6667,
        str(6667 * 10**17),  # 666.7 shares
        str(500 * USD),
    )
    assert (shown["price_per_share"], shown["supply"]) == (str(USD // 2), str(1_000 * ONE))
    assert shown["window_closed"] is False and shown["tendered_by_account"] == "0"
    tendered = share_json("shares", "buyout", "tender", token, "10", "--from", "dev1")
    assert (tendered["action"], tendered["shares"]) == ("shares_tendered", str(10 * ONE))
    refused = share_cli("shares", "buyout", "cancel", token, "--from", "dev2")
    assert_one_line_error(refused, "TenderedShares", "cancels only while none are tendered")
    withdrawn = share_json("shares", "buyout", "withdraw", token, "--from", "dev1")
    assert withdrawn["shares"] == str(10 * ONE)
    not_bidder = share_cli("shares", "buyout", "cancel", token, "--from", "dev1")
    assert_one_line_error(not_bidder, "NotBidder", "only the bidder")
    early = share_cli("shares", "buyout", "settle", token)
    assert_one_line_error(early, "TenderWindowOpen", "settle it after that")
    cancelled = share_json("shares", "buyout", "cancel", token, "--from", "dev2")
    assert (cancelled["action"], cancelled["payment"]) == ("buyout_cancelled", str(500 * USD))
    assert share_json("shares", "buyout", "show", token)["state"] == "cancelled"


def test_human_output_names_the_buyout(whole_shares: str, share_cli: Run) -> None:
    result = share_cli("shares", "buyout", "start", whole_shares, "0.5", "--from", "dev2")
    assert result.exit_code == 0, result.stderr
    assert "Opened buyout" in result.stdout and "at 0.5 tUSD a share: deposited 500 tUSD for 1,000 WS" in result.stdout
    shown = share_cli("shares", "buyout", "show", whole_shares)
    assert shown.exit_code == 0 and "open" in shown.stdout
    for fragment in ("0.5 tUSD", "500 tUSD", "0 WS of 1,000 WS (needs 666.7 WS, 6667 bps)"):
        assert fragment in shown.stdout, (fragment, shown.stdout)
    cancelled = share_cli("shares", "buyout", "cancel", whole_shares, "--from", "dev2")
    assert cancelled.exit_code == 0 and "the deposit (500 tUSD) is back" in cancelled.stdout


def test_refusals_are_one_line(whole_shares: str, share_json: Json, share_cli: Run) -> None:
    none = share_cli("shares", "buyout", "show", whole_shares)
    assert_one_line_error(none, "this right has had no buyout", "`ipledger shares buyout start TOKEN PRICE")
    share_json("stablecoin", "mint", "dev4", "5000", "--from", "dev0")
    ineligible = share_cli("shares", "buyout", "start", whole_shares, "1", "--from", "dev4")
    assert_one_line_error(ineligible, "BidderNotEligible", dev_account(4).address, "may not hold")
    share_json("shares", "buyout", "start", whole_shares, "1", "--from", "dev2")
    twice = share_cli("shares", "buyout", "start", whole_shares, "1", "--from", "dev2")
    assert_one_line_error(twice, "BuyoutInProgress", "still open")


def test_prices_tusd_cannot_pay_are_refused_before_sending(
    registered: tuple[Patent, str], share_json: Json, share_cli: Run, cli_investors: None
) -> None:
    """A price finer than tUSD's 6 decimals, a price of 0, and a price at which the whole supply (a ten-thousandth
    of a share here) is worth less than one tUSD base unit: each a one-line error, nothing sent."""
    _, token = registered
    share_json("shares", "fractionalize", token, "--name", "T", "--symbol", "T", "--supply", "0.0001", "--from", "dev1")
    fine = share_cli("shares", "buyout", "start", token, "0.0000005", "--from", "dev2")
    assert_one_line_error(fine, "tUSD price '0.0000005' has more than 6 decimal places")
    zero = share_cli("shares", "buyout", "start", token, "0", "--from", "dev2")
    assert_one_line_error(zero, "a price per share must be positive")
    nothing = share_cli("shares", "buyout", "start", token, "0.000001", "--from", "dev2")
    assert_one_line_error(nothing, "0.000001 tUSD a share, 0.0001 T cost less than one tUSD base unit")
    assert share_json("shares", "buyout", "start", token, "0.01", "--from", "dev2")["payment"] == "1"


def test_fractionalize_with_a_buyout_threshold(
    registered: tuple[Patent, str], share_json: Json, share_cli: Run, cli_investors: None
) -> None:
    _, token = registered
    options = ["--name", "T", "--symbol", "T", "--supply", "100", "--decimals", "0", "--from", "dev1"]
    bad = share_cli("shares", "fractionalize", token, *options, "--buyout-threshold", "5000")
    assert_one_line_error(bad, "5001 to 10000")
    share_json("shares", "fractionalize", token, *options, "--buyout-threshold", "7500")
    share_json("stablecoin", "mint", "dev2", "100", "--from", "dev0")
    share_json("shares", "buyout", "start", token, "1", "--from", "dev2")
    assert share_json("shares", "buyout", "show", token)["threshold_bps"] == 7500


@pytest.mark.anvil
def test_settle_claim_and_redeem_for_cash(
    whole_shares: str, share_json: Json, share_cli: Run, chain: Chain, cli: Run
) -> None:
    token = whole_shares
    share_json("shares", "transfer", token, "dev2", "300", "--from", "dev1")
    share_json("shares", "buyout", "start", token, "0.5", "--window", "1d", "--from", "dev2")
    share_json("shares", "buyout", "tender", token, "700", "--from", "dev1")
    _advance(chain, DAY + 1)
    settled = share_json("shares", "buyout", "settle", token)
    assert (settled["action"], settled["succeeded"], settled["failure_reason"]) == ("buyout_settled", True, None)
    assert cli("show", token, "--json").stdout.count(dev_account(2).address) >= 1
    claimed = share_cli("shares", "buyout", "claim", token, "--from", "dev1")
    assert claimed.exit_code == 0 and ": 0 WS and 350 tUSD." in claimed.stdout, claimed.stdout
    # dev2 redeems one share base unit (worth less than a tUSD base unit: paid nothing), then the rest, rounded down.
    dust = share_json("shares", "buyout", "redeem", token, "1", "--raw", "--from", "dev2")
    assert (dust["shares"], dust["payment"]) == ("1", "0")
    cashed = share_json("shares", "buyout", "redeem", token, "--from", "dev2")
    assert (cashed["action"], cashed["shares"], cashed["payment"]) == (
        "shares_cashed_out",
        str(300 * ONE - 1),
        str(150 * USD - 1),
    )
    assert share_json("shares", "buyout", "show", token)["state"] == "succeeded"


@pytest.mark.anvil
def test_a_failed_buyout_is_claimed_back(whole_shares: str, share_json: Json, chain: Chain) -> None:
    token = whole_shares
    share_json("shares", "buyout", "start", token, "1", "--window", "1d", "--from", "dev2")
    share_json("shares", "buyout", "tender", token, "100", "--from", "dev1")
    _advance(chain, DAY + 1)
    settled = share_json("shares", "buyout", "settle", token)
    assert (settled["succeeded"], settled["failure_reason"]) == (False, "below_threshold")
    assert share_json("shares", "buyout", "claim", token, "--from", "dev1")["shares"] == str(100 * ONE)
    assert share_json("shares", "buyout", "claim", token, "--from", "dev2")["payment"] == str(1_000 * USD)
