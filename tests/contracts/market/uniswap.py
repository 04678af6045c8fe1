"""Uniswap V2 on the test chain, for the pool tests of share tokens (no tests here).

The contracts are the npm packages' own builds, deployed from their bytecode as they are: ``@uniswap/v2-core``
1.0.1 (UniswapV2Factory, UniswapV2Pair) and ``@uniswap/v2-periphery`` 1.1.0-beta.0 (UniswapV2Router02, WETH9),
compiled by Uniswap with solc 0.5.16 / 0.6.6. Router02 finds a pair by CREATE2 with the pair's init-code hash baked
into its bytecode (``PAIR_INIT_CODE_HASH``); :func:`deploy_uniswap` checks that the pair bytecode shipped beside it
hashes to it, so the router always talks to the pairs the factory creates.

- :func:`deploy_uniswap`: WETH9, the factory (no fee recipient) and Router02; a :class:`UniswapV2` with pair,
  liquidity and swap helpers. Every router call here approves exactly what it moves, from the account acting.
- Call traces: Uniswap replaces a token's revert with its own string (``UniswapV2: TRANSFER_FAILED`` when the pair
  pays out, ``TransferHelper: TRANSFER_FROM_FAILED`` when the router pulls the input), so the token's named error
  survives only in the inner frames of a trace. :func:`revert_path` follows a callTracer trace from the top call
  down through the failing call that made each frame fail; :func:`inner_revert_data` is the revert data of the
  innermost of them (anvil's ``debug_traceTransaction`` / ``debug_traceCall``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from brownie import Contract
from eth_abi import encode
from eth_utils import keccak, to_checksum_address
from hexbytes import HexBytes
from registry_helpers import address_of, now, rpc
from share_helpers import ONE, REPO_ROOT, VENUE_HASH

#: Where each contract's build artifact lives under node_modules.
_BUILDS = {
    "UniswapV2Factory": "@uniswap/v2-core/build/UniswapV2Factory.json",
    "UniswapV2Pair": "@uniswap/v2-core/build/UniswapV2Pair.json",
    "UniswapV2Router02": "@uniswap/v2-periphery/build/UniswapV2Router02.json",
    "WETH9": "@uniswap/v2-periphery/build/WETH9.json",
}
#: keccak256 of UniswapV2Pair's creation code, as UniswapV2Library.pairFor (inside Router02) hard-codes it.
PAIR_INIT_CODE_HASH = bytes.fromhex("96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f")
#: Uniswap's 0.3% fee: amount out = r_out * in * 997 / (r_in * 1000 + in * 997).
FEE_NUMERATOR, FEE_DENOMINATOR = 997, 1000
#: Liquidity the pair locks forever at the first mint (sent to address(0)).
MINIMUM_LIQUIDITY = 1000


@cache
def artifact(name: str) -> dict[str, Any]:
    """ABI and creation bytecode (hex, no prefix) of one of Uniswap's contracts."""
    build = json.loads((REPO_ROOT / "node_modules" / _BUILDS[name]).read_text("utf-8"))
    return {"abi": build["abi"], "bytecode": build["bytecode"].removeprefix("0x")}


def at(name: str, address: Any) -> Any:
    """A brownie Contract object for the Uniswap contract ``name`` at ``address``."""
    return Contract.from_abi(name, address_of(address), artifact(name)["abi"])


def deploy(name: str, deployer: Any, *args: tuple[str, Any]) -> Any:
    """Deploys ``name`` from its bytecode; ``args`` are (ABI type, value) pairs of its constructor."""
    data = bytes.fromhex(artifact(name)["bytecode"])
    if args:
        data += encode([kind for kind, _ in args], [address_of(v) if k == "address" else v for k, v in args])
    tx = deployer.transfer(data="0x" + data.hex())
    return at(name, tx.contract_address)


def amount_out(amount_in: int, reserve_in: int, reserve_out: int) -> int:
    """UniswapV2Library.getAmountOut: what a swap of ``amount_in`` pays out, after the 0.3% fee."""
    with_fee = amount_in * FEE_NUMERATOR
    return with_fee * reserve_out // (reserve_in * FEE_DENOMINATOR + with_fee)


