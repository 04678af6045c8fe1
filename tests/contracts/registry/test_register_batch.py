"""Batch registration by a registrar: the same checks and events as ``register`` per right, all or none."""

from __future__ import annotations

from typing import Any

import pytest
from registry_helpers import (
    REGISTRAR_ROLE,
    ZERO_ADDRESS,
    Registration,
    commitment_for,
    events_of,
    pack_number,
    pack_record,
    reverts,
)

SALT = b"\x05" * 32


def batch(registrations: list[Registration]) -> list[tuple[Any, ...]]:
    return [registration.as_tuple() for registration in registrations]


def test_batch_registers_every_right_with_the_single_path_events(
    registry: Any, registrar: Any, alice: Any, new_registration: Any
) -> None:
    registrations = [new_registration() for _ in range(5)]
    tx = registry.registerBatch(alice, batch(registrations), {"from": registrar})
    expected = []
    for registration in registrations:
        record = pack_record(
            kind=registration.kind,
            jurisdiction=registration.jurisdiction,
            registered_at=tx.timestamp,
            expiry=registration.expiry,
            self_declared=False,
        )
        expected += [
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
    assert events_of(tx) == expected
    assert registry.balanceOf(alice) == 5
    for registration in registrations:
        assert registry.ownerOf(registration.right_id) == alice
        assert registry.tokenOfContent(registration.content_hash) == registration.right_id


def test_batch_adds_to_an_existing_balance(
    registry: Any, registrar: Any, alice: Any, token: int, new_registration: Any
) -> None:
    registry.registerBatch(alice, batch([new_registration(), new_registration()]), {"from": registrar})
    assert registry.balanceOf(alice) == 3


def test_batch_of_one_equals_register(registry: Any, registrar: Any, alice: Any, registration: Registration) -> None:
    registry.registerBatch(alice, [registration.as_tuple()], {"from": registrar})
    assert registry.ownerOf(registration.right_id) == alice
    assert registry.recordOf(registration.right_id).dict()["selfDeclared"] is False


def test_empty_batch_reverts(registry: Any, registrar: Any, alice: Any) -> None:
    with reverts("EmptyBatch"):
        registry.registerBatch(alice, [], {"from": registrar})


@pytest.mark.parametrize("caller", ["stranger", "guardian", "alice"])
def test_batch_by_a_non_registrar_reverts(
    registry: Any, caller: str, alice: Any, new_registration: Any, request: Any
) -> None:
    account = request.getfixturevalue(caller)
    with reverts("AccessControlUnauthorizedAccount", account, REGISTRAR_ROLE):
        registry.registerBatch(alice, batch([new_registration()]), {"from": account})


def test_batch_while_paused_reverts(
    registry: Any, registrar: Any, guardian: Any, alice: Any, new_registration: Any
) -> None:
    registry.pause({"from": guardian})
    with reverts("EnforcedPause"):
        registry.registerBatch(alice, batch([new_registration()]), {"from": registrar})


def test_batch_to_zero_address_reverts(registry: Any, registrar: Any, new_registration: Any) -> None:
    with reverts("TransferToZeroAddress"):
        registry.registerBatch(ZERO_ADDRESS, batch([new_registration()]), {"from": registrar})


def test_batch_with_a_registered_right_reverts_whole(
    registry: Any, registrar: Any, alice: Any, bob: Any, token: int, registration: Registration, new_registration: Any
) -> None:
    first, last = new_registration(), new_registration()
    again = new_registration(right_id=registration.right_id)
    with reverts("RightAlreadyRegistered", token):
        registry.registerBatch(bob, batch([first, again, last]), {"from": registrar})
    assert not registry.exists(first.right_id)
    assert not registry.exists(last.right_id)
    assert registry.balanceOf(bob) == 0


def test_batch_with_a_registered_bundle_reverts_whole(
    registry: Any, registrar: Any, alice: Any, token: int, registration: Registration, new_registration: Any
) -> None:
    first = new_registration()
    copy = new_registration(content_hash=registration.content_hash)
    with reverts("ContentAlreadyRegistered", registration.content_hash, token):
        registry.registerBatch(alice, batch([first, copy]), {"from": registrar})
    assert not registry.exists(first.right_id)


def test_batch_repeating_a_right_reverts(registry: Any, registrar: Any, alice: Any, new_registration: Any) -> None:
    first = new_registration()
    repeat = new_registration(right_id=first.right_id)
    with reverts("RightAlreadyRegistered", first.right_id):
        registry.registerBatch(alice, batch([first, repeat]), {"from": registrar})
    assert not registry.exists(first.right_id)


def test_batch_repeating_a_bundle_reverts(registry: Any, registrar: Any, alice: Any, new_registration: Any) -> None:
    first = new_registration()
    repeat = new_registration(content_hash=first.content_hash)
    with reverts("ContentAlreadyRegistered", first.content_hash, first.right_id):
        registry.registerBatch(alice, batch([first, repeat]), {"from": registrar})
    assert not registry.exists(first.right_id)


@pytest.mark.parametrize(
    ("field", "value", "error", "args"),
    [
        ("numbers", (), "InvalidRegistration", ()),
        ("content_hash", b"\x00" * 32, "InvalidRegistration", ()),
        ("kind", 200, "InvalidRegistration", ()),
        ("numbers", (pack_number(b"u1", b"KH", 1),), "InvalidNumber", (pack_number(b"u1", b"KH", 1),)),
    ],
)
def test_batch_with_an_invalid_entry_reverts_whole(
    registry: Any,
    registrar: Any,
    alice: Any,
    new_registration: Any,
    field: str,
    value: Any,
    error: str,
    args: tuple[Any, ...],
) -> None:
    good = new_registration()
    bad = new_registration(**{field: value})
    with reverts(error, *args):
        registry.registerBatch(alice, batch([good, bad]), {"from": registrar})
    assert not registry.exists(good.right_id)
    assert registry.tokenOfContent(good.content_hash) == 0


def test_batch_supersedes_a_self_declared_claim(
    registry: Any, registrar: Any, alice: Any, attacker: Any, new_registration: Any
) -> None:
    rightful = new_registration()
    squat = new_registration(right_id=rightful.right_id, metadata=b'{"title":"squat"}')
    registry.commit(commitment_for(attacker, squat, SALT), {"from": attacker})
    registry.reveal(squat.as_tuple(), SALT, {"from": attacker})
    other = new_registration()
    tx = registry.registerBatch(alice, batch([other, rightful]), {"from": registrar})
    assert "ClaimSuperseded" in tx.events
    assert registry.ownerOf(rightful.right_id) == alice
    assert registry.ownerOf(other.right_id) == alice
    assert registry.recordOf(rightful.right_id).dict()["selfDeclared"] is False
    assert registry.tokenOfContent(squat.content_hash) == 0
    assert registry.balanceOf(attacker) == 0


def test_batch_of_a_hundred_costs_far_less_per_right_than_singles(
    registry: Any, registrar: Any, alice: Any, bob: Any, new_registration: Any
) -> None:
    """Not a benchmark (those are in benchmarks/gas.py): a guard that the batch shares its fixed costs."""
    single = registry.register(alice, new_registration().as_tuple(), {"from": registrar}).gas_used
    tx = registry.registerBatch(alice, batch([new_registration() for _ in range(100)]), {"from": registrar})
    assert registry.balanceOf(alice) == 101
    assert tx.gas_used / 100 < single
