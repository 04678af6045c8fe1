"""``ipledger demo``: a guided tour on a throwaway chain, from registration to the provenance report, then shares:
fractionalization, compliance, an exchange listing and an OTC trade settled by the desk; then rights in use: a
licence with a royalty that the share holders claim, a title attestation, and a dispute raised and dismissed; then
financing: a loan against the Chinese patent, repaid, and one against a patent application, enforced by auction."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich import box
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ipledger import (
    ROLE_NAMES,
    BulkStatus,
    ContractRevertError,
    DocumentRef,
    Exclusivity,
    History,
    IPMetadata,
    Ledger,
    License,
    LicenseTerms,
    NodeInfo,
    TransactionResult,
    VerificationReport,
    build_report,
    cn_application,
    dev_account,
    hash_file,
    parse_metadata,
    prepare_registration,
    render_report,
    save_local_deployment,
    start_local_node,
    start_node,
    stop_node,
)

from ._audit_commands import print_report
from ._errors import CliError
from ._order_book import save_order
from ._output import Output, model_json, output, prints
from ._render import Names, cap_table_table, history_table, right_label, short, tx_line, units

__all__ = ["demo"]

KeepOpt = Annotated[
    bool,
    typer.Option(
        "--keep",
        help="Run on the persistent local chain ($IPLEDGER_HOME) and keep it running afterwards, with the demo's "
        "registry as the local default and the sample documents on disk, to explore with show, history, verify.",
    ),
]

SAMPLE_METADATA: dict[str, Any] = {
    "title": "Solid-state lithium battery with a self-healing polymer electrolyte",
    "kind": "patent",
    "jurisdiction": "US",
    "number": "US 11,234,567 B2",
    "inventors": ["Ada Example", "Grace Sample"],
    "assignee": "Example Batteries Inc.",
    "priority_date": "2018-03-02",
    "filing_date": "2019-03-01",
    "grant_date": "2022-01-18",
    "expiry_date": "2039-03-01",
    "abstract": "An electrolyte whose polymer network re-forms after dendrite damage, extending cell life.",
}
SAMPLE_DOCUMENTS = {
    "claims.txt": (
        "1. A solid-state battery cell comprising a lithium anode, a cathode and a polymer electrolyte "
        "whose cross-links re-form at room temperature after mechanical damage.\n"
        "2. The cell of claim 1, wherein the electrolyte contains a disulfide-bonded network.\n"
    ),
    "description.txt": (
        "Field: rechargeable batteries. Background: dendrites pierce solid electrolytes and short the cell. "
        "Summary: a self-healing polymer closes the cracks dendrites open, restoring ionic contact.\n"
    ),
    "drawings.txt": "Fig. 1: cross-section of the cell. Fig. 2: crack closure over 40 cycles at 25 °C.\n",
}
DEEDS = {
    "deed-dev1-to-dev2.txt": "Assignment deed: dev1 assigns US 11,234,567 B2 to dev2 for USD 2,000,000.\n",
    "deed-dev2-to-dev3.txt": "Assignment deed: dev2 assigns US 11,234,567 B2 to dev3 for USD 3,500,000.\n",
}
ORDERS = {
    "order-freeze.txt": "District Court, case 1:26-cv-01234: the patent shall not be transferred pending trial.\n",
    "order-lift.txt": "District Court, case 1:26-cv-01234: the settlement is approved; the freeze is lifted.\n",
}


RIGHTS_DOCUMENTS = {
    "licence-agreement.txt": (
        "Patent licence agreement: dev3 grants dev6 a sole licence of US 11,234,567 B2 in the US and Germany, "
        "field of use: electric vehicles, ten years, royalty 5% of net sales paid quarterly in tUSD.\n"
    ),
    "sales-report-q1.txt": "dev6 sales report, Q1: net sales of licensed battery packs USD 400,000; royalty 5%.\n",
    "title-opinion.txt": "Title opinion: the chain of title of US 11,234,567 B2 from its inventors to dev3 is whole.\n",
    "prior-art.txt": "dev8: JP 2001-123456 discloses a self-healing polymer electrolyte (alleged prior art).\n",
    "ruling.txt": "Arbitration 2026-17: JP 2001-123456 lacks the room-temperature re-forming cross-links; dismissed.\n",
}

SHARE_SUPPLY = 1_000_000  # whole shares, 18 decimals
EXCHANGE_DEPOSIT = 250_000
OTC_SHARES = 100_000
OTC_PRICE = 40_000  # tUSD for the whole lot: 0.40 tUSD a share
INVESTOR_FUNDS = 50_000
LICENSE_FIELD = "electric vehicles"
ROYALTY_BPS = 500  # 5% of net sales
NET_SALES = 400_000  # tUSD in the sales report
ROYALTY = NET_SALES * ROYALTY_BPS // 10_000  # 20,000 tUSD
COMPETITOR_FUNDS = 1_000  # tUSD, enough for the dispute bond
TUSD = 10**6


class DemoChain(BaseModel):
    """The chain the tour ran on."""

    rpc_url: str
    chain_id: int
    ephemeral: bool


class DemoTransaction(TransactionResult):
    """A transaction of an act, and what it did."""

    label: str


class DemoAct(BaseModel):
    """One act of the tour: what it proves, what it sent, what was refused."""

    act: int
    title: str
    explanation: str
    outcome: str
    #: The act's main (first) transaction.
    transaction: TransactionResult | None
    transactions: list[DemoTransaction]
    #: An attempt the contracts refused, as the act expects: {"attempt", "error", "message"}.
    refused: dict[str, str] | None


class DemoSummary(BaseModel):
    """The tour's totals and verdict."""

    transactions: int
    total_gas: int
    owner: str
    verdict: str
    #: Who holds the right at the end (the share vault).
    custody: str | None


class DemoTour(BaseModel):
    """What `ipledger demo --json` prints: the chain, the right, every act, and the reports the tour made."""

    chain: DemoChain
    registry: str
    deployment: dict[str, str | None]
    accounts: dict[str, str]
    token_id: int
    right: str
    metadata: IPMetadata
    documents: list[DocumentRef]
    documents_dir: str | None
    acts: list[DemoAct]
    history: History
    verification: VerificationReport
    tampered_verification: dict[str, Any]
    shares: dict[str, Any]
    rights_in_use: dict[str, Any]
    chinese_patent: dict[str, Any]
    portfolio: dict[str, Any]
    financing: dict[str, Any]
    summary: DemoSummary
    #: With --keep: the web explorer left running on the demo's chain (``ipledger serve --stop`` stops it).
    explorer_url: str | None = None


