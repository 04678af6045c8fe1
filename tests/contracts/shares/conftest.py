"""Fixtures of the ComplianceRegistry, FractionVault and ShareToken tests (contracts/shares/): the share fixtures
of ../share_fixtures.py (compliance registry, fraction vault, share tokens, investors, venues, keyed makers), on
top of ../conftest.py."""

from __future__ import annotations

from share_fixtures import (  # noqa: F401 (pytest collects the fixtures among this module's names)
    _fund_keyed_accounts,
    compliance,
    fractionalize,
    investors,
    maker,
    maker2,
    new_right,
    officer,
    open_shares,
    restricted_shares,
    vault,
    venue,
    venue2,
    venues,
)
