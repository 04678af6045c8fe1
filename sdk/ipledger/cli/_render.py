"""Human renderings of rights, histories and reports: short ids in tables, account names beside addresses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from rich import box
from rich.table import Table
from rich.text import Text

from ipledger import (
    DEV_ACCOUNT_COUNT,
    LOCAL_CHAIN_ID,
    Attestation,
    CapTable,
    Dispute,
    DisputeOutcome,
    Exclusivity,
    History,
    HistoryEvent,
    Identity,
    IdentityKind,
    IPMetadata,
    Ledger,
    License,
    OfficialNumber,
    Pledge,
    PublicRecord,
    RightKind,
    RightRecord,
    RightStatus,
    TokenInfo,
    TransactionResult,
    VerificationReport,
    dev_account,
    format_units,
)

from ._details import details_lines

__all__ = [
    "EVENT_LABELS",
    "WIDE_TABLE",
    "Names",
    "TokenInfos",
    "attestation_state",
    "attestations_table",
    "bps_label",
    "dispute_state",
    "disputes_table",
    "exclusivity_label",
    "field_label",
    "license_state",
    "licenses_table",
    "period_label",
    "territory_label",
    "cap_table_table",
    "checks_table",
    "details_lines",
    "history_table",
    "identity_line",
    "units",
    "kind_label",
    "numbers_text",
    "pledge_lines",
    "pledge_text",
    "plural",
    "record_details",
    "right_label",
    "short",
    "tx_line",
]

#: What each history event means, in a newcomer's words.
EVENT_LABELS = {
    "registered": "registered",
    "transfer": "transferred",
    "assignment": "assigned",
    "forced_transfer": "force-transferred",
    "claim_superseded": "claim superseded",
    "frozen": "frozen",
    "unfrozen": "unfrozen",
    "metadata_updated": "metadata updated",
    "fractionalized": "fractionalized",
    "redeemed": "redeemed",
    "revoked": "revoked (burned)",
    "claim_confirmed": "claim confirmed",
    "dispute_locked": "locked by dispute",
    "dispute_unlocked": "dispute lock lifted",
    "license_granted": "licence granted",
    "license_revoked": "licence revoked",
    "attested": "attested",
    "attestation_revoked": "attestation revoked",
    "dispute_raised": "dispute raised",
    "dispute_resolved": "dispute resolved",
    "dispute_registration_changed": "dispute outlived its registration",
    "royalty_paid": "royalty paid",
    "right_credited": "credited (royalty vault)",
    "numbers_added": "numbers added",
    "number_reclaimed": "number taken by a registrar's registration",
    "numbers_released": "claim's numbers released",
    "pledge_locked": "pledged (locked)",
    "pledge_unlocked": "pledge lock lifted",
    "loan_opened": "loan opened (pledge)",
    "loan_repaid": "loan repayment",
    "pledge_released": "pledge released",
    "auction_started": "enforcement auction",
    "collateral_sold": "collateral sold",
    "foreclosed": "foreclosed",
    "loan_refinanced": "loan refinanced",
    "collateral_lost": "collateral lost",
    "pledge_registered": "pledge registered",
}
#: Below this console width the history table leaves out transaction hashes (they stay in --json).
WIDE_TABLE = 100
_STATUS_STYLE = {
    RightStatus.ACTIVE: "green",
    RightStatus.FROZEN: "bold red",
    RightStatus.EXPIRED: "yellow",
    RightStatus.REVOKED: "bold red",
}


def short(value: str | None, *, head: int = 4, tail: int = 4) -> str:
    """``0xceb945…2abc`` style: 0x, ``head`` and ``tail`` hex digits; short values stay whole."""
    if not value:
        return "-"
    if not value.startswith("0x") or len(value) <= 2 + head + tail + 1:
        return value
    return f"{value[: 2 + head]}…{value[len(value) - tail :]}"


def plural(count: int, noun: str) -> str:
    """``1 document``, ``3 documents``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def kind_label(kind: RightKind) -> str:
    """``patent_application`` → ``patent application``."""
    return kind.value.replace("_", " ")


