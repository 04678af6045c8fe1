"""``ipledger market …``: signed orders settled by the settlement desk (delivery versus payment in one transaction)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from ipledger import (
    AssetKind,
    Fill,
    OrderBook,
    OrderCancelled,
    OrderRow,
    OrdersCancelled,
    OrderStatus,
    SignedOrder,
    TransactionResult,
)

from ._chain_options import CommandTyper
from ._context import open_ledger
from ._inputs import amount_units, parse_duration
from ._options import AMOUNTS_HELP, RawOpt, TokenArg
from ._order_book import list_orders, load_order, save_order
from ._output import output, prints
from ._render import WIDE_TABLE, Names, TokenInfos, short, tx_line, units

__all__ = ["market_app"]

market_app = CommandTyper(
    name="market",
    help="Trade shares or whole rights by signed orders: the maker signs off chain, the taker fills on chain, and the "
    "settlement desk swaps asset and payment atomically.",
    no_args_is_help=True,
)


class Side(StrEnum):
    """The maker's side of an order."""

    SELL = "sell"
    BUY = "buy"


SideArg = Annotated[Side, typer.Argument(metavar="SIDE", help="sell or buy (the maker's side).", case_sensitive=False)]
OrderAmountArg = Annotated[
    str | None,
    typer.Argument(metavar="AMOUNT", help="Number of shares (whole shares; see --raw). Not with --whole-right."),
]
PriceOpt = Annotated[
    str,
    typer.Option(
        "--price", metavar="PRICE", help="Total price of AMOUNT in the payment token (e.g. 5000 for 5,000 tUSD)."
    ),
]
ExpiresInOpt = Annotated[
    str, typer.Option("--expires-in", metavar="DURATION", help="How long the order is valid: 30m, 12h, 1d, 2w.")
]
TakerOpt = Annotated[
    str | None, typer.Option("--taker", metavar="ACCOUNT", help="Reserve the order to this account (default: anyone).")
]
WholeRightOpt = Annotated[
    bool, typer.Option("--whole-right", help="Trade the right itself (the ERC-721 token), not shares of it.")
]
OrderArg = Annotated[
    str, typer.Argument(metavar="ORDER", help="An order's JSON file, or the hash of an order in the local order book.")
]
OptionalOrderArg = Annotated[
    str | None,
    typer.Argument(metavar="ORDER", help="An order's JSON file, or the hash of an order in the local order book."),
]
FillAmountOpt = Annotated[
    str | None,
    typer.Option("--amount", metavar="AMOUNT", help="Fill only this many shares (default: all that remain)."),
]
AllOpt = Annotated[bool, typer.Option("--all", help="Cancel every order of --from made so far (one transaction).")]


def _describe_order(signed: SignedOrder, tokens: TokenInfos, names: Names) -> str:
    order = signed.order
    payment = tokens.info(order.payment_token)
    price = units(order.price, payment.decimals, payment.symbol)
    if order.asset_kind is AssetKind.ERC721:
        what = f"the right {short(hex(signed.token_id))}"
    else:
        shares = tokens.info(order.asset)
        what = units(order.amount, shares.decimals, shares.symbol)
    taker = f", reserved to {names.label(order.taker)}" if int(order.taker, 16) else ""
    return f"{names.label(order.maker)} {order.side}s {what} for {price}{taker}"


def _order_row(signed: SignedOrder, status: OrderStatus) -> OrderRow:
    order = signed.order
    return OrderRow(
        order_hash=signed.order_hash,
        token_id=signed.token_id,
        side=order.side,
        maker=order.maker,
        taker=order.taker,
        asset_kind=order.asset_kind,
        asset=order.asset,
        amount=order.amount,
        payment_token=order.payment_token,
        price=order.price,
        expiry=order.expiry,
        nonce=order.nonce,
        state=status.state,
        filled=status.filled,
        remaining=status.remaining,
    )


