"""Official numbers (docs/numbers.md): equal forms, distinct numbers and refusals, office by office.

Check digits stated here were computed with the offices' published rules (re-implemented below, independently of
ipledger.models._numbers) and, where marked "real", appear on real files: CN 201710601862.3, CN 200510113767.6,
EP 15150367.9, EP 01902442.1, DE 10 2007 004 488.9, DE 10 2014 218 224.7, DE 101 44 482.6, DE 600 15 566.8.
"""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from eth_utils.crypto import keccak
from ipledger import InvalidInputError, RightKind
from ipledger.models._numbers import (
    FAMILY_FLAG,
    OFFICES,
    RIGHT_DOMAIN_V2,
    SERIES,
    OfficialNumber,
    cn_application,
    know_how_number,
    number_text,
    parse_number,
    parse_number_for,
    right_key,
    unpack_number,
    unpublished_number,
)


def full_width(text: str) -> str:
    """``text`` in full-width characters (U+FF01 to U+FF5E), spaces as ideographic spaces (U+3000)."""
    return "".join("\u3000" if char == " " else chr(ord(char) + 0xFEE0) for char in text)


def cn_check(digits: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(digits, [2, 3, 4, 5, 6, 7, 8, 9] * 2, strict=False))
    return "X" if total % 11 == 10 else str(total % 11)