def numbers_text(numbers: Sequence[OfficialNumber]) -> str:
    """A right's numbers on one line: the primary first, the others, then its family links marked as such."""
    own = [number.canonical for number in numbers if not number.family]
    family = [number.canonical for number in numbers if number.family]
    return ", ".join(own) + (f"; family: {', '.join(family)}" if family else "")


def right_label(metadata: IPMetadata) -> str:
    """``patent US 11,234,567 B2``, or ``trade secret "Title" (DE)`` for an unnumbered right."""
    if metadata.number is None:
        return f'{kind_label(metadata.kind)} "{metadata.title}" ({metadata.jurisdiction})'
    number = metadata.number
    if not number.upper().startswith(metadata.jurisdiction):
        number = f"{metadata.jurisdiction} {number}"
    return f"{kind_label(metadata.kind)} {number}"


class Names:
    """Names for addresses a reader knows: anvil's dev accounts on the local chain, the signer, the registry."""

    def __init__(self, chain_id: int, extra: Iterable[tuple[str, str]] = ()) -> None:
        self._names: dict[str, str] = {}
        if chain_id == LOCAL_CHAIN_ID:
            for index in range(DEV_ACCOUNT_COUNT):
                self._names[dev_account(index).address.lower()] = f"dev{index}"
        for address, name in extra:
            self._names.setdefault(address.lower(), name)

    def name(self, address: str | None) -> str | None:
        return None if address is None else self._names.get(address.lower())

    def label(self, address: str | None, *, full: bool = False) -> str:
        """``dev1 (0x7099…79C8)``; the full address with ``full``."""
        if address is None:
            return "-"
        shown = address if full else short(address)
        name = self.name(address)
        return f"{name} ({shown})" if name else shown

    def brief(self, address: str | None) -> str:
        """The name alone when known, else the short address (for narrow tables)."""
        if address is None:
            return "-"
        return self.name(address) or short(address)


