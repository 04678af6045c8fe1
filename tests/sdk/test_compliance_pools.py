"""Share tokens in a Uniswap V2 pool: the SDK tells a pair from other contracts, refuses to freeze one, syncs it
after a forced transfer, names the LP-token holders the registry would refuse, and pays its royalties to the
beneficiary an officer named."""

from __future__ import annotations

from pathlib import Path

import pytest
from eth_utils.crypto import keccak
from ipledger import (
    EventIndex,
    InvalidInputError,
    IPMetadata,
    Ledger,
    LicenseTerms,
    UnauthorizedError,
    hash_text,
)
from pool_support import SharePool, pair_of, share_pool
from share_support import ONE, USD


@pytest.fixture
def pool(ledger: Ledger, fractionalized: int) -> SharePool:
    return share_pool(ledger, fractionalized)


def test_a_pair_is_told_from_accounts_and_other_contracts(ledger: Ledger, pool: SharePool) -> None:
    assert ledger.compliance.is_pool(pool.pair)
    assert not ledger.compliance.is_pool("dev1")
    assert not ledger.compliance.is_pool(str(ledger.contracts.vault.address))  # code, but no pair
    assert not ledger.compliance.is_pool(pool.factory)


def test_pools_lists_the_pair_its_reserves_and_the_ineligible_lp_holders(
    ledger: Ledger, fractionalized: int, pool: SharePool
) -> None:
    lp = pair_of(ledger, pool.pair)
    dev1 = ledger.address_of("dev1")
    w3 = ledger.chain.w3
    # dev6 is not verified; dev2 is (each transfer waited for: anvil may answer before its block is mined)
    for holder, amount in (("dev6", 1_000), ("dev2", 2_000)):
        sent = lp.functions.transfer(ledger.address_of(holder), amount).transact({"from": dev1})
        w3.eth.wait_for_transaction_receipt(sent)
    (found,) = ledger.compliance.pools(fractionalized)
    assert found.address == pool.pair and found.factory == pool.factory
    assert found.paired_with == str(ledger.contracts.stablecoin.address)
    assert found.share_balance == found.share_reserve == pool.shares
    assert found.paired_reserve == pool.dollars
    assert found.lp_supply == int(lp.functions.totalSupply().call())
    assert [(holder.account, holder.balance) for holder in found.ineligible_lp_holders] == [
        (ledger.address_of("dev6"), 1_000)
    ]


def test_freezing_a_pair_is_refused_unless_allowed(ledger: Ledger, fractionalized: int, pool: SharePool) -> None:
    with pytest.raises(InvalidInputError, match="one-way"):
        ledger.compliance.freeze(fractionalized, pool.pair, reason="order 3")
    assert ledger.compliance.frozen(fractionalized, pool.pair) == 0
    ledger.compliance.freeze(fractionalized, pool.pair, ONE, reason="order 3", allow_pair=True)
    assert ledger.compliance.frozen(fractionalized, pool.pair) == ONE


def test_a_forced_transfer_out_of_a_pair_syncs_its_reserves(
    ledger: Ledger, fractionalized: int, pool: SharePool, tmp_path: Path
) -> None:
    moved = ledger.compliance.force_transfer(fractionalized, pool.pair, "dev2", 10 * ONE, reason="judgment 8")
    assert moved.pool_sync is not None and moved.pool_sync.block >= moved.block
    (found,) = ledger.compliance.pools(fractionalized)
    assert found.share_balance == found.share_reserve == pool.shares - 10 * ONE
    # The SDK sent the project's 4-argument overload: both ForcedTransfer events, the evidence in the project's.
    receipt = ledger.chain.w3.eth.get_transaction_receipt(moved.tx_hash)  # type: ignore[arg-type]
    topics = [bytes(log["topics"][0]) for log in receipt["logs"]]
    ours = keccak(text="ForcedTransfer(address,address,uint256,bytes32,address)")
    standard = keccak(text="ForcedTransfer(address,address,uint256)")
    assert topics.count(ours) == 1 and topics.count(standard) == 1
    (logged,) = [log for log in receipt["logs"] if bytes(log["topics"][0]) == ours]
    assert bytes(logged["data"])[32:64] == hash_text("judgment 8")
    plain = ledger.compliance.force_transfer(fractionalized, "dev2", "dev1", ONE, reason="judgment 8")
    assert plain.pool_sync is None
    # The event index replays the share token's logs (ERC-7943's events beside the project's) to the same holders.
    index = EventIndex(tmp_path / "index.sqlite")
    index.sync(ledger)
    assert index.cap_table(fractionalized).holders == ledger.shares.cap_table(fractionalized).holders


def test_a_pools_royalties_go_to_the_beneficiary_an_officer_named(
    ledger: Ledger, investors: dict[str, str], tmp_path: Path
) -> None:
    document = tmp_path / "claims.txt"
    document.write_text("claims of US patent 8,900,001\n", "utf-8")
    metadata = IPMetadata(title="Pool royalty patent", kind="patent", jurisdiction="US", number="US 8,900,001 B2")
    token = ledger.register(metadata, [document], to="dev1").token_id
    tusd = str(ledger.contracts.stablecoin.address)
    terms = LicenseTerms.model_validate(
        {
            "licensee": "dev4",
            "terms": "licence agreement v1",
            "start": ledger.chain.chain_time(),
            "royalty_bps": 300,
            "payment_token": tusd,
        }
    )
    licence = ledger.use("dev1").licenses.grant(token, terms).license_id
    ledger.use("dev1").shares.fractionalize(token, "Pool royalty shares", "PRS", 1_000 * ONE)
    pool = share_pool(ledger, token, shares=250 * ONE)
    ledger.payments.mint_test_stablecoin("dev4", 1_000 * USD)
    ledger.use("dev4").royalties.pay(licence, 1_000 * USD)
    assert ledger.royalties.owed(pool.pair, tusd, token_id=token).amount == 250 * USD
    with pytest.raises(UnauthorizedError) as caught:
        ledger.use("dev3").royalties.claim_for(token, pool.pair, tusd)
    assert caught.value.error_name == "NoRoyaltyBeneficiary"
    with pytest.raises(UnauthorizedError, match="NotHolderOrOfficer"):
        ledger.use("dev3").royalties.set_beneficiary(token, pool.pair, "dev3")
    ledger.royalties.set_beneficiary(token, pool.pair, "dev7")  # dev0: a compliance officer
    assert ledger.royalties.beneficiary(token, pool.pair) == ledger.address_of("dev7")
    assert ledger.royalties.beneficiary(token, "dev1") is None
    before = ledger.payments.balance(tusd, "dev7")
    ledger.use("dev3").royalties.claim_for(token, pool.pair, tusd)  # anyone may send it
    assert ledger.payments.balance(tusd, "dev7") == before + 250 * USD
    assert ledger.royalties.owed(pool.pair, tusd, token_id=token).amount == 0
