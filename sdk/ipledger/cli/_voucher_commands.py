"""``ipledger voucher …``: the registrar path in two steps. A registrar signs a voucher (EIP-712, bound to the chain
and registry) for a right's recipient and hands over the file; anyone submits it, and the token always goes to the
recipient. ``show`` reads a file and asks the chain what it would do with it; ``cancel`` voids a recipient's open
vouchers."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from ipledger import (
    Document,
    Ledger,
    RegistrationResult,
    SignatureError,
    SignedVoucher,
    VoucherCancelled,
    VoucherCheck,
    VoucherShown,
    VoucherSigned,
    VoucherSubmitted,
    hash_documents,
)

from ._chain_options import CommandTyper, current_options, using_options
from ._context import Session, open_ledger
from ._errors import CliError
from ._inputs import parse_duration, require_documents, right_from_options
from ._options import (
    AlsoNumberOpt,
    DocsOpt,
    FamilyOpt,
    JurisdictionOpt,
    KindOpt,
    MetadataOpt,
    NumberOpt,
    TitleOpt,
    UnpublishedOpt,
)
from ._output import Output, output, prints
from ._render import Names, details_lines, kind_label, numbers_text, plural, right_label, short, tx_line
from ._rights_commands import number_info

__all__ = ["voucher_app"]

voucher_app = CommandTyper(
    name="voucher",
    help="Registration vouchers: a registrar signs one for a right's owner (sign), who registers it by submitting the "
    "file, gas paid by whoever submits (submit); check a file (show), or void a recipient's open vouchers (cancel).",
    no_args_is_help=True,
)

RecipientOpt = Annotated[
    str,
    typer.Option(
        "--to",
        metavar="ACCOUNT",
        help="The recipient: the right's owner, an address or an account name (devN, env:NAME, keystore file).",
        show_default=False,
    ),
]
OutOpt = Annotated[
    Path,
    typer.Option(
        "--out",
        metavar="FILE",
        help="Where the signed voucher is written (JSON, ipledger.voucher.v1); hand it to the recipient.",
        show_default=False,
    ),
]
ValidForOpt = Annotated[
    str,
    typer.Option("--valid-for", metavar="DURATION", help="How long the voucher may be submitted: 30m, 12h, 1d, 2w."),
]
NonceOpt = Annotated[
    int | None,
    typer.Option(
        "--nonce",
        metavar="N",
        min=0,
        help="The recipient's voucher nonce to sign with (default: the current one). A later nonce waits until the "
        "recipient's earlier vouchers are submitted or cancelled.",
    ),
]
ConfidentialOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--confidential",
        metavar="FIELD",
        help="Publish FIELD (inventors, assignee, title, filing_date, abstract, ...) only as a salted commitment; "
        "repeatable. The salts are kept in the signer's $IPLEDGER_HOME/salts: hand them to the owner to open the "
        "fields later. The voucher file names no confidential value.",
    ),
]
VoucherFileArg = Annotated[
    Path, typer.Argument(metavar="FILE", help="A voucher file written by `ipledger voucher sign`.", show_default=False)
]
CheckDocsOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--doc",
        metavar="[ROLE=]FILE",
        help="A document of the right, to check against the voucher's content hash; repeat for each.",
        show_default=False,
    ),
]

_STATES = {
    "valid": "valid",
    "used": "already used",
    "cancelled": "cancelled",
    "spent": "void",
    "not_registrar": "void",
    "expired": "expired",
    "waiting": "not valid yet",
}


def _session(out: Output, *, sends: bool = False, signed: SignedVoucher | None = None) -> Session:
    """The session the chain options open; with --rpc-url and no --registry, the voucher file's registry."""
    options = current_options()
    if signed is not None and options.rpc_url is not None and options.registry is None:
        with using_options(replace(options, registry=signed.registry)):
            return open_ledger(out, sends=sends)
    return open_ledger(out, sends=sends)


