"""Fixtures the rights modules share (on top of ../conftest.py: chain isolation, the cast of accounts, the IP
``registry`` and its ``token`` held by ``alice``, the keyed rights cast and ``claimed``).

- ``attestations``: the attestation registry, holding the registry's VERIFIER_ROLE; ``attestor`` holds the attestor
  role, ``registrar_attestor`` holds it too and is a registrar of the registry.
- ``disputes``: the dispute manager, holding the registry's REGISTRAR_ROLE and DISPUTE_ROLE; ``arbitrator`` holds its
  arbitrator role; ``bob`` and ``carol`` raise disputes: each holds 100 bonds of tUSD and approved the manager for
  all of it.
- ``stablecoin``: tUSD (TestStablecoin), the bond token.

Nothing here is autouse: the attestation and dispute folders fund the keyed accounts in their own conftest.py; the
licence and royalty folders deploy their own modules. Nothing depends on the network's name: the chain id is read
from the node.
"""

from __future__ import annotations

from typing import Any

import pytest
from dispute_helpers import (
    ARBITRATOR_ROLE,
    ATTESTOR_ROLE,
    BOND,
    DISPUTE_ROLE,
    REGISTRAR_ROLE,
    VERIFIER_ROLE,
)


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
