"""Official numbers of IP offices, reduced to one canonical encoding (rules and sources in docs/numbers.md).

Every written form of a number (``"ZL 2020 1 0123456.2"``, ``"CN202010123456.2"``, its full-width form,
``"申请号 202010123456.2"``) parses to one :class:`OfficialNumber`: an office, a number series inside the office and an
integer serial, packed in a uint256 the registry contract checks::

    packed = flags << 248 | office << 232 | series << 216 | serial

``flags`` bit 0 marks a family link (a PCT application, a WO publication, a priority application of another office);
``office`` and ``series`` are two ASCII characters each; ``serial`` is an integer without leading zeros, punctuation,
kind codes or check digits (check digits are verified here, then dropped). Each (office, series) has inclusive serial
ranges in :data:`SERIES`, chosen so that every real number has exactly one valid serial.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import pycountry
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from ipledger._exceptions import InvalidInputError
from ipledger.models._model_base import REGIONAL_OFFICES

__all__ = [
    "FAMILY_FLAG",
    "KINDS",
    "OFFICES",
    "RIGHT_DOMAIN_V2",
    "SERIES",
    "OfficialNumber",
    "Series",
    "ANY_OFFICE_SERIES",
    "cn_application",
    "know_how_number",
    "number_text",
    "parse_number",
    "parse_number_for",
    "right_id",
    "right_key",
    "unpack_number",
    "unpublished_number",
]

RIGHT_DOMAIN_V2 = b"ipledger.right.v2"
#: The flag bit of a family link (recorded with a right, never reserved by it).
FAMILY_FLAG = 1 << 248
_KEY_MASK = (1 << 248) - 1
_SERIAL_LIMIT = 1 << 216
_DOMAIN_HASH = keccak(RIGHT_DOMAIN_V2)

_PATENT = frozenset({"patent", "patent_application"})
_HK_PATENT = frozenset({"patent", "patent_application", "short_term_patent"})
#: Kinds a number may name: the SDK's RightKind values and ``short_term_patent`` (Hong Kong).
KINDS = frozenset(
    {
        "patent",
        "patent_application",
        "utility_model",
        "design",
        "trademark",
        "copyright",
        "trade_secret",
        "short_term_patent",
    }
)


@dataclass(frozen=True)
class Series:
    """One inclusive serial range of a number series of an office (a series may have several).

    ``office`` ``"*"`` is any office (the know-how series); ``reserved`` is False for family-only series, whose
    numbers are recorded as family links and never name a right of their own.
    """

    office: str
    code: str
    name: str
    kinds: frozenset[str]
    minimum: int
    maximum: int
    example: str
    reserved: bool = True

    def contains(self, serial: int) -> bool:
        """Whether ``serial`` is inside this range."""
        return self.minimum <= serial <= self.maximum


def _s(office: str, code: str, name: str, kinds: frozenset[str], low: int, high: int, example: str) -> Series:
    return Series(office, code, name, kinds, low, high, example, office != "WO")


_Y4 = 10**4  # shorthand below: year * 10**k + number

SERIES: tuple[Series, ...] = (
    _s("CN", "AP", "an application number", _PATENT | {"utility_model", "design"},
       200310000001, 209999999999, "ZL 202010123456.2"),
    _s("CN", "AO", "an application number of 1985 to September 2003", _PATENT | {"utility_model", "design"},
       1985100001, 2003999999, "ZL 88201465.X"),
    _s("CN", "PN", "a publication or grant number", _PATENT | {"utility_model", "design"},
       1000001, 3999999, "CN 1123456 C"),
    _s("CN", "PN", "a publication or grant number", _PATENT | {"utility_model", "design"},
       100000001, 399999999, "CN 111234567 B"),
    _s("CN", "TM", "a trademark number", frozenset({"trademark"}), 1, 99999999, "第12345678号"),
    _s("CN", "SR", "a software copyright registration", frozenset({"copyright"}),
       1992 * 10**7 + 1, 2099 * 10**7 + 9999999, "2021SR0123456"),
    _s("CN", "ZP", "a works registration", frozenset({"copyright"}),
       1995 * 10**10 + 10**8 + 1, 2099 * 10**10 + 12 * 10**8 + 99999999, "国作登字-2021-A-00123456"),
    _s("HK", "AO", "an application number of 1997 to 2019", _HK_PATENT,
       1997 * 10**6 + 1, 2019 * 10**6 + 999999, "HK 19123456.7"),
    _s("HK", "AP", "an application number since 19 December 2019", _HK_PATENT,
       12019 * 10**6 + 1, 32099 * 10**6 + 999999, "HK 32020012345.6"),
    _s("HK", "PN", "a publication or grant number", _HK_PATENT, 1000001, 1999999, "HK 1234567 B"),
    _s("HK", "PN", "a publication or grant number", _HK_PATENT, 20000001, 89999999, "HK 30012345 A"),
    _s("EP", "AP", "an application number", _PATENT, 1978 * 10**6 + 1, 2077 * 10**6 + 999999, "EP 18123456.8"),
    _s("EP", "PN", "a publication or grant number", _PATENT, 1, 9999999, "EP 3456789 B1"),
    _s("US", "PN", "a utility patent number", frozenset({"patent"}), 1, 99999999, "US 11,234,567 B2"),
    _s("US", "DS", "a design patent number", frozenset({"design"}), 1, 9999999, "USD912345S"),
    _s("US", "PL", "a plant patent number", frozenset({"patent"}), 1, 999999, "US PP12345 P3"),
    _s("US", "RE", "a reissue patent number", frozenset({"patent"}), 1, 999999, "US RE49123 E"),
    _s("US", "AP", "an application number", _PATENT | {"design"}, 1 * 10**6 + 1, 63 * 10**6 + 999999, "16/123,456"),
    _s("US", "PB", "a pre-grant publication number", frozenset({"patent_application"}),
       2001 * 10**7 + 1, 2099 * 10**7 + 9999999, "US 2020/0123456 A1"),
    _s("JP", "PN", "a patent number", frozenset({"patent"}), 1, 9999999, "特許第6543210号"),
    _s("JP", "AP", "a patent application number", _PATENT, 1926 * 10**6 + 1, 2099 * 10**6 + 999999, "特願2020-123456"),
    _s("JP", "PB", "an unexamined publication number", frozenset({"patent_application"}),
       1971 * 10**6 + 1, 2099 * 10**6 + 999999, "特開2020-123456"),
    _s("JP", "UM", "a utility model registration", frozenset({"utility_model"}), 1, 9999999, "実用新案登録第3212345号"),
    _s("JP", "DS", "a design registration", frozenset({"design"}), 1, 9999999, "意匠登録第1234567号"),
    _s("JP", "TM", "a trademark registration", frozenset({"trademark"}), 1, 9999999, "商標登録第6123456号"),
    _s("KR", "RG", "a registration number", frozenset({"patent", "utility_model", "design", "trademark"}),
       10 * 10**7 + 1, 47 * 10**7 + 9999999, "10-2345678"),
    _s("KR", "AP", "an application number", _PATENT | {"utility_model", "design", "trademark"},
       10 * 10**11 + 1946 * 10**7 + 1, 47 * 10**11 + 2099 * 10**7 + 9999999, "10-2020-0012345"),
    _s("KR", "PB", "an unexamined publication number", frozenset({"patent_application", "utility_model"}),
       10 * 10**11 + 1946 * 10**7 + 1, 20 * 10**11 + 2099 * 10**7 + 9999999, "10-2020-0012345 A"),
    _s("DE", "AP", "a file number", _PATENT | {"utility_model", "design", "trademark"},
       10 * 10**10 + 2004 * 10**6 + 1, 60 * 10**10 + 2099 * 10**6 + 999999, "DE 10 2007 004 488.9"),
    _s("DE", "PN", "a publication number of before 2004", _PATENT | {"utility_model"}, 1, 99999999, "DE 4123456 C2"),
    _s("GB", "AP", "an application number", _PATENT, 1977 * 10**5 + 1, 2076 * 10**5 + 99999, "GB 2012345.6"),
    _s("GB", "PN", "a publication number", _PATENT, 1, 9999999, "GB 2580000 A"),
    _s("WO", "PC", "a PCT application number", frozenset({"patent_application"}),
       1010 * 10**10 + 1978 * 10**6 + 1, 3535 * 10**10 + 2099 * 10**6 + 999999, "PCT/CN2021/123456"),
    _s("WO", "PB", "a WO publication number", frozenset({"patent_application"}),
       1978 * 10**6 + 1, 2099 * 10**6 + 999999, "WO 2021/123456 A1"),
    Series("*", "KH", "a know-how reference", frozenset({"trade_secret"}), 1, _SERIAL_LIMIT - 1,
           "the owner's reference, hashed", True),
)  # fmt: skip

#: Offices whose numbers :func:`parse_number` reads.
OFFICES = frozenset(entry.office for entry in SERIES if entry.office != "*")


@dataclass(frozen=True)
class OfficialNumber:
    """A parsed official number: ``canonical`` is its display form, ``kinds`` the kinds of right it can name.

    ``nice_class`` (a trademark's Nice class, when given) is information only: no part of the serial, the key or
    equality.
    """

    office: str
    series: str
    serial: int
    kinds: frozenset[str]
    canonical: str
    family: bool
    nice_class: int | None = field(default=None, compare=False)

    @property
    def packed(self) -> int:
        """The uint256 the contract reads: flags, office, series and serial."""
        flags = FAMILY_FLAG if self.family else 0
        return flags | _pair(self.office) << 232 | _pair(self.series) << 216 | self.serial

    @property
    def key(self) -> int:
        """:func:`right_key` of :attr:`packed`: the token id of the right whose primary number this is."""
        return right_key(self.packed)


def right_key(packed: int) -> int:
    """``keccak256(abi.encode(keccak256("ipledger.right.v2"), packed & (2**248 - 1)))`` as an integer."""
    if isinstance(packed, bool) or not isinstance(packed, int) or not 0 <= packed < 1 << 256:
        raise InvalidInputError(f"packed number {packed!r}: not a uint256")
    return int.from_bytes(keccak(encode(["bytes32", "uint256"], [_DOMAIN_HASH, packed & _KEY_MASK])), "big")


def _pair(code: str) -> int:
    return ord(code[0]) << 8 | ord(code[1])


def _unpair(value: int) -> str:
    return chr(value >> 8) + chr(value & 0xFF)


# ---- errors ----------------------------------------------------------------------------------------------------


def _expected(office: str) -> str:
    seen: dict[str, Series] = {}
    for entry in SERIES:
        if entry.office == office:
            seen.setdefault(entry.code, entry)
    return ", ".join(f"{entry.name} such as {entry.example}" for entry in seen.values())


def _refuse(text: str, office: str | None, reason: str) -> InvalidInputError:
    """The one-line refusal: what is wrong and, for a known office, the forms it expects."""
    hint = f"; expected {_expected(office)}" if office in OFFICES else ""
    return InvalidInputError(f"number {text!r}: {reason}{hint}")


class _RuleError(Exception):
    """A rule's specific reason to refuse (raised inside a parser, turned into an InvalidInputError)."""


# ---- check digits ----------------------------------------------------------------------------------------------


def _cn_check(digits: str) -> str:
    """CNIPA: digits weighted 2, 3, ... 9, 2, 3 ... from the left, sum mod 11, 10 written X."""
    total = sum(int(digit) * (2 + index % 8) for index, digit in enumerate(digits))
    return "X" if total % 11 == 10 else str(total % 11)


def _ep_check(digits: str) -> str:
    """EPO: digits weighted 1, 2, 1, 2 ... from the left, digit sums of the products added, (10 - sum mod 10) mod 10."""
    total = sum(sum(divmod(int(digit) * (1 + index % 2), 10)) for index, digit in enumerate(digits))
    return str(-total % 10)


def _de_check(digits: str) -> str:
    """DPMA since 1981: digits weighted 2, 3, 4 ... from the right, 11 - (sum mod 11), 10 and 11 written 0;
    before 1981 (seven digits below 31 00 000, G 70 to G 80): weights 1 to 7 from the right, sum mod 10."""
    reverse = [int(digit) for digit in reversed(digits)]
    if len(digits) == 7 and (digits < "31" or "70" <= digits[:2] <= "80"):
        return str(sum(digit * (index + 1) for index, digit in enumerate(reverse)) % 10)
    return str((11 - sum(digit * (index + 2) for index, digit in enumerate(reverse)) % 11) % 11 % 10)


def _verify(given: str | None, expected: str, what: str) -> None:
    if given is not None and given != expected:
        raise _RuleError(f"wrong check digit {given}: {what} has check digit {expected}")


# ---- input normalisation ---------------------------------------------------------------------------------------

#: What NFKC leaves: the ideographic full stop and comma, the middle dot, and the hyphens and dashes (U+2010 to U+2014,
#: U+2212) that stand for a hyphen-minus in written numbers.
_PUNCTUATION = str.maketrans(
    {"。": ".", "、": ",", "·": ".", **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-")}
)
_NICE = re.compile(r"[(\[]?\s*(?:第\s*(\d{1,2})\s*[类類]|(?:NICE\s*)?CLASS\s*(\d{1,2})(?!\d))\s*[)\]]?")
_EN_LABELS = {
    "APPLICATION": "application",
    "APPLN": "application",
    "APPL": "application",
    "PUBLICATION": "publication",
    "PUBL": "publication",
    "PUB": "publication",
}
_EN_WORDS = ("REGISTRATION", "TRADEMARK", "NUMBER", "PATENT", "UTILITY", "DESIGN", "SERIAL", "MODEL", "TRADE", "MARK")
_CN_LABELS = {
    "专利申请号": "application",
    "專利申請號": "application",
    "专利号": "application",
    "專利號": "application",
    "申请号": "application",
    "申請號": "application",
    "授权公告号": "publication",
    "授權公告號": "publication",
    "公开号": "publication",
    "公開號": "publication",
    "公告号": "publication",
    "公告號": "publication",
    "公布号": "publication",
    "商标注册号": "trademark",
    "商標註冊號": "trademark",
    "注册号": "trademark",
    "註冊號": "trademark",
    "登记号": "",
    "登記號": "",
    "ZL": "application",
}
_JP_MARKS = re.compile(r"特許|特願|特開|特表|実用新案|意匠登録|商標登録")
_CN_MARKS = re.compile(r"[国國]作登字|\d{4}SR\d|第\d+[号號]|[类類]")
_US_SHAPES = re.compile(r"(D\d|PP\d|RE\d|\d{2}/\d{6}$|\d{4}/\d{7})")
_KR_SHAPES = re.compile(r"제?(?:10|20|30|4[0-7])-(?:\d{4}-)?\d{7}호?(?:[A-Z]\d?)?")


@dataclass(frozen=True)
class _Input:
    """What a parser sees: the compact body (upper case, no spaces or commas), a label's hint, the kind asked."""

    body: str
    hint: str
    kind: str | None


def _normalize(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).upper().translate(_PUNCTUATION)
    return " ".join(folded.split())


def _take_nice_class(text: str, original: str) -> tuple[str, int | None]:
    match = _NICE.search(text)
    if match is None:
        return text, None
    value = int(match.group(1) or match.group(2))
    if not 1 <= value <= 45:
        raise _refuse(original, None, f"Nice class {value} does not exist (1 to 45)")
    return (text[: match.start()] + " " + text[match.end() :]).strip(" ,;/"), value


def _split_prefix(text: str) -> tuple[str | None, str, str]:
    """Office codes and labels at the start: (office found or None, hint, compact rest)."""
    found: set[str] = set()
    hint = ""
    rest = text
    while True:
        rest = rest.lstrip(" :#.-")
        if rest.startswith("PCT"):
            found.add("WO")
            break
        code = rest[:2]
        after = rest[2:3]
        if code in OFFICES and (not re.match(r"[A-Z]", after) or _letter_prefix(code, rest[2:])):
            found.add(code)
            rest = rest[2:]
            continue
        label = next((word for word in sorted(_CN_LABELS, key=len, reverse=True) if rest.startswith(word)), None)
        if label is not None:
            found.add("CN")
            hint = _CN_LABELS[label] or hint
            rest = rest[len(label) :]
            continue
        word = re.match(r"[A-Z]+", rest)
        if word is not None and (
            word.group() in _EN_LABELS or word.group() in _EN_WORDS or word.group() in {"NO", "NR"}
        ):
            hint = _EN_LABELS.get(word.group(), hint)
            rest = rest[word.end() :]
            continue
        break
    body = re.sub(r"[\s,:]", "", rest)
    if len(found) > 1:
        raise _RuleError(f"names several offices ({', '.join(sorted(found))})")
    return (found.pop() if found else _infer_office(body)), hint, body


def _letter_prefix(office: str, rest: str) -> bool:
    """Whether a letter after an office code starts the number (USD912345, USRE49123, JPH11123456)."""
    if office == "US":
        return re.match(r"(D|PP|RE)\d", rest) is not None
    return office == "JP" and re.match(r"[SHR]\d", rest) is not None


#: A CN application number with its check digit and no prefix: 12 digits since 2003 (year 2003-2099, type digit),
#: 8 before (two-digit year, type digit).
_CN_APPLICATION_SHAPE = re.compile(r"(?:20\d{2}[12389]\d{7}|[89]\d[123]\d{5}|0[0-3][123]\d{5})\.?[\dX]")


def _bare_cn_application(body: str) -> bool:
    """Whether ``body`` has the shape of a CN application number with its check digit, and no other office's rules
    could read it (a DE file number has 12 digits and a check digit too: when its DE check digit verifies, the
    office must be given). A wrong CN check digit is then the CN rules' to report."""
    if _CN_APPLICATION_SHAPE.fullmatch(body) is None:
        return False
    digits, check = body.replace(".", "")[:-1], body[-1]
    return len(digits) != 12 or _de_check(digits) != check or _cn_check(digits) == check


def _infer_office(body: str) -> str | None:
    if _JP_MARKS.search(body):
        return "JP"
    if _CN_MARKS.search(body):
        return "CN"
    if _US_SHAPES.match(body):
        return "US"
    if _KR_SHAPES.fullmatch(body):
        return "KR"
    return None


# ---- per-office rules ------------------------------------------------------------------------------------------

_Parsed = tuple[str, int]
_Parser = Callable[[_Input], _Parsed | None]


def _full_year(two_digits: int, pivot: int) -> int:
    """A two-digit year: ``pivot`` and later are 19xx, earlier ones 20xx."""
    return 1900 + two_digits if two_digits >= pivot else 2000 + two_digits


def _kind_code(code: str | None, allowed: str, what: str) -> None:
    if code is not None and re.fullmatch(allowed, code) is None:
        raise _RuleError(f"kind code {code} does not belong to {what}")


def _cn(data: _Input) -> _Parsed | None:
    body = data.body
    if match := re.fullmatch(r"第(\d{1,8})[号號]", body):
        return "TM", int(match.group(1))
    if (data.hint == "trademark" or data.kind == "trademark") and re.fullmatch(r"\d{1,8}", body):
        return "TM", int(body)
    if match := re.fullmatch(r"(\d{4})SR(\d{1,7})", body):
        return "SR", int(match.group(1)) * 10**7 + int(match.group(2))
    if match := re.fullmatch(r"[国國]作登字-?(\d{4})-?([A-Z])-?(\d{1,8})", body):
        letter = ord(match.group(2)) - ord("A") + 1
        if letter > 12:
            raise _RuleError(f"work category {match.group(2)} does not exist (A to L)")
        return "ZP", int(match.group(1)) * 10**10 + letter * 10**8 + int(match.group(3))
    if match := re.fullmatch(r"(\d{12})\.?([0-9X])?", body):
        digits, check = match.group(1), match.group(2)
        if not 2003 <= int(digits[:4]) <= 2099:
            raise _RuleError(f"year {digits[:4]} is out of range for a 12-digit application number (2003 to 2099)")
        _cn_type(digits[4])
        _verify(check, _cn_check(digits), f"CN application {digits}")
        return "AP", int(digits)
    match = re.fullmatch(r"(\d{8})(?:\.([0-9X]))?", body)
    if match is None and (data.hint == "application" or body.endswith("X")):
        match = re.fullmatch(r"(\d{8})([0-9X])", body)
    if match is not None:
        digits, check = match.group(1), match.group(2)
        year = int(digits[:2])
        if 4 <= year <= 84:
            raise _RuleError(f"year {digits[:2]} is out of range for an 8-digit application number (85 to 03)")
        _cn_type(digits[2])
        _verify(check, _cn_check(digits), f"CN application {digits}")
        return "AO", _full_year(year, 85) * 10**6 + int(digits[2:])
    if match := re.fullmatch(r"([1-3]\d{6}|[1-3]\d{8})([A-Z])?", body):
        allowed = {"1": "[ABC]", "2": "[UY]", "3": "[SD]"}[body[0]]
        _kind_code(match.group(2), allowed, f"a CN number of type {body[0]}")
        return "PN", int(match.group(1))
    return None


def _cn_type(digit: str) -> None:
    if digit not in "12389":
        raise _RuleError(f"type digit {digit} does not exist (1 invention, 2 utility model, 3 design, 8 and 9 PCT)")


def _hk(data: _Input) -> _Parsed | None:
    body = data.body
    if match := re.fullmatch(r"(1\d{6}|[2-8]\d{7})([AB]\d?)?", body):
        return "PN", int(match.group(1))
    if match := re.fullmatch(r"([019]\d{7})(?:\.(\d))?", body):
        year = int(body[:2])
        if 20 <= year <= 96:
            raise _RuleError(f"year {body[:2]} is out of range for an 8-digit application number (97 to 19)")
        return "AO", _full_year(year, 97) * 10**6 + int(body[2:8])
    if match := re.fullmatch(r"([1-3])(\d{4})(\d{6})(?:\.(\d))?", body):
        if not 2019 <= int(match.group(2)) <= 2099:
            raise _RuleError(f"year {match.group(2)} is out of range for an 11-digit application number (2019 to 2099)")
        return "AP", int(match.group(1) + match.group(2) + match.group(3))
    return None


def _ep(data: _Input) -> _Parsed | None:
    body = data.body
    if match := re.fullmatch(r"(\d{8})(?:\.(\d))?", body):
        digits = match.group(1)
        _verify(match.group(2), _ep_check(digits), f"EP application {digits}")
        return "AP", _full_year(int(digits[:2]), 78) * 10**6 + int(digits[2:])
    if match := re.fullmatch(r"(\d{1,7})(A[1-489]|B[1-389])?", body):
        return "PN", int(match.group(1))
    return None


_US_APPLICATION_CODES = frozenset({*range(1, 20), 29, 35, 60, 61, 62, 63})


def _us(data: _Input) -> _Parsed | None:
    body = data.body
    if match := re.fullmatch(r"(\d{2})/(\d{6})", body):
        if int(match.group(1)) not in _US_APPLICATION_CODES:
            raise _RuleError(f"series code {match.group(1)} is not an application series (01 to 19, 29, 35, 60 to 63)")
        return "AP", int(match.group(1)) * 10**6 + int(match.group(2))
    if match := re.fullmatch(r"(\d{4})/?(\d{7})(A[129])?", body):
        return "PB", int(match.group(1)) * 10**7 + int(match.group(2))
    rules = (("DS", r"D(\d{1,7})(S\d?)?"), ("PL", r"PP(\d{1,6})(P\d)?"), ("RE", r"RE(\d{1,6})(E\d?)?"))
    for series, pattern in rules:
        if match := re.fullmatch(pattern, body):
            return series, int(match.group(1))
    if match := re.fullmatch(r"(\d{1,8})([A-Z]\d?)?", body):
        _kind_code(match.group(2), r"A|B[12]?", "a utility patent (E is a reissue's: write RE followed by its number)")
        return "PN", int(match.group(1))
    return None


_JP_LABELS = (
    ("実用新案登録", "UM"),
    ("意匠登録", "DS"),
    ("商標登録", "TM"),
    ("特許出願", "AP"),
    ("特許", "PN"),
    ("特願", "AP"),
    ("特開", "PB"),
    ("特表", "PB"),
)
_JP_ERAS = {
    "昭和": 1925,
    "昭": 1925,
    "S": 1925,
    "平成": 1988,
    "平": 1988,
    "H": 1988,
    "令和": 2018,
    "令": 2018,
    "R": 2018,
}
_JP_YEAR_NUMBER = re.compile(
    r"(?:(?P<era>昭和|平成|令和|昭|平|令|[SHR])(?P<eyear>\d{1,2}|元)年?(?:-|第)?(?P<en>\d{1,6})"
    r"|(?P<era2>[SHR])(?P<eyear2>\d{2})(?P<en2>\d{6})"
    r"|(?P<year>\d{4})年?(?:-|第)?(?P<n>\d{1,6}))号?(?P<kc>A)?"
)
_JP_KIND_SERIES = {"utility_model": "UM", "design": "DS", "trademark": "TM"}


def _jp(data: _Input) -> _Parsed | None:
    body = data.body
    label, series = next(((label, code) for label, code in _JP_LABELS if body.startswith(label)), ("", None))
    body = body[len(label) :]
    if series in {"AP", "PB"} or (series is None and not re.fullmatch(r"第?\d{1,7}号?(?:[A-Z]\d?)?", body)):
        return _jp_year_number(body, series, data.hint)
    match = re.fullmatch(r"第?(\d{1,7})号?([A-Z]\d?)?", body)
    if match is None:
        return None
    code = match.group(2)
    if series is None:
        series = {"U": "UM", "S": "DS"}.get(code or "", _JP_KIND_SERIES.get(data.kind or "", "PN"))
    allowed = {"PN": r"B[12]?|C", "UM": r"U", "DS": r"S"}.get(series, "")
    _kind_code(code, allowed, f"a JP {series} number")
    return series, int(match.group(1))


def _jp_year_number(body: str, series: str | None, hint: str) -> _Parsed | None:
    match = _JP_YEAR_NUMBER.fullmatch(body)
    if match is None:
        return None
    era = match.group("era") or match.group("era2")
    if era is not None:
        era_year = match.group("eyear") or match.group("eyear2")
        offset = 1 if era_year == "元" else int(era_year)
        limit = {1925: 64, 1988: 31}.get(_JP_ERAS[era], 81)
        if not 1 <= offset <= limit:
            raise _RuleError(f"era year {era}{era_year} does not exist")
        year, number = _JP_ERAS[era] + offset, int(match.group("en") or match.group("en2"))
    else:
        year, number = int(match.group("year")), int(match.group("n"))
    if series is None:
        series = "PB" if match.group("kc") or hint == "publication" else "AP" if hint == "application" else None
    elif match.group("kc") and series != "PB":
        raise _RuleError("kind code A belongs to an unexamined publication (特開), not an application")
    if series is None:
        raise _RuleError("a year and number is an application (特願) or an unexamined publication (特開, kind code A)")
    if number < 1:
        raise _RuleError("number 0 does not exist")
    return series, year * 10**6 + number


_KR_CODES = {"10": "B1?", "20": "Y1?", "30": "S", **{f"4{digit}": "" for digit in range(8)}}


def _kr(data: _Input) -> _Parsed | None:
    body = re.sub(r"^제|호$", "", data.body)
    if match := re.fullmatch(r"(\d{2})-?(\d{7})([A-Z]\d?)?", body):
        code = match.group(1)
        if code not in _KR_CODES:
            raise _RuleError(f"right code {code} does not exist (10 patent, 20 utility model, 30 design, 40 trademark)")
        _kind_code(match.group(3), _KR_CODES[code], f"a KR registration of right code {code}")
        return "RG", int(code) * 10**7 + int(match.group(2))
    if match := re.fullmatch(r"(\d{2})-?(\d{4})-?(\d{7})([A-Z]\d?)?", body):
        code, kind_code = match.group(1), match.group(4)
        if code not in _KR_CODES:
            raise _RuleError(f"right code {code} does not exist (10 patent, 20 utility model, 30 design, 40 trademark)")
        if not 1946 <= int(match.group(2)) <= 2099:
            raise _RuleError(f"year {match.group(2)} is out of range (1946 to 2099)")
        serial = int(code) * 10**11 + int(match.group(2)) * 10**7 + int(match.group(3))
        if kind_code is None:
            return "AP", serial
        if code not in {"10", "20"}:
            raise _RuleError(
                f"kind code {kind_code}: only patent and utility model applications (10, 20) are published"
            )
        _kind_code(kind_code, {"10": "A", "20": "U"}[code], f"a KR publication of right code {code}")
        return "PB", serial
    return None


_DE_CODES = {"10": "[ABC]\\d?", "11": "[ABC]\\d?", "12": "[ABC]\\d?", "20": "U\\d?", "21": "U\\d?", "30": "", "40": ""}
_DE_CODES |= {"41": "", "50": "T\\d?", "60": "T\\d?"}


def _de(data: _Input) -> _Parsed | None:
    body = data.body
    if match := re.fullmatch(r"(\d{12})(?:\.?(\d))?([A-Z]\d?)?", body):
        digits = match.group(1)
        if digits[:2] not in _DE_CODES:
            raise _RuleError(f"right code {digits[:2]} is not read here (10 to 12 patents, 20 and 21 utility models, "
                           "30 trademarks, 40 and 41 designs, 50 and 60 European patents)")  # fmt: skip
        if not 2004 <= int(digits[2:6]) <= 2099:
            raise _RuleError(f"year {digits[2:6]} is out of range for a 12-digit file number (2004 to 2099)")
        _kind_code(match.group(3), _DE_CODES[digits[:2]], f"a DE file number of right code {digits[:2]}")
        _verify(match.group(2), _de_check(digits), f"DE file number {digits}")
        return "AP", int(digits)
    if match := re.fullmatch(r"(\d{1,8})(?:\.(\d))?([A-Z]\d?)?", body):
        digits = match.group(1)
        _kind_code(match.group(3), r"[ABCTU]\d?", "a DE publication")
        if match.group(2) is not None and len(digits) < 7:
            raise _RuleError("only file numbers of 7 or 8 digits (1968 to 2003) have a known check digit rule")
        _verify(match.group(2), _de_check(digits), f"DE file number {digits}")
        return "PN", int(digits)
    return None


def _gb(data: _Input) -> _Parsed | None:
    body = data.body
    application = re.fullmatch(r"(\d{7})\.(\d)", body)
    if application is None and data.hint == "application":
        application = re.fullmatch(r"(\d{7})(\d)?", body)
    if application is not None:
        digits = application.group(1)
        return "AP", _full_year(int(digits[:2]), 77) * 10**5 + int(digits[2:])
    if match := re.fullmatch(r"(\d{1,7})([ABC]\d?)?", body):
        return "PN", int(match.group(1))
    return None


def _wo(data: _Input) -> _Parsed | None:
    body = data.body
    if match := re.fullmatch(r"PCT/?([A-Z]{2})(?:(\d{4})/(\d{1,6})|(\d{2})/(\d{1,5}))", body):
        office = match.group(1)
        if office not in REGIONAL_OFFICES and pycountry.countries.get(alpha_2=office) is None:
            raise _RuleError(f"receiving office {office} is neither a country nor a regional office")
        year = _wo_year(match.group(2), match.group(4))
        letters = (ord(office[0]) - 55) * 100 + ord(office[1]) - 55
        return "PC", letters * 10**10 + year * 10**6 + int(match.group(3) or match.group(5))
    match = re.fullmatch(r"(?:(\d{4})/(\d{1,6})|(\d{2})/(\d{1,6})|(\d{4})(\d{6})|(\d{2})(\d{5,6}))(A[1-489])?", body)
    if match is None:
        return None
    four, two = match.group(1) or match.group(5), match.group(3) or match.group(7)
    number = match.group(2) or match.group(4) or match.group(6) or match.group(8)
    return "PB", _wo_year(four, two) * 10**6 + int(number)


def _wo_year(four: str | None, two: str | None) -> int:
    if four is not None:
        if not 1978 <= int(four) <= 2099:
            raise _RuleError(f"year {four} is out of range (1978 to 2099)")
        return int(four)
    year = _full_year(int(two or "0"), 78)
    if year > 2003:
        raise _RuleError(f"the two-digit year {two} form ended in 2003: write {year} in full")
    return year


_PARSERS: dict[str, _Parser] = {
    "CN": _cn,
    "HK": _hk,
    "EP": _ep,
    "US": _us,
    "JP": _jp,
    "KR": _kr,
    "DE": _de,
    "GB": _gb,
    "WO": _wo,
}


# ---- display and kinds, rebuilt from the serial alone ----------------------------------------------------------


def _display(office: str, series: str, serial: int) -> str:
    """The canonical display form of a number (parses back to the same number)."""
    if series == "KH":
        return f"{office} know-how {serial:054x}"
    year6, rest6 = divmod(serial, 10**6)
    year7, rest7 = divmod(serial, 10**7)
    forms: dict[tuple[str, str], Callable[[], str]] = {
        ("CN", "AP"): lambda: f"CN {serial:012d}.{_cn_check(f'{serial:012d}')}",
        ("CN", "AO"): lambda: f"CN {year6 % 100:02d}{rest6:06d}.{_cn_check(f'{year6 % 100:02d}{rest6:06d}')}",
        ("CN", "PN"): lambda: f"CN {serial}",
        ("CN", "TM"): lambda: f"CN 第{serial}号",
        ("CN", "SR"): lambda: f"CN {year7}SR{rest7:07d}",
        ("CN", "ZP"): lambda: f"CN 国作登字-{serial // 10**10}-{chr(64 + serial // 10**8 % 100)}-{serial % 10**8:08d}",
        ("HK", "AO"): lambda: f"HK {year6 % 100:02d}{rest6:06d}",
        ("HK", "AP"): lambda: f"HK {serial:011d}",
        ("HK", "PN"): lambda: f"HK {serial}",
        ("EP", "AP"): lambda: f"EP {year6 % 100:02d}{rest6:06d}.{_ep_check(f'{year6 % 100:02d}{rest6:06d}')}",
        ("EP", "PN"): lambda: f"EP {serial:07d}",
        ("US", "PN"): lambda: f"US {serial}",
        ("US", "DS"): lambda: f"US D{serial}",
        ("US", "PL"): lambda: f"US PP{serial}",
        ("US", "RE"): lambda: f"US RE{serial}",
        ("US", "AP"): lambda: f"US {year6:02d}/{rest6:06d}",
        ("US", "PB"): lambda: f"US {year7}/{rest7:07d}",
        ("JP", "PN"): lambda: f"JP {serial}",
        ("JP", "AP"): lambda: f"JP 特願{year6}-{rest6:06d}",
        ("JP", "PB"): lambda: f"JP 特開{year6}-{rest6:06d}",
        ("JP", "UM"): lambda: f"JP 実用新案登録第{serial}号",
        ("JP", "DS"): lambda: f"JP 意匠登録第{serial}号",
        ("JP", "TM"): lambda: f"JP 商標登録第{serial}号",
        ("KR", "RG"): lambda: f"KR {year7}-{rest7:07d}",
        ("KR", "AP"): lambda: f"KR {serial // 10**11}-{serial // 10**7 % 10**4}-{rest7:07d}",
        ("KR", "PB"): lambda: (
            f"KR {serial // 10**11}-{serial // 10**7 % 10**4}-{rest7:07d} {'A' if serial // 10**11 == 10 else 'U'}"
        ),
        ("DE", "AP"): lambda: _de_display(f"{serial:012d}"),
        ("DE", "PN"): lambda: f"DE {serial}",
        ("GB", "AP"): lambda: f"GB application {serial // 10**5 % 100:02d}{serial % 10**5:05d}",
        ("GB", "PN"): lambda: f"GB {serial}",
        ("WO", "PC"): lambda: (
            f"PCT/{chr(55 + serial // 10**12)}{chr(55 + serial // 10**10 % 100)}{year6 % 10**4}/{rest6:06d}"
        ),
        ("WO", "PB"): lambda: f"WO {year6}/{rest6:06d}",
    }
    return forms[(office, series)]()


def _de_display(digits: str) -> str:
    return f"DE {digits[:2]} {digits[2:6]} {digits[6:9]} {digits[9:]}.{_de_check(digits)}"


def _kinds(office: str, series: str, serial: int) -> frozenset[str]:
    """The kinds a number can name: its series' kinds, narrowed by a type digit or right code where it has one."""
    if office == "CN" and series in {"AP", "AO", "PN"}:
        digit = str(serial)[0 if series == "PN" else 4]
        by_type = {"2": frozenset({"utility_model"}), "9": frozenset({"utility_model"}), "3": frozenset({"design"})}
        return by_type.get(digit, _PATENT)
    if office == "KR":
        code = serial // (10**7 if series == "RG" else 10**11)
        if code >= 40:
            return frozenset({"trademark"})
        granted = {10: frozenset({"patent"}) if series == "RG" else _PATENT, 20: frozenset({"utility_model"})}
        if series == "PB" and code == 10:
            return frozenset({"patent_application"})
        return granted.get(code, frozenset({"design"}))
    if (office, series) == ("DE", "AP"):
        code = serial // 10**10
        names = {20: "utility_model", 21: "utility_model", 30: "trademark", 40: "design", 41: "design"}
        return frozenset({names[code]}) if code in names else _PATENT
    if (office, series) == ("US", "AP"):
        code = serial // 10**6
        return (
            frozenset({"design"}) if code in {29, 35} else frozenset({"patent_application"}) if code >= 60 else _PATENT
        )
    return next(entry.kinds for entry in SERIES if entry.office in {office, "*"} and entry.code == series)


def _ranges(office: str, series: str) -> Iterator[Series]:
    wanted = "*" if series == "KH" else office
    return (entry for entry in SERIES if entry.office == wanted and entry.code == series)


def _jurisdiction(office: str) -> bool:
    return office in OFFICES or office in REGIONAL_OFFICES or pycountry.countries.get(alpha_2=office) is not None


def _number(office: str, series: str, serial: int, family: bool) -> OfficialNumber:
    """The number of a checked (office, series, serial); raises when the serial is out of the series' ranges."""
    entries = list(_ranges(office, series))
    if not any(entry.contains(serial) for entry in entries):
        name = entries[0].name if entries else "a number"
        raise _RuleError(f"out of range for {name} of {office} (serial {serial})")
    return OfficialNumber(
        office=office,
        series=series,
        serial=serial,
        kinds=_kinds(office, series, serial),
        canonical=_display(office, series, serial),
        family=family or not entries[0].reserved,
    )


# ---- public entry points ---------------------------------------------------------------------------------------


def _office_argument(office: str | None) -> str | None:
    if office is None:
        return None
    code = office.strip().upper() if isinstance(office, str) else ""
    if code not in OFFICES:
        known = ", ".join(sorted(OFFICES))
        raise InvalidInputError(f"field 'office': {office!r} has no number rules here (known offices: {known})")
    return code


def _kind_argument(kind: str | None) -> str | None:
    if kind is None:
        return None
    value = str(kind).strip().lower()
    if value not in KINDS:
        raise InvalidInputError(f"field 'kind': {kind!r} is not a kind ({', '.join(sorted(KINDS))})")
    return value


def parse_number(
    text: str, office: str | None = None, *, kind: str | None = None, family: bool = False
) -> OfficialNumber:
    """Parses any written form of an official number into its one canonical :class:`OfficialNumber`.

    ``office`` is the jurisdiction the user gave; without it the office comes from a prefix or label (``CN``,
    ``ZL``, ``EP``, ``US``, ``WO``, ``PCT/``, ``特許``, ``特願``, ``第…号``...). ``kind``, when given, must be one of
    the number's kinds (and picks the series of bare digits that only a kind tells apart, such as a CN trademark
    number). ``family`` marks the number as a family link. Raises :class:`InvalidInputError` in one line naming the
    office's expected forms.
    """
    wanted_kind = _kind_argument(kind)
    given = _office_argument(office)
    if not isinstance(text, str):
        raise InvalidInputError(f"number {text!r}: not text")
    found: str | None = None
    try:
        normal, nice_class = _take_nice_class(_normalize(text), text)
        if not normal:
            raise _RuleError("empty")
        if len(normal) > 120:
            raise _RuleError("too long for an official number")
        found, hint, body = _split_prefix(normal)
        if given is not None and found is not None and found != given:
            raise _RuleError(f"a {found} number, but the office given is {given}")
        chosen = given or found or ("CN" if _bare_cn_application(body) else None)
        if chosen is None:
            raise _RuleError(f"no office: give the office or a prefix such as {', '.join(sorted(OFFICES))}, PCT/ or ZL")
        parsed = _PARSERS[chosen](_Input(body, hint, wanted_kind)) if body else None
        if parsed is None:
            raise _refuse(text, chosen, f"not a {chosen} number")
        number = _number(chosen, parsed[0], parsed[1], family)
    except _RuleError as refusal:
        raise _refuse(text, given or found, str(refusal)) from None
    if nice_class is not None and "trademark" not in number.kinds:
        raise _refuse(text, number.office, f"a Nice class belongs to a trademark, not to {number.canonical}")
    if wanted_kind is not None and wanted_kind not in number.kinds:
        raise InvalidInputError(
            f"field 'kind': {_subject(number)} is a {' or a '.join(sorted(number.kinds))}, not {wanted_kind}"
        )
    return replace(number, nice_class=nice_class)


def _subject(number: OfficialNumber) -> str:
    if number.office == "CN" and number.series in {"AP", "AO"}:
        return f"a CN application of type {str(number.serial)[4]}"
    name = next(entry.name for entry in _ranges(number.office, number.series))
    return f"{number.canonical} ({name})"


def unpack_number(packed: int) -> OfficialNumber:
    """The number a packed uint256 holds (the inverse of :attr:`OfficialNumber.packed`); refuses any value the
    contract would refuse: unknown flags, office or series, a serial out of range."""
    if isinstance(packed, bool) or not isinstance(packed, int) or not 0 <= packed < 1 << 256:
        raise InvalidInputError(f"packed number {packed!r}: not a uint256")
    flags = packed >> 248
    office, series = _unpair(packed >> 232 & 0xFFFF), _unpair(packed >> 216 & 0xFFFF)
    serial = packed & (_SERIAL_LIMIT - 1)
    if flags & ~1:
        raise InvalidInputError(f"packed number {packed:#x}: unknown flags {flags:#x}")
    if series == "UC":
        if re.fullmatch(r"[A-Z]{2}", office) is None or not _jurisdiction(office) or serial == 0 or flags:
            raise InvalidInputError(f"packed number {packed:#x}: not an unpublished application's commitment")
        return _unpublished(office, serial, _UNPUBLISHED_KINDS)
    if series == "KH":
        known = re.fullmatch(r"[A-Z]{2}", office) is not None and _jurisdiction(office)
    else:
        known = office in OFFICES and any(True for _ in _ranges(office, series))
    if not known:
        raise InvalidInputError(f"packed number {packed:#x}: no series {series!r} of office {office!r}")
    try:
        number = _number(office, series, serial, bool(flags & 1))
    except _RuleError as refusal:
        raise InvalidInputError(f"packed number {packed:#x}: {refusal}") from None
    if series != "KH":
        try:
            again = parse_number(number.canonical, office)
        except InvalidInputError as refusal:
            raise InvalidInputError(f"packed number {packed:#x}: no such number ({refusal})") from None
        if (again.series, again.serial) != (series, serial):
            raise InvalidInputError(f"packed number {packed:#x}: no such number")
    return number


def know_how_number(reference: str, office: str) -> OfficialNumber:
    """The know-how (trade secret) number of the owner's own ``reference`` in ``office`` (any country or regional
    office): serial = the first 27 bytes of SHA-256 of the reference's UTF-8, after NFKC and stripping."""
    code = office.strip().upper() if isinstance(office, str) else ""
    if not re.fullmatch(r"[A-Z]{2}", code) or not _jurisdiction(code):
        raise InvalidInputError(f"field 'office': {office!r} is neither a country nor a regional office")
    text = unicodedata.normalize("NFKC", reference).strip() if isinstance(reference, str) else ""
    if not text:
        raise InvalidInputError(f"field 'reference': {reference!r} is empty; give the owner's own reference")
    serial = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:27], "big")
    try:
        return _number(code, "KH", serial, False)
    except _RuleError:
        raise InvalidInputError(f"field 'reference': {reference!r} hashes to serial 0; change the reference") from None


