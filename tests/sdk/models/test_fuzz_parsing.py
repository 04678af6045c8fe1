"""Property tests (hypothesis) of the parsers and the canonical hashing of docs/hashing.md: round-trips, equal
inputs hash equal, any change changes the hash, and the validators accept exactly the valid inputs."""

from __future__ import annotations

import datetime as dt
import json
import string
from decimal import Context
from pathlib import Path
from typing import Any

import pytest
from eth_utils.address import to_checksum_address
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from ipledger import (
    BulkEntry,
    InvalidInputError,
    InvalidRow,
    IPMetadata,
    MetadataError,
    OfficialNumber,
    bundle_hash,
    canonical_json,
    format_units,
    parse_metadata,
    parse_number,
    parse_units,
    read_bulk_file,
    right_id,
    unpack_number,
)
from ipledger.models._hashing import hash_bytes
from ipledger.models._ids import parse_token_id
from ipledger.models._model_base import Address, Uint256
from ipledger.models._models import RightKind
from pydantic import TypeAdapter, ValidationError

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

_JURISDICTIONS = ["US", "EP", "DE", "JP", "CN", "WO", "GB", "FR", "KR", "CA", "NO"]
_KINDS = [kind.value for kind in RightKind]
_text = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x7f"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
_days = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31))


def _cn_check(digits: str) -> str:
    """The CN application check digit (weights 2 to 9 repeated, sum modulo 11, 10 written X), independently of
    ipledger.models._numbers."""
    total = sum(int(digit) * weight for digit, weight in zip(digits, [2, 3, 4, 5, 6, 7, 8, 9] * 2, strict=False))
    return "X" if total % 11 == 10 else str(total % 11)


def _cn_application(year: int, type_digit: int, serial: int) -> tuple[str, str]:
    digits = f"{year}{type_digit}{serial:07d}"
    return digits, "." + _cn_check(digits)


# Written numbers, office by office, as (office, prefixes, digits, suffixes): any prefix, the digits with any noise
# (spaces, commas) between them and any suffix (kind codes, check digits) name one number.
_WRITTEN = {
    "US": [
        st.tuples(st.just(["US ", "US", "us ", ""]), st.integers(1, 99_999_999).map(str), st.just(["", " B1", " B2"])),
        st.tuples(
            st.just(["US ", ""]),
            st.integers(2001, 2099).flatmap(lambda year: st.integers(1, 9_999_999).map(lambda n: f"{year}/{n:07d}")),
            st.just([" A1", ""]),
        ),
    ],
    "EP": [st.tuples(st.just(["EP ", "EP", "ep "]), st.integers(1, 9_999_999).map(str), st.just(["", " A1", " B1"]))],
    "CN": [
        st.builds(
            lambda pair: (["ZL ", "CN ", "ZL", "专利号"], pair[0], [pair[1]]),
            st.builds(
                _cn_application, st.integers(2003, 2099), st.sampled_from([1, 2, 3, 8, 9]), st.integers(1, 9_999_999)
            ),
        ),
        st.tuples(st.just(["第"]), st.integers(1, 99_999_999).map(str), st.just(["号", "號"])),
        st.tuples(
            st.just(["CN ", ""]),
            st.integers(1992, 2099).flatmap(lambda year: st.integers(1, 9_999_999).map(lambda n: f"{year}SR{n:07d}")),
            st.just([""]),
        ),
    ],
    "JP": [
        st.tuples(st.just(["特許第"]), st.integers(1, 9_999_999).map(str), st.just(["号"])),
        st.tuples(st.just(["JP ", "JP"]), st.integers(1, 9_999_999).map(str), st.just(["", " B2"])),
        st.tuples(
            st.just(["特願"]),
            st.integers(1926, 2099).flatmap(lambda year: st.integers(1, 999_999).map(lambda n: f"{year}-{n:06d}")),
            st.just([""]),
        ),
    ],
    "GB": [st.tuples(st.just(["GB ", "GB"]), st.integers(1, 9_999_999).map(str), st.just(["", " A", " B"]))],
}


