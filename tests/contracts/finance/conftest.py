"""Fixtures of the LoanDesk tests (contracts/finance/), on top of ../conftest.py (chain isolation, the cast, the IP
``registry``).

The whole system a loan touches: the ``registry``; the ``compliance`` registry (``officer`` holds its officer role);
the ``licenses`` registry and the ``royalties`` vault; the fraction ``vault``; the loan ``desk``, holding the
registry's PLEDGE_ROLE (as a deployment grants it); ``usd`` (TestStablecoin, six decimals), the currency lent.

Cast: ``lender`` and ``lender2`` are keyed accounts (``LENDER_KEY``, ``LENDER2_KEY``) that sign offers; each holds
``FUNDS`` tUSD and approved the desk for all of it. ``alice`` is the borrower: she owns ``right``, a Chinese patent
(CN numbering), and ``right2``, and holds all of ``shares`` (an unrestricted share token of a third right) and of
``restricted_shares`` (a restricted one: ``alice`` and ``bob`` verified investors, ``carol`` not, the desk a venue
wallet). ``bob`` and ``carol`` bid; each holds ``FUNDS`` tUSD and approved the desk; ``alice`` holds ``FUNDS`` tUSD
too, to repay. ``dispute_keeper`` holds the registry's DISPUTE_ROLE. ``offer(...)`` builds the lender's terms on
``right`` (keywords override), ``open_loan(...)`` signs and accepts them as ``alice``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from loan_helpers import (
    DISPUTE_ROLE,
    FUNDS,
    LENDER2_KEY,
    LENDER_KEY,
    PLEDGE_ROLE,
    PRINCIPAL,
    Terms,
    make_terms,
    sign_terms,
)
from registry_helpers import make_registration, now
from share_helpers import COMPLIANCE_OFFICER_ROLE, EVIDENCE, MAX_UINT256, SUPPLY, VENUE_HASH, VERIFIED_FOR

_serial = itertools.count(800_000)  # rights of this folder (../conftest.py counts from 1)
_nonce = itertools.count(1)


@pytest.fixture(scope="session")
def lender(accounts: Any) -> Any:
    return accounts.add(LENDER_KEY)


@pytest.fixture(scope="session")
def lender2(accounts: Any) -> Any:
    return accounts.add(LENDER2_KEY)


@pytest.fixture(scope="session")
def officer(accounts: Any) -> Any:
    return accounts[9]


@pytest.fixture(scope="session")
def dispute_keeper(accounts: Any) -> Any:
    return accounts[7]


@pytest.fixture(scope="module")
def compliance(ComplianceRegistry: Any, admin: Any, officer: Any) -> Any:  # noqa: N803
    contract = ComplianceRegistry.deploy(admin, {"from": admin})
    contract.grantRole(COMPLIANCE_OFFICER_ROLE, officer, {"from": admin})
    return contract


@pytest.fixture(scope="module")
def licenses(LicenseRegistry: Any, registry: Any, admin: Any) -> Any:  # noqa: N803
    return LicenseRegistry.deploy(registry, {"from": admin})


@pytest.fixture(scope="module")
def royalties(RoyaltyVault: Any, registry: Any, licenses: Any, admin: Any) -> Any:  # noqa: N803
    return RoyaltyVault.deploy(registry, licenses, {"from": admin})


@pytest.fixture(scope="module")
def vault(FractionVault: Any, registry: Any, compliance: Any, royalties: Any, admin: Any) -> Any:  # noqa: N803
    contract = FractionVault.deploy(registry, compliance, royalties, {"from": admin})
    royalties.setFractionVault(contract, {"from": admin})
    return contract


@pytest.fixture(scope="module")
def desk(LoanDesk: Any, registry: Any, vault: Any, admin: Any, dispute_keeper: Any) -> Any:  # noqa: N803
    contract = LoanDesk.deploy(registry, vault, {"from": admin})
    registry.grantRole(PLEDGE_ROLE, contract, {"from": admin})
    registry.grantRole(DISPUTE_ROLE, dispute_keeper, {"from": admin})
    return contract


@pytest.fixture(scope="module")
def usd(
    TestStablecoin: Any,  # noqa: N803
    desk: Any,
    admin: Any,
    lender: Any,
    lender2: Any,
    alice: Any,
    bob: Any,
    carol: Any,
) -> Any:
    token = TestStablecoin.deploy({"from": admin})
    for keyed in (lender, lender2):
        admin.transfer(keyed, 10 * 10**18)
    for account in (lender, lender2, alice, bob, carol):
        token.mint(account, FUNDS, {"from": admin})
        token.approve(desk, MAX_UINT256, {"from": account})
    return token


@pytest.fixture(scope="module")
def new_right(registry: Any, registrar: Any) -> Callable[..., int]:
    """Registers a fresh right (a Chinese patent unless ``jurisdiction=``) to ``owner``; its token id."""

    def register(owner: Any, jurisdiction: bytes = b"CN") -> int:
        registration = make_registration(next(_serial), jurisdiction=jurisdiction)
        registry.register(owner, registration.as_tuple(), {"from": registrar})
        return registration.right_id

    return register


@pytest.fixture(scope="module")
def right(new_right: Callable[..., int], alice: Any, usd: Any) -> int:
    return new_right(alice)


@pytest.fixture(scope="module")
def right2(new_right: Callable[..., int], alice: Any, right: int) -> int:
    return new_right(alice)


@pytest.fixture(scope="module")
def investors(compliance: Any, officer: Any, alice: Any, bob: Any, desk: Any) -> None:
    """``alice`` and ``bob`` verified investors; the desk a venue wallet (it must receive restricted shares)."""
    expires_at = now() + VERIFIED_FOR
    compliance.verifyInvestor(alice, b"CN", expires_at, EVIDENCE, {"from": officer})
    compliance.verifyInvestor(bob, b"HK", expires_at, EVIDENCE, {"from": officer})
    compliance.registerVenue(desk, VENUE_HASH, {"from": officer})


def _fractionalize(
    registry: Any, vault: Any, share_token: Any, owner: Any, token_id: int, *, restricted: bool, symbol: str
) -> Any:
    registry.approve(vault, token_id, {"from": owner})
    tx = vault.fractionalize(token_id, f"{symbol} Shares", symbol, 18, SUPPLY, restricted, {"from": owner})
    return share_token.at(tx.return_value)


@pytest.fixture(scope="module")
def shares(
    registry: Any,
    vault: Any,
    ShareToken: Any,  # noqa: N803
    new_right: Callable[..., int],
    alice: Any,
    desk: Any,
    right2: int,
    investors: None,
) -> Any:
    """An unrestricted share token: all SUPPLY held by ``alice``, the desk approved for all of it."""
    token = _fractionalize(registry, vault, ShareToken, alice, new_right(alice), restricted=False, symbol="PCN1")
    token.approve(desk, MAX_UINT256, {"from": alice})
    return token


@pytest.fixture(scope="module")
def restricted_shares(
    registry: Any,
    vault: Any,
    ShareToken: Any,  # noqa: N803
    new_right: Callable[..., int],
    alice: Any,
    desk: Any,
    shares: Any,
) -> Any:
    """A restricted share token: all SUPPLY held by ``alice``, the desk approved for all of it."""
    token = _fractionalize(registry, vault, ShareToken, alice, new_right(alice), restricted=True, symbol="PCN2")
    token.approve(desk, MAX_UINT256, {"from": alice})
    return token


@pytest.fixture(scope="module", autouse=True)
def _system(restricted_shares: Any) -> None:
    """Every module deploys the whole cast before its snapshot (tests then revert to it)."""


@pytest.fixture
def offer(desk: Any, lender: Any, registry: Any, right: int, usd: Any) -> Callable[..., Terms]:
    """The lender's terms pledging ``right`` for PRINCIPAL tUSD (a fresh nonce each); keywords override."""

    def make(**overrides: Any) -> Terms:
        base = make_terms(
            lender=lender,
            collateral=registry,
            currency=usd,
            principal=PRINCIPAL,
            collateralId=right,
            nonce=next(_nonce),
        )
        return base.but(**overrides) if overrides else base

    return make


@pytest.fixture
def sign(desk: Any, lender: Any, lender2: Any) -> Callable[..., bytes]:
    """Signs terms with the key of their lender (``lender`` or ``lender2``) unless ``key=`` is given."""
    keys = {lender.address: LENDER_KEY, lender2.address: LENDER2_KEY}

    def run(terms: Terms, key: str | None = None, **domain: Any) -> bytes:
        return sign_terms(key or keys[terms.lender], terms, desk=desk, **domain)

    return run


@pytest.fixture
def open_loan(
    desk: Any, alice: Any, offer: Callable[..., Terms], sign: Callable[..., bytes]
) -> Callable[..., tuple[int, Any, Terms]]:
    """Signs the lender's offer (keywords override ``offer``) and accepts it as ``by`` (``alice``): (loan id, the
    receipt, the terms)."""

    def run(by: Any = None, **overrides: Any) -> tuple[int, Any, Terms]:
        terms = offer(**overrides)
        tx = desk.accept(terms.as_tuple(), sign(terms), {"from": by or alice})
        return int(tx.return_value), tx, terms

    return run
