"""A copier re-sends the victim's pending transaction with a higher tip and gets it mined first in the same block
(automine off): the SDK tells the victim what happened instead of "transaction failed".

- commit: the copy registers the victim's own commitment (it binds the claimant), so the claim goes on to its reveal;
- voucher and permit: the copy did exactly what the victim asked; the result names the copier and its transaction;
- order fill: the copier bought instead; the desk's reason, found at the victim's position in the block, is raised.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from chain_support import Patent
from copier_support import copy_first, manual_mining, mine_when_pending
from ipledger import Ledger, OrderError, SignedOrder, dev_account
from share_support import ONE

COPIER = dev_account(9)


def _status(ledger: Ledger, tx_hash: str | None) -> int:
    assert tx_hash is not None
    return int(ledger.chain.w3.eth.get_transaction_receipt(tx_hash)["status"])


@pytest.mark.anvil
def test_a_copied_commit_still_leads_to_the_reveal(ledger: Ledger, patent: Patent) -> None:
    claimant = ledger.use("dev4")
    request = claimant.rights.prepare(*patent)
    with manual_mining(ledger), ThreadPoolExecutor(1) as pool:
        future = pool.submit(claimant.rights.commit_claim, request)
        copy = copy_first(ledger, claimant.signer.address, COPIER)
        mine_when_pending(ledger, 2)
        ticket = future.result(timeout=30)
    assert (ticket.commit_tx, ticket.committed_by) == (copy, COPIER.address)
    result = claimant.rights.reveal_claim(ticket)
    assert result.owner == claimant.signer.address
    assert result.self_declared
    assert ledger.get(result.token_id).owner == claimant.signer.address


@pytest.mark.anvil
def test_a_copied_voucher_is_reported_done_by_the_copier(ledger: Ledger, patent: Patent) -> None:
    recipient = ledger.use("dev4")
    voucher = ledger.rights.sign_voucher(ledger.rights.prepare(*patent), to="dev4")
    with manual_mining(ledger), ThreadPoolExecutor(1) as pool:
        future = pool.submit(recipient.rights.register_with_voucher, voucher)
        copy = copy_first(ledger, recipient.signer.address, COPIER)
        mine_when_pending(ledger, 2)
        result = future.result(timeout=30)
    assert (result.tx_hash, result.submitted_by) == (copy, COPIER.address)
    assert result.owner == recipient.signer.address
    assert _status(ledger, result.own_tx_hash) == 0
    assert ledger.get(result.token_id).owner == recipient.signer.address


def test_a_voucher_submitted_by_someone_else_earlier_is_reported_done(ledger: Ledger, patent: Patent) -> None:
    """The copy was mined a block before: the recipient's own submission fails its dry run and is never sent."""
    recipient = ledger.use("dev4")
    voucher = ledger.rights.sign_voucher(ledger.rights.prepare(*patent), to="dev4")
    first = ledger.use(COPIER).rights.register_with_voucher(voucher)
    result = recipient.rights.register_with_voucher(voucher)
    assert (result.tx_hash, result.submitted_by, result.own_tx_hash) == (first.tx_hash, COPIER.address, None)


@pytest.mark.anvil
def test_a_copied_permit_is_reported_done_by_the_copier(ledger: Ledger, fractionalized: int) -> None:
    permit = ledger.use("dev1").shares.sign_permit(fractionalized, "dev2", 25 * ONE, ledger.chain.chain_time() + 3600)
    spender = ledger.use("dev2")
    with manual_mining(ledger), ThreadPoolExecutor(1) as pool:
        future = pool.submit(spender.shares.submit_permit, permit)
        copy = copy_first(ledger, spender.signer.address, COPIER)
        mine_when_pending(ledger, 2)
        result = future.result(timeout=30)
    assert (result.tx_hash, result.submitted_by) == (copy, COPIER.address)
    assert _status(ledger, result.own_tx_hash) == 0
    share = ledger.chain.share_contract(permit.share_token)
    assert share.functions.allowance(permit.owner, permit.spender).call() == 25 * ONE


@pytest.mark.anvil
def test_a_copied_fill_raises_the_desks_reason_at_the_victims_position(
    ledger: Ledger, fractionalized: int, race: SignedOrder
) -> None:
    taker = ledger.use("dev2")
    with manual_mining(ledger), ThreadPoolExecutor(1) as pool:
        future = pool.submit(taker.market.fill_order, race)
        copy_first(ledger, taker.signer.address, dev_account(3))
        mine_when_pending(ledger, 2)
        with pytest.raises(OrderError, match="FillExceedsRemaining") as caught:
            future.result(timeout=30)
    assert caught.value.error_args["remaining"] == 0
    assert _status(ledger, caught.value.tx_hash) == 0
    assert ledger.shares.balance(fractionalized, "dev3") == 100 * ONE
