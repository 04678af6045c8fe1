"""Accounts that sign: anvil's dev accounts, encrypted keystores, or a key in an environment variable.

A private key never leaves this module in output: :class:`Signer` shows only its address.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.address import is_checksum_address, is_checksum_formatted_address, is_hex_address, to_checksum_address

from ipledger._exceptions import AccountError, InvalidInputError

__all__ = [
    "ANVIL_MNEMONIC",
    "DEV_ACCOUNT_COUNT",
    "Signer",
    "dev_account",
    "is_dev_account_name",
    "is_valid_address",
    "resolve_address",
    "resolve_signer",
]

#: The mnemonic anvil derives its ten dev accounts from; public knowledge, for local chains only.
ANVIL_MNEMONIC = "test test test test test test test test test test test junk"
DEV_ACCOUNT_COUNT = 10
LOCAL_CHAIN_ID = 31337
_KEY_ENV = "IPLEDGER_PRIVATE_KEY"
_PASSWORD_ENV = "IPLEDGER_KEYSTORE_PASSWORD"

Account.enable_unaudited_hdwallet_features()


class Signer:
    """A local signing account; ``repr`` and ``str`` show the address only."""

    __slots__ = ("_account", "label")

    def __init__(self, account: LocalAccount, label: str) -> None:
        self._account = account
        self.label = label

    @property
    def address(self) -> str:
        return str(self._account.address)

    @property
    def account(self) -> LocalAccount:
        """The eth-account object, for signing."""
        return self._account

    def __repr__(self) -> str:
        return f"Signer({self.label}, {self.address})"

    __str__ = __repr__


def is_valid_address(value: str) -> bool:
    """A 0x-prefixed 20-byte hex address whose mixed case, if any, is a correct EIP-55 checksum."""
    if not value.startswith("0x") or not is_hex_address(value):
        return False
    return not is_checksum_formatted_address(value) or is_checksum_address(value)


def is_dev_account_name(name: str) -> bool:
    """Whether ``name`` is ``dev0`` .. ``dev9``."""
    return name.startswith("dev") and name[3:].isdigit() and int(name[3:]) < DEV_ACCOUNT_COUNT


@cache
def dev_account(index: int) -> Signer:
    """Anvil's dev account ``index`` (0-9), derived from the public test mnemonic."""
    if not 0 <= index < DEV_ACCOUNT_COUNT:
        raise AccountError(f"dev accounts are dev0 to dev{DEV_ACCOUNT_COUNT - 1}")
    account = Account.from_mnemonic(ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return Signer(account, f"dev{index}")


def resolve_signer(
    spec: str | None,
    *,
    chain_id: int,
    password_prompt: Callable[[str], str] | None = None,
) -> Signer:
    """The signer named by ``spec``.

    ``spec`` is ``devN`` (local chain only), ``env:NAME`` (a hex key in environment variable NAME), a path to
    an encrypted keystore JSON (password from ``IPLEDGER_KEYSTORE_PASSWORD`` or ``password_prompt``), or
    ``None``: ``IPLEDGER_PRIVATE_KEY`` if set, else ``dev0`` on the local chain.
    """
    if spec is None:
        if os.environ.get(_KEY_ENV):
            return _from_env(_KEY_ENV)
        spec = "dev0"
    if is_dev_account_name(spec):
        if chain_id != LOCAL_CHAIN_ID:
            raise AccountError(f"{spec} is a public test key, usable only on a local chain (id {LOCAL_CHAIN_ID})")
        return dev_account(int(spec[3:]))
    if spec.startswith("env:"):
        return _from_env(spec[4:])
    if is_valid_address(spec):
        raise AccountError(f"{spec} is an address; signing needs a key: devN, env:NAME or a keystore file")
    return _from_keystore(Path(spec), password_prompt)


def resolve_address(spec: str, *, chain_id: int) -> str:
    """A checksummed address from an address or an account name (``devN``, ``env:NAME``, keystore path)."""
    if is_valid_address(spec):
        return str(to_checksum_address(spec))
    if spec.startswith(("0x", "0X")):
        raise InvalidInputError(f"{spec!r} is not a valid address (0x and 40 hex digits, correct EIP-55 checksum)")
    if is_dev_account_name(spec):
        return dev_account(int(spec[3:])).address
    if spec.startswith("env:"):
        return _from_env(spec[4:]).address
    path = Path(spec)
    if path.is_file():
        try:
            address = json.loads(path.read_text("utf-8"))["address"]
        except (OSError, ValueError, KeyError, TypeError):
            raise AccountError(f"{spec}: not a keystore file") from None
        return str(to_checksum_address(address))
    raise InvalidInputError(f"{spec!r} is neither an address nor an account (devN, env:NAME, keystore file)")


def _from_env(name: str) -> Signer:
    key = os.environ.get(name)
    if not key:
        raise AccountError(f"environment variable {name} holds no private key")
    try:
        account = Account.from_key(key.strip())
    except (ValueError, TypeError):
        raise AccountError(f"environment variable {name} does not hold a valid private key") from None
    return Signer(account, f"env:{name}")


def _from_keystore(path: Path, password_prompt: Callable[[str], str] | None) -> Signer:
    try:
        keystore = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise AccountError(f"unknown account {str(path)!r}: not devN, env:NAME or a keystore file") from None
    except (OSError, ValueError):
        raise AccountError(f"{path}: not a readable keystore file") from None
    password = os.environ.get(_PASSWORD_ENV)
    if password is None:
        if password_prompt is None:
            raise AccountError(f"{path}: set {_PASSWORD_ENV} to unlock the keystore")
        password = password_prompt(f"Password for {path.name}")
    try:
        key = Account.decrypt(keystore, password)
    except (ValueError, KeyError, TypeError):
        raise AccountError(f"{path}: wrong password or damaged keystore") from None
    return Signer(Account.from_key(key), f"keystore:{path.name}")
