"""``ipledger loan …``: loans against a pledged right or an amount of its shares (the loan desk, ``ledger.loans``).

A lender signs an offer (``loan offer``, written to a JSON file), the borrower accepts it (``loan accept FILE``): the
right is pledged where it stands and the principal paid, in one transaction. Or the borrower publishes a request
(``loan request``) that a lender accepts (``loan accept HASH``). Repayment in full releases the pledge; after maturity
and grace the lender enforces it by a Dutch auction (``loan enforce``, ``loan bid``).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich import box
from rich.table import Table
from rich.text import Text

from ipledger import (
    AuctionStarted,
    CollateralSold,
    Credit,
    InvalidInputError,
    IPLedgerError,
    Ledger,
    Loan,
    LoanChanged,
    LoanList,
    LoanOpened,
    LoanRequested,
    LoanState,
    PledgeRegistration,
    Refinancing,
    Repayment,
    SignedLoanOffer,
    TermsCancelled,
    Withdrawal,
    format_units,
    ipledger_home,
)

from ._chain_options import CommandTyper
from ._context import Session, open_ledger
from ._inputs import evidence
from ._options import TokenArg
from ._output import output, prints
from ._render import Names, short, tx_line

__all__ = ["loan_app"]

loan_app = CommandTyper(
    name="loan",
    help="Borrow against a right or its shares: a lender signs an offer, the borrower accepts it (the right is "
    "pledged, the principal paid); repay to release the pledge, or the lender enforces it by auction.",
    no_args_is_help=True,
)

_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
_MONEY_HELP = "whole units of the currency (1000, 2.5)"


class StateChoice(StrEnum):
    """A loan's state, as ``loan list --state`` filters it."""

    ACTIVE = "active"
    AUCTION = "auction"
    REPAID = "repaid"
    SOLD = "sold"
    FORECLOSED = "foreclosed"
    REFINANCED = "refinanced"
    LOST = "lost"


LoanIdArg = Annotated[int, typer.Argument(metavar="LOAN_ID", min=1, help="The loan's id (see `loan list`).")]
TermsArg = Annotated[
    str,
    typer.Argument(
        metavar="OFFER",
        help="A signed offer's JSON file (from `loan offer`), or the 0x terms hash of a published request.",
    ),
]
OfferFileArg = Annotated[str, typer.Argument(metavar="OFFER", help="A signed offer's JSON file (from `loan offer`).")]
PrincipalOpt = Annotated[str, typer.Option("--principal", metavar="AMOUNT", help=f"The amount lent, {_MONEY_HELP}.")]
DurationOpt = Annotated[
    str, typer.Option("--duration", metavar="DURATION", help="From acceptance to maturity: 90d, 180d, 26w, 12h.")
]
LawOpt = Annotated[
    str,
    typer.Option(
        "--law",
        metavar="CC",
        help="The agreement's governing law, a country code (CN, HK, US); CN refuses foreclosure.",
    ),
]
AgreementOpt = Annotated[
    str | None,
    typer.Option(
        "--agreement",
        metavar="FILE",
        help="The loan and pledge agreement: a file whose SHA-256 is recorded, or a 0x-prefixed SHA-256.",
    ),
]
AgreementTextOpt = Annotated[
    str | None,
    typer.Option(
        "--agreement-ref", metavar="TEXT", help="Instead of --agreement: its reference; its SHA-256 is recorded."
    ),
]
CurrencyOpt = Annotated[
    str | None,
    typer.Option(
        "--currency",
        metavar="TOKEN",
        help="The ERC-20 lent and repaid: tUSD, tHKD or tCNH on the local chain, or an address (default: the payment "
        "token).",
    ),
]
SharesOpt = Annotated[
    str | None,
    typer.Option(
        "--shares", metavar="AMOUNT", help="Pledge this many whole shares of the right, not the right itself."
    ),
]
InterestOpt = Annotated[
    str, typer.Option("--interest", metavar="AMOUNT", help=f"Fixed interest owed in full at repayment, {_MONEY_HELP}.")
]
AprOpt = Annotated[
    str | None,
    typer.Option(
        "--apr", metavar="PERCENT", help="Simple annual interest in percent, by the second (3.5; at most 4 decimals)."
    ),
]
GraceOpt = Annotated[
    str, typer.Option("--grace", metavar="DURATION", help="After maturity, before the lender may enforce.")
]
AuctionOpt = Annotated[
    str, typer.Option("--auction", metavar="DURATION", help="How long an enforcement auction falls to its floor.")
]
CostsOpt = Annotated[
    str, typer.Option("--costs", metavar="AMOUNT", help=f"Enforcement costs paid from an auction, {_MONEY_HELP}.")
]
ForeclosureOpt = Annotated[
    bool,
    typer.Option("--foreclosure", help="The lender may take the collateral when an auction ends without a bid."),
]
ExpiresInOpt = Annotated[
    str, typer.Option("--expires-in", metavar="DURATION", help="How long the terms can be accepted: 1d, 7d, 2w.")
]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out", metavar="FILE", help="Where to write the signed offer (default: $IPLEDGER_HOME/loans/HASH.json)."
    ),
]


