"""``ipledger attest …``: third parties (attorneys, examiners, auditors with the attestor role) vouch for claims
about a right, directly or by a signed attestation that anyone submits, and revoke them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ipledger import (
    Attestation,
    AttestationList,
    AttestationRecorded,
    AttestationResult,
    AttestationRevoked,
    AttestationState,
    ClaimType,
    DocumentError,
    InvalidInputError,
    NonceCancelled,
    SignedAttestation,
    SignedAttestationFile,
    claim_type_hash,
    parse_token_id,
)

from ._chain_options import CommandTyper
from ._context import Session, open_ledger, open_on_evidence
from ._inputs import parse_duration, reason_evidence, utc
from ._options import DATE_FORMATS, EvidenceOpt, ShareReasonOpt, TokenArg
from ._output import Output, model_json, output, prints
from ._render import attestation_state, attestations_table, short

__all__ = ["attest_app", "attestation_state_of", "load_signed_attestation"]

attest_app = CommandTyper(
    name="attest",
    help="Attestations about a right by third parties with the attestor role (title verified, valuation, freedom "
    "to operate...): attest directly or sign one for anyone to submit; revoke; list.",
    no_args_is_help=True,
)

ClaimOpt = Annotated[
    str,
    typer.Option(
        "--claim",
        metavar="CLAIM",
        help="What is attested: " + ", ".join(claim.value for claim in ClaimType) + " or another upper-case name "
        "(its keccak-256 is recorded). A TITLE_VERIFIED attestation by a registrar confirms a self-declared right.",
        show_default=False,
    ),
]
ExpiresOpt = Annotated[
    dt.datetime | None,
    typer.Option(
        "--expires",
        metavar="DATE",
        formats=DATE_FORMATS,
        help="The attestation no longer holds after DATE (YYYY-MM-DD, UTC). Default: it holds until revoked.",
    ),
]
SignOnlyOpt = Annotated[
    Path | None,
    typer.Option(
        "--sign-only",
        metavar="FILE",
        help="Send nothing: sign the attestation (EIP-712) and write it to FILE as JSON; anyone may then record it "
        "with `ipledger attest submit FILE`, paying the gas.",
    ),
]
ValidForOpt = Annotated[
    str,
    typer.Option(
        "--valid-for",
        metavar="DURATION",
        help="With --sign-only: how long the signature may be submitted (30m, 12h, 1d, 2w).",
    ),
]
SignedFileArg = Annotated[
    Path, typer.Argument(metavar="FILE", help="A signed attestation written by `attest add --sign-only`.")
]
AttestationIdArg = Annotated[
    int, typer.Argument(metavar="ATTESTATION_ID", min=1, help="The attestation's id (see `attest list`).")
]


def _claim(text: str) -> str:
    """The claim's canonical name (upper case, ``_`` for spaces and dashes), checked."""
    name = text.strip().upper().replace("-", "_").replace(" ", "_")
    try:
        claim_type_hash(name)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--claim'") from None
    return name


def attestation_state_of(attestation: Attestation) -> AttestationState:
    """An attestation and its ``state``."""
    return AttestationState(**dict(attestation), state=attestation_state(attestation))


