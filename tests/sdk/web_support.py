"""The explorer's test world (tests/sdk/web): real rights on the session's anvil, indexed once per session, and the
app over that index.

A Chinese invention of dev1 (its CNIPA application number and publication, a Chinese title) licensed to dev3,
attested by dev4, split into shares (250 sold to dev2, 100 pledged to dev6 under a loan); a US patent of dev1
assigned by deed to an address of its own (``us_holder``: it holds that right alone, however many rights the dev
accounts hold on the session's chain); a US patent of dev1 pledged whole to dev6."""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cn_support import chinese_bundle, cn_invention
from eth_utils.address import to_checksum_address
from fastapi.testclient import TestClient
from ipledger import EventIndex, IPMetadata, Ledger, LicenseTerms
from ipledger.web import create_app
from loan_support import open_loan
from share_support import ONE

_serials = itertools.count(random.SystemRandom().randrange(1_000_000, 8_000_000, 10_000) + 9_000, 10)
_worlds: dict[str, World] = {}


@dataclass(frozen=True)
class World:
    """The rights of the explorer tests and the index file that holds them."""

    index_path: Path
    cn_token: int
    cn_number: str
    cn_publication: str
    cn_title: str
    share_token: str
    share_symbol: str
    #: The block the CN right was split at, and the block dev2 got its 250 shares.
    split_block: int
    sold_block: int
    shares_loan: int
    us_token: int
    us_title: str
    #: The account the US patent was assigned to, holding nothing else.
    us_holder: str
    pledged_token: int
    right_loan: int
    #: US patents of dev3: one frozen, one revoked, one under an open dispute raised by dev5.
    frozen_token: int
    revoked_token: int
    disputed_token: int


def next_serial() -> int:
    """A serial no other explorer test used in this session (official numbers must be unique on the chain)."""
    return next(_serials)


def _documents(folder: Path, tag: str) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for name in ("claims.txt", "description.txt"):
        path = folder / name
        path.write_text(f"{name} of {tag}\n", "utf-8")
        paths.append(path)
    return paths


def us_patent(serial: int, title: str) -> IPMetadata:
    return IPMetadata(
        title=title,
        kind="patent",
        jurisdiction="US",
        number=f"US {serial + 3_000_000:,} B2",
        inventors=("Ana Souza",),
        filing_date="2019-03-01",
        grant_date="2022-06-14",
    )


