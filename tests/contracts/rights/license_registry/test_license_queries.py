"""isLicensed and isActive: "is X licensed for territory T and field F at time t", dimension by dimension.

A licence covers (licensee, territory, field, time) when it names that licensee, is in force at the time (started,
not ended, not yet revoked), covers the territory (worldwide, or lists it; asking for territory zero means
"worldwide" and only a worldwide licence covers that) and the field (every field, or that field; asking for field
zero means "every field" and only an all-fields licence covers that).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from brownie import chain
from license_helpers import (
    AGRI,
    DAY,
    EXCLUSIVE,
    PHARMA,
    REASON,
    SOLE,
    YEAR,
    Terms,
    licensed_by,
    reverts,
)
from registry_helpers import ZERO_BYTES32, mine_block, now

WORLDWIDE = b"\x00\x00"


@pytest.fixture
def period(right: int, grant: Callable[..., Any], bob: Any) -> tuple[int, int]:
    """Licence 1: ``bob``, sole, DE + FR, pharmaceuticals, from a day ahead for a year; (start, end)."""
    start = now() + DAY
    end = start + YEAR
    grant(right, Terms(bob, exclusivity=SOLE, territories=(b"FR", b"DE"), field=PHARMA, start=start, end=end))
    return start, end


# ------------------------------------------------------------------------------------------- each dimension


@pytest.mark.parametrize(
    ("territory", "expected"), [(b"DE", True), (b"FR", True), (b"IT", False), (b"DF", False), (WORLDWIDE, False)]
)
def test_is_licensed_by_territory(
    licenses: Any, right: int, period: tuple[int, int], bob: Any, territory: bytes, expected: bool
) -> None:
    result = licensed_by(licenses, right, bob, territory, PHARMA, period[0])
    assert result == ((True, 1) if expected else (False, 0))


@pytest.mark.parametrize(
    ("field", "expected"), [(PHARMA, True), (AGRI, False), (ZERO_BYTES32, False)], ids=["same", "other", "all"]
)
def test_is_licensed_by_field(
    licenses: Any, right: int, period: tuple[int, int], bob: Any, field: bytes, expected: bool
) -> None:
    """A field licence does not cover "every field"."""
    assert licensed_by(licenses, right, bob, b"DE", field, period[0])[0] is expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [("start - 1", False), ("start", True), ("end - 1", True), ("end", False), ("0", False)],
)
def test_is_licensed_by_time(
    licenses: Any, right: int, period: tuple[int, int], bob: Any, at: str, expected: bool
) -> None:
    """The period is [start, end): in force from its first second up to, not including, its end."""
    start, end = period
    time = {"start - 1": start - 1, "start": start, "end - 1": end - 1, "end": end, "0": 0}[at]
    assert licensed_by(licenses, right, bob, b"FR", PHARMA, time)[0] is expected
    assert licenses.isActive(1, time) is expected


def test_is_licensed_by_licensee(licenses: Any, right: int, period: tuple[int, int], alice: Any, carol: Any) -> None:
    """Neither another licensee nor the owner is covered by bob's licence."""
    for other in (alice, carol):
        assert licensed_by(licenses, right, other, b"DE", PHARMA, period[0]) == (False, 0)


def test_is_licensed_on_another_right(
    licenses: Any, new_right: Callable[..., int], period: tuple[int, int], alice: Any, bob: Any
) -> None:
    assert licensed_by(licenses, new_right(alice), bob, b"DE", PHARMA, period[0]) == (False, 0)
    assert licensed_by(licenses, 424242, bob, b"DE", PHARMA, period[0]) == (False, 0)


def test_worldwide_all_fields_open_ended_licence_covers_everything(
    licenses: Any, right: int, grant: Callable[..., Any], bob: Any
) -> None:
    start = now()
    grant(right, Terms(bob, exclusivity=EXCLUSIVE, start=start))
    for territory in (b"DE", b"AA", b"ZZ", WORLDWIDE):
        for field in (PHARMA, AGRI, ZERO_BYTES32):
            for time in (start, start + 100 * YEAR, 2**256 - 1):
                assert licensed_by(licenses, right, bob, territory, field, time) == (True, 1)
    assert licensed_by(licenses, right, bob, b"DE", PHARMA, start - 1) == (False, 0)


@pytest.mark.parametrize("territory", [b"de", b"D1", b"\x00D", b"D\x00", b"[A"])
def test_is_licensed_invalid_territory_reverts(
    licenses: Any, right: int, period: tuple[int, int], bob: Any, territory: bytes
) -> None:
    with reverts("InvalidTerritory", territory):
        licenses.isLicensed(right, bob, territory, PHARMA, period[0])


def test_is_licensed_returns_the_oldest_covering_licence(
    licenses: Any, right: int, grant: Callable[..., Any], bob: Any, carol: Any
) -> None:
    grant(right, Terms(bob, territories=(b"DE",), field=PHARMA))  # 1
    grant(right, Terms(carol))  # 2: another licensee
    grant(right, Terms(bob))  # 3: worldwide, every field
    grant(right, Terms(bob, territories=(b"FR",)))  # 4
    t = now()
    assert licensed_by(licenses, right, bob, b"DE", PHARMA, t) == (True, 1)
    assert licensed_by(licenses, right, bob, b"DE", AGRI, t) == (True, 3)
    assert licensed_by(licenses, right, bob, b"FR", AGRI, t) == (True, 3)
    assert licensed_by(licenses, right, carol, b"FR", AGRI, t) == (True, 2)


def test_is_licensed_skips_a_revoked_licence_for_a_later_one(
    licenses: Any, right: int, grant: Callable[..., Any], alice: Any, bob: Any
) -> None:
    grant(right, Terms(bob, territories=(b"DE",)))
    grant(right, Terms(bob))
    licenses.revoke(1, REASON, {"from": alice})
    assert licensed_by(licenses, right, bob, b"DE", PHARMA, now()) == (True, 2)


# ------------------------------------------------------------------------------------------- expiry


def test_licence_expires_by_the_clock(
    licenses: Any, right: int, grant: Callable[..., Any], bob: Any, carol: Any
) -> None:
    """Expiry needs no transaction: once the chain's clock passes the end, the licence covers nothing."""
    end = now() + DAY
    grant(right, Terms(bob, exclusivity=EXCLUSIVE, end=end))
    assert licensed_by(licenses, right, bob, b"DE", PHARMA, now()) == (True, 1)
    assert licenses.isActive(1, now())
    chain.sleep(DAY + 60)
    mine_block()
    assert now() > end
    assert licensed_by(licenses, right, bob, b"DE", PHARMA, now()) == (False, 0)
    assert not licenses.isActive(1, now())
    assert licenses.isActive(1, end - 1)
    assert licenses.licenseOf(1)["revokedAt"] == 0


def test_is_active_before_the_start(licenses: Any, period: tuple[int, int]) -> None:
    assert not licenses.isActive(1, now())
    assert licenses.isActive(1, period[0])


def test_is_active_after_revocation_only_for_the_past(
    licenses: Any, right: int, grant: Callable[..., Any], alice: Any, bob: Any
) -> None:
    grant(right, Terms(bob))
    revoked_at = licenses.revoke(1, REASON, {"from": alice}).timestamp
    assert licenses.isActive(1, revoked_at - 1)
    assert not licenses.isActive(1, revoked_at)
    assert not licenses.isActive(1, revoked_at + YEAR)
