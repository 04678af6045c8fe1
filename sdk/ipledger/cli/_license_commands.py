"""``ipledger license …``: licences of a right, granted by its owner and binding on every later owner."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.text import Text

from ipledger import (
    Exclusivity,
    Ledger,
    License,
    LicenseGranted,
    LicenseList,
    LicenseRevoked,
    LicenseScope,
    LicenseState,
    parse_territory,
)

from ._chain_options import CommandTyper
from ._context import open_ledger, open_on_evidence
from ._inputs import evidence, percent_bps, utc
from ._options import DATE_FORMATS, EvidenceOpt, ShareReasonOpt, TokenArg
from ._output import output, prints
from ._render import (
    bps_label,
    details_lines,
    exclusivity_label,
    field_label,
    license_state,
    licenses_table,
    period_label,
    short,
    territory_label,
    tx_line,
)

__all__ = ["license_app", "license_state_of"]

license_app = CommandTyper(
    name="license",
    help="Grant, revoke, list and check licences of a right: who may use it, where, in which field, until when, "
    "and for what royalty. A licence binds every later owner of the right.",
    no_args_is_help=True,
)

TERMS_PANEL = "Licence terms"

LicenseIdArg = Annotated[
    int, typer.Argument(metavar="LICENSE_ID", min=1, help="The licence's id (see `license list`).")
]
LicenseeOpt = Annotated[
    str,
    typer.Option("--to", metavar="ACCOUNT", help="The licensee: an address or an account name.", show_default=False),
]
TermsOpt = Annotated[
    str | None,
    typer.Option(
        "--terms",
        metavar="FILE",
        help="The signed licence agreement: a file whose SHA-256 is recorded, or a 0x-prefixed SHA-256.",
        rich_help_panel=TERMS_PANEL,
    ),
]
TermsTextOpt = Annotated[
    str | None,
    typer.Option(
        "--terms-text",
        metavar="TEXT",
        help="Instead of --terms: the agreement's reference as text (its SHA-256 is recorded).",
        rich_help_panel=TERMS_PANEL,
    ),
]
ExclusiveOpt = Annotated[
    bool,
    typer.Option(
        "--exclusive",
        help="Exclusive: nobody else may use the right in the licence's scope, the owner included.",
        rich_help_panel=TERMS_PANEL,
    ),
]
SoleOpt = Annotated[
    bool,
    typer.Option(
        "--sole",
        help="Sole: no other licensee in the licence's scope (the owner may still use the right).",
        rich_help_panel=TERMS_PANEL,
    ),
]
TerritoryOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--territory",
        metavar="CC",
        help="A territory: ISO 3166-1 alpha-2 country (US, DE...) or regional office (EP...); repeat for each, "
        "or give a list (US,DE). Default: worldwide.",
        rich_help_panel=TERMS_PANEL,
        show_default=False,
    ),
]
FieldOpt = Annotated[
    str | None,
    typer.Option(
        "--field",
        metavar="LABEL",
        help="Field of use, e.g. 'electric vehicles' (keccak-256 of the trimmed, lower-cased label is recorded). "
        "Default: every field.",
        rich_help_panel=TERMS_PANEL,
    ),
]
StartOpt = Annotated[
    dt.datetime | None,
    typer.Option(
        "--start",
        metavar="DATE",
        formats=DATE_FORMATS,
        help="When the licence begins (YYYY-MM-DD, UTC). Default: now.",
        rich_help_panel=TERMS_PANEL,
    ),
]
EndOpt = Annotated[
    dt.datetime | None,
    typer.Option(
        "--end",
        metavar="DATE",
        formats=DATE_FORMATS,
        help="When it ends (YYYY-MM-DD, UTC, exclusive). Default: no end (it lasts as long as the right).",
        rich_help_panel=TERMS_PANEL,
    ),
]
SublicensableOpt = Annotated[
    bool, typer.Option("--sublicensable", help="The licensee may grant sublicences.", rich_help_panel=TERMS_PANEL)
]
RoyaltyOpt = Annotated[
    str | None,
    typer.Option(
        "--royalty",
        metavar="PERCENT",
        help="Royalty rate, in percent of the licensee's net sales (5, 2.5); paid in --payment-token "
        "(default: the local tUSD) with `ipledger royalty pay`.",
        rich_help_panel=TERMS_PANEL,
    ),
]
LicenseeCheckOpt = Annotated[
    str, typer.Option("--licensee", metavar="ACCOUNT", help="Who would use the right: an address or an account name.")
]
CheckTerritoryOpt = Annotated[
    str, typer.Option("--territory", metavar="CC", help="Where: an ISO 3166-1 alpha-2 country or regional office.")
]
CheckFieldOpt = Annotated[
    str | None,
    typer.Option(
        "--field",
        metavar="LABEL",
        help="In which field of use. Default: every field (which only an all-fields licence covers).",
    ),
]
AtOpt = Annotated[
    dt.datetime | None,
    typer.Option("--at", metavar="DATE", formats=DATE_FORMATS, help="When (YYYY-MM-DD, UTC). Default: now."),
]


def _exclusivity(exclusive: bool, sole: bool) -> Exclusivity:
    if exclusive and sole:
        raise typer.BadParameter("a licence is either --exclusive or --sole, not both", param_hint="'--exclusive'")
    return Exclusivity.EXCLUSIVE if exclusive else Exclusivity.SOLE if sole else Exclusivity.NON_EXCLUSIVE


def _territories(values: list[str] | None) -> list[str]:
    codes: list[str] = []
    for value in values or []:
        for part in value.replace(",", " ").split():
            try:
                codes.append(parse_territory(part))
            except ValueError as exc:
                raise typer.BadParameter(str(exc), param_hint="'--territory'") from None
    return sorted(set(codes))


def _symbols(ledger: Ledger, licences: list[License]) -> dict[str, str]:
    """The symbols of the licences' payment tokens, by address."""
    tokens = {licence.payment_token for licence in licences if licence.payment_token is not None}
    return {token: ledger.payments.token_info(token).symbol for token in tokens}


