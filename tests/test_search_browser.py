"""Search that forgives, used like a reader in headless Chromium on the bundled site.

Other forms of a word, misspellings and words that match nothing; results in
score order, a title holding the query's phrase first. papers.json (the
titles and abstracts the reader sees) is the oracle.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from .test_browser import _search

RESULT_TIMEOUT = 15000


def _papers(bundled: Path) -> dict[str, dict]:
    papers = json.loads((bundled / "site" / "papers.json").read_text(encoding="utf-8"))
    return {paper["id"]: paper for paper in papers}


def _paper_results(page: Page, papers: dict[str, dict]) -> list[dict]:
    """Return the papers of the result list, in the order shown (waiting for the first)."""
    page.locator(".md-search-result__item").first.wait_for(timeout=RESULT_TIMEOUT)
    hrefs = page.locator(".md-search-result__item a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    anchors = [href.split("#", 1)[1] for href in hrefs if "#" in href]
    return [papers[anchor] for anchor in anchors if anchor in papers]


def _words(paper: dict) -> list[str]:
    return re.findall(r"\w\w+", f"{paper['title']} {paper['abstract']}".lower())


def test_a_word_finds_papers_that_write_another_form_of_it(page: Page, site_url: str, bundled: Path):
    papers = _papers(bundled)
    page.goto(site_url)
    _search(page, "pruned")
    found = _paper_results(page, papers)
    # Every result writes a form of "prune"; some only "pruning", never "pruned".
    assert all(any(word.startswith("prun") for word in _words(paper)) for paper in found)
    other_forms = [paper for paper in found if "pruned" not in _words(paper)]
    assert other_forms, "no result that says pruning but not pruned"
    marked = page.locator(".md-search-result__item mark").all_inner_texts()
    assert any(text.lower() == "pruning" for text in marked)


def _holds(paper: dict, starts: tuple[str, ...]) -> bool:
    words = _words(paper)
    return all(any(word.startswith(start) for word in words) for start in starts)


def test_a_misspelt_word_finds_the_closest_indexed_word(page: Page, site_url: str, bundled: Path):
    papers = _papers(bundled)
    page.goto(site_url)
    _search(page, "speculative decodng")
    found = _paper_results(page, papers)
    holding = [_holds(paper, ("speculative", "decod")) for paper in found]
    # Papers with both words come first; any after them lack one, and say so.
    assert holding[0] and holding == sorted(holding, reverse=True)
    assert page.locator(".md-search-result__item").first.locator("del").count() == 0  # corrected, not left out
    marked = {text.lower() for text in page.locator(".md-search-result__item mark").all_inner_texts()}
    assert "decoding" in marked


def test_british_spelling_finds_the_american_one(page: Page, site_url: str, bundled: Path):
    papers = _papers(bundled)
    page.goto(site_url)
    _search(page, "quantisation")
    found = _paper_results(page, papers)
    assert len(found) >= 5
    assert all(any(word.startswith("quantiz") for word in _words(paper)) for paper in found)


def test_a_word_that_matches_nothing_is_left_out_and_shown_as_missing(page: Page, site_url: str, bundled: Path):
    papers = _papers(bundled)
    page.goto(site_url)
    _search(page, "kv cache zzyzx")
    found = _paper_results(page, papers)
    assert found
    # The other words, or words of their stems ("caching"), in every one of the first ten.
    assert all(_holds(paper, ("kv", "cach")) for paper in found[:10])
    assert page.get_by_text("No matching documents").count() == 0
    # Material's own "Missing" line, on the results, names the word left out.
    missing = page.locator(".md-search-result__terms").first
    assert missing.locator("del").inner_text() == "zzyzx"


def test_a_title_holding_the_phrase_comes_first(page: Page, site_url: str, bundled: Path):
    papers = _papers(bundled)
    page.goto(site_url)
    _search(page, "information bottleneck")
    found = _paper_results(page, papers)
    holding = [paper for paper in papers.values() if "information bottleneck" in paper["title"].lower()]
    assert len(holding) >= 2
    first = found[: len(holding)]
    assert all("information bottleneck" in paper["title"].lower() for paper in first), [p["title"] for p in first]


def test_results_are_shown_in_score_order_across_pages(page: Page, site_url: str, bundled: Path):
    papers = _papers(bundled)
    page.goto(site_url)
    _search(page, "kv cache eviction")
    found = _paper_results(page, papers)
    # The first result's title holds the phrase; a page's papers need not all come before the next page's.
    assert "kv cache eviction" in found[0]["title"].lower()
    pages = [paper["url"].split("#")[0] for paper in found[:10]]
    runs = [url for index, url in enumerate(pages) if index == 0 or url != pages[index - 1]]
    assert len(runs) >= len(set(pages))


def test_papers_lacking_a_word_follow_and_name_the_word_they_lack(page: Page, site_url: str, bundled: Path):
    papers = _papers(bundled)
    page.goto(site_url)
    _search(page, "speculative recommender")
    page.locator(".md-search-result__item").first.wait_for(timeout=RESULT_TIMEOUT)
    shown = page.locator(".md-search-result__item a").evaluate_all(
        "links => links.filter(a => a.getAttribute('href').includes('#'))"
        ".map(a => [a.getAttribute('href').split('#')[1], [...a.querySelectorAll('del')].map(d => d.textContent)])"
    )
    shown = [(anchor, struck) for anchor, struck in shown if anchor in papers]  # not a hand-written page's section
    assert shown
    starts = {"speculative": "specul", "recommender": "recommend"}
    lacking = []
    for anchor, struck in shown:
        words = _words(papers[anchor])
        lacks = sorted(term for term, start in starts.items() if not any(word.startswith(start) for word in words))
        assert sorted(struck) == lacks, papers[anchor]["title"]
        lacking.append(len(lacks))
    assert lacking == sorted(lacking)  # every paper with both words before any that lacks one


def test_a_word_only_hand_written_pages_hold_finds_them_and_is_not_corrected(page: Page, site_url: str):
    page.goto(site_url)
    # Only the home page has "newest" (no paper has a word it starts, shares a stem with, or is one edit from).
    _search(page, "newest")
    first = page.locator(".md-search-result__item a").first
    first.wait_for(timeout=RESULT_TIMEOUT)
    assert first.get_attribute("href").split("?")[0].split("#")[0] == site_url
    assert page.locator(".md-search-result__item").first.locator("del").count() == 0


@pytest.mark.parametrize("word", ["constructor", "__proto__"])
def test_words_that_name_javascript_object_members_are_plain_words(page: Page, site_url: str, bundled: Path, word: str):
    papers = _papers(bundled)
    page.goto(site_url)
    _search(page, f"{word} quantization")
    found = _paper_results(page, papers)
    assert found and all(_holds(paper, ("quantiz",)) for paper in found[:5])
