"""A pledged right on the command line: `show` and `history` say to whom it is pledged, under which agreement, due
when, the index keeps the lender's book (a loan opened through the desk's published request)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_support import Chain, Run
from ipledger import Ledger, dev_account
from ipledger.cli._index_commands import index_app
from typer.testing import CliRunner

DAY = 86_400
REGISTRATION = "Y2026990000789"


def _send(ledger: Ledger, call: Any, sender: str) -> None:
    sent = call.transact({"from": ledger.address_of(sender)})
    assert ledger.chain.w3.eth.wait_for_transaction_receipt(sent)["status"] == 1


@pytest.fixture
def pledged(registered: tuple[Any, str], chain: Chain) -> str:
    """The registered patent (dev1's) pledged to dev2 for 1,000 tUSD under PRC law, its pledge registered."""
    _, token = registered
    ledger = Ledger.connect(chain.node.rpc_url, registry=chain.registry, stablecoin=chain.stablecoin, account="dev0")
    desk = ledger.contracts.loans
    currency = chain.stablecoin
    principal = 1_000 * 10**6
    terms = (
        ledger.address_of("dev2"),
        ledger.address_of("dev1"),
        chain.registry,
        int(token, 16),
        0,
        currency,
        principal,
        0,
        0,
        30 * DAY,
        DAY,
        2 * DAY,
        0,
        hashlib.sha256("质押合同 CLI".encode()).digest(),
        b"CN",
        False,
        ledger.chain.chain_time() + DAY,
        0,
    )
    ledger.payments.mint_test_stablecoin("dev2", principal)
    _send(ledger, ledger.chain.erc20(currency).functions.approve(desk.address, principal), "dev2")
    _send(ledger, desk.functions.request(terms), "dev1")
    _send(ledger, desk.functions.acceptRequest(terms), "dev2")
    _send(ledger, desk.functions.registerPledge(desk.functions.loanCount().call(), REGISTRATION), "dev1")
    return token


def test_show_and_history_say_to_whom_the_right_is_pledged(
    pledged: str, cli: Run, cli_json: Callable[..., Any]
) -> None:
    shown = cli("show", pledged)
    assert shown.exit_code == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    assert "Pledge" in text and "pledged to" in text and "under agreement" in text and REGISTRATION in text
    record = cli_json("show", pledged)
    assert record["pledged"] is True
    (pledge,) = record["pledges"]
    assert pledge["state"] == "active" and pledge["registration"] == REGISTRATION
    assert pledge["lender"] == dev_account(2).address
    history = cli("history", pledged)
    assert history.exit_code == 0 and "loan opened" in history.stdout and "pledge registered" in history.stdout


def test_the_index_keeps_the_lender_s_book(
    pledged: str, chain: Chain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPLEDGER_HOME", str(tmp_path / "home"))
    runner = CliRunner()

    def index(*args: str) -> Any:
        result = runner.invoke(index_app, [*args, *chain.options], env=chain.share_env)
        assert result.exit_code == 0, (result.stderr, result.exception)
        return result

    index("sync")
    book = json.loads(index("book", "dev2", "--json").stdout)
    assert [loan["token_id"] for loan in book["loans"] if loan["state"] == "active"][-1] == pledged
    human = index("book", "dev2").stdout
    assert "live" in human and "pledged to" in " ".join(human.split())
    portfolio = json.loads(index("portfolio", "dev1", "--json").stdout)
    assert [right["pledged"] for right in portfolio["rights"] if right["token_id"] == pledged] == [True]
