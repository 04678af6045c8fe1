"""Property: loans on several rights and on shares stay exact through random sequences of operations.

A hypothesis state machine (the chain reverted to the module's snapshot before every run: four rights, two held by
``alice``, one each by ``bob`` and ``carol``, and a share token spread over the three) plays loans opened from
signed offers and from published requests (on a right or an amount of shares), repayments of random amounts by the
borrower or a third party, time passing, enforcement (a start price sometimes below the debt), bids, refinancing,
a registrar's forced transfers followed by ``recordLoss``, a registrar's freezes and unfreezes, dispute locks set
and lifted, and transfers of rights and of unpledged shares between the holders. Each rule predicts its outcome
from a Python model: a success (with every amount computed to the wei: interest accrued per second and rounded up,
interest before principal, the auction's linear price, the debt, the surplus and the shortfall) or the exact custom
error. Every transaction of the desk is mined at a timestamp the rule chose, so the model knows it.

The rules the model holds the desk to: a right is pledged only by its holder, neither frozen, disputed nor pledged
(the request is refused as the acceptance is); a repayment in full needs the pledge still to be the loan's, a
partial one does not, and a freeze stops neither; the auction's start covers the debt; a freeze stops enforcement
and bids, an open dispute does not; refinancing refuses a frozen or disputed right; a payment to oneself (the
borrower buying its collateral, a lender refinancing its own loan) moves nothing.

Invariants after every step: the tUSD balance of every participant and of the desk, the share balance of every
holder and of the desk, every loan's state and ``owed()`` (principal, interest accrued to the block, costs at an
auction), and every right's owner, pledge bit, freeze and dispute lock.

Runtime: MIN_STEPS steps (below), one and a half to six minutes on anvil; more, up to MAX_STEPS, until the outcomes of
MUST_SEE came up (hypothesis often replays near-identical runs).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest
from brownie import chain
from eth_utils import keccak
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from loan_helpers import (
    ACTIVE,
    AUCTION,
    DAY,
    FUNDS,
    LENDER2_KEY,
    LENDER_KEY,
    LOST,
    REFINANCED,
    REPAID,
    SOLD,
    USD,
    Terms,
    accrual,
    make_terms,
    owed,
    reverts,
    sign_terms,
)
from registry_helpers import FROZEN, ZERO_ADDRESS, address_of, mine_at, now, rpc
from share_helpers import MAX_UINT256, SUPPLY

RUNS = 20
STEPS = 30
MIN_STEPS = 300
MAX_STEPS = 2_700
MAX_SEARCHES = 45
MUST_SEE = ("opened on a right", "opened on shares", "repaid")  # searches go on (to MAX_STEPS) until they came up
GAS = 3_000_000
ORDER = keccak(text="court order 2026/88")
DISPUTE = keccak(text="dispute 2026-12")
LIVE = (ACTIVE, AUCTION)

# Picks drawn from small ranges (hypothesis favours 0 and the bounds: a pick modulo a count would favour one).
LOAN = st.integers(min_value=0, max_value=15)  # among the live loans, modulo their number
HOLDER = st.integers(min_value=0, max_value=2)
LENDER = st.integers(min_value=0, max_value=1)
RIGHT = st.integers(min_value=0, max_value=3)
FRACTION = st.integers(min_value=0, max_value=2**32)
# Waits drawn from a few magnitudes: hypothesis favours small integers, and loans need days to mature.
WAIT = st.sampled_from([1, 61, 3_600, DAY, 3 * DAY, 8 * DAY])


@dataclass(frozen=True)
class World:
    registry: Any
    desk: Any
    usd: Any
    shares: Any
    registrar: Any
    dispute_keeper: Any  # holds the registry's DISPUTE_ROLE
    lenders: list[tuple[Any, str]]  # (account, key)
    holders: list[Any]  # borrowers, bidders, share holders
    rights: dict[int, str]  # right -> owner at the snapshot
    share_balances: dict[str, int]  # at the snapshot


@dataclass
class Loan:
    loan_id: int
    lender: str
    borrower: str
    right: int  # the right pledged, or the right behind the shares
    amount: int  # shares pledged; 0 for a right
    principal: int
    interest: int
    apr: int
    accrued_at: int
    maturity: int
    grace: int
    auction_duration: int
    costs: int
    state: int = ACTIVE
    start_price: int = 0
    floor_price: int = 0
    auction_start: int = 0


@dataclass
class Model:
    owner: dict[int, str]
    pledged: dict[int, bool] = field(default_factory=dict)
    frozen: dict[int, bool] = field(default_factory=dict)
    disputed: dict[int, bool] = field(default_factory=dict)
    pledge_of: dict[int, int] = field(default_factory=dict)
    usd: Counter[str] = field(default_factory=Counter)
    shares: Counter[str] = field(default_factory=Counter)
    loans: list[Loan] = field(default_factory=list)


def budgeted(rule_function: Callable[..., None]) -> Callable[..., None]:
    """Runs the rule while the search's budget of MAX_STEPS steps lasts; counts it."""

    @functools.wraps(rule_function)
    def run(machine: LoanMachine, **arguments: Any) -> None:
        machine.idle = machine.counts["steps"] >= MAX_STEPS
        if machine.idle:
            return
        machine.counts["steps"] += 1
        rule_function(machine, **arguments)

    return run


