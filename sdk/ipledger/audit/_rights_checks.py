"""Checks and notices about a right in use: licences (no two live licences may conflict), attestations and
disputes (an upheld dispute flags the right).

The licence check does not trust the licence registry's own refusal: it recomputes the overlap rule from the
licences the registry reports (territory, field of use and period all overlap, and either licence is sole or
exclusive), so an auditor sees a conflict even if a faulty or replaced contract let one through.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import combinations

from ipledger.models._models import Check
from ipledger.models._rights_models import Attestation, Dispute, DisputeOutcome, Exclusivity, License

__all__ = ["dispute_check", "license_check", "licenses_conflict", "rights_notices"]

_ZERO_FIELD = "0x" + "00" * 32


def _periods_overlap(first: License, second: License) -> bool:
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return first.start < (second.end or far) and second.start < (first.end or far)


def licenses_conflict(first: License, second: License) -> bool:
    """Whether two licences of one right overlap in territory, field of use and period while either is sole or
    exclusive (revocations are not considered here)."""
    if first.exclusivity is Exclusivity.NON_EXCLUSIVE and second.exclusivity is Exclusivity.NON_EXCLUSIVE:
        return False
    territories = first.worldwide or second.worldwide or bool(set(first.territories) & set(second.territories))
    fields = _ZERO_FIELD in (first.field_hash, second.field_hash) or first.field_hash == second.field_hash
    return territories and fields and _periods_overlap(first, second)


def license_check(licenses: Sequence[License], now: dt.datetime) -> Check:
    """No two licences that are still live (not revoked, not ended at ``now``) conflict."""
    live = [item for item in licenses if item.revoked_at is None and (item.end is None or item.end > now)]
    for first, second in combinations(live, 2):
        if licenses_conflict(first, second):
            return Check(
                name="licenses",
                ok=False,
                detail=f"licences {first.license_id} ({first.exclusivity.value}) and {second.license_id} "
                f"({second.exclusivity.value}) overlap in territory, field of use and period",
            )
    exclusive = [item for item in live if item.exclusivity is not Exclusivity.NON_EXCLUSIVE]
    detail = f"{len(live)} live licence(s) of {len(licenses)} granted, no conflict"
    if exclusive:
        detail += "; sole or exclusive: " + ", ".join(str(item.license_id) for item in exclusive)
    return Check(name="licenses", ok=True, detail=detail)


def dispute_check(disputes: Sequence[Dispute]) -> Check:
    """Fails when a dispute about the right was upheld (the right is flagged); open disputes are noticed."""
    upheld = [item for item in disputes if item.outcome is DisputeOutcome.UPHELD]
    if upheld:
        rulings = ", ".join(f"{item.dispute_id} (remedy {item.remedy.value})" for item in upheld)
        return Check(name="disputes", ok=False, detail=f"flagged: dispute(s) upheld: {rulings}")
    open_ = [item for item in disputes if item.outcome is DisputeOutcome.OPEN]
    detail = f"{len(disputes)} dispute(s), none upheld"
    if open_:
        detail += f"; open: {', '.join(str(item.dispute_id) for item in open_)}"
    return Check(name="disputes", ok=True, detail=detail)


def rights_notices(
    licenses: Sequence[License], attestations: Sequence[Attestation], disputes: Sequence[Dispute]
) -> list[str]:
    """What an auditor must notice about the right's licences, attestations and disputes."""
    notices: list[str] = []
    for item in licenses:
        if item.active:
            scope = "worldwide" if item.worldwide else ", ".join(item.territories)
            until = f"until {item.end:%Y-%m-%d}" if item.end else "without end"
            field = (
                "every field"
                if int(item.field_hash, 16) == 0
                else f'field "{item.field_of_use}"'
                if item.field_of_use
                else f"field {item.field_hash[:10]}…"
            )
            notices.append(
                f"licence {item.license_id}: {item.exclusivity.value.replace('_', '-')} to {item.licensee} ({scope}, "
                f"{field}, {until}" + (f", royalty {item.royalty_bps / 100:g}%" if item.royalty_bps else "") + ")"
            )
    for attestation in attestations:
        if attestation.claim_type == "LAPSED" and attestation.valid:
            notices.append(
                f"marked lapsed by attestor {attestation.attestor} on {attestation.issued_at:%Y-%m-%d} (evidence "
                f"{attestation.evidence_hash}, attestation {attestation.attestation_id}): the office says the right "
                "lapsed, whatever expiry the registry records; a pledge of it secures little"
            )
        state = "valid" if attestation.valid else "revoked" if attestation.revoked_at else "expired"
        notices.append(
            f"attestation {attestation.attestation_id}: {attestation.claim_type} by {attestation.attestor} "
            f"on {attestation.issued_at:%Y-%m-%d} ({state})"
        )
    for dispute in disputes:
        if dispute.outcome is DisputeOutcome.OPEN:
            lock = ", transfers blocked" if dispute.locked_transfers else ""
            notices.append(
                f"open dispute {dispute.dispute_id} raised by {dispute.claimant} on {dispute.raised_at:%Y-%m-%d}{lock}"
            )
        else:
            notices.append(
                f"dispute {dispute.dispute_id} {dispute.outcome.value}"
                + (f" with remedy {dispute.remedy.value}" if dispute.remedy.value != "none" else "")
                + (f" on {dispute.resolved_at:%Y-%m-%d}" if dispute.resolved_at else "")
            )
    return notices
