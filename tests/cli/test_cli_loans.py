"""``ipledger loan offer|request|accept|cancel|repay|refinance|enforce|bid|foreclose|record-loss|register-pledge|show|
list``: human and --json output, the offer file a lender hands a borrower, and one-line errors naming the field."""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_support import Chain, Run, assert_one_line_error
from ipledger import IPMetadata, Ledger, parse_number
from web3.types import RPCEndpoint

Json = Callable[..., Any]
TUSD = 10**6
DAY = 86_400
TITLE = "一种固态电池电极及其制备方法"
_serials = itertools.count(random.SystemRandom().randrange(1_000_000, 8_000_000, 10_000) + 7_000)
_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def _cn_application(serial: int) -> str:
    digits = f"20201{serial:07d}"
    remainder = sum(int(digit) * weight for digit, weight in zip(digits, _WEIGHTS, strict=True)) % 11
    return f"ZL {digits[:4]} {digits[4]} {digits[5:]}.{'X' if remainder == 10 else remainder}"


@pytest.fixture(scope="module")
def admin(chain: Chain) -> Ledger:
    """dev0 (registrar) on the session chain; dev1..dev4 hold tUSD."""
    ledger = Ledger.connect(
        chain.node.rpc_url, registry=chain.registry, vault=chain.vault, stablecoin=chain.stablecoin, account="dev0"
    )
    for name in ("dev1", "dev2", "dev3", "dev4"):
        ledger.payments.mint_test_stablecoin(name, 100_000 * TUSD)
    return ledger


@pytest.fixture
def right(admin: Ledger, tmp_path: Path) -> str:
    """A fresh Chinese invention held by dev1: its application number (ZL …)."""
    application = _cn_application(next(_serials))
    documents = []
    for name in ("权利要求书.pdf", "说明书.pdf"):
        path = tmp_path / name
        path.write_text(f"{name} {application}\n", "utf-8")
        documents.append(path)
    metadata = IPMetadata(title=TITLE, kind="patent", number=application, inventors=("李伟",), filing_date="2020-02-12")
    admin.register(metadata, documents, to="dev1")
    return application


@pytest.fixture
def agreement(tmp_path: Path) -> Path:
    path = tmp_path / "借款及质押合同.pdf"
    path.write_text("Loan and pledge agreement, Shanghai, 2026\n", "utf-8")
    return path


def _advance(chain: Chain, seconds: int) -> None:
    ledger = Ledger.connect(chain.node.rpc_url)
    ledger.chain.w3.provider.make_request(RPCEndpoint("evm_increaseTime"), [seconds])
    ledger.chain.w3.provider.make_request(RPCEndpoint("evm_mine"), [])


def _offer(share_json: Json, right: str, agreement: Path, out: Path, *extra: str) -> Any:
    return share_json(
        "loan",
        "offer",
        right,
        "--principal",
        "1000",
        "--apr",
        "12.5",
        "--interest",
        "10",
        "--duration",
        "180d",
        "--grace",
        "10d",
        "--auction",
        "2d",
        "--law",
        "CN",
        "--agreement",
        str(agreement),
        "--out",
        str(out),
        "--from",
        "dev2",
        *extra,
    )


