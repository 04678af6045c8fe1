"""Commands that change rights: register, assign (alias transfer), freeze, unfreeze, force-transfer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from ipledger.bulk._bulk_models import BulkMode
from ipledger.chain._accounts import Signer
from ipledger.models._models import TransactionResult, parse_metadata

from .._exceptions import UnauthorizedError
from ._bulk_register import register_batch
from ._context import Session, Target, open_ledger
from ._errors import CliError
from ._inputs import Evidence, build_metadata, evidence, require_documents
from ._options import (
    AlsoNumberOpt,
    ChainIdOpt,
    DeedOpt,
    DocsOpt,
    FamilyOpt,
    FromOpt,
    JsonOpt,
    JurisdictionOpt,
    KindOpt,
    MetadataOpt,
    Network,
    NetworkOpt,
    NumberOpt,
    OrderOpt,
    ReasonOpt,
    RegistryOpt,
    RpcUrlOpt,
    TitleOpt,
    ToArg,
    TokenArg,
    UnpublishedOpt,
)
from ._output import Output, number_json, token_json
from ._render import details_lines, numbers_text, plural, right_label, short, tx_line

__all__ = ["assign", "force_transfer", "freeze", "register", "revoke", "unfreeze"]

ToOpt = Annotated[
    str | None,
    typer.Option("--to", metavar="ACCOUNT", help="Owner of the new token (default: the --from account)."),
]
ConfidentialOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--confidential",
        metavar="FIELD",
        help="Publish FIELD (inventors, assignee, title, filing_date, abstract, ...) only as a salted commitment "
        "until you open it (ipledger open-fields); repeatable. The salts are kept in $IPLEDGER_HOME/salts.",
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="CODEC",
        help="Text encoding of the --batch file (default UTF-8, with or without BOM; gb18030 for Excel's CSV on "
        "Chinese Windows, big5 for Traditional Chinese).",
        rich_help_panel="Bulk registration",
    ),
]
BatchOpt = Annotated[
    Path | None,
    typer.Option(
        "--batch",
        metavar="FILE",
        help="Register every right of a CSV or JSON Lines file (columns: the metadata fields, documents, to; "
        "see docs/bulk.md). Resumable: run it again after any failure.",
        rich_help_panel="Bulk registration",
    ),
]
ResultsOpt = Annotated[
    Path | None,
    typer.Option(
        "--results",
        metavar="FILE",
        help="Where --batch writes one line per input row: token id or error (.csv or .jsonl; default beside "
        "the input, NAME.results.csv or .jsonl).",
        rich_help_panel="Bulk registration",
    ),
]
ModeOpt = Annotated[
    BulkMode,
    typer.Option(
        "--mode",
        help="batch: up to --batch-size rights per registerBatch transaction; single: one register transaction "
        "per right, pipelined.",
        case_sensitive=False,
        rich_help_panel="Bulk registration",
    ),
]
BatchSizeOpt = Annotated[
    int,
    typer.Option(
        "--batch-size",
        min=1,
        max=1000,
        help="Rights per registerBatch transaction.",
        rich_help_panel="Bulk registration",
    ),
]
InFlightOpt = Annotated[
    int,
    typer.Option(
        "--in-flight",
        min=1,
        max=1024,
        help="Transactions sent before waiting for their receipts.",
        rich_help_panel="Bulk registration",
    ),
]
SkipInvalidOpt = Annotated[
    bool,
    typer.Option(
        "--skip-invalid",
        help="Register the valid rows even if some are invalid (by default one invalid row stops the file).",
        rich_help_panel="Bulk registration",
    ),
]
ClaimOpt = Annotated[
    bool,
    typer.Option(
        "--claim",
        help="Self-declared claim by commit-reveal (any account, no registrar); the token goes to --from.",
    ),
]


def _tx_json(result: TransactionResult) -> dict[str, Any]:
    return {"tx_hash": result.tx_hash, "block": result.block, "gas_used": result.gas_used}


def register(
    metadata: MetadataOpt = None,
    docs: DocsOpt = None,
    to: ToOpt = None,
    confidential: ConfidentialOpt = None,
    claim: ClaimOpt = False,
    title: TitleOpt = None,
    kind: KindOpt = None,
    jurisdiction: JurisdictionOpt = None,
    number: NumberOpt = None,
    also_number: AlsoNumberOpt = None,
    family: FamilyOpt = None,
    unpublished: UnpublishedOpt = False,
    batch: BatchOpt = None,
    encoding: EncodingOpt = None,
    results: ResultsOpt = None,
    mode: ModeOpt = BulkMode.BATCH,
    batch_size: BatchSizeOpt = 100,
    in_flight: InFlightOpt = 64,
    skip_invalid: SkipInvalidOpt = False,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Register a right: hash its documents, validate its metadata and mint its token. With --batch FILE, register
    every right of a file.

    The registry derives the token id from the right's official number, in any written form (full-width, ZL,
    kind codes, 第…号: docs/numbers.md), and reserves its other numbers (--also-number), so a right can be registered
    only once; the documents stay on your machine, only their SHA-256 goes on chain.

    By default a registrar (--from, dev0 on local) registers the right and mints it to --to. With --claim,
    any account claims it for itself by commit-reveal; the right is then marked self-declared.

    Metadata comes from --metadata FILE (JSON or YAML); --title, --kind, --jurisdiction, --number, --also-number and
    --family complete or override it. Everything is validated before any transaction is sent.

    With --json prints {"token_id", "token_id_dec", "content_hash", "owner", "tx_hash", "block", "gas_used",
    "metadata_hash", "record_bytes", "self_declared", "registrar", "identifier", "numbers", "unpublished_salt",
    "documents",
    "metadata", "registry", "chain_id"}; "identifier" is the primary number in canonical form, "numbers" every
    number as {"number", "office", "series", "family", "packed"}, "unpublished_salt" the salt of an --unpublished
    registration (null otherwise).

    --batch FILE (a registrar's path): every row is validated and its documents hashed before anything is sent;
    rows already on chain are skipped, so running it again after a failure or an interruption registers exactly
    what is missing. Exits 1 unless every row (every valid row, with --skip-invalid) is registered. With --json
    prints {"source", "results_file", "mode", "rows", one count per status ("registered", "already_registered",
    "failed", "invalid", "pending", "not_sent"), "complete", "transactions", "gas_used", "seconds",
    "waited_for_pending", "registry", "chain_id", "results"}.
    """
    out = Output(json_)
    if batch is not None:
        given = [
            name
            for name, value in _single_options(
                metadata,
                docs,
                to,
                confidential,
                claim,
                title,
                kind,
                jurisdiction,
                number,
                also_number,
                family,
                unpublished,
            )
        ]
        if given:
            raise typer.BadParameter(
                f"--batch takes every right from its file; {', '.join(given)} cannot be used with it",
                param_hint="'--batch'",
            )
        register_batch(
            out,
            Target(network, rpc_url, registry, account, chain_id=chain_id),
            batch,
            results=results,
            mode=mode,
            batch_size=batch_size,
            window=in_flight,
            skip_invalid=skip_invalid,
            encoding=encoding,
        )
        return
    right = build_metadata(
        metadata,
        title=title,
        kind=kind,
        jurisdiction=jurisdiction,
        number=number,
        also_numbers=also_number or (),
        family=family or (),
    )
    documents = require_documents(docs)
    if claim and to is not None:
        raise typer.BadParameter(
            "--claim mints to the --from account; --to cannot be used with it", param_hint="'--to'"
        )
    target = Target(network, rpc_url, registry, account, chain_id=chain_id)
    session = open_ledger(target, out)
    ledger = session.ledger
    signer = session.signer()
    if confidential:
        right = right.model_copy(update={"confidential": (*right.confidential, *confidential)})
        right = parse_metadata(right.model_dump())
    request = ledger.rights.prepare(right, documents, unpublished=unpublished)
    label = right_label(request.metadata)
    if claim:
        with out.progress(f"Claiming {label} (commit, then reveal)…"):
            result = ledger.rights.reveal_claim(ledger.rights.commit_claim(request))
    else:
        with out.progress(f"Registering {label}…"):
            result = ledger.rights.register_request(request, to=to)
    payload = {
        **token_json(result.token_id),
        "content_hash": result.content_hash,
        "owner": result.owner,
        "tx_hash": result.tx_hash,
        "block": result.block,
        "gas_used": result.gas_used,
        "metadata_hash": result.metadata_hash,
        "record_bytes": result.record_bytes,
        "self_declared": result.self_declared,
        "registrar": None if claim else signer.address,
        "identifier": request.numbers[0].canonical,
        "numbers": [number_json(number) for number in request.numbers],
        "unpublished_salt": result.unpublished_salt,
        "documents": [ref.model_dump(mode="json") for ref in request.documents],
        "metadata": request.metadata.model_dump(mode="json"),
        "registry": ledger.contracts.registry_address,
        "chain_id": ledger.chain_id,
    }

    def human() -> None:
        verb = "Claimed (self-declared)" if claim else "Registered"
        out.line(f"{verb} {label} as token {short(result.token_id_hex)} owned by {session.names.label(result.owner)}.")
        rows: list[tuple[str, str | Text]] = [
            ("Token id", result.token_id_hex),
            ("Title", request.metadata.title),
            ("Numbers", numbers_text(request.numbers)),
            ("Owner", session.names.label(result.owner, full=True)),
            ("Registrar", "none: self-declared" if claim else session.names.label(signer.address, full=True)),
            ("Content hash", f"{result.content_hash} ({plural(len(request.documents), 'document')})"),
            ("Public record", f"{result.metadata_hash} ({result.record_bytes:,} bytes on chain)"),
            ("Transaction", f"{result.tx_hash} (block {result.block}, gas {result.gas_used:,})"),
        ]
        out.line(details_lines(rows))
        if result.unpublished_salt is not None:
            out.note(
                f"Registered under a commitment: keep the salt {result.unpublished_salt} (also kept in "
                f"$IPLEDGER_HOME/salts); at publication: ipledger open-number {result.token_id_hex} "
                f"'{request.metadata.number}'{target.command_options()}"
            )
        out.note(f"Next: ipledger show {result.token_id_hex}{target.command_options()}")

    out.result(payload, human)