@dataclass
class Act:
    """One numbered step of the tour, the transactions it sent and what it proved."""

    number: int
    title: str
    explanation: str
    outcome: str = ""
    transactions: list[tuple[str, TransactionResult]] = field(default_factory=list)
    refused: dict[str, str] | None = None

    def record(self, label: str, result: TransactionResult | None) -> None:
        """Adds a transaction the act sent (``None``: nothing was needed)."""
        if result is not None:
            self.transactions.append((label, result))

    @property
    def transaction(self) -> TransactionResult | None:
        """The act's main (first) transaction."""
        return self.transactions[0][1] if self.transactions else None

    def record_of(self) -> DemoAct:
        return DemoAct(
            act=self.number,
            title=self.title,
            explanation=self.explanation,
            outcome=self.outcome,
            transaction=self.transaction,
            transactions=[DemoTransaction(label=label, **dict(result)) for label, result in self.transactions],
            refused=self.refused,
        )


@dataclass
class Tour:
    """Runs and narrates the acts; collects what the JSON document reports."""

    out: Output
    names: Names
    acts: list[Act] = field(default_factory=list)

    @contextmanager
    def act(self, title: str, explanation: str) -> Iterator[Act]:
        act = Act(number=len(self.acts) + 1, title=title, explanation=explanation)
        self.acts.append(act)
        self.out.print(Text(""), Rule(Text(f"Act {act.number} · {title}", style="bold"), align="left"))
        self.out.line(Text(explanation, style="italic"))
        with self.out.progress(f"Act {act.number}: {title}…"):
            yield act
        if act.outcome:
            self.out.line(Text.assemble(("✓ ", "green"), act.outcome))
        for label, result in act.transactions:
            prefix = f"  {label}: " if len(act.transactions) > 1 else "  "
            self.out.line(Text.assemble(prefix, tx_line(result)))
        if act.refused is not None:
            self.out.line(
                Text.assemble(
                    ("✓ ", "green"), f"{act.refused['attempt']} is refused with ", (act.refused["error"], "bold")
                )
            )

    @staticmethod
    def refusal(attempt: str, exc: ContractRevertError) -> dict[str, str]:
        return {"attempt": attempt, "error": exc.error_name, "message": str(exc)}

    def transactions(self) -> list[tuple[Act, str, TransactionResult]]:
        return [(act, label, result) for act in self.acts for label, result in act.transactions]


#: The registry roles a deployment grants its modules, by the first four bytes of their keccak-256 in hex.
_MODULE_ROLES = {
    role.hex()[:8]: name for role, name in ROLE_NAMES.items() if name in ("verifier", "registrar", "dispute")
}


def _deployment_label(name: str, modules: dict[str, str]) -> str:
    """``grantRole 0ce23c3e 0x…`` (as the SDK names the grants) → ``grant attestations the verifier role``."""
    parts = name.split(" ")
    if len(parts) != 3 or parts[0] != "grantRole":
        return name
    role = _MODULE_ROLES.get(parts[1].removeprefix("0x"), parts[1])
    return f"grant {modules.get(parts[2].lower(), parts[2])} the registry's {role} role"


def _write_files(folder: Path, files: dict[str, str]) -> list[Path]:
    paths = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths


def _start_chain(keep: bool) -> tuple[NodeInfo, bool]:
    """The chain to run on and whether it is ephemeral (stopped at the end)."""
    if keep:
        info, _ = start_local_node()
        return info, False
    return start_node(), True


@prints(DemoTour)
def demo(keep: KeepOpt = False) -> None:
    """Tour ipledger on a throwaway chain: register a patent, assign it, freeze it, audit it, trade shares, license it.

    Starts an ephemeral anvil chain (gone at the end; --keep uses the persistent local chain instead), deploys
    the contracts, registers a sample patent with its documents, assigns it dev1 → dev2 → dev3 under deeds,
    freezes and unfreezes it under court orders and prints the provenance report. dev3 grants dev6 a sole licence
    with a 5% royalty (an overlapping exclusive licence is refused). Then dev3 fractionalizes the patent into
    restricted shares, the compliance officer verifies two investors and an exchange's omnibus wallet, dev3 lists
    shares on the exchange, a transfer to an unverified account is refused, dev4 buys shares from dev3 over the
    counter through the settlement desk, and the cap table follows. Last, dev6 pays a royalty that the share
    holders claim pro rata, the registrar attests the title, and a competitor's dispute is raised and dismissed,
    its bond moving as the dispute manager says. Each act says what it proves and the gas it cost.

    Exits 0 when the final verification passes.
    """
    out = output()
    workdir = Path(tempfile.mkdtemp(prefix="ipledger-demo-"))
    with out.progress("Starting a local chain…"):
        node, ephemeral = _start_chain(keep)
    try:
        tour = _run(out, node, ephemeral, workdir)
    finally:
        if ephemeral:
            stop_node(node.pid)
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if keep:
        tour.explorer_url = _start_explorer(out, int(tour.chinese_patent["token_id"]))
    out.result(tour, lambda: None)
    if tour.summary.verdict != "verified":
        raise typer.Exit(1)


def _start_explorer(out: Output, chinese_token: int) -> str | None:
    """The web explorer in the background on the demo's chain (one left by an earlier demo is stopped first); its
    URL, printed last, or ``None`` (and why, on stderr) when it cannot run."""
    from ._serve_background import running_explorer, start_detached, stop_detached

    if running_explorer() is not None:
        stop_detached()
    try:
        with out.progress("Starting the web explorer…"):
            explorer = start_detached(["serve"], {}, "127.0.0.1", 0)
    except CliError as exc:
        out.note(f"The web explorer did not start: {exc}")
        return None
    out.line(f"Browse the demo's rights in the explorer: {explorer.url}rights/{hex(chinese_token)}")
    out.line(
        f"  search, portfolios, cap tables at any date, verification: {explorer.url} (API: {explorer.url}api/docs)"
    )
    out.line("  `ipledger serve --stop` stops it; `ipledger node stop` stops the chain.")
    return explorer.url