def _when(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _left(deadline: dt.datetime, now: dt.datetime) -> str:
    seconds = int((deadline - now).total_seconds())
    if seconds < 0:
        return f"{_span(-seconds)} ago"
    return f"{_span(seconds)} left"


def _span(seconds: int) -> str:
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            return plural(seconds // size, unit)
    return plural(seconds, "second")


def _title(signed: SignedVoucher) -> str:
    return signed.title if signed.title is not None else "(confidential: sealed in the public record)"


def _label(signed: SignedVoucher) -> str:
    """``patent US 7,000,001 B2`` from the signed fields."""
    return f"{kind_label(signed.registration.kind)} {signed.numbers[0]}"


@voucher_app.command("sign")
@prints(VoucherSigned)
def sign(
    to: RecipientOpt,
    out_file: OutOpt,
    metadata: MetadataOpt = None,
    docs: DocsOpt = None,
    confidential: ConfidentialOpt = None,
    title: TitleOpt = None,
    kind: KindOpt = None,
    jurisdiction: JurisdictionOpt = None,
    number: NumberOpt = None,
    also_number: AlsoNumberOpt = None,
    family: FamilyOpt = None,
    unpublished: UnpublishedOpt = False,
    valid_for: ValidForOpt = "7d",
    nonce: NonceOpt = None,
) -> None:
    """Sign a registration voucher for --to as --from (a registrar) and write it to --out; nothing is sent.

    The right is given as to `ipledger register` (--metadata, --doc, --title, --number...) and validated the same
    way; only the documents' SHA-256 goes into the voucher. Anyone may submit the file with `ipledger voucher submit
    FILE` before --valid-for runs out (chain time); the token always goes to --to. The voucher is bound to this
    chain and registry and to the recipient's voucher nonce: `ipledger voucher cancel --to ACCOUNT` voids it.
    """
    out = output()
    right, documents = right_from_options(
        metadata, docs, title, kind, jurisdiction, number, also_number, family, confidential
    )
    lifetime = parse_duration(valid_for)
    session = _session(out, sends=True)
    ledger = session.ledger
    signer = session.signer().address
    if not ledger.contracts.has_role("registrar", signer):
        name = session.names.name(signer) or signer
        raise CliError(
            f"{session.names.label(signer, full=True)} is not a registrar of the registry "
            f"{ledger.contracts.registry_address}: the registry would refuse its voucher (InvalidVoucherSigner); "
            f"sign as a registrar with --from, or an admin grants the role with `ipledger grant-role registrar {name}`"
        )
    request = ledger.rights.prepare(right, documents, unpublished=unpublished)
    voucher = ledger.rights.sign_voucher(request, to=to, valid_for=lifetime, nonce=nonce)
    signed = ledger.rights.signed_voucher(voucher)
    current = ledger.rights.voucher_nonce(voucher.to) if nonce is not None else voucher.nonce
    signed.save(out_file)
    salt = None if request.unpublished_salt is None else "0x" + request.unpublished_salt.hex()
    payload = VoucherSigned(
        **signed.model_dump(), token_id_dec=str(signed.token), file=str(out_file), unpublished_salt=salt
    )

    def human() -> None:
        names = session.names
        out.line(
            f"{names.label(signer)} signed a voucher for {right_label(request.metadata)} (token "
            f"{short(signed.token_id)}) to {names.label(signed.to)}, nonce {signed.nonce}; written to {out_file}."
        )
        out.line(
            details_lines(
                [
                    ("Recipient", names.label(signed.to, full=True)),
                    ("Title", request.metadata.title + (" (sealed in the record)" if signed.title is None else "")),
                    ("Numbers", numbers_text(request.numbers)),
                    ("Token id", signed.token_id),
                    ("Content hash", f"{signed.registration.content_hash} ({plural(len(documents), 'document')})"),
                    ("Valid until", f"{_when(signed.valid_until)} (chain time)"),
                ]
            )
        )
        if signed.nonce > current:
            out.note(
                f"{names.brief(signed.to)}'s voucher nonce is {current}: this voucher waits until the earlier ones are "
                "submitted or cancelled."
            )
        if request.field_salts:
            out.note(
                f"The salt of each confidential field ({', '.join(sorted(request.field_salts))}) is kept in "
                "$IPLEDGER_HOME/salts here: hand them to the owner, who needs them to open the fields."
            )
        if salt is not None:
            out.note(
                f"Registered under a commitment: keep the salt {salt} (also kept in $IPLEDGER_HOME/salts) and hand it "
                "to the owner, to open the number at publication."
            )
        out.line(f"Anyone may submit it until {_when(signed.valid_until)}: ipledger voucher submit {out_file}")

    out.result(payload, human)


@voucher_app.command("submit")
@prints(VoucherSubmitted)
def submit(
    file: VoucherFileArg,
) -> None:
    """Register the right of a voucher file; the token goes to the voucher's recipient, --from only pays the gas.

    The file is checked before anything is sent: its form, its signer (an edited file recovers to another one), its
    chain id against the node's and its registry against --registry (with --rpc-url and no --registry, the file's).
    An expired voucher, one whose signer is not a registrar here, or whose nonce was used or cancelled, is refused
    with the registry's error and what became of it. If another account submitted the same voucher first, the right
    is the recipient's all the same: "submitted_by" names that account.
    """
    out = output()
    signed = SignedVoucher.load(file)
    session = _session(out, sends=True, signed=signed)
    ledger = session.ledger
    sender = session.signer().address
    try:
        with out.progress("Submitting the voucher…"):
            result = ledger.rights.register_with_voucher(signed)
    except SignatureError as exc:
        raise _refusal(exc, ledger, signed, session.names, file) from None
    registration = signed.registration.struct()
    payload = VoucherSubmitted(
        token_id=result.token_id,
        content_hash=result.content_hash,
        owner=result.owner,
        recipient=signed.to,
        registrar=signed.signer,
        submitted_by=result.submitted_by or sender,
        own_tx_hash=result.own_tx_hash,
        tx_hash=result.tx_hash,
        block=result.block,
        gas_used=result.gas_used,
        metadata_hash=result.metadata_hash,
        record_bytes=result.record_bytes,
        title=signed.title,
        numbers=[number_info(number) for number in registration.numbers],
        registry=ledger.contracts.registry_address,
        chain_id=ledger.chain_id,
        file=str(file),
    )
    out.result(payload, lambda: _submitted(out, session, signed, result, sender))


def _submitted(out: Output, session: Session, signed: SignedVoucher, result: RegistrationResult, sender: str) -> None:
    names = session.names
    out.line(
        f"Registered {_label(signed)} as token {short(result.token_id_hex)} owned by {names.label(result.owner)} "
        f"(voucher of {names.label(signed.signer)})."
    )
    out.line(
        details_lines(
            [
                ("Token id", result.token_id_hex),
                ("Title", _title(signed)),
                ("Numbers", ", ".join(signed.numbers)),
                ("Owner", names.label(result.owner, full=True)),
                ("Registrar", names.label(signed.signer, full=True)),
                ("Submitted by", names.label(result.submitted_by or sender, full=True)),
                ("Transaction", f"{result.tx_hash} (block {result.block}, gas {result.gas_used:,})"),
            ]
        )
    )
    if result.submitted_by is not None:
        out.note(
            f"{names.label(result.submitted_by)} submitted this voucher first; the right is "
            f"{names.label(result.owner)}'s all the same (our transaction: {result.own_tx_hash or 'not sent'})."
        )


def _refusal(exc: SignatureError, ledger: Ledger, signed: SignedVoucher, names: Names, file: Path) -> Exception:
    """The registry's refusal of a voucher, with what became of it (used, cancelled, expired, wrong signer)."""
    if exc.error_name == "VoucherExpired":
        now = dt.datetime.fromtimestamp(ledger.chain.chain_time(), dt.UTC)
        return CliError(
            f"{exc}: the voucher expired at {_when(signed.valid_until)} (chain time now {_when(now)}); ask the "
            "registrar for a new one"
        )
    if exc.error_name == "InvalidVoucherSigner":
        return CliError(
            f"{exc}: the voucher's signer {names.label(signed.signer, full=True)} is not a registrar of this registry; "
            "ask a registrar for a new one"
        )
    if exc.error_name != "InvalidAccountNonce":
        return exc
    check = ledger.rights.check_voucher(signed)
    recipient = names.brief(signed.to)
    if check.state == "used":
        what = (
            f"it was already used: it registered token {short(hex(check.token_id))} for {recipient} in tx "
            f"{check.used_tx} (submitted by {names.label(check.submitted_by)})"
        )
    elif check.state == "cancelled":
        what = (
            f"a registrar ({names.label(check.cancelled_by)}) cancelled it in tx {check.cancelled_tx}; ask the "
            "registrar for a new one"
        )
    elif check.state == "waiting":
        what = (
            f"it carries nonce {check.nonce} while {recipient}'s nonce is {check.current_nonce}: an earlier voucher of "
            f"{recipient} must be submitted or cancelled first"
        )
    else:
        what = f"its nonce {check.nonce} of {recipient} was used by another voucher; ask the registrar for a new one"
    return CliError(f"{exc}: {what} (see `ipledger voucher show {file}`)")


@voucher_app.command("cancel")
@prints(VoucherCancelled)
def cancel(
    to: RecipientOpt,
) -> None:
    """Void the vouchers outstanding for --to (as --from, a registrar): its current voucher nonce moves on, so no
    voucher signed with it can be submitted; vouchers signed from now on carry the next nonce.
    """
    out = output()
    session = _session(out, sends=True)
    with out.progress("Cancelling the voucher nonce…"):
        result = session.ledger.rights.cancel_voucher(to)
    payload = VoucherCancelled(**result.model_dump())

    def human() -> None:
        recipient = session.names.label(result.recipient)
        out.line(
            f"Cancelled voucher nonce {result.nonce} of {recipient}: no voucher signed for {recipient} with it can be "
            f"submitted; new vouchers carry nonce {result.nonce + 1}."
        )
        out.line(tx_line(result))

    out.result(payload, human)


@voucher_app.command("show")
@prints(VoucherShown)
def show(
    file: VoucherFileArg,
    docs: CheckDocsOpt = None,
) -> None:
    """Read a voucher file and check it against the chain, sending nothing: the recipient, the right (title,
    numbers, token id), the signer recovered from the signature and whether it is a registrar here, the deadline
    against chain time, and whether the voucher was already used or cancelled.

    "state" is one of valid, used, cancelled, spent (its nonce went to another voucher), not_registrar, expired,
    waiting (an earlier voucher of the recipient comes first). With --doc FILE..., also checks that the documents are
    the ones the voucher's content hash names.
    """
    out = output()
    signed = SignedVoucher.load(file)
    documents = require_documents(docs) if docs else None
    session = _session(out, signed=signed)
    with out.progress("Checking the voucher…"):
        check = session.ledger.rights.check_voucher(signed)
    matches = None if documents is None else _documents_match(signed, documents)
    payload = VoucherShown(
        **check.model_dump(),
        file=str(file),
        title=signed.title,
        numbers=list(signed.numbers),
        kind=signed.registration.kind.value,
        expiry=signed.registration.expiry,
        content_hash=signed.registration.content_hash,
        documents_match=matches,
        registry=signed.registry,
        chain_id=signed.chain_id,
    )
    out.result(payload, lambda: _shown(out, session.names, file, signed, check, documents, matches))


def _documents_match(signed: SignedVoucher, documents: list[Document]) -> bool:
    return "0x" + hash_documents(documents).hex() == signed.registration.content_hash


def _shown(
    out: Output,
    names: Names,
    file: Path,
    signed: SignedVoucher,
    check: VoucherCheck,
    documents: list[Document] | None,
    matches: bool | None,
) -> None:
    recipient = names.label(check.recipient)
    sentence = {
        "valid": f"anyone may submit it now to register {_label(signed)} for {recipient}",
        "used": f"it registered token {short(hex(check.token_id))} for {recipient}",
        "cancelled": "a registrar cancelled it",
        "spent": f"another voucher of {recipient} used its nonce",
        "not_registrar": f"its signer {names.label(check.signer)} is not a registrar of this registry",
        "expired": "its deadline passed",
        "waiting": f"{names.brief(check.recipient)}'s earlier vouchers must be submitted or cancelled first",
    }[check.state]
    style = "green" if check.state == "valid" else "yellow" if check.state == "waiting" else "bold red"
    out.line(Text.assemble(f"Voucher {file} is ", (_STATES[check.state], style), f": {sentence}."))
    signer = f"{names.label(check.signer, full=True)}, " + (
        "a registrar here" if check.signer_is_registrar else "NOT a registrar here"
    )
    nonce = f"{check.nonce} (the recipient's nonce now: {check.current_nonce})"
    left = _left(check.deadline, check.chain_time)
    rows: list[tuple[str, str | Text]] = [
        ("Recipient", names.label(check.recipient, full=True)),
        ("Title", _title(signed)),
        ("Numbers", ", ".join(signed.numbers)),
        ("Token id", hex(check.token_id)),
        ("Signer", signer),
        ("Nonce", nonce),
        ("Valid until", f"{_when(check.deadline)} (chain time {_when(check.chain_time)}: {left})"),
    ]
    if check.used_tx is not None:
        rows.append(("Used in", f"{check.used_tx} (submitted by {names.label(check.submitted_by)})"))
    if check.cancelled_tx is not None:
        rows.append(("Cancelled in", f"{check.cancelled_tx} (by {names.label(check.cancelled_by)})"))
    if check.registered and check.state != "used":
        rows.append(("Registered", f"yes, owned by {names.label(check.owner, full=True)}"))
    if documents is not None:
        verdict = "match" if matches else "DO NOT match"
        rows.append(("Documents", f"{verdict} the content hash ({plural(len(documents), 'document')})"))
    out.line(details_lines(rows))
