"""``ipledger demo``: a guided tour on a throwaway chain, from registration to the provenance report."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from .._accounts import dev_account
from .._exceptions import ContractRevertError
from .._hashing import hash_file
from .._ledger import Ledger, save_local_registry
from .._models import IPMetadata, TransactionResult, parse_metadata
from .._node import NodeInfo, start_local_node, start_node, stop_node
from ._audit_commands import print_report
from ._options import JsonOpt
from ._output import Output, model_json, token_json
from ._registry_commands import deployment_transaction
from ._render import Names, history_table, right_label, short, tx_line

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


@dataclass
class Act:
    """One numbered step of the tour and what it proved."""

    number: int
    title: str
    explanation: str
    outcome: str = ""
    transaction: TransactionResult | None = None
    refused: dict[str, str] | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "act": self.number,
            "title": self.title,
            "explanation": self.explanation,
            "outcome": self.outcome,
            "transaction": self.transaction.model_dump(mode="json") if self.transaction else None,
            "refused": self.refused,
        }


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
        if act.transaction is not None:
            self.out.line(Text.assemble("  ", tx_line(act.transaction)))
        if act.refused is not None:
            self.out.line(
                Text.assemble(
                    ("✓ ", "green"), f"{act.refused['attempt']} is refused with ", (act.refused["error"], "bold")
                )
            )

    @staticmethod
    def refusal(attempt: str, exc: ContractRevertError) -> dict[str, str]:
        return {"attempt": attempt, "error": exc.error_name, "message": str(exc)}

    def transactions(self) -> list[tuple[Act, TransactionResult]]:
        return [(act, act.transaction) for act in self.acts if act.transaction is not None]


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


def demo(keep: KeepOpt = False, json_: JsonOpt = False) -> None:
    """Tour ipledger on a throwaway chain: register a patent, assign it twice, freeze it, audit it.

    Starts an ephemeral anvil chain (gone at the end; --keep uses the persistent local chain instead),
    deploys the registry, registers a sample patent with its documents, assigns it dev1 → dev2 → dev3 under
    deeds, freezes and unfreezes it under court orders, then prints the provenance report: the history
    timeline and the verification checks. Each act says what it proves and the gas it cost.

    With --json prints one JSON document: {"chain", "registry", "accounts", "token_id", "token_id_dec",
    "metadata", "documents", "acts", "history", "verification", "tampered_verification", "summary"}.
    Exits 0 when the final verification passes.
    """
    out = Output(json_)
    workdir = Path(tempfile.mkdtemp(prefix="ipledger-demo-"))
    with out.progress("Starting a local chain…"):
        node, ephemeral = _start_chain(keep)
    try:
        payload = _run(out, node, ephemeral, workdir)
    finally:
        if ephemeral:
            stop_node(node.pid)
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    out.result(payload, lambda: None)
    if payload["summary"]["verdict"] != "verified":
        raise typer.Exit(1)


def _run(out: Output, node: NodeInfo, ephemeral: bool, workdir: Path) -> dict[str, Any]:
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
        "A local anvil chain with ten funded dev accounts: dev0 plays the patent office (the registrar), "
        "dev1, dev2 and dev3 three companies.",
    ) as act:
        lifetime = "ephemeral: it disappears at the end" if ephemeral else "persistent: it keeps running"
        act.outcome = f"chain {registrar.chain_id} at {node.rpc_url} ({lifetime})"

    with tour.act(
        "Deploy the registry",
        "One ERC-721 contract holds every right, and its deployer dev0 gets the admin, registrar and guardian roles.",
    ) as act:
        registry = registrar.deploy()
        act.transaction = deployment_transaction(registrar, registry)
        act.outcome = f"IPRegistry at {registry}, deployed by {names.label(registrar.signer.address)}"
    if not ephemeral:
        save_local_registry(registry, registrar.chain_id)

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
        act.transaction = TransactionResult(
            tx_hash=registration.tx_hash, block=registration.block, gas_used=registration.gas_used
        )
        act.outcome = f"token {short(hex(token))} minted to {names.label(registration.owner)}"
        try:
            registrar.register(metadata, documents, to="dev2")
        except ContractRevertError as exc:
            act.refused = tour.refusal("registering the same patent again", exc)

    for (giver, taker), deed in zip((("dev1", "dev2"), ("dev2", "dev3")), deeds, strict=True):
        with tour.act(
            f"Assign {giver} → {taker}",
            f"{giver} signs the move and the SHA-256 of the signed deed ({deed.name}) is recorded with it, so the "
            "chain proves which contract justified the new owner.",
        ) as act:
            act.transaction = owners[giver].assign(token, taker, deed)
            act.outcome = f"{names.label(registrar.address_of(taker))} owns the patent; deed 0x{hash_file(deed).hex()}"

    with tour.act(
        "Freeze by court order",
        "A court freezes the patent during a dispute: the registrar records the order's hash, and from then on "
        "the owner cannot move the right.",
    ) as act:
        act.transaction = registrar.freeze(token, orders[0])
        act.outcome = f"frozen by {names.label(registrar.signer.address)} under {orders[0].name}"
        try:
            owners["dev3"].assign(token, "dev4", deeds[1])
        except ContractRevertError as exc:
            act.refused = tour.refusal("dev3 assigning it to dev4", exc)

    with tour.act(
        "Unfreeze",
        "The court approves a settlement and lifts the freeze, and the registrar records that order too.",
    ) as act:
        act.transaction = registrar.unfreeze(token, orders[1])
        act.outcome = f"active again under {orders[1].name}; dev3 may assign it"

    with tour.act(
        "Provenance report",
        "Anyone with the documents can recheck everything from the chain alone: the timeline of events, then "
        "named checks (registry code, custody, documents, metadata, status) and the notices an auditor must weigh.",
    ) as act:
        timeline = registrar.history(token)
        completed = registrar.prepare(metadata, documents).metadata
        report = registrar.verify(token, documents=documents, metadata=completed)
        tampered = workdir / "claims-tampered.txt"
        tampered.write_text(SAMPLE_DOCUMENTS["claims.txt"].replace("room temperature", "80 °C"), "utf-8")
        tampered_report = registrar.verify(token, documents=[tampered, *documents[1:]])
        act.outcome = f"{len(timeline.events)} events; verdict {report.verdict.upper()}"
    out.print(history_table(timeline.events, names, width=out.out.width, title="History, oldest first"))
    print_report(out, report)
    tampered_failed = [check.name for check in tampered_report.checks if not check.ok]
    out.line(
        Text.assemble(
            ("✓ ", "green"),
            f"with a tampered claims file the verdict is {tampered_report.verdict.upper()} "
            f"({', '.join(tampered_failed)} check): a single changed word is caught.",
        )
    )

    transactions = tour.transactions()
    total_gas = sum(result.gas_used for _, result in transactions)
    owner = report.record.owner if report.record else registration.owner
    summary = {
        "transactions": len(transactions),
        "total_gas": total_gas,
        "owner": owner,
        "verdict": report.verdict,
    }
    _print_summary(out, tour, label, hex(token), summary, workdir if not ephemeral else None)
    return {
        "chain": {"rpc_url": node.rpc_url, "chain_id": registrar.chain_id, "ephemeral": ephemeral},
        "registry": registry,
        "accounts": {f"dev{index}": dev_account(index).address for index in range(5)},
        **token_json(token),
        "right": label,
        "metadata": completed.model_dump(mode="json"),
        "documents": [ref.model_dump(mode="json") for ref in completed.documents],
        "documents_dir": None if ephemeral else str(workdir),
        "acts": [act.as_json() for act in tour.acts],
        "history": model_json(timeline),
        "verification": model_json(report),
        "tampered_verification": {"verdict": tampered_report.verdict, "failed_checks": tampered_failed},
        "summary": summary,
    }


def _print_summary(
    out: Output, tour: Tour, label: str, token_hex: str, summary: dict[str, Any], kept: Path | None
) -> None:
    if out.json_mode:
        return
    names = tour.names
    gas = Table(box=box.SIMPLE_HEAD, title="Gas per transaction", title_justify="left")
    gas.add_column("Act", justify="right")
    gas.add_column("Transaction")
    gas.add_column("Block", justify="right")
    gas.add_column("Gas used", justify="right")
    for act, result in tour.transactions():
        gas.add_row(str(act.number), act.title, str(result.block), f"{result.gas_used:,}")
    gas.add_row("", Text("total", style="bold"), "", Text(f"{summary['total_gas']:,}", style="bold"))
    out.print(Text(""), Rule(Text("Summary", style="bold"), align="left"), gas)
    verdict = summary["verdict"].upper()
    out.print(
        Panel(
            f"{label} (token {short(token_hex)}) was registered to dev1 by the registrar dev0, assigned to dev2 "
            f"and then to {names.label(summary['owner'])} under recorded deeds, frozen and unfrozen under court "
            f"orders. {summary['transactions']} transactions, {summary['total_gas']:,} gas in all. "
            f"Provenance: {verdict} — the documents match, the chain of custody is unbroken and the registry runs "
            "the code ipledger ships.",
            title="What happened",
            box=box.ROUNDED,
        )
    )
    if kept is not None:
        docs = " ".join(f"--doc {kept / name}" for name in SAMPLE_DOCUMENTS)
        out.line("The chain keeps running and the demo registry is now the local default. Explore:")
        out.line(f"  ipledger history {token_hex}")
        out.line(f"  ipledger verify {token_hex} {docs} --metadata {kept / 'metadata.json'}")
        out.line("Stop the chain with `ipledger node stop`; its state is kept for the next start.")
    else:
        out.line("Next: `ipledger node start`, then `ipledger register --help` to register your own right.")
