"""The pages in zh-Hans, zh-Hant and English on a real chain: search (Chinese included), a right's page (record,
badges, timeline, licences, attestations, loans, cap table with its block/date picker, the verification form and
its two kinds of trust), a holder's portfolio, a share token; the language from ?lang=, the cookie or
Accept-Language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from ipledger import Ledger
from ipledger.audit._report_i18n import LANGS
from ipledger.web._i18n import web_translator
from web_support import World, explorer_client, explorer_world, head_hash


@pytest.fixture(scope="module")
def world(ledger: Ledger, investors: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> World:
    return explorer_world(ledger, tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def client(ledger: Ledger, world: World) -> Iterator[TestClient]:
    with explorer_client(world.index_path, ledger, sync=False) as client:
        yield client


def _page(client: TestClient, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text[-2000:]
    assert response.headers["content-type"].startswith("text/html")
    assert "<script" not in response.text  # every page works without JavaScript
    assert "http://testserver" not in response.text  # links are paths: right behind a proxy too
    assert "script-src" not in response.headers["content-security-policy"]  # no script may run, none from elsewhere
    assert "default-src 'none'" in response.headers["content-security-policy"]
    return response.text


@pytest.mark.parametrize("lang", LANGS)
def test_a_right_s_page_in_each_language(client: TestClient, world: World, ledger: Ledger, lang: str) -> None:
    t = web_translator(lang)  # type: ignore[arg-type]
    html = _page(client, f"/rights/{hex(world.cn_token)}?lang={lang}")
    assert f'<html lang="{lang}">' in html
    numbers = ledger.get(world.cn_token).numbers
    for fact in (world.cn_title, *numbers, t("kind.patent"), t("record.heading")):
        assert fact in html, fact
    assert "上海某某新能源科技有限公司" in html and "李伟" in html
    summary = html[html.index('id="summary"') : html.index('id="record"')]
    assert t("kind.patent") in summary and "CN" in summary
    assert 'data-badge="active"' in html and t("status.active") in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="timeline"' in html
    for heading in ("licences.heading", "attestations.heading", "pledges.heading", "web.cap_heading"):
        assert t(heading) in html, heading
    assert t("claim.TITLE_VERIFIED") in html and t("state.in_force") in html
    assert f'data-holder="{ledger.address_of("dev2")}"' in html
    assert t("web.verify_heading") in html and 'name="checkpoint"' in html


@pytest.mark.parametrize(
    ("which", "badge"),
    [
        ("pledged_token", "pledged"),
        ("frozen_token", "frozen"),
        ("revoked_token", "revoked"),
        ("disputed_token", "disputed"),
    ],
)
def test_status_badges(client: TestClient, world: World, which: str, badge: str) -> None:
    t = web_translator("zh-Hant")
    html = _page(client, f"/rights/{hex(getattr(world, which))}?lang=zh-Hant")
    assert f'data-badge="{badge}"' in html
    assert t(f"status.{badge}" if badge in ("frozen", "revoked") else f"web.badge_{badge}") in html


def test_the_cap_table_picker_is_a_plain_form(client: TestClient, world: World, ledger: Ledger) -> None:
    html = _page(client, f"/rights/{hex(world.cn_token)}?block={world.split_block}&lang=en")
    section = html[html.index('id="cap-table"') :]
    assert re.search(r'<form class="picker" method="get" action="/rights/0x[0-9a-f]+#cap-table">', section)
    assert f"Shareholders at block {world.split_block}" in section
    holders = re.findall(r'data-holder="(0x[0-9a-fA-F]{40})"', section.split('id="verify"')[0])
    assert holders == [ledger.address_of("dev1")]
    before = _page(client, f"/rights/{hex(world.cn_token)}?block={world.split_block - 1}&lang=en")
    assert f"The right was not split into shares at block {world.split_block - 1}." in before
    dated = _page(client, f"/rights/{hex(world.cn_token)}?date=2099-01-01&lang=en")
    assert f'data-holder="{ledger.address_of("dev2")}"' in dated


@pytest.mark.parametrize("lang", LANGS)
def test_search_page_in_chinese(client: TestClient, world: World, lang: str) -> None:
    t = web_translator(lang)  # type: ignore[arg-type]
    html = _page(client, f"/?q={quote('浏览器检索')}&lang={lang}")
    assert f'data-token="{hex(world.cn_token)}"' in html
    assert t("web.matched.title") in html and world.cn_title in html
    by_number = _page(client, f"/?q={quote(world.cn_number)}&lang={lang}")
    assert f'href="/rights/{hex(world.cn_token)}"' in by_number
    nothing = _page(client, f"/?q=nothing-matches-this-{world.cn_token}&lang={lang}")
    assert t("web.no_results", query=f"nothing-matches-this-{world.cn_token}") in nothing


def test_holder_and_share_token_pages(client: TestClient, world: World, ledger: Ledger) -> None:
    dev2 = ledger.address_of("dev2")
    assigned = _page(client, f"/holders/{world.us_holder}?lang=en")
    assert world.us_title in assigned and f'data-token="{hex(world.us_token)}"' in assigned
    html = _page(client, f"/holders/{dev2}?lang=en")
    assert world.share_symbol in html and f'data-share-token="{world.share_token}"' in html
    lender = _page(client, f"/holders/{ledger.address_of('dev6')}?lang=zh-Hans")
    assert f'data-loan="{world.right_loan}"' in lender and f'data-loan="{world.shares_loan}"' in lender
    then = _page(client, f"/holders/{dev2}?block={world.split_block}")
    assert f'data-share-token="{world.share_token}"' not in then
    shares = _page(client, f"/shares/{world.share_token}?lang=zh-Hant")
    t = web_translator("zh-Hant")
    assert t("web.share_heading", symbol=world.share_symbol) in shares and world.cn_title in shares
    assert f'data-holder="{dev2}"' in shares and 'data-eligible="true"' in shares
    assert t("web.share_pools") in shares


def test_the_language_is_remembered_and_negotiated(client: TestClient, world: World) -> None:
    url = f"/rights/{hex(world.us_token)}"
    client.cookies.clear()
    assert '<html lang="zh-Hant">' in _page(client, url, **{"accept-language": "zh-TW,zh;q=0.8,en;q=0.5"})
    assert '<html lang="zh-Hans">' in _page(client, url, **{"accept-language": "zh-CN,en;q=0.5"})
    assert '<html lang="en">' in _page(client, url, **{"accept-language": "fr-FR,en;q=0.5"})
    refused = client.get(f"{url}?lang=klingon")
    assert refused.status_code == 400 and "lang" not in refused.cookies
    chosen = client.get(f"{url}?lang=zh-Hans")
    assert chosen.cookies.get("lang") == "zh-Hans"
    assert '<html lang="zh-Hans">' in _page(client, url, **{"accept-language": "en"})
    client.cookies.clear()
    for code in LANGS:  # the switcher links every language, keeping the query
        assert f'hreflang="{code}"' in _page(client, f"{url}?block=1") or code == "en"


def test_the_verification_form_says_whom_you_trust(client: TestClient, world: World, ledger: Ledger) -> None:
    checkpoint = head_hash(ledger)
    t = web_translator("en")
    html = _page(client, f"/rights/{hex(world.us_token)}?checkpoint={checkpoint}&lang=en")
    assert 'data-verdict="verified"' in html
    assert t("web.verify_server") in html and t("web.verify_self") in html
    assert "(you trust the server)" in html and "(you trust only the checkpoint)" in html
    bundle = re.search(r'href="([^"]*/proof-bundle\?checkpoint=0x[0-9a-f]{64})"', html)
    assert bundle is not None and client.get(bundle.group(1).replace("&amp;", "&")).status_code == 200
    assert f"ipledger verify --bundle proof-bundle-{hex(world.us_token)}-" in html
    assert f"--trust-block-hash {checkpoint}" in html


def test_a_holder_s_rights_come_in_pages(
    client: TestClient, world: World, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ipledger.web._pages as pages

    dev1 = ledger.address_of("dev1")
    held = client.get(f"/api/holders/{dev1}/portfolio").json()["rights"]
    monkeypatch.setattr(pages, "_RIGHTS_PER_PAGE", 1)
    first = _page(client, f"/holders/{dev1}?lang=en")
    assert len(re.findall(r'<tr data-token="', first)) == 1
    if len(held) > 1:
        assert f"Page 1 of {len(held)} ({len(held)} rights)" in first and 'rel="next"' in first
    last = _page(client, f"/holders/{dev1}?lang=en&page={len(held)}")
    assert f'data-token="{held[-1]["token_id"]}"' in last
    beyond = client.get(f"/holders/{dev1}?page={len(held) + 1}")
    assert beyond.status_code == 400 and f"a page from 1 to {len(held)}" in beyond.text


def test_the_summary_says_pledges_and_revocations(client: TestClient, world: World, ledger: Ledger) -> None:
    pledged = _page(client, f"/rights/{hex(world.pledged_token)}?lang=en")
    summary = pledged[pledged.index('id="summary"') : pledged.index('id="record"')]
    assert "pledged to 0x" in summary and "Held by" in summary
    revoked = _page(client, f"/rights/{hex(world.revoked_token)}?lang=en")
    assert "Revoked on" in revoked[revoked.index('id="summary"') : revoked.index('id="record"')]


def test_pledged_shares_are_written_in_whole_shares(client: TestClient, world: World, ledger: Ledger) -> None:
    whole = f"100 {world.share_symbol}"  # dev1 pledged 100 shares (18 decimals) to dev6
    base_units = "100,000,000,000,000,000,000"
    right = _page(client, f"/rights/{hex(world.cn_token)}?lang=en")
    pledges = right[right.index('id="summary"') : right.index('id="cap-table"')]
    assert whole in pledges and base_units not in pledges
    holder = _page(client, f"/holders/{ledger.address_of('dev1')}?lang=en")
    assert whole in holder and base_units not in holder
