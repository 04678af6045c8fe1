"""An audit report as one self-contained HTML page: inline CSS, inline SVG custody timelines, no scripts, no
external resources, so it can be archived, mailed and opened offline.

Each right gets a timeline: one lane per holder with a bar for each span they held the right, markers for
what happened (registration, assignments, forced transfers, superseded claims, fractionalization...) and shaded
spans while the right was frozen. The axis runs in event order (not to scale): chain events often come seconds
apart, so a to-scale axis would hide them; every tick is labelled with its date and block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from ._amounts import format_units
from ._models import HistoryEvent
from ._report import AuditReport, RightReport
from ._verify import CUSTODY_KINDS

__all__ = ["EVENT_LABELS", "report_html"]

#: Plain-language names of the event kinds, for the legend and the tables.
EVENT_LABELS: dict[str, str] = {
    "registered": "Registered (the right is created on the ledger)",
    "transfer": "Transferred",
    "assignment": "Assigned by its owner (signed deed)",
    "forced_transfer": "Moved by a court or authority order (forced transfer)",
    "claim_superseded": "Self-declared claim replaced by a verified registration",
    "frozen": "Frozen by a registrar (cannot change hands)",
    "unfrozen": "Unfrozen",
    "metadata_updated": "Description updated",
    "fractionalized": "Split into shares (the share vault keeps the right)",
    "redeemed": "Shares bought back into the whole right (redeemed)",
    "numbers_added": "Official numbers added (a publication or grant of the same right)",
    "number_reclaimed": "Official number taken by a registrar's registration of another right",
    "numbers_released": "Numbers of a superseded or revoked claim released",
}

#: Marker shape and colour per event kind.
_MARKERS: dict[str, tuple[str, str]] = {
    "registered": ("circle", "#1b7f3b"),
    "transfer": ("circle", "#1f5fbf"),
    "assignment": ("circle", "#1f5fbf"),
    "forced_transfer": ("triangle", "#c0262d"),
    "claim_superseded": ("diamond", "#d9822b"),
    "frozen": ("bar", "#2b8fb3"),
    "unfrozen": ("bar-open", "#2b8fb3"),
    "metadata_updated": ("dot", "#777777"),
    "fractionalized": ("square", "#7a3fb0"),
    "redeemed": ("square-open", "#7a3fb0"),
    "revoked": ("triangle", "#6b1014"),
    "dispute_locked": ("bar", "#c0262d"),
    "dispute_unlocked": ("bar-open", "#c0262d"),
    "dispute_raised": ("diamond", "#c0262d"),
    "dispute_resolved": ("diamond", "#555555"),
    "dispute_registration_changed": ("diamond-open", "#555555"),
}
_PALETTE = ("#4e79a7", "#59a14f", "#edc948", "#b07aa1", "#76b7b2", "#f28e2b", "#9c755f", "#e15759", "#bab0ac")

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem auto;max-width:1100px;
color:#1d1d1f;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.5rem;border-bottom:2px solid #ddd;
padding-bottom:.2rem}h3{font-size:1rem;margin-bottom:.3rem}
.meta{color:#555;font-size:.9rem}.ok{color:#1b7f3b;font-weight:600}.bad{color:#c0262d;font-weight:600}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.88rem}
th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f4f4f6}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;word-break:break-all}
.verdict{display:inline-block;padding:.15rem .6rem;border-radius:.3rem;color:#fff;font-weight:600}
.verdict.verified{background:#1b7f3b}.verdict.failed{background:#c0262d}
.summary{background:#f7f7fa;border-left:4px solid #4e79a7;padding:.5rem .8rem}
svg{max-width:100%;height:auto;background:#fff}ul.notices li{margin:.2rem 0}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font-size:.85rem;margin:.3rem 0 1rem}
"""

_LEFT = 230
_PLOT = 700
_RIGHT = 30
_LANE = 36
_TOP = 30


