"""Uniswap V2-style pools that hold share tokens: telling a pair from another contract, reading its reserves, and
finding who holds its liquidity (LP) tokens.

A pool holds shares for everyone who provided liquidity, so an officer's act on it reaches all of them: a forced
transfer out of it leaves its reserves stale until ``sync()`` (the SDK calls it), a freeze of it makes the pool
one-way (it still receives, it can no longer pay out). Its LP tokens move freely, so an investor the registry
would refuse may hold a claim on restricted shares through them; :meth:`Compliance.pools
<ipledger.Compliance.pools>` names them (see docs/venues.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ipledger.audit._cap_table import replay_balances
from ipledger.chain._events import ERC20_TRANSFER_TOPIC
from ipledger.chain._logs import fetch_logs
from ipledger.models._model_base import Uint256, _Out

from ._exceptions import IPLedgerError

if TYPE_CHECKING:
    from web3.contract import Contract

    from ipledger.chain._chain import Chain

__all__ = ["LiquidityHolder", "Pool", "is_v2_pair", "pair_contract", "read_pool"]


def _function(name: str, inputs: list[str], outputs: list[str], mutability: str = "view") -> dict[str, Any]:
    return {
        "type": "function",
        "name": name,
        "stateMutability": mutability,
        "inputs": [{"name": f"arg{index}", "type": kind} for index, kind in enumerate(inputs)],
        "outputs": [{"name": f"out{index}", "type": kind} for index, kind in enumerate(outputs)],
    }


#: What the SDK asks of a Uniswap V2-style pair and its factory (the functions every V2 fork keeps).
_PAIR_ABI = [
    _function("token0", [], ["address"]),
    _function("token1", [], ["address"]),
    _function("factory", [], ["address"]),
    _function("getReserves", [], ["uint112", "uint112", "uint32"]),
    _function("totalSupply", [], ["uint256"]),
    _function("sync", [], [], "nonpayable"),
]
_FACTORY_ABI = [_function("getPair", ["address", "address"], ["address"])]


class LiquidityHolder(_Out):
    """An account holding a pool's liquidity (LP) tokens, and whether the compliance registry admits it as a holder
    of the share token (with the token's investor categories)."""

    account: str
    balance: Uint256
    eligible: bool


class Pool(_Out):
    """A Uniswap V2-style pair holding a right's shares: its tokens, the shares it holds and its reserves (the two
    differ until someone calls ``sync()`` after a forced transfer), and the LP-token holders the compliance registry
    would not admit as holders of the shares."""

    address: str
    factory: str
    token0: str
    token1: str
    #: The other token of the pair (the share token is the other one).
    paired_with: str
    #: The shares the pair holds (``balanceOf``).
    share_balance: Uint256
    #: The pair's recorded reserve of the shares, and of the other token.
    share_reserve: Uint256
    paired_reserve: Uint256
    #: The LP tokens in existence.
    lp_supply: Uint256
    #: LP-token holders that are not eligible for the shares (largest first).
    ineligible_lp_holders: list[LiquidityHolder]


def pair_contract(chain: Chain, address: str) -> Contract:
    """``address`` through the functions of a Uniswap V2 pair the SDK uses."""
    return chain.w3.eth.contract(address=chain.w3.to_checksum_address(address), abi=_PAIR_ABI)


def is_v2_pair(chain: Chain, address: str) -> bool:
    """Whether ``address`` is a Uniswap V2-style pair: it has code, answers ``token0()``, ``token1()``,
    ``getReserves()`` and ``factory()``, and its factory's ``getPair(token0, token1)`` is ``address`` itself (so a
    contract that only imitates the functions is not taken for a pool)."""
    if not chain.get_code(address):
        return False
    pair = pair_contract(chain, address)
    try:
        token0 = str(chain.read(pair.functions.token0(), "read pool"))
        token1 = str(chain.read(pair.functions.token1(), "read pool"))
        chain.read(pair.functions.getReserves(), "read pool")
        factory_address = str(chain.read(pair.functions.factory(), "read pool"))
        if not chain.get_code(factory_address):
            return False
        factory = chain.w3.eth.contract(address=chain.w3.to_checksum_address(factory_address), abi=_FACTORY_ABI)
        listed = str(chain.read(factory.functions.getPair(token0, token1), "read pool factory"))
    except IPLedgerError:
        return False
    return listed.lower() == address.lower()


def read_pool(chain: Chain, address: str, *, share_token: str, categories: int) -> Pool:
    """The pair at ``address`` (a V2 pair of ``share_token``), with its LP-token holders that the compliance
    registry would not admit with the investor ``categories`` (their Transfer logs since the deployment)."""
    pair = pair_contract(chain, address)
    token0 = str(chain.read(pair.functions.token0(), "read pool"))
    token1 = str(chain.read(pair.functions.token1(), "read pool"))
    reserve0, reserve1, _ = chain.read(pair.functions.getReserves(), "read pool")
    shares_first = token0.lower() == share_token.lower()
    share = chain.share_contract(share_token)
    logs = fetch_logs(
        chain.rpc,
        address=address,
        topics=[ERC20_TRANSFER_TOPIC],
        from_block=chain.deployment_block,
        to_block=chain.head(),
    )
    compliance = chain.compliance
    ineligible = []
    for account, balance in replay_balances(logs).items():
        if account.lower() == address.lower():
            continue  # LP tokens sent back to the pair to be burnt
        eligible, _ = chain.read(compliance.functions.isEligibleIn(account, categories), "read eligibility")
        if not eligible:
            ineligible.append(LiquidityHolder(account=account, balance=balance, eligible=False))
    return Pool(
        address=chain.w3.to_checksum_address(address),
        factory=str(chain.read(pair.functions.factory(), "read pool")),
        token0=token0,
        token1=token1,
        paired_with=token1 if shares_first else token0,
        share_balance=int(chain.read(share.functions.balanceOf(address), "read pool shares")),
        share_reserve=int(reserve0 if shares_first else reserve1),
        paired_reserve=int(reserve1 if shares_first else reserve0),
        lp_supply=int(chain.read(pair.functions.totalSupply(), "read pool")),
        ineligible_lp_holders=sorted(ineligible, key=lambda holder: (-holder.balance, holder.account.lower())),
    )