class TokenInfos:
    """ERC-20 details (decimals, symbol) looked up once per address."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._known: dict[str, TokenInfo] = {}

    def info(self, address: str) -> TokenInfo:
        if address not in self._known:
            self._known[address] = self._ledger.payments.token_info(address)
        return self._known[address]

    def text(self, address: str, amount: int) -> str:
        """``1,500 tUSD``: ``amount`` base units of the token at ``address``."""
        info = self.info(address)
        return units(amount, info.decimals, info.symbol)


def tx_line(result: TransactionResult) -> Text:
    """``tx 0xb4bd…9089 · block 3 · gas 57,476``."""
    return Text(f"tx {result.tx_hash} · block {result.block} · gas {result.gas_used:,}", style="dim")


def record_details(record: RightRecord, names: Names) -> Text:
    """A right's record, ids in full (they are what you copy into the next command): what it is (its public record
    from the chain), who holds it, and where it stands."""
    status = Text(record.status.value, style=_STATUS_STYLE[record.status])
    registrar = (
        "none: self-declared by commit-reveal" if record.self_declared else names.label(record.registrar, full=True)
    )
    public = record.metadata
    rows: list[tuple[str, str | Text]] = [("Title", _title(record))]
    rows += [
        ("Token id", record.token_id_hex),
        ("Kind", kind_label(record.kind)),
        ("Jurisdiction", record.jurisdiction),
        ("Numbers", ", ".join(record.numbers) + (f"; family: {', '.join(record.family)}" if record.family else "")),
    ]
    if public is not None:
        rows += [(label, value) for label, value in _public_rows(public) if value]
    rows += [("Status", status)]
    if record.status is RightStatus.REVOKED:
        rows += [
            (
                "Revoked",
                f"block {record.revoked_block} ({record.revoked_at:%Y-%m-%d}) by "
                f"{names.label(record.revoked_by, full=True)}, order {record.revocation_order}",
            ),
            ("Last holder", names.label(record.owner, full=True)),
        ]
    else:
        rows += [("Owner", names.label(record.owner, full=True))]
    rows += [("Pledge", line) for line in pledge_lines(record.pledges, names)]
    rows += [
        ("Registrar", registrar),
        ("Registered", f"{record.registered_at:%Y-%m-%d %H:%M:%S} UTC, block {record.registration_block}"),
        ("Expiry", f"{record.expiry:%Y-%m-%d}" if record.expiry else "none recorded"),
        ("Content hash", record.content_hash),
        ("Public record", record.metadata_hash + (f" ({record.metadata_problem})" if record.metadata_problem else "")),
        ("Registration tx", record.registration_tx),
    ]
    return details_lines(rows)


def pledge_text(pledge: Pledge, names: Names, *, shares: str = "shares", decimals: int | None = None) -> str:
    """``pledged to 0x70…79C8 under agreement 0x5d41402a…, due 2027-06-30``: where a pledge stands (with its
    registration number, whose shares and how many), or how it ended: sold, foreclosed, lost, repaid."""
    lender = names.brief(pledge.lender)
    terms = f"under agreement {short(pledge.agreement_hash, head=8, tail=0)}, due {pledge.due:%Y-%m-%d}"
    if pledge.live:
        what = (
            "pledged"
            if pledge.amount is None
            else f"{units(int(pledge.amount), decimals) if decimals is not None else f'{pledge.amount:,}'} {shares} of "
            f"{names.brief(pledge.borrower)} pledged"
        )
        text = f"{what} to {lender} {terms}"
        if pledge.registration:
            text += f" (pledge registration {pledge.registration})"
        if pledge.state == "auction" and pledge.auction_ends is not None:
            text += f"; enforcement auction until {pledge.auction_ends:%Y-%m-%d}"
        return f"{text} (loan {pledge.loan_id})"
    ended = f"{pledge.closed_at:%Y-%m-%d}" if pledge.closed_at else "?"
    if pledge.state == "sold":
        return (
            f"sold on {ended} to {names.brief(pledge.buyer)} for {pledge.price:,} base units at the enforcement of "
            f"loan {pledge.loan_id} (pledged to {lender} {terms})"
        )
    if pledge.state == "foreclosed":
        return f"taken by the lender {lender} on {ended} at the enforcement of loan {pledge.loan_id} (foreclosure)"
    if pledge.state == "lost":
        return f"taken out of the pledge of loan {pledge.loan_id} by a registrar's act on {ended}; the debt stands"
    return f"loan {pledge.loan_id} {pledge.state} on {ended}"


def pledge_lines(pledges: Sequence[Pledge], names: Names) -> list[str]:
    """A right's pledges worth a line in ``show``: the live ones, and the ones enforced or lost."""
    return [
        pledge_text(pledge, names)
        for pledge in pledges
        if pledge.live or pledge.state in ("sold", "foreclosed", "lost")
    ]


def right_heading(timeline: History) -> str:
    """``一种固态电池电极及其制备方法 (CN 202010123456.2), token 0xcead…dddd``: a right named by its latest
    published title and its primary number, as its history shows them."""
    title = next((event.title for event in reversed(timeline.events) if event.title), None)
    numbers = next((event.numbers for event in reversed(timeline.events) if event.kind == "registered"), None)
    number = numbers[0] if numbers else None
    named = " ".join(part for part in (title, f"({number})" if number and title else number) if part)
    return f"{named}, token {short(timeline.token_id_hex)}" if named else f"token {short(timeline.token_id_hex)}"


def _title(record: RightRecord) -> str:
    if record.title:
        return record.title
    if record.metadata is not None and "title" in record.metadata.sealed:
        return "(confidential)"
    return "(none published)"


