"""Fixtures of the SettlementDesk and Uniswap V2 tests (contracts/market/): the share fixtures of
../share_fixtures.py (compliance registry, fraction vault, share tokens, investors, venues, keyed makers), on top of
../conftest.py, and the pool fixtures of uniswap.py beside this file (``uni``: Uniswap V2 deployed; ``tusd``;
``open_pool`` and ``restricted_pool``: the share tokens' pools, the restricted one's pair a venue)."""

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
from uniswap import open_pool, restricted_pool, tusd, uni  # noqa: F401 (the pool fixtures, collected likewise)
