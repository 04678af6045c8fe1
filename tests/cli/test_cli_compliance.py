"""compliance verify-investor, add-venue, status, revoke, block-country, freeze, force-transfer, recover."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from cli_support import Run, assert_one_line_error
from ipledger import dev_account

Json = Callable[..., Any]
ONE = 10**18


def test_verify_investor_and_status(share_json: Json, share_cli: Run) -> None:
    out = share_json(
        "compliance", "verify-investor", "dev7", "--country", "jp", "--valid-days", "30", "--reason", "KYC 7"
    )
    assert out["account"] == dev_account(7).address and out["country"] == "JP"
    assert out["evidence_hash"] == "0x" + hashlib.sha256(b"KYC 7").hexdigest()
    status = share_json("compliance", "status", "dev7")
    assert status["kind"] == "investor" and status["country"] == "JP" and status["eligible"] is True
    assert status["expires_at"] == out["expires_at"]
    human = share_cli("compliance", "status", "dev7")
    assert "verified investor in JP" in human.stdout and "eligible" in human.stdout
    revoked = share_json("compliance", "revoke", "dev7", "--reason", "closed")
    assert revoked["action"] == "identity_revoked"
    gone = share_json("compliance", "status", "dev7")
    assert gone["kind"] == "none" and gone["eligible"] is False and gone["reason"]


def test_verify_investor_needs_evidence_and_a_real_country(share_cli: Run) -> None:
    assert_one_line_error(share_cli("compliance", "verify-investor", "dev7", "--country", "US"), "--evidence", code=2)
    result = share_cli("compliance", "verify-investor", "dev7", "--country", "XX", "--reason", "r")
    assert_one_line_error(result, "'XX' is not an ISO 3166-1 alpha-2 country code")
    result = share_cli("compliance", "verify-investor", "dev7", "--country", "US", "--reason", "r", "--from", "dev3")
    assert_one_line_error(result, "AccessControlUnauthorizedAccount", "compliance-officer")


def test_add_venue_and_block_country(fractionalized: str, share_json: Json, share_cli: Run) -> None:
    venue = share_json("compliance", "add-venue", "dev8", "--venue", "Other Exchange")
    assert venue["venue_hash"] == "0x" + hashlib.sha256(b"Other Exchange").hexdigest()
    assert share_json("compliance", "status", "dev8")["kind"] == "venue"
    share_json("shares", "transfer", fractionalized, "dev8", "5", "--from", "dev1")
    blocked = share_json("compliance", "block-country", "DE")
    assert blocked["blocked"] is True
    result = share_cli("shares", "transfer", fractionalized, "dev2", "1", "--from", "dev1")
    assert_one_line_error(result, "CountryBlocked", "country=DE", "block-country DE --unblock")
    assert share_json("compliance", "block-country", "DE", "--unblock")["blocked"] is False
    share_json("shares", "transfer", fractionalized, "dev2", "1", "--from", "dev1")


def test_freeze_partial_and_full_then_unfreeze(fractionalized: str, share_json: Json, share_cli: Run) -> None:
    frozen = share_json("compliance", "freeze", fractionalized, "dev1", "--amount", "990", "--reason", "pledge")
    assert frozen["frozen"] == str(990 * ONE)
    share_json("shares", "transfer", fractionalized, "dev2", "10", "--from", "dev1")
    result = share_cli("shares", "transfer", fractionalized, "dev2", "1", "--from", "dev1")
    assert_one_line_error(result, "ERC7943InsufficientUnfrozenBalance", "compliance unfreeze")
    assert share_json("compliance", "freeze", fractionalized, "dev2", "--reason", "court")["frozen"] == "all"
    assert_one_line_error(
        share_cli("shares", "transfer", fractionalized, "dev1", "1", "--from", "dev2"), "HolderFrozen"
    )
    balance = share_json("shares", "balance", fractionalized, "dev2")
    assert balance["frozen"] == str(2**256 - 1)
    share_json("compliance", "unfreeze", fractionalized, "dev2", "--reason", "lifted")
    share_json("shares", "transfer", fractionalized, "dev1", "1", "--from", "dev2")


def test_force_transfer_and_recover_keep_the_supply(fractionalized: str, share_json: Json) -> None:
    moved = share_json("compliance", "force-transfer", fractionalized, "dev1", "dev2", "600", "--reason", "judgment")
    assert moved["amount"] == str(600 * ONE)
    share_json("compliance", "verify-investor", "dev9", "--country", "US", "--reason", "new wallet of dev2")
    recovered = share_json("compliance", "recover", fractionalized, "dev2", "dev9", "--reason", "lost key")
    assert recovered["amount"] == str(600 * ONE)
    table = share_json("shares", "cap-table", fractionalized)
    holders = {holder["account"]: int(holder["balance"]) for holder in table["holders"]}
    assert holders == {dev_account(1).address: 400 * ONE, dev_account(9).address: 600 * ONE}
    assert sum(holders.values()) == int(table["total_supply"]) == 1000 * ONE


def test_unrestrict_lets_anyone_hold(fractionalized: str, share_json: Json) -> None:
    assert share_json("compliance", "unrestrict", fractionalized)["restricted"] is False
    share_json("shares", "transfer", fractionalized, "dev6", "1", "--from", "dev1")
    assert share_json("compliance", "restrict", fractionalized)["restricted"] is True
    assert share_json("shares", "cap-table", fractionalized)["restricted"] is True


def test_only_officers_freeze_and_the_hint_says_how_to_become_one(
    fractionalized: str, share_cli: Run, share_json: Json
) -> None:
    result = share_cli("compliance", "freeze", fractionalized, "dev1", "--reason", "x", "--from", "dev4")
    assert_one_line_error(result, "NotComplianceOfficer", "grant-role compliance-officer")
    granted = share_json("grant-role", "compliance-officer", "dev4")
    assert granted["role"] == "compliance-officer" and granted["account"] == dev_account(4).address
    share_json("compliance", "freeze", fractionalized, "dev1", "--amount", "1", "--reason", "x", "--from", "dev4")
    assert share_json("shares", "balance", fractionalized, "dev1")["frozen"] == str(ONE)