# ---- unpublished applications and right ids ---------------------------------------------------------------------

#: Series the registry takes for any office: know-how references and unpublished applications under a commitment.
ANY_OFFICE_SERIES = frozenset({"KH", "UC"})
_UNPUBLISHED_KINDS = frozenset({"patent_application", "utility_model", "design", "short_term_patent"})


def unpublished_number(number: OfficialNumber, salt: bytes) -> OfficialNumber:
    """The number an unpublished application is registered under with ``salt`` (the registry's
    ``unpublishedNumber``): series "UC" of its office, serial the low 216 bits of
    ``keccak256(abi.encode(packed without flags, salt))``. It reveals nothing of the number until it is opened;
    keep the salt (docs/numbers.md)."""
    if number.family or number.series in ANY_OFFICE_SERIES:
        raise InvalidInputError(f"number {number.canonical!r}: only an application number can be kept unpublished")
    if len(salt) != 32:
        raise InvalidInputError(f"field 'salt': {len(salt)} bytes; a salt is 32 bytes")
    digest = keccak(encode(["uint256", "bytes32"], [number.packed & _KEY_MASK, salt]))
    serial = int.from_bytes(digest, "big") & (_SERIAL_LIMIT - 1) or 1
    return _unpublished(number.office, serial, number.kinds & _UNPUBLISHED_KINDS or number.kinds)


