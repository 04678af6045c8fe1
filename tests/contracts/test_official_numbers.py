"""Official numbers on chain: the right id derived from the primary number, canonical form refused otherwise, the
other numbers of a right reserved for its token on every registration path, family links that block nothing,
provisional numbers of claims and owners, numbers added later, unpublished applications under a commitment."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import web3
from eth_abi import encode
from eth_utils import keccak
from registry_helpers import (
    DESIGN,
    PATENT,
    PATENT_APPLICATION,
    UTILITY_MODEL,
    VOUCHER_SIGNER_KEY,
    Registration,
    Voucher,
    commitment_for,
    events_of,
    now,
    number_key,
    pack_number,
    reverts,
    sign_voucher,
)

SALT = b"\x5a" * 32
ORDER = keccak(text="court order 2026/9")
# One Chinese invention, by its three numbers: application 202010123456.2, publication CN 111234567 A, grant
# CN 111234567 B (the same number: kind codes are not part of it).
CN_APPLICATION = pack_number(b"CN", b"AP", 202010123456)
CN_PUBLICATION = pack_number(b"CN", b"PN", 111234567)
# Its PCT application and WO publication: numbers of the family, shared with the EP and US phases.
PCT_APPLICATION = pack_number(b"WO", b"PC", 1223_2021_123456, family=True)
WO_PUBLICATION = pack_number(b"WO", b"PB", 2021_123456, family=True)
EP_PHASE = pack_number(b"EP", b"PN", 3456789)
US_PHASE = pack_number(b"US", b"PN", 11234567)
OTHER_CN_APPLICATION = pack_number(b"CN", b"AP", 202020654321)


def right(n: int, *numbers: int, kind: int = PATENT_APPLICATION) -> Registration:
    return Registration(numbers=numbers, content_hash=keccak(text=f"bundle {n}"), kind=kind)


def claim(registry: Any, claimant: Any, registration: Registration) -> Any:
    registry.commit(commitment_for(claimant, registration, SALT), {"from": claimant})
    return registry.reveal(registration.as_tuple(), SALT, {"from": claimant})


def voucher_call(registry: Any, to: Any, registration: Registration) -> tuple[tuple[Any, ...], bytes]:
    voucher = Voucher(to=to.address, registration=registration, nonce=0, deadline=now() + 3600)
    signature = sign_voucher(
        VOUCHER_SIGNER_KEY, voucher, chain_id=web3.eth.chain_id, verifying_contract=registry.address
    )
    return voucher.as_tuple(), signature


def register_by(path: str, registry: Any, registrar: Any, to: Any, registration: Registration) -> Any:
    """``registration`` registered through ``path``: register, registerBatch, registerWithVoucher or the claim."""
    if path == "register":
        return registry.register(to, registration.as_tuple(), {"from": registrar})
    if path == "registerBatch":
        return registry.registerBatch(to, [registration.as_tuple()], {"from": registrar})
    if path == "registerWithVoucher":
        return registry.registerWithVoucher(*voucher_call(registry, to, registration), {"from": to})
    return claim(registry, to, registration)


PATHS = ["register", "registerBatch", "registerWithVoucher", "claim"]


# ------------------------------------------------------------------------------------------ the id on chain


def test_right_id_is_derived_on_chain_from_the_primary_number(registry: Any, registrar: Any, alice: Any) -> None:
    registration = right(1, CN_APPLICATION)
    tx = registry.register(alice, registration.as_tuple(), {"from": registrar})
    expected = int.from_bytes(keccak(keccak(b"ipledger.right.v2") + CN_APPLICATION.to_bytes(32, "big")), "big")
    assert tx.return_value == expected == registry.rightIdOf(CN_APPLICATION) == number_key(CN_APPLICATION)
    assert registry.ownerOf(expected) == alice
    assert registry.recordOf(expected)["jurisdiction"] == "0x434e"  # the primary number's office


@pytest.mark.parametrize(
    ("label", "number"),
    [
        ("serial zero", pack_number(b"CN", b"AP", 0)),
        ("serial below the series", pack_number(b"CN", b"AP", 200210123456)),
        ("serial above the series", pack_number(b"CN", b"AP", 2100_1_0123456)),
        ("two-digit year of a WO publication", pack_number(b"WO", b"PB", 3_012345, family=True)),
        ("unknown series", pack_number(b"CN", b"ZZ", 111234567)),
        ("series of another office", pack_number(b"XX", b"AP", 202010123456)),
        ("lower-case office", pack_number(b"cn", b"AP", 202010123456)),
        ("unknown flag", CN_APPLICATION | 1 << 249),
        ("know-how of a non-letter office", pack_number(b"C1", b"KH", 5)),
    ],
)
def test_a_number_not_in_canonical_form_is_refused(
    registry: Any, registrar: Any, alice: Any, label: str, number: int
) -> None:
    with reverts("InvalidNumber", number):
        registry.register(alice, right(2, number).as_tuple(), {"from": registrar})
    with reverts("InvalidNumber", number):
        registry.register(alice, right(2, CN_APPLICATION, number).as_tuple(), {"from": registrar})


def test_a_family_link_cannot_be_the_primary_number(registry: Any, registrar: Any, alice: Any) -> None:
    with reverts("InvalidNumber", WO_PUBLICATION):
        registry.register(alice, right(3, WO_PUBLICATION).as_tuple(), {"from": registrar})
    with reverts("InvalidNumber", WO_PUBLICATION):
        registry.rightIdOf(WO_PUBLICATION)


def test_a_reserved_number_of_another_office_is_refused(registry: Any, registrar: Any, alice: Any) -> None:
    with reverts("InvalidNumber", EP_PHASE):
        registry.register(alice, right(4, CN_APPLICATION, EP_PHASE).as_tuple(), {"from": registrar})


def test_the_primary_number_repeated_is_refused(registry: Any, registrar: Any, alice: Any) -> None:
    with reverts("InvalidNumber", CN_APPLICATION):
        registry.register(alice, right(5, CN_APPLICATION, CN_APPLICATION).as_tuple(), {"from": registrar})


# ------------------------------------------------------------------------------------------ reserved numbers


@pytest.fixture
def invention(registry: Any, registrar: Any, alice: Any) -> int:
    """The Chinese invention registered by a registrar with its application, publication and family numbers."""
    registration = right(10, CN_APPLICATION, CN_PUBLICATION, PCT_APPLICATION, WO_PUBLICATION)
    tx = registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert tx.events["RightRegistered"]["numbers"] == list(registration.numbers)
    return int(tx.return_value)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "numbers",
    [
        (CN_PUBLICATION,),  # the publication number as primary
        (OTHER_CN_APPLICATION, CN_PUBLICATION),  # ... as another number of another right
        (CN_APPLICATION,),  # the primary number itself (the token exists)
        (OTHER_CN_APPLICATION, CN_APPLICATION),  # ... as another number of another right
    ],
    ids=["publication as primary", "publication as other", "application as primary", "application as other"],
)
def test_every_number_of_a_right_is_refused_on_every_path(
    registry: Any, registrar: Any, bob: Any, invention: int, path: str, numbers: tuple[int, ...]
) -> None:
    collision = numbers[-1]
    registration = right(11, *numbers)
    if collision == CN_APPLICATION and len(numbers) == 1:
        expected: tuple[Any, ...] = ("RightAlreadyRegistered", invention)
    else:
        expected = ("NumberAlreadyRegistered", collision, invention)
    with reverts(*expected):
        register_by(path, registry, registrar, bob, registration)
    assert registry.tokenOfNumber(CN_PUBLICATION) == invention


def test_family_links_do_not_block_the_national_phases(registry: Any, registrar: Any, alice: Any, bob: Any) -> None:
    """The EP and US phases of one PCT application are separate rights; both record the PCT and WO numbers."""
    ep = registry.register(alice, right(20, EP_PHASE, PCT_APPLICATION, WO_PUBLICATION).as_tuple(), {"from": registrar})
    us = registry.register(bob, right(21, US_PHASE, PCT_APPLICATION, WO_PUBLICATION).as_tuple(), {"from": registrar})
    assert ep.return_value != us.return_value
    assert registry.tokenOfNumber(PCT_APPLICATION) == 0  # recorded in the events, reserved for nobody
    assert us.events["RightRegistered"]["numbers"] == [US_PHASE, PCT_APPLICATION, WO_PUBLICATION]


def test_a_number_of_one_right_cannot_claim_another_rights_primary(
    registry: Any, registrar: Any, alice: Any, bob: Any, invention: int
) -> None:
    """A registration listing another registered right's primary number names that right."""
    other = registry.register(bob, right(30, OTHER_CN_APPLICATION).as_tuple(), {"from": registrar}).return_value
    with reverts("NumberAlreadyRegistered", OTHER_CN_APPLICATION, other):
        registry.addNumbers(invention, [OTHER_CN_APPLICATION], PATENT, 0, {"from": alice})


