"""The plain-language sentence an audit report gives each history event, and the short forms of addresses and
times it uses, in the report's language (``_report_i18n``)."""

from __future__ import annotations

import datetime as dt

from ipledger.audit._report_i18n import Translate
from ipledger.models._amounts import format_units
from ipledger.models._models import HistoryEvent

__all__ = ["day", "describe_event", "holder_name", "short", "when"]


def short(address: str | None, t: Translate) -> str:
    """``0x1234…abcd``, or the word for nobody."""
    if not address:
        return t("word.nobody")
    return f"{address[:6]}…{address[-4:]}"


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
    if claim_type in ("TITLE_VERIFIED", "VALUATION", "FREEDOM_TO_OPERATE"):
        return t(f"claim.{claim_type}")
    return claim_type.replace("_", " ").lower() if claim_type else t("claim.other")


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
    if kind == "dispute_resolved":
        outcome = t(f"outcome.{event.outcome}") if event.outcome else ""
        if event.remedy and event.remedy != "none":
            return t("say.dispute_resolved_remedy", outcome=outcome, remedy=t(f"remedy.{event.remedy}"), **fields)
        return t("say.dispute_resolved", outcome=outcome, **fields)
    return t(f"say.{kind}", **fields)
