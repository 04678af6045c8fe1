"""Property: buyouts settle exactly to the wei while the shares trade around them, and never pay out more than their
deposit.

A hypothesis state machine (the chain reverted to the fixture's snapshot before every run: one right fractionalized
into 1,000.000000000000000003 shares of 18 decimals, spread over four accounts, each holding tUSD approved for the
vault, and a buyout of it open at 0.5 tUSD a share, the first account's 40% tendered) plays buyout starts (by any
account, at random prices per whole share, some too low to deposit anything), tenders and withdrawals (any
fraction of a balance, sometimes one unit more than it), a crowd tendering all but one holder's shares, share
transfers on every share token (live or bought out), full freezes and unfreezes of holders, settlements (some after
time passed beyond the window), cancellations, claims, redemptions of untendered shares for cash, and a new
fractionalization (0, 6 or 18 decimals) by the bidder who won the right. Each rule predicts its outcome from a Python
model: a success, or the exact custom error. The model prices as the vault does: the deposit is supply * price /
10**decimals and each payment for an amount of shares amount * deposit / supply, both rounded down.

Invariants after every step:
- every account's tUSD balance and the vault's equal the model's, to the wei;
- the vault's tUSD is what it holds for each buyout: an open buyout's deposit, a failed one's unrefunded deposit,
  and for a successful one its deposit less what it paid, which covers the price of the tendered shares not yet
  claimed and of every untendered share still in circulation, priced together (at least the sum of their
  payments, whatever their split), with at most one base unit of dust per payment made beyond it;
- for every share token, every balance (the vault's escrow included) and the total supply equal the model's;
- the right's owner is the model's, and the vault names the model's share token for it.

Rules that need an open or a settled buyout run only when there is one, and a buyout starts only when none is open
(hypothesis preconditions), so runs reach settlements; time passes only before a settlement (closing the window);
the refusals of a missing buyout, of a second start and of tenders after the window are the unit tests'
(test_buyout.py).

Runtime: searches of RUNS examples of at most STEPS steps until MIN_STEPS steps ran (300 to 1,000 steps), 30-100 s
on anvil. No rule depends on how many steps ran before: hypothesis replays examples (from its database, to shrink, to
explain) and needs each to draw as it did the first time, which a step budget shared across examples broke
("Inconsistent data generation").
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest
from brownie import chain
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from registry_helpers import ZERO_ADDRESS, address_of, make_registration
from share_helpers import COMPLIANCE_OFFICER_ROLE, MAX_UINT256, REASON, reverts

RUNS = 20
STEPS = 40
MIN_STEPS = 200
MAX_SEARCHES = 6
DECIMALS = 18
SUPPLY = 1_000 * 10**DECIMALS + 3
DAY = 86_400
THRESHOLD = 6_667
FUNDS = 10**40
VAULT = "vault"
SEED_PRICE = 500_000  # 0.5 tUSD a whole share
MAX_UINT128 = 2**128 - 1

ACCOUNT = st.integers(min_value=0, max_value=3)
PICK = st.integers(min_value=0, max_value=2**16)
FRACTION = st.integers(min_value=0, max_value=2**32)
PRICE = st.integers(min_value=1, max_value=10**9)  # tUSD base units per whole share: up to 1,000 tUSD
OPEN, SUCCEEDED, FAILED, CANCELLED = 1, 2, 3, 4


@dataclass(frozen=True)
class World:
    registry: Any
    vault: Any
    usd: Any
    share_token: Any  # the ShareToken container
    officer: Any
    accounts: list[Any]
    token_id: int
    shares: Any
    balances: dict[str, int]
    first_ends_at: int  # buyout 1, open at the snapshot: the last account bid SEED_PRICE, the first tendered all


def deposit_of(supply: int, decimals: int, price: int) -> int:
    """The vault's deposit for ``supply`` share base units at ``price`` per whole share, rounded down."""
    return supply * price // 10**decimals


@dataclass
class ShareModel:
    contract: Any
    supply: int
    decimals: int
    balances: Counter[str] = field(default_factory=Counter)  # accounts and VAULT (escrow)
    frozen: set[str] = field(default_factory=set)


