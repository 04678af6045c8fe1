"""``ipledger royalty …``: licensees pay royalties through the royalty vault; they accrue to the right's owner, or
to its share holders pro rata when it is fractionalized; owners withdraw and holders claim."""

from __future__ import annotations

import contextlib
from typing import Annotated

import typer
from rich.text import Text

from ipledger import (
    CurrencyAmount,
    Ledger,
    NotFoundError,
    RoyaltiesOwed,
    RoyaltyClaim,
    RoyaltyClaims,
    RoyaltyClaimsFor,
    RoyaltyPaid,
    TransactionResult,
)

from ._chain_options import CommandTyper
from ._context import Session, open_ledger
from ._inputs import amount_units, evidence
from ._options import AMOUNTS_HELP, AccountArg, RawOpt, TokenArg
from ._output import Output, mined, output, prints
from ._render import TokenInfos, short, tx_line

__all__ = ["royalty_app"]

royalty_app = CommandTyper(
    name="royalty",
    help="Royalties on licences: licensees pay; the right's owner withdraws, or, for a fractionalized right, each "
    "share holder claims a pro-rata part; see what is owed.",
    no_args_is_help=True,
)

LicenseIdArg = Annotated[int, typer.Argument(metavar="LICENSE_ID", min=1, help="The licence paid for.")]
AmountArg = Annotated[
    str, typer.Argument(metavar="AMOUNT", help="How much, in whole units of the licence's payment token (see --raw).")
]
ReportOpt = Annotated[
    str | None,
    typer.Option(
        "--report",
        metavar="FILE",
        help="The sales report the royalty is computed on: a file whose SHA-256 is recorded, or a 0x-prefixed SHA-256.",
        rich_help_panel="Evidence",
    ),
]
ClaimTokenArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[TOKEN]",
        help="Claim as a holder of this right's shares (token id, decimal or 0x hex). Leave out with --as-owner.",
        show_default=False,
    ),
]
AsOwnerOpt = Annotated[
    bool,
    typer.Option(
        "--as-owner",
        help="Withdraw what the royalty vault holds for --from as the owner of rights (not fractionalized) instead.",
    ),
]
CurrencyOpt = Annotated[
    str | None,
    typer.Option(
        "--currency",
        metavar="ADDRESS",
        help="The ERC-20 the royalties were paid in. Default: as a holder, every currency the share token "
        "distributed; as an owner, the payment token (--payment-token, the local tUSD by default).",
    ),
]
OwedTokenOpt = Annotated[
    str | None,
    typer.Option(
        "--token",
        metavar="TOKEN",
        help="What ACCOUNT may claim as a holder of this right's shares. Default: what it may withdraw as an owner.",
    ),
]


def _amount(tokens: TokenInfos, address: str, amount: int) -> CurrencyAmount:
    info = tokens.info(address)
    return CurrencyAmount(currency=info.address, symbol=info.symbol, decimals=info.decimals, amount=amount)


def _currencies(ledger: Ledger, currency: str | None, token_id: int | None) -> list[str]:
    """The currencies to look at: the one given, else every one the share token distributed (as a holder), else the
    default payment token (as an owner)."""
    if currency is not None:
        return [ledger.address_of(currency)]
    if token_id is not None:
        return ledger.royalties.currencies(token_id)
    return [str(ledger.contracts.stablecoin.address)]


def _where(token_id: int | None) -> str:
    return "as an owner" if token_id is None else f"as a holder of token {short(hex(token_id))}'s shares"


def _total(tokens: TokenInfos, amounts: list[CurrencyAmount]) -> str:
    return ", ".join(tokens.text(row.currency, row.amount) for row in amounts)


