"""Share tokens in Uniswap V2 pools (the npm builds of core 1.0.1 and periphery 1.1.0-beta.0, see uniswap.py).

An unrestricted share token pools like any ERC-20. A restricted one pools once the compliance officer registers the
pair as a venue (``registerVenue``): verified investors add and remove liquidity and swap both ways; anybody else is
refused on the share leg. Uniswap hides the share token's reason behind its own string (``UniswapV2:
TRANSFER_FAILED`` when the pair pays shares out, ``TransferHelper: TRANSFER_FROM_FAILED`` when the router pulls
them in); the named error (``NotEligible(trader)``) is read from the innermost failing frame of the call trace, of
a mined transaction and of a call alike, and the SDK's ``Chain.inner_revert`` names it the same way.

A forced transfer out of the pair leaves its reserves above its balance: swaps revert (``UniswapV2: K``, ``UniswapV2:
INSUFFICIENT_INPUT_AMOUNT``) until anybody calls ``pair.sync()``, which sets the reserves to the balances.

Cast (share_fixtures.py): ``alice`` (verified, US) issues the shares and provides the liquidity; ``bob`` (verified,
DE) trades; ``carol`` is unknown to the compliance registry. The holder rules that a pool needs from the lead's next
change (ERC-7943 views, the royalty beneficiary of a contract holder, ``recover`` refusing a contract) are tested in
test_uniswap_v2_holder_rules.py, skipped until that change is merged.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from brownie import web3
from registry_helpers import ZERO_ADDRESS, now
from share_helpers import EVIDENCE, ONE, REASON, encode_error, reverts
from uniswap import (
    MINIMUM_LIQUIDITY,
    POOL_SHARES,
    POOL_USD,
    TRADER_USD,
    USD,
    Pool,
    UniswapV2,
    amount_out,
    deadline,
    inner_revert_data,
    outer_revert_data,
    trace_call,
    trace_transaction,
)

TRANSFER_FAILED = "UniswapV2: TRANSFER_FAILED"
TRANSFER_FROM_FAILED = "TransferHelper: TRANSFER_FROM_FAILED"


@pytest.fixture(params=["open", "restricted"])
def pool(request: pytest.FixtureRequest, open_pool: Pool, restricted_pool: Pool) -> Pool:
    """Each pool in turn (both are module fixtures, set up before the test's snapshot)."""
    return open_pool if request.param == "open" else restricted_pool


@pytest.fixture
def holding_revoked(restricted_pool: Pool, compliance: Any, officer: Any, alice: Any, carol: Any) -> Any:
    """carol, verified, received 1,000 restricted shares; then her verification was revoked. She still holds them."""
    compliance.verifyInvestor(carol, b"FR", now() + 10**8, EVIDENCE, {"from": officer})
    restricted_pool.shares.transfer(carol, 1_000 * ONE, {"from": alice})
    compliance.revokeIdentity(carol, REASON, {"from": officer})
    return carol


def assert_named_refusal(trace: dict[str, Any], outer: str, error: str, *args: Any) -> None:
    """The caller saw Uniswap's string ``outer``; the innermost failing frame holds ``error(args)``."""
    assert outer_revert_data(trace) == encode_error("Error", outer)
    assert inner_revert_data(trace) == encode_error(error, *args)


# ------------------------------------------------------------------------------------------- liquidity


def test_add_liquidity_mints_pool_tokens_and_sets_the_reserves(pool: Pool, alice: Any) -> None:
    assert pool.reserves() == (POOL_SHARES, POOL_USD)
    assert pool.balances() == (POOL_SHARES, POOL_USD)
    minted = math.isqrt(POOL_SHARES * POOL_USD)
    assert pool.pair.totalSupply() == minted
    assert pool.pair.balanceOf(alice) == minted - MINIMUM_LIQUIDITY
    assert pool.pair.balanceOf(ZERO_ADDRESS) == MINIMUM_LIQUIDITY


def test_add_liquidity_at_the_pools_price(pool: Pool, alice: Any) -> None:
    supply = pool.pair.totalSupply()
    before = pool.pair.balanceOf(alice)
    pool.uni.add_liquidity(alice, pool.shares, pool.usd, POOL_SHARES // 2, POOL_USD // 2)
    assert pool.reserves() == (POOL_SHARES * 3 // 2, POOL_USD * 3 // 2)
    assert pool.pair.balanceOf(alice) - before == supply // 2


def test_remove_liquidity_returns_both_tokens_pro_rata(pool: Pool, alice: Any) -> None:
    liquidity = pool.pair.balanceOf(alice)
    supply = pool.pair.totalSupply()
    shares_before, usd_before = pool.shares.balanceOf(alice), pool.usd.balanceOf(alice)
    pool.uni.remove_liquidity(alice, pool.shares, pool.usd, liquidity)
    shares_back, usd_back = POOL_SHARES * liquidity // supply, POOL_USD * liquidity // supply
    assert pool.shares.balanceOf(alice) - shares_before == shares_back
    assert pool.usd.balanceOf(alice) - usd_before == usd_back
    assert pool.reserves() == (POOL_SHARES - shares_back, POOL_USD - usd_back)
    assert pool.reserves() == pool.balances()


def test_restricted_pair_must_be_a_venue_before_liquidity(
    uni: UniswapV2, fractionalize: Callable[..., Any], new_right: Callable[[Any], int], tusd: Any, alice: Any
) -> None:
    shares = fractionalize(alice, new_right(alice), restricted=True, name="Patent US-3 Shares", symbol="PUS3").shares
    pair = uni.create_pair(shares, tusd, alice)
    with reverts("Error", TRANSFER_FROM_FAILED) as capture:
        uni.add_liquidity(alice, shares, tusd, POOL_SHARES, POOL_USD)
    assert_named_refusal(trace_transaction(capture.exception.txid), TRANSFER_FROM_FAILED, "NotEligible", pair)


def test_removing_liquidity_to_an_unverified_wallet_is_refused(restricted_pool: Pool, alice: Any, carol: Any) -> None:
    pool = restricted_pool
    liquidity = pool.pair.balanceOf(alice) // 10
    pool.pair.transfer(carol, liquidity, {"from": alice})  # pool tokens are a plain ERC-20: carol may hold them
    pool.pair.approve(pool.uni.router, liquidity, {"from": carol})
    args = (pool.shares, pool.usd, liquidity, 0, 0, carol, deadline())
    with reverts("Error", TRANSFER_FAILED) as capture:
        pool.uni.router.removeLiquidity(*args, {"from": carol})
    assert_named_refusal(trace_transaction(capture.exception.txid), TRANSFER_FAILED, "NotEligible", carol)


# ------------------------------------------------------------------------------------------- swaps


def test_swaps_both_ways_at_the_constant_product_price(pool: Pool, bob: Any) -> None:
    usd_in = 1_000 * USD
    expected_shares = amount_out(usd_in, POOL_USD, POOL_SHARES)
    assert pool.uni.quote(usd_in, pool.usd, pool.shares) == expected_shares
    pool.buy(bob, usd_in)
    assert pool.shares.balanceOf(bob) == expected_shares
    assert pool.usd.balanceOf(bob) == TRADER_USD - usd_in
    assert pool.reserves() == (POOL_SHARES - expected_shares, POOL_USD + usd_in)

    shares_reserve, usd_reserve = pool.reserves()
    expected_usd = amount_out(expected_shares, shares_reserve, usd_reserve)
    pool.sell(bob, expected_shares)
    assert pool.shares.balanceOf(bob) == 0
    assert pool.usd.balanceOf(bob) == TRADER_USD - usd_in + expected_usd
    assert expected_usd < usd_in  # two fees of 0.3%
    assert pool.reserves() == pool.balances()


def test_anybody_swaps_unrestricted_shares(open_pool: Pool, carol: Any) -> None:
    open_pool.buy(carol, 1_000 * USD)
    bought = open_pool.shares.balanceOf(carol)
    assert bought > 0
    open_pool.sell(carol, bought)
    assert open_pool.shares.balanceOf(carol) == 0


def test_unverified_trader_cannot_buy_restricted_shares(restricted_pool: Pool, carol: Any) -> None:
    before = restricted_pool.reserves()
    with reverts("Error", TRANSFER_FAILED) as capture:
        restricted_pool.buy(carol, 1_000 * USD)
    assert_named_refusal(trace_transaction(capture.exception.txid), TRANSFER_FAILED, "NotEligible", carol)
    assert restricted_pool.reserves() == before
    assert restricted_pool.usd.balanceOf(carol) == TRADER_USD


def test_the_named_reason_of_a_refused_buy_is_found_before_sending(restricted_pool: Pool, carol: Any) -> None:
    """``debug_traceCall`` on the latest state: what a wallet would show before the trader signs."""
    pool = restricted_pool
    pool.usd.approve(pool.uni.router, 1_000 * USD, {"from": carol})
    data = pool.uni.swap_calldata(carol, 1_000 * USD, pool.usd, pool.shares)
    assert_named_refusal(trace_call(carol, pool.uni.router, data), TRANSFER_FAILED, "NotEligible", carol)


def test_revoked_holder_cannot_sell_restricted_shares(restricted_pool: Pool, holding_revoked: Any) -> None:
    carol = holding_revoked
    with reverts("Error", TRANSFER_FROM_FAILED) as capture:
        restricted_pool.sell(carol, 100 * ONE)
    assert_named_refusal(trace_transaction(capture.exception.txid), TRANSFER_FROM_FAILED, "NotEligible", carol)
    assert restricted_pool.shares.balanceOf(carol) == 1_000 * ONE


def test_the_sdk_names_the_inner_revert_of_a_refused_swap(restricted_pool: Pool, carol: Any) -> None:
    from ipledger import ComplianceError, Ledger

    with reverts("Error", TRANSFER_FAILED) as capture:
        restricted_pool.buy(carol, 1_000 * USD)
    chain = Ledger.connect(web3.provider.endpoint_uri).chain
    error = chain.inner_revert(str(capture.exception.txid))
    assert isinstance(error, ComplianceError)
    assert error.error_name == "NotEligible"
    assert error.error_args == {"account": carol.address}
    assert error.tx_hash == str(capture.exception.txid)


# ------------------------------------------------------------------------------------------- officer actions


def test_forced_transfer_out_of_the_pair_stops_swaps_until_sync(restricted_pool: Pool, officer: Any, bob: Any) -> None:
    pool = restricted_pool
    seized = POOL_SHARES // 10
    pool.shares.forcedTransfer(pool.pair, bob, seized, REASON, {"from": officer})
    assert pool.balances() == (POOL_SHARES - seized, POOL_USD)
    assert pool.reserves() == (POOL_SHARES, POOL_USD)  # the pair does not know yet

    # Buying: the pair pays out at the old price and finds its product below k.
    with reverts("Error", "UniswapV2: K"):
        pool.buy(bob, 1_000 * USD)
    # Selling less than was seized: the pair's share balance stays under its reserve, so it sees no input at all.
    with reverts("Error", "UniswapV2: INSUFFICIENT_INPUT_AMOUNT"):
        pool.sell(bob, seized // 2)

    pool.pair.sync({"from": bob})
    assert pool.reserves() == pool.balances() == (POOL_SHARES - seized, POOL_USD)
    expected = amount_out(1_000 * USD, POOL_USD, POOL_SHARES - seized)
    before = pool.shares.balanceOf(bob)
    pool.buy(bob, 1_000 * USD)
    assert pool.shares.balanceOf(bob) - before == expected
    pool.sell(bob, seized // 2)
    assert pool.reserves() == pool.balances()
