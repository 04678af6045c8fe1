"""Bad input, command by command: every case is refused with one `error:` line and a non-zero exit, and nothing is
sent (the chain's block number does not move), including the cases the contracts refuse (decoded from a dry run).

Each case is (id, argv, exit code, fragment of the message). ``{name}`` in an argument is filled in from the
``bad`` fixture: the registered token, files of every kind of wrongness, signed attestations and orders made
unusable (expired, for another chain, for another contract, altered).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from cli_support import Chain, assert_one_line_error, rpc_proxy_module
from ipledger import IPMetadata, Ledger, dev_account, start_node, stop_node
from ipledger.cli import app
from ipledger.cli._output import model_json
from typer.testing import CliRunner

# Root reads a file whatever its mode; this regular file opens for root too, and every read of it fails (EIO).
UNREADABLE_AS_ROOT = "/proc/self/mem"

_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
_YAML_BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]"
            for i in range(8)
        ),
        "title: *i",
        "kind: patent",
        "jurisdiction: US",
        "number: US 1",
    ]
)
_BAD_CHECKSUM = "0x70997970c51812DC3a010C7d01b50e0d17dc79C8"  # dev1 with the case of a few letters flipped
_NO_CODE = "0x000000000000000000000000000000000000dEaD"
_OTHER_CHAIN_ID = 5
_KEY_ENV = "BAD_INPUT_TEST_KEY"


@dataclass(frozen=True)
class Bad:
    """What the table's ``{placeholders}`` stand for."""

    values: dict[str, str]

    def argv(self, template: tuple[str, ...]) -> list[str]:
        return [part.format(**self.values) for part in template]


def _metadata(**fields: object) -> str:
    base: dict[str, object] = {"title": "T", "kind": "patent", "jurisdiction": "US", "number": "US 9,876,543 B2"}
    return json.dumps({**base, **fields})