def _run(out: Output, node: NodeInfo, ephemeral: bool, workdir: Path) -> DemoTour:
    registrar = Ledger.connect(node.rpc_url, account="dev0")
    tour = Tour(out, Names(registrar.chain_id))
    names = tour.names
    metadata: IPMetadata = parse_metadata(SAMPLE_METADATA)
    label = right_label(metadata)

    if not out.json_mode:
        out.print(
            Panel(
                "ipledger turns an intellectual-property right into a token on a blockchain: who owns it, every "
                "change of owner and every court order is public and verifiable, while the documents stay private.",
                title="ipledger demo",
                box=box.ROUNDED,
            )
        )

    with tour.act(
        "A private blockchain",
        "A local anvil chain with ten funded dev accounts: dev0 plays the patent office (the registrar, later "
        "also the compliance officer), dev1, dev2 and dev3 three companies, dev4 an investor, dev5 an exchange and "
        "dev7 a bank.",
    ) as act:
        lifetime = "ephemeral: it disappears at the end" if ephemeral else "persistent: it keeps running"
        act.outcome = f"chain {registrar.chain_id} at {node.rpc_url} ({lifetime})"

    with tour.act(
        "Deploy the contracts",
        "One ERC-721 contract holds every right, and its deployer dev0 gets the admin, registrar and guardian roles. "
        "Beside it: a compliance registry, a share vault, a settlement desk and a test dollar (tUSD) for later, and "
        "the modules for rights in use: a licence registry, a royalty vault, an attestation registry and a dispute "
        "manager, and a loan desk for financing.",
    ) as act:
        deployment = registrar.deploy_all()
        registry = deployment.registry
        modules = {str(address).lower(): role for role, address in deployment.addresses().items() if address}
        for name, result in deployment.transactions.items():
            act.record(_deployment_label(name, modules), result)
        act.outcome = (
            f"IPRegistry at {registry}, deployed by {names.label(registrar.signer.address)}; share vault at "
            f"{deployment.vault}, settlement desk at {deployment.desk}"
        )
    if not ephemeral:
        save_local_deployment(deployment)
    names = tour.names = Names(
        registrar.chain_id,
        [(address, role) for role, address in deployment.addresses().items() if address is not None],
    )

    documents = _write_files(workdir, SAMPLE_DOCUMENTS)
    (workdir / "metadata.json").write_text(json.dumps(SAMPLE_METADATA, indent=2) + "\n", "utf-8")
    deeds = _write_files(workdir, DEEDS)
    orders = _write_files(workdir, ORDERS)
    owners = {name: registrar.use(name) for name in ("dev1", "dev2", "dev3")}

    with tour.act(
        f"Register {label}",
        "The registrar records the patent for dev1 with only the SHA-256 fingerprints of its claims, description "
        "and drawings, under a token id derived from the patent number: the documents stay private and the same "
        "patent can never be registered twice.",
    ) as act:
        registration = registrar.register(metadata, documents, to="dev1")
        token = registration.token_id
        act.record(
            "register",
            TransactionResult(tx_hash=registration.tx_hash, block=registration.block, gas_used=registration.gas_used),
        )
        act.outcome = f"token {short(hex(token))} minted to {names.label(registration.owner)}"
        try:
            registrar.register(metadata, documents, to="dev2")
        except ContractRevertError as exc:
            act.refused = tour.refusal("registering the same patent again", exc)

    chinese = _chinese_patent(tour, registrar, workdir / "cn")
    portfolio = _portfolio(tour, registrar, workdir / "portfolio")

    for (giver, taker), deed in zip((("dev1", "dev2"), ("dev2", "dev3")), deeds, strict=True):
        with tour.act(
            f"Assign {giver} → {taker}",
            f"{giver} signs the move and the SHA-256 of the signed deed ({deed.name}) is recorded with it, so the "
            "chain proves which contract justified the new owner.",
        ) as act:
            act.record("assign", owners[giver].rights.assign(token, taker, deed))
            act.outcome = f"{names.label(registrar.address_of(taker))} owns the patent; deed 0x{hash_file(deed).hex()}"

    with tour.act(
        "Freeze by court order",
        "A court freezes the patent during a dispute: the registrar records the order's hash, and from then on "
        "the owner cannot move the right.",
    ) as act:
        act.record("freeze", registrar.rights.freeze(token, orders[0]))
        act.outcome = f"frozen by {names.label(registrar.signer.address)} under {orders[0].name}"
        try:
            owners["dev3"].rights.assign(token, "dev4", deeds[1])
        except ContractRevertError as exc:
            act.refused = tour.refusal("dev3 assigning it to dev4", exc)

    with tour.act(
        "Unfreeze",
        "The court approves a settlement and lifts the freeze, and the registrar records that order too.",
    ) as act:
        act.record("unfreeze", registrar.rights.unfreeze(token, orders[1]))
        act.outcome = f"active again under {orders[1].name}; dev3 may assign it"

    with tour.act(
        "Provenance report",
        "Anyone with the documents can recheck everything from the chain alone: the timeline of events, then "
        "named checks (registry code, custody, documents, metadata, status) and the notices an auditor must weigh.",
    ) as act:
        timeline = registrar.history(token)
        completed = registrar.rights.prepare(metadata, documents).metadata
        report = registrar.verify(token, documents=documents, metadata=completed)
        tampered = workdir / "claims-tampered.txt"
        tampered.write_text(SAMPLE_DOCUMENTS["claims.txt"].replace("room temperature", "80 °C"), "utf-8")
        tampered_report = registrar.verify(token, documents=[tampered, *documents[1:]])
        act.outcome = f"{len(timeline.events)} events; verdict {report.verdict.upper()}"
    out.print(history_table(timeline.events, names, width=out.out.width, title="History, oldest first"))
    print_report(out, report, names)
    tampered_failed = [check.name for check in tampered_report.checks if not check.ok]
    out.line(
        Text.assemble(
            ("✓ ", "green"),
            f"with a tampered claims file the verdict is {tampered_report.verdict.upper()} "
            f"({', '.join(tampered_failed)} check): a single changed word is caught.",
        )
    )

    rights_files = dict(zip(RIGHTS_DOCUMENTS, _write_files(workdir, RIGHTS_DOCUMENTS), strict=True))
    licence, rights = _rights_in_use(tour, registrar, token, rights_files)
    shares = _trade(tour, registrar, token, label, keep_orders=not ephemeral)
    rights["royalty"] = _royalties(tour, registrar, token, licence, rights_files["sales-report-q1.txt"])
    final = registrar.verify(token)
    _final_checks(out, final)
    chinese["report"] = _chinese_report(tour, registrar, int(chinese["token_id"]), workdir / "cn")
    financing = _financing(tour, registrar, int(chinese["token_id"]), workdir / "loans")

    transactions = tour.transactions()
    total_gas = sum(result.gas_used for _, _, result in transactions)
    owner = report.record.owner if report.record else registration.owner
    summary = DemoSummary(
        transactions=len(transactions),
        total_gas=total_gas,
        owner=owner,
        verdict="verified" if report.verdict == final.verdict == "verified" else "failed",
        custody=final.record.owner if final.record else None,
    )
    _print_summary(out, tour, label, hex(token), summary, workdir if not ephemeral else None)
    return DemoTour(
        chain=DemoChain(rpc_url=node.rpc_url, chain_id=registrar.chain_id, ephemeral=ephemeral),
        registry=registry,
        deployment=deployment.addresses(),
        accounts={f"dev{index}": dev_account(index).address for index in range(9)},
        token_id=token,
        right=label,
        metadata=completed,
        documents=list(completed.documents),
        documents_dir=None if ephemeral else str(workdir),
        acts=[act.record_of() for act in tour.acts],
        history=timeline,
        verification=report,
        tampered_verification={"verdict": tampered_report.verdict, "failed_checks": tampered_failed},
        shares={
            "share_token": shares["share_token"],
            "order": shares["order"],
            "cap_table": model_json(shares["cap_table"]),
            "verification": model_json(shares["verification"]),
        },
        rights_in_use={**rights, "verification": model_json(final)},
        chinese_patent=chinese,
        portfolio=portfolio,
        financing=financing,
        summary=summary,
    )


