"""Loans against IP rights and their shares (``ledger.loans``, the ``LoanDesk`` contract; docs/financing.md).

A right is pledged where it stands (the registry's pledge bit: it stays its owner's, royalties and non-exclusive
licences go on, it cannot change hands); shares are held by the desk. The principal is paid in the same transaction
as the pledge, and repayment in full releases it; after maturity and grace the lender enforces the pledge by a Dutch
auction whose proceeds pay the debt and return the surplus.

Two ways to open a loan:

- **offer → accept.** The lender signs terms off chain (:meth:`Loans.offer`, EIP-712 with the ledger's one signer)
  and hands the :class:`~ipledger.SignedLoanOffer` (JSON) to the borrower, who accepts it (:meth:`Loans.accept`).
- **request → accept_request.** The borrower publishes terms on chain (:meth:`Loans.request`); a lender accepts
  them (:meth:`Loans.accept_request`).

Money arguments are **whole units of the loan's currency** (``Decimal("1500.25")``, ``"1500.25"`` or ``1500`` for
1,500 tUSD), converted exactly with the currency's decimals (more decimal places than it has are refused); results
carry base units with the currency's symbol and decimals. A share amount is whole shares. Durations are timedeltas,
seconds, or text (``"180d"``, ``"12h"``). Interest is a fixed amount (``interest``), a simple annual rate
(``apr``, a percent as a Decimal or string, converted exactly to the desk's parts per million), or both.

Every act first checks what a read can tell (the holder, a freeze, a dispute, an earlier pledge, expired terms,
foreclosure under PRC law, a loan's state, enforcement before maturity plus grace...) and raises the exception the
desk would, before any approval or transaction is sent.
"""

from __future__ import annotations

import builtins
import datetime as dt
import time
from decimal import Decimal
from typing import Any, Literal

from eth_abi.abi import decode
from eth_account import Account
from eth_account.messages import SignableMessage
from eth_keys.exceptions import BadSignature
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from eth_utils.exceptions import ValidationError
from web3.contract import Contract

from ipledger.chain._chain import is_zero_address
from ipledger.chain._eip712 import LOANS_DOMAIN, sign_typed_data, typed_digest, typed_message
from ipledger.chain._logs import fetch_logs
from ipledger.models._amounts import parse_units
from ipledger.models._hashing import Evidence, evidence_hash
from ipledger.models._loan_models import (
    LOAN_TERMS_TYPES,
    AuctionStarted,
    CollateralSold,
    CollateralStatus,
    Credit,
    Loan,
    LoanChanged,
    LoanList,
    LoanOpened,
    LoanRequested,
    LoanState,
    LoanTerms,
    PledgeRegistration,
    Refinancing,
    Repayment,
    SignedLoanOffer,
    TermsCancelled,
    Withdrawal,
    accrued_interest,
    apr_to_ppm,
    parse_loan_duration,
    ppm_to_apr,
)
from ipledger.models._models import ZERO_ADDRESS, RightStatus, TokenInfo, TransactionResult

from ._client import SubClient
from ._exceptions import InvalidInputError, IPLedgerError, NotFoundError

__all__ = ["Loans"]

Money = Decimal | str | int
Duration = dt.timedelta | str | int

#: The interest margin a repayment of everything adds: what the loan accrues in this many seconds, covering the
#: time between the read of what is owed and the block the repayment is mined in (the desk takes only what is owed).
REPAY_ALL_MARGIN_SECONDS = 60
_TERMS_ABI = "(address,address,address,uint256,uint256,address,uint256,uint256,uint32,uint32,uint32,uint32,uint256,"
_TERMS_ABI += "bytes32,bytes2,bool,uint256,uint256)"
_TOPICS = {
    name: "0x" + keccak(text=signature).hex()
    for name, signature in {
        "LoanOpened": "LoanOpened(uint256,uint256,address,address,address,uint256,address,uint256,uint256,bytes32,"
        "bytes32)",
        "LoanRequested": f"LoanRequested(bytes32,uint256,address,{_TERMS_ABI})",
        "PledgeRegistered": "PledgeRegistered(uint256,uint256,address,string)",
        "TermsCancelled": "TermsCancelled(bytes32,address)",
    }.items()
}
_FROZEN_STATUS = 1
_OPEN_STATES = (LoanState.ACTIVE, LoanState.AUCTION)


def _topic(value: int | str) -> str:
    """A 32-byte topic of a uint256 or address."""
    number = value if isinstance(value, int) else int(value, 16)
    return "0x" + number.to_bytes(32, "big").hex()


def _time(value: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(value), dt.UTC)


