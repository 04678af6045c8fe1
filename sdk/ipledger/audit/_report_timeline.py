"""The custody timeline of one right as inline SVG, and its legend.

One lane per holder with a bar for each span they held the right, a marker for every event and shaded spans
while the right was frozen. The axis runs in event order (not to scale): chain events often come seconds apart,
so a to-scale axis would hide them; every mark is labelled with its date. The legend shows every marker the
timeline can draw (each distinct shape and colour once, with the names of the event kinds drawn with it).
"""

from __future__ import annotations

from html import escape
from typing import get_args

from ipledger.audit._report import RightReport
from ipledger.audit._report_i18n import Translate
from ipledger.audit._report_sentences import describe_event, holder_name, when
from ipledger.audit._verify import CUSTODY_KINDS
from ipledger.models._models import EventKind

__all__ = ["MARKERS", "legend_html", "marker_style", "timeline_svg"]

#: Marker shape and colour per event kind; kinds not listed are drawn with :data:`_OTHER`.
MARKERS: dict[str, tuple[str, str]] = {
    "registered": ("circle", "#1b7f3b"),
    "transfer": ("circle", "#1f5fbf"),
    "assignment": ("circle", "#1f5fbf"),
    "forced_transfer": ("triangle", "#c0262d"),
    "claim_superseded": ("diamond", "#d9822b"),
    "claim_confirmed": ("diamond", "#1b7f3b"),
    "frozen": ("bar", "#2b8fb3"),
    "unfrozen": ("bar-open", "#2b8fb3"),
    "fractionalized": ("square", "#7a3fb0"),
    "redeemed": ("square-open", "#7a3fb0"),
    "revoked": ("triangle", "#6b1014"),
    "dispute_locked": ("bar", "#c0262d"),
    "dispute_unlocked": ("bar-open", "#c0262d"),
    "dispute_raised": ("diamond", "#c0262d"),
    "dispute_resolved": ("diamond", "#555555"),
    "dispute_registration_changed": ("diamond-open", "#555555"),
    "license_granted": ("square", "#b8860b"),
    "license_revoked": ("square-open", "#b8860b"),
    "royalty_paid": ("circle", "#b8860b"),
    "right_credited": ("circle-open", "#b8860b"),
    # loans: brown; the sale or foreclosure that moves the right a triangle, like the other forced moves
    "pledge_locked": ("bar", "#8c564b"),
    "pledge_unlocked": ("bar-open", "#8c564b"),
    "loan_opened": ("diamond", "#8c564b"),
    "pledge_released": ("diamond-open", "#8c564b"),
    "loan_repaid": ("circle-open", "#8c564b"),
    "auction_started": ("square", "#8c564b"),
    "loan_refinanced": ("square-open", "#8c564b"),
    "collateral_sold": ("triangle", "#8c564b"),
    "foreclosed": ("triangle", "#8c564b"),
    "collateral_lost": ("circle", "#8c564b"),
    "pledge_registered": ("dot", "#8c564b"),
}
_OTHER = ("dot", "#777777")
_PALETTE = ("#4e79a7", "#59a14f", "#edc948", "#b07aa1", "#76b7b2", "#f28e2b", "#9c755f", "#e15759", "#bab0ac")
_SVG = 'xmlns="http://www.w3.org/2000/svg"'

_LEFT = 230
_PLOT = 700
_RIGHT = 30
_LANE = 36
_TOP = 30


def marker_style(kind: str) -> tuple[str, str]:
    """The (shape, colour) the timeline draws ``kind`` with."""
    return MARKERS.get(kind, _OTHER)


def _marker(kind: str, x: float, y: float, title: str) -> str:
    shape, colour = marker_style(kind)
    tip = f"<title>{escape(title)}</title>"
    common = f'class="marker marker-{kind}" data-kind="{kind}"'
    if shape in ("circle", "circle-open"):
        fill, stroke = (colour, "#fff") if shape == "circle" else ("#fff", colour)
        return (
            f'<circle {common} cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{fill}" stroke="{stroke}" stroke-width="2">'
            f"{tip}</circle>"
        )
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