@st.composite
def written_numbers(draw: st.DrawFn, office: str | None = None) -> tuple[str, str, str]:
    """(office, a plain written form, the same number written with noise, another prefix and suffix)."""
    office = office or draw(st.sampled_from(sorted(_WRITTEN)))
    prefixes, digits, suffixes = draw(st.one_of(_WRITTEN[office]))
    plain = prefixes[0] + digits + suffixes[0]
    parts = [draw(st.sampled_from(prefixes))]
    for ch in digits:
        parts.append(draw(st.text(alphabet=" ,\u3000", max_size=2)))
        parts.append(ch)
    parts.append(draw(st.text(alphabet=" \u3000", max_size=2)) + draw(st.sampled_from(suffixes)))
    return office, plain, "".join(parts)


@st.composite
def metadata_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """Valid metadata as a JSON-ready mapping (dates in order, optional fields sometimes absent)."""
    if draw(st.integers(0, 5)) == 0:
        data: dict[str, Any] = {"kind": "trade_secret", "jurisdiction": draw(st.sampled_from(_JURISDICTIONS))}
        if draw(st.booleans()):
            data["number"] = draw(_text)  # the owner's reference
    else:
        office, plain, _ = draw(written_numbers())
        kinds = parse_number(plain, office).kinds & set(_KINDS)
        data = {"kind": draw(st.sampled_from(sorted(kinds))), "jurisdiction": office, "number": plain}
    data["title"] = draw(_text)
    if draw(st.booleans()):
        data["inventors"] = draw(st.lists(_text, max_size=3))
    if draw(st.booleans()):
        data["assignee"] = draw(_text)
    if draw(st.booleans()):
        data["abstract"] = draw(_text)
    days = sorted(draw(st.lists(_days, min_size=0, max_size=4)))
    names = draw(st.permutations(["priority_date", "filing_date", "grant_date", "expiry_date"]))
    chosen = sorted(names[: len(days)], key=["priority_date", "filing_date", "grant_date", "expiry_date"].index)
    data.update({name: day.isoformat() for name, day in zip(chosen, days, strict=True)})
    return data


# ---------------------------------------------------------------- canonical JSON and the metadata hash


