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
    DISPUTE_ROLE,
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
from registry_helpers import ROGUE_SIGNER_KEY, ZERO_ADDRESS, b, mine_at, now
from share_helpers import MAX_UINT256, chain_id, deploy_test_contract

ORDER = keccak(text="court order 2026/321")
REF = keccak(text="dispute 2026-9")
DEED = keccak(text="deed of assignment")
LICENCE_TERMS = keccak(text="licence terms")


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
    desk: Any, registry: Any, usd: Any, alice: Any, right: int, open_loan: Callable[..., Any], offer: Any, sign: Any
) -> None:
    open_loan()
    second = offer()
    with reverts("LockUnchanged", right, True):
        desk.accept(second.as_tuple(), sign(second), {"from": alice})
    request = make_terms(
        lender=ZERO_ADDRESS,
        borrower=alice,
        collateral=registry,
        collateralId=right,
        currency=usd,
        principal=PRINCIPAL,
        nonce=77,
    )
    desk.request(request.as_tuple(), {"from": alice})
    with reverts("LockUnchanged", right, True):
        desk.acceptRequest(request.as_tuple(), {"from": alice})
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
        desk.enforce(loan_id, 2, 1, {"from": lender})
    with reverts("CollateralFrozen", right):
        desk.foreclose(loan_id, {"from": lender})
    registry.unfreeze(right, ORDER, {"from": registrar})
    desk.bid(loan_id, 10**30, {"from": bob})
    assert registry.ownerOf(right) == bob.address


def test_frozen_right_is_repaid_in_full_only_after_the_unfreeze(
    desk: Any, registry: Any, registrar: Any, alice: Any, right: int, open_loan: Callable[..., Any]
) -> None:
    loan_id, _, _ = open_loan()
    registry.freeze(right, ORDER, {"from": registrar})
    desk.repay(loan_id, PRINCIPAL - 1, {"from": alice})
    with reverts("TokenIsFrozen", right):
        desk.repay(loan_id, 1, {"from": alice})
    registry.unfreeze(right, ORDER, {"from": registrar})
    desk.repay(loan_id, 1, {"from": alice})
    assert registry.recordOf(right)["pledged"] is False


def test_frozen_right_cannot_be_pledged(
    desk: Any, registry: Any, registrar: Any, alice: Any, right: int, offer: Any, sign: Any
) -> None:
    registry.freeze(right, ORDER, {"from": registrar})
    terms = offer()
    with reverts("CollateralFrozen", right):
        desk.accept(terms.as_tuple(), sign(terms), {"from": alice})


def test_dispute_lock_stops_the_sale_and_the_pledge(
    desk: Any,
    registry: Any,
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
    loan_id, _, _ = open_loan()
    _to_auction(desk, lender, loan_id)
    registry.setLock(right, True, ZERO_ADDRESS, REF, {"from": dispute_keeper})
    record = registry.recordOf(right)
    assert (record["disputeLocked"], record["pledged"]) == (True, True)
    with reverts("CollateralDisputed", right):
        desk.bid(loan_id, 10**30, {"from": bob})
    registry.setLock(right2, True, ZERO_ADDRESS, REF, {"from": dispute_keeper})
    terms = offer(collateralId=right2)
    with reverts("CollateralDisputed", right2):
        desk.accept(terms.as_tuple(), sign(terms), {"from": alice})
    registry.setLock(right, False, ZERO_ADDRESS, REF, {"from": dispute_keeper})
    desk.bid(loan_id, 10**30, {"from": bob})


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
    with reverts("AccessControlUnauthorizedAccount", attacker, DISPUTE_ROLE):
        registry.setLock(right, True, ZERO_ADDRESS, REF, {"from": attacker})
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