@dataclass(frozen=True)
class UniswapV2:
    """WETH9, the factory and Router02, deployed together."""

    weth: Any
    factory: Any
    router: Any

    def pair_of(self, token_a: Any, token_b: Any) -> Any | None:
        """The pair of two tokens (either order), ``None`` before it exists."""
        address = self.factory.getPair(address_of(token_a), address_of(token_b))
        return None if int(address, 16) == 0 else at("UniswapV2Pair", address)

    def create_pair(self, token_a: Any, token_b: Any, sender: Any) -> Any:
        """``factory.createPair``; the pair (check: at the address Router02 computes for it)."""
        self.factory.createPair(address_of(token_a), address_of(token_b), {"from": sender})
        pair = self.pair_of(token_a, token_b)
        assert pair is not None
        assert pair.address == pair_address(self.factory, token_a, token_b)
        return pair

    def add_liquidity(self, provider: Any, token_a: Any, token_b: Any, amount_a: int, amount_b: int) -> Any:
        """Router02.addLiquidity of exactly ``amount_a`` and ``amount_b`` (both minimums equal the amounts, so the
        first deposit or one at the pool's price), the liquidity tokens to ``provider``; the transaction."""
        token_a.approve(self.router, amount_a, {"from": provider})
        token_b.approve(self.router, amount_b, {"from": provider})
        return self.router.addLiquidity(
            token_a, token_b, amount_a, amount_b, amount_a, amount_b, provider, deadline(), {"from": provider}
        )

    def remove_liquidity(self, provider: Any, token_a: Any, token_b: Any, liquidity: int) -> Any:
        """Router02.removeLiquidity of ``liquidity`` pool tokens of ``provider``, both tokens back to it."""
        pair = self.pair_of(token_a, token_b)
        assert pair is not None
        pair.approve(self.router, liquidity, {"from": provider})
        return self.router.removeLiquidity(token_a, token_b, liquidity, 0, 0, provider, deadline(), {"from": provider})

    def swap_calldata(self, trader: Any, amount_in: int, token_in: Any, token_out: Any, *, to: Any = None) -> str:
        """The calldata of Router02.swapExactTokensForTokens(amount_in, 0, [in, out], to or trader, deadline)."""
        path = [address_of(token_in), address_of(token_out)]
        return str(self.router.swapExactTokensForTokens.encode_input(amount_in, 0, path, to or trader, deadline()))

    def swap(self, trader: Any, amount_in: int, token_in: Any, token_out: Any, *, min_out: int = 0) -> Any:
        """Router02.swapExactTokensForTokens of ``amount_in`` of ``token_in`` (approved here) for ``token_out``,
        paid to ``trader``; the transaction."""
        token_in.approve(self.router, amount_in, {"from": trader})
        path = [address_of(token_in), address_of(token_out)]
        return self.router.swapExactTokensForTokens(amount_in, min_out, path, trader, deadline(), {"from": trader})

    def quote(self, amount_in: int, token_in: Any, token_out: Any) -> int:
        """Router02.getAmountsOut for a direct swap: what ``amount_in`` buys now."""
        return int(self.router.getAmountsOut(amount_in, [address_of(token_in), address_of(token_out)])[-1])


def deploy_uniswap(deployer: Any) -> UniswapV2:
    """WETH9, UniswapV2Factory (fee recipient setter ``deployer``, fee off) and UniswapV2Router02, by ``deployer``."""
    pair_code = bytes.fromhex(artifact("UniswapV2Pair")["bytecode"])
    assert keccak(pair_code) == PAIR_INIT_CODE_HASH, "the pair build does not match Router02's init-code hash"
    assert PAIR_INIT_CODE_HASH.hex() in artifact("UniswapV2Router02")["bytecode"]
    weth = deploy("WETH9", deployer)
    factory = deploy("UniswapV2Factory", deployer, ("address", deployer))
    router = deploy("UniswapV2Router02", deployer, ("address", factory), ("address", weth))
    return UniswapV2(weth, factory, router)


def pair_address(factory: Any, token_a: Any, token_b: Any) -> str:
    """The CREATE2 address of a pair, as UniswapV2Library.pairFor computes it (tokens sorted by address)."""
    token0, token1 = sorted((address_of(token_a), address_of(token_b)), key=lambda a: int(a, 16))
    salt = keccak(bytes.fromhex(token0[2:]) + bytes.fromhex(token1[2:]))
    digest = keccak(b"\xff" + bytes.fromhex(address_of(factory)[2:]) + salt + PAIR_INIT_CODE_HASH)
    return to_checksum_address(digest[12:])


def reserves_of(pair: Any, token_a: Any, token_b: Any) -> tuple[int, int]:
    """The pair's reserves of ``token_a`` and ``token_b`` (in that order, whatever the pair's token order)."""
    reserve0, reserve1, _ = pair.getReserves()
    if address_of(pair.token0()) == address_of(token_a):
        return int(reserve0), int(reserve1)
    assert address_of(pair.token0()) == address_of(token_b)
    return int(reserve1), int(reserve0)


def deadline() -> int:
    """A swap deadline an hour after the latest block."""
    return now() + 3600


# --------------------------------------------------------------------------------------------- pools and fixtures

USD = 10**6  # TestStablecoin has 6 decimals
POOL_SHARES = 10_000 * ONE  # the liquidity alice deposits: 10,000 shares for 100,000 tUSD (10 tUSD a share)
POOL_USD = 100_000 * USD
TRADER_USD = 50_000 * USD  # what bob and carol hold

TRANSFER_FAILED = "UniswapV2: TRANSFER_FAILED"
TRANSFER_FROM_FAILED = "TransferHelper: TRANSFER_FROM_FAILED"