#: A Chinese invention as the Shanghai Technology Exchange lists it: one right, three numbers, a PCT family.
CHINESE_PATENT: dict[str, Any] = {
    "title": "一种固态电池电极及其制备方法",
    "kind": "patent_application",
    "number": "".join(chr(ord(char) + 0xFEE0) for char in "ZL202010123456.2"),  # as a Chinese IME types it
    "numbers": ["CN 111234567 A"],
    "family": ["PCT/CN2021/123456"],
    "inventors": ["李伟", "张敏"],
    "assignee": "上海固态电池研究院",
    "filing_date": "2020-02-12",
}
CHINESE_GRANT = "CN 111234567 B"


def _chinese_patent(tour: Tour, registrar: Ledger, folder: Path) -> dict[str, Any]:
    """A CN invention registered under its application number (typed full-width, as a Chinese input method writes
    it) with its publication number and PCT family, granted later; its other numbers and spellings are refused."""
    folder.mkdir(parents=True, exist_ok=True)
    documents = _write_files(
        folder,
        {"权利要求书.txt": "1. 一种固态电池电极，其特征在于……\n", "说明书.txt": "技术领域：固态电池。背景技术：……\n"},
    )
    metadata = parse_metadata(CHINESE_PATENT)
    with tour.act(
        "A Chinese patent, one token for all its numbers",
        "dev1 registers a CN invention application, typed in full-width characters as a Chinese input method "
        "writes it, with its publication "
        "number CN 111234567 A and its PCT application as a family link. The registry derives the token id from the "
        "canonical application number and reserves the publication number for the same token; when the patent is "
        "granted, the registrar records the grant number and the record becomes a patent. Registering it again "
        "under any of its numbers, in any spelling, is refused.",
    ) as act:
        filed = registrar.register(metadata, documents, to="dev1")
        act.record("register", TransactionResult(tx_hash=filed.tx_hash, block=filed.block, gas_used=filed.gas_used))
        act.record(
            "add grant number",
            registrar.rights.add_numbers(filed.token_id, [CHINESE_GRANT], kind="patent"),
        )
        granted = {**CHINESE_PATENT, "kind": "patent", "numbers": [*CHINESE_PATENT["numbers"], CHINESE_GRANT]}
        granted_metadata = prepare_registration(parse_metadata({**granted, "grant_date": "2022-06-14"}), documents)
        act.record(
            "publish the granted record", registrar.rights.publish_metadata(filed.token_id, granted_metadata.metadata)
        )
        record = registrar.get(filed.token_id)
        grant = {"number": CHINESE_GRANT, "numbers": [], "family": [], "kind": "patent"}
        copy = parse_metadata({**CHINESE_PATENT, **grant})
        try:
            registrar.register(copy, [folder / "说明书.txt"], to="dev2")
        except ContractRevertError as exc:
            act.refused = tour.refusal(f"registering {CHINESE_GRANT} as another right", exc)
        shown = registrar.get("ZL 2020 1 0123456.2")
        act.outcome = (
            f"{shown.title}: token {short(hex(filed.token_id))} ({record.kind.value.replace('_', ' ')}) holds "
            f"{', '.join(record.numbers)}; family {', '.join(record.family)}; its public record "
            f"({filed.record_bytes} bytes on chain) names its inventors "
            f"{'、'.join(shown.metadata.inventors if shown.metadata else [])}"
        )
    return {
        "token_id": filed.token_id,
        "title": shown.title,
        "metadata_hash": shown.metadata_hash,
        "numbers": record.numbers,
        "family": record.family,
        "kind": record.kind.value,
    }


#: The loans of the tour, in tUSD: a bank's loan against the Chinese patent, repaid, and one against a university's
#: patent application, enforced by auction.
BANK_LOAN = 200_000
UNIVERSITY_LOAN = 50_000
AUCTION_START = 150_000
AUCTION_FLOOR = 40_000
#: A CNIPA patent pledge registration number (专利权质押登记号), as the office issues one after the parties apply.
CNIPA_PLEDGE_NUMBER = "Y2024980012345"
DAY = 86_400


def _advance(registrar: Ledger, seconds: int) -> None:
    """Moves the demo chain's clock forward (anvil's ``evm_increaseTime``) and mines a block at the new time."""
    provider = registrar.chain.w3.provider
    provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
    provider.make_request("evm_mine", [])  # type: ignore[arg-type]


