"""shares buyout start, tender, withdraw, settle, cancel, claim, redeem, show; fractionalize --buyout-threshold; the
buyout refusals as one-line errors."""

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
DAY = 86_400


@pytest.fixture
def whole_shares(registered: tuple[Patent, str], share_json: Json, cli_investors: None) -> str:
    """dev1's patent fractionalized into 1,000 restricted shares of 0 decimals (priced in whole tUSD base units);
    dev2 (a verified investor) holds 5,000 tUSD."""
    _, token = registered
    options = ["--name", "Whole shares", "--symbol", "WS", "--supply", "1000", "--decimals", "0", "--from", "dev1"]
    share_json("shares", "fractionalize", token, *options)
    share_json("stablecoin", "mint", "dev2", "5000", "--from", "dev0")
    return token


def _advance(chain: Chain, seconds: int) -> None:
    w3 = Web3(Web3.HTTPProvider(chain.node.rpc_url))
    w3.provider.make_request(RPCEndpoint("evm_increaseTime"), [seconds])
    w3.provider.make_request(RPCEndpoint("evm_mine"), [])


def test_start_show_tender_withdraw_and_cancel(whole_shares: str, share_json: Json, share_cli: Run) -> None:
    token = whole_shares
    started = share_json("shares", "buyout", "start", token, "2", "--window", "2d", "--from", "dev2")
    assert started["action"] == "buyout_started" and started["payment"] == str(2_000 * USD)
    assert started["account"] == dev_account(2).address and started["approval"]["gas_used"] > 0
    shown = share_json("shares", "buyout", "show", token, "--holder", "dev1")
    assert (shown["state"], shown["threshold_bps"], shown["needed"], shown["deposit"]) == (
        "open",
        6667,
        "667",
        str(2_000 * USD),
    )
    assert shown["window_closed"] is False and shown["tendered_by_account"] == "0"
    tendered = share_json("shares", "buyout", "tender", token, "10", "--from", "dev1")
    assert (tendered["action"], tendered["shares"]) == ("shares_tendered", "10")
    refused = share_cli("shares", "buyout", "cancel", token, "--from", "dev2")
    assert_one_line_error(refused, "TenderedShares", "cancels only while none are tendered")
    withdrawn = share_json("shares", "buyout", "withdraw", token, "--from", "dev1")
    assert withdrawn["shares"] == "10"
    not_bidder = share_cli("shares", "buyout", "cancel", token, "--from", "dev1")
    assert_one_line_error(not_bidder, "NotBidder", "only the bidder")
    early = share_cli("shares", "buyout", "settle", token)
    assert_one_line_error(early, "TenderWindowOpen", "settle it after that")
    cancelled = share_json("shares", "buyout", "cancel", token, "--from", "dev2")
    assert (cancelled["action"], cancelled["payment"]) == ("buyout_cancelled", str(2_000 * USD))
    assert share_json("shares", "buyout", "show", token)["state"] == "cancelled"


def test_human_output_names_the_buyout(whole_shares: str, share_cli: Run) -> None:
    result = share_cli("shares", "buyout", "start", whole_shares, "1", "--from", "dev2")
    assert result.exit_code == 0, result.stderr
    assert "Opened buyout" in result.stdout and "1,000 tUSD" in result.stdout
    shown = share_cli("shares", "buyout", "show", whole_shares)
    assert shown.exit_code == 0 and "open" in shown.stdout and "needs 667" in shown.stdout


def test_refusals_are_one_line(whole_shares: str, share_json: Json, share_cli: Run) -> None:
    none = share_cli("shares", "buyout", "show", whole_shares)
    assert_one_line_error(none, "UnknownBuyout", "ipledger shares buyout show")
    share_json("stablecoin", "mint", "dev4", "5000", "--from", "dev0")
    ineligible = share_cli("shares", "buyout", "start", whole_shares, "1", "--from", "dev4")
    assert_one_line_error(ineligible, "BidderNotEligible", dev_account(4).address, "may not hold")
    share_json("shares", "buyout", "start", whole_shares, "1", "--from", "dev2")
    twice = share_cli("shares", "buyout", "start", whole_shares, "1", "--from", "dev2")
    assert_one_line_error(twice, "BuyoutInProgress", "still open")


def test_a_price_finer_than_one_base_unit_per_share_unit_is_refused(fractionalized: str, share_cli: Run) -> None:
    """18-decimal shares priced in 6-decimal tUSD: one base unit per share base unit is 10^12 tUSD a share."""
    coarse = share_cli("shares", "buyout", "start", fractionalized, "1", "--from", "dev2")
    assert_one_line_error(coarse, "multiple of 1000000000000 tUSD")


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
def test_settle_claim_and_redeem_for_cash(whole_shares: str, share_json: Json, chain: Chain, cli: Run) -> None:
    token = whole_shares
    share_json("shares", "transfer", token, "dev2", "300", "--from", "dev1")
    share_json("shares", "buyout", "start", token, "2", "--window", "1d", "--from", "dev2")
    share_json("shares", "buyout", "tender", token, "700", "--from", "dev1")
    _advance(chain, DAY + 1)
    settled = share_json("shares", "buyout", "settle", token)
    assert (settled["action"], settled["succeeded"], settled["failure_reason"]) == ("buyout_settled", True, None)
    assert cli("show", token, "--json").stdout.count(dev_account(2).address) >= 1
    claimed = share_json("shares", "buyout", "claim", token, "--from", "dev1")
    assert (claimed["shares"], claimed["payment"]) == ("0", str(700 * 2 * USD))
    cashed = share_json("shares", "buyout", "redeem", token, "--from", "dev2")
    assert (cashed["action"], cashed["shares"], cashed["payment"]) == ("shares_cashed_out", "300", str(300 * 2 * USD))
    assert share_json("shares", "buyout", "show", token)["state"] == "succeeded"


@pytest.mark.anvil
def test_a_failed_buyout_is_claimed_back(whole_shares: str, share_json: Json, chain: Chain) -> None:
    token = whole_shares
    share_json("shares", "buyout", "start", token, "1", "--window", "1d", "--from", "dev2")
    share_json("shares", "buyout", "tender", token, "100", "--from", "dev1")
    _advance(chain, DAY + 1)
    settled = share_json("shares", "buyout", "settle", token)
    assert (settled["succeeded"], settled["failure_reason"]) == (False, "below_threshold")
    assert share_json("shares", "buyout", "claim", token, "--from", "dev1")["shares"] == "100"
    assert share_json("shares", "buyout", "claim", token, "--from", "dev2")["payment"] == str(1_000 * USD)
