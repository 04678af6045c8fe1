"""``ipledger royalty …``: licensees pay royalties through the royalty vault; they accrue to the right's owner, or
to its share holders pro rata when it is fractionalized; owners withdraw and holders claim."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

import typer
from rich.text import Text

from ipledger.models._models import TokenInfo, TransactionResult

from .._exceptions import NotFoundError
from .._ledger import Ledger
from ._context import Target, open_ledger
from ._inputs import amount_units, evidence
from ._options import (
    AMOUNTS_HELP,
    AccountArg,
    ChainIdOpt,
    FromOpt,
    JsonOpt,
    Network,
    NetworkOpt,
    PaymentTokenOpt,
    RawOpt,
    RegistryOpt,
    RpcUrlOpt,
    VaultOpt,
)
from ._output import Output, token_json
from ._render import short, tx_line, units

__all__ = ["royalty_app"]

royalty_app = typer.Typer(
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


class _Currencies:
    """ERC-20 details (decimals, symbol) looked up once per address."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._known: dict[str, TokenInfo] = {}

    def info(self, address: str) -> TokenInfo:
        if address not in self._known:
            self._known[address] = self._ledger.payments.token_info(address)
        return self._known[address]

    def text(self, address: str, amount: int) -> str:
        info = self.info(address)
        return units(amount, info.decimals, info.symbol)

    def row(self, address: str, amount: int) -> dict[str, Any]:
        info = self.info(address)
        return {"currency": info.address, "symbol": info.symbol, "decimals": info.decimals, "amount": str(amount)}


def _currencies(ledger: Ledger, currency: str | None, token_id: int | None) -> list[str]:
    """The currencies to look at: the one given, else every one the share token distributed (as a holder), else the
    default payment token (as an owner)."""
    if currency is not None:
        return [ledger.address_of(currency)]
    if token_id is not None:
        return ledger.royalties.currencies(token_id)
    return [str(ledger.contracts.stablecoin.address)]


