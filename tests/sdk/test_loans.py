"""``ledger.loans`` on the session anvil: offers and requests, acceptance, exact interest, repayment, refinancing,
enforcement by auction, foreclosure, loss of collateral, pledge registrations, and the refusals said before sending.

The collateral is a Chinese invention (``ZL 2020 1 …``) held by dev1; dev2 lends tUSD (6 decimals)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from cn_support import chinese_bundle, cn_invention
from eth_account import Account
from ipledger import (
    ComplianceError,
    InsufficientBalanceError,
    InvalidInputError,
    InvalidSignatureError,
    IPMetadata,
    Ledger,
    LoanError,
    LoanState,
    LoanStateError,
    NotYetEnforceableError,
    OrderError,
    RightDisputedError,
    RightPledgedError,
    SignedLoanOffer,
    Signer,
    TokenFrozenError,
    UnauthorizedError,
    UnknownRecordError,
    accrued_interest,
    parse_number,
)
from share_support import USD, advance_time

_serials = itertools.count(random.SystemRandom().randrange(1_000_000, 8_000_000, 10_000) + 5_000)
DAY = 86_400
AGREEMENT = "Loan and pledge agreement 2026-19, Shanghai"


@pytest.fixture
def cn_right(ledger: Ledger, tmp_path: Path) -> Callable[..., tuple[int, str]]:
    """Registers a fresh CN invention to ``owner`` (dev1 by default): its token id and application number."""

    def register(owner: str = "dev1") -> tuple[int, str]:
        application, publication, _ = cn_invention(next(_serials))
        metadata = IPMetadata(
            title="一种固态电池电极及其制备方法",
            kind="patent",
            number=application,
            numbers=(publication,),
            inventors=("李伟", "张敏"),
            assignee="上海某某新能源科技有限公司",
            filing_date="2020-02-12",
        )
        result = ledger.register(metadata, chinese_bundle(tmp_path / application.replace(" ", ""), "loan"), to=owner)
        return result.token_id, application

    return register


@pytest.fixture
def funded(ledger: Ledger) -> Callable[[str, int], None]:
    def fund(account: str, whole: int) -> None:
        ledger.payments.mint_test_stablecoin(account, whole * USD)

    return fund


def _offer(lender: Ledger, right: int | str, **changes: object) -> SignedLoanOffer:
    terms: dict[str, object] = {
        "principal": "1000",
        "apr": Decimal("12.5"),
        "interest": "10",
        "duration": "180d",
        "grace": "10d",
        "auction": "2d",
        "agreement": AGREEMENT,
        "governing_law": "CN",
        **changes,
    }
    return lender.loans.offer(right, **terms)  # type: ignore[arg-type]


def _tusd(ledger: Ledger, account: str) -> int:
    return ledger.payments.balance(None, account)


@pytest.mark.anvil
def test_an_offer_accepted_pledges_the_chinese_patent_and_repaid_in_full_releases_it(
    ledger: Ledger, cn_right: Callable[..., tuple[int, str]], funded: Callable[[str, int], None]
) -> None:
    token, application = cn_right()
    lender, borrower = ledger.use("dev2"), ledger.use("dev1")
    funded("dev2", 5_000)
    offer = _offer(lender, application)
    # The offer travels as JSON; its hash is the desk's.
    offer = SignedLoanOffer.model_validate_json(offer.model_dump_json())
    assert (
        offer.terms_hash
        == "0x" + bytes(ledger.contracts.loans.functions.hashTerms(offer.terms.as_tuple()).call()).hex()
    )
    assert offer.terms.apr_ppm == 125_000 and offer.terms.principal == 1_000 * USD and offer.right_id == token
    before = _tusd(ledger, borrower.signer.address)
    opened = borrower.loans.accept(offer)
    assert _tusd(ledger, borrower.signer.address) == before + 1_000 * USD
    loan = ledger.loans.get(opened.loan_id)
    assert loan.state is LoanState.ACTIVE and loan.collateral_kind == "right" and loan.right_id == token
    assert (loan.lender, loan.borrower) == (lender.signer.address, borrower.signer.address)
    assert loan.currency_symbol == "tUSD" and loan.governing_law == "CN" and loan.terms_hash == offer.terms_hash
    assert loan.collateral_status.number == parse_number(application).canonical
    assert loan.collateral_status.title == "一种固态电池电极及其制备方法"
    assert loan.collateral_status.pledged and not loan.collateral_status.lost
    assert ledger.rights.get(token).pledged
    assert (loan.maturity - loan.started_at).total_seconds() == 180 * DAY
    assert (loan.enforceable_at - loan.maturity).total_seconds() == 10 * DAY
    # Pledged in place: still dev1's, but it cannot move.
    with pytest.raises(RightPledgedError, match="RightPledged"):
        borrower.rights.transfer(token, "dev3")
    # A second pledge of the same right is refused before sending.
    funded("dev4", 5_000)
    with pytest.raises(RightPledgedError):
        borrower.loans.accept(_offer(ledger.use("dev4"), token))
    # Interest: the fixed 10 tUSD, plus 12.5 % a year by the second, rounded up.
    advance_time(ledger, 30 * DAY)
    loan = ledger.loans.get(opened.loan_id)
    elapsed = int((loan.as_of - loan.started_at).total_seconds())
    assert loan.owed_interest == 10 * USD + accrued_interest(1_000 * USD, 125_000, elapsed)
    assert loan.owed_interest == 10 * USD + -(-(1_000 * USD * 125_000 * elapsed) // (1_000_000 * 365 * DAY))
    # Anyone may repay; a payer without the money is refused before any approval (a new account: no gas needed).
    penniless = ledger.use(Signer(Account.create(), "penniless"))
    with pytest.raises(InsufficientBalanceError, match="ERC20InsufficientBalance"):
        penniless.loans.repay(opened.loan_id, "all")
    funded("dev1", 100)  # the interest
    lender_before, borrower_before = _tusd(ledger, lender.signer.address), _tusd(ledger, borrower.signer.address)
    repaid = borrower.loans.repay(opened.loan_id, "all")
    assert repaid.released and repaid.remaining == 0 and repaid.principal_paid == 1_000 * USD
    block_time = ledger.chain.block_time(repaid.block)
    expected_interest = 10 * USD + accrued_interest(1_000 * USD, 125_000, block_time - int(loan.started_at.timestamp()))
    assert repaid.interest_paid == expected_interest
    assert _tusd(ledger, lender.signer.address) == lender_before + 1_000 * USD + expected_interest
    assert _tusd(ledger, borrower.signer.address) == borrower_before - 1_000 * USD - expected_interest
    after = ledger.loans.get(opened.loan_id)
    assert after.state is LoanState.REPAID and not ledger.rights.get(token).pledged
    borrower.rights.transfer(token, "dev3")  # free again
    with pytest.raises(LoanStateError, match="repaid"):
        borrower.loans.repay(opened.loan_id, "1")


def test_a_partial_repayment_pays_interest_first(
    ledger: Ledger, cn_right: Callable[..., tuple[int, str]], funded: Callable[[str, int], None]
) -> None:
    token, _ = cn_right()
    funded("dev2", 5_000)
    opened = ledger.use("dev1").loans.accept(_offer(ledger.use("dev2"), token, apr="0", interest="25"))
    repaid = ledger.use("dev1").loans.repay(opened.loan_id, "100.5")
    assert (repaid.interest_paid, repaid.principal_paid) == (25 * USD, 75_500_000)
    assert not repaid.released and repaid.remaining == 1_000 * USD - 75_500_000
    # Anyone may pay; a zero or over-precise amount is refused before anything is sent.
    with pytest.raises(LoanError, match="ZeroRepayment"):
        ledger.use("dev2").loans.repay(opened.loan_id, "0")
    with pytest.raises(InvalidInputError, match="amount"):
        ledger.use("dev1").loans.repay(opened.loan_id, "1.0000001")
    assert ledger.loans.get(opened.loan_id).principal == 1_000 * USD - 75_500_000


def test_a_published_request_is_accepted_by_its_hash(
    ledger: Ledger, cn_right: Callable[..., tuple[int, str]], funded: Callable[[str, int], None]
) -> None:
    token, _ = cn_right()
    funded("dev2", 5_000)
    borrower = ledger.use("dev1")
    requested = borrower.loans.request(
        token, principal="500", apr="8", duration="90d", agreement=AGREEMENT, governing_law="HK", currency="tHKD"
    )
    assert requested.terms.lender == "0x" + "00" * 20 and requested.terms.apr_ppm == 80_000
    assert [found.terms_hash for found in ledger.loans.requests(borrower="dev1")][-1] == requested.terms_hash
    ledger.payments.mint_test_stablecoin("dev2", 1_000 * USD, currency="tHKD")
    opened = ledger.use("dev2").loans.accept_request(requested.terms_hash)
    loan = ledger.loans.get(opened.loan_id)
    assert loan.currency_symbol == "tHKD" and loan.lender == ledger.use("dev2").signer.address
    with pytest.raises(LoanError, match="TermsNotAvailable"):
        ledger.use("dev3").loans.accept_request(requested)


@pytest.mark.anvil
def test_enforcement_waits_for_maturity_and_grace_then_the_auction_sells_to_the_bidder(
    ledger: Ledger, cn_right: Callable[..., tuple[int, str]], funded: Callable[[str, int], None]
) -> None:
    token, _ = cn_right()
    funded("dev2", 5_000)
    funded("dev3", 5_000)
    lender = ledger.use("dev2")
    opened = ledger.use("dev1").loans.accept(
        _offer(lender, token, duration="30d", grace="5d", auction="1d", apr="0", interest="0", costs="20")
    )
    with pytest.raises(NotYetEnforceableError, match="NotYetEnforceable") as early:
        lender.loans.enforce(opened.loan_id, start_price="3000", floor_price="500")
    assert early.value.enforceable_at == int(ledger.loans.get(opened.loan_id).enforceable_at.timestamp())
    with pytest.raises(UnauthorizedError, match="NotLender"):
        ledger.use("dev3").loans.enforce(opened.loan_id, start_price="3000", floor_price="500")
    advance_time(ledger, 36 * DAY)
    started = lender.loans.enforce(opened.loan_id, start_price="3000", floor_price="500")
    assert started.debt == 1_020 * USD  # principal and the agreed costs
    with pytest.raises(LoanError, match="PriceAboveLimit"):
        ledger.use("dev3").loans.bid(opened.loan_id, max_price="100")
    advance_time(ledger, DAY // 2)
    loan = ledger.loans.get(opened.loan_id)
    assert loan.state is LoanState.AUCTION and 500 * USD < (loan.current_price or 0) < 3_000 * USD
    borrower_before = _tusd(ledger, "dev1")
    sold = ledger.use("dev3").loans.bid(opened.loan_id, max_price="3000")
    assert sold.to_lender == 1_020 * USD and sold.to_borrower == sold.price - 1_020 * USD and sold.shortfall == 0
    assert _tusd(ledger, "dev1") == borrower_before + sold.to_borrower
    assert ledger.rights.get(token).owner == ledger.use("dev3").signer.address
    assert ledger.loans.get(opened.loan_id).state is LoanState.SOLD


@pytest.mark.anvil
def test_foreclosure_is_refused_under_prc_law_and_taken_where_the_terms_allow_it(
    ledger: Ledger, cn_right: Callable[..., tuple[int, str]], funded: Callable[[str, int], None]
) -> None:
    token, _ = cn_right()
    funded("dev2", 5_000)
    lender = ledger.use("dev2")
    with pytest.raises(InvalidInputError, match=r"Civil Code art\. 428"):
        _offer(lender, token, foreclosure=True)
    opened = ledger.use("dev1").loans.accept(
        _offer(lender, token, foreclosure=True, governing_law="HK", duration="1d", grace="0s", auction="1h")
    )
    advance_time(ledger, DAY + 1)
    lender.loans.enforce(opened.loan_id, start_price="2000", floor_price="1500")
    with pytest.raises(LoanStateError, match="AuctionRunning"):
        lender.loans.foreclose(opened.loan_id)
    advance_time(ledger, 3_601)
    lender.loans.foreclose(opened.loan_id)
    assert ledger.loans.get(opened.loan_id).state is LoanState.FORECLOSED
    assert ledger.rights.get(token).owner == lender.signer.address and not ledger.rights.get(token).pledged


def test_a_refinancing_pays_the_old_lender_and_keeps_the_pledge(
    ledger: Ledger, cn_right: Callable[..., tuple[int, str]], funded: Callable[[str, int], None]
) -> None:
    token, _ = cn_right()
    funded("dev2", 5_000)
    funded("dev4", 5_000)
    borrower = ledger.use("dev1")
    opened = borrower.loans.accept(_offer(ledger.use("dev2"), token, apr="0", interest="50"))
    old_lender_before = _tusd(ledger, "dev2")
    refinanced = borrower.loans.refinance(opened.loan_id, _offer(ledger.use("dev4"), token, principal="1200"))
    assert _tusd(ledger, "dev2") == old_lender_before + 1_050 * USD
    assert ledger.loans.get(opened.loan_id).state is LoanState.REFINANCED
    new = ledger.loans.get(refinanced.new_loan_id)
    assert new.state is LoanState.ACTIVE and new.lender == ledger.use("dev4").signer.address
    assert ledger.rights.get(token).pledged
    other, _ = cn_right()
    with pytest.raises(LoanError, match="CollateralMismatch"):
        borrower.loans.refinance(refinanced.new_loan_id, _offer(ledger.use("dev4"), other))


def test_pledge_registrations_and_the_list_by_party_right_and_state(
    ledger: Ledger, cn_right: Callable[..., tuple[int, str]], funded: Callable[[str, int], None]
) -> None:
    token, application = cn_right()
    funded("dev5", 5_000)
    opened = ledger.use("dev1").loans.accept(_offer(ledger.use("dev5"), token))
    registered = ledger.use("dev5").loans.register_pledge(opened.loan_id, "Y2026980012345")
    assert registered.registration == "Y2026980012345"
    loan = ledger.loans.get(opened.loan_id)
    assert [entry.registration for entry in loan.pledge_registrations] == ["Y2026980012345"]
    with pytest.raises(UnauthorizedError, match="NotLoanParty"):
        ledger.use("dev6").loans.register_pledge(opened.loan_id, "X")
    with pytest.raises(InvalidInputError, match="registration"):
        ledger.use("dev5").loans.register_pledge(opened.loan_id, "  ")
    assert [item.loan_id for item in ledger.loans.list(right=application).loans] == [opened.loan_id]
    assert opened.loan_id in [item.loan_id for item in ledger.loans.list(lender="dev5", state="active").loans]
    assert opened.loan_id in [item.loan_id for item in ledger.loans.list(borrower="dev1").loans]
    assert opened.loan_id not in [item.loan_id for item in ledger.loans.list(borrower="dev2").loans]
    assert ledger.loans.list(right=application, state=LoanState.REPAID).loans == []
    with pytest.raises(UnknownRecordError, match="UnknownLoan"):
        ledger.loans.get(10**9)


def test_a_forced_transfer_loses_the_collateral_and_anyone_records_it(
    ledger: Ledger, cn_right: Callable[..., tuple[int, str]], funded: Callable[[str, int], None]
) -> None:
    token, _ = cn_right()
    funded("dev2", 5_000)
    opened = ledger.use("dev1").loans.accept(_offer(ledger.use("dev2"), token))
    with pytest.raises(LoanStateError, match="CollateralHeld"):
        ledger.use("dev7").loans.record_loss(opened.loan_id)
    ledger.rights.force_transfer(token, "dev7", "Court order (2026) Hu 0115 Min Chu 1234")
    assert ledger.loans.get(opened.loan_id).collateral_status.lost
    ledger.use("dev7").loans.record_loss(opened.loan_id)
    assert ledger.loans.get(opened.loan_id).state is LoanState.LOST


@pytest.mark.anvil
def test_refusals_said_before_sending(
    ledger: Ledger, cn_right: Callable[..., tuple[int, str]], funded: Callable[[str, int], None]
) -> None:
    token, _ = cn_right()
    funded("dev2", 5_000)
    lender, borrower = ledger.use("dev2"), ledger.use("dev1")
    offer = _offer(lender, token)
    # Not the holder.
    with pytest.raises(UnauthorizedError, match="NotCollateralHolder"):
        ledger.use("dev3").loans.accept(offer)
    # Reserved to another borrower.
    with pytest.raises(UnauthorizedError, match="NotParty"):
        ledger.use("dev3").loans.accept(_offer(lender, token, borrower="dev1"))
    # Tampered: a larger principal under the same signature.
    forged = offer.model_copy(update={"terms": offer.terms.model_copy(update={"principal": 2_000 * USD})})
    with pytest.raises(InvalidSignatureError, match="InvalidSignature") as forged_error:
        borrower.loans.accept(forged)
    assert isinstance(forged_error.value, LoanError) and isinstance(forged_error.value, OrderError)
    # Expired terms.
    expiring = _offer(lender, token, expires_in="60s")
    advance_time(ledger, 120)
    with pytest.raises(LoanError, match="TermsExpired"):
        borrower.loans.accept(expiring)
    # Cancelled terms.
    lender.loans.cancel(offer)
    with pytest.raises(LoanError, match="TermsNotAvailable"):
        borrower.loans.accept(offer)
    # Frozen, then disputed collateral.
    fresh = _offer(lender, token)
    ledger.rights.freeze(token, "Freeze order 2026-7")
    with pytest.raises(TokenFrozenError, match="CollateralFrozen"):
        borrower.loans.accept(fresh)
    ledger.rights.unfreeze(token, "Lift order 2026-7")
    funded("dev8", 500)
    bond_token, bond, forfeit, lock = ledger.disputes.settings()
    ledger.disputes.set_settings(
        bond_token=bond_token, bond_amount=bond, forfeit_on_dismissal=forfeit, lock_transfers=True
    )
    try:
        ledger.use("dev8").disputes.open(token, evidence="Prior art: CN 1234567 A")
    finally:
        ledger.disputes.set_settings(
            bond_token=bond_token, bond_amount=bond, forfeit_on_dismissal=forfeit, lock_transfers=lock
        )
    with pytest.raises(RightDisputedError, match="CollateralDisputed"):
        borrower.loans.accept(fresh)


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("apr", "3.12345", "apr"),
        ("apr", "much", "apr"),
        ("principal", "12.3456789", "principal"),
        ("principal", "0", "principal"),
        ("duration", "180 days", "duration"),
        ("duration", "0d", "duration"),
        ("governing_law", "China", "governing_law"),
    ],
)
def test_bad_terms_name_the_field_before_signing(
    ledger: Ledger, cn_right: Callable[..., tuple[int, str]], field: str, value: str, match: str
) -> None:
    token, _ = cn_right()
    with pytest.raises(InvalidInputError, match=match):
        _offer(ledger.use("dev2"), token, **{field: value})


def test_shares_are_pledged_by_amount_and_held_by_the_desk(
    ledger: Ledger, cn_right: Callable[..., tuple[int, str]], funded: Callable[[str, int], None]
) -> None:
    token, _ = cn_right(owner="dev0")
    ledger.shares.fractionalize(token, "Electrode shares", "ELEC", 1_000 * 10**18, restricted=False)
    share = ledger.shares.token(token)
    ledger.shares.transfer(token, "dev1", 400 * 10**18)
    funded("dev2", 5_000)
    opened = ledger.use("dev1").loans.accept(_offer(ledger.use("dev2"), token, shares="250"))
    loan = ledger.loans.get(opened.loan_id)
    assert loan.collateral_kind == "shares" and loan.collateral == share and loan.collateral_amount == 250 * 10**18
    assert loan.right_id == token and loan.collateral_status.pledged
    assert ledger.shares.balance(token, str(ledger.contracts.loans.address)) == 250 * 10**18
    ledger.use("dev1").loans.repay(opened.loan_id)
    assert ledger.shares.balance(token, "dev1") == 400 * 10**18


def test_shares_a_restricted_token_refuses_to_return_are_credited_and_withdrawn(
    ledger: Ledger,
    investors: dict[str, str],
    cn_right: Callable[..., tuple[int, str]],
    funded: Callable[[str, int], None],
) -> None:
    """The borrower's verification is revoked while its shares are pledged: repayment in full still releases the
    loan, and the shares wait on the desk, credited, until the borrower may hold them again."""
    token, _ = cn_right(owner="dev1")
    borrower = ledger.use("dev1")
    borrower.shares.fractionalize(token, "Electrode shares (restricted)", "ELER", 1_000 * 10**18)
    share = ledger.shares.token(token)
    funded("dev2", 5_000)
    opened = borrower.loans.accept(_offer(ledger.use("dev2"), token, shares="250"))
    assert ledger.shares.balance(token, str(ledger.contracts.loans.address)) == 250 * 10**18
    ledger.compliance.revoke_identity("dev1", reason="KYC lapsed")
    try:
        funded("dev1", 100)
        repaid = borrower.loans.repay(opened.loan_id)
        assert repaid.released and ledger.loans.get(opened.loan_id).state is LoanState.REPAID
        assert ledger.shares.balance(token, "dev1") == 750 * 10**18
        credit = borrower.loans.credited(currency=share)
        assert (credit.account, credit.token, credit.amount) == (ledger.address_of("dev1"), share, 250 * 10**18)
        with pytest.raises(ComplianceError):
            borrower.loans.withdraw(share)
    finally:
        ledger.compliance.verify_investor("dev1", "US", evidence="KYC file of dev1, renewed")
    withdrawn = borrower.loans.withdraw(share)
    assert (withdrawn.token, withdrawn.amount) == (share, 250 * 10**18)
    assert ledger.shares.balance(token, "dev1") == 1_000 * 10**18
    assert borrower.loans.credited(currency=share).amount == 0
    with pytest.raises(LoanError, match="NothingToWithdraw"):
        borrower.loans.withdraw(share)


def test_a_self_declared_claim_is_refused_as_collateral_before_sending(
    ledger: Ledger, tmp_path: Path, funded: Callable[[str, int], None]
) -> None:
    application, publication, _ = cn_invention(next(_serials))
    metadata = IPMetadata(
        title="一种电池管理系统",
        kind="patent",
        number=application,
        numbers=(publication,),
        inventors=("王芳",),
        filing_date="2020-03-02",
    )
    claimant = ledger.use("dev3")
    token = claimant.rights.claim(metadata, chinese_bundle(tmp_path / "claim", "claim")).token_id
    funded("dev2", 5_000)
    with pytest.raises(LoanError, match="CollateralUnverified"):
        claimant.loans.accept(_offer(ledger.use("dev2"), token))


def test_a_right_an_attestor_marks_lapsed_shows_in_the_loan(
    ledger: Ledger, cn_right: Callable[..., tuple[int, str]], funded: Callable[[str, int], None]
) -> None:
    token, _ = cn_right()
    funded("dev2", 5_000)
    opened = ledger.use("dev1").loans.accept(_offer(ledger.use("dev2"), token))
    assert not ledger.loans.get(opened.loan_id).collateral_status.lapsed
    ledger.contracts.grant_role("attestor", "dev4")
    marked = ledger.use("dev4").attestations.attest(token, "LAPSED", evidence="CNIPA notice: annual fee unpaid")
    status = ledger.loans.get(opened.loan_id).collateral_status
    assert status.lapsed and status.lapsed_attestation == marked.attestation_id and status.pledged
    ledger.use("dev4").attestations.revoke(marked.attestation_id, reason="fee paid within the grace period")
    assert not ledger.loans.get(opened.loan_id).collateral_status.lapsed
