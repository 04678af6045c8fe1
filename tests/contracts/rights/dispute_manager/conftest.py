"""Fixtures of the DisputeManager tests (contracts/rights/DisputeManager.sol), on top of ../conftest.py
(``attestations``, ``disputes``, ``stablecoin``) and ../../conftest.py (the cast, the IP ``registry``, ``claimed``)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module", autouse=True)
def _fund_keyed_accounts(fund_keyed_accounts: None) -> None:
    """The keyed accounts (attestors, verifier, lock keeper) send transactions: fund them on every fresh chain."""
