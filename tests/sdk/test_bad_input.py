"""Bad input through the SDK: each call raises the one named exception class (the exact class, and the custom
error's name for a decoded revert) before anything is sent: the chain's block number does not move.

Each case is (category, id, call, exception class, error name or None); ``call`` gets the ``Bad`` fixture.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ipledger import (
    AccountError,
    ContractRevertError,
    DocumentError,
    InvalidInputError,
    InvalidSignatureError,
    IPLedgerError,
    IPMetadata,
    Ledger,
    MetadataError,
    NodeUnreachableError,
    OrderError,
    RegistryError,
    SignatureError,
    UnauthorizedError,
    UnknownTokenError,
    dev_account,
    parse_metadata,
    parse_units,
    read_bulk_file,
    right_id,
    start_node,
    stop_node,
)
from ipledger.models._ids import parse_token_id
from rpc_proxy import chain_id_proxy
from share_support import USD, advance_time

# Root reads a file whatever its mode; this regular file opens for root too, and every read of it fails (EIO).
UNREADABLE_AS_ROOT = "/proc/self/mem"

_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"
_BAD_CHECKSUM = "0x70997970c51812DC3a010C7d01b50e0d17dc79C8"
_NO_CODE = "0x000000000000000000000000000000000000dEaD"
_VALID = {"title": "T", "kind": "patent", "jurisdiction": "US", "number": "US 9,876,543 B2"}


@dataclass
class Bad:
    """A token registered to dev1, a licence on it, clients as dev0 (admin) and dev1, files and signed objects."""

    dev0: Ledger
    dev1: Ledger
    token: int
    licence: int
    folder: Path
    other_rpc: str
    fresh: Path
    signed: dict[str, Any]

    @property
    def rpc(self) -> str:
        return self.dev0.chain.rpc_url

    def file(self, name: str, content: str | bytes = b"x") -> Path:
        path = self.folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    def metadata(self) -> IPMetadata:
        return parse_metadata({**_VALID, "number": "US 9,876,544 B2"})


@pytest.fixture(scope="module")
def bad(ledger: Ledger, investors: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bad]:
    folder = tmp_path_factory.mktemp("bad-sdk")
    doc = folder / "claims.txt"
    doc.write_text("claims of the SDK bad-input patent\n", "utf-8")
    metadata = IPMetadata(title="Bad input", kind="patent", jurisdiction="US", number="US 8,800,002 B2")
    token = ledger.register(metadata, [doc], to="dev1").token_id
    deployment = ledger.deployment
    dev1 = Ledger.connect(
        ledger.chain.rpc_url,
        registry=deployment.registry,
        vault=deployment.vault,
        desk=deployment.desk,
        stablecoin=deployment.stablecoin,
        account="dev1",
    )
    terms = {"licensee": "dev2", "terms": "Licence", "start": dt.date(2024, 1, 1), "royalty_bps": 100}
    licence = dev1.licenses.grant(token, {**terms, "payment_token": deployment.stablecoin}).license_id
    fresh = folder / "fresh.txt"
    fresh.write_text("claims nobody registered\n", "utf-8")

    # Vouchers, attestations and orders made unusable, with the SDK itself.
    request = ledger.rights.prepare(parse_metadata({**_VALID, "number": "US 9,876,545 B2"}), [fresh])
    # A node claiming chain 1 (and a caller expecting it): what the SDK signs through it is for chain 1.
    with chain_id_proxy(ledger.chain.rpc_url, reported=1) as (chain_1_url, _):
        other_chain = Ledger.connect(chain_1_url, registry=deployment.registry, account=dev_account(0), chain_id=1)
        voucher_other_chain = other_chain.rights.sign_voucher(request, to="dev2", nonce=0)
        attestation_other_chain = other_chain.attestations.sign(token, "TITLE_VERIFIED", evidence="letter")
    other_registry = Ledger.connect(ledger.chain.rpc_url, account="dev0")
    other_registry.deploy()
    order = dev1.market.create_order("sell", token, price=USD, whole_right=True, approve=False)
    signed = {
        "voucher_expired": ledger.rights.sign_voucher(request, to="dev2", valid_for=dt.timedelta(seconds=-60)),
        "voucher_other_chain": voucher_other_chain,
        "voucher_other_registry": other_registry.rights.sign_voucher(request, to="dev2", nonce=0),
        "attestation_expired": ledger.attestations.sign(
            token, "TITLE_VERIFIED", evidence="letter", valid_for=dt.timedelta(seconds=-60)
        ),
        "attestation_other_chain": attestation_other_chain,
        "order_other_chain": order.model_copy(update={"chain_id": 1}),
        "order_forged": order.model_copy(update={"signature": "0x" + "11" * 65}),
        "order_altered": order.model_copy(update={"order": order.order.model_copy(update={"price": 1})}),
        "order_expired": dev1.market.create_order(
            "sell", token, price=USD, whole_right=True, approve=False, expiry=dev1.chain.chain_time() + 1
        ),
    }
    advance_time(ledger, 60)  # the order (and the expired signatures) are past their deadline on chain
    node = start_node()
    try:
        yield Bad(ledger, dev1, token, licence, folder, node.rpc_url, fresh, signed)
    finally:
        stop_node(node.pid)


Call = Callable[[Bad], object]


def _meta(**fields: object) -> Call:
    return lambda bad: parse_metadata({**_VALID, **fields})


def _connect(**options: Any) -> Call:
    def call(bad: Bad) -> object:
        rpc = options.pop("rpc", bad.rpc)
        return Ledger.connect(rpc, **{key: value(bad) if callable(value) else value for key, value in options.items()})

    return call


CASES: list[tuple[str, str, Call, type[IPLedgerError], str | None]] = [
    # -- addresses
    ("address", "too-short", lambda b: b.dev1.rights.assign(b.token, "0x1234", b"deed"), InvalidInputError, None),
    ("address", "bad-hex", lambda b: b.dev1.rights.assign(b.token, "0x" + "zz" * 20, b"deed"), InvalidInputError, None),
    (
        "address",
        "bad-checksum",
        lambda b: b.dev1.rights.assign(b.token, _BAD_CHECKSUM, b"deed"),
        InvalidInputError,
        None,
    ),
    ("address", "unknown-name", lambda b: b.dev1.rights.assign(b.token, "dev99", b"deed"), InvalidInputError, None),
    ("address", "register-to", lambda b: b.dev0.register(b.metadata(), [b.fresh], to="0xabc"), InvalidInputError, None),
    # -- token ids
    ("token id", "negative", lambda b: b.dev0.get(-1), InvalidInputError, None),
    ("token id", "too-big", lambda b: b.dev0.get(2**256), InvalidInputError, None),
    ("token id", "non-numeric", lambda b: b.dev0.history("latest"), InvalidInputError, None),
    ("token id", "hex-with-junk", lambda b: b.dev0.verify("0x12zz"), InvalidInputError, None),
    ("token id", "arabic-indic-digit", lambda b: b.dev0.get("\u0661"), InvalidInputError, None),  # was token 1
    ("token id", "underscores", lambda b: b.dev0.get("1_0"), InvalidInputError, None),  # was token 10
    ("token id", "bool", lambda b: parse_token_id(True), InvalidInputError, None),  # type: ignore[arg-type]
    ("token id", "unknown", lambda b: b.dev0.get(right_id("US 1")), UnknownTokenError, None),
    # -- dates
    ("date", "feb-30", _meta(filing_date="2021-02-30"), MetadataError, None),
    ("date", "slashes", _meta(filing_date="2021/01/05"), MetadataError, None),
    ("date", "order", _meta(priority_date="2022-01-01", filing_date="2021-01-01"), MetadataError, None),
    ("date", "expiry-2100", _meta(expiry_date="2100-01-01"), MetadataError, None),
    (
        "date",
        "licence-end-before-start",
        lambda b: b.dev1.licenses.grant(
            b.token, {"licensee": "dev2", "terms": "L", "start": dt.date(2025, 1, 1), "end": dt.date(2024, 1, 1)}
        ),
        InvalidInputError,
        None,
    ),
    # -- jurisdictions
    ("jurisdiction", "unknown", _meta(jurisdiction="XX"), MetadataError, None),
    ("jurisdiction", "three-letters", _meta(jurisdiction="USA"), MetadataError, None),
    (
        "jurisdiction",
        "investor-country",
        lambda b: b.dev0.compliance.verify_investor("dev4", "ZZ", evidence="KYC"),
        InvalidInputError,
        None,
    ),
    # -- official numbers
    ("number", "empty", _meta(number=""), MetadataError, None),
    ("number", "illegal-characters", _meta(number="US<1>"), MetadataError, None),
    ("number", "too-long", _meta(number="1" * 65), MetadataError, None),
    (
        "number",
        "missing",
        lambda b: parse_metadata({k: v for k, v in _VALID.items() if k != "number"}),
        MetadataError,
        None,
    ),
    # -- oversized and malformed metadata
    ("oversized", "title-501", _meta(title="T" * 501), MetadataError, None),
    ("oversized", "abstract-2001", _meta(abstract="x" * 2_001), MetadataError, None),
    ("oversized", "control-character", _meta(title="a\x00b"), MetadataError, None),
    ("oversized", "unknown-key", _meta(colour="blue"), MetadataError, None),
    ("oversized", "title-not-text", _meta(title=["a", ["b"]]), MetadataError, None),
    # -- documents
    ("file", "missing", lambda b: b.dev0.register(b.metadata(), [b.folder / "nope.pdf"]), DocumentError, None),
    ("file", "directory", lambda b: b.dev0.register(b.metadata(), [b.folder]), DocumentError, None),
    ("file", "no-documents", lambda b: b.dev0.register(b.metadata(), []), InvalidInputError, None),
    (
        "file",
        "missing-deed",
        lambda b: b.dev1.rights.assign(b.token, "dev2", b.folder / "nope.pdf"),
        DocumentError,
        None,
    ),
    ("file", "bulk-png", lambda b: read_bulk_file(b.file("logo.png", _PNG)), InvalidInputError, None),
    ("file", "bulk-missing", lambda b: read_bulk_file(b.folder / "nope.csv"), InvalidInputError, None),
    ("file", "bulk-empty", lambda b: read_bulk_file(b.file("empty.csv", "")), InvalidInputError, None),
    # -- the node and the registry
    ("chain", "not-http", _connect(rpc="ws://127.0.0.1:1"), InvalidInputError, None),
    ("chain", "nobody-listening", _connect(rpc="http://127.0.0.1:1"), NodeUnreachableError, None),
    (
        "chain",
        "other-chain",
        lambda b: Ledger.connect(b.other_rpc, registry=b.dev0.contracts.registry_address),
        RegistryError,
        None,
    ),
    ("registry", "eoa", lambda b: Ledger.connect(b.rpc, registry=b.dev1.signer.address), RegistryError, None),
    ("registry", "no-code", _connect(registry=_NO_CODE), RegistryError, None),
    ("registry", "malformed", _connect(registry="0x1234"), InvalidInputError, None),
    (
        "registry",
        "stablecoin",
        lambda b: Ledger.connect(b.rpc, registry=b.dev0.deployment.stablecoin),
        RegistryError,
        None,
    ),
    ("registry", "vault", lambda b: Ledger.connect(b.rpc, registry=b.dev0.deployment.vault), RegistryError, None),
    (
        "registry",
        "desk-as-vault",
        lambda b: Ledger.connect(b.rpc, registry=b.dev0.contracts.registry_address, vault=b.dev0.deployment.desk),
        RegistryError,
        None,
    ),
    (
        "registry",
        "stablecoin-as-desk",
        lambda b: Ledger.connect(b.rpc, registry=b.dev0.contracts.registry_address, desk=b.dev0.deployment.stablecoin),
        RegistryError,
        None,
    ),
    # -- signatures: expired, for another chain or contract, altered
    (
        "signature",
        "voucher-expired",
        lambda b: b.dev0.use("dev2").rights.register_with_voucher(b.signed["voucher_expired"]),
        SignatureError,
        "VoucherExpired",
    ),
    (
        "signature",
        "voucher-other-chain",
        lambda b: b.dev0.use("dev2").rights.register_with_voucher(b.signed["voucher_other_chain"]),
        SignatureError,
        "InvalidVoucherSigner",
    ),
    (
        "signature",
        "voucher-other-registry",
        lambda b: b.dev0.use("dev2").rights.register_with_voucher(b.signed["voucher_other_registry"]),
        SignatureError,
        "InvalidVoucherSigner",
    ),
    (
        "signature",
        "voucher-altered",
        lambda b: b.dev0.use("dev2").rights.register_with_voucher(
            dataclasses.replace(b.signed["voucher_other_registry"], to=b.dev0.address_of("dev3"))
        ),
        SignatureError,
        "InvalidVoucherSigner",
    ),
    (
        "signature",
        "attestation-expired",
        lambda b: b.dev0.use("dev2").attestations.submit(b.signed["attestation_expired"]),
        SignatureError,
        "SignatureExpired",
    ),
    (
        "signature",
        "attestation-other-chain",
        lambda b: b.dev0.use("dev2").attestations.submit(b.signed["attestation_other_chain"]),
        SignatureError,
        "InvalidAttestationSignature",
    ),
    (
        "signature",
        "order-other-chain",
        lambda b: b.dev0.use("dev2").market.fill_order(b.signed["order_other_chain"]),
        InvalidInputError,
        None,
    ),
    (
        "signature",
        "order-altered",
        lambda b: b.dev0.use("dev2").market.fill_order(b.signed["order_altered"]),
        InvalidInputError,
        None,
    ),
    (
        "signature",
        "order-forged",
        lambda b: b.dev0.use("dev2").market.fill_order(b.signed["order_forged"]),
        InvalidSignatureError,  # an OrderError (and a LoanError: the loan desk declares the same error)
        "InvalidSignature",
    ),
    (
        "signature",
        "order-expired",
        lambda b: b.dev0.use("dev2").market.fill_order(b.signed["order_expired"]),
        OrderError,
        "OrderExpired",
    ),
    # -- roles and accounts
    ("role", "unknown-role", lambda b: b.dev0.contracts.grant_role("superuser", "dev2"), InvalidInputError, None),
    (
        "role",
        "not-an-admin",
        lambda b: b.dev1.contracts.grant_role("registrar", "dev2"),
        UnauthorizedError,
        "AccessControlUnauthorizedAccount",
    ),
    ("account", "unknown-account", lambda b: Ledger.connect(b.rpc, account="dev99"), AccountError, None),
    ("account", "not-a-key", lambda b: Ledger.connect(b.rpc, account="0x" + "zz" * 32), AccountError, None),
    # -- amounts
    ("amount", "negative", lambda b: parse_units("-1", 6), InvalidInputError, None),
    ("amount", "too-many-decimals", lambda b: parse_units("1.0000001", 6), InvalidInputError, None),
    ("amount", "not-a-number", lambda b: parse_units("lots", 6), InvalidInputError, None),
    ("amount", "infinity", lambda b: parse_units("Infinity", 6), InvalidInputError, None),
    ("amount", "royalty-zero", lambda b: b.dev0.use("dev2").royalties.pay(b.licence, 0), InvalidInputError, None),
    ("amount", "royalty-negative", lambda b: b.dev0.use("dev2").royalties.pay(b.licence, -5), InvalidInputError, None),
    (
        "amount",
        "order-price-zero",
        lambda b: b.dev1.market.create_order("sell", b.token, price=0, whole_right=True, approve=False),
        InvalidInputError,
        None,
    ),
    (
        "amount",
        "mint-too-large",
        lambda b: b.dev0.payments.mint_test_stablecoin("dev2", 2**256),
        InvalidInputError,
        None,
    ),
]


def _ids() -> list[str]:
    return [f"{category}:{name}" for category, name, *_ in CASES]


def test_the_table_has_every_category() -> None:
    assert len(CASES) >= 40 and len(set(_ids())) == len(CASES)
    assert {category for category, *_ in CASES} >= {
        "address", "token id", "date", "jurisdiction", "number", "oversized", "file", "chain", "registry",
        "signature", "role", "amount",
    }  # fmt: skip


@pytest.mark.anvil
@pytest.mark.parametrize(("category", "name", "call", "error", "error_name"), CASES, ids=_ids())
def test_bad_input_raises_the_named_error_before_sending(
    bad: Bad, category: str, name: str, call: Call, error: type[IPLedgerError], error_name: str | None
) -> None:
    eth = bad.dev0.chain.w3.eth
    before = eth.block_number
    with pytest.raises(IPLedgerError) as caught:
        call(bad)
    assert type(caught.value) is error, (type(caught.value), caught.value)
    if error_name is not None:
        assert isinstance(caught.value, ContractRevertError)
        assert caught.value.error_name == error_name, caught.value
    assert eth.block_number == before, "a transaction was sent"


@pytest.mark.anvil
def test_an_unreadable_document_is_a_document_error(bad: Bad) -> None:
    path = bad.file("unreadable.txt", "secret")
    path.chmod(0)
    unreadable = Path(UNREADABLE_AS_ROOT) if os.geteuid() == 0 else path
    before = bad.dev0.chain.w3.eth.block_number
    try:
        with pytest.raises(DocumentError, match=r"Input/output error|Permission denied"):
            bad.dev0.register(bad.metadata(), [unreadable])
    finally:
        path.chmod(0o600)
    assert bad.dev0.chain.w3.eth.block_number == before


@pytest.mark.anvil
def test_a_voucher_lives_by_chain_time_when_the_chain_clock_runs_ahead(tmp_path: Path) -> None:
    """The voucher's deadline was wall-clock time + valid_for: on a chain 8 days ahead a 7-day voucher was born
    expired (VoucherExpired)."""
    node = start_node()
    try:
        registrar = Ledger.connect(node.rpc_url, account="dev0")
        registrar.deploy()
        advance_time(registrar, 8 * 86_400)
        document = tmp_path / "claims.txt"
        document.write_text("claims\n", "utf-8")
        request = registrar.rights.prepare(parse_metadata(_VALID), [document])
        voucher = registrar.rights.sign_voucher(request, to="dev2", valid_for=dt.timedelta(days=7))
        assert voucher.deadline == registrar.chain.chain_time() + 7 * 86_400
        assert registrar.use("dev2").rights.register_with_voucher(voucher).owner == registrar.address_of("dev2")
    finally:
        stop_node(node.pid)