def _short(address: str | None) -> str:
    if not address:
        return "nobody"
    return f"{address[:6]}…{address[-4:]}"


def _day(moment: dt.datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d")


def _when(moment: dt.datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _holder_name(address: str, vault: str | None) -> str:
    return f"Share vault {_short(address)}" if vault is not None and address == vault else _short(address)


def describe_event(event: HistoryEvent) -> str:
    """One sentence a non-engineer can read."""
    source, target, by = _short(event.from_), _short(event.to), _short(event.by)
    if event.kind == "registered":
        return f"Registered to {target}" + (f" by registrar {by}" if event.by else " (self-declared claim)")
    if event.kind == "assignment":
        return f"{source} assigned the right to {target} under a signed deed"
    if event.kind == "transfer":
        return f"Transferred from {source} to {target}"
    if event.kind == "forced_transfer":
        return f"Moved from {source} to {target} by registrar {by} on a court or authority order"
    if event.kind == "claim_superseded":
        return f"The self-declared claim of {source} was replaced; the right now belongs to {target}"
    if event.kind == "frozen":
        return f"Frozen by registrar {by}: the right cannot change hands until unfrozen"
    if event.kind == "unfrozen":
        return f"Unfrozen by registrar {by}"
    if event.kind == "metadata_updated":
        return "The description (metadata) of the right was updated"
    if event.kind == "fractionalized":
        amount = (
            format_units(event.supply, event.decimals, grouping=True)
            if event.supply is not None and event.decimals is not None
            else "some"
        )
        return (
            f"{_short(event.by)} split the right into {amount} {event.symbol or ''} shares; the share vault now "
            "keeps the right on behalf of the shareholders"
        )
    if event.kind == "redeemed":
        return f"{_short(event.by)} held every share and took the whole right back out of the share vault ({target})"
    return _rights_event_sentence(event)


def _rights_event_sentence(event: HistoryEvent) -> str:
    """Revocation, claim confirmation, dispute locks, licences, attestations, disputes and royalties."""
    source, target, by = _short(event.from_), _short(event.to), _short(event.by)
    sentences = {
        "revoked": f"Revoked by registrar {by} on an order: the token of {source} was cancelled",
        "claim_confirmed": f"{by} confirmed the self-declared claim: the right is now registrar-verified",
        "dispute_locked": f"Locked while dispute {event.dispute_id} is open: the right cannot change hands",
        "dispute_unlocked": f"The dispute lock was lifted (dispute {event.dispute_id} closed)"
        if event.dispute_id is not None
        else "The dispute lock was lifted: the claim the disputes were about was superseded",
        "license_granted": f"{source} granted licence {event.license_id} "
        f"({(event.exclusivity or '').replace('_', '-')}) to {target}",
        "license_revoked": f"Licence {event.license_id} was revoked by {by}",
        "attested": f"{by} attested: {(event.claim_type or 'a claim').replace('_', ' ').lower()}"
        f" (attestation {event.attestation_id})",
        "attestation_revoked": f"{by} withdrew attestation {event.attestation_id}",
        "dispute_raised": f"{by} raised dispute {event.dispute_id} against the right",
        "dispute_resolved": f"Dispute {event.dispute_id} was {event.outcome} by arbitrator {by}"
        + (f", remedy: {event.remedy.replace('_', ' ')}" if event.remedy and event.remedy != "none" else ""),
        "dispute_registration_changed": f"Dispute {event.dispute_id} was about an earlier registration of the right: "
        "no remedy applies to this one, the bond is refunded",
        "royalty_paid": f"{source} paid a royalty on licence {event.license_id}, credited to {target}",
        "right_credited": f"{source} (a creditor of the royalty vault, such as the dispute manager forfeiting a "
        f"bond) credited a payment to {target}",
    }
    return sentences.get(event.kind, event.kind.replace("_", " "))


def _marker(kind: str, x: float, y: float, title: str) -> str:
    shape, colour = _MARKERS.get(kind, ("dot", "#777777"))
    tip = f"<title>{escape(title)}</title>"
    common = f'class="marker marker-{kind}" data-kind="{kind}"'
    if shape == "circle":
        return f'<circle {common} cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{colour}" stroke="#fff">{tip}</circle>'
    if shape == "dot":
        return f'<circle {common} cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">{tip}</circle>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 9:.1f} {x + 8:.1f},{y + 6:.1f} {x - 8:.1f},{y + 6:.1f}"
        return f'<polygon {common} points="{points}" fill="{colour}" stroke="#fff">{tip}</polygon>'
    if shape in ("diamond", "diamond-open"):
        points = f"{x:.1f},{y - 9:.1f} {x + 8:.1f},{y:.1f} {x:.1f},{y + 9:.1f} {x - 8:.1f},{y:.1f}"
        fill, stroke = (colour, "#fff") if shape == "diamond" else ("#fff", colour)
        return f'<polygon {common} points="{points}" fill="{fill}" stroke="{stroke}">{tip}</polygon>'
    if shape in ("square", "square-open"):
        fill = colour if shape == "square" else "#fff"
        return (
            f'<rect {common} x="{x - 7:.1f}" y="{y - 7:.1f}" width="14" height="14" fill="{fill}" '
            f'stroke="{colour}" stroke-width="2">{tip}</rect>'
        )
    fill = colour if shape == "bar" else "#fff"
    return (
        f'<rect {common} x="{x - 3:.1f}" y="{y - 11:.1f}" width="6" height="22" fill="{fill}" '
        f'stroke="{colour}" stroke-width="2">{tip}</rect>'
    )


def timeline_svg(right: RightReport, vault: str | None, index: int) -> str:
    """The custody timeline of one right as an SVG element (valid XML)."""
    events = right.events
    holders: list[str] = []
    for interval in right.custody:
        if interval.holder not in holders:
            holders.append(interval.holder)
    lanes = max(len(holders), 1)
    steps = max(len(events), 1)
    height = _TOP + lanes * _LANE + 70
    width = _LEFT + _PLOT + _RIGHT
    position = {(event.block, event.log_index): i for i, event in enumerate(events)}

    def x_of(step: int) -> float:
        return _LEFT + 10 + step * (_PLOT - 20) / steps

    def lane_y(holder: str | None) -> float:
        row = holders.index(holder) if holder in holders else 0
        return _TOP + row * _LANE + _LANE / 2

    def step_of(block: int | None, tx: str | None) -> int:
        if block is None:
            return steps
        for event in events:
            if event.block == block and (tx is None or event.tx_hash == tx):
                return position[(event.block, event.log_index)]
        return steps

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" id="timeline-{index}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Custody timeline of right {escape(right.token_id_hex)}">',
        f"<title>Who held right {escape(_short(right.token_id_hex))} over time</title>",
        f'<defs><pattern id="frozen-hatch-{index}" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="8" height="8" fill="#d8eef6"/>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#2b8fb3" stroke-width="2"/></pattern></defs>',
    ]
    for row, holder in enumerate(holders):
        top = _TOP + row * _LANE
        if row % 2 == 0:
            parts.append(f'<rect x="0" y="{top}" width="{width}" height="{_LANE}" fill="#fafafc"/>')
        parts.append(
            f'<text x="8" y="{top + _LANE / 2 + 4:.1f}" font-size="12" fill="#333">'
            f"{escape(_holder_name(holder, vault))}</text>"
        )
    plot_bottom = _TOP + lanes * _LANE
    for span in right.frozen:
        start = step_of(span.start_block, None)
        end = steps if span.end_block is None else step_of(span.end_block, None)
        x1, x2 = x_of(start), x_of(end)
        until = "still frozen at the report date" if span.end is None else f"until {_when(span.end)}"
        parts.append(
            f'<rect class="frozen-span" x="{x1:.1f}" y="{_TOP}" width="{max(x2 - x1, 4):.1f}" '
            f'height="{lanes * _LANE}" fill="url(#frozen-hatch-{index})" opacity="0.6">'
            f"<title>Frozen from {escape(_when(span.start))} {escape(until)}</title></rect>"
        )
    for number, interval in enumerate(right.custody):
        start = step_of(interval.start_block, interval.start_tx)
        end = steps if interval.end_block is None else step_of(interval.end_block, interval.end_tx)
        x1, x2 = x_of(start), x_of(end)
        y = lane_y(interval.holder) - 7
        colour = "#7a3fb0" if interval.role == "share_vault" else _PALETTE[holders.index(interval.holder) % 9]
        until = "to the report date" if interval.end is None else f"until {_when(interval.end)}"
        parts.append(
            f'<rect class="custody-bar" data-holder="{interval.holder}" data-interval="{number}" x="{x1:.1f}" '
            f'y="{y:.1f}" width="{max(x2 - x1, 3):.1f}" height="14" rx="3" fill="{colour}" opacity="0.85">'
            f"<title>{escape(_holder_name(interval.holder, vault))} held the right from "
            f"{escape(_when(interval.start))} {escape(until)}</title></rect>"
        )
    holder_now: str | None = None
    for step, event in enumerate(events):
        x = x_of(step)
        moves = event.kind in CUSTODY_KINDS
        if moves and event.to is not None:
            holder_now = event.to
        y = lane_y(event.to if moves and event.to is not None else holder_now if holder_now else event.from_)
        parts.append(
            f'<line x1="{x:.1f}" y1="{_TOP}" x2="{x:.1f}" y2="{plot_bottom}" stroke="#ccc" stroke-dasharray="2,3"/>'
        )
        parts.append(
            _marker(event.kind, x, y, f"{_when(event.timestamp)}, block {event.block}: {describe_event(event)}")
        )
        label_y = plot_bottom + 16 + (step % 2) * 14
        parts.append(
            f'<text x="{x:.1f}" y="{label_y}" font-size="10" text-anchor="middle" fill="#555">'
            f"{escape(_day(event.timestamp))}</text>"
        )
    end_x = x_of(steps)
    parts.append(f'<line x1="{end_x:.1f}" y1="{_TOP - 8}" x2="{end_x:.1f}" y2="{plot_bottom}" stroke="#333"/>')
    parts.append(
        f'<text x="{end_x:.1f}" y="{_TOP - 12}" font-size="10" text-anchor="end" fill="#333">report date</text>'
    )
    parts.append(
        f'<text x="{_LEFT + 10}" y="{height - 8}" font-size="10" fill="#777">Time runs left to right in the order '
        "things happened (not to scale); dates under each mark.</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def _legend() -> str:
    items = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="26" height="14"><rect x="1" y="2" width="24" height="10" '
        'rx="3" fill="#4e79a7"/></svg> A bar: who held the right, from when to when'
    ]
    items.append(
        '<svg xmlns="http://www.w3.org/2000/svg" width="26" height="14"><rect x="1" y="0" width="24" height="14" '
        'fill="#d8eef6" stroke="#2b8fb3"/></svg> Shaded: frozen (could not change hands)'
    )
    items.append(
        '<svg xmlns="http://www.w3.org/2000/svg" width="26" height="14"><rect x="1" y="2" width="24" height="10" '
        'rx="3" fill="#7a3fb0"/></svg> Held by the share vault for the shareholders'
    )
    for kind in ("registered", "assignment", "forced_transfer", "claim_superseded", "frozen", "unfrozen"):
        items.append(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="22" height="22">{_marker(kind, 11, 11, kind)}</svg> '
            + escape(EVENT_LABELS[kind])
        )
    for kind in ("fractionalized", "redeemed"):
        items.append(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="22" height="22">{_marker(kind, 11, 11, kind)}</svg> '
            + escape(EVENT_LABELS[kind])
        )
    return '<div class="legend">' + "".join(f"<span>{item}</span>" for item in items) + "</div>"


def _summary(right: RightReport, vault: str | None) -> str:
    record = right.record
    if record is None:
        return "No record."
    holders = len({interval.holder for interval in right.custody})
    text = (
        f"A {record.kind.value.replace('_', ' ')} in {escape(record.jurisdiction)}, "
        f"{'registered by registrar ' + _short(record.registrar) if record.registrar else 'claimed by its owner'} "
        f"on {_day(record.registered_at)}. "
    )
    current = right.custody[-1] if right.custody else None
    if current is not None:
        text += f"Held by {escape(_holder_name(current.holder, vault))} since {_day(current.start)}"
        text += f"; {holders} holder{'s' * (holders != 1)} in all. " if holders else ". "
    if right.frozen:
        text += f"Frozen {len(right.frozen)} time{'s' * (len(right.frozen) != 1)}. "
    text += f"Status at the report date: {record.status.value}."
    return text


def _right_section(right: RightReport, vault: str | None, index: int) -> str:
    parts = [
        f'<section class="right" id="right-{escape(right.token_id_hex)}">',
        f"<h2>Right <code>{escape(right.token_id_hex)}</code> "
        f'<span class="verdict {right.verdict}">{right.verdict.upper()}</span></h2>',
        f'<p class="summary">{_summary(right, vault)}</p>',
        "<h3>Who held it, over time</h3>",
        timeline_svg(right, vault, index),
        _legend(),
        "<h3>Checks</h3><table><thead><tr><th>Check</th><th>Result</th><th>Detail</th></tr></thead><tbody>",
    ]
    for check in right.checks:
        result = '<span class="ok">pass</span>' if check.ok else '<span class="bad">FAIL</span>'
        parts.append(f"<tr><td>{escape(check.name)}</td><td>{result}</td><td>{escape(check.detail)}</td></tr>")
    parts.append("</tbody></table>")
    if right.notices:
        parts.append('<h3>Notices (facts to weigh even when every check passes)</h3><ul class="notices">')
        parts.extend(f"<li>{escape(notice)}</li>" for notice in right.notices)
        parts.append("</ul>")
    parts.append(
        "<h3>Custody</h3><table><thead><tr><th>Holder</th><th>From</th><th>Until</th><th>How it arrived</th>"
        "</tr></thead><tbody>"
    )
    for interval in right.custody:
        until = "report date" if interval.end is None else f"{_when(interval.end)} (block {interval.end_block})"
        parts.append(
            f"<tr><td><code>{escape(interval.holder)}</code>"
            f"{' (share vault)' if interval.role == 'share_vault' else ''}</td>"
            f"<td>{escape(_when(interval.start))} (block {interval.start_block})</td><td>{escape(until)}</td>"
            f"<td>{escape(EVENT_LABELS.get(interval.acquired_by, interval.acquired_by))}</td></tr>"
        )
    parts.append("</tbody></table>")
    parts.append(
        "<h3>Events</h3><table><thead><tr><th>When</th><th>Block</th><th>What happened</th><th>Transaction</th>"
        "</tr></thead><tbody>"
    )
    for event in right.events:
        parts.append(
            f"<tr><td>{escape(_when(event.timestamp))}</td><td>{event.block}</td>"
            f"<td>{escape(describe_event(event))}</td><td><code>{escape(event.tx_hash)}</code></td></tr>"
        )
    parts.append("</tbody></table>")
    if right.cap_table is not None:
        table = right.cap_table
        parts.append(
            f"<h3>Shareholders ({escape(table.symbol)}, "
            f"{escape(format_units(table.total_supply, table.decimals, grouping=True))} "
            "shares)</h3><table><thead><tr><th>Holder</th><th>Shares</th><th>Frozen</th></tr></thead><tbody>"
        )
        for holding in table.holders:
            parts.append(
                f"<tr><td><code>{escape(holding.account)}</code></td>"
                f"<td>{escape(format_units(holding.balance, table.decimals, grouping=True))}</td>"
                f"<td>{escape(format_units(holding.frozen, table.decimals, grouping=True))}</td></tr>"
            )
        parts.append("</tbody></table>")
    parts.append(_licences_table(right))
    parts.append(_attestations_table(right))
    parts.append(_disputes_table(right))
    parts.append("</section>")
    return "".join(parts)


def _table(title: str, headers: tuple[str, ...], rows: Sequence[tuple[str, ...]], empty: str) -> str:
    if not rows:
        return f"<h3>{title}</h3><p>{escape(empty)}</p>"
    head = "".join(f"<th>{escape(name)}</th>" for name in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<h3>{title}</h3><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _licences_table(right: RightReport) -> str:
    rows = [
        (
            str(item.license_id),
            _short(item.licensee),
            item.exclusivity.value.replace("_", "-"),
            "worldwide" if item.worldwide else ", ".join(item.territories),
            "all fields" if int(item.field_hash, 16) == 0 else f"field {item.field_hash[:10]}…",
            f"{_day(item.start)} to {_day(item.end) if item.end else 'no end'}",
            f"{item.royalty_bps / 100:g}%" if item.royalty_bps else "none",
            "revoked" if item.revoked_at else "in force" if item.active else "not in force",
        )
        for item in right.licences
    ]
    headers = ("Licence", "Licensee", "Kind", "Territory", "Field", "Period", "Royalty", "State")
    return _table("Licences", headers, rows, "No licence was granted.")


def _attestations_table(right: RightReport) -> str:
    rows = [
        (
            str(item.attestation_id),
            item.claim_type.replace("_", " ").lower(),
            _short(item.attestor),
            _day(item.issued_at),
            "valid" if item.valid else "revoked" if item.revoked_at else "expired",
        )
        for item in right.attestations
    ]
    headers = ("Attestation", "Claim", "Attestor", "Issued", "State")
    return _table("Attestations", headers, rows, "Nobody attested anything about this right.")


def _disputes_table(right: RightReport) -> str:
    rows = [
        (
            str(item.dispute_id),
            _short(item.claimant),
            _day(item.raised_at),
            item.outcome.value + (f" ({item.remedy.value.replace('_', ' ')})" if item.remedy.value != "none" else ""),
            _day(item.resolved_at) if item.resolved_at else "open",
        )
        for item in right.disputes
    ]
    headers = ("Dispute", "Raised by", "Raised", "Outcome", "Resolved")
    return _table("Disputes", headers, rows, "No dispute was raised.")


def report_html(report: AuditReport) -> str:
    """The whole report as one HTML document (XHTML-compatible markup: it also parses as XML)."""
    scope = {
        "token": "one right",
        "owner": f"the rights held by {report.subject}",
        "all": "every right in the registry",
    }[report.scope]
    as_at = "the latest block" if report.as_at is None else report.as_at.isoformat()
    header = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>'
        f"<title>ipledger audit report, {escape(scope)}, as at {escape(as_at)}</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<h1>Audit report: {escape(scope)}</h1>"
        f'<p class="meta">As at {escape(as_at)}: block {report.block} ({escape(_when(report.block_time))}) on chain '
        f"{report.chain_id}; registry <code>{escape(report.registry)}</code>"
        + (f"; share vault <code>{escape(report.vault)}</code>" if report.vault else "")
        + f'. Overall: <span class="verdict {report.verdict}">{report.verdict.upper()}</span>, '
        f"{len(report.rights)} right{'s' * (len(report.rights) != 1)}.</p>"
    )
    if not report.rights:
        header += "<p>No rights in scope at this date.</p>"
    body = "".join(_right_section(right, report.vault, index) for index, right in enumerate(report.rights))
    footer = (
        '<p class="meta">Generated by ipledger from the public chain; anyone can rerun these checks with '
        "<code>ipledger report</code>. A signed copy carries its signature in a <code>.sig.json</code> file beside "
        "this page.</p></body></html>\n"
    )
    return header + body + footer