def explorer_world(ledger: Ledger, folder: Path) -> World:
    """The world of the explorer tests on ``ledger``'s chain, built and indexed once per registry (``investors``
    must have run: dev1-dev3 verified)."""
    known = _worlds.get(ledger.contracts.registry_address)
    if known is not None:
        return known
    serial = next(_serials)
    application, publication, _ = cn_invention(serial)
    title = f"一种用于浏览器检索的固态电池电极 {serial}"
    metadata = IPMetadata(
        title=title,
        kind="patent",
        number=application,
        numbers=(publication,),
        inventors=("李伟", "张敏"),
        assignee="上海某某新能源科技有限公司",
        filing_date="2020-02-12",
    )
    cn = ledger.register(metadata, chinese_bundle(folder / f"cn{serial}", f"web {serial}"), to="dev1").token_id
    owner = ledger.use("dev1")
    terms = {"terms": "licence agreement v1", "start": ledger.chain.chain_time(), "royalty_bps": 0}
    owner.licenses.grant(cn, LicenseTerms.model_validate({**terms, "licensee": ledger.address_of("dev3")}))
    ledger.contracts.grant_role("attestor", "dev4")
    ledger.use("dev4").attestations.attest(cn, "TITLE_VERIFIED", evidence="title search")
    symbol = f"ZL{serial % 10_000}"
    split = owner.shares.fractionalize(cn, "专利份额", symbol, 1_000 * ONE, restricted=False)
    sold = owner.shares.transfer(cn, "dev2", 250 * ONE)
    shares_loan = open_loan(ledger, cn, shares=100 * ONE, lender="dev6")

    us_title = f"Explorer test electrode {serial}"
    us = ledger.register(us_patent(serial, us_title), _documents(folder / f"us{serial}", "us"), to="dev1").token_id
    deed = folder / f"deed{serial}.txt"
    deed.write_text("deed of assignment", "utf-8")
    us_holder = to_checksum_address("0x" + secrets.token_hex(20))
    owner.rights.assign(us, us_holder, deed)
    pledged_metadata = us_patent(serial + 1, f"Pledged explorer electrode {serial}")
    pledged = ledger.register(pledged_metadata, _documents(folder / f"pl{serial}", "pledged"), to="dev1").token_id
    right_loan = open_loan(ledger, pledged, lender="dev6", nonce=1)

    frozen, revoked, disputed = (
        ledger.register(
            us_patent(serial + offset, f"{name} explorer electrode {serial}"),
            _documents(folder / f"{name}{serial}", name),
            to="dev3",
        ).token_id
        for offset, name in ((2, "frozen"), (3, "revoked"), (4, "disputed"))
    )
    ledger.rights.freeze(frozen, b"\x03" * 32)
    ledger.rights.revoke(revoked, b"\x05" * 32)
    bond_token, bond, _, _ = ledger.disputes.settings()
    if bond_token is not None and bond:
        ledger.payments.mint_test_stablecoin("dev5", 10 * bond)
    ledger.use("dev5").disputes.open(disputed, evidence="prior art: US 1,234,567")

    path = folder / "index.sqlite"
    with EventIndex(path) as index:
        index.sync(ledger)
    world = World(
        index_path=path,
        cn_token=cn,
        cn_number=application,
        cn_publication=publication,
        cn_title=title,
        share_token=ledger.shares.token(cn),
        share_symbol=symbol,
        split_block=int(split.block),
        sold_block=int(sold.block),
        shares_loan=shares_loan,
        us_token=us,
        us_title=us_title,
        us_holder=us_holder,
        pledged_token=pledged,
        right_loan=right_loan,
        frozen_token=frozen,
        revoked_token=revoked,
        disputed_token=disputed,
    )
    _worlds[ledger.contracts.registry_address] = world
    return world


@contextmanager
def explorer_client(index: Path, ledger: Ledger | None, **options: Any) -> Iterator[TestClient]:
    """A test client of the explorer over ``index`` (its lifespan, hence its sync thread, runs inside)."""
    with TestClient(create_app(index, ledger, **options)) as client:
        yield client


def index_checksum(path: Path) -> str:
    """The SHA-256 of the index's rows (every table, in order): equal before and after a read."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        for line in connection.iterdump():
            digest.update(line.encode())
        return digest.hexdigest()
    finally:
        connection.close()


def head_hash(ledger: Ledger) -> str:
    return "0x" + bytes(ledger.chain.w3.eth.get_block("latest")["hash"]).hex()


def openapi_response_model(client: TestClient, path: str) -> str:
    """The name of the schema the OpenAPI document gives as ``path``'s 200 JSON answer."""
    spec = client.get("/openapi.json").json()
    schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    return str(json.dumps(schema)).split("#/components/schemas/")[1].split('"')[0]


def openapi_response_schema(spec: dict[str, Any], path: str) -> dict[str, Any]:
    """The schema the OpenAPI document ``spec`` gives as ``path``'s 200 JSON answer (its refs point into ``spec``)."""
    schema: dict[str, Any] = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    return schema


def from_json_document(data: Any) -> Any:
    """An API answer back to its model's fields, the inverse of ``ipledger.json_document``: each 0x ``token_id``
    an integer again, its 0x form as ``token_id_hex``, no ``token_id_dec`` (to validate the answer as the model)."""
    if isinstance(data, list):
        return [from_json_document(item) for item in data]
    if not isinstance(data, dict):
        return data
    fields = {key: from_json_document(item) for key, item in data.items() if key != "token_id_dec"}
    token = fields.get("token_id")
    if isinstance(token, str) and token.startswith("0x"):
        assert data.get("token_id_dec") == str(int(token, 16)), data
        fields.update({"token_id": int(token, 16), "token_id_hex": token})
    return fields
