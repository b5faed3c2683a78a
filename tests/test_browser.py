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
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}") if response.status >= 400 else None)
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


def test_home_shows_numbers_and_chart(page: Page, site_url: str):
    page.goto(site_url)
    numbers = page.locator(".digest-numbers").inner_text()
    assert "393 papers" in " ".join(numbers.split())
    chart = page.locator("img.digest-chart")
    chart.scroll_into_view_if_needed()
    assert chart.get_attribute("alt").startswith("Chart of dated papers per month")
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", chart.element_handle())
    assert page.locator(".grid.cards li").count() >= 5


def test_topic_page_lists_entries_newest_first(page: Page, site_url: str):
    page.goto(site_url + "digest/kv-cache/")
    metas = page.locator("article h2 + p .digest-meta").all_inner_texts()
    dates = [m.split(" · ")[0].removeprefix("listed ") for m in metas]
    dated = [d for d in dates if d[:4].isdigit()]
    assert len(dated) >= 5
    assert dated == sorted(dated, reverse=True)


def _follow(page: Page, label: str) -> None:
    """Click the first link after `label:` in an entry and check it lands on that entry."""
    paragraph = page.locator("article p", has=page.locator(f"strong:text-is('{label}:')")).first
    link = paragraph.locator("a").first
    title = link.inner_text()
    href = link.get_attribute("href")
    link.click()
    anchor = href.split("#")[1]
    page.wait_for_url(f"**#{anchor}")
    target = page.locator(f"[id='{anchor}']")
    target.wait_for()
    assert target.is_visible()
    assert target.inner_text().strip().rstrip("¶").strip() == title


@pytest.mark.parametrize("label", ["Related", "Mentioned by", "Mentions"])
def test_entry_links_land_on_the_right_entry(page: Page, site_url: str, label: str):
    page.goto(site_url + "digest/kv-cache/")
    _follow(page, label)


def test_also_in_lists_the_paper_on_the_other_topic(page: Page, site_url: str):
    page.goto(site_url + "digest/kv-cache/")
    paragraph = page.locator("article p", has=page.locator("strong:text-is('Also in:')")).first
    entry_title = paragraph.locator("xpath=preceding::h2[1]").inner_text().rstrip("¶").strip()
    paragraph.locator("a").first.click()
    page.wait_for_load_state()
    short_line = page.locator("#digest-also-here ~ div ul a", has_text=entry_title[:40])
    assert short_line.count() == 1
    short_line.click()
    page.wait_for_url("**/kv-cache/#*")


@pytest.mark.parametrize("query, title_start", [("SnapKV", "SnapKV:"), ("jy-yuan/KIVI", "KIVI:")])
def test_search_finds_method_and_repository_names(page: Page, site_url: str, query: str, title_start: str):
    page.goto(site_url)
    search = page.locator("input.md-search__input")
    search.click()
    search.fill(query)
    result = page.locator(".md-search-result__item", has_text=title_start).first
    result.wait_for(timeout=15000)


def test_abstract_expands(page: Page, site_url: str):
    page.goto(site_url + "digest/kv-cache/")
    details = page.locator("details.digest-more").first
    hidden = details.locator("p").first
    assert not hidden.is_visible()
    details.locator("summary").click()
    hidden.wait_for(state="visible")
    assert details.get_attribute("open") is not None
