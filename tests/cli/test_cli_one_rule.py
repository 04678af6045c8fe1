"""The CLI keeps the SDK's one rule for evidence and its one role table: no rule or table of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from ipledger import ROLES, evidence_hash
from ipledger.cli._inputs import evidence
from ipledger.cli._options import Role


@pytest.mark.parametrize("text", ["court order 12", "  court order 12 ", "第 12 号判决书", "0x" + "ab" * 32])
def test_a_reason_is_hashed_as_the_sdk_hashes_text(text: str) -> None:
    given = evidence(None, text, file_option="--order", text_option="--reason")
    assert given.digest == evidence_hash(text)


def test_an_order_file_is_hashed_as_the_sdk_hashes_a_path(tmp_path: Path) -> None:
    order = tmp_path / "court order 12.pdf"
    order.write_bytes(b"%PDF scanned order")
    assert evidence(str(order), None, file_option="--order").digest == evidence_hash(order)
    # A 0x SHA-256 that names no file is the hash itself, as the SDK takes such a string.
    raw = "0x" + "cd" * 32
    assert evidence(raw, None, file_option="--order").digest == evidence_hash(raw)


def test_the_roles_grant_role_offers_are_the_role_table_s() -> None:
    assert {role.sdk_name for role in Role} == set(ROLES)
