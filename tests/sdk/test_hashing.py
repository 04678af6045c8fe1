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
    normalize_number,
    official_identifier,
    right_id,
)


@pytest.mark.parametrize(
    ("number", "jurisdiction", "expected"),
    [
        ("US 11,234,567 B2", "US", "11234567B2"),
        ("11234567 b2", "US", "11234567B2"),
        ("EP 3 456 789 A1", "EP", "3456789A1"),
        ("ZL 2019 1 0123456.7", "CN", "ZL2019101234567"),
        ("PCT/US2020/012345", "WO", "PCT/US2020/012345"),
        ("2020-123456", "JP", "2020123456"),
    ],
)
def test_normalize_number_removes_noise_and_jurisdiction_prefix(number: str, jurisdiction: str, expected: str) -> None:
    assert normalize_number(number, jurisdiction) == expected


@pytest.mark.parametrize("number", ["", "   ", "US", "ABC", "12<script>", "\uff11\uff12\uff13"])
def test_normalize_number_rejects_non_numbers(number: str) -> None:
    with pytest.raises(InvalidInputError):
        normalize_number(number, "US")


def test_right_id_is_keccak_of_domain_and_identifier() -> None:
    identifier = official_identifier("patent", "US", "US 11,234,567 B2")
    assert identifier == "patent:US:11234567B2"
    expected = int.from_bytes(keccak(b"ipledger.right.v1\npatent:US:11234567B2"), "big")
    assert right_id("patent", "US", "US 11,234,567 B2") == expected
    assert right_id("patent", "US", "11234567B2") == expected


def test_right_id_differs_by_kind_and_jurisdiction() -> None:
    base = right_id("patent", "US", "1234567")
    assert right_id("trademark", "US", "1234567") != base
    assert right_id("patent", "CA", "1234567") != base


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


def test_the_right_id_does_not_depend_on_the_case_of_kind_or_jurisdiction() -> None:
    """Found by hypothesis: right_id("PATENT", "us", "0") committed to "PATENT:us:US0", another token."""
    assert official_identifier("PATENT", "us", "us 0") == "patent:US:0"
    assert right_id("Patent", "us", "US 0") == right_id("patent", "US", "0")
