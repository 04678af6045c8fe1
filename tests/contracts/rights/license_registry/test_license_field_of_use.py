"""LicenseRegistry.grant(tokenId, terms, fieldOfUse): the field of use published in clear beside its hash.

The label must hash (keccak-256 of its UTF-8 bytes) to the terms' ``field``, so nobody can publish a label that
says more, or other, than what the licence covers; "every field" (a zero field) has no label.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eth_utils import keccak
from license_helpers import PHARMA, Terms, field_hash, reverts
from registry_helpers import ZERO_BYTES32, events_of

EV = "electric vehicles"
EV_ZH = "电动汽车"


def named_grant(licenses: Any, right: int, terms: Terms, label: str, sender: Any) -> Any:
    return licenses.grant(right, terms.as_tuple(), label, {"from": sender})


def test_named_grant_publishes_the_label_after_the_grant(licenses: Any, right: int, alice: Any, bob: Any) -> None:
    terms = Terms(bob, field=field_hash(EV))
    tx = named_grant(licenses, right, terms, EV, alice)
    assert tx.return_value == 1
    names = [name for name, _ in events_of(tx)]
    assert names == ["LicenseGranted", "LicenseFieldOfUse"]
    assert dict(tx.events["LicenseFieldOfUse"]) == {"licenseId": 1, "tokenId": right, "fieldOfUse": EV}
    assert licenses.licenseOf(1).dict()["field"] == "0x" + field_hash(EV).hex()


def test_a_chinese_label_is_published_as_utf8(licenses: Any, right: int, alice: Any, bob: Any) -> None:
    terms = Terms(bob, field=keccak(text=EV_ZH))
    tx = named_grant(licenses, right, terms, EV_ZH, alice)
    assert tx.events["LicenseFieldOfUse"]["fieldOfUse"] == EV_ZH


def test_a_label_that_is_not_the_fields_is_refused(licenses: Any, right: int, alice: Any, bob: Any) -> None:
    """An owner cannot publish "electric vehicles" for a licence that covers pharmaceuticals."""
    with reverts("FieldMismatch", PHARMA, keccak(text=EV)):
        named_grant(licenses, right, Terms(bob, field=PHARMA), EV, alice)
    with reverts("FieldMismatch", field_hash(EV), keccak(text="Electric Vehicles")):
        named_grant(licenses, right, Terms(bob, field=field_hash(EV)), "Electric Vehicles", alice)


def test_every_field_has_no_label(licenses: Any, right: int, alice: Any, bob: Any) -> None:
    with reverts("FieldMismatch", ZERO_BYTES32, keccak(text="")):
        named_grant(licenses, right, Terms(bob), "", alice)
    with reverts("FieldMismatch", ZERO_BYTES32, keccak(text=EV)):
        named_grant(licenses, right, Terms(bob), EV, alice)


def test_the_named_grant_checks_the_grantor_like_the_plain_one(licenses: Any, right: int, bob: Any, carol: Any) -> None:
    with reverts("NotRightOwner", carol, right):
        named_grant(licenses, right, Terms(bob, field=field_hash(EV)), EV, carol)


def test_the_plain_grant_publishes_no_label(licenses: Any, right: int, grant: Callable[..., Any], bob: Any) -> None:
    tx = grant(right, Terms(bob, field=field_hash(EV)))
    assert [name for name, _ in events_of(tx)] == ["LicenseGranted"]
