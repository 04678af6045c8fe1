"""``ipledger compliance …``: who may hold restricted shares, and what a compliance officer may do to shares."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

import typer
from rich.text import Text

from ipledger import (
    CountryBlock,
    Identity,
    IdentityRevoked,
    InvalidInputError,
    InvestorCategoriesSet,
    InvestorVerified,
    Ledger,
    OfficerChanged,
    PoolList,
    RestrictedModeSet,
    SharesForceTransferred,
    SharesFrozen,
    SharesUnfrozen,
    TokenRules,
    TransactionResult,
    TransferCheck,
    TransferRules,
    VenueRegistered,
    WalletRecovered,
    category_bits,
    category_names,
    parse_country,
)

from ._chain_options import CommandTyper
from ._context import open_ledger, open_on_evidence
from ._errors import describe
from ._inputs import amount_units, utc
from ._options import AMOUNTS_HELP, DATE_FORMATS, AccountArg, EvidenceOpt, RawOpt, ShareReasonOpt, TokenArg
from ._output import output, prints
from ._render import identity_line, short, tx_line, units

__all__ = ["compliance_app"]

compliance_app = CommandTyper(
    name="compliance",
    help="Verify investors and their categories, register venue wallets, block countries, appoint officers, set a "
    "token's rules; freeze, force-transfer and recover shares (compliance officers; dev0 on the local chain).",
    no_args_is_help=True,
)

CountryOpt = Annotated[
    str, typer.Option("--country", metavar="CC", help="The investor's ISO 3166-1 alpha-2 country (US, DE, JP...).")
]
CountryArg = Annotated[str, typer.Argument(metavar="CC", help="ISO 3166-1 alpha-2 country code (US, DE, JP...).")]
ValidDaysOpt = Annotated[
    int | None,
    typer.Option("--valid-days", min=1, metavar="N", help="The verification lapses after N days (default 365)."),
]
ExpiresOpt = Annotated[
    dt.datetime | None,
    typer.Option(
        "--expires",
        metavar="DATE",
        formats=DATE_FORMATS,
        help="Instead of --valid-days: the verification lapses at DATE (YYYY-MM-DD, UTC).",
    ),
]
VenueOpt = Annotated[str, typer.Option("--venue", metavar="NAME", help="The venue's name (its SHA-256 is recorded).")]
UnblockOpt = Annotated[bool, typer.Option("--unblock", help="Lift the block instead.")]
HolderArg = Annotated[str, typer.Argument(metavar="HOLDER", help="The holder: an address or an account name.")]
FreezeAmountOpt = Annotated[
    str | None,
    typer.Option(
        "--amount",
        metavar="AMOUNT",
        help="Freeze only this many shares (they must stay put; the rest may move). Default: all, now and later.",
    ),
]
FromArg = Annotated[str, typer.Argument(metavar="FROM", help="Whose shares move.")]
ToArg = Annotated[str, typer.Argument(metavar="TO", help="Who receives them (eligible in restricted mode).")]
AmountArg = Annotated[str, typer.Argument(metavar="AMOUNT", help="Number of shares (whole shares; see --raw).")]
LostArg = Annotated[str, typer.Argument(metavar="LOST", help="The lost wallet.")]
NewArg = Annotated[str, typer.Argument(metavar="NEW", help="The owner's new wallet (eligible in restricted mode).")]
AllowPairOpt = Annotated[
    bool,
    typer.Option(
        "--allow-pair",
        help="Freeze HOLDER even if it is a Uniswap V2-style pool (the pool then takes shares in and can no longer "
        "pay them out).",
    ),
]
_CATEGORY_FORM = "names separated by commas (" + ", ".join(["hk-professional", "accredited", "qualified", "retail"])
_CATEGORY_FORM += "), bit numbers such as 16, or none"
SetCategoriesOpt = Annotated[
    str,
    typer.Option("--set", metavar="CATEGORIES", help=f"The investor's categories: {_CATEGORY_FORM}."),
]
CategoriesExpiresOpt = Annotated[
    dt.datetime | None,
    typer.Option(
        "--expires",
        metavar="DATE",
        formats=DATE_FORMATS,
        help="When the categories lapse (YYYY-MM-DD, UTC); needed unless --set none.",
    ),
]


class OfficerAction(StrEnum):
    """What ``compliance officer`` does."""

    APPOINT = "appoint"
    REMOVE = "remove"


OfficerActionArg = Annotated[OfficerAction, typer.Argument(metavar="appoint|remove", help="Appoint or remove.")]
OfficerArg = Annotated[str, typer.Argument(metavar="OFFICER", help="The officer: an address or an account name.")]
IssuerOpt = Annotated[
    str | None,
    typer.Option("--issuer", metavar="ADDR", help="An officer of every share token this issuer fractionalized."),
]
TokenScopeOpt = Annotated[
    str | None, typer.Option("--token", metavar="TOKEN", help="An officer of this right's share token only.")
]
RuleCategoriesOpt = Annotated[
    str | None,
    typer.Option("--categories", metavar="CATEGORIES", help=f"Investor categories admitted: {_CATEGORY_FORM}."),
]
LockupOpt = Annotated[
    dt.datetime | None,
    typer.Option(
        "--lockup-until",
        metavar="DATE",
        formats=DATE_FORMATS,
        help="No transfer between holders before DATE (YYYY-MM-DD, UTC; 1970-01-01 lifts the lock-up).",
    ),
]
MaxHoldersOpt = Annotated[
    int | None, typer.Option("--max-holders", metavar="N", min=0, help="At most N holders (0: no cap).")
]
MaxBalanceOpt = Annotated[
    str | None,
    typer.Option("--max-balance", metavar="AMOUNT", help="At most AMOUNT shares per investor (0: no cap; see --raw)."),
]
AllowCountriesOpt = Annotated[
    str | None,
    typer.Option("--allow-countries", metavar="CC,CC", help="Only investors of these countries may receive."),
]
BlockCountriesOpt = Annotated[
    str | None,
    typer.Option("--block-countries", metavar="CC,CC", help="Investors of these countries may not receive."),
]
NoCountryRuleOpt = Annotated[bool, typer.Option("--no-country-rule", help="Remove the token's country rule.")]


@compliance_app.command("verify-investor")
@prints(InvestorVerified)
def verify_investor(
    member: AccountArg,
    country: CountryOpt,
    valid_days: ValidDaysOpt = None,
    expires: ExpiresOpt = None,
    evidence_file: EvidenceOpt = None,
    reason: ShareReasonOpt = None,
) -> None:
    """Record ACCOUNT as a verified investor in --country, until --expires or for --valid-days (default 365).

    The KYC evidence is recorded by its SHA-256 only: --evidence FILE, or --reason TEXT (a case reference).
    Verified investors may send and receive restricted shares until the verification lapses or the country
    is blocked.
    """
    code = parse_country(country)
    if valid_days is not None and expires is not None:
        raise typer.BadParameter("give --valid-days or --expires, not both", param_hint="'--valid-days' / '--expires'")
    out, proof, session = open_on_evidence(evidence_file, reason)
    ledger = session.ledger
    address = ledger.address_of(member)
    expires_at = expires.replace(tzinfo=dt.UTC) if expires is not None else None
    period = dt.timedelta(days=valid_days) if valid_days is not None else None
    with out.progress("Verifying the investor…"):
        result = ledger.compliance.verify_investor(
            address, code, evidence=proof.digest, expires_at=expires_at, valid_for=period
        )
    identity = ledger.compliance.identity(address)
    verified = InvestorVerified(
        action="investor_verified",
        account=address,
        country=code,
        expires_at=identity.expires_at,
        evidence_hash=proof.hex,
        **dict(result),
    )
    until = f"{identity.expires_at:%Y-%m-%d %H:%M} UTC" if identity.expires_at else "?"
    sentence = f"Verified {session.names.label(address)} as an investor in {code} until {until}, on {proof.describe()}."
    out.act(verified, sentence, result)


@compliance_app.command("add-venue")
@prints(VenueRegistered)
def add_venue(wallet: AccountArg, venue: VenueOpt) -> None:
    """Record WALLET as a venue wallet (an exchange's omnibus or hot wallet) of the venue --venue.

    Venue wallets hold restricted shares for the investors the venue screens itself; they have no country and no
    expiry. Shares deposited there trade on the venue's own books until withdrawn to an investor's wallet.
    """
    if not venue.strip():
        raise typer.BadParameter("the venue name must not be empty", param_hint="'--venue'")
    out, proof, session = open_on_evidence(None, venue)
    address = session.ledger.address_of(wallet)
    with out.progress("Registering the venue wallet…"):
        result = session.ledger.compliance.register_venue(address, venue)
    registered = VenueRegistered(
        action="venue_registered", account=address, venue=venue, venue_hash=proof.hex, **dict(result)
    )
    out.act(registered, f"Registered {session.names.label(address)} as a venue wallet of {venue}.", result)


@compliance_app.command("revoke")
@prints(IdentityRevoked)
def revoke(member: AccountArg, evidence_file: EvidenceOpt = None, reason: ShareReasonOpt = None) -> None:
    """Remove ACCOUNT's identity (investor or venue): it can no longer send or receive restricted shares."""
    out, proof, session = open_on_evidence(evidence_file, reason)
    address = session.ledger.address_of(member)
    with out.progress("Revoking…"):
        result = session.ledger.compliance.revoke_identity(address, reason=proof.digest)
    revoked = IdentityRevoked(action="identity_revoked", account=address, reason_hash=proof.hex, **dict(result))
    out.act(revoked, f"Revoked the identity of {session.names.label(address)} under {proof.describe()}.", result)


@compliance_app.command("block-country")
@prints(CountryBlock)
def block_country(country: CountryArg, unblock: UnblockOpt = False) -> None:
    """Block the investors of country CC from sending or receiving restricted shares (--unblock lifts it)."""
    out = output()
    code = parse_country(country)
    session = open_ledger(out, sends=True)
    with out.progress("Unblocking…" if unblock else "Blocking…"):
        result = session.ledger.compliance.block_country(code, blocked=not unblock)
    block = CountryBlock(
        action="country_unblocked" if unblock else "country_blocked", country=code, blocked=not unblock, **dict(result)
    )
    out.act(block, f"{'Unblocked' if unblock else 'Blocked'} the investors of {code}.", result)


@compliance_app.command("status")
@prints(Identity)
def status(member: AccountArg) -> None:
    """Show ACCOUNT's compliance identity and whether it may hold restricted shares now (exits 0 either way)."""
    out = output()
    session = open_ledger(out)
    identity = session.ledger.compliance.identity(member)
    out.result(identity, lambda: out.line(identity_line(identity, session.names)))


def _share_action(ledger: Ledger, token: str) -> tuple[int, int, str]:
    """The token id, and the decimals and symbol of its shares."""
    token_id = ledger.rights.resolve(token)
    info = ledger.shares.info(token_id)
    return token_id, info.decimals, info.symbol


@compliance_app.command("freeze", epilog=AMOUNTS_HELP)
@prints(SharesFrozen)
def freeze(
    token: TokenArg,
    holder: HolderArg,
    amount: FreezeAmountOpt = None,
    raw: RawOpt = False,
    evidence_file: EvidenceOpt = None,
    reason: ShareReasonOpt = None,
    allow_pair: AllowPairOpt = False,
) -> None:
    """Freeze HOLDER's shares of a right: all of them (default), or --amount that must stay put.

    A Uniswap V2-style pool is refused unless --allow-pair: frozen, it would keep taking shares in and could no
    longer pay them out; force-transfer the exact amount out of it instead.
    """
    out, proof, session = open_on_evidence(evidence_file, reason)
    ledger = session.ledger
    token_id, decimals, symbol = _share_action(ledger, token)
    address = ledger.address_of(holder)
    quantity = None if amount is None else amount_units(amount, decimals, raw=raw, what="--amount")
    with out.progress("Freezing shares…"):
        result = ledger.compliance.freeze(token_id, address, quantity, reason=proof.digest, allow_pair=allow_pair)
    frozen = SharesFrozen(
        token_id=token_id,
        action="shares_frozen",
        holder=address,
        frozen="all" if quantity is None else str(quantity),
        reason_hash=proof.hex,
        **dict(result),
    )
    what = "all shares" if quantity is None else units(quantity, decimals, symbol)
    sentence = (
        f"Froze {what} of {session.names.label(address)} in token {short(hex(token_id))} under {proof.describe()}."
    )
    if quantity is not None:
        held = ledger.shares.balance(token_id, address)
        holds = units(held, decimals, symbol)
        sentence += f" That is now the frozen total (it replaces any earlier freeze); the holder has {holds}"
        sentence += "." if quantity <= held else ", so the rest binds shares it receives later."
    out.act(frozen, sentence, result)


@compliance_app.command("unfreeze")
@prints(SharesUnfrozen)
def unfreeze(
    token: TokenArg, holder: HolderArg, evidence_file: EvidenceOpt = None, reason: ShareReasonOpt = None
) -> None:
    """Lift the freeze on HOLDER's shares of a right."""
    out, proof, session = open_on_evidence(evidence_file, reason)
    ledger = session.ledger
    token_id = ledger.rights.resolve(token)
    address = ledger.address_of(holder)
    with out.progress("Unfreezing shares…"):
        result = ledger.compliance.unfreeze(token_id, address, reason=proof.digest)
    unfrozen = SharesUnfrozen(
        token_id=token_id, action="shares_unfrozen", holder=address, reason_hash=proof.hex, **dict(result)
    )
    sentence = f"Unfroze the shares of {session.names.label(address)} in token {short(hex(token_id))}."
    out.act(unfrozen, sentence, result)


@compliance_app.command("force-transfer", epilog=AMOUNTS_HELP)
@prints(SharesForceTransferred)
def force_transfer(
    token: TokenArg,
    source: FromArg,
    to: ToArg,
    amount: AmountArg,
    raw: RawOpt = False,
    evidence_file: EvidenceOpt = None,
    reason: ShareReasonOpt = None,
) -> None:
    """Move AMOUNT shares from FROM to TO without the holder, under an order (frozen shares too).

    Out of a Uniswap V2-style pool, a second transaction calls the pool's sync() so its reserves match what it holds.
    """
    out, proof, session = open_on_evidence(evidence_file, reason)
    ledger = session.ledger
    token_id, decimals, symbol = _share_action(ledger, token)
    sender, recipient = ledger.address_of(source), ledger.address_of(to)
    quantity = amount_units(amount, decimals, raw=raw)
    with out.progress("Force-transferring shares…"):
        result = ledger.compliance.force_transfer(token_id, sender, recipient, quantity, reason=proof.digest)
    moved = SharesForceTransferred(
        token_id=token_id,
        action="shares_force_transferred",
        from_=sender,
        to=recipient,
        amount=quantity,
        reason_hash=proof.hex,
        **dict(result),
    )
    names = session.names
    what = f"{units(quantity, decimals, symbol)} from {names.label(sender)}"
    sentence = f"Force-transferred {what} to {names.label(recipient)} under {proof.describe()}."
    if result.pool_sync is not None:
        sync = result.pool_sync

        def human() -> None:
            out.line(sentence)
            out.line(tx_line(result))
            out.line(f"{names.label(sender)} is a Uniswap V2-style pool: synced its reserves to what it holds.")
            out.line(tx_line(sync))

        out.result(moved, human)
        return
    out.act(moved, sentence, result)


@compliance_app.command("recover")
@prints(WalletRecovered)
def recover(
    token: TokenArg, lost: LostArg, new: NewArg, evidence_file: EvidenceOpt = None, reason: ShareReasonOpt = None
) -> None:
    """Move every share of the lost wallet LOST, and its freeze, to the owner's new wallet NEW."""
    out, proof, session = open_on_evidence(evidence_file, reason)
    ledger = session.ledger
    token_id, decimals, symbol = _share_action(ledger, token)
    old, replacement = ledger.address_of(lost), ledger.address_of(new)
    moved = ledger.shares.balance(token_id, old)
    with out.progress("Recovering the wallet…"):
        result = ledger.compliance.recover(token_id, old, replacement, reason=proof.digest)
    recovered = WalletRecovered(
        token_id=token_id,
        action="wallet_recovered",
        lost=old,
        replacement=replacement,
        amount=moved,
        reason_hash=proof.hex,
        **dict(result),
    )
    label = session.names.label
    what = f"{units(moved, decimals, symbol)} from the lost wallet {label(old)}"
    out.act(recovered, f"Recovered {what} to {label(replacement)} under {proof.describe()}.", result)


def _restriction(token: str, restricted: bool) -> None:
    out = output()
    session = open_ledger(out, sends=True)
    token_id = session.ledger.rights.resolve(token)
    with out.progress("Switching restricted mode…"):
        result = session.ledger.compliance.set_restricted(token_id, restricted)
    mode = RestrictedModeSet(token_id=token_id, action="restricted_mode_set", restricted=restricted, **dict(result))
    sentence = (
        f"The shares of token {short(hex(token_id))} now move only between eligible accounts."
        if restricted
        else f"The shares of token {short(hex(token_id))} now move freely (restricted mode off)."
    )
    out.act(mode, sentence, result)


@compliance_app.command("restrict")
@prints(RestrictedModeSet)
def restrict(token: TokenArg) -> None:
    """Switch a right's shares to restricted mode: only verified investors and venue wallets may move them."""
    _restriction(token, True)


@compliance_app.command("unrestrict")
@prints(RestrictedModeSet)
def unrestrict(token: TokenArg) -> None:
    """Switch restricted mode off: anyone may hold the right's shares (freezes still apply)."""
    _restriction(token, False)


def _categories_option(text: str, option: str) -> int:
    """The bit set of a categories option, or a one-line usage error naming the option and the form."""
    if text.strip().lower() == "none":
        return 0
    try:
        return category_bits(text)
    except InvalidInputError as exc:
        raise typer.BadParameter(f"{exc}; expected {_CATEGORY_FORM}", param_hint=f"'{option}'") from None


def _category_text(categories: list[str | int]) -> str:
    return ", ".join(str(name) for name in categories) or "none"


@compliance_app.command("categories")
@prints(InvestorCategoriesSet)
def categories(
    member: AccountArg,
    wanted: SetCategoriesOpt,
    expires: CategoriesExpiresOpt = None,
    evidence_file: EvidenceOpt = None,
    reason: ShareReasonOpt = None,
) -> None:
    """Record the investor categories of ACCOUNT (a verified investor) until --expires, on --evidence or --reason.

    Categories: hk-professional (a Hong Kong professional investor), accredited, qualified, retail; a token whose
    rules admit some categories refuses investors of none of them. --set none clears them. Global officers only.
    To read them: ipledger compliance status ACCOUNT.
    """
    bits = _categories_option(wanted, "--set")
    if bits and expires is None:
        raise typer.BadParameter("--expires DATE (YYYY-MM-DD) is needed with categories", param_hint="'--expires'")
    out, proof, session = open_on_evidence(evidence_file, reason)
    ledger = session.ledger
    address = ledger.address_of(member)
    until = utc(expires)
    with out.progress("Recording the investor's categories…"):
        result = ledger.compliance.set_categories(address, bits, expires=until or 0, evidence=proof.digest)
    names = category_names(bits)
    recorded = InvestorCategoriesSet(
        action="investor_categories_set",
        account=address,
        categories=names,
        expires_at=until if bits else None,
        evidence_hash=proof.hex,
        **dict(result),
    )
    label = session.names.label(address)
    if bits and until is not None:
        sentence = f"{label} is of the investor categories {_category_text(names)} until {until:%Y-%m-%d %H:%M} UTC"
    else:
        sentence = f"Cleared the investor categories of {label}"
    out.act(recorded, f"{sentence}, on {proof.describe()}.", result)


@compliance_app.command("officer")
@prints(OfficerChanged)
def officer(
    action: OfficerActionArg, member: OfficerArg, issuer: IssuerOpt = None, token: TokenScopeOpt = None
) -> None:
    """Appoint or remove an officer of an issuer's share tokens (--issuer) or of one right's share token (--token).

    A global compliance officer appoints issuer officers; a global officer or an officer of the token's issuer
    appoints token officers. An officer freezes, force-transfers, recovers and sets the rules of the tokens in its
    scope only.
    """
    if (issuer is None) == (token is None):
        raise typer.BadParameter(
            "give --issuer ADDR or --token TOKEN (exactly one)", param_hint="'--issuer' / '--token'"
        )
    out = output()
    session = open_ledger(out, sends=True)
    ledger = session.ledger
    address = ledger.address_of(member)
    appoint = action is OfficerAction.APPOINT
    label = session.names.label
    with out.progress("Appointing…" if appoint else "Removing…"):
        if issuer is not None:
            whose = ledger.address_of(issuer)
            if appoint:
                result = ledger.compliance.appoint_issuer_officer(whose, address)
            else:
                result = ledger.compliance.remove_issuer_officer(whose, address)
            scope = f"the share tokens of issuer {label(whose)}"
            changed = OfficerChanged(
                action="officer_appointed" if appoint else "officer_removed",
                scope="issuer",
                officer=address,
                issuer=whose,
                **dict(result),
            )
        else:
            assert token is not None
            token_id = ledger.rights.resolve(token)
            if appoint:
                result = ledger.compliance.appoint_token_officer(token_id, address)
            else:
                result = ledger.compliance.remove_token_officer(token_id, address)
            scope = f"the share token of token {short(hex(token_id))}"
            changed = OfficerChanged(
                action="officer_appointed" if appoint else "officer_removed",
                scope="token",
                officer=address,
                token_id=token_id,
                share_token=ledger.shares.token(token_id),
                **dict(result),
            )
    verb = "Appointed" if appoint else "Removed"
    out.act(changed, f"{verb} {label(address)} as an officer of {scope}.", result)


def _rules_lines(rules: TransferRules, decimals: int, symbol: str) -> list[str]:
    mode = {"none": "none", "allow": "only investors of", "block": "not investors of"}[rules.country_mode.value]
    countries = f" {', '.join(rules.countries)}" if rules.country_mode.value != "none" else ""
    lockup = f"until {rules.lockup_until:%Y-%m-%d %H:%M:%S} UTC" if rules.lockup_until else "none"
    holders = f"at most {rules.max_holders} ({rules.holder_count} now)" if rules.max_holders is not None else "no cap"
    balance = f"at most {units(rules.max_balance, decimals, symbol)}" if rules.max_balance else "no cap"
    restricted = "on" if rules.restricted else "off (the rules apply in restricted mode only)"
    return [
        f"Rules of the shares of token {short(hex(rules.token_id))} ({rules.share_token}), restricted mode "
        f"{restricted}:",
        f"  categories admitted: {_category_text(rules.categories) if rules.categories else 'any'}",
        f"  lock-up:             {lockup}",
        f"  holders:             {holders}",
        f"  balance per investor: {balance}",
        f"  country rule:        {mode}{countries}",
    ]


def _country_list(text: str, option: str) -> list[str]:
    codes = [part.strip() for part in text.split(",") if part.strip()]
    if not codes:
        raise typer.BadParameter("expected country codes such as HK,SG", param_hint=f"'{option}'")
    try:
        return [parse_country(code) for code in codes]
    except InvalidInputError as exc:
        raise typer.BadParameter(f"{exc}; expected codes such as HK,SG", param_hint=f"'{option}'") from None


@compliance_app.command("rules", epilog=AMOUNTS_HELP)
@prints(TokenRules)
def rules(
    token: TokenArg,
    categories: RuleCategoriesOpt = None,
    lockup_until: LockupOpt = None,
    max_holders: MaxHoldersOpt = None,
    max_balance: MaxBalanceOpt = None,
    allow_countries: AllowCountriesOpt = None,
    block_countries: BlockCountriesOpt = None,
    no_country_rule: NoCountryRuleOpt = False,
    raw: RawOpt = False,
) -> None:
    """Show a right's share token rules, or set them: investor categories, lock-up, holder cap, maximum balance,
    country rule.

    Without options: the rules as they are. Options not given keep their value. The rules bind in restricted mode,
    between holders; venue wallets are exempt from categories, the country rule and the maximum balance. Officers
    of the token only.
    """
    country_options = sum(value is not None for value in (allow_countries, block_countries)) + no_country_rule
    if country_options > 1:
        raise typer.BadParameter(
            "give one of --allow-countries, --block-countries and --no-country-rule",
            param_hint="'--allow-countries' / '--block-countries' / '--no-country-rule'",
        )
    bits = None if categories is None else _categories_option(categories, "--categories")
    allow = None if allow_countries is None else _country_list(allow_countries, "--allow-countries")
    block = None if block_countries is None else _country_list(block_countries, "--block-countries")
    changes_rules = any(value is not None for value in (categories, lockup_until, max_holders, max_balance))
    out = output()
    session = open_ledger(out, sends=changes_rules or country_options > 0)
    ledger = session.ledger
    token_id = ledger.rights.resolve(token)
    info = ledger.shares.info(token_id)
    most = None if max_balance is None else amount_units(max_balance, info.decimals, raw=raw, what="--max-balance")
    sent: list[TransactionResult] = []
    if changes_rules:
        lockup = None if lockup_until is None else int(lockup_until.replace(tzinfo=dt.UTC).timestamp())
        with out.progress("Setting the transfer rules…"):
            sent.append(
                ledger.compliance.set_rules(
                    token_id, categories=bits, lockup_until=lockup, max_holders=max_holders, max_balance=most
                )
            )
    if country_options:
        with out.progress("Setting the country rule…"):
            sent.append(ledger.compliance.set_country_rule(token_id, allow=allow, block=block))
    shown = TokenRules(**dict(ledger.compliance.rules(token_id)), transactions=sent)

    def human() -> None:
        for line in _rules_lines(shown, info.decimals, info.symbol):
            out.line(line)
        for result in sent:
            out.line(tx_line(result))
        if shown.max_holders is not None and shown.holder_count is not None and shown.holder_count > shown.max_holders:
            out.note(
                f"note: the token has {shown.holder_count} holders, more than the cap of {shown.max_holders}: "
                "no new holder is admitted until enough of them leave"
            )

    out.result(shown, human)


@compliance_app.command("can-transfer", epilog=AMOUNTS_HELP)
@prints(TransferCheck)
def can_transfer(token: TokenArg, source: FromArg, to: ToArg, amount: AmountArg, raw: RawOpt = False) -> None:
    """Tell whether FROM could send AMOUNT shares to TO now, or the named reason it would be refused (exits 0 either
    way).

    The transfer is simulated from FROM against the latest block (nothing is sent), so the answer includes the
    balance and freezes; the token's ERC-7943 canTransfer view is shown beside it.
    """
    out = output()
    session = open_ledger(out)
    ledger = session.ledger
    token_id, decimals, symbol = _share_action(ledger, token)
    sender, recipient = ledger.address_of(source), ledger.address_of(to)
    quantity = amount_units(amount, decimals, raw=raw)
    refusal = ledger.compliance.why_not(token_id, sender, recipient, quantity)
    check = TransferCheck(
        token_id=token_id,
        from_=sender,
        to=recipient,
        amount=quantity,
        allowed=refusal is None,
        can_transfer=ledger.compliance.can_transfer(token_id, sender, recipient, quantity),
        reason=None if refusal is None else refusal.error_name,
        arguments=None if refusal is None else {key: _arg_text(value) for key, value in refusal.error_args.items()},
        message=None if refusal is None else describe(refusal),
    )

    def human() -> None:
        label = session.names.label
        what = f"{label(sender)} → {label(recipient)}: {units(quantity, decimals, symbol)}"
        if refusal is None:
            out.line(Text.assemble(f"{what}: ", ("allowed", "green")))
        else:
            out.line(Text.assemble(f"{what}: ", (f"refused ({refusal.error_name})", "bold red")))
            out.line(f"  {check.message}")
        verdict = "true" if check.can_transfer else "false"
        if check.can_transfer == check.allowed:
            out.line(f"  the token's ERC-7943 canTransfer: {verdict}")
        else:
            out.line(
                f"  the token's ERC-7943 canTransfer: {verdict} (it leaves balance and allowance to ERC-20, "
                "as the standard asks)"
            )

    out.result(check, human)


def _arg_text(value: object) -> str:
    if isinstance(value, bytes):
        text = value.decode("ascii", "replace")
        return text if text.isalnum() else "0x" + value.hex()
    return str(value)


@compliance_app.command("pools")
@prints(PoolList)
def pools(token: TokenArg) -> None:
    """List the Uniswap V2-style pools holding a right's shares, their reserves, and LP-token holders that are not
    eligible.

    A pool holds the shares for its liquidity providers, and its LP tokens move freely: an LP holder the compliance
    registry would refuse holds a claim on restricted shares through it (see docs/venues.md).
    """
    out = output()
    session = open_ledger(out)
    ledger = session.ledger
    token_id, decimals, symbol = _share_action(ledger, token)
    with out.progress("Looking for pools among the holders…"):
        found = ledger.compliance.pools(token_id)
    listed = PoolList(token_id=token_id, share_token=ledger.shares.token(token_id), pools=found)

    def human() -> None:
        if not found:
            out.line(f"No Uniswap V2-style pool holds the shares of token {short(hex(token_id))}.")
            return
        for pool in found:
            out.line(
                f"Pool {pool.address} (factory {short(pool.factory)}) holds "
                f"{units(pool.share_balance, decimals, symbol)}; reserves "
                f"{units(pool.share_reserve, decimals, symbol)} and {pool.paired_reserve} base units of "
                f"{pool.paired_with}; {pool.lp_supply} LP tokens."
            )
            if not pool.ineligible_lp_holders:
                out.line("  Every LP-token holder is eligible.")
            for holder in pool.ineligible_lp_holders:
                out.line(
                    Text.assemble(
                        "  ",
                        ("not eligible", "bold red"),
                        f": {session.names.label(holder.account)} holds {holder.balance} LP tokens (base units)",
                    )
                )

    out.result(listed, human)
