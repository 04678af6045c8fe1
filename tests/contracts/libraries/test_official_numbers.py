"""Official numbers on chain: the right id derived from the primary number, canonical form refused otherwise, the
other numbers of a right reserved for its token on every registration path, family links that block nothing,
provisional numbers of claims and owners, numbers added later, unpublished applications under a commitment."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import ZERO_ADDRESS, web3
from eth_abi import encode
from eth_utils import keccak
from registry_helpers import (
    DESIGN,
    PATENT,
    PATENT_APPLICATION,
    REGISTRAR_ROLE,
    SHORT_TERM_PATENT,
    UTILITY_MODEL,
    VOUCHER_SIGNER_KEY,
    Registration,
    Voucher,
    address_of,
    commitment_for,
    events_of,
    now,
    number_key,
    ownership_word,
    pack_number,
    pack_record,
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
# One US invention by three numbers of one office: application 17/123,456, pre-grant publication US 2021/0123456 A1
# and grant US 11,987,654 B2 (added when granted).
US_APPLICATION = pack_number(b"US", b"AP", 17_123_456)
US_PREGRANT = pack_number(b"US", b"PB", 2021_0123456)
US_GRANT = pack_number(b"US", b"PN", 11_987_654)
OTHER_US_APPLICATION = pack_number(b"US", b"AP", 17_654_321)
DISPUTE_ROLE = keccak(text="DISPUTE_ROLE")
DISPUTE_REF = keccak(text="dispute 7")


def right(n: int, *numbers: int, kind: int = PATENT_APPLICATION) -> Registration:
    return Registration(numbers=numbers, content_hash=keccak(text=f"bundle {n}"), kind=kind)


def token_of(registry: Any, number: int) -> int:
    """``tokenOfNumber`` as a plain int (brownie's Wei refuses ``int == Wei`` for these sizes)."""
    return int(registry.tokenOfNumber(number))


def event(tx: Any, name: str) -> dict[str, Any]:
    """The arguments of the only ``name`` event of ``tx``, as plain values."""
    found = [args for event_name, args in events_of(tx) if event_name == name]
    assert len(found) == 1, f"{len(found)} {name} events"
    return found[0]


def stored_record(registry: Any, token_id: int) -> int:
    """The packed record as stored: the extra data of the token's ownership slot."""
    return ownership_word(registry, token_id) >> 160


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
    assert int(tx.return_value) == expected
    assert int(registry.rightIdOf(CN_APPLICATION)) == expected
    assert number_key(CN_APPLICATION) == expected
    assert registry.ownerOf(expected) == alice
    assert registry.recordOf(expected)["jurisdiction"] == "0x434e"  # the primary number's office
    assert event(tx, "RightRegistered")["numbers"] == [CN_APPLICATION]


def test_flags_are_not_part_of_the_key(registry: Any, invention: int) -> None:
    """A number and its family-flagged form have one key: the flag says how a right lists a number, not which."""
    assert int(registry.rightIdOf(CN_APPLICATION)) == number_key(CN_APPLICATION | (1 << 248)) == invention
    assert token_of(registry, CN_PUBLICATION | (1 << 248)) == token_of(registry, CN_PUBLICATION) == invention
    assert number_key(CN_PUBLICATION) != number_key(CN_APPLICATION)


@pytest.mark.parametrize(
    ("label", "number"),
    [
        ("first serial of a range", pack_number(b"CN", b"AP", 200310000001)),
        ("last serial of a range", pack_number(b"CN", b"AP", 209999999999)),
        ("second range of a series", pack_number(b"CN", b"PN", 100000001)),
        ("know-how of any office", pack_number(b"ZZ", b"KH", 1)),
        ("unpublished of any office", pack_number(b"QQ", b"UC", (1 << 216) - 1)),
    ],
)
def test_a_number_in_canonical_form_is_accepted(registry: Any, label: str, number: int) -> None:
    assert int(registry.rightIdOf(number)) == number_key(number)


@pytest.mark.parametrize(
    ("label", "number"),
    [
        ("serial zero", pack_number(b"CN", b"AP", 0)),
        ("serial below the series", pack_number(b"CN", b"AP", 200210123456)),
        ("serial just below the series", pack_number(b"CN", b"AP", 200310000000)),
        ("serial just above the series", pack_number(b"CN", b"AP", 210000000000)),
        ("serial above the series", pack_number(b"CN", b"AP", 2100_1_0123456)),
        ("serial between two ranges", pack_number(b"CN", b"PN", 4000000)),
        ("two-digit year of a WO publication", pack_number(b"WO", b"PB", 3_012345, family=True)),
        ("unknown series", pack_number(b"CN", b"ZZ", 111234567)),
        ("series of another office", pack_number(b"XX", b"AP", 202010123456)),
        ("lower-case office", pack_number(b"cn", b"AP", 202010123456)),
        ("unknown flag", CN_APPLICATION | 1 << 249),
        ("know-how of a non-letter office", pack_number(b"C1", b"KH", 5)),
        ("know-how serial zero", pack_number(b"CN", b"KH", 0)),
    ],
)
def test_a_number_not_in_canonical_form_is_refused(
    registry: Any, registrar: Any, alice: Any, label: str, number: int
) -> None:
    with reverts("InvalidNumber", number):
        registry.register(alice, right(2, number).as_tuple(), {"from": registrar})
    with reverts("InvalidNumber", number):
        registry.register(alice, right(2, CN_APPLICATION, number).as_tuple(), {"from": registrar})
    assert registry.balanceOf(alice) == 0


def test_a_registration_without_numbers_is_refused(registry: Any, registrar: Any, alice: Any) -> None:
    with reverts("InvalidRegistration"):
        registry.register(alice, (keccak(text="bundle 2"), PATENT, 0, [], b""), {"from": registrar})


def test_a_family_link_cannot_be_the_primary_number(registry: Any, registrar: Any, alice: Any) -> None:
    with reverts("InvalidNumber", WO_PUBLICATION):
        registry.register(alice, right(3, WO_PUBLICATION).as_tuple(), {"from": registrar})
    with reverts("InvalidNumber", WO_PUBLICATION):
        registry.rightIdOf(WO_PUBLICATION)


def test_a_reserved_number_of_another_office_is_refused(registry: Any, registrar: Any, alice: Any) -> None:
    with reverts("InvalidNumber", EP_PHASE):
        registry.register(alice, right(4, CN_APPLICATION, EP_PHASE).as_tuple(), {"from": registrar})
    # The WO publication unflagged would be a number of another office (WO) too: only a family link may be.
    unflagged = WO_PUBLICATION & ~(1 << 248)
    with reverts("InvalidNumber", unflagged):
        registry.register(alice, right(4, CN_APPLICATION, unflagged).as_tuple(), {"from": registrar})


def test_the_primary_number_repeated_is_refused(registry: Any, registrar: Any, alice: Any) -> None:
    with reverts("InvalidNumber", CN_APPLICATION):
        registry.register(alice, right(5, CN_APPLICATION, CN_APPLICATION).as_tuple(), {"from": registrar})


# ------------------------------------------------------------------------------------------ reserved numbers


@pytest.fixture
def invention(registry: Any, registrar: Any, alice: Any) -> int:
    """The Chinese invention registered by a registrar with its application, publication and family numbers."""
    registration = right(10, CN_APPLICATION, CN_PUBLICATION, PCT_APPLICATION, WO_PUBLICATION)
    tx = registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert event(tx, "RightRegistered")["numbers"] == list(registration.numbers)
    assert int(tx.return_value) == registration.right_id
    assert token_of(registry, CN_PUBLICATION) == registration.right_id
    return registration.right_id


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
    assert token_of(registry, CN_PUBLICATION) == invention
    assert registry.balanceOf(bob) == 0


@pytest.fixture
def us_invention(registry: Any, registrar: Any, alice: Any) -> int:
    """A US invention registered under its application and pre-grant publication numbers; its grant number added
    by a registrar when granted (firm, the kind now a patent)."""
    registration = right(70, US_APPLICATION, US_PREGRANT)
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    registry.addNumbers(registration.right_id, [US_GRANT], PATENT, 0, {"from": registrar})
    assert token_of(registry, US_PREGRANT) == token_of(registry, US_GRANT) == registration.right_id
    return registration.right_id


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("position", ["primary", "other"])
@pytest.mark.parametrize(
    "alias", [US_APPLICATION, US_PREGRANT, US_GRANT], ids=["application", "publication", "grant added later"]
)
def test_every_alias_of_a_right_is_refused_on_every_path(
    registry: Any, registrar: Any, alice: Any, bob: Any, us_invention: int, path: str, position: str, alias: int
) -> None:
    """Application, publication and grant numbers of one office name one right: each is refused by every path,
    whether written as the primary number of a registration or as another of its numbers, naming the right."""
    numbers = (alias,) if position == "primary" else (OTHER_US_APPLICATION, alias)
    if alias == US_APPLICATION and position == "primary":
        expected: tuple[Any, ...] = ("RightAlreadyRegistered", us_invention)
    else:
        expected = ("NumberAlreadyRegistered", alias, us_invention)
    with reverts(*expected):
        register_by(path, registry, registrar, bob, right(71, *numbers))
    assert registry.balanceOf(bob) == 0
    assert registry.exists(number_key(numbers[0])) == (numbers[0] == US_APPLICATION)  # only the right itself
    assert registry.ownerOf(us_invention) == alice
    assert (token_of(registry, US_PREGRANT), token_of(registry, US_GRANT)) == (us_invention, us_invention)


def test_an_alias_is_refused_in_a_batch_and_the_batch_reverts_whole(
    registry: Any, registrar: Any, bob: Any, us_invention: int
) -> None:
    good = right(72, OTHER_US_APPLICATION)
    with reverts("NumberAlreadyRegistered", US_GRANT, us_invention):
        registry.registerBatch(bob, [good.as_tuple(), right(73, US_GRANT).as_tuple()], {"from": registrar})
    assert not registry.exists(good.right_id)


def test_family_links_do_not_block_the_national_phases(
    registry: Any, registrar: Any, alice: Any, bob: Any, carol: Any
) -> None:
    """The CN, EP and US phases of one PCT application are separate rights; all record the PCT and WO numbers, on
    every path, and neither family number is reserved for any of them."""
    ep = registry.register(alice, right(20, EP_PHASE, PCT_APPLICATION, WO_PUBLICATION).as_tuple(), {"from": registrar})
    us = registry.registerWithVoucher(
        *voucher_call(registry, bob, right(21, US_PHASE, PCT_APPLICATION, WO_PUBLICATION)), {"from": bob}
    )
    cn = claim(registry, carol, right(22, CN_APPLICATION, PCT_APPLICATION, WO_PUBLICATION))
    ids = [int(tx.return_value) for tx in (ep, us, cn)]
    assert ids == [number_key(EP_PHASE), number_key(US_PHASE), number_key(CN_APPLICATION)]
    assert [registry.ownerOf(token) for token in ids] == [alice, bob, carol]
    assert token_of(registry, PCT_APPLICATION) == token_of(registry, WO_PUBLICATION) == 0  # reserved for nobody
    assert event(ep, "RightRegistered")["numbers"] == [EP_PHASE, PCT_APPLICATION, WO_PUBLICATION]
    assert event(us, "RightRegistered")["numbers"] == [US_PHASE, PCT_APPLICATION, WO_PUBLICATION]
    assert event(cn, "RightRegistered")["numbers"] == [CN_APPLICATION, PCT_APPLICATION, WO_PUBLICATION]
    # A later phase adds them too, and a priority application of another office flagged as a family link.
    registry.addNumbers(ids[0], [PCT_APPLICATION, CN_APPLICATION | (1 << 248)], PATENT_APPLICATION, 0, {"from": alice})
    assert token_of(registry, CN_APPLICATION) == 0


def test_a_number_of_one_right_cannot_claim_another_rights_primary(
    registry: Any, registrar: Any, alice: Any, bob: Any, invention: int
) -> None:
    """A registration listing another registered right's primary number names that right."""
    other = int(registry.register(bob, right(30, OTHER_CN_APPLICATION).as_tuple(), {"from": registrar}).return_value)
    with reverts("NumberAlreadyRegistered", OTHER_CN_APPLICATION, other):
        registry.addNumbers(invention, [OTHER_CN_APPLICATION], PATENT_APPLICATION, 0, {"from": alice})
    with reverts("NumberAlreadyRegistered", OTHER_CN_APPLICATION, other):
        registry.addNumbers(invention, [OTHER_CN_APPLICATION], PATENT, 0, {"from": registrar})


# ------------------------------------------------------------------------------------------ provisional numbers


@pytest.mark.parametrize("path", ["register", "registerBatch", "registerWithVoucher"])
def test_a_claims_numbers_are_taken_by_a_registrars_registration(
    registry: Any, registrar: Any, alice: Any, attacker: Any, path: str
) -> None:
    """A squatter claims a right of his own and lists the victim's publication number; the registrar's registration
    of the victim's right (on any registrar path) takes it, and the squatter's claim keeps only its own primary."""
    squat = int(claim(registry, attacker, right(40, OTHER_CN_APPLICATION, CN_PUBLICATION)).return_value)
    assert token_of(registry, CN_PUBLICATION) == squat
    victims = right(41, CN_APPLICATION, CN_PUBLICATION)
    tx = register_by(path, registry, registrar, alice, victims)
    victim = victims.right_id
    assert event(tx, "NumberReclaimed") == {"number": CN_PUBLICATION, "fromTokenId": squat, "toTokenId": victim}
    assert ("MetadataUpdate", {"_tokenId": squat}) in events_of(tx)
    assert event(tx, "RightRegistered")["numbers"] == [CN_APPLICATION, CN_PUBLICATION]
    assert token_of(registry, CN_PUBLICATION) == victim
    assert (registry.ownerOf(victim), registry.ownerOf(squat)) == (alice, attacker)
    # Now firm: the squatter cannot have it back, nor can a registrar give it to another right.
    with reverts("NumberAlreadyRegistered", CN_PUBLICATION, victim):
        registry.addNumbers(squat, [CN_PUBLICATION], PATENT, 0, {"from": attacker})
    with reverts("NumberAlreadyRegistered", CN_PUBLICATION, victim):
        registry.addNumbers(squat, [CN_PUBLICATION], PATENT, 0, {"from": registrar})


def test_a_claimant_cannot_take_a_number_from_another_claim(registry: Any, alice: Any, attacker: Any) -> None:
    first = int(claim(registry, alice, right(42, CN_APPLICATION, CN_PUBLICATION)).return_value)
    with reverts("NumberAlreadyRegistered", CN_PUBLICATION, first):
        claim(registry, attacker, right(43, OTHER_CN_APPLICATION, CN_PUBLICATION))
    assert token_of(registry, CN_PUBLICATION) == first


def test_a_superseded_claim_releases_its_numbers(registry: Any, registrar: Any, alice: Any, attacker: Any) -> None:
    """The squatter claims the victim's own application number with a publication number; the registrar's
    registration of the application alone supersedes the claim and releases the publication number."""
    claimed = int(claim(registry, attacker, right(44, CN_APPLICATION, CN_PUBLICATION)).return_value)
    tx = registry.register(alice, right(45, CN_APPLICATION).as_tuple(), {"from": registrar})
    assert int(tx.return_value) == claimed
    assert event(tx, "NumbersReleased") == {"tokenId": claimed, "numbers": [CN_PUBLICATION]}
    assert token_of(registry, CN_PUBLICATION) == 0
    registry.addNumbers(claimed, [CN_PUBLICATION], PATENT_APPLICATION, 0, {"from": alice})
    assert token_of(registry, CN_PUBLICATION) == claimed


def test_a_confirmed_claims_numbers_are_firm(
    registry: Any, admin: Any, registrar: Any, alice: Any, bob: Any, carol: Any
) -> None:
    """A verifier confirms the claim: its numbers are no longer provisional, a registrar cannot take them."""
    registry.grantRole(keccak(text="VERIFIER_ROLE"), carol, {"from": admin})
    claimed = int(claim(registry, alice, right(46, CN_APPLICATION, CN_PUBLICATION)).return_value)
    registry.confirmClaim(claimed, keccak(text="evidence"), {"from": carol})
    with reverts("NumberAlreadyRegistered", CN_PUBLICATION, claimed):
        registry.register(bob, right(47, OTHER_CN_APPLICATION, CN_PUBLICATION).as_tuple(), {"from": registrar})
    assert token_of(registry, CN_PUBLICATION) == claimed


def test_a_revoked_claims_numbers_are_free_again(registry: Any, registrar: Any, alice: Any, attacker: Any) -> None:
    squat = int(claim(registry, attacker, right(46, OTHER_CN_APPLICATION, CN_PUBLICATION)).return_value)
    tx = registry.revoke(squat, ORDER, {"from": registrar})
    assert event(tx, "NumbersReleased") == {"tokenId": squat, "numbers": [CN_PUBLICATION]}
    assert token_of(registry, CN_PUBLICATION) == 0
    mine = int(claim(registry, alice, right(47, CN_APPLICATION, CN_PUBLICATION)).return_value)
    assert token_of(registry, CN_PUBLICATION) == mine


def test_a_revoked_rights_numbers_reserve_nothing(
    registry: Any, registrar: Any, alice: Any, bob: Any, invention: int
) -> None:
    registry.revoke(invention, ORDER, {"from": registrar})
    assert token_of(registry, CN_PUBLICATION) == 0
    tx = registry.register(bob, right(48, OTHER_CN_APPLICATION, CN_PUBLICATION).as_tuple(), {"from": registrar})
    assert "NumberReclaimed" not in [name for name, _ in events_of(tx)]  # nothing to take from a burnt token
    assert token_of(registry, CN_PUBLICATION) == int(tx.return_value)


# ------------------------------------------------------------------------------------------ numbers added later


def test_the_registrar_records_the_grant_number_and_the_record_follows(
    registry: Any, registrar: Any, alice: Any
) -> None:
    tx = registry.register(alice, right(50, CN_APPLICATION).as_tuple(), {"from": registrar})
    token, registered_at = int(tx.return_value), int(tx.timestamp)
    assert int(registry.recordOf(token)["kind"]) == PATENT_APPLICATION
    expiry = now() + 20 * 365 * 86400
    tx = registry.addNumbers(token, [CN_PUBLICATION, WO_PUBLICATION], PATENT, expiry, {"from": registrar})
    record = registry.recordOf(token)
    assert (int(record["kind"]), int(record["expiry"]), int(record["registeredAt"])) == (PATENT, expiry, registered_at)
    assert record["owner"] == alice
    expected_record = pack_record(
        kind=PATENT, jurisdiction=b"CN", registered_at=registered_at, expiry=expiry, self_declared=False
    )
    assert stored_record(registry, token) == expected_record  # in storage, not only in the event
    assert [name for name, _ in events_of(tx)] == ["NumbersAdded", "MetadataUpdate"]
    assert event(tx, "NumbersAdded") == {
        "tokenId": token,
        "by": address_of(registrar),
        "numbers": [CN_PUBLICATION, WO_PUBLICATION],
        "record": expected_record,
    }
    assert event(tx, "MetadataUpdate") == {"_tokenId": token}
    assert token_of(registry, CN_PUBLICATION) == token
    assert token_of(registry, WO_PUBLICATION) == 0  # a family link is recorded, not reserved


@pytest.mark.parametrize(("kind", "expiry"), [(PATENT, 0), (PATENT_APPLICATION, 2**40 - 1), (DESIGN, 12345)])
def test_the_owner_of_a_verified_right_cannot_rewrite_its_record(
    registry: Any, registrar: Any, alice: Any, kind: int, expiry: int
) -> None:
    """Attack (security review F4): an owner re-adding a number it already has, or a family link, to extend an
    expired right's expiry or change its kind. The record of a verified right is the registrar's."""
    registration = right(60, CN_APPLICATION, CN_PUBLICATION)
    token = int(registry.register(alice, registration.as_tuple(), {"from": registrar}).return_value)
    for numbers in ([CN_PUBLICATION], [WO_PUBLICATION]):
        with reverts("AccessControlUnauthorizedAccount", alice, REGISTRAR_ROLE):
            registry.addNumbers(token, numbers, kind, expiry, {"from": alice})
    assert int(registry.recordOf(token)["kind"]) == PATENT_APPLICATION
    assert int(registry.recordOf(token)["expiry"]) == 0


def test_a_registrar_adds_numbers_to_a_frozen_right_with_a_new_kind(registry: Any, registrar: Any, alice: Any) -> None:
    tx = registry.register(alice, right(49, CN_APPLICATION).as_tuple(), {"from": registrar})
    token, registered_at = int(tx.return_value), int(tx.timestamp)
    registry.freeze(token, ORDER, {"from": registrar})
    tx = registry.addNumbers(token, [CN_PUBLICATION], SHORT_TERM_PATENT, 2**40 - 1, {"from": registrar})
    expected_record = pack_record(
        kind=SHORT_TERM_PATENT, jurisdiction=b"CN", registered_at=registered_at, expiry=2**40 - 1,
        self_declared=False, frozen=True,
    )  # fmt: skip
    assert event(tx, "NumbersAdded")["record"] == expected_record == stored_record(registry, token)
    assert event(tx, "NumbersAdded")["by"] == address_of(registrar)
    assert int(registry.recordOf(token)["kind"]) == SHORT_TERM_PATENT


def test_an_owners_number_is_provisional_until_a_registrar_adds_it(
    registry: Any, registrar: Any, alice: Any, bob: Any
) -> None:
    """An owner of a verified right lists a number that is not his; the rightful right's registration takes it.
    A number a registrar has added is firm."""
    token = int(registry.register(alice, right(51, CN_APPLICATION).as_tuple(), {"from": registrar}).return_value)
    registry.addNumbers(token, [CN_PUBLICATION], PATENT_APPLICATION, 0, {"from": alice})
    tx = registry.register(bob, right(52, OTHER_CN_APPLICATION, CN_PUBLICATION).as_tuple(), {"from": registrar})
    rightful = int(tx.return_value)
    assert event(tx, "NumberReclaimed") == {"number": CN_PUBLICATION, "fromTokenId": token, "toTokenId": rightful}
    assert token_of(registry, CN_PUBLICATION) == rightful
    # The owner cannot take it back.
    with reverts("NumberAlreadyRegistered", CN_PUBLICATION, rightful):
        registry.addNumbers(token, [CN_PUBLICATION], PATENT_APPLICATION, 0, {"from": alice})
    grant = pack_number(b"CN", b"PN", 111234568)
    registry.addNumbers(token, [grant], PATENT_APPLICATION, 0, {"from": alice})
    registry.addNumbers(token, [grant], PATENT, 0, {"from": registrar})  # the registrar confirms it: firm now
    with reverts("NumberAlreadyRegistered", grant, token):
        registry.register(
            bob, right(53, pack_number(b"CN", b"AP", 202030111111), grant).as_tuple(), {"from": registrar}
        )
    assert token_of(registry, grant) == token


def test_an_owners_number_on_a_claim_is_the_claims(registry: Any, registrar: Any, alice: Any, attacker: Any) -> None:
    """A claimant adds a number to his claim: it is released with the claim when a registrar supersedes it."""
    claimed = int(claim(registry, attacker, right(54, CN_APPLICATION)).return_value)
    registry.addNumbers(claimed, [CN_PUBLICATION], PATENT, 0, {"from": attacker})
    assert token_of(registry, CN_PUBLICATION) == claimed
    tx = registry.register(alice, right(55, CN_APPLICATION).as_tuple(), {"from": registrar})
    assert event(tx, "NumbersReleased") == {"tokenId": claimed, "numbers": [CN_PUBLICATION]}
    assert token_of(registry, CN_PUBLICATION) == 0


@pytest.fixture
def hidden_right(registry: Any, registrar: Any, alice: Any) -> int:
    """A Chinese application registered unpublished (under unpublishedNumber(CN_APPLICATION, SALT)) to alice."""
    hidden = int(registry.unpublishedNumber(CN_APPLICATION, SALT))
    return int(registry.register(alice, right(59, hidden).as_tuple(), {"from": registrar}).return_value)


def change_numbers(function: str, registry: Any, token: int, sender: Any) -> Any:
    """addNumbers (the publication number) or openNumber (the application number) on ``hidden_right``."""
    if function == "addNumbers":
        return registry.addNumbers(token, [CN_PUBLICATION], PATENT_APPLICATION, 0, {"from": sender})
    return registry.openNumber(token, CN_APPLICATION, SALT, {"from": sender})


NUMBER_OF = {"addNumbers": CN_PUBLICATION, "openNumber": CN_APPLICATION}


@pytest.mark.parametrize("function", ["addNumbers", "openNumber"])
@pytest.mark.parametrize("who", ["stranger", "approved", "former owner", "frozen owner", "disputed owner", "paused"])
def test_numbers_are_changed_by_the_owner_of_a_movable_right_or_a_registrar(
    registry: Any,
    admin: Any,
    registrar: Any,
    guardian: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    stranger: Any,
    operator: Any,
    hidden_right: int,
    function: str,
    who: str,
) -> None:
    token, number = hidden_right, NUMBER_OF[function]
    allowed = registrar  # who succeeds after the refusal
    if who == "stranger":
        refused, expected = stranger, ("NotTokenOwner", stranger, token)
    elif who == "approved":
        registry.approve(operator, token, {"from": alice})
        registry.setApprovalForAll(operator, True, {"from": alice})
        refused, expected = operator, ("NotTokenOwner", operator, token)
    elif who == "former owner":
        registry.transferFrom(alice, bob, token, {"from": alice})
        refused, expected, allowed = alice, ("NotTokenOwner", alice, token), bob
    elif who == "frozen owner":
        registry.freeze(token, ORDER, {"from": registrar})
        refused, expected = alice, ("TokenIsFrozen", token)
    elif who == "disputed owner":
        registry.grantRole(DISPUTE_ROLE, carol, {"from": admin})
        registry.setLock(token, True, ZERO_ADDRESS, DISPUTE_REF, {"from": carol})
        refused, expected = alice, ("RightDisputed", token)
    else:
        registry.pause({"from": guardian})
        for sender in (alice, registrar):
            with reverts("EnforcedPause"):
                change_numbers(function, registry, token, sender)
        assert token_of(registry, number) == 0
        return
    record = stored_record(registry, token)
    with reverts(*expected):
        change_numbers(function, registry, token, refused)
    assert token_of(registry, number) == 0
    assert stored_record(registry, token) == record
    tx = change_numbers(function, registry, token, allowed)
    assert event(tx, "NumbersAdded")["by"] == address_of(allowed)
    assert token_of(registry, number) == token


def test_numbers_of_an_unknown_token_are_refused(registry: Any, registrar: Any) -> None:
    unknown = number_key(CN_APPLICATION)
    with reverts("UnknownToken", unknown):
        registry.addNumbers(unknown, [CN_PUBLICATION], PATENT, 0, {"from": registrar})
    with reverts("UnknownToken", unknown):
        registry.openNumber(unknown, CN_APPLICATION, SALT, {"from": registrar})


def test_add_numbers_checks_its_input(registry: Any, registrar: Any, alice: Any) -> None:
    token = int(registry.register(alice, right(55, CN_APPLICATION).as_tuple(), {"from": registrar}).return_value)
    with reverts("InvalidRegistration"):
        registry.addNumbers(token, [], PATENT, 0, {"from": alice})
    with reverts("InvalidRegistration"):
        registry.addNumbers(token, [CN_PUBLICATION], SHORT_TERM_PATENT + 1, 0, {"from": alice})
    with reverts("InvalidNumber", EP_PHASE):
        registry.addNumbers(token, [EP_PHASE], PATENT_APPLICATION, 0, {"from": alice})
    with reverts("InvalidNumber", CN_APPLICATION):  # its own primary number
        registry.addNumbers(token, [CN_APPLICATION], PATENT_APPLICATION, 0, {"from": alice})
    not_canonical = pack_number(b"CN", b"PN", 4000000)
    with reverts("InvalidNumber", not_canonical):
        registry.addNumbers(token, [CN_PUBLICATION, not_canonical], PATENT_APPLICATION, 0, {"from": alice})
    assert token_of(registry, CN_PUBLICATION) == 0  # the whole call reverted
    registry.addNumbers(token, [CN_PUBLICATION], PATENT_APPLICATION, 0, {"from": alice})
    registry.addNumbers(token, [CN_PUBLICATION], PATENT_APPLICATION, 0, {"from": alice})  # again: nothing to reserve
    assert token_of(registry, CN_PUBLICATION) == token
    assert int(registry.recordOf(token)["kind"]) == PATENT_APPLICATION


def test_kinds_change_without_a_new_token(registry: Any, registrar: Any, alice: Any) -> None:
    """The id does not include the kind: an application granted keeps its token; a design stays a design."""
    token = int(registry.register(alice, right(56, CN_APPLICATION).as_tuple(), {"from": registrar}).return_value)
    registry.addNumbers(token, [CN_PUBLICATION], PATENT_APPLICATION, 0, {"from": alice})
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
    hidden = int(registry.unpublishedNumber(CN_APPLICATION, SALT))
    assert hidden == unpublished(CN_APPLICATION, SALT)
    assert hidden != int(registry.unpublishedNumber(CN_APPLICATION, b"\x00" * 32))
    tx = registry.register(alice, right(60, hidden).as_tuple(), {"from": registrar})
    token, record = int(tx.return_value), stored_record(registry, int(tx.return_value))
    assert token == number_key(hidden)
    assert registry.recordOf(token)["jurisdiction"] == "0x434e"
    with reverts("CommitmentMismatch", token, CN_APPLICATION):
        registry.openNumber(token, CN_APPLICATION, b"\x00" * 32, {"from": alice})
    with reverts("CommitmentMismatch", token, OTHER_CN_APPLICATION):
        registry.openNumber(token, OTHER_CN_APPLICATION, SALT, {"from": alice})
    with reverts("CommitmentMismatch", token, CN_APPLICATION | (1 << 248)):
        registry.openNumber(token, CN_APPLICATION | (1 << 248), SALT, {"from": alice})
    assert token_of(registry, CN_APPLICATION) == 0
    tx = registry.openNumber(token, CN_APPLICATION, SALT, {"from": alice})
    assert event(tx, "NumbersAdded") == {
        "tokenId": token,
        "by": address_of(alice),
        "numbers": [CN_APPLICATION],
        "record": record,  # unchanged
    }
    assert stored_record(registry, token) == record
    assert token_of(registry, CN_APPLICATION) == token
    # Opened by its owner with the commitment, the number is firm: a registrar's registration cannot take it.
    with reverts("NumberAlreadyRegistered", CN_APPLICATION, token):
        registry.register(bob, right(61, CN_APPLICATION).as_tuple(), {"from": registrar})
    with reverts("NumberAlreadyRegistered", CN_APPLICATION, token):
        registry.register(bob, right(62, OTHER_CN_APPLICATION, CN_APPLICATION).as_tuple(), {"from": registrar})


def test_a_right_under_its_published_number_cannot_be_opened(
    registry: Any, registrar: Any, alice: Any, invention: int
) -> None:
    with reverts("CommitmentMismatch", invention, OTHER_CN_APPLICATION):
        registry.openNumber(invention, OTHER_CN_APPLICATION, SALT, {"from": alice})


def test_an_opened_number_already_registered_is_refused(
    registry: Any, registrar: Any, alice: Any, bob: Any, hidden_right: int
) -> None:
    """The application was registered under its number by someone else meanwhile: the owner cannot open it."""
    other = int(registry.register(bob, right(63, CN_APPLICATION).as_tuple(), {"from": registrar}).return_value)
    with reverts("NumberAlreadyRegistered", CN_APPLICATION, other):
        registry.openNumber(hidden_right, CN_APPLICATION, SALT, {"from": alice})


def test_a_family_link_cannot_be_opened(registry: Any) -> None:
    with reverts("InvalidNumber", WO_PUBLICATION):
        registry.unpublishedNumber(WO_PUBLICATION, SALT)
    not_canonical = pack_number(b"CN", b"AP", 1)
    with reverts("InvalidNumber", not_canonical):
        registry.unpublishedNumber(not_canonical, SALT)


# ------------------------------------------------------------------------------------------ stale reservations


def test_a_number_reserved_again_after_a_revocation_is_as_firm_as_its_new_reservation(
    registry: Any, registrar: Any, alice: Any, bob: Any, carol: Any
) -> None:
    """Alice's owner-declared (provisional) number outlives her revoked right in storage; reserved again for bob's
    right by a registrar, it is firm: a third registration may not take it."""
    token = int(registry.register(alice, right(80, CN_APPLICATION).as_tuple(), {"from": registrar}).return_value)
    registry.addNumbers(token, [CN_PUBLICATION], PATENT_APPLICATION, 0, {"from": alice})
    registry.revoke(token, ORDER, {"from": registrar})
    bobs = int(
        registry.register(
            bob, right(81, OTHER_CN_APPLICATION, CN_PUBLICATION).as_tuple(), {"from": registrar}
        ).return_value
    )
    assert token_of(registry, CN_PUBLICATION) == bobs
    with reverts("NumberAlreadyRegistered", CN_PUBLICATION, bobs):
        registry.register(
            carol, right(82, pack_number(b"CN", b"AP", 202030111111), CN_PUBLICATION).as_tuple(), {"from": registrar}
        )


# ------------------------------------------------------------------------------------------ attacks (security review)


def test_a_burnt_rights_number_taken_by_another_is_not_revived_with_it(
    registry: Any, registrar: Any, alice: Any, bob: Any, attacker: Any
) -> None:
    """Attack (F1): a revoked right's reservation is taken by a right whose primary number it is; the revoked right,
    registered again, does not get it back: one number never names two live tokens."""
    registration = right(90, CN_APPLICATION, CN_PUBLICATION)
    token = int(registry.register(alice, registration.as_tuple(), {"from": registrar}).return_value)
    registry.revoke(token, ORDER, {"from": registrar})
    publication_right = int(claim(registry, attacker, right(91, CN_PUBLICATION)).return_value)
    assert publication_right == number_key(CN_PUBLICATION)
    assert token_of(registry, CN_PUBLICATION) == 0  # the burnt right's entry was cleared, not left to revive
    again = int(registry.register(bob, right(92, CN_APPLICATION).as_tuple(), {"from": registrar}).return_value)
    assert again == token
    assert token_of(registry, CN_PUBLICATION) == 0
    registry.revoke(publication_right, ORDER, {"from": registrar})
    tx = registry.register(bob, right(93, CN_PUBLICATION).as_tuple(), {"from": registrar})
    assert int(tx.return_value) == publication_right  # registrable again, blocked by nobody


def test_an_earlier_commitment_wins_a_number_a_later_claim_reserved(registry: Any, alice: Any, attacker: Any) -> None:
    """Attack (F2): a copier commits after the victim, lists the victim's primary number as a further number of
    his own claim and reveals first; the victim's reveal still lands and takes the number."""
    victim = right(94, CN_APPLICATION, CN_PUBLICATION)
    copier = right(95, OTHER_CN_APPLICATION, CN_APPLICATION)
    registry.commit(commitment_for(alice, victim, SALT), {"from": alice})
    registry.commit(commitment_for(attacker, copier, SALT), {"from": attacker})
    squat = int(registry.reveal(copier.as_tuple(), SALT, {"from": attacker}).return_value)
    assert token_of(registry, CN_APPLICATION) == squat
    tx = registry.reveal(victim.as_tuple(), SALT, {"from": alice})
    assert int(tx.return_value) == victim.right_id
    reclaimed = {"number": CN_APPLICATION, "fromTokenId": squat, "toTokenId": victim.right_id}
    assert event(tx, "NumberReclaimed") == reclaimed
    assert token_of(registry, CN_APPLICATION) == 0  # a primary number is its token: no entry is needed
    assert token_of(registry, CN_PUBLICATION) == victim.right_id


def test_a_later_commitment_does_not_take_an_earlier_claims_number(registry: Any, alice: Any, attacker: Any) -> None:
    first = right(96, CN_APPLICATION, CN_PUBLICATION)
    later = right(97, OTHER_CN_APPLICATION, CN_PUBLICATION)
    registry.commit(commitment_for(alice, first, SALT), {"from": alice})
    registry.commit(commitment_for(attacker, later, SALT), {"from": attacker})
    registry.reveal(first.as_tuple(), SALT, {"from": alice})
    with reverts("NumberAlreadyRegistered", CN_PUBLICATION, first.right_id):
        registry.reveal(later.as_tuple(), SALT, {"from": attacker})


def test_a_claim_reserves_at_most_max_claim_numbers(registry: Any, registrar: Any, alice: Any, attacker: Any) -> None:
    """Attack (F3): a claimant piles up numbers so that releasing them (on revocation or supersession) no longer
    fits a block. The list is capped, and the claim stays revocable and supersedable."""
    cap = int(registry.MAX_CLAIM_NUMBERS())
    assert cap == 32
    hidden = [pack_number(b"CN", b"UC", serial) for serial in range(1, cap + 2)]
    with reverts("TooManyNumbers", number_key(CN_APPLICATION), cap):
        claim(registry, attacker, right(98, CN_APPLICATION, *hidden))
    claimed = int(claim(registry, attacker, right(98, CN_APPLICATION, *hidden[:cap])).return_value)
    with reverts("TooManyNumbers", claimed, cap):
        registry.addNumbers(claimed, [hidden[cap]], PATENT_APPLICATION, 0, {"from": attacker})
    tx = registry.register(alice, right(99, CN_APPLICATION).as_tuple(), {"from": registrar})
    assert event(tx, "NumbersReleased") == {"tokenId": claimed, "numbers": hidden[:cap]}
    assert tx.gas_used < 2_000_000


def test_numbers_added_before_a_confirmation_stay_provisional(
    registry: Any, admin: Any, registrar: Any, bob: Any, carol: Any, attacker: Any
) -> None:
    """Attack (F5): a claimant adds a number between the attestor's check and the confirmation; the confirmation
    makes the revealed numbers firm, not that one: a registrar's registration of its right still takes it."""
    claimed = int(claim(registry, attacker, right(100, CN_APPLICATION)).return_value)
    registry.addNumbers(claimed, [CN_PUBLICATION], PATENT_APPLICATION, 0, {"from": attacker})
    registry.grantRole(keccak(text="VERIFIER_ROLE"), carol, {"from": admin})
    registry.confirmClaim(claimed, ORDER, {"from": carol})
    tx = registry.register(bob, right(101, OTHER_CN_APPLICATION, CN_PUBLICATION).as_tuple(), {"from": registrar})
    assert event(tx, "NumberReclaimed") == {
        "number": CN_PUBLICATION,
        "fromTokenId": claimed,
        "toTokenId": int(tx.return_value),
    }


def test_numbers_released_lists_only_the_numbers_still_the_claims(
    registry: Any, registrar: Any, alice: Any, bob: Any, attacker: Any
) -> None:
    claimed = int(claim(registry, attacker, right(102, CN_APPLICATION, CN_PUBLICATION)).return_value)
    taken = registry.register(bob, right(103, OTHER_CN_APPLICATION, CN_PUBLICATION).as_tuple(), {"from": registrar})
    assert event(taken, "NumberReclaimed")["fromTokenId"] == claimed
    tx = registry.revoke(claimed, ORDER, {"from": registrar})
    assert event(tx, "NumbersReleased") == {"tokenId": claimed, "numbers": []}
    assert token_of(registry, CN_PUBLICATION) == int(taken.return_value)
