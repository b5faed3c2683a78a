"""Open the built bundled site in headless Chromium and use it like a reader."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page

from .conftest import serve_site


def _search(page: Page, query: str) -> None:
    """Enter a query as after a paste: set the box, then release one key (Material queries on keyup)."""
    search = page.locator("input.md-search__input")
    search.click()
    search.fill(query)
    search.press("End")


def test_search_finds_a_paper_by_title_and_reaches_its_entry(page: Page, site_url: str, bundled: Path):
    papers = json.loads((bundled / "site" / "papers.json").read_text(encoding="utf-8"))
    snapkv = next(p for p in papers if p["title"].startswith("SnapKV:"))
    page.goto(site_url)
    _search(page, "SnapKV LLM Knows What You are Looking")
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
    metas = page.locator("article h2 + .digest-entry .digest-meta").all_inner_texts()
    # The date shown first (published, else listed) is the one entries are ordered by.
    dates = [m.split(" · ")[0].removeprefix("published ").removeprefix("listed ") for m in metas]
    dated = [d for d in dates if d[:4].isdigit()]
    assert len(dated) >= 5
    assert dated == sorted(dated, reverse=True)


def _follow(page: Page, label: str) -> None:
    """Click the first link after `label:` in an entry and check it lands on that entry (whose title the link shortens)."""
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
    assert target.inner_text().strip().rstrip("¶").strip().startswith(title.removesuffix("…"))


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
    _search(page, query)
    result = page.locator(".md-search-result__item", has_text=title_start).first
    result.wait_for(timeout=15000)


def test_search_groups_papers_under_their_topic_page_and_marks_the_words(page: Page, site_url: str, bundled: Path):
    papers = json.loads((bundled / "site" / "papers.json").read_text(encoding="utf-8"))
    page.goto(site_url)
    _search(page, "quantiz")  # a prefix, as while typing
    first = page.locator(".md-search-result__item").first
    first.wait_for(timeout=15000)
    group = first.locator("h1").inner_text()
    entries = first.locator("a:has(h2)")
    assert entries.count() >= 2
    page_url = entries.first.get_attribute("href").split("#")[0].split("?")[0]
    for index in range(entries.count()):
        href = entries.nth(index).get_attribute("href")
        anchor = href.split("#")[1]
        paper = next(p for p in papers if p["id"] == anchor)
        assert href.split("#")[0].split("?")[0] == page_url
        assert site_url + paper["url"].split("#")[0] == page_url
        assert "quantiz" in (paper["title"] + paper["abstract"]).lower()
    topics = yaml.safe_load((bundled / "digest.yml").read_text(encoding="utf-8"))["topics"]
    assert group in {topic["title"] for topic in topics}
    assert first.locator("mark").first.inner_text().lower().startswith("quantiz")


def test_search_still_finds_hand_written_pages(page: Page, site_url: str):
    page.goto(site_url)
    _search(page, "appears once in full")
    result = page.locator(".md-search-result__item a").first
    result.wait_for(timeout=15000)
    assert result.get_attribute("href").split("?")[0].split("#")[0] == site_url


def test_search_loads_only_part_of_the_index(page: Page, site_url: str, bundled: Path):
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(site_url)
    _search(page, "SnapKV")
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    buckets = [url for url in fetched if "/search/digest/docs/" in url]
    all_buckets = list((bundled / "site" / "search" / "digest" / "docs").iterdir())
    assert 1 <= len(buckets) < len(all_buckets) / 2


def test_abstract_expands(page: Page, site_url: str):
    page.goto(site_url + "digest/kv-cache/")
    details = page.locator("details.digest-more").first
    hidden = details.locator("p").first
    assert not hidden.is_visible()
    details.locator("summary").click()
    hidden.wait_for(state="visible")
    assert details.get_attribute("open") is not None


@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    yield from serve_site(hostile_site / "site")


@pytest.mark.parametrize("query, shown", [
    ("Scripted Title", "<script>alert('title')</script> Scripted Title"),
    ("onerror", "<img src=x onerror=alert(2)>"),
])
def test_search_results_show_hostile_text_as_text(page: Page, hostile_url: str, query: str, shown: str):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(hostile_url)
    _search(page, query)
    result = page.locator(".md-search-result__item").first
    result.wait_for(timeout=15000)
    assert shown in result.inner_text()
    assert result.locator("script, img, iframe, [onerror]").count() == 0
    assert dialogs == []