@dataclass(frozen=True)
class Pool:
    """A share/tUSD pair and its tokens."""

    uni: UniswapV2
    pair: Any
    shares: Any
    usd: Any

    def reserves(self) -> tuple[int, int]:
        """(share reserve, tUSD reserve)."""
        return reserves_of(self.pair, self.shares, self.usd)

    def balances(self) -> tuple[int, int]:
        """(shares held by the pair, tUSD held by the pair)."""
        return int(self.shares.balanceOf(self.pair)), int(self.usd.balanceOf(self.pair))

    def buy(self, trader: Any, usd_in: int) -> Any:
        return self.uni.swap(trader, usd_in, self.usd, self.shares)

    def sell(self, trader: Any, shares_in: int) -> Any:
        return self.uni.swap(trader, shares_in, self.shares, self.usd)


@pytest.fixture(scope="module")
def tusd(TestStablecoin: Any, admin: Any, alice: Any, bob: Any, carol: Any) -> Any:  # noqa: N803
    """tUSD (TestStablecoin): alice holds 4 * POOL_USD, bob and carol TRADER_USD each."""
    token = TestStablecoin.deploy({"from": admin})
    token.mint(alice, POOL_USD * 4, {"from": admin})
    for trader in (bob, carol):
        token.mint(trader, TRADER_USD, {"from": admin})
    return token


@pytest.fixture(scope="module")
def uni(admin: Any) -> UniswapV2:
    """WETH9, the factory and Router02, deployed by ``admin``."""
    return deploy_uniswap(admin)


def pool_of(uni: UniswapV2, shares: Any, usd: Any, provider: Any, *, venue_by: tuple[Any, Any] | None = None) -> Pool:
    """A new shares/tUSD pair holding ``provider``'s POOL_SHARES and POOL_USD; with ``venue_by`` (the compliance
    registry, an officer) the pair is registered as a venue first, as a restricted share token needs."""
    pair = uni.create_pair(shares, usd, provider)
    if venue_by is not None:
        compliance, officer = venue_by
        compliance.registerVenue(pair, VENUE_HASH, {"from": officer})
    uni.add_liquidity(provider, shares, usd, POOL_SHARES, POOL_USD)
    return Pool(uni, pair, shares, usd)


@pytest.fixture(scope="module")
def open_pool(uni: UniswapV2, open_shares: Any, tusd: Any, alice: Any) -> Pool:
    """The unrestricted shares' pool: alice's POOL_SHARES for POOL_USD."""
    return pool_of(uni, open_shares, tusd, alice)


@pytest.fixture(scope="module")
def restricted_pool(
    uni: UniswapV2, restricted_shares: Any, tusd: Any, compliance: Any, officer: Any, alice: Any
) -> Pool:
    """The restricted shares' pool, its pair registered as a venue: alice's POOL_SHARES for POOL_USD."""
    return pool_of(uni, restricted_shares, tusd, alice, venue_by=(compliance, officer))


# --------------------------------------------------------------------------------------------- call traces


@dataclass(frozen=True)
class Frame:
    """One failing call of a trace: the callee, the revert data (``b""`` for none) and the node's error word."""

    to: str
    output: bytes
    error: str


def revert_path(trace: dict[str, Any]) -> list[Frame]:
    """The failing frames that made ``trace`` (a callTracer frame) fail, outermost first: the top call, then its
    last call if that one failed, and so on down. A failing call followed by others was caught (try/catch, a low-level
    call whose failure was handled); the last call is the one a re-revert (``require(success, ...)``) answers."""
    path: list[Frame] = []
    frame: dict[str, Any] | None = trace
    while frame is not None and "error" in frame:
        path.append(Frame(to_checksum_address(frame["to"]), bytes(HexBytes(frame.get("output", "0x"))), frame["error"]))
        calls = frame.get("calls") or []
        frame = calls[-1] if calls else None
    return path


def trace_transaction(txid: Any) -> dict[str, Any]:
    """The callTracer trace of a mined transaction."""
    result: dict[str, Any] = rpc("debug_traceTransaction", [str(txid), {"tracer": "callTracer"}])
    return result


def trace_call(sender: Any, to: Any, data: str) -> dict[str, Any]:
    """The callTracer trace of ``data`` sent from ``sender`` to ``to`` on the latest state (nothing mined)."""
    request = {"from": address_of(sender), "to": address_of(to), "data": data, "gas": hex(5_000_000)}
    result: dict[str, Any] = rpc("debug_traceCall", [request, "latest", {"tracer": "callTracer"}])
    return result


def inner_revert_data(trace: dict[str, Any]) -> bytes:
    """The revert data of the innermost failing frame on the trace's revert path (asserting that it failed)."""
    path = revert_path(trace)
    assert path, "the call did not fail"
    return path[-1].output


def outer_revert_data(trace: dict[str, Any]) -> bytes:
    """The revert data the caller saw: the top frame's."""
    path = revert_path(trace)
    assert path, "the call did not fail"
    return path[0].output
