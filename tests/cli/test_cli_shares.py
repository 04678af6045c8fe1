"""shares fractionalize, balance, transfer, cap-table, redeem, permit; history and verify of a fractionalized right."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cli_support import Chain, Patent, Run, assert_one_line_error
from ipledger import Ledger, Permit, dev_account

Json = Callable[..., Any]
ONE = 10**18


def test_fractionalize_prints_the_share_token(
    registered: tuple[Patent, str], share_json: Json, cli_json: Json, chain: Chain, cli_investors: None
) -> None:
    _, token = registered
    options = ["--name", "P shares", "--symbol", "PSH", "--supply", "2_500.5", "--decimals", "2", "--unrestricted"]
    out = share_json("shares", "fractionalize", token, *options, "--from", "dev1")
    assert out["token_id"] == token
    assert out["supply"] == "250050" and out["decimals"] == 2 and out["restricted"] is False
    assert out["owner"] == dev_account(1).address
    assert out["approval"]["gas_used"] > 0 and out["gas_used"] > 0
    assert cli_json("show", token)["owner"] == chain.vault


def test_balance_transfer_and_cap_table(fractionalized: str, share_json: Json) -> None:
    token = fractionalized
    sent = share_json("shares", "transfer", token, "dev2", "250.5", "--from", "dev1")
    assert (sent["from"], sent["to"], sent["amount"]) == (
        dev_account(1).address,
        dev_account(2).address,
        str(250_500 * ONE // 1000),
    )
    assert share_json("shares", "balance", token, "dev2")["balance"] == str(2505 * ONE // 10)
    mine = share_json("shares", "balance", token, "--from", "dev1")
    assert mine["account"] == dev_account(1).address and mine["balance"] == str(7495 * ONE // 10)
    table = share_json("shares", "cap-table", token)
    assert table["total_supply"] == str(1000 * ONE)
    assert [(h["account"], h["balance"]) for h in table["holders"]] == [
        (dev_account(1).address, str(7495 * ONE // 10)),
        (dev_account(2).address, str(2505 * ONE // 10)),
    ]
    before = share_json("shares", "cap-table", token, "--block", str(sent["block"] - 1))
    assert [h["account"] for h in before["holders"]] == [dev_account(1).address]


def test_human_cap_table_names_the_holders(fractionalized: str, share_cli: Run) -> None:
    result = share_cli("shares", "cap-table", fractionalized)
    assert result.exit_code == 0, result.stderr
    assert "1 holder(s) of 1,000 PS" in result.stdout
    assert "dev1" in result.stdout and "100.00%" in result.stdout


def test_a_transfer_to_an_unverified_account_is_one_line_naming_the_error(fractionalized: str, share_cli: Run) -> None:
    result = share_cli("shares", "transfer", fractionalized, "dev6", "1", "--from", "dev1", "--json")
    line = assert_one_line_error(result, "NotEligible", dev_account(6).address, "compliance verify-investor")
    assert "may not hold these restricted shares" in line


def test_redeem_needs_every_share(fractionalized: str, share_cli: Run, share_json: Json, cli_json: Json) -> None:
    share_json("shares", "transfer", fractionalized, "dev2", "0.000000000000000001", "--from", "dev1")
    assert_one_line_error(share_cli("shares", "redeem", fractionalized, "--from", "dev1"), "IncompleteOwnership")
    share_json("shares", "transfer", fractionalized, "dev1", "1", "--raw", "--from", "dev2")
    out = share_json("shares", "redeem", fractionalized, "--from", "dev1")
    assert out["holder"] == dev_account(1).address and out["supply"] == str(1000 * ONE)
    assert cli_json("show", fractionalized)["owner"] == dev_account(1).address
    events = share_json("history", fractionalized)["events"]
    assert [event["kind"] for event in events] == ["registered", "fractionalized", "redeemed"]
    assert_one_line_error(share_cli("shares", "balance", fractionalized, "dev1"), "has no shares", "NotFractionalized")


def test_verify_reports_custody_and_the_cap_table(fractionalized: str, share_cli: Run, chain: Chain) -> None:
    report = share_cli("verify", fractionalized, "--json")
    assert report.exit_code == 0, report.stderr
    human = share_cli("verify", fractionalized)
    assert "in custody of the share vault, not lost" in human.stdout
    assert "Shares (PS), largest first" in human.stdout
    data = json.loads(report.stdout)
    assert data["shares"]["share_token"] == data["events"][-1]["share_token"]
    assert data["events"][-1]["kind"] == "fractionalized" and data["events"][-1]["to"] == chain.vault


def test_share_commands_need_the_vault_with_rpc_url(fractionalized: str, cli: Run, chain: Chain) -> None:
    assert_one_line_error(cli("shares", "cap-table", fractionalized), "no share vault", "--vault")
    result = cli("shares", "cap-table", fractionalized, "--vault", chain.vault, "--json")
    assert result.exit_code == 0, result.stderr


def test_amounts_with_too_many_decimals_are_refused(fractionalized: str, share_cli: Run) -> None:
    result = share_cli("shares", "transfer", fractionalized, "dev2", "0.0000000000000000001", "--from", "dev1")
    assert_one_line_error(result, "more than 18 decimal places")
    assert_one_line_error(share_cli("shares", "transfer", fractionalized, "dev2", "1.5", "--raw"), "base units")


def test_permit_prints_a_signature_the_token_accepts(fractionalized: str, share_json: Json, chain: Chain) -> None:
    out = share_json("shares", "permit", fractionalized, "dev2", "10", "--expires-in", "2h", "--from", "dev1")
    assert out["owner"] == dev_account(1).address and out["spender"] == dev_account(2).address
    assert out["value"] == str(10 * ONE)
    ledger = Ledger.connect(chain.node.rpc_url, registry=chain.registry, vault=chain.vault, account="dev2")
    ledger.shares.submit_permit(Permit.model_validate(out | {"token_id": int(out["token_id_dec"])}))
    share = ledger.chain.share_contract(out["share_token"])
    assert share.functions.allowance(dev_account(1).address, dev_account(2).address).call() == 10 * ONE