def timeline_svg(right: RightReport, vault: str | None, index: int, t: Translate) -> str:
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
    name = right.record.primary_number if right.record and right.record.primary_number else right.token_id_hex

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
        f'<svg {_SVG} class="timeline" id="timeline-{index}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(t("timeline.label", right=name))}">',
        f"<title>{escape(t('timeline.title', right=name))}</title>",
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
            f"{escape(holder_name(holder, vault, t))}</text>"
        )
    plot_bottom = _TOP + lanes * _LANE
    for span in right.frozen:
        start = step_of(span.start_block, None)
        end = steps if span.end_block is None else step_of(span.end_block, None)
        x1, x2 = x_of(start), x_of(end)
        until = t("timeline.still_frozen") if span.end is None else t("timeline.until", when=when(span.end))
        parts.append(
            f'<rect class="frozen-span" x="{x1:.1f}" y="{_TOP}" width="{max(x2 - x1, 4):.1f}" '
            f'height="{lanes * _LANE}" fill="url(#frozen-hatch-{index})" opacity="0.6">'
            f"<title>{escape(t('timeline.frozen_span', start=when(span.start), until=until))}</title></rect>"
        )
    for number, interval in enumerate(right.custody):
        start = step_of(interval.start_block, interval.start_tx)
        end = steps if interval.end_block is None else step_of(interval.end_block, interval.end_tx)
        x1, x2 = x_of(start), x_of(end)
        y = lane_y(interval.holder) - 7
        colour = "#7a3fb0" if interval.role == "share_vault" else _PALETTE[holders.index(interval.holder) % 9]
        until = t("timeline.to_report_date") if interval.end is None else t("timeline.until", when=when(interval.end))
        held = t(
            "timeline.held", holder=holder_name(interval.holder, vault, t), start=when(interval.start), until=until
        )
        parts.append(
            f'<rect class="custody-bar" data-holder="{interval.holder}" data-interval="{number}" x="{x1:.1f}" '
            f'y="{y:.1f}" width="{max(x2 - x1, 3):.1f}" height="14" rx="3" fill="{colour}" opacity="0.85">'
            f"<title>{escape(held)}</title></rect>"
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
        tip = t("timeline.mark", when=when(event.timestamp), block=event.block, sentence=describe_event(event, t))
        parts.append(_marker(event.kind, x, y, tip))
        label_y = plot_bottom + 16 + (step % 2) * 14
        parts.append(
            f'<text x="{x:.1f}" y="{label_y}" font-size="10" text-anchor="middle" fill="#555">'
            f"{escape(event.timestamp.strftime('%Y-%m-%d'))}</text>"
        )
    end_x = x_of(steps)
    parts.append(
        f'<line class="report-date" x1="{end_x:.1f}" y1="{_TOP - 8}" x2="{end_x:.1f}" y2="{plot_bottom}" '
        'stroke="#333"/>'
    )
    parts.append(
        f'<text x="{end_x:.1f}" y="{_TOP - 12}" font-size="10" text-anchor="end" fill="#333">'
        f"{escape(t('timeline.report_date'))}</text>"
    )
    parts.append(
        f'<text x="{_LEFT + 10}" y="{height - 8}" font-size="10" fill="#777">{escape(t("timeline.axis"))}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _marker_groups() -> list[tuple[tuple[str, str], list[str]]]:
    """Every marker the timeline can draw, once per (shape, colour), with the event kinds drawn with it, in the
    order of :data:`~ipledger.EventKind`."""
    groups: dict[tuple[str, str], list[str]] = {}
    for kind in get_args(EventKind):
        groups.setdefault(marker_style(kind), []).append(kind)
    return list(groups.items())


def legend_html(t: Translate) -> str:
    """The legend of the timelines: bars, frozen shading, the report-date line and every marker."""
    items = [
        f'<svg {_SVG} width="26" height="14"><rect x="1" y="2" width="24" height="10" rx="3" fill="#4e79a7"/></svg> '
        + escape(t("legend.bar")),
        f'<svg {_SVG} width="26" height="14"><rect x="1" y="0" width="24" height="14" fill="#d8eef6" '
        f'stroke="#2b8fb3"/></svg> ' + escape(t("legend.frozen")),
        f'<svg {_SVG} width="26" height="14"><rect x="1" y="2" width="24" height="10" rx="3" fill="#7a3fb0"/></svg> '
        + escape(t("legend.vault")),
        f'<svg {_SVG} width="12" height="22"><line x1="6" y1="0" x2="6" y2="22" stroke="#333"/></svg> '
        + escape(t("legend.report_date")),
    ]
    for _, kinds in _marker_groups():
        names = t("word.and").join(t(f"event.{kind}") for kind in kinds)
        items.append(
            f'<svg {_SVG} width="22" height="22">{_marker(kinds[0], 11, 11, names)}</svg> '
            f'<span class="legend-kinds" data-kinds="{" ".join(kinds)}">{escape(names)}</span>'
        )
    return (
        f'<div class="legend" aria-label="{escape(t("legend.heading"))}">'
        + "".join(f"<span>{item}</span>" for item in items)
        + "</div>"
    )