def _hex_bytes(value: Any, what: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("0x"):
        raise ValueError(f"{what} must be 0x-prefixed hex")
    return bytes.fromhex(value[2:])


def load_signed_attestation(path: Path) -> tuple[SignedAttestation, int | None]:
    """The signed attestation in ``path`` (as `attest add --sign-only` writes it) and the chain id it names."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise DocumentError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(str(path), f"cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(data, dict):
        raise InvalidInputError(f"{path}: not a signed attestation (expected a JSON object)")
    try:
        signed = SignedAttestation(
            token_id=parse_token_id(data["token_id"]),
            holder=str(data["holder"]),
            registered_at=int(data["registered_at"]),
            claim_type=str(data["claim_type"]),
            claim_type_hash=_hex_bytes(data["claim_type_hash"], "claim_type_hash"),
            evidence_hash=_hex_bytes(data["evidence_hash"], "evidence_hash"),
            expiry=int(data["expiry"]),
            attestor=str(data["attestor"]),
            nonce=int(data["nonce"]),
            deadline=int(data["deadline"]),
            signature=_hex_bytes(data["signature"], "signature"),
        )
    except KeyError as exc:
        raise InvalidInputError(f"{path}: not a signed attestation (no {exc.args[0]!r})") from None
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(f"{path}: not a signed attestation ({exc})") from None
    chain_id = data.get("chain_id")
    return signed, int(chain_id) if isinstance(chain_id, int) else None


def _recorded(
    out: Output, session: Session, result: AttestationResult, source: str, submitted_by: str | None = None
) -> None:
    """The attestation ``result`` recorded, read back from the chain and told (``source``: on what evidence)."""
    attestation = session.ledger.attestations.get(result.attestation_id)
    transaction = result.model_dump(exclude={"attestation_id"})
    if submitted_by is not None:
        transaction["submitted_by"] = submitted_by
    recorded = AttestationRecorded(**dict(attestation_state_of(attestation)), **transaction)
    names = session.names
    until = f"until {attestation.expiry:%Y-%m-%d %H:%M} UTC" if attestation.expiry else "until revoked"
    sentence = (
        f"{names.label(attestation.attestor)} attested {attestation.claim_type} about token "
        f"{short(attestation.token_id_hex)} on {source}, {until}: attestation {attestation.attestation_id}."
    )
    out.act(recorded, sentence, result)


@attest_app.command("add")
@prints(AttestationRecorded | SignedAttestationFile)
def add(
    token: TokenArg,
    claim: ClaimOpt,
    evidence_file: EvidenceOpt = None,
    reason: ShareReasonOpt = None,
    expires: ExpiresOpt = None,
    sign_only: SignOnlyOpt = None,
    valid_for: ValidForOpt = "7d",
) -> None:
    """Attest --claim about the right as --from (an attestor), on --evidence FILE (an opinion letter, a valuation
    report) or --reason TEXT; only its SHA-256 is recorded.

    With --sign-only FILE nothing is sent: the signed attestation goes to FILE, for anyone to submit with
    `ipledger attest submit FILE` before --valid-for runs out, as long as the right keeps the holder and
    registration it has now (the signature names both).
    """
    out = output()
    name = _claim(claim)
    proof = reason_evidence(evidence_file, reason)
    lifetime = parse_duration(valid_for)
    session = open_ledger(out, sends=True)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    expires_at = utc(expires)
    if sign_only is None:
        with out.progress("Attesting…"):
            result = ledger.attestations.attest(token_id, name, evidence=proof.digest, expires_at=expires_at)
        _recorded(out, session, result, proof.describe())
        return
    signed = ledger.attestations.sign(token_id, name, evidence=proof.digest, expires_at=expires_at, valid_for=lifetime)
    document = SignedAttestationFile(
        **dict(signed), chain_id=ledger.chain_id, attestation_registry=str(ledger.contracts.attestations.address)
    )
    sign_only.write_text(json.dumps(model_json(document), indent=2) + "\n", "utf-8")

    def human() -> None:
        deadline = dt.datetime.fromtimestamp(signed.deadline, dt.UTC)
        out.line(
            f"{session.names.label(signed.attestor)} signed a {name} attestation about token "
            f"{short(hex(token_id))} on {proof.describe()} (nonce {signed.nonce}); written to {sign_only}."
        )
        out.line(
            f"It is about the right as held by {session.names.label(signed.holder)} (registered "
            f"{dt.datetime.fromtimestamp(signed.registered_at, dt.UTC):%Y-%m-%d %H:%M} UTC): it can no longer be "
            "recorded once that registration is superseded, revoked or assigned."
        )
        out.line(f"Anyone may record it until {deadline:%Y-%m-%d %H:%M} UTC: ipledger attest submit {sign_only}")

    out.result(document.model_copy(update={"file": str(sign_only)}), human)


@attest_app.command("submit")
@prints(AttestationRecorded)
def submit(file: SignedFileArg) -> None:
    """Record an attestation its attestor signed (`attest add --sign-only`); --from only pays the gas.

    A signature made for another chain or registry, altered, already used, cancelled (`attest cancel-nonce`) or
    past its deadline is refused.
    """
    out = output()
    signed, signed_chain_id = load_signed_attestation(file)
    session = open_ledger(out, sends=True)
    ledger = session.ledger
    if signed_chain_id is not None and signed_chain_id != ledger.chain_id:
        raise InvalidInputError(f"{file} was signed for chain {signed_chain_id}, not this chain ({ledger.chain_id})")
    with out.progress("Submitting the attestation…"):
        result = ledger.attestations.submit(signed)
    submitter = result.submitted_by or session.signer().address
    _recorded(out, session, result, f"evidence {short('0x' + signed.evidence_hash.hex())} (signed)", submitter)


@attest_app.command("revoke")
@prints(AttestationRevoked)
def revoke(attestation_id: AttestationIdArg, evidence_file: EvidenceOpt = None, reason: ShareReasonOpt = None) -> None:
    """Revoke an attestation (only its attestor may), recording why: --evidence FILE or --reason TEXT."""
    out, proof, session = open_on_evidence(evidence_file, reason)
    ledger = session.ledger
    attestation = ledger.attestations.get(attestation_id)
    with out.progress("Revoking the attestation…"):
        result = ledger.attestations.revoke(attestation_id, reason=proof.digest)
    revoked = AttestationRevoked(
        action="attestation_revoked",
        attestation_id=attestation_id,
        token_id=attestation.token_id,
        attestor=attestation.attestor,
        claim_type=attestation.claim_type,
        reason_hash=proof.hex,
        **dict(result),
    )
    sentence = (
        f"Revoked attestation {attestation_id} ({attestation.claim_type} about token "
        f"{short(attestation.token_id_hex)}) under {proof.describe()}."
    )
    out.act(revoked, sentence, result)


@attest_app.command("cancel-nonce")
@prints(NonceCancelled)
def cancel_nonce() -> None:
    """Void --from's current signing nonce: an attestation it signed but nobody submitted yet can no longer be."""
    out = output()
    session = open_ledger(out, sends=True)
    attestor = session.signer().address
    with out.progress("Cancelling the nonce…"):
        result = session.ledger.attestations.cancel_nonce()
    cancelled = NonceCancelled(action="attestation_nonce_cancelled", attestor=attestor, **dict(result))
    sentence = f"Cancelled the signing nonce of {session.names.label(attestor)}: its unsubmitted signature is void."
    out.act(cancelled, sentence, result)


@attest_app.command("list")
@prints(AttestationList)
def list_attestations(token: TokenArg) -> None:
    """List every attestation about the right, oldest first (revoked and expired ones included)."""
    out = output()
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    with out.progress("Reading the attestations…"):
        attestations = session.ledger.attestations.of(token_id)
    listing = AttestationList(token_id=token_id, attestations=[attestation_state_of(item) for item in attestations])

    def human() -> None:
        if not attestations:
            out.line(f"Token {short(hex(token_id))} has no attestations.")
            return
        valid = sum(item.valid for item in attestations)
        out.line(f"Token {short(hex(token_id))} has {len(attestations)} attestation(s), {valid} valid now.")
        out.print(attestations_table(attestations, session.names))

    out.result(listing, human)
