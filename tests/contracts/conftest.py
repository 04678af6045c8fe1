"""Fixtures every contract test shares (Brownie, anvil): chain isolation, the cast, the IP ``registry``.

Run from the repository root: ``brownie test tests/contracts`` (node_modules/.bin and .venv/bin on PATH).
Every module starts from a reset chain (``module_isolation``) and every test from the snapshot taken after the
module fixtures ran (``fn_isolation``).

The folders mirror ``contracts/``: ``registry/`` (IPRegistry.sol), ``token/``, ``history/``, ``libraries/``,
``rights/<contract>/``, ``shares/``, ``market/``; ``system/`` holds the tests of the whole deployment. Helpers shared
across folders live here, beside this file (on ``sys.path`` for every folder): ``registry_helpers``,
``error_catalog``, ``dispute_helpers``, ``share_helpers``, and ``share_fixtures`` (the share and market folders'
fixtures).

Cast: ``admin`` deployed the registry (admin, registrar and guardian roles); ``registrar`` holds only the
registrar role, ``guardian`` only the guardian role; ``voucher_signer`` is a registrar whose private key the
tests hold (``accounts.add``); everybody else holds nothing here. The keyed ``attestor``, ``registrar_attestor``,
``verifier`` and ``lock_keeper`` and the ``arbitrator`` are the rights modules' cast (roles granted where they are
used); a folder or module whose keyed accounts send transactions funds them with ``fund_keyed_accounts``.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

import pytest
from brownie import web3
from brownie.network.transaction import Status, TransactionReceipt
from dispute_helpers import ATTESTOR_KEY, LOCK_KEEPER_KEY, REGISTRAR_ATTESTOR_KEY, VERIFIER_KEY, self_declare
from registry_helpers import (
    GUARDIAN_ROLE,
    REGISTRAR_ROLE,
    ROGUE_SIGNER_KEY,
    VOUCHER_SIGNER_KEY,
    Registration,
    make_registration,
)
from web3.exceptions import TransactionNotFound

_serial = itertools.count(1)


def _wait_through_indexing_lag(self: TransactionReceipt, required_confs: int) -> None:
    """Brownie's ``TransactionReceipt.wait`` with its dropped-transaction race closed.

    Brownie waits until the sender's nonce passes the transaction's, then asks once for the transaction and once for
    its receipt, and calls it dropped if the node does not know either yet. anvil updates the account state a moment
    before it indexes the mined block's transactions and receipts; on a loaded machine that moment is long enough to
    fail a test ("Tx dropped without known replacement"; CI saw it on the receipt). Here both lookups are retried for
    up to 10 s before the transaction counts as dropped.
    """
    if required_confs < 1:
        return
    if self.confirmations > required_confs:
        return
    if self.nonce is not None:
        while web3.eth.get_transaction_count(str(self.sender)) <= self.nonce:
            time.sleep(0.05)
    deadline = time.monotonic() + 10
    while True:
        try:
            tx = web3.eth.get_transaction(self.txid)
            break
        except TransactionNotFound:
            if self.nonce is not None and time.monotonic() > deadline:
                self.status = Status(-2)
                self._confirmed.set()
                return
            time.sleep(0.05)
    while True:
        try:
            web3.eth.get_transaction_receipt(self.txid)
            break
        except TransactionNotFound:
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
    self._await_confirmation(tx["blockNumber"], required_confs)


TransactionReceipt.wait = _wait_through_indexing_lag  # type: ignore[method-assign]

_brownie_await_confirmation = TransactionReceipt._await_confirmation


def _await_confirmation_through_indexing_lag(
    self: TransactionReceipt, block_number: int | None = None, required_confs: int = 1
) -> None:
    """Brownie's confirmation thread, which every sent transaction runs, with the same race closed.

    Brownie asks for the sender's nonce, then for the receipt, and calls the transaction dropped when the nonce has
    passed it but the receipt is unknown: exactly anvil's indexing lag (CI saw "Tx dropped without known replacement"
    on a plain ``approve``). Here the receipt is awaited first; the transaction counts as dropped only when its receipt
    is still unknown 10 s after the nonce passed it.
    """
    if self.nonce is not None:
        passed_at: float | None = None
        while True:
            try:
                if web3.eth.get_transaction_receipt(self.txid)["blockHash"] is not None:
                    break
            except TransactionNotFound:
                pass
            if web3.eth.get_transaction_count(str(self.sender)) > self.nonce:
                passed_at = passed_at or time.monotonic()
                if time.monotonic() - passed_at > 10:
                    break
            time.sleep(0.05)
    _brownie_await_confirmation(self, block_number, required_confs)


TransactionReceipt._await_confirmation = _await_confirmation_through_indexing_lag  # type: ignore[method-assign]


def pytest_configure(config: pytest.Config) -> None:
    # Brownie's own fixtures and chain.sleep call rpc.snapshot/revert/sleep and warn about it every time.
    config.addinivalue_line("filterwarnings", r"ignore:rpc\.\w+ should not be called directly:FutureWarning")


@pytest.fixture(scope="module", autouse=True)
def _module_isolation(module_isolation: None) -> None:
    """A fresh chain per module."""


@pytest.fixture(autouse=True)
def _fn_isolation(fn_isolation: None) -> None:
    """Each test starts from the snapshot taken after the module fixtures."""


@pytest.fixture(scope="session")
def admin(accounts: Any) -> Any:
    return accounts[0]


@pytest.fixture(scope="session")
def registrar(accounts: Any) -> Any:
    return accounts[1]


@pytest.fixture(scope="session")
def guardian(accounts: Any) -> Any:
    return accounts[2]


@pytest.fixture(scope="session")
def alice(accounts: Any) -> Any:
    return accounts[3]


@pytest.fixture(scope="session")
def bob(accounts: Any) -> Any:
    return accounts[4]


@pytest.fixture(scope="session")
def carol(accounts: Any) -> Any:
    return accounts[5]


@pytest.fixture(scope="session")
def stranger(accounts: Any) -> Any:
    return accounts[6]


@pytest.fixture(scope="session")
def operator(accounts: Any) -> Any:
    return accounts[7]


@pytest.fixture(scope="session")
def attacker(accounts: Any) -> Any:
    return accounts[8]


@pytest.fixture(scope="session")
def voucher_signer(accounts: Any) -> Any:
    """A registrar (granted in ``registry``) whose private key the tests hold, to sign EIP-712 vouchers."""
    return accounts.add(VOUCHER_SIGNER_KEY)


@pytest.fixture(scope="session")
def rogue_signer(accounts: Any) -> Any:
    """A key without any role."""
    return accounts.add(ROGUE_SIGNER_KEY)


@pytest.fixture(scope="session")
def attestor(accounts: Any) -> Any:
    return accounts.add(ATTESTOR_KEY)


@pytest.fixture(scope="session")
def registrar_attestor(accounts: Any) -> Any:
    return accounts.add(REGISTRAR_ATTESTOR_KEY)


@pytest.fixture(scope="session")
def verifier(accounts: Any) -> Any:
    return accounts.add(VERIFIER_KEY)


@pytest.fixture(scope="session")
def lock_keeper(accounts: Any) -> Any:
    return accounts.add(LOCK_KEEPER_KEY)


@pytest.fixture(scope="session")
def arbitrator(accounts: Any) -> Any:
    return accounts[9]


@pytest.fixture(scope="module")
def fund_keyed_accounts(admin: Any, attestor: Any, registrar_attestor: Any, verifier: Any, lock_keeper: Any) -> None:
    """The keyed accounts send transactions too: give them ether on the module's fresh chain (a folder's conftest or
    a module requests it from an autouse fixture)."""
    for account in (attestor, registrar_attestor, verifier, lock_keeper):
        admin.transfer(account, 10 * 10**18)


@pytest.fixture(scope="module")
def registry(
    IPRegistry: Any,  # noqa: N803
    admin: Any,
    registrar: Any,
    guardian: Any,
    voucher_signer: Any,
) -> Any:
    contract = IPRegistry.deploy(admin, {"from": admin})
    contract.grantRole(REGISTRAR_ROLE, registrar, {"from": admin})
    contract.grantRole(REGISTRAR_ROLE, voucher_signer, {"from": admin})
    contract.grantRole(GUARDIAN_ROLE, guardian, {"from": admin})
    return contract


@pytest.fixture
def new_registration() -> Callable[..., Registration]:
    """Factory of distinct valid registrations; keyword arguments override fields."""

    def make(**overrides: Any) -> Registration:
        return make_registration(next(_serial), **overrides)

    return make


@pytest.fixture
def registration(new_registration: Callable[..., Registration]) -> Registration:
    return new_registration()


@pytest.fixture
def token(registry: Any, registrar: Any, alice: Any, registration: Registration) -> int:
    """``registration`` registered by ``registrar`` to ``alice``; its token id."""
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    return registration.right_id


@pytest.fixture
def claimed(registry: Any, alice: Any, registration: Registration) -> int:
    """``registration`` self-declared by ``alice`` (commit-reveal); its token id."""
    return self_declare(registry, alice, registration)


@pytest.fixture
def claim_of(registry: Any, new_registration: Callable[..., Registration]) -> Callable[[Any], int]:
    """Self-declares a fresh right for ``claimant``; its token id."""

    def make(claimant: Any) -> int:
        return self_declare(registry, claimant, new_registration())

    return make
