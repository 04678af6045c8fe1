"""Fixtures of the share and market tests (contracts/shares/, contracts/market/), on top of conftest.py beside this
file (chain isolation, the cast of accounts, the IP ``registry``). ``shares/conftest.py`` and ``market/conftest.py``
import them all; a module-scoped autouse fixture among them funds the keyed accounts, so they are imported by those
two folders only, never registered globally.

Extra cast: ``officer`` holds only the compliance officer role (``admin`` deployed the compliance registry and
holds it too); ``venue`` and ``venue2`` are an exchange's venue wallets; ``maker`` and ``maker2`` are accounts
whose private keys the tests hold, to sign orders and permits. ``alice`` is the issuer: she owns the rights
that get fractionalized. In the module-scoped ``investors`` setup ``alice`` (US) and ``bob`` (DE) are verified
investors, ``carol`` is unknown to the compliance registry.

Nothing here depends on the network's name: the chain id is read from the node.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from registry_helpers import ZERO_ADDRESS, make_registration, now
from share_helpers import (
    COMPLIANCE_OFFICER_ROLE,
    EVIDENCE,
    MAKER2_KEY,
    MAKER_KEY,
    ONE,
    SUPPLY,
    VENUE2_KEY,
    VENUE_HASH,
    VERIFIED_FOR,
)

# Rights registered here use serials far from the ones conftest.py hands out, so both can share a chain.
_serial = itertools.count(700_000)


@pytest.fixture(scope="session")
def officer(accounts: Any) -> Any:
    return accounts[9]


@pytest.fixture(scope="session")
def venue(accounts: Any) -> Any:
    """An exchange's venue wallet (the account ../conftest.py calls ``operator``)."""
    return accounts[7]


@pytest.fixture(scope="session")
def maker(accounts: Any) -> Any:
    return accounts.add(MAKER_KEY)


@pytest.fixture(scope="session")
def maker2(accounts: Any) -> Any:
    return accounts.add(MAKER2_KEY)


@pytest.fixture(scope="session")
def venue2(accounts: Any) -> Any:
    """A second venue wallet (another exchange)."""
    return accounts.add(VENUE2_KEY)


@pytest.fixture(scope="module", autouse=True)
def _fund_keyed_accounts(admin: Any, maker: Any, maker2: Any, venue2: Any) -> None:
    """The keyed accounts send transactions too: give them ether on every fresh chain."""
    for account in (maker, maker2, venue2):
        admin.transfer(account, 10 * ONE)


@pytest.fixture(scope="module")
def compliance(ComplianceRegistry: Any, admin: Any, officer: Any) -> Any:  # noqa: N803
    contract = ComplianceRegistry.deploy(admin, {"from": admin})
    contract.grantRole(COMPLIANCE_OFFICER_ROLE, officer, {"from": admin})
    return contract


@pytest.fixture(scope="module")
def vault(FractionVault: Any, registry: Any, compliance: Any, admin: Any) -> Any:  # noqa: N803
    """A vault without a royalty vault: these share tokens take no royalties (see ../royalties)."""
    return FractionVault.deploy(registry, compliance, ZERO_ADDRESS, {"from": admin})


@pytest.fixture(scope="module")
def new_right(registry: Any, registrar: Any) -> Callable[[Any], int]:
    """Registers a fresh right to ``owner``; its token id."""

    def register(owner: Any) -> int:
        registration = make_registration(next(_serial))
        registry.register(owner, registration.as_tuple(), {"from": registrar})
        return registration.right_id

    return register


@dataclass(frozen=True)
class Fractionalized:
    shares: Any
    token_id: int
    tx: Any


@pytest.fixture(scope="module")
def fractionalize(registry: Any, vault: Any, ShareToken: Any) -> Callable[..., Fractionalized]:  # noqa: N803
    """Approves the vault for ``token_id`` and fractionalizes it as ``owner`` (with ``buyout_threshold``: the
    overload that sets the shares' buyout threshold)."""

    def run(
        owner: Any,
        token_id: int,
        *,
        supply: int = SUPPLY,
        restricted: bool = False,
        name: str = "Patent US-1 Shares",
        symbol: str = "PUS1",
        decimals: int = 18,
        buyout_threshold: int | None = None,
    ) -> Fractionalized:
        registry.approve(vault, token_id, {"from": owner})
        args = (token_id, name, symbol, decimals, supply, restricted)
        if buyout_threshold is not None:  # the seven-argument overload
            args = (*args, buyout_threshold)
        tx = vault.fractionalize(*args, {"from": owner})
        return Fractionalized(ShareToken.at(tx.return_value), token_id, tx)

    return run


@pytest.fixture(scope="module")
def investors(compliance: Any, officer: Any, alice: Any, bob: Any) -> int:
    """``alice`` (US) and ``bob`` (DE) verified for ten years; the expiry."""
    expires_at = now() + VERIFIED_FOR
    compliance.verifyInvestor(alice, b"US", expires_at, EVIDENCE, {"from": officer})
    compliance.verifyInvestor(bob, b"DE", expires_at, EVIDENCE, {"from": officer})
    return expires_at


@pytest.fixture(scope="module")
def venues(compliance: Any, officer: Any, venue: Any, venue2: Any) -> None:
    compliance.registerVenue(venue, VENUE_HASH, {"from": officer})
    compliance.registerVenue(venue2, VENUE_HASH, {"from": officer})


@pytest.fixture(scope="module")
def open_shares(fractionalize: Callable[..., Fractionalized], new_right: Callable[[Any], int], alice: Any) -> Any:
    """An unrestricted share token: all SUPPLY held by ``alice``."""
    return fractionalize(alice, new_right(alice)).shares


@pytest.fixture(scope="module")
def restricted_shares(
    fractionalize: Callable[..., Fractionalized],
    new_right: Callable[[Any], int],
    alice: Any,
    investors: int,
    venues: None,
) -> Any:
    """A restricted share token: all SUPPLY held by ``alice``; ``alice``, ``bob`` and both venues eligible."""
    return fractionalize(alice, new_right(alice), restricted=True, name="Patent US-2 Shares", symbol="PUS2").shares
