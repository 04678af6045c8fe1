"""The loan models' pure rules: an APR percent to parts per million exactly, durations, the desk's interest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from math import ceil

import pytest
from ipledger import InvalidInputError, LoanTerms, SignedLoanOffer, accrued_interest, apr_to_ppm, parse_loan_duration


@pytest.mark.parametrize(
    ("apr", "ppm"),
    [(Decimal("3.5"), 35_000), ("12.25", 122_500), ("0", 0), ("7%", 70_000), (5, 50_000), ("0.0001", 1)],
)
def test_an_apr_percent_becomes_parts_per_million_exactly(apr: Decimal | str | int, ppm: int) -> None:
    assert apr_to_ppm(apr) == ppm


@pytest.mark.parametrize("apr", ["3.12345", "0.00001", "-1", "x", "nan", 3.5, "500000"])
def test_an_apr_not_representable_exactly_is_refused_naming_the_field(apr: object) -> None:
    with pytest.raises(InvalidInputError, match="'apr'"):
        apr_to_ppm(apr)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("180d", 180 * 86_400),
        ("2w", 14 * 86_400),
        ("12h", 43_200),
        ("90s", 90),
        (dt.timedelta(days=1), 86_400),
        (60, 60),
    ],
)
def test_durations_are_whole_seconds(value: dt.timedelta | str | int, seconds: int) -> None:
    assert parse_loan_duration(value) == seconds


@pytest.mark.parametrize("value", ["180 days", "1.5d", "0d", "", dt.timedelta(milliseconds=5), "50000w"])
def test_bad_durations_are_refused_naming_the_field(value: dt.timedelta | str) -> None:
    with pytest.raises(InvalidInputError, match="'duration'"):
        parse_loan_duration(value)


def test_a_zero_grace_is_allowed_where_asked() -> None:
    assert parse_loan_duration("0s", field="grace", allow_zero=True) == 0


@pytest.mark.parametrize(
    ("principal", "ppm", "seconds"), [(1_000_000_000, 125_000, 2_592_000), (7, 1, 1), (10**24, 35_000, 31_536_000)]
)
def test_interest_is_the_desks_simple_interest_rounded_up(principal: int, ppm: int, seconds: int) -> None:
    exact = Decimal(principal) * ppm * seconds / (Decimal(1_000_000) * 365 * 86_400)
    assert accrued_interest(principal, ppm, seconds) == ceil(exact)
    assert accrued_interest(principal, 0, seconds) == 0 == accrued_interest(principal, ppm, 0)


def test_terms_and_offers_round_trip_through_json() -> None:
    terms = LoanTerms(
        lender="0x" + "11" * 20,
        collateral="0x" + "22" * 20,
        collateral_id=2**255,
        currency="0x" + "33" * 20,
        principal=10**30,
        duration=86_400,
        auction_duration=3_600,
        agreement_hash="0x" + "ab" * 32,
        governing_law="CN",
        expiry=2**40,
        nonce=5,
    )
    offer = SignedLoanOffer(
        terms=terms,
        signature="0x" + "00" * 65,
        terms_hash="0x" + "cd" * 32,
        right_id=2**255,
        chain_id=1,
        desk=terms.lender,
    )
    data = offer.model_dump(mode="json")
    assert data["terms"]["principal"] == str(10**30) and data["right_id"] == str(2**255)
    assert SignedLoanOffer.model_validate_json(offer.model_dump_json()) == offer
    assert LoanTerms.from_chain(terms.as_tuple()) == terms
    with pytest.raises(ValueError, match="governing_law"):
        LoanTerms.model_validate({**terms.model_dump(), "governing_law": "China"})
