"""Audit reports: one right, an owner's portfolio or every right, as they stood at a date, and signed by an auditor.

A report gathers, per right, the named checks of :meth:`~ipledger.Ledger.verify`, the custody timeline (who held
the right from when to when), the freeze spans and the cap table when the right is fractionalized. It renders to
canonical JSON, CSV or one self-contained HTML page (see ``_report_html``) and is signed with EIP-191 over the
keccak-256 of its bytes (rules in docs/reports.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ipledger._exceptions import InvalidInputError
from ipledger.audit._report_i18n import DEFAULT_LANG, Lang
from ipledger.audit._verify import CUSTODY_KINDS
from ipledger.chain._accounts import Signer, is_valid_address
from ipledger.chain._calldata import eth_calls
from ipledger.chain._events import TOPIC_OF
from ipledger.chain._logs import fetch_block_timestamps, fetch_logs
from ipledger.models._hashing import canonical_json
from ipledger.models._models import CapTable, Check, EventKind, HistoryEvent, RightRecord
from ipledger.models._rights_models import Attestation, Dispute, License

if TYPE_CHECKING:
    from ipledger._ledger import Ledger

__all__ = [
    "CSV_COLUMNS",
    "REPORT_SCHEMA",
    "AuditReport",
    "CustodyInterval",
    "FrozenSpan",
    "ReportSignature",
    "RightReport",
    "block_at",
    "build_report",
    "report_csv",
    "report_hash",
    "report_json",
    "sign_bytes",
    "sign_report",
    "verify_report_file",
]

REPORT_SCHEMA = "ipledger.audit-report.v1"
SIGNATURE_SCHEME = "eip191"
#: The suffix of the signature file written beside a signed CSV or HTML report.
SIDECAR_SUFFIX = ".sig.json"
_ZERO_TOPIC = "0x" + "00" * 32
#: Tokens per JSON-RPC batch of existence lookups (as the bulk reconcile batches its lookups).
_LOOKUP_CHUNK = 500

ReportScope = Literal["token", "owner", "all"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class CustodyInterval(_Out):
    """One holder's span of custody: from the event that gave them the right to the one that took it (or the
    report's block, when ``end_block`` is None)."""

    holder: str
    #: ``owner``, or ``share_vault`` while the vault holds the right for the holders of its shares.
    role: Literal["owner", "share_vault"]
    acquired_by: EventKind
    start_block: int
    start: dt.datetime
    start_tx: str
    ended_by: EventKind | None = None
    end_block: int | None = None
    end: dt.datetime | None = None
    end_tx: str | None = None


class FrozenSpan(_Out):
    """A span during which a registrar had frozen the right (``end_block`` None: still frozen at the report)."""

    start_block: int
    start: dt.datetime
    by: str | None
    order_hash: str | None
    end_block: int | None = None
    end: dt.datetime | None = None


class RightReport(_Out):
    """Everything the report says about one right."""

    token_id: int
    token_id_hex: str
    verdict: Literal["verified", "failed"]
    checks: list[Check]
    notices: list[str]
    record: RightRecord | None
    owner: str | None
    custody: list[CustodyInterval]
    frozen: list[FrozenSpan]
    events: list[HistoryEvent]
    cap_table: CapTable | None = None
    #: The right in use as at the report's block (empty when the modules are not deployed beside the registry).
    attestations: list[Attestation] = Field(default_factory=list)
    licences: list[License] = Field(default_factory=list)
    disputes: list[Dispute] = Field(default_factory=list)


class AuditReport(_Out):
    """An audit report as at one block: the rights in scope and, per right, its checks and timeline."""

    schema_: str = Field(default=REPORT_SCHEMA, alias="schema", serialization_alias="schema")
    scope: ReportScope
    #: The owner of a portfolio report (None otherwise).
    subject: str | None = None
    chain_id: int
    registry: str
    vault: str | None = None
    #: The date asked for (None: the latest block).
    as_at: dt.date | None = None
    block: int
    block_time: dt.datetime
    verdict: Literal["verified", "failed"]
    rights: list[RightReport]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data: uint256 as decimal strings, ``from`` and ``schema`` by their names."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True)
        return data

    def canonical_bytes(self) -> bytes:
        """The canonical JSON (ipledger.canonical_json: sorted keys, no white space, no nulls) that is signed."""
        return canonical_json(self.to_json())