@royalty_app.command("pay", epilog=AMOUNTS_HELP)
@prints(RoyaltyPaid)
def pay(license_id: LicenseIdArg, amount: AmountArg, report: ReportOpt = None, raw: RawOpt = False) -> None:
    """Pay AMOUNT in royalties on a licence, in the licence's payment token (approved first when needed), as
    --from (usually the licensee; anyone may pay).

    The payment is credited to whoever owns the right now (who withdraws it with `royalty claim --as-owner`) or,
    when the right is fractionalized, to its share holders pro rata (each claims with `royalty claim TOKEN`).
    """
    out = output()
    proof = None if report is None else evidence(report, None, file_option="--report")
    session = open_ledger(out, sends=True)
    ledger = session.ledger
    licence = ledger.licenses.get(license_id)
    tokens = TokenInfos(ledger)
    decimals = tokens.info(licence.payment_token).decimals if licence.payment_token else 0
    quantity = amount_units(amount, decimals, raw=raw, what="royalty")
    with out.progress("Paying the royalty…"):
        payment = ledger.royalties.pay(license_id, quantity, report=proof.digest if proof else None)
    share_token = None
    with contextlib.suppress(NotFoundError):
        share_token = ledger.shares.token(licence.token_id)
    to_holders = share_token is not None and share_token.lower() == payment.beneficiary.lower()
    paid = RoyaltyPaid(
        license_id=license_id,
        token_id=licence.token_id,
        payer=session.signer().address,
        **dict(_amount(tokens, payment.token, quantity)),
        beneficiary=payment.beneficiary,
        credited_to="share_holders" if to_holders else "owner",
        report_hash=proof.hex if proof else None,
        **mined(payment),
        approval=payment.approval,
    )

    def human() -> None:
        names = session.names
        credited = (
            f"the holders of its shares pro rata (share token {short(payment.beneficiary)})"
            if to_holders
            else f"its owner {names.label(payment.beneficiary)}"
        )
        on = f" on {proof.describe()}" if proof else ""
        out.line(
            f"{names.label(paid.payer)} paid {tokens.text(payment.token, quantity)} in royalties on licence "
            f"{license_id} of token {short(licence.token_id_hex)}{on}, credited to {credited}."
        )
        if payment.approval is not None:
            out.line(Text.assemble("  approval ", tx_line(payment.approval)))
        out.line(tx_line(payment))

    out.result(paid, human)


def _holder_session(out: Output, token: str | None, *, sends: bool) -> tuple[Session, int | None, TokenInfos]:
    """The session, the right whose shares are meant (None: as an owner) and the currencies' details."""
    session = open_ledger(out, sends=sends)
    token_id = session.ledger.rights.resolve(token) if token is not None else None
    return session, token_id, TokenInfos(session.ledger)


@royalty_app.command("claim")
@prints(RoyaltyClaims)
def claim(token: ClaimTokenArg = None, as_owner: AsOwnerOpt = False, currency: CurrencyOpt = None) -> None:
    """Collect the royalties owed to --from: as a holder of TOKEN's shares (its pro-rata part of every royalty
    paid while it held them), or --as-owner (what the royalty vault holds for it as the owner of rights).

    One transaction per currency with something owed; nothing owed is not an error (no transaction, exit 0).
    """
    out = output()
    if (token is None) == (not as_owner):
        raise typer.BadParameter("give TOKEN (claim as a share holder) or --as-owner, not both", param_hint="'TOKEN'")
    session, token_id, tokens = _holder_session(out, token, sends=True)
    ledger = session.ledger
    me = session.signer().address
    claims: list[RoyaltyClaim] = []
    sent: list[tuple[str, TransactionResult]] = []
    for address in _currencies(ledger, currency, token_id):
        owed = ledger.royalties.owed(me, address, token_id=token_id).amount
        if not owed:
            continue
        with out.progress("Claiming royalties…"):
            if token_id is None:
                result = ledger.royalties.withdraw(address)
            else:
                result = ledger.royalties.claim(token_id, address)
        claims.append(RoyaltyClaim(**dict(_amount(tokens, address, owed)), **dict(result)))
        sent.append((tokens.info(address).symbol, result))
    claimed = RoyaltyClaims(account=me, as_="owner" if token_id is None else "holder", token_id=token_id, claims=claims)

    def human() -> None:
        who = session.names.label(me)
        if not claims:
            out.line(f"{who} has no royalties to claim {_where(token_id)}.")
            return
        out.line(f"{who} claimed {_total(tokens, list(claims))} in royalties {_where(token_id)}.")
        for symbol, result in sent:
            out.line(Text.assemble(f"  {symbol}: ", tx_line(result)))

    out.result(claimed, human)