_json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
_json = st.recursive(
    _json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def _without_null_members(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_null_members(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_null_members(item) for item in value]
    return value


@FAST
@given(st.dictionaries(st.text(max_size=8), _json, max_size=6))
def test_canonical_json_round_trips_and_is_one_compact_sorted_form(document: dict[str, Any]) -> None:
    encoded = canonical_json(document)
    assert json.loads(encoded) == _without_null_members(document)
    reordered = dict(reversed(list(document.items())))
    assert canonical_json(reordered) == encoded
    assert canonical_json(json.loads(encoded)) == encoded


@FAST
@given(metadata_dicts(), st.randoms(use_true_random=False), st.sampled_from([None, 0, 2, "\t"]))
def test_metadata_round_trips_and_key_order_or_white_space_never_change_its_hash(
    data: dict[str, Any], random: Any, indent: int | str | None
) -> None:
    metadata = parse_metadata(data)
    published = json.loads(metadata.public_record())
    assert published.pop("v") == 1 and parse_metadata(published) == metadata
    keys = list(data)
    random.shuffle(keys)
    text = json.dumps({key: data[key] for key in keys}, indent=indent)
    assert parse_metadata(json.loads(text)).metadata_hash() == metadata.metadata_hash()
    padded = {**data, "title": f"  {data['title']}\t"}
    assert parse_metadata(padded).metadata_hash() == metadata.metadata_hash()


def _changed(data: dict[str, Any], field: str, draw: st.DrawFn) -> Any:
    secret = data["kind"] == "trade_secret"
    if field == "kind":
        assume(not secret)  # any other kind needs an official number
        kinds = parse_number(data["number"], data["jurisdiction"]).kinds & set(_KINDS) - {data["kind"]}
        assume(kinds)  # the number names no other kind
        return draw(st.sampled_from(sorted(kinds)))
    if field == "jurisdiction":
        assume(secret)  # an official number belongs to its own office
        return draw(st.sampled_from([code for code in _JURISDICTIONS if code != data["jurisdiction"]]))
    if field == "number":
        if secret:
            return data.get("number", "") + draw(st.sampled_from(string.digits))
        _, plain, _ = draw(written_numbers(data["jurisdiction"]))
        assume(parse_number(plain).key != parse_number(data["number"], data["jurisdiction"]).key)
        return plain
    if field == "numbers":
        assume(not secret)  # know-how has no other numbers
        _, plain, _ = draw(written_numbers(data["jurisdiction"]))
        return [plain]
    if field == "family":
        return [draw(st.sampled_from(["WO 2021/123456 A1", "PCT/CN2021/123456", "PCT/CN03/00123"]))]
    if field == "inventors":
        return [*data.get("inventors", []), draw(_text)]
    if field.endswith("_date"):
        return None if field in data else "2000-01-01"
    return draw(_text.filter(lambda text: text != data.get(field)))


@FAST
@given(metadata_dicts(), st.data())
def test_any_change_of_any_field_changes_the_metadata_hash(data: dict[str, Any], draws: st.DataObject) -> None:
    metadata = parse_metadata(data)
    field = draws.draw(st.sampled_from(sorted(set(IPMetadata.model_fields) - {"documents"})))
    value = _changed(data, field, draws.draw)
    changed = {key: item for key, item in {**data, field: value}.items() if item is not None}
    try:
        other = parse_metadata(changed)
    except MetadataError:
        assume(False)  # the change broke a rule (a date out of order): not a valid metadata to compare
    assert other != metadata
    assert other.metadata_hash() != metadata.metadata_hash()


# ---------------------------------------------------------------- the bundle hash

_documents = st.lists(st.binary(min_size=0, max_size=64), min_size=1, max_size=6)


@FAST
@given(_documents, st.randoms(use_true_random=False))
def test_bundle_hash_ignores_order_and_repetition(documents: list[bytes], random: Any) -> None:
    digests = [hash_bytes(document) for document in documents]
    shuffled = list(digests)
    random.shuffle(shuffled)
    assert bundle_hash(shuffled) == bundle_hash(digests) == bundle_hash(digests + digests[:1])


@FAST
@given(_documents, st.data())
def test_any_byte_change_in_any_document_changes_the_bundle_hash(documents: list[bytes], draws: st.DataObject) -> None:
    which = draws.draw(st.integers(0, len(documents) - 1))
    document = documents[which]
    if document and draws.draw(st.booleans()):
        at = draws.draw(st.integers(0, len(document) - 1))
        flip = draws.draw(st.integers(1, 255))
        changed = document[:at] + bytes([document[at] ^ flip]) + document[at + 1 :]
    else:
        changed = document + draws.draw(st.binary(min_size=1, max_size=4))
    others = [*documents[:which], changed, *documents[which + 1 :]]
    assume(set(others) != set(documents))  # changing a duplicate into another copy of a document changes nothing
    assert bundle_hash(map(hash_bytes, others)) != bundle_hash(map(hash_bytes, documents))


# ---------------------------------------------------------------- official numbers and right ids


def full_width(text: str) -> str:
    """``text`` in full-width characters (U+FF01 to U+FF5E), spaces as ideographic spaces (U+3000)."""
    return "".join("\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


@FAST
@given(written_numbers(), st.booleans())
def test_every_written_form_of_a_number_is_one_canonical_number_and_one_right_id(
    written: tuple[str, str, str], wide: bool
) -> None:
    office, plain, spelled = written
    number = parse_number(plain, office)
    assert parse_number(number.canonical, office) == number  # idempotent
    assert parse_number(number.canonical) == number  # the canonical form names its office
    spelled = full_width(spelled) if wide else spelled
    assert parse_number(spelled, office) == number
    assert parse_number(spelled, office.lower()) == number
    assert right_id(spelled, office) == right_id(number.canonical) == number.key
    # The kind of right is no part of the id: every kind the number names gives one token.
    for kind in number.kinds:
        assert parse_number(spelled, office, kind=kind).key == number.key


@FAST
@given(written_numbers(), written_numbers())
def test_right_ids_are_equal_exactly_when_the_canonical_numbers_are(
    first: tuple[str, str, str], second: tuple[str, str, str]
) -> None:
    one, other = parse_number(first[1], first[0]), parse_number(second[1], second[0])
    same = one.canonical == other.canonical
    assert (one == other) is same
    assert (right_id(first[2], first[0]) == right_id(second[2], second[0])) is same
    assert 0 < one.key < 2**256


@FAST
@given(st.text(max_size=30), st.sampled_from([None, *sorted(_WRITTEN), "DE", "HK", "KR", "WO"]))
@example("US 11,234,567 B2", None)
@example(full_width("ZL 202010123456.2"), None)
def test_parse_number_returns_a_canonical_number_or_raises_invalid_input(text: str, office: str | None) -> None:
    try:
        number = parse_number(text, office)
    except InvalidInputError:
        return
    assert isinstance(number, OfficialNumber)
    assert number.canonical and number.canonical == number.canonical.strip()
    assert parse_number(number.canonical, number.office) == number  # the canonical form is a fixed point
    assert unpack_number(number.packed) == number  # what the chain holds reads back as the same number
    assert 0 < number.key < 2**256


# ---------------------------------------------------------------- token ids, amounts, chain value types

_uint256 = st.integers(min_value=0, max_value=2**256 - 1)


@FAST
@given(_uint256.filter(bool), st.sampled_from(["{:d}", "{:#x}", "{:#X}", " {:#x} ", "0x{:064x}"]))
def test_parse_token_id_round_trips_decimal_and_hex(token: int, form: str) -> None:
    assert parse_token_id(form.format(token)) == token
    assert parse_token_id(token) == token
    assert parse_token_id(hex(token)) == token


#: Digits and look-alikes: Python's int() also takes "1_000", "+5" and non-ASCII digits ("\u0661", "\uff12").
_digitish = st.text(alphabet="0123456789abcdefABCDEFxX_+- \u0661\uff12", max_size=12) | st.text(max_size=8)


@FAST
@given(_digitish)
@example("\u0661")  # int() reads the Arabic-Indic digit one: token id 1 was accepted
@example("1_0")
def test_parse_token_id_accepts_only_ascii_decimal_or_hex(text: str) -> None:
    stripped = text.strip()
    valid = (
        stripped[:2].lower() == "0x" and len(stripped) > 2 and all(ch in string.hexdigits for ch in stripped[2:])
    ) or (stripped != "" and all(ch in string.digits for ch in stripped))
    try:
        token = parse_token_id(text)
    except InvalidInputError:
        assert not valid or int(stripped, 0 if stripped[:2].lower() == "0x" else 10) == 0
        return
    assert valid, text
    assert 0 < token < 2**256


@FAST
@given(_uint256, st.integers(min_value=0, max_value=30), st.booleans())
@example(10**28 + 1, 0, False)  # parse_units rounded to Decimal's 28 significant digits
def test_format_units_and_parse_units_round_trip(units: int, decimals: int, grouping: bool) -> None:
    assert parse_units(format_units(units, decimals, grouping=grouping), decimals) == units


@FAST
@given(st.decimals(allow_nan=False, allow_infinity=False, places=8), st.integers(min_value=8, max_value=18))
def test_parse_units_is_exact_for_decimals_within_the_tokens_places(value: Any, decimals: int) -> None:
    if value < 0:
        with pytest.raises(InvalidInputError):
            parse_units(str(value), decimals)
        return
    assert parse_units(str(value), decimals) == int(value.scaleb(decimals, context=Context(prec=200)))


_UINT = TypeAdapter(Uint256)
_ADDRESS = TypeAdapter(Address)


@FAST
@given(st.one_of(_uint256, st.integers(), _uint256.map(str), _uint256.map(hex), _digitish, st.booleans()))
@example("\uff12")  # a full-width digit two
@example("+5")
def test_uint256_accepts_exactly_ints_and_ascii_decimal_or_hex_strings_in_range(value: Any) -> None:
    if isinstance(value, bool):
        valid = False
    elif isinstance(value, int):
        valid = 0 <= value < 2**256
    else:
        text = value.strip()
        base = 16 if text[:2].lower() == "0x" else 10
        digits = text[2:] if base == 16 else text
        alphabet = string.hexdigits if base == 16 else string.digits
        valid = digits != "" and all(ch in alphabet for ch in digits) and int(digits, base) < 2**256
    try:
        parsed = _UINT.validate_python(value)
    except ValidationError:
        assert not valid, value
        return
    assert valid, value
    assert parsed == (value if isinstance(value, int) else int(value.strip(), 0 if "x" in value.lower() else 10))
    assert _UINT.validate_json(_UINT.dump_json(parsed)) == parsed


_addresses = st.binary(min_size=20, max_size=20).map(lambda raw: "0x" + raw.hex())


@st.composite
def address_spellings(draw: st.DrawFn) -> str:
    """An address spelled in lower case, upper case, checksummed, with some letters' case flipped, or broken."""
    address = draw(_addresses)
    form = draw(st.sampled_from(["lower", "upper", "checksum", "flipped", "short", "junk"]))
    if form == "upper":
        return "0x" + address[2:].upper()
    if form == "checksum":
        return str(to_checksum_address(address))
    if form == "flipped":
        checksummed = str(to_checksum_address(address))
        at = draw(st.integers(2, 41))
        return checksummed[:at] + checksummed[at].swapcase() + checksummed[at + 1 :]
    if form == "short":
        return address[: draw(st.integers(0, 41))]
    if form == "junk":
        at = draw(st.integers(2, 41))
        return address[:at] + draw(st.sampled_from("gzG ")) + address[at + 1 :]
    return address


@FAST
@given(address_spellings())
@example("0xa0000000000000000000000000000000000001C3")  # mixed case, wrong checksum: was accepted and re-cased
def test_address_accepts_exactly_valid_eip55_or_single_case_addresses(spelling: str) -> None:
    hex_digits = spelling[2:]
    single_case = hex_digits == hex_digits.lower() or hex_digits == hex_digits.upper()
    valid = (
        spelling.startswith("0x")
        and len(spelling) == 42
        and all(ch in string.hexdigits for ch in hex_digits)
        and (single_case or spelling == to_checksum_address(spelling))
    )
    try:
        parsed = _ADDRESS.validate_python(spelling)
    except ValidationError:
        assert not valid, spelling
        return
    assert valid, spelling
    assert parsed == to_checksum_address(spelling)


# ---------------------------------------------------------------- the bulk reader


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from([".csv", ".jsonl"]),
    st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(str.encode),
        st.lists(
            st.lists(st.sampled_from(["title", "kind", "documents", "x", "a.txt", "patent", '"', ";", ""]), max_size=5),
            max_size=5,
        ).map(lambda rows: "\n".join(",".join(row) for row in rows).encode()),
        st.lists(
            st.dictionaries(st.sampled_from(["title", "kind", "documents", "to"]), _json, max_size=4), max_size=4
        ).map(lambda rows: "\n".join(json.dumps(row) for row in rows).encode()),
    ),
)
def test_the_bulk_reader_raises_only_invalid_input_and_returns_only_entries_or_invalid_rows(
    tmp_path: Path, suffix: str, content: bytes
) -> None:
    (tmp_path / "a.txt").write_text("a document\n")
    path = tmp_path / f"rights{suffix}"
    path.write_bytes(content)
    try:
        rows = read_bulk_file(path)
    except InvalidInputError:
        return
    for row in rows:
        assert isinstance(row, BulkEntry | InvalidRow)
        assert row.row >= 1