class ReportSignature(_Out):
    """An auditor's EIP-191 signature over the keccak-256 of a report's canonical JSON (or of a file's bytes)."""

    signer: str
    scheme: Literal["eip191"] = "eip191"
    signature: str
    report_hash: str


# ---------------------------------------------------------------------------- building


def _end_of(when: dt.date | dt.datetime) -> int:
    """Unix time of ``when``: a date is its last second (23:59:59 UTC), a naive datetime is UTC."""
    if isinstance(when, dt.datetime):
        moment = when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)
    else:
        moment = dt.datetime.combine(when, dt.time(23, 59, 59), tzinfo=dt.UTC)
    return int(moment.timestamp())


def block_at(ledger: Ledger, when: dt.date | dt.datetime) -> int:
    """The latest block whose timestamp is at or before ``when`` (a date means the end of that day, UTC).

    :class:`InvalidInputError` when the registry did not exist yet then.
    """
    limit = _end_of(when)
    low, high = ledger.chain.deployment_block, ledger.chain.head()

    def stamp(number: int) -> int:
        return fetch_block_timestamps(ledger.chain.rpc, [number])[number]

    if stamp(low) > limit:
        raise InvalidInputError(f"the registry did not exist yet on {when} (deployed in block {low})")
    if stamp(high) <= limit:
        return high
    while low < high:  # invariant: stamp(low) <= limit < stamp(high + 1)
        middle = (low + high + 1) // 2
        if stamp(middle) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _registry_transfers(ledger: Ledger, topics: Sequence[Any], block: int) -> list[dict[str, Any]]:
    return fetch_logs(
        ledger.chain.rpc,
        address=ledger.chain.registry_address,
        topics=[TOPIC_OF["Transfer"], *topics],
        from_block=ledger.chain.deployment_block,
        to_block=block,
    )


def _tokens_in(logs: Sequence[Mapping[str, Any]]) -> list[int]:
    seen: dict[int, None] = {}
    for log in logs:
        seen.setdefault(int(log["topics"][3], 16), None)
    return list(seen)


def _existing(ledger: Ledger, tokens: Sequence[int], block: int) -> list[int]:
    """The ``tokens`` that exist at ``block`` (not revoked by then), in their order: ``exists`` in JSON-RPC batches."""
    kept: list[int] = []
    for start in range(0, len(tokens), _LOOKUP_CHUNK):
        chunk = tokens[start : start + _LOOKUP_CHUNK]
        requests_ = eth_calls(
            ledger.chain.registry_address, "exists(uint256)", [(token,) for token in chunk], hex(block)
        )
        kept += [
            token for token, answer in zip(chunk, ledger.chain.rpc.batch(requests_), strict=True) if int(answer, 16)
        ]
    return kept


def rights_of(ledger: Ledger, owner: str, block: int) -> list[int]:
    """The rights ``owner`` held at ``block``: every token ever transferred to them that still existed and was
    still theirs."""
    address = ledger.address_of(owner)
    topic = "0x" + "00" * 12 + address[2:].lower()
    held = []
    for token in _existing(ledger, _tokens_in(_registry_transfers(ledger, [None, topic], block)), block):
        current = str(ledger.chain.read(ledger.chain.registry.functions.ownerOf(token), "read owner", block=block))
        if current == address:
            held.append(token)
    return held


def all_rights(ledger: Ledger, block: int) -> list[int]:
    """Every right registered at ``block``, in order of first registration: minted up to it and not revoked by then
    (a revoked right's history still tells what became of it; `ipledger history TOKEN`)."""
    return _existing(ledger, _tokens_in(_registry_transfers(ledger, [_ZERO_TOPIC], block)), block)


