"""Canonical hashing: the rules in docs/hashing.md, checked against independent computations."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from eth_utils.crypto import keccak
from ipledger import (
    DocumentError,
    InvalidInputError,
    bundle_hash,
    canonical_json,
    hash_file,
    parse_number,
    right_id,
)


@pytest.mark.parametrize(
    ("number", "jurisdiction", "expected"),
    [
        ("US 11,234,567 B2", "US", "US 11234567"),
        ("11234567 b2", "US", "US 11234567"),
        ("EP 3 456 789 A1", "EP", "EP 3456789"),
        ("ZL 2020 1 0123456.2", "CN", "CN 202010123456.2"),
        ("PCT/US2020/012345", "WO", "PCT/US2020/012345"),
        ("特願2020-123456", "JP", "JP 特願2020-123456"),
    ],
)
def test_parse_number_removes_noise_kind_codes_and_the_office_prefix(
    number: str, jurisdiction: str, expected: str
) -> None:
    assert parse_number(number, jurisdiction).canonical == expected
    assert parse_number(expected, jurisdiction).canonical == expected  # idempotent


@pytest.mark.parametrize("number", ["", "   ", "US", "ABC", "12<script>", "\uff21\uff22\uff23"])
def test_parse_number_rejects_non_numbers(number: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_number(number, "US")


def test_right_id_is_keccak_of_the_domain_hash_and_the_packed_number() -> None:
    number = parse_number("US 11,234,567 B2")
    domain = keccak(b"ipledger.right.v2")
    expected = int.from_bytes(keccak(domain + number.packed.to_bytes(32, "big")), "big")
    assert right_id("US 11,234,567 B2") == expected
    assert right_id("11234567B2", "US") == expected
    assert number.key == expected


def test_right_id_differs_by_office_and_number_but_not_by_kind_code() -> None:
    base = right_id("1234567", "US")
    assert right_id("US 1234567 B1") == base  # a kind code is a publication stage, not part of the right
    assert right_id("1234567", "EP") != base
    assert right_id("1234568", "US") != base


def test_the_right_id_does_not_depend_on_the_case_of_the_office_or_the_number() -> None:
    """Found by hypothesis (v1): right_id("PATENT", "us", "0") committed to "PATENT:us:US0", another token."""
    assert parse_number("us 1", "us").canonical == "US 1"
    assert right_id("us 1 b1", "us") == right_id("US 1", "US")


def test_bundle_hash_ignores_order_and_repetition() -> None:
    first, second = hashlib.sha256(b"a").digest(), hashlib.sha256(b"b").digest()
    expected = hashlib.sha256(b"ipledger.bundle.v1\n" + b"".join(sorted([first, second]))).digest()
    assert bundle_hash([first, second]) == expected
    assert bundle_hash([second, first, second]) == expected


def test_bundle_hash_changes_with_any_document() -> None:
    first, second = hashlib.sha256(b"a").digest(), hashlib.sha256(b"b").digest()
    assert bundle_hash([first]) != bundle_hash([first, second])


def test_bundle_hash_rejects_empty_and_short_digests() -> None:
    with pytest.raises(InvalidInputError):
        bundle_hash([])
    with pytest.raises(InvalidInputError):
        bundle_hash([b"short"])


def test_hash_file_matches_hashlib_on_large_file(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    payload = bytes(range(256)) * 20_000
    path.write_bytes(payload)
    assert hash_file(path) == hashlib.sha256(payload).digest()


def test_hash_file_missing_and_directory_raise_document_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        hash_file(tmp_path / "missing.pdf")
    with pytest.raises(DocumentError, match="directory"):
        hash_file(tmp_path)


def test_canonical_json_sorts_keys_drops_null_members_and_keeps_unicode() -> None:
    document = {"b": 1, "a": {"z": None, "y": "专利"}, "c": [None, 2]}
    assert canonical_json(document) == '{"a":{"y":"专利"},"b":1,"c":[null,2]}'.encode()