@pytest.fixture(scope="module")
def bad(chain: Chain, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bad]:
    folder = tmp_path_factory.mktemp("bad")
    doc = folder / "claims.txt"
    doc.write_text("claims of the bad-input patent\n", "utf-8")
    dev0 = Ledger.connect(chain.node.rpc_url, registry=chain.registry, vault=chain.vault, account="dev0")
    metadata = IPMetadata(title="Bad input", kind="patent", jurisdiction="US", number="US 8,800,001 B2")
    token = dev0.register(metadata, [doc], to="dev1").token_id
    files: dict[str, str] = {}

    def write(name: str, content: str | bytes) -> str:
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        files[name.replace(".", "_").replace("-", "_")] = str(path)
        return str(path)

    write("deed.txt", "deed\n")
    write("logo.png", _PNG)
    write("latin1.yaml", "title: Caf\xe9\n".encode("latin-1"))
    write("bomb.yaml", _YAML_BOMB)
    write("deep.yaml", "[" * 5000 + "]" * 5000)
    write("list.yaml", "- title: T\n- kind: patent\n")
    write("scalar.json", '"just a string"')
    write("extra.json", _metadata(colour="blue"))
    write("feb30.json", _metadata(filing_date="2021-02-30"))
    write("slashes.json", _metadata(filing_date="2021/01/05"))
    write("order.json", _metadata(priority_date="2022-01-01", filing_date="2021-01-01"))
    write("abstract.json", _metadata(abstract="x" * 2_001))
    write("empty.csv", "")
    write("header.csv", "title,kind,colour\nT,patent,blue\n")
    write("garbage.jsonl", b"\xff\xfe\x00garbage\n")
    write("rows.txt", "title,kind\n")
    write("checkpoints.txt", "not a block hash\n")
    unreadable = write("unreadable.txt", "secret\n")
    os.chmod(unreadable, 0)
    directory = folder / "folder"
    directory.mkdir()

    # Signed attestations and orders made unusable, each with the SDK.
    evidence = "opinion letter"
    valid = dev0.attestations.sign(token, "TITLE_VERIFIED", evidence=evidence)
    attestation = {
        **model_json(valid),
        "chain_id": dev0.chain_id,
        "attestation_registry": str(dev0.contracts.attestations.address),
    }
    write("attestation.json", json.dumps(attestation))
    write("attestation-other-chain-named.json", json.dumps({**attestation, "chain_id": 1}))
    # Signed through a node claiming chain 1, by a caller expecting chain 1: a signature for chain 1.
    with rpc_proxy_module().chain_id_proxy(chain.node.rpc_url, reported=1) as (chain_1_url, _):
        other_chain = Ledger.connect(chain_1_url, registry=chain.registry, account=dev_account(0), chain_id=1)
        foreign = other_chain.attestations.sign(token, "TITLE_VERIFIED", evidence=evidence)
    write("attestation-other-chain.json", json.dumps({**attestation, **model_json(foreign), "chain_id": dev0.chain_id}))
    altered = {**attestation, "expiry": 1}
    write("attestation-altered.json", json.dumps(altered))
    expired = dev0.attestations.sign(token, "TITLE_VERIFIED", evidence=evidence, valid_for=dt.timedelta(seconds=-1))
    write("attestation-expired.json", json.dumps({**attestation, **model_json(expired)}))

    dev1 = Ledger.connect(
        chain.node.rpc_url,
        registry=chain.registry,
        vault=chain.vault,
        desk=chain.desk,
        stablecoin=chain.stablecoin,
        account="dev1",
    )
    order = dev1.market.create_order("sell", token, price=10**6, whole_right=True, approve=False)
    write("order-other-chain.json", order.model_copy(update={"chain_id": 1}).model_dump_json())
    write("order-other-desk.json", order.model_copy(update={"desk": chain.vault}).model_dump_json())
    tampered = order.model_copy(update={"order": order.order.model_copy(update={"price": 1})})
    write("order-altered.json", tampered.model_dump_json())
    forged = order.model_copy(update={"signature": "0x" + "11" * 65})
    write("order-forged.json", forged.model_dump_json())

    terms = {"licensee": "dev2", "terms": "Licence", "start": dt.date(2024, 1, 1), "royalty_bps": 100}
    licence = dev1.licenses.grant(token, {**terms, "payment_token": chain.stablecoin}).license_id
    values = {
        "token": hex(token),
        "doc": str(doc),
        "fresh": write("fresh.txt", "claims nobody registered\n"),
        "licence": str(licence),
        "dir": str(directory),
        "missing": str(folder / "missing.pdf"),
        "rpc": chain.node.rpc_url,
        "registry": chain.registry,
        "vault": chain.vault,
        "stablecoin": chain.stablecoin,
        "desk": chain.desk,
        "dev1_address": dev1.signer.address,
        "no_code": _NO_CODE,
        "bad_checksum": _BAD_CHECKSUM,
        "long_title": "T" * 501,
        "long_number": "1" * 65,
        "too_big": str(2**256),
        **files,
    }
    if os.geteuid() == 0:
        values["unreadable_txt"] = UNREADABLE_AS_ROOT
    # Another network (chain id 5) with its own deployment: the dev keys are refused there, and what was signed for
    # the local chain is refused before it reaches a contract.
    other = start_node(chain_id=_OTHER_CHAIN_ID)
    try:
        values["other_rpc"] = other.rpc_url
        values["other_registry"] = Ledger.connect(other.rpc_url, account=dev_account(0)).deploy()
        yield Bad(values)
    finally:
        stop_node(other.pid)
        os.chmod(unreadable, 0o600)