def _public_rows(public: PublicRecord) -> list[tuple[str, str]]:
    """The public record's descriptive fields, sealed ones marked confidential."""

    def value(name: str, text: str) -> str:
        if text:
            return text
        return "(confidential)" if name in public.sealed else ""

    dates = [
        f"{label} {day}"
        for label, day in (
            ("priority", public.priority_date),
            ("filed", public.filing_date),
            ("published", public.publication_date),
            ("granted", public.grant_date),
        )
        if day
    ]
    documents = ", ".join(
        f"{document.role or 'document'} {document.sha256[:12]}… ({document.size:,} B)" for document in public.documents
    )
    return [
        (
            "Inventors",
            value("inventors", "、".join(public.inventors) if _cjk(public.inventors) else ", ".join(public.inventors)),
        ),
        ("Assignee", value("assignee", public.assignee or "")),
        ("Dates", ", ".join(dates) or ("(confidential)" if {"filing_date", "grant_date"} & set(public.sealed) else "")),
        ("Nice classes", ", ".join(str(number) for number in public.nice_classes)),
        ("Abstract", value("abstract", public.abstract or "")),
        ("Documents", value("documents", documents)),
    ]


def _cjk(names: list[str]) -> bool:
    return any("\u3400" <= character <= "\u9fff" for name in names for character in name)


def _rights_evidence(event: HistoryEvent) -> str | None:
    """What a licence, attestation, dispute or royalty event is about (``None`` for other events)."""
    if event.license_id is not None:
        what = f"licence {event.license_id}"
        what = f"{what} {event.exclusivity.replace('_', '-')}" if event.exclusivity else what
        return f'{what}, "{event.field_of_use}"' if event.field_of_use else what
    if event.attestation_id is not None:
        claim = event.claim_type or ""
        return f"attestation {event.attestation_id} {short(claim) if claim.startswith('0x') else claim}".strip()
    if event.dispute_id is not None:
        outcome = f" {event.outcome}" if event.outcome else ""
        remedy = f", {event.remedy.replace('_', '-')}" if event.remedy and event.remedy != "none" else ""
        return f"dispute {event.dispute_id}{outcome}{remedy}"
    return None


def _loan_evidence(event: HistoryEvent) -> str | None:
    """What a loan event is about: the loan, and the agreement, due date, registration number or amounts."""
    if event.loan_id is None:
        return None
    what = f"loan {event.loan_id}"
    if event.kind == "loan_opened":
        collateral = (
            f", {event.collateral_amount:,} {event.symbol or 'shares'} {short(event.share_token)}"
            if event.collateral_amount is not None
            else ""
        )
        due = f", due {event.due:%Y-%m-%d}" if event.due else ""
        return f"{what}, agreement {short(event.agreement_hash)}{due}, principal {event.amount:,}{collateral}"
    if event.kind == "loan_repaid":
        return f"{what}, paid {event.amount:,} (interest {event.interest:,}), owed {event.remaining:,}"
    if event.kind == "auction_started":
        return f"{what}, {event.amount:,} → {event.floor_price:,} until {event.due:%Y-%m-%d}"
    if event.kind == "collateral_sold":
        return f"{what}, price {event.amount:,}, surplus {event.surplus:,}, unpaid {event.shortfall:,}"
    if event.kind == "loan_refinanced":
        return f"{what} → loan {event.new_loan_id}"
    if event.kind == "pledge_registered":
        return f"{what}, registration {event.registration}"
    return what


def _evidence(event: HistoryEvent) -> str:
    rights = _rights_evidence(event)
    if rights is not None:
        return rights
    loan = _loan_evidence(event)
    if loan is not None:
        return loan
    if event.kind in ("numbers_added", "number_reclaimed", "numbers_released") and event.numbers:
        taken = f" → token {short(event.other_token)}" if event.other_token else ""
        return "; ".join(event.numbers) + taken
    if event.share_token:
        return f"{event.symbol or 'shares'} {short(event.share_token)}"
    if event.deed_hash:
        return f"deed {short(event.deed_hash)}"
    if event.order_hash:
        return f"order {short(event.order_hash)}"
    if event.content_hash:
        return f"docs {short(event.content_hash)}"
    if event.metadata_hash:
        return f"record {short(event.metadata_hash)}"
    return ""