def custody_intervals(events: Sequence[HistoryEvent], vault: str | None) -> list[CustodyInterval]:
    """Who held the right from when to when, from its custody events (registration, transfers, ...)."""
    intervals: list[CustodyInterval] = []
    for event in events:
        if event.kind == "revoked" and intervals:
            intervals[-1] = intervals[-1].model_copy(
                update={
                    "ended_by": "revoked",
                    "end_block": event.block,
                    "end": event.timestamp,
                    "end_tx": event.tx_hash,
                }
            )
            continue
        if event.kind not in CUSTODY_KINDS or event.to is None:
            continue
        if intervals:
            intervals[-1] = intervals[-1].model_copy(
                update={
                    "ended_by": event.kind,
                    "end_block": event.block,
                    "end": event.timestamp,
                    "end_tx": event.tx_hash,
                }
            )
        intervals.append(
            CustodyInterval(
                holder=event.to,
                role="share_vault" if vault is not None and event.to == vault else "owner",
                acquired_by=event.kind,
                start_block=event.block,
                start=event.timestamp,
                start_tx=event.tx_hash,
            )
        )
    return intervals


def frozen_spans(events: Sequence[HistoryEvent]) -> list[FrozenSpan]:
    """The spans between each freeze and the unfreeze that ended it."""
    spans: list[FrozenSpan] = []
    for event in events:
        if event.kind == "frozen":
            spans.append(
                FrozenSpan(start_block=event.block, start=event.timestamp, by=event.by, order_hash=event.order_hash)
            )
        elif event.kind == "unfrozen" and spans and spans[-1].end_block is None:
            spans[-1] = spans[-1].model_copy(update={"end_block": event.block, "end": event.timestamp})
    return spans


def right_report(ledger: Ledger, token: int, block: int) -> RightReport:
    """One right as it stood at ``block``."""
    verification = ledger.verify(token, block=block)
    vault = ledger.chain.attached_address("vault")
    record = verification.record
    return RightReport(
        token_id=token,
        token_id_hex=hex(token),
        verdict=verification.verdict,
        checks=verification.checks,
        notices=verification.notices,
        record=record,
        owner=None if record is None else record.owner,
        custody=custody_intervals(verification.events, vault),
        frozen=frozen_spans(verification.events),
        events=verification.events,
        cap_table=verification.shares,
        attestations=verification.attestations,
        licences=verification.licenses,
        disputes=verification.disputes,
    )


def build_report(
    ledger: Ledger,
    *,
    token: int | None = None,
    owner: str | None = None,
    all_rights_: bool = False,
    at: dt.date | dt.datetime | None = None,
) -> AuditReport:
    """The audit report of one right (``token``), an ``owner``'s portfolio or every right (``all_rights_``), as
    at ``at`` (default: the latest block). Exactly one of the three scopes must be given."""
    if sum((token is not None, owner is not None, all_rights_)) != 1:
        raise InvalidInputError("a report covers one right, one owner's rights or all rights: give exactly one")
    block = ledger.chain.head() if at is None else block_at(ledger, at)
    subject = None
    scope: ReportScope
    if token is not None:
        scope, tokens = "token", [token]
    elif owner is not None:
        subject = ledger.address_of(owner)
        scope, tokens = "owner", rights_of(ledger, subject, block)
    else:
        scope, tokens = "all", all_rights(ledger, block)
    rights = [right_report(ledger, item, block) for item in tokens]
    vault = ledger.chain.attached_address("vault")
    stamp = fetch_block_timestamps(ledger.chain.rpc, [block])[block]
    return AuditReport(
        scope=scope,
        subject=subject,
        # The report names its chain: the node read from must still report it (a report may then be signed).
        chain_id=ledger.chain.check_chain("build report"),
        registry=ledger.chain.registry_address,
        vault=vault,
        as_at=None if at is None else (at.date() if isinstance(at, dt.datetime) else at),
        block=block,
        block_time=dt.datetime.fromtimestamp(stamp, dt.UTC),
        verdict="verified" if all(right.verdict == "verified" for right in rights) else "failed",
        rights=rights,
    )


# ---------------------------------------------------------------------------- rendering

#: The CSV columns, in order (documented in docs/reports.md).
CSV_COLUMNS = (
    "row_type",
    "token_id",
    "kind",
    "holder",
    "role",
    "from",
    "to",
    "start_block",
    "start_time",
    "end_block",
    "end_time",
    "by",
    "tx_hash",
    "reference",
)


