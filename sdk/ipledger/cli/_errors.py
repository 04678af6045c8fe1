"""The one place where failures become a one-line message on stderr and an exit code.

- :class:`~ipledger.IPLedgerError` (and anything the SDK let through from web3, requests or pydantic): exit 1.
- Usage errors of typer (a bad option value, a missing argument): exit 2, as click does.
- ``IPLEDGER_DEBUG=1`` re-raises instead, so the traceback shows.

The module imports neither web3, requests nor pydantic at startup (the root group lives here, and ``ipledger --help``
must start fast); :func:`describe` imports them for a failure the SDK did not explain.
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import Any

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from ipledger import (
    CONTRACTS_EVM,
    MISSING_OPCODE,
    NEWER_OPCODES,
    BuyoutError,
    ChainMismatchError,
    ComplianceError,
    ContractRevertError,
    DuplicateRightError,
    FrozenSharesError,
    IncompleteOwnershipError,
    InsufficientBalanceError,
    InvalidRecipientError,
    IPLedgerError,
    JsonRpcError,
    LicenseConflictError,
    LoanError,
    LoanStateError,
    NodeNotRunningError,
    NodeUnreachableError,
    NotFractionalizedError,
    NotYetEnforceableError,
    OrderError,
    PausedError,
    PaymentRefusedError,
    PaymentTokenError,
    ReentrancyError,
    RegistrationChangedError,
    RevokedRightError,
    RightDisputedError,
    RightPledgedError,
    SignatureError,
    TokenFrozenError,
    UnauthorizedError,
    UnknownRecordError,
    UnknownTokenError,
)

__all__ = ["CliError", "ErrorHandlingGroup", "describe", "print_error"]

DEBUG_ENV = "IPLEDGER_DEBUG"
_RECORD_LISTS = {
    "UnknownLicense": ("licence", "licenseId", "ipledger license list TOKEN"),
    "UnknownAttestation": ("attestation", "attestationId", "ipledger attest list TOKEN"),
    "UnknownDispute": ("dispute", "disputeId", "ipledger dispute list TOKEN"),
    "UnknownLoan": ("loan", "loanId", "ipledger loan list"),
    "UnknownBuyout": ("buyout", "buyoutId", "ipledger shares buyout show TOKEN"),
}
_BUYOUT_STATES = ("none", "open", "succeeded", "failed", "cancelled")


def _buyout_hint(exc: BuyoutError) -> str:
    """What a buyout refusal means and what to run instead (docs/buyout.md)."""
    args = exc.error_args
    buyout = args.get("buyoutId")
    if exc.error_name == "BuyoutInProgress":
        return f"buyout {buyout} of this right is still open; see `ipledger shares buyout show TOKEN`"
    if exc.error_name == "BuyoutNotInState":
        state = args.get("state")
        name = _BUYOUT_STATES[state] if isinstance(state, int) and 0 <= state < len(_BUYOUT_STATES) else state
        return f"buyout {buyout} is {name}; see `ipledger shares buyout show TOKEN --buyout {buyout}`"
    if exc.error_name == "TenderWindowClosed":
        return (
            f"the tender window of buyout {buyout} closed at {_when(args.get('endsAt'))}; anyone settles it with "
            "`ipledger shares buyout settle TOKEN`"
        )
    if exc.error_name == "TenderWindowOpen":
        return f"holders may tender to buyout {buyout} until {_when(args.get('endsAt'))}; settle it after that"
    if exc.error_name == "TenderedShares":
        return (
            f"holders tendered {args.get('tendered')} share base units to buyout {buyout}: a bidder cancels only while "
            "none are tendered; the buyout settles after its window"
        )
    return (
        f"{args.get('account')} has nothing to take from buyout {buyout} now (tendered shares are withdrawn while the "
        "window is open and claimed after settlement)"
    )


_ORDER_HINTS = {
    "OrderExpired": "ask the maker for a new order",
    "OrderCancelled": "the maker cancelled it; ask for a new order",
    "FillExceedsRemaining": "see what is left with `ipledger market orders`",
    "NotOrderTaker": "the maker reserved it to another account",
    "InvalidSignature": "the order or loan offer was not signed by its maker (lender), or was altered since",
    "NotOrderMaker": "only the maker (--from) may cancel it",
}


# Registry vouchers are recovered with OpenZeppelin's ECDSA (attestations and orders use SignatureChecker).
#: What to do about a refusal of the loan desk, by error name.
_LOAN_HINTS = {
    "InvalidTerms": "the terms are inconsistent (no principal, duration or auction time, or foreclosure under CN law)",
    "TermsExpired": "the terms expired: ask the lender (or borrower) for new ones",
    "TermsNotAvailable": "the offer or request was accepted or cancelled already (or the request was never published)",
    "UnknownCollateral": "only rights of this registry and share tokens of its vault are taken as collateral",
    "CollateralMismatch": "a refinancing offer must pledge the same collateral, in the same currency",
    "InvalidAuction": "the start price must be positive and not below the floor price",
    "PriceAboveLimit": "the price falls over the auction: wait, or raise --max-price",
    "ForeclosureNotAllowed": "the terms do not allow foreclosure: start a new auction with `ipledger loan enforce`",
    "ZeroRepayment": "repay a positive amount, or `all`",
    "EmptyRegistration": "give the office's pledge registration number",
    "CollateralUnverified": "a self-declared claim cannot be pledged: have the right verified by a registrar first",
    "NothingToWithdraw": "the desk holds nothing for this account in that token (see `ipledger loan credited`)",
}

_VOUCHER_ERRORS = frozenset(
    {
        "InvalidVoucherSigner",
        "VoucherExpired",
        "ECDSAInvalidSignature",
        "ECDSAInvalidSignatureLength",
        "ECDSAInvalidSignatureS",
    }
)
_PERMIT_ERRORS = frozenset({"InvalidPermit", "PermitExpired", "ERC2612ExpiredSignature", "ERC2612InvalidSigner"})


class CliError(IPLedgerError):
    """A failure the CLI explains itself (its message is already the one line to print)."""


def _token(value: Any) -> str:
    return hex(value) if isinstance(value, int) else str(value)


def describe(exc: BaseException) -> str:
    """The one-line message for ``exc``, with the hint a newcomer needs to fix it."""
    if isinstance(exc, DuplicateRightError):
        token = _token(exc.error_args.get("tokenId"))
        if exc.number is not None:
            what = f"number {exc.number} is"
        elif exc.error_name == "ContentAlreadyRegistered":
            what = "these documents are"
        else:
            what = "this right is"
        return f"{what} already registered as token {token} ({exc.error_name}); see `ipledger show {token}`"
    if isinstance(exc, RevokedRightError):
        token = _token(exc.error_args.get("tokenId"))
        return (
            f"token {token} was revoked at block {exc.revoked_at_block} ({exc.action or 'call'} reverted: "
            f"{exc.error_name}); vouchers and earlier claims for it are void: a registrar registers it again "
            "with `ipledger register`, or claim it afresh (commit now, reveal later)"
        )
    if isinstance(exc, PaymentRefusedError):
        return _payment_message(exc)
    if isinstance(exc, PausedError):
        return (
            f"{exc}: a guardian paused the registry, and nothing that changes a right goes through until a guardian "
            "unpauses it; try again later"
        )
    if isinstance(exc, ReentrancyError):
        return (
            f"{exc}: a token or receiver called back into the contract during the call, so it refused the whole "
            "transaction; pay with a standard ERC-20 and send rights and shares to accounts that do not call back"
        )
    if isinstance(exc, InvalidRecipientError) and exc.error_name == "InvalidRecipient":
        return f"{exc}: shares cannot be sent to the zero address (only redemption burns them); send them to an account"
    if isinstance(exc, InvalidRecipientError):
        return (
            f"{exc}: the recipient cannot hold it (the zero address, the token itself, or a contract without the "
            "ERC-721/ERC-1155 receiver hook); send it to another account"
        )
    if isinstance(exc, InsufficientBalanceError):
        return f"{exc}: the sender holds too few of the shares or tokens for this transfer"
    if isinstance(exc, RightDisputedError):
        token = _token(exc.error_args.get("tokenId"))
        return (
            f"token {token} is locked by an open dispute ({exc.action or 'call'} reverted: {exc.error_name}); "
            f"it cannot move until an arbitrator resolves it (see `ipledger dispute list {token}`)"
        )
    if isinstance(exc, RightPledgedError):
        token = _token(exc.error_args.get("tokenId"))
        what = (
            "takes no sole or exclusive licence (a non-exclusive one is fine)"
            if exc.error_name == "PledgedRightExclusive"
            else "cannot move"
        )
        return (
            f"token {token} is pledged for a loan ({exc.action or 'call'} reverted: {exc.error_name}); it {what} "
            f"until the loan is repaid or enforced (see `ipledger loan list --right {token}`)"
        )
    if isinstance(exc, TokenFrozenError) and exc.error_name in ("RightLocked", "RightNotTransferable"):
        token = _token(exc.error_args.get("tokenId"))
        return (
            f"token {token} is frozen or locked by an open dispute ({exc.action or 'call'} reverted: "
            f"{exc.error_name}); see `ipledger show {token}` and `ipledger dispute list {token}`"
        )
    if isinstance(exc, TokenFrozenError):
        token = _token(exc.error_args.get("tokenId"))
        return (
            f"token {token} is frozen by a registrar ({exc.action or 'call'} reverted: {exc.error_name}); "
            "it cannot move until a registrar runs `ipledger unfreeze`"
        )
    if isinstance(exc, ComplianceError):
        return _compliance_message(exc)
    if isinstance(exc, FrozenSharesError):
        holder = exc.error_args.get("holder", exc.error_args.get("account"))
        if exc.error_name == "ERC7943InsufficientUnfrozenBalance":
            return (
                f"{exc}: only {exc.error_args.get('unfrozen')} of {holder}'s shares (base units) are not frozen; "
                "a compliance officer lifts the freeze with `ipledger compliance unfreeze TOKEN HOLDER`"
            )
        return (
            f"{exc}: a compliance officer froze {holder}'s shares; `ipledger compliance unfreeze TOKEN HOLDER` lifts it"
        )
    if isinstance(exc, IncompleteOwnershipError):
        return (
            f"{exc}: redeeming needs every share ({exc.error_args.get('holder')} holds {exc.error_args.get('balance')} "
            f"of {exc.error_args.get('supply')} base units); see `ipledger shares cap-table TOKEN`"
        )
    if isinstance(exc, NotFractionalizedError):
        token = _token(exc.error_args.get("tokenId"))
        return (
            f"token {token} has no shares ({exc.error_name}): it is not in the share vault; "
            f"`ipledger shares fractionalize {token}` creates them"
        )
    if isinstance(exc, BuyoutError):
        return f"{exc}: {_buyout_hint(exc)}"
    if isinstance(exc, PaymentTokenError) and exc.error_name == "DepositShortfall":
        return (
            f"{exc}: the vault received less than the deposit (a fee-on-transfer or non-standard token); pay with a "
            "standard ERC-20 such as the stablecoin"
        )
    if isinstance(exc, OrderError):
        hint = _ORDER_HINTS.get(exc.error_name)
        return f"{exc}; {hint}" if hint else str(exc)
    if isinstance(exc, NotYetEnforceableError):
        return f"{exc}: the lender may enforce the pledge from {_when(exc.enforceable_at)} (maturity plus grace)"
    if isinstance(exc, LoanStateError):
        return _loan_state_message(exc)
    if isinstance(exc, LoanError):
        hint = _LOAN_HINTS.get(exc.error_name)
        return f"{exc}; {hint}" if hint else str(exc)
    if isinstance(exc, LicenseConflictError):
        return (
            f"{exc}: the licence would overlap licence {exc.error_args.get('licenseId')} in territory, field of use "
            "and period while one of them is sole or exclusive; see `ipledger license show "
            f"{exc.error_args.get('licenseId')}`"
        )
    if isinstance(exc, UnknownRecordError):
        return _record_message(exc)
    if isinstance(exc, RegistrationChangedError):
        return (
            f"{exc}: the right is no longer the registration the attestation was about (now held by {exc.holder}, "
            "registered at "
            f"{exc.registered_at}); check the current record with `ipledger show TOKEN` and attest or sign again"
        )
    if isinstance(exc, SignatureError) and exc.error_name in _PERMIT_ERRORS:
        return (
            f"{exc}: the permit was not signed by the holder for this chain and share token, was altered or already "
            "used, or its deadline passed; the holder signs a new one with `ipledger shares permit`"
        )
    if isinstance(exc, SignatureError) and _about_a_voucher(exc):
        return (
            f"{exc}: the voucher was not signed by a registrar of this chain and registry, was altered, already used "
            "or cancelled, or its deadline passed; ask the registrar for a new one"
        )
    if isinstance(exc, SignatureError):
        return (
            f"{exc}: the signed attestation was not signed by its attestor for this chain and registry, was altered, "
            "was already used or cancelled, or its deadline passed; ask the attestor for a new one"
        )
    if isinstance(exc, UnknownTokenError):
        if "tokenId" not in exc.error_args:
            return f"{exc}: the token is not registered in this registry"
        return f"unknown token {_token(exc.error_args['tokenId'])}: it is not registered in this registry"
    if isinstance(exc, UnauthorizedError):
        role = exc.error_args.get("neededRole")
        if isinstance(role, bytes):
            name = _role_names().get("0x" + role.hex(), "0x" + role.hex())
            return (
                f"{exc.action or 'call'} reverted: {exc.error_name}: {exc.error_args.get('account')} lacks the "
                f"{name} role; an admin grants it with `ipledger grant-role {name} ACCOUNT`"
            )
        if exc.error_name == "NotAttestor":
            return (
                f"{exc}: {exc.error_args.get('account')} is not an attestor; an admin grants it with "
                "`ipledger grant-role attestor ACCOUNT`"
            )
        if exc.error_name == "NotAttestationAuthor":
            return f"{exc}: only its attestor {exc.error_args.get('attestor')} may revoke it"
        if exc.error_name == "NotRightOwner":
            return (
                f"{exc}: only the right's owner grants licences (a fractionalized right is owned by the share "
                "vault: grant before fractionalizing); see `ipledger show TOKEN`"
            )
        if exc.error_name == "NotLicensor":
            return f"{exc}: only the right's current owner or a registrar may revoke the licence"
        if exc.error_name == "NotCreditor":
            return (
                f"{exc}: the royalty vault does not list {exc.error_args.get('account')} as a creditor; a forfeited "
                "bond reaches the royalty vault only once its deployer lists the dispute manager again"
            )
        if exc.error_name in _LOAN_PARTY_MESSAGES:
            return f"{exc}: {_LOAN_PARTY_MESSAGES[exc.error_name](exc.error_args)}"
        if exc.error_name == "NotDeployer":
            return f"{exc}: only the royalty vault's deployer lists creditors"
        if exc.error_name == "NotBidder":
            return f"{exc}: only the bidder {exc.error_args.get('bidder')} may cancel its buyout"
        if exc.error_name == "NotComplianceOfficer":
            return (
                f"{exc}: {exc.error_args.get('caller')} is not a compliance officer of this share token; an admin "
                "grants the global role with `ipledger grant-role compliance-officer ACCOUNT`, or an officer appoints "
                "one for the token with `ipledger compliance officer appoint --token TOKEN ACCOUNT`"
            )
        if exc.error_name == "NotScopeAdmin":
            return (
                f"{exc}: {exc.error_args.get('caller')} may not appoint officers there; a global compliance officer "
                "appoints officers of an issuer, and an issuer's officer appoints officers of the issuer's tokens"
            )
        if exc.error_name == "NotHolderOrOfficer":
            return (
                f"{exc}: only the holder itself, or a compliance officer of the token for a pool or venue wallet, "
                "names its royalty beneficiary"
            )
        if exc.error_name == "BeneficiaryOfInvestor":
            return (
                f"{exc}: an officer names the beneficiary of a contract (a pool) or a venue wallet only; an investor "
                "names its own with `ipledger shares beneficiary TOKEN HOLDER BENEFICIARY --from HOLDER`"
            )
        if exc.error_name == "NoRoyaltyBeneficiary":
            return (
                f"{exc}: {exc.error_args.get('holder')} named no royalty beneficiary, so only it may claim; the holder "
                "or an officer names one with `ipledger shares beneficiary TOKEN HOLDER BENEFICIARY`"
            )
        return f"{exc}: the --from account is neither the owner nor approved"
    if isinstance(exc, ContractRevertError) and exc.error_name == "RecoveryOfContract":
        return (
            f"{exc}: {exc.error_args.get('lost')} is a contract (a pool, a venue's wallet) holding shares for others; "
            "move the exact amount with `ipledger compliance force-transfer` instead"
        )
    if isinstance(exc, ContractRevertError) and exc.error_name == "unknown":
        return (
            f"{exc}; the address may hold another contract than the one ipledger ships, or a token it called "
            f"reverted with an error of its own (revert data {exc.data})"
        )
    if isinstance(exc, NodeNotRunningError):
        return str(exc)
    if isinstance(exc, ChainMismatchError):
        return f"{exc}; check that the RPC URL is the network you mean"
    if isinstance(exc, NodeUnreachableError):
        return f"{exc}; is the node running and the URL right?"
    if isinstance(exc, JsonRpcError):
        return _answer_message(exc)
    if isinstance(exc, IPLedgerError):
        return str(exc)
    # Imported here, not at startup: only a failure the SDK did not explain gets this far.
    import requests
    from pydantic import ValidationError
    from web3.exceptions import Web3Exception

    if isinstance(exc, requests.RequestException):
        return f"cannot reach the node: {type(exc).__name__}"
    if isinstance(exc, Web3Exception):
        return f"the node or contract answered unexpectedly: {type(exc).__name__}: {exc}"
    if isinstance(exc, ValidationError):
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": str(exc)}
        where = ".".join(str(part) for part in first["loc"]) or "input"
        return f"invalid input: {where}: {first['msg']}"
    return f"unexpected {type(exc).__name__}: {exc} (set {DEBUG_ENV}=1 for the traceback)"


@cache
def _role_names() -> dict[str, str]:
    """Role names by role id (0x hex), as ``UnauthorizedError`` carries them."""
    from ipledger import ROLE_NAMES  # the role table, read only to explain a refusal

    return {"0x" + role.hex(): name.replace("_", "-") for role, name in ROLE_NAMES.items()}


def _answer_message(exc: JsonRpcError) -> str:
    """What the node answered; when its EVM lacks an instruction of the contracts, which one and what to use."""
    message = exc.rpc_message.lower()
    if not any(text in message for text in MISSING_OPCODE):
        return str(exc)
    named = [name for name in NEWER_OPCODES if re.search(rf"\b{name.lower()}\b", message)]
    lacks = f"{named[0]} ({NEWER_OPCODES[named[0]]})" if named else "an instruction the contracts use"
    return (
        f"{exc}: its EVM lacks {lacks}; the contracts are compiled for {CONTRACTS_EVM}, so use a chain (or "
        f"`anvil --hardfork`) at {CONTRACTS_EVM} or later"
    )


def _about_a_voucher(exc: SignatureError) -> bool:
    """Whether the signature refused is a registry voucher's (nonces are shared with attestations)."""
    if exc.error_name == "InvalidAccountNonce":
        return "voucher" in (exc.action or "")
    return exc.error_name in _VOUCHER_ERRORS


