"""Attacks on the share side: mempool races on orders and permits, and permit replay on another share token.

Automine is off where a race is staged; the victim sends at a 1 gwei priority fee, the attacker at 100 gwei, and
anvil orders the block by fee (the attacker goes first, asserted). Keyed accounts (``maker``) send through
``anvil_impersonateAccount``. In every case the attacker gains nothing he was not offered: no double fill, no
blocked transfer, no allowance on another token. The desk fixtures come from test_settlement_desk.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import test_settlement_desk as _desk_tests
from brownie import web3
from registry_helpers import address_of, automine_off, mine_block, now, rpc, send_pending, tx_revert_data
from share_helpers import MAKER_KEY, Order, Permit, encode_error, reverts, sign_permit
from test_settlement_desk import USD, Market, digest, snapshot

# The desk's fixtures, shared rather than copied (pytest finds fixtures among a module's attributes).
desk, usd, market = _desk_tests.desk, _desk_tests.usd, _desk_tests.market
new_order, sign = _desk_tests.new_order, _desk_tests.sign

VICTIM_FEE, ATTACKER_FEE = 1, 100


@pytest.fixture
def impersonating(maker: Any) -> Iterator[None]:
    """Lets the keyed ``maker`` send unsigned transactions through anvil (for the mempool races)."""
    rpc("anvil_impersonateAccount", [address_of(maker)])
    yield
    rpc("anvil_stopImpersonatingAccount", [address_of(maker)])


def race(victim: Any, victim_to: Any, victim_data: Any, attacker: Any, attacker_to: Any, attacker_data: Any) -> tuple:
    with automine_off():
        victim_tx = send_pending(victim, victim_to, victim_data, priority_gwei=VICTIM_FEE)
        attacker_tx = send_pending(attacker, attacker_to, attacker_data, priority_gwei=ATTACKER_FEE)
        mine_block()
    victim_receipt = web3.eth.get_transaction_receipt(victim_tx)
    attacker_receipt = web3.eth.get_transaction_receipt(attacker_tx)
    assert victim_receipt["blockNumber"] == attacker_receipt["blockNumber"], "not mined in one block"
    assert attacker_receipt["transactionIndex"] < victim_receipt["transactionIndex"], "the attacker did not go first"
    return victim_receipt, attacker_receipt


def test_order_fill_racing_the_makers_cancel_fills_once(
    market: Market, new_order: Callable[..., Order], sign: Any, maker: Any, attacker: Any, impersonating: None
) -> None:
    """The attacker sees the maker's cancel and fills first at a higher fee: he gets exactly the signed trade,
    once; the cancel lands after it and the order can never be filled again."""
    order = new_order()
    order_hash = digest(market.desk, order)
    market.usd.mint(attacker, 10_000 * USD, {"from": attacker})
    market.usd.approve(market.desk, 10_000 * USD, {"from": attacker})
    before = snapshot(market, maker, attacker)
    cancel = market.desk.cancel.encode_input(order.as_tuple())
    fill = market.desk.fill.encode_input(order.as_tuple(), sign(order), 700)
    cancelled, filled = race(maker, market.desk, cancel, attacker, market.desk, fill)

    assert (filled["status"], cancelled["status"]) == (1, 1)
    assert market.desk.filled(order_hash) == 700
    assert market.desk.cancelled(order_hash)
    assert snapshot(market, maker, attacker) == [
        (before[0][0] - 700, before[0][1] + 1_000 * USD),
        (before[1][0] + 700, before[1][1] - 1_000 * USD),
    ]
    with reverts("OrderCancelled", order_hash):
        market.desk.fill(order.as_tuple(), sign(order), 1, {"from": attacker})


def test_two_takers_racing_for_one_order_fill_it_once(
    market: Market, new_order: Callable[..., Order], sign: Any, maker: Any, bob: Any, carol: Any
) -> None:
    order = new_order()
    order_hash = digest(market.desk, order)
    before = snapshot(market, maker, bob, carol)
    fill = market.desk.fill.encode_input(order.as_tuple(), sign(order), 700)
    late, early = race(bob, market.desk, fill, carol, market.desk, fill)

    assert early["status"] == 1
    exceeded = encode_error("FillExceedsRemaining", order_hash, 0, 700)
    assert bytes(tx_revert_data(late["transactionHash"].to_0x_hex())) == exceeded
    assert market.desk.filled(order_hash) == 700
    after = snapshot(market, maker, bob, carol)
    assert after[1] == before[1]  # the loser paid nothing and got nothing
    assert after[2] == (before[2][0] + 700, before[2][1] - 1_000 * USD)


def test_permit_front_run_leaves_the_victims_allowance_usable(
    market: Market, maker: Any, bob: Any, attacker: Any
) -> None:
    """The attacker submits the victim's permit first (it is public in the mempool): the victim's own permit call
    reverts, but the allowance is set exactly as signed, so the spender's transferFrom still works."""
    shares = market.shares
    permit = Permit(maker.address, bob.address, 600, 0, now() + 3600)
    v, r, s = sign_permit(MAKER_KEY, permit, token_name=shares.name(), token=shares)
    data = shares.permit.encode_input(permit.owner, permit.spender, permit.value, permit.deadline, v, r, s)
    victim, copied = race(bob, shares, data, attacker, shares, data)

    assert copied["status"] == 1
    assert bytes(tx_revert_data(victim["transactionHash"].to_0x_hex())) == encode_error("InvalidPermit")
    assert shares.allowance(maker, bob) == 600
    assert shares.allowance(maker, attacker) == 0
    held = shares.balanceOf(maker)
    shares.transferFrom(maker, bob, 600, {"from": bob})
    assert shares.balanceOf(maker) == held - 600


def test_permit_replayed_on_another_share_token_reverts(
    market: Market, new_right: Callable[[Any], int], fractionalize: Callable[..., Any], alice: Any, maker: Any, bob: Any
) -> None:
    """Every share token is its own EIP-712 domain (its address): a permit for one is void on another clone, even
    one with the same name and the same nonce."""
    shares = market.shares
    other = fractionalize(alice, new_right(alice), name=shares.name()).shares
    assert other.name() == shares.name()
    other.transfer(maker, 1_000, {"from": alice})
    permit = Permit(maker.address, bob.address, 600, 0, now() + 3600)
    v, r, s = sign_permit(MAKER_KEY, permit, token_name=shares.name(), token=shares)
    shares.permit(permit.owner, permit.spender, permit.value, permit.deadline, v, r, s, {"from": bob})
    assert other.nonces(maker) == 0
    with reverts("InvalidPermit"):
        other.permit(permit.owner, permit.spender, permit.value, permit.deadline, v, r, s, {"from": bob})
    assert other.allowance(maker, bob) == 0
