"""Voucher files (``SignedVoucher``, ipledger.voucher.v1): a voucher saved and loaded is the very struct the registrar
signed, a file that is malformed or was edited is refused in one line naming the field, and the chain's view of a
voucher (``check_voucher``) follows it from valid to used, cancelled, spent, expired or waiting."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from cn_support import chinese_bundle, cn_invention
from ipledger import (
    ChainMismatchError,
    DocumentError,
    InvalidInputError,
    IPMetadata,
    Ledger,
    Registration,
    SignedVoucher,
    Voucher,
    dev_account,
)
from rpc_proxy import chain_id_proxy

Patent = tuple[IPMetadata, list[Path]]
_cn_serials = itertools.count(4_200_000)


def _signed(ledger: Ledger, patent: Patent, to: str = "dev3", **options: Any) -> tuple[Voucher, SignedVoucher]:
    voucher = ledger.rights.sign_voucher(ledger.rights.prepare(*patent), to=to, **options)
    return voucher, ledger.rights.signed_voucher(voucher)


def _data(signed: SignedVoucher) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(signed.to_json())
    return data


def test_a_saved_voucher_loads_as_the_struct_the_registrar_signed(
    ledger: Ledger, patent: Patent, tmp_path: Path
) -> None:
    voucher, signed = _signed(ledger, patent)
    path = signed.save(tmp_path / "voucher.json")
    loaded = SignedVoucher.load(path)
    assert loaded == signed
    again = loaded.to_voucher()
    assert isinstance(again.request, Registration)
    assert again.as_tuple() == voucher.as_tuple()
    assert again.signature == voucher.signature
    assert loaded.signer == ledger.signer.address
    assert (loaded.chain_id, loaded.registry) == (ledger.chain_id, ledger.contracts.registry_address)
    metadata, _ = patent
    assert loaded.title == metadata.title
    assert loaded.numbers == (metadata.official_numbers(voucher.request.content_hash)[0].canonical,)
    assert loaded.token == voucher.registration.right_id
    assert loaded.valid_until == dt.datetime.fromtimestamp(voucher.deadline, dt.UTC)
    assert _data(loaded)["nonce"] == str(voucher.nonce)  # a uint256: a decimal string in JSON

    result = ledger.use("dev8").rights.register_with_voucher(loaded)
    assert result.owner == ledger.address_of("dev3")
    assert result.numbers == list(loaded.numbers)
    assert ledger.get(result.token_id).registrar == ledger.signer.address


def test_a_chinese_application_with_sealed_title_and_unpublished_number_round_trips(
    ledger: Ledger, tmp_path: Path
) -> None:
    application, _, _ = cn_invention(next(_cn_serials))
    title = "一种固态电池电极及其制备方法"
    metadata = IPMetadata(
        title=title,
        kind="patent_application",
        jurisdiction="CN",
        number=application,
        inventors=("李伟", "张敏"),
        expiry_date="2040-02-14",
        confidential=("title", "inventors"),
    )
    request = ledger.rights.prepare(metadata, chinese_bundle(tmp_path / "申请", "voucher"), unpublished=True)
    voucher = ledger.rights.sign_voucher(request, to="dev3")
    text = ledger.rights.signed_voucher(voucher).to_json()
    assert title not in text and "李伟" not in text
    loaded = SignedVoucher.parse(text)
    assert loaded.title is None
    assert loaded.numbers[0].startswith("CN unpublished application 0x")
    assert loaded.to_voucher().as_tuple() == voucher.as_tuple()
    result = ledger.use("dev3").rights.register_with_voucher(loaded)
    assert result.token_id == request.right_id
    assert result.unpublished_salt is None  # the salt stays with the registrar
    assert ledger.get(result.token_id).owner == ledger.address_of("dev3")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"registration": {"content_hash": "0x1234"}}, "field 'registration.content_hash': 2 bytes; expected 32"),
        ({"registration": {"content_hash": "1234"}}, "field 'registration.content_hash': '1234' is not hex"),
        ({"registration": {"record": "0x123"}}, "field 'registration.record'"),
        ({"registration": {"numbers": ["0x12", "0xzz"]}}, "field 'registration.numbers[0]'"),
        ({"registration": {"numbers": []}}, "field 'registration.numbers'"),
        ({"registration": {"kind": "invention"}}, "field 'registration.kind'"),
        ({"registration": {"expiry": 2**40}}, "field 'registration.expiry'"),
        ({"signature": "0x" + "ab" * 64}, "field 'signature': 64 bytes; expected 65"),
        ({"signature": "0x" + "00" * 65}, "field 'signature': not a valid signature"),
        ({"to": "0x1234"}, "field 'to'"),
        ({"nonce": -1}, "field 'nonce'"),
        ({"format": "ipledger.voucher.v2"}, "field 'format'"),
        ({"comment": "hi"}, "not a voucher file: field 'comment'"),
        ({"title": "Another title"}, "field 'title': 'Another title' is not what the signed fields say"),
        ({"numbers": ["US 1 B1"]}, "field 'numbers'"),
        ({"token_id": "0x01"}, "field 'token_id'"),
        ({"valid_until": "2030-01-01T00:00:00Z"}, "field 'valid_until'"),
    ],
)
def test_a_malformed_or_edited_file_is_refused_naming_the_field(
    ledger: Ledger, patent: Patent, change: dict[str, Any], field: str
) -> None:
    _, signed = _signed(ledger, patent)
    data = _data(signed)
    for key, value in change.items():
        data[key] = {**data[key], **value} if isinstance(value, dict) else value
    with pytest.raises(InvalidInputError) as caught:
        SignedVoucher.parse(json.dumps(data), source="v.json")
    message = str(caught.value)
    assert message.startswith("v.json: ")
    assert field in message, message
    assert "\n" not in message


def test_an_edited_signed_field_recovers_to_another_signer(ledger: Ledger, patent: Patent) -> None:
    _, signed = _signed(ledger, patent)
    data = {**_data(signed), "to": ledger.address_of("dev9")}
    with pytest.raises(InvalidInputError, match=r"field 'signer': the signature recovers to 0x[0-9a-fA-F]{40}, not to"):
        SignedVoucher.parse(json.dumps(data))
    data = {**_data(signed), "chain_id": 1}
    with pytest.raises(InvalidInputError, match="field 'signer'"):
        SignedVoucher.parse(json.dumps(data))


def test_files_that_are_no_voucher_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        SignedVoucher.parse("{")
    with pytest.raises(InvalidInputError, match="expected a JSON object"):
        SignedVoucher.parse("[]")
    with pytest.raises(InvalidInputError, match="not a voucher file: field 'chain_id': missing"):
        SignedVoucher.parse(json.dumps({"format": "ipledger.voucher.v1"}))
    with pytest.raises(DocumentError, match="no such file"):
        SignedVoucher.load(tmp_path / "missing.json")


def test_check_follows_a_voucher_from_valid_to_used(ledger: Ledger, patent: Patent) -> None:
    _, signed = _signed(ledger, patent, to="dev6")
    before = ledger.rights.check_voucher(signed)
    assert (before.state, before.signer, before.signer_is_registrar) == ("valid", ledger.signer.address, True)
    assert before.current_nonce == before.nonce == signed.nonce
    assert not before.registered
    result = ledger.use("dev7").rights.register_with_voucher(signed)
    after = ledger.rights.check_voucher(signed)
    assert (after.state, after.used_tx, after.submitted_by) == ("used", result.tx_hash, ledger.address_of("dev7"))
    assert (after.registered, after.owner, after.current_nonce) == (True, ledger.address_of("dev6"), signed.nonce + 1)


def test_check_names_the_cancellation_and_a_nonce_spent_elsewhere(
    ledger: Ledger, patent: Patent, tmp_path: Path
) -> None:
    voucher, signed = _signed(ledger, patent, to="dev5")
    cancelled = ledger.rights.cancel_voucher("dev5")
    assert (cancelled.recipient, cancelled.nonce, cancelled.registrar) == (
        ledger.address_of("dev5"),
        voucher.nonce,
        ledger.signer.address,
    )
    check = ledger.rights.check_voucher(signed)
    assert (check.state, check.cancelled_tx, check.cancelled_by) == (
        "cancelled",
        cancelled.tx_hash,
        cancelled.registrar,
    )

    # Two vouchers with one nonce: the first submitted spends it for the other.
    other = tmp_path / "other.txt"
    other.write_text("another right of dev5\n", "utf-8")
    metadata = patent[0].model_copy(update={"number": f"US {next(_cn_serials) + 5_000_000:,} B2"})
    first = ledger.rights.sign_voucher(ledger.rights.prepare(*patent), to="dev5")
    second = ledger.rights.sign_voucher(ledger.rights.prepare(metadata, [other]), to="dev5")
    assert first.nonce == second.nonce
    ledger.use("dev5").rights.register_with_voucher(first)
    assert ledger.rights.check_voucher(second).state == "spent"


def test_check_tells_waiting_expired_and_a_stranger_signer(ledger: Ledger, patent: Patent) -> None:
    request = ledger.rights.prepare(*patent)
    current = ledger.rights.voucher_nonce("dev4")
    assert ledger.rights.check_voucher(ledger.rights.sign_voucher(request, to="dev4", nonce=current + 1)).state == (
        "waiting"
    )
    expired = ledger.rights.sign_voucher(request, to="dev4", valid_for=dt.timedelta(seconds=-60))
    check = ledger.rights.check_voucher(expired)
    assert (check.state, check.expired) == ("expired", True)
    forged = ledger.use("dev9").rights.sign_voucher(request, to="dev4")
    check = ledger.rights.check_voucher(forged)
    assert (check.state, check.signer, check.signer_is_registrar) == ("not_registrar", dev_account(9).address, False)
    tampered = dataclasses.replace(ledger.rights.sign_voucher(request, to="dev4"), to=ledger.address_of("dev9"))
    assert ledger.rights.check_voucher(tampered).state == "not_registrar"


def test_a_file_for_another_registry_or_chain_is_refused_before_sending(ledger: Ledger, patent: Patent) -> None:
    _, signed = _signed(ledger, patent)
    other = Ledger.connect(ledger.chain.rpc_url, account="dev0")
    other.deploy()
    with pytest.raises(InvalidInputError, match="field 'registry': the voucher is for the registry"):
        other.use("dev3").rights.register_with_voucher(signed)
    request = ledger.rights.prepare(*patent)
    with chain_id_proxy(ledger.chain.rpc_url, reported=5) as (url, _):
        chain_5 = Ledger.connect(url, registry=ledger.contracts.registry_address, account=dev_account(0), chain_id=5)
        foreign = chain_5.rights.signed_voucher(chain_5.rights.sign_voucher(request, to="dev3"))
    assert foreign.chain_id == 5
    head = ledger.chain.head()
    with pytest.raises(ChainMismatchError) as caught:
        ledger.use("dev3").rights.register_with_voucher(foreign)
    assert (caught.value.expected, caught.value.reported) == (5, ledger.chain_id)
    assert "the voucher's chain_id" in str(caught.value)
    assert ledger.chain.head() == head