def _register(*extra: str) -> tuple[str, ...]:
    """``register`` of a valid patent, with ``extra`` options replacing or adding to it."""
    options = {"--title": "T", "--kind": "patent", "--jurisdiction": "US", "--number": "US 9,876,543 B2"}
    rest: list[str] = []
    items = list(extra)
    while items:
        name = items.pop(0)
        if name in options and items:
            options[name] = items.pop(0)
        else:
            rest.append(name)
    flat = [part for pair in options.items() for part in pair]
    if "--doc" not in rest and "--metadata" not in rest:
        rest += ["--doc", "{fresh}"]
    return ("register", *flat, *rest, "--from", "dev0")


def _remote(*argv: str, rpc: str = "{rpc}", registry: str = "{registry}") -> tuple[str, ...]:
    """A command whose --rpc-url and --registry are part of the case (the runner adds none)."""
    return (*argv, "--rpc-url", rpc, "--registry", registry)


CASES: list[tuple[str, str, tuple[str, ...], int, str]] = [
    # category, id, argv, exit code, fragment of the message
    # -- addresses
    ("address", "too-short", ("assign", "{token}", "0x1234", "--deed", "{deed_txt}", "--from", "dev1"), 1, "0x1234"),
    (
        "address",
        "bad-hex",
        ("assign", "{token}", "0xZZ4a5c1c9b76b2b8a1b0f5c1a2b3c4d5e6f7a8b9", "--deed", "{deed_txt}", "--from", "dev1"),
        1,
        "0xZZ4a",
    ),
    (
        "address",
        "bad-checksum",
        ("assign", "{token}", "{bad_checksum}", "--deed", "{deed_txt}", "--from", "dev1"),
        1,
        "checksum",
    ),
    ("address", "register-to", _register("--to", "0xabc"), 1, "0xabc"),
    ("address", "grant-role-member", ("grant-role", "registrar", "0x" + "g" * 40, "--from", "dev0"), 1, "0xggg"),
    (
        "address",
        "unknown-account-name",
        ("assign", "{token}", "dev99", "--deed", "{deed_txt}", "--from", "dev1"),
        1,
        "dev99",
    ),
    ("address", "stablecoin-balance", ("stablecoin", "balance", "0x12"), 1, "0x12"),
    # -- token ids
    ("token id", "negative", ("show", "--", "-1"), 1, "not a token id"),
    ("token id", "too-big", ("show", "{too_big}"), 1, "out of range"),
    ("token id", "non-numeric", ("history", "latest"), 1, "not a token id"),
    ("token id", "hex-with-junk", ("verify", "0x12zz"), 1, "not a token id"),
    ("token id", "bare-0x", ("show", "0x"), 1, "not a token id"),
    ("token id", "fraction", ("freeze", "1.5", "--order", "{deed_txt}", "--from", "dev0"), 1, "not a token id"),
    ("token id", "zero", ("show", "0"), 1, "out of range"),
    # -- dates
    ("date", "feb-30-in-metadata", _register("--metadata", "{feb30_json}", "--doc", "{fresh}"), 1, "filing_date"),
    (
        "date",
        "wrong-format-in-metadata",
        _register("--metadata", "{slashes_json}", "--doc", "{fresh}"),
        1,
        "filing_date",
    ),
    ("date", "order-violation", _register("--metadata", "{order_json}", "--doc", "{fresh}"), 1, "priority_date"),
    ("date", "report-at-feb-30", ("report", "{token}", "--at", "2024-02-30"), 2, "--at"),
    (
        "date",
        "licence-ends-before-start",
        (
            "license",
            "grant",
            "{token}",
            "--to",
            "dev2",
            "--start",
            "2025-01-01",
            "--end",
            "2024-01-01",
            "--terms-text",
            "Licence",
            "--from",
            "dev1",
        ),
        1,
        "end",
    ),
    (
        "date",
        "licence-start-garbage",
        ("license", "grant", "{token}", "--to", "dev2", "--start", "soon", "--from", "dev1"),
        2,
        "--start",
    ),
    # -- jurisdictions
    ("jurisdiction", "unknown-code", _register("--jurisdiction", "XX"), 1, "'XX'"),
    ("jurisdiction", "three-letters", _register("--jurisdiction", "USA"), 1, "jurisdiction"),
    ("jurisdiction", "digits", ("compliance", "verify-investor", "dev3", "--country", "12", "--from", "dev0"), 1, "12"),
    ("jurisdiction", "block-unknown-country", ("compliance", "block-country", "ZZ", "--from", "dev0"), 1, "ZZ"),
    # -- official numbers
    ("number", "empty", _register("--number", ""), 1, "number"),
    ("number", "illegal-characters", _register("--number", "US<script>1</script>"), 1, "number"),
    ("number", "too-long", _register("--number", "{long_number}"), 1, "number"),
    ("number", "no-digits", _register("--number", "ABC-"), 1, "number"),
    # -- oversized metadata
    ("oversized", "title-501", _register("--title", "{long_title}"), 1, "title"),
    ("oversized", "abstract-2001", _register("--metadata", "{abstract_json}", "--doc", "{fresh}"), 1, "abstract"),
    ("oversized", "control-character-title", _register("--title", "Bad\x07title"), 1, "title"),
    # -- binary and malformed metadata files
    ("metadata file", "png", _register("--metadata", "{logo_png}", "--doc", "{fresh}"), 1, "logo.png"),
    ("metadata file", "invalid-utf8", _register("--metadata", "{latin1_yaml}", "--doc", "{fresh}"), 1, "latin1.yaml"),
    ("metadata file", "yaml-bomb", _register("--metadata", "{bomb_yaml}", "--doc", "{fresh}"), 1, "bomb.yaml"),
    ("metadata file", "deeply-nested", _register("--metadata", "{deep_yaml}", "--doc", "{fresh}"), 1, "deep.yaml"),
    ("metadata file", "list-not-mapping", _register("--metadata", "{list_yaml}", "--doc", "{fresh}"), 1, "mapping"),
    ("metadata file", "scalar-json", _register("--metadata", "{scalar_json}", "--doc", "{fresh}"), 1, "mapping"),
    ("metadata file", "unknown-key", _register("--metadata", "{extra_json}", "--doc", "{fresh}"), 1, "colour"),
    # -- missing, unreadable, directories
    ("file", "missing-doc", _register("--doc", "{missing}"), 1, "no such file"),
    ("file", "directory-doc", _register("--doc", "{dir}"), 1, "not a regular file"),
    ("file", "unreadable-doc", _register("--doc", "{unreadable_txt}"), 1, "{unreadable_txt}"),
    ("file", "directory-metadata", _register("--metadata", "{dir}", "--doc", "{fresh}"), 1, "not a regular file"),
    ("file", "missing-deed", ("assign", "{token}", "dev2", "--deed", "{missing}", "--from", "dev1"), 1, "no such file"),
    ("file", "directory-order", ("freeze", "{token}", "--order", "{dir}", "--from", "dev0"), 1, "folder"),
    ("file", "verify-missing-doc", ("verify", "{token}", "--doc", "{missing}"), 1, "missing.pdf"),
    ("file", "bad-checkpoints", ("verify", "{token}", "--checkpoints", "{checkpoints_txt}"), 2, "block hash"),
    ("file", "submit-missing", ("attest", "submit", "{missing}", "--from", "dev2"), 1, "no such file"),
    ("file", "submit-png", ("attest", "submit", "{logo_png}", "--from", "dev2"), 1, "logo.png"),
    ("file", "fill-nonsense", ("market", "fill", "nonsense", "--from", "dev2"), 1, "nonsense"),
    ("file", "fill-png", ("market", "fill", "{logo_png}", "--from", "dev2"), 1, "logo.png"),
    (
        "file",
        "evidence-missing",
        ("dispute", "raise", "{token}", "--evidence", "{missing}", "--from", "dev2"),
        1,
        "missing.pdf",
    ),
    # -- the node and the registry
    (
        "chain",
        "other-chain-no-registry",
        _remote("show", "{token}", registry=_NO_CODE, rpc="{other_rpc}"),
        1,
        "chain 5",
    ),
    (
        "chain",
        "dev-key-on-another-chain",
        _remote("grant-role", "registrar", "dev2", "--from", "dev0", rpc="{other_rpc}", registry="{other_registry}"),
        1,
        "usable only on a local chain",
    ),
    (
        "chain",
        "attestation-of-another-chain",
        _remote(
            "attest",
            "submit",
            "{attestation_json}",
            "--from",
            "env:" + _KEY_ENV,
            rpc="{other_rpc}",
            registry="{other_registry}",
        ),
        1,
        "signed for chain 31337, not this chain (5)",
    ),
    (
        "chain",
        "token-of-another-chain",
        _remote("show", "{token}", rpc="{other_rpc}", registry="{other_registry}"),
        1,
        "unknown token",
    ),
    ("chain", "not-http", _remote("show", "{token}", rpc="ws://127.0.0.1:1"), 1, "http"),
    ("registry", "eoa", _remote("show", "{token}", registry="{dev1_address}"), 1, "no contract at"),
    ("registry", "no-code", _remote("show", "{token}", registry="{no_code}"), 1, "no contract at"),
    ("registry", "stablecoin", _remote("show", "{token}", registry="{stablecoin}"), 1, "not an ipledger registry"),
    ("registry", "share-vault", _remote("history", "{token}", registry="{vault}"), 1, "not an ipledger registry"),
    (
        "registry",
        "desk",
        _remote(
            "register",
            "--title",
            "T",
            "--kind",
            "patent",
            "--jurisdiction",
            "US",
            "--number",
            "US 1",
            "--doc",
            "{doc}",
            registry="{desk}",
        ),
        1,
        "not an ipledger registry",
    ),
    ("registry", "malformed", _remote("show", "{token}", registry="0x1234"), 1, "0x1234"),
    # -- signatures: expired, another chain, another contract, altered
    (
        "signature",
        "attestation-for-chain-1",
        ("attest", "submit", "{attestation_other_chain_named_json}", "--from", "dev2"),
        1,
        "chain 1",
    ),
    (
        "signature",
        "attestation-signed-for-chain-1",
        ("attest", "submit", "{attestation_other_chain_json}", "--from", "dev2"),
        1,
        "InvalidAttestationSignature",
    ),
    (
        "signature",
        "attestation-altered",
        ("attest", "submit", "{attestation_altered_json}", "--from", "dev2"),
        1,
        "InvalidAttestationSignature",
    ),
    (
        "signature",
        "attestation-expired",
        ("attest", "submit", "{attestation_expired_json}", "--from", "dev2"),
        1,
        "Expired",
    ),
    ("signature", "order-for-chain-1", ("market", "fill", "{order_other_chain_json}", "--from", "dev2"), 1, "chain 1"),
    ("signature", "order-for-another-desk", ("market", "fill", "{order_other_desk_json}", "--from", "dev2"), 1, "not "),
    ("signature", "order-altered", ("market", "fill", "{order_altered_json}", "--from", "dev2"), 1, "altered"),
    ("signature", "order-forged", ("market", "fill", "{order_forged_json}", "--from", "dev2"), 1, "InvalidSignature"),
    # -- roles
    ("role", "unknown-role", ("grant-role", "superuser", "dev2", "--from", "dev0"), 2, "superuser"),
    ("role", "not-an-admin", ("grant-role", "registrar", "dev2", "--from", "dev1"), 1, "admin role"),
    ("role", "not-a-registrar", ("freeze", "{token}", "--order", "{deed_txt}", "--from", "dev2"), 1, "registrar role"),
    # -- amounts
    ("amount", "negative", ("stablecoin", "mint", "dev2", "--from", "dev0", "--", "-5"), 1, "-5"),
    ("amount", "zero", ("stablecoin", "mint", "dev2", "0", "--from", "dev0"), 1, "0"),
    ("amount", "too-many-decimals", ("stablecoin", "mint", "dev2", "1.0000001", "--from", "dev0"), 1, "decimal"),
    ("amount", "not-a-number", ("stablecoin", "mint", "dev2", "lots", "--from", "dev0"), 1, "lots"),
    (
        "amount",
        "order-price-negative",
        ("market", "order", "sell", "{token}", "--price", "-1", "--whole-right", "--from", "dev1"),
        1,
        "price",
    ),
    ("amount", "royalty-pay-zero", ("royalty", "pay", "{licence}", "0", "--from", "dev2"), 1, "0"),
    (
        "amount",
        "licence-royalty-over-100",
        ("license", "grant", "{token}", "--to", "dev2", "--terms-text", "L", "--royalty", "150%", "--from", "dev1"),
        2,
        "150",
    ),
    ("amount", "dispute-bond-negative", ("dispute", "settings", "--bond", "-1", "--from", "dev0"), 1, "-1"),
    # -- bad --batch files
    ("batch", "missing", ("register", "--batch", "{missing}", "--from", "dev0"), 1, "missing.pdf"),
    ("batch", "png", ("register", "--batch", "{logo_png}", "--from", "dev0"), 1, "logo.png"),
    ("batch", "empty-csv", ("register", "--batch", "{empty_csv}", "--from", "dev0"), 1, "empty"),
    ("batch", "unknown-column", ("register", "--batch", "{header_csv}", "--from", "dev0"), 1, "colour"),
    ("batch", "binary-jsonl", ("register", "--batch", "{garbage_jsonl}", "--from", "dev0"), 1, "garbage.jsonl"),
    ("batch", "unknown-extension", ("register", "--batch", "{rows_txt}", "--from", "dev0"), 1, "rows.txt"),
    ("batch", "directory", ("register", "--batch", "{dir}", "--from", "dev0"), 1, "folder"),
]


