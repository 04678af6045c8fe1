"""A Uniswap V2 pool of a right's shares on the test chain, from the npm artifacts of @uniswap/v2-core (the
factory as it is deployed; it creates each pair with the pair's own bytecode)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ipledger import Ledger
from share_support import ONE, USD

_BUILD = Path(__file__).resolve().parents[2] / "node_modules" / "@uniswap" / "v2-core" / "build"


def _artifact(name: str) -> dict[str, Any]:
    path = _BUILD / f"{name}.json"
    if not path.is_file():
        pytest.skip(f"{path} is missing: run `npm ci` for the Uniswap V2 artifacts")
    artifact: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return artifact


@dataclass(frozen=True)
class SharePool:
    """A V2 pair of a right's shares against tUSD, registered as a venue wallet, seeded by dev1."""

    pair: str
    factory: str
    share_token: str
    shares: int
    dollars: int


def deploy_factory(ledger: Ledger) -> str:
    """A UniswapV2Factory deployed by dev0 (its fee setter)."""
    artifact = _artifact("UniswapV2Factory")
    w3 = ledger.chain.w3
    dev0 = ledger.address_of("dev0")
    factory = w3.eth.contract(abi=artifact["abi"], bytecode="0x" + artifact["bytecode"].removeprefix("0x"))
    receipt = w3.eth.wait_for_transaction_receipt(factory.constructor(dev0).transact({"from": dev0}))
    return str(receipt["contractAddress"])


def pair_of(ledger: Ledger, address: str) -> Any:
    """The pair at ``address`` through its full ABI."""
    return ledger.chain.w3.eth.contract(address=address, abi=_artifact("UniswapV2Pair")["abi"])


def share_pool(ledger: Ledger, token_id: int, *, shares: int = 100 * ONE, dollars: int = 1_000 * USD) -> SharePool:
    """Creates the pair of the right's shares and tUSD, records it as a venue wallet (restricted shares reach it
    then) and has dev1 (a holder) add ``shares`` and ``dollars`` of liquidity; dev1 holds the LP tokens."""
    w3 = ledger.chain.w3
    factory_address = deploy_factory(ledger)
    factory = w3.eth.contract(address=factory_address, abi=_artifact("UniswapV2Factory")["abi"])
    share_token = ledger.shares.token(token_id)
    tusd = str(ledger.contracts.stablecoin.address)
    dev0, dev1 = ledger.address_of("dev0"), ledger.address_of("dev1")
    w3.eth.wait_for_transaction_receipt(factory.functions.createPair(share_token, tusd).transact({"from": dev0}))
    pair = str(factory.functions.getPair(share_token, tusd).call())
    ledger.compliance.register_venue(pair, "Uniswap V2 pool of the shares")
    ledger.payments.mint_test_stablecoin("dev1", dollars)
    holder = ledger.use("dev1")
    holder.shares.transfer(token_id, pair, shares)
    # Each transaction is waited for: anvil may answer eth_sendTransaction before its block is mined.
    w3.eth.wait_for_transaction_receipt(
        ledger.chain.erc20(tusd).functions.transfer(pair, dollars).transact({"from": dev1})
    )
    w3.eth.wait_for_transaction_receipt(pair_of(ledger, pair).functions.mint(dev1).transact({"from": dev1}))
    return SharePool(pair=pair, factory=factory_address, share_token=share_token, shares=shares, dollars=dollars)
