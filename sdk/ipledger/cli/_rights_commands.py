"""Commands that change rights: register, assign (alias transfer), freeze, unfreeze, force-transfer, revoke."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from ipledger import (
    BulkMode,
    BulkRegistration,
    ForcedTransfer,
    NumberInfo,
    OfficialNumber,
    Registered,
    Revocation,
    RightFreeze,
    RightMove,
    Signer,
    UnauthorizedError,
)

from ._bulk_register import register_batch
from ._context import Session, open_ledger
from ._errors import CliError
from ._inputs import Evidence, evidence, right_from_options
from ._options import (
    AlsoNumberOpt,
    DeedOpt,
    DocsOpt,
    FamilyOpt,
    JurisdictionOpt,
    KindOpt,
    MetadataOpt,
    NumberOpt,
    OrderOpt,
    ReasonOpt,
    TitleOpt,
    ToArg,
    TokenArg,
    UnpublishedOpt,
)
from ._output import Output, mined, output, prints
from ._render import details_lines, numbers_text, plural, right_label, short

__all__ = ["assign", "force_transfer", "freeze", "number_info", "register", "revoke", "unfreeze"]

ToOpt = Annotated[
    str | None, typer.Option("--to", metavar="ACCOUNT", help="Owner of the new token (default: the --from account).")
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
        help="Transactions kept outstanding: a new one is sent as each receipt arrives (never more gas than two "
        "blocks hold). Lower it for a node that limits each sender's pending transactions.",
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
        "--claim", help="Self-declared claim by commit-reveal (any account, no registrar); the token goes to --from."
    ),
]


def number_info(number: OfficialNumber) -> NumberInfo:
    """An official number for JSON: its canonical form, office, series, whether it is a family link, and the packed
    uint256 the registry holds (0x hex)."""
    return NumberInfo(
        number=number.canonical,
        office=number.office,
        series=number.series,
        family=number.family,
        packed=hex(number.packed),
    )


@prints(Registered | BulkRegistration)
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
    in_flight: InFlightOpt = 256,
    skip_invalid: SkipInvalidOpt = False,
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

    --batch FILE (a registrar's path): every row is validated and its documents hashed before anything is sent;
    rows already on chain are skipped, so running it again after a failure or an interruption registers exactly
    what is missing. Exits 1 unless every row (every valid row, with --skip-invalid) is registered.
    """
    out = output()
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
            batch,
            results=results,
            mode=mode,
            batch_size=batch_size,
            window=in_flight,
            skip_invalid=skip_invalid,
            encoding=encoding,
        )
        return
    right, documents = right_from_options(
        metadata, docs, title, kind, jurisdiction, number, also_number, family, confidential
    )
    if claim and to is not None:
        raise typer.BadParameter(
            "--claim mints to the --from account; --to cannot be used with it", param_hint="'--to'"
        )
    session = open_ledger(out, sends=True)
    ledger = session.ledger
    signer = session.signer()
    request = ledger.rights.prepare(right, documents, unpublished=unpublished)
    label = right_label(request.metadata)
    if claim:
        with out.progress(f"Claiming {label} (commit, then reveal)…"):
            result = ledger.rights.reveal_claim(ledger.rights.commit_claim(request))
    else:
        with out.progress(f"Registering {label}…"):
            result = ledger.rights.register_request(request, to=to)
    registration = Registered(
        token_id=result.token_id,
        content_hash=result.content_hash,
        owner=result.owner,
        tx_hash=result.tx_hash,
        block=result.block,
        gas_used=result.gas_used,
        metadata_hash=result.metadata_hash,
        record_bytes=result.record_bytes,
        self_declared=result.self_declared,
        registrar=None if claim else signer.address,
        identifier=request.numbers[0].canonical,
        numbers=[number_info(number) for number in request.numbers],
        unpublished_salt=result.unpublished_salt,
        documents=list(request.documents),
        metadata=request.metadata,
        registry=ledger.contracts.registry_address,
        chain_id=ledger.chain_id,
    )

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
        hint = session.options.command_options()
        if result.unpublished_salt is not None:
            out.note(
                f"Registered under a commitment: keep the salt {result.unpublished_salt} (also kept in "
                f"$IPLEDGER_HOME/salts); at publication: ipledger open-number {result.token_id_hex} "
                f"'{request.metadata.number}'{hint}"
            )
        out.note(f"Next: ipledger show {result.token_id_hex}{hint}")

    out.result(registration, human)


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


@prints(RightMove)
def assign(ctx: typer.Context, token: TokenArg, to: ToArg, deed: DeedOpt = None) -> None:
    """Assign a right to TO under a deed (also available as `transfer`).

    `assign` needs --deed: the hash of the signed assignment deed is recorded with the move, so the chain
    proves which contract justified the change of ownership. `transfer` with --deed does exactly the same;
    `transfer` without --deed is the plain ERC-721 transfer a wallet does, with no deed recorded.

    The owner (or an approved account) signs with --from. A frozen right cannot move.
    """
    out = output()
    if deed is None and ctx.info_name != "transfer":
        raise typer.BadParameter(
            "assign needs --deed FILE (the signed deed); `ipledger transfer` without --deed is a plain transfer",
            param_hint="'--deed'",
        )
    proof: Evidence | None = evidence(deed, None, file_option="--deed") if deed is not None else None
    session = open_ledger(out)
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
    move = RightMove(
        token_id=token_id,
        action="assignment" if proof else "transfer",
        from_=previous,
        to=recipient,
        deed_hash=proof.hex if proof else None,
        tx_hash=result.tx_hash,
        block=result.block,
        gas_used=result.gas_used,
    )
    names = session.names
    parties = f"from {names.label(previous)} to {names.label(recipient)}"
    if proof is not None:
        sentence = f"Assigned token {short(hex(token_id))} {parties} under deed {proof.describe()}."
    else:
        sentence = f"Transferred token {short(hex(token_id))} {parties} (plain ERC-721 transfer, no deed recorded)."
    out.act(move, sentence, result)