def price_at(loan: Loan, timestamp: int) -> int:
    elapsed = timestamp - loan.auction_start
    if elapsed >= loan.auction_duration:
        return loan.floor_price
    return loan.start_price - (loan.start_price - loan.floor_price) * elapsed // loan.auction_duration


class LoanMachine(RuleBasedStateMachine):
    """One run: the chain back at the module's snapshot, then random rules; the invariants after every step."""

    world: ClassVar[World]
    counts: ClassVar[Counter[str]]

    def __init__(self) -> None:
        super().__init__()
        chain.revert()
        self.idle = False
        world = self.world
        self.model = Model(owner=dict(world.rights))
        self.model.pledged = dict.fromkeys(world.rights, False)
        self.model.frozen = dict.fromkeys(world.rights, False)
        self.model.disputed = dict.fromkeys(world.rights, False)
        for account in [address_of(a) for a, _ in world.lenders] + [address_of(h) for h in world.holders]:
            self.model.usd[account] = FUNDS
        self.model.shares.update(world.share_balances)
        self.nonce = 0

    # ------------------------------------------------------------------------------------------- helpers

    def _send(self, function: Any, *args: Any, sender: Any, wait: int = 1) -> tuple[Any, int]:
        """Mines ``function(*args)`` from ``sender`` at ``now() + wait``: (receipt, its timestamp)."""
        timestamp = now() + wait
        rpc("evm_setNextBlockTimestamp", [timestamp])
        tx = function(*args, {"from": sender, "gas_limit": GAS})
        assert tx.timestamp == timestamp
        return tx, timestamp

    def _reverts(self, error: tuple[Any, ...], function: Any, *args: Any, sender: Any, wait: int = 1) -> None:
        with reverts(*error):
            self._send(function, *args, sender=sender, wait=wait)
        self.counts[error[0]] += 1

    def _live(self, pick: int) -> Loan | None:
        live = [loan for loan in self.model.loans if loan.state in LIVE]
        return live[pick % len(live)] if live else None

    def _held(self, loan: Loan) -> bool:
        if loan.amount:
            return True
        right = loan.right
        return (
            self.model.pledged[right]
            and self.model.owner[right] == loan.borrower
            and self.model.pledge_of.get(right) == loan.loan_id
        )

    def _unpledgeable(self, right: int, borrower: str) -> tuple[Any, ...] | None:
        """The error of pledging ``right`` as ``borrower`` (the desk's checks in their order), or None."""
        model = self.model
        if model.owner[right] != borrower:
            return ("NotCollateralHolder", borrower, right)
        if model.frozen[right]:
            return ("CollateralFrozen", right)
        if model.disputed[right]:
            return ("CollateralDisputed", right)
        if model.pledged[right]:
            return ("RightPledged", right)
        return None

    def _locked(self, loan: Loan, locks: dict[int, bool]) -> bool:
        """Whether the loan's right (not shares) is frozen or disputed, as ``locks`` says."""
        return not loan.amount and locks[loan.right]

    def _unsaleable(self, loan: Loan) -> tuple[Any, ...] | None:
        """The error of selling or enforcing the loan's collateral (no longer its pledge, or frozen), or None. An
        open dispute does not stop a sale."""
        if not self._held(loan):
            return ("WrongState", loan.loan_id, LOST)
        if self._locked(loan, self.model.frozen):
            return ("CollateralFrozen", loan.right)
        return None

    def _debt(self, loan: Loan, timestamp: int, *, costs: bool) -> int:
        """Principal, interest accrued to ``timestamp``, and the costs if asked."""
        interest = loan.interest + accrual(loan.principal, loan.apr, timestamp - loan.accrued_at)
        return loan.principal + interest + (loan.costs if costs else 0)

    def _accrue(self, loan: Loan, timestamp: int) -> None:
        loan.interest += accrual(loan.principal, loan.apr, timestamp - loan.accrued_at)
        loan.accrued_at = timestamp

    def _pay(self, payer: str, payee: str, amount: int) -> None:
        self.model.usd[payer] -= amount
        self.model.usd[payee] += amount

    def _terms(self, lender: str, borrower: str, right: int | None, amount: int, shape: int, **rest: Any) -> Terms:
        self.nonce += 1
        world = self.world
        collateral = world.registry if right is not None else world.shares
        return make_terms(
            lender=lender,
            borrower=borrower,
            collateral=collateral,
            collateralId=right or 0,
            collateralAmount=amount,
            currency=world.usd,
            principal=1_000 * USD + shape % 50_000 * USD,
            interest=shape % 7 * 13 * USD,
            aprPpm=shape % 5 * 45_000,
            duration=3_600 + shape % 10 * DAY,
            gracePeriod=shape % 3 * DAY,
            auctionDuration=3_600 + shape % 4 * DAY,
            costs=shape % 3 * 25 * USD,
            nonce=self.nonce,
            **rest,
        )

    def _open(self, tx: Any, timestamp: int, terms: Terms, lender: str, borrower: str) -> None:
        loan_id = int(tx.return_value)
        assert loan_id == len(self.model.loans) + 1
        right = int(self.world.shares.tokenId()) if terms.collateralAmount else terms.collateralId
        loan = Loan(
            loan_id=loan_id,
            lender=lender,
            borrower=borrower,
            right=right,
            amount=terms.collateralAmount,
            principal=terms.principal,
            interest=terms.interest,
            apr=terms.aprPpm,
            accrued_at=timestamp,
            maturity=timestamp + terms.duration,
            grace=terms.gracePeriod,
            auction_duration=terms.auctionDuration,
            costs=terms.costs,
        )
        self.model.loans.append(loan)
        self.counts["opened on shares" if loan.amount else "opened on a right"] += 1
        if loan.amount:
            self.model.shares[borrower] -= loan.amount
            self.model.shares[address_of(self.world.desk)] += loan.amount
        else:
            self.model.pledged[right] = True
            self.model.pledge_of[right] = loan_id
        self._pay(lender, borrower, terms.principal)

    # ------------------------------------------------------------------------------------------- opening

    @rule(lender=LENDER, borrower=st.integers(0, 3), pick=RIGHT, how=st.integers(0, 5), shape=FRACTION)
    @budgeted
    def open_loan(self, lender: int, borrower: int, pick: int, how: int, shape: int) -> None:
        """``how``: 4-5 on shares, else on a right; odd from a published request, even from a signed offer.
        ``borrower``: 0 the right's owner, else that holder."""
        on_shares, by_request = how >= 4, how % 2 == 1
        world, desk = self.world, self.world.desk
        lender_account, key = world.lenders[lender % len(world.lenders)]
        rights = sorted(self.model.owner)
        right = None if on_shares else rights[pick % len(rights)]
        holder = world.holders[borrower - 1] if borrower or right is None else self.model.owner[right]
        lent_by, borrowed_by = address_of(lender_account), address_of(holder)
        # Hypothesis favours a zero ``shape``: a holder with shares pledges at least one.
        balance = self.model.shares[borrowed_by]
        amount = max(1, shape * balance // 2**32) if on_shares and balance else 0
        if on_shares and amount == 0:
            return
        if by_request:
            terms = self._terms(ZERO_ADDRESS, borrowed_by, right, amount, shape)
        else:
            terms = self._terms(lent_by, ZERO_ADDRESS, right, amount, shape)
        error = None if right is None else self._unpledgeable(right, borrowed_by)
        if by_request:
            if error is not None:
                self._reverts(error, desk.request, terms.as_tuple(), sender=holder)
                return
            desk.request(terms.as_tuple(), {"from": holder})
            function, args, sender = desk.acceptRequest, (terms.as_tuple(),), lender_account
        else:
            signature = sign_terms(key, terms, desk=desk)
            function, args, sender = desk.accept, (terms.as_tuple(), signature), holder
        if error is not None:
            self._reverts(error, function, *args, sender=sender)
            return
        tx, timestamp = self._send(function, *args, sender=sender)
        self._open(tx, timestamp, terms, lent_by, borrowed_by)

    # ------------------------------------------------------------------------------------------- repayment

    @rule(pick=LOAN, payer=HOLDER, fraction=FRACTION, full=st.booleans(), wait=WAIT)
    @budgeted
    def repay(self, pick: int, payer: int, fraction: int, full: bool, wait: int) -> None:
        loan = self._live(pick)
        if loan is None:
            return
        paying = self.world.holders[payer % len(self.world.holders)]
        timestamp = now() + wait
        costs = loan.costs if loan.state == AUCTION else 0
        debt = self._debt(loan, timestamp, costs=loan.state == AUCTION)
        amount = debt + fraction if full else 1 + fraction * debt // 2**32
        # A partial repayment is taken whatever became of the collateral; one in full releases the pledge, which
        # must still be the loan's (a freeze does not matter).
        error: tuple[Any, ...] | None = None
        if loan.state == AUCTION and amount < debt:
            error = ("WrongState", loan.loan_id, AUCTION)
        elif amount >= debt and not self._held(loan):
            error = ("WrongState", loan.loan_id, LOST)
        if error is not None:
            self._reverts(error, self.world.desk.repay, loan.loan_id, amount, sender=paying, wait=wait)
            return
        tx, timestamp = self._send(self.world.desk.repay, loan.loan_id, amount, sender=paying, wait=wait)
        self._accrue(loan, timestamp)
        paid = min(amount, debt)
        interest_paid = min(paid - costs, loan.interest)
        principal_paid = paid - costs - interest_paid
        loan.interest -= interest_paid
        loan.principal -= principal_paid
        assert tx.return_value == paid
        event = tx.events["LoanRepaid"]
        assert (event["interestPaid"], event["principalPaid"], event["remaining"]) == (
            interest_paid,
            principal_paid,
            debt - paid,
        )
        self._pay(address_of(paying), loan.lender, paid)
        self.counts["repaid"] += 1
        if not self._held(loan):
            self.counts["repaid in part, the collateral lost"] += 1
        if paid == debt:
            self.counts["repaid in full"] += 1
            if self._locked(loan, self.model.frozen):
                self.counts["repaid in full, the right frozen"] += 1
            loan.state = REPAID
            self._release(loan, loan.borrower)

    def _release(self, loan: Loan, to: str) -> None:
        if loan.amount:
            self.model.shares[address_of(self.world.desk)] -= loan.amount
            self.model.shares[to] += loan.amount
        else:
            self.model.pledged[loan.right] = False
            self.model.owner[loan.right] = to

    @rule(seconds=WAIT)
    @budgeted
    def advance_time(self, seconds: int) -> None:
        mine_at(now() + seconds)

    # ------------------------------------------------------------------------------------------- enforcement

    @rule(pick=LOAN, shape=FRACTION, patient=st.booleans())
    @budgeted
    def enforce(self, pick: int, shape: int, patient: bool) -> None:
        """``patient``: the lender waits until it may enforce (else it tries now)."""
        loan = self._live(pick)
        if loan is None:
            return
        desk, lender = self.world.desk, loan.lender
        timestamp = now() + 1
        enforceable_at = loan.maturity + loan.grace
        if not patient and loan.state == ACTIVE and timestamp < enforceable_at - 10:
            self._reverts(
                ("NotYetEnforceable", loan.loan_id, enforceable_at), desk.enforce, loan.loan_id, 2, 1, sender=lender
            )
            return
        ends_at = loan.auction_start + loan.auction_duration
        if not patient and loan.state == AUCTION and timestamp < ends_at - 10:
            self._reverts(("AuctionRunning", loan.loan_id, ends_at), desk.enforce, loan.loan_id, 2, 1, sender=lender)
            return
        wait = max(1, (enforceable_at if loan.state == ACTIVE else ends_at) - now())
        # The start must cover the debt (costs included) at the block: one lender in seven starts a wei below it.
        debt = self._debt(loan, now() + wait, costs=True)
        floor = shape % 20_000 * USD
        start = debt - 1 if shape % 7 == 0 else max(debt, floor) + shape % 30_000 * USD
        error = ("InvalidAuction", start, floor) if start < debt else self._unsaleable(loan)
        if error is not None:
            self._reverts(error, desk.enforce, loan.loan_id, start, floor, sender=lender, wait=wait)
            return
        tx, timestamp = self._send(desk.enforce, loan.loan_id, start, floor, sender=lender, wait=wait)
        loan.state, loan.start_price, loan.floor_price, loan.auction_start = AUCTION, start, floor, timestamp
        self.counts["enforced"] += 1
        if self._locked(loan, self.model.disputed):
            self.counts["enforced, the right disputed"] += 1
        assert tx.events["AuctionStarted"]["debt"] == debt

    @rule(pick=LOAN, bidder=HOLDER, wait=WAIT)
    @budgeted
    def bid(self, pick: int, bidder: int, wait: int) -> None:
        auctions = [loan for loan in self.model.loans if loan.state == AUCTION]
        if not auctions:
            return
        loan = auctions[pick % len(auctions)]
        buyer = self.world.holders[bidder % len(self.world.holders)]
        buying = address_of(buyer)
        error = self._unsaleable(loan)
        if error is not None:
            self._reverts(error, self.world.desk.bid, loan.loan_id, MAX_UINT256, sender=buyer, wait=wait)
            return
        timestamp = now() + wait
        price = price_at(loan, timestamp)
        debt = self._debt(loan, timestamp, costs=True)
        to_lender = min(price, debt)
        to_borrower = price - to_lender
        # The borrower may buy its own collateral: the surplus it pays itself moves nothing.
        tx, timestamp = self._send(self.world.desk.bid, loan.loan_id, price, sender=buyer, wait=wait)
        self._accrue(loan, timestamp)
        sold = tx.events["CollateralSold"]
        assert (sold["price"], sold["toLender"], sold["toBorrower"], sold["shortfall"]) == (
            price,
            to_lender,
            to_borrower,
            debt - to_lender,
        )
        loan.state = SOLD
        self.counts["sold with a shortfall" if debt > to_lender else "sold"] += 1
        if buying == loan.borrower:
            self.counts["bought by its borrower"] += 1
        if self._locked(loan, self.model.disputed):
            self.counts["sold, the right disputed"] += 1
        self._pay(buying, loan.lender, to_lender)
        self._pay(buying, loan.borrower, to_borrower)
        self._release(loan, buying)

    # ------------------------------------------------------------------------------------------- refinancing

    @rule(pick=LOAN, lender=LENDER, shape=FRACTION, wait=WAIT)
    @budgeted
    def refinance(self, pick: int, lender: int, shape: int, wait: int) -> None:
        loan = self._live(pick)
        if loan is None:
            return
        world, desk = self.world, self.world.desk
        lender_account, key = world.lenders[lender % len(world.lenders)]
        new_lender = address_of(lender_account)
        right = None if loan.amount else loan.right
        terms = self._terms(new_lender, loan.borrower, right, loan.amount, shape)
        signature = sign_terms(key, terms, desk=desk)
        args = (loan.loan_id, terms.as_tuple(), signature)
        error: tuple[Any, ...] | None = None
        if not self._held(loan):
            error = ("WrongState", loan.loan_id, LOST)
        elif right is not None and self.model.frozen[right]:
            error = ("CollateralFrozen", right)
        elif right is not None and self.model.disputed[right]:
            error = ("CollateralDisputed", right)
        if error is not None:
            self._reverts(error, desk.refinance, *args, sender=loan.borrower, wait=wait)
            return
        timestamp = now() + wait
        debt = self._debt(loan, timestamp, costs=loan.state == AUCTION)
        # A lender refinancing its own loan pays itself the old debt: nothing moves.
        tx, timestamp = self._send(desk.refinance, *args, sender=loan.borrower, wait=wait)
        loan.state = REFINANCED
        self.counts["refinanced"] += 1
        if new_lender == loan.lender:
            self.counts["refinanced by its own lender"] += 1
        self._accrue(loan, timestamp)
        old_lender = loan.lender
        loan.interest = loan.principal = 0
        if terms.principal >= debt:
            self._pay(new_lender, old_lender, debt)
            self._pay(new_lender, loan.borrower, terms.principal - debt)
        else:
            self._pay(new_lender, old_lender, terms.principal)
            self._pay(loan.borrower, old_lender, debt - terms.principal)
        new_id = int(tx.return_value)
        assert new_id == len(self.model.loans) + 1
        self.model.loans.append(
            Loan(
                loan_id=new_id,
                lender=new_lender,
                borrower=loan.borrower,
                right=loan.right,
                amount=loan.amount,
                principal=terms.principal,
                interest=terms.interest,
                apr=terms.aprPpm,
                accrued_at=timestamp,
                maturity=timestamp + terms.duration,
                grace=terms.gracePeriod,
                auction_duration=terms.auctionDuration,
                costs=terms.costs,
            )
        )
        if not loan.amount:
            self.model.pledge_of[loan.right] = new_id

    # ------------------------------------------------------------------------------------------- registrar, loss

    @rule(pick=RIGHT, to=HOLDER)
    @budgeted
    def force_transfer(self, pick: int, to: int) -> None:
        rights = sorted(self.model.owner)
        right = rights[pick % len(rights)]
        recipient = address_of(self.world.holders[to % len(self.world.holders)])
        if recipient == self.model.owner[right]:
            recipient = address_of(self.world.holders[(to + 1) % len(self.world.holders)])
        self.world.registry.forceTransfer(right, recipient, ORDER, {"from": self.world.registrar})
        self.model.owner[right] = recipient
        self.model.pledged[right] = False

    @rule(pick=LOAN)
    @budgeted
    def record_loss(self, pick: int) -> None:
        loan = self._live(pick)
        if loan is None:
            return
        desk, caller = self.world.desk, self.world.holders[0]
        if self._held(loan):
            self._reverts(("CollateralHeld", loan.loan_id), desk.recordLoss, loan.loan_id, sender=caller)
            return
        tx, _ = self._send(desk.recordLoss, loan.loan_id, sender=caller)
        assert tx.events["CollateralLost"]["holder"] == self.model.owner[loan.right]
        loan.state = LOST
        self.counts["lost"] += 1

    @rule(pick=RIGHT, freeze=st.booleans())
    @budgeted
    def lock_or_unlock(self, pick: int, freeze: bool) -> None:
        """A registrar freezes the right or lifts its freeze (``freeze``), or the dispute module locks it for a
        dispute or lifts the lock (separate bits: neither touches the pledge)."""
        rights = sorted(self.model.owner)
        right = rights[pick % len(rights)]
        world, model = self.world, self.model
        if freeze:
            act = world.registry.unfreeze if model.frozen[right] else world.registry.freeze
            act(right, ORDER, {"from": world.registrar})
            model.frozen[right] = not model.frozen[right]
            self.counts["frozen" if model.frozen[right] else "unfrozen"] += 1
        else:
            locked = not model.disputed[right]
            world.registry.setLock(right, locked, ZERO_ADDRESS, DISPUTE, {"from": world.dispute_keeper})
            model.disputed[right] = locked
            self.counts["disputed" if locked else "dispute lifted"] += 1

    # ------------------------------------------------------------------------------------------- around the loans

    @rule(pick=RIGHT, to=HOLDER)
    @budgeted
    def transfer_right(self, pick: int, to: int) -> None:
        rights = sorted(self.model.owner)
        right = rights[pick % len(rights)]
        owner = self.model.owner[right]
        recipient = address_of(self.world.holders[to % len(self.world.holders)])
        model = self.model
        blocked = (
            ("TokenIsFrozen", right)
            if model.frozen[right]
            else ("RightDisputed", right)
            if model.disputed[right]
            else ("RightPledged", right)
            if model.pledged[right]
            else None
        )
        if blocked is not None:
            with reverts(*blocked):
                self.world.registry.transferFrom(owner, recipient, right, {"from": owner})
            return
        self.world.registry.transferFrom(owner, recipient, right, {"from": owner})
        self.model.owner[right] = recipient

    @rule(sender=HOLDER, to=HOLDER, fraction=FRACTION)
    @budgeted
    def transfer_shares(self, sender: int, to: int, fraction: int) -> None:
        source = address_of(self.world.holders[sender % len(self.world.holders)])
        target = address_of(self.world.holders[to % len(self.world.holders)])
        amount = fraction * self.model.shares[source] // 2**32
        if source == target or amount == 0:
            return
        self.world.shares.transfer(target, amount, {"from": source})
        self.model.shares[source] -= amount
        self.model.shares[target] += amount

    # ------------------------------------------------------------------------------------------- invariants

    @invariant()
    def exact(self) -> None:
        if self.idle:
            return
        world, model = self.world, self.model
        for account, balance in model.usd.items():
            assert world.usd.balanceOf(account) == balance, account
        assert world.usd.balanceOf(world.desk) == 0
        holders = [address_of(h) for h in world.holders] + [address_of(world.desk)]
        for account in holders:
            assert world.shares.balanceOf(account) == model.shares[account], account
        timestamp = now()
        for loan in model.loans:
            on_chain = world.desk.loanOf(loan.loan_id)
            assert on_chain["state"] == loan.state, loan
            if loan.state in LIVE:
                interest = loan.interest + accrual(loan.principal, loan.apr, timestamp - loan.accrued_at)
                costs = loan.costs if loan.state == AUCTION else 0
                assert owed(world.desk, loan.loan_id) == (loan.principal, interest, costs), loan
            elif loan.state in (REPAID, REFINANCED):
                assert on_chain["principal"] == loan.principal == 0 and on_chain["interest"] == loan.interest == 0
        for right, owner in model.owner.items():
            assert world.registry.ownerOf(right) == owner, right
            record = world.registry.recordOf(right)
            assert record["pledged"] is model.pledged[right], right
            assert (record["status"] == FROZEN) is model.frozen[right], right
            assert record["disputeLocked"] is model.disputed[right], right


@pytest.fixture(scope="module")
def world(
    registry: Any,
    registrar: Any,
    dispute_keeper: Any,
    desk: Any,
    usd: Any,
    shares: Any,
    new_right: Callable[..., int],
    right: int,
    right2: int,
    lender: Any,
    lender2: Any,
    alice: Any,
    bob: Any,
    carol: Any,
) -> World:
    """Two more rights (``bob``'s and ``carol``'s); the shares spread over the three holders, each approving the
    desk; the chain's snapshot taken after (by the test's isolation)."""
    rights = {right: alice.address, right2: alice.address, new_right(bob): bob.address, new_right(carol): carol.address}
    third = SUPPLY // 3
    for holder in (bob, carol):
        shares.transfer(holder, third, {"from": alice})
        shares.approve(desk, MAX_UINT256, {"from": holder})
    balances = {alice.address: SUPPLY - 2 * third, bob.address: third, carol.address: third}
    return World(
        registry=registry,
        desk=desk,
        usd=usd,
        shares=shares,
        registrar=registrar,
        dispute_keeper=dispute_keeper,
        lenders=[(lender, LENDER_KEY), (lender2, LENDER2_KEY)],
        holders=[alice, bob, carol],
        rights=rights,
        share_balances=balances,
    )


@pytest.mark.slow
def test_loans_stay_exact(world: World) -> None:
    LoanMachine.world = world
    LoanMachine.counts = Counter()
    for _ in range(MAX_SEARCHES):
        run_state_machine_as_test(
            LoanMachine,
            settings=settings(
                max_examples=RUNS,
                stateful_step_count=STEPS,
                deadline=None,
                suppress_health_check=[HealthCheck.data_too_large, HealthCheck.too_slow],
            ),
        )
        if LoanMachine.counts["steps"] >= MIN_STEPS and all(LoanMachine.counts[seen] for seen in MUST_SEE):
            break
    counts = LoanMachine.counts
    assert counts["steps"] >= MIN_STEPS, f"only {counts['steps']} steps"
    assert all(counts[seen] for seen in MUST_SEE), dict(counts)
    print(dict(counts))
