"""``ipledger shares buyout …``: bid for a fractionalized right, tender shares, settle, cancel, claim, redeem for cash.

The buyout lives in the share vault (docs/buyout.md); ``ledger.shares.buyout_*`` does the work, these commands read
amounts in whole tokens (or base units with --raw), prices in whole payment tokens per whole share, and print each
act's :class:`~ipledger.BuyoutAct` (or the :class:`~ipledger.Buyout` state) with --json.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ipledger import Buyout, BuyoutAct, BuyoutState, NotFoundError

from ._chain_options import CommandTyper
from ._context import Session, open_ledger
from ._errors import CliError
from ._inputs import amount_units, parse_duration
from ._options import AMOUNTS_HELP, RawOpt, TokenArg
from ._output import Output, output, prints
from ._render import details_lines, short, units

__all__ = ["buyout_app"]

buyout_app = CommandTyper(
    name="buyout",
    help="Buy a fractionalized right out: a bidder deposits a price for every share, holders tender, and the right "
    "goes to the bidder if enough do; untendered shares are then redeemable for cash.",
    no_args_is_help=True,
)

PriceArg = Annotated[
    str,
    typer.Argument(
        metavar="PRICE",
        help="Price of one whole share in the payment token (e.g. 0.5 for 0.5 tUSD a share); with --raw, payment "
        "base units per whole share.",
    ),
]
WindowOpt = Annotated[
    str, typer.Option("--window", metavar="DURATION", help="How long holders may tender: 1d to 90d (e.g. 7d, 2w).")
]
AmountArg = Annotated[str, typer.Argument(metavar="AMOUNT", help="Number of shares (whole shares; see --raw).")]
OptionalAmountArg = Annotated[
    str | None,
    typer.Argument(metavar="AMOUNT", help="Number of shares (whole shares; see --raw; default: all you hold)."),
]
BuyoutOpt = Annotated[
    int | None,
    typer.Option("--buyout", min=1, metavar="ID", help="Act on buyout ID (default: the right's latest buyout)."),
]
HolderOpt = Annotated[
    str | None,
    typer.Option("--holder", metavar="ACCOUNT", help="Also show how many shares ACCOUNT tendered."),
]


def _share_decimals(session: Session, token_id: int, buyout_id: int | None) -> tuple[int, str]:
    """Decimals and symbol of the shares the buyout is about (the right's current shares, or the buyout's)."""
    ledger = session.ledger
    if buyout_id is None:
        try:
            info = ledger.shares.info(token_id)
            return info.decimals, info.symbol
        except NotFoundError:  # bought out: the right has no shares now; the buyout's are read below
            pass
    state = ledger.shares.buyout(token_id, buyout_id)
    contract = ledger.chain.share_contract(state.share_token)
    return int(contract.functions.decimals().call()), str(contract.functions.symbol().call())


def _payment_token(session: Session, token_id: int, buyout_id: int) -> tuple[int, str]:
    """Decimals and symbol of the token buyout ``buyout_id`` is paid in."""
    ledger = session.ledger
    payment = ledger.payments.token_info(ledger.shares.buyout(token_id, buyout_id).payment_token)
    return payment.decimals, payment.symbol


def _done(out: Output, session: Session, act: BuyoutAct, sentence: str) -> None:
    out.act(act, sentence, act)
    if act.approval is not None and not out.json_mode:
        out.note(f"(approved the vault first: {act.approval.tx_hash})")


@buyout_app.command("start", epilog=AMOUNTS_HELP)
@prints(BuyoutAct)
def start(token: TokenArg, price: PriceArg, window: WindowOpt = "7d", raw: RawOpt = False) -> None:
    """Bid for a fractionalized right: deposit PRICE per share times the supply and open a tender window.

    PRICE is per whole share, in the payment token (--payment-token, default tUSD): 0.5 buys 1,000 shares for a
    deposit of 500 tUSD, pulled from --from after approving the vault for it (rounded down to a base unit; so is
    every payment out, so at most one base unit per payment stays in the vault). On a restricted share token --from
    must be allowed to hold the shares. One buyout at a time per right; the bidder may cancel it while no share is
    tendered.
    """
    out = output()
    session = open_ledger(out)
    ledger = session.ledger
    token_id = ledger.rights.resolve(token)
    session.signer()
    info = ledger.shares.info(token_id)
    payment = ledger.payments.token_info(session.options.payment_token)
    per_share = amount_units(price, payment.decimals, raw=raw, what=f"{payment.symbol} price")
    supply = units(info.total_supply, info.decimals, info.symbol)
    each = units(per_share, payment.decimals, payment.symbol)
    if per_share == 0:
        raise CliError(f"price {price!r}: a price per share must be positive (e.g. 0.5 for 0.5 {payment.symbol})")
    if info.total_supply * per_share < 10**info.decimals:
        raise CliError(
            f"price {price!r}: at {each} a share, {supply} cost less than one {payment.symbol} base unit, so the "
            "deposit would be 0; offer a higher price"
        )
    with out.progress("Depositing and opening the buyout…"):
        act = ledger.shares.buyout_start(
            token_id, per_share, payment_token=payment.address, duration=parse_duration(window)
        )
    deposit = units(act.payment, payment.decimals, payment.symbol)
    sentence = (
        f"Opened buyout {act.buyout_id} of token {short(act.token_id_hex)} at {each} a share: deposited {deposit} "
        f"for {supply}; holders tender with `ipledger shares buyout tender {act.token_id_hex} AMOUNT`."
    )
    _done(out, session, act, sentence)


@buyout_app.command("tender", epilog=AMOUNTS_HELP)
@prints(BuyoutAct)
def tender(token: TokenArg, amount: AmountArg, buyout: BuyoutOpt = None, raw: RawOpt = False) -> None:
    """Tender AMOUNT of your shares to the right's open buyout; they wait in the vault's escrow.

    You may take them back with `withdraw` until the window closes. Frozen shares cannot be tendered.
    """
    out = output()
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    session.signer()
    decimals, symbol = _share_decimals(session, token_id, buyout)
    quantity = amount_units(amount, decimals, raw=raw)
    with out.progress("Tendering…"):
        act = session.ledger.shares.buyout_tender(token_id, quantity, buyout_id=buyout)
    _done(out, session, act, f"Tendered {units(quantity, decimals, symbol)} to buyout {act.buyout_id}.")


@buyout_app.command("withdraw")
@prints(BuyoutAct)
def withdraw(token: TokenArg, buyout: BuyoutOpt = None) -> None:
    """Take back every share you tendered to the right's buyout, while its window is open."""
    out = output()
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    session.signer()
    decimals, symbol = _share_decimals(session, token_id, buyout)
    with out.progress("Withdrawing…"):
        act = session.ledger.shares.buyout_withdraw(token_id, buyout_id=buyout)
    _done(out, session, act, f"Took back {units(act.shares, decimals, symbol)} from buyout {act.buyout_id}.")