def _when(value: dt.datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S} UTC"


def _money(amount: int, decimals: int, symbol: str) -> str:
    return f"{format_units(amount, decimals, grouping=True)} {symbol}"


def _load_offer(reference: str) -> SignedLoanOffer:
    path = Path(reference)
    try:
        return SignedLoanOffer.model_validate_json(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InvalidInputError(f"field 'offer': no file {reference} (give the JSON file `loan offer` wrote)") from None
    except OSError as exc:
        raise InvalidInputError(f"field 'offer': {path}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        detail = "not UTF-8 text"
        if isinstance(exc, ValidationError):
            first = exc.errors()[0]
            detail = f"{'.'.join(str(part) for part in first['loc']) or 'offer'}: {first['msg']}"
        raise InvalidInputError(f"field 'offer': {path} is not a signed loan offer ({detail})") from None


def _terms_reference(reference: str) -> SignedLoanOffer | str:
    """A signed offer's file, or a request's terms hash."""
    if _HASH.match(reference.strip()) and not Path(reference).exists():
        return reference.strip().lower()
    return _load_offer(reference)


def _amount(ledger: Ledger, currency: str | None, loan_id: int | None = None) -> tuple[int, str]:
    """(decimals, symbol) of a loan's currency, or of the currency named."""
    if loan_id is not None:
        loan = ledger.loans.get(loan_id)
        return loan.currency_decimals, loan.currency_symbol
    info = ledger.loans.currency(currency)
    return info.decimals, info.symbol


def _right_label(ledger: Ledger, right_id: int) -> str:
    """The right's primary official number (``CN 202010123456.2``), or its short token id."""
    try:
        numbers = ledger.rights.get(right_id).numbers
    except IPLedgerError:
        numbers = []
    return numbers[0] if numbers else short(hex(right_id))


def _terms_line(session: Session, offer: SignedLoanOffer | LoanRequested) -> str:
    terms = offer.terms
    ledger = session.ledger
    info = ledger.payments.token_info(terms.currency)
    rate = []
    if terms.interest:
        rate.append(f"{_money(terms.interest, info.decimals, info.symbol)} fixed")
    if terms.apr_ppm:
        rate.append(f"{terms.apr_ppm / 10_000:g} % a year")
    right = _right_label(ledger, offer.right_id)
    what = (
        f"the right {right}"
        if terms.collateral_amount == 0
        else f"{format_units(terms.collateral_amount, 18, grouping=True)} shares of {right}"
    )
    interest = " + ".join(rate) or "no interest"
    return (
        f"{_money(terms.principal, info.decimals, info.symbol)} against {what} for {terms.duration // 86_400} days "
        f"({interest}), under {terms.governing_law} law"
    )


# ---------------------------------------------------------------------------- opening


@loan_app.command("offer")
@prints(SignedLoanOffer)
def offer(
    token: TokenArg,
    principal: PrincipalOpt,
    duration: DurationOpt,
    law: LawOpt,
    agreement: AgreementOpt = None,
    agreement_ref: AgreementTextOpt = None,
    currency: CurrencyOpt = None,
    shares: SharesOpt = None,
    interest: InterestOpt = "0",
    apr: AprOpt = None,
    grace: GraceOpt = "30d",
    auction: AuctionOpt = "7d",
    costs: CostsOpt = "0",
    foreclosure: ForeclosureOpt = False,
    borrower: Annotated[
        str | None, typer.Option("--borrower", metavar="ACCOUNT", help="Reserve the offer to this borrower.")
    ] = None,
    expires_in: ExpiresInOpt = "7d",
    out_file: OutOpt = None,
) -> None:
    """Sign an offer (off chain) to lend --principal against the right TOKEN (or --shares of it), as the lender
    (--from), and write it to a JSON file for the borrower, who runs `ipledger loan accept FILE`.

    The desk is approved to pay the principal from the lender at acceptance. Interest is --interest (fixed) and/or
    --apr (a percent a year, accrued by the second). After --duration and --grace the lender may enforce the pledge
    by an auction of --auction; under --law CN the lender never takes the collateral itself (no --foreclosure).
    """
    out = output()
    proof = evidence(agreement, agreement_ref, file_option="--agreement", text_option="--agreement-ref")
    session = open_ledger(out, sends=True)
    ledger = session.ledger
    with out.progress("Signing the offer…"):
        signed = ledger.loans.offer(
            token,
            principal=principal,
            duration=duration,
            agreement=proof.digest,
            governing_law=law,
            currency=currency,
            shares=shares,
            interest=interest,
            apr=apr,
            grace=grace,
            auction=auction,
            costs=costs,
            foreclosure=foreclosure,
            borrower=borrower,
            expires_in=expires_in,
        )
    path = out_file or ipledger_home() / "loans" / f"{signed.terms_hash}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(signed.model_dump_json(indent=2) + "\n", "utf-8")

    def human() -> None:
        expiry = dt.datetime.fromtimestamp(signed.terms.expiry, dt.UTC)
        out.line(f"Offered by {session.names.label(signed.terms.lender)}: {_terms_line(session, signed)}.")
        out.line(f"Offer {signed.terms_hash}, valid until {_when(expiry)}, written to {path}")
        out.note(f"Send that file to the borrower: ipledger loan accept {path}")

    out.result(signed, human)


@loan_app.command("request")
@prints(LoanRequested)
def request(
    token: TokenArg,
    principal: PrincipalOpt,
    duration: DurationOpt,
    law: LawOpt,
    agreement: AgreementOpt = None,
    agreement_ref: AgreementTextOpt = None,
    currency: CurrencyOpt = None,
    shares: SharesOpt = None,
    interest: InterestOpt = "0",
    apr: AprOpt = None,
    grace: GraceOpt = "30d",
    auction: AuctionOpt = "7d",
    costs: CostsOpt = "0",
    foreclosure: ForeclosureOpt = False,
    lender: Annotated[
        str | None, typer.Option("--lender", metavar="ACCOUNT", help="Reserve the request to this lender.")
    ] = None,
    expires_in: ExpiresInOpt = "7d",
) -> None:
    """Publish a request (on chain) to borrow --principal against the right TOKEN (or --shares of it), as the
    borrower (--from, who holds it); a lender accepts it with `ipledger loan accept HASH`.

    The terms are those of `loan offer`; with --shares the desk is approved to take them at acceptance.
    """
    out = output()
    proof = evidence(agreement, agreement_ref, file_option="--agreement", text_option="--agreement-ref")
    session = open_ledger(out, sends=True)
    with out.progress("Publishing the request…"):
        requested = session.ledger.loans.request(
            token,
            principal=principal,
            duration=duration,
            agreement=proof.digest,
            governing_law=law,
            currency=currency,
            shares=shares,
            interest=interest,
            apr=apr,
            grace=grace,
            auction=auction,
            costs=costs,
            foreclosure=foreclosure,
            lender=lender,
            expires_in=expires_in,
        )

    def human() -> None:
        out.line(f"Requested by {session.names.label(requested.terms.borrower)}: {_terms_line(session, requested)}.")
        out.line(f"Request {requested.terms_hash}")
        out.line(tx_line(requested))
        out.note(f"A lender accepts it with: ipledger loan accept {requested.terms_hash}")

    out.result(requested, human)


@loan_app.command("accept")
@prints(LoanOpened)
def accept(reference: TermsArg) -> None:
    """Accept a lender's signed offer (its JSON file) as the borrower, or a borrower's published request (its 0x
    terms hash) as the lender (--from): the collateral is pledged and the principal paid, in one transaction.

    Refused before anything is sent when the offer was altered (InvalidSignature), expired, accepted or cancelled,
    reserved for another account, or the borrower does not hold the collateral, or it is frozen, disputed or pledged.
    """
    out = output()
    terms = _terms_reference(reference)
    session = open_ledger(out, sends=True)
    ledger = session.ledger
    with out.progress("Opening the loan…"):
        opened = (
            ledger.loans.accept(terms) if isinstance(terms, SignedLoanOffer) else ledger.loans.accept_request(terms)
        )

    def human() -> None:
        names = session.names
        info = ledger.payments.token_info(opened.currency)
        out.line(
            f"Loan {opened.loan_id} opened: {names.label(opened.lender)} lent "
            f"{_money(opened.principal, info.decimals, info.symbol)} to {names.label(opened.borrower)} against "
            f"{_right_label(ledger, opened.right_id)}, due {_when(opened.maturity)}."
        )
        if opened.approval is not None:
            out.line(Text.assemble("  approval ", tx_line(opened.approval)))
        out.line(tx_line(opened))

    out.result(opened, human)


@loan_app.command("cancel")
@prints(TermsCancelled)
def cancel(reference: TermsArg) -> None:
    """Cancel your offer (its JSON file; --from its lender) or your published request (its 0x terms hash; --from its
    borrower): it can no longer be accepted."""
    out = output()
    terms = _terms_reference(reference)
    session = open_ledger(out, sends=True)
    with out.progress("Cancelling…"):
        cancelled = session.ledger.loans.cancel(terms)
    out.act(cancelled, f"Cancelled {cancelled.terms_hash}.", cancelled)


# ---------------------------------------------------------------------------- repayment and enforcement


@loan_app.command("repay")
@prints(Repayment)
def repay(
    loan_id: LoanIdArg,
    amount: Annotated[
        str, typer.Argument(metavar="AMOUNT", help=f"How much to repay, {_MONEY_HELP}, or `all` (the default).")
    ] = "all",
) -> None:
    """Repay loan LOAN_ID (anyone may, as --from): interest first, then principal; paid in full, the pledge is
    released. The desk is approved first; `all` approves a minute's interest more than is owed now, and the desk
    takes only what is owed when the transaction is mined."""
    out = output()
    session = open_ledger(out, sends=True)
    ledger = session.ledger
    with out.progress("Repaying…"):
        repaid = ledger.loans.repay(loan_id, amount)
    decimals, symbol = _amount(ledger, None, loan_id)

    def human() -> None:
        out.line(
            f"Paid {_money(repaid.paid, decimals, symbol)} on loan {loan_id} ("
            f"{_money(repaid.interest_paid, decimals, symbol)} interest, "
            f"{_money(repaid.principal_paid, decimals, symbol)} principal)."
        )
        if repaid.released:
            out.line("Paid in full: the pledge is released.")
        else:
            out.line(f"Still owed: {_money(repaid.remaining, decimals, symbol)} (and interest from now on).")
        out.line(tx_line(repaid))

    out.result(repaid, human)


@loan_app.command("refinance")
@prints(Refinancing)
def refinance(loan_id: LoanIdArg, reference: OfferFileArg) -> None:
    """Refinance loan LOAN_ID as its borrower (--from) with a new lender's signed offer on the same collateral: the
    new lender pays the old debt; the pledge never lapses."""
    out = output()
    signed = _load_offer(reference)
    session = open_ledger(out, sends=True)
    with out.progress("Refinancing…"):
        result = session.ledger.loans.refinance(loan_id, signed)
    sentence = f"Loan {loan_id} refinanced by loan {result.new_loan_id} from {session.names.label(result.new_lender)}."
    out.act(result, sentence, result)


@loan_app.command("enforce")
@prints(AuctionStarted)
def enforce(
    loan_id: LoanIdArg,
    start_price: Annotated[
        str, typer.Option("--start-price", metavar="AMOUNT", help=f"The auction's first price, {_MONEY_HELP}.")
    ],
    floor_price: Annotated[
        str, typer.Option("--floor-price", metavar="AMOUNT", help=f"The price it falls to, {_MONEY_HELP}.")
    ],
) -> None:
    """Enforce the pledge of loan LOAN_ID as its lender (--from), after maturity and grace: a Dutch auction of the
    collateral, falling linearly from --start-price to --floor-price over the terms' auction time."""
    out = output()
    session = open_ledger(out, sends=True)
    with out.progress("Starting the auction…"):
        started = session.ledger.loans.enforce(loan_id, start_price=start_price, floor_price=floor_price)
    decimals, symbol = _amount(session.ledger, None, loan_id)
    sentence = (
        f"Auction of loan {loan_id}'s collateral: from {_money(started.start_price, decimals, symbol)} down to "
        f"{_money(started.floor_price, decimals, symbol)} at {_when(started.ends_at)}; "
        f"{_money(started.debt, decimals, symbol)} owed."
    )
    out.act(started, sentence, started)


@loan_app.command("bid")
@prints(CollateralSold)
def bid(
    loan_id: LoanIdArg,
    max_price: Annotated[str, typer.Option("--max-price", metavar="AMOUNT", help=f"The most you pay, {_MONEY_HELP}.")],
) -> None:
    """Buy the collateral of loan LOAN_ID at its auction's current price, if not above --max-price (--from pays,
    approved first): the lender is paid the debt, the borrower the surplus."""
    out = output()
    session = open_ledger(out, sends=True)
    with out.progress("Bidding…"):
        sold = session.ledger.loans.bid(loan_id, max_price=max_price)
    decimals, symbol = _amount(session.ledger, None, loan_id)
    sentence = (
        f"Bought for {_money(sold.price, decimals, symbol)}: {_money(sold.to_lender, decimals, symbol)} to the lender, "
        f"{_money(sold.to_borrower, decimals, symbol)} to the borrower"
        + (f", {_money(sold.shortfall, decimals, symbol)} of the debt unpaid." if sold.shortfall else ".")
    )
    out.act(sold, sentence, sold)


@loan_app.command("foreclose")
@prints(LoanChanged)
def foreclose(loan_id: LoanIdArg) -> None:
    """Take the collateral of loan LOAN_ID as its lender (--from) after an auction ended without a bid, where the
    terms allow it (never under CN law)."""
    out = output()
    session = open_ledger(out, sends=True)
    with out.progress("Foreclosing…"):
        changed = session.ledger.loans.foreclose(loan_id)
    out.act(changed, f"Loan {loan_id} foreclosed: the collateral is the lender's.", changed)


@loan_app.command("record-loss")
@prints(LoanChanged)
def record_loss(loan_id: LoanIdArg) -> None:
    """Record that a registrar's act (a forced transfer, a revocation) took the collateral of loan LOAN_ID from the
    pledge (anyone may): the loan becomes lost, its debt unsecured."""
    out = output()
    session = open_ledger(out, sends=True)
    with out.progress("Recording the loss…"):
        changed = session.ledger.loans.record_loss(loan_id)
    out.act(changed, f"Loan {loan_id} is lost: its collateral left the pledge; the debt stands, unsecured.", changed)


@loan_app.command("register-pledge")
@prints(PledgeRegistration)
def register_pledge(
    loan_id: LoanIdArg,
    registration: Annotated[
        str,
        typer.Argument(
            metavar="NUMBER", help="The office's pledge registration (a CNIPA pledge number, a USPTO reel/frame)."
        ),
    ],
) -> None:
    """Record the office's registration number of loan LOAN_ID's pledge, as its lender or borrower (--from)."""
    out = output()
    session = open_ledger(out, sends=True)
    with out.progress("Recording the registration…"):
        registered = session.ledger.loans.register_pledge(loan_id, registration)
    out.act(registered, f"Pledge of loan {loan_id} registered as {registered.registration}.", registered)


@loan_app.command("withdraw")
@prints(Withdrawal)
def withdraw(currency: CurrencyOpt = None) -> None:
    """Take what the desk holds for --from in a token (default: the payment token; --currency names another, or a
    share token's address): payments and shares a token refused to deliver are credited there instead of blocking a
    repayment, sale or release."""
    out = output()
    session = open_ledger(out, sends=True)
    with out.progress("Withdrawing…"):
        withdrawn = session.ledger.loans.withdraw(currency)
    decimals, symbol = _amount(session.ledger, withdrawn.token)
    out.act(withdrawn, f"Withdrew {_money(withdrawn.amount, decimals, symbol)} from the loan desk.", withdrawn)


# ---------------------------------------------------------------------------- reading


def _pledge_sentence(loan: Loan, names: Names) -> str:
    money = _money(loan.owed, loan.currency_decimals, loan.currency_symbol)
    if loan.state in (LoanState.ACTIVE, LoanState.AUCTION):
        return (
            f"pledged to {names.label(loan.lender)} under agreement {loan.agreement_hash}, due "
            f"{loan.maturity:%Y-%m-%d} (UTC); owed now: {money}"
        )
    return f"{loan.state.value}; was pledged to {names.label(loan.lender)} under agreement {loan.agreement_hash}"


@loan_app.command("show")
@prints(Loan)
def show(loan_id: LoanIdArg) -> None:
    """Show loan LOAN_ID: its collateral (the right's number and title), parties, terms, what it owes now, the
    auction, the pledge's registrations and the collateral's status in the registry."""
    out = output()
    session = open_ledger(out)
    loan = session.ledger.loans.get(loan_id)

    def human() -> None:
        names = session.names
        status = loan.collateral_status
        right = " ".join(part for part in (status.number, f"「{status.title}」" if status.title else None) if part)
        what = right or short(loan.right_id_hex)
        if loan.collateral_kind == "shares":
            what = f"{format_units(loan.collateral_amount, 18, grouping=True)} shares of {what}"
        out.line(f"Loan {loan.loan_id} ({loan.state.value}): {what}, {_pledge_sentence(loan, names)}.")

        def money(amount: int) -> str:
            return _money(amount, loan.currency_decimals, loan.currency_symbol)

        rows = [
            ("Lender", names.label(loan.lender)),
            ("Borrower", names.label(loan.borrower)),
            ("Principal outstanding", money(loan.principal)),
            ("Owed now", f"{money(loan.owed)} ({money(loan.owed_interest)} interest, {money(loan.owed_costs)} costs)"),
            ("Rate", f"{loan.apr_percent} % a year"),
            ("Started", _when(loan.started_at)),
            ("Maturity", _when(loan.maturity)),
            ("Enforceable from", _when(loan.enforceable_at)),
            ("Governing law", loan.governing_law + (", foreclosure allowed" if loan.foreclosure else "")),
        ]
        if loan.auction_ends_at is not None and loan.start_price is not None and loan.floor_price is not None:
            rows.append(
                ("Auction", f"{money(loan.start_price)} to {money(loan.floor_price)} by {_when(loan.auction_ends_at)}")
            )
        if loan.current_price is not None:
            rows.append(("Current price", money(loan.current_price)))
        flags = [
            name
            for name, on in (
                ("pledged", status.pledged),
                ("frozen", status.frozen),
                ("disputed", status.disputed),
                ("expired", status.expired),
                (f"marked lapsed (attestation {status.lapsed_attestation})", status.lapsed),
                ("lost", status.lost),
            )
            if on
        ]
        rows.append(("Collateral", ", ".join(flags) or "free"))
        for entry in loan.pledge_registrations:
            rows.append(("Pledge registration", f"{entry.registration} (by {names.label(entry.by)})"))
        table = Table(box=None, show_header=False, pad_edge=False)
        for label, value in rows:
            table.add_row(label, value)
        out.print(table)

    out.result(loan, human)


@loan_app.command("credited")
@prints(Credit)
def credited(
    account: Annotated[
        str | None,
        typer.Argument(
            metavar="ACCOUNT", help="Whose credit: an address or an account name (default: the --from account)."
        ),
    ] = None,
    currency: CurrencyOpt = None,
) -> None:
    """Show what the desk holds for ACCOUNT in a token, to withdraw with `loan withdraw`: payments and shares its
    token refused to deliver."""
    out = output()
    session = open_ledger(out)
    credit = session.ledger.loans.credited(account, currency)

    def human() -> None:
        out.line(
            f"{session.names.label(credit.account)}: {_money(credit.amount, credit.decimals, credit.symbol)} "
            "credited on the loan desk."
        )

    out.result(credit, human)


@loan_app.command("list")
@prints(LoanList)
def list_loans(
    lender: Annotated[str | None, typer.Option("--lender", metavar="ACCOUNT", help="Loans of this lender.")] = None,
    borrower: Annotated[
        str | None, typer.Option("--borrower", metavar="ACCOUNT", help="Loans of this borrower.")
    ] = None,
    right: Annotated[
        str | None, typer.Option("--right", metavar="TOKEN", help="Loans against this right (or its shares).")
    ] = None,
    state: Annotated[
        StateChoice | None, typer.Option("--state", metavar="STATE", case_sensitive=False, help="Loans in this state.")
    ] = None,
) -> None:
    """List the desk's loans, oldest first: of a lender, a borrower, against a right, in a state."""
    out = output()
    session = open_ledger(out)
    listing = session.ledger.loans.list(
        lender=lender, borrower=borrower, right=right, state=None if state is None else state.value
    )

    def human() -> None:
        if not listing.loans:
            out.line("No loans.")
            return
        names = session.names
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        for column in ("Loan", "State", "Collateral", "Lender", "Borrower", "Owed now", "Due (UTC)"):
            table.add_column(column, no_wrap=column != "Collateral")
        for loan in listing.loans:
            table.add_row(
                str(loan.loan_id),
                loan.state.value,
                loan.collateral_status.number or short(loan.right_id_hex),
                names.brief(loan.lender),
                names.brief(loan.borrower),
                _money(loan.owed, loan.currency_decimals, loan.currency_symbol),
                f"{loan.maturity:%Y-%m-%d}",
            )
        out.print(table)

    out.result(listing, human)
