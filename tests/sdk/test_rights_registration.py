"""Registration through the SDK on a real anvil node: three paths, duplicates refused before sending."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from ipledger import (
    ContractRevertError,
    DuplicateRightError,
    InvalidInputError,
    IPMetadata,
    Ledger,
    RightStatus,
    UnauthorizedError,
)

#: End-to-end flows: also run on anvil with a block a second (make test-nodes).
pytestmark = pytest.mark.flow

Patent = tuple[IPMetadata, list[Path]]


def _nonce(ledger: Ledger) -> int:
    return int(ledger.chain.w3.eth.get_transaction_count(ledger.signer.address))


def test_register_mints_to_recipient_with_record(ledger: Ledger, patent: Patent) -> None:
    metadata, documents = patent
    result = ledger.register(metadata, documents, to="dev1")
    record = ledger.get(result.token_id)
    assert result.token_id == metadata.right_id(bytes.fromhex(result.content_hash[2:]))
    assert record.owner == ledger.address_of("dev1") == result.owner
    assert record.kind.value == "patent"
    assert record.jurisdiction == "US"
    assert record.status is RightStatus.ACTIVE
    assert not record.self_declared
    assert record.registrar == ledger.signer.address
    assert record.content_hash == result.content_hash
    assert record.metadata_hash == result.metadata_hash
    assert record.title == metadata.title
    assert record.expiry == dt.datetime(2039, 3, 1, 23, 59, 59, tzinfo=dt.UTC)


@pytest.mark.parametrize("spelling", ["same", "other kind code", "full-width"])
def test_register_duplicate_right_is_refused_before_any_transaction(
    ledger: Ledger, patent: Patent, tmp_path: Path, spelling: str
) -> None:
    metadata, documents = patent
    first = ledger.register(metadata, documents)
    other = tmp_path / "other.txt"
    other.write_text("another bundle for the same official number")
    assert metadata.number is not None
    number = {
        "same": metadata.number,
        "other kind code": metadata.number.replace("US ", "us") + " B1",
        "full-width": "".join(chr(ord(char) + 0xFEE0) if char != " " else "\u3000" for char in metadata.number),
    }[spelling]
    again = metadata.model_copy(update={"number": number})
    nonce = _nonce(ledger)
    with pytest.raises(DuplicateRightError) as caught:
        ledger.register(again, [other])
    assert caught.value.error_name == "RightAlreadyRegistered"
    assert caught.value.existing_token_id == first.token_id
    assert _nonce(ledger) == nonce


def test_register_duplicate_content_names_existing_token(ledger: Ledger, patent: Patent) -> None:
    metadata, documents = patent
    first = ledger.register(metadata, documents)
    renumbered = metadata.model_copy(update={"number": metadata.number + "9"})
    with pytest.raises(DuplicateRightError) as caught:
        ledger.register(renumbered, documents)
    assert caught.value.error_name == "ContentAlreadyRegistered"
    assert caught.value.existing_token_id == first.token_id


def test_register_by_non_registrar_decodes_access_control_error(ledger: Ledger, patent: Patent) -> None:
    metadata, documents = patent
    stranger = ledger.use("dev7")
    with pytest.raises(UnauthorizedError) as caught:
        stranger.register(metadata, documents)
    assert caught.value.error_name == "AccessControlUnauthorizedAccount"
    assert caught.value.error_args["account"] == stranger.signer.address


def test_register_without_documents_is_invalid_input(ledger: Ledger, patent: Patent) -> None:
    metadata, _ = patent
    with pytest.raises(InvalidInputError, match="at least one document"):
        ledger.register(metadata, [])


def test_voucher_submitted_by_anyone_mints_to_its_recipient(ledger: Ledger, patent: Patent) -> None:
    metadata, documents = patent
    voucher = ledger.rights.sign_voucher(ledger.rights.prepare(metadata, documents), to="dev3")
    result = ledger.use("dev8").rights.register_with_voucher(voucher)
    assert ledger.get(result.token_id).owner == ledger.address_of("dev3")
    assert ledger.get(result.token_id).registrar == ledger.signer.address


def test_voucher_replay_is_refused(ledger: Ledger, patent: Patent) -> None:
    metadata, documents = patent
    voucher = ledger.rights.sign_voucher(ledger.rights.prepare(metadata, documents), to="dev3")
    ledger.use("dev3").rights.register_with_voucher(voucher)
    with pytest.raises(ContractRevertError) as caught:
        ledger.use("dev3").rights.register_with_voucher(voucher)
    assert caught.value.error_name == "InvalidAccountNonce"
    assert caught.value.error_args == {"account": ledger.address_of("dev3"), "currentNonce": voucher.nonce + 1}


def test_voucher_signed_by_non_registrar_is_refused(ledger: Ledger, patent: Patent) -> None:
    metadata, documents = patent
    forged = ledger.use("dev6").rights.sign_voucher(ledger.rights.prepare(metadata, documents), to="dev6")
    with pytest.raises(ContractRevertError) as caught:
        ledger.use("dev6").rights.register_with_voucher(forged)
    assert caught.value.error_name == "InvalidVoucherSigner"
    assert caught.value.error_args["signer"] == ledger.address_of("dev6")


def test_voucher_with_tampered_recipient_is_refused(ledger: Ledger, patent: Patent) -> None:
    metadata, documents = patent
    voucher = ledger.rights.sign_voucher(ledger.rights.prepare(metadata, documents), to="dev3")
    tampered = dataclasses.replace(voucher, to=ledger.address_of("dev9"))
    with pytest.raises(ContractRevertError) as caught:
        ledger.use("dev9").rights.register_with_voucher(tampered)
    assert caught.value.error_name == "InvalidVoucherSigner"


def test_expired_voucher_is_refused(ledger: Ledger, patent: Patent) -> None:
    metadata, documents = patent
    voucher = ledger.rights.sign_voucher(
        ledger.rights.prepare(metadata, documents), to="dev3", valid_for=dt.timedelta(seconds=-60)
    )
    with pytest.raises(ContractRevertError) as caught:
        ledger.use("dev3").rights.register_with_voucher(voucher)
    assert caught.value.error_name == "VoucherExpired"
    assert caught.value.error_args["deadline"] == voucher.deadline


def test_claim_by_commit_reveal_is_self_declared(ledger: Ledger, patent: Patent) -> None:
    metadata, documents = patent
    claimant = ledger.use("dev5")
    result = claimant.rights.claim(metadata, documents)
    record = ledger.get(result.token_id)
    assert result.self_declared and record.self_declared
    assert record.owner == claimant.signer.address
    assert record.registrar is None


def test_reveal_by_another_account_is_refused(ledger: Ledger, patent: Patent) -> None:
    metadata, documents = patent
    ticket = ledger.use("dev5").rights.commit_claim(ledger.rights.prepare(metadata, documents))
    with pytest.raises(ContractRevertError) as caught:
        ledger.use("dev6").rights.reveal_claim(ticket)
    assert caught.value.error_name == "UnknownCommitment"


def test_registrar_registration_supersedes_a_squatted_claim(ledger: Ledger, patent: Patent, tmp_path: Path) -> None:
    metadata, documents = patent
    squat = tmp_path / "squat.txt"
    squat.write_text("made-up documents for someone else's patent number")
    squatter = ledger.use("dev9")
    claimed = squatter.rights.claim(metadata, [squat])
    result = ledger.register(metadata, documents, to="dev1")
    assert result.token_id == claimed.token_id
    record = ledger.get(result.token_id)
    assert record.owner == ledger.address_of("dev1")
    assert not record.self_declared
    assert record.content_hash == result.content_hash
    events = ledger.history(result.token_id).events
    assert [event.kind for event in events] == ["registered", "claim_superseded"]
    assert events[1].from_ == squatter.signer.address and events[1].by == ledger.signer.address
    report = ledger.verify(result.token_id, documents=documents)
    assert report.verdict == "verified"
    assert any("superseded" in notice for notice in report.notices)
    assert ledger.verify(result.token_id, documents=[squat]).verdict == "failed"
