"""What a pool needs from a share token once the pair, a contract, holds shares: the ERC-7943 views answer what a swap
would do, royalties earned by the pair's shares reach the beneficiary named for it, and ``recover`` refuses to treat
the pair as a lost wallet (it would move the whole pool's shares to the "replacement").

Cast (share_fixtures.py): ``alice`` issues the shares and provides the liquidity, ``bob`` (verified) trades,
``carol`` is unknown to the compliance registry; ``stranger`` pays the royalties (the licensee), ``venue`` collects
the pool's royalties.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from brownie import project
from brownie.exceptions import VirtualMachineError
from eth_abi import decode
from eth_utils import function_abi_to_4byte_selector, keccak
from registry_helpers import address_of, now, revert_data
from share_helpers import ONE, REASON, SUPPLY
from uniswap import POOL_SHARES, USD, Pool, UniswapV2, pool_of

ROYALTY = 10_000 * USD
TERMS_HASH = keccak(text="licence agreement 2026-0017")
REPORT = keccak(text="sales report 2026 Q4")


# ------------------------------------------------------------------------------------------- helpers


def _error_entries() -> dict[bytes, dict[str, Any]]:
    (loaded,) = project.get_loaded_projects()
    entries = [e for name in ("ShareToken", "ComplianceRegistry") for e in loaded[name].abi if e["type"] == "error"]
    return {function_abi_to_4byte_selector(entry): entry for entry in entries}


def assert_refused_naming(exc: VirtualMachineError, account: Any) -> str:
    """The revert is a ShareToken or ComplianceRegistry custom error with ``account`` among its arguments; its name."""
    data = revert_data(exc)
    entry = _error_entries().get(data[:4])
    assert entry is not None, f"not a ShareToken or compliance error: 0x{data.hex()}"
    values = decode([i["type"] for i in entry["inputs"]], data[4:])
    addresses = {address_of(v) for v, i in zip(values, entry["inputs"], strict=True) if i["type"] == "address"}
    assert address_of(account) in addresses, f"{entry['name']}{values} does not name {address_of(account)}"
    return str(entry["name"])


# ------------------------------------------------------------------------------------------- ERC-7943 views


def test_views_of_the_restricted_pool(restricted_pool: Pool, alice: Any, bob: Any, carol: Any) -> None:
    shares, pair = restricted_pool.shares, restricted_pool.pair
    assert shares.canSend(pair) and shares.canReceive(pair)  # a venue
    assert shares.canReceive(bob) and not shares.canReceive(carol)
    assert shares.canTransfer(alice, pair, ONE)
    assert shares.canTransfer(pair, bob, ONE)
    assert not shares.canTransfer(pair, carol, ONE)


def test_views_of_the_open_pool(open_pool: Pool, carol: Any) -> None:
    shares, pair = open_pool.shares, open_pool.pair
    assert shares.canReceive(carol)
    assert shares.canTransfer(pair, carol, ONE)


def test_views_count_the_pairs_frozen_shares(restricted_pool: Pool, officer: Any, bob: Any) -> None:
    shares, pair = restricted_pool.shares, restricted_pool.pair
    shares.freeze(pair, POOL_SHARES - 100 * ONE, REASON, {"from": officer})
    assert shares.canTransfer(pair, bob, 100 * ONE)
    assert not shares.canTransfer(pair, bob, 100 * ONE + 1)


def test_views_agree_with_the_swap(restricted_pool: Pool, bob: Any, carol: Any) -> None:
    pool = restricted_pool
    out = pool.uni.quote(1_000 * USD, pool.usd, pool.shares)
    assert not pool.shares.canTransfer(pool.pair, carol, out)
    with pytest.raises(VirtualMachineError):
        pool.buy(carol, 1_000 * USD)
    assert pool.shares.canTransfer(pool.pair, bob, out)
    pool.buy(bob, 1_000 * USD)
    assert pool.shares.balanceOf(bob) == out


# ------------------------------------------------------------------------------------------- royalties


@pytest.fixture(scope="module")
def licenses(LicenseRegistry: Any, registry: Any, admin: Any) -> Any:  # noqa: N803
    return LicenseRegistry.deploy(registry, {"from": admin})


@pytest.fixture(scope="module")
def royalty_vault(RoyaltyVault: Any, registry: Any, licenses: Any, admin: Any) -> Any:  # noqa: N803
    return RoyaltyVault.deploy(registry, licenses, {"from": admin})


@pytest.fixture(scope="module")
def vault(FractionVault: Any, registry: Any, compliance: Any, royalty_vault: Any, admin: Any) -> Any:  # noqa: N803
    """Overrides share_fixtures' vault for this module: its share tokens take royalties from ``royalty_vault``."""
    contract = FractionVault.deploy(registry, compliance, royalty_vault, {"from": admin})
    royalty_vault.setFractionVault(contract, {"from": admin})
    return contract


