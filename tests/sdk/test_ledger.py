"""The ledger's own surface: the connection, the sub-clients and the everyday verbs; every name of the one-class
ledger says where it went; evidence follows one rule by type."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from ipledger import IPMetadata, Ledger, SubClient, hash_file
from ipledger._renames import MOVED, RETYPED

Patent = tuple[IPMetadata, list[Path]]

SUB_CLIENTS = (
    "rights",
    "shares",
    "compliance",
    "market",
    "payments",
    "licenses",
    "attestations",
    "disputes",
    "royalties",
    "loans",
    "audit",
    "contracts",
)


def _public(ledger: Ledger) -> set[str]:
    return {name for name in dir(ledger) if not name.startswith("_")}


def test_the_ledger_holds_at_most_thirty_public_names(ledger: Ledger) -> None:
    names = _public(ledger)
    assert len(names) <= 30, sorted(names)
    assert {"connect", "local", "use", "chain", "register", "get", "history", "verify"} <= names
    for name in SUB_CLIENTS:
        assert isinstance(getattr(ledger, name), SubClient), name


def test_every_sub_client_is_one_concern_of_its_own_module() -> None:
    modules = {type_.__module__ for type_ in SubClient.__subclasses__()}
    assert len(modules) == len(SubClient.__subclasses__()), "two sub-clients share a module"


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_name_says_where_it_went(ledger: Ledger, old: str) -> None:
    with pytest.raises(AttributeError, match=rf"Ledger\.{old} moved to ledger\.{MOVED[old]}\b"):
        getattr(ledger, old)
    owner: object = ledger
    *path, last = MOVED[old].split(".")
    for step in path:
        owner = getattr(owner, step)
    assert hasattr(type(owner), last) or last in vars(owner), f"ledger.{MOVED[old]} does not exist"


@pytest.mark.parametrize("name", sorted(RETYPED))
def test_a_name_that_was_a_contract_names_the_contract_s_new_place(ledger: Ledger, name: str) -> None:
    client = getattr(ledger, name)
    with pytest.raises(AttributeError, match=rf"ledger\.{RETYPED[name]}\b"):
        _ = client.functions
    contract = getattr(ledger.contracts, name)
    assert contract.address == getattr(ledger.deployment, name)


def test_a_misspelt_name_is_an_ordinary_attribute_error(ledger: Ledger) -> None:
    with pytest.raises(AttributeError, match="has no attribute 'regster'"):
        _ = ledger.regster  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match="has no attribute 'grnt'"):
        _ = ledger.licenses.grnt  # type: ignore[attr-defined]


def test_the_shortcuts_are_the_sub_clients_verbs(ledger: Ledger) -> None:
    assert ledger.register == ledger.rights.register
    assert ledger.get == ledger.rights.get
    assert ledger.history == ledger.audit.history
    assert ledger.verify == ledger.audit.verify


def test_evidence_is_hashed_by_its_type(ledger: Ledger, patent: Patent, tmp_path: Path) -> None:
    """Text is hashed as UTF-8 text (not taken as a file name), a Path as a file, 32 bytes as the hash itself: the
    same rule for a registrar's order as for a compliance officer's reason."""
    metadata, documents = patent
    token = ledger.register(metadata, documents).token_id
    order_file = tmp_path / "court order 12"
    order_file.write_bytes(b"%PDF scanned order")
    raw = hashlib.sha256(b"raw").digest()
    ledger.rights.freeze(token, "court order 12")
    ledger.rights.unfreeze(token, order_file)
    ledger.rights.freeze(token, raw)
    ledger.rights.unfreeze(token, "0x" + raw.hex())
    events = [event for event in ledger.history(token).events if event.kind in ("frozen", "unfrozen")]
    assert [event.order_hash for event in events] == [
        "0x" + hashlib.sha256(b"court order 12").hexdigest(),
        "0x" + hash_file(order_file).hex(),
        "0x" + raw.hex(),
        "0x" + raw.hex(),
    ]


@pytest.mark.parametrize("document", ["README.md", "CHANGELOG.md"])
def test_the_rename_table_lists_every_move(document: str) -> None:
    text = (Path(__file__).parents[2] / document).read_text("utf-8")
    table = text.split("<!-- renames:start -->")[1].split("<!-- renames:end -->")[0]
    rows = {line.split("|")[1].strip().split()[0].strip("`") for line in table.splitlines() if line.startswith("| `")}
    assert rows == {f"ledger.{name}" for name in {*MOVED, *RETYPED}}


def test_the_audit_sub_client_opens_the_index_and_writes_reports(
    ledger: Ledger, patent: Patent, tmp_path: Path
) -> None:
    metadata, documents = patent
    token = ledger.register(metadata, documents).token_id
    index = ledger.audit.index(home=tmp_path)
    index.sync(ledger.chain)
    assert ledger.audit.index_refusal(index) is None
    assert ledger.history(token, index=index).events == ledger.history(token).events
    report = ledger.audit.report(token=metadata.number)
    assert (report.scope, [right.token_id for right in report.rights]) == ("token", [token])
    assert report.rights[0].verdict == "verified"


def test_the_docs_use_no_name_of_the_one_class_ledger() -> None:
    """Outside the rename table, README, CHANGELOG and docs/ call every method where it lives now."""
    root = Path(__file__).parents[2]
    names = "|".join(sorted(MOVED, key=len, reverse=True))
    old = re.compile(rf"\b(?:Ledger|ledger)(?:\.use\([^)]*\))?\.({names})\b(?!\.)")
    found = []
    for path in [root / "README.md", root / "CHANGELOG.md", *sorted((root / "docs").glob("*.md"))]:
        text = path.read_text("utf-8")
        text = re.sub(r"<!-- renames:start -->.*?<!-- renames:end -->", "", text, flags=re.S)
        found += [f"{path.name}: {match.group(0)}" for match in old.finditer(text)]
    assert found == []
