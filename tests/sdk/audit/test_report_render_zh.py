"""A right registered with a Chinese title, reported in zh-Hans, zh-Hant and en and rendered in real headless
Chromium: the DOM Chromium builds carries the title, the inventors, the share token's Chinese name and the
translated headings, and the page prints to a PDF and a screenshot (with the Noto CJK fonts, where installed)."""

from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path

import pytest
from ipledger import IPMetadata, Ledger, build_report, render_report
from ipledger.audit._report_i18n import LANGS, Lang, translator
from render_support import CHROMIUM, chinese_fonts, run_chromium
from share_support import ONE

TITLE = "一种固态电池电极及其制备方法"
SHARES = "固态电池专利份额"


@pytest.fixture(scope="module")
def chinese_right(ledger: Ledger, investors: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> int:
    """CN patent ZL 2020 1 0123456.2 (inventors 李伟 and 张敏) registered to dev1, assigned to dev2 and
    fractionalized by dev2 into shares named 固态电池专利份额."""
    folder = tmp_path_factory.mktemp("cn-patent")
    documents = []
    for name, text in (("claims.txt", "权利要求书：1. 一种固态电池电极……"), ("description.txt", "说明书")):
        path = folder / name
        path.write_text(text, "utf-8")
        documents.append(path)
    metadata = IPMetadata(
        title=TITLE,
        kind="patent",
        jurisdiction="CN",
        number="ZL 2020 1 0123456.2",
        inventors=("李伟", "张敏"),
        assignee="示例固态能源有限公司",
        filing_date=dt.date(2020, 2, 14),
        grant_date=dt.date(2022, 8, 9),
        abstract="本发明公开了一种固态电池电极及其制备方法，提高了界面稳定性。",
    )
    token = ledger.register(metadata, documents, to="dev1").token_id
    deed = folder / "deed.txt"
    deed.write_text("专利权转让合同", "utf-8")
    ledger.use("dev1").rights.assign(token, "dev2", deed)
    ledger.use("dev2").shares.fractionalize(token, SHARES, "SSB", 1_000 * ONE)
    return token


def test_the_report_names_the_right_and_its_shares(ledger: Ledger, chinese_right: int) -> None:
    report = build_report(ledger, token=chinese_right)
    (right,) = report.rights
    assert right.record is not None and right.record.title == TITLE
    assert right.record.primary_number == "CN 202010123456.2"
    assert right.cap_table is not None and right.cap_table.name == SHARES
    assert next(event for event in right.events if event.kind == "fractionalized").share_name == SHARES
    page = render_report(report, "html", "zh-Hans").decode()
    assert f'<span class="title">{TITLE}</span> <span class="number">CN 202010123456.2</span>' in page
    assert page.count(SHARES) >= 2  # the event's sentence and the shareholders' heading


def test_a_portfolio_report_opens_with_its_rights(ledger: Ledger, chinese_right: int) -> None:
    report = build_report(ledger, all_rights_=True)
    page = render_report(report, "html", "zh-Hant").decode()
    table = page[page.index('<table class="portfolio">') : page.index('<section class="right"')]
    assert "本報告所列權利" in page and TITLE in table and "CN 202010123456.2" in table
    assert "份額保管庫" in table  # the holder of the fractionalized right


def _pdf_text(pdf: bytes) -> bytes:
    """The PDF's bytes with its Flate streams inflated (font names may sit in compressed object streams)."""
    parts = [pdf]
    for chunk in pdf.split(b"stream")[1:]:
        try:
            parts.append(zlib.decompress(chunk.lstrip(b"\r\n")))
        except zlib.error:
            continue
    return b"".join(parts)


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)"
)
@pytest.mark.parametrize("lang", LANGS)
def test_chinese_reports_render_in_headless_chromium(
    ledger: Ledger, chinese_right: int, tmp_path: Path, lang: Lang
) -> None:
    families, no_fonts = chinese_fonts()
    t = translator(lang)
    page = tmp_path / f"report.{lang}.html"
    page.write_bytes(render_report(build_report(ledger, token=chinese_right), "html", lang))

    dom = run_chromium("--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert f'<html lang="{lang}">' in dom.stdout
    for text in (TITLE, "CN 202010123456.2", "李伟", "张敏", SHARES):
        assert text in dom.stdout, text
    for key in ("checks.heading", "custody.heading", "events.heading", "record.heading", "legend.bar"):
        assert t(key) in dom.stdout, key
    assert t("verdict.verified") in dom.stdout and t("kind.patent") in dom.stdout
    if lang != "en":
        assert "Custody" not in dom.stdout and "What happened" not in dom.stdout

    screenshot, pdf = tmp_path / f"shot.{lang}.png", tmp_path / f"report.{lang}.pdf"
    shot = run_chromium("--window-size=1200,1600", f"--screenshot={screenshot}", page.as_uri())
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and screenshot.stat().st_size > 10_000
    printed = run_chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert printed.returncode == 0, printed.stderr[-2000:]
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    assert [line for line in shot.stderr.splitlines() if "CONSOLE" in line and "rror" in line] == []
    if no_fonts is None and any("Noto Sans CJK" in family for family in families):
        assert b"NotoSansCJK" in _pdf_text(pdf.read_bytes())  # the Chinese text was set in a CJK face
