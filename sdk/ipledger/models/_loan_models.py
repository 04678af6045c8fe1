"""Loans against a pledged right or an amount of its shares (``ledger.loans``; the ``LoanDesk`` contract): the terms
a lender signs or a borrower publishes, a loan as the desk and the registry show it, and the results of each act.

Amounts are base units of the loan's currency (``currency_decimals`` says how to read them; decimal strings in
JSON); times are UTC; durations whole seconds. The pure rules live here too: an APR percent to parts per million
(exactly, or refused), a duration (``"180d"``) to seconds, and the interest the desk accrues.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ipledger._exceptions import InvalidInputError
from ipledger.models._model_base import ZERO_ADDRESS, Address, Uint256, _Out
from ipledger.models._models import RightStatus, TransactionResult

__all__ = [
    "CollateralStatus",
    "Credit",
    "Loan",
    "LoanChanged",
    "LoanList",
    "LoanOpened",
    "LoanRequested",
    "LoanState",
    "LoanTerms",
    "LOAN_TERMS_TYPES",
    "PledgeRegistration",
    "Repayment",
    "SignedLoanOffer",
    "TermsCancelled",
    "Withdrawal",
    "AuctionStarted",
    "CollateralSold",
    "Refinancing",
    "accrued_interest",
    "apr_to_ppm",
    "parse_loan_duration",
]

_UINT32 = 2**32 - 1
#: The desk's rate denominator: parts per million per 365-day year, accrued by the second.
RATE_DENOMINATOR = 1_000_000 * 365 * 86_400
_DURATION = re.compile(r"^(\d+)\s*(s|m|h|d|w)$")
_SECONDS = {"s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800}
_HASH = r"^0x[0-9a-f]{64}$"

#: The EIP-712 type of the desk's ``Terms`` (its ``_TERMS_TYPEHASH``), field by field.
LOAN_TERMS_TYPES: dict[str, list[dict[str, str]]] = {
    "Terms": [
        {"name": "lender", "type": "address"},
        {"name": "borrower", "type": "address"},
        {"name": "collateral", "type": "address"},
        {"name": "collateralId", "type": "uint256"},
        {"name": "collateralAmount", "type": "uint256"},
        {"name": "currency", "type": "address"},
        {"name": "principal", "type": "uint256"},
        {"name": "interest", "type": "uint256"},
        {"name": "aprPpm", "type": "uint32"},
        {"name": "duration", "type": "uint32"},
        {"name": "gracePeriod", "type": "uint32"},
        {"name": "auctionDuration", "type": "uint32"},
        {"name": "costs", "type": "uint256"},
        {"name": "agreementHash", "type": "bytes32"},
        {"name": "governingLaw", "type": "bytes2"},
        {"name": "foreclosure", "type": "bool"},
        {"name": "expiry", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
    ]
}


# ---------------------------------------------------------------------------- pure rules


def apr_to_ppm(apr: Decimal | str | int, *, field: str = "apr") -> int:
    """An annual rate in percent (``Decimal("3.5")``, ``"3.5"``, ``"3.5%"``) as the desk's parts per million
    (35,000), exactly: a rate with more than four decimal places of a percent is refused, never rounded."""
    if isinstance(apr, bool | float):
        raise InvalidInputError(f"field {field!r}: give the rate as a Decimal or a string such as '3.5', not a float")
    text = str(apr).strip().removesuffix("%").strip()
    try:
        percent = Decimal(text)
    except InvalidOperation:
        raise InvalidInputError(f"field {field!r}: {apr!r} is not a percent such as 3.5 or 12.25") from None
    if not percent.is_finite() or percent < 0:
        raise InvalidInputError(f"field {field!r}: {apr!r} must be a percent, zero or positive")
    ppm = percent * 10_000
    if ppm != ppm.to_integral_value():
        raise InvalidInputError(
            f"field {field!r}: {apr!r} % is not a whole number of parts per million (at most 4 decimal places)"
        )
    if ppm > _UINT32:
        raise InvalidInputError(f"field {field!r}: {apr!r} % is above the desk's largest rate (429,496.7295 %)")
    return int(ppm)


def ppm_to_apr(ppm: int) -> Decimal:
    """Parts per million as a percent (35,000 -> 3.5)."""
    return (Decimal(ppm) / 10_000).normalize()


def parse_loan_duration(value: dt.timedelta | str | int, *, field: str = "duration", allow_zero: bool = False) -> int:
    """Whole seconds (a uint32) of a timedelta, a number of seconds, or text: ``90s``, ``30m``, ``12h``, ``180d``,
    ``2w``."""
    if isinstance(value, bool):
        raise InvalidInputError(f"field {field!r}: {value!r} is not a duration such as 180d")
    if isinstance(value, dt.timedelta):
        seconds_float = value.total_seconds()
        if seconds_float != int(seconds_float):
            raise InvalidInputError(f"field {field!r}: {value} is not a whole number of seconds")
        seconds = int(seconds_float)
    elif isinstance(value, int):
        seconds = value
    else:
        match = _DURATION.match(str(value).strip().lower())
        if match is None:
            raise InvalidInputError(f"field {field!r}: {value!r} is not a duration such as 90s, 30m, 12h, 180d or 2w")
        seconds = int(match.group(1)) * _SECONDS[match.group(2)]
    if seconds < 0 or (seconds == 0 and not allow_zero):
        raise InvalidInputError(f"field {field!r}: {value!r} must be a positive duration")
    if seconds > _UINT32:
        raise InvalidInputError(f"field {field!r}: {value!r} is longer than the desk's 136 years")
    return seconds


def accrued_interest(principal: int, apr_ppm: int, seconds: int) -> int:
    """The simple interest the desk accrues on ``principal`` over ``seconds`` at ``apr_ppm``, rounded up to the
    base unit (``Math.mulDiv(principal, rate * seconds, 1e6 * 365 days, Ceil)``)."""
    if not principal or not apr_ppm or seconds <= 0:
        return 0
    return -(-(principal * apr_ppm * seconds) // RATE_DENOMINATOR)


# ---------------------------------------------------------------------------- terms and offers


class LoanState(StrEnum):
    """A loan's state, in the order of the desk's ``State`` (``none`` is no loan)."""

    NONE = "none"
    ACTIVE = "active"
    AUCTION = "auction"
    REPAID = "repaid"
    SOLD = "sold"
    FORECLOSED = "foreclosed"
    REFINANCED = "refinanced"
    LOST = "lost"

    @classmethod
    def from_chain(cls, value: int) -> LoanState:
        return list(cls)[int(value)]


class LoanTerms(BaseModel):
    """The desk's ``Terms``: a lender's offer (signed) or a borrower's request (published). Amounts in base units of
    ``currency`` (and of the share token for ``collateral_amount``); durations in seconds; ``expiry`` unix time.
    ``borrower`` zero: whoever holds the collateral may accept the offer; ``lender`` zero: anyone may accept the
    request."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lender: Address
    borrower: Address = ZERO_ADDRESS
    #: The registry (a right) or a share token of the desk's vault (an amount of shares).
    collateral: Address
    collateral_id: Uint256 = 0
    collateral_amount: Uint256 = 0
    currency: Address
    principal: Uint256
    #: Fixed interest, owed in full whenever the loan is repaid.
    interest: Uint256 = 0
    #: Simple annual interest on the principal outstanding, parts per million per 365 days (35,000 = 3.5 %).
    apr_ppm: int = Field(default=0, ge=0, le=_UINT32)
    duration: int = Field(gt=0, le=_UINT32)
    grace_period: int = Field(default=0, ge=0, le=_UINT32)
    auction_duration: int = Field(gt=0, le=_UINT32)
    costs: Uint256 = 0
    #: SHA-256 of the loan agreement (and pledge contract), 0x hex.
    agreement_hash: str = Field(pattern=_HASH)
    #: ISO 3166 country of the agreement's law (``CN``, ``HK``, ``US``).
    governing_law: str = Field(pattern=r"^[A-Z]{2}$")
    foreclosure: bool = False
    expiry: Uint256
    nonce: Uint256

    def as_tuple(self) -> tuple[Any, ...]:
        """The struct as the desk's functions take it."""
        return (
            self.lender,
            self.borrower,
            self.collateral,
            self.collateral_id,
            self.collateral_amount,
            self.currency,
            self.principal,
            self.interest,
            self.apr_ppm,
            self.duration,
            self.grace_period,
            self.auction_duration,
            self.costs,
            bytes.fromhex(self.agreement_hash[2:]),
            self.governing_law.encode("ascii"),
            self.foreclosure,
            self.expiry,
            self.nonce,
        )

    def typed_message(self) -> dict[str, Any]:
        """The EIP-712 message of :data:`LOAN_TERMS_TYPES`."""
        names = [field["name"] for field in LOAN_TERMS_TYPES["Terms"]]
        return dict(zip(names, self.as_tuple(), strict=True))

    @classmethod
    def from_chain(cls, value: Any) -> LoanTerms:
        """Terms from the desk's struct as web3 decodes it (a tuple, or a dict by field name)."""
        fields = value.values() if isinstance(value, dict) else value
        (lender, borrower, collateral, collateral_id, amount, currency, principal, interest, apr, duration, grace,
         auction, costs, agreement, law, foreclosure, expiry, nonce) = tuple(fields)  # fmt: skip
        return cls(
            lender=lender,
            borrower=borrower,
            collateral=collateral,
            collateral_id=collateral_id,
            collateral_amount=amount,
            currency=currency,
            principal=principal,
            interest=interest,
            apr_ppm=apr,
            duration=duration,
            grace_period=grace,
            auction_duration=auction,
            costs=costs,
            agreement_hash="0x" + bytes(agreement).hex(),
            governing_law=bytes(law).decode("ascii"),
            foreclosure=foreclosure,
            expiry=expiry,
            nonce=nonce,
        )