def _unpublished(office: str, serial: int, kinds: frozenset[str]) -> OfficialNumber:
    return OfficialNumber(
        office=office,
        series="UC",
        serial=serial,
        kinds=kinds,
        canonical=f"{office} unpublished application {serial:#056x}",
        family=False,
    )


def right_id(number: str, office: str | None = None) -> int:
    """The token id of the right whose primary number is ``number`` (any written form), as the registry derives it."""
    return parse_number(number, office).key


def number_text(packed: int) -> str:
    """How a packed number read from the chain is shown: its canonical form, ``" (family)"`` after a family link;
    a value the rules do not know stays hex (a number of rules newer than this SDK)."""
    try:
        number = unpack_number(int(packed))
    except InvalidInputError:
        return hex(int(packed))
    return f"{number.canonical} (family)" if number.family else number.canonical


def parse_number_for(
    text: str, office: str | None, kind: str | None, *, field: str, family: bool = False
) -> OfficialNumber:
    """:func:`parse_number` of a value given for ``field``: its refusal names the field first."""
    try:
        return parse_number(text, office, kind=kind, family=family)
    except InvalidInputError as refusal:
        message = str(refusal)
        raise InvalidInputError(message if message.startswith("field ") else f"field {field!r}: {message}") from None


def cn_application(year: int, type_digit: int, serial: int) -> OfficialNumber:
    """The CN application number of ``year`` (2003 on), type (1 invention, 2 utility model, 3 design, 8 and 9 PCT
    national phases) and 7-digit ``serial``, with its check digit (CNIPA ZC 0006-2003)."""
    digits = f"{year:04d}{type_digit:d}{serial:07d}"
    if len(digits) != 12:
        raise InvalidInputError(f"CN application {digits!r}: year, type digit and serial make 12 digits")
    return parse_number(f"CN {digits}.{_cn_check(digits)}")