# ------------------------------------------------------------------------------------------ provisional numbers


def test_a_claims_numbers_are_taken_by_a_registrars_registration(
    registry: Any, registrar: Any, alice: Any, attacker: Any
) -> None:
    """A squatter claims a right of his own and lists the victim's publication number; the registrar's registration
    of the victim's right takes it, and the squatter's claim keeps only its own primary number."""
    squat = claim(registry, attacker, right(40, OTHER_CN_APPLICATION, CN_PUBLICATION)).return_value
    assert registry.tokenOfNumber(CN_PUBLICATION) == squat
    tx = registry.register(alice, right(41, CN_APPLICATION, CN_PUBLICATION).as_tuple(), {"from": registrar})
    victim = tx.return_value
    assert ("NumberReclaimed", {"number": CN_PUBLICATION, "fromTokenId": squat, "toTokenId": victim}) in events_of(tx)
    assert registry.tokenOfNumber(CN_PUBLICATION) == victim


def test_a_claimant_cannot_take_a_number_from_another_claim(registry: Any, alice: Any, attacker: Any) -> None:
    first = claim(registry, alice, right(42, CN_APPLICATION, CN_PUBLICATION)).return_value
    with reverts("NumberAlreadyRegistered", CN_PUBLICATION, first):
        claim(registry, attacker, right(43, OTHER_CN_APPLICATION, CN_PUBLICATION))