class SignedLoanOffer(BaseModel):
    """A lender's offer, its EIP-712 signature and where it is accepted: the file a lender hands a borrower
    (``model_dump_json()``; ``ipledger loan offer --out offer.json``). ``right_id`` is the right pledged, or the
    right whose shares are. In JSON, uint256 values are decimal strings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["ipledger loan offer"] = "ipledger loan offer"
    terms: LoanTerms
    signature: str = Field(pattern=r"^0x[0-9a-fA-F]+$")
    terms_hash: str = Field(pattern=_HASH)
    right_id: Uint256
    chain_id: int
    desk: Address


# ---------------------------------------------------------------------------- loans


class CollateralStatus(_Out):
    """The pledged right as the registry shows it now: who holds it, and what would stop a sale."""

    right_id: Uint256
    right_id_hex: str
    #: Its primary official number (canonical: ``ZL 2020 1 0123456.2``) and title, when known.
    number: str | None = None
    title: str | None = None
    jurisdiction: str | None = None
    owner: str | None = None
    status: RightStatus | None = None
    frozen: bool = False
    disputed: bool = False
    #: The registry's pledge bit (a right) or the shares held by the desk.
    pledged: bool = False
    #: The right's term ended (it lapsed).
    expired: bool = False
    #: An attestor recorded, with evidence, that the office says the right lapsed (a ``LAPSED`` attestation still
    #: valid: unpaid renewal fees, say), whatever expiry the registry records; the attestation's id.
    lapsed: bool = False
    lapsed_attestation: int | None = None
    #: A registrar's act (forced transfer, revocation, supersession) took the collateral from the pledge.
    lost: bool = False


class PledgeRegistration(TransactionResult):
    """An office's registration of a pledge (a CNIPA pledge registration number, a USPTO reel/frame) recorded on
    the desk by the lender or the borrower."""

    loan_id: int
    registration: str
    by: str


class Loan(_Out):
    """A loan as the desk stores it, what it owes now and its collateral's status (read at ``as_of_block``)."""

    loan_id: int
    state: LoanState
    lender: str
    borrower: str
    collateral: str
    collateral_kind: Literal["right", "shares"]
    collateral_amount: Uint256
    right_id: Uint256
    right_id_hex: str
    currency: str
    currency_symbol: str
    currency_decimals: int
    #: Principal outstanding, and interest accrued and unpaid as of ``accrued_at`` (the fixed interest included).
    principal: Uint256
    interest: Uint256
    apr_ppm: int
    apr_percent: Decimal
    #: What it owes now: principal, interest to the latest block, and the agreed costs once an auction started.
    owed_principal: Uint256
    owed_interest: Uint256
    owed_costs: Uint256
    owed: Uint256
    started_at: dt.datetime
    accrued_at: dt.datetime
    maturity: dt.datetime
    grace_period: int
    enforceable_at: dt.datetime
    auction_duration: int
    foreclosure: bool
    governing_law: str
    costs: Uint256
    agreement_hash: str
    #: The auction's prices and times (``None`` before one started); ``current_price`` while it runs.
    start_price: Uint256 | None = None
    floor_price: Uint256 | None = None
    auction_started_at: dt.datetime | None = None
    auction_ends_at: dt.datetime | None = None
    current_price: Uint256 | None = None
    #: The terms hash of the offer or request accepted.
    terms_hash: str | None = None
    pledge_registrations: list[PledgeRegistration] = Field(default_factory=list)
    collateral_status: CollateralStatus
    as_of_block: int
    as_of: dt.datetime