def _single_options(*values: Any) -> list[tuple[str, Any]]:
    """The single-registration options given, by their flag."""
    flags = (
        "--metadata",
        "--doc",
        "--to",
        "--confidential",
        "--claim",
        "--title",
        "--kind",
        "--jurisdiction",
        "--number",
        "--also-number",
        "--family",
        "--unpublished",
    )
    return [(flag, value) for flag, value in zip(flags, values, strict=True) if value not in (None, False, [])]


def _owner_hint(session: Session, token: int, exc: UnauthorizedError) -> CliError:
    names = session.names
    owner = session.ledger.get(token).owner
    name = names.name(owner)
    advice = f"pass --from {name}" if name else "sign as the owner with --from"
    return CliError(
        f"{exc}: {names.label(session.signer().address)} is neither the owner nor approved; "
        f"the owner is {names.label(owner)}: {advice}"
    )


def assign(
    ctx: typer.Context,
    token: TokenArg,
    to: ToArg,
    deed: DeedOpt = None,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Assign a right to TO under a deed (also available as `transfer`).

    `assign` needs --deed: the hash of the signed assignment deed is recorded with the move, so the chain
    proves which contract justified the change of ownership. `transfer` with --deed does exactly the same;
    `transfer` without --deed is the plain ERC-721 transfer a wallet does, with no deed recorded.

    The owner (or an approved account) signs with --from. A frozen right cannot move.

    With --json prints {"token_id", "token_id_dec", "action", "from", "to", "deed_hash", "tx_hash", "block",
    "gas_used"}.
    """
    out = Output(json_)
    if deed is None and ctx.info_name != "transfer":
        raise typer.BadParameter(
            "assign needs --deed FILE (the signed deed); `ipledger transfer` without --deed is a plain transfer",
            param_hint="'--deed'",
        )
    proof: Evidence | None = evidence(deed, None, file_option="--deed") if deed is not None else None
    session = open_ledger(Target(network, rpc_url, registry, account, chain_id=chain_id), out)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    recipient = ledger.address_of(to)
    previous = ledger.get(token_id).owner
    session.signer()
    try:
        with out.progress("Assigning…" if proof else "Transferring…"):
            if proof is not None:
                result = ledger.rights.assign(token_id, recipient, proof.digest)
            else:
                result = ledger.rights.transfer(token_id, recipient)
    except UnauthorizedError as exc:
        raise _owner_hint(session, token_id, exc) from None
    payload = {
        **token_json(token_id),
        "action": "assignment" if proof else "transfer",
        "from": previous,
        "to": recipient,
        "deed_hash": proof.hex if proof else None,
        **_tx_json(result),
    }

    def human() -> None:
        names = session.names
        move = f"from {names.label(previous)} to {names.label(recipient)}"
        if proof is not None:
            out.line(f"Assigned token {short(hex(token_id))} {move} under deed {proof.describe()}.")
        else:
            out.line(f"Transferred token {short(hex(token_id))} {move} (plain ERC-721 transfer, no deed recorded).")
        out.line(tx_line(result))

    out.result(payload, human)


@dataclass(frozen=True)
class _OrderAct:
    """A registrar's act under a court order or decision: the token, the order's evidence, the session and signer."""

    out: Output
    token_id: int
    proof: Evidence
    session: Session
    signer: Signer

    @classmethod
    def open(cls, token: str, order: str | None, reason: str | None, target: Target, json_: bool) -> _OrderAct:
        out = Output(json_)
        proof = evidence(order, reason, file_option="--order", text_option="--reason")
        session = open_ledger(target, out)
        token_id = session.ledger.rights.resolve(token)
        return cls(out, token_id, proof, session, session.signer())

    def payload(self, action: str, result: TransactionResult, **details: Any) -> dict[str, Any]:
        """The --json answer: the token, ``action``, the act's ``details``, who acted, the order hash, the tx."""
        return {
            **token_json(self.token_id),
            "action": action,
            **details,
            "by": self.signer.address,
            "order_hash": self.proof.hex,
            **_tx_json(result),
        }


def _freeze_change(
    token: str,
    order: str | None,
    reason: str | None,
    target: Target,
    json_: bool,
    *,
    frozen: bool,
) -> None:
    act = _OrderAct.open(token, order, reason, target, json_)
    out, token_id, proof, ledger = act.out, act.token_id, act.proof, act.session.ledger
    ledger.get(token_id)
    with out.progress("Freezing…" if frozen else "Unfreezing…"):
        result = (
            ledger.rights.freeze(token_id, proof.digest) if frozen else ledger.rights.unfreeze(token_id, proof.digest)
        )
    payload = act.payload("frozen" if frozen else "unfrozen", result, status="frozen" if frozen else "active")

    def human() -> None:
        who = act.session.names.label(act.signer.address)
        if frozen:
            out.line(f"Froze token {short(hex(token_id))} by {who} under {proof.describe()}; it cannot move now.")
        else:
            out.line(f"Unfroze token {short(hex(token_id))} by {who} under {proof.describe()}; it can move again.")
        out.line(tx_line(result))

    out.result(payload, human)


def freeze(
    token: TokenArg,
    order: OrderOpt = None,
    reason: ReasonOpt = None,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Freeze a right under a court order or decision (registrar only): it cannot be assigned or transferred.

    Give the order as a file (--order FILE) or as text (--reason TEXT); only its SHA-256 is recorded.

    With --json prints {"token_id", "token_id_dec", "action", "status", "by", "order_hash", "tx_hash", "block",
    "gas_used"}.
    """
    _freeze_change(
        token, order, reason, Target(network, rpc_url, registry, account, chain_id=chain_id), json_, frozen=True
    )


def unfreeze(
    token: TokenArg,
    order: OrderOpt = None,
    reason: ReasonOpt = None,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Lift the freeze of a right under a court order or decision (registrar only).

    Give the order as a file (--order FILE) or as text (--reason TEXT); only its SHA-256 is recorded.

    With --json prints the same keys as `freeze`.
    """
    _freeze_change(
        token, order, reason, Target(network, rpc_url, registry, account, chain_id=chain_id), json_, frozen=False
    )


def force_transfer(
    token: TokenArg,
    to: ToArg,
    order: OrderOpt = None,
    reason: ReasonOpt = None,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Move a right to TO without its owner, under a court order or decision (registrar only).

    Works on frozen rights too. The order's SHA-256 is recorded and `verify` lists the forced transfer
    as a notice.

    With --json prints {"token_id", "token_id_dec", "action", "from", "to", "by", "order_hash", "tx_hash",
    "block", "gas_used"}.
    """
    act = _OrderAct.open(token, order, reason, Target(network, rpc_url, registry, account, chain_id=chain_id), json_)
    out, token_id, proof, ledger = act.out, act.token_id, act.proof, act.session.ledger
    recipient = ledger.address_of(to)
    previous = ledger.get(token_id).owner
    with out.progress("Force-transferring…"):
        result = ledger.rights.force_transfer(token_id, recipient, proof.digest)
    payload = act.payload("forced_transfer", result, **{"from": previous, "to": recipient})

    def human() -> None:
        names = act.session.names
        out.line(
            f"Force-transferred token {short(hex(token_id))} from {names.label(previous)} to "
            f"{names.label(recipient)} by {names.label(act.signer.address)} under {proof.describe()}."
        )
        out.line(tx_line(result))

    out.result(payload, human)


def revoke(
    token: TokenArg,
    order: OrderOpt = None,
    reason: ReasonOpt = None,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Revoke (burn) a right under a court order or decision (registrar only); frozen and disputed rights too.

    Give the order as a file (--order FILE) or as text (--reason TEXT); only its SHA-256 is recorded. Vouchers
    handed out for the right and claims committed before the revocation can no longer register it; a registrar
    registers it again with `ipledger register`.

    With --json prints {"token_id", "token_id_dec", "action", "holder", "by", "order_hash", "tx_hash", "block",
    "gas_used"}.
    """
    act = _OrderAct.open(token, order, reason, Target(network, rpc_url, registry, account, chain_id=chain_id), json_)
    out, token_id, proof, ledger = act.out, act.token_id, act.proof, act.session.ledger
    holder = ledger.get(token_id).owner
    with out.progress("Revoking…"):
        result = ledger.rights.revoke(token_id, proof.digest)
    payload = act.payload("revoked", result, holder=holder)

    def human() -> None:
        names = act.session.names
        out.line(
            f"Revoked token {short(hex(token_id))} held by {names.label(holder)}, by "
            f"{names.label(act.signer.address)} under {proof.describe()}; it no longer exists."
        )
        out.line(tx_line(result))

    out.result(payload, human)