def ep_check(digits: str) -> str:
    products = [int(digit) * (2 if index % 2 else 1) for index, digit in enumerate(digits)]
    return str((10 - sum(product // 10 + product % 10 for product in products) % 10) % 10)


def de_check(digits: str) -> str:
    total = sum(int(digit) * (index + 2) for index, digit in enumerate(reversed(digits)))
    return str((11 - total % 11) % 11 % 10)


# (rule, digits, check digit): the check digits used below, recomputed independently.
CHECK_DIGITS = [
    (cn_check, "202010123456", "2"),
    (cn_check, "202020123456", "8"),
    (cn_check, "202030123456", "3"),
    (cn_check, "202180012345", "7"),
    (cn_check, "202190012345", "2"),
    (cn_check, "201710601862", "3"),  # real
    (cn_check, "200510113767", "6"),  # real
    (cn_check, "88201465", "X"),  # old 8-digit form, check 10 written X
    (cn_check, "88300013", "X"),
    (cn_check, "92101234", "9"),
    (ep_check, "18123456", "8"),
    (ep_check, "15150367", "9"),  # real
    (ep_check, "01902442", "1"),  # real
    (ep_check, "99403122", "7"),  # the EPO's own example
    (de_check, "102007004488", "9"),  # real
    (de_check, "102014218224", "7"),  # real
    (de_check, "102020123456", "2"),
    (de_check, "202020000001", "9"),
    (de_check, "302020123456", "9"),
    (de_check, "10144482", "6"),  # real
    (de_check, "60015566", "8"),  # real
]


@pytest.mark.parametrize(("rule", "digits", "check"), CHECK_DIGITS)
def test_the_stated_check_digits_follow_the_offices_rules(rule, digits: str, check: str) -> None:
    assert rule(digits) == check


# (office given, forms that are all one number, (office, series, serial), canonical)
EQUAL = [
    (
        "CN",
        [
            "ZL 2020 1 0123456.2",
            "202010123456.2",
            "CN202010123456.2",
            full_width("ZL202010123456.2"),
            "zl202010123456.2",
            "ZL CN 202010123456.2",
            "CN ZL 2020 1 0123456.2",
            "申请号" + full_width(":") + "202010123456.2",
            "专利号 ZL202010123456.2",
            "專利號" + full_width(":ZL 2020") + "10123456.2",
            "2020101234562",
            "202010123456",
            "ZL\u30002020\u30001\u30000123456。2",
            full_width("CN202010123456.2"),
        ],
        ("CN", "AP", 202010123456),
        "CN 202010123456.2",
    ),
    (None, ["ZL 201710601862.3", "CN 2017 1 0601862.3"], ("CN", "AP", 201710601862), "CN 201710601862.3"),
    (None, ["ZL 202020123456.8", "ZL2020201234568"], ("CN", "AP", 202020123456), "CN 202020123456.8"),
    ("CN", ["ZL 88201465.X", "88201465.x", "ZL88201465X", "88201465"], ("CN", "AO", 1988201465), "CN 88201465.X"),
    ("CN", ["92101234.9", "ZL921012349", "ZL 92101234"], ("CN", "AO", 1992101234), "CN 92101234.9"),
    (
        "CN",
        [
            "CN 111234567 A",
            "CN 111234567 B",
            "CN111234567B",
            "111234567",
            "公告号" + full_width(":") + "CN 111234567 B",
        ],
        ("CN", "PN", 111234567),
        "CN 111234567",
    ),
    ("CN", ["CN 1123456 C", "CN1123456A", "1123456"], ("CN", "PN", 1123456), "CN 1123456"),
    ("CN", ["CN 211234567 U", "CN 211234567 Y"], ("CN", "PN", 211234567), "CN 211234567"),
    (
        None,
        [
            "第12345678号",
            "第12345678號",
            "注册号 12345678",
            "第12345678号 第35类",
            "註冊號" + full_width(":") + "12345678 (class 35)",
        ],
        ("CN", "TM", 12345678),
        "CN 第12345678号",
    ),
    (
        None,
        ["2021SR0123456", "登记号" + full_width(":") + "2021SR0123456", "2021 SR 0123456"],
        ("CN", "SR", 20210123456),
        "CN 2021SR0123456",
    ),
    (
        None,
        ["国作登字-2021-A-00123456", "國作登字-2021-A-00123456", "国作登字2021A00123456"],
        ("CN", "ZP", 20210100123456),
        "CN 国作登字-2021-A-00123456",
    ),
    ("HK", ["HK1234567 A", "HK 1234567 B", "1234567"], ("HK", "PN", 1234567), "HK 1234567"),
    ("HK", ["HK 30012345 A", "HK30012345"], ("HK", "PN", 30012345), "HK 30012345"),
    ("HK", ["19123456.7", "HK 19123456.7", "HK19123456"], ("HK", "AO", 2019123456), "HK 19123456"),
    ("HK", ["03100263.7", "HK 03100263"], ("HK", "AO", 2003100263), "HK 03100263"),
    ("HK", ["32020012345.6", "HK 32020012345.6", "HK32020012345"], ("HK", "AP", 32020012345), "HK 32020012345"),
    ("EP", ["EP 18123456.8", "EP18123456", "18 123 456.8", "EP 18123456"], ("EP", "AP", 2018123456), "EP 18123456.8"),
    (None, ["EP 15150367.9", "EP15150367"], ("EP", "AP", 2015150367), "EP 15150367.9"),
    (None, ["EP 01902442.1", "EP 01 902 442.1"], ("EP", "AP", 2001902442), "EP 01902442.1"),
    (
        "EP",
        ["EP 3 456 789 B1", "EP3456789A1", "EP 3456789", "EP3456789B1", "3456789"],
        ("EP", "PN", 3456789),
        "EP 3456789",
    ),
    (None, ["EP 0123456 B1", "EP123456B1"], ("EP", "PN", 123456), "EP 0123456"),
    (
        "US",
        ["US 11,234,567 B2", "US11234567B2", "11234567", "US 11234567 B1", "US Patent No. 11,234,567"],
        ("US", "PN", 11234567),
        "US 11234567",
    ),
    (
        None,
        ["USD912345S", "D912,345", "US D912,345 S", "US Design Patent D912,345"],
        ("US", "DS", 912345),
        "US D912345",
    ),
    (None, ["PP12345", "US PP12,345 P3", "USPP12345P2"], ("US", "PL", 12345), "US PP12345"),
    (None, ["RE49123", "US RE49,123 E", "USRE49123E"], ("US", "RE", 49123), "US RE49123"),
    (None, ["16/123,456", "US 16/123456", "US application 16/123,456"], ("US", "AP", 16123456), "US 16/123456"),
    (None, ["US 2020/0123456 A1", "US20200123456A1", "2020/0123456"], ("US", "PB", 20200123456), "US 2020/0123456"),
    (None, ["特許第6543210号", "JP 6543210 B2", "JP6543210", "特許6543210"], ("JP", "PN", 6543210), "JP 6543210"),
    (
        None,
        ["特願2020-123456", "特願令和2-123456", "特願R2-123456", "特許出願2020-123456", "JP application 2020-123456"],
        ("JP", "AP", 2020123456),
        "JP 特願2020-123456",
    ),
    (
        None,
        ["特願平11-123456", "特願1999-123456", "特願平成11年第123456号"],
        ("JP", "AP", 1999123456),
        "JP 特願1999-123456",
    ),
    (None, ["特願令和元-000123", "特願2019-123"], ("JP", "AP", 2019000123), "JP 特願2019-000123"),
    (
        None,
        ["特開2020-123456", "JP 2020-123456 A", "JP2020123456A", "JP publication 2020-123456", "特表2020-123456"],
        ("JP", "PB", 2020123456),
        "JP 特開2020-123456",
    ),
    (
        None,
        ["特開平11-123456", "JPH11123456A", "JP H11-123456 A", "特開1999-123456"],
        ("JP", "PB", 1999123456),
        "JP 特開1999-123456",
    ),
    (None, ["特開昭63-012345", "JPS63012345A"], ("JP", "PB", 1988012345), "JP 特開1988-012345"),
    (None, ["実用新案登録第3212345号", "JP 3212345 U"], ("JP", "UM", 3212345), "JP 実用新案登録第3212345号"),
    (None, ["意匠登録第1234567号", "JP 1234567 S"], ("JP", "DS", 1234567), "JP 意匠登録第1234567号"),
    (None, ["商標登録第6123456号", "商標登録 第6123456号 第9類"], ("JP", "TM", 6123456), "JP 商標登録第6123456号"),
    (
        None,
        ["10-2345678", "KR 10-2345678 B1", "KR102345678B1", "제10-2345678호"],
        ("KR", "RG", 102345678),
        "KR 10-2345678",
    ),
    ("KR", ["20-0491234 Y1", "KR 20-0491234"], ("KR", "RG", 200491234), "KR 20-0491234"),
    (
        "KR",
        ["10-2020-0012345", "KR 10-2020-0012345", "1020200012345"],
        ("KR", "AP", 1020200012345),
        "KR 10-2020-0012345",
    ),
    ("KR", ["KR 10-2020-0012345 A", "KR1020200012345A"], ("KR", "PB", 1020200012345), "KR 10-2020-0012345 A"),
    (
        "DE",
        ["DE 10 2007 004 488.9", "DE102007004488", "DE 10 2007 004 488 A1", "10 2007 004 488.9", "DE1020070044889"],
        ("DE", "AP", 102007004488),
        "DE 10 2007 004 488.9",
    ),
    (None, ["DE 10 2020 123 456.2", "DE 10 2020 123 456 B4"], ("DE", "AP", 102020123456), "DE 10 2020 123 456.2"),
    (
        None,
        ["DE 20 2020 000 001 U1", "DE 20 2020 000 001.9", "DE202020000001U1"],
        ("DE", "AP", 202020000001),
        "DE 20 2020 000 001.9",
    ),
    (None, ["DE 4123456 C2", "DE4123456", "DE 41 23 456 A1"], ("DE", "PN", 4123456), "DE 4123456"),
    (None, ["DE 101 44 482.6", "DE 10144482 A1"], ("DE", "PN", 10144482), "DE 10144482"),
    (None, ["DE 600 15 566.8", "DE 60015566 T2"], ("DE", "PN", 60015566), "DE 60015566"),
    (None, ["DE 30 25 842.5", "DE 3025842"], ("DE", "PN", 3025842), "DE 3025842"),
    (None, ["DE 31 30 619.5", "DE 3130619 C2"], ("DE", "PN", 3130619), "DE 3130619"),
    (
        None,
        ["GB 2012345.6", "GB2012345.6", "GB application 2012345", "GB Patent Application No. 2012345.6"],
        ("GB", "AP", 202012345),
        "GB application 2012345",
    ),
    (None, ["GB 9912345.6", "GB application 9912345"], ("GB", "AP", 199912345), "GB application 9912345"),
    (None, ["GB 2580000 A", "GB 2580000 B", "GB2580000"], ("GB", "PN", 2580000), "GB 2580000"),
    (
        None,
        ["PCT/CN2021/123456", "pct/cn2021/123456", "PCT / CN2021 / 123456"],
        ("WO", "PC", 1223 * 10**10 + 2021123456),
        "PCT/CN2021/123456",
    ),
    (
        "WO",
        ["PCT/CN03/00123", "PCT/CN2003/000123", "PCT/CN2003/123"],
        ("WO", "PC", 1223 * 10**10 + 2003000123),
        "PCT/CN2003/000123",
    ),
    (
        None,
        ["WO 2021/123456 A1", "WO2021123456A1", "WO 2021/123456", "WO 2021/123456 A3"],
        ("WO", "PB", 2021123456),
        "WO 2021/123456",
    ),
    (
        "WO",
        ["WO 03/12345", "WO 2003/012345", "WO03012345", "WO0312345A1", "WO 03/012345"],
        ("WO", "PB", 2003012345),
        "WO 2003/012345",
    ),
]

EQUAL_CASES = [(office, form, expected, canonical) for office, forms, expected, canonical in EQUAL for form in forms]


@pytest.mark.parametrize(("office", "form", "expected", "canonical"), EQUAL_CASES)
def test_every_written_form_parses_to_the_one_canonical_number(
    office: str | None, form: str, expected: tuple[str, str, int], canonical: str
) -> None:
    number = parse_number(form, office)
    assert (number.office, number.series, number.serial) == expected
    assert number.canonical == canonical
    assert unpack_number(number.packed) == number
    assert parse_number(number.canonical) == number


@pytest.mark.parametrize(("office", "forms", "expected", "canonical"), EQUAL)
def test_forms_of_one_number_share_one_key(
    office: str | None, forms: list[str], expected: tuple[str, str, int], canonical: str
) -> None:
    assert len({parse_number(form, office).key for form in forms}) == 1


# Pairs that look alike but are different numbers: (office, first, office, second)
DISTINCT = [
    ("CN", "ZL 202010123456.2", "CN", "CN 111234567 B"),  # application vs publication
    ("CN", "CN 1234567", "HK", "HK 1234567"),  # CN vs HK
    ("CN", "CN 1234567", "CN", "第1234567号"),  # patent vs trademark
    ("US", "US 912345", "US", "USD912345"),  # US patent vs US design, same digits
    ("US", "16/123,456", "US", "15/123,456"),  # two series codes
    ("US", "PP12345", "US", "RE12345"),
    ("CN", "ZL 88201465.X", "CN", "ZL 202010123456.2"),
    ("EP", "EP 18123456.8", "EP", "EP 1812345"),
    ("JP", "特願2020-123456", "JP", "特開2020-123456"),  # application vs publication
    ("JP", "特許第3212345号", "JP", "実用新案登録第3212345号"),
    ("KR", "10-2345678", "KR", "20-2345678"),
    ("KR", "10-2020-0012345", "KR", "10-2020-0012345 A"),
    ("WO", "PCT/CN03/00123", "WO", "PCT/US03/00123"),
    ("WO", "PCT/CN2021/123456", "WO", "WO 2021/123456"),
    ("GB", "GB 2012345.6", "GB", "GB 2012345 A"),
    ("DE", "DE 10 2007 004 488.9", "DE", "DE 10 2007 004 489"),
    ("DE", "DE 20 2020 000 001", "DE", "DE 10 2020 000 001"),  # utility model vs patent
    ("EP", "EP 3456789", "GB", "GB 3456789"),
]


@pytest.mark.parametrize(("office_a", "first", "office_b", "second"), DISTINCT)
def test_look_alike_numbers_stay_distinct(office_a: str, first: str, office_b: str, second: str) -> None:
    assert parse_number(first, office_a).key != parse_number(second, office_b).key


# (text, office, kind, kinds of the number)
KINDS_CASES = [
    ("ZL 202010123456.2", None, None, {"patent", "patent_application"}),
    ("ZL 202020123456.8", None, None, {"utility_model"}),
    ("ZL 202030123456.3", None, None, {"design"}),
    ("ZL 202180012345.7", None, None, {"patent", "patent_application"}),
    ("ZL 202190012345.2", None, None, {"utility_model"}),
    ("CN 311234567 S", None, None, {"design"}),
    ("CN 12345678", None, "trademark", {"trademark"}),
    ("6123456", "JP", "trademark", {"trademark"}),
    ("1234567", "JP", "design", {"design"}),
    ("30-1234567", "KR", "design", {"design"}),
    ("40-1234567", "KR", None, {"trademark"}),
    ("29/123,456", None, RightKind.DESIGN, {"design"}),
    ("62/123,456", None, None, {"patent_application"}),
    ("DE 30 2020 123 456.9", None, "trademark", {"trademark"}),
    ("HK 30012345 A", None, "short_term_patent", {"patent", "patent_application", "short_term_patent"}),
    ("2021SR0123456", None, "copyright", {"copyright"}),
]


@pytest.mark.parametrize(("text", "office", "kind", "kinds"), KINDS_CASES)
def test_kinds_come_from_the_number(text: str, office: str | None, kind: str | None, kinds: set[str]) -> None:
    number = parse_number(text, office, kind=kind)
    assert number.kinds == kinds
    assert unpack_number(number.packed) == number


# (text, office, kind, fragments the one-line message must contain)
REFUSALS = [
    ("ZL 202010123456.3", None, None, ["wrong check digit 3", "check digit 2"]),
    ("ZL 88201465.1", None, None, ["check digit X"]),
    ("ZL 92101234.X", None, None, ["check digit 9"]),
    ("EP 18123456.7", None, None, ["check digit 8"]),
    ("DE 10 2007 004 488.1", None, None, ["check digit 9"]),
    ("DE 31 30 619.4", None, None, ["check digit 5"]),
    ("123", "XX", None, ["field 'office'", "'XX'"]),
    ("CN abc", None, None, ["not a CN number", "expected an application number such as ZL 202010123456.2"]),
    ("xyz", "CN", None, ["not a CN number", "a trademark number such as 第12345678号"]),
    ("US 12/34", None, None, ["not a US number", "16/123,456"]),
    ("EP 123456789", None, None, ["not a EP number"]),
    (
        "ZL 2020 2 0123456.8",
        None,
        "patent",
        ["field 'kind'", "a CN application of type 2 is a utility_model, not patent"],
    ),
    ("USD912345", None, "patent", ["field 'kind'", "is a design, not patent"]),
    ("CN 111234567 A", None, "trademark", ["field 'kind'"]),
    ("ZL 202010123456.2", None, "invention", ["field 'kind'", "not a kind"]),
    ("ZL 2101 1 0123456", None, None, ["year 2101"]),
    ("ZL 2002 1 0123456", None, None, ["year 2002"]),
    ("ZL 50101234", None, None, ["year 50"]),
    ("WO 2101/123456", None, None, ["out of range"]),
    ("PCT/CN1977/000001", None, None, ["year 1977"]),
    ("US 2000/0123456 A1", None, None, ["out of range"]),
    ("KR 10-1900-0012345", None, None, ["year 1900"]),
    ("特願昭70-123456", None, None, ["era year"]),
    ("WO 05/12345", None, None, ["ended in 2003"]),
    ("", None, None, ["empty"]),
    ("   ", "CN", None, ["empty", "expected"]),
    ("EP 3456789", "CN", None, ["a EP number, but the office given is CN"]),
    ("CN EP 123", None, None, ["several offices"]),
    ("123456", None, None, ["no office"]),
    ("CN 111234567 U", None, None, ["kind code U"]),
    ("CN 211234567 B", None, None, ["kind code B"]),
    ("ZL 202040123456", None, None, ["type digit 4"]),
    ("JP 2020-123456", None, None, ["特願", "特開"]),
    ("ZL 202010123456.2 class 9", None, None, ["Nice class"]),
    ("第12345678号 第46类", None, None, ["Nice class 46"]),
    ("US 11234567 E", None, None, ["kind code E", "RE"]),
    ("PCT/XX2021/123456", None, None, ["receiving office XX"]),
    ("50-2345678", "KR", None, ["right code 50"]),
    ("KR 30-2020-0012345 A", None, None, ["only patent and utility model"]),
    ("DE 13 2020 123 456", None, None, ["right code 13"]),
    ("DE 20 2020 000 001 A1", None, None, ["kind code A1"]),
    ("HK 95123456", None, None, ["year 95"]),
    ("国作登字-2021-M-00123456", None, None, ["category M"]),
    ("90/012,345", None, None, ["series code 90"]),
    ("1" * 200, "US", None, ["too long"]),
]


@pytest.mark.parametrize(("text", "office", "kind", "fragments"), REFUSALS)
def test_malformed_numbers_are_refused_in_one_line(
    text: str, office: str | None, kind: str | None, fragments: list[str]
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_number(text, office, kind=kind)
    message = str(caught.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message


def test_invalid_input_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="number"):
        parse_number("nonsense", "EP")


def test_the_packed_layout_is_flags_office_series_serial() -> None:
    number = parse_number("ZL 2020 1 0123456.2")
    assert number.packed == 0x434E << 232 | 0x4150 << 216 | 202010123456
    assert number.packed >> 248 == 0
    assert not number.family


def test_the_key_is_keccak_of_the_domain_hash_and_the_unflagged_number() -> None:
    number = parse_number("WO 2021/123456 A1")
    assert number.family and number.packed & FAMILY_FLAG
    unflagged = number.packed & ((1 << 248) - 1)
    expected = keccak(keccak(RIGHT_DOMAIN_V2) + unflagged.to_bytes(32, "big"))
    assert number.key == right_key(number.packed) == int.from_bytes(expected, "big")
    assert right_key(unflagged) == number.key


@pytest.mark.parametrize("text", ["CN 111234567", "EP 18123456.8", "特願2020-123456"])
def test_a_family_link_keeps_the_key_and_sets_the_flag(text: str) -> None:
    plain = parse_number(text)
    linked = parse_number(text, family=True)
    assert linked.family and not plain.family
    assert linked.packed == plain.packed | FAMILY_FLAG
    assert linked.key == plain.key
    assert linked != plain
    assert unpack_number(linked.packed) == linked


def test_a_nice_class_is_information_only() -> None:
    with_class = parse_number("第12345678号 第35类")
    without = parse_number("第12345678号")
    assert with_class.nice_class == 35 and without.nice_class is None
    assert with_class == without and with_class.key == without.key
    assert parse_number("商標登録第6123456号 class 9").nice_class == 9


# Packed values the contract's ranges or the SDK refuse: (packed, message fragment)
CN, WO, AP, PB = 0x434E << 232, 0x574F << 232, 0x4150 << 216, 0x5042 << 216
BAD_PACKED = [
    (WO | PB | 312345, "out of range"),  # the six-digit "312345" is no WO publication
    (CN | AP | 202040000001, "no such number"),  # in range, but type digit 4 does not exist
    (CN | (0x5A5A << 216) | 1, "no series"),
    (0x5858 << 232 | AP | 1, "no series"),
    (2 << 248 | CN | AP | 202010123456, "unknown flags"),
    ((0x5858 << 232) | (0x4B48 << 216) | 1, "no series"),
    (1 << 256, "not a uint256"),
    (-1, "not a uint256"),
]


@pytest.mark.parametrize(("packed", "fragment"), BAD_PACKED)
def test_unpack_refuses_what_is_no_number(packed: int, fragment: str) -> None:
    with pytest.raises(InvalidInputError, match=fragment):
        unpack_number(packed)


def test_know_how_is_the_hash_of_the_normalised_reference() -> None:
    number = know_how_number(full_width("  Recipe X-1") + "\n", "fr")
    assert number == know_how_number("Recipe X-1", "FR")
    assert (number.office, number.series, number.kinds) == ("FR", "KH", {"trade_secret"})
    assert number.serial == int.from_bytes(hashlib.sha256(b"Recipe X-1").digest()[:27], "big")
    assert not number.family
    assert unpack_number(number.packed) == number
    assert number.key != know_how_number("Recipe X-2", "FR").key
    assert number.key != know_how_number("Recipe X-1", "DE").key


@pytest.mark.parametrize(("reference", "office", "fragment"), [("  ", "CN", "reference"), ("x", "XX", "office")])
def test_know_how_refuses_empty_references_and_unknown_offices(reference: str, office: str, fragment: str) -> None:
    with pytest.raises(InvalidInputError, match=fragment):
        know_how_number(reference, office)


@pytest.mark.parametrize("entry", SERIES, ids=lambda entry: f"{entry.office}-{entry.code}-{entry.minimum}")
def test_each_series_entry_is_a_valid_range_whose_example_parses_into_it(entry) -> None:
    assert 1 <= entry.minimum <= entry.maximum < 1 << 216
    assert len(entry.code) == 2 and entry.code.isascii() and entry.code.isalnum() and entry.code.isupper()
    assert entry.kinds and entry.kinds <= {
        "patent",
        "patent_application",
        "utility_model",
        "design",
        "trademark",
        "copyright",
        "trade_secret",
        "short_term_patent",
    }
    assert entry.reserved == (entry.office != "WO")
    if entry.code != "KH":
        number = parse_number(entry.example)
        assert (number.office, number.series) == (entry.office, entry.code)
        assert entry.contains(number.serial)
        assert number.kinds <= entry.kinds


def test_ranges_of_one_series_do_not_overlap() -> None:
    for first in SERIES:
        for second in SERIES:
            if first is not second and (first.office, first.code) == (second.office, second.code):
                assert first.maximum < second.minimum or second.maximum < first.minimum


def test_offices_and_the_error_of_an_unknown_one() -> None:
    assert frozenset({"CN", "HK", "EP", "US", "JP", "KR", "DE", "GB", "WO"}) == OFFICES
    with pytest.raises(InvalidInputError, match="known offices: CN, DE, EP, GB, HK, JP, KR, US, WO"):
        parse_number("1234567", "FR")


def test_official_numbers_are_frozen() -> None:
    number = parse_number("US 11,234,567 B2")
    assert isinstance(number, OfficialNumber)
    with pytest.raises(dataclasses.FrozenInstanceError):
        number.serial = 1  # type: ignore[misc]


# ---- numbers without a prefix, unpublished applications, builders -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("202010123456.2", "CN 202010123456.2"),
        ("2020 1 0123456.2", "CN 202010123456.2"),
        (full_width("202010123456.2"), "CN 202010123456.2"),
        ("88201465.X", "CN 88201465.X"),
    ],
)
def test_a_cn_application_with_its_check_digit_needs_no_prefix(text: str, canonical: str) -> None:
    assert parse_number(text).canonical == canonical


def test_a_bare_cn_application_with_a_wrong_check_digit_is_refused_as_cn() -> None:
    with pytest.raises(InvalidInputError, match="wrong check digit 3: CN application 202010123456 has check digit 2"):
        parse_number("202010123456.3")


def test_an_unpublished_application_is_a_commitment_that_reveals_nothing() -> None:
    application = parse_number("ZL 2020 1 0123456.2")
    salt = bytes(range(32))
    expected_serial = int.from_bytes(keccak(application.packed.to_bytes(32, "big") + salt), "big") & ((1 << 216) - 1)
    commitment = unpublished_number(application, salt)
    assert (commitment.office, commitment.series, commitment.serial) == ("CN", "UC", expected_serial)
    assert "202010123456" not in commitment.canonical
    assert unpublished_number(application, bytes(32)).serial != commitment.serial
    assert unpack_number(commitment.packed).canonical == commitment.canonical
    with pytest.raises(InvalidInputError, match="salt"):
        unpublished_number(application, b"short")
    with pytest.raises(InvalidInputError, match="only an application number"):
        unpublished_number(parse_number("PCT/CN2021/123456", family=True), salt)


def test_cn_application_builds_the_number_with_its_check_digit() -> None:
    built = cn_application(2020, 1, 123456)
    assert built.canonical == "CN 202010123456.2"
    assert built == parse_number("ZL 2020 1 0123456.2")


def test_number_text_shows_chain_values_canonically() -> None:
    assert number_text(parse_number("CN 111234567 B").packed) == "CN 111234567"
    assert number_text(parse_number("WO 03/12345", family=True).packed) == "WO 2003/012345 (family)"
    assert number_text(0x1234) == "0x1234"


def test_parse_number_for_names_the_field() -> None:
    with pytest.raises(InvalidInputError, match=r"^field 'numbers': number 'CN 1': "):
        parse_number_for("CN 1", None, None, field="numbers")