def test_a_superseded_claim_releases_its_numbers(registry: Any, registrar: Any, alice: Any, attacker: Any) -> None:
    """The squatter claims the victim's own application number with a publication number; the registrar's
    registration of the application alone supersedes the claim and releases the publication number."""
    claimed = claim(registry, attacker, right(44, CN_APPLICATION, CN_PUBLICATION)).return_value
    tx = registry.register(alice, right(45, CN_APPLICATION).as_tuple(), {"from": registrar})
    assert tx.return_value == claimed
    assert ("NumbersReleased", {"tokenId": claimed, "numbers": [CN_PUBLICATION]}) in events_of(tx)
    assert registry.tokenOfNumber(CN_PUBLICATION) == 0
    registry.addNumbers(claimed, [CN_PUBLICATION], PATENT, 0, {"from": alice})
    assert registry.tokenOfNumber(CN_PUBLICATION) == claimed


def test_a_revoked_claims_numbers_are_free_again(registry: Any, registrar: Any, alice: Any, attacker: Any) -> None:
    squat = claim(registry, attacker, right(46, OTHER_CN_APPLICATION, CN_PUBLICATION)).return_value
    registry.revoke(squat, ORDER, {"from": registrar})
    assert registry.tokenOfNumber(CN_PUBLICATION) == 0
    claim(registry, alice, right(47, CN_APPLICATION, CN_PUBLICATION))


def test_a_revoked_rights_numbers_reserve_nothing(
    registry: Any, registrar: Any, alice: Any, bob: Any, invention: int
) -> None:
    registry.revoke(invention, ORDER, {"from": registrar})
    assert registry.tokenOfNumber(CN_PUBLICATION) == 0
    registry.register(bob, right(48, OTHER_CN_APPLICATION, CN_PUBLICATION).as_tuple(), {"from": registrar})


# ------------------------------------------------------------------------------------------ numbers added later


def test_the_owner_adds_the_grant_number_and_the_record_follows(registry: Any, registrar: Any, alice: Any) -> None:
    token = registry.register(alice, right(50, CN_APPLICATION).as_tuple(), {"from": registrar}).return_value
    expiry = now() + 20 * 365 * 86400
    tx = registry.addNumbers(token, [CN_PUBLICATION, WO_PUBLICATION], PATENT, expiry, {"from": alice})
    record = registry.recordOf(token)
    assert (record["kind"], record["expiry"]) == (PATENT, expiry)
    added = dict(events_of(tx))["NumbersAdded"]
    assert (added["tokenId"], added["by"], added["numbers"]) == (token, alice, [CN_PUBLICATION, WO_PUBLICATION])
    assert registry.tokenOfNumber(CN_PUBLICATION) == token


def test_an_owners_number_is_provisional_until_a_registrar_adds_it(
    registry: Any, registrar: Any, alice: Any, bob: Any
) -> None:
    """An owner of a verified right lists a number that is not his; the rightful right's registration takes it.
    A number a registrar has added is firm."""
    token = registry.register(alice, right(51, CN_APPLICATION).as_tuple(), {"from": registrar}).return_value
    registry.addNumbers(token, [CN_PUBLICATION], PATENT, 0, {"from": alice})
    tx = registry.register(bob, right(52, OTHER_CN_APPLICATION, CN_PUBLICATION).as_tuple(), {"from": registrar})
    assert registry.tokenOfNumber(CN_PUBLICATION) == tx.return_value
    registry.addNumbers(token, [pack_number(b"CN", b"PN", 111234568)], PATENT, 0, {"from": alice})
    registry.addNumbers(token, [pack_number(b"CN", b"PN", 111234568)], PATENT, 0, {"from": registrar})
    with reverts("NumberAlreadyRegistered", pack_number(b"CN", b"PN", 111234568), token):
        registry.register(
            bob,
            right(53, pack_number(b"CN", b"AP", 202030111111), pack_number(b"CN", b"PN", 111234568)).as_tuple(),
            {"from": registrar},
        )