def _financing(tour: Tour, registrar: Ledger, chinese_token: int, folder: Path) -> dict[str, Any]:
    """dev7, a bank, lends against the Chinese patent (repaid) and against one of the university's applications
    (not repaid: enforced by a Dutch auction that dev8 wins)."""
    folder.mkdir(parents=True, exist_ok=True)
    agreements = _write_files(
        folder,
        {
            "专利权质押合同.txt": "出质人 dev1，质权人 dev7，借款 200,000 tUSD，年利率 3.45%，期限 180 天。\n",
            "loan-agreement-university.txt": "Pledgor dev3, pledgee dev7: 50,000 tUSD for 90 days at 6% a year.\n",
        },
    )
    names = tour.names
    bank, company, university = registrar.use("dev7"), registrar.use("dev1"), registrar.use("dev3")
    university_right = cn_application(2024, 1, 1).canonical
    with tour.act(
        "A loan against the Chinese patent",
        "dev7, a bank, signs an offer to lend 200,000 tUSD for 180 days at 3.45% a year against ZL 2020 1 0123456.2, "
        "under a pledge contract governed by Chinese law (so the bank can enforce only by a sale, never by taking "
        "the patent). dev1 accepts it in one transaction: the patent is pledged where it stands (dev1 still owns it "
        "and keeps its royalties) and the principal arrives. The pledge registration number CNIPA issues is then "
        "recorded beside it, and an assignment by dev1 is refused.",
    ) as act:
        act.record("mint tUSD to dev7", registrar.payments.mint_test_stablecoin("dev7", 1_000_000 * TUSD))
        act.record("mint tUSD to dev1", registrar.payments.mint_test_stablecoin("dev1", 10_000 * TUSD))
        offer = bank.loans.offer(
            chinese_token,
            principal=BANK_LOAN,
            duration="180d",
            apr="3.45",
            agreement=agreements[0],
            governing_law="CN",
        )
        opened = company.loans.accept(offer)
        act.record("accept the offer", opened)
        registration = bank.loans.register_pledge(opened.loan_id, CNIPA_PLEDGE_NUMBER)
        act.record("record the CNIPA pledge registration", registration)
        pledged = registrar.loans.get(opened.loan_id)
        try:
            company.rights.assign(chinese_token, "dev2", agreements[0])
        except ContractRevertError as exc:
            act.refused = tour.refusal("dev1 assigning the pledged patent to dev2", exc)
        act.outcome = (
            f"loan {opened.loan_id}: pledged to {names.label(pledged.lender)} under agreement "
            f"{short(pledged.agreement_hash)}, due {pledged.maturity:%Y-%m-%d}; CNIPA registration "
            f"{CNIPA_PLEDGE_NUMBER}"
        )
    with tour.act(
        "Repaid after 30 days",
        "Thirty days later dev1 repays everything: interest to the wei for the 30 days, then the principal. The "
        "pledge is released in the same transaction and the patent can change hands again.",
    ) as act:
        _advance(registrar, 30 * DAY)
        repaid = company.loans.repay(opened.loan_id)
        act.record("repay in full", repaid)
        act.outcome = (
            f"paid {units(repaid.paid, 6, 'tUSD')} ({units(repaid.interest_paid, 6, 'tUSD')} interest); pledge "
            f"{'released' if repaid.released else 'kept'}"
        )
    with tour.act(
        "A loan not repaid, enforced by auction",
        "dev7 lends 50,000 tUSD for 90 days at 6% to dev3 against one of its patent applications (Hong Kong law). "
        "dev3 does not repay; after maturity and a 15-day grace period the bank enforces the pledge by a Dutch "
        "auction falling from 150,000 to 40,000 tUSD over seven days. dev8 buys at the price of day three: the bank "
        "receives principal, interest and costs, dev3 the surplus, and dev8 the right.",
    ) as act:
        act.record("mint tUSD to dev8", registrar.payments.mint_test_stablecoin("dev8", 200_000 * TUSD))
        offer = bank.loans.offer(
            university_right,
            principal=UNIVERSITY_LOAN,
            duration="90d",
            apr="6",
            grace="15d",
            auction="7d",
            costs=500,
            agreement=agreements[1],
            governing_law="HK",
        )
        loan = university.loans.accept(offer)
        act.record("accept the offer", loan)
        _advance(registrar, 106 * DAY)
        act.record(
            "enforce: auction",
            bank.loans.enforce(loan.loan_id, start_price=AUCTION_START, floor_price=AUCTION_FLOOR),
        )
        _advance(registrar, 3 * DAY)
        sold = registrar.use("dev8").loans.bid(loan.loan_id, max_price=AUCTION_START)
        act.record("bid", sold)
        act.outcome = (
            f"sold to {names.label(sold.buyer)} for {units(sold.price, 6, 'tUSD')}: "
            f"{units(sold.to_lender, 6, 'tUSD')} to the bank, {units(sold.to_borrower, 6, 'tUSD')} to dev3"
        )
    return {
        "repaid_loan": opened.loan_id,
        "cnipa_pledge_registration": CNIPA_PLEDGE_NUMBER,
        "repaid": model_json(repaid),
        "enforced_loan": loan.loan_id,
        "sale": model_json(sold),
    }


def _chinese_report(tour: Tour, registrar: Ledger, token: int, folder: Path) -> dict[str, Any]:
    """The Chinese patent's audit report in Simplified Chinese, as an HTML page beside its documents."""
    with tour.act(
        "A report in Chinese",
        "The Chinese patent's audit report, in Simplified Chinese (--lang zh-Hans; zh-Hant for Hong Kong): its "
        "title, numbers, inventors and custody read from the chain alone.",
    ) as act:
        built = build_report(registrar, token=token)
        path = folder / "审计报告.html"
        path.write_bytes(render_report(built, "html", "zh-Hans"))
        record = built.rights[0].record
        act.outcome = (
            f"{record.title if record else ''}（{record.primary_number if record else ''}）→ {path}"
            if record
            else str(path)
        )
    return {"path": str(path), "lang": "zh-Hans"}


