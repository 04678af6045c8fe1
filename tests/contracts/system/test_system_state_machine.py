"""Property: registry, shares and settlement stay consistent through random sequences of operations.

A hypothesis state machine (the chain reverted to the test's snapshot before every run: three rights registered,
the third fractionalized in restricted mode, its shares spread over the three holders, a sell order signed) plays
registrations (fresh and duplicate rights, copied document bundles), assignments, attempted thefts, freezes and
unfreezes, fractionalizations (restricted or not), share transfers (to verified investors and to an unverified
outsider), holder freezes, signed sell orders filled partly, fully, again and beyond their amount, and
redemptions. Each rule predicts its outcome from a Python model: a success, or the exact custom error (moving a
frozen right or a frozen holder's shares must revert).

Invariants after every step:
- ``ownerOf`` of every right equals the model's owner;
- replaying the registry's ``Transfer`` events gives, for every right, the model's chain of custody;
- every right has exactly one ``RightRegistered`` event (a right is never registered twice);
- a frozen right's owner is the one it had when frozen;
- for every share token: ``totalSupply`` == the sum of the balances of the holders and the outsider (nobody else
  ever receives shares) == the model's supply, and every balance equals the model's; a frozen holder's balance
  never decreases (it may receive, never send);
- ``filled`` of every order equals the model's and never exceeds the order's amount.

Runtime: 300-360 steps (MIN_STEPS, MAX_STEPS below), 25-40 s on anvil; raise them locally for a deeper search.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest
from brownie import chain, web3
from eth_utils import keccak
from hexbytes import HexBytes
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from registry_helpers import GUARDIAN_ROLE, address_of, make_registration, now
from share_helpers import (
    COMPLIANCE_OFFICER_ROLE,
    ERC20_ASSET,
    MAX_UINT256,
    Order,
    order_digest,
    reverts,
    sign_order,
)

# Hypothesis (6.27) starts every search with at least 10 "small" examples, zero-extended after a short novel
# prefix: their runs stop after a step or two (a zero "should continue" draw). Only the examples after those run
# up to STEPS, so a search of RUNS = 20 examples runs anywhere from 50 to 1,500 steps. The test searches again
# (up to MAX_SEARCHES times) until MIN_STEPS steps ran, and the rules stop sending transactions after MAX_STEPS.
RUNS = 20
STEPS = 30
MIN_STEPS = 300
MAX_STEPS = 360
MAX_SEARCHES = 6
SUPPLY = 1_000_003
HOLDER_KEYS = ("0x" + "81" * 32, "0x" + "82" * 32, "0x" + "83" * 32)  # sign orders
SERIALS = 6  # rights are drawn from a small pool, so duplicates come often
ORDER_HASH = keccak(text="court order 2026/5")
DEED = keccak(text="deed")
REASON = keccak(text="sanctions screening hit")
FUNDS = 10**30

TRANSFER_TOPIC = HexBytes(keccak(text="Transfer(address,address,uint256)")).to_0x_hex()
REGISTERED_TOPIC = HexBytes(keccak(text="RightRegistered(uint256,bytes32,address,uint96,uint256[],bytes)")).to_0x_hex()
ZERO = "0x0000000000000000000000000000000000000000"

HOLDER = st.integers(min_value=0, max_value=len(HOLDER_KEYS) - 1)
PICK = st.integers(min_value=0, max_value=2**16)
FRACTION = st.integers(min_value=0, max_value=2**32)


@dataclass(frozen=True)
class World:
    registry: Any
    vault: Any
    desk: Any
    compliance: Any
    usd: Any
    share_token: Any  # the ShareToken container
    registrar: Any
    officer: Any
    holders: list[Any]  # verified investors, keyed (they sign orders)
    outsider: Any  # never verified
    attacker: Any
    seed: Seed  # what the fixture registered, fractionalized and signed before the snapshot


@dataclass(frozen=True)
class Seed:
    """The state every run starts from: each holder i was registered right i of the pool; the last one's right
    is fractionalized (restricted) and its shares spread over the holders; its holder signed a sell order."""

    rights: list[tuple[int, bytes, str]]  # (right, content hash, owner)
    fractionalized: int
    shares: Any
    balances: dict[str, int]
    order: Order
    signature: bytes


@dataclass
class Shares:
    token_id: int
    contract: Any
    restricted: bool
    supply: int
    balances: Counter[str] = field(default_factory=Counter)
    frozen: dict[str, int] = field(default_factory=dict)  # fully frozen holder -> its lowest balance allowed
    redeemed: bool = False


@dataclass
class BookedOrder:
    order: Order
    signature: bytes
    digest: bytes
    shares: Shares
    filled: int = 0


def budgeted(rule_function: Callable[..., None]) -> Callable[..., None]:
    """Runs the rule while the search's budget of MAX_STEPS steps lasts; counts it. (Hypothesis decides how many
    runs and steps a search makes: this bounds the transactions, and so the time, whatever it decides.)"""

    @functools.wraps(rule_function)
    def run(machine: SystemMachine, **arguments: Any) -> None:
        machine.idle = machine.counts["steps"] >= MAX_STEPS
        if machine.idle:
            return
        machine.counts["steps"] += 1
        rule_function(machine, **arguments)

    return run


class SystemMachine(RuleBasedStateMachine):
    """One run: the chain back at the test's snapshot, then random rules; the invariants after every step."""

    world: ClassVar[World]
    counts: ClassVar[Counter[str]]

    def __init__(self) -> None:
        super().__init__()
        chain.revert()
        self.idle = False  # the last step ran no rule (the search's budget is spent)
        self.owner: dict[int, str] = {}  # right -> owner
        self.custody: dict[int, list[str]] = {}  # right -> every owner in order, the first by registration
        self.content: dict[bytes, int] = {}  # content hash -> right
        self.frozen: dict[int, str] = {}  # frozen right -> its owner when frozen
        self.shares: dict[int, Shares] = {}  # right -> its current share token (while fractionalized)
        self.all_shares: list[Shares] = []
        self.orders: list[BookedOrder] = []
        seed, vault = self.world.seed, address_of(self.world.vault)
        for token_id, content_hash, owner in seed.rights:
            self.owner[token_id], self.custody[token_id] = owner, [owner]
            self.content[content_hash] = token_id
        self._move(seed.fractionalized, vault)
        shares = Shares(seed.fractionalized, seed.shares, restricted=True, supply=SUPPLY)
        shares.balances.update(seed.balances)
        self.shares[seed.fractionalized] = shares
        self.all_shares.append(shares)
        self.orders.append(
            BookedOrder(seed.order, seed.signature, order_digest(seed.order, desk=self.world.desk), shares)
        )

    # ------------------------------------------------------------------------------------------- helpers

    def _holder(self, index: int) -> Any:
        return self.world.holders[index]

    def _right(self, pick: int) -> int | None:
        rights = sorted(self.owner)
        return rights[pick % len(rights)] if rights else None

    def _move(self, token_id: int, to: Any) -> None:
        self.owner[token_id] = address_of(to)
        self.custody[token_id].append(address_of(to))

    def _live_shares(self, pick: int) -> Shares | None:
        live = [s for s in self.all_shares if not s.redeemed]
        return live[pick % len(live)] if live else None

    # ------------------------------------------------------------------------------------------- registry

    @rule(serial=st.integers(min_value=0, max_value=SERIALS - 1), to=HOLDER)
    @budgeted
    def register(self, serial: int, to: int) -> None:
        registration = make_registration(700_000 + serial)
        registry, recipient = self.world.registry, self._holder(to)
        if registration.right_id in self.owner:
            with reverts("RightAlreadyRegistered", registration.right_id):
                registry.register(recipient, registration.as_tuple(), {"from": self.world.registrar})
            return
        registry.register(recipient, registration.as_tuple(), {"from": self.world.registrar})
        self.owner[registration.right_id] = address_of(recipient)
        self.custody[registration.right_id] = [address_of(recipient)]
        self.content[registration.content_hash] = registration.right_id

    @rule(serial=st.integers(min_value=0, max_value=SERIALS - 1), copied=st.integers(0, SERIALS - 1))
    @budgeted
    def register_copied_bundle(self, serial: int, copied: int) -> None:
        """A new right claiming the document bundle of another, registered right."""
        original = make_registration(700_000 + copied)
        registration = make_registration(710_000 + serial, content_hash=original.content_hash)
        if original.content_hash not in self.content or registration.right_id in self.owner:
            return
        with reverts("ContentAlreadyRegistered", original.content_hash, self.content[original.content_hash]):
            self.world.registry.register(self._holder(0), registration.as_tuple(), {"from": self.world.registrar})

    @rule(pick=PICK, to=HOLDER)
    @budgeted
    def assign(self, pick: int, to: int) -> None:
        token_id = self._right(pick)
        if token_id is None:
            return
        owner, recipient = self.owner[token_id], self._holder(to)
        if owner == address_of(self.world.vault):
            # The vault never assigns: someone else tries. (The freeze is checked before the caller's rights.)
            attempt = reverts("TokenIsFrozen", token_id) if token_id in self.frozen else reverts("NotOwnerNorApproved")
            with attempt:
                self.world.registry.assign(token_id, recipient, DEED, {"from": self.world.attacker})
            return
        if token_id in self.frozen:
            with reverts("TokenIsFrozen", token_id):
                self.world.registry.assign(token_id, recipient, DEED, {"from": owner})
            return
        self.world.registry.assign(token_id, recipient, DEED, {"from": owner})
        self._move(token_id, recipient)

    @rule(pick=PICK)
    @budgeted
    def steal(self, pick: int) -> None:
        token_id = self._right(pick)
        if token_id is None:
            return
        # The registry checks the freeze before the caller's rights.
        attempt = reverts("TokenIsFrozen", token_id) if token_id in self.frozen else reverts("NotOwnerNorApproved")
        with attempt:
            self.world.registry.transferFrom(
                self.owner[token_id], self.world.attacker, token_id, {"from": self.world.attacker}
            )

    @rule(pick=PICK)
    @budgeted
    def freeze(self, pick: int) -> None:
        token_id = self._right(pick)
        if token_id is None:
            return
        registry, registrar = self.world.registry, self.world.registrar
        if token_id in self.frozen:
            with reverts("FreezeStateUnchanged", token_id, True):
                registry.freeze(token_id, ORDER_HASH, {"from": registrar})
            return
        registry.freeze(token_id, ORDER_HASH, {"from": registrar})
        self.frozen[token_id] = self.owner[token_id]

    @rule(pick=PICK)
    @budgeted
    def unfreeze(self, pick: int) -> None:
        frozen = sorted(self.frozen)
        if not frozen:
            return
        token_id = frozen[pick % len(frozen)]
        self.world.registry.unfreeze(token_id, ORDER_HASH, {"from": self.world.registrar})
        del self.frozen[token_id]

    # ------------------------------------------------------------------------------------------- shares

    @rule(pick=PICK, restricted=st.booleans())
    @budgeted
    def fractionalize(self, pick: int, restricted: bool) -> None:
        token_id = self._right(pick)
        if token_id is None or self.owner[token_id] == address_of(self.world.vault):
            return
        registry, vault, owner = self.world.registry, self.world.vault, self.owner[token_id]
        registry.approve(vault, token_id, {"from": owner})  # approving moves nothing: allowed while frozen
        if token_id in self.frozen:
            with reverts("TokenIsFrozen", token_id):
                vault.fractionalize(token_id, "Shares", "SHR", 0, SUPPLY, restricted, {"from": owner})
            return
        tx = vault.fractionalize(token_id, "Shares", "SHR", 0, SUPPLY, restricted, {"from": owner})
        shares = Shares(token_id, self.world.share_token.at(tx.return_value), restricted, SUPPLY)
        shares.balances[owner] = SUPPLY
        self.shares[token_id] = shares
        self.all_shares.append(shares)
        self._move(token_id, vault)

    @rule(pick=PICK, sender=HOLDER, recipient=st.integers(0, len(HOLDER_KEYS)), fraction=FRACTION)
    @budgeted
    def transfer_shares(self, pick: int, sender: int, recipient: int, fraction: int) -> None:
        """``recipient`` == len(holders) is the unverified outsider."""
        shares = self._live_shares(pick)
        if shares is None:
            return
        source = self._holder(sender)
        target = self.world.outsider if recipient == len(HOLDER_KEYS) else self._holder(recipient)
        amount = fraction % (shares.balances[address_of(source)] + 1)
        if address_of(source) in shares.frozen:
            with reverts("HolderFrozen", source):
                shares.contract.transfer(target, amount, {"from": source})
            return
        if shares.restricted and target == self.world.outsider:
            with reverts("NotEligible", target):
                shares.contract.transfer(target, amount, {"from": source})
            return
        shares.contract.transfer(target, amount, {"from": source})
        shares.balances[address_of(source)] -= amount
        shares.balances[address_of(target)] += amount

    @rule(pick=PICK, holder=HOLDER)
    @budgeted
    def freeze_holder(self, pick: int, holder: int) -> None:
        shares = self._live_shares(pick)
        if shares is None:
            return
        account = address_of(self._holder(holder))
        if account in shares.frozen:
            shares.contract.unfreeze(account, REASON, {"from": self.world.officer})
            del shares.frozen[account]
        else:
            shares.contract.freeze(account, MAX_UINT256, REASON, {"from": self.world.officer})
            shares.frozen[account] = shares.balances[account]

    @rule(pick=PICK, holder=HOLDER)
    @budgeted
    def gather(self, pick: int, holder: int) -> None:
        """Every other holder sends all its shares to ``holder`` (a step towards redemption)."""
        shares = self._live_shares(pick)
        if shares is None:
            return
        target = self._holder(holder)
        for source in self.world.holders:
            amount = shares.balances[address_of(source)]
            if source == target or amount == 0 or address_of(source) in shares.frozen:
                continue
            shares.contract.transfer(target, amount, {"from": source})
            shares.balances[address_of(source)] = 0
            shares.balances[address_of(target)] += amount

    @rule(pick=PICK, holder=HOLDER)
    @budgeted
    def redeem(self, pick: int, holder: int) -> None:
        shares = self._live_shares(pick)
        if shares is None:
            return
        account, vault, token_id = self._holder(holder), self.world.vault, shares.token_id
        balance = shares.balances[address_of(account)]
        if balance != shares.supply:
            with reverts("IncompleteOwnership", account, balance, shares.supply):
                vault.redeem(token_id, {"from": account})
            return
        if address_of(account) in shares.frozen:
            with reverts("HolderFrozen", account):
                vault.redeem(token_id, {"from": account})
            return
        if token_id in self.frozen:
            with reverts("TokenIsFrozen", token_id):
                vault.redeem(token_id, {"from": account})
            return
        vault.redeem(token_id, {"from": account})
        shares.balances[address_of(account)] = 0
        shares.supply = 0
        shares.redeemed = True
        del self.shares[token_id]
        self._move(token_id, account)

    # ------------------------------------------------------------------------------------------- settlement

    @rule(pick=PICK, maker=HOLDER, size=FRACTION, price=st.integers(0, 10**12))
    @budgeted
    def sign_sell_order(self, pick: int, maker: int, size: int, price: int) -> None:
        shares = self._live_shares(pick)
        if shares is None:
            return
        # The first holder from ``maker`` on who holds shares signs.
        candidates = [(maker + i) % len(HOLDER_KEYS) for i in range(len(HOLDER_KEYS))]
        funded = [i for i in candidates if shares.balances[address_of(self._holder(i))] > 0]
        if not funded:
            return
        maker = funded[0]
        account = self._holder(maker)
        balance = shares.balances[address_of(account)]
        order = Order(
            maker=address_of(account),
            makerSells=True,
            assetKind=ERC20_ASSET,
            asset=address_of(shares.contract),
            assetId=0,
            amount=1 + size % balance,
            paymentToken=address_of(self.world.usd),
            price=price,
            expiry=now() + 365 * 86_400,
            nonce=len(self.orders),
        )
        shares.contract.approve(self.world.desk, MAX_UINT256, {"from": account})
        signature = sign_order(HOLDER_KEYS[maker], order, desk=self.world.desk)
        self.orders.append(BookedOrder(order, signature, order_digest(order, desk=self.world.desk), shares))

    @rule(pick=PICK, taker=HOLDER, size=FRACTION, whole=st.booleans())
    @budgeted
    def fill(self, pick: int, taker: int, size: int, whole: bool) -> None:
        """Fills the rest of an order (``whole``), or part of it, or more than is left."""
        if not self.orders:
            return
        booked = self.orders[pick % len(self.orders)]
        order, shares = booked.order, booked.shares
        maker, account = order.maker, self._holder(taker)
        if address_of(account) == maker:
            account = self._holder((taker + 1) % len(HOLDER_KEYS))
        remaining = order.amount - booked.filled
        amount = remaining if whole and remaining else 1 + size % (order.amount + 1)
        desk, args = self.world.desk, (order.as_tuple(), booked.signature, amount)
        if amount > remaining:
            with reverts("FillExceedsRemaining", booked.digest, remaining, amount):
                desk.fill(*args, {"from": account})
            return
        if maker in shares.frozen:
            with reverts("HolderFrozen", maker):
                desk.fill(*args, {"from": account})
            return
        if shares.balances[maker] < amount:
            with reverts("InsufficientBalance"):
                desk.fill(*args, {"from": account})
            return
        desk.fill(*args, {"from": account})
        booked.filled += amount
        shares.balances[maker] -= amount
        shares.balances[address_of(account)] += amount

    # ------------------------------------------------------------------------------------------- invariants

    def _logs(self, topic: str) -> list[dict[str, Any]]:
        return list(
            web3.eth.get_logs(
                {"address": self.world.registry.address, "fromBlock": 0, "toBlock": "latest", "topics": [topic]}
            )
        )

    @invariant()
    def consistent(self) -> None:
        if self.idle:
            return  # the budget is spent: no rule ran
        self.owners_match()
        self.custody_replays_from_events()
        self.registered_once()
        self.frozen_rights_stay()
        self.share_supply_is_conserved()
        self.orders_never_overfill()

    def owners_match(self) -> None:
        for token_id, owner in self.owner.items():
            assert address_of(self.world.registry.ownerOf(token_id)) == owner, f"owner of {token_id:#x}"

    def custody_replays_from_events(self) -> None:
        replayed: dict[int, list[str]] = {}
        for log in self._logs(TRANSFER_TOPIC):
            sender = address_of("0x" + bytes(log["topics"][1])[-20:].hex())
            recipient = address_of("0x" + bytes(log["topics"][2])[-20:].hex())
            token_id = int.from_bytes(bytes(log["topics"][3]), "big")
            chain_of = replayed.setdefault(token_id, [])
            assert (sender == ZERO) == (not chain_of), f"mint of {token_id:#x} out of order"
            if chain_of:
                assert chain_of[-1] == sender, f"transfer of {token_id:#x} from a non-owner"
            chain_of.append(recipient)
        assert replayed == self.custody

    def registered_once(self) -> None:
        counts = Counter(int.from_bytes(bytes(log["topics"][1]), "big") for log in self._logs(REGISTERED_TOPIC))
        assert set(counts) == set(self.owner)
        assert all(count == 1 for count in counts.values()), counts

    def frozen_rights_stay(self) -> None:
        for token_id, owner in self.frozen.items():
            assert self.owner[token_id] == owner
            assert address_of(self.world.registry.ownerOf(token_id)) == owner

    def share_supply_is_conserved(self) -> None:
        accounts = [*self.world.holders, self.world.outsider]
        for shares in self.all_shares:
            balances = {address_of(a): int(shares.contract.balanceOf(a)) for a in accounts}
            assert shares.contract.totalSupply() == sum(balances.values()) == shares.supply
            assert balances == {a: shares.balances[a] for a in balances}
            for holder, floor in shares.frozen.items():
                # A frozen holder may receive shares, never send any: its balance only grows.
                assert balances[holder] >= floor, f"frozen holder {holder} sent shares"
                shares.frozen[holder] = balances[holder]

    def orders_never_overfill(self) -> None:
        for booked in self.orders:
            filled = int(self.world.desk.filled(booked.digest))
            assert filled == booked.filled <= booked.order.amount


