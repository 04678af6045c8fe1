"""What the pages show, built from the index's answers with the audit report's own pieces: the custody timeline
(the report's SVG), event sentences, pledge sentences, and the licences, attestations and disputes a right's history
records (read from its events: no call to the node)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from ipledger import CapTable, HistoryEvent, Pledge, RightRecord, RightReport, SharePosition, format_units
from ipledger.audit._report import custody_intervals, frozen_spans
from ipledger.audit._report_i18n import Translate
from ipledger.audit._report_sentences import (
    day,
    describe_event,
    describe_pledge,
    holder_name,
    pledge_lines,
    short,
    when,
)
from ipledger.audit._report_timeline import legend_html, timeline_svg

__all__ = [
    "AttestationRow",
    "DisputeRow",
    "EventRow",
    "LicenceRow",
    "RightFacts",
    "pledge_sentence",
    "right_facts",
    "share_units",
    "shares_text",
    "summary_text",
    "timeline_markup",
]


@dataclass
class LicenceRow:
    licence: int | None
    licensee: str | None
    exclusivity: str
    territories: str
    granted: str
    in_force: bool = True


@dataclass
class AttestationRow:
    attestation: int | None
    claim: str
    attestor: str | None
    issued: str
    valid: bool = True


@dataclass
class DisputeRow:
    dispute: int | None
    claimant: str | None
    raised: str
    outcome: str
    resolved: str = ""


@dataclass
class EventRow:
    when: str
    block: int
    sentence: str
    tx_hash: str


@dataclass
class RightFacts:
    """A right's rows for its page, from its history."""

    events: list[EventRow] = field(default_factory=list)
    licences: list[LicenceRow] = field(default_factory=list)
    attestations: list[AttestationRow] = field(default_factory=list)
    disputes: list[DisputeRow] = field(default_factory=list)
    #: The share token of the latest fractionalization still in force, if any.
    share_token: str | None = None


def right_facts(events: Sequence[HistoryEvent], t: Translate) -> RightFacts:
    """The rows of a right's page from its history events, in chain order."""
    facts = RightFacts()
    licences: dict[int | None, LicenceRow] = {}
    attestations: dict[int | None, AttestationRow] = {}
    disputes: dict[int | None, DisputeRow] = {}
    for event in events:
        facts.events.append(EventRow(when(event.timestamp), event.block, describe_event(event, t), event.tx_hash))
        if event.kind == "license_granted":
            licences[event.license_id] = LicenceRow(
                licence=event.license_id,
                licensee=event.to,
                exclusivity=t(f"exclusivity.{event.exclusivity}") if event.exclusivity else "",
                territories=", ".join(event.territories or []) or t("licences.worldwide"),
                granted=day(event.timestamp),
            )
        elif event.kind == "license_revoked" and event.license_id in licences:
            licences[event.license_id].in_force = False
        elif event.kind == "attested":
            claim = event.claim_type or ""
            known = claim in ("TITLE_VERIFIED", "VALUATION", "FREEDOM_TO_OPERATE", "LAPSED")
            attestations[event.attestation_id] = AttestationRow(
                attestation=event.attestation_id,
                claim=t(f"claim.{claim}") if known else t("claim.other"),
                attestor=event.by,
                issued=day(event.timestamp),
            )
        elif event.kind == "attestation_revoked" and event.attestation_id in attestations:
            attestations[event.attestation_id].valid = False
        elif event.kind == "dispute_raised":
            disputes[event.dispute_id] = DisputeRow(
                dispute=event.dispute_id, claimant=event.by, raised=day(event.timestamp), outcome=t("outcome.open")
            )
        elif event.kind == "dispute_resolved" and event.dispute_id in disputes:
            row = disputes[event.dispute_id]
            outcome = t(f"outcome.{event.outcome}") if event.outcome else ""
            if event.remedy and event.remedy != "none":
                outcome = t("disputes.with_remedy", outcome=outcome, remedy=t(f"remedy.{event.remedy}"))
            row.outcome, row.resolved = outcome, day(event.timestamp)
        elif event.kind == "fractionalized":
            facts.share_token = event.share_token
        elif event.kind == "redeemed":
            facts.share_token = None
    facts.licences = list(licences.values())
    facts.attestations = list(attestations.values())
    facts.disputes = list(disputes.values())
    return facts


