"""LoanDesk, function by function: opening (signed offers, published requests), cancelling, repaying (fixed and
APR interest, exact to the wei), releasing, enforcing by a Dutch auction, bidding, foreclosing, refinancing,
recording a loss and a pledge registration, share collateral, and the views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from dispute_helpers import VERIFIER_ROLE, self_declare
from eth_utils import keccak
from loan_helpers import (
    ACTIVE,
    AUCTION,
    DAY,
    FORECLOSED,
    LOANS_DOMAIN_NAME,
    LOST,
    PRINCIPAL,
    REFINANCED,
    REPAID,
    SOLD,
    USD,
    Terms,
    accrual,
    loan_of,
    make_terms,
    owed,
    reverts,
    terms_digest,
)
from registry_helpers import ZERO_ADDRESS, b, mine_at, now, rpc
from share_helpers import chain_id, domain_separator

ORDER = keccak(text="court order 2026/123")
SHARES = 1_000 * 10**18
GAS = {"gas_limit": 3_000_000}


def at(timestamp: int) -> None:
    """The next transaction is mined at exactly ``timestamp``."""
    rpc("evm_setNextBlockTimestamp", [timestamp])


def balances(token: Any, *accounts: Any) -> list[int]:
    return [int(token.balanceOf(a)) for a in accounts]


def loan_ref(loan_id: int) -> bytes:
    return loan_id.to_bytes(32, "big")


# ------------------------------------------------------------------------------------------- opening


def test_accept_pledges_the_right_and_pays_the_principal(
    desk: Any, registry: Any, usd: Any, lender: Any, alice: Any, right: int, open_loan: Callable[..., Any]
) -> None:
    before = balances(usd, lender, alice, desk)
    loan_id, tx, terms = open_loan()
    assert loan_id == 1 == desk.loanCount()
    assert balances(usd, lender, alice, desk) == [before[0] - PRINCIPAL, before[1] + PRINCIPAL, before[2]]
    record = registry.recordOf(right)
    assert record["pledged"] is True
    assert record["owner"] == alice.address == registry.ownerOf(right)
    pledge = tx.events["PledgeSet"]
    assert (pledge["tokenId"], pledge["pledged"], pledge["by"], b(pledge["loanRef"])) == (
        right,
        True,
        desk.address,
        loan_ref(loan_id),
    )
    opened = tx.events["LoanOpened"]
    digest = terms_digest(terms, desk=desk)
    assert b(desk.hashTerms(terms.as_tuple())) == digest
    assert dict(opened) == {
        "loanId": loan_id,
        "rightId": right,
        "lender": lender.address,
        "borrower": alice.address,
        "collateral": registry.address,
        "collateralAmount": 0,
        "currency": usd.address,
        "principal": PRINCIPAL,
        "maturity": tx.timestamp + terms.duration,
        "agreementHash": "0x" + terms.agreementHash.hex(),
        "termsHash": "0x" + digest.hex(),
    }
    loan = loan_of(desk, loan_id)
    assert loan["state"] == ACTIVE
    assert (loan["lender"], loan["borrower"], loan["rightId"], loan["principal"]) == (
        lender.address,
        alice.address,
        right,
        PRINCIPAL,
    )
    assert loan["startedAt"] == loan["accruedAt"] == tx.timestamp
    assert loan["maturity"] == tx.timestamp + terms.duration
    assert loan["governingLaw"] == b"CN"


def test_named_borrower_alone_accepts(
    desk: Any, alice: Any, bob: Any, offer: Callable[..., Terms], sign: Callable[..., bytes]
) -> None:
    terms = offer(borrower=alice)
    with reverts("NotParty", bob, alice):
        desk.accept(terms.as_tuple(), sign(terms), {"from": bob})
    desk.accept(terms.as_tuple(), sign(terms), {"from": alice})


def test_open_offer_is_accepted_by_the_holder_of_the_collateral(
    desk: Any, registry: Any, alice: Any, bob: Any, right2: int, offer: Callable[..., Terms], sign: Callable[..., bytes]
) -> None:
    terms = offer(collateralId=right2)
    assert terms.borrower == ZERO_ADDRESS
    with reverts("NotCollateralHolder", bob, right2):
        desk.accept(terms.as_tuple(), sign(terms), {"from": bob})
    tx = desk.accept(terms.as_tuple(), sign(terms), {"from": alice})
    assert tx.events["LoanOpened"]["borrower"] == alice.address
    assert registry.recordOf(right2)["pledged"] is True


def _request(desk: Any, registry: Any, usd: Any, alice: Any, right: int, lender: Any = ZERO_ADDRESS) -> Terms:
    return make_terms(
        lender=lender,
        borrower=alice,
        collateral=registry,
        collateralId=right,
        currency=usd,
        principal=PRINCIPAL,
        aprPpm=80_000,
        nonce=5,
    )


def test_request_is_published_and_accepted_by_any_lender(
    desk: Any, registry: Any, usd: Any, alice: Any, lender2: Any, right: int
) -> None:
    terms = _request(desk, registry, usd, alice, right)
    tx = desk.request(terms.as_tuple(), {"from": alice})
    digest = terms_digest(terms, desk=desk)
    assert b(tx.return_value) == digest
    event = tx.events["LoanRequested"]
    assert (b(event["termsHash"]), event["rightId"], event["borrower"]) == (digest, right, alice.address)
    assert not registry.recordOf(right)["pledged"]
    before = balances(usd, lender2, alice)
    tx = desk.acceptRequest(terms.as_tuple(), {"from": lender2})
    assert balances(usd, lender2, alice) == [before[0] - PRINCIPAL, before[1] + PRINCIPAL]
    loan = loan_of(desk, tx.return_value)
    assert (loan["lender"], loan["borrower"], loan["aprPpm"]) == (lender2.address, alice.address, 80_000)
    assert registry.recordOf(right)["pledged"] is True
    with reverts("TermsNotAvailable", digest):
        desk.acceptRequest(terms.as_tuple(), {"from": lender2})


def test_request_naming_a_lender_is_accepted_by_it_alone(
    desk: Any, registry: Any, usd: Any, alice: Any, lender: Any, lender2: Any, right: int
) -> None:
    terms = _request(desk, registry, usd, alice, right, lender=lender)
    desk.request(terms.as_tuple(), {"from": alice})
    with reverts("NotParty", lender2, lender):
        desk.acceptRequest(terms.as_tuple(), {"from": lender2})
    desk.acceptRequest(terms.as_tuple(), {"from": lender})


def test_request_is_published_by_its_borrower_holding_the_right(
    desk: Any, registry: Any, usd: Any, alice: Any, bob: Any, right: int, new_right: Callable[..., int]
) -> None:
    terms = _request(desk, registry, usd, alice, right)
    with reverts("NotParty", bob, alice):
        desk.request(terms.as_tuple(), {"from": bob})
    bobs = new_right(bob)
    with reverts("NotCollateralHolder", alice, bobs):
        desk.request(terms.but(collateralId=bobs).as_tuple(), {"from": alice})
    with reverts("InvalidTerms"):
        desk.request(terms.but(principal=0).as_tuple(), {"from": alice})


def test_unpublished_or_cancelled_request_cannot_be_accepted(
    desk: Any, registry: Any, usd: Any, alice: Any, lender: Any, right: int
) -> None:
    terms = _request(desk, registry, usd, alice, right)
    digest = terms_digest(terms, desk=desk)
    with reverts("TermsNotAvailable", digest):
        desk.acceptRequest(terms.as_tuple(), {"from": lender})
    desk.request(terms.as_tuple(), {"from": alice})
    tx = desk.cancel(terms.as_tuple(), {"from": alice})
    assert (b(tx.events["TermsCancelled"]["termsHash"]), tx.events["TermsCancelled"]["by"]) == (digest, alice.address)
    with reverts("TermsNotAvailable", digest):
        desk.acceptRequest(terms.as_tuple(), {"from": lender})


def test_cancelled_offer_cannot_be_accepted(
    desk: Any, alice: Any, lender: Any, offer: Callable[..., Terms], sign: Callable[..., bytes]
) -> None:
    terms = offer()
    tx = desk.cancel(terms.as_tuple(), {"from": lender})
    assert tx.events["TermsCancelled"]["by"] == lender.address
    with reverts("TermsNotAvailable", terms_digest(terms, desk=desk)):
        desk.accept(terms.as_tuple(), sign(terms), {"from": alice})


def test_cancel_below_voids_lower_nonces_only(
    desk: Any, alice: Any, lender: Any, offer: Callable[..., Terms], sign: Callable[..., bytes]
) -> None:
    low, high = offer(nonce=10), offer(nonce=11)
    tx = desk.cancelBelow(11, {"from": lender})
    assert dict(tx.events["NoncesCancelled"]) == {"account": lender.address, "nonce": 11}
    tx = desk.cancelBelow(3, {"from": lender})
    assert tx.events["NoncesCancelled"]["nonce"] == 11 == desk.minNonce(lender)
    with reverts("TermsNotAvailable", terms_digest(low, desk=desk)):
        desk.accept(low.as_tuple(), sign(low), {"from": alice})
    desk.accept(high.as_tuple(), sign(high), {"from": alice})


def test_expired_offer_cannot_be_accepted(
    desk: Any, alice: Any, offer: Callable[..., Terms], sign: Callable[..., bytes]
) -> None:
    expiry = now() + 1_000
    terms = offer(expiry=expiry)
    mine_at(expiry + 1)
    with reverts("TermsExpired", terms_digest(terms, desk=desk), expiry):
        desk.accept(terms.as_tuple(), sign(terms), {"from": alice})


@pytest.mark.parametrize(
    "changes",
    [
        {"principal": 0},
        {"duration": 0},
        {"auctionDuration": 0},
        {"currency": ZERO_ADDRESS},
        {"collateralAmount": 1},
        {"foreclosure": True},
        {"governingLaw": b"cn"},
        {"governingLaw": b"C1"},
        {"governingLaw": b"\x00\x00"},
        {"principal": 2**128},
        {"interest": 2**128},
        {"costs": 2**128},
        {"principal": 2**126, "interest": 2**126},
    ],
    ids=[
        "no principal",
        "no duration",
        "no auction",
        "no currency",
        "right with amount",
        "CN foreclosure",
        "lower-case law",
        "law with a digit",
        "no law",
        "principal of 2**128",
        "interest of 2**128",
        "costs of 2**128",
        "amounts of 2**127 together",
    ],
)
def test_inconsistent_terms_are_refused(
    desk: Any, alice: Any, offer: Callable[..., Terms], sign: Callable[..., bytes], changes: dict[str, Any]
) -> None:
    terms = offer(**changes)
    with reverts("InvalidTerms"):
        desk.accept(terms.as_tuple(), sign(terms), {"from": alice})


def test_amounts_just_below_2_127_together_are_taken(
    desk: Any, registry: Any, usd: Any, alice: Any, right: int
) -> None:
    """The bound is exact: principal, interest and costs summing to 2**127 - 1 are published, 2**127 refused."""
    terms = _request(desk, registry, usd, alice, right).but(principal=2**126, interest=2**125, costs=2**125 - 1)
    with reverts("InvalidTerms"):
        desk.request(terms.but(costs=2**125).as_tuple(), {"from": alice})
    tx = desk.request(terms.as_tuple(), {"from": alice})
    assert b(tx.events["LoanRequested"]["termsHash"]) == terms_digest(terms, desk=desk)


def test_self_declared_claim_cannot_be_pledged_until_confirmed(
    desk: Any,
    registry: Any,
    usd: Any,
    admin: Any,
    alice: Any,
    bob: Any,
    lender: Any,
    new_registration: Callable[..., Any],
    offer: Callable[..., Terms],
    sign: Callable[..., bytes],
) -> None:
    """An earlier-committed claim could supersede a self-declared one and strip its pledge: only a right a registrar
    registered, or a claim a verifier confirmed, is pledged."""
    claim = self_declare(registry, alice, new_registration())
    terms = offer(collateralId=claim)
    with reverts("CollateralUnverified", claim):
        desk.accept(terms.as_tuple(), sign(terms), {"from": alice})
    request = _request(desk, registry, usd, alice, claim)
    with reverts("CollateralUnverified", claim):
        desk.request(request.as_tuple(), {"from": alice})
    registry.grantRole(VERIFIER_ROLE, bob, {"from": admin})
    registry.confirmClaim(claim, keccak(text="examination report"), {"from": bob})
    tx = desk.accept(terms.as_tuple(), sign(terms), {"from": alice})
    assert tx.events["LoanOpened"]["rightId"] == claim
    assert registry.recordOf(claim)["pledged"] is True


def test_spent_terms_cannot_be_cancelled(
    desk: Any,
    registry: Any,
    usd: Any,
    alice: Any,
    lender: Any,
    lender2: Any,
    right: int,
    right2: int,
    offer: Callable[..., Terms],
    sign: Callable[..., bytes],
) -> None:
    """Accepted or already cancelled, terms are spent: a cancellation reverts instead of claiming a void act."""
    accepted, cancelled = offer(), offer(collateralId=right2)
    desk.accept(accepted.as_tuple(), sign(accepted), {"from": alice})
    desk.cancel(cancelled.as_tuple(), {"from": lender})
    for terms in (accepted, cancelled):
        with reverts("TermsNotAvailable", terms_digest(terms, desk=desk)):
            desk.cancel(terms.as_tuple(), {"from": lender})
    request = _request(desk, registry, usd, alice, right2)
    desk.request(request.as_tuple(), {"from": alice})
    desk.acceptRequest(request.as_tuple(), {"from": lender2})
    with reverts("TermsNotAvailable", terms_digest(request, desk=desk)):
        desk.cancel(request.as_tuple(), {"from": alice})


# ------------------------------------------------------------------------------------------- repayment


def test_fixed_interest_is_paid_first_then_the_principal(
    desk: Any, registry: Any, usd: Any, lender: Any, alice: Any, bob: Any, right: int, open_loan: Callable[..., Any]
) -> None:
    interest = 500 * USD
    loan_id, _, _ = open_loan(interest=interest)
    assert owed(desk, loan_id) == (PRINCIPAL, interest, 0)
    before = balances(usd, lender, alice)
    tx = desk.repay(loan_id, 200 * USD, {"from": alice})
    assert tx.return_value == 200 * USD
    assert dict(tx.events["LoanRepaid"]) == {
        "loanId": loan_id,
        "rightId": right,
        "payer": alice.address,
        "interestPaid": 200 * USD,
        "principalPaid": 0,
        "remaining": PRINCIPAL + 300 * USD,
    }
    tx = desk.repay(loan_id, 1_000 * USD, {"from": alice})
    assert (tx.events["LoanRepaid"]["interestPaid"], tx.events["LoanRepaid"]["principalPaid"]) == (300 * USD, 700 * USD)
    assert owed(desk, loan_id) == (PRINCIPAL - 700 * USD, 0, 0)
    assert registry.recordOf(right)["pledged"] is True
    tx = desk.repay(loan_id, 10**30, {"from": alice})
    assert tx.return_value == PRINCIPAL - 700 * USD
    assert balances(usd, lender, alice) == [before[0] + PRINCIPAL + interest, before[1] - PRINCIPAL - interest]
    assert dict(tx.events["PledgeReleased"]) == {"loanId": loan_id, "rightId": right, "borrower": alice.address}
    assert tx.events["PledgeSet"]["pledged"] is False
    assert loan_of(desk, loan_id)["state"] == REPAID
    assert registry.recordOf(right)["pledged"] is False
    registry.transferFrom(alice, bob, right, {"from": alice})
    assert registry.ownerOf(right) == bob.address
    with reverts("WrongState", loan_id, REPAID):
        desk.repay(loan_id, 1, {"from": alice})


def test_apr_interest_is_exact_to_the_wei_at_each_repayment(
    desk: Any, usd: Any, lender: Any, alice: Any, open_loan: Callable[..., Any]
) -> None:
    principal, apr = 12_345_678_901, 123_457
    loan_id, opened, _ = open_loan(principal=principal, aprPpm=apr, interest=7)
    accrued_at, remaining_principal, interest = opened.timestamp, principal, 7
    for elapsed, amount in ((86_399, 5 * USD), (17 * DAY + 13, 4_000 * USD), (1, 1), (400 * DAY, 3_000 * USD)):
        at(accrued_at + elapsed)
        tx = desk.repay(loan_id, amount, {"from": alice, **GAS})
        assert tx.timestamp == accrued_at + elapsed
        interest += accrual(remaining_principal, apr, elapsed)
        interest_paid = min(amount, interest)
        principal_paid = amount - interest_paid
        interest -= interest_paid
        remaining_principal -= principal_paid
        event = tx.events["LoanRepaid"]
        assert (event["interestPaid"], event["principalPaid"], event["remaining"]) == (
            interest_paid,
            principal_paid,
            remaining_principal + interest,
        )
        loan = loan_of(desk, loan_id)
        assert (loan["principal"], loan["interest"], loan["accruedAt"]) == (remaining_principal, interest, tx.timestamp)
        accrued_at = tx.timestamp
    mine_at(accrued_at + 1_000)
    expected = (remaining_principal, interest + accrual(remaining_principal, apr, 1_000), 0)
    assert owed(desk, loan_id) == expected
    before = balances(usd, lender)[0]
    at(accrued_at + 5_000)
    tx = desk.repay(loan_id, 10**30, {"from": alice, **GAS})
    debt = remaining_principal + interest + accrual(remaining_principal, apr, 5_000)
    assert tx.return_value == debt == balances(usd, lender)[0] - before
    assert loan_of(desk, loan_id)["state"] == REPAID


def test_anyone_may_repay_for_the_borrower(
    desk: Any, registry: Any, usd: Any, lender: Any, alice: Any, carol: Any, right: int, open_loan: Callable[..., Any]
) -> None:
    loan_id, _, _ = open_loan(interest=10 * USD)
    before = balances(usd, lender, alice, carol)
    tx = desk.repay(loan_id, PRINCIPAL + 10 * USD, {"from": carol})
    assert tx.events["LoanRepaid"]["payer"] == carol.address
    assert balances(usd, lender, alice, carol) == [
        before[0] + PRINCIPAL + 10 * USD,
        before[1],
        before[2] - PRINCIPAL - 10 * USD,
    ]
    assert registry.ownerOf(right) == alice.address
    assert registry.recordOf(right)["pledged"] is False


def test_zero_repayment_and_unknown_loan_are_refused(desk: Any, alice: Any, open_loan: Callable[..., Any]) -> None:
    loan_id, _, _ = open_loan()
    with reverts("ZeroRepayment"):
        desk.repay(loan_id, 0, {"from": alice})
    with reverts("UnknownLoan", 99):
        desk.repay(99, 1, {"from": alice})


# ------------------------------------------------------------------------------------------- enforcement


def _enforceable_at(desk: Any, loan_id: int) -> int:
    loan = loan_of(desk, loan_id)
    return int(loan["maturity"]) + int(loan["gracePeriod"])


def test_enforce_waits_for_maturity_and_grace(desk: Any, lender: Any, open_loan: Callable[..., Any]) -> None:
    loan_id, _, _ = open_loan()
    enforceable_at = _enforceable_at(desk, loan_id)
    mine_at(enforceable_at - 100)
    with reverts("NotYetEnforceable", loan_id, enforceable_at):
        desk.enforce(loan_id, 20_000 * USD, 5_000 * USD, {"from": lender})
    at(enforceable_at)
    tx = desk.enforce(loan_id, 20_000 * USD, 5_000 * USD, {"from": lender, **GAS})
    assert dict(tx.events["AuctionStarted"]) == {
        "loanId": loan_id,
        "rightId": loan_of(desk, loan_id)["rightId"],
        "startPrice": 20_000 * USD,
        "floorPrice": 5_000 * USD,
        "endsAt": enforceable_at + 3 * DAY,
        "debt": PRINCIPAL,
    }
    assert loan_of(desk, loan_id)["state"] == AUCTION


def test_enforce_checks_the_prices(desk: Any, lender: Any, open_loan: Callable[..., Any]) -> None:
    loan_id, _, _ = open_loan()
    mine_at(_enforceable_at(desk, loan_id))
    with reverts("InvalidAuction", 0, 0):
        desk.enforce(loan_id, 0, 0, {"from": lender})
    with reverts("InvalidAuction", 5, 6):
        desk.enforce(loan_id, 5, 6, {"from": lender})


def _auction(
    desk: Any, lender: Any, open_loan: Callable[..., Any], start: int, floor: int, **terms: Any
) -> tuple[int, int]:
    """An enforced loan: (loan id, auction start)."""
    loan_id, _, _ = open_loan(**terms)
    begin = _enforceable_at(desk, loan_id) + 10
    at(begin)
    desk.enforce(loan_id, start, floor, {"from": lender, **GAS})
    return loan_id, begin


def price_at(start: int, floor: int, duration: int, elapsed: int) -> int:
    return floor if elapsed >= duration else start - (start - floor) * elapsed // duration


def test_auction_price_falls_linearly_to_the_floor(desk: Any, lender: Any, open_loan: Callable[..., Any]) -> None:
    start, floor, duration = 20_000 * USD + 7, 5_000 * USD, 3 * DAY
    loan_id, begin = _auction(desk, lender, open_loan, start, floor)
    assert desk.currentPrice(loan_id) == start
    for elapsed in (1, 3_333, DAY, 2 * DAY + 17, duration - 1, duration, duration + 50 * DAY):
        mine_at(begin + elapsed)
        assert desk.currentPrice(loan_id) == price_at(start, floor, duration, elapsed), elapsed


def test_bid_pays_the_debt_and_the_surplus_to_the_borrower(
    desk: Any,
    registry: Any,
    usd: Any,
    lender: Any,
    alice: Any,
    bob: Any,
    right: int,
    open_loan: Callable[..., Any],
) -> None:
    start, floor, apr, costs = 30_000 * USD, 10_000 * USD, 100_000, 250 * USD
    loan_id, begin = _auction(desk, lender, open_loan, start, floor, aprPpm=apr, interest=99 * USD, costs=costs)
    started = loan_of(desk, loan_id)["startedAt"]
    before = balances(usd, lender, alice, bob)
    at(begin + DAY)
    tx = desk.bid(loan_id, start, {"from": bob, **GAS})
    price = price_at(start, floor, 3 * DAY, DAY)
    debt = PRINCIPAL + 99 * USD + accrual(PRINCIPAL, apr, begin + DAY - started) + costs
    assert tx.return_value == price
    assert dict(tx.events["CollateralSold"]) == {
        "loanId": loan_id,
        "rightId": right,
        "buyer": bob.address,
        "price": price,
        "toLender": debt,
        "toBorrower": price - debt,
        "shortfall": 0,
    }
    assert balances(usd, lender, alice, bob) == [before[0] + debt, before[1] + price - debt, before[2] - price]
    assert registry.ownerOf(right) == bob.address
    assert registry.recordOf(right)["pledged"] is False
    assert tx.events["PledgeSet"]["pledged"] is False
    assert (tx.events["Transfer"]["from"], tx.events["Transfer"]["to"]) == (alice.address, bob.address)
    assert loan_of(desk, loan_id)["state"] == SOLD
    registry.transferFrom(bob, alice, right, {"from": bob})


def test_bid_below_the_debt_records_the_shortfall(
    desk: Any, usd: Any, lender: Any, alice: Any, bob: Any, open_loan: Callable[..., Any]
) -> None:
    floor = 4_000 * USD
    loan_id, begin = _auction(desk, lender, open_loan, 20_000 * USD, floor, interest=100 * USD, costs=50 * USD)
    mine_at(begin + 4 * DAY)
    before = balances(usd, lender, alice, bob)
    tx = desk.bid(loan_id, floor, {"from": bob})
    event = tx.events["CollateralSold"]
    assert (event["price"], event["toLender"], event["toBorrower"], event["shortfall"]) == (
        floor,
        floor,
        0,
        PRINCIPAL + 150 * USD - floor,
    )
    assert balances(usd, lender, alice, bob) == [before[0] + floor, before[1], before[2] - floor]


def test_bid_above_the_limit_is_refused(desk: Any, lender: Any, bob: Any, open_loan: Callable[..., Any]) -> None:
    floor = 4_000 * USD
    loan_id, begin = _auction(desk, lender, open_loan, 20_000 * USD, floor)
    mine_at(begin + 4 * DAY)
    with reverts("PriceAboveLimit", floor, floor - 1):
        desk.bid(loan_id, floor - 1, {"from": bob})
    with reverts("UnknownLoan", loan_id + 1):
        desk.bid(loan_id + 1, floor, {"from": bob})


def test_auction_without_bid_restarts(desk: Any, lender: Any, bob: Any, open_loan: Callable[..., Any]) -> None:
    loan_id, begin = _auction(desk, lender, open_loan, 20_000 * USD, 9_000 * USD)
    mine_at(begin + DAY)
    with reverts("AuctionRunning", loan_id, begin + 3 * DAY):
        desk.enforce(loan_id, 15_000 * USD, 1_000 * USD, {"from": lender})
    restart = begin + 3 * DAY
    at(restart)
    tx = desk.enforce(loan_id, 15_000 * USD, 1_000 * USD, {"from": lender, **GAS})
    assert tx.events["AuctionStarted"]["endsAt"] == restart + 3 * DAY
    assert desk.currentPrice(loan_id) == 15_000 * USD
    mine_at(restart + 3 * DAY)
    assert desk.bid(loan_id, 1_000 * USD, {"from": bob}).return_value == 1_000 * USD


def test_redemption_during_the_auction_takes_the_whole_debt(
    desk: Any, registry: Any, usd: Any, lender: Any, alice: Any, right: int, open_loan: Callable[..., Any]
) -> None:
    loan_id, _ = _auction(desk, lender, open_loan, 20_000 * USD, 9_000 * USD, interest=40 * USD, costs=60 * USD)
    assert owed(desk, loan_id) == (PRINCIPAL, 40 * USD, 60 * USD)
    with reverts("WrongState", loan_id, AUCTION):
        desk.repay(loan_id, PRINCIPAL, {"from": alice})
    before = balances(usd, lender)[0]
    tx = desk.repay(loan_id, 10**30, {"from": alice})
    assert tx.return_value == PRINCIPAL + 100 * USD == balances(usd, lender)[0] - before
    event = tx.events["LoanRepaid"]
    assert (event["interestPaid"], event["principalPaid"], event["remaining"]) == (40 * USD, PRINCIPAL, 0)
    assert registry.recordOf(right)["pledged"] is False
    assert loan_of(desk, loan_id)["state"] == REPAID


def test_foreclosure_where_the_law_allows_it(
    desk: Any, registry: Any, lender: Any, alice: Any, right: int, open_loan: Callable[..., Any]
) -> None:
    loan_id, begin = _auction(desk, lender, open_loan, 20_000 * USD, 9_000 * USD, governingLaw=b"HK", foreclosure=True)
    mine_at(begin + DAY)
    with reverts("AuctionRunning", loan_id, begin + 3 * DAY):
        desk.foreclose(loan_id, {"from": lender})
    mine_at(begin + 3 * DAY)
    with reverts("NotLender", loan_id, lender):
        desk.foreclose(loan_id, {"from": alice})
    tx = desk.foreclose(loan_id, {"from": lender})
    assert dict(tx.events["Foreclosed"]) == {"loanId": loan_id, "rightId": right, "lender": lender.address}
    assert registry.ownerOf(right) == lender.address
    assert registry.recordOf(right)["pledged"] is False
    assert loan_of(desk, loan_id)["state"] == FORECLOSED


def test_foreclosure_not_in_the_terms_is_refused(desk: Any, lender: Any, open_loan: Callable[..., Any]) -> None:
    loan_id, begin = _auction(desk, lender, open_loan, 20_000 * USD, 9_000 * USD, governingLaw=b"US")
    mine_at(begin + 3 * DAY)
    with reverts("ForeclosureNotAllowed", loan_id):
        desk.foreclose(loan_id, {"from": lender})


def test_foreclosure_under_prc_law_is_refused_at_acceptance(
    desk: Any, registry: Any, usd: Any, alice: Any, right: int, offer: Callable[..., Terms], sign: Callable[..., bytes]
) -> None:
    terms = offer(governingLaw=b"CN", foreclosure=True)
    with reverts("InvalidTerms"):
        desk.accept(terms.as_tuple(), sign(terms), {"from": alice})
    request = terms.but(lender=ZERO_ADDRESS, borrower=alice)
    with reverts("InvalidTerms"):
        desk.request(request.as_tuple(), {"from": alice})


# ------------------------------------------------------------------------------------------- refinancing


@pytest.mark.parametrize("new_principal", [15_000 * USD, 8_000 * USD, 10_500 * USD], ids=["higher", "lower", "equal"])
def test_refinance_pays_the_old_lender_and_keeps_the_pledge(
    desk: Any,
    registry: Any,
    usd: Any,
    lender: Any,
    lender2: Any,
    alice: Any,
    right: int,
    open_loan: Callable[..., Any],
    offer: Callable[..., Terms],
    sign: Callable[..., bytes],
    new_principal: int,
) -> None:
    loan_id, _, _ = open_loan(interest=500 * USD)
    debt = PRINCIPAL + 500 * USD
    terms = offer(lender=lender2, principal=new_principal, aprPpm=50_000)
    before = balances(usd, lender, lender2, alice)
    tx = desk.refinance(loan_id, terms.as_tuple(), sign(terms), {"from": alice})
    new_id = tx.return_value
    assert new_id == loan_id + 1
    assert "PledgeSet" not in tx.events
    assert registry.recordOf(right)["pledged"] is True
    assert dict(tx.events["LoanRefinanced"]) == {
        "loanId": loan_id,
        "rightId": right,
        "newLoanId": new_id,
        "newLender": lender2.address,
    }
    repaid = tx.events["LoanRepaid"]
    assert (repaid["payer"], repaid["interestPaid"], repaid["principalPaid"], repaid["remaining"]) == (
        lender2.address,
        500 * USD,
        PRINCIPAL,
        0,
    )
    assert balances(usd, lender, lender2, alice) == [
        before[0] + debt,
        before[1] - new_principal,
        before[2] + new_principal - debt,
    ]
    assert loan_of(desk, loan_id)["state"] == REFINANCED
    new = loan_of(desk, new_id)
    assert (new["state"], new["lender"], new["borrower"], new["principal"]) == (
        ACTIVE,
        lender2.address,
        alice.address,
        new_principal,
    )
    desk.repay(new_id, 10**30, {"from": alice})
    assert registry.recordOf(right)["pledged"] is False


def test_refinance_needs_the_borrower_and_the_same_collateral(
    desk: Any,
    usd: Any,
    lender2: Any,
    alice: Any,
    bob: Any,
    right2: int,
    open_loan: Callable[..., Any],
    offer: Callable[..., Terms],
    sign: Callable[..., bytes],
    TestStablecoin: Any,  # noqa: N803
) -> None:
    loan_id, _, _ = open_loan()
    terms = offer(lender=lender2)
    with reverts("NotParty", bob, alice):
        desk.refinance(loan_id, terms.as_tuple(), sign(terms), {"from": bob})
    other = offer(lender=lender2, collateralId=right2)
    with reverts("CollateralMismatch", loan_id):
        desk.refinance(loan_id, other.as_tuple(), sign(other), {"from": alice})
    euro = TestStablecoin.deploy({"from": alice})
    other = offer(lender=lender2, currency=euro)
    with reverts("CollateralMismatch", loan_id):
        desk.refinance(loan_id, other.as_tuple(), sign(other), {"from": alice})
    desk.refinance(loan_id, terms.as_tuple(), sign(terms), {"from": alice})
    with reverts("WrongState", loan_id, REFINANCED):
        desk.refinance(loan_id, terms.as_tuple(), sign(terms), {"from": alice})


def test_refinance_during_an_auction_pays_the_costs(
    desk: Any,
    usd: Any,
    lender: Any,
    lender2: Any,
    alice: Any,
    open_loan: Callable[..., Any],
    offer: Callable[..., Terms],
    sign: Callable[..., bytes],
) -> None:
    loan_id, _ = _auction(desk, lender, open_loan, 20_000 * USD, 9_000 * USD, costs=70 * USD)
    terms = offer(lender=lender2, principal=20_000 * USD)
    before = balances(usd, lender, alice)
    desk.refinance(loan_id, terms.as_tuple(), sign(terms), {"from": alice})
    assert balances(usd, lender, alice) == [
        before[0] + PRINCIPAL + 70 * USD,
        before[1] + 20_000 * USD - PRINCIPAL - 70 * USD,
    ]


# ------------------------------------------------------------------------------------------- registration, loss


def test_register_pledge_by_a_party(
    desk: Any, lender: Any, alice: Any, stranger: Any, right: int, open_loan: Callable[..., Any]
) -> None:
    loan_id, _, _ = open_loan()
    number = "Y2026980000123 (CN ZL 2020 1 0123456.2)"
    tx = desk.registerPledge(loan_id, number, {"from": lender})
    assert dict(tx.events["PledgeRegistered"]) == {
        "loanId": loan_id,
        "rightId": right,
        "by": lender.address,
        "registration": number,
    }
    desk.registerPledge(loan_id, "reel 012345 frame 0678", {"from": alice})
    with reverts("NotLoanParty", loan_id, stranger):
        desk.registerPledge(loan_id, number, {"from": stranger})
    with reverts("EmptyRegistration"):
        desk.registerPledge(loan_id, "", {"from": alice})


def test_record_loss_after_a_forced_transfer(
    desk: Any,
    registry: Any,
    registrar: Any,
    lender: Any,
    carol: Any,
    stranger: Any,
    right: int,
    open_loan: Callable[..., Any],
) -> None:
    loan_id, _, _ = open_loan(interest=5 * USD)
    with reverts("CollateralHeld", loan_id):
        desk.recordLoss(loan_id, {"from": stranger})
    registry.forceTransfer(right, carol, ORDER, {"from": registrar})
    assert registry.recordOf(right)["pledged"] is False
    tx = desk.recordLoss(loan_id, {"from": stranger})
    assert dict(tx.events["CollateralLost"]) == {"loanId": loan_id, "rightId": right, "holder": carol.address}
    assert loan_of(desk, loan_id)["state"] == LOST
    assert owed(desk, loan_id) == (PRINCIPAL, 5 * USD, 0)
    with reverts("WrongState", loan_id, LOST):
        desk.enforce(loan_id, 1, 1, {"from": lender})
    with reverts("WrongState", loan_id, LOST):
        desk.recordLoss(loan_id, {"from": stranger})
    registry.transferFrom(carol, stranger, right, {"from": carol})


def test_record_loss_after_a_revocation(
    desk: Any, registry: Any, registrar: Any, stranger: Any, right: int, open_loan: Callable[..., Any]
) -> None:
    loan_id, _, _ = open_loan()
    registry.revoke(right, ORDER, {"from": registrar})
    tx = desk.recordLoss(loan_id, {"from": stranger})
    assert tx.events["CollateralLost"]["holder"] == ZERO_ADDRESS
    assert loan_of(desk, loan_id)["state"] == LOST


# ------------------------------------------------------------------------------------------- shares


def test_shares_are_held_by_the_desk_and_returned_on_repayment(
    desk: Any, usd: Any, vault: Any, lender: Any, alice: Any, shares: Any, open_loan: Callable[..., Any]
) -> None:
    right_id = int(shares.tokenId())
    before = balances(shares, alice, desk)
    loan_id, tx, _ = open_loan(collateral=shares, collateralId=0, collateralAmount=SHARES)
    assert balances(shares, alice, desk) == [before[0] - SHARES, before[1] + SHARES]
    assert tx.events["LoanOpened"]["rightId"] == right_id
    assert tx.events["LoanOpened"]["collateralAmount"] == SHARES
    assert "PledgeSet" not in tx.events
    desk.repay(loan_id, 10**30, {"from": alice})
    assert balances(shares, alice, desk) == before


def test_share_collateral_must_be_a_genuine_share_token(
    desk: Any, usd: Any, alice: Any, shares: Any, offer: Callable[..., Terms], sign: Callable[..., bytes]
) -> None:
    for terms in (
        offer(collateral=usd, collateralId=0, collateralAmount=SHARES),
        offer(collateral=shares, collateralId=7, collateralAmount=SHARES),
    ):
        with reverts("UnknownCollateral", terms.collateral):
            desk.accept(terms.as_tuple(), sign(terms), {"from": alice})
    with reverts("InvalidTerms"):
        terms = offer(collateral=shares, collateralId=0, collateralAmount=0)
        desk.accept(terms.as_tuple(), sign(terms), {"from": alice})


def test_restricted_shares_are_sold_to_an_eligible_buyer_only(
    desk: Any,
    usd: Any,
    lender: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    restricted_shares: Any,
    open_loan: Callable[..., Any],
) -> None:
    loan_id, begin = _auction(
        desk,
        lender,
        open_loan,
        20_000 * USD,
        9_000 * USD,
        collateral=restricted_shares,
        collateralId=0,
        collateralAmount=SHARES,
    )
    assert restricted_shares.balanceOf(desk) == SHARES
    mine_at(begin + 3 * DAY)
    with reverts("BuyerNotEligible", carol):
        desk.bid(loan_id, 9_000 * USD, {"from": carol})
    desk.bid(loan_id, 9_000 * USD, {"from": bob})
    assert restricted_shares.balanceOf(bob) == SHARES
    assert restricted_shares.balanceOf(desk) == 0


def test_restricted_shares_need_the_desk_as_a_venue(
    desk: Any,
    compliance: Any,
    officer: Any,
    alice: Any,
    restricted_shares: Any,
    offer: Callable[..., Terms],
    sign: Callable[..., bytes],
) -> None:
    compliance.revokeIdentity(desk, keccak(text="venue closed"), {"from": officer})
    terms = offer(collateral=restricted_shares, collateralId=0, collateralAmount=SHARES)
    with reverts("NotEligible", desk):
        desk.accept(terms.as_tuple(), sign(terms), {"from": alice})


# ------------------------------------------------------------------------------------------- views


def test_views(desk: Any, lender: Any, open_loan: Callable[..., Any]) -> None:
    with reverts("UnknownLoan", 1):
        desk.loanOf(1)
    with reverts("UnknownLoan", 1):
        desk.owed(1)
    loan_id, opened, _ = open_loan(aprPpm=365_000, costs=3 * USD)
    with reverts("WrongState", loan_id, ACTIVE):
        desk.currentPrice(loan_id)
    mine_at(opened.timestamp + DAY)
    assert owed(desk, loan_id) == (PRINCIPAL, accrual(PRINCIPAL, 365_000, DAY), 0)
    assert b(desk.DOMAIN_SEPARATOR()) == domain_separator(
        LOANS_DOMAIN_NAME, chain_id=chain_id(), verifying_contract=desk
    )
    assert desk.loanCount() == 1