def _loan_state_message(exc: LoanStateError) -> str:
    loan = exc.error_args.get("loanId")
    if exc.error_name == "AuctionRunning":
        return f"{exc}: the auction of loan {loan} runs until {_when(exc.ends_at)}; bid, or wait for its end"
    if exc.error_name == "CollateralHeld":
        return f"{exc}: the collateral of loan {loan} is still pledged to it: there is no loss to record"
    return f"{exc}; see `ipledger loan show {loan}`"


#: One-line explanations of the loan desk's refusals of a caller who is not the party the act needs.
_LOAN_PARTY_MESSAGES: dict[str, Any] = {
    "NotParty": lambda args: f"the terms are reserved for {args.get('party')}, not {args.get('caller')}",
    "NotLender": lambda args: f"only the lender {args.get('lender')} of loan {args.get('loanId')} may do this",
    "NotLoanParty": lambda args: f"only the lender or the borrower of loan {args.get('loanId')} may do this",
    "NotCollateralHolder": lambda args: (
        f"{args.get('account')} does not hold the right {_token(args.get('tokenId'))}: only its owner pledges it"
    ),
}


def _payment_message(exc: PaymentRefusedError) -> str:
    """The refusal and what to do: fund the payer, or approve the spender, or look at the token itself."""
    payment = exc.payment
    if payment is None:
        return (
            f"{exc}; check the payer's balance of the token (`ipledger stablecoin balance ACCOUNT --payment-token "
            "TOKEN`) and its allowance to the contract"
        )
    shortfall = payment.shortfall or ""
    if "balance" in shortfall and payment.balance is not None:
        missing = payment.units(payment.amount - payment.balance)
        fix = f"{payment.payer} needs {missing} more, then run the command again"
    elif "allowance" in shortfall:
        fix = f"the payer approves {payment.spender} for {payment.units(payment.amount)}, then runs it again"
    elif shortfall == "" and payment.balance is not None and payment.allowance is not None:
        fix = f"ask the issuer of {payment.symbol or payment.token} why it refuses transfers from {payment.payer}"
    else:
        fix = (
            f"check {payment.payer}'s balance with `ipledger stablecoin balance {payment.payer} --payment-token "
            f"{payment.token}`"
        )
    return f"{exc}: {fix}"


