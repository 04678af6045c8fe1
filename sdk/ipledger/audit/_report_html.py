"""An audit report as one self-contained HTML page in English, Simplified or Traditional Chinese: inline CSS,
inline SVG custody timelines (``_report_timeline``), no scripts, no external resources, so it can be archived,
mailed and opened offline.

The page names each right by its title and primary number; a portfolio report (an owner's rights, or all rights)
opens with a summary table of them. The words come from ``_report_i18n``; the fonts named in the CSS cover Chinese
in both scripts on Linux, macOS and Windows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from ipledger.audit._report import AuditReport, RightReport
from ipledger.audit._report_i18n import DEFAULT_LANG, KEYS, Lang, Translate, translator
from ipledger.audit._report_sentences import (
    day,
    describe_event,
    holder_name,
    pledge_lines,
    short,
    short_hash,
    when,
)
from ipledger.audit._report_summary import portfolio_rows
from ipledger.audit._report_timeline import legend_html, timeline_svg
from ipledger.models._amounts import format_units
from ipledger.models._models import CapTable
from ipledger.models._pledges import Pledge

__all__ = ["FONT_FAMILIES", "report_html"]

_LATIN = ("system-ui", "-apple-system", '"Segoe UI"', "Roboto", "Arial")
_HANS = ('"Noto Sans CJK SC"', '"Source Han Sans SC"', '"PingFang SC"', '"Microsoft YaHei"')
_HANT = (
    '"Noto Sans CJK TC"',
    '"Noto Sans CJK HK"',
    '"Source Han Sans TC"',
    '"PingFang TC"',
    '"PingFang HK"',
    '"Microsoft JhengHei"',
)
#: The CSS font stack per language: Latin faces first, then CJK faces with the language's own script first (the
#: other script's faces also cover most characters), then ``sans-serif``.
FONT_FAMILIES: dict[str, str] = {
    "en": ",".join((*_LATIN, *_HANS, *_HANT, '"Source Han Sans"', "sans-serif")),
    "zh-Hans": ",".join((*_LATIN, *_HANS, *_HANT, '"Source Han Sans"', "sans-serif")),
    "zh-Hant": ",".join((*_LATIN, *_HANT, *_HANS, '"Source Han Sans"', "sans-serif")),
}

_CSS = """
body{font-family:%FONTS%;margin:2rem auto;max-width:1100px;color:#1d1d1f;line-height:1.5;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.5rem;border-bottom:2px solid #ddd;
padding-bottom:.2rem}h3{font-size:1rem;margin-bottom:.3rem}
.meta{color:#555;font-size:.9rem}.ok{color:#1b7f3b;font-weight:600}.bad{color:#c0262d;font-weight:600}
.number{font-weight:400;color:#444;white-space:nowrap}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.88rem}
th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f4f4f6}
table.record th{width:14rem;font-weight:600}td.result{white-space:nowrap}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;word-break:break-all}
.verdict{display:inline-block;padding:.15rem .6rem;border-radius:.3rem;color:#fff;font-weight:600}
.verdict.verified{background:#1b7f3b}.verdict.failed{background:#c0262d}
.summary{background:#f7f7fa;border-left:4px solid #4e79a7;padding:.5rem .8rem}
svg{max-width:100%;height:auto;background:#fff}ul.notices li{margin:.2rem 0}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font-size:.85rem;margin:.3rem 0 1rem}
"""


def _markup(t: Translate, key: str, markup: dict[str, str], **fields: object) -> str:
    """The escaped sentence of ``key`` with the ``markup`` fields inserted as HTML (not escaped)."""
    marks = {name: f"\x00{number}\x00" for number, name in enumerate(markup)}
    text = escape(t(key, **fields, **marks))
    for name, mark in marks.items():
        text = text.replace(mark, markup[name])
    return text


def _verdict(verdict: str, t: Translate) -> str:
    return f'<span class="verdict {verdict}">{escape(t(f"verdict.{verdict}"))}</span>'


def _status(right: RightReport, t: Translate) -> str:
    record = right.record
    if record is None:
        return t("summary.none")
    status = t(f"status.{record.status.value}")
    if record.dispute_locked:
        status += t("word.and") + t("status.dispute_locked")
    return _with_pledges(status, record.pledges, right.cap_table, t)


def _share_units(table: CapTable | None) -> Callable[[int], str] | None:
    """Writes an amount of pledged shares in whole shares with their symbol (the cap table's), else ``None``."""
    if table is None:
        return None
    return lambda amount: f"{format_units(amount, table.decimals, grouping=True)} {table.symbol}"


def _with_pledges(status: str, pledges: Sequence[Pledge], table: CapTable | None, t: Translate) -> str:
    """A status followed by what its pledges say: "pledged to X under agreement H, due D", a sale at enforcement."""
    lines = pledge_lines(pledges, t, share_units=_share_units(table))
    return t("word.and").join([status, *lines])


def _name_of(right: RightReport, t: Translate) -> tuple[str, str]:
    """(title, primary number) of a right, each with the words for its absence."""
    record = right.record
    title = record.title if record is not None and record.title else t("right.untitled")
    number = record.primary_number if record is not None and record.primary_number else t("right.no_number")
    return title, number


def _summary(right: RightReport, vault: str | None, t: Translate) -> str:
    record = right.record
    if record is None:
        return escape(t("summary.none"))
    kind, office, date = t(f"kind.{record.kind.value}"), record.jurisdiction, day(record.registered_at)
    sentences = [
        t("summary.kind_registrar", kind=kind, office=office, registrar=short(record.registrar, t), date=date)
        if record.registrar
        else t("summary.kind_claimed", kind=kind, office=office, date=date)
    ]
    holders = len({interval.holder for interval in right.custody})
    if right.custody:
        current = right.custody[-1]
        key = "summary.held_one" if holders == 1 else "summary.held_many"
        sentences.append(t(key, holder=holder_name(current.holder, vault, t), date=day(current.start), count=holders))
    if right.frozen:
        count = len(right.frozen)
        sentences.append(t("summary.frozen_one" if count == 1 else "summary.frozen_many", count=count))
    if record.revoked_at is not None:
        sentences.append(
            t(
                "summary.revoked",
                date=day(record.revoked_at),
                by=short(record.revoked_by, t),
                order=(record.revocation_order or "")[:10] + "…",
            )
        )
    sentences.append(t("summary.status", status=_status(right, t)))
    return escape(t("word.gap").join(sentences))


def _record_table(right: RightReport, t: Translate) -> str:
    """The right's public record: title, numbers, kind, inventors, assignee, dates, abstract, documents."""
    record = right.record
    if record is None:
        return ""
    public = record.metadata
    rows: list[tuple[str, str]] = [
        ("record.title", record.title or t("right.untitled")),
        ("record.numbers", t("word.and").join(record.numbers) or t("right.no_number")),
        ("record.kind", t(f"kind.{record.kind.value}")),
        ("record.office", record.jurisdiction),
    ]
    if public is not None:
        listed = {
            "record.inventors": t("word.and").join(public.inventors),
            "record.assignee": public.assignee or "",
            "record.filing_date": public.filing_date or "",
            "record.priority_date": public.priority_date or "",
            "record.publication_date": public.publication_date or "",
            "record.grant_date": public.grant_date or "",
            "record.expiry_date": public.expiry_date or "",
            "record.nice_classes": t("word.and").join(str(item) for item in public.nice_classes),
            "record.family": t("word.and").join(record.family),
            "record.abstract": public.abstract or "",
            "record.sealed": t("word.and").join(sorted(public.sealed)),
        }
        rows += [(key, value) for key, value in listed.items() if value]
        documents = [
            t(
                "record.document",
                role=t(f"role.{document.role.value}" if document.role else "role.unknown"),
                digest=document.sha256[:16] + "…",
                size=f"{document.size:,}",
            )
            for document in public.documents
        ]
        if documents:
            rows.append(("record.documents", "\n".join(documents)))
    if record.metadata_hash:
        rows.append(("record.hash", record.metadata_hash))
    body = "".join(
        f'<tr><th scope="row">{escape(t(key))}</th><td>{escape(value).replace(chr(10), "<br/>")}</td></tr>'
        for key, value in rows
    )
    problem = (
        f'<p class="bad">{escape(t("record.problem", problem=record.metadata_problem))}</p>'
        if record.metadata_problem
        else ""
    )
    return f'<h3>{escape(t("record.heading"))}</h3>{problem}<table class="record"><tbody>{body}</tbody></table>'


def _table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    if not rows:
        return f"<h3>{escape(title)}</h3><p>{escape(empty)}</p>"
    head = "".join(f"<th>{escape(name)}</th>" for name in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<h3>{escape(title)}</h3><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _head(t: Translate, *keys: str) -> str:
    return "<thead><tr>" + "".join(f"<th>{escape(t(key))}</th>" for key in keys) + "</tr></thead>"


def _checks(right: RightReport, t: Translate) -> str:
    parts = [
        f"<h3>{escape(t('checks.heading'))}</h3><table>",
        _head(t, "checks.check", "checks.result", "checks.detail"),
        "<tbody>",
    ]
    for check in right.checks:
        name = t(f"check.{check.name}") if f"check.{check.name}" in KEYS else check.name
        result = (
            f'<span class="ok">{escape(t("checks.pass"))}</span>'
            if check.ok
            else f'<span class="bad">{escape(t("checks.fail"))}</span>'
        )
        parts.append(
            f'<tr><td>{escape(name)} <code>{escape(check.name)}</code></td><td class="result">{result}</td>'
            f"<td>{escape(check.detail)}</td></tr>"
        )
    parts.append("</tbody></table>")
    if right.notices:
        parts.append(f'<h3>{escape(t("notices.heading"))}</h3><ul class="notices">')
        parts.extend(f"<li>{escape(notice)}</li>" for notice in right.notices)
        parts.append("</ul>")
    return "".join(parts)


def _custody(right: RightReport, t: Translate) -> str:
    parts = [
        f"<h3>{escape(t('custody.heading'))}</h3><table>",
        _head(t, "custody.holder", "custody.from", "custody.until", "custody.how"),
        "<tbody>",
    ]
    for interval in right.custody:
        until = (
            t("custody.report_date")
            if interval.end is None
            else t("custody.at_block", when=when(interval.end), block=interval.end_block)
        )
        vault_note = t("holder.vault_note") if interval.role == "share_vault" else ""
        parts.append(
            f"<tr><td><code>{escape(interval.holder)}</code>{escape(vault_note)}</td>"
            f"<td>{escape(t('custody.at_block', when=when(interval.start), block=interval.start_block))}</td>"
            f"<td>{escape(until)}</td><td>{escape(t(f'event.{interval.acquired_by}'))}</td></tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)


def _events(right: RightReport, t: Translate) -> str:
    parts = [
        f"<h3>{escape(t('events.heading'))}</h3><table>",
        _head(t, "events.when", "events.block", "events.what", "events.tx"),
        "<tbody>",
    ]
    for event in right.events:
        parts.append(
            f"<tr><td>{escape(when(event.timestamp))}</td><td>{event.block}</td>"
            f"<td>{escape(describe_event(event, t))}</td><td><code>{escape(event.tx_hash)}</code></td></tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)


def _shareholders(right: RightReport, t: Translate) -> str:
    table = right.cap_table
    if table is None:
        return ""
    supply = format_units(table.total_supply, table.decimals, grouping=True)
    columns = ["shares.holder", "shares.shares", "shares.frozen"] + (["shares.pledged"] if table.pledges else [])
    parts = [
        f"<h3>{escape(t('shares.heading', name=table.name, symbol=table.symbol, supply=supply))}</h3><table>",
        _head(t, *columns),
        "<tbody>",
    ]
    for holding in table.holders:
        note = t("shares.desk_note") if table.loan_desk is not None and holding.account == table.loan_desk else ""
        pledged = (
            f"<td>{escape(format_units(holding.pledged, table.decimals, grouping=True))}</td>" if table.pledges else ""
        )
        parts.append(
            f"<tr><td><code>{escape(holding.account)}</code>{escape(note)}</td>"
            f"<td>{escape(format_units(holding.balance, table.decimals, grouping=True))}</td>"
            f"<td>{escape(format_units(holding.frozen, table.decimals, grouping=True))}</td>{pledged}</tr>"
        )
    parts.append("</tbody></table>")
    units = _share_units(table)
    for line in pledge_lines(table.pledges, t, share_units=units):
        parts.append(f'<p class="pledge">{escape(line)}</p>')
    return "".join(parts)


def _pledges(right: RightReport, t: Translate) -> str:
    """Every loan on the right or its shares: collateral, pledgor, lender, agreement, due date, registration number
    and where it stands (how it ended); nothing for a right no loan touched."""
    record = right.record
    if record is None or not record.pledges:
        return ""
    units = _share_units(right.cap_table)
    rows = [
        (
            str(pledge.loan_id),
            t("pledges.right")
            if pledge.amount is None
            else t("pledges.shares", amount=units(int(pledge.amount)) if units else f"{pledge.amount:,}"),
            short(pledge.borrower, t),
            short(pledge.lender, t),
            short_hash(pledge.agreement_hash),
            day(pledge.due),
            pledge.registration or t("word.none"),
            t(f"pledge.{pledge.state}") if pledge.state in ("active", "repaid", "refinanced") else _ended(pledge, t),
        )
        for pledge in record.pledges
    ]
    keys = ("loan", "collateral", "pledgor", "lender", "agreement", "due", "registration", "state")
    return _table(t("pledges.heading"), [t(f"pledges.{key}") for key in keys], rows, "")


def _ended(pledge: Pledge, t: Translate) -> str:
    """An enforced (or lost) pledge's state and how: the auction's end, the sale, the foreclosure."""
    lines = pledge_lines([pledge], t)
    return t(f"pledge.{pledge.state}") + (t("word.and") + lines[0] if lines and pledge.state != "auction" else "")


def _licences(right: RightReport, t: Translate) -> str:
    rows = [
        (
            str(item.license_id),
            short(item.licensee, t),
            t(f"exclusivity.{item.exclusivity.value}"),
            t("licences.worldwide") if item.worldwide else ", ".join(item.territories),
            t("licences.all_fields")
            if int(item.field_hash, 16) == 0
            else item.field_of_use or t("licences.field_hash", hash=item.field_hash[:10]),
            t("licences.period_range", start=day(item.start), end=day(item.end) if item.end else t("licences.no_end")),
            f"{item.royalty_bps / 100:g}%" if item.royalty_bps else t("word.none"),
            t("state.revoked" if item.revoked_at else "state.in_force" if item.active else "state.not_in_force"),
        )
        for item in right.licences
    ]
    keys = ("licence", "licensee", "kind", "territory", "field", "period", "royalty", "state")
    headers = [t(f"licences.{key}") for key in keys]
    return _table(t("licences.heading"), headers, rows, t("licences.empty"))


def _attestations(right: RightReport, t: Translate) -> str:
    rows = [
        (
            str(item.attestation_id),
            t(f"claim.{item.claim_type}")
            if item.claim_type in ("TITLE_VERIFIED", "VALUATION", "FREEDOM_TO_OPERATE", "LAPSED")
            else item.claim_type.replace("_", " ").lower(),
            short(item.attestor, t),
            day(item.issued_at),
            t("state.valid" if item.valid else "state.revoked" if item.revoked_at else "state.expired"),
        )
        for item in right.attestations
    ]
    headers = [t(f"attestations.{key}") for key in ("attestation", "claim", "attestor", "issued", "state")]
    return _table(t("attestations.heading"), headers, rows, t("attestations.empty"))


def _disputes(right: RightReport, t: Translate) -> str:
    rows = []
    for item in right.disputes:
        outcome = t(f"outcome.{item.outcome.value}")
        if item.remedy.value != "none":
            outcome = t("disputes.with_remedy", outcome=outcome, remedy=t(f"remedy.{item.remedy.value}"))
        resolved = day(item.resolved_at) if item.resolved_at else t("word.open")
        rows.append((str(item.dispute_id), short(item.claimant, t), day(item.raised_at), outcome, resolved))
    headers = [t(f"disputes.{key}") for key in ("dispute", "claimant", "raised", "outcome", "resolved")]
    return _table(t("disputes.heading"), headers, rows, t("disputes.empty"))


def _right_section(right: RightReport, vault: str | None, index: int, t: Translate) -> str:
    title, number = _name_of(right, t)
    return "".join(
        [
            f'<section class="right" id="right-{escape(right.token_id_hex)}">',
            f'<h2><span class="title">{escape(title)}</span> <span class="number">{escape(number)}</span> '
            f"{_verdict(right.verdict, t)}</h2>",
            f'<p class="meta">{escape(t("right.token", token=right.token_id_hex))}</p>',
            f'<p class="summary">{_summary(right, vault, t)}</p>',
            _record_table(right, t),
            f"<h3>{escape(t('right.custody_heading'))}</h3>",
            timeline_svg(right, vault, index, t),
            legend_html(t),
            _checks(right, t),
            _custody(right, t),
            _events(right, t),
            _shareholders(right, t),
            _pledges(right, t),
            _licences(right, t),
            _attestations(right, t),
            _disputes(right, t),
            "</section>",
        ]
    )


def portfolio_table(report: AuditReport, t: Translate) -> str:
    """The summary table a portfolio report opens with: number, title, holder, status and verdict per right, each
    linking to the right's section."""
    head = _head(t, "portfolio.number", "portfolio.title", "portfolio.holder", "portfolio.status", "portfolio.verdict")
    rows = []
    for row in portfolio_rows(report):
        holder = "" if row.holder is None else row.holder
        status = t("summary.none") if row.status is None else t(f"status.{row.status.value}")
        if row.dispute_locked:
            status += t("word.and") + t("status.dispute_locked")
        if row.status is not None:
            status = _with_pledges(status, row.pledges, None, t)
        rows.append(
            f'<tr><td><a href="#right-{escape(row.token_id_hex)}">{escape(row.number or t("right.no_number"))}</a>'
            f"</td><td>{escape(row.title or t('right.untitled'))}</td>"
            f"<td><code>{escape(holder)}</code>{escape(t('holder.vault_note') if row.held_by_vault else '')}</td>"
            f"<td>{escape(status)}</td><td>{_verdict(row.verdict, t)}</td></tr>"
        )
    return (
        f'<h2>{escape(t("portfolio.heading"))}</h2><table class="portfolio">{head}<tbody>{"".join(rows)}</tbody>'
        "</table>"
    )


def report_html(report: AuditReport, lang: Lang = DEFAULT_LANG) -> str:
    """The whole report as one HTML document in ``lang`` (XHTML-compatible markup: it also parses as XML)."""
    t = translator(lang)
    scope = {
        "token": t("scope.token"),
        "owner": t("scope.owner", owner=report.subject),
        "all": t("scope.all"),
    }[report.scope]
    as_at = t("page.latest_block") if report.as_at is None else report.as_at.isoformat()
    registry = f"<code>{escape(report.registry)}</code>"
    meta = _markup(
        t,
        "page.meta",
        {"registry": registry},
        as_at=as_at,
        block=report.block,
        time=when(report.block_time),
        chain=report.chain_id,
    )
    if report.vault:
        meta += _markup(t, "page.meta_vault", {"vault": f"<code>{escape(report.vault)}</code>"})
    count = len(report.rights)
    header = (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"/>'
        f"<title>{escape(t('page.title', scope=scope, as_at=as_at))}</title>"
        f"<style>{_CSS.replace('%FONTS%', FONT_FAMILIES[lang])}</style></head><body>"
        f"<h1>{escape(t('page.heading', scope=scope))}</h1>"
        f'<p class="meta">{meta}{escape(t("page.overall"))} {_verdict(report.verdict, t)} '
        f"{escape(t('page.rights_one' if count == 1 else 'page.rights_many', count=count))}</p>"
    )
    if not report.rights:
        header += f"<p>{escape(t('page.no_rights'))}</p>"
    elif report.scope != "token":
        header += portfolio_table(report, t)
    body = "".join(_right_section(right, report.vault, index, t) for index, right in enumerate(report.rights))
    footer = _markup(t, "page.footer", {"command": "<code>ipledger report</code>", "sidecar": "<code>.sig.json</code>"})
    return header + body + f'<p class="meta">{footer}</p></body></html>\n'