def _portfolio(tour: Tour, registrar: Ledger, folder: Path, size: int = 20) -> dict[str, Any]:
    """A university's portfolio registered from one CSV file in one ``registerBatch``, then the same file again."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["title,kind,jurisdiction,number,documents,filing_date,to"]
    for serial in range(1, size + 1):
        (folder / f"claims-{serial}.txt").write_text(f"Claims of CN patent application 2024{serial:07d}\n", "utf-8")
        lines.append(
            f"Perovskite cell variant {serial},patent_application,CN,{cn_application(2024, 1, serial).canonical},"
            f"claims-{serial}.txt,2024-02-01,dev3"
        )
    source = folder / "portfolio.csv"
    source.write_text("\n".join(lines) + "\n", "utf-8")
    with tour.act(
        f"A portfolio of {size} in one transaction",
        f"dev3, a university, lists {size} patent applications in a CSV file. The registrar registers them all in one "
        "registerBatch transaction (documents hashed in parallel, every row validated first), then runs the same "
        "file again, as after an interruption: every row is found on chain and nothing is sent twice.",
    ) as act:
        report = registrar.rights.register_bulk(source, results=folder / "portfolio.results.csv")
        batches = {row.tx_hash: row for row in report.rows if row.tx_hash}
        for row in batches.values():
            if row.block is not None and row.gas_used is not None and row.tx_hash is not None:
                act.record(
                    "registerBatch", TransactionResult(tx_hash=row.tx_hash, block=row.block, gas_used=row.gas_used)
                )
        again = registrar.rights.register_bulk(source)
        per_right = report.gas_used // max(1, report.count(BulkStatus.REGISTERED))
        act.outcome = (
            f"{report.count(BulkStatus.REGISTERED)} rights for {tour.names.label(registrar.address_of('dev3'))} in "
            f"{report.transactions} transaction ({per_right:,} gas per right); run again: "
            f"{again.count(BulkStatus.ALREADY_REGISTERED)} already on chain, {again.transactions} sent"
        )
    return {
        "rights": report.count(BulkStatus.REGISTERED),
        "transactions": report.transactions,
        "gas_used": report.gas_used,
        "rerun_already_registered": again.count(BulkStatus.ALREADY_REGISTERED),
        "rerun_transactions": again.transactions,
    }


def _trade(tour: Tour, registrar: Ledger, token: int, label: str, *, keep_orders: bool) -> dict[str, Any]:
    """The trading acts: fractionalize, know your investors, list on an exchange, an OTC trade, the cap table.

    With ``keep_orders`` the signed order goes to the local order book, for `ipledger market orders`.
    """
    out, names = tour.out, tour.names
    owner, buyer = registrar.use("dev3"), registrar.use("dev4")
    decimals = 18
    one = 10**decimals

    with tour.act(
        "Fractionalize the patent",
        f"dev3 locks the patent in the share vault and receives {SHARE_SUPPLY:,} ERC-20 shares of it. The vault "
        "holds the patent in custody for whoever holds the shares; whoever gathers all of them may take it back. "
        "The shares are restricted: only verified investors and venue wallets may hold them.",
    ) as act:
        result = owner.shares.fractionalize(
            token, f"{label} shares", "USP11234567", SHARE_SUPPLY * one, decimals=decimals
        )
        act.record("approve the vault", result.approval)
        act.record(
            "fractionalize", TransactionResult(tx_hash=result.tx_hash, block=result.block, gas_used=result.gas_used)
        )
        act.outcome = (
            f"the vault holds the patent; {names.label(result.owner)} holds "
            f"{units(result.supply, decimals, result.symbol)} (share token {result.share_token})"
        )
    symbol = result.symbol

    with tour.act(
        "Know your investors",
        "The compliance officer (dev0) records dev3 as a verified investor in the US and dev4 in Germany, each for a "
        "year, and dev5 as the omnibus wallet of an exchange, which screens its own customers. Only the hashes of "
        "the KYC files go on chain.",
    ) as act:
        act.record(
            "verify dev3 (US)", registrar.compliance.verify_investor("dev3", "US", evidence="KYC file 2026-0042 (dev3)")
        )
        act.record(
            "verify dev4 (DE)", registrar.compliance.verify_investor("dev4", "DE", evidence="KYC file 2026-0043 (dev4)")
        )
        act.record(
            "register dev5 as a venue", registrar.compliance.register_venue("dev5", "Example Exchange omnibus wallet")
        )
        act.outcome = "dev3 and dev4 are verified investors; dev5 is a venue wallet of Example Exchange"
        try:
            owner.shares.transfer(token, "dev6", one)
        except ContractRevertError as exc:
            act.refused = tour.refusal("dev3 sending shares to dev6, whom nobody verified,", exc)

    with tour.act(
        "List on an exchange",
        f"dev3 deposits {EXCHANGE_DEPOSIT:,} shares to the exchange's omnibus wallet. From now on the exchange "
        "trades them between its customers on its own books: those trades never touch the chain, which sees one "
        "holder, the venue wallet, until a customer withdraws to a verified wallet of their own.",
    ) as act:
        act.record("deposit", owner.shares.transfer(token, "dev5", EXCHANGE_DEPOSIT * one))
        act.outcome = (
            f"{names.label(registrar.address_of('dev5'))} holds {EXCHANGE_DEPOSIT:,} {symbol} for the exchange"
        )

    with tour.act(
        "Trade over the counter",
        f"dev3 signs an order off chain: {OTC_SHARES:,} shares for {OTC_PRICE:,} tUSD. dev4 fills it, and the "
        "settlement desk moves the shares and the dollars in one transaction: delivery versus payment, so neither "
        "side can be left without the other. The shares' compliance rules apply to the delivery.",
    ) as act:
        act.record("mint tUSD to dev4", registrar.payments.mint_test_stablecoin("dev4", INVESTOR_FUNDS * 10**6))
        signed = owner.market.create_order("sell", token, OTC_SHARES * one, price=OTC_PRICE * 10**6, approve=False)
        if keep_orders:
            save_order(signed)
        act.record("dev3 approves the desk", owner.market.approve_order(signed))
        fill = buyer.market.fill_order(signed)
        act.record("dev4 approves the desk", fill.approval)
        act.record("fill", TransactionResult(tx_hash=fill.tx_hash, block=fill.block, gas_used=fill.gas_used))
        act.outcome = (
            f"dev4 paid {units(fill.payment, 6, 'tUSD')} and received {units(fill.amount, decimals, symbol)} "
            f"(order {short(signed.order_hash)})"
        )
        try:
            buyer.market.fill_order(signed)
        except ContractRevertError as exc:
            act.refused = tour.refusal("filling the same order again", exc)

    with tour.act(
        "Cap table and custody",
        "Who holds the shares is replayed from the share token's Transfer logs and checked against its supply; "
        "the provenance report now finds the patent in the vault's custody, not lost.",
    ) as act:
        table = registrar.shares.cap_table(token)
        final = registrar.verify(token)
        act.outcome = f"{len(table.holders)} holders; verdict {final.verdict.upper()}"
    out.print(cap_table_table(table, names, title=f"Cap table ({symbol}), largest first"))
    shares_check = next((check for check in final.checks if check.name == "shares"), None)
    if shares_check is not None:
        out.line(
            Text.assemble(
                ("✓ " if shares_check.ok else "✗ ", "green" if shares_check.ok else "red"), shares_check.detail
            )
        )
    return {
        "share_token": result.share_token,
        "order": signed.model_dump(mode="json"),
        "cap_table": table,
        "verification": final,
    }


def _rights_in_use(tour: Tour, registrar: Ledger, token: int, files: dict[str, Path]) -> tuple[License, dict[str, Any]]:
    """The acts between the provenance report and the shares: dev3 licenses the patent (an overlapping licence is
    refused), the registrar attests its title, a competitor's dispute is raised and dismissed (its bond forfeited to
    dev3, the owner, in the royalty vault). Returns the licence and the acts' JSON."""
    names = tour.names
    owner, competitor = registrar.use("dev3"), registrar.use("dev8")
    admin = registrar.signer.address
    tusd = str(registrar.contracts.stablecoin.address)

    with tour.act(
        "License the patent",
        "dev3 grants dev6, a battery maker, a sole licence for electric vehicles in the US and Germany for ten "
        "years, at a royalty of 5% of net sales paid in tUSD. Only the SHA-256 of the signed agreement goes on chain. "
        "The licence binds every later holder of the patent, and a sole licence refuses any other licence whose "
        "territory, field and period overlap it.",
    ) as act:
        start = registrar.chain.chain_time()
        terms = LicenseTerms(
            licensee="dev6",
            terms="0x" + hash_file(files["licence-agreement.txt"]).hex(),
            exclusivity=Exclusivity.SOLE,
            territories=("US", "DE"),
            field_of_use=LICENSE_FIELD,
            start=start,
            end=start + 10 * 365 * 86400,
            royalty_bps=ROYALTY_BPS,
            payment_token=tusd,
        )
        granted = owner.licenses.grant(token, terms)
        act.record("grant", granted)
        licence = registrar.licenses.get(granted.license_id).model_copy(update={"field_of_use": LICENSE_FIELD})
        act.outcome = (
            f"licence {licence.license_id}: {names.label(licence.licensee)} may use the patent for "
            f"{LICENSE_FIELD} in {', '.join(licence.territories)} until {licence.end:%Y-%m-%d}, royalty 5% in tUSD"
        )
        try:
            owner.licenses.grant(
                token,
                terms.model_copy(update={"licensee": "dev7", "exclusivity": Exclusivity.EXCLUSIVE, "territories": ()}),
            )
        except ContractRevertError as exc:
            act.refused = tour.refusal("an exclusive worldwide licence to dev7 on top of it", exc)

    with tour.act(
        "A title attestation",
        "The patent office dev0, given the attestor role, attests TITLE_VERIFIED: it checked the chain of title "
        "from the inventors to dev3. Attorneys, examiners and auditors with the role attest the same way (or sign "
        "an attestation for anyone to submit); an attestation can expire or be revoked.",
    ) as act:
        if not registrar.contracts.has_role("attestor", admin):
            act.record("grant the attestor role", registrar.contracts.grant_role("attestor", admin))
        attested = registrar.attestations.attest(token, "TITLE_VERIFIED", evidence=files["title-opinion.txt"])
        act.record("attest", attested)
        attestation = registrar.attestations.get(attested.attestation_id)
        act.outcome = (
            f"attestation {attestation.attestation_id}: {attestation.claim_type} by "
            f"{names.label(attestation.attestor)} on title-opinion.txt"
        )

    with tour.act(
        "A dispute, raised and dismissed",
        "dev8, a competitor, disputes the patent with alleged prior art and posts the dispute bond in tUSD. The "
        "arbitrator (dev0) finds the prior art does not apply and dismisses the dispute; the bond is forfeited to the "
        "patent's owner, credited in the royalty vault like a royalty (had the patent been fractionalized, its share "
        "holders would have shared it pro rata). An upheld dispute would have flagged the patent, and could have "
        "frozen, moved or revoked it.",
    ) as act:
        act.record("mint tUSD to dev8", registrar.payments.mint_test_stablecoin("dev8", COMPETITOR_FUNDS * TUSD))
        # dev8's wallet, and what dev3 may withdraw from the royalty vault as the owner.
        readers: dict[str, Callable[[], int]] = {
            "dev8": lambda: registrar.payments.balance(tusd, "dev8"),
            "dev3": lambda: registrar.royalties.owed("dev3", tusd).amount,
        }
        balances = {name: [read()] for name, read in readers.items()}
        raised = competitor.disputes.open(token, evidence=files["prior-art.txt"])
        act.record("dev8 approves the bond", raised.approval)
        act.record("raise", TransactionResult(tx_hash=raised.tx_hash, block=raised.block, gas_used=raised.gas_used))
        for name, seen in balances.items():
            seen.append(readers[name]())
        if not registrar.contracts.has_role("arbitrator", admin):
            act.record("grant the arbitrator role", registrar.contracts.grant_role("arbitrator", admin))
        resolved = registrar.disputes.resolve(raised.dispute_id, upheld=False, ruling=files["ruling.txt"])
        act.record("dismiss", resolved)
        for name, seen in balances.items():
            seen.append(readers[name]())
        dispute = registrar.disputes.get(raised.dispute_id)
        recipient = next(
            (
                event.to
                for event in registrar.history(token).events
                if event.kind == "dispute_resolved" and event.tx_hash == resolved.tx_hash
            ),
            None,
        )
        flows = "; ".join(
            f"{'dev3 in the royalty vault' if name == 'dev3' else name} "
            f"{' → '.join(units(amount, 6) for amount in seen)} tUSD"
            for name, seen in balances.items()
        )
        act.outcome = (
            f"dispute {dispute.dispute_id} {dispute.outcome.value}; the bond of {units(raised.bond, 6, 'tUSD')} "
            f"went to {names.label(recipient)} ({flows}: before, raised, resolved)"
        )
    return licence, {
        "license": {**model_json(licence), "state": "active" if licence.active else "inactive"},
        "attestation": model_json(attestation),
        "dispute": {
            **model_json(dispute),
            "bond_recipient": recipient,
            # dev8's tUSD wallet; dev3's tUSD account in the royalty vault (before, raised, resolved).
            "balances": {"dev8": [str(amount) for amount in balances["dev8"]]},
            "royalty_account": {"dev3": [str(amount) for amount in balances["dev3"]]},
        },
    }