@dataclass(frozen=True)
class _OrderAct:
    """A registrar's act under a court order or decision: the token, the order's evidence, the session and signer."""

    out: Output
    token_id: int
    proof: Evidence
    session: Session
    signer: Signer

    @classmethod
    def open(cls, token: str, order: str | None, reason: str | None) -> _OrderAct:
        out = output()
        proof = evidence(order, reason, file_option="--order", text_option="--reason")
        session = open_ledger(out)
        token_id = session.ledger.rights.resolve(token)
        return cls(out, token_id, proof, session, session.signer())

    def fields(self) -> dict[str, Any]:
        """What every such act's record holds: the token, who acted, the order hash."""
        return {"token_id": self.token_id, "by": self.signer.address, "order_hash": self.proof.hex}

    def who(self, address: str | None = None) -> str:
        """The label of ``address`` (by default the registrar who acts)."""
        return self.session.names.label(address or self.signer.address)


def _freeze_change(token: str, order: str | None, reason: str | None, *, frozen: bool) -> None:
    act = _OrderAct.open(token, order, reason)
    out, token_id, proof, ledger = act.out, act.token_id, act.proof, act.session.ledger
    ledger.get(token_id)
    with out.progress("Freezing…" if frozen else "Unfreezing…"):
        result = (
            ledger.rights.freeze(token_id, proof.digest) if frozen else ledger.rights.unfreeze(token_id, proof.digest)
        )
    record = RightFreeze(
        **act.fields(),
        action="frozen" if frozen else "unfrozen",
        status="frozen" if frozen else "active",
        **mined(result),
    )
    if frozen:
        sentence = f"Froze token {short(hex(token_id))} by {act.who()} under {proof.describe()}; it cannot move now."
    else:
        sentence = f"Unfroze token {short(hex(token_id))} by {act.who()} under {proof.describe()}; it can move again."
    out.act(record, sentence, result)


@prints(RightFreeze)
def freeze(token: TokenArg, order: OrderOpt = None, reason: ReasonOpt = None) -> None:
    """Freeze a right under a court order or decision (registrar only): it cannot be assigned or transferred.

    Give the order as a file (--order FILE) or as text (--reason TEXT); only its SHA-256 is recorded.
    """
    _freeze_change(token, order, reason, frozen=True)


@prints(RightFreeze)
def unfreeze(token: TokenArg, order: OrderOpt = None, reason: ReasonOpt = None) -> None:
    """Lift the freeze of a right under a court order or decision (registrar only).

    Give the order as a file (--order FILE) or as text (--reason TEXT); only its SHA-256 is recorded.
    """
    _freeze_change(token, order, reason, frozen=False)


@prints(ForcedTransfer)
def force_transfer(token: TokenArg, to: ToArg, order: OrderOpt = None, reason: ReasonOpt = None) -> None:
    """Move a right to TO without its owner, under a court order or decision (registrar only).

    Works on frozen rights too. The order's SHA-256 is recorded and `verify` lists the forced transfer
    as a notice.
    """
    act = _OrderAct.open(token, order, reason)
    out, token_id, proof, ledger = act.out, act.token_id, act.proof, act.session.ledger
    recipient = ledger.address_of(to)
    previous = ledger.get(token_id).owner
    with out.progress("Force-transferring…"):
        result = ledger.rights.force_transfer(token_id, recipient, proof.digest)
    record = ForcedTransfer(
        **act.fields(),
        action="forced_transfer",
        from_=previous,
        to=recipient,
        **mined(result),
    )
    sentence = (
        f"Force-transferred token {short(hex(token_id))} from {act.who(previous)} to {act.who(recipient)} by "
        f"{act.who()} under {proof.describe()}."
    )
    out.act(record, sentence, result)


@prints(Revocation)
def revoke(token: TokenArg, order: OrderOpt = None, reason: ReasonOpt = None) -> None:
    """Revoke (burn) a right under a court order or decision (registrar only); frozen and disputed rights too.

    Give the order as a file (--order FILE) or as text (--reason TEXT); only its SHA-256 is recorded. Vouchers
    handed out for the right and claims committed before the revocation can no longer register it; a registrar
    registers it again with `ipledger register`.
    """
    act = _OrderAct.open(token, order, reason)
    out, token_id, proof, ledger = act.out, act.token_id, act.proof, act.session.ledger
    holder = ledger.get(token_id).owner
    with out.progress("Revoking…"):
        result = ledger.rights.revoke(token_id, proof.digest)
    record = Revocation(**act.fields(), action="revoked", holder=holder, **mined(result))
    sentence = (
        f"Revoked token {short(hex(token_id))} held by {act.who(holder)}, by {act.who()} under {proof.describe()}; "
        "it no longer exists."
    )
    out.act(record, sentence, result)