def _time(value: dt.datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def report_json(report: AuditReport) -> bytes:
    """The report as canonical JSON bytes (what a signature covers)."""
    return report.canonical_bytes()


def report_csv(report: AuditReport) -> bytes:
    """One row per custody interval (``row_type`` custody) and one per event (``row_type`` event), per right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for right in report.rights:
        for interval in right.custody:
            writer.writerow(
                [
                    "custody",
                    right.token_id_hex,
                    interval.acquired_by,
                    interval.holder,
                    interval.role,
                    "",
                    "",
                    interval.start_block,
                    _time(interval.start),
                    "" if interval.end_block is None else interval.end_block,
                    _time(interval.end),
                    "",
                    interval.start_tx,
                    interval.ended_by or "",
                ]
            )
        for event in right.events:
            reference = (
                event.deed_hash
                or event.order_hash
                or event.agreement_hash
                or event.registration
                or event.share_token
                or event.metadata_hash
                or event.evidence_hash
                or event.reason_hash
                or ""
            )
            writer.writerow(
                [
                    "event",
                    right.token_id_hex,
                    event.kind,
                    "",
                    "",
                    event.from_ or "",
                    event.to or "",
                    event.block,
                    _time(event.timestamp),
                    "",
                    "",
                    event.by or "",
                    event.tx_hash,
                    reference,
                ]
            )
        _rights_rows(writer, right)
    return buffer.getvalue().encode("utf-8")


def _rights_rows(writer: Any, right: RightReport) -> None:
    """One row per licence (``kind`` its exclusivity, ``holder`` the licensee, times its period), attestation
    (``kind`` the claim, ``holder`` the attestor) and dispute (``kind`` its outcome, ``holder`` the claimant)."""
    for licence in right.licences:
        scope = "worldwide" if licence.worldwide else " ".join(licence.territories)
        writer.writerow(
            ["licence", right.token_id_hex, licence.exclusivity.value, licence.licensee,
             "revoked" if licence.revoked_at else "active" if licence.active else "inactive", scope,
             licence.field_of_use or licence.field_hash, "", _time(licence.start), "", _time(licence.end),
             licence.grantor, "",
             licence.terms_hash]
        )  # fmt: skip
    for attestation in right.attestations:
        writer.writerow(
            ["attestation", right.token_id_hex, attestation.claim_type, attestation.attestor,
             "valid" if attestation.valid else "revoked" if attestation.revoked_at else "expired", "", "", "",
             _time(attestation.issued_at), "", _time(attestation.expiry or attestation.revoked_at),
             attestation.attestor, "", attestation.evidence_hash]
        )  # fmt: skip
    for dispute in right.disputes:
        writer.writerow(
            ["dispute", right.token_id_hex, dispute.outcome.value, dispute.claimant, dispute.remedy.value, "", "",
             "", _time(dispute.raised_at), "", _time(dispute.resolved_at), dispute.arbitrator or "", "",
             dispute.ruling_hash or dispute.evidence_hash]
        )  # fmt: skip


def render_report(report: AuditReport, fmt: Literal["json", "csv", "html"], lang: Lang = DEFAULT_LANG) -> bytes:
    """The report's bytes in ``fmt``. ``lang`` (``en``, ``zh-Hans`` or ``zh-Hant``) is the language of the HTML
    page; JSON and CSV are data, the same in every language (their field names and codes are documented)."""
    if fmt == "json":
        return report_json(report)
    if fmt == "csv":
        return report_csv(report)
    from ipledger.audit._report_html import report_html

    return report_html(report, lang).encode("utf-8")


# ---------------------------------------------------------------------------- signing


def report_hash(data: bytes) -> str:
    """The 0x keccak-256 of ``data`` (a report's canonical JSON, or a CSV / HTML file's bytes)."""
    return "0x" + keccak(data).hex()


def sign_bytes(signer: Signer, data: bytes) -> ReportSignature:
    """EIP-191 (``personal_sign``) signature over the 32-byte keccak-256 of ``data``."""
    digest = keccak(data)
    signed = signer.account.sign_message(encode_defunct(primitive=digest))
    return ReportSignature(
        signer=signer.address, signature="0x" + bytes(signed.signature).hex(), report_hash="0x" + digest.hex()
    )


def sign_report(report: AuditReport, signer: Signer) -> dict[str, Any]:
    """The signed JSON envelope ``{"report": {...}, "signature": {...}}`` of a report."""
    return {"report": report.to_json(), "signature": sign_bytes(signer, report.canonical_bytes()).model_dump()}


def signed_envelope_bytes(envelope: Mapping[str, Any]) -> bytes:
    """A signed envelope as written to a file: indented JSON, UTF-8, newline-terminated."""
    return (json.dumps(envelope, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def sidecar_path(path: str | Path) -> Path:
    """Where the signature of a CSV or HTML report lives: ``<file>.sig.json``."""
    target = Path(path)
    return target.with_name(target.name + SIDECAR_SUFFIX)


def sidecar_document(path: str | Path, signature: ReportSignature) -> dict[str, Any]:
    return {"file": Path(path).name, "signature": signature.model_dump()}


def _check_signature(data: bytes, block: Any, expected_signer: str | None) -> tuple[bool, str | None, list[str]]:
    try:
        signature = ReportSignature.model_validate(block)
    except ValidationError:
        return False, None, ["malformed_signature: the signature block is not {signer, scheme, signature, report_hash}"]
    reasons: list[str] = []
    digest = keccak(data)
    if signature.report_hash.lower() != "0x" + digest.hex():
        reasons.append(
            f"report_hash_mismatch: the content hashes to 0x{digest.hex()}, the signature covers "
            f"{signature.report_hash}"
        )
    try:
        recovered: str | None = str(
            Account.recover_message(encode_defunct(primitive=digest), signature=bytes.fromhex(signature.signature[2:]))
        )
    except Exception:  # noqa: BLE001 - eth_keys raises several types for unusable signatures
        recovered = None
        reasons.append("bad_signature: the signature does not recover any address")
    claimed = to_checksum_address(signature.signer) if is_valid_address(signature.signer) else signature.signer
    if recovered is not None and recovered != claimed:
        reasons.append(f"signer_mismatch: the signature recovers {recovered}, the file names {claimed}")
    if expected_signer is not None and recovered is not None and recovered != to_checksum_address(expected_signer):
        reasons.append(f"unexpected_signer: signed by {recovered}, expected {to_checksum_address(expected_signer)}")
    return not reasons, recovered, reasons


def verify_report_file(path: str | Path, *, expected_signer: str | None = None) -> tuple[bool, str | None, list[str]]:
    """Checks a signed report offline: ``(ok, signer, reasons)``.

    A JSON envelope ``{"report", "signature"}`` is checked over the report's canonical JSON; any other file
    (CSV, HTML, unsigned JSON) over its bytes, against ``<file>.sig.json``. ``signer`` is the recovered address
    (None when nothing could be recovered); ``reasons`` name each failure (``report_hash_mismatch``,
    ``signer_mismatch``, ``unexpected_signer``, ``bad_signature``, ``missing_signature``, ...). With
    ``expected_signer`` the report must have been signed by that address.
    """
    target = Path(path)
    try:
        data = target.read_bytes()
    except OSError as exc:
        return False, None, [f"unreadable: {target}: {exc.strerror or exc}"]
    envelope: Any = None
    if target.suffix.lower() == ".json":
        try:
            envelope = json.loads(data)
        except ValueError:
            envelope = None
    if isinstance(envelope, dict) and set(envelope) == {"report", "signature"}:
        report = envelope["report"]
        if not isinstance(report, dict):
            return False, None, ["malformed_report: the report member is not a JSON object"]
        try:
            canonical = canonical_json(report)
        except ValueError as exc:
            return False, None, [f"malformed_report: {exc}"]
        return _check_signature(canonical, envelope["signature"], expected_signer)
    sidecar = sidecar_path(target)
    if not sidecar.is_file():
        return False, None, [f"missing_signature: neither a signed JSON envelope nor a {sidecar.name} beside it"]
    try:
        document = json.loads(sidecar.read_bytes())
    except (OSError, ValueError):
        return False, None, [f"malformed_signature: {sidecar.name} is not JSON"]
    if not isinstance(document, dict) or "signature" not in document:
        return False, None, [f"malformed_signature: {sidecar.name} has no signature member"]
    return _check_signature(data, document["signature"], expected_signer)