def timeline_markup(record: RightRecord, events: Sequence[HistoryEvent], vault: str | None, t: Translate) -> Markup:
    """The report's custody timeline of the right, and its legend (inline SVG, no script)."""
    # Drawn only, never judged (no check ran; the verdict is a placeholder the timeline does not read): the timeline
    # reads the custody, frozen spans, events and record of the right.
    drawn = RightReport.model_construct(
        verdict="verified",
        checks=[],
        notices=[],
        token_id=record.token_id,
        token_id_hex=record.token_id_hex,
        record=record,
        owner=record.owner,
        custody=custody_intervals(events, vault),
        frozen=frozen_spans(events),
        events=list(events),
    )
    return Markup(timeline_svg(drawn, vault, 0, t) + legend_html(t))


def summary_text(
    record: RightRecord,
    events: Sequence[HistoryEvent],
    vault: str | None,
    t: Translate,
    table: CapTable | None = None,
) -> list[str]:
    """The right in a few sentences, as the audit report opens it: what it is and who registered it, who holds it
    since when, whether it was revoked, and what its live or enforced pledges say (pledged shares in whole shares
    when its cap table is given)."""
    kind, office, date = t(f"kind.{record.kind.value}"), record.jurisdiction, day(record.registered_at)
    sentences = [
        t("summary.kind_registrar", kind=kind, office=office, registrar=short(record.registrar, t), date=date)
        if record.registrar
        else t("summary.kind_claimed", kind=kind, office=office, date=date)
    ]
    custody = custody_intervals(events, vault)
    if custody:
        holders = len({interval.holder for interval in custody})
        current = custody[-1]
        key = "summary.held_one" if holders == 1 else "summary.held_many"
        sentences.append(t(key, holder=holder_name(current.holder, vault, t), date=day(current.start), count=holders))
    if record.revoked_at is not None:
        order = (record.revocation_order or "")[:10] + "…"
        sentences.append(t("summary.revoked", date=day(record.revoked_at), by=short(record.revoked_by, t), order=order))
    writer = None if table is None else _whole_shares(table.decimals, table.symbol)
    return [t("word.gap").join(sentences), *pledge_lines(record.pledges, t, share_units=writer)]


def share_units(table: CapTable | None = None, positions: Sequence[SharePosition] = ()) -> dict[str, tuple[int, str]]:
    """Decimals and symbol of the share tokens a page knows (its cap table, a holder's positions), by address in
    lower case: pledged amounts are then written in whole shares, not base units."""
    known = {position.share_token.lower(): (position.decimals, position.symbol) for position in positions}
    if table is not None:
        known[table.share_token.lower()] = (table.decimals, table.symbol)
    return known


def _whole_shares(decimals: int, symbol: str) -> Callable[[int], str]:
    return lambda amount: f"{format_units(amount, decimals, grouping=True)} {symbol}"


def pledge_sentence(pledge: Pledge, t: Translate, units: Mapping[str, tuple[int, str]] | None = None) -> str:
    """Where one pledge stands, in the report's words (pledged shares in whole shares where ``units``, from
    :func:`share_units`, knows their token; in base units otherwise)."""
    known = (units or {}).get((pledge.share_token or "").lower())
    return describe_pledge(pledge, t, share_units=None if known is None else _whole_shares(*known))


def shares_text(amount: int, table: CapTable | None = None, *, decimals: int | None = None) -> str:
    """An amount of shares in whole shares (grouped), with the symbol when the cap table is given."""
    places = table.decimals if table is not None else decimals or 0
    text = format_units(amount, places, grouping=True)
    return f"{text} {table.symbol}" if table is not None else text
