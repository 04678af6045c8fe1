"""Direct registration by a registrar: role check, validation, uniqueness, the packed record and its views."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import chain
from eth_utils import keccak
from registry_helpers import (
    ACTIVE,
    EXPIRED,
    FROZEN,
    REGISTRAR_ROLE,
    SHORT_TERM_PATENT,
    TRADE_SECRET,
    ZERO_ADDRESS,
    ZERO_BYTES32,
    address_of,
    b,
    commitment_for,
    events_of,
    mine_at,
    now,
    pack_number,
    pack_record,
    reverts,
)


def record_dict(registry: Any, token_id: int) -> dict[str, Any]:
    record = registry.recordOf(token_id).dict()
    record["jurisdiction"] = b(record["jurisdiction"])
    return record


def test_register_mints_to_recipient_and_emits(registry: Any, registrar: Any, alice: Any, registration: Any) -> None:
    tx = registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert tx.return_value == registration.right_id
    record = pack_record(
        kind=registration.kind,
        jurisdiction=registration.jurisdiction,
        registered_at=tx.timestamp,
        expiry=registration.expiry,
        self_declared=False,
    )
    assert events_of(tx) == [
        ("Transfer", {"from": ZERO_ADDRESS, "to": alice, "id": registration.right_id}),
        (
            "RightRegistered",
            {
                "tokenId": registration.right_id,
                "contentHash": registration.content_hash,
                "registrar": registrar,
                "record": record,
                "numbers": list(registration.numbers),
                "metadata": registration.metadata,
            },
        ),
    ]
    assert registry.ownerOf(registration.right_id) == alice
    assert registry.balanceOf(alice) == 1
    assert registry.exists(registration.right_id) is True
    assert registry.tokenOfContent(registration.content_hash) == registration.right_id
    assert registry.claimCommitBlock(registration.right_id) == 0  # registrar-verified: no claim to beat


def test_record_of_reports_registered_fields(registry: Any, registrar: Any, alice: Any, new_registration: Any) -> None:
    registration = new_registration(kind=TRADE_SECRET, jurisdiction=b"EP", expiry=now() + 10**8)
    tx = registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert record_dict(registry, registration.right_id) == {
        "owner": alice,
        "kind": TRADE_SECRET,
        "jurisdiction": b"EP",
        "registeredAt": tx.timestamp,
        "expiry": registration.expiry,
        "status": ACTIVE,
        "selfDeclared": False,
        "disputeLocked": False,
        "pledged": False,
    }


@pytest.mark.parametrize("kind", range(8))
def test_every_kind_round_trips(registry: Any, registrar: Any, alice: Any, new_registration: Any, kind: int) -> None:
    registration = new_registration(kind=kind)
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert registry.recordOf(registration.right_id)["kind"] == kind


def test_extreme_values_round_trip(registry: Any, registrar: Any, alice: Any, new_registration: Any) -> None:
    registration = new_registration(
        numbers=(pack_number(b"ZZ", b"KH", 2**216 - 1),), expiry=2**40 - 1, content_hash=b"\xff" * 32
    )
    tx = registry.register(alice, registration.as_tuple(), {"from": registrar})
    record = record_dict(registry, registration.right_id)
    assert (record["jurisdiction"], record["expiry"], record["registeredAt"]) == (b"ZZ", 2**40 - 1, tx.timestamp)
    assert registry.tokenOfContent(b"\xff" * 32) == registration.right_id


def test_register_by_stranger_reverts(registry: Any, stranger: Any, alice: Any, registration: Any) -> None:
    with reverts("AccessControlUnauthorizedAccount", stranger, REGISTRAR_ROLE):
        registry.register(alice, registration.as_tuple(), {"from": stranger})


def test_register_by_guardian_reverts(registry: Any, guardian: Any, alice: Any, registration: Any) -> None:
    with reverts("AccessControlUnauthorizedAccount", guardian, REGISTRAR_ROLE):
        registry.register(alice, registration.as_tuple(), {"from": guardian})


def test_register_by_admin_succeeds(registry: Any, admin: Any, alice: Any, registration: Any) -> None:
    tx = registry.register(alice, registration.as_tuple(), {"from": admin})
    assert tx.events["RightRegistered"]["registrar"] == admin


def test_register_without_numbers_reverts(registry: Any, registrar: Any, alice: Any, new_registration: Any) -> None:
    with reverts("InvalidRegistration"):
        registry.register(alice, new_registration(numbers=()).as_tuple(), {"from": registrar})


def test_register_zero_content_hash_reverts(registry: Any, registrar: Any, alice: Any, new_registration: Any) -> None:
    with reverts("InvalidRegistration"):
        registry.register(alice, new_registration(content_hash=ZERO_BYTES32).as_tuple(), {"from": registrar})


@pytest.mark.parametrize("kind", [SHORT_TERM_PATENT + 1, 15, 16, 255])
def test_register_unknown_kind_reverts_invalid_registration(
    registry: Any, registrar: Any, alice: Any, new_registration: Any, kind: int
) -> None:
    """IIPRegistry documents InvalidRegistration for "zero id, zero hash or unknown kind"; the kind is a uint8, so
    the contract itself checks it (16 and up would also spill out of the record's 4-bit kind field)."""
    registration = new_registration(kind=kind)
    with reverts("InvalidRegistration"):
        registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert registry.exists(registration.right_id) is False


def test_reveal_of_unknown_kind_reverts_invalid_registration(registry: Any, alice: Any, new_registration: Any) -> None:
    registration = new_registration(kind=SHORT_TERM_PATENT + 1)
    salt = b"\x03" * 32
    registry.commit(commitment_for(alice, registration, salt), {"from": alice})
    with reverts("InvalidRegistration"):
        registry.reveal(registration.as_tuple(), salt, {"from": alice})


def test_max_kind_is_short_term_patent(registry: Any) -> None:
    assert registry.MAX_KIND() == SHORT_TERM_PATENT


@pytest.mark.parametrize(
    "jurisdiction",
    # WO: the international bureau's numbers are family links, never a right's own (docs/numbers.md)
    [b"us", b"Us", b"uS", b"U1", b"1U", b"\x00\x00", b"U\x00", b"@A", b"A[", b"[A", b"A@", b"  ", b"WO"],
)
def test_register_bad_jurisdiction_reverts(
    registry: Any, registrar: Any, alice: Any, new_registration: Any, jurisdiction: bytes
) -> None:
    registration = new_registration(jurisdiction=jurisdiction)
    with reverts("InvalidNumber", registration.numbers[0]):
        registry.register(alice, registration.as_tuple(), {"from": registrar})


@pytest.mark.parametrize("jurisdiction", [b"AA", b"ZZ", b"EP", b"DE"])
def test_register_valid_jurisdictions(
    registry: Any, registrar: Any, alice: Any, new_registration: Any, jurisdiction: bytes
) -> None:
    registration = new_registration(jurisdiction=jurisdiction)
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert b(registry.recordOf(registration.right_id)["jurisdiction"]) == jurisdiction


def test_register_validation_order_number_before_content_hash(
    registry: Any, registrar: Any, alice: Any, new_registration: Any
) -> None:
    registration = new_registration(jurisdiction=b"xx", content_hash=ZERO_BYTES32)
    with reverts("InvalidNumber", registration.numbers[0]):
        registry.register(alice, registration.as_tuple(), {"from": registrar})


def test_register_duplicate_right_reverts(
    registry: Any, registrar: Any, alice: Any, bob: Any, token: int, registration: Any, new_registration: Any
) -> None:
    duplicate = new_registration(right_id=registration.right_id)  # same right, other documents
    with reverts("RightAlreadyRegistered", token):
        registry.register(bob, duplicate.as_tuple(), {"from": registrar})
    assert registry.ownerOf(token) == alice


def test_register_duplicate_content_hash_reverts(
    registry: Any, registrar: Any, bob: Any, token: int, registration: Any, new_registration: Any
) -> None:
    duplicate = new_registration(content_hash=registration.content_hash)  # other right, same documents
    with reverts("ContentAlreadyRegistered", registration.content_hash, token):
        registry.register(bob, duplicate.as_tuple(), {"from": registrar})
    assert registry.exists(duplicate.right_id) is False


def test_register_duplicate_right_and_content_reports_right(
    registry: Any, registrar: Any, bob: Any, token: int, registration: Any
) -> None:
    with reverts("RightAlreadyRegistered", token):
        registry.register(bob, registration.as_tuple(), {"from": registrar})


def test_register_to_zero_address_reverts(registry: Any, registrar: Any, registration: Any) -> None:
    with reverts("TransferToZeroAddress"):
        registry.register(ZERO_ADDRESS, registration.as_tuple(), {"from": registrar})
    assert registry.tokenOfContent(registration.content_hash) == 0


def test_unregistered_right_views(registry: Any, registration: Any) -> None:
    assert registry.exists(registration.right_id) is False
    assert registry.tokenOfContent(registration.content_hash) == 0
    assert registry.exists(0) is False


def test_record_of_unknown_token_reverts(registry: Any) -> None:
    with reverts("UnknownToken", 77):
        registry.recordOf(77)


def test_status_expires_at_expiry(registry: Any, registrar: Any, alice: Any, new_registration: Any) -> None:
    expiry = now() + 1000
    registration = new_registration(expiry=expiry)
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    mine_at(expiry - 1)
    assert registry.recordOf(registration.right_id)["status"] == ACTIVE
    mine_at(expiry)
    record = registry.recordOf(registration.right_id)
    assert record["status"] == EXPIRED  # expired from the expiry second on
    assert record["expiry"] == expiry


def test_status_without_expiry_never_expires(registry: Any, registrar: Any, alice: Any, registration: Any) -> None:
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    mine_at(now() + 200 * 365 * 86400)
    assert registry.recordOf(registration.right_id)["status"] == ACTIVE


def test_status_frozen_takes_precedence_over_expired(
    registry: Any, registrar: Any, alice: Any, new_registration: Any
) -> None:
    registration = new_registration(expiry=now() + 100)
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    registry.freeze(registration.right_id, keccak(text="order"), {"from": registrar})
    mine_at(registration.expiry + 1000)
    assert registry.recordOf(registration.right_id)["status"] == FROZEN
    registry.unfreeze(registration.right_id, keccak(text="lifted"), {"from": registrar})
    assert registry.recordOf(registration.right_id)["status"] == EXPIRED


def test_register_with_past_expiry_is_expired_at_once(
    registry: Any, registrar: Any, alice: Any, new_registration: Any
) -> None:
    registration = new_registration(expiry=1)
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert registry.recordOf(registration.right_id)["status"] == EXPIRED


def test_registered_at_is_block_timestamp(registry: Any, registrar: Any, alice: Any, registration: Any) -> None:
    chain.sleep(12345)
    tx = registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert registry.recordOf(registration.right_id)["registeredAt"] == chain[tx.block_number].timestamp


def test_register_many_to_same_owner(registry: Any, registrar: Any, alice: Any, new_registration: Any) -> None:
    registrations = [new_registration() for _ in range(5)]
    for registration in registrations:
        registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert registry.balanceOf(alice) == 5
    for registration in registrations:
        assert registry.tokenOfContent(registration.content_hash) == registration.right_id
        assert address_of(registry.ownerOf(registration.right_id)) == alice.address