@dataclass
class BuyoutModel:
    buyout_id: int
    bidder: str
    deposit: int
    shares: ShareModel
    supply: int
    ends_at: int
    tendered: Counter[str] = field(default_factory=Counter)  # unwithdrawn, unclaimed
    total: int = 0
    state: int = OPEN
    refunded: bool = False
    closed: bool = False  # the window has surely closed (time advanced past it)
    paid: int = 0  # paid out after success: claims and redemptions for cash
    payments: int = 0

    def payment(self, amount: int) -> int:
        """What ``amount`` shares of a successful buyout are paid: their part of the deposit, rounded down."""
        return amount * self.deposit // self.supply


def counted(rule_function: Callable[..., None]) -> Callable[..., None]:
    """Runs the rule and counts it (the counts only report: they must not change what a rule does)."""

    @functools.wraps(rule_function)
    def run(machine: BuyoutMachine, **arguments: Any) -> None:
        machine.counts["steps"] += 1
        machine.counts["rule " + rule_function.__name__] += 1
        rule_function(machine, **arguments)

    return run


class BuyoutMachine(RuleBasedStateMachine):
    world: ClassVar[World]
    counts: ClassVar[Counter[str]]

    def __init__(self) -> None:
        super().__init__()
        chain.revert()
        world = self.world
        self.names = [address_of(account) for account in world.accounts]
        self.usd: Counter[str] = Counter({name: FUNDS for name in self.names})
        live = ShareModel(world.shares, SUPPLY, DECIMALS)
        live.balances.update(world.balances)
        self.all_shares = [live]
        self.live: ShareModel | None = live
        self.owner = VAULT
        bidder = self.names[-1]
        deposit = deposit_of(SUPPLY, DECIMALS, SEED_PRICE)
        self.usd[bidder] -= deposit
        self.usd[VAULT] += deposit
        first = BuyoutModel(1, bidder, deposit, live, SUPPLY, world.first_ends_at)
        # The first holder tendered all its shares to it.
        issuer = self.names[0]
        first.tendered[issuer] = first.total = live.balances[issuer]
        live.balances[VAULT], live.balances[issuer] = live.balances[issuer], 0
        self.buyouts = [first]

    # ------------------------------------------------------------------------------------------- helpers

    def _account(self, index: int) -> Any:
        return self.world.accounts[index]

    def _is_open(self) -> bool:
        return bool(self.buyouts) and self.buyouts[-1].state == OPEN

    def _any_settled(self) -> bool:
        return any(buyout.state in (SUCCEEDED, FAILED) for buyout in self.buyouts)

    def _latest(self) -> BuyoutModel | None:
        return self.buyouts[-1] if self.buyouts else None

    def _pick(self, pick: int) -> BuyoutModel | None:
        return self.buyouts[pick % len(self.buyouts)] if self.buyouts else None

    def _refused_state(self, buyout: BuyoutModel | None, expected: int) -> tuple[str, tuple[Any, ...]] | None:
        if buyout is None:
            return ("UnknownBuyout", (0,))
        if buyout.state != expected:
            return ("BuyoutNotInState", (buyout.buyout_id, buyout.state))
        return None

    def _share_error(self, shares: ShareModel, holder: str, amount: int) -> tuple[str, tuple[Any, ...]] | None:
        """The share token's refusal to move (or burn) ``amount`` of ``holder``'s shares, if any."""
        if holder in shares.frozen:
            return ("HolderFrozen", (holder,))
        if amount > shares.balances[holder]:
            return ("InsufficientBalance", ())
        return None

    @staticmethod
    def _amount(balance: int, fraction: int) -> int:
        # Mostly a fraction of the balance, sometimes one unit more (refused).
        return balance + 1 if fraction == 2**32 else balance * fraction // 2**32

    # ------------------------------------------------------------------------------------------- rules

    @precondition(lambda self: self.live is not None and not self._is_open())
    @rule(bidder=ACCOUNT, price=PRICE)
    @counted
    def start(self, bidder: int, price: int) -> None:
        vault, account = self.world.vault, self._account(bidder)
        latest = self._latest()
        if self.live is None:
            with reverts("NotFractionalized", self.world.token_id):
                vault.startBuyout(self.world.token_id, self.world.usd, price, DAY, {"from": account})
            return
        if latest is not None and latest.state == OPEN:
            with reverts("BuyoutInProgress", self.world.token_id, latest.buyout_id):
                vault.startBuyout(self.world.token_id, self.world.usd, price, DAY, {"from": account})
            return
        deposit = deposit_of(self.live.supply, self.live.decimals, price)
        if deposit == 0 or deposit > MAX_UINT128:
            self.counts["InvalidBuyoutPrice"] += 1
            with reverts("InvalidBuyoutPrice", price, self.live.supply):
                vault.startBuyout(self.world.token_id, self.world.usd, price, DAY, {"from": account})
            return
        tx = vault.startBuyout(self.world.token_id, self.world.usd, price, DAY, {"from": account})
        self.counts["started"] += 1
        assert tx.events["BuyoutStarted"]["deposit"] == deposit
        name = self.names[bidder]
        self.usd[name] -= deposit
        self.usd[VAULT] += deposit
        self.buyouts.append(
            BuyoutModel(int(tx.return_value), name, deposit, self.live, self.live.supply, tx.timestamp + DAY)
        )
        assert int(tx.return_value) == len(self.buyouts)

    def _window_refusal(self, buyout: BuyoutModel | None) -> tuple[str, tuple[Any, ...]] | None:
        refusal = self._refused_state(buyout, OPEN)
        if refusal is None and buyout is not None and buyout.closed:
            refusal = ("TenderWindowClosed", (buyout.buyout_id, buyout.ends_at))
        return refusal

    @precondition(lambda self: self._is_open())
    @rule(holder=ACCOUNT, fraction=FRACTION, whole=st.booleans())
    @counted
    def tender(self, holder: int, fraction: int, whole: bool) -> None:
        buyout, account, name = self._latest(), self._account(holder), self.names[holder]
        buyout_id = buyout.buyout_id if buyout else 0
        refusal = self._window_refusal(buyout)
        if refusal is None:
            assert buyout is not None
            balance = buyout.shares.balances[name]
            amount = balance if whole else self._amount(balance, fraction)
            refusal = ("ZeroAmount", ()) if amount == 0 else self._share_error(buyout.shares, name, amount)
        else:
            amount = 1
        if refusal is not None:
            self.counts[refusal[0]] += 1
            with reverts(refusal[0], *refusal[1]):
                self.world.vault.tender(buyout_id, amount, {"from": account})
            return
        assert buyout is not None
        self.world.vault.tender(buyout_id, amount, {"from": account})
        self.counts["tendered"] += 1
        buyout.shares.balances[name] -= amount
        buyout.shares.balances[VAULT] += amount
        buyout.tendered[name] += amount
        buyout.total += amount

    @precondition(lambda self: self._is_open() and not self.buyouts[-1].closed)
    @rule(skip=ACCOUNT)
    @counted
    def crowd_tenders(self, skip: int) -> None:
        """Every holder but one (and the frozen ones) tenders its whole balance."""
        buyout = self.buyouts[-1]
        for index, name in enumerate(self.names):
            balance = buyout.shares.balances[name]
            if index == skip or name in buyout.shares.frozen or balance == 0:
                continue
            self.world.vault.tender(buyout.buyout_id, balance, {"from": self._account(index)})
            buyout.shares.balances[name] = 0
            buyout.shares.balances[VAULT] += balance
            buyout.tendered[name] += balance
            buyout.total += balance

    @precondition(lambda self: self._is_open())
    @rule(holder=ACCOUNT)
    @counted
    def withdraw(self, holder: int) -> None:
        buyout, account, name = self._latest(), self._account(holder), self.names[holder]
        buyout_id = buyout.buyout_id if buyout else 0
        refusal = self._window_refusal(buyout)
        if refusal is None and buyout is not None and buyout.tendered[name] == 0:
            refusal = ("NothingToClaim", (buyout_id, name))
        if refusal is not None:
            self.counts[refusal[0]] += 1
            with reverts(refusal[0], *refusal[1]):
                self.world.vault.withdrawTender(buyout_id, {"from": account})
            return
        assert buyout is not None
        self.world.vault.withdrawTender(buyout_id, {"from": account})
        amount = buyout.tendered.pop(name)
        buyout.total -= amount
        buyout.shares.balances[VAULT] -= amount
        buyout.shares.balances[name] += amount

    @rule(sender=ACCOUNT, recipient=ACCOUNT, fraction=FRACTION, pick=PICK)
    @counted
    def transfer(self, sender: int, recipient: int, fraction: int, pick: int) -> None:
        shares = self.all_shares[pick % len(self.all_shares)]
        name, to = self.names[sender], self.names[recipient]
        amount = self._amount(shares.balances[name], fraction)
        refusal = self._share_error(shares, name, amount)
        if refusal is not None:
            self.counts[refusal[0]] += 1
            with reverts(refusal[0], *refusal[1]):
                shares.contract.transfer(to, amount, {"from": self._account(sender)})
            return
        shares.contract.transfer(to, amount, {"from": self._account(sender)})
        shares.balances[name] -= amount
        shares.balances[to] += amount

    @rule(holder=ACCOUNT, pick=PICK)
    @counted
    def toggle_freeze(self, holder: int, pick: int) -> None:
        shares, name = self.all_shares[pick % len(self.all_shares)], self.names[holder]
        if name in shares.frozen:
            shares.contract.unfreeze(name, REASON, {"from": self.world.officer})
            shares.frozen.discard(name)
        else:
            shares.contract.freeze(name, MAX_UINT256, REASON, {"from": self.world.officer})
            shares.frozen.add(name)

    def _advance(self) -> None:
        chain.sleep(DAY + 60)
        chain.mine()
        for buyout in self.buyouts:
            buyout.closed = True

    @precondition(lambda self: self._is_open())
    @rule(caller=ACCOUNT, wait=st.booleans())
    @counted
    def settle(self, caller: int, wait: bool) -> None:
        if wait:
            self._advance()
        buyout = self._latest()
        buyout_id = buyout.buyout_id if buyout else 0
        refusal = self._refused_state(buyout, OPEN)
        if refusal is None and buyout is not None and not buyout.closed:
            refusal = ("TenderWindowOpen", (buyout_id, buyout.ends_at))
        if refusal is not None:
            self.counts[refusal[0]] += 1
            with reverts(refusal[0], *refusal[1]):
                self.world.vault.settleBuyout(buyout_id, {"from": self._account(caller)})
            return
        assert buyout is not None
        tx = self.world.vault.settleBuyout(buyout_id, {"from": self._account(caller)})
        succeeds = buyout.total * 10_000 >= THRESHOLD * buyout.supply
        assert tx.return_value is succeeds
        self.counts["succeeded" if succeeds else "failed"] += 1
        if not succeeds:
            buyout.state = FAILED
            return
        buyout.state = SUCCEEDED
        buyout.shares.balances[VAULT] -= buyout.total
        buyout.shares.supply -= buyout.total
        self.owner = buyout.bidder
        self.live = None

    @precondition(lambda self: self._is_open())
    @rule(caller=ACCOUNT)
    @counted
    def cancel(self, caller: int) -> None:
        buyout, name = self._latest(), self.names[caller]
        buyout_id = buyout.buyout_id if buyout else 0
        refusal = self._refused_state(buyout, OPEN)
        if refusal is None and buyout is not None:
            if name != buyout.bidder:
                refusal = ("NotBidder", (name, buyout.bidder))
            elif buyout.total != 0:
                refusal = ("TenderedShares", (buyout_id, buyout.total))
        if refusal is not None:
            self.counts[refusal[0]] += 1
            with reverts(refusal[0], *refusal[1]):
                self.world.vault.cancelBuyout(buyout_id, {"from": self._account(caller)})
            return
        assert buyout is not None
        self.world.vault.cancelBuyout(buyout_id, {"from": self._account(caller)})
        buyout.state, buyout.refunded = CANCELLED, True
        self.usd[VAULT] -= buyout.deposit
        self.usd[name] += buyout.deposit

    @precondition(lambda self: self._any_settled())
    @rule(caller=ACCOUNT, pick=PICK)
    @counted
    def claim(self, caller: int, pick: int) -> None:
        buyout, name = self._pick(pick), self.names[caller]
        buyout_id = buyout.buyout_id if buyout else 0
        shares = payment = 0
        refusal = None
        if buyout is None or buyout.state not in (SUCCEEDED, FAILED):
            refusal = self._refused_state(buyout, FAILED)
        else:
            tendered = buyout.tendered[name]
            if buyout.state == SUCCEEDED:
                payment = buyout.payment(tendered)
            else:
                shares = tendered
                if name == buyout.bidder and not buyout.refunded:
                    payment = buyout.deposit
            if tendered == 0 and payment == 0:
                refusal = ("NothingToClaim", (buyout_id, name))
        if refusal is not None:
            self.counts[refusal[0]] += 1
            with reverts(refusal[0], *refusal[1]):
                self.world.vault.claimBuyout(buyout_id, {"from": self._account(caller)})
            return
        assert buyout is not None
        tx = self.world.vault.claimBuyout(buyout_id, {"from": self._account(caller)})
        assert tuple(int(value) for value in tx.return_value) == (shares, payment)
        self.counts["claimed"] += 1
        buyout.tendered.pop(name, None)
        if buyout.state == FAILED and name == buyout.bidder:
            buyout.refunded = True
        if buyout.state == SUCCEEDED:
            buyout.paid += payment
            buyout.payments += 1
        buyout.shares.balances[VAULT] -= shares
        buyout.shares.balances[name] += shares
        self.usd[VAULT] -= payment
        self.usd[name] += payment

    @precondition(lambda self: self._any_settled())
    @rule(holder=ACCOUNT, pick=PICK, fraction=FRACTION)
    @counted
    def redeem_for_cash(self, holder: int, pick: int, fraction: int) -> None:
        buyout, name = self._pick(pick), self.names[holder]
        buyout_id = buyout.buyout_id if buyout else 0
        refusal = self._refused_state(buyout, SUCCEEDED)
        amount = 1
        if refusal is None:
            assert buyout is not None
            amount = self._amount(buyout.shares.balances[name], fraction)
            refusal = ("ZeroAmount", ()) if amount == 0 else self._share_error(buyout.shares, name, amount)
        if refusal is not None:
            self.counts[refusal[0]] += 1
            with reverts(refusal[0], *refusal[1]):
                self.world.vault.redeemForCash(buyout_id, amount, {"from": self._account(holder)})
            return
        assert buyout is not None
        tx = self.world.vault.redeemForCash(buyout_id, amount, {"from": self._account(holder)})
        payment = buyout.payment(amount)
        assert int(tx.return_value) == payment
        self.counts["cashed out"] += 1
        buyout.shares.balances[name] -= amount
        buyout.shares.supply -= amount
        buyout.paid += payment
        buyout.payments += 1
        self.usd[VAULT] -= payment
        self.usd[name] += payment

    @precondition(lambda self: self.live is None)
    @rule(
        units=st.integers(min_value=1, max_value=10**7),
        scale=st.sampled_from([1, 10**15]),
        decimals=st.sampled_from([0, 6, 18]),
    )
    @counted
    def refractionalize(self, units: int, scale: int, decimals: int) -> None:
        """New shares: up to 10**7 base units (of 18 decimals, too few for any deposit) or up to 10**22."""
        supply = units * scale
        owner = self.world.accounts[self.names.index(self.owner)]
        self.world.registry.approve(self.world.vault, self.world.token_id, {"from": owner})
        tx = self.world.vault.fractionalize(
            self.world.token_id, "Again", "AGN", decimals, supply, False, {"from": owner}
        )
        live = ShareModel(self.world.share_token.at(tx.return_value), supply, decimals)
        live.balances[self.owner] = supply
        for account in self.world.accounts:
            live.contract.approve(self.world.vault, MAX_UINT256, {"from": account})
        self.all_shares.append(live)
        self.live, self.owner = live, VAULT

    # ------------------------------------------------------------------------------------------- invariants

    @invariant()
    def payments_are_exact(self) -> None:
        usd, vault = self.world.usd, self.world.vault
        for name in self.names:
            assert usd.balanceOf(name) == self.usd[name]
        assert usd.balanceOf(vault) == self.usd[VAULT]
        held = 0
        for buyout in self.buyouts:
            if buyout.state == OPEN or (buyout.state == FAILED and not buyout.refunded):
                held += buyout.deposit
            elif buyout.state == SUCCEEDED:
                assert buyout.paid <= buyout.deposit
                left = buyout.deposit - buyout.paid
                owed = buyout.payment(sum(buyout.tendered.values()) + buyout.shares.supply)
                assert owed <= left <= owed + buyout.payments, (owed, left, buyout.payments)
                held += left
        assert self.usd[VAULT] == held

    @invariant()
    def shares_are_exact(self) -> None:
        vault = address_of(self.world.vault)
        for shares in self.all_shares:
            assert shares.contract.totalSupply() == shares.supply
            assert shares.contract.balanceOf(vault) == shares.balances[VAULT]
            for name in self.names:
                assert shares.contract.balanceOf(name) == shares.balances[name]

    @invariant()
    def right_is_where_the_model_says(self) -> None:
        owner = address_of(self.world.vault) if self.owner == VAULT else self.owner
        assert self.world.registry.ownerOf(self.world.token_id) == owner
        expected = self.live.contract if self.live is not None else ZERO_ADDRESS
        assert self.world.vault.shareTokenOf(self.world.token_id) == expected


