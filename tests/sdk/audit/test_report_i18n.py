"""The report's words in English, Simplified and Traditional Chinese, its legend and its portfolio summary table
(no chain: the reports are built by hand)."""

from __future__ import annotations

import datetime as dt
import string
import xml.etree.ElementTree as ET
from typing import get_args

import pytest
from ipledger import (
    AuditReport,
    ClaimType,
    DisputeOutcome,
    DocumentRole,
    Exclusivity,
    HistoryEvent,
    Remedy,
    RightKind,
    RightRecord,
    RightStatus,
    portfolio_rows,
)
from ipledger.audit._report import RightReport
from ipledger.audit._report_html import FONT_FAMILIES, portfolio_table, report_html
from ipledger.audit._report_i18n import LANGS, MESSAGES, parse_lang, translator
from ipledger.audit._report_sentences import describe_event
from ipledger.audit._report_timeline import MARKERS, legend_html, marker_style
from ipledger.models._models import EventKind

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
VAULT = "0x" + "7a" * 20
HOLDER = "0x" + "11" * 20
CHECKS = ("registry_code", "custody", "shares", "status", "registration", "metadata", "documents", "content_key")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_exists_in_every_language_with_the_same_fields() -> None:
    english = MESSAGES["en"]
    for lang in LANGS:
        assert set(MESSAGES[lang]) == set(english), lang
        for key, template in MESSAGES[lang].items():
            assert template.strip() or key == "word.gap", (lang, key)
            assert _fields(template) == _fields(english[key]), (lang, key)


def test_every_value_the_report_names_has_words() -> None:
    keys = set(MESSAGES["en"])
    values = (
        [f"kind.{kind.value}" for kind in RightKind]
        + [f"status.{status.value}" for status in RightStatus]
        + [f"event.{kind}" for kind in get_args(EventKind)]
        + [f"role.{role.value}" for role in DocumentRole]
        + [f"exclusivity.{item.value}" for item in Exclusivity]
        + [f"claim.{item.value}" for item in ClaimType]
        + [f"outcome.{item.value}" for item in DisputeOutcome]
        + [f"remedy.{item.value}" for item in Remedy]
        + [f"check.{name}" for name in CHECKS]
    )
    assert [key for key in values if key not in keys] == []


@pytest.mark.parametrize(
    ("key", "hans", "hant"),
    [
        ("kind.patent", "专利", "專利"),
        ("kind.patent_application", "专利申请", "專利申請"),
        ("kind.utility_model", "实用新型", "實用新型"),
        ("kind.design", "外观设计", "外觀設計"),
        ("kind.trademark", "商标", "商標"),
        ("kind.copyright", "著作权", "著作權"),
        ("kind.trade_secret", "技术秘密", "技術秘密"),
        ("custody.holder", "权利人", "權利人"),
        ("event.assignment", "转让", "轉讓"),
        ("licences.heading", "许可", "許可"),
        ("status.frozen", "冻结", "凍結"),
        ("status.revoked", "撤销", "撤銷"),
    ],
)
def test_proper_terms_in_both_scripts(key: str, hans: str, hant: str) -> None:
    assert hans in MESSAGES["zh-Hans"][key] and hant in MESSAGES["zh-Hant"][key]


def test_a_sentence_for_every_event_kind_in_every_language() -> None:
    for lang in LANGS:
        t = translator(lang)
        for kind in get_args(EventKind):
            event = HistoryEvent(
                kind=kind, block=1, timestamp=NOW, tx_hash="0x" + "ab" * 32, log_index=0, to=HOLDER, by=HOLDER
            )
            sentence = describe_event(event, t)
            assert sentence and "_" not in sentence, (lang, kind, sentence)


def test_languages_are_parsed_and_hong_kong_reads_traditional_chinese() -> None:
    assert [parse_lang(tag) for tag in ("en", "ZH-hans", "zh_Hant", "zh-CN", "zh-HK", "zh-TW")] == [
        "en",
        "zh-Hans",
        "zh-Hant",
        "zh-Hans",
        "zh-Hant",
        "zh-Hant",
    ]
    with pytest.raises(ValueError, match="no report language"):
        parse_lang("fr")