def _parties(event: HistoryEvent, names: Names) -> str:
    by = f"by {names.brief(event.by)}" if event.by and event.by != event.from_ else ""
    if event.from_ is None and event.to is None:
        return by
    move = f"{names.brief(event.from_)} → {names.brief(event.to)}" if event.from_ else f"→ {names.brief(event.to)}"
    return f"{move} {by}".strip()


def history_table(events: Sequence[HistoryEvent], names: Names, *, width: int = 80, title: str | None = None) -> Table:
    """The timeline, oldest first; the time of day and transaction hashes only when ``width`` leaves room for them
    (at 80 columns block, date, event and parties stay whole; the evidence wraps)."""
    wide = width >= WIDE_TABLE
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False)
    table.add_column("Block", justify="right", no_wrap=True)
    table.add_column("Time (UTC)" if wide else "Date (UTC)", no_wrap=True)
    table.add_column("Event", style="bold", no_wrap=True)
    table.add_column("Parties", min_width=12)
    table.add_column("Evidence", overflow="fold", min_width=12)
    if wide:
        table.add_column("Tx", style="dim", no_wrap=True)
    for event in events:
        row = [
            str(event.block),
            f"{event.timestamp:%Y-%m-%d %H:%M:%S}" if wide else f"{event.timestamp:%Y-%m-%d}",
            EVENT_LABELS.get(event.kind, event.kind),
            _parties(event, names),
            _evidence(event),
        ]
        table.add_row(*row, *([short(event.tx_hash)] if wide else []))
    return table


def checks_table(report: VerificationReport, *, title: str | None = None) -> Table:
    """The named checks, each with a ✓ or ✗ and what it found."""
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left")
    table.add_column("", no_wrap=True)
    table.add_column("Check", style="bold", no_wrap=True)
    table.add_column("Detail", overflow="fold")
    for check in report.checks:
        mark = Text("✓", style="green") if check.ok else Text("✗", style="bold red")
        table.add_row(mark, check.name, check.detail)
    return table


def units(amount: int, decimals: int, symbol: str | None = None) -> str:
    """``1,500.25 PAT``: base units in whole tokens, grouped, with the symbol."""
    text = format_units(amount, decimals, grouping=True)
    return f"{text} {symbol}" if symbol else text


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "-"
    share = 100 * part / whole
    return f"{share:.2f}%" if share >= 0.01 or part == 0 else "<0.01%"


def cap_table_table(cap: CapTable, names: Names, *, title: str | None = None) -> Table:
    """The holders, largest first, with their share of the supply and what is frozen."""
    shares = f"{cap.symbol} shares"
    lines = [pledge_text(pledge, names, shares=shares, decimals=cap.decimals) for pledge in cap.pledges]
    table = Table(
        box=box.SIMPLE_HEAD,
        title=title,
        title_justify="left",
        pad_edge=False,
        caption="\n".join(lines) or None,
        caption_justify="left",
    )
    table.add_column("Holder")
    table.add_column(f"Balance ({cap.symbol})", justify="right", no_wrap=True)
    table.add_column("Share", justify="right", no_wrap=True)
    table.add_column("Frozen", justify="right", no_wrap=True)
    if cap.pledges:
        table.add_column("Pledged", justify="right", no_wrap=True)
    for holding in cap.holders:
        frozen: str | Text = ""
        if holding.frozen and holding.frozen >= holding.balance:
            frozen = Text("all", style="bold red")
        elif holding.frozen:
            frozen = Text(units(holding.frozen, cap.decimals), style="red")
        desk = cap.loan_desk is not None and holding.account == cap.loan_desk
        pledged = [units(holding.pledged, cap.decimals) if holding.pledged else ""] if cap.pledges else []
        table.add_row(
            names.label(holding.account) + (" (loan desk: pledged shares)" if desk else ""),
            units(holding.balance, cap.decimals),
            _percent(holding.balance, cap.total_supply),
            frozen,
            *pledged,
        )
    total: list[Text | str] = [
        Text("total", style="bold"),
        Text(units(cap.total_supply, cap.decimals), style="bold"),
        "100%",
        "",
    ]
    table.add_row(*total, *([""] if cap.pledges else []))
    return table


