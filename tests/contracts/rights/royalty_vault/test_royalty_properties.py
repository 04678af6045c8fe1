"""Property: royalty claims stay exact to the wei while holders trade between payments.

A hypothesis state machine (the chain reverted to the test's snapshot before every run) plays random
sequences of share transfers among five holders, royalty payments of random amounts in two currencies through the
royalty vault, and claims. After every step, for every holder and currency, ``royaltyOwed + claimed`` equals
floor(sum_i amount_i * balance_i(holder) / S) as ``RoyaltyModel`` computes it from the history, and what was paid
out plus what is owed never exceeds what was paid in (the share token holds exactly the rest).

Runtime: about 20 runs of 25 steps (30-40 s on anvil); raise ``RUNS`` locally for a deeper search.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from brownie import chain
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from registry_helpers import address_of
from royalty_helpers import REPORT, RoyaltyModel

RUNS = 20
STEPS = 25
SUPPLY = 1_000_003  # not a round number, so most payments leave remainders
START = (400_003, 300_000, 200_000, 100_000, 0)  # the holders' balances before each run
FUNDS = 2**200


HOLDER = st.integers(min_value=0, max_value=len(START) - 1)
CURRENCY = st.integers(min_value=0, max_value=1)
FRACTION = st.integers(min_value=0, max_value=2**32)
AMOUNT = st.one_of(
    st.integers(min_value=1, max_value=10),
    st.integers(min_value=1, max_value=10**9),
    st.integers(min_value=1, max_value=10**30),
)


@dataclass(frozen=True)
class Market:
    """Shares of a right licensed in two currencies, five holders, the licensee who pays."""

    shares: Any
    royalty_vault: Any
    licensee: Any
    holders: list[Any]
    payments: list[tuple[Any, int]]  # (currency, licence id)


class RoyaltyMachine(RuleBasedStateMachine):
    """One run: the chain back at the test's snapshot (balances as in START), then random rules; the invariant
    after every step. (brownie's own ``state_machine`` fails to construct machines in brownie 1.22's compiled
    build, so this is plain hypothesis with brownie's snapshot.)"""

    market: ClassVar[Market]

    def __init__(self) -> None:
        super().__init__()
        chain.revert()
        self.model = RoyaltyModel(SUPPLY)
        for holder, balance in zip(self.market.holders, START, strict=True):
            self.model.mint(holder, balance)

    @rule(sender=HOLDER, recipient=HOLDER, fraction=FRACTION)
    def trade(self, sender: int, recipient: int, fraction: int) -> None:
        source, target = self.market.holders[sender], self.market.holders[recipient]
        amount = fraction % (self.model.balances[address_of(source)] + 1)
        self.market.shares.transfer(target, amount, {"from": source})
        self.model.move(source, target, amount)

    @rule(currency=CURRENCY, amount=AMOUNT)
    def pay(self, currency: int, amount: int) -> None:
        token, license_id = self.market.payments[currency]
        self.market.royalty_vault.pay(license_id, amount, REPORT, {"from": self.market.licensee})
        self.model.pay(token, amount)

    @rule(holder=HOLDER, currency=CURRENCY)
    def claim(self, holder: int, currency: int) -> None:
        account, (token, _) = self.market.holders[holder], self.market.payments[currency]
        owed = self.model.owed(account, token)
        if owed == 0:
            return  # a claim of nothing reverts (test_royalty_shares.py covers it)
        tx = self.market.shares.claimRoyalty(token, {"from": account})
        assert tx.return_value == owed
        assert tx.events["RoyaltyClaimed"] == {"holder": account, "currency": token, "amount": owed}
        self.model.claim(account, token, owed)
        claimed = self.model.claimed[address_of(account), address_of(token)]
        assert self.market.shares.royaltyClaimed(account, token) == claimed

    @invariant()
    def claims_are_exact(self) -> None:
        shares = self.market.shares
        for token, _ in self.market.payments:
            paid_out = owed_total = 0
            for holder in self.market.holders:
                owed = shares.royaltyOwed(holder, token)
                claimed = self.model.claimed[address_of(holder), address_of(token)]
                assert owed + claimed == self.model.accrued(holder, token), f"{holder} in {token}"
                paid_out += claimed
                owed_total += owed
            assert paid_out + owed_total <= self.model.paid(token)
            assert token.balanceOf(shares) == self.model.paid(token) - paid_out


@pytest.fixture(scope="module")
def market(
    new_right: Callable[[Any], int],
    grant: Callable[..., int],
    fractionalize: Callable[..., Any],
    royalty_vault: Any,
    TestStablecoin: Any,  # noqa: N803
    usd: Any,
    admin: Any,
    licensee: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    stranger: Any,
    attacker: Any,
) -> Market:
    """Shares of a right licensed in two currencies, spread over five holders as in START; the licensee funded."""
    eur = TestStablecoin.deploy({"from": admin})
    right = new_right(alice)
    payments = [(token, grant(alice, right, payment_token=token)) for token in (usd, eur)]
    shares = fractionalize(alice, right, supply=SUPPLY)
    holders = [alice, bob, carol, stranger, attacker]
    for holder, balance in zip(holders[1:], START[1:], strict=True):
        if balance:
            shares.transfer(holder, balance, {"from": alice})
    for token, _ in payments:
        token.mint(licensee, FUNDS, {"from": licensee})
        token.approve(royalty_vault, FUNDS, {"from": licensee})
    return Market(shares, royalty_vault, licensee, holders, payments)


def test_royalty_claims_stay_exact_through_random_trades_and_payments(market: Market) -> None:
    RoyaltyMachine.market = market
    run_state_machine_as_test(
        RoyaltyMachine,
        settings=settings(
            max_examples=RUNS,
            stateful_step_count=STEPS,
            deadline=None,
            # Each step is a transaction on anvil and a whole run is 25 steps: hypothesis's size and speed checks
            # (meant for cheap pure functions) would otherwise fail a run at random.
            suppress_health_check=[HealthCheck.data_too_large, HealthCheck.too_slow],
        ),
    )
