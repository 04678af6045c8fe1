"""A right's shares from fractionalization to redemption: permit, cap tables at past blocks, history and verify."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from ipledger import (
    ContractRevertError,
    IncompleteOwnershipError,
    InvalidInputError,
    IPMetadata,
    Ledger,
    NotFoundError,
    NotFractionalizedError,
    TokenFrozenError,
    UnauthorizedError,
)
from share_support import ONE

#: End-to-end flows: also run on anvil with a block a second (make test-nodes).
pytestmark = pytest.mark.flow

Patent = tuple[IPMetadata, list[Path]]


def test_fractionalize_locks_the_right_and_mints_the_supply(
    ledger: Ledger, investors: dict[str, str], patent: Patent
) -> None:
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    result = ledger.use("dev1").shares.fractionalize(
        token, "Patent shares", "PS", 500 * 10**6, decimals=6, restricted=False
    )
    assert result.approval is not None and result.gas_used > 0
    assert ledger.get(token).owner == ledger.contracts.vault.address
    assert ledger.shares.token(token) == result.share_token
    info = ledger.shares.info(token)
    assert (info.name, info.symbol, info.decimals, info.total_supply, info.restricted) == (
        "Patent shares",
        "PS",
        6,
        500 * 10**6,
        False,
    )
    assert info.compliance == ledger.contracts.compliance.address
    assert ledger.shares.balance(token, "dev1") == 500 * 10**6


def test_only_the_owner_of_an_active_right_fractionalizes(ledger: Ledger, patent: Patent) -> None:
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    head = ledger.chain.w3.eth.block_number
    with pytest.raises(UnauthorizedError) as caught:
        ledger.use("dev2").shares.fractionalize(token, "S", "S", ONE)
    assert caught.value.error_name == "NotTokenOwner"
    ledger.rights.freeze(token, b"\x01" * 32)
    with pytest.raises(TokenFrozenError):
        ledger.use("dev1").shares.fractionalize(token, "S", "S", ONE)
    assert ledger.chain.w3.eth.block_number == head + 1  # only the freeze was sent: refusals send nothing
    with pytest.raises(NotFractionalizedError):
        ledger.shares.token(token)
    with pytest.raises(InvalidInputError):
        ledger.use("dev1").shares.fractionalize(token, "S", "S", 0)


def test_redemption_needs_every_share_and_returns_the_right(ledger: Ledger, fractionalized: int) -> None:
    ledger.use("dev1").shares.transfer(fractionalized, "dev2", 1)
    with pytest.raises(IncompleteOwnershipError) as caught:
        ledger.use("dev1").shares.redeem(fractionalized)
    assert caught.value.error_args == {
        "holder": ledger.address_of("dev1"),
        "balance": 1_000 * ONE - 1,
        "supply": 1_000 * ONE,
    }
    ledger.use("dev2").shares.transfer(fractionalized, "dev1", 1)
    ledger.use("dev1").shares.redeem(fractionalized)
    assert ledger.get(fractionalized).owner == ledger.address_of("dev1")
    with pytest.raises(NotFractionalizedError) as missing:
        ledger.shares.token(fractionalized)
    assert isinstance(missing.value, NotFoundError)


def test_a_permit_signed_by_the_sdk_is_accepted_on_chain(ledger: Ledger, fractionalized: int) -> None:
    share = ledger.chain.share_contract(ledger.shares.token(fractionalized))
    owner, spender = ledger.address_of("dev1"), ledger.address_of("dev2")
    deadline = ledger.chain.chain_time() + 3600
    permit = ledger.use("dev1").shares.sign_permit(fractionalized, "dev2", 25 * ONE, deadline)
    # The domain the SDK signed in is the token's own DOMAIN_SEPARATOR (Solady: name, version "1", chain, token).
    signable = encode_typed_data(
        domain_data={
            "name": "Battery patent shares",
            "version": "1",
            "chainId": 31337,
            "verifyingContract": share.address,
        },
        message_types={"Permit": [{"name": "owner", "type": "address"}]},
        message_data={"owner": owner},
    )
    assert share.functions.DOMAIN_SEPARATOR().call() == signable.header
    assert (
        Account.recover_message(
            encode_typed_data(
                domain_data={
                    "name": "Battery patent shares",
                    "version": "1",
                    "chainId": 31337,
                    "verifyingContract": share.address,
                },
                message_types={
                    "Permit": [
                        {"name": "owner", "type": "address"},
                        {"name": "spender", "type": "address"},
                        {"name": "value", "type": "uint256"},
                        {"name": "nonce", "type": "uint256"},
                        {"name": "deadline", "type": "uint256"},
                    ]
                },
                message_data={"owner": owner, "spender": spender, "value": 25 * ONE, "nonce": 0, "deadline": deadline},
            ),
            signature=bytes.fromhex(permit.signature[2:]),
        )
        == owner
    )
    ledger.use("dev2").shares.submit_permit(permit)  # the spender submits it and pays the gas
    assert share.functions.allowance(owner, spender).call() == 25 * ONE
    assert share.functions.nonces(owner).call() == 1
    with pytest.raises(ContractRevertError, match="InvalidPermit"):
        ledger.use("dev2").shares.submit_permit(permit)  # a permit works once


def test_an_expired_permit_is_refused(ledger: Ledger, fractionalized: int) -> None:
    permit = ledger.use("dev1").shares.sign_permit(fractionalized, "dev2", ONE, ledger.chain.chain_time() - 1)
    with pytest.raises(ContractRevertError, match="PermitExpired"):
        ledger.shares.submit_permit(permit)


def test_cap_tables_at_past_blocks_replay_the_transfers(ledger: Ledger, fractionalized: int) -> None:
    dev1, dev2, dev3 = (ledger.address_of(name) for name in ("dev1", "dev2", "dev3"))
    start = ledger.chain.w3.eth.block_number
    first = ledger.use("dev1").shares.transfer(fractionalized, "dev2", 300 * ONE).block
    second = ledger.use("dev2").shares.transfer(fractionalized, "dev3", 100 * ONE).block
    ledger.use("dev3").shares.transfer(fractionalized, "dev1", 100 * ONE)

    def balances(block: int | None) -> dict[str, int]:
        table = ledger.shares.cap_table(fractionalized, block=block)
        assert sum(holding.balance for holding in table.holders) == table.total_supply == 1_000 * ONE
        assert [holding.balance for holding in table.holders] == sorted(
            (holding.balance for holding in table.holders), reverse=True
        )
        return {holding.account: holding.balance for holding in table.holders}

    assert balances(start) == {dev1: 1_000 * ONE}
    assert balances(first) == {dev1: 700 * ONE, dev2: 300 * ONE}
    assert balances(second) == {dev1: 700 * ONE, dev2: 200 * ONE, dev3: 100 * ONE}
    assert balances(None) == {dev1: 800 * ONE, dev2: 200 * ONE}
    with pytest.raises(NotFoundError, match="no shares at block"):
        ledger.shares.cap_table(fractionalized, block=start - 2)  # before the fractionalization


def test_history_and_verify_show_fractionalization_and_redemption(
    ledger: Ledger, fractionalized: int, patent: Patent
) -> None:
    _, documents = patent
    vault = ledger.contracts.vault.address
    in_vault = ledger.verify(fractionalized, documents=documents)
    assert in_vault.verdict == "verified"
    checks = {check.name: check for check in in_vault.checks}
    assert checks["custody"].ok and "share vault" in checks["custody"].detail
    assert checks["shares"].ok and "not lost" in checks["shares"].detail
    assert in_vault.shares is not None and in_vault.shares.share_token == ledger.shares.token(fractionalized)
    assert in_vault.shares.symbol == "BPS" and in_vault.shares.restricted
    assert [(h.account, h.balance) for h in in_vault.shares.holders] == [(ledger.address_of("dev1"), 1_000 * ONE)]
    assert any(
        notice.startswith("fractionalized in block") and "into 1,000 BPS shares" in notice
        for notice in in_vault.notices
    )

    ledger.use("dev1").shares.redeem(fractionalized)
    events = ledger.history(fractionalized).events
    assert [event.kind for event in events] == ["registered", "fractionalized", "redeemed"]
    locked, returned = events[1], events[2]
    assert (locked.from_, locked.to, locked.supply) == (ledger.address_of("dev1"), vault, 1_000 * ONE)
    assert (returned.from_, returned.to, returned.by) == (vault, ledger.address_of("dev1"), ledger.address_of("dev1"))
    assert locked.share_token == returned.share_token is not None
    assert (locked.symbol, locked.decimals) == (returned.symbol, returned.decimals) == ("BPS", 18)
    after = ledger.verify(fractionalized, documents=documents)
    assert after.verdict == "verified" and after.shares is None
    assert "shares" not in {check.name for check in after.checks}
    assert any(notice.startswith("redeemed in block") for notice in after.notices)


def test_verify_finds_the_vault_when_none_was_given(ledger: Ledger, fractionalized: int) -> None:
    auditor = Ledger.connect(ledger.chain.rpc_url, registry=ledger.contracts.registry_address)
    report = auditor.verify(fractionalized)
    assert report.verdict == "verified"
    assert report.shares is not None
    assert [event.kind for event in report.events][-1] == "fractionalized"
    assert auditor.deployment.vault == ledger.contracts.vault.address


def test_a_right_forced_out_of_the_vault_leaves_orphan_shares_and_fails_verify(
    ledger: Ledger, fractionalized: int
) -> None:
    ledger.rights.force_transfer(fractionalized, "dev4", b"\x02" * 32)
    report = ledger.verify(fractionalized)
    assert report.verdict == "failed"
    failed = {check.name: check.detail for check in report.checks if not check.ok}
    assert list(failed) == ["shares"]
    assert "left the share vault" in failed["shares"]


def test_permit_deadlines_may_be_datetimes(ledger: Ledger, fractionalized: int) -> None:
    when = dt.datetime.fromtimestamp(ledger.chain.chain_time() + 60, dt.UTC)
    permit = ledger.use("dev1").shares.sign_permit(fractionalized, "dev2", ONE, when)
    assert permit.deadline == int(when.timestamp())
