"""The public record on a real anvil node: read back with nothing but the event ABI, confidential fields sealed and
opened, lookup by every number, renamed documents, revoked and re-registered rights, GBK bulk files.

The Chinese patent of issue 14: 一种固态电池电极及其制备方法, inventors 李伟 and 张敏, known by its application number
(``ZL 2020 1 0123456.2`` style), its publication (``CN … A``) and its grant (``CN … B``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cn_support import chinese_bundle, cn_invention
from eth_abi import decode
from ipledger import (
    BulkStatus,
    Document,
    DocumentRole,
    InvalidInputError,
    IPMetadata,
    Ledger,
    NotFoundError,
    RightStatus,
    check_openings,
    parse_metadata,
    prepare_registration,
    read_bulk_file,
    seal,
)
from web3 import Web3

TITLE = "一种固态电池电极及其制备方法"
_serials = itertools.count(random.SystemRandom().randrange(8_100_000, 9_000_000, 10_000))
_REGISTERED = Web3.keccak(text="RightRegistered(uint256,bytes32,address,uint96,uint256[],bytes)")
_PUBLISHED = Web3.keccak(text="MetadataPublished(uint256,address,bytes)")


def _cn_numbers() -> tuple[str, str, str]:
    """A CN invention no test used: application (written with ZL and spaces), publication (A), grant (B)."""
    return cn_invention(next(_serials))


def _patent(number: str, **extra: object) -> IPMetadata:
    return parse_metadata(
        {
            "title": TITLE,
            "kind": "patent",
            "number": number,
            "inventors": ["李伟", "张敏"],
            "assignee": "上海某某新能源科技有限公司",
            "filing_date": "2020-02-28",
            **extra,
        }
    )


@pytest.fixture
def bundle(tmp_path: Path) -> Callable[[str], list[Path]]:
    """Two documents named as a Chinese applicant names them, their content unique to ``tag``."""
    counter = itertools.count()
    return lambda tag: chinese_bundle(tmp_path / f"bundle{next(counter)}", tag)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``$IPLEDGER_HOME`` in the test's folder, so the salt book is the test's own."""
    folder = tmp_path / "home"
    monkeypatch.setenv("IPLEDGER_HOME", str(folder))
    yield folder


def _records_from_chain(ledger: Ledger, token: int) -> list[bytes]:
    """Every public record of ``token``, read with nothing but the registry's event ABI (no SDK decoding)."""
    w3 = Web3(Web3.HTTPProvider(ledger.chain.rpc_url))
    topic = "0x" + token.to_bytes(32, "big").hex()
    records = []
    for event, types in ((_REGISTERED, ["uint96", "uint256[]", "bytes"]), (_PUBLISHED, ["bytes"])):
        for log in w3.eth.get_logs(
            {
                "address": ledger.contracts.registry_address,
                "fromBlock": 0,
                "toBlock": "latest",
                "topics": [event, topic],
            }
        ):
            records.append(((log["blockNumber"], log["logIndex"]), decode(types, log["data"])[-1]))
    return [data for _, data in sorted(records)]


# ------------------------------------------------------------------------------------------------ off chain


def test_record_is_canonical_json_without_file_names(bundle: Callable[[str], list[Path]]) -> None:
    documents = bundle("names")
    request = prepare_registration(_patent(_cn_numbers()[0]), [f"claims={documents[0]}", documents[1]])
    record = json.loads(request.record)
    assert record["title"] == TITLE and record["v"] == 1
    assert request.metadata_hash == hashlib.sha256(request.record).digest()
    assert "权利要求书" not in request.record.decode() and "说明书" not in request.record.decode()
    assert {entry.get("role") for entry in record["documents"]} == {"claims", None}
    renamed = [path.with_name(f"renamed-{index}.pdf") for index, path in enumerate(documents)]
    for source, target in zip(documents, renamed, strict=True):
        shutil.copyfile(source, target)
    again = prepare_registration(request.metadata, [Document(renamed[0], DocumentRole.CLAIMS), renamed[1]])
    assert again.record == request.record and again.content_hash == request.content_hash


