"""A pledged right's history, record and verification: the loan desk's events told in order, the pledge shown as
"pledged to X under agreement H, due D", proven in the trusted verify like every other fact."""

from __future__ import annotations

from pathlib import Path

import pytest
from ipledger import IPMetadata, Ledger
from loan_support import agreement, enforce_and_sell, open_loan, register_pledge, repay_all

Patent = tuple[IPMetadata, list[Path]]


def _head_hash(ledger: Ledger) -> str:
    return "0x" + bytes(ledger.chain.w3.eth.get_block("latest")["hash"]).hex()


@pytest.fixture
def pledged_right(ledger: Ledger, patent: Patent) -> tuple[int, int]:
    """A patent of dev1 pledged to dev2 (loan under PRC law), its CNIPA pledge registration recorded."""
    token = ledger.register(*patent, to="dev1").token_id
    loan = open_loan(ledger, token)
    register_pledge(ledger, loan, "Y2026990000123")
    return token, loan


def test_a_pledged_then_repaid_right_tells_its_loan_in_order(ledger: Ledger, pledged_right: tuple[int, int]) -> None:
    token, loan = pledged_right
    repay_all(ledger, loan)
    kinds = [event.kind for event in ledger.history(token).events]
    assert kinds[-6:] == [
        "loan_opened",
        "pledge_locked",
        "pledge_registered",
        "loan_repaid",
        "pledge_released",
        "pledge_unlocked",
    ], kinds
    events = {event.kind: event for event in ledger.history(token).events}
    opened = events["loan_opened"]
    assert (
        opened.loan_id == loan and opened.from_ == ledger.address_of("dev2") and opened.to == ledger.address_of("dev1")
    )
    assert opened.agreement_hash == "0x" + agreement("质押合同 2026-001").hex() and opened.due is not None
    assert events["pledge_registered"].registration == "Y2026990000123"
    assert events["loan_repaid"].remaining == 0 and events["loan_repaid"].interest == 10 * 10**6
    record = ledger.rights.get(token)
    assert not record.pledged and [pledge.state for pledge in record.pledges] == ["repaid"]


def test_a_pledged_right_shows_to_whom_and_is_proven(ledger: Ledger, pledged_right: tuple[int, int]) -> None:
    token, loan = pledged_right
    record = ledger.rights.get(token)
    assert record.pledged
    (pledge,) = record.pledges
    assert (pledge.loan_id, pledge.state, pledge.lender) == (loan, "active", ledger.address_of("dev2"))
    assert pledge.registration == "Y2026990000123"
    report = ledger.verify(token, trust_block_hash=_head_hash(ledger))
    checks = {check.name: check for check in report.checks}
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]
    assert report.record is not None and report.record.pledged
    assert "pledged to" in checks["pledge"].detail and "Y2026990000123" in checks["pledge"].detail
    assert checks["modules"].ok and "loans" in checks["modules"].detail
    assert any(notice.startswith(f"loan {loan}: pledged to") for notice in report.notices)


def test_an_enforced_right_shows_the_sale(ledger: Ledger, patent: Patent) -> None:
    token = ledger.register(*patent, to="dev1").token_id
    loan = open_loan(ledger, token, law=b"HK")
    enforce_and_sell(ledger, loan)
    kinds = [event.kind for event in ledger.history(token).events]
    # The sale: the desk's event, the registry's pledge lifted and the right delivered to the buyer.
    assert kinds[-4:] == ["auction_started", "collateral_sold", "pledge_unlocked", "transfer"], kinds
    record = ledger.rights.get(token)
    assert record.owner == ledger.address_of("dev3") and not record.pledged
    (pledge,) = record.pledges
    assert pledge.state == "sold" and pledge.buyer == ledger.address_of("dev3")
    # The bid came at once: the start price on anvil; on a node whose clock runs (Hardhat) a little below it.
    assert 1_990 * 10**6 <= pledge.price <= 2_000 * 10**6
    report = ledger.verify(token, trust_block_hash=_head_hash(ledger))
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]
    assert any("sold on" in notice for notice in report.notices)
