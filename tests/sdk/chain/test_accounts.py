"""Accounts: anvil dev accounts, keystores, environment keys; keys never shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account
from ipledger import AccountError, InvalidInputError, Ledger, dev_account
from ipledger.chain._accounts import resolve_address, resolve_signer

KEY = "0x" + "11" * 32


def test_dev_accounts_are_anvils_accounts(ledger: Ledger) -> None:
    node_accounts = ledger.chain.w3.eth.accounts
    assert [dev_account(index).address for index in range(10)] == list(node_accounts[:10])


def test_signer_repr_hides_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_KEY", KEY)
    signer = resolve_signer("env:TEST_KEY", chain_id=1)
    assert KEY[2:] not in repr(signer) and KEY[2:] not in str(signer)
    assert signer.address == Account.from_key(KEY).address


def test_dev_accounts_are_refused_off_the_local_chain() -> None:
    with pytest.raises(AccountError, match="public test key"):
        resolve_signer("dev0", chain_id=1)


def test_keystore_unlocks_with_password_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keystore = tmp_path / "key.json"
    keystore.write_text(json.dumps(Account.encrypt(KEY, "correct horse")))
    monkeypatch.setenv("IPLEDGER_KEYSTORE_PASSWORD", "correct horse")
    assert resolve_signer(str(keystore), chain_id=1).address == Account.from_key(KEY).address
    assert resolve_address(str(keystore), chain_id=1) == Account.from_key(KEY).address
    monkeypatch.setenv("IPLEDGER_KEYSTORE_PASSWORD", "wrong")
    with pytest.raises(AccountError, match="wrong password"):
        resolve_signer(str(keystore), chain_id=1)


def test_keystore_password_can_be_prompted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keystore = tmp_path / "key.json"
    keystore.write_text(json.dumps(Account.encrypt(KEY, "pw")))
    monkeypatch.delenv("IPLEDGER_KEYSTORE_PASSWORD", raising=False)
    signer = resolve_signer(str(keystore), chain_id=1, password_prompt=lambda _: "pw")
    assert signer.address == Account.from_key(KEY).address


@pytest.mark.parametrize("spec", ["env:NOT_SET_ANYWHERE", "no-such-keystore.json", "dev12"])
def test_unknown_accounts_raise_account_error(spec: str) -> None:
    with pytest.raises(AccountError):
        resolve_signer(spec, chain_id=31337)


def test_signing_needs_a_key_not_an_address() -> None:
    with pytest.raises(AccountError, match="address"):
        resolve_signer("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", chain_id=31337)


def test_bad_checksum_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError, match="checksum"):
        resolve_address("0x70997970c51812DC3A010C7d01b50e0d17dc79C8", chain_id=31337)
