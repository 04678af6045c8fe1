"""LicenseRegistry.grant: what is stored and emitted, who may grant, and every invalid input.

A grant is checked in this order: the right (its owner, then frozen / dispute-locked / expired), then the terms
(licensee, terms hash, exclusivity, period, royalty, territories), then conflicts (test_license_conflicts.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from brownie import chain
from license_helpers import (
    AGRI,
    ALL_TERRITORIES,
    DAY,
    EXCLUSIVE,
    NON_EXCLUSIVE,
    ORDER,
    PHARMA,
    SOLE,
    YEAR,
    Terms,
    field_hash,
    license_ids,
    normalised,
    reverts,
)
from registry_helpers import ZERO_ADDRESS, ZERO_BYTES32, events_of, mine_block, now, rpc

DISPUTE = b"\xd1" * 32


def licence_view(licenses: Any, license_id: int) -> dict[str, Any]:
    return dict(licenses.licenseOf(license_id).dict())


# ------------------------------------------------------------------------------------------- what a grant records


def test_grant_worldwide_non_exclusive_records_and_emits(
    licenses: Any, right: int, grant: Callable[..., Any], alice: Any, bob: Any
) -> None:
    terms = Terms(bob)
    tx = grant(right, terms)
    assert tx.return_value == 1
    assert normalised(events_of(tx)) == [("LicenseGranted", terms.granted_event(1, right, alice))]
    assert licence_view(licenses, 1) == {
        "tokenId": right,
        "licensee": bob,
        "grantor": alice,
        "termsHash": "0x" + terms.terms_hash.hex(),
        "field": "0x" + "00" * 32,
        "paymentToken": ZERO_ADDRESS,
        "exclusivity": NON_EXCLUSIVE,
        "worldwide": True,
        "sublicensable": False,
        "royaltyBps": 0,
        "start": 0,
        "end": 0,
        "revokedAt": 0,
    }
    assert licenses.territoriesOf(1) == []
    assert license_ids(licenses, right) == [1]


def test_grant_exclusive_with_territories_field_royalty_records_every_term(
    licenses: Any, right: int, grant: Callable[..., Any], alice: Any, bob: Any, stablecoin: Any
) -> None:
    start, end = now() - DAY, now() + YEAR
    terms = Terms(
        bob,
        exclusivity=EXCLUSIVE,
        territories=(b"US", b"DE", b"FR"),
        field=PHARMA,
        start=start,
        end=end,
        sublicensable=True,
        royalty_bps=450,
        payment_token=stablecoin,
    )
    tx = grant(right, terms)
    # The event keeps the list as given; territoriesOf rebuilds it in code order.
    assert normalised(events_of(tx)) == [("LicenseGranted", terms.granted_event(1, right, alice))]
    assert licenses.territoriesOf(1) == ["0x4445", "0x4652", "0x5553"]
    record = licence_view(licenses, 1)
    assert record["exclusivity"] == EXCLUSIVE
    assert record["worldwide"] is False
    assert record["field"] == "0x" + PHARMA.hex()
    assert (record["start"], record["end"], record["revokedAt"]) == (start, end, 0)
    assert record["sublicensable"] is True
    assert (record["royaltyBps"], record["paymentToken"]) == (450, stablecoin)


def test_grant_sole_is_recorded_as_sole(licenses: Any, right: int, grant: Callable[..., Any], bob: Any) -> None:
    grant(right, Terms(bob, exclusivity=SOLE))
    assert licenses.licenseOf(1)["exclusivity"] == SOLE


def test_grant_payment_token_without_royalty_rate_is_accepted(
    licenses: Any, right: int, grant: Callable[..., Any], bob: Any, stablecoin: Any
) -> None:
    """A fixed-fee licence names its payment token and no rate."""
    grant(right, Terms(bob, payment_token=stablecoin))
    assert (licenses.licenseOf(1)["royaltyBps"], licenses.licenseOf(1)["paymentToken"]) == (0, stablecoin)


def test_grant_full_royalty_is_accepted(
    licenses: Any, right: int, grant: Callable[..., Any], bob: Any, stablecoin: Any
) -> None:
    grant(right, Terms(bob, royalty_bps=10_000, payment_token=stablecoin))
    assert licenses.licenseOf(1)["royaltyBps"] == 10_000


def test_licence_ids_are_sequential_across_rights(
    licenses: Any, new_right: Callable[..., int], grant: Callable[..., Any], alice: Any, bob: Any, carol: Any
) -> None:
    first, second = new_right(alice), new_right(carol)
    assert grant(first, Terms(bob)).return_value == 1
    assert grant(second, Terms(bob), carol).return_value == 2
    assert grant(first, Terms(carol, field=AGRI)).return_value == 3
    assert license_ids(licenses, first) == [1, 3]
    assert license_ids(licenses, second) == [2]
    assert licenses.licenseOf(2)["grantor"] == carol


def test_licences_of_a_right_list_five_ids_oldest_first(
    licenses: Any, right: int, grant: Callable[..., Any], bob: Any
) -> None:
    """Ids are packed four per slot: the fifth opens a second slot."""
    for _ in range(5):
        grant(right, Terms(bob))
    assert license_ids(licenses, right) == [1, 2, 3, 4, 5]


def test_licences_of_an_unknown_right_is_empty(licenses: Any) -> None:
    assert license_ids(licenses, 424242) == []


@pytest.mark.parametrize(
    ("start", "end"), [(-10 * YEAR, YEAR), (YEAR, 2 * YEAR), (YEAR, 0)], ids=["past", "future", "open"]
)
def test_grant_start_may_be_past_or_future(
    licenses: Any, right: int, grant: Callable[..., Any], bob: Any, start: int, end: int
) -> None:
    base = now()
    terms = Terms(bob, start=base + start, end=base + end if end else 0)
    grant(right, terms)
    record = licenses.licenseOf(1)
    assert (record["start"], record["end"]) == (terms.start, terms.end)


def test_grant_to_the_owner_herself_is_accepted(
    licenses: Any, right: int, grant: Callable[..., Any], alice: Any
) -> None:
    grant(right, Terms(alice))
    assert licenses.licenseOf(1)["licensee"] == alice


def test_field_hash_is_keccak_of_trimmed_lower_cased_label() -> None:
    assert field_hash("  Pharmaceuticals ") == field_hash("pharmaceuticals") == PHARMA


def test_constants(licenses: Any, registry: Any) -> None:
    assert licenses.registry() == registry
    assert licenses.REGISTRAR_ROLE() == registry.REGISTRAR_ROLE()
    assert licenses.MAX_ROYALTY_BPS() == 10_000


# ------------------------------------------------------------------------------------------- who may grant


@pytest.mark.parametrize("caller", ["bob", "registrar", "admin", "operator"])
def test_grant_by_non_owner_reverts(
    licenses: Any, registry: Any, right: int, alice: Any, bob: Any, caller: str, request: Any
) -> None:
    """Only the owner grants: not a licensee, a registrar, the admin, nor an operator approved for the right."""
    account = request.getfixturevalue(caller)
    registry.setApprovalForAll(request.getfixturevalue("operator"), True, {"from": alice})
    registry.approve(request.getfixturevalue("operator"), right, {"from": alice})
    with reverts("NotRightOwner", account, right):
        licenses.grant(right, Terms(bob).as_tuple(), {"from": account})


def test_grant_owner_checked_before_terms(licenses: Any, right: int, bob: Any) -> None:
    with reverts("NotRightOwner", bob, right):
        licenses.grant(right, Terms(ZERO_ADDRESS, terms_hash=ZERO_BYTES32).as_tuple(), {"from": bob})


def test_grant_on_unknown_right_reverts_with_registry_error(licenses: Any, alice: Any, bob: Any) -> None:
    with reverts("UnknownToken", 31337):
        licenses.grant(31337, Terms(bob).as_tuple(), {"from": alice})


def test_grant_after_assignment_is_for_the_new_owner(
    licenses: Any, registry: Any, right: int, grant: Callable[..., Any], alice: Any, bob: Any, carol: Any
) -> None:
    registry.assign(right, carol, ORDER, {"from": alice})
    with reverts("NotRightOwner", alice, right):
        grant(right, Terms(bob))
    tx = grant(right, Terms(bob), carol)
    assert tx.events["LicenseGranted"]["grantor"] == carol


def test_grant_on_frozen_right_reverts(
    licenses: Any, registry: Any, right: int, grant: Callable[..., Any], registrar: Any, bob: Any
) -> None:
    registry.freeze(right, ORDER, {"from": registrar})
    with reverts("RightLocked", right):
        grant(right, Terms(bob))
    registry.unfreeze(right, ORDER, {"from": registrar})
    assert grant(right, Terms(bob)).return_value == 1


def test_grant_on_dispute_locked_right_reverts(
    licenses: Any, registry: Any, right: int, grant: Callable[..., Any], operator: Any, bob: Any
) -> None:
    registry.setLock(right, True, ZERO_ADDRESS, DISPUTE, {"from": operator})
    with reverts("RightLocked", right):
        grant(right, Terms(bob))
    registry.setLock(right, False, ZERO_ADDRESS, DISPUTE, {"from": operator})
    assert grant(right, Terms(bob)).return_value == 1


def test_grant_while_registry_paused_reverts(
    licenses: Any, registry: Any, right: int, grant: Callable[..., Any], guardian: Any, bob: Any
) -> None:
    """A guardian's pause stops a possibly compromised owner key from granting (e.g. backdated exclusives)."""
    registry.pause({"from": guardian})
    with reverts("RegistryPaused"):
        grant(right, Terms(bob, exclusivity=EXCLUSIVE, start=now() - 365 * DAY))
    registry.unpause({"from": guardian})
    assert grant(right, Terms(bob)).return_value == 1