@pytest.fixture(scope="module")
def world(
    accounts: Any,
    registry: Any,
    ComplianceRegistry: Any,  # noqa: N803
    TestStablecoin: Any,  # noqa: N803
    FractionVault: Any,  # noqa: N803
    ShareToken: Any,  # noqa: N803
    admin: Any,
    registrar: Any,
) -> World:
    """A vault whose right (SUPPLY shares) is spread over four accounts, each with tUSD approved for the vault;
    the chain's snapshot taken after."""
    sender = {"from": admin}
    officer = accounts[9]
    compliance = ComplianceRegistry.deploy(admin, sender)
    compliance.grantRole(COMPLIANCE_OFFICER_ROLE, officer, sender)
    vault = FractionVault.deploy(registry, compliance, ZERO_ADDRESS, sender)
    usd = TestStablecoin.deploy(sender)
    holders = [accounts[index] for index in (1, 2, 3, 4)]
    registration = make_registration(710_000)
    registry.register(holders[0], registration.as_tuple(), {"from": registrar})
    registry.approve(vault, registration.right_id, {"from": holders[0]})
    tx = vault.fractionalize(registration.right_id, "Shares", "SHR", DECIMALS, SUPPLY, False, {"from": holders[0]})
    shares = ShareToken.at(tx.return_value)
    balances = {address_of(holders[0]): SUPPLY - 3 * (SUPPLY // 5)}
    for holder in holders[1:]:
        shares.transfer(holder, SUPPLY // 5, {"from": holders[0]})
        balances[address_of(holder)] = SUPPLY // 5
    for holder in holders:
        usd.mint(holder, FUNDS, sender)
        usd.approve(vault, MAX_UINT256, {"from": holder})
        shares.approve(vault, MAX_UINT256, {"from": holder})
    tx = vault.startBuyout(registration.right_id, usd, SEED_PRICE, DAY, {"from": holders[-1]})
    vault.tender(1, balances[address_of(holders[0])], {"from": holders[0]})
    return World(
        registry, vault, usd, ShareToken, officer, holders, registration.right_id, shares, balances, tx.timestamp + DAY
    )


def test_buyouts_settle_exactly_while_shares_trade(world: World) -> None:
    BuyoutMachine.world = world
    BuyoutMachine.counts = Counter()
    for _ in range(MAX_SEARCHES):
        run_state_machine_as_test(
            BuyoutMachine,
            settings=settings(
                max_examples=RUNS,
                stateful_step_count=STEPS,
                deadline=None,
                suppress_health_check=[HealthCheck.data_too_large, HealthCheck.too_slow],
            ),
        )
        if BuyoutMachine.counts["steps"] >= MIN_STEPS:
            break
    counts = BuyoutMachine.counts
    assert counts["steps"] >= MIN_STEPS, f"only {counts['steps']} steps ({dict(counts)})"
