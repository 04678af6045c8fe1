"""market order, fill, cancel, orders (the local order book) and stablecoin mint, balance."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_support import Run, assert_one_line_error
from ipledger import SignedOrder, dev_account, local_node_status, stop_local_node

Json = Callable[..., Any]
ONE = 10**18
USD = 10**6


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh $IPLEDGER_HOME: the order book lives in it."""
    folder = tmp_path / "home"
    monkeypatch.setenv("IPLEDGER_HOME", str(folder))
    return folder


@pytest.fixture
def funded(share_json: Json) -> None:
    share_json("stablecoin", "mint", "dev2", "10000")


def test_stablecoin_mint_and_balance(share_json: Json) -> None:
    before = int(share_json("stablecoin", "balance", "dev3")["balance"])
    minted = share_json("stablecoin", "mint", "dev3", "12.5")
    assert minted["symbol"] == "tUSD" and minted["decimals"] == 6 and minted["amount"] == str(12_500_000)
    assert int(share_json("stablecoin", "balance", "dev3")["balance"]) == before + 12_500_000


def test_stablecoin_mint_and_balance_in_the_other_test_currencies(cli: Run, home: Path) -> None:
    """The local network's test currencies besides tUSD: tHKD and tCNH, deployed and recorded with it."""

    def local_json(*args: str) -> Any:
        result = cli(*args, "--json", remote=False)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    try:
        for symbol in ("tHKD", "tCNH"):
            before = int(local_json("stablecoin", "balance", "dev3", "--currency", symbol)["balance"])
            minted = local_json("stablecoin", "mint", "dev3", "7.8", "--currency", symbol)
            assert (minted["symbol"], minted["decimals"], minted["amount"]) == (symbol, 6, str(7_800_000))
            after = int(local_json("stablecoin", "balance", "dev3", "--currency", symbol)["balance"])
            assert after == before + 7_800_000
        refused = cli("stablecoin", "mint", "dev3", "1", "--currency", "tEUR", remote=False)
        assert refused.exit_code == 2 and "'tEUR' is not a test currency of this chain" in refused.stderr
    finally:  # the local network's node this test started
        if local_node_status(home) is not None:
            stop_local_node(home)


def test_an_order_file_is_filled_by_the_counterparty(
    fractionalized: str, funded: None, share_cli: Run, share_json: Json, home: Path, tmp_path: Path
) -> None:
    result = share_cli("market", "order", "sell", fractionalized, "100", "--price", "250", "--from", "dev1", "--json")
    assert result.exit_code == 0, result.stderr
    signed = SignedOrder.model_validate_json(result.stdout)  # stdout is exactly the order to hand over
    assert (home / "orders" / f"{signed.order_hash}.json").exists()
    assert signed.order.amount == 100 * ONE and signed.order.price == 250 * USD and signed.order.maker_sells
    handed_over = tmp_path / "order.json"
    handed_over.write_text(result.stdout, "utf-8")
    first = share_json("market", "fill", str(handed_over), "--amount", "40", "--from", "dev2")
    assert (first["amount"], first["payment"]) == (str(40 * ONE), str(100 * USD))
    assert first["token_id"] == fractionalized and first["approval"] is not None
    rest = share_json("market", "fill", signed.order_hash[:12], "--from", "dev2")  # by hash prefix, from the book
    assert rest["amount"] == str(60 * ONE)
    listed = share_json("market", "orders")["orders"]
    assert [(order["order_hash"], order["state"], order["filled"]) for order in listed] == [
        (signed.order_hash, "filled", str(100 * ONE))
    ]
    again = share_cli("market", "fill", signed.order_hash, "--from", "dev2")
    assert_one_line_error(again, "FillExceedsRemaining", "market orders")
    assert share_json("shares", "balance", fractionalized, "dev2")["balance"] == str(100 * ONE)


def test_orders_list_states_and_cancel(fractionalized: str, funded: None, share_cli: Run, share_json: Json) -> None:
    sell = share_json("market", "order", "sell", fractionalized, "5", "--price", "10", "--from", "dev1")
    buy = share_json("market", "order", "buy", fractionalized, "5", "--price", "9", "--from", "dev2")
    reserved = share_json(
        "market", "order", "sell", fractionalized, "1", "--price", "1", "--taker", "dev2", "--from", "dev1"
    )
    assert reserved["order"]["taker"] == dev_account(2).address
    result = share_cli("market", "fill", reserved["order_hash"], "--from", "dev3")
    assert_one_line_error(result, "NotOrderTaker")
    assert_one_line_error(share_cli("market", "cancel", sell["order_hash"], "--from", "dev2"), "NotOrderMaker")
    cancelled = share_json("market", "cancel", sell["order_hash"], "--from", "dev1")
    assert cancelled["action"] == "cancelled"
    states = {order["order_hash"]: order["state"] for order in share_json("market", "orders")["orders"]}
    assert states == {sell["order_hash"]: "cancelled", buy["order_hash"]: "open", reserved["order_hash"]: "open"}
    assert share_json("market", "cancel", "--all", "--from", "dev1")["action"] == "cancelled_below"
    states = {order["order_hash"]: order["state"] for order in share_json("market", "orders")["orders"]}
    assert states[reserved["order_hash"]] == "cancelled" and states[buy["order_hash"]] == "open"
    human = share_cli("market", "orders")
    assert human.exit_code == 0 and "3 order(s)" in human.stdout and "cancelled" in human.stdout
    assert_one_line_error(share_cli("market", "fill", sell["order_hash"], "--from", "dev2"), "OrderCancelled")


def test_a_whole_right_order(registered: tuple[Any, str], funded: None, share_json: Json, cli_json: Json) -> None:
    _, token = registered
    order = share_json("market", "order", "sell", token, "--whole-right", "--price", "1500", "--from", "dev1")
    assert order["order"]["asset_kind"] == "erc721" and order["order"]["amount"] == "1"
    fill = share_json("market", "fill", order["order_hash"], "--from", "dev2")
    assert fill["payment"] == str(1500 * USD)
    assert cli_json("show", token)["owner"] == dev_account(2).address


def test_order_usage_errors(fractionalized: str, share_cli: Run, tmp_path: Path) -> None:
    assert_one_line_error(share_cli("market", "order", "sell", fractionalized, "--price", "1"), "AMOUNT", code=2)
    result = share_cli("market", "order", "sell", fractionalized, "1", "--price", "1", "--expires-in", "soon")
    assert_one_line_error(result, "not a duration", code=2)
    bogus = tmp_path / "bogus.json"
    bogus.write_text(json.dumps({"order": {}}), "utf-8")
    assert_one_line_error(share_cli("market", "fill", str(bogus)), "not a signed order")
    assert_one_line_error(share_cli("market", "fill", "0xabcdef0123"), "no order 0xabcdef0123")


def test_market_commands_need_the_desk_with_rpc_url(cli: Run) -> None:
    assert_one_line_error(cli("market", "orders"), "no settlement desk", "--desk")
