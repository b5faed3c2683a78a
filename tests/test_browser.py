"""Open the built bundled site in headless Chromium and use it like a reader."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def site_url(bundled: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(bundled / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "install Chromium: apt-get install -y chromium (make test does it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def test_search_finds_a_paper_by_title_and_reaches_its_entry(page: Page, site_url: str, bundled: Path):
    papers = json.loads((bundled / "site" / "papers.json").read_text(encoding="utf-8"))
    snapkv = next(p for p in papers if p["title"].startswith("SnapKV:"))
    page.goto(site_url)
    search = page.locator("input.md-search__input")
    search.click()
    search.fill("SnapKV LLM Knows What You are Looking")
    result = page.locator(".md-search-result__item a", has_text="SnapKV").first
    result.wait_for(timeout=15000)
    result.click()
    page.wait_for_url(f"**/{snapkv['url'].split('#')[0]}*")
    assert page.url.endswith("#" + snapkv["id"])
    heading = page.locator(f"[id='{snapkv['id']}']")
    assert heading.is_visible()
    assert heading.inner_text().startswith("SnapKV: LLM Knows What You are Looking for")