def _record_message(exc: UnknownRecordError) -> str:
    known = _RECORD_LISTS.get(exc.error_name)
    if known is None:
        return f"{exc}: no such right in this registry"
    what, key, listing = known
    if exc.error_name == "UnknownBuyout" and exc.error_args.get(key) == 0:  # ids start at 1: the right has none
        return (
            "this right has had no buyout (UnknownBuyout); a bidder starts one with "
            "`ipledger shares buyout start TOKEN PRICE --from ACCOUNT` (PRICE per whole share, e.g. 0.5 for 0.5 tUSD)"
        )
    return f"unknown {what} {exc.error_args.get(key)} ({exc.error_name}); see `{listing}`"


def _compliance_message(exc: ComplianceError) -> str:
    account = exc.account
    if exc.error_name == "VerificationExpired":
        expires = exc.error_args.get("expiresAt")
        why = f"its investor verification expired at unix time {expires}"
        fix = f"a compliance officer re-verifies it with `ipledger compliance verify-investor {account} --country CC`"
    elif exc.error_name == "CountryBlocked":
        country = exc.error_args.get("country")
        code = country.decode("ascii", "replace") if isinstance(country, bytes) else str(country)
        why = f"investors of {code} are blocked"
        fix = f"a compliance officer lifts it with `ipledger compliance block-country {code} --unblock`"
    elif exc.error_name in _RULE_MESSAGES:
        return f"{exc}: {_RULE_MESSAGES[exc.error_name](exc.error_args)}"
    else:
        why = "it is neither a verified investor nor a venue wallet"
        fix = f"a compliance officer verifies it with `ipledger compliance verify-investor {account} --country CC`"
    return f"{exc}: {account} may not hold these restricted shares ({why}); {fix}"