def identity_line(identity: Identity, names: Names) -> Text:
    """``dev1 (0x7099…79C8) is a verified investor in US until 2027-01-01: eligible``."""
    who = names.label(identity.account)
    if identity.kind is IdentityKind.VENUE:
        what = "a venue wallet (no country, no expiry)"
    elif identity.kind is IdentityKind.INVESTOR:
        until = f" until {identity.expires_at:%Y-%m-%d %H:%M} UTC" if identity.expires_at else ""
        what = f"a verified investor in {identity.country}{until}"
        if identity.categories:
            kinds = ", ".join(str(name) for name in identity.categories)
            lapse = "lapsed" if identity.categories_expired else "until"
            when = f" {lapse} {identity.categories_expire_at:%Y-%m-%d}" if identity.categories_expire_at else ""
            what += f" (categories {kinds}{when})"
    else:
        what = "unknown to the compliance registry"
    verdict = (
        Text("eligible", style="green")
        if identity.eligible
        else Text(f"not eligible ({identity.reason})", style="bold red")
    )
    return Text.assemble(f"{who} is {what}: ", verdict, " to hold restricted shares.")


# ---------------------------------------------------------------------------- rights in use

_ZERO_HASH = "0x" + "00" * 32
_STATE_STYLE = {
    "active": "green",
    "valid": "green",
    "open": "yellow",
    "not started": "yellow",
    "dismissed": "dim",
    "ended": "dim",
    "expired": "dim",
    "revoked": "red",
    "upheld": "bold red",
}


def _styled(state: str) -> Text:
    return Text(state, style=_STATE_STYLE.get(state, ""))


def exclusivity_label(exclusivity: Exclusivity) -> str:
    """``non_exclusive`` → ``non-exclusive``."""
    return exclusivity.value.replace("_", "-")


def territory_label(licence: License) -> str:
    """``worldwide`` or ``DE, US``."""
    return "worldwide" if licence.worldwide or not licence.territories else ", ".join(licence.territories)


def field_label(field_hash: str, label: str | None = None) -> str:
    """``all fields`` for the zero hash, else the label when known, else the short hash."""
    if field_hash == _ZERO_HASH:
        return "all fields"
    return f'"{label}"' if label else f"field {field_hash[:6]}…"


def period_label(start: dt.datetime, end: dt.datetime | None) -> str:
    """``2026-01-01 → 2030-12-31`` or ``from 2026-01-01`` (no end)."""
    return f"{start:%Y-%m-%d} → {end:%Y-%m-%d}" if end else f"from {start:%Y-%m-%d}"


def bps_label(bps: int) -> str:
    """Basis points as a percentage: ``250`` → ``2.5%``."""
    return f"{bps / 100:g}%"


def license_state(licence: License, now: dt.datetime) -> str:
    """``active``, ``revoked``, ``ended`` or ``not started`` at ``now``."""
    if licence.revoked_at is not None:
        return "revoked"
    if licence.active:
        return "active"
    if licence.end is not None and licence.end <= now:
        return "ended"
    return "not started" if licence.start > now else "inactive"


def _compact_table(title: str | None, *, tight: bool = False) -> Table:
    """A table with two spaces between columns, or one when ``tight`` (eight columns then fit 80 characters)."""
    padding = 0 if tight else (0, 1, 0, 0)
    return Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False, padding=padding)


def _field_cell(licence: License) -> str:
    if licence.field_hash == _ZERO_HASH:
        return "all"
    return licence.field_of_use or f"{licence.field_hash[:6]}…"


