"""LicenseRegistry: the cap on live licences per right, and the pruning that keeps `grant` bounded.

A grant compares the new licence with the right's live licences only (neither revoked nor ended); dead ones are
dropped from that list as the scan meets them, and at most MAX_LICENSES_PER_RIGHT live ones are kept. The full
history stays in `licensesOf`. Without this, a holder could grant and revoke thousands of licences and sell a right
on which no grant fits in a block any more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from brownie import chain
from license_helpers import DAY, EXCLUSIVE, REASON, Terms, license_ids, reverts
from registry_helpers import now

CAP = 64


def _fill(grant: Callable[..., Any], right: int, licensee: Any, count: int, **terms: Any) -> list[int]:
    return [int(grant(right, Terms(licensee, **terms)).return_value) for _ in range(count)]


def test_cap_constant(licenses: Any) -> None:
    assert licenses.MAX_LICENSES_PER_RIGHT() == CAP


def test_grant_beyond_the_live_cap_reverts(grant: Callable[..., Any], right: int, bob: Any) -> None:
    _fill(grant, right, bob, CAP)
    with reverts("TooManyLicenses", right, CAP):
        grant(right, Terms(bob))


def test_revoked_licence_frees_a_place_and_history_is_kept(
    licenses: Any, grant: Callable[..., Any], right: int, alice: Any, bob: Any
) -> None:
    ids = _fill(grant, right, bob, CAP)
    licenses.revoke(ids[10], REASON, {"from": alice})
    new = int(grant(right, Terms(bob)).return_value)
    assert license_ids(licenses, right) == [*ids, new]
    with reverts("TooManyLicenses", right, CAP):
        grant(right, Terms(bob))


def test_ended_licences_free_their_places(grant: Callable[..., Any], right: int, bob: Any) -> None:
    _fill(grant, right, bob, CAP, end=now() + DAY)
    chain.sleep(DAY + 1)
    _fill(grant, right, bob, CAP)


def test_grant_gas_stays_flat_after_many_dead_licences(
    licenses: Any, grant: Callable[..., Any], right: int, alice: Any, bob: Any
) -> None:
    """The first grant after the pruning pays for it once; the next reads no dead licence."""
    first = grant(right, Terms(bob)).gas_used
    ids = _fill(grant, right, bob, CAP - 1)
    for license_id in [*ids, 1]:
        licenses.revoke(license_id, REASON, {"from": alice})
    grant(right, Terms(bob))
    after = grant(right, Terms(bob)).gas_used
    assert after < first


def test_conflict_after_pruning_still_names_the_oldest_live_licence(
    licenses: Any, grant: Callable[..., Any], right: int, alice: Any, bob: Any, carol: Any
) -> None:
    ids = _fill(grant, right, bob, 4)
    licenses.revoke(ids[0], REASON, {"from": alice})
    licenses.revoke(ids[2], REASON, {"from": alice})
    with reverts("LicenseConflict", ids[1]):
        grant(right, Terms(carol, exclusivity=EXCLUSIVE))
