"""The plain-language sentence an audit report gives each history event, and the short forms of addresses and
times it uses, in the report's language (``_report_i18n``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from ipledger.audit._report_i18n import Translate
from ipledger.models._amounts import format_units
from ipledger.models._models import HistoryEvent
from ipledger.models._pledges import Pledge

__all__ = [
    "day",
    "describe_event",
    "describe_pledge",
    "holder_name",
    "money",
    "pledge_lines",
    "short",
    "short_hash",
    "when",
]


def short(address: str | None, t: Translate) -> str:
    """``0x1234…abcd``, or the word for nobody."""
    if not address:
        return t("word.nobody")
    return f"{address[:6]}…{address[-4:]}"


def short_hash(value: str | None) -> str:
    """``0x1234abcd…``: the first four bytes of a hash (a loan agreement's), enough to match it against a copy."""
    return "" if not value else f"{value[:10]}…"


def money(amount: int | None, token: str | None, t: Translate) -> str:
    """An amount of a currency in base units, grouped, with the currency's short address (its decimals are the
    token's, which the history does not carry)."""
    if amount is None:
        return t("word.none")
    return f"{amount:,}" + (f" {short(token, t)}" if token else "")


def day(moment: dt.datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d")


def when(moment: dt.datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def holder_name(address: str, vault: str | None, t: Translate) -> str:
    """A holder's short address, named as the share vault when it is."""
    if vault is not None and address == vault:
        return t("holder.vault", address=short(address, t))
    return short(address, t)


def _claim(claim_type: str | None, t: Translate) -> str:
    if claim_type in ("TITLE_VERIFIED", "VALUATION", "FREEDOM_TO_OPERATE", "LAPSED"):
        return t(f"claim.{claim_type}")
    return claim_type.replace("_", " ").lower() if claim_type else t("claim.other")


_LOAN_KINDS = frozenset(
    {
        "pledge_locked",
        "pledge_unlocked",
        "loan_opened",
        "loan_repaid",
        "pledge_released",
        "auction_started",
        "collateral_sold",
        "foreclosed",
        "loan_refinanced",
        "collateral_lost",
        "pledge_registered",
    }
)


def _share_amount(event: HistoryEvent) -> str:
    """Pledged shares in whole shares when their decimals are known (base units otherwise), with their symbol."""
    if event.collateral_amount is None:
        return ""
    if event.decimals is None:
        return f"{event.collateral_amount:,}"
    amount = format_units(event.collateral_amount, event.decimals, grouping=True)
    return f"{amount} {event.symbol}" if event.symbol else amount


def _describe_loan_event(event: HistoryEvent, t: Translate, fields: Mapping[str, object]) -> str:
    """The sentence of a loan desk event or of the registry's pledge lock."""
    token = event.payment_token
    values = {
        **fields,
        "loan": event.loan_id,
        "new_loan": event.new_loan_id,
        "agreement": short_hash(event.agreement_hash),
        "due": day(event.due),
        "principal": money(event.amount, token, t),
        "paid": money(event.amount, token, t),
        "interest": money(event.interest, token, t),
        "remaining": money(event.remaining, token, t),
        "price": money(event.amount, token, t),
        "floor": money(event.floor_price, token, t),
        "surplus": money(event.surplus, token, t),
        "shortfall": money(event.shortfall, token, t),
        "registration": event.registration or "",
        "amount": _share_amount(event),
    }
    if event.kind == "loan_opened" and event.collateral_amount is not None:
        return t("say.loan_opened_shares", **values)
    return t(f"say.{event.kind}", **values)


def describe_event(event: HistoryEvent, t: Translate) -> str:
    """One sentence a non-engineer can read."""
    fields = {
        "source": short(event.from_, t),
        "target": short(event.to, t),
        "by": short(event.by, t),
        "dispute": event.dispute_id,
        "licence": event.license_id,
        "attestation": event.attestation_id,
        "numbers": t("word.and").join(event.numbers or []),
        "other": event.other_token or "",
    }
    kind = event.kind
    if kind == "registered":
        return t("say.registered_by_registrar" if event.by else "say.registered_self", **fields)
    if kind == "metadata_updated":
        if event.title:
            return t("say.metadata_updated_title", title=event.title, **fields)
        return t("say.metadata_updated", **fields)
    if kind == "fractionalized":
        amount = (
            format_units(event.supply, event.decimals, grouping=True)
            if event.supply is not None and event.decimals is not None
            else t("word.some")
        )
        return t("say.fractionalized", amount=amount, name=event.share_name or "", symbol=event.symbol or "", **fields)
    if kind == "dispute_unlocked" and event.dispute_id is None:
        return t("say.dispute_unlocked_superseded", **fields)
    if kind == "license_granted":
        exclusivity = t(f"exclusivity.{event.exclusivity}") if event.exclusivity else ""
        return t("say.license_granted", exclusivity=exclusivity, **fields)
    if kind == "attested":
        return t("say.attested", claim=_claim(event.claim_type, t), **fields)
    if kind in _LOAN_KINDS:
        return _describe_loan_event(event, t, fields)
    if kind == "dispute_resolved":
        outcome = t(f"outcome.{event.outcome}") if event.outcome else ""
        if event.remedy and event.remedy != "none":
            return t("say.dispute_resolved_remedy", outcome=outcome, remedy=t(f"remedy.{event.remedy}"), **fields)
        return t("say.dispute_resolved", outcome=outcome, **fields)
    return t(f"say.{kind}", **fields)


def describe_pledge(
    pledge: Pledge,
    t: Translate,
    *,
    name: Callable[[str | None], str] | None = None,
    share_units: Callable[[int], str] | None = None,
) -> str:
    """Where one pledge stands, in a sentence: "pledged to X under agreement H, due D" (the registration number when
    one was recorded; for shares, whose shares and how many), or how it ended. ``name`` labels an address (default:
    its short form), ``share_units`` writes an amount of shares (default: base units, grouped)."""
    label = name or (lambda address: short(address, t))
    fields = {
        "lender": label(pledge.lender),
        "agreement": short_hash(pledge.agreement_hash),
        "due": day(pledge.due),
        "loan": pledge.loan_id,
        "date": day(pledge.closed_at),
    }
    if pledge.live:
        if pledge.amount is not None:
            amount = share_units(int(pledge.amount)) if share_units else f"{pledge.amount:,}"
            text = t("status.shares_pledged", amount=amount, holder=label(pledge.borrower), **fields)
        elif pledge.registration:
            text = t("status.pledged_registered", registration=pledge.registration, **fields)
        else:
            text = t("status.pledged", **fields)
        if pledge.state == "auction" and pledge.auction_ends is not None:
            text += t("status.pledge_auction", ends=day(pledge.auction_ends))
        return text
    if pledge.state == "sold":
        price = money(None if pledge.price is None else int(pledge.price), pledge.currency, t)
        return t("status.pledge_sold", buyer=label(pledge.buyer), price=price, **fields)
    if pledge.state == "foreclosed":
        return t("status.pledge_foreclosed", **fields)
    if pledge.state == "lost":
        return t("status.pledge_lost", **fields)
    return t(f"pledge.{pledge.state}")


def pledge_lines(
    pledges: Sequence[Pledge],
    t: Translate,
    *,
    name: Callable[[str | None], str] | None = None,
    share_units: Callable[[int], str] | None = None,
) -> list[str]:
    """The sentences a right's status shows about its pledges: every live one, and every enforced one (a sale, a
    foreclosure) or one a registrar's act ended; repaid and refinanced loans are history."""
    return [
        describe_pledge(pledge, t, name=name, share_units=share_units)
        for pledge in pledges
        if pledge.live or pledge.state in ("sold", "foreclosed", "lost")
    ]
