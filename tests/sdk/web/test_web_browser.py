"""The explorer in a real browser: Debian's Chromium under Playwright, on a live server (uvicorn on loopback) over the
index of real rights on the session's anvil.

Search (a Chinese title substring typed into the box), a right's page with its custody timeline drawn, the cap
table's date and block picker, the trusted verification succeeding against an honest node and failing through a
lying one (the proof bundle offered either way), the three languages by the switcher, a phone-width screen, and a
malformed URL answered with what was expected. A failed test keeps a screenshot and the page's HTML
(browser_support.py).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from chain_support import reader_through
from ipledger import Ledger, NodeInfo
from ipledger.chain._events import TOPIC_OF
from ipledger.web import create_app
from rpc_proxy import lying_proxy
from web_support import World, explorer_world, head_hash


@pytest.fixture(scope="module")
def world(ledger: Ledger, investors: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> World:
    return explorer_world(ledger, tmp_path_factory.mktemp("web"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_explorer(index: Path, ledger: Ledger) -> Iterator[str]:
    """The explorer over ``index`` served by uvicorn on a free loopback port (in a thread); yields its base URL."""
    server = uvicorn.Server(
        uvicorn.Config(create_app(index, ledger, sync=False), host="127.0.0.1", port=_free_port(), log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the explorer did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def explorer(anvil_node: NodeInfo, ledger: Ledger, world: World) -> Iterator[str]:
    with live_explorer(world.index_path, reader_through(anvil_node.rpc_url, ledger)) as url:
        yield url


def test_search_in_chinese_then_the_right_s_page_and_its_timeline(
    explorer: str, world: World, browser_page: Any
) -> None:
    page = browser_page
    page.goto(f"{explorer}/?lang=zh-Hans")
    page.fill("#q", "浏览器检索")
    page.press("#q", "Enter")
    hit = page.locator(f'tr.hit[data-token="{hex(world.cn_token)}"]')
    assert hit.count() == 1
    assert world.cn_title in hit.inner_text()
    hit.locator("a").first.click()
    page.wait_for_url(f"**/rights/{hex(world.cn_token)}**")
    assert world.cn_title in page.locator("h1").inner_text()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    timeline = page.locator("#timeline svg.timeline")
    box = timeline.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 40  # drawn, not just present
    assert timeline.locator("title").count() >= 3  # a marker per act: registration, split, pledge...
    assert page.locator('[data-badge="active"]').is_visible()


def test_search_by_number_as_typed_in_full_width(explorer: str, world: World, browser_page: Any) -> None:
    page = browser_page
    page.goto(f"{explorer}/?lang=en")
    typed = world.cn_number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})  # full-width digits
    page.fill("#q", typed)
    page.press("#q", "Enter")
    assert page.locator(f'tr.hit[data-token="{hex(world.cn_token)}"]').count() == 1


def test_the_cap_table_date_and_block_picker(explorer: str, world: World, ledger: Ledger, browser_page: Any) -> None:
    page = browser_page
    page.goto(f"{explorer}/rights/{hex(world.cn_token)}?lang=en")
    picker = page.locator("#cap-table form.picker")
    picker.locator('input[name="block"]').fill(str(world.split_block))
    picker.locator('button[type="submit"]').click()
    page.wait_for_url(f"**block={world.split_block}**")
    section = page.locator("#cap-table")
    assert f"Shareholders at block {world.split_block}" in section.inner_text()
    holders = section.locator("[data-holder]")
    assert [holders.nth(i).get_attribute("data-holder") for i in range(holders.count())] == [ledger.address_of("dev1")]

    picker = page.locator("#cap-table form.picker")
    picker.locator('input[name="block"]').fill("")
    picker.locator('input[name="date"]').fill("2099-01-01")
    picker.locator('button[type="submit"]').click()
    page.wait_for_url("**date=2099-01-01**")
    held = page.locator("#cap-table [data-holder]")
    addresses = {held.nth(i).get_attribute("data-holder") for i in range(held.count())}
    assert ledger.address_of("dev2") in addresses


def _verify(page: Any, base: str, token: int, checkpoint: str) -> str:
    page.goto(f"{base}/rights/{hex(token)}?lang=en")
    page.fill("#checkpoint", checkpoint)
    page.locator("form.verify button[type='submit']").click()
    page.wait_for_url("**checkpoint=**")
    bundle = page.locator("#self-check a[download]")
    assert bundle.count() == 1 and "proof-bundle" in str(bundle.get_attribute("href"))
    assert f"--trust-block-hash {checkpoint}" in page.locator("#self-check").inner_text()
    return str(page.locator("#server-verdict [data-verdict]").get_attribute("data-verdict"))


def test_the_verification_succeeds_on_an_honest_node(
    explorer: str, world: World, ledger: Ledger, browser_page: Any
) -> None:
    assert _verify(browser_page, explorer, world.us_token, head_hash(ledger)) == "verified"
    assert "you trust the server" in browser_page.locator("#server-verdict").inner_text().lower()


def test_the_verification_fails_through_a_lying_node(
    anvil_node: NodeInfo, world: World, ledger: Ledger, browser_page: Any
) -> None:
    checkpoint = head_hash(ledger)
    with (
        lying_proxy(anvil_node.rpc_url, lie="drop", topic=TOPIC_OF["Assigned"]) as (proxy_url, proxy),
        live_explorer(world.index_path, reader_through(proxy_url, ledger)) as lied_to,
    ):
        verdict = _verify(browser_page, lied_to, world.us_token, checkpoint)
    assert proxy.lies_told > 0
    assert verdict == "inconclusive"
    failed = browser_page.locator('#server-verdict tr[data-check="history"] td.bad')
    assert failed.count() == 1


@pytest.mark.parametrize(
    ("lang", "html_lang"), [("zh-Hans", "zh-Hans"), ("zh-Hant", "zh-Hant"), ("en", "en")], ids=["hans", "hant", "en"]
)
def test_the_language_switcher(explorer: str, world: World, browser_page: Any, lang: str, html_lang: str) -> None:
    page = browser_page
    start = "en" if lang != "en" else "zh-Hans"
    page.goto(f"{explorer}/rights/{hex(world.cn_token)}?lang={start}")
    page.locator(f'nav.languages a[hreflang="{lang}"]').click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == html_lang
    # the choice is remembered: a page opened without ?lang= comes in the same language
    page.goto(f"{explorer}/holders/{page.locator('[data-holder]').first.get_attribute('data-holder')}")
    assert page.locator("html").get_attribute("lang") == html_lang


def test_a_phone_width_screen(explorer: str, world: World, phone_page: Any) -> None:
    page = phone_page
    for url in (f"/rights/{hex(world.cn_token)}?lang=zh-Hans", "/?q=Explorer&lang=en", f"/shares/{world.share_token}"):
        page.goto(explorer + url)
        # wide tables scroll inside their boxes; the page itself never scrolls sideways
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{url} is {width} px wide on a 375 px screen"
        assert page.locator("#q").is_visible()


def test_a_malformed_url_says_what_was_expected(explorer: str, browser_page: Any) -> None:
    page = browser_page
    answer = page.goto(f"{explorer}/rights/CN%20abc?lang=en")
    assert answer is not None and 400 <= answer.status < 500
    text = page.locator("main").inner_text()
    assert "CN abc" in text or "expected" in text.lower()
    answer = page.goto(f"{explorer}/holders/0x1234?lang=en")
    assert answer is not None and answer.status == 400
    assert "address" in page.locator("main").inner_text().lower()
