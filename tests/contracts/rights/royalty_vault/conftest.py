"""Fixtures for the royalty tests (on top of ../../conftest.py: chain isolation, the cast of accounts, the IP
``registry``).

The deployment is the production one, all by ``admin``: ``licenses`` (LicenseRegistry over ``registry``),
``royalty_vault`` (RoyaltyVault over both), ``vault`` (FractionVault naming the royalty vault), then
``royalty_vault.setFractionVault(vault)``. ``compliance`` is deployed as in ../../shares (``officer`` holds the
officer role).

Extra cast: ``licensee`` (the account ../../conftest.py calls ``operator``) holds the licences and pays the
royalties, in ``usd`` (TestStablecoin, 6 decimals) unless a test says otherwise. ``alice`` owns the rights; she
grants the licences before any fractionalization (a licence binds later owners, the vault included).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from registry_helpers import address_of, make_registration, now
from royalty_helpers import DAY, REPORT, Terms
from share_helpers import COMPLIANCE_OFFICER_ROLE, SUPPLY

# Rights registered here use serials far from those of ../../conftest.py and the other folders.
_serial = itertools.count(800_000)


@pytest.fixture(scope="session")
def officer(accounts: Any) -> Any:
    return accounts[9]


@pytest.fixture(scope="session")
def licensee(accounts: Any) -> Any:
    return accounts[7]


@pytest.fixture(scope="module")
def compliance(ComplianceRegistry: Any, admin: Any, officer: Any) -> Any:  # noqa: N803
    contract = ComplianceRegistry.deploy(admin, {"from": admin})
    contract.grantRole(COMPLIANCE_OFFICER_ROLE, officer, {"from": admin})
    return contract


@pytest.fixture(scope="module")
def usd(TestStablecoin: Any, admin: Any) -> Any:  # noqa: N803
    return TestStablecoin.deploy({"from": admin})


@pytest.fixture(scope="module")
def licenses(LicenseRegistry: Any, registry: Any, admin: Any) -> Any:  # noqa: N803
    return LicenseRegistry.deploy(registry, {"from": admin})


@pytest.fixture(scope="module")
def royalty_vault(RoyaltyVault: Any, registry: Any, licenses: Any, admin: Any) -> Any:  # noqa: N803
    return RoyaltyVault.deploy(registry, licenses, {"from": admin})


@pytest.fixture(scope="module")
def vault(FractionVault: Any, registry: Any, compliance: Any, royalty_vault: Any, admin: Any) -> Any:  # noqa: N803
    """The fraction vault whose share tokens take royalties from ``royalty_vault`` (set there too)."""
    contract = FractionVault.deploy(registry, compliance, royalty_vault, {"from": admin})
    royalty_vault.setFractionVault(contract, {"from": admin})
    return contract


@pytest.fixture(scope="module")
def new_right(registry: Any, registrar: Any) -> Callable[[Any], int]:
    """Registers a fresh right to ``owner``; its token id."""

    def register(owner: Any) -> int:
        registration = make_registration(next(_serial))
        registry.register(owner, registration.as_tuple(), {"from": registrar})
        return registration.right_id

    return register


@pytest.fixture(scope="module")
def grant(licenses: Any, licensee: Any, usd: Any) -> Callable[..., int]:
    """``owner`` grants a licence of ``token_id`` (to ``licensee``, royalties in ``usd`` by default); its id."""

    def run(owner: Any, token_id: int, *, payment_token: Any = None, **overrides: Any) -> int:
        terms = Terms(
            licensee=address_of(overrides.pop("to", licensee)),
            payment_token=address_of(payment_token or usd),
            start=overrides.pop("start", now() - DAY),
            **overrides,
        )
        return int(licenses.grant(token_id, terms.as_tuple(), {"from": owner}).return_value)

    return run


@pytest.fixture(scope="module")
def fractionalize(registry: Any, vault: Any, ShareToken: Any) -> Callable[..., Any]:  # noqa: N803
    """Approves the vault for ``token_id`` and fractionalizes it as ``owner`` (unrestricted by default); the share
    token."""

    def run(owner: Any, token_id: int, *, supply: int = SUPPLY, restricted: bool = False) -> Any:
        registry.approve(vault, token_id, {"from": owner})
        tx = vault.fractionalize(token_id, "Patent Shares", "PSH", 18, supply, restricted, {"from": owner})
        return ShareToken.at(tx.return_value)

    return run


@pytest.fixture(scope="module")
def pay(royalty_vault: Any, licensee: Any, usd: Any) -> Callable[..., Any]:
    """Mints ``amount`` of ``token`` (default ``usd``) to ``payer`` (default ``licensee``), approves the royalty
    vault and pays it on ``license_id``; the transaction."""

    def run(license_id: int, amount: int, *, token: Any = None, payer: Any = None, report: bytes = REPORT) -> Any:
        token, payer = token or usd, payer or licensee
        token.mint(payer, amount, {"from": payer})
        token.approve(royalty_vault, amount, {"from": payer})
        return royalty_vault.pay(license_id, amount, report, {"from": payer})

    return run