@pytest.fixture(scope="module")
def licensed_pool(
    uni: UniswapV2,
    tusd: Any,
    licenses: Any,
    fractionalize: Callable[..., Any],
    new_right: Callable[[Any], int],
    compliance: Any,
    officer: Any,
    investors: int,
    alice: Any,
    stranger: Any,
) -> tuple[Pool, int]:
    """A right licensed to ``stranger`` (royalties in tUSD), then fractionalized into restricted shares and pooled;
    (the pool, the licence id)."""
    right = new_right(alice)
    start = now() - 86_400
    terms = (stranger, TERMS_HASH, 0, [], b"\x00" * 32, start, 0, False, 500, address_of(tusd))
    license_id = int(licenses.grant(right, terms, {"from": alice}).return_value)
    shares = fractionalize(alice, right, restricted=True, name="Patent US-9 Shares", symbol="PUS9").shares
    return pool_of(uni, shares, tusd, alice, venue_by=(compliance, officer)), license_id


def pay_royalty(royalty_vault: Any, tusd: Any, payer: Any, license_id: int, amount: int) -> None:
    tusd.mint(payer, amount, {"from": payer})
    tusd.approve(royalty_vault, amount, {"from": payer})
    royalty_vault.pay(license_id, amount, REPORT, {"from": payer})


def test_the_pools_royalties_reach_its_named_beneficiary(
    licensed_pool: tuple[Pool, int], royalty_vault: Any, officer: Any, stranger: Any, venue: Any, carol: Any
) -> None:
    pool, license_id = licensed_pool
    pool.shares.setRoyaltyBeneficiary(pool.pair, venue, {"from": officer})
    pay_royalty(royalty_vault, pool.usd, stranger, license_id, ROYALTY)
    owed = ROYALTY * POOL_SHARES // SUPPLY
    assert pool.shares.royaltyOwed(pool.pair, pool.usd) == owed
    reserves, balances, before = pool.reserves(), pool.balances(), pool.usd.balanceOf(venue)

    pool.shares.claimRoyaltyFor(pool.pair, pool.usd, {"from": carol})  # anybody may trigger it

    assert pool.usd.balanceOf(venue) - before == owed
    assert pool.shares.royaltyOwed(pool.pair, pool.usd) == 0
    assert pool.reserves() == reserves and pool.balances() == balances  # nothing lands in the pair to be skimmed


def test_a_holder_names_its_own_beneficiary(
    licensed_pool: tuple[Pool, int], royalty_vault: Any, alice: Any, stranger: Any, bob: Any
) -> None:
    pool, license_id = licensed_pool
    pool.shares.setRoyaltyBeneficiary(alice, bob, {"from": alice})
    pay_royalty(royalty_vault, pool.usd, stranger, license_id, ROYALTY)
    owed = pool.shares.royaltyOwed(alice, pool.usd)
    assert owed == ROYALTY * pool.shares.balanceOf(alice) // SUPPLY
    before = pool.usd.balanceOf(bob)
    pool.shares.claimRoyaltyFor(alice, pool.usd, {"from": stranger})
    assert pool.usd.balanceOf(bob) - before == owed


def test_only_the_holder_or_an_officer_names_a_beneficiary(licensed_pool: tuple[Pool, int], carol: Any) -> None:
    pool, _ = licensed_pool
    with pytest.raises(VirtualMachineError) as caught:
        pool.shares.setRoyaltyBeneficiary(pool.pair, carol, {"from": carol})
    assert assert_refused_naming(caught.value, carol) == "NotHolderOrOfficer"


# ------------------------------------------------------------------------------------------- recovery


def test_recover_refuses_the_pair(restricted_pool: Pool, officer: Any, bob: Any) -> None:
    pool = restricted_pool
    before = pool.balances()
    with pytest.raises(VirtualMachineError) as caught:
        pool.shares.recover(pool.pair, bob, REASON, {"from": officer})
    assert assert_refused_naming(caught.value, pool.pair) == "RecoveryOfContract"
    assert pool.balances() == pool.reserves() == before
    assert pool.shares.balanceOf(bob) == 0


def test_recover_still_serves_a_lost_wallet(restricted_pool: Pool, officer: Any, alice: Any, bob: Any) -> None:
    held = restricted_pool.shares.balanceOf(alice)
    restricted_pool.shares.recover(alice, bob, REASON, {"from": officer})
    assert restricted_pool.shares.balanceOf(bob) == held
    assert restricted_pool.shares.balanceOf(alice) == 0