def test_grant_on_expired_right_reverts(
    licenses: Any, new_right: Callable[..., int], grant: Callable[..., Any], alice: Any, bob: Any, carol: Any
) -> None:
    expiry = now() + DAY
    right = new_right(alice, expiry=expiry)
    assert grant(right, Terms(bob)).return_value == 1
    chain.sleep(DAY + 1)
    mine_block()
    with reverts("RightExpired", right, expiry):
        grant(right, Terms(carol))


# ------------------------------------------------------------------------------------------- invalid terms


def test_grant_zero_licensee_reverts(right: int, grant: Callable[..., Any]) -> None:
    with reverts("InvalidLicensee"):
        grant(right, Terms(ZERO_ADDRESS))


def test_grant_zero_terms_hash_reverts(right: int, grant: Callable[..., Any], bob: Any) -> None:
    with reverts("MissingHash"):
        grant(right, Terms(bob, terms_hash=ZERO_BYTES32))


@pytest.mark.parametrize("exclusivity", [3, 4, 255])
def test_grant_unknown_exclusivity_reverts(right: int, grant: Callable[..., Any], bob: Any, exclusivity: int) -> None:
    with reverts("InvalidExclusivity", exclusivity):
        grant(right, Terms(bob, exclusivity=exclusivity))


@pytest.mark.parametrize(
    "territory",
    [b"us", b"Us", b"uS", b"U1", b"1U", b"@A", b"A@", b"[A", b"A[", b"\x00\x00", b"U\x00", b"\xc1A", b"A\xc1"],
)
def test_grant_invalid_territory_reverts(right: int, grant: Callable[..., Any], bob: Any, territory: bytes) -> None:
    with reverts("InvalidTerritory", territory):
        grant(right, Terms(bob, territories=(b"DE", territory)))