@pytest.mark.parametrize("who", ["stranger", "frozen owner"])
def test_add_numbers_is_for_the_owner_of_a_movable_right_or_a_registrar(
    registry: Any, registrar: Any, alice: Any, stranger: Any, who: str
) -> None:
    token = registry.register(alice, right(54, CN_APPLICATION).as_tuple(), {"from": registrar}).return_value
    if who == "stranger":
        with reverts("NotTokenOwner", stranger, token):
            registry.addNumbers(token, [CN_PUBLICATION], PATENT, 0, {"from": stranger})
    else:
        registry.freeze(token, ORDER, {"from": registrar})
        with reverts("TokenIsFrozen", token):
            registry.addNumbers(token, [CN_PUBLICATION], PATENT, 0, {"from": alice})
        registry.addNumbers(token, [CN_PUBLICATION], PATENT, 0, {"from": registrar})


def test_add_numbers_checks_its_input(registry: Any, registrar: Any, alice: Any) -> None:
    token = registry.register(alice, right(55, CN_APPLICATION).as_tuple(), {"from": registrar}).return_value
    with reverts("InvalidRegistration"):
        registry.addNumbers(token, [], PATENT, 0, {"from": alice})
    with reverts("InvalidRegistration"):
        registry.addNumbers(token, [CN_PUBLICATION], 8, 0, {"from": alice})
    with reverts("InvalidNumber", EP_PHASE):
        registry.addNumbers(token, [EP_PHASE], PATENT, 0, {"from": alice})


def test_kinds_change_without_a_new_token(registry: Any, registrar: Any, alice: Any) -> None:
    """The id does not include the kind: an application granted keeps its token; a design stays a design."""
    token = registry.register(alice, right(56, CN_APPLICATION).as_tuple(), {"from": registrar}).return_value
    registry.addNumbers(token, [CN_PUBLICATION], PATENT, 0, {"from": alice})
    with reverts("RightAlreadyRegistered", token):
        registry.register(alice, right(57, CN_APPLICATION, kind=PATENT).as_tuple(), {"from": registrar})
    for kind in (UTILITY_MODEL, DESIGN):
        with reverts("RightAlreadyRegistered", token):
            registry.register(alice, right(58, CN_APPLICATION, kind=kind).as_tuple(), {"from": registrar})


# ------------------------------------------------------------------------------------------ unpublished numbers


def unpublished(number: int, salt: bytes) -> int:
    serial = int.from_bytes(keccak(encode(["uint256", "bytes32"], [number & ((1 << 248) - 1), salt])), "big")
    serial &= (1 << 216) - 1
    return pack_number((number >> 232 & 0xFFFF).to_bytes(2, "big"), b"UC", serial or 1)


def test_an_unpublished_application_is_registered_under_a_commitment_and_opened(
    registry: Any, registrar: Any, alice: Any, bob: Any
) -> None:
    hidden = registry.unpublishedNumber(CN_APPLICATION, SALT)
    assert hidden == unpublished(CN_APPLICATION, SALT)
    token = registry.register(alice, right(60, hidden).as_tuple(), {"from": registrar}).return_value
    with reverts("CommitmentMismatch", token, CN_APPLICATION):
        registry.openNumber(token, CN_APPLICATION, b"\x00" * 32, {"from": alice})
    with reverts("CommitmentMismatch", token, OTHER_CN_APPLICATION):
        registry.openNumber(token, OTHER_CN_APPLICATION, SALT, {"from": alice})
    tx = registry.openNumber(token, CN_APPLICATION, SALT, {"from": alice})
    assert dict(events_of(tx))["NumbersAdded"]["numbers"] == [CN_APPLICATION]
    assert registry.tokenOfNumber(CN_APPLICATION) == token
    with reverts("NumberAlreadyRegistered", CN_APPLICATION, token):
        registry.register(bob, right(61, CN_APPLICATION).as_tuple(), {"from": registrar})


def test_a_family_link_cannot_be_opened(registry: Any) -> None:
    with reverts("InvalidNumber", WO_PUBLICATION):
        registry.unpublishedNumber(WO_PUBLICATION, SALT)
