"""End to end: an issuer lists the restricted shares of a patent on an exchange.

The issuer fractionalizes the right, deposits part of the shares into the exchange's venue (omnibus) wallet, the
exchange matches trades on its own books (nothing moves on chain), and investors withdraw to their own verified
wallets. The cap table read from the chain (balances, and the Transfer log replayed) must agree with the
exchange's books at every step, and the supply never changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from brownie import web3
from eth_utils import keccak
from registry_helpers import ZERO_ADDRESS, now
from share_helpers import EVIDENCE, ONE, SUPPLY, VENUE_HASH, reverts

TRANSFER_TOPIC = keccak(text="Transfer(address,address,uint256)")


def cap_table_from_logs(shares: Any, from_block: int) -> dict[str, int]:
    """Balances rebuilt from the token's Transfer events alone (what an indexer or transfer agent does)."""
    logs = web3.eth.get_logs(
        {"address": shares.address, "fromBlock": from_block, "toBlock": "latest", "topics": [TRANSFER_TOPIC]}
    )
    table: Counter[str] = Counter()
    for log in logs:
        source = web3.to_checksum_address(log["topics"][1][-20:])
        target = web3.to_checksum_address(log["topics"][2][-20:])
        amount = int.from_bytes(log["data"], "big")
        if source != ZERO_ADDRESS:
            table[source] -= amount
        table[target] += amount
    return {holder: amount for holder, amount in table.items() if amount}


def test_exchange_listing(
    registry: Any,
    vault: Any,
    compliance: Any,
    officer: Any,
    new_right: Callable[[Any], int],
    alice: Any,
    bob: Any,
    carol: Any,
    venue: Any,
    ShareToken: Any,  # noqa: N803
) -> None:
    issuer, exchange = alice, venue
    start = web3.eth.block_number + 1

    # Onboarding: the issuer and one investor are verified; the exchange's omnibus wallet is a venue.
    compliance.verifyInvestor(issuer, b"US", now() + 10**8, EVIDENCE, {"from": officer})
    compliance.verifyInvestor(bob, b"DE", now() + 10**8, EVIDENCE, {"from": officer})
    compliance.registerVenue(exchange, VENUE_HASH, {"from": officer})

    # The issuer fractionalizes the right into restricted shares.
    right = new_right(issuer)
    registry.approve(vault, right, {"from": issuer})
    tx = vault.fractionalize(right, "Widget Patent Shares", "WIDGET", 18, SUPPLY, True, {"from": issuer})
    shares = ShareToken.at(tx.return_value)
    assert shares.restricted()
    assert registry.ownerOf(right) == vault

    # Listing: the issuer deposits 40% with the exchange; the exchange credits her on its books.
    shares.transfer(exchange, 400_000 * ONE, {"from": issuer})
    books = {"issuer": 400_000 * ONE}

    # Trading happens on the exchange's books only: the issuer sells 150k to bob and 50k to carol.
    block_before = web3.eth.block_number
    books["issuer"] -= 200_000 * ONE
    books["bob"] = 150_000 * ONE
    books["carol"] = 50_000 * ONE
    assert web3.eth.block_number == block_before
    assert shares.balanceOf(exchange) == sum(books.values())  # the omnibus wallet covers every book entry

    # Withdrawals: bob (verified) takes his shares home.
    shares.transfer(bob, books.pop("bob"), {"from": exchange})

    # Carol is not verified yet: the exchange cannot pay her out to her own wallet.
    with reverts("NotEligible", carol):
        shares.transfer(carol, books["carol"], {"from": exchange})
    assert shares.balanceOf(carol) == 0
    compliance.verifyInvestor(carol, b"GB", now() + 10**8, EVIDENCE, {"from": officer})
    shares.transfer(carol, books.pop("carol"), {"from": exchange})

    # Final cap table: issuer 600k, exchange 200k (held for the issuer), bob 150k, carol 50k.
    expected = {
        issuer.address: 600_000 * ONE,
        exchange.address: 200_000 * ONE,
        bob.address: 150_000 * ONE,
        carol.address: 50_000 * ONE,
    }
    assert {holder: shares.balanceOf(holder) for holder in expected} == expected
    assert cap_table_from_logs(shares, start) == expected
    assert shares.balanceOf(exchange) == sum(books.values())
    assert shares.totalSupply() == SUPPLY == sum(expected.values())
    assert registry.ownerOf(right) == vault
    assert vault.shareTokenOf(right) == shares