def test_offer_accept_show_list_register_and_repay(
    right: str, agreement: Path, share_json: Json, share_cli: Run, tmp_path: Path
) -> None:
    offer_file = tmp_path / "offer.json"
    offered = _offer(share_json, right, agreement, offer_file)
    assert offered["kind"] == "ipledger loan offer" and offered["terms"]["principal"] == str(1_000 * TUSD)
    assert offered["terms"]["apr_ppm"] == 125_000 and json.loads(offer_file.read_text("utf-8")) == offered
    opened = share_json("loan", "accept", str(offer_file), "--from", "dev1")
    loan_id = str(opened["loan_id"])
    assert opened["principal"] == str(1_000 * TUSD) and opened["terms_hash"] == offered["terms_hash"]
    shown = share_json("loan", "show", loan_id)
    assert shown["state"] == "active" and shown["collateral_status"]["pledged"] is True
    assert shown["collateral_status"]["number"] == parse_number(right).canonical
    human = share_cli("loan", "show", loan_id)
    assert human.exit_code == 0, human.stderr
    text = " ".join(human.stdout.split())
    assert "pledged to dev2" in text and f"under agreement {shown['agreement_hash']}" in text and "due 20" in text
    assert parse_number(right).canonical in text and TITLE in text and "owed now" in text and "tUSD" in text
    listed = share_json("loan", "list", "--borrower", "dev1", "--state", "active")
    assert int(loan_id) in [loan["loan_id"] for loan in listed["loans"]]
    assert share_json("loan", "list", "--right", right)["loans"][0]["loan_id"] == int(loan_id)
    registered = share_json("loan", "register-pledge", loan_id, "Y2026310000123", "--from", "dev2")
    assert registered["registration"] == "Y2026310000123"
    partial = share_json("loan", "repay", loan_id, "100", "--from", "dev1")
    assert partial["released"] is False and int(partial["interest_paid"]) > 10 * TUSD
    repaid = share_cli("loan", "repay", loan_id, "--from", "dev1")
    assert repaid.exit_code == 0, repaid.stderr
    assert "Paid in full: the pledge is released." in repaid.stdout
    assert share_json("loan", "show", loan_id)["state"] == "repaid"


def test_request_accepted_by_its_hash_and_cancel(right: str, agreement: Path, share_json: Json, share_cli: Run) -> None:
    options = ["--principal", "500", "--apr", "8", "--duration", "90d", "--law", "HK", "--agreement", str(agreement)]
    requested = share_json("loan", "request", right, *options, "--from", "dev1")
    second = share_json("loan", "request", right, *options, "--expires-in", "1d", "--from", "dev1")
    cancelled = share_json("loan", "cancel", second["terms_hash"], "--from", "dev1")
    assert cancelled["terms_hash"] == second["terms_hash"]
    assert_one_line_error(share_cli("loan", "accept", second["terms_hash"], "--from", "dev3"), "TermsNotAvailable")
    opened = share_json("loan", "accept", requested["terms_hash"], "--from", "dev3")
    assert opened["lender"] == share_json("loan", "show", str(opened["loan_id"]))["lender"]


def test_enforce_bid_foreclose_refinance_and_record_loss(
    right: str, agreement: Path, share_json: Json, share_cli: Run, tmp_path: Path, chain: Chain, admin: Ledger
) -> None:
    offer_file = tmp_path / "offer.json"
    _offer(share_json, right, agreement, offer_file, "--costs", "20")
    loan_id = str(share_json("loan", "accept", str(offer_file), "--from", "dev1")["loan_id"])
    early = share_cli("loan", "enforce", loan_id, "--start-price", "3000", "--floor-price", "500", "--from", "dev2")
    assert_one_line_error(early, "NotYetEnforceable", "maturity plus grace")
    _advance(chain, 191 * DAY)
    started = share_json("loan", "enforce", loan_id, "--start-price", "3000", "--floor-price", "500", "--from", "dev2")
    assert int(started["debt"]) > 1_030 * TUSD
    assert share_json("loan", "show", loan_id)["current_price"] is not None
    assert_one_line_error(
        share_cli("loan", "bid", loan_id, "--max-price", "1", "--from", "dev4"), "PriceAboveLimit", "--max-price"
    )
    sold = share_json("loan", "bid", loan_id, "--max-price", "3000", "--from", "dev4")
    assert int(sold["to_lender"]) >= int(started["debt"]) and int(sold["shortfall"]) == 0
    assert share_json("loan", "show", loan_id)["state"] == "sold"

    # Foreclosure (HK law, allowed by the terms) of the right dev4 now holds, pledged again.
    hk_file = tmp_path / "hk.json"
    hk = ["--duration", "1d", "--grace", "0s", "--auction", "1h", "--law", "HK", "--foreclosure"]
    share_json(
        "loan", "offer", right, "--principal", "100", "--agreement", str(agreement), *hk, "--out", str(hk_file),
        "--from", "dev2",
    )  # fmt: skip
    hk_loan = str(share_json("loan", "accept", str(hk_file), "--from", "dev4")["loan_id"])
    _advance(chain, DAY + 1)
    share_json("loan", "enforce", hk_loan, "--start-price", "200", "--floor-price", "150", "--from", "dev2")
    _advance(chain, 3_601)
    assert share_json("loan", "foreclose", hk_loan, "--from", "dev2")["state"] == "foreclosed"

    # Refinancing, then a forced transfer that takes the collateral: anyone records the loss.
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    share_json(
        "loan", "offer", right, "--principal", "100", "--interest", "1", "--duration", "30d", "--law", "CN",
        "--agreement", str(agreement), "--out", str(first), "--from", "dev1",
    )  # fmt: skip
    old = str(share_json("loan", "accept", str(first), "--from", "dev2")["loan_id"])
    share_json(
        "loan", "offer", right, "--principal", "150", "--duration", "30d", "--law", "CN",
        "--agreement", str(agreement), "--out", str(second), "--from", "dev3",
    )  # fmt: skip
    refinanced = share_json("loan", "refinance", old, str(second), "--from", "dev2")
    assert share_json("loan", "show", old)["state"] == "refinanced"
    admin.rights.force_transfer(right, "dev4", "Court order (2026) Hu 0115 Min Chu 77")
    lost = share_json("loan", "record-loss", str(refinanced["new_loan_id"]), "--from", "dev4")
    assert lost["state"] == "lost"


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (("--principal", "ten"), ("principal",)),
        (("--principal", "1.0000001"), ("principal", "decimal places")),
        (("--apr", "3.12345"), ("apr", "4 decimal places")),
        (("--duration", "180 days"), ("duration", "180d")),
        (("--law", "China"), ("governing_law",)),
    ],
)
def test_bad_terms_are_one_line_errors_naming_the_field(
    right: str, agreement: Path, share_cli: Run, tmp_path: Path, change: tuple[str, str], fragments: tuple[str, ...]
) -> None:
    terms = {"--principal": "1000", "--apr": "5", "--duration": "180d", "--law": "CN", change[0]: change[1]}
    args = [item for pair in terms.items() for item in pair]
    result = share_cli("loan", "offer", right, *args, "--agreement", str(agreement), "--from", "dev2")
    assert_one_line_error(result, *fragments)