@buyout_app.command("settle")
@prints(BuyoutAct)
def settle(token: TokenArg, buyout: BuyoutOpt = None) -> None:
    """Settle the right's buyout once its window closed (anyone may): the right to the bidder, or a failure.

    On success every share is worth the price: tenderers `claim`, other holders `redeem`. On a failure (too few
    shares tendered, the right frozen, disputed or gone, the bidder no longer eligible) the bidder and the
    tenderers `claim` their deposit and shares back.
    """
    out = output()
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    session.signer()
    with out.progress("Settling…"):
        act = session.ledger.shares.buyout_settle(token_id, buyout_id=buyout)
    if act.succeeded:
        sentence = f"Buyout {act.buyout_id} succeeded: the bidder holds token {short(act.token_id_hex)} now."
    else:
        sentence = f"Buyout {act.buyout_id} failed ({act.failure_reason}): deposit and shares are claimable back."
    _done(out, session, act, sentence)


@buyout_app.command("cancel")
@prints(BuyoutAct)
def cancel(token: TokenArg, buyout: BuyoutOpt = None) -> None:
    """Cancel your open buyout and take the deposit back (only while no share is tendered)."""
    out = output()
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    session.signer()
    with out.progress("Cancelling…"):
        act = session.ledger.shares.buyout_cancel(token_id, buyout_id=buyout)
    decimals, symbol = _payment_token(session, token_id, act.buyout_id)
    deposit = units(act.payment, decimals, symbol)
    _done(out, session, act, f"Cancelled buyout {act.buyout_id}; the deposit ({deposit}) is back.")