@royalty_app.command("claim-for")
@prints(RoyaltyClaimsFor)
def claim_for(token: TokenArg, holder: AccountArg, currency: CurrencyOpt = None) -> None:
    """Pay ACCOUNT's share-holder royalties on TOKEN to the beneficiary it named (anyone may send this).

    For holders that cannot claim themselves, such as a Uniswap pool: its beneficiary is named with `ipledger shares
    beneficiary`. One transaction per currency with something owed; nothing owed is not an error.
    """
    out = output()
    session, token_id, tokens = _holder_session(out, token, sends=True)
    assert token_id is not None
    ledger = session.ledger
    address = ledger.address_of(holder)
    named = ledger.royalties.beneficiary(token_id, address)
    if named is None:
        raise typer.BadParameter(
            f"{address} named no royalty beneficiary; name one with `ipledger shares beneficiary TOKEN HOLDER "
            "BENEFICIARY` (the holder itself, or an officer for a pool or venue wallet)",
            param_hint="'ACCOUNT'",
        )
    claims: list[RoyaltyClaim] = []
    sent: list[tuple[str, TransactionResult]] = []
    for address_of_currency in _currencies(ledger, currency, token_id):
        owed = ledger.royalties.owed(address, address_of_currency, token_id=token_id).amount
        if not owed:
            continue
        with out.progress("Paying the royalties out…"):
            result = ledger.royalties.claim_for(token_id, address, address_of_currency)
        claims.append(RoyaltyClaim(**dict(_amount(tokens, address_of_currency, owed)), **dict(result)))
        sent.append((tokens.info(address_of_currency).symbol, result))
    paid = RoyaltyClaimsFor(token_id=token_id, holder=address, beneficiary=named, claims=claims)

    def human() -> None:
        label = session.names.label
        if not claims:
            out.line(f"{label(address)} has no royalties to pay out {_where(token_id)}.")
            return
        out.line(
            f"Paid {_total(tokens, list(claims))} of {label(address)}'s royalties {_where(token_id)} to {label(named)}."
        )
        for symbol, result in sent:
            out.line(Text.assemble(f"  {symbol}: ", tx_line(result)))

    out.result(paid, human)


@royalty_app.command("owed")
@prints(RoyaltiesOwed)
def owed(holder: AccountArg, token: OwedTokenOpt = None, currency: CurrencyOpt = None) -> None:
    """Show the royalties ACCOUNT may collect: as an owner (the royalty vault), or with --token as a holder of
    that right's shares (every currency its share token distributed, or --currency).
    """
    out = output()
    session, token_id, tokens = _holder_session(out, token, sends=False)
    ledger = session.ledger
    address = ledger.address_of(holder)
    source = str(ledger.contracts.royalties.address) if token_id is None else ledger.shares.token(token_id)
    rows = [
        _amount(tokens, currency_address, ledger.royalties.owed(address, currency_address, token_id=token_id).amount)
        for currency_address in _currencies(ledger, currency, token_id)
    ]
    owed_now = RoyaltiesOwed(
        account=address, as_="owner" if token_id is None else "holder", token_id=token_id, source=source, owed=rows
    )

    def human() -> None:
        amounts = _total(tokens, rows) or "nothing"
        out.line(f"{session.names.label(address)} may collect {amounts} in royalties {_where(token_id)}.")

    out.result(owed_now, human)