def test_sealed_field_is_salted_and_bound_to_its_name(bundle: Callable[[str], list[Path]]) -> None:
    metadata = _patent(_cn_numbers()[0], confidential=["inventors", "filing_date"])
    salts = {"inventors": b"\x01" * 32, "filing_date": b"\x02" * 32}
    request = prepare_registration(metadata, bundle("sealed"), field_salts=salts)
    record = json.loads(request.record)
    assert "inventors" not in record and "filing_date" not in record
    assert record["sealed"]["inventors"] == seal("inventors", ["李伟", "张敏"], salts["inventors"])
    assert record["sealed"]["inventors"] != seal("assignee", ["李伟", "张敏"], salts["inventors"])
    assert record["sealed"]["filing_date"] != hashlib.sha256(b"2020-02-28").hexdigest()
    opened = json.loads(metadata.public_record(salts, {"inventors": salts["inventors"]}))
    assert opened["inventors"] == ["李伟", "张敏"] and check_openings(opened, record["sealed"]) == []
    forged = {**opened, "inventors": ["王五"]}
    assert check_openings(forged, record["sealed"]) == ["inventors"]


# ------------------------------------------------------------------------------------------------ on chain


def test_record_read_back_with_the_event_abi_alone(
    ledger: Ledger, bundle: Callable[[str], list[Path]], home: Path
) -> None:
    application, _, _ = _cn_numbers()
    documents = bundle("abi")
    result = ledger.register(_patent(application), [f"claims={documents[0]}", documents[1]])
    (data,) = _records_from_chain(ledger, result.token_id)
    assert "0x" + hashlib.sha256(data).hexdigest() == result.metadata_hash
    assert json.loads(data)["title"] == TITLE and json.loads(data)["inventors"] == ["李伟", "张敏"]
    record = ledger.get(result.token_id)
    assert record.title == TITLE and record.metadata is not None and record.metadata.assignee
    assert record.metadata_hash == result.metadata_hash


def test_confidential_field_sealed_then_opened(ledger: Ledger, bundle: Callable[[str], list[Path]], home: Path) -> None:
    documents = bundle("confidential")
    metadata = prepare_registration(_patent(_cn_numbers()[0], confidential=["inventors"]), documents).metadata
    result = ledger.register(metadata, documents)
    first = json.loads(_records_from_chain(ledger, result.token_id)[0])
    assert "inventors" not in first and set(first["sealed"]) == {"inventors"}
    assert ledger.get(result.token_id).metadata.inventors == []  # type: ignore[union-attr]
    ledger.rights.publish_metadata(result.token_id, metadata, open_fields=["inventors"])
    latest = json.loads(_records_from_chain(ledger, result.token_id)[-1])
    assert latest["inventors"] == ["李伟", "张敏"] and check_openings(latest, first["sealed"]) == []
    assert ledger.get(result.token_id).metadata.inventors == ["李伟", "张敏"]  # type: ignore[union-attr]
    kinds = [event.kind for event in ledger.history(result.token_id).events]
    assert kinds[-1] == "metadata_updated"


def test_lookup_by_every_number_and_spelling(ledger: Ledger, bundle: Callable[[str], list[Path]], home: Path) -> None:
    application, publication, grant = _cn_numbers()
    result = ledger.register(_patent(application, numbers=[publication, grant]), bundle("lookup"))
    digits = application.removeprefix("ZL ").replace(" ", "")
    full_width = "".join(chr(ord(character) + 0xFEE0) for character in digits)  # as a Chinese input method types
    for spelling in (application, digits, f"ZL{full_width}", publication, grant, grant.replace(" B", "")):
        assert ledger.rights.resolve(spelling) == result.token_id, spelling
        assert ledger.get(spelling).title == TITLE
    with pytest.raises(NotFoundError, match="no right is registered under"):
        ledger.get("EP 3456789")
    with pytest.raises(InvalidInputError, match="not a token id"):
        ledger.get("not a number")


def test_renamed_documents_verify(ledger: Ledger, bundle: Callable[[str], list[Path]], home: Path) -> None:
    documents = bundle("renamed")
    metadata = _patent(_cn_numbers()[0])
    result = ledger.register(metadata, [f"claims={documents[0]}", f"description={documents[1]}"])
    renamed = []
    for path, name in zip(documents, ("claims.pdf", "description.pdf"), strict=True):
        target = path.parent / "copy" / name
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, target)
        renamed.append(target)
    expected = prepare_registration(metadata, [f"claims={renamed[0]}", f"description={renamed[1]}"]).metadata
    report = ledger.verify(result.token_id, documents=renamed, metadata=expected)
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]