def _code(value: Any) -> str:
    return value.decode("ascii", "replace") if isinstance(value, bytes) else str(value)


def _when(value: Any) -> str:
    import datetime as dt

    try:
        return f"{dt.datetime.fromtimestamp(int(value), dt.UTC):%Y-%m-%d %H:%M:%S} UTC"
    except (TypeError, ValueError, OverflowError):
        return str(value)


def _categories(value: Any) -> str:
    from ipledger import category_names  # the category table, read only to explain a refusal

    names = category_names(int(value)) if isinstance(value, int) else []
    return ", ".join(str(name) for name in names) or "none"


#: One-line explanations of the refusals of the investor categories and of a share token's own rules.
_RULE_MESSAGES: dict[str, Any] = {
    "NotInvestor": lambda args: (
        f"{args.get('account')} is not a verified investor (categories belong to investors); verify it first with "
        "`ipledger compliance verify-investor`"
    ),
    "CategoryNotAllowed": lambda args: (
        f"{args.get('account')} is of the investor categories {_categories(args.get('categories'))}, and the token "
        f"admits only {_categories(args.get('allowed'))}; a compliance officer records its categories with "
        "`ipledger compliance categories ACCOUNT --set ...`"
    ),
    "CategoriesExpired": lambda args: (
        f"{args.get('account')}'s investor categories lapsed on {_when(args.get('expiresAt'))}; a compliance officer "
        "renews them with `ipledger compliance categories ACCOUNT --set ... --expires DATE`"
    ),
    "LockedUp": lambda args: (
        f"the token's transfers are locked up until {_when(args.get('until'))} (see `ipledger compliance rules TOKEN`)"
    ),
    "MaxBalanceExceeded": lambda args: (
        f"{args.get('to')} would hold {args.get('balance')} base units, above the token's maximum of {args.get('max')} "
        "per investor (see `ipledger compliance rules TOKEN`)"
    ),
    "MaxHoldersReached": lambda args: (
        f"the token already has its maximum of {args.get('max')} holders and {args.get('to')} would be one more (see "
        "`ipledger compliance rules TOKEN`)"
    ),
    "CountryNotAllowed": lambda args: (
        f"the token's country rule does not admit {args.get('account')}'s country {_code(args.get('country'))} (see "
        "`ipledger compliance rules TOKEN`)"
    ),
    "ERC7943CannotSend": lambda args: f"{args.get('account')} may not send these shares",
    "ERC7943CannotReceive": lambda args: f"{args.get('account')} may not receive these shares",
    "ERC7943CannotTransfer": lambda args: "the token's rules forbid this transfer",
}


