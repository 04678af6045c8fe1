"""The conflict rule: a grant reverts LicenseConflict(id) when an existing licence of the same right that is neither
revoked nor ended overlaps it in territory, field AND period, and either of the two is sole or exclusive.

Each dimension is tested on its own: the variants below change one dimension of BASE (DE + FR, pharmaceuticals,
days 10 to 100) and keep the other two overlapping, so an "overlapping" variant must conflict and a "disjoint" one
must pass, whatever the exclusivity of the new licence.
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
    EXCLUSIVITY_NAMES,
    NON_EXCLUSIVE,
    PHARMA,
    REASON,
    SOLE,
    YEAR,
    Terms,
    license_ids,
    reverts,
)
from registry_helpers import ZERO_BYTES32, mine_block, now

# Offsets in days from the test's start (t0); end None means open-ended.
BASE = {"territories": (b"DE", b"FR"), "field": PHARMA, "start": 10, "end": 100}

OVERLAPPING = {
    "same scope": {},
    "one shared territory": {"territories": (b"FR", b"IT")},
    "worldwide over countries": {"territories": ()},
    "all fields over a field": {"field": ZERO_BYTES32},
    "period inside": {"start": 20, "end": 30},
    "period straddling the start": {"start": 0, "end": 11},
    "period straddling the end": {"start": 99, "end": 200},
    "open-ended from inside": {"start": 50, "end": None},
    "backdated and open-ended": {"start": -1000, "end": None},
}

DISJOINT = {
    "other territories": {"territories": (b"IT", b"ES")},
    "other field": {"field": AGRI},
    "period right after": {"start": 100, "end": 200},
    "period right before": {"start": 0, "end": 10},
}

EXCLUSIVE_KINDS = [SOLE, EXCLUSIVE]
ALL_KINDS = [NON_EXCLUSIVE, SOLE, EXCLUSIVE]


def scope(licensee: Any, exclusivity: int, t0: int, **changes: Any) -> Terms:
    """BASE with ``changes`` (offsets in days from ``t0``) for ``licensee``."""
    spec = {**BASE, **changes}
    return Terms(
        licensee,
        exclusivity=exclusivity,
        territories=spec["territories"],
        field=spec["field"],
        start=t0 + spec["start"] * DAY,
        end=0 if spec["end"] is None else t0 + spec["end"] * DAY,
    )


def kind_id(kind: int) -> str:
    return EXCLUSIVITY_NAMES[kind]


# ------------------------------------------------------------------------------------------- each dimension


@pytest.mark.parametrize("variant", list(OVERLAPPING))
@pytest.mark.parametrize("new_kind", ALL_KINDS, ids=kind_id)
@pytest.mark.parametrize("existing_kind", EXCLUSIVE_KINDS, ids=kind_id)
def test_grant_overlapping_a_sole_or_exclusive_licence_reverts(
    right: int, grant: Callable[..., Any], bob: Any, carol: Any, existing_kind: int, new_kind: int, variant: str
) -> None:
    t0 = now()
    grant(right, scope(bob, existing_kind, t0))
    with reverts("LicenseConflict", 1):
        grant(right, scope(carol, new_kind, t0, **OVERLAPPING[variant]))


@pytest.mark.parametrize("variant", list(DISJOINT))
@pytest.mark.parametrize("new_kind", ALL_KINDS, ids=kind_id)
@pytest.mark.parametrize("existing_kind", EXCLUSIVE_KINDS, ids=kind_id)
def test_grant_disjoint_in_one_dimension_from_a_sole_or_exclusive_licence_passes(
    licenses: Any,
    right: int,
    grant: Callable[..., Any],
    bob: Any,
    carol: Any,
    existing_kind: int,
    new_kind: int,
    variant: str,
) -> None:
    t0 = now()
    grant(right, scope(bob, existing_kind, t0))
    assert grant(right, scope(carol, new_kind, t0, **DISJOINT[variant])).return_value == 2
    assert license_ids(licenses, right) == [1, 2]


@pytest.mark.parametrize("variant", list(OVERLAPPING))
@pytest.mark.parametrize("new_kind", EXCLUSIVE_KINDS, ids=kind_id)
def test_sole_or_exclusive_grant_overlapping_a_non_exclusive_licence_reverts(
    right: int, grant: Callable[..., Any], bob: Any, carol: Any, new_kind: int, variant: str
) -> None:
    """The other order: the existing licence is non-exclusive, the new one excludes it."""
    t0 = now()
    grant(right, scope(bob, NON_EXCLUSIVE, t0))
    with reverts("LicenseConflict", 1):
        grant(right, scope(carol, new_kind, t0, **OVERLAPPING[variant]))


@pytest.mark.parametrize("variant", list(DISJOINT))
@pytest.mark.parametrize("new_kind", EXCLUSIVE_KINDS, ids=kind_id)
def test_sole_or_exclusive_grant_disjoint_from_a_non_exclusive_licence_passes(
    right: int, grant: Callable[..., Any], bob: Any, carol: Any, new_kind: int, variant: str
) -> None:
    t0 = now()
    grant(right, scope(bob, NON_EXCLUSIVE, t0))
    assert grant(right, scope(carol, new_kind, t0, **DISJOINT[variant])).return_value == 2


@pytest.mark.parametrize("variant", list(OVERLAPPING))
def test_non_exclusive_licences_never_conflict(
    licenses: Any, right: int, grant: Callable[..., Any], bob: Any, carol: Any, variant: str
) -> None:
    t0 = now()
    grant(right, scope(bob, NON_EXCLUSIVE, t0))
    grant(right, scope(carol, NON_EXCLUSIVE, t0, **OVERLAPPING[variant]))
    grant(right, scope(bob, NON_EXCLUSIVE, t0, **OVERLAPPING[variant]))
    assert license_ids(licenses, right) == [1, 2, 3]


# ------------------------------------------------------------------------------------------- broad existing licences


@pytest.mark.parametrize("existing_kind", EXCLUSIVE_KINDS, ids=kind_id)
def test_worldwide_exclusive_blocks_a_country(
    right: int, grant: Callable[..., Any], bob: Any, carol: Any, existing_kind: int
) -> None:
    grant(right, Terms(bob, exclusivity=existing_kind))
    with reverts("LicenseConflict", 1):
        grant(right, Terms(carol, territories=(b"JP",)))


@pytest.mark.parametrize("existing_kind", EXCLUSIVE_KINDS, ids=kind_id)
def test_all_fields_exclusive_blocks_a_field(
    right: int, grant: Callable[..., Any], bob: Any, carol: Any, existing_kind: int
) -> None:
    grant(right, Terms(bob, exclusivity=existing_kind, territories=(b"JP",)))
    with reverts("LicenseConflict", 1):
        grant(right, Terms(carol, territories=(b"JP",), field=AGRI))


@pytest.mark.parametrize("existing_kind", EXCLUSIVE_KINDS, ids=kind_id)
def test_open_ended_exclusive_blocks_a_later_period(
    right: int, grant: Callable[..., Any], bob: Any, carol: Any, existing_kind: int
) -> None:
    t0 = now()
    grant(right, Terms(bob, exclusivity=existing_kind, start=t0))
    with reverts("LicenseConflict", 1):
        grant(right, Terms(carol, start=t0 + 20 * YEAR, end=t0 + 21 * YEAR))


def test_exclusive_starting_later_blocks_a_licence_from_now(
    right: int, grant: Callable[..., Any], bob: Any, carol: Any
) -> None:
    """A licence not yet started is not finished: it blocks the years it will cover."""
    t0 = now()
    grant(right, Terms(bob, exclusivity=EXCLUSIVE, start=t0 + 5 * YEAR, end=t0 + 6 * YEAR))
    with reverts("LicenseConflict", 1):
        grant(right, Terms(carol, start=t0))
    assert grant(right, Terms(carol, start=t0, end=t0 + 5 * YEAR)).return_value == 2


def test_same_licensee_conflicts_too(right: int, grant: Callable[..., Any], bob: Any) -> None:
    """The rule is about the right's scope, not about who holds the licence: re-licensing means revoking first."""
    grant(right, Terms(bob, exclusivity=EXCLUSIVE))
    with reverts("LicenseConflict", 1):
        grant(right, Terms(bob))