def license_state_of(licence: License, now: dt.datetime) -> LicenseState:
    """A licence and its ``state`` at ``now``."""
    return LicenseState(**dict(licence), state=license_state(licence, now))


def _scope(licence: License) -> str:
    """``in DE, US for "electric vehicles" from 2026-01-01 without end``."""
    where = "worldwide" if licence.worldwide or not licence.territories else f"in {territory_label(licence)}"
    period = period_label(licence.start, licence.end) + ("" if licence.end else ", without end")
    return f"{where}, {field_label(licence.field_hash, licence.field_of_use)}, {period}"


@license_app.command("grant")
@prints(LicenseGranted)
def grant(
    token: TokenArg,
    to: LicenseeOpt,
    terms: TermsOpt = None,
    terms_text: TermsTextOpt = None,
    exclusive: ExclusiveOpt = False,
    sole: SoleOpt = False,
    territory: TerritoryOpt = None,
    field: FieldOpt = None,
    start: StartOpt = None,
    end: EndOpt = None,
    sublicensable: SublicensableOpt = False,
    royalty: RoyaltyOpt = None,
) -> None:
    """Grant --to a licence of the right; --from must own it. Non-exclusive, worldwide, every field, from now
    and without end unless the options say otherwise.

    A sole or exclusive licence refuses (and is refused by) any other licence whose territory, field of use and
    period overlap it: LicenseConflict names the licence in the way. Only the SHA-256 of the agreement (--terms
    FILE or --terms-text) is recorded. With --royalty the licensee pays through `ipledger royalty pay`; the
    royalties go to the right's owner, or to its share holders when it is fractionalized.
    """
    out = output()
    proof = evidence(terms, terms_text, file_option="--terms", text_option="--terms-text")
    kind = _exclusivity(exclusive, sole)
    codes = _territories(territory)
    bps = percent_bps(royalty, option="--royalty") if royalty is not None else 0
    session = open_ledger(out, sends=True)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    begins = utc(start) or dt.datetime.fromtimestamp(ledger.chain.chain_time(), dt.UTC)
    terms_data = {
        "licensee": to,
        "terms": proof.hex,
        "exclusivity": kind,
        "territories": codes,
        "field_of_use": field,
        "start": begins,
        "end": utc(end),
        "sublicensable": sublicensable,
        "royalty_bps": bps,
        "payment_token": str(ledger.contracts.stablecoin.address) if bps else None,
    }
    with out.progress("Granting the licence…"):
        granted = ledger.licenses.grant(token_id, terms_data)
    licence = ledger.licenses.get(granted.license_id)  # its field of use read back from the chain, in clear
    now = dt.datetime.fromtimestamp(ledger.chain.chain_time(), dt.UTC)
    record = LicenseGranted(**dict(license_state_of(licence, now)), **granted.model_dump(exclude={"license_id"}))

    def human() -> None:
        names = session.names
        symbol = _symbols(ledger, [licence]).get(licence.payment_token or "", "")
        extra = f", royalty {bps_label(bps)} in {symbol or names.brief(licence.payment_token)}" if bps else ""
        sub = ", sublicensable" if licence.sublicensable else ""
        out.line(
            f"Granted {names.label(licence.licensee)} licence {licence.license_id} of token {short(hex(token_id))}: "
            f"{exclusivity_label(licence.exclusivity)}, {_scope(licence)}{sub}{extra}."
        )
        out.line(details_lines([("Terms", f"{proof.describe()}"), ("Licence id", str(licence.license_id))]))
        out.line(tx_line(granted))
        out.note(f"Next: ipledger license list {hex(token_id)}{session.options.command_options(shares=True)}")

    out.result(record, human)


