"""Debian's Chromium driven by Playwright for the explorer's browser tests: the system browser, never a download.

``browser`` (session) launches ``/usr/bin/chromium`` headless; ``browser_page`` opens a fresh page per test (a
desktop or, with ``phone_page``, a 375-pixel-wide one) and, when the test fails, keeps a full-page screenshot and the
page's HTML in ``$IPLEDGER_TEST_ARTEFACTS`` (default ``build/test-artefacts``) for whoever reads the failure. Both
skip with the reason where Chromium or Playwright is missing (`make test-sdk` installs Chromium with apt as root).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from render_support import CHROMIUM

__all__ = ["ARTEFACTS", "browser", "browser_page", "keep_failure_artefacts", "phone_page"]

ARTEFACTS = Path(os.environ.get("IPLEDGER_TEST_ARTEFACTS", "build/test-artefacts"))
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's) under Playwright, for the whole session."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (as root) to run the browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        try:
            yield launched
        finally:
            launched.close()


def _page(browser: Any, request: pytest.FixtureRequest, viewport: dict[str, int]) -> Iterator[Any]:
    context = browser.new_context(viewport=viewport, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        keep_failure_artefacts(request, page)
        context.close()


@pytest.fixture
def browser_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh desktop-sized page; a screenshot and the HTML are kept when the test fails."""
    yield from _page(browser, request, DESKTOP)


@pytest.fixture
def phone_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh phone-width page (375 px); a screenshot and the HTML are kept when the test fails."""
    yield from _page(browser, request, PHONE)


def keep_failure_artefacts(request: pytest.FixtureRequest, page: Any) -> None:
    """Keeps a full-page screenshot and the HTML of ``page`` when the running test failed (the report the
    conftest's ``pytest_runtest_makereport`` hook attaches to the item)."""
    report = getattr(request.node, "rep_call", None)
    if report is None or not report.failed:
        return
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
    try:
        page.screenshot(path=str(ARTEFACTS / f"{stem}.png"), full_page=True)
        (ARTEFACTS / f"{stem}.html").write_text(page.content(), "utf-8")
    except Exception as exc:  # noqa: BLE001 - a dead page must not hide the test's own failure
        (ARTEFACTS / f"{stem}.txt").write_text(f"no screenshot: {exc}\n", "utf-8")