def test_revoked_then_registered_again(ledger: Ledger, bundle: Callable[[str], list[Path]], home: Path) -> None:
    application, _, _ = _cn_numbers()
    token = ledger.register(_patent(application), bundle("first life")).token_id
    ledger.rights.revoke(token, hashlib.sha256("court order (2024) 沪73知民初123号".encode()).digest())
    revoked = ledger.get(application)
    assert revoked.status is RightStatus.REVOKED and revoked.title == TITLE
    assert revoked.revoked_by == ledger.signer.address and revoked.revoked_block is not None
    report = ledger.verify(token)
    assert report.verdict == "failed"
    status = next(check for check in report.checks if check.name == "status")
    assert not status.ok and "revoked in block" in status.detail
    again = ledger.register(_patent(application), bundle("second life"))
    assert again.token_id == token
    report = ledger.verify(token)
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]
    assert any("registered again" in notice for notice in report.notices)
    assert [event.kind for event in report.events].count("registered") == 2


# ------------------------------------------------------------------------------------------------ bulk files


def test_gbk_csv_needs_its_encoding(tmp_path: Path) -> None:
    (tmp_path / "权利要求书.pdf").write_text("claims", "utf-8")
    source = tmp_path / "rights.csv"
    source.write_bytes(
        f"title,kind,number,inventors,documents\n{TITLE},patent,{_cn_numbers()[0]},李伟;张敏,claims=权利要求书.pdf\n".encode(
            "gb18030"
        )
    )
    with pytest.raises(InvalidInputError, match="--encoding gb18030"):
        read_bulk_file(source)
    (entry,) = read_bulk_file(source, encoding="gb18030")
    assert entry.metadata.title == TITLE and entry.metadata.inventors == ("李伟", "张敏")  # type: ignore[union-attr]
    assert entry.documents[0].role is DocumentRole.CLAIMS  # type: ignore[union-attr]
    with pytest.raises(InvalidInputError, match="field 'encoding'"):
        read_bulk_file(source, encoding="klingon")


def test_utf8_csv_with_bom(tmp_path: Path) -> None:
    (tmp_path / "说明书.pdf").write_text("description", "utf-8")
    source = tmp_path / "rights.csv"
    row = f"title,kind,number,documents\n{TITLE},patent,{_cn_numbers()[0]},说明书.pdf\n"
    source.write_bytes(b"\xef\xbb\xbf" + row.encode("utf-8"))
    (entry,) = read_bulk_file(source)
    assert entry.metadata.title == TITLE  # type: ignore[union-attr]


def test_bulk_registration_of_a_gbk_file(ledger: Ledger, tmp_path: Path, home: Path) -> None:
    (tmp_path / "权利要求书.pdf").write_text(f"claims {tmp_path}", "utf-8")
    application, _, _ = _cn_numbers()
    source = tmp_path / "rights.csv"
    source.write_bytes(
        f"title,kind,number,documents\n{TITLE},patent,{application},claims=权利要求书.pdf\n".encode("gb18030")
    )
    report = ledger.rights.register_bulk(source, encoding="gb18030")
    assert report.count(BulkStatus.REGISTERED) == 1
    assert ledger.get(application).title == TITLE


# ------------------------------------------------------------------------------------------------ the review's attacks


def test_a_salt_kept_is_never_replaced(ledger: Ledger, bundle: Callable[[str], list[Path]], home: Path) -> None:
    """Preparing the same right again with more confidential fields must not replace the salt that seals the record
    already on chain (its field could never be opened again)."""
    documents = bundle("kept salt")
    application = _cn_numbers()[0]
    registered = ledger.register(_patent(application, confidential=["inventors"]), documents)
    first = json.loads(_records_from_chain(ledger, registered.token_id)[0])
    ledger.rights.prepare(_patent(application, confidential=["assignee", "inventors"]), documents)
    complete = prepare_registration(_patent(application), documents).metadata
    ledger.rights.publish_metadata(registered.token_id, complete, open_fields=["inventors"])
    latest = json.loads(_records_from_chain(ledger, registered.token_id)[-1])
    assert latest["sealed"]["inventors"] == first["sealed"]["inventors"]
    assert check_openings(latest, first["sealed"]) == []
    assert ledger.verify(registered.token_id).verdict == "verified"


