"""Metadata validation: bad metadata fails in pydantic, before any transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from ipledger import IPMetadata, MetadataError, RightKind, parse_metadata, right_id
from ipledger.models._model_base import Address
from pydantic import TypeAdapter, ValidationError

VALID: dict[str, Any] = {
    "title": "Solid-state battery electrode",
    "kind": "patent",
    "jurisdiction": "us",
    "number": "US 11,234,567 B2",
    "inventors": ["Li Wei"],
    "filing_date": "2019-03-01",
    "grant_date": "2022-06-14",
    "expiry_date": "2039-03-01",
}


def test_valid_metadata_normalises_jurisdiction() -> None:
    metadata = parse_metadata(VALID)
    assert metadata.jurisdiction == "US"
    assert metadata.kind is RightKind.PATENT
    assert metadata.expiry_timestamp() == int(dt.datetime(2039, 3, 1, 23, 59, 59, tzinfo=dt.UTC).timestamp())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"jurisdiction": "XX"}, "jurisdiction"),
        ({"jurisdiction": "USA"}, "jurisdiction"),
        ({"kind": "invention"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "bad\x00title"}, "control characters"),
        ({"number": None}, "official number"),
        ({"number": "not a number"}, "not a number"),
        ({"grant_date": "2018-01-01"}, "is after"),
        ({"expiry_date": "2150-01-01"}, "2100"),
        ({"filing_date": "2019-02-30"}, "filing_date"),
        ({"abstract": "x" * 2_001}, "abstract"),
        ({"nice_classes": [46]}, "Nice class 46"),
        ({"confidential": ["number"]}, "cannot be kept confidential"),
        ({"inventors": [""]}, "inventor"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_invalid_metadata_raises_metadata_error(change: dict[str, Any], message: str) -> None:
    with pytest.raises(MetadataError, match=message):
        parse_metadata({**VALID, **change})


@pytest.mark.parametrize(
    ("office", "kind", "number"),
    [
        ("EP", "patent", "EP 3456789 B1"),
        ("WO", "trade_secret", None),  # a WO number is a family link, never a right's own: only know-how is "WO"
        ("EM", "trade_secret", None),  # no numbering rules for the EUIPO: only know-how, under the owner's reference
    ],
)
def test_regional_offices_are_jurisdictions(office: str, kind: str, number: str | None) -> None:
    metadata = parse_metadata({**VALID, "jurisdiction": office.lower(), "kind": kind, "number": number})
    assert metadata.jurisdiction == office


def test_a_wo_number_is_refused_as_a_rights_own_number() -> None:
    with pytest.raises(MetadataError, match="shared by every national phase of the family"):
        parse_metadata({**VALID, "jurisdiction": "wo", "kind": "patent_application", "number": "WO 2021/123456 A1"})


def test_the_number_is_canonical_and_names_the_jurisdiction_when_none_is_given() -> None:
    metadata = parse_metadata({**VALID, "jurisdiction": None, "number": "ZL 2020 1 0123456.2"})
    assert (metadata.jurisdiction, metadata.number) == ("CN", "CN 202010123456.2")
    assert parse_metadata(VALID).number == "US 11234567"


def test_the_kind_is_not_part_of_the_right_id() -> None:
    """v1 hashed the kind into the id: the same right as an application and as a patent was two tokens."""
    content = b"\x01" * 32
    granted = parse_metadata({**VALID, "kind": "patent", "jurisdiction": "EP", "number": "EP 3 456 789 B1"})
    applied = parse_metadata({**VALID, "kind": "patent_application", "jurisdiction": "EP", "number": "EP 3456789 A1"})
    assert granted.right_id(content) == applied.right_id(content) == right_id("EP 3456789")
    assert granted.right_id(b"\x02" * 32) == granted.right_id(content)  # the id does not depend on the documents


def test_trade_secret_needs_no_number_and_gets_a_content_derived_identifier() -> None:
    secret = IPMetadata(title="Curing recipe", kind="trade_secret", jurisdiction="CN")
    first, second = secret.right_id(b"\x01" * 32), secret.right_id(b"\x02" * 32)
    assert first != second


def test_metadata_hash_is_stable_and_sensitive() -> None:
    metadata = parse_metadata(VALID)
    assert metadata.metadata_hash() == parse_metadata(dict(VALID)).metadata_hash()
    assert metadata.metadata_hash() != parse_metadata({**VALID, "title": "Other"}).metadata_hash()


def test_oversized_metadata_is_refused() -> None:
    """The public record is paid for byte by byte on chain: at most 8 KiB."""
    with pytest.raises(MetadataError, match=r"public record would be .* bytes, more than 8192"):
        parse_metadata({**VALID, "inventors": [f"Inventor {index:04d} " + "x" * 180 for index in range(60)]})


@pytest.mark.parametrize(
    "spelling",
    [
        "0xa0000000000000000000000000000000000001C3",  # found by hypothesis: mixed case with a wrong checksum
        "0x70997970c51812DC3a010C7d01b50e0d17dc79C8",
        "0x7099797",
        "0X70997970C51812DC3A010C7D01B50E0D17DC79C8",
    ],
)
def test_an_order_address_with_a_wrong_checksum_or_shape_is_refused(spelling: str) -> None:
    with pytest.raises(ValidationError, match="not an address"):
        TypeAdapter(Address).validate_python(spelling)


def test_an_order_address_in_one_case_is_checksummed() -> None:
    lower = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
    assert TypeAdapter(Address).validate_python(lower) == "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