def _royalties(tour: Tour, registrar: Ledger, token: int, licence: License, report: Path) -> dict[str, Any]:
    """The act after the shares: dev6 pays a royalty, credited to the share holders; dev3 and dev4 claim theirs."""
    tusd = str(registrar.contracts.stablecoin.address)
    licensee = registrar.use("dev6")
    holders = {name: registrar.use(name) for name in ("dev3", "dev4")}
    with tour.act(
        "Royalties to the share holders",
        f"dev6 reports {NET_SALES:,} tUSD of net sales and pays the 5% royalty, {ROYALTY:,} tUSD, into the royalty "
        "vault. The patent is fractionalized, so the payment goes to its share holders pro rata, exact to the cent: "
        "each claims its part from the share token whenever it likes, even after selling its shares.",
    ) as act:
        act.record("mint tUSD to dev6", registrar.payments.mint_test_stablecoin("dev6", ROYALTY * TUSD))
        payment = licensee.royalties.pay(licence.license_id, ROYALTY * TUSD, report=report)
        act.record("dev6 approves the royalty vault", payment.approval)
        act.record("pay", TransactionResult(tx_hash=payment.tx_hash, block=payment.block, gas_used=payment.gas_used))
        claims: dict[str, int] = {}
        for name, holder in holders.items():
            claims[name] = registrar.royalties.owed(name, tusd, token_id=token).amount
            act.record(f"{name} claims", holder.royalties.claim(token, tusd))
        unclaimed = registrar.royalties.owed("dev5", tusd, token_id=token).amount
        claimed = ", ".join(f"{name} {units(amount, 6, 'tUSD')}" for name, amount in claims.items())
        act.outcome = (
            f"paid {units(payment.amount, 6, 'tUSD')} to the share token {short(payment.beneficiary)}; claimed: "
            f"{claimed}; the exchange's wallet dev5 may claim {units(unclaimed, 6, 'tUSD')}"
        )
    return {
        "license_id": licence.license_id,
        "amount": str(payment.amount),
        "beneficiary": payment.beneficiary,
        "claims": {name: str(amount) for name, amount in claims.items()},
        "unclaimed": {"dev5": str(unclaimed)},
    }


