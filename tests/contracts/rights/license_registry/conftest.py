"""Fixtures for the licence registry tests (on top of ../../conftest.py: chain isolation, the cast of accounts, the IP
``registry`` and ``token``, a right registered to ``alice``).

Extra cast: ``alice`` owns the rights and grants licences; ``bob`` and ``carol`` are licensees; ``registrar`` holds
the registry's REGISTRAR_ROLE (and may revoke any licence); ``operator`` holds the registry's DISPUTE_ROLE here.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from eth_utils import keccak
from license_helpers import Terms
from registry_helpers import make_registration

DISPUTE_ROLE = keccak(text="DISPUTE_ROLE")

# Rights registered here use serials far from those of ../../conftest.py and shares/, so all can share a chain.
_serial = itertools.count(900_000)


@pytest.fixture(scope="module")
def licenses(LicenseRegistry: Any, registry: Any, admin: Any, operator: Any) -> Any:  # noqa: N803
    """The licence registry over ``registry``; ``operator`` also gets the registry's dispute role."""
    registry.grantRole(DISPUTE_ROLE, operator, {"from": admin})
    return LicenseRegistry.deploy(registry, {"from": admin})


@pytest.fixture(scope="module")
def stablecoin(TestStablecoin: Any, admin: Any) -> Any:  # noqa: N803
    """A payment token for royalty-bearing licences."""
    return TestStablecoin.deploy({"from": admin})


@pytest.fixture(scope="module")
def new_right(registry: Any, registrar: Any) -> Callable[..., int]:
    """Registers a fresh right to ``owner`` (keyword arguments override Registration fields); its token id."""

    def register(owner: Any, **overrides: Any) -> int:
        registration = make_registration(next(_serial), **overrides)
        registry.register(owner, registration.as_tuple(), {"from": registrar})
        return registration.right_id

    return register


@pytest.fixture
def right(new_right: Callable[..., int], alice: Any) -> int:
    """A right held by ``alice``."""
    return new_right(alice)


@pytest.fixture
def grant(licenses: Any, alice: Any) -> Callable[..., Any]:
    """Grants ``terms`` on ``token_id`` as ``sender`` (``alice`` by default); the transaction."""

    def run(token_id: int, terms: Terms, sender: Any = None) -> Any:
        return licenses.grant(token_id, terms.as_tuple(), {"from": sender or alice})

    return run