def test_the_legend_shows_every_marker_the_timeline_can_draw() -> None:
    for lang in LANGS:
        t = translator(lang)
        legend = ET.fromstring(legend_html(t))
        listed = {kind for span in legend.iter("span") for kind in (span.get("data-kinds") or "").split()}
        assert listed == set(get_args(EventKind)), lang
        drawn = {
            (shape.get("data-kind") or "")
            for svg in legend.iter("{http://www.w3.org/2000/svg}svg")
            for shape in svg
            if shape.get("data-kind")
        }
        assert {marker_style(kind) for kind in drawn} == {marker_style(kind) for kind in get_args(EventKind)}
        text = "".join(legend.itertext())
        assert all(t(f"event.{kind}") in text for kind in get_args(EventKind)), lang
    assert set(MARKERS) <= set(get_args(EventKind))


def _record(token: int, number: str, title: str | None, owner: str, **extra: object) -> RightRecord:
    return RightRecord(
        token_id=token,
        token_id_hex=hex(token),
        owner=owner,
        kind=RightKind.PATENT,
        jurisdiction="CN",
        status=extra.pop("status", RightStatus.ACTIVE),
        self_declared=False,
        registered_at=NOW,
        expiry=None,
        content_hash="0x" + "00" * 32,
        registrar=HOLDER,
        registration_tx="0x" + "cd" * 32,
        registration_block=5,
        numbers=[number],
        title=title,
        **extra,  # type: ignore[arg-type]
    )


def _right(record: RightRecord) -> RightReport:
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
    )


@pytest.fixture
def portfolio() -> AuditReport:
    rights = [
        _right(_record(1, "CN 202010123456.2", "一种固态电池电极及其制备方法", HOLDER)),
        _right(_record(2, "CN 202120654321.0", None, VAULT, status=RightStatus.FROZEN, dispute_locked=True)),
    ]
    return AuditReport(
        scope="all",
        chain_id=31337,
        registry="0x" + "5f" * 20,
        vault=VAULT,
        block=9,
        block_time=NOW,
        verdict="verified",
        rights=rights,
    )


def test_portfolio_rows_name_each_right_by_number_and_title(portfolio: AuditReport) -> None:
    first, second = portfolio_rows(portfolio)
    assert (first.number, first.title, first.holder, first.held_by_vault) == (
        "CN 202010123456.2",
        "一种固态电池电极及其制备方法",
        HOLDER,
        False,
    )
    assert first.status is RightStatus.ACTIVE and not first.dispute_locked
    assert second.title is None and second.held_by_vault and second.status is RightStatus.FROZEN
    assert second.dispute_locked


@pytest.mark.parametrize("lang", LANGS)
def test_the_summary_table_in_every_language(portfolio: AuditReport, lang: str) -> None:
    t = translator(parse_lang(lang))
    table = ET.fromstring(portfolio_table(portfolio, t).split("</h2>", 1)[1])
    head = [cell.text for cell in table.iter("th")]
    assert head == [t(f"portfolio.{key}") for key in ("number", "title", "holder", "status", "verdict")]
    rows = [["".join(cell.itertext()) for cell in row.iter("td")] for row in table.find("tbody") or []]
    assert rows[0][:4] == ["CN 202010123456.2", "一种固态电池电极及其制备方法", HOLDER, t("status.active")]
    assert rows[1][1] == t("right.untitled") and rows[1][2] == VAULT + t("holder.vault_note")
    assert t("status.frozen") in rows[1][3] and t("status.dispute_locked") in rows[1][3]


@pytest.mark.parametrize("lang", LANGS)
def test_a_page_in_every_language(portfolio: AuditReport, lang: str) -> None:
    page = report_html(portfolio, parse_lang(lang))
    t = translator(parse_lang(lang))
    assert f'<html lang="{lang}">' in page and FONT_FAMILIES[lang] in page
    for family in ('"Noto Sans CJK SC"', '"Noto Sans CJK TC"', '"Microsoft YaHei"', '"Microsoft JhengHei"'):
        assert family in page
    assert page.index(t("portfolio.heading")) < page.index('<section class="right"')
    heading = '<span class="title">一种固态电池电极及其制备方法</span> <span class="number">CN 202010123456.2</span>'
    assert heading in page
    ET.fromstring(page.split("\n", 1)[1])  # still well-formed XML
    if lang != "en":
        assert "Audit report" not in page and "Checks" not in page


def test_a_right_report_has_no_summary_table(portfolio: AuditReport) -> None:
    single = portfolio.model_copy(update={"scope": "token", "rights": portfolio.rights[:1]})
    assert "portfolio" not in report_html(single)