class Loans(SubClient):
    """The loan desk: offers and requests, acceptance, repayment, refinancing, enforcement and the loans' state."""

    name = "loans"

    # ------------------------------------------------------------------ reading helpers

    @property
    def _desk(self) -> Contract:
        return self._chain.loans

    def currency(self, currency: str | None = None) -> TokenInfo:
        """The ERC-20 a loan is made in: a test currency's symbol on the local chain (``tUSD``, ``tHKD``, ``tCNH``),
        an address, or ``None`` for the default payment token."""
        if currency is None:
            address = str(self._chain.stablecoin.address)
        else:
            symbols = self._ledger.payments.test_currencies()
            address = symbols.get(currency.strip()) or self._chain.address_of(currency)
        return self._ledger.payments.token_info(address)

    def fresh_nonce(self, account: str | None = None) -> int:
        """A nonce no earlier offer or request of ``account`` (default: the signer) has: the time in microseconds,
        or the account's nonce floor if that is higher."""
        address = self._chain.signer.address if account is None else self._chain.address_of(account)
        floor = int(self._chain.read(self._desk.functions.minNonce(address), "read nonce"))
        return max(floor, time.time_ns() // 1000)

    def terms_hash(self, terms: LoanTerms) -> str:
        """The EIP-712 hash of ``terms`` at this desk (equal to ``desk.hashTerms(terms)``), computed locally."""
        return "0x" + typed_digest(self._signable(terms)).hex()

    def _signable(self, terms: LoanTerms) -> SignableMessage:
        return typed_message(
            LOANS_DOMAIN,
            chain_id=self._chain.chain_id,
            contract=str(self._desk.address),
            types=LOAN_TERMS_TYPES,
            message=terms.typed_message(),
        )

    # ------------------------------------------------------------------ terms

    def _terms(
        self,
        right: int | str,
        *,
        lender: str,
        borrower: str,
        principal: Money,
        currency: str | None,
        shares: Money | None,
        interest: Money,
        apr: Decimal | str | int | None,
        duration: Duration,
        grace: Duration,
        auction: Duration,
        costs: Money,
        agreement: Evidence,
        governing_law: str,
        foreclosure: bool,
        expires_in: Duration,
        nonce: int | None,
        action: str,
    ) -> tuple[LoanTerms, int]:
        """Terms checked as the desk checks them, and the right they pledge (or whose shares they pledge)."""
        token = self._chain.resolve(right)
        self._chain.require_exists(token)
        money = self.currency(currency)
        if shares is None:
            collateral, amount = self._chain.registry_address, 0
        else:
            collateral = self._chain.share_token_address(token, action)
            decimals = int(self._chain.read(self._chain.share_contract(collateral).functions.decimals(), action))
            amount = parse_units(shares, decimals, what="field 'shares'")
            if amount == 0:
                raise InvalidInputError("field 'shares': pledge a positive amount of shares")
        law = governing_law.strip().upper()
        if len(law) != 2 or not law.isalpha() or not law.isascii():
            raise InvalidInputError(f"field 'governing_law': {governing_law!r} is not a country code such as CN or HK")
        units = parse_units(principal, money.decimals, what="field 'principal'")
        if units == 0:
            raise InvalidInputError("field 'principal': lend a positive amount")
        now = self._chain.chain_time()
        terms = LoanTerms(
            lender=lender,
            borrower=borrower,
            collateral=collateral,
            collateral_amount=amount,
            collateral_id=token if shares is None else 0,
            currency=money.address,
            principal=units,
            interest=parse_units(interest, money.decimals, what="field 'interest'"),
            apr_ppm=0 if apr is None else apr_to_ppm(apr),
            duration=parse_loan_duration(duration),
            grace_period=parse_loan_duration(grace, field="grace", allow_zero=True),
            auction_duration=parse_loan_duration(auction, field="auction"),
            costs=parse_units(costs, money.decimals, what="field 'costs'"),
            agreement_hash="0x" + evidence_hash(agreement, what="agreement").hex(),
            governing_law=law,
            foreclosure=foreclosure,
            expiry=now + parse_loan_duration(expires_in, field="expires_in"),
            nonce=self.fresh_nonce() if nonce is None else nonce,
        )
        if foreclosure and law == "CN":
            raise InvalidInputError(
                "field 'foreclosure': PRC law voids forfeiture clauses (Civil Code art. 428): a loan under CN law is "
                "enforced by auction only"
            )
        return terms, token

    def offer(
        self,
        right: int | str,
        *,
        principal: Money,
        duration: Duration,
        agreement: Evidence,
        governing_law: str,
        currency: str | None = None,
        shares: Money | None = None,
        interest: Money = 0,
        apr: Decimal | str | int | None = None,
        grace: Duration = "30d",
        auction: Duration = "7d",
        costs: Money = 0,
        foreclosure: bool = False,
        borrower: str | None = None,
        expires_in: Duration = "7d",
        nonce: int | None = None,
        approve: bool = True,
    ) -> SignedLoanOffer:
        """The signer (the lender) signs an offer to lend ``principal`` of ``currency`` against the right (or
        ``shares`` whole shares of it) for ``duration``, at a fixed ``interest`` and/or an annual ``apr`` percent,
        under the ``agreement`` (a file, text, or its SHA-256) and ``governing_law``; the lender may enforce after
        ``grace``, by an auction of ``auction``, recovering ``costs`` from its proceeds; ``foreclosure`` lets the
        lender take the collateral when an auction ends without a bid (refused under CN law). ``borrower`` reserves
        the offer to one account (default: whoever holds the collateral); it can be accepted until ``expires_in``
        from now (chain time).

        With ``approve`` (the default) the desk is allowed to pay the principal from the lender (added to the
        current allowance: other offers may rely on it). Nothing else is sent: hand the returned offer (its JSON)
        to the borrower."""
        lender = self._chain.signer.address
        terms, token = self._terms(
            right,
            lender=lender,
            borrower=ZERO_ADDRESS if borrower is None else self._chain.address_of(borrower),
            principal=principal,
            currency=currency,
            shares=shares,
            interest=interest,
            apr=apr,
            duration=duration,
            grace=grace,
            auction=auction,
            costs=costs,
            agreement=agreement,
            governing_law=governing_law,
            foreclosure=foreclosure,
            expires_in=expires_in,
            nonce=nonce,
            action="offer a loan",
        )
        return self.sign(terms, right_id=token, approve=approve)

    def sign(self, terms: LoanTerms, *, right_id: int, approve: bool = True) -> SignedLoanOffer:
        """Signs ``terms`` as their lender (the signer) and, with ``approve``, lets the desk pay the principal."""
        if terms.lender != self._chain.signer.address:
            raise InvalidInputError(f"field 'lender': the terms name {terms.lender}, not the signer")
        desk = str(self._desk.address)
        signed = sign_typed_data(
            self._chain, LOANS_DOMAIN, desk, LOAN_TERMS_TYPES, terms.typed_message(), action="sign loan offer"
        )
        if approve:
            self._chain.ensure_allowance(
                self._chain.erc20(terms.currency), desk, terms.principal, action="offer a loan", top_up=True
            )
        return SignedLoanOffer(
            terms=terms,
            signature="0x" + bytes(signed.signature).hex(),
            terms_hash=self.terms_hash(terms),
            right_id=right_id,
            chain_id=self._chain.chain_id,
            desk=desk,
        )

    def request(
        self,
        right: int | str,
        *,
        principal: Money,
        duration: Duration,
        agreement: Evidence,
        governing_law: str,
        currency: str | None = None,
        shares: Money | None = None,
        interest: Money = 0,
        apr: Decimal | str | int | None = None,
        grace: Duration = "30d",
        auction: Duration = "7d",
        costs: Money = 0,
        foreclosure: bool = False,
        lender: str | None = None,
        expires_in: Duration = "7d",
        nonce: int | None = None,
    ) -> LoanRequested:
        """The signer (the borrower, who holds the collateral) publishes a request on chain, the terms as in
        :meth:`offer`; ``lender`` reserves it to one lender (default: any). A lender accepts it with
        :meth:`accept_request`; the borrower must still hold the collateral then (and, for shares, have approved
        the desk: this call approves them)."""
        borrower = self._chain.signer.address
        terms, token = self._terms(
            right,
            lender=ZERO_ADDRESS if lender is None else self._chain.address_of(lender),
            borrower=borrower,
            principal=principal,
            currency=currency,
            shares=shares,
            interest=interest,
            apr=apr,
            duration=duration,
            grace=grace,
            auction=auction,
            costs=costs,
            agreement=agreement,
            governing_law=governing_law,
            foreclosure=foreclosure,
            expires_in=expires_in,
            nonce=nonce,
            action="request a loan",
        )
        self._check_collateral(terms, borrower, "request a loan")
        if terms.collateral_amount:
            self._chain.ensure_allowance(
                self._chain.erc20(terms.collateral),
                str(self._desk.address),
                terms.collateral_amount,
                action="request a loan",
                top_up=True,
            )
        result = self._chain.send(self._desk.functions.request(terms.as_tuple()), "request a loan")
        return LoanRequested(**result.model_dump(), terms=terms, terms_hash=self.terms_hash(terms), right_id=token)

    # ------------------------------------------------------------------ opening

    def accept(self, offer: SignedLoanOffer) -> LoanOpened:
        """The signer (the borrower) accepts a lender's signed offer: pledges the collateral (the right in place, or
        the shares, approved first) and receives the principal, in one transaction. Checked first: the offer is for
        this chain and desk, signed by its lender, unexpired and unspent, reserved to the signer or to nobody, and
        the signer holds the collateral, neither frozen, disputed nor pledged."""
        action = "accept loan offer"
        self._check_offer(offer, action)
        terms = offer.terms
        borrower = self._chain.signer.address
        if not is_zero_address(terms.borrower) and terms.borrower != borrower:
            raise self._refuse("NotParty(address,address)", ["address", "address"], [borrower, terms.borrower], action)
        self._check_collateral(terms, borrower, action)
        approval = None
        if terms.collateral_amount:
            approval = self._chain.ensure_allowance(
                self._chain.erc20(terms.collateral), str(self._desk.address), terms.collateral_amount, action=action
            )
        call = self._desk.functions.accept(terms.as_tuple(), bytes.fromhex(offer.signature[2:]))
        result, opened = self._chain.send_for_event(call, action, self._desk, "LoanOpened")
        return self._opened(result, opened, approval)

    def accept_request(self, request: LoanRequested | LoanTerms | str) -> LoanOpened:
        """The signer (a lender) accepts a borrower's published request (the :class:`LoanRequested` its borrower
        got, its terms, or its terms hash, whose terms are read from the desk's ``LoanRequested`` log): pays the
        principal (approved first) and the collateral is pledged, in one transaction."""
        action = "accept loan request"
        terms = self._requested_terms(request)
        lender = self._chain.signer.address
        if not is_zero_address(terms.lender) and terms.lender != lender:
            raise self._refuse("NotParty(address,address)", ["address", "address"], [lender, terms.lender], action)
        self._check_available(terms, terms.borrower, requested=True, action=action)
        self._check_collateral(terms, terms.borrower, action)
        desk = str(self._desk.address)
        approval = self._chain.ensure_allowance(
            self._chain.erc20(terms.currency), desk, terms.principal, action=action, top_up=True
        )
        with self._chain.paying(terms.currency, desk, terms.principal):
            result, opened = self._chain.send_for_event(
                self._desk.functions.acceptRequest(terms.as_tuple()), action, self._desk, "LoanOpened"
            )
        return self._opened(result, opened, approval)

    def _opened(
        self, result: TransactionResult, opened: dict[str, Any], approval: TransactionResult | None
    ) -> LoanOpened:
        return LoanOpened(
            **result.model_dump(),
            loan_id=int(opened["loanId"]),
            terms_hash="0x" + bytes(opened["termsHash"]).hex(),
            right_id=int(opened["rightId"]),
            lender=str(opened["lender"]),
            borrower=str(opened["borrower"]),
            principal=int(opened["principal"]),
            currency=str(opened["currency"]),
            maturity=_time(int(opened["maturity"])),
            approval=approval,
        )

    def cancel(self, terms: SignedLoanOffer | LoanRequested | LoanTerms | str) -> TermsCancelled:
        """Cancels an offer (as its lender) or a published request (as its borrower): given as the signed offer, the
        request, the terms, or a request's terms hash."""
        action = "cancel loan terms"
        if isinstance(terms, SignedLoanOffer):
            chosen = terms.terms
        elif isinstance(terms, LoanRequested | str):
            chosen = self._requested_terms(terms)
        else:
            chosen = terms
        party = chosen.borrower if self._requested(self.terms_hash(chosen)) else chosen.lender
        signer = self._chain.signer.address
        if party != signer:
            raise self._refuse("NotParty(address,address)", ["address", "address"], [signer, party], action)
        result = self._chain.send(self._desk.functions.cancel(chosen.as_tuple()), action)
        return TermsCancelled(**result.model_dump(), terms_hash=self.terms_hash(chosen))

    def cancel_below(self, nonce: int) -> TransactionResult:
        """Voids every offer and request of the signer with a nonce below ``nonce`` (``fresh_nonce()``: all so far)."""
        return self._chain.send(self._desk.functions.cancelBelow(int(nonce)), "cancel loan terms below a nonce")

    # ------------------------------------------------------------------ repayment

    def repay(self, loan_id: int, amount: Money | Literal["all"] = "all") -> Repayment:
        """Repays ``amount`` (whole units of the loan's currency) of loan ``loan_id``, interest first, from the
        signer (anyone may pay), the desk approved first; paid in full, the pledge is released.

        ``"all"`` pays everything: what is owed at the latest block (principal, interest, and the costs once an
        auction started) plus :data:`REPAY_ALL_MARGIN_SECONDS` seconds of interest, since the interest the
        transaction will owe depends on the timestamp of the block it is mined in, which nobody knows in advance.
        The desk takes only what is owed then (``min(amount, debt)``), so the margin is never paid; only the
        approval covers it. During an auction only a repayment in full is taken (the borrower redeems)."""
        action = "repay loan"
        loan = self._open_loan(loan_id, action)
        info = TokenInfo(address=loan.currency, name="", symbol=loan.currency_symbol, decimals=loan.currency_decimals)
        if amount == "all":
            units = loan.owed + accrued_interest(loan.owed_principal, loan.apr_ppm, REPAY_ALL_MARGIN_SECONDS)
        else:
            units = parse_units(amount, info.decimals, what="field 'amount'")
            if units == 0:
                raise self._refuse("ZeroRepayment()", [], [], action)
            if loan.state is LoanState.AUCTION and units < loan.owed:
                raise self._refuse("WrongState(uint256,uint8)", ["uint256", "uint8"], [loan.loan_id, 2], action)
        desk = str(self._desk.address)
        self._require_balance(loan.currency, min(units, loan.owed), action)
        approval = self._chain.ensure_allowance(self._chain.erc20(loan.currency), desk, units, action=action)
        with self._chain.paying(loan.currency, desk, units):
            result, repaid = self._chain.send_for_event(
                self._desk.functions.repay(loan.loan_id, units), action, self._desk, "LoanRepaid"
            )
        interest_paid, principal_paid = int(repaid["interestPaid"]), int(repaid["principalPaid"])
        remaining = int(repaid["remaining"])
        return Repayment(
            **result.model_dump(),
            loan_id=loan.loan_id,
            paid=interest_paid + principal_paid + (loan.owed_costs if remaining == 0 else 0),
            interest_paid=interest_paid,
            principal_paid=principal_paid,
            remaining=remaining,
            released=remaining == 0,
            approval=approval,
        )

    def refinance(self, loan_id: int, offer: SignedLoanOffer) -> Refinancing:
        """The signer (the borrower) refinances loan ``loan_id`` with a new lender's signed offer on the same
        collateral and currency: the new lender pays the old debt (and the borrower any principal above it); a new
        principal below the debt leaves the borrower to pay the difference (approved first, with a minute's
        interest of margin). The pledge never lapses."""
        action = "refinance loan"
        loan = self._open_loan(loan_id, action)
        borrower = self._chain.signer.address
        if loan.borrower != borrower:
            raise self._refuse("NotParty(address,address)", ["address", "address"], [borrower, loan.borrower], action)
        self._check_offer(offer, action)
        terms = offer.terms
        same = (terms.collateral, terms.collateral_id, terms.collateral_amount, terms.currency) == (
            loan.collateral,
            loan.right_id if loan.collateral_kind == "right" else 0,
            loan.collateral_amount,
            loan.currency,
        )
        if not same:
            raise self._refuse("CollateralMismatch(uint256)", ["uint256"], [loan.loan_id], action)
        if not is_zero_address(terms.borrower) and terms.borrower != borrower:
            raise self._refuse("NotParty(address,address)", ["address", "address"], [borrower, terms.borrower], action)
        debt = loan.owed + accrued_interest(loan.owed_principal, loan.apr_ppm, REPAY_ALL_MARGIN_SECONDS)
        approval = None
        if terms.principal < debt:
            approval = self._chain.ensure_allowance(
                self._chain.erc20(loan.currency), str(self._desk.address), debt - terms.principal, action=action
            )
        call = self._desk.functions.refinance(loan.loan_id, terms.as_tuple(), bytes.fromhex(offer.signature[2:]))
        result, refinanced = self._chain.send_for_event(call, action, self._desk, "LoanRefinanced")
        return Refinancing(
            **result.model_dump(),
            loan_id=loan.loan_id,
            new_loan_id=int(refinanced["newLoanId"]),
            new_lender=str(refinanced["newLender"]),
            approval=approval,
        )

    # ------------------------------------------------------------------ enforcement

    def enforce(self, loan_id: int, *, start_price: Money, floor_price: Money) -> AuctionStarted:
        """The lender enforces loan ``loan_id`` after maturity plus grace (or restarts an auction that ended
        without a bid): a Dutch auction of the collateral falling from ``start_price`` to ``floor_price`` (whole
        units of the loan's currency) over the terms' auction duration."""
        action = "enforce loan"
        loan = self._open_loan(loan_id, action)
        self._require_lender(loan, action)
        start = parse_units(start_price, loan.currency_decimals, what="field 'start_price'")
        floor = parse_units(floor_price, loan.currency_decimals, what="field 'floor_price'")
        if start == 0 or start < floor:
            raise self._refuse("InvalidAuction(uint256,uint256)", ["uint256", "uint256"], [start, floor], action)
        now = self._chain.chain_time()
        if loan.state is LoanState.ACTIVE and now < int(loan.enforceable_at.timestamp()):
            enforceable = int(loan.enforceable_at.timestamp())
            raise self._refuse(
                "NotYetEnforceable(uint256,uint256)", ["uint256", "uint256"], [loan.loan_id, enforceable], action
            )
        if (
            loan.state is LoanState.AUCTION
            and loan.auction_ends_at is not None
            and now < loan.auction_ends_at.timestamp()
        ):
            ends = int(loan.auction_ends_at.timestamp())
            raise self._refuse("AuctionRunning(uint256,uint256)", ["uint256", "uint256"], [loan.loan_id, ends], action)
        self._check_saleable(loan, action)
        result, started = self._chain.send_for_event(
            self._desk.functions.enforce(loan.loan_id, start, floor), action, self._desk, "AuctionStarted"
        )
        return AuctionStarted(
            **result.model_dump(),
            loan_id=loan.loan_id,
            start_price=int(started["startPrice"]),
            floor_price=int(started["floorPrice"]),
            ends_at=_time(int(started["endsAt"])),
            debt=int(started["debt"]),
        )

    def bid(self, loan_id: int, *, max_price: Money) -> CollateralSold:
        """The signer buys the collateral of loan ``loan_id`` at the auction's current price, if not above
        ``max_price`` (whole units of the loan's currency); the price paid is approved first (the price only
        falls, so the price at the next block is at most the one read now)."""
        action = "bid at loan auction"
        loan = self.get(loan_id)
        if loan.state is not LoanState.AUCTION:
            raise self._refuse(
                "WrongState(uint256,uint8)",
                ["uint256", "uint8"],
                [loan.loan_id, list(LoanState).index(loan.state)],
                action,
            )
        limit = parse_units(max_price, loan.currency_decimals, what="field 'max_price'")
        price = int(loan.current_price or 0)
        if price > limit:
            raise self._refuse("PriceAboveLimit(uint256,uint256)", ["uint256", "uint256"], [price, limit], action)
        self._check_saleable(loan, action)
        desk = str(self._desk.address)
        self._require_balance(loan.currency, price, action)
        approval = self._chain.ensure_allowance(self._chain.erc20(loan.currency), desk, price, action=action)
        with self._chain.paying(loan.currency, desk, price):
            result, sold = self._chain.send_for_event(
                self._desk.functions.bid(loan.loan_id, limit), action, self._desk, "CollateralSold"
            )
        return CollateralSold(
            **result.model_dump(),
            loan_id=loan.loan_id,
            buyer=str(sold["buyer"]),
            price=int(sold["price"]),
            to_lender=int(sold["toLender"]),
            to_borrower=int(sold["toBorrower"]),
            shortfall=int(sold["shortfall"]),
            approval=approval,
        )

    def foreclose(self, loan_id: int) -> LoanChanged:
        """The lender takes the collateral of loan ``loan_id`` after an auction ended without a bid, where the terms
        allow foreclosure (never under CN law)."""
        action = "foreclose loan"
        loan = self.get(loan_id)
        self._require_lender(loan, action)
        if loan.state is not LoanState.AUCTION:
            raise self._refuse(
                "WrongState(uint256,uint8)",
                ["uint256", "uint8"],
                [loan.loan_id, list(LoanState).index(loan.state)],
                action,
            )
        if not loan.foreclosure:
            raise self._refuse("ForeclosureNotAllowed(uint256)", ["uint256"], [loan.loan_id], action)
        if loan.auction_ends_at is not None and self._chain.chain_time() < loan.auction_ends_at.timestamp():
            ends = int(loan.auction_ends_at.timestamp())
            raise self._refuse("AuctionRunning(uint256,uint256)", ["uint256", "uint256"], [loan.loan_id, ends], action)
        self._check_saleable(loan, action)
        result = self._chain.send(self._desk.functions.foreclose(loan.loan_id), action)
        return LoanChanged(**result.model_dump(), loan_id=loan.loan_id, state=LoanState.FORECLOSED)

    def record_loss(self, loan_id: int) -> LoanChanged:
        """Records (anyone may) that a registrar's act took the collateral of loan ``loan_id`` from the pledge (a
        forced transfer, a revocation, a supersession): the loan becomes ``lost``, its debt unsecured."""
        action = "record loss of collateral"
        loan = self._open_loan(loan_id, action)
        if not loan.collateral_status.lost:
            raise self._refuse("CollateralHeld(uint256)", ["uint256"], [loan.loan_id], action)
        result = self._chain.send(self._desk.functions.recordLoss(loan.loan_id), action)
        return LoanChanged(**result.model_dump(), loan_id=loan.loan_id, state=LoanState.LOST)

    def register_pledge(self, loan_id: int, registration: str) -> PledgeRegistration:
        """Records the office's registration of loan ``loan_id``'s pledge (a CNIPA pledge registration number, a
        USPTO reel/frame), as its lender or borrower."""
        action = "register pledge"
        text = registration.strip()
        if not text:
            raise InvalidInputError("field 'registration': give the office's pledge registration number")
        loan = self.get(loan_id)
        signer = self._chain.signer.address
        if signer not in (loan.lender, loan.borrower):
            raise self._refuse("NotLoanParty(uint256,address)", ["uint256", "address"], [loan.loan_id, signer], action)
        result = self._chain.send(self._desk.functions.registerPledge(loan.loan_id, text), action)
        return PledgeRegistration(**result.model_dump(), loan_id=loan.loan_id, registration=text, by=signer)

    def withdraw(self, currency: str | None = None) -> Withdrawal:
        """Takes what the desk holds for the signer in ``currency`` (an ERC-20 or share token, address or name;
        default: the deployment's stablecoin): a payment whose token refused to deliver it (a blocklist, a
        receiver's hook) and shares a restricted token refused to return are credited here instead of blocking the
        repayment, sale or release (docs/financing.md, "Credits")."""
        action = "withdraw from the loan desk"
        token = self.currency(currency).address
        signer = self._chain.signer.address
        if self.credited(signer, token).amount == 0:
            raise self._refuse("NothingToWithdraw(address,address)", ["address", "address"], [signer, token], action)
        result, args = self._chain.send_for_event(self._desk.functions.withdraw(token), action, self._desk, "Withdrawn")
        return Withdrawal(**result.model_dump(), account=signer, token=token, amount=int(args["amount"]))

    # ------------------------------------------------------------------ reading

    def get(self, loan_id: int, *, block: int | None = None) -> Loan:
        """Loan ``loan_id`` as of ``block`` (default: the latest): its terms and state, what it owes then, the
        auction's prices, its pledge registrations and the collateral's status in the registry
        (:class:`~ipledger.UnknownRecordError` when there is none)."""
        desk = self._desk
        at = self._chain.head() if block is None else block
        loan_id = int(loan_id)
        raw = self._chain.read(desk.functions.loanOf(loan_id), "read loan", block=at)
        (state_value, lender, borrower, collateral, _collateral_id, amount, right_id, currency, principal, interest,
         apr, started, accrued, maturity, grace, auction, foreclosure, law, costs, agreement, start_price,
         floor_price, auction_start) = tuple(raw)  # fmt: skip
        state = LoanState.from_chain(state_value)
        owed_principal, owed_interest, owed_costs = (
            int(value) for value in self._chain.read(desk.functions.owed(loan_id), "read loan", block=at)
        )
        current = None
        if state is LoanState.AUCTION:
            current = int(self._chain.read(desk.functions.currentPrice(loan_id), "read loan", block=at))
        info = self._ledger.payments.token_info(str(currency))
        is_right = str(collateral) == self._chain.registry_address
        opened = self._logs("LoanOpened", [_topic(loan_id)], at)
        registrations = self._registrations(loan_id, at)
        now = self._chain.block_time(at)
        started_auction = int(auction_start)
        return Loan(
            loan_id=loan_id,
            state=state,
            lender=str(lender),
            borrower=str(borrower),
            collateral=str(collateral),
            collateral_kind="right" if is_right else "shares",
            collateral_amount=int(amount),
            right_id=int(right_id),
            right_id_hex=hex(int(right_id)),
            currency=info.address,
            currency_symbol=info.symbol,
            currency_decimals=info.decimals,
            principal=int(principal),
            interest=int(interest),
            apr_ppm=int(apr),
            apr_percent=ppm_to_apr(int(apr)),
            owed_principal=owed_principal,
            owed_interest=owed_interest,
            owed_costs=owed_costs,
            owed=owed_principal + owed_interest + owed_costs,
            started_at=_time(started),
            accrued_at=_time(accrued),
            maturity=_time(maturity),
            grace_period=int(grace),
            enforceable_at=_time(int(maturity) + int(grace)),
            auction_duration=int(auction),
            foreclosure=bool(foreclosure),
            governing_law=bytes(law).decode("ascii", "replace"),
            costs=int(costs),
            agreement_hash="0x" + bytes(agreement).hex(),
            start_price=int(start_price) if started_auction else None,
            floor_price=int(floor_price) if started_auction else None,
            auction_started_at=_time(started_auction) if started_auction else None,
            auction_ends_at=_time(started_auction + int(auction)) if started_auction else None,
            current_price=current,
            terms_hash=None if not opened else "0x" + opened[0]["data"][2:][7 * 64 : 8 * 64],
            pledge_registrations=registrations,
            collateral_status=self._collateral_status(
                int(right_id), is_right, str(borrower), state, str(collateral), at
            ),
            as_of_block=at,
            as_of=_time(now),
        )

    def credited(self, account: str | None = None, currency: str | None = None) -> Credit:
        """What the desk holds for ``account`` (default: the signer) in ``currency`` (an ERC-20 or share token;
        default: the stablecoin): :meth:`withdraw` takes it."""
        holder = self._chain.signer.address if account is None else self._chain.address_of(account)
        info = self.currency(currency)
        amount = int(self._chain.read(self._desk.functions.credited(holder, info.address), "read loan desk credit"))
        return Credit(account=holder, token=info.address, symbol=info.symbol, decimals=info.decimals, amount=amount)

    def list(
        self,
        *,
        lender: str | None = None,
        borrower: str | None = None,
        right: int | str | None = None,
        state: LoanState | str | None = None,
    ) -> LoanList:
        """The desk's loans, oldest first, from its ``LoanOpened`` logs: those of ``lender``, ``borrower``, the right
        ``right`` (a token id or official number: pledged itself or through its shares) and in ``state``."""
        head = self._chain.head()
        topics: builtins.list[Any] = [None, None, None]
        if right is not None:
            topics[1] = _topic(self._chain.resolve(right))
        if lender is not None:
            topics[2] = _topic(self._chain.address_of(lender))
        wanted_borrower = None if borrower is None else self._chain.address_of(borrower).lower()
        wanted_state = None if state is None else LoanState(state)
        loans = []
        for log in self._logs("LoanOpened", topics, head):
            if wanted_borrower is not None and "0x" + log["data"][2:][24:64] != wanted_borrower:
                continue
            loan = self.get(int(log["topics"][1], 16), block=head)
            if wanted_state is None or loan.state is wanted_state:
                loans.append(loan)
        return LoanList(loans=loans)

    def requests(self, *, borrower: str | None = None) -> builtins.list[LoanRequested]:
        """The requests published on the desk (by ``borrower``, when given), oldest first, whether or not they are
        still open."""
        topics: builtins.list[Any] = [
            None,
            None,
            None if borrower is None else _topic(self._chain.address_of(borrower)),
        ]
        found = []
        for log in self._logs("LoanRequested", topics, self._chain.head()):
            (fields,) = decode([_TERMS_ABI], bytes.fromhex(log["data"][2:]))
            found.append(
                LoanRequested(
                    tx_hash=log["transactionHash"],
                    block=int(log["blockNumber"], 16),
                    gas_used=0,
                    terms=LoanTerms.from_chain(fields),
                    terms_hash=log["topics"][1],
                    right_id=int(log["topics"][2], 16),
                )
            )
        return found

    # ------------------------------------------------------------------ private

    def _logs(self, event: str, topics: builtins.list[Any], to_block: int) -> builtins.list[dict[str, Any]]:
        selected = [_TOPICS[event], *topics]
        while selected and selected[-1] is None:
            selected.pop()
        return fetch_logs(
            self._chain.rpc,
            address=str(self._desk.address),
            topics=selected,
            from_block=self._chain.deployment_block,
            to_block=to_block,
        )

    def _registrations(self, loan_id: int, block: int) -> builtins.list[PledgeRegistration]:
        found = []
        for log in self._logs("PledgeRegistered", [_topic(loan_id)], block):
            (text,) = decode(["string"], bytes.fromhex(log["data"][2:]))
            found.append(
                PledgeRegistration(
                    tx_hash=log["transactionHash"],
                    block=int(log["blockNumber"], 16),
                    gas_used=0,
                    loan_id=loan_id,
                    registration=str(text),
                    by=to_checksum_address("0x" + log["topics"][3][-40:]),
                )
            )
        return found

    def _collateral_status(
        self, right_id: int, is_right: bool, borrower: str, state: LoanState, collateral: str, block: int
    ) -> CollateralStatus:
        """The right's record now (numbers, title, freeze, dispute, pledge, expiry) and whether the pledge is lost."""
        base: dict[str, Any] = {"right_id": right_id, "right_id_hex": hex(right_id)}
        try:
            record = self._ledger.rights.get(right_id)
        except (NotFoundError, IPLedgerError):
            return CollateralStatus(**base, lost=is_right and state in _OPEN_STATES)
        revoked = record.status not in (RightStatus.ACTIVE, RightStatus.FROZEN, RightStatus.EXPIRED)
        if is_right:
            pledged = record.pledged and record.owner == borrower and not revoked
        else:
            balance = int(
                self._chain.read(
                    self._chain.erc20(collateral).functions.balanceOf(self._desk.address), "read", block=block
                )
            )
            pledged = state in _OPEN_STATES and balance > 0
        lapsed = self._lapsed(right_id, block)
        return CollateralStatus(
            **base,
            number=record.numbers[0] if record.numbers else None,
            title=record.title,
            jurisdiction=record.jurisdiction,
            owner=record.owner,
            status=record.status,
            frozen=record.status is RightStatus.FROZEN,
            disputed=record.dispute_locked,
            pledged=pledged if state in _OPEN_STATES else record.pledged,
            expired=record.status is RightStatus.EXPIRED,
            lapsed_attestation=lapsed,
            lapsed=lapsed is not None,
            lost=is_right and state in _OPEN_STATES and not pledged,
        )

    def _lapsed(self, right_id: int, block: int) -> int | None:
        """The id of a valid ``LAPSED`` attestation of the right at ``block`` (None without one, or without an
        attestation registry attached)."""
        try:
            attestations = self._ledger.attestations.of(right_id, block=block)
        except IPLedgerError:
            return None
        return next((item.attestation_id for item in attestations if item.claim_type == "LAPSED" and item.valid), None)

    def _open_loan(self, loan_id: int, action: str) -> Loan:
        """Loan ``loan_id``, refused unless active or at auction."""
        loan = self.get(loan_id)
        if loan.state not in _OPEN_STATES:
            raise self._refuse(
                "WrongState(uint256,uint8)",
                ["uint256", "uint8"],
                [loan.loan_id, list(LoanState).index(loan.state)],
                action,
            )
        return loan

    def _require_balance(self, currency: str, needed: int, action: str) -> None:
        """The signer holds ``needed`` of ``currency`` (else the token's own refusal, before any approval)."""
        payer = self._chain.signer.address
        balance = int(self._chain.read(self._chain.erc20(currency).functions.balanceOf(payer), action))
        if balance < needed:
            raise self._refuse(
                "ERC20InsufficientBalance(address,uint256,uint256)",
                ["address", "uint256", "uint256"],
                [payer, balance, needed],
                action,
            )

    def _require_lender(self, loan: Loan, action: str) -> None:
        if self._chain.signer.address != loan.lender:
            raise self._refuse(
                "NotLender(uint256,address)", ["uint256", "address"], [loan.loan_id, loan.lender], action
            )

    def _check_saleable(self, loan: Loan, action: str) -> None:
        """What stops a sale or a foreclosure: the collateral lost, frozen or disputed."""
        status = loan.collateral_status
        if loan.collateral_kind == "right":
            if status.lost:
                raise self._refuse("WrongState(uint256,uint8)", ["uint256", "uint8"], [loan.loan_id, 7], action)
            if status.frozen:
                raise self._refuse("CollateralFrozen(uint256)", ["uint256"], [loan.right_id], action)
            if status.disputed:
                raise self._refuse("CollateralDisputed(uint256)", ["uint256"], [loan.right_id], action)

    def _check_offer(self, offer: SignedLoanOffer, action: str) -> None:
        """The offer is for this chain and desk, signed by its lender, unexpired and unspent."""
        desk = str(self._desk.address)
        if offer.chain_id != self._chain.chain_id or offer.desk != desk:
            raise InvalidInputError(
                f"field 'offer': it is for the desk {offer.desk} on chain {offer.chain_id}, not {desk} on chain "
                f"{self._chain.chain_id}"
            )
        digest = self.terms_hash(offer.terms)
        if digest != offer.terms_hash or self._recover(offer) != offer.terms.lender:
            raise self._refuse("InvalidSignature(bytes32)", ["bytes32"], [bytes.fromhex(digest[2:])], action)
        self._check_available(offer.terms, offer.terms.lender, requested=False, action=action)

    def _recover(self, offer: SignedLoanOffer) -> str | None:
        """The EOA whose signature the offer carries (``None`` when it recovers none: a contract lender's ERC-1271
        signature is left to the desk)."""
        try:
            return str(
                Account.recover_message(self._signable(offer.terms), signature=bytes.fromhex(offer.signature[2:]))
            )
        except (BadSignature, ValidationError, ValueError):
            return None

    def _requested(self, digest: str) -> bool:
        """Whether the terms ``digest`` were published as a request (the desk keeps their status private)."""
        return bool(self._logs("LoanRequested", [digest], self._chain.head()))

    def _check_available(self, terms: LoanTerms, party: str, *, requested: bool, action: str) -> None:
        """Unexpired and at or above ``party``'s nonce floor (the desk tells spent terms itself)."""
        digest = bytes.fromhex(self.terms_hash(terms)[2:])
        if self._chain.chain_time() > terms.expiry:
            raise self._refuse("TermsExpired(bytes32,uint256)", ["bytes32", "uint256"], [digest, terms.expiry], action)
        floor = int(self._chain.read(self._desk.functions.minNonce(party), "read nonce"))
        hex_digest = "0x" + digest.hex()
        if terms.nonce < floor or (requested and not self._requested(hex_digest)) or self._spent(hex_digest):
            raise self._refuse("TermsNotAvailable(bytes32)", ["bytes32"], [digest], action)

    def _spent(self, digest: str) -> bool:
        """Whether the terms ``digest`` were cancelled or accepted (a ``TermsCancelled`` log, or a ``LoanOpened``
        naming them)."""
        head = self._chain.head()
        if self._logs("TermsCancelled", [digest], head):
            return True
        return any(log["data"][2:][7 * 64 : 8 * 64] == digest[2:] for log in self._logs("LoanOpened", [], head))

    def _check_collateral(self, terms: LoanTerms, borrower: str, action: str) -> None:
        """``borrower`` holds the collateral: the right, neither frozen, disputed nor pledged already; or the
        shares."""
        if terms.collateral == self._chain.registry_address:
            token = terms.collateral_id
            record = self._chain.read(self._chain.registry.functions.recordOf(token), action)
            owner, status, disputed, pledged = str(record[0]), int(record[5]), bool(record[7]), bool(record[8])
            if owner != borrower:
                raise self._refuse(
                    "NotCollateralHolder(address,uint256)", ["address", "uint256"], [borrower, token], action
                )
            if record[6]:
                raise self._refuse("CollateralUnverified(uint256)", ["uint256"], [token], action)
            if status == _FROZEN_STATUS:
                raise self._refuse("CollateralFrozen(uint256)", ["uint256"], [token], action)
            if disputed:
                raise self._refuse("CollateralDisputed(uint256)", ["uint256"], [token], action)
            if pledged:
                raise self._refuse("RightPledged(uint256)", ["uint256"], [token], action)
            return
        share = self._chain.erc20(terms.collateral)
        balance = int(self._chain.read(share.functions.balanceOf(borrower), action))
        if balance < terms.collateral_amount:
            raise self._refuse(
                "InsufficientBalance(uint256,uint256)",
                ["uint256", "uint256"],
                [balance, terms.collateral_amount],
                action,
            )

    def _requested_terms(self, request: LoanRequested | LoanTerms | str) -> LoanTerms:
        if isinstance(request, LoanRequested):
            return request.terms
        if isinstance(request, LoanTerms):
            return request
        digest = request.strip().lower()
        logs = self._logs("LoanRequested", [digest], self._chain.head())
        if not logs:
            raise NotFoundError(f"no loan request {request} was published on the desk {self._desk.address}")
        (fields,) = decode([_TERMS_ABI], bytes.fromhex(logs[-1]["data"][2:]))
        return LoanTerms.from_chain(fields)

    def _refuse(
        self, signature: str, types: builtins.list[str], values: builtins.list[Any], action: str
    ) -> IPLedgerError:
        return self._chain.refuse(signature, types, values, action)