@royalty_app.command("pay", epilog=AMOUNTS_HELP)
def pay(
    license_id: LicenseIdArg,
    amount: AmountArg,
    report: ReportOpt = None,
    raw: RawOpt = False,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Pay AMOUNT in royalties on a licence, in the licence's payment token (approved first when needed), as
    --from (usually the licensee; anyone may pay).

    The payment is credited to whoever owns the right now (who withdraws it with `royalty claim --as-owner`) or,
    when the right is fractionalized, to its share holders pro rata (each claims with `royalty claim TOKEN`).

    With --json prints {"license_id", "token_id", "token_id_dec", "payer", "currency", "symbol", "decimals",
    "amount", "beneficiary", "credited_to": "owner"|"share_holders", "report_hash", "tx_hash", "block",
    "gas_used", "approval"}.
    """
    out = Output(json_)
    proof = None if report is None else evidence(report, None, file_option="--report")
    session = open_ledger(Target(network, rpc_url, registry, account, chain_id=chain_id, vault=vault), out, sends=True)
    ledger = session.ledger
    licence = ledger.licenses.get(license_id)
    currencies = _Currencies(ledger)
    decimals = currencies.info(licence.payment_token).decimals if licence.payment_token else 0
    quantity = amount_units(amount, decimals, raw=raw, what="royalty")
    with out.progress("Paying the royalty…"):
        payment = ledger.royalties.pay(license_id, quantity, report=proof.digest if proof else None)
    share_token = None
    with contextlib.suppress(NotFoundError):
        share_token = ledger.shares.token(licence.token_id)
    to_holders = share_token is not None and share_token.lower() == payment.beneficiary.lower()
    payload = {
        "license_id": license_id,
        **token_json(licence.token_id),
        "payer": session.signer().address,
        **currencies.row(payment.token, quantity),
        "beneficiary": payment.beneficiary,
        "credited_to": "share_holders" if to_holders else "owner",
        "report_hash": proof.hex if proof else None,
        **payment.model_dump(mode="json", include={"tx_hash", "block", "gas_used"}),
        "approval": payment.approval.model_dump(mode="json") if payment.approval else None,
    }

    def human() -> None:
        names = session.names
        paid = currencies.text(payment.token, quantity)
        credited = (
            f"the holders of its shares pro rata (share token {short(payment.beneficiary)})"
            if to_holders
            else f"its owner {names.label(payment.beneficiary)}"
        )
        on = f" on {proof.describe()}" if proof else ""
        out.line(
            f"{names.label(session.signer().address)} paid {paid} in royalties on licence {license_id} of token "
            f"{short(licence.token_id_hex)}{on}, credited to {credited}."
        )
        if payment.approval is not None:
            out.line(Text.assemble("  approval ", tx_line(payment.approval)))
        out.line(tx_line(payment))

    out.result(payload, human)


@royalty_app.command("claim")
def claim(
    token: ClaimTokenArg = None,
    as_owner: AsOwnerOpt = False,
    currency: CurrencyOpt = None,
    payment_token: PaymentTokenOpt = None,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Collect the royalties owed to --from: as a holder of TOKEN's shares (its pro-rata part of every royalty
    paid while it held them), or --as-owner (what the royalty vault holds for it as the owner of rights).

    One transaction per currency with something owed; nothing owed is not an error (no transaction, exit 0).

    With --json prints {"account", "as": "holder"|"owner", "token_id", "token_id_dec" (null as owner), "claims":
    [{"currency", "symbol", "decimals", "amount", "tx_hash", "block", "gas_used"}]} (amounts in base units).
    """
    out = Output(json_)
    if (token is None) == (not as_owner):
        raise typer.BadParameter("give TOKEN (claim as a share holder) or --as-owner, not both", param_hint="'TOKEN'")
    target = Target(network, rpc_url, registry, account, chain_id=chain_id, vault=vault, payment_token=payment_token)
    session = open_ledger(target, out, sends=True)
    ledger = session.ledger
    token_id = ledger.rights.resolve(token) if token is not None else None
    me = session.signer().address
    currencies = _Currencies(ledger)
    claims: list[dict[str, Any]] = []
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
        claims.append({**currencies.row(address, owed), **result.model_dump(mode="json")})
        sent.append((currencies.info(address).symbol, result))
    payload = {
        "account": me,
        "as": "owner" if token_id is None else "holder",
        **(token_json(token_id) if token_id is not None else {"token_id": None, "token_id_dec": None}),
        "claims": claims,
    }

    def human() -> None:
        who = session.names.label(me)
        where = "as an owner" if token_id is None else f"as a holder of token {short(hex(token_id))}'s shares"
        if not claims:
            out.line(f"{who} has no royalties to claim {where}.")
            return
        amounts = ", ".join(currencies.text(row["currency"], int(row["amount"])) for row in claims)
        out.line(f"{who} claimed {amounts} in royalties {where}.")
        for symbol, result in sent:
            out.line(Text.assemble(f"  {symbol}: ", tx_line(result)))

    out.result(payload, human)


@royalty_app.command("owed")
def owed(
    holder: AccountArg,
    token: OwedTokenOpt = None,
    currency: CurrencyOpt = None,
    payment_token: PaymentTokenOpt = None,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Show the royalties ACCOUNT may collect: as an owner (the royalty vault), or with --token as a holder of
    that right's shares (every currency its share token distributed, or --currency).

    With --json prints {"account", "as": "owner"|"holder", "token_id", "token_id_dec" (null as owner), "source"
    (the royalty vault or the share token), "owed": [{"currency", "symbol", "decimals", "amount"}]} (amounts in
    base units).
    """
    out = Output(json_)
    target = Target(network, rpc_url, registry, account, chain_id=chain_id, vault=vault, payment_token=payment_token)
    session = open_ledger(target, out)
    ledger = session.ledger
    token_id = ledger.rights.resolve(token) if token is not None else None
    address = ledger.address_of(holder)
    currencies = _Currencies(ledger)
    rows: list[dict[str, Any]] = []
    source = str(ledger.contracts.royalties.address) if token_id is None else ledger.shares.token(token_id)
    for currency_address in _currencies(ledger, currency, token_id):
        amount = ledger.royalties.owed(address, currency_address, token_id=token_id).amount
        rows.append(currencies.row(currency_address, amount))
    payload = {
        "account": address,
        "as": "owner" if token_id is None else "holder",
        **(token_json(token_id) if token_id is not None else {"token_id": None, "token_id_dec": None}),
        "source": source,
        "owed": rows,
    }

    def human() -> None:
        who = session.names.label(address)
        where = "as an owner" if token_id is None else f"as a holder of token {short(hex(token_id))}'s shares"
        amounts = ", ".join(currencies.text(row["currency"], int(row["amount"])) for row in rows) or "nothing"
        out.line(f"{who} may collect {amounts} in royalties {where}.")

    out.result(payload, human)