@license_app.command("revoke")
@prints(LicenseRevoked)
def revoke(license_id: LicenseIdArg, evidence_file: EvidenceOpt = None, reason: ShareReasonOpt = None) -> None:
    """Revoke a licence (the right's current owner, or a registrar), recording why: --evidence FILE (a
    termination notice, a judgment) or --reason TEXT.
    """
    out, proof, session = open_on_evidence(evidence_file, reason)
    ledger = session.ledger
    licence = ledger.licenses.get(license_id)
    with out.progress("Revoking the licence…"):
        result = ledger.licenses.revoke(license_id, reason=proof.digest)
    revoked = LicenseRevoked(
        action="license_revoked",
        license_id=license_id,
        token_id=licence.token_id,
        licensee=licence.licensee,
        reason_hash=proof.hex,
        **dict(result),
    )
    sentence = (
        f"Revoked licence {license_id} of {session.names.label(licence.licensee)} on token "
        f"{short(licence.token_id_hex)} under {proof.describe()}."
    )
    out.act(revoked, sentence, result)


@license_app.command("show")
@prints(LicenseState)
def show(license_id: LicenseIdArg) -> None:
    """Show one licence: licensee, grantor, scope, period, royalty and whether it is in force now."""
    out = output()
    session = open_ledger(out)
    ledger = session.ledger
    licence = ledger.licenses.get(license_id)
    now = dt.datetime.fromtimestamp(ledger.chain.chain_time(), dt.UTC)
    state = license_state(licence, now)

    def human() -> None:
        names = session.names
        royalty = "none"
        if licence.royalty_bps and licence.payment_token is not None:
            symbol = _symbols(ledger, [licence])[licence.payment_token]
            royalty = f"{bps_label(licence.royalty_bps)} of net sales in {symbol} ({licence.payment_token})"
        out.line(
            f"Licence {license_id} of token {short(licence.token_id_hex)} to {names.label(licence.licensee)} "
            f"is {state}."
        )
        rows: list[tuple[str, str | Text]] = [
            ("Token id", licence.token_id_hex),
            ("Licensee", names.label(licence.licensee, full=True)),
            ("Granted by", names.label(licence.grantor, full=True)),
            ("Kind", exclusivity_label(licence.exclusivity) + (", sublicensable" if licence.sublicensable else "")),
            ("Territory", territory_label(licence)),
            ("Field", field_label(licence.field_hash, licence.field_of_use)),
            ("Period", period_label(licence.start, licence.end)),
            ("Royalty", royalty),
            ("Terms hash", licence.terms_hash),
        ]
        if licence.revoked_at is not None:
            rows.append(("Revoked", f"{licence.revoked_at:%Y-%m-%d %H:%M:%S} UTC"))
        out.line(details_lines(rows))

    out.result(license_state_of(licence, now), human)


@license_app.command("list")
@prints(LicenseList)
def list_licenses(token: TokenArg) -> None:
    """List every licence ever granted on the right, oldest first, revoked and ended ones included."""
    out = output()
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    when = ledger.chain.chain_time()
    now = dt.datetime.fromtimestamp(when, dt.UTC)
    with out.progress("Reading the licences…"):
        licences = ledger.licenses.of(token_id, at=when)
    listing = LicenseList(token_id=token_id, at=now, licenses=[license_state_of(licence, now) for licence in licences])

    def human() -> None:
        if not licences:
            out.line(f"Token {short(hex(token_id))} has no licences.")
            return
        active = sum(licence.active for licence in licences)
        out.line(f"Token {short(hex(token_id))} has {len(licences)} licence(s), {active} in force now.")
        out.print(licenses_table(licences, session.names, now, symbols=_symbols(ledger, licences)))

    out.result(listing, human)


@license_app.command("check")
@prints(LicenseScope)
def check(
    token: TokenArg,
    licensee: LicenseeCheckOpt,
    territory: CheckTerritoryOpt,
    field: CheckFieldOpt = None,
    at: AtOpt = None,
) -> None:
    """Say whether --licensee may use the right in --territory (and --field) now or --at a date; exits 0 either
    way (read "licensed" in the JSON).
    """
    out = output()
    try:
        code = parse_territory(territory)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--territory'") from None
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    answer = ledger.licenses.is_licensed(token_id, licensee, code, field_of_use=field, at=utc(at))
    scope = LicenseScope(**dict(answer), field_of_use=field)

    def human() -> None:
        who = session.names.label(answer.licensee)
        where = f"token {short(hex(token_id))} in {code}, {field_label(answer.field_hash, field)}"
        when = f"at {answer.at:%Y-%m-%d %H:%M} UTC"
        if answer.licensed:
            verdict = ("licensed", "green")
            out.line(
                Text.assemble(f"{who} is ", verdict, f" to use {where} {when}, under licence {answer.license_id}.")
            )
        else:
            out.line(Text.assemble(f"{who} is ", ("not licensed", "bold red"), f" to use {where} {when}."))

    out.result(scope, human)
