"""ipledger demo: the guided tour runs end to end on its own ephemeral chain."""

from __future__ import annotations

import json

from ipledger import dev_account
from ipledger.cli import app
from typer.testing import CliRunner


def test_demo_json_runs_end_to_end() -> None:
    result = CliRunner().invoke(app, ["demo", "--json"])
    assert result.exit_code == 0, (result.stderr, result.exception)
    report = json.loads(result.stdout)
    assert report["summary"]["verdict"] == "verified"
    assert report["chain"]["ephemeral"] is True
    acts = report["acts"]
    assert [act["act"] for act in acts] == list(range(1, len(acts) + 1))
    assert all(act["explanation"] for act in acts)
    transactions = [act["transaction"] for act in acts if act["transaction"]]
    assert len(transactions) == report["summary"]["transactions"] == 6
    assert all(tx["gas_used"] > 0 for tx in transactions)
    assert report["summary"]["total_gas"] == sum(tx["gas_used"] for tx in transactions)
    refusals = [act["refused"]["error"] for act in acts if act["refused"]]
    assert refusals == ["RightAlreadyRegistered", "TokenIsFrozen"]
    kinds = [event["kind"] for event in report["history"]["events"]]
    assert kinds == ["registered", "assignment", "assignment", "frozen", "unfrozen"]
    assert report["summary"]["owner"] == dev_account(3).address
    assert report["verification"]["verdict"] == "verified"
    assert len(report["verification"]["notices"]) == 2
    assert report["tampered_verification"] == {"verdict": "failed", "failed_checks": ["documents"]}


def test_demo_human_output_tells_the_story() -> None:
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0, (result.stderr, result.exception)
    text = result.stdout
    positions = [text.index(f"Act {number} ·") for number in range(1, 9)]
    assert positions == sorted(positions)
    assert "VERIFIED" in text and "Gas per transaction" in text and "What happened" in text