@market_app.command("order", epilog=AMOUNTS_HELP)
@prints(SignedOrder)
def order(
    side: SideArg,
    token: TokenArg,
    price: PriceOpt,
    amount: OrderAmountArg = None,
    expires_in: ExpiresInOpt = "1d",
    taker: TakerOpt = None,
    whole_right: WholeRightOpt = False,
    raw: RawOpt = False,
) -> None:
    """Sign an order (off chain) to sell or buy AMOUNT shares of a right, or the whole right, for --price.

    The maker (--from) signs; the desk is approved for what the maker delivers (the shares, the right, or the
    payment) on top of any allowance other open orders rely on. The order is saved in $IPLEDGER_HOME/orders and
    printed: send that JSON to the counterparty, who runs `ipledger market fill ORDER.json`. Partial fills pay pro
    rata. With --json it prints only the signed order (uint256 values as decimal strings).
    """
    out = output()
    if whole_right and amount is not None:
        raise typer.BadParameter("--whole-right trades the right itself: leave AMOUNT out", param_hint="AMOUNT")
    if not whole_right and amount is None:
        raise typer.BadParameter("AMOUNT (number of shares) is needed, or --whole-right", param_hint="AMOUNT")
    lifetime = parse_duration(expires_in)
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    session.signer()
    tokens = TokenInfos(ledger)
    payment = ledger.payments.token_info(session.options.payment_token)
    total = amount_units(price, payment.decimals, raw=raw, what="price")
    quantity = None
    if amount is not None:
        quantity = amount_units(amount, tokens.info(ledger.shares.token(token_id)).decimals, raw=raw)
    with out.progress("Signing the order…"):
        signed = ledger.market.create_order(
            side.value,
            token_id,
            quantity,
            price=total,
            payment_token=payment.address,
            expires_in=lifetime,
            taker=taker,
            whole_right=whole_right,
            approve=False,
        )
        approval = ledger.market.approve_order(signed)
    path = save_order(signed)
    hint = session.options.command_options(shares=True)

    def human() -> None:
        expiry = dt.datetime.fromtimestamp(signed.order.expiry, dt.UTC)
        out.line(f"Signed: {_describe_order(signed, tokens, session.names)}, until {expiry:%Y-%m-%d %H:%M} UTC.")
        out.line(f"Order {signed.order_hash}, saved to {path}")
        if approval is not None:
            out.line(Text.assemble("  desk approved: ", tx_line(approval)))
        out.line(Text(signed.model_dump_json(indent=2), style="dim"))
        out.note(f"Send that JSON to the counterparty: ipledger market fill ORDER.json{hint}")

    out.result(signed, human)
    if out.json_mode and approval is not None:
        out.note(f"approved the desk in tx {approval.tx_hash}; order saved to {path}")


@market_app.command("fill", epilog=AMOUNTS_HELP)
@prints(Fill)
def fill(reference: OrderArg, amount: FillAmountOpt = None, raw: RawOpt = False) -> None:
    """Fill an order as the taker (--from): the desk swaps the asset and the payment in one transaction.

    Approves the desk first for exactly what you deliver when the allowance is short. Orders that cannot fill
    (expired, cancelled, already filled, reserved for another taker, badly signed) are refused before anything is
    sent, with the desk's error name.
    """
    out = output()
    signed = load_order(reference)
    session = open_ledger(out, sends=True)
    ledger = session.ledger
    tokens = TokenInfos(ledger)
    quantity = None
    if amount is not None:
        decimals = 0 if signed.order.asset_kind is AssetKind.ERC721 else tokens.info(signed.order.asset).decimals
        quantity = amount_units(amount, decimals, raw=raw)
    with out.progress("Settling…"):
        result = ledger.market.fill_order(signed, quantity)
    save_order(signed)
    fill_record = Fill(**dict(result), token_id=signed.token_id)

    def human() -> None:
        order_ = signed.order
        payment = tokens.info(order_.payment_token)
        if order_.asset_kind is AssetKind.ERC721:
            what = f"the right {short(hex(signed.token_id))}"
        else:
            shares = tokens.info(order_.asset)
            what = units(result.amount, shares.decimals, shares.symbol)
        buyer, seller = (result.taker, order_.maker) if order_.maker_sells else (order_.maker, result.taker)
        names = session.names
        out.line(
            f"Settled: {names.label(seller)} delivered {what} to {names.label(buyer)} for "
            f"{units(result.payment, payment.decimals, payment.symbol)}, in one transaction."
        )
        if result.approval is not None:
            out.line(Text.assemble("  approval ", tx_line(result.approval)))
        out.line(tx_line(TransactionResult(tx_hash=result.tx_hash, block=result.block, gas_used=result.gas_used)))

    out.result(fill_record, human)


