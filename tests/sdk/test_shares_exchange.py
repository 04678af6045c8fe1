"""End to end: an issuer lists shares on an exchange, which trades them off chain and withdraws to an investor."""

from __future__ import annotations

from pathlib import Path

import pytest
from ipledger import ComplianceError, IPMetadata, Ledger
from share_support import ONE

Patent = tuple[IPMetadata, list[Path]]


def test_exchange_listing_internal_trades_and_withdrawal(
    ledger: Ledger, investors: dict[str, str], patent: Patent
) -> None:
    metadata, documents = patent
    issuer, exchange = ledger.use("dev1"), ledger.use("dev5")
    token = ledger.register(metadata, documents, to="dev1").token_id
    issuer.shares.fractionalize(token, "Listed patent shares", "LPS", 10_000 * ONE)
    deposit = issuer.shares.transfer(token, "dev5", 4_000 * ONE)  # listing: the venue's omnibus wallet

    # The exchange matches its customers on its own books: nothing happens on chain meanwhile.
    after_deposit = ledger.shares.cap_table(token)
    assert after_deposit.block >= deposit.block
    head = ledger.chain.w3.eth.block_number
    internal_book = {"alice": 2_500 * ONE, "bob": 1_500 * ONE}  # the venue's ledger, off chain
    assert ledger.chain.w3.eth.block_number == head
    assert ledger.shares.cap_table(token).holders == after_deposit.holders

    # Bob withdraws 1,500 shares to his own verified wallet (dev2); an unverified wallet is refused.
    with pytest.raises(ComplianceError, match="NotEligible"):
        exchange.shares.transfer(token, "dev6", internal_book["bob"])
    withdrawal = exchange.shares.transfer(token, "dev2", internal_book["bob"])

    final = ledger.shares.cap_table(token)
    assert {holding.account: holding.balance for holding in final.holders} == {
        ledger.address_of("dev1"): 6_000 * ONE,
        ledger.address_of("dev5"): 2_500 * ONE,  # alice's shares, still in the omnibus wallet
        ledger.address_of("dev2"): 1_500 * ONE,
    }
    assert final.total_supply == 10_000 * ONE == sum(holding.balance for holding in final.holders)
    assert final.block >= withdrawal.block
    between = ledger.shares.cap_table(token, block=withdrawal.block - 1)
    assert {holding.account for holding in between.holders} == {ledger.address_of("dev1"), ledger.address_of("dev5")}
    assert ledger.verify(token, documents=documents).verdict == "verified"
