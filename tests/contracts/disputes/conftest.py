"""Fixtures for the attestation, dispute and registry-claim tests (on top of ../conftest.py: chain isolation, the
cast of accounts, the IP ``registry`` and its ``token`` held by ``alice``).

Extra cast:
- ``attestor`` holds the attestor role; ``registrar_attestor`` holds it too and is a registrar of the registry.
  Both are accounts whose private keys the tests hold, to sign attestations.
- ``verifier`` and ``lock_keeper`` are keyed accounts the registry-claim tests grant VERIFIER_ROLE and
  DISPUTE_ROLE to (the attestation registry and the dispute manager hold those roles in the other modules).
- ``arbitrator`` holds the dispute manager's arbitrator role.
- ``bob`` and ``carol`` raise disputes: each holds 100 bonds of tUSD and approved the manager for all of it.

Nothing here depends on the network's name: the chain id is read from the node.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# share_helpers (hostile test tokens compiled on the fly) lives beside ../shares/conftest.py, which puts it on
# sys.path only when pytest collects that folder.
_SHARES_TESTS = str(Path(__file__).resolve().parent.parent / "shares")
if _SHARES_TESTS not in sys.path:
    sys.path.append(_SHARES_TESTS)

from dispute_helpers import (  # noqa: E402
    ARBITRATOR_ROLE,
    ATTESTOR_KEY,
    ATTESTOR_ROLE,
    BOND,
    DISPUTE_ROLE,
    LOCK_KEEPER_KEY,
    REGISTRAR_ATTESTOR_KEY,
    REGISTRAR_ROLE,
    VERIFIER_KEY,
    VERIFIER_ROLE,
    self_declare,
)
from registry_helpers import Registration  # noqa: E402


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


@pytest.fixture(scope="module", autouse=True)
def _fund_keyed_accounts(admin: Any, attestor: Any, registrar_attestor: Any, verifier: Any, lock_keeper: Any) -> None:
    """The keyed accounts send transactions too: give them ether on every fresh chain."""
    for account in (attestor, registrar_attestor, verifier, lock_keeper):
        admin.transfer(account, 10 * 10**18)


@pytest.fixture(scope="module")
def attestations(
    AttestationRegistry: Any,  # noqa: N803
    registry: Any,
    admin: Any,
    attestor: Any,
    registrar_attestor: Any,
) -> Any:
    """The attestation registry, holding the registry's VERIFIER_ROLE (as a deployment grants it)."""
    contract = AttestationRegistry.deploy(registry, admin, {"from": admin})
    registry.grantRole(VERIFIER_ROLE, contract, {"from": admin})
    registry.grantRole(REGISTRAR_ROLE, registrar_attestor, {"from": admin})
    contract.grantRole(ATTESTOR_ROLE, attestor, {"from": admin})
    contract.grantRole(ATTESTOR_ROLE, registrar_attestor, {"from": admin})
    return contract


@pytest.fixture(scope="module")
def stablecoin(TestStablecoin: Any, admin: Any) -> Any:  # noqa: N803
    return TestStablecoin.deploy({"from": admin})


@pytest.fixture(scope="module")
def disputes(
    DisputeManager: Any,  # noqa: N803
    registry: Any,
    stablecoin: Any,
    admin: Any,
    arbitrator: Any,
    bob: Any,
    carol: Any,
) -> Any:
    """The dispute manager with a BOND tUSD bond (forfeited on dismissal, no transfer lock: the constructor's
    defaults), holding the registry's REGISTRAR_ROLE and DISPUTE_ROLE (as a deployment grants them)."""
    contract = DisputeManager.deploy(registry, admin, stablecoin, BOND, {"from": admin})
    registry.grantRole(REGISTRAR_ROLE, contract, {"from": admin})
    registry.grantRole(DISPUTE_ROLE, contract, {"from": admin})
    contract.grantRole(ARBITRATOR_ROLE, arbitrator, {"from": admin})
    for claimant in (bob, carol):
        stablecoin.mint(claimant, 100 * BOND, {"from": admin})
        stablecoin.approve(contract, 100 * BOND, {"from": claimant})
    return contract


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