def _ids() -> list[str]:
    return [f"{category}:{name}" for category, name, *_ in CASES]


def test_the_table_covers_every_category_with_at_least_forty_cases() -> None:
    assert len(CASES) >= 40
    assert len(set(_ids())) == len(CASES)
    categories = {category for category, *_ in CASES}
    assert categories >= {
        "address", "token id", "date", "jurisdiction", "number", "oversized", "metadata file", "file", "chain",
        "registry", "signature", "role", "amount", "batch",
    }  # fmt: skip


def _full_argv(args: list[str], chain: Chain) -> list[str]:
    """``args`` with the session chain's --rpc-url and --registry, before a ``--`` (negative numbers follow it)."""
    if "--rpc-url" in args:
        return args
    if "--" in args:
        cut = args.index("--")
        return [*args[:cut], *chain.options, *args[cut:]]
    return [*args, *chain.options]


@pytest.mark.parametrize(("category", "name", "argv", "code", "fragment"), CASES, ids=_ids())
def test_bad_input_is_one_line_and_sends_nothing(
    bad: Bad, chain: Chain, category: str, name: str, argv: tuple[str, ...], code: int, fragment: str
) -> None:
    args = _full_argv(bad.argv(argv), chain)
    nodes = [Ledger.connect(url).chain.w3.eth for url in (chain.node.rpc_url, bad.values["other_rpc"])]
    before = [node.block_number for node in nodes]
    env = {_KEY_ENV: "0x" + dev_account(2).account.key.hex()}
    if "{other_rpc}" not in argv:  # the share vault, desk and payment token of the session chain
        env |= chain.share_env
    result = CliRunner().invoke(app, args, env=env)
    assert_one_line_error(result, bad.argv((fragment,))[0], code=code)
    assert [node.block_number for node in nodes] == before, "a transaction was sent"