def _final_checks(out: Output, report: VerificationReport) -> None:
    """The licence and dispute checks of the last provenance report, one line each."""
    for check in report.checks:
        if check.name in ("licenses", "disputes"):
            mark = ("✓ ", "green") if check.ok else ("✗ ", "red")
            out.line(Text.assemble(mark, f"{check.name}: {check.detail}"))


def _print_summary(
    out: Output, tour: Tour, label: str, token_hex: str, summary: DemoSummary, kept: Path | None
) -> None:
    if out.json_mode:
        return
    names = tour.names
    gas = Table(box=box.SIMPLE_HEAD, title="Gas per transaction", title_justify="left")
    gas.add_column("Act", justify="right")
    gas.add_column("Transaction")
    gas.add_column("Block", justify="right")
    gas.add_column("Gas used", justify="right")
    for act, step, result in tour.transactions():
        what = act.title if len(act.transactions) == 1 else f"{act.title}: {step}"
        gas.add_row(str(act.number), what, str(result.block), f"{result.gas_used:,}")
    gas.add_row("", Text("total", style="bold"), "", Text(f"{summary.total_gas:,}", style="bold"))
    out.print(Text(""), Rule(Text("Summary", style="bold"), align="left"), gas)
    verdict = summary.verdict.upper()
    out.print(
        Panel(
            f"{label} (token {short(token_hex)}) was registered to dev1 by the registrar dev0, assigned to dev2 "
            f"and then to {names.label(summary.owner)} under recorded deeds, frozen and unfrozen under court "
            f"orders. Then dev3 fractionalized it into {SHARE_SUPPLY:,} restricted shares, listed "
            f"{EXCHANGE_DEPOSIT:,} on an exchange's omnibus wallet and sold {OTC_SHARES:,} to dev4 for "
            f"{OTC_PRICE:,} tUSD in one settlement; a transfer to an unverified account was refused. dev6 holds a sole "
            f"licence and paid {ROYALTY:,} tUSD of royalties that the share holders claim pro rata; the registrar "
            "attested the title, and a competitor's dispute was dismissed. A bank lent against the Chinese patent "
            "(pledged, then released on repayment) and sold a patent application pledged for a loan that was not "
            f"repaid at a Dutch auction. {summary.transactions} transactions, {summary.total_gas:,} gas in all. "
            f"Provenance: {verdict} — the documents match, the chain of custody is unbroken (the patent is in the "
            "share vault's custody) and the contracts run the code ipledger ships.",
            title="What happened",
            box=box.ROUNDED,
        )
    )
    if kept is not None:
        docs = " ".join(f"--doc {kept / name}" for name in SAMPLE_DOCUMENTS)
        out.line("The chain keeps running and the demo contracts are now the local default. Explore:")
        out.line(f"  ipledger history {token_hex}")
        out.line(f"  ipledger verify {token_hex} {docs} --metadata {kept / 'metadata.json'}")
        out.line(f"  ipledger shares cap-table {token_hex}")
        out.line("  ipledger market orders")
        out.line(f"  ipledger license list {token_hex}")
        out.line(f"  ipledger royalty owed dev5 --token {token_hex}")
        out.line(f"  ipledger attest list {token_hex}")
        out.line(f"  ipledger dispute list {token_hex}")
        out.line("Stop the chain with `ipledger node stop`; its state is kept for the next start.")
    else:
        out.line("Next: `ipledger node start`, then `ipledger register --help` to register your own right.")
