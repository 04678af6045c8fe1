"""Helpers of the share, compliance and market tests (a uniquely named module, so it never shadows tests/cli's)."""

from __future__ import annotations

from ipledger import Ledger
from web3.types import RPCEndpoint

ONE = 10**18  # one whole share of an 18-decimal share token
USD = 10**6  # one tUSD


def advance_time(ledger: Ledger, seconds: int) -> None:
    """Moves the chain's clock forward and mines a block (anvil's evm_increaseTime + evm_mine)."""
    ledger.chain.w3.provider.make_request(RPCEndpoint("evm_increaseTime"), [seconds])
    ledger.chain.w3.provider.make_request(RPCEndpoint("evm_mine"), [])


def total_of(ledger: Ledger, token: int) -> int:
    """The share token's totalSupply() read directly."""
    return int(ledger.chain.share_contract(ledger.shares.token(token)).functions.totalSupply().call())