def print_error(message: str) -> None:
    """Prints ``error: message`` on stderr as exactly one line."""
    # pydantic prefixes validator messages with "Value error, "; it tells a reader nothing.
    one_line = " ".join(message.replace("Value error, ", "").split())
    Console(stderr=True, highlight=False, soft_wrap=True).print(Text.assemble(("error: ", "bold red"), one_line))


def _debug() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "false", "no")


class ErrorHandlingGroup(TyperGroup):
    """The root command group: runs the command and turns any failure into one line and an exit code."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        """The root's own options (the chain options before the command) refused in one line too, exit 2."""
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except typer.TyperException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError" or _debug():
                raise
            print_error(f"{exc.format_message()} (see `{info_name or 'ipledger'} --help`)")
            raise typer.Exit(getattr(exc, "exit_code", 2)) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except typer.TyperException as exc:
            # Usage errors (exit 2). "No arguments" shows the help instead; typer handles it.
            if type(exc).__name__ == "NoArgsIsHelpError" or _debug():
                raise
            sub_ctx = getattr(exc, "ctx", None)
            path = getattr(sub_ctx, "command_path", None) or ctx.command_path
            print_error(f"{exc.format_message()} (see `{path} --help`)")
            raise typer.Exit(exc.exit_code) from None
        except Exception as exc:  # the one place that turns every failure into a message
            if _debug():
                raise
            print_error(describe(exc))
            raise typer.Exit(1) from None
