"""The verification report: named checks an auditor can rerun, and what they must notice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from ipledger.audit._proofs import PROOF_CHECKS
from ipledger.audit._report_i18n import translator
from ipledger.audit._report_sentences import describe_pledge
from ipledger.models._amounts import format_units
from ipledger.models._hashing import bundle_hash
from ipledger.models._models import CapTable, Check, HistoryEvent, RightKind, RightRecord, RightStatus
from ipledger.models._rights_models import Attestation, Dispute, DisputeOutcome, Exclusivity, License, Remedy

__all__ = [
    "CUSTODY_KINDS",
    "custody_check",
    "notices_for",
    "pledge_check",
    "pledge_notices",
    "proven_content_check",
    "proven_rights_check",
    "record_differences",
    "shares_check",
    "verdict_of",
]

#: Event kinds that move the right from one holder to the next.
CUSTODY_KINDS = (
    "registered",
    "transfer",
    "assignment",
    "forced_transfer",
    "claim_superseded",
    "fractionalized",
    "redeemed",
)

_ZERO = "0x0000000000000000000000000000000000000000"


def custody_check(events: Sequence[HistoryEvent], current_owner: str, *, vault: str | None = None) -> Check:
    """The chain of custody is unbroken from the registration to the current ``ownerOf``.

    A right held by the share ``vault`` since a fractionalization is in custody, not lost. A right revoked and
    registered again is followed from its latest registration (its earlier life ended with the revocation).
    """
    revocations = [i for i, event in enumerate(events) if event.kind == "revoked"]
    if revocations and any(event.kind == "registered" for event in events[revocations[-1] :]):
        events = events[revocations[-1] + 1 :]
    moves = [event for event in events if event.kind in CUSTODY_KINDS]
    if not moves or moves[0].kind != "registered":
        return Check(name="custody", ok=False, detail="no registration (mint) event opens the chain of custody")
    holder = moves[0].to
    for event in moves[1:]:
        if event.kind == "registered":
            return Check(name="custody", ok=False, detail=f"second mint in block {event.block}")
        if event.from_ != holder:
            return Check(
                name="custody",
                ok=False,
                detail=f"block {event.block}: {event.kind} from {event.from_}, but the holder was {holder}",
            )
        holder = event.to
    if holder != current_owner:
        return Check(name="custody", ok=False, detail=f"events end with {holder}, but ownerOf says {current_owner}")
    if vault is not None and current_owner == vault:
        if moves[-1].kind != "fractionalized":
            return Check(
                name="custody",
                ok=False,
                detail=f"the share vault {vault} holds the right, but no fractionalization put it there",
            )
        return Check(
            name="custody",
            ok=True,
            detail=f"{len(moves)} custody events, unbroken from registration to the share vault {vault}, which holds "
            f"the right in custody for the holders of its shares (since block {moves[-1].block})",
        )
    return Check(
        name="custody",
        ok=True,
        detail=f"{len(moves)} custody events, unbroken from registration to the current owner {current_owner}",
    )


def shares_check(current_owner: str, vault: str, share_token: str | None, cap_table: CapTable | None) -> Check | None:
    """Whether the vault and the right agree: shares exist exactly while the vault holds the right.

    ``None`` when the right has nothing to do with the vault now.
    """
    in_vault = current_owner == vault
    if in_vault and cap_table is not None:
        supply = format_units(cap_table.total_supply, cap_table.decimals, grouping=True)
        mode = "restricted to eligible holders" if cap_table.restricted else "freely transferable"
        return Check(
            name="shares",
            ok=True,
            detail=f"in custody of the share vault, not lost: {supply} {cap_table.symbol} shares at "
            f"{cap_table.share_token} ({mode}) held by {len(cap_table.holders)} holder(s); whoever holds every "
            "share may redeem the right",
        )
    if in_vault:
        return Check(name="shares", ok=False, detail=f"the share vault {vault} holds the right but has no shares of it")
    if share_token is not None:
        return Check(
            name="shares",
            ok=False,
            detail=f"the right left the share vault, but its shares {share_token} still exist and cannot redeem it",
        )
    return None


def notices_for(record: RightRecord, events: Sequence[HistoryEvent]) -> list[str]:
    """Facts an auditor must notice even when every check passes."""
    notices: list[str] = []
    if record.self_declared:
        notices.append("self-declared: claimed by commit-reveal, not checked by a registrar")
    if record.status is RightStatus.EXPIRED:
        notices.append(f"expired on {record.expiry:%Y-%m-%d}" if record.expiry else "expired")
    if record.metadata_problem:
        notices.append(f"public record: {record.metadata_problem}")
    notices += record_differences(record)
    for event in events:
        if event.kind == "revoked":
            notices.append(
                f"revoked in block {event.block} ({event.timestamp:%Y-%m-%d}) by registrar {event.by}, order "
                f"{event.order_hash}; it held {event.from_}"
            )
        elif event.kind == "registered" and any(
            earlier.kind == "revoked" and earlier.block <= event.block for earlier in events
        ):
            notices.append(
                f"registered again in block {event.block} ({event.timestamp:%Y-%m-%d}) after a revocation; its "
                "earlier life is in its history"
            )
        if event.kind == "forced_transfer":
            notices.append(
                f"forced transfer in block {event.block} ({event.timestamp:%Y-%m-%d}) from {event.from_} to "
                f"{event.to} by registrar {event.by}, order {event.order_hash}"
            )
        elif event.kind == "claim_superseded":
            notices.append(
                f"self-declared claim of {event.from_} superseded in block {event.block} by "
                + (f"registrar {event.by}'s registration" if event.by else f"an earlier claim of {event.to}")
            )
        elif event.kind == "frozen":
            notices.append(
                f"frozen in block {event.block} ({event.timestamp:%Y-%m-%d}) by {event.by}, order {event.order_hash}"
            )
        elif event.kind == "unfrozen":
            notices.append(f"unfrozen in block {event.block} ({event.timestamp:%Y-%m-%d}) by {event.by}")
        elif event.kind == "fractionalized":
            notices.append(
                f"fractionalized in block {event.block} ({event.timestamp:%Y-%m-%d}) by {event.by} into "
                f"{_shares(event)} (share token {event.share_token}); the share vault holds the right for them"
            )
        elif event.kind == "redeemed":
            notices.append(
                f"redeemed in block {event.block} ({event.timestamp:%Y-%m-%d}) by {event.to}, who held all "
                f"{_shares(event)} (share token {event.share_token}, now burned)"
            )
    return notices


def record_differences(record: RightRecord) -> list[str]:
    """Where the public record says something else than the registry (a record not updated after a grant, or one
    an owner wrote), and who published it when that was not the registrar: the registry is the authority."""
    public = record.metadata
    if public is None:
        return []
    found: list[str] = []
    said = [
        ("kind", public.kind, record.kind.value),
        ("office", public.jurisdiction, record.jurisdiction),
        ("expiry", public.expiry_date, f"{record.expiry:%Y-%m-%d}" if record.expiry else None),
    ]
    if not public.unpublished and record.primary_number is not None and record.kind is not RightKind.TRADE_SECRET:
        said.append(("number", public.number, record.primary_number))
    for what, claimed, registered in said:
        if claimed is not None and claimed != registered:
            found.append(
                f"the public record says {what} {claimed}, the registry {registered or 'none'}: the registry's holds"
            )
    if public.documents and "documents" not in public.sealed:
        listed = "0x" + bundle_hash(bytes.fromhex(document.sha256) for document in public.documents).hex()
        if listed != record.content_hash:
            found.append(f"the documents the public record lists hash to {listed}, not to the registered content hash")
    by = record.metadata_published_by
    if by is not None and record.registrar is not None and by != record.registrar:
        found.append(f"the public record was last published by {by}, not by the registrar {record.registrar}")
    return found


def _shares(event: HistoryEvent) -> str:
    """``1,000,000 P999 shares`` (base units when the decimals are unknown)."""
    if event.supply is None:
        return "shares"
    if event.decimals is None:
        return f"{event.supply} base units of shares"
    amount = format_units(event.supply, event.decimals, grouping=True)
    return f"{amount} {event.symbol} shares" if event.symbol else f"{amount} shares"


def pledge_check(record: RightRecord, *, desk: str | None) -> Check | None:
    """The registry's pledge bit and the loan desk's history agree: a pledged right has a live loan on it (whose
    lender, agreement and due date the check names), and a right with a live loan is pledged, unless a registrar's
    act took it out of the pledge (a forced transfer, revocation or supersession ends a pledge in the registry; the
    desk records the loss when someone asks it to). ``None`` for a right no loan ever touched. ``desk`` is the loan
    desk attached (``None``: none, so a pledge cannot be explained)."""
    live = [pledge for pledge in record.pledges if pledge.live and pledge.share_token is None]
    if not record.pledged and not record.pledges:
        return None
    t = translator("en")
    if record.pledged and not live:
        detail = (
            "the registry's record is pledged, but no loan desk is attached to say to whom (attach the loan desk)"
            if desk is None
            else f"the registry's record is pledged, but the history of the loan desk {desk} holds no live loan on it"
        )
        return Check(name="pledge", ok=False, detail=detail)
    if record.pledged:
        said = "; ".join(f"{describe_pledge(pledge, t)} (loan {pledge.loan_id})" for pledge in live)
        return Check(name="pledge", ok=True, detail=f"{said}: the registry's pledge lock and the desk's loan agree")
    if live:
        loans = ", ".join(str(pledge.loan_id) for pledge in live)
        return Check(
            name="pledge",
            ok=True,
            detail=f"not pledged: a registrar's act took the right out of the pledge of loan(s) {loans}, which the "
            "desk has not recorded as lost yet; the debt stands, unsecured",
        )
    shares = [pledge for pledge in record.pledges if pledge.live]
    if shares:
        said = "; ".join(describe_pledge(pledge, t) for pledge in shares)
        return Check(name="pledge", ok=True, detail=f"the right itself is not pledged; {said}")
    ended = ", ".join(f"loan {pledge.loan_id} {pledge.state}" for pledge in record.pledges)
    return Check(name="pledge", ok=True, detail=f"not pledged ({ended})")


def pledge_notices(record: RightRecord) -> list[str]:
    """What an auditor must notice about the right's pledges: each live one (to whom, under which agreement, due
    when, its registration number), and each enforced one (the sale, the foreclosure) or one a registrar's act
    ended."""
    t = translator("en")
    return [
        f"loan {pledge.loan_id}: {describe_pledge(pledge, t)}"
        for pledge in record.pledges
        if pledge.live or pledge.state in ("sold", "foreclosed", "lost")
    ]


def verdict_of(checks: Sequence[Check]) -> Literal["verified", "failed", "inconclusive"]:
    """``inconclusive`` when a fact the verdict needs could not be proven (a proof check failed), else ``failed``
    when any check failed, else ``verified``."""
    if any(not check.ok and check.name in PROOF_CHECKS for check in checks):
        return "inconclusive"
    return "verified" if all(check.ok for check in checks) else "failed"


def proven_content_check(token: int, logs: Sequence[Any]) -> Check:
    """The content key from the proven history: the bundle of the right's latest registration (or the claim it
    superseded) is bound to it unless a ``ContentReclaimed`` took it away since."""
    registered = [log for log in logs if log.name == "RightRegistered" and int(log.args["tokenId"]) == token]
    content = str(registered[-1].args["contentHash"]).lower()
    after = logs[logs.index(registered[-1]) :]
    lost = next(
        (
            log
            for log in after
            if log.name == "ContentReclaimed"
            and int(log.args["fromTokenId"]) == token
            and str(log.args["contentHash"]).lower() == content
        ),
        None,
    )
    if lost is not None:
        return Check(
            name="content_key",
            ok=False,
            detail=f"the registered content hash was reclaimed by {hex(int(lost.args['toTokenId']))} in block "
            f"{lost.block} (proven history)",
        )
    return Check(
        name="content_key",
        ok=True,
        detail="the proven history binds the registered content hash to this token (never reclaimed)",
    )


def proven_rights_check(
    licenses: Sequence[License], attestations: Sequence[Attestation], disputes: Sequence[Dispute], logs: Sequence[Any]
) -> Check:
    """The licences, attestations and disputes the node reports are exactly those of the proven history, in every
    term the verdict and the report use: the same ids; each licence's licensee, grantor, terms, exclusivity,
    territories, field, period, sublicensing, royalty, payment token and revocation; each attestation's attestor,
    claim, evidence, expiry and revocation; each dispute's claimant, evidence, bond, lock, outcome and remedy. A
    difference is the node's claim beside the proven event."""
    problems: list[str] = []
    granted = {int(log.args["licenseId"]): log for log in logs if log.name == "LicenseGranted"}
    revoked = {int(log.args["licenseId"]) for log in logs if log.name == "LicenseRevoked"}
    _compare_ids("licence", {item.license_id for item in licenses}, set(granted), problems)
    for item in licenses:
        event = granted.get(item.license_id)
        if event is not None:
            args = event.args
            proven = (
                _address(args["licensee"]),
                _address(args["grantor"]),
                str(args["termsHash"]).lower(),
                list(Exclusivity)[int(args["exclusivity"])],
                sorted(str(code) for code in args["territories"]),
                str(args["field"]).lower(),
                int(args["start"]),
                int(args["end"]),
                bool(args["sublicensable"]),
                int(args["royaltyBps"]),
                _address(args["paymentToken"]),
                item.license_id in revoked,
            )
            claimed = (
                _address(item.licensee),
                _address(item.grantor),
                item.terms_hash.lower(),
                item.exclusivity,
                sorted(item.territories),
                item.field_hash.lower(),
                int(item.start.timestamp()),
                int(item.end.timestamp()) if item.end else 0,
                item.sublicensable,
                item.royalty_bps,
                _address(item.payment_token),
                item.revoked_at is not None,
            )
            if proven != claimed:
                problems.append(f"licence {item.license_id}: the node says {claimed}, the proven event {proven}")
    attested = {int(log.args["attestationId"]): log for log in logs if log.name == "Attested"}
    withdrawn = {int(log.args["attestationId"]) for log in logs if log.name == "AttestationRevoked"}
    _compare_ids("attestation", {item.attestation_id for item in attestations}, set(attested), problems)
    for attestation in attestations:
        event = attested.get(attestation.attestation_id)
        if event is not None:
            args = event.args
            expiry = int(attestation.expiry.timestamp()) if attestation.expiry else 0
            proven_a = (
                _address(args["attestor"]),
                str(args["claimType"]).lower(),
                str(args["evidenceHash"]).lower(),
                int(args["expiry"]),
                attestation.attestation_id in withdrawn,
            )
            claimed_a = (
                _address(attestation.attestor),
                attestation.claim_type_hash.lower(),
                attestation.evidence_hash.lower(),
                expiry,
                attestation.revoked_at is not None,
            )
            if proven_a != claimed_a:
                problems.append(
                    f"attestation {attestation.attestation_id}: the node says {claimed_a}, the proven event {proven_a}"
                )
    raised = {int(log.args["disputeId"]): log for log in logs if log.name == "DisputeRaised"}
    resolved = {int(log.args["disputeId"]): log for log in logs if log.name == "DisputeResolved"}
    _compare_ids("dispute", {item.dispute_id for item in disputes}, set(raised), problems)
    for dispute in disputes:
        event = raised.get(dispute.dispute_id)
        if event is None:
            continue
        args = event.args
        ruling = resolved.get(dispute.dispute_id)
        proven_d = (
            _address(args["claimant"]),
            str(args["evidenceHash"]).lower(),
            _address(args["bondToken"]),
            int(args["bond"]),
            bool(args["lockedTransfers"]),
            DisputeOutcome.OPEN if ruling is None else list(DisputeOutcome)[int(ruling.args["outcome"])],
            None if ruling is None else list(Remedy)[int(ruling.args["remedy"])],
        )
        claimed_d = (
            _address(dispute.claimant),
            dispute.evidence_hash.lower(),
            _address(dispute.bond_token),
            int(dispute.bond),
            dispute.locked_transfers,
            dispute.outcome,
            None if dispute.outcome is DisputeOutcome.OPEN else dispute.remedy,
        )
        if proven_d != claimed_d:
            problems.append(f"dispute {dispute.dispute_id}: the node says {claimed_d}, the proven events {proven_d}")
    if problems:
        return Check(name="rights_in_use", ok=False, detail="; ".join(problems))
    return Check(
        name="rights_in_use",
        ok=True,
        detail=f"{len(licenses)} licence(s), {len(attestations)} attestation(s) and {len(disputes)} dispute(s), as "
        "the proven histories of their modules record them",
    )


def _address(value: Any) -> str | None:
    """An address compared case-blind, the zero address as none."""
    if value is None:
        return None
    text = str(value).lower()
    return None if int(text, 16) == 0 else text


def _compare_ids(what: str, claimed: set[int], proven: set[int], problems: list[str]) -> None:
    if claimed != proven:
        problems.append(f"{what}s: the node reports {sorted(claimed)}, the proven history records {sorted(proven)}")