def test_exclusive_licence_of_another_right_does_not_block(
    new_right: Callable[..., int], grant: Callable[..., Any], alice: Any, bob: Any, carol: Any
) -> None:
    first, second = new_right(alice), new_right(alice)
    grant(first, Terms(bob, exclusivity=EXCLUSIVE))
    assert grant(second, Terms(carol, exclusivity=EXCLUSIVE)).return_value == 2


# ------------------------------------------------------------------------------------------- finished licences


@pytest.mark.parametrize("existing_kind", EXCLUSIVE_KINDS, ids=kind_id)
def test_revoked_exclusive_no_longer_blocks(
    licenses: Any, right: int, grant: Callable[..., Any], alice: Any, bob: Any, carol: Any, existing_kind: int
) -> None:
    grant(right, Terms(bob, exclusivity=existing_kind))
    licenses.revoke(1, REASON, {"from": alice})
    assert grant(right, Terms(carol, exclusivity=EXCLUSIVE)).return_value == 2


def test_revoked_exclusive_does_not_block_a_backdated_grant(
    licenses: Any, right: int, grant: Callable[..., Any], alice: Any, bob: Any, carol: Any
) -> None:
    """Even over the time it was in force: a revoked licence is out of the scan."""
    t0 = now()
    grant(right, Terms(bob, exclusivity=EXCLUSIVE, start=t0 - YEAR))
    licenses.revoke(1, REASON, {"from": alice})
    assert grant(right, Terms(carol, start=t0 - YEAR)).return_value == 2


