"""ipledger demo: the guided tour runs end to end on its own ephemeral chain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_support import assert_matches_schema
from ipledger import dev_account, right_id
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
    assert len(transactions) == report["summary"]["transactions"]
    # Besides the deployment (its transaction count is the SDK's business): 40 transactions in the acts.
    assert sum(len(act["transactions"]) for act in acts if act["title"] != "Deploy the contracts") == 40
    assert all(tx["gas_used"] > 0 for tx in transactions)
    assert report["summary"]["total_gas"] == sum(tx["gas_used"] for tx in transactions)
    refusals = [act["refused"]["error"] for act in acts if act["refused"]]
    assert refusals == [
        "RightAlreadyRegistered",
        "NumberAlreadyRegistered",
        "TokenIsFrozen",
        "LicenseConflict",
        "NotEligible",
        "FillExceedsRemaining",
        "RightPledged",
    ]
    kinds = [event["kind"] for event in report["history"]["events"]]
    assert kinds == ["registered", "assignment", "assignment", "frozen", "unfrozen"]
    assert report["summary"]["owner"] == dev_account(3).address
    assert report["verification"]["verdict"] == "verified"
    assert len(report["verification"]["notices"]) == 2
    assert report["tampered_verification"] == {"verdict": "failed", "failed_checks": ["documents"]}


def test_demo_registers_a_chinese_patent_under_its_application_publication_and_grant_numbers(report: Any) -> None:
    chinese = report["chinese_patent"]
    assert chinese["token_id"] == hex(right_id("ZL 2020 1 0123456.2"))  # typed full-width in the demo
    assert chinese["numbers"] == ["CN 202010123456.2", "CN 111234567"]  # publication A and grant B: one number
    assert chinese["family"] == ["PCT/CN2021/123456"]
    assert chinese["kind"] == "patent"  # the grant number made the application a patent


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


def test_demo_lends_against_the_chinese_patent_and_enforces_a_second_loan_by_auction(report: Any) -> None:
    financing = report["financing"]
    assert financing["cnipa_pledge_registration"] == "Y2024980012345"
    repaid = financing["repaid"]
    # 200,000 tUSD for 30 days at 3.45% a year, simple interest rounded up to the unit (the interest accrues over
    # the seconds between the acceptance's block and the repayment's, a little over the 30 days advanced).
    assert repaid["released"] is True and int(repaid["principal_paid"]) == 200_000 * 10**6
    assert 567_123_288 <= int(repaid["interest_paid"]) < 567_123_288 + 1_000
    sale = {
        name: int(value) if name != "buyer" else value
        for name, value in financing["sale"].items()
        if name in ("buyer", "price", "to_lender", "to_borrower", "shortfall")
    }
    assert sale["buyer"] == dev_account(8).address
    assert sale["to_lender"] + sale["to_borrower"] == sale["price"] and sale["shortfall"] == 0
    # The debt: 50,000 principal, 109 days at 6% (about 896 tUSD) and 500 of costs.
    assert 51_390 * 10**6 < sale["to_lender"] < 51_400 * 10**6


def test_demo_human_output_tells_the_story() -> None:
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0, (result.stderr, result.exception)
    text = result.stdout
    positions = [text.index(f"Act {number} ·") for number in range(1, 24)]
    assert positions == sorted(positions)
    assert "VERIFIED" in text and "Gas per transaction" in text and "What happened" in text
    assert "is refused with NotEligible" in text and "Cap table" in text and "in custody of the share vault" in text
    assert "is refused with LicenseConflict" in text and "Royalties to the share holders" in text
    assert "dev3 13,000 tUSD, dev4 2,000 tUSD" in text and "TITLE_VERIFIED" in text and "dismissed" in text
    assert "is refused with RightPledged" in text and "pledge released" in text and "sold to dev8" in text


def test_demo_licenses_the_patent_and_the_share_holders_claim_royalties(report: Any) -> None:
    tusd = 10**6
    rights = report["rights_in_use"]
    licence = rights["license"]
    assert licence["licensee"] == dev_account(6).address and licence["grantor"] == dev_account(3).address
    assert licence["exclusivity"] == "sole" and licence["territories"] == ["DE", "US"]
    assert licence["royalty_bps"] == 500 and licence["payment_token"] == report["deployment"]["stablecoin"]
    royalty = rights["royalty"]
    assert royalty["license_id"] == licence["license_id"] and royalty["amount"] == str(20_000 * tusd)
    assert royalty["beneficiary"] == report["shares"]["share_token"]
    # 65%, 10% and 25% of the shares: exact pro-rata parts of 20,000 tUSD.
    assert royalty["claims"] == {"dev3": str(13_000 * tusd), "dev4": str(2_000 * tusd)}
    assert royalty["unclaimed"] == {"dev5": str(5_000 * tusd)}


def test_demo_attests_the_title_and_dismisses_a_dispute(report: Any) -> None:
    rights = report["rights_in_use"]
    attestation = rights["attestation"]
    assert attestation["claim_type"] == "TITLE_VERIFIED" and attestation["valid"] is True
    assert attestation["attestor"] == dev_account(0).address
    dispute = rights["dispute"]
    assert dispute["claimant"] == dev_account(8).address and dispute["outcome"] == "dismissed"
    assert dispute["arbitrator"] == dev_account(0).address and dispute["bond"] == str(100 * 10**6)
    # Dismissed, the bond is forfeited to the owner dev3 (the patent is not fractionalized yet): credited to its
    # account in the royalty vault, from which it withdraws like a royalty.
    assert dispute["forfeit_on_dismissal"] is True and dispute["bond_recipient"] == dev_account(3).address
    bond = int(dispute["bond"])
    claimant = [int(amount) for amount in dispute["balances"]["dev8"]]
    owner = [int(amount) for amount in dispute["royalty_account"]["dev3"]]
    assert claimant == [claimant[0], claimant[0] - bond, claimant[0] - bond]
    assert owner == [owner[0], owner[0], owner[0] + bond]
    final = rights["verification"]
    assert final["verdict"] == "verified"
    checks = {check["name"]: check["ok"] for check in final["checks"]}
    assert checks.get("licenses", True) and checks.get("disputes", True)


def test_make_demo_installs_the_anvil_the_root_lockfile_pins() -> None:
    """`make demo` installs anvil alone from tools/anvil; it must be the very package (version and integrity) that
    `make setup` installs from the root lockfile with the contract toolchain."""
    root = Path(__file__).resolve().parents[2]
    name = "node_modules/@foundry-rs/anvil-linux-amd64"
    pinned = json.loads((root / "package-lock.json").read_text("utf-8"))["packages"][name]
    demo_lock = json.loads((root / "tools" / "anvil" / "package-lock.json").read_text("utf-8"))
    assert demo_lock["packages"][name] == pinned
    assert set(demo_lock["packages"]) == {"", name}
    demo_package = json.loads((root / "tools" / "anvil" / "package.json").read_text("utf-8"))
    assert demo_package["dependencies"] == {"@foundry-rs/anvil-linux-amd64": pinned["version"]}


def test_demo_json_fits_its_schema(report: Any) -> None:
    assert_matches_schema(["demo"], report)