@pytest.mark.parametrize("territory", [b"AA", b"ZZ", b"AZ", b"ZA", b"EU", b"WO"])
def test_grant_edge_and_regional_territories_are_accepted(
    licenses: Any, right: int, grant: Callable[..., Any], bob: Any, territory: bytes
) -> None:
    grant(right, Terms(bob, territories=(territory,)))
    assert licenses.territoriesOf(1) == ["0x" + territory.hex()]


@pytest.mark.parametrize("territories", [(b"DE", b"DE"), (b"US", b"FR", b"US"), (b"ZZ", b"AA", b"ZZ")])
def test_grant_duplicate_territory_reverts(
    right: int, grant: Callable[..., Any], bob: Any, territories: tuple[bytes, ...]
) -> None:
    """Duplicates are refused, so the event's list and territoriesOf name the same set."""
    with reverts("DuplicateTerritory", territories[0]):
        grant(right, Terms(bob, territories=territories))


@pytest.mark.parametrize(
    ("start", "end"), [(1000, 1000), (1000, 999), (2**40 - 1, YEAR)], ids=["empty", "reversed", "max"]
)
def test_grant_empty_period_reverts(right: int, grant: Callable[..., Any], bob: Any, start: int, end: int) -> None:
    """``end`` must come after ``start`` (both in the future here, so only that rule applies)."""
    base = now() + YEAR
    start = start if start == 2**40 - 1 else base + start
    with reverts("InvalidPeriod", start, base + end):
        grant(right, Terms(bob, start=start, end=base + end))