@pytest.mark.parametrize("existing_kind", EXCLUSIVE_KINDS, ids=kind_id)
def test_expired_exclusive_no_longer_blocks(
    right: int, grant: Callable[..., Any], bob: Any, carol: Any, existing_kind: int
) -> None:
    t0 = now()
    grant(right, Terms(bob, exclusivity=existing_kind, end=t0 + DAY))
    with reverts("LicenseConflict", 1):
        grant(right, Terms(carol))
    chain.sleep(2 * DAY)
    mine_block()
    # Backdated into the finished licence's period: an ended licence is out of the scan too.
    assert grant(right, Terms(carol, exclusivity=EXCLUSIVE, start=t0)).return_value == 2


def test_conflict_names_the_oldest_overlapping_licence(
    licenses: Any, right: int, grant: Callable[..., Any], alice: Any, bob: Any, carol: Any
) -> None:
    grant(right, Terms(bob, territories=(b"IT",)))  # 1: disjoint
    grant(right, Terms(bob, territories=(b"DE",)))  # 2
    grant(right, Terms(carol, territories=(b"FR",)))  # 3
    new = Terms(carol, exclusivity=EXCLUSIVE, territories=(b"FR", b"DE"))
    with reverts("LicenseConflict", 2):
        grant(right, new)
    licenses.revoke(2, REASON, {"from": alice})
    with reverts("LicenseConflict", 3):
        grant(right, new)
    licenses.revoke(3, REASON, {"from": alice})
    assert grant(right, new).return_value == 4


def test_exclusive_grant_checked_against_ten_licences(
    licenses: Any, right: int, grant: Callable[..., Any], bob: Any, carol: Any
) -> None:
    """The benchmark's scenario: ten non-exclusive country licences in one field, then exclusives."""
    countries = [b"AT", b"BE", b"CH", b"DE", b"ES", b"FR", b"IT", b"NL", b"PL", b"SE"]
    for country in countries:
        grant(right, Terms(bob, territories=(country,), field=PHARMA))
    assert grant(right, Terms(carol, exclusivity=EXCLUSIVE, territories=(b"US",), field=PHARMA)).return_value == 11
    assert grant(right, Terms(carol, exclusivity=EXCLUSIVE, territories=(b"NL",), field=AGRI)).return_value == 12
    with reverts("LicenseConflict", 9):
        grant(right, Terms(carol, exclusivity=SOLE, territories=(b"JP", b"PL"), field=PHARMA))


# ------------------------------------------------------------------------------------------- the territory map


@pytest.mark.parametrize(
    ("held", "asked"),
    [(b"JV", b"JW"), (b"JW", b"JV"), (b"TR", b"TS"), (b"TS", b"TR"), (b"AA", b"AB"), (b"ZY", b"ZZ")],
)
def test_neighbouring_codes_across_word_boundaries_do_not_overlap(
    right: int, grant: Callable[..., Any], bob: Any, carol: Any, held: bytes, asked: bytes
) -> None:
    """JV/JW are bits 255/256 and TR/TS 511/512: the last bit of one word and the first of the next."""
    grant(right, Terms(bob, exclusivity=EXCLUSIVE, territories=(held,)))
    assert grant(right, Terms(carol, exclusivity=EXCLUSIVE, territories=(asked,))).return_value == 2
    with reverts("LicenseConflict", 1):
        grant(right, Terms(carol, territories=(asked, held)))


def test_territories_in_different_words_do_not_overlap(
    right: int, grant: Callable[..., Any], bob: Any, carol: Any
) -> None:
    """DE is in word 0, IT in word 1, US in word 2."""
    grant(right, Terms(bob, exclusivity=EXCLUSIVE, territories=(b"DE", b"US")))
    assert grant(right, Terms(carol, exclusivity=EXCLUSIVE, territories=(b"IT",))).return_value == 2
    with reverts("LicenseConflict", 1):
        grant(right, Terms(carol, territories=(b"IT", b"US")))