def test_a_forged_opening_fails_verification(ledger: Ledger, bundle: Callable[[str], list[Path]], home: Path) -> None:
    """The owner publishes, straight through the contract, inventors he never sealed, with a commitment and a salt
    of his own that agree with each other: only the commitment of the registration can catch it, and verify does."""
    metadata = _patent(_cn_numbers()[0], confidential=["inventors"])
    token = ledger.register(metadata, bundle("forged"), to="dev1").token_id
    forged = metadata.model_copy(update={"inventors": ("王五",)})
    salt = b"\x07" * 32
    record = forged.public_record({"inventors": salt}, {"inventors": salt})
    sent = ledger.contracts.registry.functions.publishMetadata(token, record).transact(
        {"from": ledger.address_of("dev1")}
    )
    ledger.chain.w3.eth.wait_for_transaction_receipt(sent)  # read only once it is mined: anvil may answer before
    shown = ledger.get(token)
    assert shown.record_problems and "does not match its commitment" in shown.record_problems[0]
    report = ledger.verify(token)
    assert report.verdict == "failed"
    assert [check.name for check in report.checks if not check.ok] == ["public_record"]


def test_opening_keeps_the_documents_and_what_the_chain_sealed(
    ledger: Ledger, bundle: Callable[[str], list[Path]], home: Path
) -> None:
    """A metadata file without a document list and without ``confidential`` opens a field sealed on chain and
    leaves the other sealed fields and the documents as they were."""
    documents = bundle("keep")
    metadata = _patent(_cn_numbers()[0], confidential=["inventors", "assignee"])
    token = ledger.register(metadata, [f"claims={documents[0]}", f"description={documents[1]}"]).token_id
    plain = _patent(metadata.number or "")
    ledger.rights.publish_metadata(token, plain, open_fields=["inventors"])
    latest = json.loads(_records_from_chain(ledger, token)[-1])
    assert latest["inventors"] == ["李伟", "张敏"] and "assignee" not in latest
    assert {entry["role"] for entry in latest["documents"]} == {"claims", "description"}
    report = ledger.verify(token, documents=documents, metadata=plain)
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]
    with pytest.raises(InvalidInputError, match="field 'open': inventors is not sealed"):
        ledger.rights.publish_metadata(token, plain, open_fields=["inventors"])


def test_an_unpublished_application_keeps_its_number_out_of_the_record(
    ledger: Ledger, bundle: Callable[[str], list[Path]], home: Path
) -> None:
    application = _cn_numbers()[0]
    result = ledger.register(_patent(application), bundle("unpublished"), unpublished=True)
    (data,) = _records_from_chain(ledger, result.token_id)
    digits = application.removeprefix("ZL ").replace(" ", "")
    assert digits[:-2] not in data.decode() and json.loads(data)["unpublished"] is True
    assert ledger.verify(result.token_id).verdict == "verified"


def test_a_field_label_not_in_canonical_form_is_not_shown(
    ledger: Ledger, bundle: Callable[[str], list[Path]], home: Path
) -> None:
    """A label granted straight through the contract with a line break says more than the licence covers: the SDK
    shows the field's hash instead."""
    token = ledger.register(_patent(_cn_numbers()[0]), bundle("label"), to="dev1").token_id
    label = "electric vehicles\nALL FIELDS, WORLDWIDE"
    terms = (ledger.address_of("dev2"), b"\x01" * 32, 0, [], Web3.keccak(text=label), 0, 0, False, 0, "0x" + "00" * 20)
    sent = ledger.contracts.licenses.functions.grant(token, terms, label).transact({"from": ledger.address_of("dev1")})
    ledger.chain.w3.eth.wait_for_transaction_receipt(sent)
    (licence,) = ledger.licenses.of(token)
    assert licence.field_of_use is None and licence.field_hash == "0x" + Web3.keccak(text=label).hex()