def licenses_table(
    licences: Sequence[License],
    names: Names,
    now: dt.datetime,
    *,
    symbols: dict[str, str] | None = None,
    title: str | None = None,
) -> Table:
    """One row a licence, oldest first: id, licensee, kind, territories ("Where"), field, period, royalty (in the
    payment token named by ``symbols``, address → symbol), state; it fits 80 columns."""
    table = _compact_table(title, tight=True)
    table.add_column("Id", justify="right", no_wrap=True)
    table.add_column("Licensee", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Where")
    table.add_column("Field")
    table.add_column("Period", no_wrap=True)
    table.add_column("Royalty", justify="right", no_wrap=True)
    table.add_column("State", no_wrap=True)
    for licence in licences:
        royalty = "-"
        if licence.royalty_bps:
            token = licence.payment_token
            currency = (symbols or {}).get(token or "") or names.brief(token)
            royalty = f"{bps_label(licence.royalty_bps)} {currency}"
        kind = exclusivity_label(licence.exclusivity) + (", sub" if licence.sublicensable else "")
        table.add_row(
            str(licence.license_id),
            names.brief(licence.licensee),
            kind,
            territory_label(licence),
            _field_cell(licence),
            f"{licence.start:%Y-%m-%d}→{licence.end:%Y-%m-%d}" if licence.end else f"from {licence.start:%Y-%m-%d}",
            royalty,
            _styled(license_state(licence, now)),
        )
    return table


def attestation_state(attestation: Attestation) -> str:
    """``valid``, ``revoked`` or ``expired``."""
    if attestation.valid:
        return "valid"
    return "revoked" if attestation.revoked_at is not None else "expired"


def attestations_table(attestations: Sequence[Attestation], names: Names, *, title: str | None = None) -> Table:
    """One row an attestation, oldest first: id, claim, attestor, issued, expiry, evidence, state."""
    table = _compact_table(title)
    table.add_column("Id", justify="right", no_wrap=True)
    table.add_column("Claim", style="bold", no_wrap=True)
    table.add_column("Attestor", no_wrap=True)
    table.add_column("Issued", no_wrap=True)
    table.add_column("Expires", no_wrap=True)
    table.add_column("Evidence", no_wrap=True)
    table.add_column("State", no_wrap=True)
    for attestation in attestations:
        claim = attestation.claim_type
        table.add_row(
            str(attestation.attestation_id),
            short(claim) if claim.startswith("0x") else claim,
            names.brief(attestation.attestor),
            f"{attestation.issued_at:%Y-%m-%d}",
            f"{attestation.expiry:%Y-%m-%d}" if attestation.expiry else "never",
            short(attestation.evidence_hash),
            _styled(attestation_state(attestation)),
        )
    return table


def dispute_state(dispute: Dispute) -> str:
    """``open``, ``upheld`` or ``dismissed``."""
    return dispute.outcome.value


def disputes_table(
    disputes: Sequence[Dispute], names: Names, bond_text: dict[int, str], *, title: str | None = None
) -> Table:
    """One row a dispute, oldest first: id, claimant, raised, bond (``bond_text`` by dispute id), evidence, state,
    ruling (or the transfer lock of an open dispute)."""
    table = _compact_table(title)
    table.add_column("Id", justify="right", no_wrap=True)
    table.add_column("Claimant", no_wrap=True)
    table.add_column("Raised", no_wrap=True)
    table.add_column("Bond", justify="right", no_wrap=True)
    table.add_column("Evidence", no_wrap=True)
    table.add_column("State", no_wrap=True)
    table.add_column("Ruling")
    for dispute in disputes:
        if dispute.outcome is DisputeOutcome.OPEN:
            ruling = "transfers blocked" if dispute.locked_transfers else ""
        else:
            remedy = "" if dispute.remedy.value == "none" else f", {dispute.remedy.value.replace('_', '-')}"
            when = f"{dispute.resolved_at:%Y-%m-%d} " if dispute.resolved_at else ""
            ruling = f"{when}by {names.brief(dispute.arbitrator)}{remedy}"
        table.add_row(
            str(dispute.dispute_id),
            names.brief(dispute.claimant),
            f"{dispute.raised_at:%Y-%m-%d}",
            bond_text.get(dispute.dispute_id, "-"),
            short(dispute.evidence_hash),
            _styled(dispute_state(dispute)),
            ruling,
        )
    return table