class LoanList(_Out):
    """Loans of the desk matching a filter, oldest first."""

    loans: list[Loan]


# ---------------------------------------------------------------------------- results


class LoanOpened(TransactionResult):
    """A loan just opened (an offer or a request accepted), and the approval sent first (shares or principal)."""

    loan_id: int
    terms_hash: str
    right_id: Uint256
    lender: str
    borrower: str
    principal: Uint256
    currency: str
    maturity: dt.datetime
    approval: TransactionResult | None = None


class LoanRequested(TransactionResult):
    """A borrower's published request: its terms and hash, which a lender accepts (``accept_request``)."""

    terms: LoanTerms
    terms_hash: str
    right_id: Uint256


class Repayment(TransactionResult):
    """A repayment: interest first, then principal; ``released`` when paid in full (the pledge released)."""

    loan_id: int
    paid: Uint256
    interest_paid: Uint256
    principal_paid: Uint256
    remaining: Uint256
    released: bool
    approval: TransactionResult | None = None


class AuctionStarted(TransactionResult):
    """An enforcement: a Dutch auction from ``start_price`` to ``floor_price`` at ``ends_at``; ``debt`` owed then."""

    loan_id: int
    start_price: Uint256
    floor_price: Uint256
    ends_at: dt.datetime
    debt: Uint256