@pytest.fixture(scope="module")
def world(
    accounts: Any,
    registry: Any,
    ComplianceRegistry: Any,  # noqa: N803
    TestStablecoin: Any,  # noqa: N803
    LicenseRegistry: Any,  # noqa: N803
    RoyaltyVault: Any,  # noqa: N803
    FractionVault: Any,  # noqa: N803
    SettlementDesk: Any,  # noqa: N803
    ShareToken: Any,  # noqa: N803
    admin: Any,
    registrar: Any,
    stranger: Any,
    attacker: Any,
) -> World:
    """The registry, compliance, a fraction vault (with its royalty vault) and the desk; three keyed holders,
    verified investors holding tUSD approved for the desk; the chain's snapshot taken after."""
    sender = {"from": admin}
    officer = accounts[9]
    compliance = ComplianceRegistry.deploy(admin, sender)
    compliance.grantRole(COMPLIANCE_OFFICER_ROLE, officer, sender)
    licenses = LicenseRegistry.deploy(registry, sender)
    royalty_vault = RoyaltyVault.deploy(registry, licenses, sender)
    vault = FractionVault.deploy(registry, compliance, royalty_vault, sender)
    royalty_vault.setFractionVault(vault, sender)
    desk = SettlementDesk.deploy(sender)
    usd = TestStablecoin.deploy(sender)
    holders = [accounts.add(key) for key in HOLDER_KEYS]
    for holder in holders:
        admin.transfer(holder, 10 * 10**18)
        compliance.verifyInvestor(holder, b"DE", now() + 10 * 365 * 86_400, REASON, {"from": officer})
        usd.mint(holder, FUNDS, sender)
        usd.approve(desk, FUNDS, {"from": holder})
    rights = []
    for serial, holder in enumerate(holders):
        registration = make_registration(700_000 + serial)
        registry.register(holder, registration.as_tuple(), {"from": registrar})
        rights.append((registration.right_id, registration.content_hash, address_of(holder)))
    fractionalized, issuer = rights[-1][0], holders[-1]
    registry.approve(vault, fractionalized, {"from": issuer})
    shares = ShareToken.at(
        vault.fractionalize(fractionalized, "Shares", "SHR", 0, SUPPLY, True, {"from": issuer}).return_value
    )
    balances = {address_of(issuer): SUPPLY - 2 * (SUPPLY // 3)}
    for holder in holders[:-1]:
        shares.transfer(holder, SUPPLY // 3, {"from": issuer})
        balances[address_of(holder)] = SUPPLY // 3
    for holder in holders:
        shares.approve(desk, MAX_UINT256, {"from": holder})
    order = Order(
        maker=address_of(issuer),
        makerSells=True,
        assetKind=ERC20_ASSET,
        asset=address_of(shares),
        assetId=0,
        amount=SUPPLY // 10,
        paymentToken=address_of(usd),
        price=10**9,
        expiry=now() + 365 * 86_400,
        nonce=10**6,
    )
    signature = sign_order(HOLDER_KEYS[-1], order, desk=desk)
    seed = Seed(rights, fractionalized, shares, balances, order, signature)
    assert not registry.hasRole(GUARDIAN_ROLE, registrar)
    return World(
        registry, vault, desk, compliance, usd, ShareToken, registrar, officer, holders, stranger, attacker, seed
    )


@pytest.mark.slow
def test_registry_shares_and_settlement_stay_consistent(world: World) -> None:
    SystemMachine.world = world
    SystemMachine.counts = Counter()
    # How many steps hypothesis runs varies from search to search (see RUNS): search again until MIN_STEPS ran.
    for _ in range(MAX_SEARCHES):
        run_state_machine_as_test(
            SystemMachine,
            settings=settings(
                max_examples=RUNS,
                stateful_step_count=STEPS,
                deadline=None,
                # Each step is one or more transactions on anvil: hypothesis's size and speed checks (meant for
                # cheap pure functions) would otherwise fail a run at random.
                suppress_health_check=[HealthCheck.data_too_large, HealthCheck.too_slow],
            ),
        )
        if SystemMachine.counts["steps"] >= MIN_STEPS:
            break
    assert SystemMachine.counts["steps"] >= MIN_STEPS, f"only {SystemMachine.counts['steps']} steps"