@market_app.command("cancel")
@prints(OrderCancelled | OrdersCancelled)
def cancel(reference: OptionalOrderArg = None, all_: AllOpt = False) -> None:
    """Cancel an order of yours (--from must be its maker), or with --all every order you made so far."""
    out = output()
    if (reference is None) == (not all_):
        raise typer.BadParameter("give ORDER or --all (not both)", param_hint="ORDER / '--all'")
    session = open_ledger(out, sends=True)
    ledger = session.ledger
    cancelled: OrderCancelled | OrdersCancelled
    if reference is not None:
        signed = load_order(reference)
        with out.progress("Cancelling…"):
            result = ledger.market.cancel_order(signed)
        cancelled = OrderCancelled(action="cancelled", order_hash=signed.order_hash, **dict(result))
        sentence = f"Cancelled order {signed.order_hash}; it can no longer be filled."
    else:
        nonce = ledger.market.fresh_nonce()
        with out.progress("Cancelling every order…"):
            result = ledger.market.cancel_orders_below(nonce)
        cancelled = OrdersCancelled(action="cancelled_below", nonce=nonce, **dict(result))
        sentence = f"Cancelled every order of {session.names.label(ledger.signer.address)} with a nonce below {nonce}."
    out.act(cancelled, sentence, result)


def _orders_table(
    rows: list[tuple[SignedOrder, OrderStatus]], tokens: TokenInfos, names: Names, *, width: int = 80
) -> Table:
    """The orders, oldest first; the right's id only when ``width`` leaves room for it (it is in --json)."""
    wide = width >= WIDE_TABLE
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Order", no_wrap=True)
    if wide:
        table.add_column("Right", no_wrap=True)
    table.add_column("Maker", no_wrap=True)
    table.add_column("Side", no_wrap=True)
    table.add_column("Amount", justify="right", no_wrap=True)
    table.add_column("Price", justify="right", no_wrap=True)
    table.add_column("Filled", justify="right", no_wrap=True)
    table.add_column("State", no_wrap=True)
    styles = {"open": "green", "partially_filled": "green", "filled": "dim", "cancelled": "yellow", "expired": "yellow"}
    for signed, status in rows:
        order_ = signed.order
        payment = tokens.info(order_.payment_token)
        if order_.asset_kind is AssetKind.ERC721:
            amount, filled = "whole right", "yes" if status.filled else "no"
        else:
            shares = tokens.info(order_.asset)
            amount = units(order_.amount, shares.decimals, shares.symbol)
            filled = units(status.filled, shares.decimals)
        table.add_row(
            short(signed.order_hash),
            *([short(hex(signed.token_id))] if wide else []),
            names.brief(order_.maker),
            order_.side,
            amount,
            units(order_.price, payment.decimals, payment.symbol),
            filled,
            Text(status.state.replace("_", " "), style=styles[status.state]),
        )
    return table


@market_app.command("orders")
@prints(OrderBook)
def orders() -> None:
    """List the orders in the local order book ($IPLEDGER_HOME/orders) for this desk, with their on-chain state."""
    out = output()
    session = open_ledger(out)
    ledger = session.ledger
    desk_address = str(ledger.contracts.desk.address)
    rows = [(signed, ledger.market.order_status(signed)) for signed in list_orders(ledger.chain_id, desk_address)]
    book = OrderBook(
        desk=desk_address, chain_id=ledger.chain_id, orders=[_order_row(signed, status) for signed, status in rows]
    )

    def human() -> None:
        if not rows:
            out.line("No orders in the local order book for this desk; make one with `ipledger market order`.")
            return
        out.line(f"{len(rows)} order(s) in the local order book, oldest first:")
        out.print(_orders_table(rows, TokenInfos(ledger), session.names, width=out.out.width))

    out.result(book, human)
