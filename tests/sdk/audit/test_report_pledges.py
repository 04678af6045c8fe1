"""Pledges in the audit report, in English, Simplified and Traditional Chinese: a Chinese patent pledged under a
registered pledge contract, one sold at the enforcement of its loan, shares pledged by a holder (reports built by
hand: no chain)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from ipledger import (
    AuditReport,
    CapTable,
    HistoryEvent,
    Holding,
    Pledge,
    RightKind,
    RightRecord,
    RightStatus,
    portfolio_rows,
)
from ipledger.audit._report import RightReport
from ipledger.audit._report_html import portfolio_table, report_html
from ipledger.audit._report_i18n import LANGS, parse_lang, translator
from ipledger.audit._report_sentences import describe_event, describe_pledge

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
DUE = dt.datetime(2026, 9, 30, 12, 0, tzinfo=dt.UTC)
BORROWER = "0x" + "11" * 20
LENDER = "0x" + "22" * 20
BUYER = "0x" + "33" * 20
DESK = "0x" + "de" * 20
TUSD = "0x" + "75" * 20
SHARES = "0x" + "5a" * 20
AGREEMENT = "0x" + "ab12cd34" + "00" * 28
REGISTRATION = "Y2026990000123"
ONE = 10**18


def _pledge(loan: int, token: int, **extra: object) -> Pledge:
    return Pledge.model_validate(
        {
            "loan_id": loan,
            "token_id": token,
            "token_id_hex": hex(token),
            "state": "active",
            "lender": LENDER,
            "borrower": BORROWER,
            "currency": TUSD,
            "principal": 1_000 * 10**6,
            "agreement_hash": AGREEMENT,
            "due": DUE,
            "opened_block": 7,
            "opened_at": NOW,
            **extra,
        }
    )


def _record(token: int, number: str, title: str, owner: str, pledges: list[Pledge], pledged: bool) -> RightRecord:
    return RightRecord(
        token_id=token,
        token_id_hex=hex(token),
        owner=owner,
        kind=RightKind.PATENT,
        jurisdiction="CN",
        status=RightStatus.ACTIVE,
        self_declared=False,
        registered_at=NOW,
        expiry=None,
        content_hash="0x" + "00" * 32,
        registrar=LENDER,
        registration_tx="0x" + "cd" * 32,
        registration_block=5,
        numbers=[number],
        title=title,
        pledged=pledged,
        pledges=pledges,
    )


def _right(record: RightRecord, cap_table: CapTable | None = None) -> RightReport:
    return RightReport(
        token_id=record.token_id,
        token_id_hex=record.token_id_hex,
        verdict="verified",
        checks=[],
        notices=[],
        record=record,
        owner=record.owner,
        custody=[],
        frozen=[],
        events=[],
        cap_table=cap_table,
    )


@pytest.fixture
def report() -> AuditReport:
    pledged = _record(
        1,
        "CN 202010123456.2",
        "一种固态电池电极及其制备方法",
        BORROWER,
        [_pledge(1, 1, registration=REGISTRATION)],
        True,
    )
    sold = _record(
        2,
        "CN 202120654321.0",
        "一种电池管理系统",
        BUYER,
        [_pledge(2, 2, state="sold", buyer=BUYER, price=2_000 * 10**6, closed_block=9, closed_at=NOW)],
        False,
    )
    share_pledge = _pledge(3, 3, share_token=SHARES, amount=600 * ONE)
    table = CapTable(
        token_id=3,
        token_id_hex="0x3",
        share_token=SHARES,
        name="专利份额",
        symbol="ZLS",
        decimals=18,
        restricted=False,
        total_supply=1_000 * ONE,
        block=9,
        holders=[
            Holding(account=DESK, balance=600 * ONE, frozen=0),
            Holding(account=BORROWER, balance=150 * ONE, frozen=0, pledged=600 * ONE),
            Holding(account=LENDER, balance=250 * ONE, frozen=0),
        ],
        loan_desk=DESK,
        pledges=[share_pledge],
    )
    shares = _record(3, "CN 202230000001.X", "一种储能装置", "0x" + "7a" * 20, [share_pledge], False)
    return AuditReport(
        scope="all",
        chain_id=31337,
        registry="0x" + "5f" * 20,
        block=9,
        block_time=NOW,
        verdict="verified",
        rights=[_right(pledged), _right(sold), _right(shares, table)],
    )


@pytest.mark.parametrize("lang", LANGS)
def test_a_pledged_right_says_to_whom_under_which_agreement_due_when(report: AuditReport, lang: str) -> None:
    t = translator(parse_lang(lang))
    page = report_html(report, parse_lang(lang))
    ET.fromstring(page.split("\n", 1)[1])  # still well-formed XML
    pledged = t(
        "status.pledged_registered",
        lender=LENDER[:6] + "…" + LENDER[-4:],
        agreement=AGREEMENT[:10] + "…",
        due="2026-09-30",
        registration=REGISTRATION,
    )
    assert pledged in page
    assert t("pledges.heading") in page and t("pledge.sold") in page
    sold = t(
        "status.pledge_sold",
        buyer=BUYER[:6] + "…" + BUYER[-4:],
        price="2,000,000,000 " + TUSD[:6] + "…" + TUSD[-4:],
        loan=2,
        date="2026-03-01",
        lender="",
        agreement="",
        due="",
    )
    assert sold in page
    shares = t(
        "status.shares_pledged",
        amount="600 ZLS",
        holder=BORROWER[:6] + "…" + BORROWER[-4:],
        lender=LENDER[:6] + "…" + LENDER[-4:],
        agreement=AGREEMENT[:10] + "…",
        due="2026-09-30",
    )
    assert shares in page and t("shares.pledged") in page and t("shares.desk_note") in page


@pytest.mark.parametrize("lang", LANGS)
def test_the_summary_table_shows_the_pledges(report: AuditReport, lang: str) -> None:
    t = translator(parse_lang(lang))
    rows = portfolio_rows(report)
    assert [row.pledged for row in rows] == [True, False, False]
    assert [len(row.pledges) for row in rows] == [1, 1, 1]
    table = ET.fromstring(portfolio_table(report, t).split("</h2>", 1)[1])
    cells = [["".join(cell.itertext()) for cell in row.iter("td")] for row in table.find("tbody") or []]
    assert REGISTRATION in cells[0][3] and t("status.active") in cells[0][3]
    assert BUYER[:6] in cells[1][3]


def test_the_pledge_sentences_in_three_languages() -> None:
    pledge = _pledge(1, 1, registration=REGISTRATION)
    said = {lang: describe_pledge(pledge, translator(lang)) for lang in LANGS}
    assert said["en"].startswith("pledged to 0x2222…2222 under agreement 0xab12cd34…, due 2026-09-30")
    assert said["zh-Hans"].startswith("已质押给 0x2222…2222，质押合同 0xab12cd34…，到期日 2026-09-30")
    assert said["zh-Hant"].startswith("已質押予 0x2222…2222，質押合約 0xab12cd34…，到期日 2026-09-30")
    assert all(REGISTRATION in sentence for sentence in said.values())


@pytest.mark.parametrize("lang", LANGS)
def test_every_loan_event_has_its_sentence(lang: str) -> None:
    t = translator(lang)
    base = {"block": 7, "timestamp": NOW, "tx_hash": "0x" + "ab" * 32, "log_index": 0, "loan_id": 1}
    events = [
        HistoryEvent(kind="pledge_locked", by=DESK, **base),
        HistoryEvent(
            kind="loan_opened",
            from_=LENDER,
            to=BORROWER,
            amount=10**9,
            payment_token=TUSD,
            agreement_hash=AGREEMENT,
            due=DUE,
            **base,
        ),
        HistoryEvent(
            kind="loan_opened",
            from_=LENDER,
            to=BORROWER,
            amount=10**9,
            agreement_hash=AGREEMENT,
            due=DUE,
            collateral_amount=600 * ONE,
            share_token=SHARES,
            symbol="ZLS",
            decimals=18,
            **base,
        ),
        HistoryEvent(kind="loan_repaid", from_=BORROWER, amount=5 * 10**8, interest=10**7, remaining=0, **base),
        HistoryEvent(kind="pledge_released", to=BORROWER, **base),
        HistoryEvent(kind="auction_started", by=LENDER, amount=2 * 10**9, floor_price=10**9, due=DUE, **base),
        HistoryEvent(kind="collateral_sold", to=BUYER, amount=2 * 10**9, surplus=10**9, shortfall=0, **base),
        HistoryEvent(kind="foreclosed", to=LENDER, **base),
        HistoryEvent(kind="loan_refinanced", to=LENDER, new_loan_id=2, **base),
        HistoryEvent(kind="collateral_lost", to=BUYER, **base),
        HistoryEvent(kind="pledge_registered", by=LENDER, registration=REGISTRATION, **base),
    ]
    sentences = [describe_event(event, t) for event in events]
    assert all("{" not in sentence and "None" not in sentence for sentence in sentences), sentences
    assert "0xab12cd34…" in sentences[1] and "2026-09-30" in sentences[1]
    assert "600 ZLS" in sentences[2] and REGISTRATION in sentences[-1]