@buyout_app.command("claim")
@prints(BuyoutAct)
def claim(token: TokenArg, buyout: BuyoutOpt = None) -> None:
    """Take what a settled buyout owes you: the price of your tendered shares, or your shares and deposit back."""
    out = output()
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    session.signer()
    decimals, symbol = _share_decimals(session, token_id, buyout)
    with out.progress("Claiming…"):
        act = session.ledger.shares.buyout_claim(token_id, buyout_id=buyout)
    paid_decimals, paid_symbol = _payment_token(session, token_id, act.buyout_id)
    shares, paid = units(act.shares, decimals, symbol), units(act.payment, paid_decimals, paid_symbol)
    _done(out, session, act, f"Claimed from buyout {act.buyout_id}: {shares} and {paid}.")


@buyout_app.command("redeem", epilog=AMOUNTS_HELP)
@prints(BuyoutAct)
def redeem(token: TokenArg, amount: OptionalAmountArg = None, buyout: BuyoutOpt = None, raw: RawOpt = False) -> None:
    """After a successful buyout, burn AMOUNT of your untendered shares (default: all) for their part of the price."""
    out = output()
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    session.signer()
    decimals, symbol = _share_decimals(session, token_id, buyout)
    quantity = None if amount is None else amount_units(amount, decimals, raw=raw)
    with out.progress("Redeeming for cash…"):
        act = session.ledger.shares.buyout_redeem(token_id, quantity, buyout_id=buyout)
    paid_decimals, paid_symbol = _payment_token(session, token_id, act.buyout_id)
    paid = units(act.payment, paid_decimals, paid_symbol)
    _done(out, session, act, f"Burnt {units(act.shares, decimals, symbol)} for {paid} (buyout {act.buyout_id}).")


@buyout_app.command("show")
@prints(Buyout)
def show(token: TokenArg, buyout: BuyoutOpt = None, holder: HolderOpt = None) -> None:
    """Show the right's latest buyout (or --buyout ID): bidder, price, deposit, tendered and needed, window, state."""
    out = output()
    session = open_ledger(out)
    ledger = session.ledger
    token_id = ledger.rights.resolve(token)
    state = ledger.shares.buyout(token_id, buyout, account=holder)

    def human() -> None:
        names = session.names
        decimals, symbol = _share_decimals(session, token_id, state.buyout_id)
        paid_decimals, paid_symbol = _payment_token(session, token_id, state.buyout_id)

        def shares(amount: int) -> str:
            return units(amount, decimals, symbol)

        verdict = state.state.value if state.state is not BuyoutState.FAILED else f"failed ({state.failure_reason})"
        out.line(f"Buyout {state.buyout_id} of token {short(state.token_id_hex)}: {verdict}.")
        rows = [
            ("Bidder", names.label(state.bidder)),
            ("Price per share", f"{units(state.price_per_share, paid_decimals, paid_symbol)} ({state.payment_token})"),
            ("Deposit", units(state.deposit, paid_decimals, paid_symbol)),
            (
                "Tendered",
                f"{shares(state.tendered)} of {shares(state.supply)} (needs {shares(state.needed)}, "
                f"{state.threshold_bps} bps)",
            ),
            ("Window", f"until {state.ends_at:%Y-%m-%d %H:%M} UTC ({'closed' if state.window_closed else 'open'})"),
        ]
        if state.account is not None:
            rows.append((f"Tendered by {names.label(state.account)}", shares(state.tendered_by_account or 0)))
        out.line(details_lines(rows))

    out.result(state, human)