def test_unknown_loans_and_tampered_offers_are_one_line_errors(
    right: str, agreement: Path, share_json: Json, share_cli: Run, tmp_path: Path
) -> None:
    assert_one_line_error(share_cli("loan", "show", "999999"), "unknown loan 999999", "ipledger loan list")
    assert_one_line_error(share_cli("loan", "repay", "999999", "--from", "dev1"), "unknown loan 999999")
    offer_file = tmp_path / "offer.json"
    offered = _offer(share_json, right, agreement, offer_file)
    offered["terms"]["principal"] = str(2_000 * TUSD)
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(offered), "utf-8")
    assert_one_line_error(share_cli("loan", "accept", str(tampered), "--from", "dev1"), "InvalidSignature", "altered")
    assert_one_line_error(share_cli("loan", "accept", str(tmp_path / "none.json"), "--from", "dev1"), "offer")
    not_offer = tmp_path / "not-offer.json"
    not_offer.write_text('{"kind": "something else"}', "utf-8")
    assert_one_line_error(share_cli("loan", "accept", str(not_offer), "--from", "dev1"), "not a signed loan offer")
    assert_one_line_error(share_cli("loan", "accept", str(offer_file), "--from", "dev3"), "NotCollateralHolder")
    loan_id = str(share_json("loan", "accept", str(offer_file), "--from", "dev1")["loan_id"])
    assert_one_line_error(share_cli("loan", "repay", loan_id, "abc", "--from", "dev1"), "amount")
    assert_one_line_error(share_cli("loan", "transfer", "--from", "dev1"), code=2)


def test_credited_shows_the_desk_credit_and_withdraw_refuses_nothing(share_json: Json, share_cli: Run) -> None:
    credit = share_json("loan", "credited", "dev4")
    assert credit["amount"] == "0" and credit["symbol"] == "tUSD" and credit["decimals"] == 6
    human = share_cli("loan", "credited", "dev4")
    assert human.exit_code == 0, human.stderr
    assert "0 tUSD credited on the loan desk" in " ".join(human.stdout.split())
    assert_one_line_error(share_cli("loan", "withdraw", "--from", "dev4"), "NothingToWithdraw", "holds nothing")
