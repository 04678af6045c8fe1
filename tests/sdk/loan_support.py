"""Loans for the audit tests, sent to the loan desk directly (a borrower's published request accepted by a lender:
no signature needed): pledge a right or shares, repay, enforce and bid, register a pledge."""

from __future__ import annotations

import hashlib
from typing import Any

from ipledger import Ledger
from share_support import advance_time

DAY = 86_400
#: 1,000 tUSD (6 decimals).
PRINCIPAL = 1_000 * 10**6


def _send(ledger: Ledger, call: Any, sender: str) -> dict[str, Any]:
    sent = call.transact({"from": ledger.address_of(sender)})
    receipt = ledger.chain.w3.eth.wait_for_transaction_receipt(sent)
    assert receipt["status"] == 1, receipt
    return dict(receipt)


def agreement(text: str) -> bytes:
    """The SHA-256 of a loan agreement's text, as the terms record it."""
    return hashlib.sha256(text.encode()).digest()


def terms(
    ledger: Ledger,
    token: int,
    *,
    borrower: str = "dev1",
    lender: str = "dev2",
    shares: int = 0,
    principal: int = PRINCIPAL,
    duration: int = 30 * DAY,
    law: bytes = b"CN",
    foreclosure: bool = False,
    contract: str = "质押合同 2026-001",
    nonce: int = 0,
) -> tuple[Any, ...]:
    """A request's terms: the right ``token`` itself, or ``shares`` of its share token."""
    collateral = ledger.contracts.registry_address if not shares else ledger.shares.token(token)
    return (
        ledger.address_of(lender),
        ledger.address_of(borrower),
        collateral,
        0 if shares else token,
        shares,
        str(ledger.contracts.stablecoin.address),
        principal,
        10 * 10**6,  # fixed interest: 10 tUSD
        0,
        duration,
        DAY,  # grace
        2 * DAY,  # auction
        0,
        agreement(contract),
        law,
        foreclosure,
        ledger.chain.chain_time() + 7 * DAY,
        nonce,
    )


def approve(ledger: Ledger, token: str, owner: str, amount: int) -> None:
    desk = str(ledger.contracts.loans.address)
    _send(ledger, ledger.chain.erc20(token).functions.approve(desk, amount), owner)


def open_loan(ledger: Ledger, token: int, **given: Any) -> int:
    """Opens a loan on ``given`` terms (see :func:`terms`): the borrower publishes, the lender accepts; its id."""
    loan_terms = terms(ledger, token, **given)
    lender, borrower = given.get("lender", "dev2"), given.get("borrower", "dev1")
    desk = ledger.contracts.loans
    ledger.payments.mint_test_stablecoin(lender, loan_terms[6])
    approve(ledger, loan_terms[5], lender, loan_terms[6])
    if loan_terms[4]:
        approve(ledger, loan_terms[2], borrower, loan_terms[4])
    _send(ledger, desk.functions.request(loan_terms), borrower)
    _send(ledger, desk.functions.acceptRequest(loan_terms), lender)
    return int(desk.functions.loanCount().call())


def repay_all(ledger: Ledger, loan: int, payer: str = "dev1") -> None:
    desk = ledger.contracts.loans
    principal, interest, costs = desk.functions.owed(loan).call()
    due = principal + interest + costs + 10**6
    ledger.payments.mint_test_stablecoin(payer, due)
    approve(ledger, str(ledger.contracts.stablecoin.address), payer, due)
    _send(ledger, desk.functions.repay(loan, due), payer)


def register_pledge(ledger: Ledger, loan: int, number: str, by: str = "dev2") -> None:
    _send(ledger, ledger.contracts.loans.functions.registerPledge(loan, number), by)


def enforce_and_sell(ledger: Ledger, loan: int, *, buyer: str = "dev3", price: int = 2 * PRINCIPAL) -> None:
    """Past maturity and grace the lender auctions the collateral (start ``price``, floor half of it) and ``buyer``
    bids at once."""
    desk = ledger.contracts.loans
    advance_time(ledger, 32 * DAY)
    lender = desk.functions.loanOf(loan).call()[1]
    sent = desk.functions.enforce(loan, price, price // 2).transact({"from": lender})
    ledger.chain.w3.eth.wait_for_transaction_receipt(sent)
    ledger.payments.mint_test_stablecoin(buyer, price)
    approve(ledger, str(ledger.contracts.stablecoin.address), buyer, price)
    _send(ledger, desk.functions.bid(loan, price), buyer)