class CollateralSold(TransactionResult):
    """The collateral bought at auction: the debt paid, the surplus to the borrower, the shortfall unsecured."""

    loan_id: int
    buyer: str
    price: Uint256
    to_lender: Uint256
    to_borrower: Uint256
    shortfall: Uint256
    approval: TransactionResult | None = None


class LoanChanged(TransactionResult):
    """A loan's state changed by an act without amounts (a foreclosure, a loss of collateral recorded)."""

    loan_id: int
    state: LoanState


class TermsCancelled(TransactionResult):
    """An offer or request cancelled by its lender or borrower."""

    terms_hash: str


class Refinancing(TransactionResult):
    """A loan repaid by a new lender's loan on the same collateral (the pledge kept)."""

    loan_id: int
    new_loan_id: int
    new_lender: str
    approval: TransactionResult | None = None


class Withdrawal(TransactionResult):
    """What the desk held for an account (payments its token refused to deliver, shares a restricted token refused
    to return) paid out to it: ``amount`` of ``token``."""

    account: str
    token: str
    amount: Uint256


class Credit(_Out):
    """What the loan desk holds for ``account`` in ``token`` (base units): payments and shares a token refused to
    deliver, until the account withdraws them."""

    account: Address
    token: Address
    symbol: str
    decimals: int
    amount: Uint256
