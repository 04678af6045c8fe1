"""Attacks on the loan desk and the registry's pledge: each test names the attack and asserts the exact refusal
(or, where the attack is a race, that the attacker gains nothing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from eth_utils import keccak
from loan_helpers import (
    ACTIVE,
    AUCTION,
    DAY,
    FUNDS,
    LENDER_KEY,
    LOANS_DOMAIN_NAME,
    LOST,
    PLEDGE_ROLE,
    PRINCIPAL,
    REPAID,
    USD,
    Terms,
    loan_of,
    make_terms,
    owed,
    reverts,
    sign_terms,
    terms_digest,
)
from registry_helpers import FROZEN, ROGUE_SIGNER_KEY, ZERO_ADDRESS, b, mine_at, now
from share_helpers import EVIDENCE, MAX_UINT256, VERIFIED_FOR, chain_id, deploy_test_contract

ORDER = keccak(text="court order 2026/321")
REF = keccak(text="dispute 2026-9")
DEED = keccak(text="deed of assignment")
LICENCE_TERMS = keccak(text="licence terms")
REVOKED = keccak(text="identity revoked 2026-4")
SHARES = 1_000 * 10**18  # restricted shares pledged, or lent as the currency of a loan


def _licence(licensee: Any, exclusivity: int) -> tuple[Any, ...]:
    return (licensee, LICENCE_TERMS, exclusivity, [], b"\x01" * 32, now() - DAY, 0, False, 0, ZERO_ADDRESS)


def _to_auction(desk: Any, lender: Any, loan_id: int, start: int = 20_000 * USD, floor: int = 9_000 * USD) -> int:
    loan = loan_of(desk, loan_id)
    mine_at(int(loan["maturity"]) + int(loan["gracePeriod"]))
    desk.enforce(loan_id, start, floor, {"from": lender})
    return int(loan_of(desk, loan_id)["auctionStart"])


# ------------------------------------------------------------------------------------------- signatures


def test_replayed_offer_is_refused(
    desk: Any, alice: Any, offer: Callable[..., Terms], sign: Callable[..., bytes]
) -> None:
    terms = offer()
    signature = sign(terms)
    loan_id = desk.accept(terms.as_tuple(), signature, {"from": alice}).return_value
    desk.repay(loan_id, 10**30, {"from": alice})
    with reverts("TermsNotAvailable", terms_digest(terms, desk=desk)):
        desk.accept(terms.as_tuple(), signature, {"from": alice})
    assert desk.loanCount() == 1


@pytest.mark.parametrize(
    "domain",
    [{"chain": 31_337_000}, {"name": "IPLedger Settlement"}, {"version": "2"}],
    ids=["other chain", "other name", "other version"],
)
def test_offer_signed_in_another_domain_is_refused(
    desk: Any, alice: Any, lender: Any, offer: Callable[..., Terms], domain: dict[str, Any]
) -> None:
    terms = offer()
    signature = sign_terms(LENDER_KEY, terms, desk=desk, **domain)
    with reverts("InvalidSignature", terms_digest(terms, desk=desk)):
        desk.accept(terms.as_tuple(), signature, {"from": alice})


def test_offer_signed_for_another_desk_is_refused(
    LoanDesk: Any,  # noqa: N803
    desk: Any,
    registry: Any,
    vault: Any,
    admin: Any,
    alice: Any,
    offer: Callable[..., Terms],
    sign: Callable[..., bytes],
) -> None:
    other = LoanDesk.deploy(registry, vault, {"from": admin})
    registry.grantRole(PLEDGE_ROLE, other, {"from": admin})
    terms = offer()
    signed_for_other = sign_terms(LENDER_KEY, terms, desk=other)
    with reverts("InvalidSignature", terms_digest(terms, desk=desk)):
        desk.accept(terms.as_tuple(), signed_for_other, {"from": alice})
    assert terms_digest(terms, desk=desk) != terms_digest(terms, desk=other)
    assert chain_id() != 31_337_000


def test_offer_signed_by_another_key_or_tampered_is_refused(
    desk: Any, alice: Any, offer: Callable[..., Terms], sign: Callable[..., bytes]
) -> None:
    terms = offer()
    with reverts("InvalidSignature", terms_digest(terms, desk=desk)):
        desk.accept(terms.as_tuple(), sign(terms, key=ROGUE_SIGNER_KEY), {"from": alice})
    richer = terms.but(principal=terms.principal * 2)
    with reverts("InvalidSignature", terms_digest(richer, desk=desk)):
        desk.accept(richer.as_tuple(), sign(terms), {"from": alice})


def test_copied_acceptance_gives_the_copier_nothing(
    desk: Any,
    registry: Any,
    usd: Any,
    alice: Any,
    attacker: Any,
    right: int,
    offer: Callable[..., Terms],
    sign: Callable[..., bytes],
) -> None:
    open_terms, named = offer(), offer(borrower=alice)
    for terms, error in (
        (open_terms, ("NotCollateralHolder", attacker, right)),
        (named, ("NotParty", attacker, alice)),
    ):
        with reverts(*error):
            desk.accept(terms.as_tuple(), sign(terms), {"from": attacker})
    assert usd.balanceOf(attacker) == 0
    desk.accept(open_terms.as_tuple(), sign(open_terms), {"from": alice})
    assert loan_of(desk, 1)["borrower"] == alice.address
    assert registry.ownerOf(right) == alice.address


def test_front_run_request_acceptance_pays_the_requester(
    desk: Any, registry: Any, usd: Any, alice: Any, lender: Any, lender2: Any, right: int
) -> None:
    terms = make_terms(
        lender=ZERO_ADDRESS, borrower=alice, collateral=registry, collateralId=right, currency=usd, principal=PRINCIPAL
    )
    desk.request(terms.as_tuple(), {"from": alice})
    before = usd.balanceOf(alice)
    desk.acceptRequest(terms.as_tuple(), {"from": lender2})
    with reverts("TermsNotAvailable", terms_digest(terms, desk=desk)):
        desk.acceptRequest(terms.as_tuple(), {"from": lender})
    assert usd.balanceOf(alice) == before + PRINCIPAL
    assert usd.balanceOf(lender) == FUNDS


# ------------------------------------------------------------------------------------------- pledged rights


def test_pledging_a_right_twice_is_refused(
    desk: Any,
    registry: Any,
    usd: Any,
    alice: Any,
    lender2: Any,
    right: int,
    open_loan: Callable[..., Any],
    offer: Any,
    sign: Any,
) -> None:
    """A second offer, a new request and a request published before the first pledge all meet the pledge."""

    def request(nonce: int) -> Terms:
        return make_terms(
            lender=ZERO_ADDRESS,
            borrower=alice,
            collateral=registry,
            collateralId=right,
            currency=usd,
            principal=PRINCIPAL,
            nonce=nonce,
        )

    published = request(77)
    desk.request(published.as_tuple(), {"from": alice})
    open_loan()
    second = offer()
    with reverts("RightPledged", right):
        desk.accept(second.as_tuple(), sign(second), {"from": alice})
    with reverts("RightPledged", right):
        desk.request(request(78).as_tuple(), {"from": alice})
    with reverts("RightPledged", right):
        desk.acceptRequest(published.as_tuple(), {"from": lender2})
    assert desk.loanCount() == 1


def test_pledged_right_cannot_change_hands(
    desk: Any,
    registry: Any,
    vault: Any,
    alice: Any,
    bob: Any,
    right: int,
    open_loan: Callable[..., Any],
) -> None:
    open_loan()
    with reverts("RightPledged", right):
        registry.transferFrom(alice, bob, right, {"from": alice})
    with reverts("RightPledged", right):
        registry.safeTransferFrom(alice, bob, right, {"from": alice})
    with reverts("RightPledged", right):
        registry.assign(right, bob, DEED, {"from": alice})
    registry.approve(bob, right, {"from": alice})
    with reverts("RightPledged", right):
        registry.transferFrom(alice, bob, right, {"from": bob})
    registry.approve(vault, right, {"from": alice})
    with reverts("RightPledged", right):
        vault.fractionalize(right, "Pledged", "PLG", 18, 10**24, False, {"from": alice})
    assert registry.ownerOf(right) == alice.address


def test_pledged_right_takes_no_exclusive_licence(
    licenses: Any, alice: Any, bob: Any, carol: Any, right: int, open_loan: Callable[..., Any]
) -> None:
    open_loan()
    for exclusivity in (1, 2):
        with reverts("PledgedRightExclusive", right):
            licenses.grant(right, _licence(bob, exclusivity), {"from": alice})
    tx = licenses.grant(right, _licence(carol, 0), {"from": alice})
    assert tx.events["LicenseGranted"]["licensee"] == carol.address


def test_enforcing_early_is_refused(desk: Any, lender: Any, open_loan: Callable[..., Any]) -> None:
    loan_id, _, _ = open_loan()
    loan = loan_of(desk, loan_id)
    mine_at(int(loan["maturity"]))
    with reverts("NotYetEnforceable", loan_id, int(loan["maturity"]) + int(loan["gracePeriod"])):
        desk.enforce(loan_id, 2, 1, {"from": lender})


def test_paying_less_than_the_debt_keeps_the_pledge(
    desk: Any, registry: Any, alice: Any, bob: Any, right: int, open_loan: Callable[..., Any]
) -> None:
    loan_id, _, _ = open_loan(interest=3 * USD)
    desk.repay(loan_id, PRINCIPAL + 3 * USD - 1, {"from": alice})
    assert owed(desk, loan_id) == (1, 0, 0)
    assert registry.recordOf(right)["pledged"] is True
    assert loan_of(desk, loan_id)["state"] == ACTIVE
    with reverts("RightPledged", right):
        registry.transferFrom(alice, bob, right, {"from": alice})


# ------------------------------------------------------------------------------------------- payment tokens


def _currency_offer(token: Any, lender: Any, desk: Any, offer: Callable[..., Terms]) -> Terms:
    token.mint(lender, FUNDS, {"from": lender})
    token.approve(desk, MAX_UINT256, {"from": lender})
    return offer(currency=token)


def test_fee_on_transfer_currency_is_refused(
    TestFeeOnTransferToken: Any,  # noqa: N803
    desk: Any,
    registry: Any,
    lender: Any,
    alice: Any,
    right: int,
    offer: Callable[..., Terms],
    sign: Callable[..., bytes],
) -> None:
    token = TestFeeOnTransferToken.deploy({"from": lender})
    terms = _currency_offer(token, lender, desk, offer)
    with reverts("PaymentShortfall", PRINCIPAL, PRINCIPAL - PRINCIPAL // 100):
        desk.accept(terms.as_tuple(), sign(terms), {"from": alice})
    assert registry.recordOf(right)["pledged"] is False


@pytest.mark.parametrize("name", ["LyingToken", "FalseToken"])
def test_lying_or_false_currency_is_refused(
    desk: Any, registry: Any, lender: Any, alice: Any, right: int, offer: Any, sign: Any, name: str
) -> None:
    token = deploy_test_contract(name, lender)
    terms = _currency_offer(token, lender, desk, offer)
    expected = ("PaymentShortfall", PRINCIPAL, 0) if name == "LyingToken" else ("SafeERC20FailedOperation", token)
    with reverts(*expected):
        desk.accept(terms.as_tuple(), sign(terms), {"from": alice})
    assert registry.recordOf(right)["pledged"] is False
    assert desk.loanCount() == 0


def test_reentrant_currency_cannot_repay_or_release_twice(
    TestReentrantToken: Any,  # noqa: N803
    desk: Any,
    registry: Any,
    lender: Any,
    alice: Any,
    right: int,
    offer: Callable[..., Terms],
    sign: Callable[..., bytes],
) -> None:
    token = TestReentrantToken.deploy({"from": lender})
    terms = _currency_offer(token, lender, desk, offer)
    loan_id = desk.accept(terms.as_tuple(), sign(terms), {"from": alice}).return_value
    token.approve(desk, MAX_UINT256, {"from": alice})
    lender_before, alice_before = token.balanceOf(lender), token.balanceOf(alice)
    for payload in (desk.repay.encode_input(loan_id, PRINCIPAL), desk.bid.encode_input(loan_id, 10**30)):
        token.arm(desk, payload, {"from": alice})
        tx = desk.repay(loan_id, PRINCIPAL // 2, {"from": alice})
        callback = tx.events["CallbackResult"]
        assert callback["success"] is False
        assert b(callback["returnData"]) == keccak(text="ReentrancyGuardReentrantCall()")[:4]
        assert len(tx.events["LoanRepaid"]) == 1
    assert loan_of(desk, loan_id)["state"] == REPAID
    assert token.balanceOf(lender) == lender_before + PRINCIPAL
    assert token.balanceOf(alice) == alice_before - PRINCIPAL
    assert registry.recordOf(right)["pledged"] is False


# ------------------------------------------------------------------------------------------- refused payments


def _verify(compliance: Any, officer: Any, account: Any) -> None:
    compliance.verifyInvestor(account, b"HK", now() + VERIFIED_FOR, EVIDENCE, {"from": officer})


def _loan_in_restricted_shares(
    compliance: Any, officer: Any, restricted_shares: Any, desk: Any, lender: Any, alice: Any, open_loan: Any
) -> int:
    """A loan of SHARES restricted shares against ``right``: the currency is a permissioned token, which refuses an
    account whose identity is revoked as a stablecoin refuses a blocklisted one. The lender, verified, got the shares
    from ``alice``."""
    _verify(compliance, officer, lender)
    restricted_shares.transfer(lender, SHARES, {"from": alice})
    restricted_shares.approve(desk, MAX_UINT256, {"from": lender})
    loan_id, _, _ = open_loan(currency=restricted_shares, principal=SHARES)
    return loan_id


def test_lender_refused_the_repayment_cannot_keep_the_pledge(
    desk: Any,
    registry: Any,
    compliance: Any,
    officer: Any,
    restricted_shares: Any,
    lender: Any,
    alice: Any,
    bob: Any,
    right: int,
    open_loan: Callable[..., Any],
) -> None:
    """A lender its token refuses (or one refusing payment) cannot hold the borrower in default: the repayment comes
    into the desk, credited to the lender, and the pledge is released; the lender withdraws once the token takes it
    again, and only what is credited to it."""
    loan_id = _loan_in_restricted_shares(compliance, officer, restricted_shares, desk, lender, alice, open_loan)
    compliance.revokeIdentity(lender, REVOKED, {"from": officer})
    tx = desk.repay(loan_id, 10**30, {"from": alice})
    assert tx.return_value == SHARES
    token = restricted_shares.address
    assert dict(tx.events["Credited"]) == {"account": lender.address, "token": token, "amount": SHARES}
    assert tx.events["PledgeReleased"]["loanId"] == loan_id
    assert loan_of(desk, loan_id)["state"] == REPAID
    assert registry.recordOf(right)["pledged"] is False
    assert desk.credited(lender, token) == restricted_shares.balanceOf(desk) == SHARES
    assert restricted_shares.balanceOf(lender) == 0
    with reverts("NotEligible", lender):
        desk.withdraw(token, {"from": lender})
    with reverts("NothingToWithdraw", bob, token):
        desk.withdraw(token, {"from": bob})
    _verify(compliance, officer, lender)
    tx = desk.withdraw(token, {"from": lender})
    assert tx.return_value == SHARES
    assert dict(tx.events["Withdrawn"]) == {"account": lender.address, "token": token, "amount": SHARES}
    assert restricted_shares.balanceOf(lender) == SHARES
    assert desk.credited(lender, token) == restricted_shares.balanceOf(desk) == 0
    with reverts("NothingToWithdraw", lender, token):
        desk.withdraw(token, {"from": lender})


def test_pledged_shares_refused_to_the_borrower_are_credited(
    desk: Any,
    usd: Any,
    compliance: Any,
    officer: Any,
    restricted_shares: Any,
    lender: Any,
    alice: Any,
    open_loan: Callable[..., Any],
) -> None:
    """The borrower repays, but the restricted token refuses to return its shares (its identity revoked meanwhile):
    the loan is repaid all the same, the shares wait in the desk, credited to it, until it is verified again."""
    token = restricted_shares.address
    before = restricted_shares.balanceOf(alice)
    loan_id, _, _ = open_loan(collateral=restricted_shares, collateralId=0, collateralAmount=SHARES)
    compliance.revokeIdentity(alice, REVOKED, {"from": officer})
    lender_before = usd.balanceOf(lender)
    tx = desk.repay(loan_id, 10**30, {"from": alice})
    assert usd.balanceOf(lender) == lender_before + PRINCIPAL
    assert dict(tx.events["Credited"]) == {"account": alice.address, "token": token, "amount": SHARES}
    assert tx.events["PledgeReleased"]["borrower"] == alice.address
    assert loan_of(desk, loan_id)["state"] == REPAID
    assert desk.credited(alice, token) == restricted_shares.balanceOf(desk) == SHARES
    assert restricted_shares.balanceOf(alice) == before - SHARES
    with reverts("NotEligible", alice):
        desk.withdraw(token, {"from": alice})
    _verify(compliance, officer, alice)
    tx = desk.withdraw(token, {"from": alice})
    assert dict(tx.events["Withdrawn"]) == {"account": alice.address, "token": token, "amount": SHARES}
    assert restricted_shares.balanceOf(alice) == before
    assert desk.credited(alice, token) == restricted_shares.balanceOf(desk) == 0


def test_payees_refused_the_proceeds_cannot_stop_the_sale(
    desk: Any,
    registry: Any,
    compliance: Any,
    officer: Any,
    restricted_shares: Any,
    lender: Any,
    alice: Any,
    bob: Any,
    right: int,
    open_loan: Callable[..., Any],
) -> None:
    """Neither a lender nor a borrower the currency refuses stops the auction: the buyer pays the desk, which credits
    the debt to the lender and the surplus to the borrower."""
    loan_id = _loan_in_restricted_shares(compliance, officer, restricted_shares, desk, lender, alice, open_loan)
    restricted_shares.transfer(bob, 2 * SHARES, {"from": alice})
    restricted_shares.approve(desk, MAX_UINT256, {"from": bob})
    begin = _to_auction(desk, lender, loan_id, 3 * SHARES, 3 * SHARES // 2)
    for refused in (lender, alice):
        compliance.revokeIdentity(refused, REVOKED, {"from": officer})
    mine_at(begin + 3 * DAY)
    tx = desk.bid(loan_id, 3 * SHARES // 2, {"from": bob})
    token = restricted_shares.address
    sold = tx.events["CollateralSold"]
    assert (sold["toLender"], sold["toBorrower"], sold["shortfall"]) == (SHARES, SHARES // 2, 0)
    assert [dict(event) for event in tx.events["Credited"]] == [
        {"account": lender.address, "token": token, "amount": SHARES},
        {"account": alice.address, "token": token, "amount": SHARES // 2},
    ]
    assert registry.ownerOf(right) == bob.address
    assert (desk.credited(lender, token), desk.credited(alice, token)) == (SHARES, SHARES // 2)
    assert restricted_shares.balanceOf(desk) == 3 * SHARES // 2


# ------------------------------------------------------------------------------------------- registrar and disputes


def test_freeze_stops_the_sale_until_unfrozen(
    desk: Any, registry: Any, registrar: Any, lender: Any, bob: Any, right: int, open_loan: Callable[..., Any]
) -> None:
    loan_id, _, _ = open_loan(governingLaw=b"HK", foreclosure=True)
    begin = _to_auction(desk, lender, loan_id)
    registry.freeze(right, ORDER, {"from": registrar})
    with reverts("CollateralFrozen", right):
        desk.bid(loan_id, 10**30, {"from": bob})
    mine_at(begin + 3 * DAY)
    with reverts("CollateralFrozen", right):
        desk.enforce(loan_id, 20_000 * USD, 9_000 * USD, {"from": lender})
    with reverts("CollateralFrozen", right):
        desk.foreclose(loan_id, {"from": lender})
    registry.unfreeze(right, ORDER, {"from": registrar})
    desk.bid(loan_id, 10**30, {"from": bob})
    assert registry.ownerOf(right) == bob.address


def test_frozen_right_is_repaid_in_full_and_released(
    desk: Any, registry: Any, registrar: Any, alice: Any, bob: Any, right: int, open_loan: Callable[..., Any]
) -> None:
    """The borrower who pays is released whatever the registrar holds; the freeze stays on the right."""
    loan_id, _, _ = open_loan()
    registry.freeze(right, ORDER, {"from": registrar})
    desk.repay(loan_id, PRINCIPAL - 1, {"from": alice})
    tx = desk.repay(loan_id, 1, {"from": alice})
    assert tx.events["PledgeReleased"]["loanId"] == loan_id
    assert loan_of(desk, loan_id)["state"] == REPAID
    record = registry.recordOf(right)
    assert (record["status"], record["pledged"], record["owner"]) == (FROZEN, False, alice.address)
    with reverts("TokenIsFrozen", right):
        registry.transferFrom(alice, bob, right, {"from": alice})


def test_frozen_right_cannot_be_pledged(
    desk: Any, registry: Any, registrar: Any, alice: Any, right: int, offer: Any, sign: Any
) -> None:
    registry.freeze(right, ORDER, {"from": registrar})
    terms = offer()
    with reverts("CollateralFrozen", right):
        desk.accept(terms.as_tuple(), sign(terms), {"from": alice})


def test_dispute_lock_stops_the_pledge_not_the_sale(
    desk: Any,
    registry: Any,
    usd: Any,
    dispute_keeper: Any,
    lender: Any,
    alice: Any,
    bob: Any,
    right: int,
    right2: int,
    open_loan: Callable[..., Any],
    offer: Any,
    sign: Any,
) -> None:
    """A borrower disputing its own pledged right cannot stop its enforcement: the auction starts and the buyer
    takes the right subject to the dispute (its lock stays). A disputed right cannot be pledged."""
    loan_id, _, _ = open_loan()
    loan = loan_of(desk, loan_id)
    mine_at(int(loan["maturity"]) + int(loan["gracePeriod"]))
    registry.setLock(right, True, ZERO_ADDRESS, REF, {"from": dispute_keeper})
    record = registry.recordOf(right)
    assert (record["disputeLocked"], record["pledged"]) == (True, True)
    desk.enforce(loan_id, 20_000 * USD, 9_000 * USD, {"from": lender})
    tx = desk.bid(loan_id, 10**30, {"from": bob})
    assert tx.events["CollateralSold"]["buyer"] == bob.address
    record = registry.recordOf(right)
    assert (record["owner"], record["disputeLocked"], record["pledged"]) == (bob.address, True, False)
    registry.setLock(right2, True, ZERO_ADDRESS, REF, {"from": dispute_keeper})
    terms = offer(collateralId=right2)
    with reverts("CollateralDisputed", right2):
        desk.accept(terms.as_tuple(), sign(terms), {"from": alice})
    request = make_terms(
        lender=ZERO_ADDRESS, borrower=alice, collateral=registry, collateralId=right2, currency=usd, principal=PRINCIPAL
    )
    with reverts("CollateralDisputed", right2):
        desk.request(request.as_tuple(), {"from": alice})
    assert registry.recordOf(right2)["pledged"] is False


@pytest.mark.parametrize("lock", ["freeze", "dispute"])
def test_refinancing_a_frozen_or_disputed_right_is_refused(
    desk: Any,
    registry: Any,
    registrar: Any,
    dispute_keeper: Any,
    lender: Any,
    lender2: Any,
    alice: Any,
    right: int,
    open_loan: Callable[..., Any],
    offer: Callable[..., Terms],
    sign: Callable[..., bytes],
    lock: str,
) -> None:
    """A new lender would pay for a pledge a court holds or an arbitrator may take; the old loan stays as it was."""
    loan_id, _, _ = open_loan()
    if lock == "freeze":
        registry.freeze(right, ORDER, {"from": registrar})
        error = "CollateralFrozen"
    else:
        registry.setLock(right, True, ZERO_ADDRESS, REF, {"from": dispute_keeper})
        error = "CollateralDisputed"
    terms = offer(lender=lender2)
    with reverts(error, right):
        desk.refinance(loan_id, terms.as_tuple(), sign(terms), {"from": alice})
    loan = loan_of(desk, loan_id)
    assert (loan["state"], loan["lender"]) == (ACTIVE, lender.address)
    assert desk.loanCount() == 1


def test_forced_transfer_ends_the_pledge(
    desk: Any,
    registry: Any,
    registrar: Any,
    lender: Any,
    bob: Any,
    carol: Any,
    right: int,
    open_loan: Callable[..., Any],
) -> None:
    loan_id, _, _ = open_loan()
    _to_auction(desk, lender, loan_id)
    registry.forceTransfer(right, carol, ORDER, {"from": registrar})
    assert registry.recordOf(right)["pledged"] is False
    with reverts("WrongState", loan_id, LOST):
        desk.bid(loan_id, 10**30, {"from": bob})
    tx = desk.recordLoss(loan_id, {"from": bob})
    assert tx.events["CollateralLost"]["holder"] == carol.address
    with reverts("WrongState", loan_id, LOST):
        desk.enforce(loan_id, 2, 1, {"from": lender})
    registry.transferFrom(carol, bob, right, {"from": carol})


def test_stale_loan_cannot_release_a_later_pledge(
    desk: Any,
    registry: Any,
    registrar: Any,
    lender: Any,
    lender2: Any,
    alice: Any,
    bob: Any,
    right: int,
    open_loan: Callable[..., Any],
) -> None:
    stale, _, _ = open_loan(principal=1)
    registry.forceTransfer(right, bob, ORDER, {"from": registrar})
    registry.transferFrom(bob, alice, right, {"from": bob})
    later, _, _ = open_loan(lender=lender2)
    with reverts("WrongState", stale, LOST):
        desk.repay(stale, 10**30, {"from": alice})
    mine_at(int(loan_of(desk, stale)["maturity"]) + 7 * DAY)
    with reverts("WrongState", stale, LOST):
        desk.enforce(stale, 2, 1, {"from": lender})
    desk.recordLoss(stale, {"from": bob})
    assert registry.recordOf(right)["pledged"] is True
    assert loan_of(desk, later)["state"] == ACTIVE
    with reverts("RightPledged", right):
        registry.transferFrom(alice, bob, right, {"from": alice})


def test_refinancing_a_lost_collateral_is_refused(
    desk: Any,
    registry: Any,
    registrar: Any,
    lender2: Any,
    alice: Any,
    carol: Any,
    right: int,
    open_loan: Callable[..., Any],
    offer: Callable[..., Terms],
    sign: Callable[..., bytes],
) -> None:
    loan_id, _, _ = open_loan()
    registry.forceTransfer(right, carol, ORDER, {"from": registrar})
    terms = offer(lender=lender2)
    with reverts("WrongState", loan_id, LOST):
        desk.refinance(loan_id, terms.as_tuple(), sign(terms), {"from": alice})


# ------------------------------------------------------------------------------------------- parties and roles


def test_only_the_lender_enforces_or_forecloses(
    desk: Any, lender: Any, alice: Any, attacker: Any, open_loan: Callable[..., Any]
) -> None:
    loan_id, _, _ = open_loan(governingLaw=b"US", foreclosure=True)
    begin = _to_auction(desk, lender, loan_id)
    mine_at(begin + 3 * DAY)
    for caller in (alice, attacker):
        with reverts("NotLender", loan_id, lender):
            desk.enforce(loan_id, 2, 1, {"from": caller})
        with reverts("NotLender", loan_id, lender):
            desk.foreclose(loan_id, {"from": caller})
    assert loan_of(desk, loan_id)["state"] == AUCTION


def test_stranger_cannot_cancel_an_offer_or_request(
    desk: Any, registry: Any, usd: Any, lender: Any, alice: Any, attacker: Any, right: int, offer: Any, sign: Any
) -> None:
    terms = offer()
    with reverts("NotParty", attacker, lender):
        desk.cancel(terms.as_tuple(), {"from": attacker})
    request = make_terms(
        lender=ZERO_ADDRESS, borrower=alice, collateral=registry, collateralId=right, currency=usd, principal=PRINCIPAL
    )
    desk.request(request.as_tuple(), {"from": alice})
    for caller in (attacker, lender):
        with reverts("NotParty", caller, alice):
            desk.cancel(request.as_tuple(), {"from": caller})
    desk.accept(terms.as_tuple(), sign(terms), {"from": alice})


def test_only_the_pledge_role_sets_the_pledge(
    registry: Any, admin: Any, dispute_keeper: Any, carol: Any, attacker: Any, bob: Any, right: int
) -> None:
    registry.setLock(right, True, ZERO_ADDRESS, REF, {"from": dispute_keeper})
    record = registry.recordOf(right)
    assert (record["disputeLocked"], record["pledged"]) == (True, False)
    for locked in (True, False):
        with reverts("AccessControlUnauthorizedAccount", attacker, PLEDGE_ROLE):
            registry.setLock(right, locked, ZERO_ADDRESS, REF, {"from": attacker})
    registry.grantRole(PLEDGE_ROLE, carol, {"from": admin})
    tx = registry.setLock(right, True, ZERO_ADDRESS, REF, {"from": carol})
    assert (tx.events["PledgeSet"]["by"], tx.events["PledgeSet"]["pledged"]) == (carol.address, True)
    assert "DisputeLockSet" not in tx.events
    record = registry.recordOf(right)
    assert (record["disputeLocked"], record["pledged"]) == (True, True)


def test_delivery_only_at_a_pledge_release(
    registry: Any, admin: Any, dispute_keeper: Any, alice: Any, bob: Any, carol: Any, right: int, right2: int
) -> None:
    registry.grantRole(PLEDGE_ROLE, carol, {"from": admin})
    with reverts("LockUnchanged", right, True):
        registry.setLock(right, True, bob, REF, {"from": carol})
    with reverts("LockUnchanged", right, True):
        registry.setLock(right, True, bob, REF, {"from": dispute_keeper})
    registry.setLock(right, True, ZERO_ADDRESS, REF, {"from": dispute_keeper})
    with reverts("LockUnchanged", right, False):
        registry.setLock(right, False, bob, REF, {"from": dispute_keeper})
    registry.setLock(right2, True, ZERO_ADDRESS, REF, {"from": carol})
    tx = registry.setLock(right2, False, bob, REF, {"from": carol})
    assert registry.ownerOf(right2) == bob.address
    assert (tx.events["Transfer"]["from"], tx.events["Transfer"]["to"]) == (alice.address, bob.address)
    assert registry.recordOf(right2)["pledged"] is False


def test_hash_terms_binds_every_field(desk: Any, offer: Callable[..., Terms]) -> None:
    terms = offer()
    digests = {b(desk.hashTerms(terms.as_tuple()))}
    for field, value in terms.__dict__.items():
        changed = (
            terms.but(**{field: not value})
            if isinstance(value, bool)
            else terms.but(**{field: value + 1})
            if isinstance(value, int)
            else terms.but(**{field: bytes([value[0] ^ 1]) + value[1:]})
            if isinstance(value, bytes)
            else terms.but(**{field: "0x" + "11" * 20})
        )
        digests.add(b(desk.hashTerms(changed.as_tuple())))
        assert b(desk.hashTerms(changed.as_tuple())) == terms_digest(changed, desk=desk), field
    assert len(digests) == 1 + len(terms.__dict__)
    assert LOANS_DOMAIN_NAME == "IPLedger Loans"
