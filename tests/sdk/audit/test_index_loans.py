"""The event index over the loan desk: a lender's book and a holder's portfolio at past blocks and dates, pledged
shares attributed to their pledgor in the cap table, a pledged right's record and history, its commitments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ipledger import EventIndex, IPMetadata, Ledger
from loan_support import PRINCIPAL, open_loan, repay_all
from postgres_support import IndexUrls
from share_support import ONE

Patent = tuple[IPMetadata, list[Path]]


def _head_hash(ledger: Ledger) -> str:
    return "0x" + bytes(ledger.chain.w3.eth.get_block("latest")["hash"]).hex()


def test_a_lender_s_book_and_a_holder_s_pledges_at_past_blocks(
    ledger: Ledger, patent: Patent, index_url: IndexUrls
) -> None:
    metadata, documents = patent
    right = ledger.register(metadata, documents, to="dev1").token_id
    first = open_loan(ledger, right, lender="dev6")
    pledged_at = ledger.chain.head()
    repay_all(ledger, first)
    second = open_loan(ledger, right, lender="dev6", principal=2 * PRINCIPAL, nonce=1)
    index = EventIndex.open(index_url())
    index.sync(ledger)
    dev1, dev6 = ledger.address_of("dev1"), ledger.address_of("dev6")

    # The session's chain holds dev6's loans of earlier tests too (this one runs on each database): this right's.
    then = index.book(dev6, at_block=pledged_at)
    assert [(loan.loan_id, loan.state) for loan in then.loans if loan.token_id == right] == [(first, "active")]
    assert first in [loan.loan_id for loan in then.live]
    now = [loan for loan in index.book(dev6).loans if loan.token_id == right]
    assert [(loan.loan_id, loan.state) for loan in now] == [(first, "repaid"), (second, "active")]
    assert now[1].principal == 2 * PRINCIPAL and now[1].borrower == dev1
    stamp = ledger.chain.block_time(pledged_at)
    assert index.book(dev6, at=dt.datetime.fromtimestamp(stamp, dt.UTC)).block >= pledged_at

    portfolio = index.portfolio(dev1, at_block=pledged_at)
    (held,) = [item for item in portfolio.rights if item.token_id == right]
    assert held.pledged and [pledge.loan_id for pledge in portfolio.pledges if pledge.token_id == right] == [first]
    (record,) = [record for record in index.rights(at_block=pledged_at) if record.token_id == right]
    assert record.pledged and [pledge.state for pledge in record.pledges] == ["active"]
    assert index.right(right, at_block=pledged_at) == record
    (latest,) = [record for record in index.rights() if record.token_id == right]
    assert latest == ledger.get(right) == index.right(right)
    assert [event.kind for event in index.history(right).events] == [
        event.kind for event in ledger.history(right).events
    ]
    assert ledger.audit.verify_index(index, _head_hash(ledger), token_id=right).ok


def test_pledged_shares_are_attributed_to_their_pledgor(ledger: Ledger, patent: Patent, index_url: IndexUrls) -> None:
    metadata, documents = patent
    right = ledger.register(metadata, documents, to="dev1").token_id
    owner = ledger.use("dev1")
    owner.shares.fractionalize(right, "专利份额", "ZLS", 1_000 * ONE, restricted=False)
    owner.shares.transfer(right, "dev2", 250 * ONE)
    loan = open_loan(ledger, right, shares=600 * ONE, lender="dev7")
    index = EventIndex.open(index_url())
    index.sync(ledger)
    dev1, desk = ledger.address_of("dev1"), str(ledger.deployment.loans)

    for table in (index.cap_table(right), ledger.shares.cap_table(right)):
        lines = {holding.account: (holding.balance, holding.pledged) for holding in table.holders}
        assert lines[dev1] == (150 * ONE, 600 * ONE) and lines[desk] == (600 * ONE, 0)
        assert table.loan_desk == desk and [pledge.loan_id for pledge in table.pledges] == [loan]
        assert sum(holding.balance for holding in table.holders) == table.total_supply
    portfolio = index.portfolio(dev1)
    (position,) = [position for position in portfolio.shares if position.token_id == right]
    assert (position.balance, position.pledged) == (150 * ONE, 600 * ONE)
    assert [(pledge.amount, pledge.share_token) for pledge in portfolio.pledges if pledge.token_id == right] == [
        (600 * ONE, ledger.shares.token(right))
    ]

    repay_all(ledger, loan)
    index.sync(ledger)
    lines = {holding.account: (holding.balance, holding.pledged) for holding in index.cap_table(right).holders}
    assert lines[dev1] == (750 * ONE, 0) and desk not in lines
