"""compliance categories, officer, rules, can-transfer, pools; shares beneficiary; royalty claim-for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cli_support import Chain, Run, assert_one_line_error
from ipledger import Ledger, dev_account
from pool_support import SharePool, share_pool

Json = Callable[..., Any]
ONE = 10**18


@pytest.fixture
def pool(chain: Chain, fractionalized: str) -> SharePool:
    ledger = Ledger.connect(
        chain.node.rpc_url, registry=chain.registry, vault=chain.vault, stablecoin=chain.stablecoin, account="dev0"
    )
    return share_pool(ledger, int(fractionalized, 16))


def test_categories_are_recorded_and_shown(cli_investors: None, share_json: Json, share_cli: Run) -> None:
    out = share_json(
        "compliance", "categories", "dev2", "--set", "hk-professional,accredited", "--expires", "2099-01-01",
        "--reason", "PI assessment 4",
    )  # fmt: skip
    assert out["categories"] == ["hk-professional", "accredited"] and out["expires_at"].startswith("2099-01-01")
    status = share_json("compliance", "status", "dev2")
    assert status["categories"] == ["hk-professional", "accredited"] and status["categories_expired"] is False
    human = share_cli("compliance", "status", "dev2")
    assert "(categories hk-professional, accredited until 2099-01-01)" in human.stdout
    result = share_cli("compliance", "categories", "dev2", "--set", "professional", "--expires", "2099-01-01")
    assert_one_line_error(result, "'--set'", "hk-professional, accredited", code=2)
    result = share_cli("compliance", "categories", "dev2", "--set", "retail", "--reason", "x")
    assert_one_line_error(result, "'--expires'", "YYYY-MM-DD", code=2)
    result = share_cli(
        "compliance", "categories", "dev6", "--set", "retail", "--expires", "2099-01-01", "--reason", "x"
    )
    assert_one_line_error(result, "NotInvestor", "verify-investor")


def test_a_category_rule_refuses_and_can_transfer_names_why(
    fractionalized: str, share_json: Json, share_cli: Run
) -> None:
    share_json("compliance", "categories", "dev2", "--set", "retail", "--expires", "2099-01-01", "--reason", "r")
    rules = share_json("compliance", "rules", fractionalized, "--categories", "hk-professional")
    assert rules["categories"] == ["hk-professional"] and len(rules["transactions"]) == 1
    result = share_cli("shares", "transfer", fractionalized, "dev2", "1", "--from", "dev1")
    assert_one_line_error(result, "CategoryNotAllowed", "retail", "hk-professional", "compliance categories")
    check = share_json("compliance", "can-transfer", fractionalized, "dev1", "dev2", "1")
    assert check["allowed"] is False and check["can_transfer"] is False
    assert check["reason"] == "CategoryNotAllowed" and check["arguments"]["allowed"] == "1"
    human = share_cli("compliance", "can-transfer", fractionalized, "dev1", "dev2", "1")
    assert human.exit_code == 0 and "refused (CategoryNotAllowed)" in human.stdout
    shown = share_json("compliance", "rules", fractionalized, "--categories", "none")
    assert shown["categories"] == []
    allowed = share_json("compliance", "can-transfer", fractionalized, "dev1", "dev2", "1")
    assert allowed["allowed"] is True and allowed["reason"] is None
    share_json("shares", "transfer", fractionalized, "dev2", "1", "--from", "dev1")


def test_rules_caps_lockup_and_country_rule(fractionalized: str, share_json: Json, share_cli: Run) -> None:
    shown = share_json("compliance", "rules", fractionalized)
    assert shown["transactions"] == [] and shown["max_holders"] is None and shown["country_mode"] == "none"
    set_ = share_json("compliance", "rules", fractionalized, "--max-holders", "1", "--max-balance", "5")
    assert set_["max_holders"] == 1 and set_["holder_count"] == 1 and set_["max_balance"] == str(5 * ONE)
    result = share_cli("shares", "transfer", fractionalized, "dev2", "1", "--from", "dev1")
    assert_one_line_error(result, "MaxHoldersReached", "maximum of 1 holders")
    share_json("compliance", "rules", fractionalized, "--max-holders", "0", "--allow-countries", "us,SG")
    result = share_cli("shares", "transfer", fractionalized, "dev2", "1", "--from", "dev1")
    assert_one_line_error(result, "CountryNotAllowed", "country DE")
    share_json("compliance", "rules", fractionalized, "--no-country-rule")
    result = share_cli("shares", "transfer", fractionalized, "dev2", "6", "--from", "dev1")
    assert_one_line_error(result, "MaxBalanceExceeded", "maximum of")
    locked = share_json("compliance", "rules", fractionalized, "--lockup-until", "2099-01-01", "--max-balance", "0")
    assert locked["lockup_until"].startswith("2099-01-01") and locked["max_balance"] is None
    result = share_cli("shares", "transfer", fractionalized, "dev2", "1", "--from", "dev1")
    assert_one_line_error(result, "LockedUp", "locked up until 2099-01-01")
    human = share_cli("compliance", "rules", fractionalized)
    assert "lock-up:             until 2099-01-01" in human.stdout


@pytest.mark.parametrize(
    ("options", "fragments"),
    [
        (["--allow-countries", "XX"], ["'--allow-countries'", "HK,SG"]),
        (["--allow-countries", "US", "--block-countries", "FR"], ["--no-country-rule"]),
        (["--categories", "vip"], ["'--categories'", "hk-professional"]),
        (["--lockup-until", "soon"], ["--lockup-until"]),
        (["--max-holders", "-1"], ["--max-holders"]),
    ],
)
def test_bad_rules_input_is_one_line_naming_the_option(
    fractionalized: str, share_cli: Run, options: list[str], fragments: list[str]
) -> None:
    assert_one_line_error(share_cli("compliance", "rules", fractionalized, *options), *fragments, code=2)


def test_a_token_officer_and_an_issuer_officer(fractionalized: str, share_json: Json, share_cli: Run) -> None:
    appointed = share_json("compliance", "officer", "appoint", "--token", fractionalized, "dev7")
    assert appointed["scope"] == "token" and appointed["officer"] == dev_account(7).address
    assert appointed["action"] == "officer_appointed" and "issuer" not in appointed
    share_json("compliance", "freeze", fractionalized, "dev1", "--amount", "1", "--reason", "x", "--from", "dev7")
    share_json("compliance", "officer", "remove", "--token", fractionalized, "dev7")
    result = share_cli("compliance", "freeze", fractionalized, "dev1", "--reason", "x", "--from", "dev7")
    assert_one_line_error(result, "NotComplianceOfficer", "officer appoint --token")
    issuer = share_json("compliance", "officer", "appoint", "--issuer", "dev1", "dev4")
    assert issuer["scope"] == "issuer" and issuer["issuer"] == dev_account(1).address
    try:
        share_json("compliance", "officer", "appoint", "--token", fractionalized, "dev7", "--from", "dev4")
        result = share_cli("compliance", "officer", "appoint", "--token", fractionalized, "dev9", "--from", "dev7")
        assert_one_line_error(result, "NotScopeAdmin")
        share_json("compliance", "officer", "remove", "--token", fractionalized, "dev7", "--from", "dev4")
    finally:
        share_json("compliance", "officer", "remove", "--issuer", "dev1", "dev4")
    assert_one_line_error(share_cli("compliance", "officer", "appoint", "dev7"), "--issuer", code=2)
    assert_one_line_error(share_cli("compliance", "officer", "promote", "--issuer", "dev1", "dev7"), code=2)


def test_pools_freeze_force_transfer_and_royalty_beneficiary(
    fractionalized: str, pool: SharePool, share_json: Json, share_cli: Run
) -> None:
    listed = share_json("compliance", "pools", fractionalized)
    (found,) = listed["pools"]
    assert found["address"] == pool.pair and found["share_balance"] == str(pool.shares)
    assert found["ineligible_lp_holders"] == []
    result = share_cli("compliance", "freeze", fractionalized, pool.pair, "--reason", "order")
    assert_one_line_error(result, "Uniswap V2-style pool", "one-way", "--allow-pair")
    moved = share_json("compliance", "force-transfer", fractionalized, pool.pair, "dev2", "10", "--reason", "order")
    assert moved["pool_sync"]["tx_hash"] != moved["tx_hash"]
    human = share_cli("compliance", "force-transfer", fractionalized, pool.pair, "dev2", "1", "--reason", "order")
    assert human.exit_code == 0 and "synced its reserves" in human.stdout
    named = share_json("shares", "beneficiary", fractionalized, pool.pair, "dev7")
    assert named["beneficiary"] == dev_account(7).address and named["holder"] == pool.pair
    paid = share_json("royalty", "claim-for", fractionalized, pool.pair, "--from", "dev3")
    assert paid["claims"] == [] and paid["beneficiary"] == dev_account(7).address
    assert share_json("shares", "beneficiary", fractionalized, pool.pair, "none")["beneficiary"] is None
    result = share_cli("royalty", "claim-for", fractionalized, pool.pair, "--from", "dev3")
    assert_one_line_error(result, "named no royalty beneficiary", "shares beneficiary", code=2)