def test_grant_period_ended_in_the_past_reverts(right: int, grant: Callable[..., Any], bob: Any) -> None:
    start, end = now() - 2 * YEAR, now() - YEAR
    with reverts("InvalidPeriod", start, end):
        grant(right, Terms(bob, start=start, end=end))


def test_grant_end_must_be_after_the_block_time(licenses: Any, right: int, grant: Callable[..., Any], bob: Any) -> None:
    at = now() + 100
    rpc("evm_setNextBlockTimestamp", [at])
    with reverts("InvalidPeriod", 0, at):
        grant(right, Terms(bob, end=at))
    rpc("evm_setNextBlockTimestamp", [at + 1])
    grant(right, Terms(bob, end=at + 2))
    assert licenses.licenseOf(1)["end"] == at + 2


def test_grant_royalty_above_full_reverts(right: int, grant: Callable[..., Any], bob: Any, stablecoin: Any) -> None:
    with reverts("InvalidRoyalty", 10_001, stablecoin):
        grant(right, Terms(bob, royalty_bps=10_001, payment_token=stablecoin))


def test_grant_royalty_without_payment_token_reverts(right: int, grant: Callable[..., Any], bob: Any) -> None:
    with reverts("InvalidRoyalty", 250, ZERO_ADDRESS):
        grant(right, Terms(bob, royalty_bps=250))


def test_grant_many_territories_spanning_all_three_words(
    licenses: Any, right: int, grant: Callable[..., Any], bob: Any
) -> None:
    """Codes at the ends of the three 256-bit words: AA (0), JV (255), JW (256), TR (511), TS (512), ZZ (675)."""
    codes = (b"ZZ", b"TS", b"TR", b"JW", b"JV", b"AA")
    grant(right, Terms(bob, territories=codes))
    assert licenses.territoriesOf(1) == ["0x" + c.hex() for c in sorted(codes)]


def test_grant_every_territory_round_trips(licenses: Any, right: int, grant: Callable[..., Any], bob: Any) -> None:
    """All 676 letter pairs, given in reverse: territoriesOf lists them all in order; the licence is not worldwide."""
    grant(right, Terms(bob, territories=tuple(reversed(ALL_TERRITORIES))))
    assert licenses.territoriesOf(1) == ["0x" + c.hex() for c in ALL_TERRITORIES]
    assert licenses.licenseOf(1)["worldwide"] is False


# ------------------------------------------------------------------------------------------- unknown licences


@pytest.mark.parametrize("license_id", [0, 1, 2**64])
def test_views_of_unknown_licence_revert(licenses: Any, license_id: int) -> None:
    with reverts("UnknownLicense", license_id):
        licenses.licenseOf(license_id)
    with reverts("UnknownLicense", license_id):
        licenses.territoriesOf(license_id)
    with reverts("UnknownLicense", license_id):
        licenses.isActive(license_id, now())
