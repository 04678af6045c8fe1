"""ipledger demo: the guided tour runs end to end on its own ephemeral chain."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ipledger import dev_account
from ipledger.cli import app
from typer.testing import CliRunner


@pytest.fixture(scope="module")
def report() -> Any:
    """``ipledger demo --json``, run once for the module: it must exit 0 and print only JSON."""
    result = CliRunner().invoke(app, ["demo", "--json"])
    assert result.exit_code == 0, (result.stderr, result.exception)
    return json.loads(result.stdout)


def test_demo_json_runs_end_to_end(report: Any) -> None:
    assert report["summary"]["verdict"] == "verified"
    assert report["chain"]["ephemeral"] is True
    acts = report["acts"]
    assert [act["act"] for act in acts] == list(range(1, len(acts) + 1))
    assert all(act["explanation"] for act in acts)
    transactions = [tx for act in acts for tx in act["transactions"]]
    assert len(transactions) == report["summary"]["transactions"] == 20
    assert all(tx["gas_used"] > 0 for tx in transactions)
    assert report["summary"]["total_gas"] == sum(tx["gas_used"] for tx in transactions)
    refusals = [act["refused"]["error"] for act in acts if act["refused"]]
    assert refusals == ["RightAlreadyRegistered", "TokenIsFrozen", "NotEligible", "FillExceedsRemaining"]
    kinds = [event["kind"] for event in report["history"]["events"]]
    assert kinds == ["registered", "assignment", "assignment", "frozen", "unfrozen"]
    assert report["summary"]["owner"] == dev_account(3).address
    assert report["verification"]["verdict"] == "verified"
    assert len(report["verification"]["notices"]) == 2
    assert report["tampered_verification"] == {"verdict": "failed", "failed_checks": ["documents"]}


def test_demo_trades_shares_after_the_provenance_report(report: Any) -> None:
    vault = report["deployment"]["vault"]
    assert report["summary"]["custody"] == vault
    shares = report["shares"]
    balances = {holder["account"]: int(holder["balance"]) for holder in shares["cap_table"]["holders"]}
    one = 10**18
    assert balances == {
        dev_account(3).address: 650_000 * one,
        dev_account(5).address: 250_000 * one,
        dev_account(4).address: 100_000 * one,
    }
    assert sum(balances.values()) == int(shares["cap_table"]["total_supply"])
    final = shares["verification"]
    assert final["verdict"] == "verified"
    assert [event["kind"] for event in final["events"]][-1] == "fractionalized"
    assert {check["name"]: check["ok"] for check in final["checks"]}["shares"] is True
    assert shares["order"]["order"]["maker"] == dev_account(3).address


def test_demo_human_output_tells_the_story() -> None:
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0, (result.stderr, result.exception)
    text = result.stdout
    positions = [text.index(f"Act {number} ·") for number in range(1, 14)]
    assert positions == sorted(positions)
    assert "VERIFIED" in text and "Gas per transaction" in text and "What happened" in text
    assert "is refused with NotEligible" in text and "Cap table" in text and "in custody of the share vault" in text
